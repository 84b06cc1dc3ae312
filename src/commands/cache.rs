//! I/O: the commands of the AWS credential cache (README "AWS credential cache";
//! docs/architecture.md, "Caches"): `--check` ([`check`]), `--clear-cache` ([`clear`]) and
//! the cached run ([`through`]), which wraps the same sign-in as an uncached run; and the
//! access-token cache around one Okta sign-in of `web` or `direct` ([`okta_tokens`]).

use crate::aws::sts::Credentials;
use crate::cache::access_token::{self, CachedToken};
use crate::cache::aws_credentials::{self as cache, Freshness, Lookup};
use crate::cache::single_flight::{self, Cache, LockFailure};
use crate::config::{Command, Config};
use crate::error::{Error, Result};
use crate::okta::device_auth::OktaTokens;
use crate::term::sanitize;
use crate::term::stderr::{say, warn};

/// The cache entry of these settings (no lock): `Some` when usable with at least
/// `--min-ttl` left. `warn_unusable`: print why an entry on disk is unusable.
fn cached(
    cfg: &Config,
    path: &std::path::Path,
    key: &str,
    warn_unusable: bool,
) -> Option<Credentials> {
    match cache::load(path, key) {
        Lookup::Found(entry, expires_at) => {
            match cache::freshness(expires_at, crate::clock::now(), cfg.min_ttl_secs) {
                Freshness::Fresh(left) => {
                    if cfg.debug {
                        say(&format!(
                            "Using cached AWS credentials for role {} ({} left)\n",
                            entry.role_label(),
                            cache::human_duration(left)
                        ));
                    }
                    Some(entry.credentials())
                }
                _ => None,
            }
        }
        Lookup::Unusable(why) => {
            if warn_unusable {
                warn(&format!("{why}; it will be replaced"));
            }
            None
        }
        Lookup::Missing => None,
    }
}

/// The credentials of a run with the AWS credential cache (issue 10), where `sign_in` is
/// the run's sign-in, the same one an uncached run makes. A fresh entry is returned with
/// no network request, no TLS set-up and no other file read. Otherwise the entry's lock is
/// taken (a busy lock is announced on stderr and waited on for at most
/// [`cache::WEB_LOCK_WAIT`] / [`cache::M2M_LOCK_WAIT`]), the entry read again (a parallel
/// run may have stored it meanwhile), and only then does this run call `sign_in`, store
/// the entry and release the lock. A lock or entry that cannot be used or written is a
/// warning: the credentials are still returned.
///
/// Single flight also on failure (issue 19): a failed sign-in is recorded beside the entry
/// before the lock is released ([`cache::store_failure`]), and a run that waited for the
/// lock fails with that reason instead of signing in itself ([`cache::load_failure`]).
///
/// Errors: a lock kept busy for the whole wait ([`Error::Runtime`] naming the lock file),
/// the recorded failure of the run waited for, or `sign_in`'s own error.
pub fn through(cfg: &Config, sign_in: impl FnOnce() -> Result<Credentials>) -> Result<Credentials> {
    let key = cache::key_text(cfg);
    let path = cache::entry_file(&cfg.home, &key);
    // Sessions not longer than --min-ttl are never fresh: say so once, up front when the
    // session length is known, else once the credentials are there.
    let planned_note =
        planned_session_secs(cfg).and_then(|secs| cache::never_fresh_note(secs, cfg.min_ttl_secs));
    if let Some(note) = &planned_note {
        warn_never_fresh(note);
    }
    if let Some(creds) = cached(cfg, &path, &key, true) {
        return Ok(creds);
    }
    let wait = match cfg.command {
        Command::M2m => cache::M2M_LOCK_WAIT,
        _ => cache::WEB_LOCK_WAIT,
    };
    let wait_started_ms = crate::clock::unix_now_ms();
    let mut waited = false;
    let lock = match single_flight::lock(&path, Cache::AwsCredentials, wait, |lock| {
        waited = true;
        say(&format!(
            "waiting for another okta-aws-cli run to get these AWS credentials (lock {}, at most {} s)\n",
            lock.display(),
            wait.as_secs()
        ))
    }) {
        Ok(lock) => Some(lock),
        Err(LockFailure::TimedOut(m)) => return Err(Error::Runtime(m)),
        Err(LockFailure::Unusable(m)) => {
            warn(&format!("{m}; continuing without the AWS credential cache"));
            None
        }
    };
    if lock.is_some()
        && let Some(creds) = cached(cfg, &path, &key, false)
    {
        return Ok(creds);
    }
    if lock.is_some()
        && waited
        && let Some(failed) = cache::load_failure(&path, &key, wait_started_ms)
    {
        return Err(failed.to_error());
    }
    let creds = match sign_in() {
        Ok(creds) => creds,
        Err(e) => {
            // Tell the runs waiting on the lock, before it is released.
            if lock.is_some()
                && let Err(m) = cache::store_failure(&path, &key, &e)
            {
                warn(&m);
            }
            return Err(e);
        }
    };
    if lock.is_some() {
        cache::remove_failure(&path);
        if let Err(m) = cache::store(&path, &cache::Entry::new(cfg, &creds)) {
            warn(&m);
        }
    }
    if planned_note.is_none()
        && let Some(note) = obtained_note(cfg, &creds, crate::clock::now())
    {
        warn_never_fresh(&note);
    }
    Ok(creds)
}

/// The "never fresh" note, said once per process: an `--ecs-server` run signs in again for
/// its requests, and the same note each time would only repeat itself.
fn warn_never_fresh(note: &str) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SAID.swap(true, std::sync::atomic::Ordering::SeqCst) {
        warn(note);
    }
}

/// The session length (seconds) these settings ask STS for, when it is known before the
/// sign-in: `--aws-session-duration`, else m2m's default; with `--chain-role`, at most the
/// one hour AWS grants a chained session. `None` for `web` without a duration (the SAML
/// assertion decides it).
fn planned_session_secs(cfg: &Config) -> Option<u64> {
    let asked = match (cfg.session_duration, cfg.command) {
        (Some(secs), _) => secs,
        (None, Command::M2m) => crate::commands::m2m::DEFAULT_DURATION_SECS,
        (None, _) => return None,
    };
    let secs = if cfg.chain_roles.is_empty() {
        asked
    } else {
        crate::aws::chain::chained_duration(asked).0
    };
    Some(u64::from(secs))
}

/// [`cache::never_fresh_note`] for credentials just obtained, at `now`: when they are not
/// fresh already, no later run can use them. Their time left, rounded up to whole seconds,
/// stands for the session length. `None` when they are fresh or their expiration cannot
/// be read.
fn obtained_note(cfg: &Config, creds: &Credentials, now: crate::clock::UnixMs) -> Option<String> {
    let expires = cache::expiration_moment(&creds.expiration)?;
    if cache::freshness(expires, now, cfg.min_ttl_secs).is_fresh() {
        return None;
    }
    let left_ms = u64::try_from(expires.0.saturating_sub(now.0)).unwrap_or(0);
    let left_secs = left_ms.div_ceil(1000);
    cache::never_fresh_note(left_secs, cfg.min_ttl_secs)
}

/// The Okta tokens of a `web` or `direct` run, and whether they came from the access-token
/// cache (README "Caching"; docs/decisions.md#d-token-cache). `client` names the cache
/// entry: the OIDC client id for `web`; for `direct` also the authorization server and
/// the user (`okta::direct::token_cache_client`). `sign_in` is the run's Okta sign-in; it
/// may set its `&mut String` to a device flow's user code, which the failure record keeps.
///
/// Without `--cache-access-token` this is `sign_in` alone. With it, the entry is locked
/// while it is read and, when it is absent or stale, while `sign_in` runs, so parallel runs
/// sign in once (case B29). A busy lock is announced on stderr and waited on for at most
/// [`access_token::LOCK_WAIT`], then the run fails naming the lock file. A lock that cannot
/// be taken at all (unwritable directory, ...) is a warning: the run goes on without the
/// cache. When the run that held the lock failed, a run that waited fails with the same
/// reason ([`access_token::load_failure`]) instead of signing in itself.
///
/// `rejected`: the access token Okta just refused (`web`'s retry after a stale token).
/// Under the lock the entry is read again: a different token (stored by a parallel run
/// meanwhile) is used; the rejected one is removed and `sign_in` runs.
///
/// Tokens without an ID token are returned but not stored (a cache entry needs one).
pub fn okta_tokens(
    cfg: &Config,
    client: &str,
    rejected: Option<&str>,
    sign_in: impl FnOnce(&mut String) -> Result<OktaTokens>,
) -> Result<(OktaTokens, bool)> {
    if !cfg.cache_access_token {
        return Ok((sign_in(&mut String::new())?, false));
    }
    let path = access_token::cache_path(&cfg.home, &cfg.org.host, client);
    let wait_started_ms = crate::clock::unix_now_ms();
    let mut waited = false;
    let _lock =
        match single_flight::lock(&path, Cache::AccessToken, access_token::LOCK_WAIT, |lock| {
            waited = true;
            say(&format!(
                "waiting for another okta-aws-cli run to finish signing in (lock {})\n",
                lock.display()
            ))
        }) {
            Ok(lock) => lock,
            Err(LockFailure::TimedOut(m)) => return Err(Error::Runtime(m)),
            Err(LockFailure::Unusable(m)) => {
                warn(&format!("{m}; continuing without the access token cache"));
                return Ok((sign_in(&mut String::new())?, false));
            }
        };
    let cached = access_token::read(&path, &cfg.org.host, client, crate::clock::now())
        .unwrap_or_else(|warning| {
            warn(&warning);
            None
        });
    match cached {
        Some(cached) if rejected != Some(cached.access_token.as_str()) => {
            let tokens = OktaTokens {
                access_token: cached.access_token,
                id_token: cached.id_token,
                token_type: cached.token_type,
                scope: cached.scope,
                ..OktaTokens::default()
            };
            return Ok((tokens, true));
        }
        Some(_) => {
            // The rejected token: remove it so a failed sign-in cannot leave it behind.
            if let Err(e) = access_token::remove(&path) {
                warn(&e.to_string());
            }
        }
        None => {}
    }
    if waited
        && let Some(failed) = access_token::load_failure(
            &path,
            &cfg.org.host,
            client,
            wait_started_ms,
            crate::clock::unix_now_ms(),
        )
    {
        // The run this one waited for failed: fail the same way, without a sign-in of our
        // own (single flight also on failure).
        return Err(failed.to_error());
    }
    let start = crate::clock::unix_now();
    let mut user_code = String::new();
    let tokens = match sign_in(&mut user_code) {
        Ok(t) => t,
        Err(e) => {
            // Tell the runs waiting on the lock, before it is released (on return).
            let key = access_token::failure_key(&cfg.org.host, client);
            if let Some(record) =
                access_token::FailureRecord::of(&key, &user_code, &e, crate::clock::unix_now_ms())
                && let Err(w) = access_token::store_failure(&path, &record)
            {
                warn(&w.to_string());
            }
            return Err(e);
        }
    };
    access_token::remove_failure(&path);
    if tokens.id_token.is_empty() {
        warn("Okta sent no id_token, so the access token is not cached");
        return Ok((tokens, false));
    }
    let entry = CachedToken {
        org: cfg.org.host.clone(),
        client_id: client.to_string(),
        access_token: tokens.access_token.clone(),
        id_token: tokens.id_token.clone(),
        token_type: if tokens.token_type.is_empty() {
            "Bearer".into()
        } else {
            tokens.token_type.clone()
        },
        scope: tokens.scope.clone(),
        expires_at: i64::try_from(start.saturating_add(tokens.expires_in.unwrap_or(3600)))
            .unwrap_or(i64::MAX),
    };
    if let Err(e) = access_token::store(&path, &entry) {
        warn(&e.to_string());
    }
    Ok((tokens, false))
}

/// `--check` (issue 10): look at the cache entry of these settings with no network, no
/// prompt and nothing on stdout. Fresh (at least `--min-ttl` left): the role and the time
/// left on stderr, `Ok`. Otherwise an [`Error::Runtime`] saying why (none cached, unusable,
/// expired, under min-ttl): exit 1.
pub fn check(cfg: &Config) -> Result<()> {
    let key = cache::key_text(cfg);
    let path = cache::entry_file(&cfg.home, &key);
    let (entry, expires_at) = match cache::load(&path, &key) {
        Lookup::Found(entry, expires_at) => (entry, expires_at),
        Lookup::Missing => {
            return Err(Error::runtime(
                "no AWS credentials are cached for these settings",
            ));
        }
        Lookup::Unusable(why) => return Err(Error::Runtime(why)),
    };
    let role = sanitize::lines(entry.role_label()).into_owned();
    match cache::freshness(expires_at, crate::clock::now(), cfg.min_ttl_secs) {
        Freshness::Fresh(left) => {
            say(&format!(
                "cached AWS credentials for role {role}: {} left (expire {})\n",
                cache::human_duration(left),
                entry.expiration
            ));
            Ok(())
        }
        Freshness::UnderMinTtl(left) => Err(Error::runtime(format!(
            "cached AWS credentials for role {role} have {} left, under the min-ttl of {}",
            cache::human_duration(left),
            cache::human_duration(cfg.min_ttl_secs)
        ))),
        Freshness::Expired(ago) => Err(Error::runtime(format!(
            "cached AWS credentials for role {role} expired {} ago",
            cache::human_duration(ago)
        ))),
    }
}

/// `--clear-cache` (issue 10): remove the cached AWS credentials and the cached Okta access
/// tokens of this org (every client id, role and setting), say how many on stderr, and
/// exit; nothing else is read or signed in.
///
/// Errors: [`Error::Config`] without a home directory (the caches live under it);
/// [`Error::Runtime`] when a cache directory cannot be listed or an entry removed.
pub fn clear(cfg: &Config) -> Result<()> {
    if cfg.home.as_os_str().is_empty() {
        return Err(Error::config(
            "cannot find the home directory (HOME is not set), where the caches are",
        ));
    }
    let okta_dir = cfg.home.join(".okta");
    let creds =
        cache::clear_org(&okta_dir.join(cache::DIR_NAME), &cfg.org.host).map_err(Error::Runtime)?;
    let token_file = access_token::cache_path(&cfg.home, "", "");
    let tokens = match token_file.parent() {
        Some(dir) => cache::clear_org(dir, &cfg.org.host).map_err(Error::Runtime)?,
        None => 0,
    };
    say(&format!(
        "Removed {creds} cached AWS credential entries and {tokens} cached access tokens of org {}.\n",
        cfg.org.host
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::UnixMs;

    fn cfg(command: Command, duration: Option<u32>, chain: bool) -> Config {
        Config {
            command,
            session_duration: duration,
            chain_roles: if chain {
                vec!["arn:aws:iam::123456789012:role/Next".into()]
            } else {
                Vec::new()
            },
            min_ttl_secs: 900,
            ..Config::default()
        }
    }

    #[test]
    fn the_session_length_is_known_before_the_sign_in_when_set_or_m2m() {
        assert_eq!(
            planned_session_secs(&cfg(Command::Web, Some(900), false)),
            Some(900)
        );
        assert_eq!(planned_session_secs(&cfg(Command::Web, None, false)), None);
        assert_eq!(
            planned_session_secs(&cfg(Command::M2m, None, false)),
            Some(3600)
        );
        // A chained session lasts one hour at most.
        assert_eq!(
            planned_session_secs(&cfg(Command::M2m, Some(7200), true)),
            Some(3600)
        );
        assert_eq!(planned_session_secs(&cfg(Command::Web, None, true)), None);
    }

    #[test]
    fn credentials_not_fresh_when_obtained_get_the_note_once() {
        let c = cfg(Command::Web, None, false);
        let creds = |expiration: &str| Credentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE01".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: expiration.into(),
        };
        // 2030-01-01T00:00:00Z, from 899.5 s before: rounded up to 900 s, not longer.
        let now = UnixMs(1_893_456_000_000 - 899_500);
        let note = obtained_note(&c, &creds("2030-01-01T00:00:00Z"), now).expect("a note");
        assert!(
            note.contains("last 900 s, not longer than --min-ttl 900 s"),
            "{note}"
        );
        let now = UnixMs(1_893_456_000_000 - 900_000);
        assert_eq!(obtained_note(&c, &creds("2030-01-01T00:00:00Z"), now), None);
        assert_eq!(obtained_note(&c, &creds("not a time"), now), None);
        // Expired already: 0 s.
        let note = obtained_note(&c, &creds("2001-01-01T00:00:00Z"), now).expect("a note");
        assert!(note.contains("last 0 s"), "{note}");
    }
}
