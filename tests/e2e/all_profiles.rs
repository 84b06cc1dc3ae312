//! `web --all-profiles` end to end: the real binary against the simulated org with several
//! Federation apps, IdPs and accounts, the STS stand-in and the IAM `ListAccountAliases`
//! stand-in (`AWS_ENDPOINT_URL_IAM`). Checks the profile names (docs/decisions.md#d-all-profiles:
//! `<alias>-<idp name>-<role name>`, role paths kept), the account-id fallback when the alias
//! cannot be read (never a shared placeholder), a failing role (reported, the others
//! written, exit 1), the single update of the credentials file (read back with Python's
//! strict `configparser`), the collision error (nothing written), and what signed each IAM
//! request (the credentials STS issued for a role of that account).
//!
//! Without the test Python the tests are skipped with a note (a failure under `CI=true`).

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{SimOrg, header};

const CLIENT_ID: &str = "0oaWEBallprofiles1";

/// `arn:aws:iam::<account>:saml-provider/<name>`.
fn idp(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:saml-provider/{name}")
}

/// `arn:aws:iam::<account>:role/<name>`.
fn role(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

/// One amazon_aws app with `roles` (Role attribute values).
fn app(id: &str, label: &str, roles: &[String]) -> Value {
    json!({"id": id, "label": label, "appName": "amazon_aws", "roles": roles})
}

/// A web scenario, approved at the first poll, with the IAM stand-in's settings `iam`.
fn scenario(apps: Vec<Value>, iam: Value, sts: Value) -> Value {
    json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": apps,
            "applinks_page_size": 2,
        },
        "sts": sts,
        "iam": iam,
    })
}

/// `okta-aws-cli web --all-profiles` against `org`, IAM at the org's stand-in.
fn command(org: &SimOrg) -> Command {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .arg("--all-profiles")
        .env("AWS_ENDPOINT_URL_IAM", format!("{}/iam/", org.base_url()));
    cmd
}

fn credentials_path(org: &SimOrg) -> std::path::PathBuf {
    org.home().join(".aws/credentials")
}

/// A credentials file with an unrelated section (comments, odd spacing, CRLF-free) and a
/// stale copy of one profile `--all-profiles` will write.
const UNRELATED: &str = "# kept by hand, not by okta-aws-cli\n[unrelated]\naws_access_key_id = AKIAUNRELATED0000000\naws_secret_access_key=fake/unrelated+secret\n; a comment inside the section\nregion   =   eu-west-1\n\n";
const STALE: &str = "[acme-prod-OktaMain-Admin]\naws_access_key_id = ASIAOLDOLDOLDOLDOLD0\naws_secret_access_key = old-secret\naws_session_token = old-token\noutput = json\n";

fn seed(org: &SimOrg, text: &str) -> String {
    let path = credentials_path(org);
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir ~/.aws");
    std::fs::write(&path, text).expect("seed credentials file");
    text.to_string()
}

/// Credentials the STS stand-in issued, by role ARN (from its log lines).
fn issued_by_role(org: &SimOrg) -> BTreeMap<String, Value> {
    org.requests_to("sts")
        .into_iter()
        .filter(|r| r["status"] == 200)
        .map(|r| {
            let issued = r["issued"].clone();
            (
                issued["RoleArn"].as_str().expect("RoleArn").to_string(),
                issued,
            )
        })
        .collect()
}

/// The sim org's complaints about what it received.
fn complaints(org: &SimOrg) -> Vec<String> {
    org.requests()
        .iter()
        .filter(|r| {
            let v = r["verdict"].as_str().unwrap_or("");
            [
                "must", "missing", "simorg", "no route", "crashed", "unsigned",
            ]
            .iter()
            .any(|m| v.contains(m))
        })
        .map(|r| format!("{} {} -> {}", r["route"], r["status"], r["verdict"]))
        .collect()
}

/// Python: is botocore importable? (The strict-configparser check needs only Python.)
fn python() -> Option<std::path::PathBuf> {
    support::python()
}

/// The credentials file read by Python's `configparser(strict=True)`: (section, keys) in
/// file order. Panics with the parser's reason when it refuses the file.
fn parse_strict(py: &Path, text: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let answer = support::pycheck(py, "ini", &json!({"text": text}));
    if let Some(e) = answer["error"].as_str() {
        panic!("configparser(strict=True) refuses the file: {e}\n{text}");
    }
    answer["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| {
            let keys = s[1]
                .as_object()
                .expect("keys")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect();
            (s[0].as_str().expect("name").to_string(), keys)
        })
        .collect()
}

/// Run `cmd` (bounded) while watching the credentials file: every distinct content seen
/// while it runs. With one update there is the seeded text and the final text, nothing in
/// between.
fn run_watching(cmd: &mut Command, file: &Path) -> (support::Output, Vec<String>) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        let file = file.to_path_buf();
        std::thread::spawn(move || {
            let mut seen: Vec<String> = Vec::new();
            let deadline = Instant::now() + support::RUN_TIMEOUT;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && Instant::now() < deadline {
                if let Ok(text) = std::fs::read_to_string(&file)
                    && seen.last() != Some(&text)
                {
                    seen.push(text);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            seen
        })
    };
    let out = support::run(cmd);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut seen = watcher.join().expect("watcher");
    if let Ok(text) = std::fs::read_to_string(file)
        && seen.last() != Some(&text)
    {
        seen.push(text);
    }
    (out, seen)
}

#[test]
fn every_role_of_every_app_is_written_in_one_update() {
    let (a, b, c, d) = (
        "111111111111",
        "222222222222",
        "333333333333",
        "444444444444",
    );
    let admin_a = role(a, "Admin");
    let deploy_a = role(a, "team/Deploy"); // a role path
    let readonly_a = role(a, "ReadOnly");
    let admin_b = role(b, "Admin");
    let dev_c = role(c, "Dev");
    let broken_c = role(c, "Broken");
    let audit_d = role(d, "Audit");
    let apps = vec![
        app(
            "0oaFEDPROD",
            "AWS Prod",
            &[
                format!("{},{admin_a}", idp(a, "OktaMain")),
                format!("{},{deploy_a}", idp(a, "OktaMain")),
                format!("{},{readonly_a}", idp(a, "OktaBackup")),
            ],
        ),
        json!({"id": "0oaSFDC", "label": "Salesforce", "appName": "salesforce"}),
        app(
            "0oaFEDSHARED",
            "AWS Shared",
            &[
                format!("{},{admin_b}", idp(b, "OktaMain")),
                // Offered by two apps: assumed and written once.
                format!("{},{admin_a}", idp(a, "OktaMain")),
            ],
        ),
        app(
            "0oaFEDDEV",
            "AWS Dev",
            &[
                format!("{},{dev_c}", idp(c, "OktaDev")),
                format!("{broken_c},{}", idp(c, "OktaDev")), // role first (case B01)
                format!("{},{audit_d}", idp(d, "OktaMain")),
            ],
        ),
    ];
    let iam = json!({
        "aliases": {a: "acme-prod", b: "never-read", c: "acme-dev"},
        "deny_accounts": [b],
    });
    let sts = json!({"fail_roles": {&broken_c: {"code": "AccessDenied",
        "message": "Not authorized to perform sts:AssumeRoleWithSAML"}}});
    let Some(org) = SimOrg::start(scenario(apps, iam, sts)) else {
        return;
    };
    let Some(py) = python() else { return };
    let original = seed(&org, &format!("{UNRELATED}{STALE}"));
    let file = credentials_path(&org);

    let (out, states) = run_watching(&mut command(&org), &file);

    // Exit status: the failed role makes the run fail, after the others were written.
    out.expect_code(1);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    let stderr = &out.stderr;
    assert!(
        stderr.contains(&format!(
            "failed to fetch AWS creds IdP \"{}\", and Role \"{broken_c}\", error:",
            idp(c, "OktaDev")
        )),
        "{stderr}"
    );
    assert!(stderr.contains("AccessDenied"), "{stderr}");
    assert!(
        stderr.contains("1 of 7 roles or apps failed"),
        "the final error counts the failure: {stderr}"
    );
    // The alias lookup refused by account b is reported, not fatal.
    assert!(
        stderr.contains(&format!(
            "WARNING: unable to determine the account alias of {b}"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("\"org\""), "{stderr}");
    assert!(!stderr.contains("  Role:") && !stderr.contains("  IdP:"));

    // Exactly the expected profiles: upstream's `<alias>-<idp name>-<role name>`, the
    // account id where the alias could not be read (denied, or none set).
    let expected: BTreeMap<String, &String> = [
        ("acme-prod-OktaMain-Admin", &admin_a),
        ("acme-prod-OktaMain-team/Deploy", &deploy_a),
        ("acme-prod-OktaBackup-ReadOnly", &readonly_a),
        ("222222222222-OktaMain-Admin", &admin_b),
        ("acme-dev-OktaDev-Dev", &dev_c),
        ("444444444444-OktaMain-Audit", &audit_d),
    ]
    .into_iter()
    .map(|(p, r)| (p.to_string(), r))
    .collect();

    let text = std::fs::read_to_string(&file).expect("credentials file");
    let sections = parse_strict(&py, &text);
    let names: Vec<&str> = sections.iter().map(|(n, _)| n.as_str()).collect();
    let mut want: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    want.insert("unrelated");
    assert_eq!(
        names.iter().copied().collect::<BTreeSet<_>>(),
        want,
        "{text}"
    );
    assert_eq!(names.len(), want.len(), "duplicate sections: {names:?}");

    // Each profile holds the credentials STS issued for its role.
    let issued = issued_by_role(&org);
    assert_eq!(issued.len(), 6, "one STS success per distinct role");
    for (name, keys) in &sections {
        let Some(role_arn) = expected.get(name) else {
            continue;
        };
        let creds = &issued[role_arn.as_str()];
        assert_eq!(keys["aws_access_key_id"], creds["AccessKeyId"], "{name}");
        assert_eq!(
            keys["aws_secret_access_key"], creds["SecretAccessKey"],
            "{name}"
        );
        assert_eq!(keys["aws_session_token"], creds["SessionToken"], "{name}");
        for secret in ["SecretAccessKey", "SessionToken"] {
            let v = creds[secret].as_str().unwrap_or("");
            assert!(
                !v.is_empty() && !stderr.contains(v),
                "stderr leaks {secret}"
            );
        }
    }
    // The stale copy was updated in place: its foreign key kept, nothing old left.
    let stale = &sections
        .iter()
        .find(|(n, _)| n == "acme-prod-OktaMain-Admin")
        .expect("section")
        .1;
    assert_eq!(stale.get("output").map(String::as_str), Some("json"));
    assert!(!text.contains("ASIAOLD") && !text.contains("old-token"));
    // The unrelated section and the comment before it, byte for byte, still first.
    assert!(text.starts_with(UNRELATED), "{text}");
    assert_eq!(
        stderr.matches("Updated profile").count(),
        1,
        "one existing profile: {stderr}"
    );
    assert_eq!(
        stderr.matches("Wrote profile").count(),
        5,
        "five new profiles: {stderr}"
    );

    // One update: the watcher saw the seeded file and then the final one, nothing between.
    assert_eq!(states.first(), Some(&original));
    assert_eq!(states.last(), Some(&text));
    assert_eq!(
        states.len(),
        2,
        "the file went through intermediate states:\n{}",
        states.join("\n-----\n")
    );

    // IAM: one request per account with a role that got credentials, each signed with the
    // credentials STS issued for a role of that account.
    let by_key: BTreeMap<&str, &Value> = issued
        .values()
        .map(|c| (c["AccessKeyId"].as_str().expect("key"), c))
        .collect();
    let iam = org.requests_to("iam");
    let mut accounts = Vec::new();
    for r in &iam {
        let auth = header(r, "Authorization").expect("Authorization");
        let date = header(r, "X-Amz-Date").expect("X-Amz-Date");
        assert_eq!(date.len(), 16, "{date}");
        let credential = auth
            .strip_prefix("AWS4-HMAC-SHA256 Credential=")
            .and_then(|s| s.split(',').next())
            .unwrap_or_else(|| panic!("not a SigV4 Authorization header: {auth}"));
        let key = credential.split('/').next().unwrap_or("");
        let creds = by_key
            .get(key)
            .unwrap_or_else(|| panic!("IAM call signed with a key STS did not issue: {key}"));
        assert_eq!(
            credential,
            format!("{key}/{}/us-east-1/iam/aws4_request", &date[..8])
        );
        assert_eq!(
            header(r, "X-Amz-Security-Token"),
            creds["SessionToken"].as_str(),
            "the session token issued with {key}"
        );
        assert_eq!(r["method"], "POST");
        assert_eq!(r["body"], "Action=ListAccountAliases&Version=2010-05-08");
        let role_arn = creds["RoleArn"].as_str().expect("RoleArn");
        accounts.push(role_arn.split(':').nth(4).expect("account").to_string());
    }
    accounts.sort();
    assert_eq!(accounts, [a, b, c, d], "one alias lookup per account");
    assert_eq!(
        iam.iter().filter(|r| r["status"] == 403).count(),
        1,
        "only account b refuses"
    );
    assert_eq!(complaints(&org), Vec::<String>::new());
}

#[test]
fn two_roles_with_one_profile_name_are_an_error_before_anything_is_written() {
    let (e, f) = ("555555555555", "666666666666");
    // `dev-ops` + `Okta` + `Admin` and `dev` + `ops-Okta` + `Admin` both give
    // `dev-ops-Okta-Admin`.
    let admin_e = role(e, "Admin");
    let admin_f = role(f, "Admin");
    let other_e = role(e, "ReadOnly");
    let apps = vec![
        app(
            "0oaFEDE",
            "AWS E",
            &[
                format!("{},{admin_e}", idp(e, "Okta")),
                format!("{},{other_e}", idp(e, "Okta")),
            ],
        ),
        app(
            "0oaFEDF",
            "AWS F",
            &[format!("{},{admin_f}", idp(f, "ops-Okta"))],
        ),
    ];
    let iam = json!({"aliases": {e: "dev-ops", f: "dev"}});
    let Some(org) = SimOrg::start(scenario(apps, iam, json!({}))) else {
        return;
    };
    let original = seed(&org, &format!("{UNRELATED}{STALE}"));
    let out = support::run(&mut command(&org));
    out.expect_code(1);
    let stderr = &out.stderr;
    assert!(
        stderr.contains(&admin_e) && stderr.contains(&admin_f),
        "the error names both roles: {stderr}"
    );
    assert!(stderr.contains("\"dev-ops-Okta-Admin\""), "{stderr}");
    assert!(
        !stderr.contains("Wrote profile") && !stderr.contains("Updated profile"),
        "{stderr}"
    );
    let after = std::fs::read_to_string(credentials_path(&org)).expect("file");
    assert_eq!(after, original, "the credentials file must be unchanged");
    assert!(out.stdout.is_empty());

    // Without a file at all, none is created.
    std::fs::remove_file(credentials_path(&org)).expect("rm");
    support::run(&mut command(&org)).expect_code(1);
    assert!(!credentials_path(&org).exists(), "a file was created");
}

#[test]
fn same_role_names_in_different_accounts_get_distinct_profiles() {
    // Upstream names both `org-Okta-Admin` when no alias can be read (issues #218, #250);
    // we use the account ids, so nothing collides and nothing is lost.
    let accounts = ["777777777777", "888888888888", "999999999999"];
    let roles: Vec<String> = accounts
        .iter()
        .map(|acct| format!("{},{}", idp(acct, "Okta"), role(acct, "Admin")))
        .collect();
    let iam = json!({"aliases": {}, "deny_accounts": [accounts[0]]});
    let Some(org) = SimOrg::start(scenario(
        vec![app("0oaFEDX", "AWS", &roles)],
        iam,
        json!({}),
    )) else {
        return;
    };
    let out = support::run(&mut command(&org));
    out.expect_code(0);
    let text = std::fs::read_to_string(credentials_path(&org)).expect("file");
    for acct in accounts {
        assert!(
            text.contains(&format!("[{acct}-Okta-Admin]")),
            "{acct}: {text}"
        );
    }
    assert_eq!(text.matches("aws_session_token").count(), 3, "{text}");
    assert!(!text.contains("[org-"), "{text}");
    assert_eq!(org.requests_to("iam").len(), 3);
}
