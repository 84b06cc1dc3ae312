//! I/O: the `direct` command (README "direct"): Okta direct authentication ->
//! access token (optionally cached) -> STS `AssumeRoleWithWebIdentity`.
//!
//! 1. The password: `--password` / `OKTA_AWSCLI_PASSWORD` / `.env` / okta.yaml, else asked
//!    on the terminal without echo; with no terminal the run stops at once (exit 2).
//! 2. Password grant at `<org>/oauth2/<authz-id>/v1/token`: tokens straight away, or
//!    `mfa_required` with an `mfa_token`.
//! 3. Challenge at `.../v1/challenge`; then for a push, polls of the `mfa-oob` grant until
//!    Okta Verify approves (bounded by the challenge's `expires_in`); for a one-time code,
//!    one `mfa-otp` grant with the code from `OKTA_AWSCLI_OTP` or the terminal.
//! 4. STS `AssumeRoleWithWebIdentity` with the access token, as `m2m` does.
//!
//! Requests are built and replies read by [`crate::okta::direct`]; this module sends them,
//! sleeps between polls and talks to the person. What the person must act on (approve the
//! push, choose a number) goes through [`crate::term::notice`], so it reaches the terminal
//! also when the AWS CLI captures stderr. No secret (password, one-time code,
//! `mfa_token`, `oob_code`, token, credential) reaches stderr or an error.

use crate::aws::sts::Credentials;
use crate::config::{Config, MfaMethod};
use crate::error::{Error, Result};
use crate::http::{Http, Request, Response, Service};
use crate::okta::device_auth::{Decision, OktaTokens, PollReply};
use crate::okta::direct::{
    self, Challenge, DirectOkta, MfaToken, OobPoller, PasswordReply, lifetime,
};
use crate::term::stderr::say;
use crate::term::{notice, sanitize};

/// Environment variable holding the password (also a layered setting).
pub const PASSWORD_ENV: &str = "OKTA_AWSCLI_PASSWORD";

/// Environment variable holding the one-time code of `--mfa-method otp`.
pub const OTP_ENV: &str = crate::config::OTP_VAR;

/// Session duration in seconds when the user set none: the same as `m2m`'s, whose STS call
/// `direct` makes.
pub const DEFAULT_DURATION_SECS: u32 = crate::commands::m2m::DEFAULT_DURATION_SECS;

/// Hard cap on push polls, on top of the push's deadline (never loop unbounded).
const MAX_POLLS: u32 = 1000;

/// Run the direct flow and return the STS credentials.
///
/// With `--cache-access-token` an access token of the same org, OIDC app, authorization
/// server and user is reused while valid (then no password is needed); a new one is stored.
///
/// Errors: [`Error::Usage`] when a password (or a one-time code) is needed and neither is
/// set nor can be asked for (no terminal); [`Error::Okta`] when Okta refuses a step
/// (`invalid_grant` for a wrong password or code, `access_denied` for a denied push,
/// `unauthorized_client` for a grant the app lacks); [`Error::Runtime`] for network
/// failures, a push not approved in time and odd replies; STS errors as for `m2m`.
pub fn run(cfg: &Config, http: &Http) -> Result<Credentials> {
    let role_arn = cfg
        .aws_iam_role
        .as_deref()
        .ok_or_else(|| Error::config("missing flags:\n  --aws-iam-role"))?;
    let username = cfg
        .username
        .as_deref()
        .ok_or_else(|| Error::config("missing flags:\n  --username"))?;
    let okta = DirectOkta {
        org_base: &cfg.org.base,
        authz_id: &cfg.authz_id,
        client_id: &cfg.oidc_client_id,
        user_agent: http.user_agent(),
    };
    let tokens = access_token(&okta, cfg, http, username)?;
    crate::commands::m2m::web_identity(cfg, http, role_arn, &tokens.access_token)
}

/// The access token: from the access-token cache when `--cache-access-token` is on and it
/// holds a valid one for this org, app, authorization server and user
/// ([`direct::token_cache_client`]), else from a sign-in, stored for the next run
/// ([`crate::commands::cache::okta_tokens`]: parallel runs ask for one push, and when that
/// sign-in fails the runs that waited fail with the same reason).
fn access_token(
    okta: &DirectOkta<'_>,
    cfg: &Config,
    http: &Http,
    username: &str,
) -> Result<OktaTokens> {
    let client = direct::token_cache_client(&cfg.oidc_client_id, &cfg.authz_id, username);
    let (tokens, from_cache) = crate::commands::cache::okta_tokens(cfg, &client, None, |_| {
        sign_in(okta, cfg, http, username)
    })?;
    if from_cache && cfg.debug {
        say("Using the cached Okta access token\n");
    }
    Ok(tokens)
}

/// One sign-in: the checks that need no network first (a password and, for
/// `--mfa-method otp`, a code must be at hand or askable), then the password grant and
/// the second factor. Every error is scrubbed of the password and the code.
fn sign_in(okta: &DirectOkta<'_>, cfg: &Config, http: &Http, username: &str) -> Result<OktaTokens> {
    let otp_env = cfg.otp.clone();
    if cfg.mfa_method == MfaMethod::Otp && otp_env.is_none() && !can_ask() {
        return Err(Error::usage(format!(
            "--mfa-method otp needs a one-time code and there is no terminal to ask for it on: set {OTP_ENV}"
        )));
    }
    let password = password(cfg, username)?;
    let result = second_factor(okta, cfg, http, username, &password, otp_env);
    result.map_err(|e| direct::without_secret(e, &password))
}

/// The password: the setting, else asked on the terminal without echo.
///
/// Errors: [`Error::Usage`] naming [`PASSWORD_ENV`] when it is not set and there is no
/// terminal to ask on (a service, `setsid`, a CI job), or when nothing was typed.
fn password(cfg: &Config, username: &str) -> Result<String> {
    if let Some(p) = cfg.password.as_ref().filter(|p| !p.is_empty()) {
        return Ok(p.clone());
    }
    if !can_ask() {
        return Err(Error::usage(format!(
            "no password for {}, and no terminal to ask for it on: set {PASSWORD_ENV} (or --password)",
            sanitize::line(username)
        )));
    }
    let typed = ask_secret(&format!("Okta password for {}: ", sanitize::line(username)))?;
    if typed.is_empty() {
        return Err(Error::usage("no password was entered"));
    }
    Ok(typed)
}

/// The password grant, and the second factor when Okta asks for one.
fn second_factor(
    okta: &DirectOkta<'_>,
    cfg: &Config,
    http: &Http,
    username: &str,
    password: &str,
    otp_env: Option<String>,
) -> Result<OktaTokens> {
    // Repeatable: a rate limit or a gateway error is waited out; the password grant
    // itself sends no push.
    let resp = post(http, &okta.password_grant(username, password), true)?;
    let mfa = match direct::parse_password_reply(&resp)? {
        PasswordReply::Tokens(tokens) => {
            if cfg.debug {
                say("Okta asked for no second factor\n");
            }
            return Ok(tokens);
        }
        PasswordReply::MfaRequired(mfa) => mfa,
    };
    // Sent once: a repeated challenge would send a second push.
    let resp = post(http, &okta.challenge(&mfa.0, cfg.mfa_method), false)?;
    let challenge = direct::parse_challenge_reply(&resp, cfg.mfa_method)?;
    match cfg.mfa_method {
        MfaMethod::Push => push(okta, http, &mfa, &challenge),
        MfaMethod::Otp => {
            let code = match otp_env {
                Some(code) => code,
                None => ask_secret(&format!("One-time code for {}: ", sanitize::line(username)))?,
            };
            let Some(code) = direct::clean_otp(&code) else {
                return Err(Error::usage(format!(
                    "the one-time code must be letters and digits only (from {})",
                    if cfg.otp.is_some() {
                        OTP_ENV
                    } else {
                        "the terminal"
                    }
                )));
            };
            let resp = post(http, &okta.otp_grant(&mfa.0, &code), false)?;
            direct::parse_otp_reply(&resp).map_err(|e| direct::without_secret(e, &code))
        }
    }
}

/// Tell the person to approve the push (and which number to choose), then poll until Okta
/// Verify answers or the push expires.
fn push(
    okta: &DirectOkta<'_>,
    http: &Http,
    mfa: &MfaToken,
    challenge: &Challenge,
) -> Result<OktaTokens> {
    let start = crate::clock::unix_now();
    let mut poller = OobPoller::new(challenge.interval, challenge.expires_in, start);
    let text = direct::push_notice(&challenge.binding, lifetime(challenge.expires_in));
    notice::notice(&sanitize::lines(&text));
    let poll = okta.oob_poll(&challenge.oob_code, &mfa.0);
    let mut wait = poller.clock().first_wait();
    for _ in 0..MAX_POLLS {
        // Ctrl-C ends the run here as anywhere else (the default SIGINT action).
        std::thread::sleep(std::time::Duration::from_secs(wait));
        let sent = post(http, &poll, false);
        let now = crate::clock::unix_now();
        let decision = match &sent {
            Ok(resp) => poller.next(PollReply::Response(resp), now),
            Err(e) => poller.next(PollReply::NetworkError(&e.to_string()), now),
        };
        match decision {
            Decision::Wait(secs) => wait = secs,
            Decision::Done(tokens) => return Ok(tokens),
            Decision::Fail(e) => return Err(e),
        }
    }
    Err(Error::runtime(
        "direct authentication: gave up after too many polls; run the command again",
    ))
}

/// Send a form POST to Okta; `repeatable` lets the agent retry it on a rate limit or a
/// gateway error ([`crate::http::retry`]).
fn post(http: &Http, request: &Request, repeatable: bool) -> Result<Response> {
    if repeatable {
        http.send_repeatable(Service::Okta, request)
    } else {
        http.send(Service::Okta, request)
    }
}

/// Whether a secret can be asked for on the terminal: on Unix the controlling terminal
/// opens and this run is in its foreground process group (a background job would be
/// stopped by the prompt); on Windows the console opens.
fn can_ask() -> bool {
    if cfg!(unix) {
        crate::term::prompt::terminal_in_foreground()
    } else {
        notice::open_controlling_terminal().is_ok()
    }
}

/// Ask for a secret on the terminal without echo (the prompt is written to the terminal,
/// not to stderr).
fn ask_secret(prompt: &str) -> Result<String> {
    rpassword::prompt_password(prompt)
        .map(|s| s.trim_end_matches(['\r', '\n']).to_string())
        .map_err(|e| Error::runtime(format!("cannot read from the terminal: {e}")))
}
