//! PURE: Okta / OAuth 2.0 requests and replies shared by the flows: the error shapes of
//! Okta's APIs (upstream-behaviour §10.2) and the m2m client-credentials token request.

use crate::error::Error;
use crate::http::Response;

/// Turn a non-success Okta reply into one clear [`Error::Okta`] line.
///
/// Understands OAuth JSON (`error`, `error_description`), Okta management JSON
/// (`errorCode`, `errorSummary`, `errorCauses`), a `WWW-Authenticate: Bearer ...
/// error_description="..."` header on 401/403, and non-JSON bodies (status plus the first
/// bytes of the body). The OAuth `error` (or `errorCode`) is kept in `code`.
pub fn error_from_response(what: &str, resp: &Response) -> Error {
    let _ = (what, resp);
    todo!("written by the m2m work")
}
