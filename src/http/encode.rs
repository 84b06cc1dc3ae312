//! PURE: percent-encoding (RFC 3986) and `application/x-www-form-urlencoded` bodies, the one
//! encoder of the crate: form bodies and URLs here, AWS's `UriEncode` in SigV4
//! (`aws::sigv4`) all use [`uri_encode`].

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 percent-encoding of every byte except the unreserved characters (and `/` when
/// `keep_slash`), with upper-case hex digits.
pub fn uri_encode(input: &[u8], keep_slash: bool) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &b in input {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(DIGITS[usize::from(b >> 4)] as char);
            out.push(DIGITS[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// Percent-encode one form component: RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`)
/// are kept, every other byte of the UTF-8 text becomes `%XX` (space is `%20`): [`uri_encode`]
/// with `/` encoded, for text.
pub fn percent_encode(text: &str) -> String {
    uri_encode(text.as_bytes(), false)
}

/// Decode one `application/x-www-form-urlencoded` component (`+` is a space, `%XX` a
/// byte; a malformed escape is kept as written; invalid UTF-8 is replaced).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hi = (bytes[i + 1] as char).to_digit(16);
                let lo = (bytes[i + 2] as char).to_digit(16);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encode name/value pairs as an `application/x-www-form-urlencoded` body (WHATWG URL
/// standard §5.2, HTML forms), in the given order: `a=1&b=x+y`. Unreserved characters are
/// kept, a space becomes `+` (as Go's `url.Values` and botocore send it, so bodies match
/// upstream byte for byte), every other byte `%XX`; `+`, `/`, `=` are escaped.
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let component = |s: &str| percent_encode(s).replace("%20", "+");
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", component(k.as_ref()), component(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_keeps_unreserved_only() {
        let body = form_encode(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("scope", "openid okta.apps.sso"),
            ("SAMLAssertion", "PHN+/a=="),
            ("name", "é~._-"),
        ]);
        assert_eq!(
            body,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code\
             &scope=openid+okta.apps.sso&SAMLAssertion=PHN%2B%2Fa%3D%3D&name=%C3%A9~._-"
        );
        // Round trip through the decoder.
        for part in body.split('&') {
            let (k, v) = part.split_once('=').unwrap();
            assert!(!percent_decode(k).is_empty());
            assert_eq!(form_encode(&[(percent_decode(k), percent_decode(v))]), part);
        }
        assert_eq!(percent_decode("a+b%20c%2"), "a b c%2");
        let empty: [(&str, &str); 0] = [];
        assert_eq!(form_encode(&empty), "");
    }
}
