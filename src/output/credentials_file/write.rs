//! I/O: write profiles into the credentials file safely (docs/decisions.md#d-credentials-file, case B29).
//!
//! Sequence: resolve symlinks to the real file; refuse a target that is not a regular file,
//! is read-only or has several hard links (below); create missing parent directories (mode
//! 0700); take an exclusive lock on the sibling lock file `.<name>.lock` (a kernel lock, so a
//! killed writer never leaves it held); check the file again and read it; edit it with
//! [`super::upsert_all`]; write a temp file in the same directory (mode 0600 for a new file,
//! the old mode for an existing one) owned by the old file's owner and group; fsync; rename
//! over the target; fsync the directory.
//!
//! # Owner, permissions and links (Unix)
//! * Owner and group: the new file gets the old file's owner and group (the temp file is
//!   chowned before the rename), so a run as root with a user's HOME leaves a file the user
//!   can still read and update; the lock file is given the same owner (best effort). A new
//!   file created by root takes the owner and group of its directory. When the owner or group
//!   cannot be kept (a user who may not give the file away), nothing is written: an error says
//!   so.
//! * A read-only file (no write bit for its owner, e.g. mode 0400) is refused, not replaced:
//!   someone made it read-only on purpose.
//! * A file with more than one hard link is refused: replacing it would give this path a new
//!   file while the other links keep the old credentials (the links would split silently),
//!   and writing it in place would lose the atomic replacement. The error says how many
//!   links it has.
//! * A file readable or writable by group or others is written (its mode is kept) with a
//!   one-line warning, as for a private-key file.

use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ProfileOutcome, UpsertOptions};
use crate::aws::sts::Credentials;
use crate::error::{Error, Result};
use crate::fs::atomic_file::{self, LockError, LockWait, dir_of};
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;

/// The largest file [`refuse_long_term_keys`] reads (16 MiB); a larger one is left to the
/// writer's own check.
const PRECHECK_CAP: u64 = crate::fs::bounded::CA_BUNDLE_CAP;

/// How long a writer waits for another writer's lock before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Outcome of [`write_profiles`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Lines for stderr, in order: a `WARNING: …` line when the file is accessible by other
    /// users, the editor's `WARNING: …` lines, then one line per
    /// profile: `Wrote profile "<name>" in credentials file "<path>".` for a new section or
    /// `Updated profile "<name>" in credentials file "<path>".` for an existing one (`<path>`
    /// as given by the caller); when the file already held exactly these values it is not
    /// rewritten and the line is `Profile "<name>" in credentials file "<path>" already holds
    /// these credentials.`. Not printed here: the caller prints them on stderr.
    pub messages: Vec<String>,
    /// One entry per profile, in input order.
    pub profiles: Vec<ProfileOutcome>,
}

/// Upsert `items` (profile name, credentials) into the credentials file at `path` in one
/// locked read-modify-write, replacing the file atomically (docs/decisions.md#d-credentials-file).
///
/// `path` may be a symlink: the link's final target is written, the link stays a link.
/// A missing file is created (mode 0600) along with missing directories (mode 0700).
///
/// The file keeps its owner, group and mode; a file readable by group or others adds a
/// `WARNING: ` line to the messages (module doc).
///
/// Errors: those of [`super::upsert_all`] (a refusal names the path; a profile holding
/// long-term keys is refused unless `opts.force_overwrite`); [`Error::Runtime`]
/// naming the path for I/O failures, a file that is not UTF-8 text, a target (after
/// symlinks) that exists but is not a regular file (directory, device, FIFO, socket), is
/// read-only or has several hard links (for these nothing is written, not even the lock
/// file), an owner and group that cannot be kept, a symlink loop, or a lock not obtained
/// within 30 seconds. On error the file is unchanged.
pub fn write_profiles(
    path: &Path,
    items: &[(&str, &Credentials)],
    opts: &UpsertOptions,
) -> Result<WriteReport> {
    let file = format!("credentials file \"{}\"", path.display());
    let done = replace_locked(path, CREDENTIALS_FILE, |old_text| {
        let edit = super::upsert_all_in(old_text, items, opts, &file)?;
        Ok((edit.text.clone(), edit))
    })?;
    let edit = done.value;
    let mut messages: Vec<String> = done.mode_warning.into_iter().collect();
    // Section names come from the file: escape control characters for the terminal.
    messages.extend(
        edit.warnings
            .iter()
            .map(|w| crate::term::sanitize::lines(w).into_owned()),
    );
    for p in &edit.profiles {
        if done.unchanged {
            messages.push(format!(
                "Profile \"{}\" in credentials file \"{}\" already holds these credentials.",
                p.profile,
                path.display()
            ));
            continue;
        }
        let verb = if p.existed { "Updated" } else { "Wrote" };
        messages.push(format!(
            "{verb} profile \"{}\" in credentials file \"{}\".",
            p.profile,
            path.display()
        ));
    }
    Ok(WriteReport {
        messages,
        profiles: edit.profiles,
    })
}

/// What a file written by [`replace_locked`] is, for its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileKind {
    /// How errors name it: `credentials file`.
    pub name: &'static str,
    /// How the error about its missing directory names that: `AWS credentials directory`.
    pub dir: &'static str,
    /// Whether it holds secrets: a file readable or writable by group or others then gets
    /// a warning.
    pub secret: bool,
}

/// The AWS shared credentials file.
pub(crate) const CREDENTIALS_FILE: FileKind = FileKind {
    name: "credentials file",
    dir: "AWS credentials directory",
    secret: true,
};

/// What [`replace_locked`] did.
#[derive(Debug)]
pub(crate) struct Replaced<T> {
    /// What the edit returned besides the text.
    pub value: T,
    /// The file existed and the edit gave its text back unchanged: it was not rewritten.
    pub unchanged: bool,
    /// A `WARNING: ` line for a secret file readable or writable by group or others.
    pub mode_warning: Option<String>,
}

/// Edit the file at `path` in one locked read-modify-write and replace it atomically (the
/// sequence and the rules on owner, mode and links are the module doc's): `edit` gets the
/// current text (empty for a missing file) and returns the new text and a value handed
/// back in [`Replaced::value`]. `path` may be a symlink: its final target is written. A
/// missing file is created (mode 0600) with missing directories (mode 0700); an existing one
/// keeps its owner, group and mode; when the text is unchanged nothing is written.
///
/// Errors: `edit`'s; [`Error::Runtime`] naming `kind` and the path for I/O failures, a file
/// that is not UTF-8 text, a target that exists but is not a regular file, is read-only or
/// has several hard links (for these nothing is written, not even the lock file), an owner
/// and group that cannot be kept, a symlink loop, or a lock not obtained within 30 seconds.
/// On error the file is unchanged.
pub(crate) fn replace_locked<T>(
    path: &Path,
    kind: FileKind,
    edit: impl FnOnce(&str) -> Result<(String, T)>,
) -> Result<Replaced<T>> {
    let (target, dir, name) = checked_target(path, kind)?;
    atomic_file::create_private_dirs(&dir).map_err(|e| {
        Error::runtime(format!(
            "unable to create {} \"{}\": {e}",
            kind.dir,
            dir.display()
        ))
    })?;

    let lock_path = dir.join(format!(".{name}.lock"));
    let lock = lock_exclusive(&lock_path)?;

    // Again under the lock, right before reading: the file may have changed meanwhile.
    let (old_text, old_meta) = match existing_regular_file(&target, path, kind)? {
        Some(meta) => {
            check_replaceable(&meta, path, kind)?;
            (read_text(&target, path, kind)?, Some(meta))
        }
        None => (String::new(), None),
    };

    let owner = owner_to_keep(old_meta.as_ref(), &dir);
    give_lock_to(&lock, owner);

    let (new_text, value) = edit(&old_text)?;
    let unchanged = old_meta.is_some() && new_text == old_text;
    if !unchanged {
        atomic_file::replace_owned(
            &target,
            new_text.as_bytes(),
            file_mode(old_meta.as_ref()),
            owner,
        )
        .map_err(|e| match e {
            atomic_file::ReplaceError::Owner(e, (uid, gid)) => Error::runtime(format!(
                "cannot keep the owner and group (uid {uid}, gid {gid}) of {} \"{}\": \
                 {e}; not changing it",
                kind.name,
                path.display()
            )),
            atomic_file::ReplaceError::Io(e) => io_err("cannot write", path, kind, &e),
        })?;
    }
    drop(lock);
    let mode_warning = old_meta
        .as_ref()
        .filter(|_| kind.secret)
        .and_then(|m| mode_warning(path, file_mode(Some(m))));
    Ok(Replaced {
        value,
        unchanged,
        mode_warning,
    })
}

/// The checks [`replace_locked`] makes before it creates anything: `path` followed through
/// symlinks to the file written, which must name a file and, when it exists, be a regular
/// file that is not read-only and has one link. Returns that file, its folder and its name.
fn checked_target(path: &Path, kind: FileKind) -> Result<(PathBuf, PathBuf, String)> {
    let target = resolve_symlinks(path, kind)?;
    let dir = dir_of(&target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::runtime(format!(
                "{} path \"{}\" does not name a file",
                kind.name,
                path.display()
            ))
        })?;
    // Before anything is created (a lock file beside a device would be a write too).
    if let Some(meta) = existing_regular_file(&target, path, kind)? {
        check_replaceable(&meta, path, kind)?;
    }
    Ok((target, dir, name))
}

/// The UTF-8 text of the regular file `target` (`path` as the caller named it, for errors).
fn read_text(target: &Path, path: &Path, kind: FileKind) -> Result<String> {
    let bytes = fs::read(target).map_err(|e| io_err("cannot read", path, kind, &e))?;
    String::from_utf8(bytes).map_err(|_| {
        Error::runtime(format!(
            "{} \"{}\" is not UTF-8 text; not changing it",
            kind.name,
            path.display()
        ))
    })
}

/// Before any sign-in: what [`replace_locked`] would refuse before its edit, without a lock
/// and without creating anything: the target checks (symlinks followed; not a regular file,
/// read-only, several hard links), a folder (or, when missing, its nearest existing parent)
/// this process may not write to (Unix), a file that cannot be read or is not UTF-8. Returns
/// the file's text, `None` when it does not exist yet. [`replace_locked`] checks all of it
/// again under its lock.
///
/// Errors: [`Error::Runtime`] naming `kind` and `path`, as [`replace_locked`]'s.
pub(crate) fn precheck(path: &Path, kind: FileKind) -> Result<Option<String>> {
    let (target, dir, _) = checked_target(path, kind)?;
    check_dir_writable(&dir, path, kind)?;
    match existing_regular_file(&target, path, kind)? {
        Some(_) => read_text(&target, path, kind).map(Some),
        None => Ok(None),
    }
}

/// Refuse a folder `dir` (or its nearest existing parent, where the missing ones would be
/// created) that this process may not write to: the lock and temporary files go there. Unix
/// only (`faccessat` with the effective ids); elsewhere the write reports it.
fn check_dir_writable(dir: &Path, path: &Path, kind: FileKind) -> Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{Access, AtFlags, CWD, accessat};
        // A relative path's last ancestor is "", the current folder.
        let existing = dir
            .ancestors()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .find(|d| d.is_dir());
        let Some(at) = existing else {
            return Ok(());
        };
        if let Err(e) = accessat(CWD, at, Access::WRITE_OK, AtFlags::EACCESS) {
            return Err(Error::runtime(format!(
                "cannot write {} \"{}\": its folder \"{}\" is not writable ({}); not changing it",
                kind.name,
                path.display(),
                at.display(),
                std::io::Error::from(e)
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, path, kind);
    Ok(())
}

/// Before any sign-in: refuse now when one of `profiles` holds long-term keys in the
/// credentials file at `path` (see "Long-term keys" in the parent module), so the refusal
/// costs no sign-in. [`write_profiles`] checks again under its lock; this early look takes
/// no lock and is skipped (`Ok`) with `force` (`--force-overwrite`) or when the file is
/// missing, not a regular file, unreadable, over 16 MiB or not UTF-8 (the writer reports
/// those or checks them itself).
///
/// Errors: the [`Error::Config`] refusal of [`write_profiles`], naming the profile and
/// `path`; the file is not changed.
pub fn refuse_long_term_keys(path: &Path, profiles: &[&str], force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    // A bounded read that never blocks on a FIFO (symlinks followed by the open).
    let Ok(Some(text)) = crate::fs::bounded::read_bounded(path, PRECHECK_CAP) else {
        return Ok(());
    };
    let doc = super::Doc::parse(&text);
    let file = format!("credentials file \"{}\"", path.display());
    super::long_term::check(&doc.sections(), profiles, false, &file)
}

fn io_err(what: &str, path: &Path, kind: FileKind, e: &std::io::Error) -> Error {
    Error::runtime(format!("{what} {} \"{}\": {e}", kind.name, path.display()))
}

/// Follow `path` through symlinks (at most 40) to the file that is really written. A missing
/// final target is fine (it will be created).
fn resolve_symlinks(path: &Path, kind: FileKind) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link =
                    fs::read_link(&p).map_err(|e| io_err("cannot read link", &p, kind, &e))?;
                p = if link.is_absolute() {
                    link
                } else {
                    dir_of(&p).join(link)
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(io_err("cannot inspect", &p, kind, &e)),
        }
    }
    Err(Error::runtime(format!(
        "{} \"{}\": too many levels of symbolic links",
        kind.name,
        path.display()
    )))
}

/// The metadata of the (symlink-resolved) `target` if it exists, `None` if it does not.
///
/// Errors: `credentials file "<path>" is not a regular file` for a directory, device, FIFO,
/// socket... (replacing one with a regular file, or reading a FIFO, must never happen);
/// other I/O errors name the path.
fn existing_regular_file(
    target: &Path,
    path: &Path,
    kind: FileKind,
) -> Result<Option<fs::Metadata>> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_file() => Ok(Some(meta)),
        Ok(_) => Err(Error::runtime(format!(
            "{} \"{}\" is not a regular file",
            kind.name,
            path.display()
        ))),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("cannot inspect", path, kind, &e)),
    }
}

/// The mode of the new file: an existing file's permission bits, else 0600.
fn file_mode(old: Option<&fs::Metadata>) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        old.map_or(0o600, |m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = old;
        0o600
    }
}

/// Refuse to replace a file that is read-only for its owner or has several hard links
/// (module doc). Errors name the path.
fn check_replaceable(meta: &fs::Metadata, path: &Path, kind: FileKind) -> Result<()> {
    #[cfg(unix)]
    {
        let mode = meta.mode() & 0o7777;
        if mode & 0o200 == 0 {
            return Err(Error::runtime(format!(
                "{} \"{}\" is read-only (mode {mode:04o}); not changing it \
                 (make it writable, e.g. 'chmod 600 {}', to let okta-aws-cli update it)",
                kind.name,
                path.display(),
                path.display()
            )));
        }
        if meta.nlink() > 1 {
            return Err(Error::runtime(format!(
                "{} \"{}\" has {} hard links; replacing it would leave the other \
                 links with the old contents, so it was not changed (remove the other links or \
                 use a symbolic link)",
                kind.name,
                path.display(),
                meta.nlink()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (meta, path, kind);
    Ok(())
}

/// Warning for a credentials file readable or writable by group or others (`mode` = its
/// permission bits); `None` for 0600 and stricter.
fn mode_warning(path: &Path, mode: u32) -> Option<String> {
    if !cfg!(unix) || mode & 0o077 == 0 {
        return None;
    }
    Some(format!(
        "WARNING: credentials file {} is accessible by other users (mode {:03o}); restrict it \
         with 'chmod 600 {}'",
        path.display(),
        mode & 0o777,
        path.display()
    ))
}

/// The (uid, gid) the written file must have: the old file's; for a new file written by
/// root, its directory's (so that a run as root in a user's HOME leaves a file the user owns);
/// otherwise `None` (the creator's, as usual).
fn owner_to_keep(old: Option<&fs::Metadata>, dir: &Path) -> Option<(u32, u32)> {
    #[cfg(unix)]
    {
        match old {
            Some(m) => Some((m.uid(), m.gid())),
            None if rustix::process::geteuid().is_root() => fs::metadata(dir)
                .ok()
                .map(|d| (d.uid(), d.gid()))
                .filter(|&(uid, _)| uid != 0),
            None => None,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (old, dir);
        None
    }
}

/// Give the lock file the credentials file's owner and group, so that the owner's own runs
/// can open it (best effort: a lock file root created in a user's directory would otherwise
/// lock the user out).
fn give_lock_to(lock: &File, owner: Option<(u32, u32)>) {
    #[cfg(unix)]
    if let (Some((uid, gid)), Ok(meta)) = (owner, lock.metadata())
        && (meta.uid(), meta.gid()) != (uid, gid)
    {
        let _ = std::os::unix::fs::fchown(lock, Some(uid), Some(gid));
    }
    #[cfg(not(unix))]
    let _ = (lock, owner);
}

/// Exclusively lock `lock_path` (created 0600), waiting at most [`LOCK_WAIT`]. The lock is
/// released when the returned file is dropped (or the process dies).
fn lock_exclusive(lock_path: &Path) -> Result<File> {
    match atomic_file::lock_exclusive(lock_path, LockWait::AtMost(LOCK_WAIT)) {
        Ok(file) => Ok(file),
        Err(LockError::TimedOut) => Err(Error::runtime(format!(
            "timed out after {} s waiting for the lock \"{}\" held by another okta-aws-cli",
            LOCK_WAIT.as_secs(),
            lock_path.display()
        ))),
        Err(LockError::Io(e)) => Err(Error::runtime(format!(
            "cannot lock \"{}\": {e}",
            lock_path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(id: &str) -> Credentials {
        Credentials {
            access_key_id: id.into(),
            secret_access_key: format!("secret-{id}"),
            session_token: format!("token/{id}+=="),
            expiration: "2024-05-01T13:00:00Z".into(),
        }
    }

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

    /// Python's configparser in strict mode, the parser botocore uses
    /// (`$OKTA_AWS_CLI_TEST_PYTHON` when scripts/test set it, else `python3`).
    /// Windows: not checked here (under wine the Linux Python cannot be started from a unit
    /// test; tests/e2e/concurrency.rs checks written files through the host runner).
    #[cfg(not(unix))]
    fn python_strict_parse(_path: &Path) -> std::result::Result<(), String> {
        Ok(())
    }

    #[cfg(unix)]
    fn python_strict_parse(path: &Path) -> std::result::Result<(), String> {
        let python = std::env::var("OKTA_AWS_CLI_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let out = std::process::Command::new(python)
            .arg("-c")
            .arg(
                "import configparser,sys;\
                 c=configparser.ConfigParser(strict=True,interpolation=None);\
                 c.read(sys.argv[1]);\
                 print('\\n'.join(c.sections()))",
            )
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn new_file_in_new_directory_has_private_modes_and_messages() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("nested/.aws/credentials");
        let report =
            write_profiles(&path, &[("okta-dev", &creds("A1"))], &Default::default()).unwrap();
        assert_eq!(
            report.messages,
            vec![format!(
                "Wrote profile \"okta-dev\" in credentials file \"{}\".",
                path.display()
            )]
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "[okta-dev]\naws_access_key_id = A1\naws_secret_access_key = secret-A1\n\
             aws_session_token = token/A1+==\n"
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&tmp.path().join("nested/.aws")), 0o700);
            assert_eq!(mode(&tmp.path().join("nested")), 0o700);
        }
        let again =
            write_profiles(&path, &[("okta-dev", &creds("A2"))], &Default::default()).unwrap();
        assert_eq!(
            again.messages,
            vec![format!(
                "Updated profile \"okta-dev\" in credentials file \"{}\".",
                path.display()
            )]
        );
        // The same credentials again (a cached answer): the file is not rewritten.
        let inode = |p: &Path| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                fs::metadata(p).unwrap().ino()
            }
            #[cfg(not(unix))]
            {
                fs::metadata(p).unwrap().len()
            }
        };
        let before = inode(&path);
        let same =
            write_profiles(&path, &[("okta-dev", &creds("A2"))], &Default::default()).unwrap();
        assert_eq!(
            same.messages,
            vec![format!(
                "Profile \"okta-dev\" in credentials file \"{}\" already holds these credentials.",
                path.display()
            )]
        );
        assert_eq!(inode(&path), before, "an atomic replace makes a new inode");
        // No temp files left behind; only the file and its lock.
        let mut names: Vec<String> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec![".credentials.lock", "credentials"]);
        python_strict_parse(&path).unwrap();
    }

    // Unix only: permission modes.
    #[cfg(unix)]
    #[test]
    fn existing_mode_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "[default]\nregion = x\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_profiles(&path, &[("p", &creds("A"))], &Default::default()).unwrap();
        assert_eq!(mode(&path), 0o640);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        write_profiles(&path, &[("p", &creds("B"))], &Default::default()).unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    // Unix only: symlinks (Windows needs a privilege to make them).
    #[cfg(unix)]
    #[test]
    fn symlink_is_written_through_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let real_dir = tmp.path().join("dotfiles");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("aws-credentials");
        fs::write(&real, "[default]\nregion = x\n").unwrap();
        let aws = tmp.path().join(".aws");
        fs::create_dir(&aws).unwrap();
        let link = aws.join("credentials");
        // Relative link, as dotfile managers create them.
        std::os::unix::fs::symlink("../dotfiles/aws-credentials", &link).unwrap();
        write_profiles(&link, &[("p", &creds("A"))], &Default::default()).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let text = fs::read_to_string(&real).unwrap();
        assert!(text.starts_with("[default]\nregion = x\n\n[p]\n"));
        assert!(text.contains("aws_access_key_id = A\n"));
        // A dangling link creates its target.
        let dangling = aws.join("other");
        std::os::unix::fs::symlink(real_dir.join("new-target"), &dangling).unwrap();
        write_profiles(&dangling, &[("p", &creds("B"))], &Default::default()).unwrap();
        assert!(
            fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::read_to_string(real_dir.join("new-target"))
                .unwrap()
                .contains("= B\n")
        );
    }

    #[test]
    fn eight_concurrent_writers_lose_no_update() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "# keep me\n[default]\nregion = eu-west-1\n").unwrap();
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for round in 0..5 {
                        let c = creds(&format!("ID{i}R{round}"));
                        write_profiles(&path, &[(&format!("p{i}"), &c)], &Default::default())
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# keep me\n[default]\nregion = eu-west-1\n"));
        for i in 0..8 {
            assert_eq!(text.matches(&format!("[p{i}]\n")).count(), 1, "{text}");
            assert!(text.contains(&format!("aws_access_key_id = ID{i}R4\n")));
        }
        python_strict_parse(&path).unwrap();
    }

    #[test]
    fn case_files_written_to_disk_parse_strictly() {
        let tmp = tempfile::tempdir().unwrap();
        for name in [
            "B23-credentials-duplicate.ini",
            "B24-credentials-comments.ini",
            "B26-credentials-profile-prefix.ini",
        ] {
            let path = tmp.path().join(name);
            // Written, not copied: the case files are read-only, which the writer refuses.
            fs::write(&path, fs::read(format!("{CASES}{name}")).unwrap()).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            }
            let strict_before = python_strict_parse(&path);
            let report =
                write_profiles(&path, &[("okta-dev", &creds("N"))], &Default::default()).unwrap();
            python_strict_parse(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            if name.starts_with("B23") {
                // Not on Windows: no Python check there (see python_strict_parse).
                assert!(
                    cfg!(not(unix)) || strict_before.is_err(),
                    "python must reject the B23 input"
                );
                assert!(
                    report.messages[0]
                        .starts_with("WARNING: profile \"okta-dev\" appeared 2 times")
                );
            }
            if name.starts_with("B26") {
                assert!(report.messages[0].contains("[profile okta-dev]"));
                assert!(report.messages[1].starts_with("Wrote profile"));
            }
        }
    }

    #[test]
    fn non_utf8_file_is_refused_and_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, b"[default]\nk = \xff\n").unwrap();
        let err = write_profiles(&path, &[("p", &creds("A"))], &Default::default()).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"));
        assert_eq!(fs::read(&path).unwrap(), b"[default]\nk = \xff\n");
    }

    /// Run `write_profiles` on a thread: a FIFO target must not block it forever.
    #[cfg(unix)] // Unix only: FIFOs
    fn write_within_10s(path: &Path) -> Result<WriteReport> {
        let (tx, rx) = std::sync::mpsc::channel();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let _ = tx.send(write_profiles(
                &path,
                &[("p", &creds("A"))],
                &Default::default(),
            ));
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("write_profiles hung on a special file")
    }

    #[cfg(unix)] // Unix only: used by the special-file tests
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    // Unix only: FIFOs.
    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_and_left_alone() {
        use std::os::unix::fs::FileTypeExt;
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let dir = tmp.path().join("a-directory");
        fs::create_dir(&dir).unwrap();
        let link = tmp.path().join("link-to-fifo");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        let before = names_in(tmp.path());
        for target in [&fifo, &dir, &link] {
            let err = write_within_10s(target).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "credentials file \"{}\" is not a regular file",
                    target.display()
                )
            );
            assert_eq!(err.exit_code(), 1);
        }
        // Nothing written: no lock or temp file, the FIFO still a FIFO, the link a link.
        assert_eq!(names_in(tmp.path()), before);
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(names_in(&dir).is_empty());
    }

    // Unix only: permission modes.
    #[cfg(unix)]
    #[test]
    fn new_file_is_0600_and_a_read_only_file_is_refused_unchanged() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        write_profiles(&path, &[("p", &creds("A"))], &Default::default()).unwrap();
        assert_eq!(mode(&path), 0o600);
        let before = fs::read(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        let err = write_profiles(&path, &[("p", &creds("B"))], &Default::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "credentials file \"{0}\" is read-only (mode 0400); not changing it (make it \
                 writable, e.g. 'chmod 600 {0}', to let okta-aws-cli update it)",
                path.display()
            )
        );
        assert_eq!(err.exit_code(), 1);
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_eq!(mode(&path), 0o400);
        // A fresh directory: refused before the lock file is created.
        let dir = tmp.path().join("ro");
        fs::create_dir(&dir).unwrap();
        let ro = dir.join("credentials");
        fs::write(&ro, "[default]\n").unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
        assert!(write_profiles(&ro, &[("p", &creds("B"))], &Default::default()).is_err());
        assert_eq!(names_in(&dir), vec!["credentials"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_linked_file_is_refused_not_split() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        let other = tmp.path().join("backup");
        fs::write(&path, "[default]\nregion = x\n").unwrap();
        fs::hard_link(&path, &other).unwrap();
        let err = write_profiles(&path, &[("p", &creds("A"))], &Default::default()).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "credentials file \"{}\" has 2 hard links; replacing it would leave",
                path.display()
            )),
            "{err}"
        );
        assert!(!err.to_string().contains('\n'));
        // Still one file with two names, unchanged; no lock file.
        assert_eq!(fs::metadata(&path).unwrap().nlink(), 2);
        assert_eq!(
            fs::read_to_string(&other).unwrap(),
            "[default]\nregion = x\n"
        );
        assert_eq!(names_in(tmp.path()), vec!["backup", "credentials"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_readable_by_others_gets_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "[default]\nregion = x\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let report = write_profiles(&path, &[("p", &creds("A"))], &Default::default()).unwrap();
        assert_eq!(
            report.messages[0],
            format!(
                "WARNING: credentials file {0} is accessible by other users (mode 644); \
                 restrict it with 'chmod 600 {0}'",
                path.display()
            )
        );
        assert_eq!(report.messages.len(), 2);
        assert_eq!(mode(&path), 0o644);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let report = write_profiles(&path, &[("p", &creds("B"))], &Default::default()).unwrap();
        assert_eq!(report.messages.len(), 1, "{:?}", report.messages);
    }

    /// Owner and group of a path.
    #[cfg(unix)]
    fn owner(path: &Path) -> (u32, u32) {
        let m = fs::metadata(path).unwrap();
        (m.uid(), m.gid())
    }

    #[cfg(unix)]
    #[test]
    fn owner_and_group_are_kept_when_root_replaces_the_file() {
        use std::os::unix::fs::PermissionsExt;
        if !rustix::process::geteuid().is_root() {
            eprintln!("SKIPPED: needs root to give files away");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let aws = tmp.path().join(".aws");
        fs::create_dir(&aws).unwrap();
        std::os::unix::fs::chown(&aws, Some(1234), Some(2345)).unwrap();
        let path = aws.join("credentials");
        fs::write(&path, "[default]\nregion = x\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&path, Some(1234), Some(1235)).unwrap();
        write_profiles(&path, &[("p", &creds("A"))], &Default::default()).unwrap();
        assert_eq!(owner(&path), (1234, 1235));
        assert_eq!(mode(&path), 0o600);
        // The lock file the root run created belongs to the user too.
        assert_eq!(owner(&aws.join(".credentials.lock")), (1234, 1235));
        assert!(fs::read_to_string(&path).unwrap().contains("= A\n"));
        // A new file written by root in the user's directory is the directory owner's.
        let fresh = aws.join("fresh");
        write_profiles(&fresh, &[("p", &creds("B"))], &Default::default()).unwrap();
        assert_eq!(owner(&fresh), (1234, 2345));
        assert_eq!(mode(&fresh), 0o600);
        assert_eq!(owner(&aws.join(".fresh.lock")), (1234, 2345));
    }

    #[test]
    fn long_term_keys_are_refused_and_the_file_is_left_byte_for_byte() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        let text = "[prod]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\n\
                    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n";
        fs::write(&path, text).unwrap();
        #[cfg(unix)]
        let inode = fs::metadata(&path).unwrap().ino();
        let file = format!("credentials file \"{}\"", path.display());
        let c = creds("ASIANEW");
        for profiles in [&["prod"][..], &["new", "prod"]] {
            let items: Vec<(&str, &Credentials)> = profiles.iter().map(|p| (*p, &c)).collect();
            let err = write_profiles(&path, &items, &Default::default()).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(
                err.to_string()
                    .starts_with(&format!("not overwriting profile \"prod\" in {file}: ")),
                "{err}"
            );
            let early = refuse_long_term_keys(&path, profiles, false).unwrap_err();
            assert_eq!(early, err, "the early check says the same");
            assert_eq!(fs::read(&path).unwrap(), text.as_bytes());
            #[cfg(unix)]
            assert_eq!(fs::metadata(&path).unwrap().ino(), inode, "not replaced");
        }
        // Nothing to refuse: another profile, --force-overwrite, no file, a directory.
        refuse_long_term_keys(&path, &["dev"], false).unwrap();
        refuse_long_term_keys(&path, &["prod"], true).unwrap();
        refuse_long_term_keys(&tmp.path().join("missing"), &["prod"], false).unwrap();
        refuse_long_term_keys(tmp.path(), &["prod"], false).unwrap();
        // With --force-overwrite the profile is replaced, with a warning.
        let opts = UpsertOptions {
            force_overwrite: true,
            ..Default::default()
        };
        let report = write_profiles(&path, &[("prod", &creds("ASIANEW"))], &opts).unwrap();
        let forced = report
            .messages
            .iter()
            .filter(|m| m.contains("--force-overwrite"));
        assert_eq!(forced.count(), 1, "{report:?}");
        assert!(
            report
                .messages
                .last()
                .is_some_and(|m| m.starts_with("Updated profile \"prod\"")),
            "{report:?}"
        );
        let after = fs::read_to_string(&path).unwrap();
        assert!(
            !after.contains("AKIA") && after.contains("ASIANEW"),
            "{after}"
        );
        // Session keys are replaced without the flag.
        write_profiles(&path, &[("prod", &creds("ASIANEWER"))], &Default::default()).unwrap();
        python_strict_parse(&path).unwrap();
    }

    #[test]
    fn many_profiles_in_one_write() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        let a = creds("A");
        let b = creds("B");
        let report = write_profiles(
            &path,
            &[("org-idp-role1", &a), ("org-idp-team/Admin", &b)],
            &Default::default(),
        )
        .unwrap();
        assert_eq!(report.messages.len(), 2);
        assert_eq!(report.profiles.len(), 2);
        python_strict_parse(&path).unwrap();
    }
}
