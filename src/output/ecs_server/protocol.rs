//! PURE: the HTTP of the `--ecs-server` endpoint (docs/decisions.md#d-ecs-server): reading
//! one request head, judging it against the token, and the bytes of each answer.
//!
//! The AWS SDKs' container credential provider sends `GET <path>` with the value of
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the whole `Authorization` header, and expects a
//! JSON object with `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration` (RFC 3339)
//! (AWS SDKs and Tools Reference Guide, "Container credential provider":
//! <https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html>).
//! HTTP/1.1 message syntax follows RFC 9112; status codes RFC 9110.

use crate::aws::sts::Credentials;
use crate::error::Result;

/// The one path served. Any other path is refused (403), token or not.
pub const PATH: &str = "/credentials";

/// The largest request head read (request line and headers), in bytes. The SDKs send a few
/// hundred; a longer head is answered 431 without reading more.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;

/// The parts of a request head the endpoint looks at.
///
/// Debug never shows the `Authorization` value (it is the endpoint's secret, or a guess).
#[derive(Clone, PartialEq, Eq)]
pub struct Head {
    /// The method, as sent (`GET`).
    pub method: String,
    /// The request target, as sent (`/credentials`).
    pub target: String,
    /// Every `Authorization` header value, in order (leading and trailing blanks removed).
    pub authorization: Vec<String>,
}

impl std::fmt::Debug for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Head")
            .field("method", &self.method)
            .field("target", &self.target)
            .field(
                "authorization",
                &format!("<{} redacted>", self.authorization.len()),
            )
            .finish()
    }
}

/// What the endpoint answers a request head with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The right token, `GET` on [`PATH`]: the credentials.
    Serve,
    /// No `Authorization` header: 401.
    Unauthorized,
    /// A wrong token (or several `Authorization` headers), or, with the right token,
    /// another method or path: 403.
    Forbidden,
    /// A head that is not HTTP/1.x: 400.
    BadRequest,
    /// A head longer than [`MAX_HEAD_BYTES`]: 431.
    TooLarge,
}

/// The length of the head at the start of `buf` (through its blank line), once complete.
/// Bare `\n` line ends are accepted (RFC 9112 §2.2).
pub fn head_len(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parse a complete head: request line `METHOD SP target SP HTTP/1.0|HTTP/1.1`, then header
/// lines. `None` when it is not UTF-8 or not in that shape (a header line without `:` or a
/// folded line included).
pub fn parse_head(head: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut words = lines.next()?.split(' ');
    let (method, target, version) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some()
        || method.is_empty()
        || !target.starts_with('/')
        || !matches!(version, "HTTP/1.0" | "HTTP/1.1")
    {
        return None;
    }
    let mut authorization = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        // A folded line (obs-fold, RFC 9112 §5.2) would continue the header before it,
        // which could be the token: refused rather than guessed at.
        if line.starts_with([' ', '\t']) {
            return None;
        }
        let (name, value) = line.split_once(':')?;
        if name.is_empty() || name.ends_with([' ', '\t']) {
            return None;
        }
        if name.eq_ignore_ascii_case("authorization") {
            authorization.push(value.trim_matches([' ', '\t']).to_string());
        }
    }
    Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        authorization,
    })
}

/// Judge a parsed head against `token`: the token first (so a client without it learns
/// nothing, not even which paths exist), then method and path. The token is compared in
/// constant time ([`same_secret`]).
pub fn judge(head: &Head, token: &str) -> Verdict {
    match head.authorization.as_slice() {
        [] => Verdict::Unauthorized,
        [given] if same_secret(given.as_bytes(), token.as_bytes()) => {
            if head.method == "GET" && head.target == PATH {
                Verdict::Serve
            } else {
                Verdict::Forbidden
            }
        }
        _ => Verdict::Forbidden,
    }
}

/// Whether `given` equals `secret`, in time that depends on their lengths only (the
/// length of the token is public: 64 hex digits).
pub fn same_secret(given: &[u8], secret: &[u8]) -> bool {
    if given.len() != secret.len() {
        return false;
    }
    given
        .iter()
        .zip(secret)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// The JSON body of a served request: the four fields the SDKs read, `Expiration` in
/// RFC 3339 UTC with whole seconds.
///
/// Errors: [`crate::error::Error::Runtime`] when the expiration is not RFC 3339.
pub fn credentials_body(creds: &Credentials) -> Result<String> {
    let expiration = crate::output::render::utc_expiration(&creds.expiration)?;
    Ok(serde_json::json!({
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "Token": creds.session_token,
        "Expiration": expiration,
    })
    .to_string())
}

/// The body of a 500 answer: a fixed, non-secret message (the reason goes to our stderr).
pub const FAILURE_BODY: &str = r#"{"code":"CredentialsUnavailable","message":"okta-aws-cli could not get credentials; see its stderr"}"#;

/// The whole answer for `status` with `body` (JSON, or empty): `Connection: close`,
/// `Cache-Control: no-store`, a `Content-Length`.
pub fn response(status: u16, body: &str) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    };
    let kind = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/json\r\n".to_string()
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\n{kind}Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The status code of a verdict other than [`Verdict::Serve`] (whose code depends on
/// getting the credentials: 200 or 500). Its body is empty.
pub fn refusal_status(verdict: Verdict) -> u16 {
    match verdict {
        Verdict::Serve => 200,
        Verdict::Unauthorized => 401,
        Verdict::Forbidden => 403,
        Verdict::BadRequest => 400,
        Verdict::TooLarge => 431,
    }
}

/// The verdict for the bytes read so far (`buf`) once reading stopped: a complete head is
/// parsed and judged; an incomplete one is [`Verdict::TooLarge`] at the cap, else
/// [`Verdict::BadRequest`] (the client stopped or timed out).
pub fn verdict_of(buf: &[u8], token: &str) -> Verdict {
    match head_len(buf) {
        Some(n) if n <= MAX_HEAD_BYTES => match parse_head(&buf[..n]) {
            Some(head) => judge(&head, token),
            None => Verdict::BadRequest,
        },
        Some(_) => Verdict::TooLarge,
        None if buf.len() >= MAX_HEAD_BYTES => Verdict::TooLarge,
        None => Verdict::BadRequest,
    }
}

#[cfg(test)]
mod tests;
