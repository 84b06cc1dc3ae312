use super::*;

fn record(key: &str, at_ms: u64) -> FailureRecord {
    let denied = Error::Okta {
        code: Some("access_denied".into()),
        message: "the device authorization was denied in the browser".into(),
    };
    FailureRecord::of(key, "ABCD-EFGH", &denied, at_ms).unwrap()
}

#[test]
fn a_record_answers_only_waiters_of_its_key_that_began_before_it() {
    let r = record("k", 1_000);
    assert!(r.answers("k", 900, 1_100));
    assert!(r.answers("k", 1_000, 1_000));
    assert!(!r.answers("other", 900, 1_100), "another key");
    assert!(
        !r.answers("k", 1_001, 1_100),
        "written before the wait began"
    );
    // Dated after the reader's clock: the clock was moved back; ignored, not obeyed.
    assert!(!r.answers("k", 900, 999));
    assert!(!r.answers("k", 0, 0));
}

#[test]
fn records_keep_the_kind_and_code_and_skip_this_runs_own_errors() {
    let okta = record("k", 1);
    assert_eq!(
        (okta.kind, okta.code.as_deref()),
        (FailureKind::Okta, Some("access_denied"))
    );
    let e = okta.to_error();
    assert_eq!(e.okta_code(), Some("access_denied"));
    assert!(
        e.to_string()
            .starts_with("the device authorization was denied in the browser ")
    );
    assert!(e.to_string().ends_with(WAITED_NOTE));
    let aws = Error::Aws {
        code: "AccessDenied".into(),
        message: "sts: AccessDenied: no".into(),
    };
    let back = FailureRecord::of("k", "", &aws, 1).unwrap().to_error();
    assert_eq!(back.aws_code(), Some("AccessDenied"));
    assert_eq!(back.exit_code(), 1);
    let rt = FailureRecord::of("k", "", &Error::runtime("timeout"), 1).unwrap();
    assert!(matches!(rt.to_error(), Error::Runtime(m) if m.starts_with("timeout ")));
    for own in [
        Error::config("cannot read private key file k"),
        Error::usage("bad flag"),
        Error::Interrupted,
        Error::ChildExit(3),
    ] {
        assert_eq!(FailureRecord::of("k", "", &own, 1), None, "{own:?}");
    }
}

#[test]
fn stored_records_are_private_and_read_back_within_their_window() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("cache/abc.json");
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    let now = crate::clock::unix_now_ms();
    store_failure(&entry, &record("k", now)).unwrap();
    assert_eq!(failure_path(&entry), dir.path().join("cache/abc.failed"));
    assert_eq!(
        load_failure(&entry, "k", now - 10, now + 10),
        Some(record("k", now))
    );
    assert_eq!(load_failure(&entry, "k", now + 1, now + 10), None);
    assert_eq!(load_failure(&entry, "other", now - 10, now + 10), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(failure_path(&entry))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    remove_failure(&entry);
    assert!(!failure_path(&entry).exists());
    remove_failure(&entry);
}

/// The clock was moved back after the record was written: a record dated an hour ahead is
/// ignored by a run that began waiting now.
#[test]
fn a_record_dated_in_the_future_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("abc.json");
    let now = crate::clock::unix_now_ms();
    store_failure(&entry, &record("k", now + 3_600_000)).unwrap();
    assert_eq!(
        load_failure(&entry, "k", now, crate::clock::unix_now_ms()),
        None
    );
}

// Unix only: symlinks and modes.
#[cfg(unix)]
#[test]
fn symlinked_or_shared_records_are_ignored_and_their_targets_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("abc.json");
    let now = crate::clock::unix_now_ms();
    // A valid record elsewhere, planted as a symlink at the record's path.
    let elsewhere = dir.path().join("elsewhere.json");
    let text = serde_json::to_string(&record("k", now)).unwrap();
    std::fs::write(&elsewhere, &text).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, failure_path(&entry)).unwrap();
    assert_eq!(load_failure(&entry, "k", now - 10, now + 10), None);
    // Writing a record replaces the symlink itself.
    store_failure(&entry, &record("k", now + 1)).unwrap();
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), text);
    assert!(
        std::fs::symlink_metadata(failure_path(&entry))
            .unwrap()
            .is_file()
    );
    // Readable by others: ignored.
    std::fs::set_permissions(failure_path(&entry), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(load_failure(&entry, "k", now - 10, now + 10), None);
}

#[test]
fn the_lock_is_exclusive_and_refuses_a_planted_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("new/abc.json");
    let lock = |entry: &Path, wait, on_wait: &mut dyn FnMut(&Path)| {
        super::lock(entry, Cache::AwsCredentials, wait, on_wait)
    };
    let held = lock(&entry, Duration::ZERO, &mut |_| panic!("free")).unwrap();
    let mut told = Vec::new();
    let second = lock(&entry, Duration::from_millis(60), &mut |p| {
        told.push(p.to_path_buf())
    });
    let Err(LockFailure::TimedOut(m)) = &second else {
        panic!("{second:?}")
    };
    assert!(
        m.contains("AWS credential cache lock") && m.contains("abc.lock"),
        "{m}"
    );
    assert_eq!(told, [lock_path(&entry)]);
    drop(held);
    // Free again. A short wait, not none: a child that another test forks right now holds
    // a copy of the descriptor (and so the lock) until its exec.
    assert!(lock(&entry, Duration::from_secs(10), &mut |_| {}).is_ok());
    #[cfg(unix)]
    {
        let victim = dir.path().join("victim");
        let planted = dir.path().join("new/planted.json");
        std::os::unix::fs::symlink(&victim, lock_path(&planted)).unwrap();
        let e = super::lock(&planted, Cache::AccessToken, Duration::ZERO, |_| {
            panic!("not busy")
        })
        .unwrap_err();
        assert!(
            matches!(&e, LockFailure::Unusable(m) if m.contains("symbolic link")),
            "{e:?}"
        );
        assert!(e.message().starts_with("cannot lock token cache "), "{e:?}");
        assert!(!victim.exists(), "the lock was created through the symlink");
    }
}
