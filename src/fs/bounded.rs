//! I/O: reading small local files (okta.yaml, `.env`, private keys, token caches, CA
//! bundles) without ever blocking or exhausting memory on a hostile path (issue 11 point 4).
//!
//! [`read_bounded`] opens the path without blocking (`O_NONBLOCK` on Unix, so a FIFO's open
//! returns at once), checks the metadata of the opened handle (not of the path, so a swap
//! between the check and the open changes nothing) and reads at most `cap + 1` bytes: a
//! FIFO, socket or device (`/dev/zero` behind a symlink) or a file larger than the cap is an
//! error, returned within the time of one `open` and one `fstat`.

use std::fs::{File, OpenOptions};
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// Cap for configuration and secret files: okta.yaml, `.env`, `--private-key-file`, the
/// access-token cache (1 MiB).
pub const SMALL_FILE_CAP: u64 = 1024 * 1024;
/// Cap for PEM bundles of trusted roots (`SSL_CERT_FILE`, `AWS_CA_BUNDLE`): 16 MiB.
pub const CA_BUNDLE_CAP: u64 = 16 * 1024 * 1024;

/// What kind of file a non-regular path is, for messages (`a FIFO`, `a directory`...).
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// `cap` bytes in words: `1 MiB`, `16 MiB`, or `N bytes`.
fn cap_label(cap: u64) -> String {
    if cap >= 1024 * 1024 && cap.is_multiple_of(1024 * 1024) {
        format!("{} MiB", cap / (1024 * 1024))
    } else {
        format!("{cap} bytes")
    }
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO's open would otherwise wait for a writer; regular files ignore the flag.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// The bytes of the regular file at `path` (symlinks followed), at most `cap` of them.
///
/// `Ok(None)` when the path does not exist. Errors ([`ErrorKind::InvalidInput`] with a
/// message fit to follow `cannot read <path>: `): `is a FIFO, not a regular file`, `is
/// larger than 1 MiB`, and any I/O error of the open or the read (permission denied...).
pub fn read_bounded_bytes(path: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = match open_nonblocking(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        // Windows refuses to open a directory ("Access denied"): name what it is instead.
        Err(e) => {
            return Err(match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => Error::new(
                    ErrorKind::InvalidInput,
                    format!("is {}, not a regular file", kind_of(&meta)),
                ),
                _ => e,
            });
        }
    };
    let meta = file.metadata()?;
    read_opened(file, &meta, cap).map(Some)
}

/// The bytes of `file`, already opened, whose metadata (of the descriptor) is `meta`: at
/// most `cap` of them. Errors as [`read_bounded_bytes`]: `is a FIFO, not a regular file`,
/// `is larger than 1 MiB`, or the read's I/O error.
pub fn read_opened(file: File, meta: &std::fs::Metadata, cap: u64) -> std::io::Result<Vec<u8>> {
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("is {}, not a regular file", kind_of(meta)),
        ));
    }
    let too_big = || {
        Error::new(
            ErrorKind::InvalidInput,
            format!("is larger than {}", cap_label(cap)),
        )
    };
    if meta.len() > cap {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the fstat and the read: never read more than cap + 1.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(bytes)
}

/// [`read_bounded_bytes`] as UTF-8 text; not UTF-8 is an [`ErrorKind::InvalidData`] error
/// (`is not UTF-8 text`).
pub fn read_bounded(path: &Path, cap: u64) -> std::io::Result<Option<String>> {
    match read_bounded_bytes(path, cap)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::new(ErrorKind::InvalidData, "is not UTF-8 text")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_absent_and_caps() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        assert_eq!(read_bounded(&p, 10).unwrap(), None);
        std::fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap().as_deref(), Some("0123456789"));
        let e = read_bounded(&p, 9).unwrap_err();
        assert_eq!(e.to_string(), "is larger than 9 bytes");
        std::fs::write(&p, vec![0u8; 2 * 1024 * 1024]).unwrap();
        let e = read_bounded(&p, SMALL_FILE_CAP).unwrap_err();
        assert_eq!(e.to_string(), "is larger than 1 MiB");
        std::fs::write(&p, b"\xff").unwrap();
        assert!(
            read_bounded(&p, 10)
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
        let e = read_bounded(dir.path(), 10).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn fifo_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            // Would block forever in open() without O_NONBLOCK (no writer).
            let e = read_bounded(&fifo, 10).unwrap_err();
            assert_eq!(e.to_string(), "is a FIFO, not a regular file");
        }
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_bounded(&link, 10).unwrap_err();
        assert_eq!(e.to_string(), "is a character device, not a regular file");
    }
}
