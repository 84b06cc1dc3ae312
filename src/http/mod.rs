//! I/O: the one HTTP agent of a run (`agent`: timeouts, sending, redirects, the retry loop),
//! the roots it trusts (`tls`), and the loopback listener that takes the browser's redirect
//! in the authorization code flow (`loopback`, which imports nothing here). PURE: `message` (a request and a reply as data), `proxy`
//! (proxy settings and the choice per request), `redact` (every secret hidden from the
//! `--debug-api-calls` dump) and `dump` (that dump's text), `encode` (percent and form
//! encoding), `html` (the HTML `<input>` scanner that both the SAML reader and the redactor
//! use), `retry` (the retry policy of every call) and `url` (the check of every URL handed
//! to a browser).
//!
//! Callers use the items re-exported here (`crate::http::Http`, ...). Files here import
//! each other in one direction only: `agent` -> `tls`, `proxy`, `dump`, `message`, `retry`;
//! `dump` -> `message`, `redact`; `retry` -> `message`; `message` -> `redact`, `encode`;
//! `redact` -> `html`, `encode`. None of them imports this file (`super::X` of a
//! re-export would hide a loop).

mod agent;
mod dump;
pub mod encode;
pub mod html;
pub mod loopback;
mod message;
mod proxy;
mod redact;
pub mod retry;
mod tls;
pub mod url;

pub use agent::{
    CONNECT_TIMEOUT, DebugSink, Http, HttpOptions, MAX_BODY_BYTES, MAX_REDIRECTS, REQUEST_TIMEOUT,
    user_agent,
};
pub use dump::{format_request_dump, format_response_dump};
pub use encode::{form_encode, percent_decode, percent_encode};
pub use message::{Method, Request, Response, Service};
pub use proxy::{NoProxyEntry, ProxyConfig, parse_no_proxy};
pub use redact::{
    REDACTED, SECRET_FIELDS, SECRET_HEADERS, is_secret_field, redact_body, redact_form,
    redact_header, redact_html, redact_json, redact_url, redact_xml, unparsable_placeholder,
};
