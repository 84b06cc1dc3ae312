use super::*;
use crate::http::Method;
use crate::okta::web_request::tests::{json_resp, org, web};
use serde_json::json;

/// RFC 7636 Appendix B: the 32 octets, the verifier they encode to, and its S256 challenge.
const RFC7636_OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const RFC7636_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC7636_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[test]
fn pkce_matches_rfc7636_appendix_b() {
    let p = Pkce::from_random(&RFC7636_OCTETS);
    assert_eq!(p.verifier, RFC7636_VERIFIER);
    assert_eq!(p.challenge, RFC7636_CHALLENGE);
    assert_eq!(s256_challenge(RFC7636_VERIFIER), RFC7636_CHALLENGE);
    // RFC 7636 §4.1: 43..=128 unreserved characters.
    assert_eq!(p.verifier.len(), 43);
    assert!(
        p.verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let shown = format!("{p:?}");
    assert!(!shown.contains(RFC7636_VERIFIER), "{shown}");
    assert!(shown.contains(RFC7636_CHALLENGE), "{shown}");
}

#[test]
fn state_uses_okta_allowed_characters() {
    let s = state_from_random(&[0xff; 16]);
    assert_eq!(s.len(), 22);
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{s}"
    );
    assert_ne!(state_from_random(&[0; 16]), s);
}

#[test]
fn authorize_url_carries_every_parameter_encoded() {
    let o = org();
    let url = web(&o).authorize_url(&redirect_uri(8181), "st-1", RFC7636_CHALLENGE);
    assert_eq!(
        url,
        "https://example.okta.com/oauth2/v1/authorize?client_id=0oaCLIENT&response_type=code\
         &scope=openid%20okta.apps.sso%20okta.apps.read%20okta.users.read.self\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A8181%2Fcallback&state=st-1\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    );
    // It passes the check every opened URL passes, unchanged.
    assert_eq!(
        crate::http::url::browser_url(&url, &o.base).unwrap(),
        url,
        "already percent-encoded"
    );
}

#[test]
fn token_request_sends_code_verifier_and_redirect_uri() {
    let o = org();
    let r = web(&o).authorization_code_token("c/1", &redirect_uri(8180), RFC7636_VERIFIER);
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "https://example.okta.com/oauth2/v1/token");
    assert_eq!(
        r.body(),
        "client_id=0oaCLIENT&code=c%2F1&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\
         &grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A8180%2Fcallback"
    );
    assert_eq!(r.header("x-okta-aws-cli-operation"), Some("web"));
    // The code and the verifier never show in Debug output (nor in --debug-api-calls,
    // which redacts the same field names).
    let shown = format!("{r:?}");
    assert!(
        !shown.contains("c/1") && !shown.contains(RFC7636_VERIFIER),
        "{shown}"
    );
    let dumped = crate::http::redact_form(&r.body());
    assert!(
        !dumped.contains("c%2F1") && !dumped.contains(RFC7636_VERIFIER),
        "{dumped}"
    );
}

fn failed(c: Callback) -> Error {
    match c {
        Callback::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn callback_with_the_right_state_gives_the_code() {
    match read_callback("GET", "/callback?code=abc%2Fd&state=S1", "S1") {
        Callback::Code(code) => {
            assert_eq!(code.0, "abc/d");
            assert!(!format!("{code:?}").contains("abc"));
        }
        other => panic!("{other:?}"),
    }
    // Parameter order does not matter.
    assert!(matches!(
        read_callback("GET", "/callback?state=S1&code=x", "S1"),
        Callback::Code(_)
    ));
}

#[test]
fn other_requests_are_not_the_callback() {
    for (method, target) in [
        ("GET", "/favicon.ico"),
        ("GET", "/"),
        ("GET", "/callbackx?code=a&state=S1"),
        ("POST", "/callback?code=a&state=S1"),
    ] {
        assert!(
            matches!(read_callback(method, target, "S1"), Callback::Other),
            "{method} {target}"
        );
    }
}

#[test]
fn a_missing_or_wrong_state_exchanges_nothing() {
    for (target, why) in [
        ("/callback?code=a", "has no state"),
        ("/callback?code=a&state=S2", "carries another state"),
        ("/callback?code=a&state=", "carries another state"),
        ("/callback?code=a&state=S1&state=S1", "more than one state"),
        // An error without our state is not believed either.
        ("/callback?error=access_denied", "has no state"),
    ] {
        let e = failed(read_callback("GET", target, "S1"));
        assert_eq!(e.okta_code(), Some(STATE_MISMATCH), "{target}");
        let text = e.to_string();
        assert!(text.contains(why), "{target}: {text}");
        assert!(text.contains("nothing was exchanged"), "{text}");
        assert!(!text.contains('\n'));
    }
}

#[test]
fn an_error_reply_is_one_escaped_line_with_oktas_description() {
    let e = failed(read_callback(
        "GET",
        "/callback?state=S1&error=access_denied&error_description=User+is+not+assigned%0A%1B%5B31mto+the+app",
        "S1",
    ));
    assert_eq!(e.okta_code(), Some("access_denied"));
    let text = e.to_string();
    assert!(
        text.starts_with("the sign-in was denied in the browser: User is not assigned"),
        "{text}"
    );
    assert!(text.contains("to the app"), "{text}");
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text:?}");

    let e = failed(read_callback(
        "GET",
        "/callback?state=S1&error=unauthorized_client",
        "S1",
    ));
    assert_eq!(e.okta_code(), Some("unauthorized_client"));
    assert_eq!(
        e.to_string(),
        "the sign-in in the browser failed: unauthorized_client"
    );
}

#[test]
fn a_reply_without_a_code_fails() {
    for target in ["/callback?state=S1", "/callback?state=S1&code="] {
        let e = failed(read_callback("GET", target, "S1"));
        assert!(e.to_string().contains("has no code"), "{e}");
    }
    let e = failed(read_callback(
        "GET",
        "/callback?state=S1&code=a&code=b",
        "S1",
    ));
    assert!(e.to_string().contains("more than one code"), "{e}");
}

#[test]
fn the_browser_tab_is_told_what_happened() {
    let (status, page) = callback_page(&read_callback("GET", "/callback?code=a&state=S", "S"));
    assert_eq!(status, 200);
    assert!(page.contains("return to the terminal"), "{page}");
    assert!(!page.contains("code=a"));

    let (status, page) = callback_page(&read_callback(
        "GET",
        "/callback?state=S&error=access_denied&error_description=%3Cscript%3Ex",
        "S",
    ));
    assert_eq!(status, 400);
    assert!(page.contains("Sign-in failed"), "{page}");
    assert!(page.contains("&lt;script&gt;x"), "{page}");
    assert!(!page.contains("<script>"), "{page}");

    let (status, page) = callback_page(&read_callback("GET", "/callback?code=a", "S"));
    assert_eq!(status, 400);
    assert!(page.contains("has no state"), "{page}");

    assert_eq!(callback_page(&Callback::Other).0, 404);
}

#[test]
fn token_reply() {
    let ok = json_resp(
        200,
        json!({"access_token": "AT", "id_token": "IDT", "token_type": "Bearer",
               "expires_in": 3600, "scope": "openid"}),
    );
    let t = parse_code_token_reply(&ok).unwrap();
    assert_eq!(
        (t.access_token.as_str(), t.id_token.as_str()),
        ("AT", "IDT")
    );
    assert_eq!(t.expires_in, Some(3600));

    let no_id = json_resp(200, json!({"access_token": "AT", "token_type": "Bearer"}));
    let e = parse_code_token_reply(&no_id).unwrap_err().to_string();
    assert!(e.contains("no id_token"), "{e}");
    assert!(!e.contains("AT\""), "{e}");

    let used = json_resp(
        400,
        json!({"error": "invalid_grant",
               "error_description": "The authorization code is invalid or has expired."}),
    );
    let e = parse_code_token_reply(&used).unwrap_err();
    assert_eq!(e.okta_code(), Some("invalid_grant"));
    assert!(
        e.to_string()
            .contains("The authorization code is invalid or has expired."),
        "{e}"
    );

    let html = Response {
        status: 200,
        body: b"<html>".to_vec(),
        headers: vec![("Content-Type".into(), "text/html".into())],
        ..Default::default()
    };
    let e = parse_code_token_reply(&html).unwrap_err().to_string();
    assert!(e.contains("not a JSON object"), "{e}");
}
