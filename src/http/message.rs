//! PURE: one HTTP exchange as data: the side it goes to ([`Service`]), the request to send
//! ([`Outgoing`]) and the reply read whole ([`Response`]). Their `Debug` output hides
//! secrets (see `redact`).

use super::encode::form_encode;
use super::redact::{redact_header, redact_url};

/// Which side a request goes to; AWS calls additionally trust `AWS_CA_BUNDLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// The Okta org.
    Okta,
    /// AWS STS or IAM.
    Aws,
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

/// One request to send, owned: what a request builder of `Http::send_repeatable_with`
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

    pub(super) fn header_refs(&self) -> Vec<(&str, &str)> {
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
