//! The unit tests of the request builder and the Classic-org check, and the helpers the
//! other `web` files' tests share (a fake org, its request builder, a JSON reply).

use super::*;
use serde_json::json;

/// The folder of the recorded cases (`tests/data/cases/`).
pub(crate) const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

/// The fake org `https://example.okta.com`.
pub(crate) fn org() -> OrgUrl {
    OrgUrl {
        base: "https://example.okta.com".into(),
        host: "example.okta.com".into(),
    }
}

/// The request builder for `org` with client id `0oaCLIENT` and User-Agent `okta-aws-cli`.
pub(crate) fn web(org: &OrgUrl) -> OktaWeb<'_> {
    OktaWeb {
        org,
        client_id: "0oaCLIENT",
        user_agent: "okta-aws-cli",
    }
}

/// A reply with this status and JSON body, `Content-Type: application/json`.
pub(crate) fn json_resp(status: u16, body: Value) -> Response {
    Response {
        status,
        reason: String::new(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
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
