use super::*;

#[cfg(unix)]
fn write_mode(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn absent_files_are_none_and_private_ones_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.json");
    assert!(read(&path, 10).unwrap().is_none());
    let lock = open_lock(&dir.path().join("e.lock"), true).unwrap();
    drop(lock);
    #[cfg(unix)]
    {
        write_mode(&path, "{}", 0o600);
        assert_eq!(read(&path, 10).unwrap().unwrap(), b"{}");
        let e = read(&path, 1).unwrap_err();
        assert_eq!(describe(&e), "it is larger than 1 bytes");
        assert_eq!(mode_of(&dir.path().join("e.lock")), 0o600);
        // An existing lock file is opened again, not replaced.
        assert!(open_lock(&dir.path().join("e.lock"), true).is_ok());
    }
}

// Unix only: O_NOFOLLOW, modes and owners.
#[cfg(unix)]
#[test]
fn symlinks_are_refused_and_their_targets_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    write_mode(&target, "{\"secret\":1}", 0o600);
    let link = dir.path().join("e.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let e = read(&link, 1024).unwrap_err();
    assert_eq!(describe(&e), "it is a symbolic link, not a regular file");
    // A lock file planted as a symlink: to an existing file, and dangling.
    let e = open_lock(&link, true).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    let e = open_lock(&link, false).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap(), b"{\"secret\":1}");
    assert_eq!(mode_of(&target), 0o600);
    let missing = dir.path().join("would-be-created");
    let dangling = dir.path().join("x.lock");
    std::os::unix::fs::symlink(&missing, &dangling).unwrap();
    for checked in [true, false] {
        let e = open_lock(&dangling, checked).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
    }
    assert!(!missing.exists(), "a lock was created through a symlink");
}

#[cfg(unix)]
#[test]
fn group_or_other_bits_and_special_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.json");
    for (mode, why) in [
        (
            0o644,
            "it has mode 0644: other users may read it (expected 0600)",
        ),
        (
            0o640,
            "it has mode 0640: other users may read it (expected 0600)",
        ),
        (
            0o620,
            "it has mode 0620: other users may write it (expected 0600)",
        ),
        (
            0o666,
            "it has mode 0666: other users may write it (expected 0600)",
        ),
    ] {
        write_mode(&path, "{}", mode);
        assert_eq!(describe(&read(&path, 10).unwrap_err()), why);
        assert_eq!(describe(&open_lock(&path, true).unwrap_err()), why);
        // The credentials file's lock checks the kind of file only.
        assert!(open_lock(&path, false).is_ok());
    }
    std::fs::remove_file(&path).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    // Would block in open() without O_NONBLOCK (no writer).
    let e = read(&path, 10).unwrap_err();
    assert_eq!(describe(&e), "it is a FIFO, not a regular file");
    let e = open_lock(&path, false).unwrap_err();
    assert_eq!(describe(&e), "it is a FIFO, not a regular file");
    let e = read(dir.path(), 10).unwrap_err();
    assert!(describe(&e).contains("directory"), "{e}");
}

#[cfg(unix)]
#[test]
fn another_users_file_is_refused() {
    if !crate::fs::owner::tests::root_or_skip("another_users_file_is_refused") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.json");
    write_mode(&path, "{}", 0o600);
    std::os::unix::fs::chown(&path, Some(54321), Some(54321)).unwrap();
    let want = "it is owned by another user (uid 54321)";
    assert_eq!(describe(&read(&path, 10).unwrap_err()), want);
    assert_eq!(describe(&open_lock(&path, true).unwrap_err()), want);
    assert_eq!(std::fs::read(&path).unwrap(), b"{}");
}
