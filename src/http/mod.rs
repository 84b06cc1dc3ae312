//! I/O: the one HTTP agent of a run (TLS roots, proxies, timeouts, retries) and the
//! `--debug-api-calls` dump with every secret redacted (`client`). PURE: `encode`
//! (percent and form encoding), `html` (the HTML `<input>` scanner that both the SAML
//! reader and the redactor use), `retry` (the retry policy of every call) and `url` (the
//! check of every URL handed to a browser).

mod agent;
pub mod encode;
pub mod html;
pub mod retry;
pub mod url;

pub use agent::*;
pub use encode::{form_encode, percent_decode, percent_encode};
