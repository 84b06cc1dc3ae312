//! PURE: Okta / OAuth 2.0 requests and replies shared by the flows: the error shapes of
//! Okta's APIs (docs/decisions.md#d-errors) and the m2m client-credentials token request
//! (docs/decisions.md#k-okta-requests, RFC 6749 §4.4 with RFC 7523 client authentication).

use crate::error::{Error, Result};
use crate::http::{Request, Response};

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Longest non-JSON body excerpt quoted in an error, in bytes.
const BODY_EXCERPT_BYTES: usize = 100;
/// Longest single text field (description, summary) quoted in an error, in bytes.
const FIELD_MAX_BYTES: usize = 400;

/// Turn a non-success Okta reply into one clear [`Error::Okta`] line.
///
/// `what` names the step for the message, e.g. `fetching access token`. Understands, in
/// this order:
///
/// * OAuth JSON (RFC 6749 §5.2): `error`, `error_description`;
/// * Okta API JSON: `errorCode`, `errorSummary`, `errorCauses[].errorSummary`;
/// * a `WWW-Authenticate: Bearer ... error="...", error_description="..."` header
///   (RFC 6750 §3), which Okta sends on 401/403 with an empty body;
/// * anything else: the status line and the first ~100 bytes of the body, squeezed onto
///   one line (HTML tags dropped; long token-like strings redacted).
///
/// The OAuth `error` (or Okta `errorCode`) is kept in `code`. For 5xx replies the
/// `x-okta-request-id` header is quoted so the user can give it to Okta support.
/// The message never contains a token: Okta does not echo secrets in its errors, and long
/// token-like runs are redacted anyway.
pub fn error_from_response(what: &str, resp: &Response) -> Error {
    let status = resp.status_line();
    let mut code: Option<String> = None;
    let mut detail: Option<String> = None;

    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(&resp.body) {
        let text = |k: &str| {
            map.get(k)
                .and_then(|v| v.as_str())
                .map(clean_field)
                .filter(|s| !s.is_empty())
        };
        let oauth_error = text("error");
        let description = text("error_description");
        let okta_code = text("errorCode");
        let summary = text("errorSummary");
        code = oauth_error.clone().or_else(|| okta_code.clone());
        let mut d = match (&oauth_error, &description, &okta_code, &summary) {
            (Some(e), Some(desc), _, _) => format!("{e}: {desc}"),
            (None, Some(desc), _, _) => desc.clone(),
            (Some(e), None, _, Some(sum)) => format!("{e}: {sum}"),
            (Some(e), None, _, None) => e.clone(),
            (None, None, Some(c), Some(sum)) => format!("{sum} ({c})"),
            (None, None, None, Some(sum)) => sum.clone(),
            (None, None, Some(c), None) => c.clone(),
            (None, None, None, None) => String::new(),
        };
        let causes: Vec<String> = map
            .get("errorCauses")
            .and_then(|v| v.as_array())
            .map(|arr| {
                arr.iter()
                    .filter_map(|c| c.as_object())
                    .flat_map(|o| {
                        o.iter().filter_map(|(k, v)| {
                            v.as_str().map(|s| format!("{k}: {}", clean_field(s)))
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !causes.is_empty() && !d.is_empty() {
            d.push_str(&format!(". Causes: {}", causes.join(", ")));
        }
        if !d.is_empty() {
            detail = Some(d);
        }
    }

    if detail.is_none()
        && let Some((err, desc)) = resp
            .header("www-authenticate")
            .and_then(parse_bearer_challenge)
    {
        code = code.or(err.clone());
        detail = Some(match (err, desc) {
            (Some(e), Some(d)) => format!("{e}: {d}"),
            (None, Some(d)) => d,
            (Some(e), None) => e,
            (None, None) => "unauthorized".to_string(),
        });
    }

    let mut message = match detail {
        Some(d) => format!("{what}: Okta API returned {status}: {d}"),
        None => {
            let excerpt = body_excerpt(&resp.body);
            if excerpt.is_empty() {
                format!("{what}: Okta API returned {status} with an empty body")
            } else {
                let ct = resp
                    .header("content-type")
                    .map(|c| clean_field(c.split(';').next().unwrap_or(c)))
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "no content type".to_string());
                format!("{what}: Okta API returned {status} ({ct}): \"{excerpt}\"")
            }
        }
    };
    if resp.status >= 500
        && let Some(id) = resp.header("x-okta-request-id").map(clean_field)
        && !id.is_empty()
    {
        message.push_str(&format!(" (x-okta-request-id {id})"));
    }
    Error::Okta { code, message }
}

/// Parse `Bearer realm="...", error="...", error_description="..."` (RFC 6750 §3).
/// Returns `None` if the challenge is not a Bearer challenge.
fn parse_bearer_challenge(header: &str) -> Option<(Option<String>, Option<String>)> {
    let trimmed = header.trim_start();
    if !trimmed
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
    {
        return None;
    }
    let params = &trimmed[6..];
    let mut error = None;
    let mut description = None;
    let mut rest = params;
    loop {
        rest = rest.trim_start_matches([' ', ',', '\t']);
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            // Quoted string with backslash escapes.
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => value.push(c),
                }
            }
            (value, &quoted[end.min(quoted.len())..])
        } else {
            let stop = after.find(',').unwrap_or(after.len());
            (after[..stop].trim().to_string(), &after[stop..])
        };
        let value = clean_field(&value);
        match name.as_str() {
            "error" if !value.is_empty() => error = Some(value),
            "error_description" if !value.is_empty() => description = Some(value),
            _ => {}
        }
        rest = next;
    }
    Some((error, description))
}

/// One line, no control characters, bounded length, token-like runs redacted.
fn clean_field(s: &str) -> String {
    truncate(&redact_tokens(&squeeze(s)), FIELD_MAX_BYTES)
}

/// The first bytes of a reply body for an error message, as one readable line: lossy UTF-8,
/// HTML tags (and `<script>`/`<style>` contents) dropped, whitespace and control characters
/// collapsed to one space, token-like runs replaced with `<redacted>`, at most 100 bytes
/// (then `...`). Used for every Okta reply quoted in an error.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = if text.trim_start().starts_with('<') {
        strip_tags(&text)
    } else {
        text.into_owned()
    };
    truncate(&redact_tokens(&squeeze(&text)), BODY_EXCERPT_BYTES)
}

/// Collapse every run of whitespace or control characters into one space; trim.
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Drop `<...>` tags (and the contents of `<script>`/`<style>`), keep the text between.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let after = &rest[open..];
        let lower = after.get(..7).unwrap_or("").to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") || lower.starts_with("<style") {
            let closing = if lower.starts_with("<script") {
                "</script>"
            } else {
                "</style>"
            };
            after
                .to_ascii_lowercase()
                .find(closing)
                .map(|i| i + closing.len())
        } else {
            after.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => rest = &after[n..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Cut to at most `max` bytes on a character boundary, marking the cut with `...`.
fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", s[..end].trim_end())
}

/// Replace runs that look like tokens (40+ characters of base64/base64url/JWT alphabet
/// mixing upper case, lower case and digits) with `<redacted>`.
fn redact_tokens(s: &str) -> String {
    fn token_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=')
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let looks_secret = run.len() >= 40
            && run.chars().any(|c| c.is_ascii_uppercase())
            && run.chars().any(|c| c.is_ascii_lowercase())
            && run.chars().any(|c| c.is_ascii_digit());
        if looks_secret {
            out.push_str("<redacted>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in s.chars() {
        if token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// `client_assertion_type` for a JWT client assertion (RFC 7523 §2.2).
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Default m2m scope (`--custom-scope`).
pub const DEFAULT_M2M_SCOPE: &str = "okta-m2m-access";
/// `X-Okta-Aws-Cli-Operation` header name (docs/decisions.md#d-http-client).
pub const OPERATION_HEADER: &str = "X-Okta-Aws-Cli-Operation";

/// The token endpoint of an authorization server: `<org base>/oauth2/<authz-id>/v1/token`.
/// `org_base` is [`crate::config::OrgUrl::base`] (scheme and authority, no trailing slash);
/// a trailing slash is tolerated. This URL is also the client assertion's `aud`.
pub fn token_endpoint(org_base: &str, authz_id: &str) -> String {
    format!(
        "{}/oauth2/{}/v1/token",
        org_base.trim_end_matches('/'),
        authz_id.trim_matches('/')
    )
}

/// The m2m client-credentials token request (docs/decisions.md#k-okta-requests):
/// `POST <org>/oauth2/<authz-id>/v1/token` with `Accept: application/json`,
/// `Content-Type: application/x-www-form-urlencoded`, `User-Agent: <user_agent>`,
/// `X-Okta-Aws-Cli-Operation: m2m`, and the form fields `client_assertion`,
/// `client_assertion_type`, `grant_type=client_credentials`, `scope` (all in the body,
/// never the URL; no `client_id`). An empty `scope` means [`DEFAULT_M2M_SCOPE`].
pub fn m2m_token_request(
    org_base: &str,
    authz_id: &str,
    client_assertion: &str,
    scope: &str,
    user_agent: &str,
) -> Request {
    let scope = if scope.trim().is_empty() {
        DEFAULT_M2M_SCOPE
    } else {
        scope
    };
    Request::form(
        &token_endpoint(org_base, authz_id),
        &[
            ("Accept", "application/json"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("User-Agent", user_agent),
            (OPERATION_HEADER, "m2m"),
        ],
        &[
            ("client_assertion", client_assertion),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("grant_type", "client_credentials"),
            ("scope", scope),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------

/// A successful token reply (RFC 6749 §5.1). `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenReply {
    /// The access token (secret); for m2m it becomes STS's `WebIdentityToken`.
    pub access_token: String,
    /// `token_type`, normally `Bearer`.
    pub token_type: String,
    /// `expires_in` in seconds, when given.
    pub expires_in: Option<u64>,
    /// `scope` granted, when given.
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenReply")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Parse the body of a 2xx token reply.
///
/// Errors: [`Error::Runtime`] naming `what` when the body is not JSON or has no
/// non-empty `access_token` string.
pub fn parse_token_reply(what: &str, body: &[u8]) -> Result<TokenReply> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        Error::runtime(format!(
            "{what}: Okta's reply is not JSON: \"{}\"",
            body_excerpt(body)
        ))
    })?;
    let access_token = value
        .get("access_token")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::runtime(format!("{what}: Okta's reply has no access_token")))?
        .to_string();
    let token_type = value
        .get("token_type")
        .and_then(|v| v.as_str())
        .unwrap_or("Bearer")
        .to_string();
    let expires_in = value.get("expires_in").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let scope = value
        .get("scope")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(TokenReply {
        access_token,
        token_type,
        expires_in,
        scope,
    })
}

/// What the m2m token step is called in messages.
pub const M2M_TOKEN_STEP: &str = "fetching access token";

/// Interpret the reply to [`m2m_token_request`]. `now` is the local clock in Unix seconds,
/// quoted when Okta rejects the client assertion for a clock-related reason (case B16:
/// `invalid_client` "expiration too far into the future", "issued in the future",
/// "expired", ...), together with a hint to check time synchronisation.
///
/// Errors: [`Error::Okta`] for a non-2xx reply (see [`error_from_response`]);
/// [`Error::Runtime`] for a 2xx reply without an access token.
pub fn m2m_token_reply(resp: &Response, now: i64) -> Result<TokenReply> {
    if !(200..300).contains(&resp.status) {
        let err = error_from_response(M2M_TOKEN_STEP, resp);
        return Err(add_clock_hint(err, now));
    }
    parse_token_reply(M2M_TOKEN_STEP, &resp.body)
}

/// True when an Okta error text blames the client assertion's time claims.
pub fn is_clock_complaint(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "too far into the future",
        "expiration too far",
        "in the future",
        "is expired",
        "has expired",
        "token expired",
        "'iat'",
        "\"iat\"",
        "iat claim",
        "'exp'",
        "exp claim",
        "not yet valid",
        "'nbf'",
        "clock",
    ]
    .iter()
    .any(|p| m.contains(p))
}

fn add_clock_hint(err: Error, now: i64) -> Error {
    match err {
        Error::Okta { code, message }
            if code.as_deref() == Some("invalid_client") && is_clock_complaint(&message) =>
        {
            let local = time::OffsetDateTime::from_unix_timestamp(now)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_else(|| format!("{now} (Unix seconds)"));
            Error::Okta {
                code,
                message: format!(
                    "{message} (this computer's clock reads {local} UTC; Okta rejects client \
                     assertions when the local clock is off: check that time synchronisation \
                     (NTP) is working)"
                ),
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, reason: &str, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            reason: reason.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn parts(e: Error) -> (Option<String>, String) {
        match e {
            Error::Okta { code, message } => (code, message),
            other => panic!("not an Okta error: {other:?}"),
        }
    }

    #[test]
    fn oauth_json_error() {
        let r = resp(
            400,
            "Bad Request",
            &[("Content-Type", "application/json")],
            r#"{"error":"invalid_scope","error_description":"The following scopes are not allowed: 'okta-m2m-access'"}"#,
        );
        let (code, msg) = parts(error_from_response("fetching access token", &r));
        assert_eq!(code.as_deref(), Some("invalid_scope"));
        assert_eq!(
            msg,
            "fetching access token: Okta API returned 400 Bad Request: invalid_scope: The \
             following scopes are not allowed: 'okta-m2m-access'"
        );
    }

    #[test]
    fn okta_json_error_with_causes_and_request_id() {
        let r = resp(
            500,
            "Internal Server Error",
            &[("X-Okta-Request-Id", "req-123")],
            r#"{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorLink":"E0000009","errorId":"oae1","errorCauses":[{"errorSummary":"database busy"}]}"#,
        );
        let (code, msg) = parts(error_from_response("listing apps", &r));
        assert_eq!(code.as_deref(), Some("E0000009"));
        assert_eq!(
            msg,
            "listing apps: Okta API returned 500 Internal Server Error: Internal Server Error \
             (E0000009). Causes: errorSummary: database busy (x-okta-request-id req-123)"
        );
    }

    #[test]
    fn www_authenticate_bearer() {
        let r = resp(
            401,
            "Unauthorized",
            &[(
                "WWW-Authenticate",
                r#"Bearer authorization_uri="https://x/oauth2/v1/authorize", realm="IdpApp", scope="", error="invalid_token", error_description="The access token is invalid, \"expired\"", resource="/api/v1/users/me/appLinks""#,
            )],
            "",
        );
        let (code, msg) = parts(error_from_response("listing apps", &r));
        assert_eq!(code.as_deref(), Some("invalid_token"));
        assert_eq!(
            msg,
            "listing apps: Okta API returned 401 Unauthorized: invalid_token: The access \
             token is invalid, \"expired\""
        );
        // A Bearer challenge without a description.
        let r = resp(
            403,
            "Forbidden",
            &[("www-authenticate", "Bearer realm=\"x\"")],
            "",
        );
        let (code, msg) = parts(error_from_response("x", &r));
        assert_eq!(code, None);
        assert!(msg.ends_with("403 Forbidden: unauthorized"), "{msg}");
    }

    #[test]
    fn non_json_bodies_are_one_short_line() {
        let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n";
        let r = resp(
            502,
            "Bad Gateway",
            &[("Content-Type", "text/html; charset=utf-8")],
            html,
        );
        let (code, msg) = parts(error_from_response("fetching access token", &r));
        assert_eq!(code, None);
        assert_eq!(
            msg,
            "fetching access token: Okta API returned 502 Bad Gateway (text/html): \"502 Bad \
             Gateway 502 Bad Gateway nginx\""
        );
        assert!(!msg.contains('\n'));

        let long = "x".repeat(500);
        let r = resp(503, "", &[], &long);
        let (_, msg) = parts(error_from_response("s", &r));
        assert!(msg.contains("503 (no content type)"), "{msg}");
        assert!(msg.len() < 200, "{msg}");
        assert!(msg.ends_with("...\""), "{msg}");

        let r = resp(404, "Not Found", &[], "");
        let (_, msg) = parts(error_from_response("s", &r));
        assert_eq!(msg, "s: Okta API returned 404 Not Found with an empty body");
    }

    #[test]
    fn token_like_strings_are_redacted() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2FGQUtFIn0.SIGNATUREabc123DEF456ghi789";
        let r = resp(
            400,
            "Bad Request",
            &[],
            &format!("bad assertion {jwt} here"),
        );
        let (_, msg) = parts(error_from_response("s", &r));
        assert!(!msg.contains("eyJ"), "{msg}");
        assert!(msg.contains("bad assertion <redacted> here"), "{msg}");
        let r = resp(
            400,
            "Bad Request",
            &[],
            &format!(r#"{{"error":"invalid_grant","error_description":"token {jwt}"}}"#),
        );
        let (_, msg) = parts(error_from_response("s", &r));
        assert!(!msg.contains("eyJ"), "{msg}");
        // URLs and ordinary words survive.
        let r = resp(
            400,
            "Bad Request",
            &[],
            r#"{"error":"invalid_client","error_description":"The audience claim for client_assertion must be the endpoint invoked for the request: https://example.okta.com/oauth2/default/v1/token"}"#,
        );
        let (_, msg) = parts(error_from_response("s", &r));
        assert!(
            msg.contains("https://example.okta.com/oauth2/default/v1/token"),
            "{msg}"
        );
    }

    #[test]
    fn json_without_known_fields_falls_back_to_excerpt() {
        let r = resp(
            418,
            "I'm a teapot",
            &[("Content-Type", "application/json")],
            r#"{"x":1}"#,
        );
        let (code, msg) = parts(error_from_response("s", &r));
        assert_eq!(code, None);
        assert_eq!(
            msg,
            "s: Okta API returned 418 I'm a teapot (application/json): \"{\"x\":1}\""
        );
    }

    #[test]
    fn b16_request_shape() {
        let cases = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");
        let exp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{cases}B16-client-assertion.expected.json"))
                .expect("B16"),
        )
        .expect("json");
        let http = &exp["http"];
        let req = m2m_token_request(
            "https://example.okta.com/",
            "ausFAKEauthz00001",
            "aaa.bbb.ccc",
            "",
            "okta-aws-cli",
        );
        assert_eq!(req.url, http["url"].as_str().expect("url"));
        assert_eq!(req.url, exp["jwt"]["claims"]["aud"].as_str().expect("aud"));
        for bad in http["url_must_not_contain"].as_array().expect("list") {
            assert!(!req.url.contains(bad.as_str().expect("s")), "{}", req.url);
        }
        for (name, value) in http["headers"].as_object().expect("headers") {
            assert!(
                req.headers.iter().any(|(k, v)| k == name && v == value),
                "missing header {name}"
            );
        }
        assert!(
            req.headers
                .contains(&(OPERATION_HEADER.into(), "m2m".into()))
        );
        assert!(
            req.headers
                .contains(&("User-Agent".into(), "okta-aws-cli".into()))
        );
        for (name, value) in http["form_body"].as_object().expect("form") {
            let got = req.form.iter().find(|(k, _)| k == name).expect(name);
            if name == "client_assertion" {
                assert_eq!(got.1, "aaa.bbb.ccc");
            } else {
                assert_eq!(&got.1, value.as_str().expect("s"), "{name}");
            }
        }
        assert!(!req.form.iter().any(|(k, _)| k == "client_id"));
        assert_eq!(
            req.body(),
            "client_assertion=aaa.bbb.ccc&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&grant_type=client_credentials&scope=okta-m2m-access"
        );
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("aaa.bbb.ccc"), "{dbg}");

        // Variants.
        let d = m2m_token_request("https://example.okta.com", "default", "a", "my-scope", "ua");
        assert_eq!(d.url, "https://example.okta.com/oauth2/default/v1/token");
        assert!(d.body().ends_with("&scope=my-scope"));
        let two = m2m_token_request("https://h", "default", "a", "s1 s2", "ua");
        assert!(two.body().ends_with("&scope=s1+s2"));
    }

    #[test]
    fn token_reply_parsing() {
        let ok = resp(
            200,
            "OK",
            &[],
            r#"{"token_type":"Bearer","expires_in":3600,"access_token":"at-123","scope":"okta-m2m-access"}"#,
        );
        let t = m2m_token_reply(&ok, 0).expect("token");
        assert_eq!(t.access_token, "at-123");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.scope.as_deref(), Some("okta-m2m-access"));
        assert!(!format!("{t:?}").contains("at-123"));

        let no_token = resp(200, "OK", &[], r#"{"token_type":"Bearer"}"#);
        let e = m2m_token_reply(&no_token, 0).unwrap_err();
        assert!(matches!(e, Error::Runtime(_)));
        assert!(e.to_string().contains("no access_token"), "{e}");

        let not_json = resp(200, "OK", &[], "<html>login</html>");
        let e = m2m_token_reply(&not_json, 0).unwrap_err();
        assert!(e.to_string().contains("not JSON"), "{e}");
    }

    #[test]
    fn clock_related_invalid_client_gets_a_hint() {
        for desc in [
            "The client_assertion token has an expiration too far into the future.",
            "The client_assertion token was issued in the future.",
            "The client_assertion token is expired.",
        ] {
            let body = format!(r#"{{"error":"invalid_client","error_description":"{desc}"}}"#);
            let r = resp(401, "Unauthorized", &[], &body);
            let e = m2m_token_reply(&r, 1_714_564_800).unwrap_err();
            let (code, msg) = parts(e);
            assert_eq!(code.as_deref(), Some("invalid_client"));
            assert!(msg.contains(desc), "{msg}");
            assert!(msg.contains("2024-05-01T12:00:00Z UTC"), "{msg}");
            assert!(msg.contains("NTP"), "{msg}");
        }
        // Not clock related: no hint.
        let r = resp(
            401,
            "Unauthorized",
            &[],
            r#"{"error":"invalid_client","error_description":"The client_assertion signature is invalid."}"#,
        );
        let (_, msg) = parts(m2m_token_reply(&r, 1_714_564_800).unwrap_err());
        assert!(!msg.contains("NTP"), "{msg}");
        // Clock words under another code: no hint.
        let r = resp(
            400,
            "Bad Request",
            &[],
            r#"{"error":"invalid_grant","error_description":"The token is expired."}"#,
        );
        let (_, msg) = parts(m2m_token_reply(&r, 0).unwrap_err());
        assert!(!msg.contains("NTP"), "{msg}");
    }
}
