//! PURE: the authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) and a loopback
//! redirect (RFC 8252 §7.3), the `web --authorization-code` sign-in. It ends where the device
//! flow ends, with [`OktaTokens`]; the token exchange and everything after it are shared.
//!
//! 1. [`Pkce::from_random`] and [`state_from_random`] turn bytes from the OS random generator
//!    into the code verifier, its S256 challenge and the `state`.
//! 2. [`OktaWeb::authorize_url`] is the page the browser opens, with [`redirect_uri`] of the
//!    loopback port in use.
//! 3. [`read_callback`] reads the request the browser sends to that port: the code, or why
//!    there is none (wrong or missing `state`, an `error=` from Okta). [`callback_page`] is
//!    the short HTML page the browser tab shows either way.
//! 4. [`OktaWeb::authorization_code_token`] -> [`parse_code_token_reply`] -> [`OktaTokens`].

use std::fmt;

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::http::{Request, Response};
use crate::okta::device_auth::{DEVICE_SCOPE, OktaTokens, check_tokens, tokens_from_json};
use crate::okta::web_request::{OktaWeb, json_body};

/// The `grant_type` of the token request (RFC 6749 §4.1.3).
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";

/// The path of the redirect URI on the loopback listener.
pub const CALLBACK_PATH: &str = "/callback";

/// The code of the error when no reply reached the redirect URI in time (for hints): the
/// usual cause is a redirect URI that is not registered, for which Okta shows an error page
/// instead of redirecting.
pub const NO_CALLBACK: &str = "no_authorization_code_reply";

/// The code of the error when the reply's `state` is missing or not the one sent.
pub const STATE_MISMATCH: &str = "state_mismatch";

/// Base64url without padding (RFC 7636 Appendix A).
fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE pair of one sign-in (RFC 7636 §4.1–4.2). The verifier is a secret: Debug hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    /// 43 characters of the base64url alphabet (32 random bytes): `code_verifier`.
    pub verifier: String,
    /// `BASE64URL(SHA256(verifier))`: `code_challenge`, sent with `code_challenge_method=S256`.
    pub challenge: String,
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"<redacted>")
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl Pkce {
    /// The verifier from 32 random octets, base64url-encoded (RFC 7636 §4.1 recommends this:
    /// 256 bits of entropy in 43 characters), and its S256 challenge.
    pub fn from_random(random: &[u8; 32]) -> Pkce {
        let verifier = base64url(random);
        let challenge = s256_challenge(&verifier);
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// `BASE64URL-ENCODE(SHA256(ASCII(verifier)))` (RFC 7636 §4.2, method S256).
pub fn s256_challenge(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

/// The `state` of one sign-in: 16 random octets, base64url (22 characters of letters,
/// digits, `-` and `_`, which Okta allows in `state`).
pub fn state_from_random(random: &[u8; 16]) -> String {
    base64url(random)
}

/// `http://127.0.0.1:<port>/callback`: the redirect URI for a listener on `port` (RFC 8252
/// §7.3: the loopback IP literal, not `localhost`).
pub fn redirect_uri(port: u16) -> String {
    format!("http://127.0.0.1:{port}{CALLBACK_PATH}")
}

impl OktaWeb<'_> {
    /// `GET <org>/oauth2/v1/authorize?client_id&response_type=code&scope&redirect_uri&state
    /// &code_challenge&code_challenge_method=S256`: the page the browser opens (Okta's
    /// org authorization server, the same as the device flow's; scope [`DEVICE_SCOPE`]).
    /// Every value is percent-encoded.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str, challenge: &str) -> String {
        let query = [
            ("client_id", self.client_id),
            ("response_type", "code"),
            ("scope", DEVICE_SCOPE),
            ("redirect_uri", redirect_uri),
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::http::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
        format!("{}/oauth2/v1/authorize?{query}", self.org.base)
    }

    /// `POST <org>/oauth2/v1/token`, form `client_id`, `code`, `code_verifier`, `grant_type`
    /// ([`AUTHORIZATION_CODE_GRANT`]), `redirect_uri` (RFC 6749 §4.1.3, RFC 7636 §4.5). A
    /// native app has no client secret; the verifier proves this run asked for the code.
    pub fn authorization_code_token(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Request {
        self.form_post(
            "/oauth2/v1/token",
            "application/json",
            vec![
                ("client_id", self.client_id),
                ("code", code),
                ("code_verifier", verifier),
                ("grant_type", AUTHORIZATION_CODE_GRANT),
                ("redirect_uri", redirect_uri),
            ],
        )
    }
}

/// What one request to the loopback listener means.
#[derive(Debug)]
pub enum Callback {
    /// Not the redirect (another path, such as `/favicon.ico`, or not a GET): answer 404
    /// and keep waiting.
    Other,
    /// The authorization code (secret), with the right `state`.
    Code(AuthorizationCode),
    /// The redirect, but no code to exchange: the run stops with this error.
    Failed(Error),
}

/// An authorization code (secret; Debug prints `<redacted>`).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationCode(pub String);

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode(<redacted>)")
    }
}

/// Read one request to the loopback listener: `method` and `target` as in its request line
/// (`GET /callback?code=...&state=... HTTP/1.1`). `state` is the value this run sent.
///
/// The `state` is checked first (RFC 6749 §10.12), so a request from anywhere else can
/// neither hand this run a code nor make it report an error Okta did not send: a missing
/// or different `state` is [`Callback::Failed`] with [`STATE_MISMATCH`]. Then `error=`
/// (RFC 6749 §4.1.2.1) is an [`Error::Okta`] with Okta's code and description (escaped,
/// one line); then the `code`, which must be present once.
pub fn read_callback(method: &str, target: &str, state: &str) -> Callback {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != CALLBACK_PATH {
        return Callback::Other;
    }
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                crate::http::percent_decode(k),
                crate::http::percent_decode(v),
            )
        })
        .collect();
    let all = |name: &str| -> Vec<&str> {
        params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let refuse = |why: &str| {
        Callback::Failed(Error::Okta {
            code: Some(STATE_MISMATCH.to_string()),
            message: format!(
                "the sign-in reply that reached the redirect URI {why}, so it is not the reply to this run's request (an old browser tab, or a request from elsewhere); nothing was exchanged, run the command again"
            ),
        })
    };
    match all("state").as_slice() {
        [] => return refuse("has no state"),
        [got] if constant_time_eq(got.as_bytes(), state.as_bytes()) => {}
        [_] => return refuse("carries another state"),
        _ => return refuse("carries more than one state"),
    }
    if let Some(error) = all("error").first() {
        let error = crate::term::sanitize::line(error).into_owned();
        let description = all("error_description")
            .first()
            .map(|d| crate::term::sanitize::line(d).into_owned())
            .filter(|d| !d.is_empty());
        let message = match (error.as_str(), description) {
            ("access_denied", Some(d)) => format!("the sign-in was denied in the browser: {d}"),
            ("access_denied", None) => "the sign-in was denied in the browser".to_string(),
            (e, Some(d)) => format!("the sign-in in the browser failed: {e}: {d}"),
            (e, None) => format!("the sign-in in the browser failed: {e}"),
        };
        return Callback::Failed(Error::Okta {
            code: Some(error),
            message,
        });
    }
    match all("code").as_slice() {
        [code] if !code.is_empty() => Callback::Code(AuthorizationCode((*code).to_string())),
        [] | [_] => Callback::Failed(Error::runtime(
            "the sign-in reply that reached the redirect URI has no code; nothing was exchanged, run the command again",
        )),
        _ => Callback::Failed(Error::runtime(
            "the sign-in reply that reached the redirect URI carries more than one code; nothing was exchanged, run the command again",
        )),
    }
}

/// Compare two byte strings in time that depends on their lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The answer to one request on the loopback listener: HTTP status and a short HTML page
/// for the browser tab. A code: 200, "signed in, return to the terminal". A failure: 400
/// with the error's text (HTML-escaped). Anything else: 404.
pub fn callback_page(callback: &Callback) -> (u16, String) {
    let (status, title, body) = match callback {
        Callback::Code(_) => (
            200,
            "Signed in",
            "okta-aws-cli received the sign-in. You can close this tab and return to the terminal."
                .to_string(),
        ),
        Callback::Failed(e) => (
            400,
            "Sign-in failed",
            format!(
                "okta-aws-cli did not sign in: {e}. You can close this tab; the terminal says the same."
            ),
        ),
        Callback::Other => (404, "Not found", "Nothing here.".to_string()),
    };
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1><p>{}</p></body></html>\n",
        crate::term::browser::page::escape(&body)
    );
    (status, page)
}

/// Read the token reply of [`OktaWeb::authorization_code_token`] (RFC 6749 §5.1–5.2).
///
/// Errors: an error status -> [`crate::okta::oauth::error_from_response`] (the OAuth
/// `error` in the code, e.g. `invalid_grant` for a code used twice, a wrong verifier or
/// redirect URI); a 200 that is not a JSON object, or whose tokens fail [`check_tokens`]
/// -> [`Error::Runtime`] naming the problem, never a token.
pub fn parse_code_token_reply(resp: &Response) -> Result<OktaTokens> {
    const WHAT: &str = "authorization code token request";
    if resp.status != 200 {
        return Err(crate::okta::oauth::error_from_response(WHAT, resp));
    }
    let Some(v) = json_body(resp).filter(serde_json::Value::is_object) else {
        return Err(Error::runtime(format!(
            "{WHAT}: the reply is not a JSON object (content type \"{}\")",
            crate::term::sanitize::line(resp.header("content-type").unwrap_or(""))
        )));
    };
    let tokens = tokens_from_json(&v);
    check_tokens(&tokens.access_token, &tokens.id_token, &tokens.token_type)
        .map_err(|problem| Error::runtime(format!("{WHAT}: unusable token response: {problem}")))?;
    Ok(tokens)
}

#[cfg(test)]
mod tests;
