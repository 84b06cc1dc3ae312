//! Issue 19 part 4: the AWS credential cache shares a failed sign-in too.
//!
//! Parallel runs with the same settings wait on the entry's lock. When the run holding it
//! fails (the org denies the device authorization, STS answers 403), it records the
//! failure beside the entry before releasing the lock, and the runs that waited fail with
//! that reason: one device authorization or one token request and STS call in all, not
//! one per run.
//!
//! To make "every run waits" certain rather than a matter of timing, a first run creates
//! the lock file, then the test holds that lock while it starts the parallel runs, and
//! releases it once each of them has said on stderr that it waits.

use crate::support;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Output, SimOrg, run};

const RUNS: usize = 16;
const WAITING: &str = "waiting for another okta-aws-cli run to get these AWS credentials";
const WAITED_NOTE: &str = "which this one waited for, failed";
const PROCESS: [&str; 2] = ["--format", "process-credentials"];
const WEB_CLIENT: &str = "0oaWEBflightclient";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";

/// Hold the lock file `lock` while `cmds` start; release it once each has said on stderr
/// that it waits (at most 60 s); then their outputs, each run bounded by
/// [`support::RUN_TIMEOUT`]. `between` runs while the lock is still held.
fn with_lock_held(lock: &Path, cmds: Vec<Command>, between: impl FnOnce()) -> Vec<Output> {
    let holder = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(lock)
        .expect("open the lock file");
    holder.lock().expect("lock");
    let (tx, rx) = mpsc::channel();
    let mut runs = Vec::new();
    for mut cmd in cmds {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary under test");
        let mut out = child.stdout.take().expect("stdout");
        let out = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let err = BufReader::new(child.stderr.take().expect("stderr"));
        let tx = tx.clone();
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            for line in err.lines().map_while(Result::ok) {
                if line.contains(WAITING) {
                    let _ = tx.send(());
                }
                text.push_str(&line);
                text.push('\n');
            }
            text
        });
        runs.push((child, out, err));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    for n in 0..runs.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if rx.recv_timeout(left).is_err() {
            for (child, _, _) in &mut runs {
                let _ = child.kill();
            }
            panic!(
                "only {n} of {} runs said they wait for the lock",
                runs.len()
            );
        }
    }
    between();
    drop(holder);
    runs.into_iter()
        .map(|(mut child, out, err)| {
            let deadline = Instant::now() + support::RUN_TIMEOUT;
            let status = loop {
                if let Some(status) = child.try_wait().expect("wait") {
                    break status;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("a run did not finish within {:?}", support::RUN_TIMEOUT);
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            Output {
                status,
                stdout: out.join().expect("stdout"),
                stderr: err.join().expect("stderr"),
            }
        })
        .collect()
}

fn check_record_is_private_and_secret_free(org: &SimOrg, reason: &str) {
    let failed = org.only_cache_file("failed");
    let text = std::fs::read_to_string(&failed).unwrap();
    assert!(text.contains(reason), "{text}");
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("FwoG") && !text.contains("eyJ"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&failed).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// 16 `m2m` credential_process calls while STS answers 403: one token request and one STS
/// call for all of them; every run fails with STS's reason.
#[test]
fn parallel_m2m_calls_share_one_failed_sign_in() {
    let mut scenario = support::b15_scenario();
    scenario["sts"] = json!({"replies": [{"shape": "error", "status": 403,
        "code": "AccessDenied", "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"}]});
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let sign_ins = || {
        (
            org.requests_to("m2m-token").len(),
            org.requests_to("sts").len(),
        )
    };
    let key = org.private_file("b15-pkcs8.pem", &support::case_text("B15-key-pkcs8.pem"));
    let m2m = || {
        let mut cmd = org.m2m_command();
        cmd.arg("--private-key-file").arg(&key).args(PROCESS);
        cmd
    };
    // The first run makes the lock file (and fails on its own).
    let first = run(&mut m2m());
    first.expect_code(1);
    assert!(first.stderr.contains("AccessDenied"), "{}", first.stderr);
    assert!(!first.stderr.contains(WAITED_NOTE), "{}", first.stderr);
    assert_eq!(sign_ins(), (1, 1));

    let outs = with_lock_held(
        &org.only_cache_file("lock"),
        (0..RUNS).map(|_| m2m()).collect(),
        || {},
    );
    for o in &outs {
        o.expect_code(1);
        assert_eq!(o.stdout, "");
        assert!(o.stderr.contains("AccessDenied"), "{}", o.stderr);
    }
    let waiters = outs
        .iter()
        .filter(|o| o.stderr.contains(WAITED_NOTE))
        .count();
    assert_eq!(
        sign_ins(),
        (2, 2),
        "one token request and one STS call for {RUNS} parallel runs"
    );
    assert_eq!(
        waiters,
        RUNS - 1,
        "the others fail with the first one's reason"
    );
    check_record_is_private_and_secret_free(&org, "AccessDenied");

    // A later run, which waits on no one, signs in afresh.
    run(&mut m2m()).expect_code(1);
    assert_eq!(sign_ins(), (3, 3));
}

/// 16 `web --format process-credentials --aws-iam-role R` calls while the org denies the
/// device authorization: one device authorization in all.
#[test]
fn parallel_web_calls_share_one_denied_device_authorization() {
    let Some(org) = SimOrg::start(json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 1,
                       "outcome": "access_denied"},
            "apps": [{
                "id": "0oaFEDAPP000001",
                "label": "AWS Prod",
                "appName": "amazon_aws",
                "roles": [format!("{IDP},{ROLE}")]
            }],
        },
        "sts": {}
    })) else {
        return;
    };
    let web = || {
        let mut cmd = org.command();
        cmd.arg("web")
            .args(["--org-domain", &org.base_url()])
            .args(["--oidc-client-id", WEB_CLIENT])
            .args(["--aws-acct-fed-app-id", "0oaFEDAPP000001"])
            .args(["--aws-iam-role", ROLE])
            .args(PROCESS);
        cmd
    };
    let first = run(&mut web());
    first.expect_code(1);
    assert_eq!(org.requests_to("device-authorize").len(), 1);

    let outs = with_lock_held(
        &org.only_cache_file("lock"),
        (0..RUNS).map(|_| web()).collect(),
        || {},
    );
    for o in &outs {
        o.expect_code(1);
        assert!(
            o.stderr.contains("authorization was denied in the browser"),
            "{}",
            o.stderr
        );
    }
    assert_eq!(
        org.requests_to("device-authorize").len(),
        2,
        "one device authorization for {RUNS} parallel runs"
    );
    assert_eq!(
        outs.iter()
            .filter(|o| o.stderr.contains(WAITED_NOTE))
            .count(),
        RUNS - 1
    );
    check_record_is_private_and_secret_free(&org, "access_denied");
    assert!(org.requests_to("sts").is_empty());
}

/// Issue 19 part 5: a failure record planted as a symlink (to a record that would answer
/// the waiting run) is not read: the run signs in and succeeds, and the symlink's target is
/// untouched.
// Unix only: symlinks.
#[cfg(unix)]
#[test]
fn a_symlinked_failure_record_is_ignored() {
    use std::os::unix::fs::PermissionsExt;
    let Some(org) = SimOrg::start(support::b15_scenario()) else {
        return;
    };
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    let entry = org.only_cache_file("json");
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).unwrap()).unwrap();
    let key = stored["key"].as_str().expect("key").to_string();
    std::fs::remove_file(&entry).unwrap();
    let elsewhere = org.home().join("planted-record.json");
    let mut waiter = org.m2m_b15();
    waiter.args(PROCESS);
    let mut written = String::new();
    let outs = with_lock_held(&org.only_cache_file("lock"), vec![waiter], || {
        // Written after the run began waiting: it would answer it, were it followed.
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let record = json!({"key": key, "at_ms": at_ms, "user_code": "", "kind": "runtime",
                            "code": null, "message": "planted failure"});
        written = record.to_string();
        std::fs::write(&elsewhere, &written).unwrap();
        std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, entry.with_extension("failed")).unwrap();
    });
    outs[0].expect_code(0);
    assert!(
        !outs[0].stderr.contains("planted failure"),
        "{}",
        outs[0].stderr
    );
    assert_eq!(org.requests_to("m2m-token").len(), 2);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), written);
}
