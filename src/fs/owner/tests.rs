use super::*;

// Unix only: file owners (uid, gid) and root runs exist on Unix; on Windows `/home/u` is not
// even an absolute path.
#[cfg(unix)]
#[test]
fn home_owner_covers_paths_under_home_only() {
    assert_eq!(
        HomeOwner::new(Path::new("/home/u"), 0, 0),
        None,
        "root's HOME"
    );
    assert_eq!(HomeOwner::new(Path::new("rel/home"), 1000, 1000), None);
    let owner = HomeOwner::new(Path::new("/nonexistent-home/u"), 1000, 1001).unwrap();
    assert!(owner.covers(Path::new("/nonexistent-home/u/.okta/x.lock")));
    assert!(owner.covers(Path::new("/nonexistent-home/u")));
    assert!(!owner.covers(Path::new("/nonexistent-home/u2/.okta")));
    assert!(!owner.covers(Path::new("/etc/passwd")));
    assert_eq!((owner.uid, owner.gid), (1000, 1001));
}

/// Whether this test process may chown: root. Not root: skipped with a line on stderr,
/// except under `CI=true` (CI runs as root), where it fails.
#[cfg(unix)]
pub(crate) fn root_or_skip(test: &str) -> bool {
    if rustix::process::geteuid().is_root() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "{test} needs root (euid 0), which CI=true runs have");
    eprintln!("SKIPPED: {test}: needs root (euid 0) to chown files to another user");
    false
}

/// The one test of this binary that adopts a HOME (the setting is per process): a temp
/// HOME owned by uid 12345 gets back every directory and file created under it; an
/// existing file keeps its owner; a path outside HOME stays root's.
#[cfg(unix)]
#[test]
fn a_root_run_gives_what_it_creates_under_home_to_homes_owner() {
    use super::super::{atomic_file, private};
    use std::os::unix::fs::MetadataExt;
    if !root_or_skip("a_root_run_gives_what_it_creates_under_home_to_homes_owner") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(12345), Some(23456)).unwrap();
    let outside = tmp.path().join("outside");
    adopt_home(&home);
    assert_eq!(for_new(&home.join(".okta")), Some((12345, 23456)));
    assert_eq!(for_new(&outside), None);
    assert!(is_own(12345) && is_own(0) && !is_own(54321));

    let dir = home.join(".okta/cache/deeper");
    atomic_file::create_private_dirs(&dir).unwrap();
    atomic_file::replace(&dir.join("e.json"), b"{}", 0o600).unwrap();
    drop(atomic_file::lock_exclusive(&dir.join("e.lock"), atomic_file::LockWait::Forever).unwrap());
    // What the caches' lock and failure record (`cache::single_flight`) make with these.
    drop(private::open_lock(&dir.join("f.lock"), true).unwrap());
    atomic_file::replace(&dir.join("e.failed"), b"{}", 0o600).unwrap();
    // An existing file (root's) keeps its owner when it is locked.
    let existing = dir.join("existing.lock");
    std::fs::write(&existing, "").unwrap();
    std::fs::set_permissions(
        &existing,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    std::os::unix::fs::chown(&existing, Some(0), Some(0)).unwrap();
    drop(atomic_file::lock_exclusive(&existing, atomic_file::LockWait::Forever).unwrap());

    let owner = |p: &Path| {
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.uid(), m.gid())
    };
    for p in [
        home.join(".okta"),
        home.join(".okta/cache"),
        dir.clone(),
        dir.join("e.json"),
        dir.join("e.lock"),
        dir.join("f.lock"),
        dir.join("e.failed"),
    ] {
        assert_eq!(owner(&p), (12345, 23456), "{}", p.display());
    }
    assert_eq!(owner(&existing), (0, 0));
    // Outside HOME: the creator's.
    atomic_file::create_private_dirs(&outside.join("d")).unwrap();
    atomic_file::replace(&outside.join("d/f"), b"x", 0o600).unwrap();
    assert_eq!(owner(&outside.join("d")), (0, 0));
    assert_eq!(owner(&outside.join("d/f")), (0, 0));
}
