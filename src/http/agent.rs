//! I/O: the one HTTP agent of a run (DESIGN §2.13, §2.14, §2.16): TLS roots, proxies,
//! timeouts, User-Agent, and `--debug-api-calls` logging with every secret redacted.

use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use ureq::http::Uri;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
use ureq::{Agent, Proxy, Timeout};

use super::encode::{form_encode, percent_decode};
use super::retry::{self, Attempt, NetFailure, Outcome, Verdict};
use crate::config::Env;
use crate::error::{Error, Result};
use crate::fs::bounded::{CA_BUNDLE_CAP, read_bounded_bytes};

/// Which side a request goes to; AWS calls additionally trust `AWS_CA_BUNDLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// The Okta org.
    Okta,
    /// AWS STS or IAM.
    Aws,
}

/// How to build the agent. Debug shows the environment's variable names only.
#[derive(Clone, Default)]
pub struct HttpOptions {
    /// The User-Agent for Okta calls (see [`user_agent`]).
    pub user_agent: String,
    /// `--debug-api-calls`: dump every request and response on stderr, secrets redacted.
    pub debug_api_calls: bool,
    /// Environment snapshot: proxies, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `AWS_CA_BUNDLE`.
    pub env: Env,
}

/// An HTTP reply, read whole. 4xx/5xx are replies, not errors.
///
/// Debug shows the status, the headers with secret values redacted ([`redact_header`]) and
/// only the body's length: bodies carry tokens, SAML assertions and STS secret keys.
#[derive(Clone, Default)]
pub struct Response {
    /// Status code, e.g. 400.
    pub status: u16,
    /// Reason phrase, e.g. `Bad Request` (may be empty).
    pub reason: String,
    /// Header names and values in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("user_agent", &self.user_agent)
            .field("debug_api_calls", &self.debug_api_calls)
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), redact_header(k, v)))
            .collect();
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl Response {
    /// First header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `"<code> <reason>"`, e.g. `400 Bad Request`.
    pub fn status_line(&self) -> String {
        if self.reason.is_empty() {
            self.status.to_string()
        } else {
            format!("{} {}", self.status, self.reason)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------

/// Time allowed to open a connection, including DNS, proxy CONNECT and the TLS handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one whole request: connect, send, redirects and the complete reply
/// (upstream uses 60 s, upstream-behaviour §3).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Most redirects followed for one request (Go's default, upstream-behaviour §3).
pub const MAX_REDIRECTS: u32 = 10;
/// Largest reply body read, in bytes (10 MiB).
pub const MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;

/// What every secret is replaced with in `--debug-api-calls` dumps.
pub const REDACTED: &str = "<redacted>";

// ---------------------------------------------------------------------------------------
// User-Agent and form encoding (pure)
// ---------------------------------------------------------------------------------------

/// The User-Agent sent on every request (upstream-behaviour §3).
///
/// `short` (`--short-user-agent`): exactly `okta-aws-cli`, for Okta policy rules that match
/// it. Otherwise `okta-aws-cli/<version> (rust; <os>; <arch>)`, with Rust's names for the
/// OS and architecture, e.g. `okta-aws-cli/2.6.0 (rust; linux; x86_64)`.
pub fn user_agent(short: bool) -> String {
    if short {
        "okta-aws-cli".to_string()
    } else {
        format!(
            "okta-aws-cli/{} (rust; {}; {})",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        )
    }
}

// ---------------------------------------------------------------------------------------
// Proxies (pure)
// ---------------------------------------------------------------------------------------

/// Proxy settings read from the environment snapshot (DESIGN §2.14).
///
/// - `https://` URLs go through `HTTPS_PROXY` (else `https_proxy`); `http://` URLs through
///   `HTTP_PROXY` (else `http_proxy`). There is no cross-scheme fallback (as curl and Go).
///   Empty values count as unset. `ALL_PROXY` is not read.
/// - `NO_PROXY` (else `no_proxy`): comma- or space-separated entries. `*` disables the
///   proxy for every host. `example.com`, `.example.com` and `*.example.com` each match
///   `example.com` and every subdomain of it. An entry with `:port` matches only that port.
///   IP addresses match exactly; `10.0.0.0/8`-style CIDR entries match addresses inside.
///   Names compare case-insensitively, ignoring a trailing dot.
/// - Decision: loopback targets (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) are never
///   proxied (as Go's `net/http`), so local test servers work behind a corporate proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Proxy URL for `https://` targets.
    pub https: Option<String>,
    /// Proxy URL for `http://` targets.
    pub http: Option<String>,
    /// Parsed `NO_PROXY` entries.
    pub no_proxy: Vec<NoProxyEntry>,
}

/// One `NO_PROXY` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoProxyEntry {
    /// `*`: no host is proxied.
    All,
    /// A domain (lower case, no leading dot): matches it and its subdomains.
    Domain {
        /// The domain, e.g. `example.com`.
        name: String,
        /// Only this port, when the entry had one.
        port: Option<u16>,
    },
    /// An IP address or network.
    Net {
        /// Network address.
        addr: IpAddr,
        /// Prefix length in bits (32 / 128 for a single address).
        prefix: u8,
        /// Only this port, when the entry had one.
        port: Option<u16>,
    },
}

fn first_env<'a>(env: &'a Env, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .filter_map(|n| env.get(*n))
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
}

impl ProxyConfig {
    /// Read `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either case) from the snapshot.
    pub fn from_env(env: &Env) -> ProxyConfig {
        ProxyConfig {
            https: first_env(env, &["HTTPS_PROXY", "https_proxy"]).map(str::to_string),
            http: first_env(env, &["HTTP_PROXY", "http_proxy"]).map(str::to_string),
            no_proxy: first_env(env, &["NO_PROXY", "no_proxy"])
                .map(parse_no_proxy)
                .unwrap_or_default(),
        }
    }

    /// The proxy URL to use for a request to `scheme://host[:port]`, or `None` to connect
    /// directly. `host` may be a bracketed IPv6 literal; `port` is the explicit port if any.
    pub fn proxy_for(&self, scheme: &str, host: &str, port: Option<u16>) -> Option<&str> {
        let proxy = if scheme.eq_ignore_ascii_case("https") {
            self.https.as_deref()
        } else if scheme.eq_ignore_ascii_case("http") {
            self.http.as_deref()
        } else {
            None
        }?;
        if is_loopback_host(host) || self.bypasses(host, port) {
            return None;
        }
        Some(proxy)
    }

    /// Whether `NO_PROXY` exempts this host (and port).
    pub fn bypasses(&self, host: &str, port: Option<u16>) -> bool {
        let host = normalize_host(host);
        let ip = host.parse::<IpAddr>().ok();
        self.no_proxy.iter().any(|entry| match entry {
            NoProxyEntry::All => true,
            NoProxyEntry::Domain { name, port: p } => {
                port_ok(*p, port)
                    && (host == *name
                        || (host.len() > name.len()
                            && host.ends_with(name.as_str())
                            && host.as_bytes()[host.len() - name.len() - 1] == b'.'))
            }
            NoProxyEntry::Net {
                addr,
                prefix,
                port: p,
            } => port_ok(*p, port) && ip.is_some_and(|ip| in_network(ip, *addr, *prefix)),
        })
    }
}

fn port_ok(entry: Option<u16>, actual: Option<u16>) -> bool {
    entry.is_none() || entry == actual
}

/// Lower-case, strip IPv6 brackets and a trailing dot.
fn normalize_host(host: &str) -> String {
    let h = host.trim();
    let h = h
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(h);
    h.trim_end_matches('.').to_ascii_lowercase()
}

/// `localhost`, `*.localhost`, any 127.0.0.0/8 address or `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let h = normalize_host(host);
    if h == "localhost" || h.ends_with(".localhost") {
        return true;
    }
    h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = u32::from(prefix.min(32));
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = u32::from(prefix.min(128));
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Parse a `NO_PROXY` value (see [`ProxyConfig`]); unusable entries are skipped.
pub fn parse_no_proxy(value: &str) -> Vec<NoProxyEntry> {
    value
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .filter_map(parse_no_proxy_entry)
        .collect()
}

fn parse_no_proxy_entry(entry: &str) -> Option<NoProxyEntry> {
    if entry == "*" {
        return Some(NoProxyEntry::All);
    }
    // CIDR network.
    if let Some((addr, bits)) = entry.split_once('/') {
        let addr = normalize_host(addr).parse::<IpAddr>().ok()?;
        let prefix = bits.parse::<u8>().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        return (prefix <= max).then_some(NoProxyEntry::Net {
            addr,
            prefix,
            port: None,
        });
    }
    // Bare IPv6 address (contains several colons, no port possible).
    if let Ok(addr) = entry.parse::<IpAddr>() {
        let prefix = if addr.is_ipv4() { 32 } else { 128 };
        return Some(NoProxyEntry::Net {
            addr,
            prefix,
            port: None,
        });
    }
    // host:port or [v6]:port
    let (host, port) = match entry.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && (!h.contains(':') || h.ends_with(']')) => {
            (h, Some(p.parse::<u16>().ok()?))
        }
        _ => (entry, None),
    };
    let host = normalize_host(host);
    if let Ok(addr) = host.parse::<IpAddr>() {
        let prefix = if addr.is_ipv4() { 32 } else { 128 };
        return Some(NoProxyEntry::Net { addr, prefix, port });
    }
    let name = host
        .strip_prefix("*.")
        .or_else(|| host.strip_prefix('.'))
        .unwrap_or(&host)
        .to_string();
    if name.is_empty() || name.contains('*') {
        return None;
    }
    Some(NoProxyEntry::Domain { name, port })
}

/// Proxy URL without user-info, for messages: `http://proxy.corp:3128`.
fn proxy_label(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}")
}

// ---------------------------------------------------------------------------------------
// Redaction for --debug-api-calls (pure)
// ---------------------------------------------------------------------------------------

/// Form fields, JSON members and query parameters whose values are secrets (compared
/// case-insensitively).
pub const SECRET_FIELDS: &[&str] = &[
    "client_assertion",
    "client_secret",
    "device_code",
    "actor_token",
    "subject_token",
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "device_secret",
    "sessionToken",
    "password",
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

/// The `--debug-api-calls` dump of a request (upstream-behaviour §3 layout), secrets
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

/// `https://host:1/p?q` -> (`host:1`, `/p?q`).
fn split_for_dump(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    match rest.find(['/', '?']) {
        Some(i) => {
            let path = &rest[i..];
            let path = if path.starts_with('?') {
                format!("/{path}")
            } else {
                path.to_string()
            };
            (rest[..i].to_string(), path)
        }
        None => (rest.to_string(), "/".to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// The agent (I/O)
// ---------------------------------------------------------------------------------------

/// Where `--debug-api-calls` dumps go (stderr in the program; a buffer in tests).
pub type DebugSink = Box<dyn Write + Send>;

/// The HTTP client of one run: one ureq agent (connections reused) for Okta and AWS, plus a
/// second one for AWS when `AWS_CA_BUNDLE` adds trusted roots.
///
/// The agents, and with them the trust store, are built on the first request
/// ([`Http::tls_ready`]), so a run that fails before any network call (a bad key, a
/// configuration error) never pays for the TLS set-up.
///
/// Every request: TLS verified (no way to turn it off), connect timeout
/// [`CONNECT_TIMEOUT`], whole-request timeout [`REQUEST_TIMEOUT`], at most
/// [`MAX_REDIRECTS`] redirects, 4xx/5xx returned as [`Response`]s, proxies per
/// [`ProxyConfig`], retries decided by [`super::retry::decide`] (see [`Http::send`] and
/// [`Http::send_repeatable`]), every wait of the run counted against
/// [`super::retry::RUN_WAIT_BUDGET`].
pub struct Http {
    /// Built on first use from `env` and `aws_bundle`.
    agents: OnceLock<Agents>,
    /// The environment snapshot (`SSL_CERT_FILE`, `SSL_CERT_DIR`).
    env: Env,
    /// The certificates of `AWS_CA_BUNDLE`, read and checked by [`Http::new`].
    aws_bundle: Option<Vec<Certificate<'static>>>,
    proxies: ProxyConfig,
    https_proxy: Option<Proxy>,
    http_proxy: Option<Proxy>,
    user_agent: String,
    debug: Option<Mutex<DebugSink>>,
    /// Time spent waiting between attempts so far in this run.
    waited: Mutex<Duration>,
}

/// One request to send, owned: what a request builder of [`Http::send_repeatable_with`]
/// returns for each attempt.
#[derive(Clone, Default)]
pub struct Outgoing {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Absolute `http(s)://` URL.
    pub url: String,
    /// Header name/value pairs, sent as given.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl Outgoing {
    /// The request as given (owned copies, so that it can be sent again).
    pub fn new(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Self {
        Outgoing {
            method: method.to_string(),
            url: url.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.map(<[u8]>::to_vec),
        }
    }

    /// A `POST` of a form body (encoded with [`form_encode`]); `Content-Type:
    /// application/x-www-form-urlencoded; charset=utf-8` is added unless `headers` has one.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(
        url: &str,
        headers: &[(&str, &str)],
        form: &[(K, V)],
    ) -> Outgoing {
        let mut all: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            all.push((
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded; charset=utf-8".to_string(),
            ));
        }
        Outgoing {
            method: "POST".to_string(),
            url: url.to_string(),
            headers: all,
            body: Some(form_encode(form).into_bytes()),
        }
    }

    fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field(
                "body",
                &format_args!("<{} bytes>", self.body.as_ref().map_or(0, Vec::len)),
            )
            .finish()
    }
}

/// Why one attempt produced no reply: the error to report, and how the retry policy sees it.
struct Failed {
    error: Error,
    net: NetFailure,
}

impl Failed {
    /// A failure that no retry can fix (bad URL, cross-host redirect, ...).
    fn fatal(error: Error) -> Failed {
        Failed {
            error,
            net: NetFailure::Other,
        }
    }
}

/// The ureq agents and a label for the roots they trust (for messages).
struct Agents {
    agent: Agent,
    aws_agent: Option<Agent>,
    roots_label: &'static str,
    /// Why `SSL_CERT_FILE` could not be read (every request then fails with it).
    ssl_cert_file_error: Option<String>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("tls_ready", &self.tls_ready())
            .field("aws_ca_bundle", &self.aws_bundle.is_some())
            .field("user_agent", &self.user_agent)
            .field("debug_api_calls", &self.debug.is_some())
            .finish()
    }
}

/// Root certificates: the OS store (via `SSL_CERT_FILE` / `SSL_CERT_DIR` of the snapshot
/// when set), else the bundled Mozilla roots. Returns the roots and a label for messages.
///
/// `ssl_cert_file`: the bytes of `SSL_CERT_FILE`, read (bounded) by the caller.
fn base_roots(
    env: &Env,
    ssl_cert_file: Option<&[u8]>,
) -> (Vec<Certificate<'static>>, &'static str) {
    let file = first_env(env, &["SSL_CERT_FILE"]);
    let dirs = first_env(env, &["SSL_CERT_DIR"]);
    let found: Vec<Vec<u8>> = if file.is_some() || dirs.is_some() {
        let mut certs: Vec<Vec<u8>> = Vec::new();
        if let Some(bytes) = ssl_cert_file {
            certs.extend(ureq::tls::parse_pem(bytes).filter_map(|item| match item {
                Ok(PemItem::Certificate(c)) => Some(c.der().to_vec()),
                _ => None,
            }));
        }
        if let Some(dirs) = dirs {
            for dir in std::env::split_paths(dirs).filter(|d| !d.as_os_str().is_empty()) {
                certs.extend(
                    rustls_native_certs::load_certs_from_paths(None, Some(&dir))
                        .certs
                        .iter()
                        .map(|c| c.as_ref().to_vec()),
                );
            }
        }
        certs
    } else {
        // Reads SSL_CERT_FILE/SSL_CERT_DIR of the process, which main's snapshot equals.
        rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect()
    };
    let certs: Vec<Certificate<'static>> = found
        .iter()
        .map(|der| Certificate::from_der(der).to_owned())
        .collect();
    if certs.is_empty() {
        (
            Vec::new(),
            "the bundled Mozilla roots, as the OS store had none",
        )
    } else if file.is_some() || dirs.is_some() {
        (certs, "SSL_CERT_FILE/SSL_CERT_DIR")
    } else {
        (certs, "the OS certificate store")
    }
}

/// The bytes of a CA bundle named by `var` (`SSL_CERT_FILE`, `AWS_CA_BUNDLE`): a regular
/// file of at most [`CA_BUNDLE_CAP`] (16 MiB), read without blocking; `Ok(None)` when absent.
fn read_ca_file(var: &str, path: &str) -> Result<Option<Vec<u8>>> {
    read_bounded_bytes(Path::new(path), CA_BUNDLE_CAP)
        .map_err(|e| Error::config(format!("{var} {path:?}: cannot read: it {e}")))
}

/// Certificates of the PEM bundle named by `AWS_CA_BUNDLE`.
fn aws_ca_bundle(path: &str) -> Result<Vec<Certificate<'static>>> {
    let bytes = read_ca_file("AWS_CA_BUNDLE", path)?.ok_or_else(|| {
        Error::config(format!("AWS_CA_BUNDLE {path:?}: cannot read: no such file"))
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(_) => {
                return Err(Error::config(format!(
                    "AWS_CA_BUNDLE {path:?}: not a valid PEM certificate bundle"
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::config(format!(
            "AWS_CA_BUNDLE {path:?}: no PEM certificates found"
        )));
    }
    Ok(certs)
}

fn tls_config(roots: &[Certificate<'static>]) -> TlsConfig {
    let roots = if roots.is_empty() {
        RootCerts::WebPki
    } else {
        RootCerts::new_with_certs(roots)
    };
    TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(roots)
        .build()
}

fn build_agent(tls: TlsConfig, user_agent: &str) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls)
        .proxy(None)
        // Redirects are followed by `Http::send` itself, on the same origin only.
        .max_redirects(0)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(REQUEST_TIMEOUT))
        .user_agent(user_agent)
        .build();
    Agent::new_with_config(config)
}

fn parse_proxy(var: &str, url: &str) -> Result<Proxy> {
    Proxy::new(url).map_err(|_| {
        Error::config(format!(
            "{var} is not a usable proxy URL: {}",
            proxy_label(url)
        ))
    })
}

/// Parts of a request URL needed for proxy choice and messages.
struct Target {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        let shown = url.split(['?', '#']).next().unwrap_or(url);
        let uri: Uri = url
            .parse()
            .map_err(|_| Error::runtime(format!("invalid URL {shown:?}")))?;
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return Err(Error::runtime(format!(
                "invalid URL {shown:?}: scheme and host are required"
            )));
        };
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return Err(Error::runtime(format!(
                "invalid URL {shown:?}: only http and https are supported"
            )));
        }
        Ok(Target {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_string(),
            port: uri.port_u16(),
        })
    }

    /// `host` or `host:port` for messages.
    fn label(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }
}

impl Http {
    /// Prepare the client of a run from the options (see [`Http`]); no agent is built and
    /// no trust store read yet (that happens on the first request).
    ///
    /// Reads from `opts.env`: `SSL_CERT_FILE`, `SSL_CERT_DIR` (on first use), `AWS_CA_BUNDLE`,
    /// and the proxy variables of [`ProxyConfig`]. With `opts.debug_api_calls`, dumps go to
    /// stderr. An empty `opts.user_agent` means [`user_agent`]`(false)`.
    ///
    /// Errors, reported here so they come before any sign-in: [`Error::Config`] when
    /// `AWS_CA_BUNDLE` cannot be read or holds no certificate (the file is read, bounded,
    /// and parsed now, which needs no TLS set-up), or a proxy variable is not a usable URL.
    /// `SSL_CERT_FILE` is read (bounded) with the trust store, on the first request, which
    /// fails with [`Error::Config`] when it is not a regular file of at most 16 MiB.
    pub fn new(opts: HttpOptions) -> Result<Http> {
        let user_agent = if opts.user_agent.is_empty() {
            user_agent(false)
        } else {
            opts.user_agent.clone()
        };
        let proxies = ProxyConfig::from_env(&opts.env);
        let https_proxy = match &proxies.https {
            Some(url) => Some(parse_proxy("HTTPS_PROXY", url)?),
            None => None,
        };
        let http_proxy = match &proxies.http {
            Some(url) => Some(parse_proxy("HTTP_PROXY", url)?),
            None => None,
        };
        let aws_bundle = match first_env(&opts.env, &["AWS_CA_BUNDLE"]) {
            Some(path) => Some(aws_ca_bundle(path)?),
            None => None,
        };
        let debug: Option<Mutex<DebugSink>> = if opts.debug_api_calls {
            Some(Mutex::new(Box::new(std::io::stderr())))
        } else {
            None
        };
        Ok(Http {
            agents: OnceLock::new(),
            env: opts.env,
            aws_bundle,
            proxies,
            https_proxy,
            http_proxy,
            user_agent,
            debug,
            waited: Mutex::new(Duration::ZERO),
        })
    }

    /// Whether the TLS set-up (trust store read, agents built) has happened; it happens on
    /// the first request.
    pub fn tls_ready(&self) -> bool {
        self.agents.get().is_some()
    }

    /// The agents, built on first use.
    fn agents(&self) -> &Agents {
        self.agents.get_or_init(|| {
            // Bounded: a FIFO or device named here must not hang the first request.
            let (ssl_cert_file, ssl_cert_file_error) =
                match first_env(&self.env, &["SSL_CERT_FILE"])
                    .map(|p| read_ca_file("SSL_CERT_FILE", p))
                {
                    Some(Ok(bytes)) => (bytes, None),
                    Some(Err(e)) => (None, Some(e.to_string())),
                    None => (None, None),
                };
            let (roots, roots_label) = base_roots(&self.env, ssl_cert_file.as_deref());
            let agent = build_agent(tls_config(&roots), &self.user_agent);
            let aws_agent = self.aws_bundle.as_ref().map(|bundle| {
                // With no OS roots the bundle alone is trusted for AWS (as the AWS CLI does).
                let mut all = roots.clone();
                all.extend(bundle.iter().cloned());
                build_agent(tls_config(&all), &self.user_agent)
            });
            Agents {
                agent,
                aws_agent,
                roots_label,
                ssl_cert_file_error,
            }
        })
    }

    /// Send `--debug-api-calls` dumps to `sink` (turning dumping on).
    pub fn set_debug_sink(&mut self, sink: DebugSink) {
        self.debug = Some(Mutex::new(sink));
    }

    /// The User-Agent this client sends.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    fn dump(&self, text: &str) {
        if let Some(sink) = &self.debug
            && let Ok(mut w) = sink.lock()
        {
            // Bodies are server text: escape control characters (the dump's own CRLF line
            // ends stay) so a reply cannot drive the terminal.
            let text = dump_for_terminal(text);
            // A failing debug sink must not fail the request.
            let _ = w.write_all(text.as_bytes());
            let _ = w.flush();
        }
    }

    /// Send one request and read the whole reply; for a call that may NOT be repeated (an
    /// Okta device-token poll, the Classic-org probe, ...): it is sent again only when the
    /// connection was refused (nothing reached the server), at most
    /// [`retry::MAX_ATTEMPTS`] attempts in all. For calls that may be repeated use
    /// [`Http::send_repeatable`].
    ///
    /// `method` is e.g. `GET` or `POST`; `url` an absolute `http(s)://` URL; `headers` are
    /// added as given (`User-Agent` is set by the client); `body` is sent as is.
    ///
    /// Returns every HTTP reply, including 4xx and 5xx, as a [`Response`].
    ///
    /// Redirects (301, 302, 303, 307, 308 with a `Location`) are followed, at most
    /// [`MAX_REDIRECTS`], only within the same origin (scheme, host and port): Okta's and
    /// AWS's APIs never redirect to another host, and following one would send the
    /// request's headers (a bearer token) and body elsewhere. 303, and 301/302 after a
    /// POST, continue as a GET without body (RFC 9110 §15.4); 307/308 repeat the request.
    /// A redirect to another origin is an error naming both hosts, so an error never
    /// names a host that was not the one that failed.
    ///
    /// Errors: [`Error::Runtime`], one line naming the host and the cause, e.g.
    /// `cannot reach sts.amazonaws.com: connection refused`, or
    /// `127.0.0.1:8443 redirected the request to another host, 127.0.0.1:1; not followed ...`;
    /// never containing a query string or a secret. After more than one attempt the line
    /// ends with their number, e.g. `..., after 3 attempts`.
    pub fn send(
        &self,
        service: Service,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Response> {
        let outgoing = Outgoing::new(method, url, headers, body);
        self.exchange(service, false, &mut || Ok(outgoing.clone()))
    }

    /// [`Http::send`] for a call that may be repeated (STS, IAM, and the Okta calls of
    /// issue 11: device authorize, token exchange, `/login/token/sso`, appLinks): retried
    /// per [`retry::decide`] on throttling, 429 (Okta: after the rate limit resets, announced
    /// on stderr), 5xx gateway errors and connection failures, at most
    /// [`retry::MAX_ATTEMPTS`] attempts.
    ///
    /// Errors: as [`Http::send`]; and when every attempt failed in a retryable way, one line
    /// naming the endpoint (host and path, no query), the last status and error code, and
    /// the number of attempts, e.g. `POST 127.0.0.1:8443/oauth2/v1/token: no success after
    /// 3 attempts; the last reply was 429 Too Many Requests (E0000047)`.
    pub fn send_repeatable(
        &self,
        service: Service,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Response> {
        let outgoing = Outgoing::new(method, url, headers, body);
        self.exchange(service, true, &mut || Ok(outgoing.clone()))
    }

    /// [`Http::send_repeatable`] with the request built anew for each attempt by `build`
    /// (e.g. the m2m token request, whose client assertion must carry a fresh `jti` each
    /// time). An error from `build` ends the call with that error.
    pub fn send_repeatable_with(
        &self,
        service: Service,
        build: &mut dyn FnMut() -> Result<Outgoing>,
    ) -> Result<Response> {
        self.exchange(service, true, build)
    }

    /// The one send path: attempts, retry decisions, waits and the final error.
    fn exchange(
        &self,
        service: Service,
        repeatable: bool,
        build: &mut dyn FnMut() -> Result<Outgoing>,
    ) -> Result<Response> {
        let mut number = 0;
        loop {
            number += 1;
            let req = build()?;
            let result = self.send_redirecting(
                service,
                &req.method,
                &req.url,
                &req.header_refs(),
                req.body.as_deref(),
            );
            let budget_left = self
                .waited
                .lock()
                .map(|w| retry::RUN_WAIT_BUDGET.saturating_sub(*w))
                .unwrap_or_default();
            let verdict = {
                let outcome = match &result {
                    Ok(resp) => Outcome::Reply {
                        status: resp.status,
                        aws_code: match service {
                            Service::Aws => retry::aws_error_code(&resp.body),
                            Service::Okta => None,
                        },
                        retry_after: resp.header("retry-after"),
                        rate_limit_reset: resp.header("x-rate-limit-reset"),
                    },
                    Err(f) => Outcome::Network(f.net),
                };
                retry::decide(&Attempt {
                    service,
                    repeatable,
                    number,
                    outcome,
                    now_ms: now_ms(),
                    random: random_u64(),
                    budget_left,
                })
            };
            match verdict {
                Verdict::Done => return result.map_err(|f| with_attempts(f.error, number)),
                Verdict::GiveUp => {
                    return Err(match result {
                        Ok(resp) => Error::runtime(format!(
                            "{} {}: no success after {number} attempt{}; the last reply was {}{}",
                            req.method,
                            endpoint_label(&req.url),
                            if number == 1 { "" } else { "s" },
                            resp.status_line(),
                            retry::error_code(&resp.body)
                                .map(|c| format!(" ({c})"))
                                .unwrap_or_default()
                        )),
                        Err(f) => with_attempts(f.error, number),
                    });
                }
                Verdict::Retry { after, announce } => {
                    if announce {
                        let why = match &result {
                            Ok(resp) if resp.status == 429 => {
                                format!("rate limit reached ({})", resp.status_line())
                            }
                            Ok(resp) => resp.status_line(),
                            Err(f) => f.error.to_string(),
                        };
                        self.notice(&format!(
                            "{} {}: {why}; waiting {:.1} s before attempt {} of {}\n",
                            req.method,
                            endpoint_label(&req.url),
                            after.as_secs_f64(),
                            number + 1,
                            retry::MAX_ATTEMPTS
                        ));
                    }
                    if let Ok(mut w) = self.waited.lock() {
                        *w += after;
                    }
                    std::thread::sleep(after);
                }
            }
        }
    }

    /// A one-line message on stderr (control characters escaped).
    fn notice(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(crate::term::sanitize::lines(text).as_bytes());
        let _ = err.flush();
    }

    /// One attempt: the request and the same-origin redirects it leads to.
    fn send_redirecting(
        &self,
        service: Service,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> std::result::Result<Response, Failed> {
        let mut method = method.to_string();
        let mut url = url.to_string();
        let mut body = body;
        let mut headers: Vec<(&str, &str)> = headers.to_vec();
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send_once(service, &method, &url, &headers, body)?;
            if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            let Some(location) = response.header("location") else {
                return Ok(response);
            };
            let from = Target::parse(&url).map_err(Failed::fatal)?;
            let next = redirect_target(&url, location).ok_or_else(|| {
                Failed::fatal(Error::runtime(format!(
                    "{} replied {} with an unusable Location header",
                    from.label(),
                    response.status_line()
                )))
            })?;
            if origin(&next) != origin(&url) {
                let to = Target::parse(&next)
                    .map(|t| format!("{}://{}", t.scheme, t.label()))
                    .unwrap_or_else(|_| "an invalid URL".to_string());
                return Err(Failed::fatal(Error::runtime(format!(
                    "{} redirected the request ({}) to another host, {to}; not followed (Okta and AWS APIs do not redirect across hosts)",
                    from.label(),
                    response.status_line()
                ))));
            }
            if response.status == 303
                || (matches!(response.status, 301 | 302) && method.eq_ignore_ascii_case("POST"))
            {
                method = "GET".to_string();
                body = None;
                headers.retain(|(k, _)| {
                    !k.eq_ignore_ascii_case("content-type")
                        && !k.eq_ignore_ascii_case("content-length")
                });
            }
            url = next;
        }
        let shown = Target::parse(&url).map(|t| t.label()).unwrap_or_default();
        Err(Failed::fatal(Error::runtime(format!(
            "cannot reach {shown}: more than {MAX_REDIRECTS} redirects"
        ))))
    }

    /// One request, no redirect followed: dumps and error mapping.
    fn send_once(
        &self,
        service: Service,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> std::result::Result<Response, Failed> {
        let target = Target::parse(url).map_err(Failed::fatal)?;
        let proxy_url = self
            .proxies
            .proxy_for(&target.scheme, &target.host, target.port);
        let proxy = match (proxy_url, target.scheme.as_str()) {
            (Some(_), "https") => self.https_proxy.clone(),
            (Some(_), _) => self.http_proxy.clone(),
            (None, _) => None,
        };
        let agents = self.agents();
        if let Some(e) = &agents.ssl_cert_file_error {
            return Err(Failed::fatal(Error::config(e.clone())));
        }
        let agent = match (service, &agents.aws_agent) {
            (Service::Aws, Some(aws)) => aws,
            _ => &agents.agent,
        };

        if self.debug.is_some() {
            let mut shown: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
            {
                shown.push(("User-Agent".to_string(), self.user_agent.clone()));
            }
            self.dump(&format_request_dump(method, url, &shown, body));
        }

        let response = self
            .attempt(agent, proxy, method, url, headers, body)
            .map_err(|e| Failed {
                net: net_failure(&e),
                error: self.network_error(&target, proxy_url, service, &e),
            })?;
        if self.debug.is_some() {
            self.dump(&format_response_dump(&response));
        }
        Ok(response)
    }

    fn attempt(
        &self,
        agent: &Agent,
        proxy: Option<Proxy>,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> std::result::Result<Response, ureq::Error> {
        let mut builder = ureq::http::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let mut reply = match body {
            Some(body) => {
                let req = builder.body(body)?;
                let req = agent.configure_request(req).proxy(proxy).build();
                agent.run(req)?
            }
            None => {
                let req = builder.body(())?;
                let req = agent.configure_request(req).proxy(proxy).build();
                agent.run(req)?
            }
        };
        let status = reply.status();
        let headers = reply
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = reply
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()?;
        Ok(Response {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
        })
    }

    /// `POST` a form body (`Content-Type: application/x-www-form-urlencoded; charset=utf-8`
    /// unless `headers` set one), encoded with [`form_encode`].
    pub fn post_form<K: AsRef<str>, V: AsRef<str>>(
        &self,
        service: Service,
        url: &str,
        headers: &[(&str, &str)],
        form: &[(K, V)],
    ) -> Result<Response> {
        let body = form_encode(form);
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            all.push((
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ));
        }
        self.send(service, "POST", url, &all, Some(body.as_bytes()))
    }

    /// [`Http::post_form`] for a call that may be repeated (see [`Http::send_repeatable`]).
    pub fn post_form_repeatable<K: AsRef<str>, V: AsRef<str>>(
        &self,
        service: Service,
        url: &str,
        headers: &[(&str, &str)],
        form: &[(K, V)],
    ) -> Result<Response> {
        let outgoing = Outgoing::form(url, headers, form);
        self.exchange(service, true, &mut || Ok(outgoing.clone()))
    }

    /// `GET` a URL.
    pub fn get(&self, service: Service, url: &str, headers: &[(&str, &str)]) -> Result<Response> {
        self.send(service, "GET", url, headers, None)
    }

    fn network_error(
        &self,
        target: &Target,
        proxy_url: Option<&str>,
        service: Service,
        e: &ureq::Error,
    ) -> Error {
        let via = proxy_url
            .map(|p| format!(" via proxy {}", proxy_label(p)))
            .unwrap_or_default();
        let agents = self.agents();
        let roots = if service == Service::Aws && agents.aws_agent.is_some() {
            format!("{} plus AWS_CA_BUNDLE", agents.roots_label)
        } else {
            agents.roots_label.to_string()
        };
        Error::runtime(format!(
            "cannot reach {}{via}: {}",
            target.label(),
            describe_error(e, &roots)
        ))
    }
}

/// A `--debug-api-calls` dump with control characters escaped
/// ([`crate::term::sanitize::lines`]), keeping its CRLF line ends.
fn dump_for_terminal(text: &str) -> String {
    text.split("\r\n")
        .map(|part| crate::term::sanitize::lines(part))
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// The origin of an absolute `http(s)://` URL, lower case, default port dropped:
/// `https://Example.com:443/x` -> `https://example.com`. `None` when not such a URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let auth = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if auth.is_empty() || auth.contains('@') {
        return None;
    }
    let default = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let auth = auth.strip_suffix(default).unwrap_or(&auth);
    Some(format!("{scheme}://{auth}"))
}

/// The absolute URL a `Location` value points to from `base` (RFC 9110 §10.2.2, RFC 3986
/// §5.2 for the usual forms): absolute, scheme-relative (`//host/p`), path-absolute
/// (`/p`) or relative to `base`'s directory (`p`). `None` for an empty value or a base
/// that is not an absolute URL. The fragment is dropped.
fn redirect_target(base: &str, location: &str) -> Option<String> {
    let loc = location.trim();
    let loc = loc.split('#').next().unwrap_or(loc);
    if loc.is_empty() {
        return None;
    }
    let lower = loc.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(loc.to_string());
    }
    let (scheme, rest) = base.split_once("://")?;
    if let Some(other) = loc.strip_prefix("//") {
        return Some(format!("{scheme}://{other}"));
    }
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    if loc.starts_with('/') {
        return Some(format!("{scheme}://{authority}{loc}"));
    }
    let path = rest[auth_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    let dir = if dir.is_empty() { "/" } else { dir };
    Some(format!("{scheme}://{authority}{dir}{loc}"))
}

/// How the retry policy sees a transport failure.
fn net_failure(e: &ureq::Error) -> NetFailure {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::Io(io) if rustls_inside(io).is_some() => NetFailure::Other,
        ureq::Error::Io(io) => match io.kind() {
            K::ConnectionRefused => NetFailure::Refused,
            K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
                NetFailure::Dropped
            }
            _ => NetFailure::Other,
        },
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => NetFailure::ConnectTimeout,
        _ => NetFailure::Other,
    }
}

/// `error` with `, after N attempts` added when there was more than one.
fn with_attempts(error: Error, attempts: u32) -> Error {
    match error {
        Error::Runtime(m) if attempts > 1 => {
            Error::Runtime(format!("{m}, after {attempts} attempts"))
        }
        other => other,
    }
}

/// `host[:port]/path` of a URL, for messages (no scheme, query or fragment).
fn endpoint_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    crate::term::sanitize::line(rest).into_owned()
}

/// The time now in milliseconds since the Unix epoch (0 if the clock is before it).
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A random number for back-off jitter, from the OS (the middle of the range if that fails).
fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => u64::MAX / 2,
    }
}

/// A rustls error carried inside an I/O error, if any.
fn rustls_inside(io: &std::io::Error) -> Option<&rustls::Error> {
    io.get_ref()?.downcast_ref::<rustls::Error>()
}

/// One-line cause of a transport failure (no URL, no secrets).
fn describe_error(e: &ureq::Error, roots: &str) -> String {
    use std::io::ErrorKind as K;
    let tls = |detail: String| format!("TLS failure: {detail} (trusted roots: {roots})");
    match e {
        ureq::Error::Io(io) => {
            if let Some(r) = rustls_inside(io) {
                return tls(r.to_string());
            }
            match io.kind() {
                K::ConnectionRefused => "connection refused".to_string(),
                K::ConnectionReset => "connection reset by peer".to_string(),
                K::ConnectionAborted => "connection aborted".to_string(),
                K::UnexpectedEof => "connection closed before a complete reply".to_string(),
                K::TimedOut => "timed out".to_string(),
                K::BrokenPipe => "connection closed while sending".to_string(),
                _ => {
                    let text = io.to_string();
                    let text = text.split(" (os error").next().unwrap_or(&text);
                    one_line(text)
                }
            }
        }
        ureq::Error::Rustls(r) => tls(r.to_string()),
        ureq::Error::Tls(t) => tls((*t).to_string()),
        ureq::Error::Pem(_) => tls("bad PEM certificate".to_string()),
        ureq::Error::HostNotFound => "host not found (DNS lookup failed)".to_string(),
        ureq::Error::Timeout(t) => match t {
            Timeout::Connect | Timeout::Resolve => format!(
                "no connection within {} s (timed out)",
                CONNECT_TIMEOUT.as_secs()
            ),
            Timeout::Global => format!(
                "no complete reply within {} s (timed out)",
                REQUEST_TIMEOUT.as_secs()
            ),
            _ => "timed out".to_string(),
        },
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        ureq::Error::RedirectFailed => {
            "redirected with 307/308 while sending a body (not followed)".to_string()
        }
        ureq::Error::BodyExceedsLimit(_) => {
            format!("reply larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024))
        }
        ureq::Error::LargeResponseHeader(_, _) => "reply headers too large".to_string(),
        ureq::Error::Protocol(p) => format!("bad HTTP reply: {}", one_line(&p.to_string())),
        ureq::Error::ConnectProxyFailed(why) => {
            format!("proxy CONNECT failed: {}", one_line(why))
        }
        ureq::Error::InvalidProxyUrl => "invalid proxy URL".to_string(),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            "invalid request URL or header".to_string()
        }
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        other => one_line(&other.to_string()),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_and_origins() {
        let base = "https://example.okta.com:8443/api/v1/users/me/appLinks?after=1";
        for (loc, want) in [
            ("https://other.com/x", "https://other.com/x"),
            ("//other.com/x", "https://other.com/x"),
            (
                "/login/x?y=1#frag",
                "https://example.okta.com:8443/login/x?y=1",
            ),
            ("next", "https://example.okta.com:8443/api/v1/users/me/next"),
        ] {
            assert_eq!(redirect_target(base, loc).as_deref(), Some(want), "{loc}");
        }
        assert_eq!(redirect_target(base, "  "), None);
        assert_eq!(
            redirect_target("https://h", "x").as_deref(),
            Some("https://h/x")
        );
        assert_eq!(
            origin("HTTPS://Example.com:443/x"),
            origin("https://example.com/y")
        );
        assert_ne!(
            origin("https://127.0.0.1:1/"),
            origin("https://127.0.0.1:8443/")
        );
        assert_ne!(origin("http://h/"), origin("https://h/"));
        assert_eq!(origin("https://u@h/"), None);
    }

    #[test]
    fn debug_dumps_escape_control_characters_but_keep_crlf() {
        let d = dump_for_terminal("HTTP/1.1 200 OK\r\nX: a\u{1b}[2J\r\n\r\nbody\rmore\nline\u{7}");
        assert_eq!(
            d,
            "HTTP/1.1 200 OK\r\nX: a\\x1b[2J\r\n\r\nbody\\rmore\nline\\x07"
        );
    }

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn user_agent_forms() {
        assert_eq!(user_agent(true), "okta-aws-cli");
        let long = user_agent(false);
        assert!(long.starts_with(&format!(
            "okta-aws-cli/{} (rust; ",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(long.ends_with(&format!(
            "{}; {})",
            std::env::consts::OS,
            std::env::consts::ARCH
        )));
    }

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

    #[test]
    fn proxy_variables_and_precedence() {
        let p = ProxyConfig::from_env(&env(&[
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("http_proxy", "http://plain:8080"),
            (
                "no_proxy",
                "internal.corp, .example.org,*.svc:8443,10.0.0.0/8,[fd00::1],192.168.1.5:444",
            ),
        ]));
        assert_eq!(p.https.as_deref(), Some("http://upper:3128"));
        assert_eq!(p.http.as_deref(), Some("http://plain:8080"));
        assert_eq!(
            p.proxy_for("https", "example.okta.com", None),
            Some("http://upper:3128")
        );
        assert_eq!(
            p.proxy_for("http", "example.okta.com", None),
            Some("http://plain:8080")
        );
        // NO_PROXY: exact, subdomain, dot and star suffix, port-restricted, CIDR, IPv6.
        assert_eq!(p.proxy_for("https", "internal.corp", None), None);
        assert_eq!(p.proxy_for("https", "A.Internal.Corp.", None), None);
        assert!(p.proxy_for("https", "notinternal.corp", None).is_some());
        assert_eq!(p.proxy_for("https", "example.org", None), None);
        assert_eq!(p.proxy_for("https", "x.y.example.org", None), None);
        assert_eq!(p.proxy_for("https", "api.svc", Some(8443)), None);
        assert!(p.proxy_for("https", "api.svc", None).is_some());
        assert_eq!(p.proxy_for("https", "10.20.30.40", None), None);
        assert!(p.proxy_for("https", "11.0.0.1", None).is_some());
        assert_eq!(p.proxy_for("https", "[fd00::1]", Some(443)), None);
        assert_eq!(p.proxy_for("https", "192.168.1.5", Some(444)), None);
        assert!(p.proxy_for("https", "192.168.1.5", None).is_some());
    }

    #[test]
    fn loopback_is_never_proxied_and_star_disables_all() {
        let p = ProxyConfig::from_env(&env(&[
            ("HTTP_PROXY", "http://p:1"),
            ("HTTPS_PROXY", "http://p:1"),
        ]));
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "localhost",
            "LOCALHOST.",
            "a.localhost",
            "[::1]",
        ] {
            assert_eq!(p.proxy_for("http", host, Some(8080)), None, "{host}");
        }
        assert!(p.proxy_for("https", "sts.amazonaws.com", None).is_some());
        let all = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")]));
        assert_eq!(all.proxy_for("https", "sts.amazonaws.com", None), None);
        let none = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", " "), ("NO_PROXY", "")]));
        assert_eq!(none, ProxyConfig::default());
        assert_eq!(
            proxy_label("http://user:pa55@proxy.corp:3128/x"),
            "http://proxy.corp:3128"
        );
    }

    #[test]
    fn no_proxy_entries_parse() {
        assert_eq!(parse_no_proxy("*"), vec![NoProxyEntry::All]);
        assert_eq!(
            parse_no_proxy("*.Example.com:8080 bad:port ,"),
            vec![NoProxyEntry::Domain {
                name: "example.com".into(),
                port: Some(8080)
            }]
        );
        assert_eq!(parse_no_proxy("10.0.0.0/33"), vec![]);
        assert_eq!(parse_no_proxy("::1").len(), 1);
    }

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

    fn assert_clean(text: &str) {
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
    fn within_hang_guard<T: Send + 'static>(
        what: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
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
        let mut page = String::from(
            "<html><form><input type=hidden name=SAMLResponse value=\"PHNhbWw+REAL\">",
        );
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
        let bracket =
            r#"[<html><form><input name="SAMLResponse" value="SAML-RESPONSE-SECRET"></form>"#;
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
        let login = "https://signin.aws.amazon.com/federation?Action=login&Issuer=x&SigninToken=TOKEN-SECRET";
        assert!(!redact_url(login).contains("TOKEN-SECRET"));
        let body = redact_body(
            Some("application/json"),
            br#"{"SigninToken":"TOKEN-SECRET"}"#,
        );
        assert!(!body.contains("TOKEN-SECRET"), "{body}");
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

    #[test]
    fn debug_of_options_and_response_hides_secrets() {
        let opts = HttpOptions {
            user_agent: "ua".into(),
            debug_api_calls: false,
            env: [(
                "HTTPS_PROXY".to_string(),
                "http://user:proxyPASS@p:3128".to_string(),
            )]
            .into_iter()
            .collect(),
        };
        let shown = format!("{opts:?}");
        assert!(
            !shown.contains("proxyPASS") && shown.contains("HTTPS_PROXY"),
            "{shown}"
        );
        let resp = Response {
            status: 200,
            reason: "OK".into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Set-Cookie".into(), "sid=cookieSECRET".into()),
            ],
            body: br#"{"access_token":"bodyACCESSTOKEN"}"#.to_vec(),
        };
        let shown = format!("{resp:?}");
        assert!(
            !shown.contains("bodyACCESSTOKEN") && !shown.contains("cookieSECRET"),
            "{shown}"
        );
        assert!(
            shown.contains("application/json") && shown.contains("bytes"),
            "{shown}"
        );
    }
}
