//! Case B29: parallel invocations (credential_process fan-out, parallel terraform runs).
//!
//! Several `web --cache-access-token` runs for the same org and client start at once with
//! no cached token: exactly one device authorization happens, the others wait on the cache
//! lock and reuse its token; all of them write their own profile into one credentials file
//! without losing each other's update; and a run for another OIDC client does not reuse
//! the first client's token.

use crate::support;

use std::process::Output;

use serde_json::{Value, json};
use support::SimOrg;

const CLIENT_ID: &str = "0oaWEBtestclient01";
const OTHER_CLIENT_ID: &str = "0oaWEBtestclient02";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";
const RUNS: usize = 6;
const WAITING: &str = "waiting for another okta-aws-cli run to finish signing in (lock ";

fn scenario(client_id: &str) -> Value {
    json!({
        "web": {
            "client_id": client_id,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 2},
            "apps": [{
                "id": "0oaFEDAPP000001",
                "label": "AWS Prod",
                "appName": "amazon_aws",
                "roles": [format!("{IDP},{ROLE}")]
            }],
        },
        "sts": {}
    })
}

fn run(org: &SimOrg, client_id: &str, profile: &str) -> std::process::Child {
    org.command()
        .arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", client_id])
        .args(["--aws-acct-fed-app-id", "0oaFEDAPP000001"])
        .args(["--cache-access-token", "--write-aws-credentials"])
        .args(["--profile", profile])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start okta-aws-cli")
}

fn check(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn parallel_runs_share_one_device_flow_and_keep_every_profile() {
    let Some(org) = SimOrg::start(scenario(CLIENT_ID)) else {
        return;
    };
    let children: Vec<_> = (0..RUNS)
        .map(|i| run(&org, CLIENT_ID, &format!("p{i}")))
        .collect();
    let mut waited = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        check(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let told = stderr.matches(WAITING).count();
        assert!(told <= 1, "the wait is announced once:\n{stderr}");
        waited += told;
    }
    // The runs that found the lock busy said so (the first one's device flow takes 2 s).
    assert!(waited >= 1, "no run announced its wait for the lock");

    let authorizations = org.requests_to("device-authorize");
    assert_eq!(
        authorizations.len(),
        1,
        "expected one device authorization for {RUNS} parallel runs"
    );
    assert_eq!(org.requests_to("sso").len(), RUNS, "one SAML fetch per run");

    let path = org.home().join(".aws/credentials");
    let text = std::fs::read_to_string(&path).expect("credentials file");
    for i in 0..RUNS {
        let header = format!("[p{i}]");
        assert_eq!(
            text.matches(&header).count(),
            1,
            "{header} must appear exactly once:\n{text}"
        );
    }
    if let Some(py) = support::python() {
        let out = support::HostCommand::new(py)
            .args([
                "-c",
                "import configparser,sys;c=configparser.ConfigParser(strict=True,interpolation=None);c.read(sys.argv[1]);assert len(c.sections())==int(sys.argv[2]),c.sections()",
            ])
            .path_arg(&path)
            .arg(RUNS.to_string())
            .output();
        assert!(
            out.status.success(),
            "strict configparser rejected:\n{text}\n{}",
            out.stderr
        );
    }

    // The cache holds one 0600 file for this org and client, and no temp files.
    let cache_dir = org.home().join(".okta/awscli-access-tokens");
    let names: Vec<String> = std::fs::read_dir(&cache_dir)
        .expect("cache dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".json")).count(),
        1,
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
}

#[test]
fn another_client_does_not_reuse_the_cached_token() {
    let Some(org) = SimOrg::start(scenario(CLIENT_ID)) else {
        return;
    };
    check(
        &run(&org, CLIENT_ID, "first")
            .wait_with_output()
            .expect("wait"),
    );
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    // Same client again: served from the cache.
    check(
        &run(&org, CLIENT_ID, "again")
            .wait_with_output()
            .expect("wait"),
    );
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    // Another client id: its own device flow (the sim org refuses the unknown client, so
    // only the request count matters here).
    let out = run(&org, OTHER_CLIENT_ID, "other")
        .wait_with_output()
        .expect("wait");
    let authorizations = org.requests_to("device-authorize");
    assert_eq!(
        authorizations.len(),
        2,
        "a different client id must not reuse the cached token; stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(authorizations[1]["form"]["client_id"], OTHER_CLIENT_ID);
}

/// A stale cached token and parallel runs (B29): every run is told no by Okta, but only
/// the first to take the lock runs the device flow; the others find its fresh token in the
/// cache instead of removing it and prompting again.
#[test]
fn stale_cached_token_with_parallel_runs_prompts_once() {
    let Some(org) = SimOrg::start(scenario(CLIENT_ID)) else {
        return;
    };
    check(
        &run(&org, CLIENT_ID, "seed")
            .wait_with_output()
            .expect("wait"),
    );
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    // Replace the cached tokens with ones this org never issued.
    let cache_dir = org.home().join(".okta/awscli-access-tokens");
    let entry = std::fs::read_dir(&cache_dir)
        .expect("cache dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("cache entry");
    let mut cached: Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).expect("read")).expect("json");
    cached["access_token"] = json!("bogus-access-token");
    cached["id_token"] = json!("bogus.id.token");
    std::fs::write(&entry, cached.to_string()).expect("write");

    let children: Vec<_> = (0..3)
        .map(|i| run(&org, CLIENT_ID, &format!("s{i}")))
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    for out in &outs {
        check(out);
    }
    let stderrs: Vec<String> = outs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    assert_eq!(
        org.requests_to("device-authorize").len(),
        2,
        "one device authorization for the seed run and one for the three parallel runs:\n{}",
        stderrs.join("\n-----\n")
    );
    let fresh: Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).expect("read")).expect("json");
    assert_ne!(fresh["access_token"], "bogus-access-token");
}

#[test]
fn parallel_runs_after_one_denial_fail_alike_with_one_device_authorization() {
    const DENIED_RUNS: usize = 12;
    let mut scn = scenario(CLIENT_ID);
    scn["web"]["device"]["outcome"] = json!("access_denied");
    // The denial comes after a few polls, so that every run has started and waits on the
    // lock by then, also where starting a process is slow (wine): a run that starts after
    // the failure rightly signs in afresh.
    scn["web"]["device"]["approve_after"] = json!(5);
    let Some(org) = SimOrg::start(scn) else {
        return;
    };
    let children: Vec<_> = (0..DENIED_RUNS)
        .map(|i| run(&org, CLIENT_ID, &format!("d{i}")))
        .collect();
    let mut waited = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
        assert!(
            stderr.contains("authorization was denied in the browser"),
            "the denial is the reason:\n{stderr}"
        );
        waited += stderr.matches(WAITING).count();
    }
    assert!(waited >= 1, "no run waited for the lock");
    assert_eq!(
        org.requests_to("device-authorize").len(),
        1,
        "expected one device authorization for {DENIED_RUNS} parallel runs after a denial"
    );
    // The failure record holds no token and is private.
    let cache_dir = org.home().join(".okta/awscli-access-tokens");
    let failed: Vec<_> = std::fs::read_dir(&cache_dir)
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "failed"))
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&failed[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A later run (not waiting on anyone) starts its own device flow again.
    let out = run(&org, CLIENT_ID, "later")
        .wait_with_output()
        .expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(org.requests_to("device-authorize").len(), 2);
}
