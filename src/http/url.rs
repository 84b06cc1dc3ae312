//! PURE: the one check every URL passes before this program hands it to a browser
//! ([`browser_url`]): the URL read by [`crate::url::Url`], its origin compared with the
//! origin it must be on, and the URL written back percent-encoded, so no character of it
//! means anything to a shell, `cmd.exe` or a terminal.

use crate::url::{Url, UrlError};

/// Characters RFC 3986 §2 allows unescaped in a path, query or fragment: unreserved,
/// sub-delims, `:` and `@`, plus `/` and `?` (§3.3–3.5). `%` is handled separately (kept
/// only when it starts a valid escape).
fn allowed_in_rest(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'?'
        )
}

fn push_escaped(out: &mut String, b: u8) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(DIGITS[usize::from(b >> 4)] as char);
    out.push(DIGITS[usize::from(b & 0x0f)] as char);
}

/// The URL to hand to a browser, or why it may not be opened. Every URL this program opens
/// goes through here: the device activation URL from Okta today, and a console URL opener
/// (`--format console-url`) must use it too (with the console's origin).
///
/// `url` must be an absolute `https` URL (`http` only when `origin` itself is `http`, i.e.
/// a loopback test org) with no control character, no user information (`user@`) and the
/// same origin as `origin` (`https://example.okta.com` or `https://127.0.0.1:8443`: scheme,
/// host and port equal, a missing port standing for the scheme's default). The result is
/// `origin` followed by the URL's path, query and fragment percent-encoded: every byte
/// outside RFC 3986's unreserved, sub-delims, `:`, `@`, `/` and `?` (one `#` starts the
/// fragment) becomes `%XX`, as does a `%` that does not start a valid escape; so the result
/// holds no space, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|` or `}`.
///
/// Errors: the problem, without the URL (the caller names the field and shows the URL
/// escaped): `contains control characters`, `is not an https URL`, `is not on the org's
/// origin <origin>`, `has user information ...`, `has an invalid host`, `has an invalid
/// port`, ...
pub fn browser_url(url: &str, origin: &str) -> Result<String, String> {
    if crate::term::sanitize::has_unsafe(url) {
        return Err("contains control characters".into());
    }
    let want =
        Url::parse(origin).map_err(|e| format!("cannot be checked: the origin {origin:?} {e}"))?;
    if !want.rest().is_empty() {
        return Err(format!(
            "cannot be checked: the origin {origin:?} has a path"
        ));
    }
    let got = Url::parse(url).map_err(|e| match e {
        UrlError::UnsupportedScheme => format!("is not an {} URL", want.scheme()),
        other => other.to_string(),
    })?;
    if got.scheme() != want.scheme() {
        return Err(format!("is not an {} URL", want.scheme()));
    }
    if got.origin() != want.origin() {
        return Err(format!("is not on the org's origin {origin}"));
    }
    let rest = got.rest();
    let mut out = String::with_capacity(origin.len() + rest.len());
    out.push_str(origin.trim_end_matches('/'));
    let bytes = rest.as_bytes();
    let mut in_fragment = false;
    for (i, &b) in bytes.iter().enumerate() {
        let valid_escape = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if allowed_in_rest(b) || valid_escape || (b == b'#' && !in_fragment) {
            in_fragment |= b == b'#';
            out.push(b as char);
        } else {
            push_escaped(&mut out, b);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "https://127.0.0.1:8443";

    #[test]
    fn same_origin_urls_are_kept() {
        for (url, want) in [
            (
                "https://127.0.0.1:8443/activate?user_code=AB-CD",
                "https://127.0.0.1:8443/activate?user_code=AB-CD",
            ),
            ("HTTPS://127.0.0.1:8443", "https://127.0.0.1:8443"),
            (
                "https://127.0.0.1:8443/a%20b?x=%2F#frag",
                "https://127.0.0.1:8443/a%20b?x=%2F#frag",
            ),
        ] {
            assert_eq!(browser_url(url, ORG).unwrap(), want, "{url}");
        }
        assert_eq!(
            browser_url(
                "https://Example.Okta.com:443/activate",
                "https://example.okta.com"
            )
            .unwrap(),
            "https://example.okta.com/activate"
        );
        assert_eq!(
            browser_url("https://example.okta.com/x", "https://example.okta.com:443").unwrap(),
            "https://example.okta.com:443/x"
        );
        assert_eq!(
            browser_url("http://127.0.0.1:9000/activate", "http://127.0.0.1:9000").unwrap(),
            "http://127.0.0.1:9000/activate"
        );
        assert_eq!(
            browser_url("https://[::1]:8443/a", "https://[::1]:8443").unwrap(),
            "https://[::1]:8443/a"
        );
    }

    #[test]
    fn characters_outside_rfc3986_are_percent_encoded() {
        let url = "https://127.0.0.1:8443/a|b>c^d%zz\"e f<g>`{h}\\i?q=1&r=%4&s=%41#x#y[z]é";
        let out = browser_url(url, ORG).unwrap();
        assert_eq!(
            out,
            "https://127.0.0.1:8443/a%7Cb%3Ec%5Ed%25zz%22e%20f%3Cg%3E%60%7Bh%7D%5Ci?q=1&r=%254&s=%41#x%23y%5Bz%5D%C3%A9"
        );
        for c in [' ', '"', '<', '>', '\\', '^', '`', '{', '|', '}', '[', ']'] {
            assert!(!out.contains(c), "{c:?} in {out}");
        }
        // Every `%` left starts a valid escape.
        for (i, _) in out.match_indices('%') {
            assert!(
                out[i + 1..i + 3].bytes().all(|b| b.is_ascii_hexdigit()),
                "{out}"
            );
        }
    }

    #[test]
    fn other_origins_and_malformed_urls_are_refused() {
        for (url, problem) in [
            ("http://127.0.0.1:8443/activate", "is not an https URL"),
            ("javascript:alert(1)", "is not an https URL"),
            ("file:///etc/passwd", "is not an https URL"),
            ("activate", "is not an absolute URL (no scheme)"),
            ("https:/127.0.0.1:8443/a", "has no authority"),
            ("https://127.0.0.1:8444/a", "is not on the org's origin"),
            ("https://127.0.0.1/a", "is not on the org's origin"),
            ("https://evil.example/a", "is not on the org's origin"),
            (
                "https://127.0.0.1:8443.evil.example/a",
                "has an invalid port",
            ),
            (
                "https://127.0.0.1:8443@evil.example/a",
                "has user information",
            ),
            (
                "https://evil.example\\@127.0.0.1:8443/",
                "has user information",
            ),
            ("https://127.0.0.1:8443\\evil/", "has an invalid port"),
            ("https:///a", "has an invalid host"),
            ("https://ex%61mple/a", "has an invalid host"),
            ("https://127.0.0.1:0/a", "has an invalid port"),
            ("https://127.0.0.1:99999/a", "has an invalid port"),
            ("https://[::1/a", "has an invalid host"),
            (
                "https://127.0.0.1:8443/\u{1b}[2J",
                "contains control characters",
            ),
            ("https://127.0.0.1:8443/a\nb", "contains control characters"),
            (
                "https://127.0.0.1:8443/\u{202e}a",
                "contains control characters",
            ),
        ] {
            let e = browser_url(url, ORG).expect_err(url);
            assert!(e.starts_with(problem), "{url}: {e}");
        }
        // An http:// page is refused for an https org and the other way round.
        assert!(browser_url("https://127.0.0.1:9000/a", "http://127.0.0.1:9000").is_err());
    }
}
