//! Issue 19 part 5: the AWS credential cache does not rely on its directory being private.
//!
//! Files planted in `~/.okta/awscli-credentials` (a symlink as the entry or as the lock, an
//! entry others may read, another user's entry, an oversized file for `--clear-cache`) are
//! refused or ignored with a warning as a damaged entry is, and whatever a symlink points
//! at is left untouched. End to end with `m2m` (no human step) against the simulated org.

// Unix only: symlinks, modes and owners.
#![cfg(unix)]

use crate::support;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use support::{SimOrg, run};

const PROCESS: [&str; 2] = ["--format", "process-credentials"];
const IGNORING: &str = "WARNING: ignoring the cached AWS credentials";

fn token_requests(org: &SimOrg) -> usize {
    org.requests_to("m2m-token").len()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// A file's content, mode and owner, to show it was left alone.
fn snapshot(path: &Path) -> (Vec<u8>, u32, u32) {
    let m = std::fs::symlink_metadata(path).unwrap();
    (std::fs::read(path).unwrap(), m.mode(), m.uid())
}

/// An org with one cached entry (first run done); the entry's path.
fn seeded() -> Option<(SimOrg, PathBuf)> {
    let org = SimOrg::start(support::b15_scenario())?;
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    let entry = org.only_cache_file("json");
    Some((org, entry))
}

/// The entry is a symlink to a valid entry elsewhere: not followed (a warning, a new
/// sign-in), the symlink is replaced by a regular 0600 file, its target stays as it was.
#[test]
fn a_symlinked_entry_is_not_followed() {
    let Some((org, entry)) = seeded() else { return };
    let elsewhere = org.home().join("planted.json");
    std::fs::rename(&entry, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &entry).unwrap();
    let before = snapshot(&elsewhere);
    let out = run(org.m2m_b15().args(PROCESS));
    out.expect_code(0);
    assert!(
        out.stderr.contains(IGNORING) && out.stderr.contains("symbolic link"),
        "{}",
        out.stderr
    );
    assert_eq!(token_requests(&org), 2);
    assert!(std::fs::symlink_metadata(&entry).unwrap().is_file());
    assert_eq!(mode(&entry), 0o600);
    assert_eq!(snapshot(&elsewhere), before);
}

/// A symlink planted as the lock file, dangling or to an existing file: the lock is
/// unusable (a warning, the credentials still delivered), and nothing is written through
/// it: the dangling target is not created, the existing one keeps content, mode and owner.
#[test]
fn a_symlinked_lock_is_never_written_through() {
    let Some((org, entry)) = seeded() else { return };
    let lock = org.only_cache_file("lock");
    let victim = org.home().join("victim");
    for existing in [false, true] {
        std::fs::remove_file(&entry).unwrap();
        std::fs::remove_file(&lock).unwrap();
        if existing {
            std::fs::write(&victim, "keep me\n").unwrap();
            std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        std::os::unix::fs::symlink(&victim, &lock).unwrap();
        let before = existing.then(|| snapshot(&victim));
        let out = run(org.m2m_b15().args(PROCESS));
        out.expect_code(0);
        assert!(
            out.stderr
                .contains("WARNING: cannot lock the AWS credential cache")
                && out.stderr.contains("symbolic link"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.contains("AccessKeyId"), "{}", out.stdout);
        match before {
            Some(before) => assert_eq!(snapshot(&victim), before),
            None => assert!(!victim.exists(), "the lock was created through the symlink"),
        }
        // Without the lock nothing was stored; put an entry back for the next round.
        assert!(!entry.exists());
        std::fs::remove_file(&lock).unwrap();
        run(org.m2m_b15().args(PROCESS)).expect_code(0);
    }
}

/// An entry others may read (0644): ignored with a warning and replaced by a 0600 one.
#[test]
fn an_entry_others_may_read_is_not_used() {
    let Some((org, entry)) = seeded() else { return };
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(org.m2m_b15().args(PROCESS));
    out.expect_code(0);
    assert!(
        out.stderr.contains(IGNORING) && out.stderr.contains("other users may read it"),
        "{}",
        out.stderr
    );
    assert_eq!(token_requests(&org), 2);
    assert_eq!(mode(&entry), 0o600);
}

/// Another user's entry (the test chowns it: root only): ignored with a warning, replaced.
#[test]
fn another_users_entry_is_not_used() {
    if !rustix::process::geteuid().is_root() {
        let _ = support::missing::<()>("another_users_entry_is_not_used: needs root to chown");
        return;
    }
    let Some((org, entry)) = seeded() else { return };
    std::os::unix::fs::chown(&entry, Some(54321), Some(54321)).unwrap();
    let out = run(org.m2m_b15().args(PROCESS));
    out.expect_code(0);
    assert!(
        out.stderr.contains(IGNORING) && out.stderr.contains("owned by another user"),
        "{}",
        out.stderr
    );
    assert_eq!(token_requests(&org), 2);
    assert_eq!(std::fs::metadata(&entry).unwrap().uid(), 0);
}

/// `--clear-cache` reads files bounded (1 MiB): an oversized JSON file naming the org is
/// no entry and stays; the real entry goes.
#[test]
fn clear_cache_reads_bounded() {
    let Some((org, entry)) = seeded() else { return };
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).unwrap()).unwrap();
    let big = org.credential_cache_dir().join("big.json");
    let text = serde_json::json!({"org": stored["org"], "pad": "x".repeat(2 * 1024 * 1024)});
    std::fs::write(&big, text.to_string()).unwrap();
    std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(org.m2m_b15().arg("--clear-cache"));
    out.expect_code(0);
    assert!(
        out.stderr.contains("Removed 1 cached AWS credential"),
        "{}",
        out.stderr
    );
    assert!(!entry.exists());
    assert!(big.exists());
}
