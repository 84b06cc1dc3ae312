//! Unit tests of the redactor (`super`): no secret of any body kind leaks, in linear time.

use super::*;
use crate::http::encode::form_encode;

const SECRETS: &[&str] = &[
    "ASSERTION-SECRET",
    "DEVICE-CODE-SECRET",
    "ACTOR-SECRET",
    "SUBJECT-SECRET",
    "WEBSSO-SECRET",
    "ACCESS-SECRET",
    "ID-TOKEN-SECRET",
    "REFRESH-SECRET",
    "DEVICE-SECRET-VALUE",
    "SAML-ASSERTION-SECRET",
    "SAML-RESPONSE-SECRET",
    "WEB-IDENTITY-SECRET",
    "AWS-SECRET-KEY",
    "AWS-SESSION-TOKEN",
    "BEARER-SECRET",
    "PRIVATE-KEY-BODY",
    "JWK-D-SECRET",
];

/// Fail when `text` holds any of [`SECRETS`] (also used by the dump tests).
pub(in crate::http) fn assert_clean(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "secret {s} leaked in:\n{text}");
    }
}

#[test]
fn form_fields_are_redacted() {
    let body = form_encode(&[
        ("client_id", "0oaPUBLIC"),
        ("client_assertion", "ASSERTION-SECRET"),
        ("device_code", "DEVICE-CODE-SECRET"),
        ("actor_token", "ACTOR-SECRET"),
        ("subject_token", "SUBJECT-SECRET"),
        ("token", "WEBSSO-SECRET"),
        ("SAMLAssertion", "SAML-ASSERTION-SECRET"),
        ("WebIdentityToken", "WEB-IDENTITY-SECRET"),
        ("RoleArn", "arn:aws:iam::1:role/A"),
    ]);
    let out = redact_form(&body);
    assert_clean(&out);
    assert!(out.contains("client_id=0oaPUBLIC"), "{out}");
    assert!(
        out.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FA"),
        "{out}"
    );
    assert_eq!(out.matches(REDACTED).count(), 7, "{out}");
    // Through the content-type dispatcher too.
    let out = redact_body(
        Some("application/x-www-form-urlencoded; charset=utf-8"),
        body.as_bytes(),
    );
    assert_clean(&out);
}

#[test]
fn json_fields_are_redacted() {
    let body = r#"{"token_type":"Bearer","access_token":"ACCESS-SECRET","id_token":"ID-TOKEN-SECRET",
        "refresh_token":"REFRESH-SECRET","device_secret":"DEVICE-SECRET-VALUE","expires_in":3600,
        "nested":[{"device_code":"DEVICE-CODE-SECRET","user_code":"ABCD-EFGH"}],
        "key":{"kty":"RSA","n":"public-n","e":"AQAB","d":"JWK-D-SECRET"},
        "pem":"-----BEGIN PRIVATE KEY-----\nPRIVATE-KEY-BODY\n-----END PRIVATE KEY-----\n"}"#;
    let out = redact_body(Some("application/json"), body.as_bytes());
    assert_clean(&out);
    assert!(out.contains("ABCD-EFGH"), "user code must stay: {out}");
    assert!(out.contains("public-n"), "{out}");
    assert!(out.contains("3600"), "{out}");
    // Malformed JSON still has its secrets removed by the safety net.
    let broken = r#"{"access_token": "ACCESS-SECRET", "id_token":"ID-TOKEN-SECRET""#;
    assert_clean(&redact_body(Some("application/json"), broken.as_bytes()));
}

#[test]
fn headers_are_redacted() {
    assert_eq!(
        redact_header("Authorization", "Bearer BEARER-SECRET"),
        "Bearer <redacted>"
    );
    assert_eq!(
        redact_header("x-amz-security-token", "AWS-SESSION-TOKEN"),
        REDACTED
    );
    assert_eq!(redact_header("Set-Cookie", "sid=abc"), REDACTED);
    assert_eq!(
        redact_header("Accept", "application/json"),
        "application/json"
    );
}

#[test]
fn xml_elements_are_redacted() {
    let body = r#"<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult><Credentials>
        <AccessKeyId>ASIAPUBLIC</AccessKeyId><SecretAccessKey>AWS-SECRET-KEY</SecretAccessKey>
        <sts:SessionToken xmlns:sts="x">AWS-SESSION-TOKEN</sts:SessionToken>
        <Expiration>2024-05-01T13:00:00Z</Expiration></Credentials></AssumeRoleWithSAMLResult>
        </AssumeRoleWithSAMLResponse>"#;
    let out = redact_body(Some("text/xml"), body.as_bytes());
    assert_clean(&out);
    assert!(
        out.contains("ASIAPUBLIC") && out.contains("2024-05-01T13:00:00Z"),
        "{out}"
    );
}

#[test]
fn html_saml_response_is_redacted() {
    let body = r#"<html><body><form method="POST" action="https://signin.aws.amazon.com/saml">
        <input type="hidden" name="SAMLResponse" value="SAML-RESPONSE-SECRET"/>
        <input value='SAML-RESPONSE-SECRET' NAME='samlresponse' type="hidden">
        <input type="hidden" name="RelayState" value="keep-me"/>
        </form></body></html>"#;
    let out = redact_body(Some("text/html;charset=utf-8"), body.as_bytes());
    assert_clean(&out);
    assert!(out.contains("keep-me"), "{out}");
    assert_eq!(out.matches(REDACTED).count(), 2, "{out}");
}

#[test]
fn html_redaction_reads_inputs_like_the_saml_reader() {
    // A `>` inside another attribute, a character reference in the name, the value
    // before the name, no quotes, and an input inside a comment or an attribute.
    let body = concat!(
        r#"<form><input type="hidden" data-x="a>b" name="SAMLResponse" value="SECRET-ONE">"#,
        r#"<input name="SAML&#x52;esponse" value="SECRET-TWO">"#,
        r#"<input value=SECRET-THREE data-y='x>y' name=SAMLResponse>"#,
        r#"<!-- <input name="SAMLResponse" value="SECRET-FOUR"> -->"#,
        r#"<div title='<input name="token" value="SECRET-FIVE">'></div>"#,
        r#"<input name=" samlresponse " value="SECRET-SIX">"#,
        r#"<input type="hidden" data-z="q>r" name="RelayState" value="keep-me">"#,
        r#"<input name="SAMLResponse" value="SECRET-SEVEN"#,
        "</form>"
    );
    let out = redact_body(Some("text/html"), body.as_bytes());
    assert!(!out.contains("SECRET"), "{out}");
    assert!(out.contains(r#"value="keep-me""#), "{out}");
    assert!(out.contains(r#"data-x="a>b""#), "{out}");
}

/// Run `f` on a thread; fail if it takes longer than a generous bound (a hang guard for
/// inputs that used to take minutes or exhaust memory, not a benchmark: a release build
/// reads and redacts the 10 MB pages below in about 0.5 s, a debug build in a few
/// seconds). Prints the time taken.
fn within_hang_guard<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let started = std::time::Instant::now();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("{what}: no result within 30 s"));
    eprintln!("{what}: {:?}", started.elapsed());
    out
}

/// A 10 MB page of everything that made the scanners quadratic: thousands of
/// `<script>` elements (upper and lower case), inputs in scripts and comments, `<` nested
/// in quoted attribute values, a secret input in the middle, and an unclosed quote at the
/// end when `unclosed` is set.
fn adversarial_page(unclosed: bool) -> String {
    let mut page =
        String::from("<html><form><input type=hidden name=SAMLResponse value=\"PHNhbWw+REAL\">");
    let chunk = concat!(
        "<script>var s='<input name=SAMLResponse value=SCRIPT-SECRET>';</script>",
        "<SCRIPT>if (a < b) {}</SCRIPT><style>p{}</style>",
        "<!-- <input name=\"token\" value=\"COMMENT-SECRET\"> -->",
        "<div title='<input name=\"SAMLResponse\" value=\"ATTR-SECRET\">'></div>",
        "<input type=hidden data-x=\"a<b<c>d\" name=\"RelayState\" value=\"keep-me\">",
        "<input data-y='<input name=token value=NESTED-SECRET>' name=x value=v>",
        "<p>a < b <<< c</p>\n"
    );
    while page.len() < 5 * 1024 * 1024 {
        page.push_str(chunk);
    }
    page.push_str("<input name=\"SAMLResponse\" value=\"MIDDLE-SECRET\">");
    while page.len() < 10 * 1024 * 1024 {
        page.push_str(chunk);
    }
    if unclosed {
        for _ in 0..20_000 {
            page.push_str("<input title='<input value=\"");
        }
    }
    page.push_str("</form></html>");
    page
}

#[test]
fn ten_megabyte_adversarial_pages_are_read_and_redacted_in_linear_time() {
    use crate::http::html::{InputScan, everywhere_budget, for_each_input};
    for unclosed in [false, true] {
        let page = adversarial_page(unclosed);
        assert!(page.len() >= 10 * 1024 * 1024);
        // The SAML reader's scan (skips scripts, comments) finds the two real inputs.
        let p = page.clone();
        let names = within_hang_guard("form-field scan", move || {
            let mut n = 0usize;
            for_each_input(&p, InputScan::FormFields, |i| {
                n += usize::from(i.name(&p).as_deref() == Some("SAMLResponse"));
            })
            .map(|()| n)
        });
        assert_eq!(names, Ok(2));
        // The redactor: every secret hidden, and the work bounded by the budget.
        let p = page.clone();
        let out = within_hang_guard("redaction", move || {
            redact_body(Some("text/html"), p.as_bytes())
        });
        for secret in ["REAL", "SECRET"] {
            assert!(!out.contains(secret), "{secret} leaked");
        }
        let mut spent_ok = true;
        if !unclosed {
            // Within the budget: shown, redacted.
            spent_ok = for_each_input(&page, InputScan::Everywhere, |_| {}).is_ok();
            assert!(out.contains("keep-me") && out.contains(REDACTED));
        } else {
            // 20,000 unclosed nested quotes would cost 20,000 passes over their tail: the
            // budget stops it and nothing of the page is shown.
            assert!(
                out.starts_with('<') && out.contains("not shown"),
                "{}",
                &out[..200.min(out.len())]
            );
        }
        assert!(
            spent_ok,
            "more than {} bytes scanned",
            everywhere_budget(page.len())
        );
    }
}

#[test]
fn crafted_replies_leak_nothing() {
    // 1. CDATA inside SessionToken: the regex stopped at `<![CDATA[`.
    let cdata = r#"<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult><Credentials>
        <AccessKeyId>ASIAPUBLIC</AccessKeyId><SecretAccessKey>AWS-SECRET-KEY</SecretAccessKey>
        <SessionToken><![CDATA[AWS-SESSION-TOKEN]]></SessionToken>
        </Credentials></AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>"#;
    // 2. A comment splitting SecretAccessKey: the text after it was shown.
    let comment = r#"<AssumeRoleWithSAMLResponse><Credentials>
        <SecretAccessKey>AWS-<!-- x -->SECRET-KEY</SecretAccessKey>
        <sts:SessionToken xmlns:sts="x">AWS-<!--y-->SESSION-TOKEN<b/>AWS-SESSION-TOKEN</sts:SessionToken>
        </Credentials></AssumeRoleWithSAMLResponse>"#;
    for (ct, body) in [
        (Some("text/xml"), cdata),
        (None, cdata),
        (Some("text/xml"), comment),
    ] {
        let out = redact_body(ct, body.as_bytes());
        assert_clean(&out);
        assert!(
            out.contains("ASIAPUBLIC") || !body.contains("ASIAPUBLIC"),
            "{out}"
        );
    }
    // Malformed XML (unclosed secret element) is not shown at all.
    let broken = "<R><SessionToken><![CDATA[AWS-SESSION-TOKEN]]>";
    let out = redact_body(Some("text/xml"), broken.as_bytes());
    assert_eq!(out, unparsable_placeholder(broken.len(), "XML"));
    // 3. An SSO page starting with `[`: it was taken for broken JSON and shown raw.
    let bracket = r#"[<html><form><input name="SAMLResponse" value="SAML-RESPONSE-SECRET"></form>"#;
    for ct in [Some("text/html"), Some("application/json"), None] {
        assert_clean(&redact_body(ct, bracket.as_bytes()));
    }
    let out = redact_body(Some("text/html"), b"[\"SAML-RESPONSE-SECRET\"");
    assert!(out.contains("could not be parsed as HTML"), "{out}");
    // 4. A SAMLResponse input in a body that is not HTML (valid JSON, plain text).
    let json = r#"{"page":"<input name=SAMLResponse value=SAML-RESPONSE-SECRET>"}"#;
    let text = "note: <input value='SAML-RESPONSE-SECRET' name='SAMLResponse'>";
    for (ct, body) in [
        (Some("application/json"), json),
        (None, json),
        (Some("text/plain"), text),
        (None, text),
    ] {
        assert_clean(&redact_body(ct, body.as_bytes()));
    }
    // Safety nets: PEM without an end, names at word starts only.
    let out = redact_generic("x -----BEGIN RSA PRIVATE KEY-----\nPRIVATE-KEY-BODY");
    assert_clean(&out);
    assert_eq!(
        redact_generic("mytoken=keep access_token=ACCESS-SECRET&a=b"),
        "mytoken=keep access_token=<redacted>&a=b"
    );
    assert_eq!(
        redact_generic(r#"{"Token" : "BEARER-SECRET\"x", "token_type": "Bearer"}"#),
        r#"{"Token" : "<redacted>", "token_type": "Bearer"}"#
    );
}

#[test]
fn console_federation_secrets_are_redacted() {
    let url = "https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22sessionKey%22%3A%22KEY-SECRET%22%7D";
    let out = redact_url(url);
    assert!(!out.contains("KEY-SECRET"), "{out}");
    assert!(
        out.contains("Action=getSigninToken&SessionDuration=3600&Session=<redacted>"),
        "{out}"
    );
    let login =
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=x&SigninToken=TOKEN-SECRET";
    assert!(!redact_url(login).contains("TOKEN-SECRET"));
    let body = redact_body(
        Some("application/json"),
        br#"{"SigninToken":"TOKEN-SECRET"}"#,
    );
    assert!(!body.contains("TOKEN-SECRET"), "{body}");
}

#[test]
fn direct_authentication_secrets_are_redacted() {
    let body = form_encode(&[
        ("client_id", "0oaPUBLIC"),
        ("username", "user@example.com"),
        ("password", "PASSWORD-SECRET"),
        ("mfa_token", "MFA-TOKEN-SECRET"),
        ("oob_code", "OOB-CODE-SECRET"),
        ("otp", "OTP-SECRET"),
    ]);
    let out = redact_form(&body);
    for s in [
        "PASSWORD-SECRET",
        "MFA-TOKEN-SECRET",
        "OOB-CODE-SECRET",
        "OTP-SECRET",
    ] {
        assert!(!out.contains(s), "{s} leaked: {out}");
    }
    assert!(out.contains("username=user%40example.com"), "{out}");
    let reply = r#"{"error":"mfa_required","mfa_token":"MFA-TOKEN-SECRET"}"#;
    let out = redact_body(Some("application/json"), reply.as_bytes());
    assert!(!out.contains("MFA-TOKEN-SECRET"), "{out}");
    assert!(out.contains("mfa_required"), "{out}");
    let challenge = r#"{"oob_code":"OOB-CODE-SECRET","binding_code":"95"}"#;
    let out = redact_body(Some("application/json"), challenge.as_bytes());
    assert!(
        !out.contains("OOB-CODE-SECRET") && out.contains("95"),
        "{out}"
    );
}
