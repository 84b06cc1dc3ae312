//! Issue 23 item 2: `--clear-cache` needs the org and nothing else. It removes every
//! cached entry of the org (AWS credentials and Okta access tokens, whatever the client,
//! role or key), so `web` does not ask for `--oidc-client-id`, and `m2m` asks for no role,
//! key id or private key. Without the org it is a usage error that names the setting.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;
use support::{SimOrg, run};

const PROCESS: [&str; 2] = ["--format", "process-credentials"];
const WEB_CLIENT: &str = "0oaWEBclearclient1";
const FED_APP: &str = "0oaFEDAPP000001";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";

/// An org with the m2m service app and a `web` client whose device authorization is
/// approved at once.
fn org() -> Option<SimOrg> {
    let mut scenario = support::b15_scenario();
    scenario["web"] = json!({
        "client_id": WEB_CLIENT,
        "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
        "apps": [{
            "id": FED_APP,
            "label": "AWS Prod",
            "appName": "amazon_aws",
            "roles": [format!("{IDP},{ROLE}")]
        }],
    });
    SimOrg::start(scenario)
}

/// The `.json` files of the cache directory `name` under `<home>/.okta`.
fn entries(home: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(list) = std::fs::read_dir(home.join(".okta").join(name)) else {
        return Vec::new();
    };
    list.map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect()
}

/// (AWS credential entries, access-token entries) of `org`'s home.
fn cached(org: &SimOrg) -> (usize, usize) {
    (
        entries(&org.home(), "awscli-credentials").len(),
        entries(&org.home(), "awscli-access-tokens").len(),
    )
}

/// A `web` sign-in that caches both its access token and its AWS credentials.
fn web_sign_in(org: &SimOrg) {
    run(org
        .command()
        .arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .args(["--aws-acct-fed-app-id", FED_APP])
        .args(["--aws-iam-role", ROLE])
        .arg("--cache-access-token")
        .args(PROCESS))
    .expect_code(0);
}

#[test]
fn web_and_m2m_clear_the_cache_with_the_org_alone() {
    let Some(org) = org() else { return };
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    web_sign_in(&org);
    assert_eq!(cached(&org), (2, 1));
    let requests = org.requests().len();

    // web: no --oidc-client-id.
    let out = run(org
        .command()
        .args(["web", "--org-domain", &org.base_url(), "--clear-cache"]));
    out.expect_code(0);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("Removed 2 cached AWS credential entries and 1 cached access tokens"),
        "{}",
        out.stderr
    );
    assert_eq!(cached(&org), (0, 0));

    // m2m: no role, key id or private key; the org from the environment. An --exec set
    // in the environment does not matter: nothing runs.
    run(org.m2m_b15().args(PROCESS)).expect_code(0);
    assert_eq!(cached(&org), (1, 0));
    let requests_before_m2m_clear = org.requests().len();
    let out = run(org
        .command()
        .args(["m2m", "--clear-cache"])
        .env("OKTA_AWSCLI_ORG_DOMAIN", org.base_url())
        .env("OKTA_AWSCLI_EXEC", "true"));
    out.expect_code(0);
    assert!(
        out.stderr
            .contains("Removed 1 cached AWS credential entries and 0 cached access tokens"),
        "{}",
        out.stderr
    );
    assert_eq!(cached(&org), (0, 0));
    // Clearing makes no request.
    assert_eq!(org.requests().len(), requests_before_m2m_clear);
    assert!(requests < requests_before_m2m_clear, "the m2m sign-in did");
}

#[test]
fn clear_cache_without_the_org_is_a_usage_error_naming_it() {
    let home = support::tempdir();
    for command in [&["web"][..], &["m2m"], &[]] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"));
        cmd.env_clear()
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("USERPROFILE", home.path())
            .env("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oaSOMECLIENT")
            .stdin(Stdio::null())
            .args(command)
            .arg("--clear-cache");
        let out = run(&mut cmd);
        out.expect_code(2);
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr_lines(),
            [
                "Error: --clear-cache needs the Okta org whose cache it empties: set --org-domain \
              (OKTA_AWSCLI_ORG_DOMAIN) by flag, environment variable, .env or okta.yaml profile \
              \"default\""
            ],
            "{command:?}"
        );
    }
    // The caches live in the home directory: without one, nothing is removed.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"));
    cmd.env_clear()
        .current_dir(home.path())
        .stdin(Stdio::null())
        .args(["m2m", "--org-domain", "example.okta.com", "--clear-cache"]);
    let out = run(&mut cmd);
    out.expect_code(2);
    assert!(
        out.stderr.contains("cannot find the home directory"),
        "{}",
        out.stderr
    );
}
