use super::*;
use crate::okta::device_auth::tests::tokens;
use crate::okta::web_request::tests::{json_resp, org, web};
use serde_json::{Value, json};

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
