//! I/O: who owns what the tool creates under HOME.
//!
//! A run as root with a user's HOME (`sudo -E okta-aws-cli ...`) must leave every directory
//! and file it creates there (`~/.okta`, the cache folders and their entries, locks and
//! failure records, `~/.aws` and a new credentials file) owned by HOME's owner. Otherwise the
//! user's own runs can no longer open them. Existing files keep their owner.
//!
//! The app calls [`adopt_home`] once, after reading its configuration. From then on
//! [`for_new`] says which (uid, gid) a path created under HOME must be given, and
//! [`give_file`] / [`give_dir`] apply it right after the creation, on a descriptor, never
//! through a path that could have been swapped for a symlink meanwhile. [`is_own`] says
//! whose files count as the user's own when a cache file is checked
//! ([`super::private`]). Nothing changes when the process is not root, when HOME is root's,
//! or on systems without Unix owners.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// HOME of a run as root whose HOME directory belongs to another user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeOwner {
    /// HOME as configured, and its canonical form when that differs (paths are compared
    /// by prefix with both).
    homes: Vec<PathBuf>,
    /// The uid of the HOME directory.
    pub uid: u32,
    /// The gid of the HOME directory.
    pub gid: u32,
}

impl HomeOwner {
    /// `Some` when the effective uid is 0 (root) and `home` is a directory owned by another
    /// uid; `None` otherwise (not root, HOME owned by root, HOME missing, not Unix).
    pub fn probe(home: &Path) -> Option<HomeOwner> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if !rustix::process::geteuid().is_root() {
                return None;
            }
            let meta = std::fs::metadata(home).ok().filter(|m| m.is_dir())?;
            Self::new(home, meta.uid(), meta.gid())
        }
        #[cfg(not(unix))]
        {
            let _ = home;
            None
        }
    }

    /// The owner `uid`/`gid` of `home` (its canonical form is looked up); `None` when `uid`
    /// is 0 (root's own HOME needs nothing) or `home` is not absolute.
    pub fn new(home: &Path, uid: u32, gid: u32) -> Option<HomeOwner> {
        if uid == 0 || !home.is_absolute() {
            return None;
        }
        let mut homes = vec![home.to_path_buf()];
        if let Ok(canonical) = std::fs::canonicalize(home)
            && canonical != home
        {
            homes.push(canonical);
        }
        Some(HomeOwner { homes, uid, gid })
    }

    /// Whether `path` lies under HOME (compared by path components, not resolved).
    pub fn covers(&self, path: &Path) -> bool {
        self.homes.iter().any(|h| path.starts_with(h))
    }
}

static HOME_OWNER: OnceLock<Option<HomeOwner>> = OnceLock::new();

/// Record the run's HOME ([`HomeOwner::probe`]). Only the first call counts: the process
/// has one HOME.
pub fn adopt_home(home: &Path) {
    let _ = HOME_OWNER.set(HomeOwner::probe(home));
}

/// The adopted HOME's owner, when this is a root run with another user's HOME.
pub fn home_owner() -> Option<&'static HomeOwner> {
    HOME_OWNER.get().and_then(Option::as_ref)
}

/// The (uid, gid) a file or directory created now at `path` must be given: HOME's owner
/// when `path` is under the adopted HOME of a root run; `None` (the creator's) otherwise.
pub fn for_new(path: &Path) -> Option<(u32, u32)> {
    home_owner()
        .filter(|h| h.covers(path))
        .map(|h| (h.uid, h.gid))
}

/// Whether a file owned by `uid` counts as the user's own: the effective uid's, or in a
/// root run HOME's owner's. Always true where files have no Unix owner.
pub fn is_own(uid: u32) -> bool {
    #[cfg(unix)]
    {
        uid == rustix::process::geteuid().as_raw() || home_owner().is_some_and(|h| h.uid == uid)
    }
    #[cfg(not(unix))]
    {
        let _ = uid;
        true
    }
}

/// Give `file`, just created at `path`, the owner of [`for_new`] (`fchown` on the open
/// descriptor). Nothing to do outside HOME or when it already has that owner.
pub fn give_file(file: &File, path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some((uid, gid)) = for_new(path) {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata()?;
        if (meta.uid(), meta.gid()) != (uid, gid) {
            std::os::unix::fs::fchown(file, Some(uid), Some(gid))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}

/// Give the directory `dir`, just created, the owner of [`for_new`]. The directory is
/// opened without following a symlink (`O_NOFOLLOW | O_DIRECTORY`) and changed through
/// that descriptor, so a symlink put in its place cannot redirect the change.
pub fn give_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if for_new(dir).is_some() {
        use std::os::unix::fs::OpenOptionsExt;
        let handle = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(dir)?;
        give_file(&handle, dir)?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

// Unix only: file owners (uid, gid) and root runs exist on Unix alone.
#[cfg(all(test, unix))]
pub(crate) mod tests;
