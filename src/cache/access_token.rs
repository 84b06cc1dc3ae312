//! The Okta access-token cache of `--cache-access-token` (docs/decisions.md#d-token-cache, case B29).
//!
//! One file per (org, OIDC client id) under `<home>/.okta/awscli-access-tokens/`, named by a
//! hash of the pair, so switching orgs or clients never reuses the wrong token. Each file
//! holds one JSON object (see [`CachedToken`]); it is created with mode 0600 inside a 0700
//! directory and replaced atomically (temp file in the same directory, fsync, rename), so a
//! reader never sees a half-written file. A sibling `.lock` file serialises parallel runs:
//! the first one runs the device flow while the others wait, then reuse its token.
//!
//! Parsing, validity and rendering are pure; only [`load`], [`store`], [`remove`] and the
//! failure records touch the disk, through [`crate::fs::private`] (entries are opened
//! without following a symlink and checked on the descriptor) and
//! [`crate::fs::atomic_file`]. The lock is the one of both caches:
//! [`single_flight::lock`] with [`single_flight::Cache::AccessToken`].

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fs::atomic_file;
use crate::fs::bounded::SMALL_FILE_CAP;
use crate::fs::private;

use super::freshness::freshness;
use super::single_flight;
use crate::clock::UnixMs;

/// A token counts as valid while at least this many seconds of its lifetime are left.
pub const EXPIRY_MARGIN_SECS: u64 = 60;

/// One cached device-flow result.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedToken {
    /// Org authority the token was issued by, e.g. `example.okta.com`.
    pub org: String,
    /// OIDC client id the token was issued to.
    pub client_id: String,
    /// OAuth access token (secret).
    pub access_token: String,
    /// OpenID Connect id token (secret); the token exchange's subject token.
    pub id_token: String,
    /// Usually `Bearer`.
    pub token_type: String,
    /// Granted scopes, space-separated.
    #[serde(default)]
    pub scope: String,
    /// Expiry as unix seconds (UTC).
    pub expires_at: i64,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("org", &self.org)
            .field("client_id", &self.client_id)
            .field("access_token", &"<redacted>")
            .field("id_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl CachedToken {
    /// True when the token is still usable at `now`: at least [`EXPIRY_MARGIN_SECS`] of
    /// its lifetime left, by the rule of both caches ([`freshness`], to the millisecond).
    pub fn is_fresh(&self, now: UnixMs) -> bool {
        freshness(UnixMs::from_secs(self.expires_at), now, EXPIRY_MARGIN_SECS).is_fresh()
    }
}

/// The cache file for an org authority and client id:
/// `<home>/.okta/awscli-access-tokens/<first 16 hex digits of sha256("org\nclient")>.json`.
pub fn cache_path(home: &Path, org: &str, client_id: &str) -> PathBuf {
    let digest = Sha256::digest(format!("{org}\n{client_id}").as_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    home.join(".okta")
        .join("awscli-access-tokens")
        .join(format!("{name}.json"))
}

/// Parse cache-file text. Returns the token only if it parses, belongs to this org and
/// client id, is fresh at `now` ([`CachedToken::is_fresh`]) and its tokens are usable
/// ([`crate::okta::device_auth::check_tokens`]: access and ID token present, token type one
/// printable word); anything else counts as absent, so a broken entry leads to a new
/// device authorization instead of failing every later run.
pub fn parse(text: &str, org: &str, client_id: &str, now: UnixMs) -> Option<CachedToken> {
    let token: CachedToken = serde_json::from_str(text).ok()?;
    (token.org == org
        && token.client_id == client_id
        && crate::okta::device_auth::check_tokens(
            &token.access_token,
            &token.id_token,
            &token.token_type,
        )
        .is_ok()
        && token.is_fresh(now))
    .then_some(token)
}

/// Render the cache-file text (compact JSON, no trailing newline).
pub fn render(token: &CachedToken) -> String {
    // Serialising plain strings and integers cannot fail.
    serde_json::to_string(token).unwrap_or_default()
}

/// Read the cache entry for this org and client id; `None` when absent, not a regular
/// file, unreadable, foreign, stale or unusable (see [`parse`]). [`read`] says why a
/// present file could not be read.
pub fn load(path: &Path, org: &str, client_id: &str, now: UnixMs) -> Option<CachedToken> {
    read(path, org, client_id, now).ok().flatten()
}

/// [`load`], telling an absent or unusable entry (`Ok(None)`) from a file that cannot be
/// read: `Err(<one-line warning naming the file>)` for a symlink, FIFO, device or directory
/// in its place, a file of another user or one group or others may access (the checks of
/// [`crate::fs::private`], made on the opened file), a file larger than [`SMALL_FILE_CAP`]
/// (1 MiB), text that is not UTF-8, or an I/O error. Never blocks, never follows a symlink.
pub fn read(
    path: &Path,
    org: &str,
    client_id: &str,
    now: UnixMs,
) -> std::result::Result<Option<CachedToken>, String> {
    let warn = |why: &str| format!("ignoring the access token cache {}: {why}", path.display());
    match private::read(path, SMALL_FILE_CAP) {
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => Ok(parse(&text, org, client_id, now)),
            Err(_) => Err(warn("it is not UTF-8 text")),
        },
        Ok(None) => Ok(None),
        Err(e) => Err(warn(&private::describe(&e))),
    }
}

/// Write the cache entry atomically ([`crate::fs::atomic_file::replace`]): directory created
/// 0700, file 0600, temp file in the same directory, fsync, rename. Errors name the path.
pub fn store(path: &Path, token: &CachedToken) -> Result<()> {
    let dir = path.parent().ok_or_else(|| {
        Error::runtime(format!("token cache path {} has no parent", path.display()))
    })?;
    create_private_dir(dir)?;
    atomic_file::replace(path, render(token).as_bytes(), 0o600)
        .map_err(|e| Error::runtime(format!("cannot write token cache {}: {e}", path.display())))
}

/// Delete the cache entry (a stale token Okta rejected). A missing file is not an error.
pub fn remove(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::runtime(format!(
            "cannot remove stale token cache {}: {e}",
            path.display()
        ))),
    }
}

/// How long a run waits for another run's cache lock before giving up (seconds): the
/// holder runs at most one device flow, and an Okta device code lives 10 minutes (its
/// `expires_in`, [`crate::okta::device_auth::DEFAULT_EXPIRES_IN`]); a holder that keeps the lock
/// longer is stopped (Ctrl-Z) or stuck, and waiting on it silently would hang every run.
pub const LOCK_WAIT: Duration = Duration::from_secs(600);

/// A failed sign-in of the run that held the cache lock, written next to the cache
/// (`<cache file without .json>.failed`, 0600) before the lock is released, so the runs
/// that waited on that lock fail with the same reason instead of each starting its own
/// device flow (issue 15 point 10). Its key is [`failure_key`].
pub use super::single_flight::FailureRecord;

/// The key of the failure records of an org authority and client id.
pub fn failure_key(org: &str, client_id: &str) -> String {
    format!("{org}\n{client_id}")
}

/// The failure record of a cache file: `<cache file without .json>.failed`.
pub fn failure_path(cache_file: &Path) -> PathBuf {
    single_flight::failure_path(cache_file)
}

/// Write the failure record for this cache file atomically (0600). Errors name the path.
pub fn store_failure(cache_file: &Path, record: &FailureRecord) -> Result<()> {
    single_flight::store_failure(cache_file, record).map_err(|e| {
        Error::runtime(format!(
            "cannot write sign-in failure record {}: {e}",
            failure_path(cache_file).display()
        ))
    })
}

/// The failure record of this cache file when it belongs to `org` and `client_id` and was
/// written between `since_ms` (unix milliseconds: when the caller began waiting for the
/// lock) and `now_ms` ([`FailureRecord::answers`]); `None` otherwise, or when absent,
/// unreadable or refused ([`crate::fs::private`]: a symlink, another user's file, a mode
/// other than 0600).
pub fn load_failure(
    cache_file: &Path,
    org: &str,
    client_id: &str,
    since_ms: u64,
    now_ms: u64,
) -> Option<FailureRecord> {
    single_flight::load_failure(cache_file, &failure_key(org, client_id), since_ms, now_ms)
}

/// Delete the failure record (after a successful sign-in). A missing file is fine.
pub fn remove_failure(cache_file: &Path) {
    single_flight::remove_failure(cache_file);
}

fn create_private_dir(dir: &Path) -> Result<()> {
    atomic_file::create_private_dirs(dir)
        .map_err(|e| Error::runtime(format!("cannot create directory {}: {e}", dir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::single_flight::{Cache, LockFailure, lock_path};

    fn acquire(
        path: &Path,
        wait: Duration,
        on_wait: impl FnOnce(&Path),
    ) -> std::result::Result<fs::File, LockFailure> {
        single_flight::lock(path, Cache::AccessToken, wait, on_wait)
    }

    fn token(org: &str, client: &str, expires_at: i64) -> CachedToken {
        CachedToken {
            org: org.into(),
            client_id: client.into(),
            access_token: "at-123".into(),
            id_token: "id-456".into(),
            token_type: "Bearer".into(),
            scope: "openid".into(),
            expires_at,
        }
    }

    #[test]
    fn path_is_keyed_by_org_and_client() {
        let home = Path::new("/home/u");
        let a = cache_path(home, "a.okta.com", "c1");
        let b = cache_path(home, "b.okta.com", "c1");
        let c = cache_path(home, "a.okta.com", "c2");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("/home/u/.okta/awscli-access-tokens"));
        assert_eq!(a, cache_path(home, "a.okta.com", "c1"));
        // "a\nb" + "c" must not collide with "a" + "b\nc"-style joins of other pairs.
        assert_ne!(cache_path(home, "ab", "c"), cache_path(home, "a", "bc"));
    }

    /// The moment `secs` Unix seconds.
    fn s(secs: i64) -> UnixMs {
        UnixMs::from_secs(secs)
    }

    #[test]
    fn parse_checks_owner_and_freshness() {
        let t = token("o", "c", 1000);
        let text = render(&t);
        assert_eq!(parse(&text, "o", "c", s(900)), Some(t.clone()));
        // At least the 60 s margin left, to the millisecond: fresh; within it: stale.
        assert_eq!(parse(&text, "o", "c", s(940)), Some(t.clone()));
        assert_eq!(parse(&text, "o", "c", UnixMs(940_001)), None);
        assert_eq!(parse(&text, "o", "c", s(941)), None);
        assert_eq!(parse(&text, "other", "c", s(900)), None);
        assert_eq!(parse(&text, "o", "other", s(900)), None);
        assert_eq!(parse("{not json", "o", "c", s(900)), None);
        assert_eq!(parse("", "o", "c", s(900)), None);
    }

    #[test]
    fn extreme_expiry_times_never_overflow() {
        // A cache file is input: i64::MIN must not underflow the margin subtraction.
        assert!(!token("o", "c", i64::MIN).is_fresh(s(0)));
        assert!(!token("o", "c", i64::MIN).is_fresh(UnixMs(i64::MIN)));
        assert!(token("o", "c", i64::MAX).is_fresh(UnixMs(i64::MAX - 61_000)));
        assert!(token("o", "c", i64::MAX / 1000).is_fresh(s(i64::MAX / 1000 - 61)));
        let text = render(&token("o", "c", i64::MIN));
        assert_eq!(parse(&text, "o", "c", s(0)), None);
    }

    #[test]
    fn entries_with_unusable_tokens_count_as_absent() {
        let good = token("o", "c", 1000);
        assert!(parse(&render(&good), "o", "c", s(900)).is_some());
        let broken: [fn(&mut CachedToken); 6] = [
            |t| t.id_token.clear(),
            |t| t.access_token.clear(),
            |t| t.token_type.clear(),
            |t| t.token_type = "Bearer\r\nX: y".into(),
            |t| t.token_type = "Be arer".into(),
            |t| t.access_token = "at 123".into(),
        ];
        for (i, spoil) in broken.iter().enumerate() {
            let mut t = good.clone();
            spoil(&mut t);
            assert_eq!(parse(&render(&t), "o", "c", s(900)), None, "case {i}");
        }
        // An entry written without the id_token field at all.
        let text = r#"{"org":"o","client_id":"c","access_token":"a","token_type":"Bearer","expires_at":1000}"#;
        assert_eq!(parse(text, "o", "c", s(900)), None);
    }

    #[test]
    fn debug_hides_tokens() {
        let shown = format!("{:?}", token("o", "c", 1));
        assert!(!shown.contains("at-123") && !shown.contains("id-456"));
    }

    #[test]
    fn store_load_remove_round_trip_with_private_modes() {
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        let t = token("o", "c", 10_000);
        store(&path, &t).unwrap();
        assert_eq!(load(&path, "o", "c", s(100)), Some(t.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dmode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dmode, 0o700);
        }
        // No temp files left behind.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        remove(&path).unwrap();
        assert_eq!(load(&path, "o", "c", s(100)), None);
        remove(&path).unwrap();
    }

    #[test]
    fn lock_serialises_holders() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        let inside = Arc::new(AtomicUsize::new(0));
        let max_seen = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (path, inside, max_seen) = (path.clone(), inside.clone(), max_seen.clone());
                std::thread::spawn(move || {
                    let _lock = acquire(&path, LOCK_WAIT, |_| {}).unwrap();
                    let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    max_seen.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(max_seen.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn busy_lock_says_so_once_then_gives_up_naming_the_lock_file() {
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        let held = acquire(&path, LOCK_WAIT, |_| panic!("free lock")).unwrap();
        let mut told = Vec::new();
        let started = std::time::Instant::now();
        let err = acquire(&path, Duration::from_millis(150), |p| {
            told.push(p.to_path_buf())
        })
        .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert_eq!(told, vec![lock_path(&path)]);
        let LockFailure::TimedOut(msg) = &err else {
            panic!("{err:?}")
        };
        assert!(
            msg.contains(&lock_path(&path).display().to_string()),
            "{msg}"
        );
        // Released by the holder while another waits: the waiter gets it.
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || acquire(&path, Duration::from_secs(10), |_| {}))
        };
        std::thread::sleep(Duration::from_millis(100));
        drop(held);
        assert!(waiter.join().unwrap().is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(lock_path(&path)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn unusable_lock_paths_are_reported_not_waited_on() {
        let home = tempfile::tempdir().unwrap();
        // The lock path is a directory.
        let path = cache_path(home.path(), "o", "c");
        fs::create_dir_all(lock_path(&path)).unwrap();
        let err = acquire(&path, LOCK_WAIT, |_| panic!("not busy")).unwrap_err();
        assert!(matches!(err, LockFailure::Unusable(_)), "{err:?}");
        assert!(
            err.message().starts_with("cannot lock token cache "),
            "{err:?}"
        );
        // The cache directory's parent is a regular file.
        let blocked = tempfile::tempdir().unwrap();
        fs::write(blocked.path().join(".okta"), "not a directory").unwrap();
        let path = cache_path(blocked.path(), "o", "c");
        let err = acquire(&path, LOCK_WAIT, |_| panic!("not busy")).unwrap_err();
        assert!(matches!(err, LockFailure::Unusable(_)), "{err:?}");
    }

    // Unix only: FIFOs.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_the_cache_file_is_absent_not_a_hang() {
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(load(&path, "o", "c", s(0)));
        });
        let loaded = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("load hung on a FIFO");
        assert_eq!(loaded, None);
    }

    #[test]
    fn oversized_or_special_cache_files_are_warnings() {
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert_eq!(read(&path, "o", "c", s(0)), Ok(None));
        fs::write(&path, vec![b' '; 2 * 1024 * 1024]).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let warning = read(&path, "o", "c", s(0)).unwrap_err();
        assert!(
            warning.contains("larger than 1 MiB") && warning.contains(&path.display().to_string()),
            "{warning}"
        );
        assert_eq!(load(&path, "o", "c", s(0)), None);
        fs::remove_file(&path).unwrap();
        #[cfg(unix)]
        {
            // Never followed (issue 19): the symlink itself is the reason.
            std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
            let warning = read(&path, "o", "c", s(0)).unwrap_err();
            assert!(warning.contains("symbolic link"), "{warning}");
        }
    }

    /// A symlink to a valid entry, an entry others may read, and (as root) another user's
    /// entry: each is a warning and counts as absent; the files are left as they were.
    // Unix only: symlinks, modes and owners.
    #[cfg(unix)]
    #[test]
    fn symlinked_shared_or_foreign_entries_are_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        let t = token("o", "c", 10_000);
        let elsewhere = home.path().join("planted.json");
        store(&elsewhere, &t).unwrap();
        assert_eq!(load(&elsewhere, "o", "c", s(100)), Some(t.clone()));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let warning = read(&path, "o", "c", s(100)).unwrap_err();
        assert!(warning.contains("symbolic link"), "{warning}");
        assert_eq!(load(&path, "o", "c", s(100)), None);
        fs::remove_file(&path).unwrap();
        store(&path, &t).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let warning = read(&path, "o", "c", s(100)).unwrap_err();
        assert!(warning.contains("other users may read it"), "{warning}");
        if crate::fs::owner::tests::root_or_skip("symlinked_shared_or_foreign_entries_are_not_used")
        {
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            std::os::unix::fs::chown(&path, Some(54321), Some(54321)).unwrap();
            let warning = read(&path, "o", "c", s(100)).unwrap_err();
            assert!(warning.contains("owned by another user"), "{warning}");
        }
        assert_eq!(load(&elsewhere, "o", "c", s(100)), Some(t));
    }

    /// A symlink planted at the lock path, dangling: the lock is unusable and nothing is
    /// created at its target.
    #[cfg(unix)]
    #[test]
    fn a_symlinked_lock_is_unusable_and_never_written_through() {
        let home = tempfile::tempdir().unwrap();
        let path = cache_path(home.path(), "o", "c");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let victim = home.path().join("victim");
        std::os::unix::fs::symlink(&victim, lock_path(&path)).unwrap();
        let err = acquire(&path, LOCK_WAIT, |_| panic!("not busy")).unwrap_err();
        assert!(matches!(err, LockFailure::Unusable(_)), "{err:?}");
        assert!(err.message().contains("symbolic link"), "{err:?}");
        assert!(!victim.exists());
    }
}
