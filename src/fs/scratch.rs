//! I/O: a short-lived private file holding a secret that another program of the same user
//! must read by its path: the page that takes a browser to the AWS console sign-in URL
//! (README "Outputs"), so the URL itself never appears on a command line.
//!
//! Where: a new directory `okta-aws-cli-<16 random hex digits>` in the system's temporary
//! directory (`std::env::temp_dir`: `TMPDIR` or `/tmp` on Unix, the user's `%TEMP%` on
//! Windows), made with mode 0700, holding one file of mode 0600. Why there and not under
//! `~/.okta`: the file lives for seconds, and the temporary directory is meant for that
//! (often in memory, emptied at boot if a run is killed before it cleans up), while HOME
//! may be a network share or be backed up. The temporary directory being shared by all
//! users does not matter: the directory is created fresh (`mkdir` fails on any existing
//! name, a planted symlink included, and a new random name is tried), so only this process
//! can have made it, and no other user can look inside or rename it in a sticky `/tmp`.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

/// A private file in a fresh private directory; both are removed when it is dropped.
#[derive(Debug)]
pub struct ScratchFile {
    dir: PathBuf,
    path: PathBuf,
}

impl ScratchFile {
    /// Write `bytes` to `<temp dir>/okta-aws-cli-<random>/<name>` (directory 0700, file
    /// 0600 on Unix; see the module docs). `name` is a plain file name.
    ///
    /// Errors: the temporary directory cannot take a new directory (after 8 random names),
    /// no randomness, or the file cannot be written (then nothing is left behind).
    pub fn create(name: &str, bytes: &[u8]) -> std::io::Result<ScratchFile> {
        let dir = fresh_dir(&std::env::temp_dir())?;
        let path = dir.join(name);
        let file = ScratchFile { dir, path };
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&file.path)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(file)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchFile {
    /// Remove the file, then its directory (best effort: errors are ignored).
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = fs::remove_dir(&self.dir);
    }
}

/// Create a new directory `okta-aws-cli-<16 hex>` in `root` with mode 0700 (Unix), trying
/// up to 8 random names while one exists already.
fn fresh_dir(root: &Path) -> std::io::Result<PathBuf> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    let mut last = None;
    for _ in 0..8 {
        let mut random = [0u8; 8];
        getrandom::getrandom(&mut random).map_err(|e| std::io::Error::other(e.to_string()))?;
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let dir = root.join(format!("okta-aws-cli-{hex}"));
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no directory name was free")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_private_and_removed_on_drop() {
        let file = ScratchFile::create("page.html", b"<p>x</p>").unwrap();
        let path = file.path().to_path_buf();
        let dir = path.parent().unwrap().to_path_buf();
        assert_eq!(fs::read(&path).unwrap(), b"<p>x</p>");
        assert!(
            dir.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("okta-aws-cli-")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        // Two files never share a directory.
        let other = ScratchFile::create("page.html", b"y").unwrap();
        assert_ne!(other.path().parent(), Some(dir.as_path()));
        drop(file);
        assert!(!path.exists() && !dir.exists());
        drop(other);
    }

    #[test]
    fn an_existing_name_is_never_reused() {
        let root = tempfile::tempdir().unwrap();
        let first = fresh_dir(root.path()).unwrap();
        let second = fresh_dir(root.path()).unwrap();
        assert_ne!(first, second);
        // A root that cannot take a directory is an error, not a loop.
        let not_a_dir = root.path().join("file");
        fs::write(&not_a_dir, b"").unwrap();
        assert!(fresh_dir(&not_a_dir).is_err());
    }
}
