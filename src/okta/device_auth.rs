//! PURE: device authorization and token polling of the `web` flow (RFC 8628), as plain
//! data and decisions.
//!
//! 1. [`OktaWeb::device_authorize`] -> [`parse_device_authorization`] -> [`activation_url`]
//!    (the URL the banner shows).
//! 2. [`Poller`] with [`OktaWeb::device_token`] until [`Decision::Done`] gives
//!    [`OktaTokens`] (checked by [`check_tokens`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::{Request, Response};
use crate::okta::poll::{PollClock, Step};
use crate::okta::web_request::{OktaWeb, json_body, str_field, u64_field};
use crate::url::{Url, UrlError};

/// Scope of the device authorization request, exactly as upstream sends it
/// (docs/decisions.md#k-okta-requests; docs/decisions.md#k-surface keeps the scopes). `okta.apps.read` is no longer
/// needed since appLinks only needs `okta.users.read.self`, but OIDC apps set up by the
/// upstream README grant it, and the request must stay the same for them.
pub const DEVICE_SCOPE: &str = "openid okta.apps.sso okta.apps.read okta.users.read.self";
/// RFC 8628 §3.4 device-code grant type.
pub const DEVICE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Device-code lifetime assumed when Okta sends no `expires_in` (seconds).
pub const DEFAULT_EXPIRES_IN: u64 = 600;
/// Longest device-code lifetime accepted from Okta (seconds); larger values are cut.
pub const MAX_EXPIRES_IN: u64 = 3600;
pub use crate::okta::poll::{DEFAULT_INTERVAL, MAX_INTERVAL, MAX_NETWORK_RETRIES, PollReply};

impl OktaWeb<'_> {
    /// `POST <org>/oauth2/v1/device/authorize`, form `client_id`, `scope` ([`DEVICE_SCOPE`])
    /// (RFC 8628 §3.1, docs/decisions.md#k-okta-requests).
    pub fn device_authorize(&self) -> Request {
        self.form_post(
            "/oauth2/v1/device/authorize",
            "application/json",
            vec![("client_id", self.client_id), ("scope", DEVICE_SCOPE)],
        )
    }

    /// `POST <org>/oauth2/v1/token`, form `client_id`, `device_code`, `grant_type`
    /// ([`DEVICE_GRANT_TYPE`]) (RFC 8628 §3.4, docs/decisions.md#d-device-polling).
    pub fn device_token(&self, device_code: &str) -> Request {
        self.form_post(
            "/oauth2/v1/token",
            "application/json",
            vec![
                ("client_id", self.client_id),
                ("device_code", device_code),
                ("grant_type", DEVICE_GRANT_TYPE),
            ],
        )
    }
}

/// Reply of the device authorization request (RFC 8628 §3.2).
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceAuthorization {
    /// The device code (secret; used in token polls only).
    pub device_code: String,
    /// The code the user confirms in the browser, e.g. `ABCD-EFGH`.
    pub user_code: String,
    /// The activation page, e.g. `https://example.okta.com/activate`.
    pub verification_uri: String,
    /// The activation page with the user code filled in: the URL shown, encoded in the QR
    /// code and opened. Built from `verification_uri` + `?user_code=` when Okta omits it.
    pub verification_uri_complete: String,
    /// Lifetime of the device code in seconds, when given.
    pub expires_in: Option<u64>,
    /// Minimum polling interval in seconds, when given.
    pub interval: Option<u64>,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &"<redacted>")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

/// Read the device authorization reply (RFC 8628 §3.2, docs/decisions.md#k-okta-requests).
///
/// Errors: non-200 -> [`Error::Okta`] `authorize received API response "<status line>"`
/// (plus the OAuth `error` and description when the body has them); a non-JSON content
/// type -> `authorize non-JSON API response content type "<ct>"`; no `device_code` or no
/// verification URI -> [`Error::Runtime`]; an absent or empty `device_code`, `user_code` or
/// `verification_uri` (all required by RFC 8628 §3.2) -> [`Error::Runtime`]
/// `authorize API response has no <field> (absent or empty)`.
pub fn parse_device_authorization(resp: &Response) -> Result<DeviceAuthorization> {
    if resp.status != 200 {
        let mut message = format!("authorize received API response \"{}\"", resp.status_line());
        let mut code = None;
        if let Some(v) = json_body(resp) {
            let error = crate::term::sanitize::line(&str_field(&v, "error")).into_owned();
            let desc =
                crate::term::sanitize::line(&str_field(&v, "error_description")).into_owned();
            if !error.is_empty() {
                message.push_str(&format!(": {error}"));
                if !desc.is_empty() {
                    message.push_str(&format!(" - {desc}"));
                }
                code = Some(error);
            }
        }
        return Err(Error::Okta { code, message });
    }
    let ct = resp.header("content-type").unwrap_or("");
    if !ct.to_ascii_lowercase().contains("application/json") {
        return Err(Error::runtime(format!(
            "authorize non-JSON API response content type \"{ct}\""
        )));
    }
    let v = json_body(resp).ok_or_else(|| {
        Error::runtime(format!(
            "authorize API response is not valid JSON: {}",
            crate::okta::oauth::body_excerpt(&resp.body)
        ))
    })?;
    let device_code = str_field(&v, "device_code");
    let user_code = str_field(&v, "user_code");
    let verification_uri = str_field(&v, "verification_uri");
    let mut complete = str_field(&v, "verification_uri_complete");
    // RFC 8628 §3.2: device_code, user_code and verification_uri are required.
    for (name, value) in [
        ("device_code", &device_code),
        ("user_code", &user_code),
        ("verification_uri", &verification_uri),
    ] {
        if value.trim().is_empty() {
            return Err(Error::runtime(format!(
                "authorize API response has no {name} (absent or empty)"
            )));
        }
    }
    for (name, value) in [
        ("verification_uri", &verification_uri),
        ("verification_uri_complete", &complete),
    ] {
        check_activation_url(name, value)?;
    }
    if complete.is_empty() {
        let sep = if verification_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let code = crate::http::percent_encode(&user_code);
        complete = format!("{verification_uri}{sep}user_code={code}");
    }
    Ok(DeviceAuthorization {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete: complete,
        expires_in: u64_field(&v, "expires_in"),
        interval: u64_field(&v, "interval"),
    })
}

/// The activation URL to show, encode in the QR code and open: `verification_uri_complete`
/// as [`crate::http::url::browser_url`] writes it back (percent-encoded), after both it and
/// `verification_uri` passed that check against the org's origin `org_base` (e.g.
/// `https://example.okta.com`; scheme, host and port must be equal).
///
/// Errors: [`Error::Runtime`] `invalid device authorization reply from Okta: <field>
/// <problem>: "<url, escaped>"`, e.g. `... verification_uri_complete is not on the org's
/// origin https://example.okta.com: "https://evil.example/activate"`.
pub fn activation_url(auth: &DeviceAuthorization, org_base: &str) -> Result<String> {
    let check = |name: &str, value: &str| {
        crate::http::url::browser_url(value, org_base).map_err(|problem| {
            Error::runtime(format!(
                "invalid device authorization reply from Okta: {name} {problem}: \"{}\"",
                crate::term::sanitize::line(value)
            ))
        })
    };
    check("verification_uri", &auth.verification_uri)?;
    check("verification_uri_complete", &auth.verification_uri_complete)
}

/// An activation URL of the device authorization reply must be a plain `http(s)://` URL:
/// it is printed, encoded in the QR code and handed to a browser command. Empty passes
/// (absence is checked by the caller).
fn check_activation_url(name: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Ok(());
    }
    // White space other than controls is percent-encoded by `activation_url`; the host and
    // port are checked there, against the org's origin.
    let problem = if crate::term::sanitize::has_unsafe(value) {
        "contains control characters"
    } else if let Err(UrlError::NoScheme | UrlError::UnsupportedScheme | UrlError::NoAuthority) =
        Url::parse(value)
    {
        "is not an http(s) URL"
    } else {
        return Ok(());
    };
    Err(Error::runtime(format!(
        "invalid device authorization reply from Okta: {name} {problem}: \"{}\"",
        crate::term::sanitize::line(value)
    )))
}

/// The OAuth token response of the device flow (RFC 6749 §5.1); field names as in Okta's
/// reply and upstream's cache file. Empty strings stand for absent fields.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OktaTokens {
    /// Access token (secret).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub access_token: String,
    /// ID token (secret): the token-exchange `subject_token`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id_token: String,
    /// Normally `Bearer`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token_type: String,
    /// Granted scopes, space separated.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Access-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Refresh token (secret), if issued.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub refresh_token: String,
    /// Device secret (secret), if issued.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_secret: String,
}

impl fmt::Debug for OktaTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OktaTokens")
            .field("access_token", &"<redacted>")
            .field("id_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Longest access-token lifetime accepted from a token reply (seconds): one day, Okta's
/// maximum access-token lifetime. Larger values are cut to it.
pub const MAX_TOKEN_LIFETIME: u64 = 86_400;

/// Read a JSON token reply (RFC 6749 §5.1) leniently, with the same field helpers as the
/// device authorization reply: a string field that is absent, `null` or not a string is
/// empty; `expires_in` may be a number or a string of digits; a negative, fractional or
/// out-of-range (`1e20`) `expires_in` counts as absent, and one above
/// [`MAX_TOKEN_LIFETIME`] is cut to it. Whether the tokens are usable is
/// [`check_tokens`]'s business.
pub fn tokens_from_json(v: &Value) -> OktaTokens {
    OktaTokens {
        access_token: str_field(v, "access_token"),
        id_token: str_field(v, "id_token"),
        token_type: str_field(v, "token_type"),
        scope: str_field(v, "scope"),
        expires_in: u64_field(v, "expires_in").map(|e| e.min(MAX_TOKEN_LIFETIME)),
        refresh_token: str_field(v, "refresh_token"),
        device_secret: str_field(v, "device_secret"),
    }
}

/// Check the tokens the web flow needs before anything uses or caches them: the access
/// token and the ID token present, and each of them and the token type (RFC 6749 §5.1,
/// `Bearer`) a single printable word: visible ASCII only, no white space, CR or LF (they go
/// into an `Authorization` header and a form field).
///
/// Errors: a one-line description naming the field, without its value (tokens are
/// secrets), e.g. `no id_token (the OIDC app must grant the openid scope)`.
pub fn check_tokens(
    access_token: &str,
    id_token: &str,
    token_type: &str,
) -> std::result::Result<(), String> {
    let word = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    for (name, value) in [("access_token", access_token), ("id_token", id_token)] {
        if value.is_empty() {
            let hint = if name == "id_token" {
                " (the OIDC app must grant the openid scope)"
            } else {
                ""
            };
            return Err(format!("no {name}{hint}"));
        }
        if !word(value) {
            return Err(format!(
                "{name} contains white space or characters that are not printable ASCII"
            ));
        }
    }
    if token_type.is_empty() {
        return Err("no token_type".into());
    }
    if !word(token_type) {
        return Err(format!(
            "token_type \"{}\" is not a single printable word",
            crate::term::sanitize::line(token_type)
        ));
    }
    Ok(())
}

/// What to do after a poll.
#[derive(Debug)]
pub enum Decision {
    /// Sleep this many seconds, then poll again.
    Wait(u64),
    /// Authorized: the tokens.
    Done(OktaTokens),
    /// Stop with this error.
    Fail(Error),
}

/// The device-code polling state machine (RFC 8628 §3.4–3.5, docs/decisions.md#d-device-polling, case B09).
///
/// Times are whole seconds on one clock (Unix epoch seconds, since `X-Rate-Limit-Reset` is
/// epoch seconds). The first poll comes [`PollClock::first_wait`] seconds after the
/// authorization; each reply is fed to [`Poller::next`]. The loop is bounded by the device
/// code's `expires_in` deadline and by [`MAX_NETWORK_RETRIES`].
#[derive(Debug, Clone)]
pub struct Poller {
    clock: PollClock,
}

impl Poller {
    /// `interval`/`expires_in` (seconds) from the authorization reply; `start` is when the
    /// authorization reply arrived.
    ///
    /// Server values are bounded so no later arithmetic can overflow: `interval` absent or 0
    /// means [`DEFAULT_INTERVAL`] (5 s, RFC 8628 §3.5's default), else at most
    /// [`MAX_INTERVAL`]; `expires_in` absent or 0 means [`DEFAULT_EXPIRES_IN`], else at most
    /// [`MAX_EXPIRES_IN`] (one hour).
    pub fn new(interval: Option<u64>, expires_in: Option<u64>, start: u64) -> Poller {
        let lifetime = match expires_in {
            None | Some(0) => DEFAULT_EXPIRES_IN,
            Some(e) => e.min(MAX_EXPIRES_IN),
        };
        Poller {
            clock: PollClock::new(interval, lifetime, start),
        }
    }

    /// The interval (grows by 5 s on each `slow_down`), the device code's deadline and the
    /// first wait (never past the deadline: a long server interval with a short lifetime
    /// polls once, at the deadline, and then ends with `device code expired`).
    pub fn clock(&self) -> &PollClock {
        &self.clock
    }

    /// Decide after one poll observed at `now`.
    ///
    /// * 200 with a JSON object ([`tokens_from_json`]) whose tokens pass [`check_tokens`] ->
    ///   [`Decision::Done`]; one that fails the check -> error naming the field.
    /// * `authorization_pending` -> wait the interval; `slow_down` -> interval += 5 s, wait it.
    /// * 429 -> wait until `X-Rate-Limit-Reset` (epoch seconds) or `Retry-After` (seconds or
    ///   HTTP date), as [`crate::http::retry::read_rate_limit`] reads them, at least the
    ///   interval; without either, back off (2x interval, doubling, at most 60 s).
    /// * `expired_token`, or `now` at/after the deadline -> `device code expired, run the
    ///   command again`; `access_denied` -> `authorization was denied in the browser`.
    /// * any other OAuth error, a non-JSON error body, an unexpected status -> error with the
    ///   status and the first bytes of the body (upstream's wording, docs/decisions.md#k-messages).
    /// * network error -> retried at the interval up to [`MAX_NETWORK_RETRIES`] times in a row.
    ///
    /// Waits never run past the deadline.
    pub fn next(&mut self, reply: PollReply<'_>, now: u64) -> Decision {
        let resp = match self.clock.screen(reply, now) {
            Ok(resp) => resp,
            Err(step) => return decide(step),
        };
        let json = json_body(resp);
        if resp.status == 200 {
            let Some(v) = json.as_ref().filter(|v| v.is_object()) else {
                return Decision::Fail(Error::runtime(format!(
                    "fetching access token polling received a non-JSON token response (content type \"{}\")",
                    crate::term::sanitize::line(resp.header("content-type").unwrap_or(""))
                )));
            };
            let tokens = tokens_from_json(v);
            return match check_tokens(&tokens.access_token, &tokens.id_token, &tokens.token_type) {
                Ok(()) => Decision::Done(tokens),
                Err(problem) => Decision::Fail(Error::runtime(format!(
                    "fetching access token polling received an unusable token response: {problem}"
                ))),
            };
        }
        let error = json
            .as_ref()
            .map(|v| str_field(v, "error"))
            .unwrap_or_default();
        if (400..500).contains(&resp.status) && !error.is_empty() {
            let desc = json
                .as_ref()
                .map(|v| {
                    crate::term::sanitize::line(&str_field(v, "error_description")).into_owned()
                })
                .unwrap_or_default();
            return match error.as_str() {
                "authorization_pending" => decide(self.clock.wait(self.clock.interval(), now)),
                "slow_down" => {
                    self.clock.slow_down(u64::MAX);
                    decide(self.clock.wait(self.clock.interval(), now))
                }
                "expired_token" => Decision::Fail(Error::Okta {
                    code: Some(error),
                    message: "device code expired, run the command again".into(),
                }),
                "access_denied" => Decision::Fail(Error::Okta {
                    code: Some(error),
                    message: "authorization was denied in the browser".into(),
                }),
                _ => Decision::Fail(Error::Okta {
                    message: format!(
                        "fetching access token polling received unexpected API polling error \"{}\" - \"{desc}\"",
                        crate::term::sanitize::line(&error)
                    ),
                    code: Some(error),
                }),
            };
        }
        if resp.status == 400 && json.is_none() {
            return Decision::Fail(Error::runtime(format!(
                "fetching access token polling received unexpected API error body \"{}\"",
                crate::okta::oauth::body_excerpt(&resp.body)
            )));
        }
        Decision::Fail(Error::runtime(format!(
            "fetching access token polling received unexpected API status \"{}\" \"{}\"",
            resp.status_line(),
            crate::okta::oauth::body_excerpt(&resp.body)
        )))
    }
}

/// The decision for a step that [`PollClock`] settled without reading a body.
fn decide(step: Step<'_>) -> Decision {
    match step {
        Step::Wait(secs) => Decision::Wait(secs),
        Step::Expired => {
            Decision::Fail(Error::runtime("device code expired, run the command again"))
        }
        Step::GaveUp(e, attempts) => Decision::Fail(Error::runtime(format!(
            "fetching access token polling received API err {e} (gave up after {attempts} attempts)"
        ))),
    }
}

#[cfg(test)]
pub(crate) mod tests;
