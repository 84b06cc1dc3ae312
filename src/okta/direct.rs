//! PURE: Okta's direct authentication for the `direct` command, as plain data and
//! decisions (Okta's OAuth API: `/oauth2/{authorizationServerId}/v1/token` with the
//! `password`, `http://auth0.com/oauth/grant-type/mfa-oob` and
//! `http://auth0.com/oauth/grant-type/mfa-otp` grants, and
//! `/oauth2/{authorizationServerId}/v1/challenge`).
//!
//! 1. [`DirectOkta::password_grant`] -> [`parse_password_reply`]: tokens at once (the
//!    policy asks for no second factor) or `mfa_required` with an `mfa_token`.
//! 2. [`DirectOkta::challenge`] -> [`parse_challenge_reply`]: for a push the `oob_code`,
//!    its lifetime, the polling interval and the binding (number challenge).
//! 3. Push: [`DirectOkta::oob_poll`] with [`OobPoller`] until [`Decision::Done`].
//!    One-time code: [`DirectOkta::otp_grant`] -> [`parse_otp_reply`].
//!
//! Every request carries `X-Okta-Aws-Cli-Operation: direct`. No message built here holds
//! the password, the `mfa_token`, the `oob_code`, the one-time code or a token.

use serde_json::Value;

use crate::config::MfaMethod;
use crate::error::{Error, Result};
use crate::http::{Request, Response};
use crate::okta::device_auth::{Decision, OktaTokens, PollReply, tokens_from_json};
use crate::okta::oauth::{OPERATION_HEADER, error_from_response, token_endpoint};
use crate::okta::poll::{MAX_INTERVAL, PollClock, Step};
use crate::okta::web_request::{json_body, str_field, u64_field};
use crate::term::sanitize;

/// The scopes every direct token request asks for, as upstream sends them.
pub const DIRECT_SCOPE: &str = "openid profile";
/// The resource owner password grant (RFC 6749 §4.3).
pub const PASSWORD_GRANT: &str = "password";
/// Okta's grant and challenge type for an out-of-band factor (an Okta Verify push).
pub const MFA_OOB: &str = "http://auth0.com/oauth/grant-type/mfa-oob";
/// Okta's grant and challenge type for a one-time code.
pub const MFA_OTP: &str = "http://auth0.com/oauth/grant-type/mfa-otp";
/// The value of the `X-Okta-Aws-Cli-Operation` header on every direct request.
pub const OPERATION: &str = "direct";
/// The OAuth error that asks for a second factor (with an `mfa_token`).
pub const MFA_REQUIRED: &str = "mfa_required";
/// Lifetime of the `oob_code` assumed when the challenge reply has none (seconds; Okta's
/// documented example says 300).
pub const DEFAULT_EXPIRES_IN: u64 = 300;
/// Longest `oob_code` lifetime accepted from Okta (seconds); larger values are cut.
pub const MAX_EXPIRES_IN: u64 = 900;

/// The step names used in error messages.
const PASSWORD_STEP: &str = "direct authentication: password grant";
const CHALLENGE_STEP: &str = "direct authentication: MFA challenge";
const POLL_STEP: &str = "direct authentication: waiting for Okta Verify";
const OTP_STEP: &str = "direct authentication: one-time code";

/// The endpoints and fixed fields of one org's direct authentication.
#[derive(Debug, Clone, Copy)]
pub struct DirectOkta<'a> {
    /// The org's scheme and authority, e.g. `https://example.okta.com`.
    pub org_base: &'a str,
    /// The authorization server id (`--authz-id`, default `default`).
    pub authz_id: &'a str,
    /// The OIDC native app's client id.
    pub client_id: &'a str,
    /// The run's `User-Agent`.
    pub user_agent: &'a str,
}

impl DirectOkta<'_> {
    /// `<org>/oauth2/<authz-id>/v1/token`.
    pub fn token_url(&self) -> String {
        token_endpoint(self.org_base, self.authz_id)
    }

    /// `<org>/oauth2/<authz-id>/v1/challenge`.
    pub fn challenge_url(&self) -> String {
        format!(
            "{}/oauth2/{}/v1/challenge",
            self.org_base.trim_end_matches('/'),
            self.authz_id.trim_matches('/')
        )
    }

    /// A form POST to `url` with `Accept: application/json`, the form content type, the
    /// user agent and `X-Okta-Aws-Cli-Operation: direct`.
    fn post(&self, url: String, form: Vec<(&str, &str)>) -> Request {
        Request::form(
            &url,
            &[
                ("Accept", "application/json"),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("User-Agent", self.user_agent),
                (OPERATION_HEADER, OPERATION),
            ],
            &form,
        )
    }

    /// Step 1: the password grant, form `client_id`, `grant_type=password`,
    /// `scope=openid profile`, `username`, `password`.
    pub fn password_grant(&self, username: &str, password: &str) -> Request {
        self.post(
            self.token_url(),
            vec![
                ("client_id", self.client_id),
                ("grant_type", PASSWORD_GRANT),
                ("scope", DIRECT_SCOPE),
                ("username", username),
                ("password", password),
            ],
        )
    }

    /// Step 2: the challenge, form `client_id`, `mfa_token`, `challenge_types_supported`
    /// ([`MFA_OOB`] with `channel_hint=push`, or [`MFA_OTP`]).
    pub fn challenge(&self, mfa_token: &str, method: MfaMethod) -> Request {
        let mut form = vec![("client_id", self.client_id), ("mfa_token", mfa_token)];
        match method {
            MfaMethod::Push => {
                form.push(("challenge_types_supported", MFA_OOB));
                form.push(("channel_hint", "push"));
            }
            MfaMethod::Otp => form.push(("challenge_types_supported", MFA_OTP)),
        }
        self.post(self.challenge_url(), form)
    }

    /// Step 3 for a push, sent until approved: form `client_id`, `scope`,
    /// `grant_type` [`MFA_OOB`], `oob_code`, `mfa_token`.
    pub fn oob_poll(&self, oob_code: &str, mfa_token: &str) -> Request {
        self.post(
            self.token_url(),
            vec![
                ("client_id", self.client_id),
                ("scope", DIRECT_SCOPE),
                ("grant_type", MFA_OOB),
                ("oob_code", oob_code),
                ("mfa_token", mfa_token),
            ],
        )
    }

    /// Step 3 for a one-time code: form `client_id`, `scope`, `grant_type` [`MFA_OTP`],
    /// `mfa_token`, `otp`.
    pub fn otp_grant(&self, mfa_token: &str, otp: &str) -> Request {
        self.post(
            self.token_url(),
            vec![
                ("client_id", self.client_id),
                ("scope", DIRECT_SCOPE),
                ("grant_type", MFA_OTP),
                ("mfa_token", mfa_token),
                ("otp", otp),
            ],
        )
    }
}

/// The `mfa_token` of an `mfa_required` reply (secret; `Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct MfaToken(pub String);

impl std::fmt::Debug for MfaToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaToken(<redacted>)")
    }
}

/// What the password grant gave.
#[derive(Debug)]
pub enum PasswordReply {
    /// Tokens straight away: the policy asks for no second factor.
    Tokens(OktaTokens),
    /// A second factor is needed; go on with this token.
    MfaRequired(MfaToken),
}

/// The OAuth `error` and a cleaned `error_description` of an error reply, when it has one.
fn oauth_error(resp: &Response) -> Option<(String, String)> {
    let v = json_body(resp)?;
    let error = str_field(&v, "error");
    if error.is_empty() {
        return None;
    }
    let desc = sanitize::line(&str_field(&v, "error_description")).into_owned();
    Some((error, desc))
}

/// `<what>: <error>: <description>` or `<what>: <error>`.
fn describe(error: &str, desc: &str) -> String {
    let error = sanitize::line(error);
    if desc.is_empty() {
        error.into_owned()
    } else {
        format!("{error}: {desc}")
    }
}

/// The tokens of a 200 reply, checked: a JSON object with an access token that is one
/// printable word (it becomes STS's `WebIdentityToken`).
fn tokens_of(step: &str, resp: &Response) -> Result<OktaTokens> {
    let Some(v) = json_body(resp).filter(Value::is_object) else {
        return Err(Error::runtime(format!(
            "{step}: Okta's reply is not JSON: \"{}\"",
            crate::okta::oauth::body_excerpt(&resp.body)
        )));
    };
    let tokens = tokens_from_json(&v);
    if tokens.access_token.is_empty() {
        return Err(Error::runtime(format!(
            "{step}: Okta's reply has no access_token"
        )));
    }
    if !tokens.access_token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::runtime(format!(
            "{step}: Okta's access_token contains white space or characters that are not printable ASCII"
        )));
    }
    Ok(tokens)
}

/// Read the password grant's reply.
///
/// * 200 -> [`PasswordReply::Tokens`] (checked as the other token replies).
/// * `mfa_required` (Okta answers 403) with a non-empty `mfa_token` ->
///   [`PasswordReply::MfaRequired`]; without one, an [`Error::Runtime`].
/// * `invalid_grant` -> [`Error::Okta`] saying the username or password was rejected
///   (unless Okta's description speaks of a rate limit, which is passed on as is).
/// * anything else -> [`error_from_response`] (`unauthorized_client`, `invalid_client`, ...).
///
/// The message never holds the password: only Okta's `error` and `error_description`,
/// and Okta does not echo the password.
pub fn parse_password_reply(resp: &Response) -> Result<PasswordReply> {
    if resp.status == 200 {
        return tokens_of(PASSWORD_STEP, resp).map(PasswordReply::Tokens);
    }
    if let Some(v) = json_body(resp)
        && str_field(&v, "error") == MFA_REQUIRED
    {
        let token = str_field(&v, "mfa_token");
        if token.trim().is_empty() {
            return Err(Error::runtime(format!(
                "{PASSWORD_STEP}: Okta asked for a second factor (mfa_required) but sent no mfa_token"
            )));
        }
        return Ok(PasswordReply::MfaRequired(MfaToken(token)));
    }
    match oauth_error(resp) {
        Some((error, desc))
            if error == "invalid_grant" && !desc.to_ascii_lowercase().contains("rate limit") =>
        {
            Err(Error::Okta {
                message: format!(
                    "{PASSWORD_STEP}: Okta rejected the username or password ({})",
                    describe(&error, &desc)
                ),
                code: Some(error),
            })
        }
        _ => Err(error_from_response(PASSWORD_STEP, resp)),
    }
}

/// How Okta binds the push to this sign-in (`binding_method` of the challenge reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// `none` (or absent): the person only approves.
    None,
    /// `transfer`: a number challenge; the person picks this number in Okta Verify.
    Transfer(String),
    /// `prompt` or anything else: the person would type a code here, which `direct` does
    /// not support.
    Unsupported(String),
}

/// The challenge reply (Okta's `ChallengeResponse`).
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `challenge_type`: [`MFA_OOB`] or [`MFA_OTP`] (empty when absent).
    pub challenge_type: String,
    /// `oob_code` (secret): names the push in the polls; empty for a one-time code.
    pub oob_code: String,
    /// `channel`, e.g. `push` (empty when absent).
    pub channel: String,
    /// `binding_method` with `binding_code`.
    pub binding: Binding,
    /// `expires_in`: seconds until the `oob_code` expires, when given.
    pub expires_in: Option<u64>,
    /// `interval`: the least seconds between polls, when given.
    pub interval: Option<u64>,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("challenge_type", &self.challenge_type)
            .field("oob_code", &"<redacted>")
            .field("channel", &self.channel)
            .field("binding", &self.binding)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

/// A string or number field as text (`binding_code` is a string in Okta's schema and a
/// number in its example); empty when absent or another type.
fn text_or_number(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Read the challenge reply for `method`.
///
/// A push needs a non-empty `oob_code`; `binding_method` `transfer` needs a
/// `binding_code` of 1 to 8 ASCII digits (the number shown to the person). A one-time code
/// needs nothing from the reply.
///
/// Errors: a non-2xx reply -> [`error_from_response`]; a push reply without `oob_code`, a
/// number challenge without a usable number, or a binding this tool cannot serve
/// (`prompt`: a code to type here) -> [`Error::Runtime`].
pub fn parse_challenge_reply(resp: &Response, method: MfaMethod) -> Result<Challenge> {
    if !(200..300).contains(&resp.status) {
        return Err(error_from_response(CHALLENGE_STEP, resp));
    }
    let Some(v) = json_body(resp).filter(Value::is_object) else {
        return Err(Error::runtime(format!(
            "{CHALLENGE_STEP}: Okta's reply is not JSON: \"{}\"",
            crate::okta::oauth::body_excerpt(&resp.body)
        )));
    };
    let method_name = str_field(&v, "binding_method");
    let binding = match method_name.as_str() {
        "" | "none" => Binding::None,
        "transfer" => Binding::Transfer(text_or_number(&v, "binding_code")),
        other => Binding::Unsupported(sanitize::line(other).into_owned()),
    };
    let challenge = Challenge {
        challenge_type: str_field(&v, "challenge_type"),
        oob_code: str_field(&v, "oob_code"),
        channel: str_field(&v, "channel"),
        binding,
        expires_in: u64_field(&v, "expires_in"),
        interval: u64_field(&v, "interval"),
    };
    if method == MfaMethod::Otp {
        return Ok(challenge);
    }
    if challenge.oob_code.trim().is_empty() {
        return Err(Error::runtime(format!(
            "{CHALLENGE_STEP}: Okta's reply has no oob_code (is Okta Verify enrolled for this user?)"
        )));
    }
    match &challenge.binding {
        Binding::Transfer(code)
            if code.is_empty() || code.len() > 8 || !code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Err(Error::runtime(format!(
                "{CHALLENGE_STEP}: Okta asked for a number challenge but sent no usable number"
            )))
        }
        Binding::Unsupported(name) => Err(Error::runtime(format!(
            "{CHALLENGE_STEP}: Okta asked for binding method \"{name}\" (a code typed here), which direct does not support; try --mfa-method otp"
        ))),
        _ => Ok(challenge),
    }
}

/// The text that tells the person what to do after a push challenge, one line:
/// approve the push, or with a number challenge which number to choose; `expires_in`
/// seconds is how long the push stays valid.
pub fn push_notice(binding: &Binding, expires_in: u64) -> String {
    match binding {
        Binding::Transfer(code) => format!(
            "Okta Verify: open the push notification on your device and choose the number {code} (it expires in {expires_in} s)."
        ),
        _ => format!(
            "Okta Verify: approve the push notification sent to your device (it expires in {expires_in} s)."
        ),
    }
}

/// The polling state machine of a push (the `mfa-oob` grant), like the device flow's
/// (RFC 8628 §3.5 semantics, which Okta uses for `authorization_pending` and `slow_down`).
///
/// Times are whole seconds on one clock (Unix epoch seconds, since `X-Rate-Limit-Reset` is
/// epoch seconds). The first poll comes [`PollClock::first_wait`] seconds after the
/// challenge; each reply goes to [`OobPoller::next`]. The loop is bounded by the
/// `oob_code`'s `expires_in` and by [`crate::okta::poll::MAX_NETWORK_RETRIES`].
#[derive(Debug, Clone)]
pub struct OobPoller {
    clock: PollClock,
}

impl OobPoller {
    /// `interval` and `expires_in` from the challenge reply; `start` is when it arrived.
    /// Absent or 0: [`crate::okta::poll::DEFAULT_INTERVAL`], [`DEFAULT_EXPIRES_IN`]; else at most
    /// [`MAX_INTERVAL`], [`MAX_EXPIRES_IN`].
    pub fn new(interval: Option<u64>, expires_in: Option<u64>, start: u64) -> OobPoller {
        OobPoller {
            clock: PollClock::new(interval, lifetime(expires_in), start),
        }
    }

    /// The interval (grows by 5 s on each `slow_down`, up to [`MAX_INTERVAL`]), the push's
    /// deadline and the first wait.
    pub fn clock(&self) -> &PollClock {
        &self.clock
    }

    /// Decide after one poll observed at `now`.
    ///
    /// * 200 -> [`Decision::Done`] with the checked tokens.
    /// * `authorization_pending` -> wait the interval; `slow_down` -> interval += 5 s.
    /// * 429 -> wait until Okta's rate limit resets (at least the interval).
    /// * `access_denied` -> denied in Okta Verify; `expired_token` -> the push expired;
    ///   `invalid_grant` -> Okta ended the sign-in (the `mfa_token` expired or was used).
    ///   Each an [`Error::Okta`] with that code.
    /// * `now` at or past the deadline -> the push was not approved in time.
    /// * a network error -> retried at the interval, at most [`crate::okta::poll::MAX_NETWORK_RETRIES`] in a row.
    /// * anything else -> [`error_from_response`].
    pub fn next(&mut self, reply: PollReply<'_>, now: u64) -> Decision {
        let resp = match self.clock.screen(reply, now) {
            Ok(resp) => resp,
            Err(step) => return self.decide(step),
        };
        if resp.status == 200 {
            return match tokens_of(POLL_STEP, resp) {
                Ok(tokens) => Decision::Done(tokens),
                Err(e) => Decision::Fail(e),
            };
        }
        let Some((error, desc)) = oauth_error(resp) else {
            return Decision::Fail(error_from_response(POLL_STEP, resp));
        };
        let fail = |text: &str| {
            Decision::Fail(Error::Okta {
                message: format!("{POLL_STEP}: {text} ({})", describe(&error, &desc)),
                code: Some(error.clone()),
            })
        };
        match error.as_str() {
            "authorization_pending" => self.decide(self.clock.wait(self.clock.interval(), now)),
            "slow_down" => {
                self.clock.slow_down(MAX_INTERVAL);
                self.decide(self.clock.wait(self.clock.interval(), now))
            }
            "access_denied" => fail("the push was denied in Okta Verify"),
            "expired_token" => {
                fail("the push expired before it was approved; run the command again")
            }
            "invalid_grant" => fail("Okta ended the sign-in; run the command again"),
            _ => Decision::Fail(error_from_response(POLL_STEP, resp)),
        }
    }

    /// The decision for a step that [`PollClock`] settled without reading a body.
    fn decide(&self, step: Step<'_>) -> Decision {
        match step {
            Step::Wait(secs) => Decision::Wait(secs),
            Step::Expired => Decision::Fail(Error::runtime(format!(
                "{POLL_STEP}: the push was not approved within {} s; run the command again",
                self.clock.lifetime()
            ))),
            Step::GaveUp(e, attempts) => Decision::Fail(Error::runtime(format!(
                "{POLL_STEP}: {e} (gave up after {attempts} attempts)"
            ))),
        }
    }
}

/// The lifetime in seconds that an `expires_in` of the challenge reply stands for.
pub fn lifetime(expires_in: Option<u64>) -> u64 {
    match expires_in {
        None | Some(0) => DEFAULT_EXPIRES_IN,
        Some(e) => e.min(MAX_EXPIRES_IN),
    }
}

/// Read the reply to [`DirectOkta::otp_grant`]: 200 -> the checked tokens;
/// `invalid_grant` -> [`Error::Okta`] saying the one-time code was rejected; anything else
/// -> [`error_from_response`].
pub fn parse_otp_reply(resp: &Response) -> Result<OktaTokens> {
    if resp.status == 200 {
        return tokens_of(OTP_STEP, resp);
    }
    match oauth_error(resp) {
        Some((error, desc)) if error == "invalid_grant" => Err(Error::Okta {
            message: format!(
                "{OTP_STEP}: Okta rejected the one-time code ({})",
                describe(&error, &desc)
            ),
            code: Some(error),
        }),
        _ => Err(error_from_response(OTP_STEP, resp)),
    }
}

/// A one-time code as typed or set: surrounding white space and inner spaces removed
/// (`123 456` is how apps show it). `None` when nothing is left, or when it holds anything
/// but ASCII letters and digits.
pub fn clean_otp(text: &str) -> Option<String> {
    let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (!code.is_empty() && code.len() <= 32 && code.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(code)
}

/// The client id under which `direct`'s access token is kept in the access-token cache
/// (`okta::token_cache` keys its files by org and client id): the OIDC client id with the
/// authorization server and the username, so a token is reused only for the same user
/// and server, and never by `web`. No secret is part of it.
pub fn token_cache_client(client_id: &str, authz_id: &str, username: &str) -> String {
    format!("{client_id} direct authz={authz_id} user={username}")
}

/// `err` with every occurrence of `secret` (at least 4 bytes long) replaced by
/// `<redacted>`: a last guard so that no error built from a server's words can show the
/// password or a one-time code.
pub fn without_secret(err: Error, secret: &str) -> Error {
    if secret.len() < 4 {
        return err;
    }
    let scrub = |m: String| {
        if m.contains(secret) {
            m.replace(secret, "<redacted>")
        } else {
            m
        }
    };
    match err {
        Error::Okta { code, message } => Error::Okta {
            code,
            message: scrub(message),
        },
        Error::Runtime(m) => Error::Runtime(scrub(m)),
        Error::Config(m) => Error::Config(scrub(m)),
        Error::Usage(m) => Error::Usage(scrub(m)),
        Error::Aws { code, message } => Error::Aws {
            code,
            message: scrub(message),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests;
