//! I/O: one sign-in at a time per cache entry, also when it fails.
//!
//! Both caches (the Okta access-token cache and the AWS credential cache) guard an entry
//! with a sibling lock file ([`lock`], with the one [`LockFailure`]): the first run takes the lock and signs in, the
//! others wait and then use what it stored. When the sign-in fails, the holder writes a
//! failure record beside the entry (`<entry>.failed`, mode 0600, no secret) before it
//! releases the lock ([`store_failure`]). A run that waited for the lock reads it
//! ([`load_failure`]) and fails with the same reason instead of starting a sign-in of its
//! own: one prompt in all, not one per waiting run.
//!
//! A record answers only a run that began waiting before the record was written, so a
//! later run signs in afresh; a record dated after the reader's clock (the clock was moved
//! back) is ignored ([`FailureRecord::answers`]). Lock files and records are opened as
//! [`crate::fs::private`] says (no symlink followed, owner and mode checked on the descriptor).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::fs::atomic_file::{self, LockError, LockWait};
use crate::fs::bounded::SMALL_FILE_CAP;
use crate::fs::private;

/// Which cache a lock guards, as its messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// The Okta access-token cache ([`super::access_token`]).
    AccessToken,
    /// The AWS credential cache ([`super::aws_credentials`]).
    AwsCredentials,
}

impl Cache {
    /// The start of the message of an unusable lock, before the lock file's path.
    fn cannot_lock(self) -> &'static str {
        match self {
            Cache::AccessToken => "cannot lock token cache",
            Cache::AwsCredentials => "cannot lock the AWS credential cache",
        }
    }

    /// The name of its lock in the message of a wait that timed out.
    fn lock_name(self) -> &'static str {
        match self {
            Cache::AccessToken => "token cache lock",
            Cache::AwsCredentials => "AWS credential cache lock",
        }
    }
}

/// Why [`lock`] returned without the lock: the one lock failure of both caches. Each holds
/// one line naming the lock file (no secret).
#[derive(Debug)]
pub enum LockFailure {
    /// The directory or lock file cannot be made, opened or locked, or the lock file fails
    /// the checks of [`private::open_lock`] (a symlink, another user's file, mode not
    /// 0600): the cache cannot be used safely, but the run can go on without it.
    Unusable(String),
    /// Another run held the lock for the whole wait.
    TimedOut(String),
}

impl LockFailure {
    /// The one-line message, naming the lock file.
    pub fn message(&self) -> &str {
        match self {
            LockFailure::Unusable(m) | LockFailure::TimedOut(m) => m,
        }
    }
}

/// The lock file of an entry file: the same name with `.lock`.
pub fn lock_path(entry: &Path) -> PathBuf {
    entry.with_extension("lock")
}

/// Take the lock of the entry file `entry` of `cache` ([`lock_path`]; its directory created
/// 0700 when missing, the lock file 0600): one try; when another run holds it, call
/// `on_wait(<lock file>)` once (the caller tells the user) and wait at most `max_wait`,
/// polling every 20 ms. The lock is held while the returned file is open; the OS releases
/// it when the process ends, so a killed run never blocks the next.
///
/// Errors: [`LockFailure::Unusable`] when the lock file cannot be made or locked, or is
/// refused; [`LockFailure::TimedOut`] when it stayed busy for `max_wait`.
pub fn lock(
    entry: &Path,
    cache: Cache,
    max_wait: Duration,
    on_wait: impl FnOnce(&Path),
) -> Result<File, LockFailure> {
    let lock_path = lock_path(entry);
    let unusable = |e: std::io::Error| {
        LockFailure::Unusable(format!(
            "{} {}: {}",
            cache.cannot_lock(),
            lock_path.display(),
            private::describe(&e)
        ))
    };
    atomic_file::create_private_dirs(&atomic_file::dir_of(&lock_path)).map_err(unusable)?;
    let file = private::open_lock(&lock_path, true).map_err(unusable)?;
    let attempt = |limit| match atomic_file::lock_opened(&file, LockWait::AtMost(limit)) {
        Ok(()) => Ok(true),
        Err(LockError::TimedOut) => Ok(false),
        Err(LockError::Io(e)) => Err(unusable(e)),
    };
    if attempt(Duration::ZERO)? {
        return Ok(file);
    }
    on_wait(&lock_path);
    if attempt(max_wait)? {
        Ok(file)
    } else {
        Err(LockFailure::TimedOut(format!(
            "another okta-aws-cli run kept the {} {} for {} s; \
             if no other run is signing in (a stopped one holds it too), end it and try again",
            cache.lock_name(),
            lock_path.display(),
            max_wait.as_secs()
        )))
    }
}

/// What kind of error a [`FailureRecord`] holds, so a waiting run fails with the same
/// kind (exit code, hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    /// [`Error::Okta`].
    Okta,
    /// [`Error::Aws`].
    Aws,
    /// [`Error::Runtime`].
    Runtime,
}

/// A failed sign-in of the run that held an entry's lock (JSON in `<entry>.failed`). No
/// secret: the reason is the error text shown to the user, and a device authorization is
/// named by its user code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureRecord {
    /// The cache's key of the entry (which settings failed), compared on reading.
    pub key: String,
    /// When the sign-in failed, unix milliseconds.
    pub at_ms: u64,
    /// The user code of the device authorization that failed (empty when none was made).
    #[serde(default)]
    pub user_code: String,
    /// The kind of error.
    pub kind: FailureKind,
    /// The OAuth or AWS error code (`access_denied`, `AccessDenied`), if any.
    pub code: Option<String>,
    /// The one-line error message.
    pub message: String,
}

/// Added to the reason of a record when a waiting run fails with it.
pub const WAITED_NOTE: &str = "(the sign-in of another okta-aws-cli run, which this one waited for, failed; run the command again to retry)";

impl FailureRecord {
    /// The record of `error` for the entry of `key`, failed at `at_ms` (unix ms), with the
    /// device authorization's `user_code` (or empty). `None` for an error that belongs to
    /// this run alone and must not stop the others: a usage or configuration error (a
    /// private key this run could not read), an interruption, a child's exit status.
    pub fn of(key: &str, user_code: &str, error: &Error, at_ms: u64) -> Option<FailureRecord> {
        let (kind, code) = match error {
            Error::Okta { code, .. } => (FailureKind::Okta, code.clone()),
            Error::Aws { code, .. } => (FailureKind::Aws, Some(code.clone())),
            Error::Runtime(_) => (FailureKind::Runtime, None),
            _ => return None,
        };
        Some(FailureRecord {
            key: key.to_string(),
            at_ms,
            user_code: user_code.to_string(),
            kind,
            code,
            message: error.to_string(),
        })
    }

    /// Whether this record answers a run for `key` that began waiting for the lock at
    /// `since_ms` and reads the record at `now_ms` (unix ms): same key, and written in
    /// between. A record from before the wait is an older failure (the run signs in
    /// afresh); one dated after `now_ms` cannot be true (the clock was moved back) and is
    /// ignored rather than obeyed.
    pub fn answers(&self, key: &str, since_ms: u64, now_ms: u64) -> bool {
        self.key == key && since_ms <= self.at_ms && self.at_ms <= now_ms
    }

    /// The error a waiting run fails with: the same kind and code, the reason and
    /// [`WAITED_NOTE`].
    pub fn to_error(&self) -> Error {
        let message = format!("{} {WAITED_NOTE}", self.message);
        match self.kind {
            FailureKind::Okta => Error::Okta {
                code: self.code.clone(),
                message,
            },
            FailureKind::Aws => Error::Aws {
                code: self.code.clone().unwrap_or_default(),
                message,
            },
            FailureKind::Runtime => Error::Runtime(message),
        }
    }
}

/// The failure record beside an entry file: the same name with `.failed`.
pub fn failure_path(entry: &Path) -> PathBuf {
    entry.with_extension("failed")
}

/// Write the failure record of `entry` atomically (0600; a symlink in its place is
/// replaced, not followed: [`atomic_file::replace`]).
pub fn store_failure(entry: &Path, record: &FailureRecord) -> std::io::Result<()> {
    // Serialising strings and integers cannot fail.
    let text = serde_json::to_string(record).unwrap_or_default();
    atomic_file::replace(&failure_path(entry), text.as_bytes(), 0o600)
}

/// The failure record of `entry` when it [answers](FailureRecord::answers) a run for `key`
/// that began waiting at `since_ms`, read at `now_ms`; `None` otherwise, and when absent,
/// unreadable or refused by [`private::read`] (a symlink, another user's file, mode not
/// 0600, larger than 1 MiB).
pub fn load_failure(entry: &Path, key: &str, since_ms: u64, now_ms: u64) -> Option<FailureRecord> {
    let bytes = private::read(&failure_path(entry), SMALL_FILE_CAP).ok()??;
    let record: FailureRecord = serde_json::from_slice(&bytes).ok()?;
    record.answers(key, since_ms, now_ms).then_some(record)
}

/// Delete the failure record of `entry` (after a successful sign-in). A missing file is
/// fine; a symlink is removed itself, never its target.
pub fn remove_failure(entry: &Path) {
    let _ = std::fs::remove_file(failure_path(entry));
}

#[cfg(test)]
mod tests;
