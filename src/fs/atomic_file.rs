//! I/O: private directories, atomic file replacement and exclusive lock files, shared by the
//! token cache (`cache::access_token`) and the credentials-file writer
//! (`credentials_file::write`). What they create under HOME in a run as
//! root is given HOME's owner ([`super::owner`]).
//!
//! [`replace`] writes a temp file in the target's directory, fsyncs it, renames it over the
//! target and fsyncs the directory, so a reader sees the old file or the new one, never a
//! half-written one. [`lock_exclusive`] takes a kernel lock on a lock file (released when
//! the file is dropped or the process dies, so a killed run never leaves it held).
//! Errors are plain [`std::io::Error`]s; callers name the file in their own words.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{owner, private};

/// The directory holding `path` (`.` for a bare file name).
pub fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Create `dir` and its missing parents, each new one with mode 0700 on Unix and, under
/// HOME in a run as root, owned by HOME's owner ([`owner::give_dir`]). An existing
/// directory is fine (its mode and owner are left alone).
pub fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    // The missing directories, deepest first (bounded by the path's length).
    let mut missing = Vec::new();
    let mut next = Some(dir);
    while let Some(d) = next.filter(|d| !d.as_os_str().is_empty()) {
        match fs::symlink_metadata(d) {
            Err(e) if e.kind() == ErrorKind::NotFound => missing.push(d),
            _ => break,
        }
        next = d.parent();
    }
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    for d in missing.into_iter().rev() {
        match builder.create(d) {
            Ok(()) => owner::give_dir(d)?,
            // Made by a parallel run meanwhile: not ours to change.
            Err(e) if e.kind() == ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    if dir.is_dir() {
        Ok(())
    } else {
        Err(std::io::Error::new(
            ErrorKind::AlreadyExists,
            "it exists and is not a directory",
        ))
    }
}

/// Replace the file `target` with `bytes` atomically: a new temp file
/// `.<name>.tmp.<pid>.<n>` beside it (created exclusively, mode 0600), given `mode` (Unix
/// permission bits, e.g. 0o600; ignored elsewhere), written, fsynced, renamed over `target`;
/// then the directory is fsynced (best effort). `target` itself is replaced, not followed:
/// resolve symlinks first to write through one. On failure the temp file is removed and
/// `target` is unchanged. Temp files of `target` left by killed writers are removed first
/// ([`remove_stale_temps`]); call this under the target's lock, as both callers do.
pub fn replace(target: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    replace_owned(target, bytes, mode, None).map_err(|e| match e {
        ReplaceError::Owner(e, _) | ReplaceError::Io(e) => e,
    })
}

/// Why [`replace_owned`] failed.
#[derive(Debug)]
pub enum ReplaceError {
    /// The temp file could not be given this (uid, gid): nothing was replaced.
    #[cfg_attr(not(unix), allow(dead_code))]
    Owner(std::io::Error, (u32, u32)),
    /// Any other I/O failure: nothing was replaced.
    Io(std::io::Error),
}

/// [`replace`], and (Unix) when `owner` is set and differs, the temp file is given that
/// (uid, gid) before the rename (a run as root keeps a user's file the user's), then `mode`
/// (after the chown, which may clear set-id bits). Ignored elsewhere. Without `owner`, a
/// target under HOME in a run as root gets HOME's owner ([`owner::for_new`]).
pub fn replace_owned(
    target: &Path,
    bytes: &[u8],
    mode: u32,
    owner: Option<(u32, u32)>,
) -> Result<(), ReplaceError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = dir_of(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            ReplaceError::Io(std::io::Error::new(
                ErrorKind::InvalidInput,
                "the path names no file",
            ))
        })?;
    let owner = owner.or_else(|| owner::for_new(target));
    remove_stale_temps(&dir, &name);
    let (tmp_path, mut tmp) = {
        let mut attempt = 0;
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let candidate = dir.join(format!(".{name}.tmp.{}.{n}", std::process::id()));
            let mut oo = OpenOptions::new();
            oo.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                oo.mode(0o600);
            }
            match oo.open(&candidate) {
                Ok(f) => break (candidate, f),
                Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => return Err(ReplaceError::Io(e)),
            }
        }
    };
    let result = (|| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            if let Some((uid, gid)) = owner {
                let meta = tmp.metadata().map_err(ReplaceError::Io)?;
                if (meta.uid(), meta.gid()) != (uid, gid) {
                    std::os::unix::fs::fchown(&tmp, Some(uid), Some(gid))
                        .map_err(|e| ReplaceError::Owner(e, (uid, gid)))?;
                }
            }
            tmp.set_permissions(fs::Permissions::from_mode(mode & 0o7777))
                .map_err(ReplaceError::Io)?;
        }
        #[cfg(not(unix))]
        let _ = (mode, owner);
        tmp.write_all(bytes).map_err(ReplaceError::Io)?;
        tmp.sync_all().map_err(ReplaceError::Io)?;
        drop(tmp);
        rename_over(&tmp_path, target).map_err(ReplaceError::Io)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp_path);
        return Err(e);
    }
    #[cfg(unix)]
    if let Ok(d) = File::open(&dir) {
        // Best effort: some file systems do not support syncing a directory.
        let _ = d.sync_all();
    }
    Ok(())
}

/// `fs::rename(from, to)`, replacing `to`. On Windows, replacing a file that another process
/// has open without delete sharing (a reader of the credentials file, a virus scanner) fails
/// with "Access denied" until that process closes it, so the rename is retried for up to
/// 5 seconds.
pub fn rename_over(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            match fs::rename(from, to) {
                Err(e)
                    if e.kind() == ErrorKind::PermissionDenied
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                result => return result,
            }
        }
    }
    #[cfg(not(windows))]
    fs::rename(from, to)
}

/// A temp file older than this is stale whatever its process id says (seconds; a write
/// takes milliseconds, and a recycled process id must not keep secrets on disk forever).
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(600);

/// If `file_name` is one of `name`'s temp files, the process id that wrote it: the
/// current form `.<name>.tmp.<pid>.<n>` or the token cache's former `.<name>.tmp<pid>`.
pub fn temp_owner(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let rest = rest.strip_prefix(".tmp")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match rest.strip_prefix('.') {
        Some(pid_n) => {
            let (pid, n) = pid_n.split_once('.')?;
            (digits(pid) && digits(n)).then(|| pid.parse().ok())?
        }
        None => digits(rest).then(|| rest.parse().ok())?,
    }
}

/// Whether a temp file written by process `pid`, last modified `age` ago, is stale: its
/// process is gone (`alive` says whether a process id exists), or it is older than
/// [`STALE_TEMP_AGE`]. Our own process's temp files are never stale by pid.
pub fn temp_is_stale(pid: u32, age: Duration, alive: impl Fn(u32) -> bool) -> bool {
    age >= STALE_TEMP_AGE || (pid != std::process::id() && !alive(pid))
}

/// Whether a process with this id exists (`kill(pid, 0)`; a process we may not signal
/// exists too). Without a way to tell (not Unix), every process counts as alive, so only
/// the age rule of [`temp_is_stale`] applies.
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Remove the temp files of `name` in `dir` that killed writers left behind (they hold the
/// secrets being written): those whose process is gone or that are older than
/// [`STALE_TEMP_AGE`] (see [`temp_is_stale`]). Only regular files named by [`temp_owner`]
/// are touched; errors are ignored (best effort).
pub fn remove_stale_temps(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| temp_owner(n, name)) else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        let age = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .unwrap_or_default();
        if temp_is_stale(pid, age, process_alive) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// How long [`lock_exclusive`] waits for another holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    /// Block until the lock is free (the holder's work is itself bounded in time).
    Forever,
    /// Give up with [`LockError::TimedOut`] after this long (polled every 20 ms).
    AtMost(Duration),
}

/// Why [`lock_exclusive`] failed.
#[derive(Debug)]
pub enum LockError {
    /// The lock file could not be opened (creating it) or locked.
    Io(std::io::Error),
    /// Another holder kept the lock for the whole [`LockWait::AtMost`] time.
    TimedOut,
}

/// Open (creating it with mode 0600) and exclusively lock `lock_path`. The lock is
/// released when the returned file is dropped or the process dies; the lock file itself is
/// left in place on purpose (deleting it would race with the next holder). A symlink at
/// `lock_path` is refused, never followed, and a new lock file under HOME in a run as root
/// is given HOME's owner ([`private::open_lock`]).
pub fn lock_exclusive(lock_path: &Path, wait: LockWait) -> Result<File, LockError> {
    let file = private::open_lock(lock_path, false).map_err(LockError::Io)?;
    lock_opened(&file, wait)?;
    Ok(file)
}

/// Exclusively lock the open lock file `file`, waiting as `wait` says.
pub fn lock_opened(file: &File, wait: LockWait) -> Result<(), LockError> {
    let limit = match wait {
        LockWait::Forever => return file.lock().map_err(LockError::Io),
        LockWait::AtMost(limit) => limit,
    };
    let deadline = Instant::now() + limit;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(LockError::TimedOut),
            Err(fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replace_writes_with_mode_and_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_private_dirs(&dir).unwrap();
        create_private_dirs(&dir).unwrap();
        let target = dir.join("f");
        replace(&target, b"one", 0o600).unwrap();
        replace(&target, b"two", 0o640).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        #[cfg(unix)]
        {
            assert_eq!(mode(&target), 0o640);
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&tmp.path().join("a")), 0o700);
        }
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("f")]);
    }

    #[test]
    fn failed_replace_leaves_target_and_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the rename fails.
        let target = tmp.path().join("t");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), "k").unwrap();
        assert!(replace(&target, b"x", 0o600).is_err());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("t")]);
    }

    #[test]
    fn temp_names_and_staleness() {
        assert_eq!(
            temp_owner(".credentials.tmp.123.0", "credentials"),
            Some(123)
        );
        assert_eq!(temp_owner(".ab12.json.tmp.9.17", "ab12.json"), Some(9));
        assert_eq!(temp_owner(".ab12.json.tmp4242", "ab12.json"), Some(4242));
        for other in [
            "credentials",
            ".credentials.lock",
            ".credentials.tmp.",
            ".credentials.tmp.12",
            ".credentials.tmp.12.x",
            ".credentials.tmp.x.1",
            ".credentials.tmpx",
            ".other.tmp.1.2",
            ".credentials.bak.tmp.1.2",
        ] {
            assert_eq!(temp_owner(other, "credentials"), None, "{other}");
        }
        let me = std::process::id();
        let fresh = Duration::from_secs(1);
        assert!(temp_is_stale(7, fresh, |_| false));
        assert!(!temp_is_stale(7, fresh, |_| true));
        assert!(temp_is_stale(7, STALE_TEMP_AGE, |_| true));
        assert!(!temp_is_stale(me, fresh, |_| false));
    }

    // Unix only: whether a writer is alive is known on Unix only (kill(pid, 0)).
    #[cfg(unix)]
    #[test]
    fn replace_removes_temps_of_dead_writers_only() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("credentials");
        // A child that has exited: its pid is gone (reaped by wait).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let alive = std::process::id();
        let dead_new = tmp.path().join(format!(".credentials.tmp.{dead}.0"));
        let dead_old = tmp.path().join(format!(".credentials.tmp{dead}"));
        let ours = tmp.path().join(format!(".credentials.tmp.{alive}.999"));
        let foreign = tmp.path().join(format!(".other.tmp.{dead}.0"));
        for p in [&dead_new, &dead_old, &ours, &foreign] {
            fs::write(p, "secret").unwrap();
        }
        replace(&target, b"x", 0o600).unwrap();
        assert!(!dead_new.exists() && !dead_old.exists());
        assert!(ours.exists(), "a live writer's temp file stays");
        assert!(foreign.exists(), "another file's temp files are not ours");
    }

    #[test]
    fn lock_times_out_while_held_and_is_free_after_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".x.lock");
        let held = lock_exclusive(&path, LockWait::Forever).unwrap();
        let started = Instant::now();
        let second = lock_exclusive(&path, LockWait::AtMost(Duration::from_millis(100)));
        assert!(matches!(second, Err(LockError::TimedOut)), "{second:?}");
        assert!(started.elapsed() >= Duration::from_millis(100));
        drop(held);
        assert!(lock_exclusive(&path, LockWait::AtMost(Duration::from_millis(100))).is_ok());
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
    }
}
