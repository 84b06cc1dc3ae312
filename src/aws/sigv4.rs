//! PURE: AWS Signature Version 4 (`AWS4-HMAC-SHA256`): header-based authentication
//! ([`sign`]) and query-string authentication, the presigned URL ([`presign`]).
//!
//! Follows the AWS General Reference "Signature Version 4 signing process" (create a canonical
//! request, create a string to sign, derive the signing key, calculate the signature, add the
//! `Authorization` header, or the `X-Amz-*` query parameters of "Authenticating requests:
//! using query parameters") with the rules of non-S3 services (IAM, STS):
//!
//! * canonical URI: dot segments (`.`, `..`) and empty segments are removed, then the path *as
//!   sent* (already percent-encoded once) is URI-encoded once more (`%3A` becomes `%253A`); `/`
//!   and the RFC 3986 unreserved characters are kept. A trailing `/` is kept when a segment is
//!   left;
//! * canonical query: split on `&`, percent-decode then RFC 3986-encode each name and value,
//!   sort by name then value (byte order of the encoded text); `key` without `=` is `key=`;
//! * canonical headers: names lower-cased and sorted; values trimmed with inner runs of spaces
//!   and tabs collapsed to one space; repeated names joined with `,` in the order given. Every
//!   header passed in is signed, `Host` included (it is required);
//! * payload hash: lower-case hex of SHA-256 of the body.
//!
//! Everything here is computed from arguments (method, path, query, headers, body,
//! credentials, region, service, time); nothing is read from the environment or the clock.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::{OffsetDateTime, UtcOffset};

use crate::error::{Error, Result};
use crate::http::{self, encode::uri_encode};
use crate::url::Url;

/// The algorithm name that starts the string to sign and the `Authorization` value.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The credentials that sign a request. Borrowed, so no secret is copied.
#[derive(Clone, Copy)]
pub struct SigningCredentials<'a> {
    /// Access key id (`AKIA…` long-term, `ASIA…` temporary); appears in the `Authorization`
    /// header.
    pub access_key_id: &'a str,
    /// Secret access key (secret): only ever used as HMAC key material.
    pub secret_access_key: &'a str,
    /// Session token of temporary credentials (secret). When present it is sent, and signed,
    /// as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
}

impl fmt::Debug for SigningCredentials<'_> {
    /// Never prints the secret access key or the session token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .finish()
    }
}

impl<'a> From<&'a crate::aws::sts::Credentials> for SigningCredentials<'a> {
    /// Temporary credentials from STS; an empty session token counts as none.
    fn from(c: &'a crate::aws::sts::Credentials) -> Self {
        SigningCredentials {
            access_key_id: &c.access_key_id,
            secret_access_key: &c.secret_access_key,
            session_token: Some(c.session_token.as_str()).filter(|t| !t.is_empty()),
        }
    }
}

/// The HTTP request to sign, exactly as it will be sent: a view of the parts that are
/// signed, read from a `crate::http::Request` by [`sign_request`] (or given directly).
///
/// Debug shows the method, the path and the header names; the query, header values
/// (`X-Amz-Security-Token`, `Authorization`) and body (web identity token, SAML assertion)
/// only by length.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Request path as sent on the wire (percent-encoded once), starting with `/`.
    pub path: &'a str,
    /// Query string as sent on the wire, without the leading `?`; empty for none.
    pub query: &'a str,
    /// Headers before signing, in order: (name, value). Must include `Host`. Any header named
    /// `Authorization` or `X-Amz-Date`, and `X-Amz-Security-Token` / `X-Amz-Content-Sha256`
    /// when the signer adds its own, is replaced by the signer's value.
    pub headers: &'a [(String, String)],
    /// Body bytes (empty for none).
    pub body: &'a [u8],
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: <{} bytes>", v.len()))
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &format_args!("<{} bytes>", self.query.len()))
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// Who signs, for what, and when.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a> {
    /// The signing credentials.
    pub credentials: SigningCredentials<'a>,
    /// Signing region, e.g. `us-east-1` (IAM in the `aws` partition).
    pub region: &'a str,
    /// Signing service name, e.g. `iam`, `sts`.
    pub service: &'a str,
    /// Signing time; any offset, converted to UTC. See [`time_from_unix`].
    pub time: OffsetDateTime,
    /// Also add (and sign) `X-Amz-Content-Sha256: <payload hash>` (S3-style services want it;
    /// IAM and STS do not).
    pub add_content_sha256: bool,
}

/// Every stage of one signature, and the headers to send.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// `YYYYMMDDTHHMMSSZ` (UTC), the `X-Amz-Date` value.
    pub amz_date: String,
    /// `YYYYMMDD/<region>/<service>/aws4_request`.
    pub credential_scope: String,
    /// Lower-case hex SHA-256 of the body.
    pub payload_hash: String,
    /// The canonical request (lines joined by `\n`, no trailing newline). Contains the session
    /// token when there is one.
    pub canonical_request: String,
    /// Signed header names, lower-case, sorted, joined by `;`.
    pub signed_headers: String,
    /// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of canonical request>`.
    pub string_to_sign: String,
    /// The derived signing key (secret: derived from the secret access key).
    pub signing_key: [u8; 32],
    /// Lower-case hex HMAC-SHA256 of the string to sign under the signing key.
    pub signature: String,
    /// The `Authorization` header value:
    /// `AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
    pub authorization: String,
    /// Headers the signer added, in order: `X-Amz-Date`, then `X-Amz-Security-Token` when a
    /// session token is given, then `X-Amz-Content-Sha256` when asked. `Authorization` is not
    /// in this list.
    pub added_headers: Vec<(String, String)>,
    /// The complete header list to send: the request's headers (less the replaced ones), then
    /// [`Signed::added_headers`], then `Authorization`.
    pub request_headers: Vec<(String, String)>,
}

impl Signed {
    /// The signing key as 64 lower-case hex digits.
    pub fn signing_key_hex(&self) -> String {
        hex(&self.signing_key)
    }
}

impl fmt::Debug for Signed {
    /// Shows the public parts only: the canonical request (session token), the signing key
    /// and the header list (session token) are redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("amz_date", &self.amz_date)
            .field("credential_scope", &self.credential_scope)
            .field("payload_hash", &self.payload_hash)
            .field("canonical_request", &"<redacted>")
            .field("signed_headers", &self.signed_headers)
            .field("string_to_sign", &self.string_to_sign)
            .field("signing_key", &"<redacted>")
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .field("request_headers", &"<redacted>")
            .finish()
    }
}

/// A signing time from Unix seconds (UTC). Errors when the time is outside the years
/// 0000..=9999 that `X-Amz-Date` can express.
pub fn time_from_unix(secs: i64) -> Result<OffsetDateTime> {
    let t = OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|_| Error::runtime(format!("sigv4: time {secs} s is out of range")))?;
    check_year(t)
}

fn check_year(t: OffsetDateTime) -> Result<OffsetDateTime> {
    let utc = t.to_offset(UtcOffset::UTC);
    if (0..=9999).contains(&utc.year()) {
        Ok(utc)
    } else {
        Err(Error::runtime(format!(
            "sigv4: signing time year {} is outside 0000..9999",
            utc.year()
        )))
    }
}

/// The `X-Amz-Date` form of a time: `YYYYMMDDTHHMMSSZ`, in UTC. Years outside 0..=9999 are
/// printed as they are (use [`sign`], which rejects them).
pub fn amz_date(t: OffsetDateTime) -> String {
    let u = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        u.year(),
        u8::from(u.month()),
        u.day(),
        u.hour(),
        u.minute(),
        u.second()
    )
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

/// Lower-case hex SHA-256 of `data` (the payload hash, and the hash of the canonical request).
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The SigV4 signing key: HMAC-SHA256 chain `"AWS4" + secret` → date (`YYYYMMDD`) → region →
/// service → `aws4_request`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut k_secret = Vec::with_capacity(4 + secret_access_key.len());
    k_secret.extend_from_slice(b"AWS4");
    k_secret.extend_from_slice(secret_access_key.as_bytes());
    let k_date = hmac_sha256(&k_secret, date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding to bytes. A `%` not followed by two hex digits is kept as a literal `%`;
/// `+` is a literal `+` (RFC 3986, not HTML forms).
pub fn uri_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push((h << 4) | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The canonical URI of a non-S3 request path (as sent): dot and empty segments removed,
/// then every segment URI-encoded once more. `/a/./b/../c//` → `/a/c/`; `/` → `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 8);
    out.push('/');
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&uri_encode(seg.as_bytes(), false));
    }
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// The canonical query string of a query as sent (without `?`): parameters split on `&`
/// (empty pieces skipped), names and values decoded then RFC 3986-encoded, sorted by name
/// then value, `key` without `=` given as `key=`. Empty query → empty string.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&uri_decode(name), false),
                uri_encode(&uri_decode(value), false),
            )
        })
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// A header value in canonical form: trimmed, inner runs of spaces and tabs collapsed to one
/// space.
pub fn canonical_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The canonical headers block (each `name:value\n`) and the signed-headers list
/// (`a;b;c`) of a header list: names lower-cased and sorted, values canonicalised, repeated
/// names joined with `,` in the order given.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut entries: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), canonical_header_value(v)))
        .collect();
    // A stable sort: repeated names keep their order.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut block = String::new();
    let mut names = String::new();
    let mut i = 0;
    while i < entries.len() {
        let name = &entries[i].0;
        if !names.is_empty() {
            names.push(';');
        }
        names.push_str(name);
        block.push_str(name);
        block.push(':');
        let mut j = i;
        while j < entries.len() && entries[j].0 == *name {
            if j > i {
                block.push(',');
            }
            block.push_str(&entries[j].1);
            j += 1;
        }
        block.push('\n');
        i = j;
    }
    (block, names)
}

/// RFC 9110 `tchar`.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn check_part(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::runtime(format!("sigv4: the {what} is empty")));
    }
    if value
        .bytes()
        .any(|b| b == b'/' || b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(Error::runtime(format!(
            "sigv4: the {what} {value:?} contains '/', whitespace or a control character"
        )));
    }
    Ok(())
}

fn has_line_break(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0))
}

/// Check what [`sign`] and [`presign`] share, and return the signing time in UTC.
///
/// Errors (never containing a secret): empty or malformed method, region, service or access
/// key id; empty secret access key; a path not starting with `/`; a header name that is not an
/// HTTP token; a header value or session token with CR, LF or NUL; no `Host` header; a time
/// outside the years 0000..=9999.
fn check_input(req: &Request<'_>, params: &Params<'_>) -> Result<OffsetDateTime> {
    if req.method.is_empty() || !req.method.bytes().all(is_token_char) {
        return Err(Error::runtime(format!(
            "sigv4: the HTTP method {:?} is not a valid token",
            req.method
        )));
    }
    if !req.path.starts_with('/') {
        return Err(Error::runtime(format!(
            "sigv4: the request path {:?} does not start with '/'",
            req.path
        )));
    }
    check_part("region", params.region)?;
    check_part("service", params.service)?;
    check_part("access key id", params.credentials.access_key_id)?;
    if params.credentials.secret_access_key.is_empty() {
        return Err(Error::runtime("sigv4: the secret access key is empty"));
    }
    if params.credentials.session_token.is_some_and(has_line_break) {
        return Err(Error::runtime(
            "sigv4: the session token contains CR, LF or NUL",
        ));
    }
    for (name, value) in req.headers {
        if name.is_empty() || !name.bytes().all(is_token_char) {
            return Err(Error::runtime(format!(
                "sigv4: the header name {name:?} is not a valid HTTP token"
            )));
        }
        if has_line_break(value) {
            return Err(Error::runtime(format!(
                "sigv4: the value of header {name} contains CR, LF or NUL"
            )));
        }
    }
    if !req
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        return Err(Error::runtime("sigv4: the request has no Host header"));
    }
    check_year(params.time)
}

/// PURE: the string to sign of `canonical_request` (SigV4 task 2) and its hex signature
/// (tasks 3 and 4), with the signing key derived from `params` for `date` (`YYYYMMDD`); `amz` is the
/// request time (`YYYYMMDDTHHMMSSZ`) and `credential_scope` `date/region/service/aws4_request`.
fn string_to_sign_and_signature(
    params: &Params<'_>,
    date: &str,
    amz: &str,
    credential_scope: &str,
    canonical_request: &str,
) -> (String, [u8; 32], String) {
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let key = signing_key(
        params.credentials.secret_access_key,
        date,
        params.region,
        params.service,
    );
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    (string_to_sign, key, signature)
}

/// Sign `req` with `params`: computes every stage and the headers to send.
///
/// Errors: those of the shared input checks (never containing a secret): empty or
/// malformed method, region, service or access key id; empty secret access key; a path not
/// starting with `/`; a header name that is not an HTTP token; a header value or session
/// token with CR, LF or NUL; no `Host` header; a time outside the years 0000..=9999.
pub fn sign(req: &Request<'_>, params: &Params<'_>) -> Result<Signed> {
    let time = check_input(req, params)?;
    let token = params.credentials.session_token;

    let amz = amz_date(time);
    let date = &amz[..8];
    let payload_hash = sha256_hex(req.body);

    let replaced = |name: &str| {
        name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("x-amz-date")
            || (token.is_some() && name.eq_ignore_ascii_case("x-amz-security-token"))
            || (params.add_content_sha256 && name.eq_ignore_ascii_case("x-amz-content-sha256"))
    };
    let mut added = vec![("X-Amz-Date".to_string(), amz.clone())];
    if let Some(t) = token {
        added.push(("X-Amz-Security-Token".to_string(), t.to_string()));
    }
    if params.add_content_sha256 {
        added.push(("X-Amz-Content-Sha256".to_string(), payload_hash.clone()));
    }
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| !replaced(n))
        .cloned()
        .collect();
    headers.extend(added.iter().cloned());

    let (header_block, signed_headers) = canonical_headers(&headers);
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        canonical_uri(req.path),
        canonical_query(req.query),
        header_block,
        signed_headers,
        payload_hash
    );
    let credential_scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let (string_to_sign, key, signature) =
        string_to_sign_and_signature(params, date, &amz, &credential_scope, &canonical_request);
    let authorization = format!(
        "{ALGORITHM} Credential={}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}",
        params.credentials.access_key_id
    );
    headers.push(("Authorization".to_string(), authorization.clone()));

    Ok(Signed {
        amz_date: amz,
        credential_scope,
        payload_hash,
        canonical_request,
        signed_headers,
        string_to_sign,
        signing_key: key,
        signature,
        authorization,
        added_headers: added,
        request_headers: headers,
    })
}

/// Sign `request`, the one request type of `crate::http`, in place: the view [`Request`]
/// is read from it (its method, the path and query of its URL, its headers and its encoded
/// body, all as they will be sent), and its headers become [`Signed::request_headers`].
/// Headers added afterwards are sent unsigned.
///
/// Errors: a URL that is not an `http(s)` URL ([`Url`]); those of [`sign`].
pub fn sign_request(request: &mut http::Request, params: &Params<'_>) -> Result<Signed> {
    let url = Url::parse(&request.url)
        .map_err(|e| Error::runtime(format!("sigv4: the request URL {e}")))?;
    let body = request.body_bytes().unwrap_or_default();
    let view = Request {
        method: request.method.as_str(),
        path: url.path(),
        query: url.query().unwrap_or(""),
        headers: &request.headers,
        body: &body,
    };
    let signed = sign(&view, params)?;
    request.headers = signed.request_headers.clone();
    Ok(signed)
}

/// The query parameters of query-string authentication, in the order [`presign`] appends
/// them (after the request's own query), `X-Amz-Signature` last.
const PRESIGN_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Longest `X-Amz-Expires` SigV4 allows, in seconds (seven days).
pub const MAX_PRESIGN_EXPIRES_SECS: u32 = 604_800;

/// Who presigns, for how long, and where the session token goes.
#[derive(Debug, Clone, Copy)]
pub struct Presign<'a> {
    /// The credentials, region, service and signing time. `add_content_sha256` does not
    /// apply: a presigned request has no header of its own, and its payload hash is always
    /// the SHA-256 of the body.
    pub params: Params<'a>,
    /// `X-Amz-Expires`: how long the URL is valid after its `X-Amz-Date`, in seconds,
    /// 1..=[`MAX_PRESIGN_EXPIRES_SECS`].
    pub expires_secs: u32,
    /// `true` (STS, botocore, the AWS SDKs): the session token is part of the canonical
    /// query, so it is signed. `false`: it is appended after signing (services that want it
    /// unsigned). Without a session token this does nothing.
    pub sign_session_token: bool,
}

/// Every stage of one presigned request.
#[derive(Clone, PartialEq, Eq)]
pub struct Presigned {
    /// `YYYYMMDDTHHMMSSZ` (UTC), the `X-Amz-Date` value.
    pub amz_date: String,
    /// `YYYYMMDD/<region>/<service>/aws4_request`.
    pub credential_scope: String,
    /// The canonical request (lines joined by `\n`). Contains the session token when it is
    /// signed.
    pub canonical_request: String,
    /// Signed header names, lower-case, sorted, joined by `;`.
    pub signed_headers: String,
    /// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of canonical request>`.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign.
    pub signature: String,
    /// The query to send, without `?` (secret: it carries the session token and the
    /// signature): the request's own query as given, then `X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`,
    /// `X-Amz-Security-Token` (with a session token) and `X-Amz-Signature`, each value
    /// RFC 3986-encoded.
    pub query: String,
}

impl fmt::Debug for Presigned {
    /// Shows the public parts only: the canonical request and the query carry the session
    /// token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presigned")
            .field("amz_date", &self.amz_date)
            .field("credential_scope", &self.credential_scope)
            .field("canonical_request", &"<redacted>")
            .field("signed_headers", &self.signed_headers)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("query", &format_args!("<{} bytes>", self.query.len()))
            .finish()
    }
}

/// Append `name=value` to `query` (with `&` when it is not empty), the value RFC
/// 3986-encoded.
fn append_param(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.push_str(&uri_encode(value.as_bytes(), false));
}

/// Presign `req`: SigV4 query-string authentication (AWS General Reference, "Authenticating
/// requests: using query parameters"). The authentication parameters go into the query, the
/// canonical query covers them (all but `X-Amz-Signature`, and the session token only when
/// [`Presign::sign_session_token`]), every header of `req` is signed (`Host` included), and
/// the payload hash is the SHA-256 of the body. Nothing is read from the clock: the signing
/// time is [`Params::time`].
///
/// Errors (never containing a secret): those of [`sign`]'s input checks; `X-Amz-Expires`
/// outside 1..=[`MAX_PRESIGN_EXPIRES_SECS`]; a query that already holds one of the
/// authentication parameters.
pub fn presign(req: &Request<'_>, p: &Presign<'_>) -> Result<Presigned> {
    let params = &p.params;
    let time = check_input(req, params)?;
    if !(1..=MAX_PRESIGN_EXPIRES_SECS).contains(&p.expires_secs) {
        return Err(Error::runtime(format!(
            "sigv4: X-Amz-Expires {} is outside 1..={MAX_PRESIGN_EXPIRES_SECS} seconds",
            p.expires_secs
        )));
    }
    let taken = req.query.split('&').find_map(|pair| {
        let name = pair.split_once('=').map_or(pair, |(n, _)| n);
        let name = String::from_utf8_lossy(&uri_decode(name)).into_owned();
        PRESIGN_PARAMS
            .iter()
            .find(|known| known.eq_ignore_ascii_case(&name))
    });
    if let Some(name) = taken {
        return Err(Error::runtime(format!(
            "sigv4: the query to presign already holds {name}"
        )));
    }

    let amz = amz_date(time);
    let date = &amz[..8];
    let credential_scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let credential = format!("{}/{credential_scope}", params.credentials.access_key_id);
    let (header_block, signed_headers) = canonical_headers(req.headers);
    let expires = p.expires_secs.to_string();
    let mut query = String::with_capacity(req.query.len() + 512);
    query.push_str(req.query);
    for (name, value) in
        PRESIGN_PARAMS[..5]
            .iter()
            .zip([ALGORITHM, &credential, &amz, &signed_headers, &expires])
    {
        append_param(&mut query, name, value);
    }
    let token = params.credentials.session_token;
    if let Some(t) = token.filter(|_| p.sign_session_token) {
        append_param(&mut query, PRESIGN_PARAMS[5], t);
    }
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        canonical_uri(req.path),
        canonical_query(&query),
        header_block,
        signed_headers,
        sha256_hex(req.body)
    );
    let (string_to_sign, _key, signature) =
        string_to_sign_and_signature(params, date, &amz, &credential_scope, &canonical_request);
    // An unsigned session token goes in after signing.
    if let Some(t) = token.filter(|_| !p.sign_session_token) {
        append_param(&mut query, PRESIGN_PARAMS[5], t);
    }
    append_param(&mut query, PRESIGN_PARAMS[6], &signature);
    Ok(Presigned {
        amz_date: amz,
        credential_scope,
        canonical_request,
        signed_headers,
        string_to_sign,
        signature,
        query,
    })
}

#[cfg(test)]
mod tests;
