//! I/O: the `m2m` flow (docs/architecture.md#data-flow-of-an-m2m-run).
//!
//! Private key -> RS256/ES256 client assertion (RFC 7523) -> client-credentials grant at
//! `<org>/oauth2/<authz-id>/v1/token` -> STS `AssumeRoleWithWebIdentity` with the access
//! token. Two HTTP requests in all when nothing fails; a rate-limited or failing token
//! request is retried with a newly signed assertion ([`crate::http::retry`]).

use std::io::IsTerminal;

use crate::aws::client as aws;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::{Http, Request, Service};
use crate::okta::client_assertion::{self, AssertionInput};
use crate::okta::oauth as okta;
use crate::okta::private_key::{self, KeyError, PrivateKey};

/// Default session duration in seconds when the user set none.
pub const DEFAULT_DURATION_SECS: u32 = 3600;

/// Run the m2m flow and return the STS credentials.
///
/// Errors: [`Error::Config`] for a missing or unusable key (named, never shown);
/// [`Error::Okta`] when Okta refuses the token request; [`Error::Runtime`] for network
/// failures and STS errors (`sts: <Code>: <Message>`).
pub fn run(cfg: &Config, http: &Http) -> Result<crate::aws::sts::Credentials> {
    let role_arn = cfg
        .aws_iam_role
        .as_deref()
        .ok_or_else(|| Error::config("missing flags:\n  --aws-iam-role"))?;
    let key = load_key(cfg)?;

    let audience = okta::token_endpoint(&cfg.org.base, &cfg.authz_id);
    // Each attempt signs a NEW client assertion (fresh `jti`, `iat`, `exp`): Okta rejects a
    // replayed one, so a retried token request must not resend the first.
    let mut now = crate::clock::unix_now();
    let mut build = || -> Result<Request> {
        now = crate::clock::unix_now();
        let jti = new_jti()?;
        let assertion = client_assertion::client_assertion(
            &key,
            &AssertionInput {
                key_id: cfg.key_id.as_deref().unwrap_or_default(),
                client_id: &cfg.oidc_client_id,
                audience: &audience,
                now,
                jti: &jti,
            },
            &ring::rand::SystemRandom::new(),
        )?;
        Ok(okta::m2m_token_request(
            &cfg.org.base,
            &cfg.authz_id,
            &assertion,
            &cfg.custom_scope,
            http.user_agent(),
        ))
    };
    let reply = http.send_repeatable_with(Service::Okta, &mut build)?;
    let token = okta::m2m_token_reply(&reply, i64::try_from(now).unwrap_or(i64::MAX))?;

    web_identity(cfg, http, role_arn, &token.access_token)
}

/// STS `AssumeRoleWithWebIdentity` with an Okta `access_token`, as `m2m` and `direct` do:
/// the run's STS endpoint and region, `--aws-sts-role-session-name`, and the session
/// duration (default [`DEFAULT_DURATION_SECS`]). Errors as for
/// [`aws::assume_role_with_web_identity`].
pub fn web_identity(
    cfg: &Config,
    http: &Http,
    role_arn: &str,
    access_token: &str,
) -> Result<crate::aws::sts::Credentials> {
    aws::assume_role_with_web_identity(
        http,
        &cfg.endpoint_urls,
        cfg.sts_region.as_deref(),
        role_arn,
        &cfg.sts_role_session_name,
        access_token,
        cfg.session_duration.unwrap_or(DEFAULT_DURATION_SECS),
    )
}

/// A fresh client-assertion `jti`: a random UUID v4 (RFC 9562) from the operating
/// system's random source ([`client_assertion::uuid_v4_from_bytes`]). Call it for every token request
/// (Okta treats an assertion with a `jti` as single-use).
///
/// Errors: [`Error::Runtime`] if the OS random source fails.
pub fn new_jti() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::runtime(format!("reading OS randomness for the JWT id: {e}")))?;
    Ok(client_assertion::uuid_v4_from_bytes(bytes))
}

/// Read the private key from `--private-key` (text) or `--private-key-file`, asking for a
/// passphrase when the key is encrypted: [`Config::private_key_passphrase`]
/// (`OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE`) first, then a prompt when stdin
/// is a terminal. A key file readable by others draws a warning on stderr.
///
/// Errors name the input: `private key file <path>: <reason>` or
/// `private key (--private-key / OKTA_AWSCLI_PRIVATE_KEY): <reason>`; the key itself is
/// never shown.
fn load_key(cfg: &Config) -> Result<PrivateKey> {
    let (text, source) = match (&cfg.private_key, &cfg.private_key_file) {
        (Some(text), _) => (
            text.clone(),
            "private key (--private-key / OKTA_AWSCLI_PRIVATE_KEY)".to_string(),
        ),
        (None, Some(path)) => {
            warn_loose_mode(path);
            let text = crate::fs::bounded::read_bounded(path, crate::fs::bounded::SMALL_FILE_CAP)
                .and_then(|t| {
                    t.ok_or_else(|| {
                        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
                    })
                })
                .map_err(|e| {
                    Error::config(format!(
                        "cannot read private key file {}: {e}",
                        path.display()
                    ))
                })?;
            (text, format!("private key file {}", path.display()))
        }
        (None, None) => {
            return Err(Error::config(
                "missing flags:\n  --(private-key or private-key-file)",
            ));
        }
    };
    let named = |e: KeyError| -> Error {
        let inner: Error = e.into();
        match inner {
            Error::Config(m) => Error::Config(format!("{source}: {m}")),
            Error::Runtime(m) => Error::Runtime(format!("{source}: {m}")),
            other => other,
        }
    };
    let passphrase = if private_key::is_encrypted(&text) {
        match &cfg.private_key_passphrase {
            Some(p) => Some(p.clone()),
            // In a background process group the prompt would stop the process (SIGTTOU).
            None if std::io::stdin().is_terminal()
                && crate::term::prompt::terminal_in_foreground() =>
            {
                Some(
                    rpassword::prompt_password("Passphrase for the m2m private key: ")
                        .map_err(|e| Error::runtime(format!("cannot read passphrase: {e}")))?,
                )
            }
            None => return Err(named(KeyError::PassphraseRequired)),
        }
    } else {
        None
    };
    private_key::load_private_key(&text, passphrase.as_deref()).map_err(named)
}

#[cfg(unix)]
fn warn_loose_mode(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    // Only a regular file: a directory or device gets its own read error instead.
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
        && let Some(w) = private_key::key_file_mode_warning(
            &path.display().to_string(),
            meta.permissions().mode(),
        )
    {
        crate::term::stderr::say(&format!("{w}\n"));
    }
}

#[cfg(not(unix))]
fn warn_loose_mode(_path: &std::path::Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_jti_is_fresh_each_call() {
        let a = new_jti().expect("jti");
        let b = new_jti().expect("jti");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }
}
