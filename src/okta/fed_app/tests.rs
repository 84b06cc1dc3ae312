use super::*;
use crate::okta::device_auth::tests::tokens;
use crate::okta::device_auth::{Decision, PollReply, Poller, parse_device_authorization};
use crate::okta::web_request::tests::{CASES, json_resp, org, web};
use serde_json::json;

#[test]
fn saml_page_request_and_reply() {
    let o = org();
    let w = web(&o);
    let r = w.saml_page(&WebSsoToken("SSO+TOKEN".into()));
    assert_eq!(r.url, "https://example.okta.com/login/token/sso");
    assert_eq!(w.saml_url(), r.url);
    assert_eq!(r.body(), "token=SSO%2BTOKEN");
    assert_eq!(r.header("accept"), Some("text/html"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(!format!("{r:?}").contains("SSO+TOKEN"));

    let page = std::fs::read(format!("{CASES}B05-sso-page-html-entities.html")).unwrap();
    let ok = Response {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body: page,
    };
    let v = parse_saml_page(&ok, &w.saml_url()).unwrap();
    assert_eq!(v.len(), 1140);
    let bad = Response {
        status: 403,
        reason: "Forbidden".into(),
        ..Default::default()
    };
    assert_eq!(
        parse_saml_page(&bad, &w.saml_url())
            .unwrap_err()
            .to_string(),
        "fetching SAML assertion received API response \"403 Forbidden\""
    );
}

#[test]
fn app_links_request_reply_and_pagination() {
    let o = org();
    let w = web(&o);
    let r = w.app_links(&w.app_links_url(), &tokens());
    assert_eq!(r.method, Method::Get);
    assert_eq!(r.url, "https://example.okta.com/api/v1/users/me/appLinks");
    assert_eq!(r.header("authorization"), Some("Bearer AT-secret"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-okta-aws-cli-operation"), Some("web"));
    assert!(r.body().is_empty());
    assert!(!format!("{r:?}").contains("AT-secret"));

    let mut resp = json_resp(
        200,
        json!([
            {"appInstanceId": "0oa1", "label": "AWS Prod", "appName": "amazon_aws"},
            {"appInstanceId": "0oa2", "label": "Slack", "appName": "slack"},
            {"appInstanceId": "0oa3", "label": "AWS Dev", "appName": "amazon_aws"}
        ]),
    );
    let apps = parse_app_links(&resp).unwrap();
    assert_eq!(
        apps,
        vec![
            FedApp {
                id: "0oa1".into(),
                label: "AWS Prod".into()
            },
            FedApp {
                id: "0oa3".into(),
                label: "AWS Dev".into()
            },
        ]
    );
    assert_eq!(next_page_url(&resp, &o), None);
    resp.headers.push((
        "Link".into(),
        "<https://example.okta.com/api/v1/users/me/appLinks?limit=2>; rel=\"self\"".into(),
    ));
    resp.headers.push((
        "link".into(),
        "<https://example.okta.com/api/v1/users/me/appLinks?after=0oa3&limit=2>; rel=\"next\""
            .into(),
    ));
    assert_eq!(
        next_page_url(&resp, &o).as_deref(),
        Some("https://example.okta.com/api/v1/users/me/appLinks?after=0oa3&limit=2")
    );
    // Both links in one header, next first.
    resp.headers.truncate(1);
    resp.headers.push((
        "Link".into(),
        "</api/v1/users/me/appLinks?after=x>; rel=next, <https://example.okta.com/a>; rel=\"self\""
            .into(),
    ));
    assert_eq!(
        next_page_url(&resp, &o).as_deref(),
        Some("https://example.okta.com/api/v1/users/me/appLinks?after=x")
    );
    // Another origin (host, scheme or port) is never followed.
    for foreign in [
        "https://evil.example.com/api/v1/users/me/appLinks?after=x",
        "http://example.okta.com/api/v1/users/me/appLinks?after=x",
        "https://example.okta.com:444/x",
        "https://example.okta.com@evil.example.com/x",
        "//evil.example.com/x",
    ] {
        resp.headers.truncate(1);
        resp.headers
            .push(("Link".into(), format!("<{foreign}>; rel=\"next\"")));
        assert_eq!(next_page_url(&resp, &o), None, "{foreign}");
    }

    let denied = json_resp(
        403,
        json!({"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"}),
    );
    let err = parse_app_links(&denied).unwrap_err();
    assert_eq!(err.okta_code(), Some("E0000006"));
    assert!(r.method.as_str() == "GET" && r.body_bytes().is_none());
    let not_array = json_resp(200, json!({"a": 1}));
    assert!(
        parse_app_links(&not_array)
            .unwrap_err()
            .to_string()
            .contains("not a JSON array")
    );
    assert!(
        no_fed_apps_error("0oaX")
            .to_string()
            .contains("OIDC app \"0oaX\"")
    );
}

#[test]
fn repeated_apps_are_kept_once_first_seen_wins() {
    let app = |id: &str, label: &str| FedApp {
        id: id.into(),
        label: label.into(),
    };
    let mut apps = Vec::new();
    add_new_apps(&mut apps, vec![app("0oa1", "First"), app("0oa2", "Two")]);
    add_new_apps(&mut apps, vec![app("0oa1", "Again"), app("0oa3", "Three")]);
    add_new_apps(&mut apps, vec![app("0oa2", "Two")]);
    assert_eq!(
        apps,
        vec![
            app("0oa1", "First"),
            app("0oa2", "Two"),
            app("0oa3", "Three")
        ]
    );
}

#[test]
fn quoted_bodies_are_redacted_and_cleaned() {
    let token = "eyJhbGciOiJSUzI1NiJ9Abcdefghijklmnopqrstuvwxyz0123456789ABCDEF";
    let body = format!("<html><b>oops</b> {token} \u{1b}[2J</html>");
    let json_ct = vec![("Content-Type".to_string(), "application/json".to_string())];
    let bad_json = Response {
        status: 200,
        headers: json_ct.clone(),
        body: body.clone().into_bytes(),
        ..Default::default()
    };
    let m1 = parse_device_authorization(&bad_json)
        .unwrap_err()
        .to_string();
    let m2 = parse_app_links(&bad_json).unwrap_err().to_string();
    let mut p = Poller::new(Some(5), Some(600), 0);
    let r400 = Response {
        status: 400,
        body: body.clone().into_bytes(),
        ..Default::default()
    };
    let Decision::Fail(e3) = p.next(PollReply::Response(&r400), 5) else {
        panic!()
    };
    let r500 = Response {
        status: 500,
        body: body.into_bytes(),
        ..Default::default()
    };
    let Decision::Fail(e4) = p.next(PollReply::Response(&r500), 5) else {
        panic!()
    };
    for m in [m1, m2, e3.to_string(), e4.to_string()] {
        assert!(!m.contains(token), "{m}");
        assert!(!m.contains('\u{1b}') && !m.contains("<b>"), "{m}");
        assert!(m.contains("oops") && m.contains("<redacted>"), "{m}");
    }
}
