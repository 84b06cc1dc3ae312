//! PURE: one HTTP exchange as data: the side it goes to ([`Service`]), the request to send
//! ([`Request`], the one description of a request: every module that calls Okta or AWS
//! builds one) and the reply read whole ([`Response`]). Their `Debug` output hides secrets
//! (see `redact`).

use super::encode::form_encode;
use super::redact::{REDACTED, is_secret_field, redact_header, redact_url};

/// Which side a request goes to; AWS calls additionally trust `AWS_CA_BUNDLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// The Okta org.
    Okta,
    /// AWS STS or IAM.
    Aws,
}

/// Header name/value pairs as `Debug` shows them: secret values redacted
/// ([`redact_header`]).
fn redacted_headers(headers: &[(String, String)]) -> Vec<(&str, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str(), redact_header(k, v)))
        .collect()
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
        let headers = redacted_headers(&self.headers);
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

/// HTTP method of a [`Request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: no body.
    Get,
    /// POST: the form of the request as an `application/x-www-form-urlencoded` body.
    Post,
}

impl Method {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One HTTP request as data: what the pure modules build (the Okta, STS, IAM and
/// console sign-in requests) and the agent (`Http::send`) sends as it is, once per
/// attempt. Every body this program sends is a form: a GET has none, a POST sends
/// [`Request::form`] encoded with [`form_encode`].
///
/// `Debug` hides secrets: the URL's secret query parameters ([`redact_url`]), secret header
/// values ([`redact_header`]) and secret form values ([`is_secret_field`]). The
/// `--debug-api-calls` dump redacts the body sent by the same list of secret fields.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// GET or POST.
    pub method: Method,
    /// Absolute `http(s)://` URL, e.g. `https://example.okta.com/oauth2/v1/token`.
    pub url: String,
    /// Header name/value pairs, sent as given and in this order (the agent adds its
    /// `User-Agent` when none is given).
    pub headers: Vec<(String, String)>,
    /// Form fields in sending order, not yet encoded; empty for a GET.
    pub form: Vec<(String, String)>,
}

/// Owned copies of borrowed name/value pairs.
fn owned_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_ref().to_string(), v.as_ref().to_string()))
        .collect()
}

impl Request {
    /// A GET of `url` with these headers.
    pub fn get(url: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: Method::Get,
            url: url.to_string(),
            headers: owned_pairs(headers),
            form: Vec::new(),
        }
    }

    /// A POST of these form fields to `url`; `Content-Type:
    /// application/x-www-form-urlencoded; charset=utf-8` is added after `headers` unless
    /// they have one.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(
        url: &str,
        headers: &[(&str, &str)],
        form: &[(K, V)],
    ) -> Request {
        let mut headers = owned_pairs(headers);
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push((
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded; charset=utf-8".to_string(),
            ));
        }
        Request {
            method: Method::Post,
            url: url.to_string(),
            headers,
            form: owned_pairs(form),
        }
    }

    /// The encoded form ([`form_encode`]: space as `+`, reserved bytes as `%XX`); empty
    /// for a GET.
    pub fn body(&self) -> String {
        form_encode(&self.form)
    }

    /// The body bytes to send: `None` for a GET, the encoded form for a POST.
    pub fn body_bytes(&self) -> Option<Vec<u8>> {
        match self.method {
            Method::Get => None,
            Method::Post => Some(self.body().into_bytes()),
        }
    }

    /// The headers as borrowed pairs.
    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of form field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for Request {
    /// The method, the URL, the headers and the form fields, every secret redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers = redacted_headers(&self.headers);
        let form: Vec<(&str, &str)> = self
            .form
            .iter()
            .map(|(k, v)| {
                let shown = if is_secret_field(k) { REDACTED } else { v };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("headers", &headers)
            .field("form", &form)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_post_gets_a_content_type_unless_it_has_one() {
        let r = Request::form("https://h/t", &[("Accept", "text/xml")], &[("a", "x y")]);
        assert_eq!(r.method, Method::Post);
        assert_eq!(
            r.header_pairs(),
            [
                ("Accept", "text/xml"),
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8"
                )
            ]
        );
        assert_eq!(r.body_bytes(), Some(b"a=x+y".to_vec()));
        let own = Request::form("https://h/t", &[("content-type", "x")], &[("a", "1")]);
        assert_eq!(own.header_pairs(), [("content-type", "x")]);
        assert_eq!(own.field("a"), Some("1"));
    }

    #[test]
    fn a_get_has_no_body() {
        let r = Request::get("https://h/x?y=1", &[("Accept", "application/json")]);
        assert_eq!((r.method.as_str(), r.body_bytes()), ("GET", None));
        assert_eq!(r.body(), "");
        assert_eq!(r.header("accept"), Some("application/json"));
    }

    #[test]
    fn debug_hides_secret_fields_headers_and_query_parameters() {
        let r = Request::form(
            "https://h/t?token=URL-SECRET",
            &[("Authorization", "Bearer HEADER-SECRET")],
            &[("client_assertion", "FORM-SECRET"), ("scope", "s")],
        );
        let shown = format!("{r:?}");
        for secret in ["URL-SECRET", "HEADER-SECRET", "FORM-SECRET"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("\"scope\", \"s\"") && shown.contains("Bearer"),
            "{shown}"
        );
    }
}
