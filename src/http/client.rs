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
use crate::config::Env;
use crate::error::{Error, Result};

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
/// Most extra attempts after a failure that is safe to retry (see [`retry_is_safe`]).
pub const MAX_RETRIES: u32 = 2;
/// Largest reply body read, in bytes (10 MiB).
pub const MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Back-off before the first retry; doubled for the next one.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

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

/// Compile a constant pattern; `None` only if the pattern itself is wrong.
fn regex(pattern: &str) -> Option<regex_lite::Regex> {
    regex_lite::Regex::new(pattern).ok()
}

/// The text of `SecretAccessKey` and `SessionToken` elements (any namespace prefix)
/// replaced by `<redacted>`; for STS and IAM XML replies.
pub fn redact_xml(body: &str) -> String {
    let Some(re) =
        regex(r"(<(?:[A-Za-z_][\w.-]*:)?(?:SecretAccessKey|SessionToken)(?:\s[^>]*)?>)[^<]*")
    else {
        return REDACTED.to_string();
    };
    re.replace_all(body, format!("${{1}}{REDACTED}").as_str())
        .into_owned()
}

/// The `value` of every HTML `<input>` whose `name` is a secret field (`SAMLResponse`,
/// `token`, ...) replaced by `<redacted>`, whatever the attribute order or quoting.
///
/// Inputs are found by the same tokenizer that reads the SAML Response
/// ([`super::html::html_inputs`]), in its [`super::html::InputScan::Everywhere`] mode (in
/// comments, scripts and attribute values too); a `>` inside a quoted attribute does not end
/// the tag, and names are compared after decoding character references
/// (`SAML&#x52;esponse`), trimmed and ignoring ASCII case. Every `name` attribute of an
/// element counts, and every `value` attribute of a secret one is redacted.
pub fn redact_html(body: &str) -> String {
    use super::html::{InputScan, decode_char_refs, html_inputs};
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for input in html_inputs(body, InputScan::Everywhere) {
        let secret = input
            .values_of(body, "name")
            .iter()
            .any(|n| is_secret_field(decode_char_refs(n).trim()));
        if !secret {
            continue;
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
    }
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

/// Safety nets applied to every dumped body: PEM private-key blocks, `"secret": "..."`
/// pairs in malformed JSON, and `secret=value` pairs in any text.
fn redact_generic(body: &str) -> String {
    let names = SECRET_FIELDS.join("|");
    let (Some(pem), Some(json_pair), Some(form_pair)) = (
        regex(r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----"),
        regex(&format!(r#"(?i)("(?:{names})"\s*:\s*)"(?:[^"\\]|\\.)*""#)),
        regex(&format!(r"(?i)(\b(?:{names})=)[^&\s<>]+")),
    ) else {
        return REDACTED.to_string();
    };
    let s = pem.replace_all(body, REDACTED);
    let s = json_pair.replace_all(&s, format!("${{1}}\"{REDACTED}\"").as_str());
    let s = form_pair.replace_all(&s, format!("${{1}}{REDACTED}").as_str());
    s.into_owned()
}

/// A request or reply body as shown by `--debug-api-calls`, every secret redacted: JSON
/// (pretty-printed), form bodies, STS XML and HTML forms, plus the safety nets of
/// `redact_generic` (PEM private keys, stray `name=value` / `"name": "value"` pairs).
pub fn redact_body(content_type: Option<&str>, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let redacted = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        redact_json(trimmed).unwrap_or_else(|| trimmed.to_string())
    } else if ct.contains("x-www-form-urlencoded") {
        redact_form(trimmed)
    } else {
        redact_html(&redact_xml(&text))
    };
    redact_generic(&redacted)
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
// Retry decision (pure)
// ---------------------------------------------------------------------------------------

/// Whether a failed attempt may be retried: `ConnectionRefused` (nothing reached the server)
/// for any method; a reset, abort or early close only for idempotent methods (`GET`, `HEAD`,
/// `OPTIONS`, `PUT`, `DELETE`); never after [`MAX_RETRIES`] retries.
pub fn retry_is_safe(kind: std::io::ErrorKind, method: &str, retries_done: u32) -> bool {
    use std::io::ErrorKind as K;
    if retries_done >= MAX_RETRIES {
        return false;
    }
    let idempotent = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method));
    match kind {
        K::ConnectionRefused => true,
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => idempotent,
        _ => false,
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
/// [`ProxyConfig`], retries per [`retry_is_safe`] with 200 ms then 400 ms back-off.
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
}

/// The ureq agents and a label for the roots they trust (for messages).
struct Agents {
    agent: Agent,
    aws_agent: Option<Agent>,
    roots_label: &'static str,
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
fn base_roots(env: &Env) -> (Vec<Certificate<'static>>, &'static str) {
    let file = first_env(env, &["SSL_CERT_FILE"]);
    let dirs = first_env(env, &["SSL_CERT_DIR"]);
    let found = if file.is_some() || dirs.is_some() {
        let mut certs = Vec::new();
        if let Some(file) = file {
            certs.extend(
                rustls_native_certs::load_certs_from_paths(Some(Path::new(file)), None).certs,
            );
        }
        if let Some(dirs) = dirs {
            for dir in std::env::split_paths(dirs).filter(|d| !d.as_os_str().is_empty()) {
                certs.extend(rustls_native_certs::load_certs_from_paths(None, Some(&dir)).certs);
            }
        }
        certs
    } else {
        // Reads SSL_CERT_FILE/SSL_CERT_DIR of the process, which main's snapshot equals.
        rustls_native_certs::load_native_certs().certs
    };
    let certs: Vec<Certificate<'static>> = found
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
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

/// Certificates of the PEM bundle named by `AWS_CA_BUNDLE`.
fn aws_ca_bundle(path: &str) -> Result<Vec<Certificate<'static>>> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::config(format!("AWS_CA_BUNDLE {path:?}: cannot read: {e}")))?;
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
    /// `AWS_CA_BUNDLE` cannot be read or holds no certificate (the file is read and parsed
    /// now, which needs no TLS set-up), or a proxy variable is not a usable URL.
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
            let (roots, roots_label) = base_roots(&self.env);
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

    /// Send one request and read the whole reply.
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
    /// never containing a query string or a secret.
    pub fn send(
        &self,
        service: Service,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Response> {
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
            let from = Target::parse(&url)?;
            let next = redirect_target(&url, location).ok_or_else(|| {
                Error::runtime(format!(
                    "{} replied {} with an unusable Location header",
                    from.label(),
                    response.status_line()
                ))
            })?;
            if origin(&next) != origin(&url) {
                let to = Target::parse(&next)
                    .map(|t| format!("{}://{}", t.scheme, t.label()))
                    .unwrap_or_else(|_| "an invalid URL".to_string());
                return Err(Error::runtime(format!(
                    "{} redirected the request ({}) to another host, {to}; not followed (Okta and AWS APIs do not redirect across hosts)",
                    from.label(),
                    response.status_line()
                )));
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
        Err(Error::runtime(format!(
            "cannot reach {shown}: more than {MAX_REDIRECTS} redirects"
        )))
    }

    /// One request, no redirect followed: dumps, retries, error mapping.
    fn send_once(
        &self,
        service: Service,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Response> {
        let target = Target::parse(url)?;
        let proxy_url = self
            .proxies
            .proxy_for(&target.scheme, &target.host, target.port);
        let proxy = match (proxy_url, target.scheme.as_str()) {
            (Some(_), "https") => self.https_proxy.clone(),
            (Some(_), _) => self.http_proxy.clone(),
            (None, _) => None,
        };
        let agents = self.agents();
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

        let mut retries = 0;
        let response = loop {
            match self.attempt(agent, proxy.clone(), method, url, headers, body) {
                Ok(r) => break r,
                Err(e) => {
                    let kind = io_kind(&e);
                    if let Some(kind) = kind
                        && retry_is_safe(kind, method, retries)
                    {
                        std::thread::sleep(FIRST_BACKOFF * 2u32.pow(retries));
                        retries += 1;
                        continue;
                    }
                    return Err(self.network_error(&target, proxy_url, service, &e));
                }
            }
        };
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

/// The I/O error kind behind a ureq error, if any.
fn io_kind(e: &ureq::Error) -> Option<std::io::ErrorKind> {
    match e {
        ureq::Error::Io(io) => Some(io.kind()),
        _ => None,
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
    fn retry_rules() {
        use std::io::ErrorKind as K;
        assert!(retry_is_safe(K::ConnectionRefused, "POST", 0));
        assert!(retry_is_safe(K::ConnectionRefused, "GET", 1));
        assert!(!retry_is_safe(K::ConnectionRefused, "GET", MAX_RETRIES));
        assert!(retry_is_safe(K::ConnectionReset, "GET", 0));
        assert!(!retry_is_safe(K::ConnectionReset, "POST", 0));
        assert!(!retry_is_safe(K::TimedOut, "GET", 0));
        assert!(!retry_is_safe(K::PermissionDenied, "GET", 0));
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
