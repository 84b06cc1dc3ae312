//! I/O: the one HTTP agent of a run (TLS roots, proxies, timeouts, retries) and the
//! `--debug-api-calls` dump with every secret redacted. The encoders (`percent_encode`,
//! `form_encode`) and redaction helpers in it are pure and used by the layers above.

mod client;

pub use client::*;
