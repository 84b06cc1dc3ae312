//! I/O: the one HTTP agent of a run (DESIGN §2.13, §2.14, §2.16): TLS roots, proxies,
//! timeouts, User-Agent, and `--debug-api-calls` logging with every secret redacted.

use crate::config::Env;

/// Which side a request goes to; AWS calls additionally trust `AWS_CA_BUNDLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// The Okta org.
    Okta,
    /// AWS STS or IAM.
    Aws,
}

/// How to build the agent.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// The User-Agent for Okta calls (see [`user_agent`]).
    pub user_agent: String,
    /// `--debug-api-calls`: dump every request and response on stderr, secrets redacted.
    pub debug_api_calls: bool,
    /// Environment snapshot: proxies, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `AWS_CA_BUNDLE`.
    pub env: Env,
}

/// An HTTP reply, read whole. 4xx/5xx are replies, not errors.
#[derive(Debug, Clone, Default)]
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
