//! PURE: the text of a `--debug-api-calls` dump: one request or reply laid out as on the
//! wire, secrets redacted (`redact`), control characters escaped for the terminal.

use super::message::Response;
use super::redact::{redact_body, redact_header, redact_url};
use crate::url::Url;

/// The `--debug-api-calls` dump of a request (docs/decisions.md#d-http-client layout), secrets
/// redacted. `headers` are the request headers as sent (including `User-Agent`).
pub fn format_request_dump(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> String {
    let shown = redact_url(url);
    let (host, target) = split_for_dump(&shown);
    let mut out = String::new();
    out.push_str("[DEBUG] API Request Details:\n");
    out.push_str("---[ REQUEST ]---------------------------------------\n");
    out.push_str(&format!("{method} {target} HTTP/1.1\r\n"));
    out.push_str(&format!("Host: {host}\r\n"));
    let mut content_type = None;
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("content-type") {
            content_type = Some(v.as_str());
        }
        out.push_str(&format!("{k}: {}\r\n", redact_header(k, v)));
    }
    out.push_str("\r\n");
    if let Some(body) = body {
        out.push_str(&redact_body(content_type, body));
        out.push('\n');
    }
    out.push_str("-----------------------------------------------------\n");
    out
}

/// The `--debug-api-calls` dump of a reply, secrets redacted.
pub fn format_response_dump(resp: &Response) -> String {
    let mut out = String::new();
    out.push_str("[DEBUG] API Response Details:\n");
    out.push_str("---[ RESPONSE ]--------------------------------------\n");
    out.push_str(&format!("HTTP/1.1 {}\r\n", resp.status_line()));
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {}\r\n", redact_header(k, v)));
    }
    out.push_str("\r\n");
    out.push_str(&redact_body(resp.header("content-type"), &resp.body));
    out.push('\n');
    out.push_str("-----------------------------------------------------\n");
    out
}

/// (`Host`, request target) of a URL, as an HTTP/1.1 request line and `Host` header give
/// them: `https://host:1/p?q` -> (`host:1`, `/p?q`). A text that is not a URL is shown
/// whole as the target, with no host.
fn split_for_dump(url: &str) -> (String, String) {
    match Url::parse(url) {
        Ok(u) => (u.authority(), u.target()),
        Err(_) => (String::new(), url.to_string()),
    }
}

/// A `--debug-api-calls` dump with control characters escaped
/// ([`crate::term::sanitize::lines`]), keeping its CRLF line ends.
pub(super) fn dump_for_terminal(text: &str) -> String {
    text.split("\r\n")
        .map(|part| crate::term::sanitize::lines(part))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::redact::tests::assert_clean;

    #[test]
    fn debug_dumps_escape_control_characters_but_keep_crlf() {
        let d = dump_for_terminal("HTTP/1.1 200 OK\r\nX: a\u{1b}[2J\r\n\r\nbody\rmore\nline\u{7}");
        assert_eq!(
            d,
            "HTTP/1.1 200 OK\r\nX: a\\x1b[2J\r\n\r\nbody\\rmore\nline\\x07"
        );
    }

    #[test]
    fn urls_and_full_dumps_are_redacted() {
        let url =
            "https://example.okta.com/login/token/sso?token=WEBSSO-SECRET&fromURI=%2Fapp#frag";
        let out = redact_url(url);
        assert_clean(&out);
        assert!(
            out.contains("fromURI=%2Fapp") && !out.contains("frag"),
            "{out}"
        );

        let dump = format_request_dump(
            "POST",
            url,
            &[
                ("Authorization".into(), "Bearer BEARER-SECRET".into()),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            Some(b"subject_token=SUBJECT-SECRET&audience=urn%3Aokta"),
        );
        assert_clean(&dump);
        assert!(
            dump.contains("POST /login/token/sso?token=<redacted>"),
            "{dump}"
        );
        assert!(dump.contains("Host: example.okta.com"), "{dump}");
        assert!(dump.contains("audience=urn%3Aokta"), "{dump}");

        let resp = Response {
            status: 200,
            reason: "OK".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"access_token":"ACCESS-SECRET","token_type":"Bearer"}"#.to_vec(),
        };
        let dump = format_response_dump(&resp);
        assert_clean(&dump);
        assert!(
            dump.contains("HTTP/1.1 200 OK") && dump.contains("Bearer"),
            "{dump}"
        );
    }
}
