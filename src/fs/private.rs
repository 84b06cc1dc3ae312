//! I/O: the files of the private caches under `~/.okta` (entries, lock files, failure
//! records), opened so that nothing relies on their directory being private.
//!
//! Every open uses `O_NOFOLLOW` (a symlink planted at the path is refused, never followed)
//! and `O_NONBLOCK` (a FIFO never blocks the open); the checks are made on the opened
//! descriptor (`fstat`), not on the path, so swapping the file between check and use
//! changes nothing. A file passes when it is a regular file, owned by the user
//! ([`super::owner::is_own`]: the effective uid, or HOME's owner in a root run) and has no
//! permission bits for group or others. A new lock file is created with `O_CREAT |
//! O_EXCL | O_NOFOLLOW`, so even a dangling symlink at its path is never written through.
//!
//! Refusals are [`std::io::Error`]s of kind `InvalidInput` whose text reads after "it"
//! (`is a symbolic link, not a regular file`, `has mode 0644: other users may read it
//! (expected 0600)`); callers name the file and put them in words with [`describe`].

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Error, ErrorKind};
use std::path::Path;

use super::bounded;
use super::owner;

fn refused(why: String) -> Error {
    Error::new(ErrorKind::InvalidInput, why)
}

/// Why `meta` (of an opened file) may not be used as a private cache file: not a regular
/// file, owned by someone else ([`owner::is_own`]), or with permission bits for group or
/// others (mode `& 0o077`). `None` when it may.
pub fn problem(meta: &Metadata) -> Option<String> {
    if !meta.is_file() {
        return Some(format!("is {}, not a regular file", bounded::kind_of(meta)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = meta.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Some(format!(
                "has mode {mode:04o}: other users may write it (expected 0600)"
            ));
        }
        if mode & 0o077 != 0 {
            return Some(format!(
                "has mode {mode:04o}: other users may read it (expected 0600)"
            ));
        }
        if !owner::is_own(meta.uid()) {
            return Some(format!("is owned by another user (uid {})", meta.uid()));
        }
    }
    None
}

/// `err` of an open of `path`, or "is a symbolic link" when `path` is one (`O_NOFOLLOW`
/// reports a symlink as `ELOOP` on Linux, `EMLINK` on some BSDs).
fn explain(path: &Path, err: Error) -> Error {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            refused("is a symbolic link, not a regular file".into())
        }
        _ => err,
    }
}

/// `err` for a message after a file's name and a colon: `it is a symbolic link, ...` for
/// the refusals of this module and of [`bounded`] (kinds `InvalidInput`, `InvalidData`),
/// the error itself otherwise (`Permission denied (os error 13)`).
pub fn describe(err: &Error) -> String {
    match err.kind() {
        ErrorKind::InvalidInput | ErrorKind::InvalidData => format!("it {err}"),
        _ => err.to_string(),
    }
}

/// Options that never follow a final symlink and never block on a FIFO.
fn options(write: bool) -> OpenOptions {
    let mut oo = OpenOptions::new();
    oo.read(true).write(write);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        oo.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    oo
}

/// Open the existing private file `path` (read-only, or read-write with `write`) and check
/// it on the descriptor ([`problem`]). `Ok(None)` when it does not exist.
///
/// Errors: a symlink, a FIFO or other non-regular file, a file of another user or one
/// group or others may access (text as [`problem`]); any other I/O error of the open.
pub fn open(path: &Path, write: bool) -> std::io::Result<Option<(File, Metadata)>> {
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refused("is a symbolic link, not a regular file".into()));
    }
    let file = match options(write).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(explain(path, e)),
    };
    let meta = file.metadata()?;
    match problem(&meta) {
        Some(why) => Err(refused(why)),
        None => Ok(Some((file, meta))),
    }
}

/// The bytes of the private file `path` ([`open`], then [`bounded::read_opened`]): at
/// most `cap` bytes, `Ok(None)` when absent. Errors: those of [`open`], `is larger than
/// <cap>`.
pub fn read(path: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    match open(path, false)? {
        Some((file, meta)) => bounded::read_opened(file, &meta, cap).map(Some),
        None => Ok(None),
    }
}

/// Open the lock file `path` for [`super::atomic_file::lock_opened`], creating it (mode
/// 0600, `O_EXCL | O_NOFOLLOW`, given HOME's owner in a root run: [`owner::give_file`])
/// when it does not exist. A symlink at `path`, dangling or not, is refused and never
/// written through. `checked`: an existing lock file must also pass [`problem`] (the
/// caches); otherwise it must only be a regular file (the credentials file's lock, whose
/// owner is the credentials file's).
pub fn open_lock(path: &Path, checked: bool) -> std::io::Result<File> {
    // Bounded: another run may create the file between our two opens, or remove it.
    for _ in 0..16 {
        match options(true).open(path) {
            Ok(file) => {
                let meta = file.metadata()?;
                let why = if checked {
                    problem(&meta)
                } else {
                    (!meta.is_file())
                        .then(|| format!("is {}, not a regular file", bounded::kind_of(&meta)))
                };
                return match why {
                    Some(why) => Err(refused(why)),
                    None => Ok(file),
                };
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(explain(path, e)),
        }
        let mut oo = options(true);
        oo.create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            oo.mode(0o600);
        }
        match oo.open(path) {
            Ok(file) => {
                owner::give_file(&file, path)?;
                return Ok(file);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(explain(path, e)),
        }
    }
    Err(Error::other(
        "kept appearing and disappearing while being opened",
    ))
}

#[cfg(test)]
mod tests;
