//! I/O: `web --authorization-code`, the authorization code grant with PKCE and a loopback
//! redirect (RFC 6749 §4.1, RFC 7636, RFC 8252 §7.3; README "Sign in with the authorization
//! code flow"): listen on 127.0.0.1, open the authorize page in the browser and wait
//! (bounded) for the redirect. `web.rs` then trades the code for Okta's tokens through the
//! run's agent, whose `--debug-api-calls` dump redacts the code and the verifier. The
//! requests, the callback's reading and the pages are built by the pure
//! [`crate::okta::authorization_code`].
//!
//! Secrets (the code, the verifier) are never written to stderr.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::loopback::LoopbackListener;
use crate::okta::authorization_code::{
    AuthorizationCode, Callback, NO_CALLBACK, Pkce, callback_page, read_callback, redirect_uri,
    state_from_random,
};
use crate::okta::web_request::OktaWeb;
use crate::term::prompt;

use super::instructions::Instructions;
use crate::term::stderr::{say, warn};

/// What the browser's sign-in gave: the code, and what the token request must repeat.
#[derive(Debug)]
pub(super) struct Grant {
    /// The authorization code (secret).
    pub(super) code: AuthorizationCode,
    /// The redirect URI the code was issued for.
    pub(super) redirect_uri: String,
    /// The PKCE pair whose verifier proves this run asked for the code (secret).
    pub(super) pkce: Pkce,
}

/// Run the browser part of the authorization code flow: bind the loopback port, open the
/// authorize page, wait for the redirect. `quiet`: no waiting indicator
/// (`process-credentials`).
///
/// Errors: [`Error::Runtime`] when no redirect port can be bound or the OS random generator
/// fails; [`Error::Okta`] with [`NO_CALLBACK`] when nothing reached the redirect URI before
/// `--authorization-code-timeout`; the errors of [`read_callback`] (wrong or missing `state`,
/// an `error=` from Okta).
pub(super) fn authorize(okta: &OktaWeb<'_>, cfg: &Config, quiet: bool) -> Result<Grant> {
    let (listener, refused) = LoopbackListener::bind_first(&cfg.redirect_ports)?;
    if !refused.is_empty() {
        let skipped = refused
            .iter()
            .map(|(p, why)| format!("{p} ({why})"))
            .collect::<Vec<_>>()
            .join(", ");
        say(&format!(
            "redirect port {skipped} not usable; listening on port {}\n",
            listener.port()
        ));
    }
    if cfg.qr_code {
        warn(
            "--qr-code does not apply to --authorization-code: the browser must run on this computer",
        );
    }
    let redirect = redirect_uri(listener.port());
    let pkce = Pkce::from_random(&random()?);
    let state = state_from_random(&random()?);
    let url = okta.authorize_url(&redirect, &state, &pkce.challenge);
    let url = crate::http::url::browser_url(&url, &cfg.org.base).map_err(|problem| {
        Error::runtime(format!(
            "the sign-in URL {problem}: \"{}\"",
            crate::term::sanitize::line(&url)
        ))
    })?;
    let shown = Instructions::plan(cfg);
    shown.show(&prompt::sign_in_banner(&url, shown.opens));
    shown.open(cfg, &url);
    let code = wait_for_code(&listener, &state, &redirect, cfg, quiet)?;
    Ok(Grant {
        code,
        redirect_uri: redirect,
        pkce,
    })
}

/// Answer requests on the listener until the redirect arrives or the wait ends. Every
/// request gets a page; other paths (`/favicon.ico`) get 404 and the wait goes on.
fn wait_for_code(
    listener: &LoopbackListener,
    state: &str,
    redirect: &str,
    cfg: &Config,
    quiet: bool,
) -> Result<AuthorizationCode> {
    let timeout = cfg.authorization_code_timeout_secs;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let mut indicator = prompt::WaitIndicator::new(prompt::stderr_is_tty() && !quiet);
    loop {
        let Some(req) = listener.next_request(deadline, &mut || indicator.draw())? else {
            indicator.finish();
            return Err(Error::Okta {
                code: Some(NO_CALLBACK.to_string()),
                message: format!(
                    "no sign-in reply reached {redirect} within {}; run the command again",
                    duration_words(timeout)
                ),
            });
        };
        let callback = read_callback(&req.method, &req.target, state);
        let (status, page) = callback_page(&callback);
        req.respond(status, &page);
        match callback {
            Callback::Other => {}
            Callback::Code(code) => {
                indicator.finish();
                return Ok(code);
            }
            Callback::Failed(e) => {
                indicator.finish();
                return Err(e);
            }
        }
    }
}

/// `5 minutes`, `1 minute`, `90 seconds`.
fn duration_words(secs: u64) -> String {
    match secs {
        60 => "1 minute".to_string(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        1 => "1 second".to_string(),
        s => format!("{s} seconds"),
    }
}

/// `N` bytes from the operating system's random generator.
fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::runtime(format!("the operating system's random generator: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(300), "5 minutes");
        assert_eq!(duration_words(60), "1 minute");
        assert_eq!(duration_words(90), "90 seconds");
        assert_eq!(duration_words(1), "1 second");
    }
}
