use super::*;
use crate::term::sanitize;
use serde_json::json;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

fn org() -> OrgUrl {
    OrgUrl {
        base: "https://example.okta.com".into(),
        host: "example.okta.com".into(),
    }
}

fn web(org: &OrgUrl) -> OktaWeb<'_> {
    OktaWeb {
        org,
        client_id: "0oaCLIENT",
        user_agent: "okta-aws-cli",
    }
}

fn json_resp(status: u16, body: Value) -> Response {
    Response {
        status,
        reason: String::new(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

fn header_names(r: &Request) -> Vec<&str> {
    r.headers.iter().map(|(k, _)| k.as_str()).collect()
}

#[test]
fn device_authorize_request() {
    let o = org();
    let r = web(&o).device_authorize();
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "https://example.okta.com/oauth2/v1/device/authorize");
    assert_eq!(
        r.body(),
        "client_id=0oaCLIENT&scope=openid+okta.apps.sso+okta.apps.read+okta.users.read.self"
    );
    assert_eq!(
        header_names(&r),
        [
            "Accept",
            "Content-Type",
            "User-Agent",
            "X-Okta-Aws-Cli-Operation"
        ]
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("user-agent"), Some("okta-aws-cli"));
    assert_eq!(r.header("x-okta-aws-cli-operation"), Some("web"));
}

#[test]
fn device_token_request_matches_upstream_bytes() {
    let o = org();
    let r = web(&o).device_token("dev code/1");
    assert_eq!(r.url, "https://example.okta.com/oauth2/v1/token");
    assert_eq!(
        r.body(),
        "client_id=0oaCLIENT&device_code=dev+code%2F1&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
    );
    assert_eq!(r.method_str(), "POST");
    assert_eq!(r.body_bytes(), Some(r.body().into_bytes()));
    assert_eq!(r.header_pairs()[0], ("Accept", "application/json"));
    let dbg = format!("{r:?}");
    assert!(!dbg.contains("dev code/1"), "{dbg}");
    assert!(dbg.contains("<redacted>"));
}

fn tokens() -> OktaTokens {
    OktaTokens {
        access_token: "AT-secret".into(),
        id_token: "IDT-secret".into(),
        token_type: "Bearer".into(),
        ..Default::default()
    }
}

#[test]
fn token_exchange_request_fields() {
    let o = org();
    let r = web(&o).token_exchange(&tokens(), "0oaFEDAPP").unwrap();
    assert_eq!(r.url, "https://example.okta.com/oauth2/v1/token");
    let want = [
        ("actor_token", "AT-secret"),
        (
            "actor_token_type",
            "urn:ietf:params:oauth:token-type:access_token",
        ),
        ("audience", "urn:okta:apps:0oaFEDAPP"),
        ("client_id", "0oaCLIENT"),
        (
            "grant_type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ),
        (
            "requested_token_type",
            "urn:okta:oauth:token-type:web_sso_token",
        ),
        ("subject_token", "IDT-secret"),
        (
            "subject_token_type",
            "urn:ietf:params:oauth:token-type:id_token",
        ),
    ];
    let got: Vec<(&str, &str)> = r
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(r.header("accept"), Some("application/json"));
    let dbg = format!("{r:?}");
    assert!(
        !dbg.contains("AT-secret") && !dbg.contains("IDT-secret"),
        "{dbg}"
    );

    let no_id = OktaTokens {
        id_token: String::new(),
        ..tokens()
    };
    assert!(web(&o).token_exchange(&no_id, "x").is_err());
}

#[test]
fn token_exchange_reply() {
    let t = parse_token_exchange(&json_resp(
        200,
        json!({"access_token": "WEB-SSO", "issued_token_type": "urn:okta:oauth:token-type:web_sso_token"}),
    ))
    .unwrap();
    assert_eq!(t.0, "WEB-SSO");
    assert!(!format!("{t:?}").contains("WEB-SSO"));
    assert!(parse_token_exchange(&json_resp(200, json!({}))).is_err());
    // invalid_grant keeps its code for the stale-token retry.
    let err = parse_token_exchange(&json_resp(
        400,
        json!({"error": "invalid_grant", "error_description": "The 'subject_token' either expired or the session associated with it was terminated."}),
    ))
    .unwrap_err();
    assert_eq!(err.okta_code(), Some("invalid_grant"));
    assert!(err.to_string().contains("subject_token"), "{err}");
}

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
    assert!(r.method_str() == "GET" && r.body_bytes().is_none());
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
fn classic_org_probe() {
    let o = org();
    let r = web(&o).classic_org_probe();
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.url,
        "https://example.okta.com/.well-known/okta-organization"
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("x-okta-aws-cli-operation"), Some("web"));

    let err = check_classic_org(&o, &json_resp(200, json!({"pipeline": "v1"}))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"example.okta.com\" is a Classic org; the web command needs an Okta Identity Engine org"
    );
    assert!(check_classic_org(&o, &json_resp(200, json!({"pipeline": "idx"}))).is_ok());
    assert!(check_classic_org(&o, &json_resp(404, json!({"pipeline": "v1"}))).is_ok());
    let html = Response {
        status: 200,
        body: b"<html>".to_vec(),
        ..Default::default()
    };
    assert!(check_classic_org(&o, &html).is_ok());
}

// ---------------------------------------------------------------------------------------
// B09: device authorization and polling
// ---------------------------------------------------------------------------------------

fn transcript() -> Value {
    let text = std::fs::read_to_string(format!("{CASES}B09-device-poll-transcript.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Epoch seconds of the fake clock's t = 0.
const T0: u64 = 1_714_564_800;

/// A transcript entry as the reply the I/O side would see.
fn scripted(entry: &Value) -> std::result::Result<Response, String> {
    if let Some(e) = entry.get("network_error") {
        return Err(e.as_str().unwrap().to_string());
    }
    let mut headers = Vec::new();
    let ct = entry
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("application/json");
    headers.push(("Content-Type".to_string(), ct.to_string()));
    if let Some(Value::Object(h)) = entry.get("headers") {
        for (k, v) in h {
            let mut v = v.as_str().unwrap().to_string();
            if v == "<t=50 as epoch seconds>" {
                v = (T0 + 50).to_string();
            }
            headers.push((k.clone(), v));
        }
    }
    let body = match (entry.get("json"), entry.get("body")) {
        (Some(j), _) => j.to_string().into_bytes(),
        (None, Some(b)) => b.as_str().unwrap().as_bytes().to_vec(),
        _ => Vec::new(),
    };
    Ok(Response {
        status: entry["status"].as_u64().unwrap() as u16,
        reason: String::new(),
        headers,
        body,
    })
}

fn pending() -> Response {
    json_resp(
        400,
        json!({"error": "authorization_pending", "error_description": "pending"}),
    )
}

/// Drive a Poller with the fake clock. Each poll at time t gets the scripted reply for t,
/// or `authorization_pending` when the script has nothing for t. Returns the poll times
/// (relative to t = 0) and the final outcome. Bounded by `max_polls`.
fn drive(script: &[Value], max_polls: usize) -> (Vec<u64>, std::result::Result<OktaTokens, Error>) {
    let auth = &transcript()["device_authorize"]["response"]["json"];
    let mut poller = Poller::new(auth["interval"].as_u64(), auth["expires_in"].as_u64(), T0);
    let mut now = T0 + poller.first_wait();
    let mut times = Vec::new();
    for _ in 0..max_polls {
        let t = now - T0;
        times.push(t);
        let entry = script.iter().find(|e| e["t"].as_u64() == Some(t));
        let reply = match entry.map(scripted) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e),
            None => Ok(pending()),
        };
        let decision = match &reply {
            Ok(r) => poller.next(PollReply::Response(r), now),
            Err(e) => poller.next(PollReply::NetworkError(e), now),
        };
        match decision {
            Decision::Wait(s) => now += s,
            Decision::Done(t) => return (times, Ok(t)),
            Decision::Fail(e) => return (times, Err(e)),
        }
    }
    panic!("poller did not finish within {max_polls} polls: {times:?}");
}

#[test]
fn b09_device_authorization_reply() {
    let tr = transcript();
    let resp = json_resp(200, tr["device_authorize"]["response"]["json"].clone());
    let a = parse_device_authorization(&resp).unwrap();
    assert_eq!(a.device_code, "FAKE-DEVICE-CODE-0001");
    assert_eq!(a.user_code, "ABCD-EFGH");
    assert_eq!(
        a.verification_uri_complete,
        "https://example.okta.com/activate?user_code=ABCDEFGH"
    );
    assert_eq!((a.expires_in, a.interval), (Some(600), Some(5)));
    assert!(!format!("{a:?}").contains("FAKE-DEVICE-CODE"));

    let mut partial = tr["device_authorize"]["response"]["json"].clone();
    partial
        .as_object_mut()
        .unwrap()
        .remove("verification_uri_complete");
    partial.as_object_mut().unwrap().remove("interval");
    let a = parse_device_authorization(&json_resp(200, partial)).unwrap();
    assert_eq!(
        a.verification_uri_complete,
        "https://example.okta.com/activate?user_code=ABCD-EFGH"
    );
    assert_eq!(a.interval, None);

    let err = parse_device_authorization(&Response {
        status: 400,
        reason: "Bad Request".into(),
        headers: vec![],
        body: json!({"error": "invalid_client", "error_description": "Invalid value for 'client_id' parameter."})
            .to_string()
            .into_bytes(),
    })
    .unwrap_err();
    assert_eq!(err.okta_code(), Some("invalid_client"));
    assert!(
        err.to_string()
            .starts_with("authorize received API response \"400 Bad Request\": invalid_client"),
        "{err}"
    );
    let html = Response {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html/>".to_vec(),
        ..Default::default()
    };
    assert_eq!(
        parse_device_authorization(&html).unwrap_err().to_string(),
        "authorize non-JSON API response content type \"text/html\""
    );
}

#[test]
fn b09_main_script_polls_at_5_10_20_50_60() {
    let tr = transcript();
    let script = tr["token_polls"].as_array().unwrap();
    let (times, outcome) = drive(script, 50);
    assert_eq!(times, [5, 10, 20, 50, 60]);
    let t = outcome.unwrap();
    assert_eq!(t.access_token, "FAKE.ACCESS.TOKEN");
    assert_eq!(t.id_token, "FAKE.ID.TOKEN");
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.expires_in, Some(3600));
}

#[test]
fn b09_expired_token() {
    let tr = transcript();
    let script = tr["alternative_endings"]["expired"].as_array().unwrap();
    let (times, outcome) = drive(script, 500);
    assert_eq!(times.last(), Some(&600));
    assert_eq!(times.len(), 120);
    let err = outcome.unwrap_err();
    assert_eq!(
        err.to_string(),
        "device code expired, run the command again"
    );
    assert_eq!(err.exit_code(), 1);
}

#[test]
fn b09_local_deadline_ends_polling() {
    // The server never says expired_token: the local expires_in deadline stops the loop.
    let (times, outcome) = drive(&[], 500);
    assert!(times.iter().all(|t| *t <= 600), "{times:?}");
    assert_eq!(times.last(), Some(&600));
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "device code expired, run the command again"
    );
    // A wait never runs past the deadline, whatever the server asks.
    let mut p = Poller::new(Some(5), Some(600), 0);
    let r = Response {
        status: 429,
        headers: vec![("Retry-After".into(), "3600".into())],
        ..Default::default()
    };
    match p.next(PollReply::Response(&r), 590) {
        Decision::Wait(s) => assert_eq!(s, 10),
        d => panic!("{d:?}"),
    }
}

#[test]
fn b09_denied() {
    let tr = transcript();
    let script = tr["alternative_endings"]["denied"].as_array().unwrap();
    let (times, outcome) = drive(script, 50);
    assert_eq!(times, [5, 10, 15]);
    let err = outcome.unwrap_err();
    assert_eq!(err.to_string(), "authorization was denied in the browser");
    assert_eq!(err.okta_code(), Some("access_denied"));
}

#[test]
fn b09_html_from_proxy() {
    let tr = transcript();
    let script = tr["alternative_endings"]["html_from_proxy"]
        .as_array()
        .unwrap();
    let (times, outcome) = drive(script, 50);
    assert_eq!(times, [5]);
    let msg = outcome.unwrap_err().to_string();
    assert!(msg.contains("\"502\""), "{msg}");
    // The first bytes of the body, tags dropped (okta::body_excerpt).
    assert!(msg.ends_with("\"Bad gateway\""), "{msg}");
}

#[test]
fn b09_connection_reset_is_retried_then_fails() {
    let tr = transcript();
    let entry = &tr["alternative_endings"]["connection_reset"][0];
    // Once: retried at the interval, then the flow goes on to the token.
    let mut success = tr["token_polls"][4].clone();
    success["t"] = json!(10);
    let (times, outcome) = drive(&[entry.clone(), success], 10);
    assert_eq!(times, [5, 10]);
    assert_eq!(outcome.unwrap().access_token, "FAKE.ACCESS.TOKEN");
    // Every poll fails: a bounded number of retries, then the error.
    let mut p = Poller::new(Some(5), Some(600), 0);
    let mut now = p.first_wait();
    let mut polls = 0;
    let err = loop {
        polls += 1;
        match p.next(PollReply::NetworkError("connection reset by peer"), now) {
            Decision::Wait(s) => now += s,
            Decision::Fail(e) => break e,
            Decision::Done(_) => panic!("no token from a network error"),
        }
        assert!(polls < 10);
    };
    assert_eq!(polls, MAX_NETWORK_RETRIES + 1);
    assert!(
        err.to_string().contains("connection reset by peer"),
        "{err}"
    );
}

#[test]
fn rate_limit_variants() {
    let r429 = |h: Vec<(&str, &str)>| Response {
        status: 429,
        headers: h.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        ..Default::default()
    };
    let wait = |p: &mut Poller, r: &Response, now: u64| match p.next(PollReply::Response(r), now) {
        Decision::Wait(s) => s,
        d => panic!("{d:?}"),
    };
    let mut p = Poller::new(None, None, 1000);
    assert_eq!(p.first_wait(), 5);
    assert_eq!(wait(&mut p, &r429(vec![("Retry-After", "17")]), 1005), 17);
    // A reset already in the past still respects the interval.
    assert_eq!(
        wait(&mut p, &r429(vec![("X-Rate-Limit-Reset", "900")]), 1030),
        5
    );
    // HTTP-date Retry-After.
    let mut p = Poller::new(Some(5), Some(600), 1_445_412_000);
    let r = r429(vec![("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]);
    assert_eq!(wait(&mut p, &r, 1_445_412_460), 20);
    // No header: growing, bounded back-off.
    let mut p = Poller::new(Some(5), Some(3600), 0);
    let waits: Vec<u64> = (0..6)
        .map(|i| wait(&mut p, &r429(vec![]), 10 + i))
        .collect();
    assert_eq!(waits, [10, 20, 40, 60, 60, 60]);
    // A normal reply resets the back-off.
    assert_eq!(wait(&mut p, &pending(), 100), 5);
    assert_eq!(wait(&mut p, &r429(vec![]), 105), 10);
}

#[test]
fn other_poll_errors() {
    let mut p = Poller::new(Some(5), Some(600), 0);
    let r = json_resp(
        400,
        json!({"error": "invalid_grant", "error_description": "The device code is invalid."}),
    );
    let Decision::Fail(e) = p.next(PollReply::Response(&r), 5) else {
        panic!()
    };
    assert_eq!(e.okta_code(), Some("invalid_grant"));
    assert_eq!(
        e.to_string(),
        "fetching access token polling received unexpected API polling error \"invalid_grant\" - \"The device code is invalid.\""
    );
    let r = Response {
        status: 400,
        reason: "Bad Request".into(),
        headers: vec![],
        body: b"oops\n\n not json".to_vec(),
    };
    let Decision::Fail(e) = p.next(PollReply::Response(&r), 5) else {
        panic!()
    };
    assert_eq!(
        e.to_string(),
        "fetching access token polling received unexpected API error body \"oops not json\""
    );
    // A 200 that is not a token, without leaking its body.
    let r = Response {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html>secret-ish</html>".to_vec(),
        ..Default::default()
    };
    let Decision::Fail(e) = p.next(PollReply::Response(&r), 5) else {
        panic!()
    };
    assert!(!e.to_string().contains("secret-ish"), "{e}");
    // Long bodies are cut.
    let long = "x".repeat(1000);
    assert_eq!(crate::okta::oauth::body_excerpt(long.as_bytes()).len(), 103);
}

// ---------------------------------------------------------------------------------------
// Labels and choices
// ---------------------------------------------------------------------------------------

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn label_lookup_order() {
    let labels = pairs(&[
        ("arn:aws:iam::.*:role/Admin", "Any Admin"),
        ("(invalid", "never"),
        ("arn:aws:iam::222222222222:role/Admin", "Exact 222 Admin"),
        ("role/Admin", "Later regex"),
        ("ReadOnly$", "RO"),
    ]);
    assert_eq!(
        label_for("arn:aws:iam::222222222222:role/Admin", &labels),
        Some("Exact 222 Admin")
    );
    assert_eq!(
        label_for("arn:aws:iam::111111111111:role/Admin", &labels),
        Some("Any Admin")
    );
    assert_eq!(
        label_for("arn:aws:iam::111111111111:role/ReadOnly", &labels),
        Some("RO")
    );
    assert_eq!(
        label_for("arn:aws:iam::111111111111:role/ReadOnlyX", &labels),
        None
    );
    assert_eq!(label_for("(invalid", &labels), Some("never")); // exact key still works

    assert_eq!(
        label_debug("Role", "arn:aws:iam::1:role/ReadOnly", &labels),
        "  found Role ARN \"arn:aws:iam::1:role/ReadOnly\" having friendly label \"RO\"\n"
    );
    let idps = pairs(&[("arn:aws:iam::1:saml-provider/A", "A")]);
    assert_eq!(
        label_debug("IdP", "arn:aws:iam::2:saml-provider/B", &idps),
        "  did not find friendly label for IdP ARN\n    \"arn:aws:iam::2:saml-provider/B\"\n    \
         in okta.yaml awscli.idps map:\n      \"arn:aws:iam::1:saml-provider/A\": \"A\"\n"
    );
}

fn b03() -> SamlRoles {
    let xml = std::fs::read(format!("{CASES}B03-saml-multi-account.xml")).unwrap();
    crate::okta::saml::parse_saml_xml(&xml).unwrap()
}

#[test]
fn b03_preselected_role_brings_its_provider() {
    let r = b03();
    let sel = choose_idp(
        &r,
        None,
        Some("arn:aws:iam::333333333333:role/Admin"),
        &[],
        &[],
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::333333333333:saml-provider/OtherIdP".into())
    );
    let sel = choose_role(
        &r,
        "arn:aws:iam::333333333333:saml-provider/OtherIdP",
        Some("arn:aws:iam::333333333333:role/Admin"),
        &[],
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::333333333333:role/Admin".into())
    );

    // Same via a label (reverse lookup among the offered roles).
    let role_labels = pairs(&[("arn:aws:iam::222222222222:role/ReadOnly", "Staging RO")]);
    let sel = choose_idp(&r, None, Some("Staging RO"), &[], &role_labels).unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::222222222222:saml-provider/ExampleOkta".into())
    );
}

#[test]
fn b03_menus_tell_same_named_entries_apart() {
    let r = b03();
    let idp_labels = pairs(&[("saml-provider/ExampleOkta", "Okta")]);
    let Selected::Ask(c) = choose_idp(&r, None, None, &idp_labels, &[]).unwrap() else {
        panic!("three IdPs must be asked")
    };
    let labels: Vec<&str> = c.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Okta (arn:aws:iam::111111111111:saml-provider/ExampleOkta)",
            "Okta (arn:aws:iam::222222222222:saml-provider/ExampleOkta)",
            "arn:aws:iam::333333333333:saml-provider/OtherIdP",
        ]
    );
    // A label shared by several roles asks among those only.
    let role_labels = pairs(&[("role/Admin$", "Admin")]);
    let Selected::Ask(c) = choose_idp(&r, None, Some("Admin"), &[], &role_labels).unwrap() else {
        panic!()
    };
    assert_eq!(c.len(), 3);
    let sel = choose_idp(
        &r,
        Some("arn:aws:iam::222222222222:saml-provider/ExampleOkta"),
        Some("Admin"),
        &[],
        &role_labels,
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::222222222222:saml-provider/ExampleOkta".into())
    );
    let Selected::Ask(c) = choose_role(
        &r,
        "arn:aws:iam::222222222222:saml-provider/ExampleOkta",
        None,
        &role_labels,
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["Admin", "arn:aws:iam::222222222222:role/ReadOnly"]
    );
}

#[test]
fn preselection_errors_and_auto_selection() {
    let r = b03();
    let err = choose_idp(
        &r,
        None,
        Some("arn:aws:iam::444444444444:role/Admin"),
        &[],
        &[],
    )
    .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .starts_with("--aws-iam-role \"arn:aws:iam::444444444444:role/Admin\" matches none"),
        "{err}"
    );
    let err = choose_idp(&r, Some("Nope"), None, &[], &[]).unwrap_err();
    assert!(
        err.to_string().starts_with("--aws-iam-idp \"Nope\""),
        "{err}"
    );
    let err = choose_idp(
        &r,
        Some("arn:aws:iam::111111111111:saml-provider/ExampleOkta"),
        Some("arn:aws:iam::333333333333:role/Admin"),
        &[],
        &[],
    )
    .unwrap_err();
    assert!(err.to_string().contains("is not paired with role"), "{err}");
    let sel = choose_idp(
        &r,
        Some("Other"),
        None,
        &pairs(&[("OtherIdP", "Other")]),
        &[],
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::333333333333:saml-provider/OtherIdP".into())
    );

    // One IdP with one role: chosen without asking; an unknown role flag is refused.
    let xml = std::fs::read(format!("{CASES}B06-saml-provider-only.xml")).unwrap();
    let one = crate::okta::saml::parse_saml_xml(&xml).unwrap();
    let idp = match choose_idp(&one, Some("whatever"), None, &[], &[]).unwrap() {
        Selected::Chosen(i) => i,
        s => panic!("{s:?}"),
    };
    assert_eq!(
        choose_role(&one, &idp, None, &[]).unwrap(),
        Selected::Chosen("arn:aws:iam::210987654321:role/Support".into())
    );
    assert!(choose_role(&one, &idp, Some("arn:aws:iam::1:role/Other"), &[]).is_err());
    assert!(choose_role(&one, "arn:aws:iam::9:saml-provider/X", None, &[]).is_err());
}

#[test]
fn fed_app_choice_and_no_tty_error() {
    let apps = vec![
        FedApp {
            id: "0oa1".into(),
            label: "AWS".into(),
        },
        FedApp {
            id: "0oa2".into(),
            label: "AWS".into(),
        },
        FedApp {
            id: "0oa3".into(),
            label: "AWS Dev".into(),
        },
    ];
    assert_eq!(
        choose_fed_app(&apps[2..], None).unwrap(),
        Selected::Chosen("0oa3".into())
    );
    assert_eq!(
        choose_fed_app(&apps, Some("AWS Dev")).unwrap(),
        Selected::Chosen("0oa3".into())
    );
    let Selected::Ask(c) = choose_fed_app(&apps, Some("AWS")).unwrap() else {
        panic!()
    };
    assert_eq!(
        c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["AWS (0oa1)", "AWS (0oa2)", "AWS Dev"]
    );
    let err = no_tty_error(ChoiceKind::FedApp, &c);
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "several AWS Federation apps are available and there is no terminal to choose from; \
         preselect one with --aws-acct-fed-app-id:\n  0oa1  (AWS (0oa1))\n  0oa2  (AWS (0oa2))\n  0oa3  (AWS Dev)"
    );
    let err = no_tty_error(
        ChoiceKind::Role,
        &choices(&["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"], &[]),
    );
    assert!(
        err.to_string()
            .contains("--aws-iam-role:\n  arn:aws:iam::1:role/A\n  arn:aws:iam::1:role/B")
    );
}

#[test]
fn tokens_serialize_like_upstream_cache() {
    let t = OktaTokens {
        access_token: "a".into(),
        id_token: "i".into(),
        token_type: "Bearer".into(),
        scope: "openid".into(),
        expires_in: Some(3600),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"access_token":"a","id_token":"i","token_type":"Bearer","scope":"openid","expires_in":3600}"#
    );
    assert!(!format!("{t:?}").contains("\"a\""));
}

#[test]
fn activation_urls_with_control_characters_are_refused() {
    let reply = |complete: &str, uri: &str| {
        json_resp(
            200,
            json!({"device_code": "DC", "user_code": "AB\u{1b}[31mCD",
                   "verification_uri": uri, "verification_uri_complete": complete}),
        )
    };
    for (complete, uri) in [
        ("https://x/\u{1b}[2J", "https://x/activate"),
        ("https://x/activate?c=1\r\nFake: line", "https://x/activate"),
        ("https://x/\u{9b}2J", "https://x/activate"),
        ("", "https://x/\u{7}activate"),
        ("javascript:alert(1)", "https://x/activate"),
        ("https://x/a\tb", "https://x/activate"),
    ] {
        let e = parse_device_authorization(&reply(complete, uri)).expect_err(complete);
        let m = e.to_string();
        assert!(
            m.starts_with("invalid device authorization reply from Okta: verification_uri"),
            "{m}"
        );
        assert!(!sanitize::has_unsafe(&m), "{m:?}");
    }
    // A user code with controls is kept (the banner escapes it), the URL is fine.
    let a = parse_device_authorization(&reply(
        "https://x/activate?user_code=A",
        "https://x/activate",
    ))
    .unwrap();
    assert_eq!(a.user_code, "AB\u{1b}[31mCD");
}

#[test]
fn okta_error_descriptions_are_escaped() {
    let e = parse_device_authorization(&json_resp(
        400,
        json!({"error": "invalid\u{1b}[2J", "error_description": "bad\nline\u{7}"}),
    ))
    .unwrap_err();
    let m = e.to_string();
    assert!(!sanitize::has_unsafe(&m), "{m:?}");
    assert!(m.contains("invalid\\x1b[2J - bad\\nline\\x07"), "{m}");
    let mut p = Poller::new(Some(1), Some(60), 0);
    let d = p.next(
        PollReply::Response(&json_resp(
            400,
            json!({"error": "weird\r", "error_description": "x\u{1b}]0;t\u{7}"}),
        )),
        1,
    );
    let Decision::Fail(e) = d else {
        panic!("expected failure")
    };
    assert!(!sanitize::has_unsafe(&e.to_string()), "{e}");
}

#[test]
fn labels_and_arns_are_escaped_wherever_printed() {
    let labels = vec![(
        "arn:aws:iam::1:role/r".to_string(),
        "Prod\u{1b}[2J".to_string(),
    )];
    let found = label_debug("Role", "arn:aws:iam::1:role/r", &labels);
    assert!(
        found.contains("Prod\\x1b[2J") && !found.contains('\u{1b}'),
        "{found:?}"
    );
    let missed = label_debug("Role", "arn:aws:iam::1:role/x\ny", &labels);
    assert!(
        !missed.contains('\u{1b}') && missed.contains("role/x\\ny"),
        "{missed:?}"
    );
    let choices = vec![
        Choice {
            value: "0oa1".into(),
            label: "App\rOne".into(),
        },
        Choice {
            value: "0oa2\u{9b}".into(),
            label: "0oa2\u{9b}".into(),
        },
    ];
    let m = no_tty_error(ChoiceKind::FedApp, &choices).to_string();
    assert!(!sanitize::has_unsafe(&m.replace('\n', "")), "{m:?}");
    assert_eq!(m.lines().count(), 3, "{m}");
    let e = not_offered(ChoiceKind::Role, "want\u{1b}", &["arn:a\nb"]).to_string();
    assert!(!sanitize::has_unsafe(&e), "{e:?}");
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
fn invalid_label_regexes_are_named_and_never_match_by_regex() {
    assert_eq!(label_key_problem("arn:aws:iam::1:role/admin"), None);
    assert_eq!(label_key_problem("arn:.*:role/admin"), None);
    for bad in ["([", "arn:.*:role/(admin", "a{2,1}", "*"] {
        let p = label_key_problem(bad).unwrap_or_else(|| panic!("{bad} compiles?"));
        assert!(!p.is_empty() && !p.contains('\n'), "{bad}: {p}");
    }
    // Same engine as label_for: an invalid key matches only the identical ARN.
    let labels = vec![("([".to_string(), "L".to_string())];
    assert_eq!(label_for("([", &labels), Some("L"));
    assert_eq!(label_for("arn:x([", &labels), None);
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

#[test]
fn huge_and_zero_server_numbers_are_bounded() {
    // RFC 8628 §3.5: 0 or absent -> 5 s; absurd values are cut, never overflow.
    assert_eq!(Poller::new(Some(0), None, 0).interval(), DEFAULT_INTERVAL);
    assert_eq!(Poller::new(None, Some(0), 0).deadline(), DEFAULT_EXPIRES_IN);
    let mut p = Poller::new(Some(u64::MAX), Some(u64::MAX), u64::MAX - 10);
    assert_eq!(p.interval(), MAX_INTERVAL);
    assert_eq!(p.deadline(), u64::MAX);
    let mut p2 = Poller::new(Some(u64::MAX), Some(u64::MAX), 0);
    assert_eq!(p2.deadline(), MAX_EXPIRES_IN);
    let slow = json_resp(400, json!({"error": "slow_down"}));
    for _ in 0..3 {
        assert!(matches!(
            p2.next(PollReply::Response(&slow), 1),
            Decision::Wait(_)
        ));
    }
    assert_eq!(p2.interval(), MAX_INTERVAL + 15);
    // Repeated slow_down at a huge interval saturates instead of overflowing.
    p.interval = u64::MAX - 1;
    match p.next(PollReply::Response(&slow), u64::MAX - 5) {
        Decision::Wait(s) => assert_eq!(s, 5),
        d => panic!("{d:?}"),
    }
    assert_eq!(p.interval(), u64::MAX);
    // 429 back-off with a huge interval and huge header values.
    let r429 = Response {
        status: 429,
        headers: vec![
            ("X-Rate-Limit-Reset".into(), u64::MAX.to_string()),
            ("Retry-After".into(), u64::MAX.to_string()),
        ],
        ..Default::default()
    };
    for _ in 0..8 {
        match p.next(PollReply::Response(&r429), u64::MAX - 5) {
            Decision::Wait(s) => assert!(s <= 5, "{s}"),
            d => panic!("{d:?}"),
        }
    }
    let bare429 = Response {
        status: 429,
        ..Default::default()
    };
    match p.next(PollReply::Response(&bare429), u64::MAX - 5) {
        Decision::Wait(s) => assert!(s <= 5, "{s}"),
        d => panic!("{d:?}"),
    }
}

#[test]
fn long_server_interval_never_sleeps_past_the_deadline() {
    // interval 100000 s, device code valid 30 s: the first wait is cut to the lifetime,
    // the poll at the deadline still pending ends the run with "device code expired".
    let mut p = Poller::new(Some(100_000), Some(30), T0);
    assert_eq!(p.first_wait(), 30);
    let mut now = T0 + p.first_wait();
    let mut slept = p.first_wait();
    let mut outcome = None;
    for _ in 0..10 {
        match p.next(PollReply::Response(&pending()), now) {
            Decision::Wait(s) => {
                slept += s;
                now += s;
            }
            Decision::Done(_) => panic!("no token was issued"),
            Decision::Fail(e) => {
                outcome = Some(e);
                break;
            }
        }
    }
    assert!(slept <= 30, "slept {slept} s past a 30 s device code");
    assert_eq!(
        outcome.expect("the run must end").to_string(),
        "device code expired, run the command again"
    );
    // A lifetime longer than the (clamped) interval: every wait, first included, stays
    // within the remaining lifetime, and the total never passes it.
    let mut p = Poller::new(Some(100_000), Some(100), T0);
    let mut now = T0 + p.first_wait();
    let mut waits = vec![p.first_wait()];
    loop {
        match p.next(PollReply::Response(&pending()), now) {
            Decision::Wait(s) => {
                assert!(
                    now + s <= T0 + 100,
                    "wait {s} at {} passes the deadline",
                    now - T0
                );
                waits.push(s);
                now += s;
            }
            Decision::Fail(e) => {
                assert_eq!(e.to_string(), "device code expired, run the command again");
                break;
            }
            Decision::Done(_) => panic!("no token was issued"),
        }
        assert!(waits.len() < 10, "{waits:?}");
    }
    assert_eq!(waits, [MAX_INTERVAL, 100 - MAX_INTERVAL]);
}

#[test]
fn no_tty_error_lists_at_most_twenty_choices() {
    let arns: Vec<String> = (0..3000)
        .map(|i| format!("arn:aws:iam::123456789012:role/role-{i:04}"))
        .collect();
    let values: Vec<&str> = arns.iter().map(String::as_str).collect();
    let msg = no_tty_error(ChoiceKind::Role, &choices(&values, &[])).to_string();
    assert!(msg.len() < 2000, "{} bytes", msg.len());
    assert!(msg.contains("\n  arn:aws:iam::123456789012:role/role-0000\n"));
    assert!(msg.contains("\n  arn:aws:iam::123456789012:role/role-0019\n"));
    assert!(!msg.contains("role-0020"), "{msg}");
    assert!(msg.ends_with("\n  ... and 2980 more"), "{msg}");
    // Exactly the cap: no summary line.
    let msg = no_tty_error(ChoiceKind::Role, &choices(&values[..20], &[])).to_string();
    assert!(msg.ends_with("role-0019") && !msg.contains("more"), "{msg}");
}

fn poll_once(reply: Value) -> Decision {
    let mut p = Poller::new(Some(5), Some(600), 0);
    p.next(PollReply::Response(&json_resp(200, reply)), 5)
}

fn good_token_reply() -> Value {
    json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "AT.x-y_z",
           "scope": "openid okta.apps.sso", "id_token": "ID.a.b"})
}

#[test]
fn token_reply_numbers_as_strings_and_null_scope_are_json() {
    // Valid JSON in shapes the device-authorize parser already accepts.
    for (field, value, want) in [
        ("expires_in", json!("3600"), Some(3600)),
        ("expires_in", json!(" 120 "), Some(120)),
        ("expires_in", json!(1e20), None),
        ("expires_in", json!(-5), None),
        ("expires_in", json!(2.5), None),
        ("expires_in", json!(null), None),
        ("expires_in", json!(u64::MAX), Some(MAX_TOKEN_LIFETIME)),
        ("scope", json!(null), Some(3600)),
    ] {
        let mut reply = good_token_reply();
        reply[field] = value.clone();
        match poll_once(reply) {
            Decision::Done(t) => {
                assert_eq!(t.expires_in, want, "{field}: {value}");
                assert_eq!(t.access_token, "AT.x-y_z");
                if field == "scope" {
                    assert_eq!(t.scope, "");
                }
            }
            d => panic!("{field}: {value}: {d:?}"),
        }
    }
    // Still non-JSON: an HTML page, or JSON that is not an object.
    let html = Response {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html>".to_vec(),
        ..Default::default()
    };
    let mut p = Poller::new(Some(5), Some(600), 0);
    match p.next(PollReply::Response(&html), 5) {
        Decision::Fail(e) => assert!(e.to_string().contains("non-JSON"), "{e}"),
        d => panic!("{d:?}"),
    }
    match poll_once(json!(["AT"])) {
        Decision::Fail(e) => assert!(e.to_string().contains("non-JSON"), "{e}"),
        d => panic!("{d:?}"),
    }
}

#[test]
fn unusable_token_replies_fail_before_anything_stores_them() {
    for (field, value, want) in [
        (
            "id_token",
            None,
            "no id_token (the OIDC app must grant the openid scope)",
        ),
        ("id_token", Some(json!("")), "no id_token"),
        ("access_token", None, "no access_token"),
        ("access_token", Some(json!(7)), "no access_token"),
        ("token_type", None, "no token_type"),
        ("token_type", Some(json!("")), "no token_type"),
        (
            "token_type",
            Some(json!("Bearer\r\nX-Evil: 1")),
            "token_type \"Bearer\\r\\nX-Evil: 1\" is not a single printable word",
        ),
        (
            "token_type",
            Some(json!("Be arer")),
            "is not a single printable word",
        ),
        (
            "access_token",
            Some(json!("AT\nsecret")),
            "access_token contains white space",
        ),
        (
            "id_token",
            Some(json!("ID\u{e9}")),
            "id_token contains white space or characters that are not printable ASCII",
        ),
    ] {
        let mut reply = good_token_reply();
        match &value {
            Some(v) => reply[field] = v.clone(),
            None => {
                reply.as_object_mut().unwrap().remove(field);
            }
        }
        match poll_once(reply) {
            Decision::Fail(e) => {
                let m = e.to_string();
                assert!(
                    m.starts_with(
                        "fetching access token polling received an unusable token response: "
                    ) && m.contains(want),
                    "{field}: {m}"
                );
                assert!(!m.contains("secret") && !sanitize::has_unsafe(&m), "{m:?}");
            }
            d => panic!("{field}: {d:?}"),
        }
    }
    assert_eq!(check_tokens("a", "b", "Bearer"), Ok(()));
    assert!(check_tokens("a", "b", "DPoP").is_ok());
}

#[test]
fn token_exchange_reply_of_another_token_type_is_refused() {
    let reply = |issued: Value| {
        json_resp(
            200,
            json!({"access_token": "SSO", "issued_token_type": issued, "token_type": "N_A"}),
        )
    };
    let e = parse_token_exchange(&reply(json!(
        "urn:ietf:params:oauth:token-type:access_token"
    )))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the web SSO token exchange reply has issued_token_type \
         \"urn:ietf:params:oauth:token-type:access_token\", not \"urn:okta:oauth:token-type:web_sso_token\""
    );
    assert!(!e.to_string().contains("SSO\""));
    assert!(
        parse_token_exchange(&reply(json!(5)))
            .unwrap_err()
            .to_string()
            .contains("a non-string value")
    );
    assert!(parse_token_exchange(&reply(json!(""))).is_err());
    // Absent or null: accepted as before.
    assert_eq!(parse_token_exchange(&reply(json!(null))).unwrap().0, "SSO");
    assert_eq!(
        parse_token_exchange(&json_resp(200, json!({"access_token": "SSO"})))
            .unwrap()
            .0,
        "SSO"
    );
}

#[test]
fn device_authorize_reply_missing_required_fields() {
    let full = json!({"device_code": "DC", "user_code": "ABCD-EFGH",
                      "verification_uri": "https://x/activate",
                      "verification_uri_complete": "https://x/activate?user_code=ABCD-EFGH",
                      "expires_in": 600, "interval": 5});
    assert!(parse_device_authorization(&json_resp(200, full.clone())).is_ok());
    for (field, value) in [
        ("user_code", None),
        ("user_code", Some(json!(""))),
        ("verification_uri", Some(json!(""))),
        ("verification_uri", None),
        ("device_code", Some(json!(" "))),
    ] {
        let mut reply = full.clone();
        match value {
            Some(v) => reply[field] = v,
            None => {
                reply.as_object_mut().unwrap().remove(field);
            }
        }
        let e = parse_device_authorization(&json_resp(200, reply)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("authorize API response has no {field} (absent or empty)")
        );
    }
}

#[test]
fn activation_urls_must_be_on_the_org_origin() {
    let auth = |uri: &str, complete: &str| DeviceAuthorization {
        device_code: "DC".into(),
        user_code: "AB".into(),
        verification_uri: uri.into(),
        verification_uri_complete: complete.into(),
        expires_in: None,
        interval: None,
    };
    let base = org().base;
    let ok = auth(
        "https://example.okta.com/activate",
        "https://EXAMPLE.okta.com:443/activate?user_code=A|B>C^D%\"E",
    );
    assert_eq!(
        activation_url(&ok, &base).unwrap(),
        "https://example.okta.com/activate?user_code=A%7CB%3EC%5ED%25%22E"
    );
    for (uri, complete, field) in [
        (
            "https://example.okta.com/activate",
            "https://evil.example/activate",
            "verification_uri_complete",
        ),
        (
            "https://evil.example/activate",
            "https://example.okta.com/activate",
            "verification_uri",
        ),
        (
            "https://example.okta.com/activate",
            "http://example.okta.com/activate",
            "verification_uri_complete",
        ),
        (
            "https://example.okta.com/activate",
            "https://example.okta.com@evil.example/activate",
            "verification_uri_complete",
        ),
    ] {
        let m = activation_url(&auth(uri, complete), &base)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with(&format!(
                "invalid device authorization reply from Okta: {field} "
            )),
            "{m}"
        );
        assert!(!m.contains('\n'), "{m}");
    }
}
