//! Issue 19 part 3: a run as root with a user's HOME (`sudo -E okta-aws-cli ...`) must not
//! lock the user out: every directory and file it creates under HOME belongs to HOME's
//! owner (uid and gid of the HOME directory).
//!
//! Runs as root only (it chowns a temporary HOME to uid 12345); elsewhere it is skipped with
//! a line on stderr, except under `CI=true` (CI runs as root), where it fails.

// Unix only: owners.
#![cfg(unix)]

use crate::support;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde_json::json;
use support::{SimOrg, run};

const UID: u32 = 12345;
const GID: u32 = 23456;
const WEB_CLIENT: &str = "0oaWEBroothome01";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";
const DENIED_ROLE: &str = "arn:aws:iam::123456789012:role/Denied";

fn web_section(outcome: &str) -> serde_json::Value {
    json!({
        "client_id": WEB_CLIENT,
        "device": {"interval": 1, "expires_in": 120, "approve_after": 1, "outcome": outcome},
        "apps": [{
            "id": "0oaFEDAPP000001",
            "label": "AWS Prod",
            "appName": "amazon_aws",
            "roles": [format!("{IDP},{ROLE}"), format!("{IDP},{DENIED_ROLE}")]
        }],
    })
}

/// Every path under `dir` (not `dir` itself), symlinks not followed.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        out.push(path.clone());
        if std::fs::symlink_metadata(&path).unwrap().is_dir() {
            walk(&path, out);
        }
    }
}

#[test]
fn a_root_run_leaves_everything_it_creates_under_home_to_homes_owner() {
    if !rustix::process::geteuid().is_root() {
        let _ = support::missing::<()>(
            "root_home: needs root (euid 0) to give the test HOME to another user",
        );
        return;
    }
    let mut scenario = support::b15_scenario();
    scenario["web"] = web_section("approve");
    scenario["sts"] = json!({"fail_roles": {DENIED_ROLE: {}}});
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let home = org.home();
    std::os::unix::fs::chown(&home, Some(UID), Some(GID)).unwrap();
    let web = |role: &str| {
        let mut cmd = org.command();
        cmd.arg("web")
            .args(["--org-domain", &org.base_url()])
            .args(["--oidc-client-id", WEB_CLIENT])
            .args(["--aws-acct-fed-app-id", "0oaFEDAPP000001"])
            .args(["--aws-iam-role", role])
            .args(["--format", "aws-credentials", "--profile", "web"])
            .args(["--cache-access-token", "--cache-aws-credentials"]);
        cmd
    };
    // A web run into a new ~/.aws, with both caches; a failing one (a failure record);
    // an m2m run with the AWS credential cache.
    run(&mut web(ROLE)).expect_code(0);
    run(&mut web(DENIED_ROLE)).expect_code(1);
    run(org.m2m_b15().args([
        "--format",
        "aws-credentials",
        "--profile",
        "m2m",
        "--cache-aws-credentials",
    ]))
    .expect_code(0);
    // A denied device authorization of another org, in the same HOME: the access-token
    // cache's failure record.
    let mut denied = support::b15_scenario();
    denied["web"] = web_section("access_denied");
    let Some(other) = SimOrg::start(denied) else {
        return;
    };
    let mut cmd = other.command();
    cmd.env("HOME", &home)
        .env("USERPROFILE", &home)
        .arg("web")
        .args(["--org-domain", &other.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .args(["--aws-acct-fed-app-id", "0oaFEDAPP000001"])
        .arg("--cache-access-token");
    run(&mut cmd).expect_code(1);

    let mut created = Vec::new();
    walk(&home, &mut created);
    let names: Vec<String> = created
        .iter()
        .map(|p| p.strip_prefix(&home).unwrap().display().to_string())
        .collect();
    for want in [
        ".okta",
        ".okta/awscli-access-tokens",
        ".okta/awscli-credentials",
        ".aws",
        ".aws/credentials",
        ".aws/.credentials.lock",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing: {names:?}");
    }
    for ext in ["json", "lock", "failed"] {
        for dir in [".okta/awscli-access-tokens/", ".okta/awscli-credentials/"] {
            assert!(
                names
                    .iter()
                    .any(|n| n.starts_with(dir) && n.ends_with(&format!(".{ext}"))),
                "no {dir}*.{ext}: {names:?}"
            );
        }
    }
    let root_owned: Vec<String> = created
        .iter()
        .zip(&names)
        .filter_map(|(p, name)| {
            let m = std::fs::symlink_metadata(p).unwrap();
            ((m.uid(), m.gid()) != (UID, GID)).then(|| format!("{name} ({}:{})", m.uid(), m.gid()))
        })
        .collect();
    assert!(
        root_owned.is_empty(),
        "not HOME's owner's ({UID}:{GID}): {root_owned:?}"
    );
    // HOME's owner can use what was created: ~/.okta is theirs and private.
    let okta = std::fs::metadata(home.join(".okta")).unwrap();
    assert_eq!((okta.uid(), okta.mode() & 0o777), (UID, 0o700));
    let text = std::fs::read_to_string(home.join(".aws/credentials")).unwrap();
    assert!(text.contains("[web]") && text.contains("[m2m]"), "{text}");
}
