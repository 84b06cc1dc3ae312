//! Issue 10: the AWS credential cache (`--cache-aws-credentials`, `--min-ttl`, `--check`,
//! `--clear-cache`), end to end against the simulated org and its STS stand-in.
//!
//! m2m for most cases (no human step); web for the single flight of a device
//! authorization. Request counts come from the sim org's log (`requests_to`).

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::{M2M_ROLE_ARN, SimOrg, run};

const PROCESS: [&str; 2] = ["--format", "process-credentials"];

fn m2m_org() -> Option<SimOrg> {
    SimOrg::start(support::b15_scenario())
}

/// An m2m scenario whose STS credentials expire `secs` from now.
fn m2m_org_expiring_in(secs: i64) -> Option<SimOrg> {
    let mut scenario = support::b15_scenario();
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    let at = at
        .replace_nanosecond(0)
        .expect("whole seconds")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339");
    scenario["sts"] = json!({"credentials": {"Expiration": at}});
    SimOrg::start(scenario)
}

/// The `.json` entry files of the cache.
fn entries(org: &SimOrg) -> Vec<PathBuf> {
    let Ok(list) = std::fs::read_dir(org.credential_cache_dir()) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = list
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    out
}

fn only_entry(org: &SimOrg) -> PathBuf {
    let list = entries(org);
    assert_eq!(list.len(), 1, "{list:?}");
    list[0].clone()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn sign_ins(org: &SimOrg) -> (usize, usize) {
    (
        org.requests_to("m2m-token").len(),
        org.requests_to("sts").len(),
    )
}

fn process_json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout:?}"))
}

#[test]
fn process_credentials_are_cached_and_reused_with_no_network() {
    let Some(org) = m2m_org() else { return };
    let first = run(org.m2m_b15().args(PROCESS));
    first.expect_code(0);
    assert_eq!(sign_ins(&org), (1, 1));
    let entry = only_entry(&org);
    let name = entry.file_stem().unwrap().to_str().unwrap().to_string();
    assert!(
        name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()),
        "{name}"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&entry), 0o600);
        assert_eq!(mode(&org.credential_cache_dir()), 0o700);
    }
    let text = std::fs::read_to_string(&entry).unwrap();
    let stored: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(stored["role"], M2M_ROLE_ARN);
    assert!(
        !text.contains("PRIVATE KEY"),
        "no key material in the entry"
    );

    let second = run(org.m2m_b15().args(PROCESS));
    second.expect_code(0);
    assert_eq!(second.stdout, first.stdout, "the same credentials");
    assert_eq!(sign_ins(&org), (1, 1), "a cache hit makes no request");
    assert_eq!(second.stderr, "", "a hit is silent");

    // With the org gone, the hit still answers: it never touches the network.
    let home = org.home();
    let dir_keep = tempfile::tempdir().unwrap();
    let saved_home = dir_keep.path().join("home");
    copy_dir(&home, &saved_home);
    // The org's directory goes with it: its CA file and the private key file too, so the
    // hit also shows that neither TLS roots nor the key are read.
    let mut cmd = org.m2m_b15();
    drop(org);
    let third = run(cmd
        .args(PROCESS)
        .env("HOME", &saved_home)
        .env("USERPROFILE", &saved_home)
        .current_dir(dir_keep.path()));
    third.expect_code(0);
    assert_eq!(third.stdout, first.stdout);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn check_reports_before_and_after_with_zero_network() {
    let Some(org) = m2m_org() else { return };
    let before = run(org.m2m_b15().arg("--check"));
    before.expect_code(1);
    assert_eq!(before.stdout, "");
    assert!(
        before.stderr.contains("no AWS credentials are cached"),
        "{}",
        before.stderr
    );
    assert!(org.requests().is_empty(), "--check makes no request");

    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    let after = run(org.m2m_b15().arg("--check"));
    after.expect_code(0);
    assert_eq!(after.stdout, "");
    assert!(
        after.stderr.contains(M2M_ROLE_ARN) && after.stderr.contains(" left"),
        "{}",
        after.stderr
    );
    // Other settings: not theirs.
    let other = run(org
        .m2m_b15()
        .args(["--aws-sts-role-session-name", "someone-else"])
        .arg("--check"));
    other.expect_code(1);
    assert_eq!(sign_ins(&org), (1, 1));
}

#[test]
fn min_ttl_decides_between_the_entry_and_a_new_sign_in() {
    // The stand-in's credentials live 20 minutes.
    let Some(org) = m2m_org_expiring_in(20 * 60) else {
        return;
    };
    let first = run(org.m2m_b15().args(PROCESS));
    first.expect_code(0);
    assert_eq!(sign_ins(&org), (1, 1));
    // Default min-ttl 15 min: about 20 min left, used.
    let hit = run(org.m2m_b15().args(PROCESS));
    hit.expect_code(0);
    assert_eq!(hit.stdout, first.stdout);
    assert_eq!(sign_ins(&org), (1, 1));
    // --check with min-ttl 30m: under min-ttl, exit 1, says so.
    let check = run(org.m2m_b15().args(["--check", "--min-ttl", "30m"]));
    check.expect_code(1);
    assert!(
        check.stderr.contains("under the min-ttl"),
        "{}",
        check.stderr
    );
    assert_eq!(sign_ins(&org), (1, 1));
    // min-ttl 30 min (env var): too little left, a new sign-in replaces the entry.
    let refreshed = run(org
        .m2m_b15()
        .args(PROCESS)
        .env("OKTA_AWSCLI_MIN_TTL", "1800"));
    refreshed.expect_code(0);
    assert_eq!(sign_ins(&org), (2, 2));
    assert_ne!(
        process_json(&refreshed.stdout)["AccessKeyId"],
        process_json(&first.stdout)["AccessKeyId"]
    );
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(only_entry(&org)).unwrap()).unwrap();
    assert_eq!(
        stored["access_key_id"],
        process_json(&refreshed.stdout)["AccessKeyId"]
    );
    // A bad min-ttl is a configuration error naming the flag.
    let bad = run(org.m2m_b15().args(["--min-ttl", "soon"]));
    bad.expect_code(2);
    assert!(bad.stderr.contains("--min-ttl"), "{}", bad.stderr);
}

#[test]
fn expired_entry_is_refreshed_and_check_says_expired() {
    let Some(org) = m2m_org() else { return };
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    let entry = only_entry(&org);
    let mut stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).unwrap()).unwrap();
    stored["expiration"] = json!("2001-01-01T00:00:00Z");
    write_private(&entry, &stored.to_string());
    let check = run(org.m2m_b15().arg("--check"));
    check.expect_code(1);
    assert!(check.stderr.contains("expired"), "{}", check.stderr);
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    assert_eq!(sign_ins(&org), (2, 2));
    run(org.m2m_b15().arg("--check")).expect_code(0);
}

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// A corrupt entry, one others may write, and a FIFO in its place: each is ignored with a
/// one-line warning, the run signs in, and the entry is replaced by a good 0600 one.
#[test]
fn bad_entries_are_ignored_with_a_warning_and_replaced() {
    let Some(org) = m2m_org() else { return };
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    let entry = only_entry(&org);
    let mut expected_sign_ins = 1;
    type Spoiler = Box<dyn Fn(&Path)>;
    let spoilers: Vec<(&str, Spoiler)> = vec![
        (
            "corrupt",
            Box::new(|p: &Path| write_private(p, "{\"version\":1,")),
        ),
        (
            "unusable values",
            Box::new(|p: &Path| {
                let mut v: Value =
                    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                v["session_token"] = json!("a b\nc");
                write_private(p, &v.to_string());
            }),
        ),
        #[cfg(unix)]
        (
            "0666",
            Box::new(|p: &Path| {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o666)).unwrap();
            }),
        ),
        #[cfg(unix)]
        (
            "fifo",
            Box::new(|p: &Path| {
                std::fs::remove_file(p).unwrap();
                let made = Command::new("mkfifo").arg(p).status().unwrap();
                assert!(made.success());
            }),
        ),
    ];
    for (what, spoil) in &spoilers {
        spoil(&entry);
        let out = run(org.m2m_b15().args(PROCESS));
        out.expect_code(0);
        expected_sign_ins += 1;
        assert_eq!(
            sign_ins(&org),
            (expected_sign_ins, expected_sign_ins),
            "{what}"
        );
        let warnings: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("WARNING: ignoring the cached AWS credentials"))
            .collect();
        assert_eq!(warnings.len(), 1, "{what}: {}", out.stderr);
        assert!(!out.stderr.contains("FwoG"), "no secret on stderr");
        process_json(&out.stdout);
        #[cfg(unix)]
        assert_eq!(mode(&entry), 0o600, "{what}: replaced by a private file");
        // The replacement is used by the next run.
        let again = run(org.m2m_b15().args(PROCESS));
        again.expect_code(0);
        assert_eq!(again.stdout, out.stdout, "{what}");
        assert_eq!(sign_ins(&org), (expected_sign_ins, expected_sign_ins));
    }
}

#[test]
fn an_unwritable_cache_is_a_warning_and_the_credentials_are_still_delivered() {
    let Some(org) = m2m_org() else { return };
    std::fs::create_dir_all(org.home().join(".okta")).unwrap();
    std::fs::write(org.credential_cache_dir(), "not a directory").unwrap();
    let out = run(org.m2m_b15().args(PROCESS));
    out.expect_code(0);
    assert!(
        out.stderr.contains("WARNING:") && out.stderr.contains("AWS credential cache"),
        "{}",
        out.stderr
    );
    process_json(&out.stdout);
}

#[test]
fn other_formats_cache_only_when_asked() {
    let Some(org) = m2m_org() else { return };
    // env-var (the default format): no cache.
    run(&mut org.m2m_b15()).expect_code(0);
    run(&mut org.m2m_b15()).expect_code(0);
    assert_eq!(sign_ins(&org), (2, 2));
    assert!(entries(&org).is_empty());
    // Opt in by environment variable: the second run is a hit with the same lines.
    let first = run(org
        .m2m_b15()
        .env("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS", "true"));
    first.expect_code(0);
    assert_eq!(sign_ins(&org), (3, 3));
    let second = run(org
        .m2m_b15()
        .env("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS", "true"));
    second.expect_code(0);
    assert_eq!(second.stdout, first.stdout);
    assert!(
        second
            .stdout
            .starts_with(&support::env_line("AWS_ACCESS_KEY_ID", ""))
    );
    assert_eq!(sign_ins(&org), (3, 3));
    // process-credentials with the cache switched off: a sign-in every time.
    run(org
        .m2m_b15()
        .args(PROCESS)
        .arg("--cache-aws-credentials=false"))
    .expect_code(0);
    assert_eq!(sign_ins(&org), (4, 4));
}

#[test]
fn a_hit_leaves_a_credentials_file_that_holds_them_alone_and_feeds_exec() {
    let Some(org) = m2m_org() else { return };
    let write = |org: &SimOrg| {
        run(org
            .m2m_b15()
            .args(["--format", "aws-credentials", "--cache-aws-credentials"]))
    };
    write(&org).expect_code(0);
    let file = org.home().join(".aws/credentials");
    let before = std::fs::read_to_string(&file).unwrap();
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(&file).unwrap().ino()
    };
    let hit = write(&org);
    hit.expect_code(0);
    assert!(
        hit.stderr.contains("already holds these credentials"),
        "{}",
        hit.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(&file).unwrap().ino(), inode);
    }
    assert_eq!(sign_ins(&org), (1, 1));
    // --exec with the cached credentials.
    #[cfg(unix)]
    {
        let out = run(org.m2m_b15().args([
            "--cache-aws-credentials",
            "--exec",
            "--",
            "sh",
            "-c",
            "printf %s \"$AWS_ACCESS_KEY_ID\"",
        ]));
        out.expect_code(0);
        assert!(out.stdout.starts_with("ASIA") && before.contains(&out.stdout));
        assert_eq!(sign_ins(&org), (1, 1));
    }
}

#[test]
fn clear_cache_drops_the_orgs_credentials() {
    let Some(org) = m2m_org() else { return };
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    assert_eq!(entries(&org).len(), 1);
    let out = run(org.m2m_b15().arg("--clear-cache"));
    out.expect_code(0);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("Removed 1 cached AWS credential"),
        "{}",
        out.stderr
    );
    assert!(entries(&org).is_empty());
    run(org.m2m_b15().arg("--check")).expect_code(1);
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    assert_eq!(sign_ins(&org), (2, 2), "the next run signs in again");
}

#[test]
fn different_settings_never_share_an_entry() {
    let Some(org) = m2m_org() else { return };
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    run(org
        .m2m_b15()
        .args(PROCESS)
        .args(["--aws-sts-role-session-name", "other-session"]))
    .expect_code(0);
    run(org
        .m2m_b15()
        .args(PROCESS)
        .args(["--aws-session-duration", "7200"]))
    .expect_code(0);
    assert_eq!(sign_ins(&org), (3, 3));
    assert_eq!(entries(&org).len(), 3);
    // The profile is an output setting: the same entry.
    run(org.m2m_b15().args(PROCESS).args(["--profile", "other"])).expect_code(0);
    assert_eq!(sign_ins(&org), (3, 3));
}

/// 16 `m2m` credential_process calls at once, cold cache: one token request, one STS call.
#[test]
fn parallel_m2m_calls_share_one_sign_in() {
    let Some(org) = m2m_org() else { return };
    // The key file is written once: m2m_b15 rewrites it, which parallel readers must not see.
    let key = org.private_file("b15-pkcs8.pem", &support::case_text("B15-key-pkcs8.pem"));
    let outs = parallel(16, || {
        let mut cmd = org.m2m_command();
        cmd.arg("--private-key-file").arg(&key).args(PROCESS);
        cmd
    });
    assert_eq!(sign_ins(&org), (1, 1));
    assert_all_same(&outs);
}

const WEB_CLIENT: &str = "0oaWEBcacheclient1";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";
const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/ReadOnly";

/// 16 `web` credential_process calls at once with a preselected role and a cold cache: one
/// device authorization, one STS call, the same credentials for all; the waiting is said.
#[test]
fn parallel_web_calls_share_one_device_authorization() {
    let Some(org) = SimOrg::start(json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 2},
            "apps": [{
                "id": "0oaFEDAPP000001",
                "label": "AWS Prod",
                "appName": "amazon_aws",
                "roles": [format!("{IDP},{ROLE}"), format!("{IDP},{OTHER_ROLE}")]
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
    let outs = parallel(16, web);
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    assert_eq!(org.requests_to("sts").len(), 1);
    assert_all_same(&outs);
    let waited = outs
        .iter()
        .filter(|o| o.stderr.contains("waiting for another okta-aws-cli run"))
        .count();
    assert!(waited >= 1, "the waiting runs say so");
    // And a later call (and --check) for the same role: from the cache.
    let again = run(&mut web());
    again.expect_code(0);
    assert_eq!(again.stdout, outs[0].stdout);
    let check = run(web().arg("--check"));
    check.expect_code(0);
    assert!(check.stderr.contains(ROLE), "{}", check.stderr);
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    // The other role is other settings.
    run(web().arg("--check").args(["--aws-iam-role", OTHER_ROLE])).expect_code(1);
}

/// Start `n` runs at once, each bounded by [`support::RUN_TIMEOUT`]; their outputs.
fn parallel(n: usize, make: impl Fn() -> Command) -> Vec<support::Output> {
    // The commands are built first (the org handle need not be shared across threads), then
    // all started at once.
    let cmds: Vec<Command> = (0..n).map(|_| make()).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = cmds
            .into_iter()
            .map(|mut cmd| s.spawn(move || run(&mut cmd)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("run thread"))
            .collect()
    })
}

fn assert_all_same(outs: &[support::Output]) {
    for o in outs {
        o.expect_code(0);
        process_json(&o.stdout);
        assert_eq!(
            o.stdout, outs[0].stdout,
            "every call prints the same credentials"
        );
    }
}
