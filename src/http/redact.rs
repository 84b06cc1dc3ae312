//! PURE: the redaction of the `--debug-api-calls` dump: every secret in a URL, a header or
//! a body (form, JSON, XML, HTML, text) is replaced by [`REDACTED`] before it is shown.

use super::encode::percent_decode;

/// What every secret is replaced with in `--debug-api-calls` dumps.
pub const REDACTED: &str = "<redacted>";

/// Form fields, JSON members and query parameters whose values are secrets (compared
/// case-insensitively).
pub const SECRET_FIELDS: &[&str] = &[
    "client_assertion",
    "client_secret",
    "device_code",
    // The authorization code grant (RFC 6749 §4.1, RFC 7636): the code and the verifier.
    "code",
    "code_verifier",
    "actor_token",
    "subject_token",
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "device_secret",
    "sessionToken",
    "password",
    // Okta's direct authentication: the MFA transaction, the push and the one-time code.
    "mfa_token",
    "oob_code",
    "otp",
    "SAMLAssertion",
    "SAMLResponse",
    "WebIdentityToken",
    "SecretAccessKey",
    "SessionToken",
    "private_key",
    "privateKey",
    // The console federation endpoint: the credentials JSON and the sign-in token.
    "Session",
    "SigninToken",
];

/// Header names whose values are secrets.
pub const SECRET_HEADERS: &[&str] = &[
    "Authorization",
    "Proxy-Authorization",
    "X-Amz-Security-Token",
    "Cookie",
    "Set-Cookie",
];

/// JWK members that hold private key material (only inside an object with `kty`).
const JWK_PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

/// True when a form field, JSON member or query parameter of this name holds a secret
/// ([`SECRET_FIELDS`], compared case-insensitively).
pub fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// A header value as shown in a dump: secret headers keep only their scheme word
/// (`Bearer <redacted>`) or become `<redacted>`.
pub fn redact_header(name: &str, value: &str) -> String {
    if !SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        return value.to_string();
    }
    let is_auth = name.eq_ignore_ascii_case("Authorization")
        || name.eq_ignore_ascii_case("Proxy-Authorization");
    match value.split_once(' ') {
        Some((scheme, _)) if is_auth => format!("{scheme} {REDACTED}"),
        _ => REDACTED.to_string(),
    }
}

/// An `application/x-www-form-urlencoded` text with the value of every secret field
/// ([`SECRET_FIELDS`]) replaced by `<redacted>`; other pairs are kept byte for byte.
pub fn redact_form(body: &str) -> String {
    body.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_field(&percent_decode(k)) => format!("{k}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A URL for display: secret query parameters redacted, fragment dropped.
pub fn redact_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact_form(query)),
        None => url.to_string(),
    }
}

fn redact_json_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let is_jwk = map.contains_key("kty");
            for (k, v) in map.iter_mut() {
                let secret =
                    is_secret_field(k) || (is_jwk && JWK_PRIVATE_MEMBERS.contains(&k.as_str()));
                if secret && !v.is_null() {
                    *v = serde_json::Value::String(REDACTED.to_string());
                } else {
                    redact_json_value(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json_value),
        serde_json::Value::String(s) if s.contains("PRIVATE KEY-----") => {
            *s = REDACTED.to_string();
        }
        _ => {}
    }
}

/// A JSON document with every secret member ([`SECRET_FIELDS`], JWK private members,
/// strings holding a PEM private key) replaced by `"<redacted>"`, pretty-printed. `None`
/// when the text is not JSON.
pub fn redact_json(body: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(body).ok()?;
    redact_json_value(&mut value);
    serde_json::to_string_pretty(&value).ok()
}

/// The names of XML elements whose whole content is hidden: `SecretAccessKey` and
/// `SessionToken`, in any namespace.
const SECRET_XML_ELEMENTS: &[&[u8]] = &[b"SecretAccessKey", b"SessionToken"];

/// Replace each byte range of `spans` (sorted or not, overlapping or not) in `body` by
/// [`REDACTED`]; one pass.
fn redact_spans(body: &str, mut spans: Vec<std::ops::Range<usize>>) -> String {
    spans.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(body.len());
    let mut done = 0;
    for span in spans {
        if span.end <= done {
            continue; // inside a span already redacted
        }
        let from = span.start.max(done);
        out.push_str(body.get(done..from).unwrap_or(""));
        out.push_str(REDACTED);
        done = span.end;
    }
    out.push_str(body.get(done..).unwrap_or(""));
    out
}

/// What is shown instead of a body the redactor cannot read as `kind` (`JSON`, `XML`,
/// `HTML`): `<N bytes, not shown: could not be parsed as KIND>`.
pub fn unparsable_placeholder(len: usize, kind: &str) -> String {
    format!("<{len} bytes, not shown: could not be parsed as {kind}>")
}

/// An STS or IAM XML reply with the whole content of every `SecretAccessKey` and
/// `SessionToken` element (any namespace prefix) replaced by `<redacted>`, whatever it is
/// made of (text, CDATA sections, comments, entities, child elements). The XML is read with
/// quick-xml, as the STS reader (in the aws layer) reads it.
///
/// `None` when the text is not well-formed XML (a syntax error, mismatched or unclosed
/// elements, no element at all): the caller then shows a placeholder, never the text.
pub fn redact_xml(body: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(body);
    let mut depth = 0usize;
    let mut saw_element = false;
    // (depth of the secret element, byte where its content starts)
    let mut open: Option<(usize, usize)> = None;
    let mut spans = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).ok()?;
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                saw_element = true;
                if open.is_none() && SECRET_XML_ELEMENTS.contains(&e.local_name().as_ref()) {
                    open = Some((depth, usize::try_from(reader.buffer_position()).ok()?));
                }
            }
            Event::Empty(_) => saw_element = true,
            Event::End(_) => {
                if let Some((d, from)) = open
                    && d == depth
                {
                    spans.push(from..before);
                    open = None;
                }
                depth = depth.checked_sub(1)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || open.is_some() || !saw_element {
        return None;
    }
    Some(redact_spans(body, spans))
}

/// The `value` of every HTML `<input>` whose `name` is a secret field (`SAMLResponse`,
/// `token`, ...) replaced by `<redacted>`, whatever the attribute order or quoting.
///
/// Inputs are found by the same tokenizer that reads the SAML Response
/// ([`super::html::for_each_input`]), in its [`super::html::InputScan::Everywhere`] mode (in
/// comments, scripts and attribute values too); a `>` inside a quoted attribute does not end
/// the tag, and names are compared after decoding character references
/// (`SAML&#x52;esponse`), trimmed and ignoring ASCII case. Every `name` attribute of an
/// element counts, and every `value` attribute of a secret one is redacted. The inputs are
/// streamed (only the spans to redact are kept), in time linear in the body; a body that
/// nests `<input` tags beyond [`super::html::everywhere_budget`] is replaced whole by a
/// placeholder (`<N bytes, not shown: ...>`).
pub fn redact_html(body: &str) -> String {
    use super::html::{InputScan, decode_char_refs, for_each_input};
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let scanned = for_each_input(body, InputScan::Everywhere, |input| {
        let secret = input
            .attrs
            .iter()
            .filter(|(k, _)| {
                body.get(k.clone())
                    .is_some_and(|k| k.eq_ignore_ascii_case("name"))
            })
            .filter_map(|(_, v)| body.get(v.clone()))
            .any(|n| is_secret_field(decode_char_refs(n).trim()));
        if !secret {
            return;
        }
        spans.extend(
            input
                .attrs
                .iter()
                .filter(|(k, v)| {
                    !v.is_empty()
                        && body
                            .get(k.clone())
                            .is_some_and(|k| k.eq_ignore_ascii_case("value"))
                })
                .map(|(_, v)| v.clone()),
        );
    });
    if scanned.is_err() {
        return format!(
            "<{} bytes, not shown: too many nested <input> tags to redact>",
            body.len()
        );
    }
    redact_spans(body, spans)
}

/// Safety nets applied to every dumped body: PEM private-key blocks (an unterminated one
/// to the end of the text), `"secret": "..."` pairs in malformed JSON, and `secret=value`
/// pairs in any text (names from [`SECRET_FIELDS`], ASCII case ignored). Hand-written
/// scanners, linear in the body: each looks at every `-----BEGIN `, `"` and `=` once.
fn redact_generic(body: &str) -> String {
    let b = body.as_bytes();
    let mut spans = Vec::new();
    // PEM private keys: `-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----` ... `-----END ...-----`.
    let is_pem_label = |label: &[u8]| {
        label.ends_with(b"PRIVATE KEY")
            && label
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b' ')
    };
    let mut pos = 0;
    while let Some(off) = body[pos..].find("-----BEGIN ") {
        let start = pos + off;
        let label_from = start + "-----BEGIN ".len();
        pos = label_from;
        let Some(label_len) = body[label_from..].find("-----") else {
            break;
        };
        if !is_pem_label(&b[label_from..label_from + label_len]) {
            continue;
        }
        let mut end = b.len();
        let mut search = label_from + label_len + 5;
        while let Some(e) = body[search..].find("-----END ") {
            let from = search + e + "-----END ".len();
            match body[from..].find("-----") {
                Some(l) if is_pem_label(&b[from..from + l]) => {
                    end = from + l + 5;
                    break;
                }
                Some(_) => search = from,
                None => break,
            }
        }
        spans.push(start..end);
        pos = end;
    }
    // `"name" : "value"` with a secret name: the string's content.
    let name_at = |at: usize| -> Option<usize> {
        SECRET_FIELDS.iter().find_map(|n| {
            let end = at + n.len();
            (b.get(at..end)?.eq_ignore_ascii_case(n.as_bytes()) && b.get(end) == Some(&b'"'))
                .then_some(end)
        })
    };
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'"') {
        let q = i + off;
        i = q + 1;
        let Some(after) = name_at(q + 1) else {
            continue;
        };
        let mut j = after + 1;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if b.get(j) != Some(&b':') {
            continue;
        }
        j += 1;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if b.get(j) != Some(&b'"') {
            continue;
        }
        let from = j + 1;
        let mut k = from;
        while k < b.len() && b[k] != b'"' {
            k += if b[k] == b'\\' { 2 } else { 1 };
        }
        let to = k.min(b.len());
        spans.push(from..to);
        i = to.max(q + 1);
    }
    // `name=value` with a secret name at a word start: the value, up to `&`, space, `<`, `>`.
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'=') {
        let eq = i + off;
        i = eq + 1;
        let named = SECRET_FIELDS.iter().any(|n| {
            eq >= n.len()
                && b[eq - n.len()..eq].eq_ignore_ascii_case(n.as_bytes())
                && (eq == n.len() || !is_word(b[eq - n.len() - 1]))
        });
        if !named {
            continue;
        }
        let len = b[eq + 1..]
            .iter()
            .take_while(|&&c| !(c == b'&' || c == b'<' || c == b'>' || c.is_ascii_whitespace()))
            .count();
        if len > 0 {
            spans.push(eq + 1..eq + 1 + len);
        }
    }
    // Spans end on ASCII delimiters or the text's end, so they are char boundaries; a span
    // ending inside a multi-byte char (a `\\` before one) is widened to the next boundary.
    let spans = spans
        .into_iter()
        .map(|r| {
            let mut end = r.end.min(b.len());
            while !body.is_char_boundary(end) {
                end += 1;
            }
            r.start..end
        })
        .collect();
    redact_spans(body, spans)
}

/// A request or reply body as shown by `--debug-api-calls`, every secret redacted.
///
/// The body is read as the program's own parsers read it, by its kind: the `Content-Type`
/// says JSON, XML, HTML or a form, else the first character does (`{`/`[` JSON, `<?xml`
/// XML, `<` HTML or XML). First, on every body, the `value` of each secret-named `<input>`
/// is hidden ([`redact_html`]; the SAML reader takes an assertion from any reply). Then:
/// JSON through serde_json ([`redact_json`], pretty-printed), XML through quick-xml
/// ([`redact_xml`]), forms pair by pair ([`redact_form`]). A body that cannot be parsed as
/// its kind (malformed JSON or XML, an HTML page that does not start with `<`) is never
/// shown: [`unparsable_placeholder`] stands in for it. Last come the safety nets of
/// `redact_generic` (PEM private keys, stray `name=value` / `"name": "value"` pairs).
pub fn redact_body(content_type: Option<&str>, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("x-www-form-urlencoded") {
        return redact_generic(&redact_form(text.trim()));
    }
    if text.trim().is_empty() {
        return String::new();
    }
    let html_redacted = redact_html(&text);
    let trimmed = html_redacted.trim_start_matches('\u{feff}').trim();
    let looks_json = trimmed.starts_with('{') || trimmed.starts_with('[');
    let redacted = if ct.contains("json")
        || (!ct.contains("html") && !ct.contains("xml") && looks_json)
    {
        redact_json(trimmed).unwrap_or_else(|| unparsable_placeholder(body.len(), "JSON"))
    } else if ct.contains("xml") || trimmed.starts_with("<?xml") {
        redact_xml(trimmed).unwrap_or_else(|| unparsable_placeholder(body.len(), "XML"))
    } else if ct.contains("html") {
        if trimmed.is_empty() || trimmed.starts_with('<') {
            html_redacted.clone()
        } else {
            unparsable_placeholder(body.len(), "HTML")
        }
    } else if trimmed.starts_with('<') {
        // No usable Content-Type: XML when it parses as XML; otherwise an HTML page, but
        // never with STS secret elements left in it.
        match redact_xml(trimmed) {
            Some(x) => x,
            None if mentions_secret_element(trimmed) => unparsable_placeholder(body.len(), "XML"),
            None => html_redacted.clone(),
        }
    } else if mentions_secret_element(trimmed) {
        unparsable_placeholder(body.len(), "XML")
    } else {
        html_redacted.clone()
    };
    redact_generic(&redacted)
}

/// True when `text` names an STS secret element (`SessionToken`, `SecretAccessKey`), in
/// any ASCII case.
fn mentions_secret_element(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("sessiontoken") || lower.contains("secretaccesskey")
}

#[cfg(test)]
pub(super) mod tests;
