//! `web` end to end: the real binary against the simulated org (device authorization,
//! token polling, token exchange, /login/token/sso, appLinks, the org probe) with the STS
//! stand-in reached through `AWS_ENDPOINT_URL_STS`.
//!
//! Each test starts its own org with a scenario; polling intervals are 1 s to stay fast.

use crate::support;

use std::process::Output;

use serde_json::{Value, json};
use support::{SimOrg, header};

const CLIENT_ID: &str = "0oaWEBtestclient01";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";
const READONLY: &str = "arn:aws:iam::123456789012:role/ReadOnly";
const IDP_B: &str = "arn:aws:iam::222222222222:saml-provider/ExampleOkta";
const IDP_C: &str = "arn:aws:iam::333333333333:saml-provider/OtherIdP";
const ADMIN_B: &str = "arn:aws:iam::222222222222:role/Admin";
const ADMIN_C: &str = "arn:aws:iam::333333333333:role/Admin";

/// One amazon_aws app with `roles` (Role attribute values).
fn app(id: &str, label: &str, roles: &[String]) -> Value {
    json!({"id": id, "label": label, "appName": "amazon_aws", "roles": roles})
}

fn pair(idp: &str, role: &str) -> String {
    format!("{idp},{role}")
}

/// A web scenario: approval after `approve_after` pending polls at a 1 s interval.
fn scenario(apps: Vec<Value>, approve_after: u32) -> Value {
    json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": approve_after},
            "apps": apps,
        },
        "sts": {}
    })
}

fn start(scenario: Value) -> Option<SimOrg> {
    SimOrg::start(scenario)
}

/// Run `okta-aws-cli web --org-domain <org> --oidc-client-id <id> <args>`.
fn run(org: &SimOrg, args: &[&str]) -> Output {
    run_env(org, args, &[])
}

fn run_env(org: &SimOrg, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run okta-aws-cli")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The sim org's complaints about what it received (verdicts that flag a client mistake).
fn complaints(org: &SimOrg) -> Vec<String> {
    const MARKERS: &[&str] = &[
        "too early",
        "must",
        "missing",
        "simorg",
        "not a pair",
        "unknown token",
        "bad bearer",
        "no route",
        "crashed",
        "not POST",
        "not GET",
    ];
    org.requests()
        .iter()
        .filter(|r| {
            let v = r["verdict"].as_str().unwrap_or("");
            MARKERS.iter().any(|m| v.contains(m))
        })
        .map(|r| format!("{} {} -> {}", r["route"], r["status"], r["verdict"]))
        .collect()
}

/// Recorded token polls (device-code grant) and their arrival times.
fn poll_times(org: &SimOrg) -> Vec<f64> {
    org.requests_to("token")
        .iter()
        .filter(|r| r["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code")
        .map(|r| r["time"].as_f64().expect("time"))
        .collect()
}

fn exchanges(org: &SimOrg) -> Vec<Value> {
    org.requests_to("token")
        .into_iter()
        .filter(|r| r["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange")
        .collect()
}

/// The STS calls that got credentials.
fn sts_ok(org: &SimOrg) -> Vec<Value> {
    org.requests_to("sts")
        .into_iter()
        .filter(|r| r["status"] == 200)
        .collect()
}

/// The `export NAME=value` (Windows: `setx NAME value`) lines of env-var output as a map.
fn exports(stdout: &str) -> std::collections::BTreeMap<String, String> {
    support::env_lines(stdout)
}

/// No secret the org handed out (or STS returned) may show up on stderr.
fn assert_no_secrets(org: &SimOrg, stderr: &str, stdout: &str) {
    for r in org.requests() {
        for field in ["device_code", "actor_token", "subject_token", "token"] {
            if let Some(v) = r["form"][field].as_str() {
                assert!(!stderr.contains(v), "stderr leaks {field}");
            }
        }
        if let Some(a) = r["form"]["SAMLAssertion"].as_str() {
            assert!(
                !stderr.contains(&a[..40]),
                "stderr leaks the SAML assertion"
            );
        }
    }
    for (k, v) in exports(stdout) {
        if k != "AWS_ACCESS_KEY_ID" {
            assert!(!stderr.contains(&v), "stderr leaks {k}");
        }
    }
}

#[test]
fn one_role_is_auto_selected_and_every_request_is_checked() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS Prod", &[pair(IDP, ADMIN)])], 2);
    sc["web"]["apps"][0]["session_duration"] = json!(7200);
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_ok(&out);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));

    // Output: env-var lines with the stand-in's per-role credentials.
    let vars = exports(&stdout);
    assert_eq!(vars.len(), 3, "{stdout}");
    assert!(vars["AWS_ACCESS_KEY_ID"].starts_with("ASIA"), "{stdout}");
    assert!(!vars["AWS_SESSION_TOKEN"].is_empty());

    // stderr: the banner with the org's activation URL, and the echoed choice.
    assert!(
        stderr
            .contains("Open the following URL to begin Okta device authorization for the AWS CLI"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{}/activate?user_code=", org.base_url())));
    assert!(stderr.contains(&format!("  IdP: {IDP}\n")), "{stderr}");
    assert!(stderr.contains(&format!("  Role: {ADMIN}\n")), "{stderr}");
    assert_no_secrets(&org, &stderr, &stdout);

    // The order of calls (docs/architecture.md#data-flow-of-a-web-run).
    let routes: Vec<String> = org
        .requests()
        .iter()
        .map(|r| r["route"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        routes,
        [
            "well-known",
            "device-authorize",
            "token",
            "token",
            "token",
            "applinks",
            "token",
            "sso",
            "sts"
        ],
        "{routes:?}"
    );
    assert_eq!(complaints(&org), Vec::<String>::new());

    // Device authorization: client id and the scopes of docs/decisions.md#k-okta-requests.
    let auth = &org.requests_to("device-authorize")[0];
    assert_eq!(auth["form"]["client_id"], CLIENT_ID);
    let scope = auth["form"]["scope"].as_str().unwrap_or("");
    for s in ["openid", "okta.apps.sso", "okta.users.read.self"] {
        assert!(
            scope.split(' ').any(|x| x == s),
            "scope {scope:?} lacks {s}"
        );
    }
    assert_eq!(header(auth, "X-Okta-Aws-Cli-Operation"), Some("web"));

    // Polls: first one an interval after the authorization, then at the interval.
    let auth_time = auth["time"].as_f64().unwrap();
    let polls = poll_times(&org);
    assert_eq!(polls.len(), 3);
    assert!(polls[0] - auth_time >= 0.9, "first poll too early");
    for w in polls.windows(2) {
        assert!(w[1] - w[0] >= 0.9, "polls {w:?} closer than the interval");
    }

    // Token exchange: every field of docs/decisions.md#k-okta-requests.
    let ex = &exchanges(&org)[0];
    assert_eq!(ex["form"]["audience"], "urn:okta:apps:0oaFED1");
    assert_eq!(ex["form"]["client_id"], CLIENT_ID);
    assert_eq!(ex["status"], 200);
    // /login/token/sso: POST with the web SSO token in the form, Accept: text/html.
    let sso = &org.requests_to("sso")[0];
    assert_eq!(sso["method"], "POST");
    assert_eq!(sso["query"], "");
    assert_eq!(header(sso, "Accept"), Some("text/html"));

    // STS: the pair from the assertion, the assertion's SessionDuration, the SAMLResponse
    // decoded from its character references (the org checks it issued exactly this string).
    let sts = &sts_ok(&org)[0];
    assert_eq!(sts["form"]["Action"], "AssumeRoleWithSAML");
    assert_eq!(sts["form"]["PrincipalArn"], IDP);
    assert_eq!(sts["form"]["RoleArn"], ADMIN);
    assert_eq!(sts["form"]["DurationSeconds"], "7200");
    let assertion = sts["form"]["SAMLAssertion"].as_str().unwrap();
    assert!(
        !assertion.contains("&#x"),
        "character references not decoded"
    );
}

#[test]
fn role_preselected_by_arn_takes_the_provider_of_its_own_value() {
    // Case B03: several accounts with same-named roles.
    let roles = vec![
        pair(IDP, ADMIN),
        pair(IDP_B, ADMIN_B),
        format!("{ADMIN_C},{IDP_C}"), // role first (case B01)
    ];
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &roles)], 0);
    // The SAMLResponse written with literal '+', '/', '=' this time (case B05's other half).
    sc["web"]["apps"][0]["entities"] = json!(false);
    let Some(org) = start(sc) else { return };
    let out = run(
        &org,
        &["--aws-iam-role", ADMIN_C, "--aws-session-duration", "900"],
    );
    assert_ok(&out);
    let sts = &sts_ok(&org)[0];
    assert_eq!(sts["form"]["PrincipalArn"], IDP_C);
    assert_eq!(sts["form"]["RoleArn"], ADMIN_C);
    assert_eq!(sts["form"]["DurationSeconds"], "900");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("  Role: {ADMIN_C}")), "{stderr}");
    // No session duration anywhere: 3600.
    let out = run(&org, &["--aws-iam-role", ADMIN_B]);
    assert_ok(&out);
    let sts = &sts_ok(&org)[1];
    assert_eq!(sts["form"]["PrincipalArn"], IDP_B);
    assert_eq!(sts["form"]["DurationSeconds"], "3600");
}

#[test]
fn idp_and_role_preselected_by_okta_yaml_labels() {
    let roles = vec![pair(IDP, ADMIN), pair(IDP, READONLY), pair(IDP_B, ADMIN_B)];
    let Some(org) = start(scenario(vec![app("0oaFED1", "AWS", &roles)], 0)) else {
        return;
    };
    let dir = org.home().join(".okta");
    std::fs::create_dir_all(&dir).unwrap();
    // Regex keys; the first matching key in file order wins ("Prod admin" for ADMIN_B
    // although the later key also matches).
    std::fs::write(
        dir.join("okta.yaml"),
        format!(
            "awscli:\n  idps:\n    \"{IDP_B}\": \"Account B\"\n    \"saml-provider/ExampleOkta\": \"Main\"\n  roles:\n    \"222222222222:role/Admin$\": \"Prod admin\"\n    \"role/Admin\": \"Any admin\"\n    \"role/ReadOnly\": \"Read only\"\n"
        ),
    )
    .unwrap();
    let out = run(
        &org,
        &["--aws-iam-idp", "Account B", "--aws-iam-role", "Prod admin"],
    );
    assert_ok(&out);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("  IdP: Account B\n"), "{stderr}");
    assert!(stderr.contains("  Role: Prod admin\n"), "{stderr}");
    let sts = &sts_ok(&org)[0];
    assert_eq!(sts["form"]["PrincipalArn"], IDP_B);
    assert_eq!(sts["form"]["RoleArn"], ADMIN_B);

    let out = run(&org, &["--aws-iam-role", "Read only"]);
    assert_ok(&out);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("  IdP: Main\n"), "{stderr}");
    assert!(stderr.contains("  Role: Read only\n"), "{stderr}");
    assert_eq!(sts_ok(&org)[1]["form"]["RoleArn"], READONLY);
}

#[test]
fn apps_from_every_applinks_page_and_preselection_by_app_label() {
    let mut apps = vec![
        app("0oaFEDA", "AWS Dev", &[pair(IDP, READONLY)]),
        json!({"id": "0oaSFDC", "label": "Salesforce", "appName": "salesforce"}),
        app("0oaFEDB", "AWS Prod", &[pair(IDP_B, ADMIN_B)]),
    ];
    apps.push(app("0oaFEDC", "AWS Audit", &[pair(IDP_C, ADMIN_C)]));
    let mut sc = scenario(apps, 0);
    sc["web"]["applinks_page_size"] = json!(1);
    let Some(org) = start(sc) else { return };

    // Several apps and no terminal: an error listing them and the flag.
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--aws-acct-fed-app-id"), "{stderr}");
    for label in ["AWS Dev", "AWS Prod", "AWS Audit"] {
        assert!(stderr.contains(label), "{label} missing: {stderr}");
    }
    assert!(!stderr.contains("Salesforce"), "{stderr}");
    assert_eq!(org.requests_to("applinks").len(), 4, "every page is read");
    assert!(sts_ok(&org).is_empty());

    // The app label preselects (via --aws-iam-idp, as upstream's README promises).
    let out = run(&org, &["--aws-iam-idp", "AWS Audit"]);
    assert_ok(&out);
    assert_eq!(
        exchanges(&org).last().unwrap()["form"]["audience"],
        "urn:okta:apps:0oaFEDC"
    );
    assert_eq!(sts_ok(&org)[0]["form"]["RoleArn"], ADMIN_C);

    // --aws-acct-fed-app-id skips appLinks.
    let before = org.requests_to("applinks").len();
    let out = run(&org, &["--aws-acct-fed-app-id", "0oaFEDB"]);
    assert_ok(&out);
    assert_eq!(org.requests_to("applinks").len(), before);
    assert_eq!(sts_ok(&org)[1]["form"]["RoleArn"], ADMIN_B);
    assert_eq!(complaints(&org), Vec::<String>::new());
}

#[test]
fn no_federation_app_is_a_clear_error() {
    let sc = scenario(
        vec![json!({"id": "0oaSFDC", "label": "Salesforce", "appName": "salesforce"})],
        0,
    );
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("Error:")).collect();
    // The error line is last but for the hint line (commands::hints) after it.
    let mut tail = stderr.lines().rev();
    assert!(
        tail.next().unwrap_or_default().starts_with("hint: "),
        "{stderr}"
    );
    let last = tail.next().unwrap_or_default();
    assert_eq!(errors, [last], "one error line, last: {stderr}");
    assert!(
        last.starts_with("Error: no AWS Federation app")
            && last.contains(&format!("OIDC app \"{CLIENT_ID}\""))
            && last.contains("--aws-acct-fed-app-id"),
        "{stderr}"
    );
}

#[test]
fn several_idps_and_roles_without_a_terminal_list_the_choices() {
    let roles = vec![pair(IDP, ADMIN), pair(IDP, READONLY), pair(IDP_B, ADMIN_B)];
    let Some(org) = start(scenario(vec![app("0oaFED1", "AWS", &roles)], 0)) else {
        return;
    };
    // Several IdPs.
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--aws-iam-idp"), "{stderr}");
    assert!(stderr.contains(IDP) && stderr.contains(IDP_B), "{stderr}");
    // IdP chosen, several roles.
    let out = run(&org, &["--aws-iam-idp", IDP]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--aws-iam-role"), "{stderr}");
    assert!(
        stderr.contains(ADMIN) && stderr.contains(READONLY),
        "{stderr}"
    );
    assert!(!stderr.contains(ADMIN_B), "{stderr}");
    assert!(
        org.requests_to("sts").is_empty(),
        "no STS call without a choice"
    );
    // A role Okta does not offer is refused, never substituted.
    let out = run(
        &org,
        &["--aws-iam-role", "arn:aws:iam::123456789012:role/Nope"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(org.requests_to("sts").is_empty());
}

// Unix only: the browser command is an sh script (Windows browser: issue 12 point 2).
#[cfg(unix)]
#[test]
fn process_credentials_prints_exactly_one_json_object() {
    let roles = vec![pair(IDP, ADMIN), pair(IDP, READONLY)];
    let Some(org) = start(scenario(vec![app("0oaFED1", "AWS", &roles)], 1)) else {
        return;
    };
    // A browser command that also writes to stdout: its output must not reach ours.
    let browser = "sh -c 'echo browser-stdout; echo \"$0\" > browser-url.txt'";
    let out = run(
        &org,
        &[
            "--format",
            "process-credentials",
            "--aws-iam-role",
            READONLY,
            "--open-browser-command",
            browser,
        ],
    );
    assert_ok(&out);
    let stdout = text(&out.stdout);
    let value: Value = serde_json::from_str(stdout.trim_end()).expect("one JSON object");
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert_eq!(value["Version"], 1);
    assert!(value["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(value["Expiration"], "2030-01-01T00:00:00Z");
    for k in ["SecretAccessKey", "SessionToken"] {
        assert!(value[k].as_str().is_some_and(|s| !s.is_empty()));
    }
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Web browser will open the following URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("  Role:"), "{stderr}");
    // The browser got the activation URL as its last argument.
    let mut opened = String::new();
    for _ in 0..50 {
        opened =
            std::fs::read_to_string(org.work_dir().join("browser-url.txt")).unwrap_or_default();
        if !opened.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        opened
            .trim()
            .starts_with(&format!("{}/activate?user_code=", org.base_url())),
        "{opened:?}"
    );

    // A choice that would need the chooser fails at once in this format.
    let out = run(&org, &["--format", "process-credentials"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("--aws-iam-role"));
}

#[test]
fn aws_credentials_output_and_qr_code() {
    let Some(org) = start(scenario(
        vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])],
        0,
    )) else {
        return;
    };
    let out = run(
        &org,
        &[
            "--format",
            "aws-credentials",
            "--profile",
            "okta-dev",
            "--qr-code",
        ],
    );
    assert_ok(&out);
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains('█') || stderr.contains('▀'),
        "no QR code: {stderr}"
    );
    let file = std::fs::read_to_string(org.home().join(".aws/credentials")).expect("file");
    assert!(file.contains("[okta-dev]"), "{file}");
    let key = "ASIA";
    assert!(
        file.contains(&format!("aws_access_key_id = {key}")),
        "{file}"
    );
    assert!(file.contains("aws_session_token = "), "{file}");
}

#[test]
fn denial_in_the_browser_stops_with_a_clear_error() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 1);
    sc["web"]["device"]["outcome"] = json!("access_denied");
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("denied"), "{stderr}");
    assert_eq!(poll_times(&org).len(), 2, "no poll after the denial");
    assert!(org.requests_to("sts").is_empty());
}

#[test]
fn expired_device_code_stops_with_a_clear_error() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["device"]["outcome"] = json!("expired_token");
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("expired"), "{stderr}");
    assert_eq!(poll_times(&org).len(), 1);
}

#[test]
fn slow_down_adds_five_seconds_to_the_interval() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["device"]["slow_down_at"] = json!([0]);
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_ok(&out);
    let polls = poll_times(&org);
    assert_eq!(polls.len(), 2, "slow_down is not fatal");
    assert!(
        polls[1] - polls[0] >= 5.9,
        "second poll {:.2}s after slow_down, expected >= 6s",
        polls[1] - polls[0]
    );
    assert_eq!(complaints(&org), Vec::<String>::new());
}

#[test]
fn rate_limited_poll_waits_for_the_reset() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["device"]["rate_limit_at"] = json!([0]);
    sc["web"]["device"]["rate_limit_wait"] = json!(2);
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_ok(&out);
    let polls = org.requests_to("token");
    assert_eq!(polls[0]["status"], 429);
    let gap = polls[1]["time"].as_f64().unwrap() - polls[0]["time"].as_f64().unwrap();
    assert!(
        gap >= 2.0,
        "polled {gap:.2}s after a 429 whose reset was >= 2s away"
    );
    assert_eq!(complaints(&org), Vec::<String>::new());
}

#[test]
fn cached_access_token_is_reused_and_a_stale_one_retried_once() {
    let Some(org) = start(scenario(
        vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])],
        0,
    )) else {
        return;
    };
    // 1. Device flow, token cached.
    let out = run(&org, &["--cache-access-token"]);
    assert_ok(&out);
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    // 2. The cached token is used: no device authorization.
    let out = run(&org, &["--cache-access-token"]);
    assert_ok(&out);
    assert_eq!(org.requests_to("device-authorize").len(), 1);
    assert!(
        !text(&out.stderr).contains("activate"),
        "{}",
        text(&out.stderr)
    );

    // 3. Replace the cache entry with tokens this org never issued: the exchange says
    //    invalid_grant; the entry is removed and the device flow runs once.
    let cache_dir = org.home().join(".okta/awscli-access-tokens");
    let entry = std::fs::read_dir(&cache_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("cache entry");
    let mut cached: Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).unwrap()).unwrap();
    cached["access_token"] = json!("stale-access-token-from-an-old-session");
    cached["id_token"] = json!("stale.id.token");
    std::fs::write(&entry, cached.to_string()).unwrap();
    // (With the app id given, appLinks is skipped: the token exchange is what says so.)
    let out = run(
        &org,
        &["--cache-access-token", "--aws-acct-fed-app-id", "0oaFED1"],
    );
    assert_ok(&out);
    assert_eq!(exchanges(&org)[2]["status"], 400);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "Cached access token appears to be stale, removing token and retrying device authorization ..."
        ),
        "{stderr}"
    );
    assert_eq!(org.requests_to("device-authorize").len(), 2);
    let fresh: Value = serde_json::from_str(&std::fs::read_to_string(&entry).unwrap()).unwrap();
    assert_ne!(
        fresh["access_token"],
        "stale-access-token-from-an-old-session"
    );
    assert!(!stderr.contains("stale-access-token"), "token leaked");

    // 4. Stale again, now found out by appLinks (401 invalid_token): same recovery.
    std::fs::write(&entry, cached.to_string()).unwrap();
    let out = run(&org, &["--cache-access-token"]);
    assert_ok(&out);
    assert!(text(&out.stderr).contains("Cached access token appears to be stale"));
    assert_eq!(org.requests_to("device-authorize").len(), 3);
}

#[test]
fn stale_cached_token_rejected_again_is_an_error_not_a_silent_exit() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    // The first exchange works (fills the cache), later ones say invalid_grant.
    sc["web"]["exchange_replies"] = json!([
        {"shape": "ok"},
        {"shape": "oauth", "status": 400, "error": "invalid_grant",
         "error_description": "The 'subject_token' either expired or the session associated with it was terminated."}
    ]);
    let Some(org) = start(sc) else { return };
    assert_ok(&run(&org, &["--cache-access-token"]));
    let out = run(&org, &["--cache-access-token"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Cached access token appears to be stale"),
        "{stderr}"
    );
    assert!(stderr.contains("invalid_grant"), "{stderr}");
    assert!(stderr.contains("log out of Okta"), "{stderr}");
    // Exactly one retry: two device authorizations in all (run 1 and the retry).
    assert_eq!(org.requests_to("device-authorize").len(), 2);
    assert_eq!(exchanges(&org).len(), 3);
}

#[test]
fn failing_role_reports_the_sts_error() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["sts"]["fail_roles"] = json!({ADMIN: {"code": "AccessDenied", "message": "Not authorized to perform sts:AssumeRoleWithSAML"}});
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("STS Assume Role With SAML API error"),
        "{stderr}"
    );
    assert!(
        stderr.contains(ADMIN) && stderr.contains("AccessDenied"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_chain_notes_the_hour_cap_on_the_saml_session_duration() {
    // No -s: the assertion's SessionDuration (7200) is what the federation asked for.
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["apps"][0]["session_duration"] = json!(7200);
    let Some(org) = start(sc) else { return };
    let chained = "arn:aws:iam::123456789012:role/Chained";
    let out = run(&org, &["--chain-role", chained]);
    assert_ok(&out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "note: AWS limits a chained role session to one hour; --chain-role sessions last \
             3600 seconds, not the 7200 asked for\n"
        ),
        "{stderr}"
    );
    let sts = sts_ok(&org);
    assert_eq!(sts.len(), 2, "federation + one hop");
    assert_eq!(sts[0]["form"]["DurationSeconds"], "7200");
    assert_eq!(sts[1]["form"]["Action"], "AssumeRole");
    assert_eq!(sts[1]["form"]["DurationSeconds"], "3600");
    // Within the hour: no note.
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["apps"][0]["session_duration"] = json!(1800);
    let Some(org) = start(sc) else { return };
    let out = run(&org, &["--chain-role", chained]);
    assert_ok(&out);
    assert!(!text(&out.stderr).contains("note: AWS limits"));
    assert_eq!(sts_ok(&org)[1]["form"]["DurationSeconds"], "1800");
}

#[test]
fn a_classic_org_is_refused_before_device_authorization() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["pipeline"] = json!("v1");
    let Some(org) = start(sc) else { return };
    let out = run(&org, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Classic org"), "{stderr}");
    assert!(stderr.contains("Identity Engine"), "{stderr}");
    assert!(org.requests_to("device-authorize").is_empty());
}

// Unix only: the --exec child is an sh script (Windows --exec: issue 12 point 2).
#[cfg(unix)]
#[test]
fn web_is_the_default_command_and_exec_gets_the_credentials() {
    let Some(org) = start(scenario(
        vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])],
        0,
    )) else {
        return;
    };
    let out = org
        .command()
        .args([
            "--org-domain",
            &org.base_url(),
            "--oidc-client-id",
            CLIENT_ID,
        ])
        .args([
            "--format",
            "noop",
            "--exec",
            "--",
            "sh",
            "-c",
            "echo \"key=$AWS_ACCESS_KEY_ID\"",
        ])
        .output()
        .expect("run");
    assert_ok(&out);
    let stdout = text(&out.stdout);
    let key = sts_ok(&org).len();
    assert_eq!(key, 1);
    assert!(stdout.starts_with("key=ASIA"), "{stdout}");
}

// Unix only: sends SIGINT.
#[cfg(unix)]
#[test]
fn ctrl_c_while_polling_stops_at_once() {
    use std::os::unix::process::ExitStatusExt as _;
    use std::time::{Duration, Instant};
    // Never approved: the binary polls until interrupted.
    let Some(org) = start(scenario(
        vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])],
        1000,
    )) else {
        return;
    };
    // A test run started in the background by a shell without job control (`nohup`, `cmd &`
    // in a script) inherits SIGINT ignored, and so would the binary. The test Python gives
    // it the default disposition, as a terminal's foreground job has, then becomes it.
    let base = org.command();
    let mut cmd = std::process::Command::new(support::python().expect("the org runs on it"));
    cmd.arg("-c")
        .arg(
            "import os, signal, sys\n\
             signal.signal(signal.SIGINT, signal.SIG_DFL)\n\
             os.execv(sys.argv[1], sys.argv[1:])",
        )
        .arg(base.get_program())
        .args([
            "web",
            "--org-domain",
            &org.base_url(),
            "--oidc-client-id",
            CLIENT_ID,
        ])
        .env_clear()
        .envs(base.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .current_dir(base.get_current_dir().expect("work dir"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while poll_times(&org).is_empty() {
        assert!(Instant::now() < deadline, "no token poll within 20 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    let sent = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            // A hang guard, generous for a loaded machine: the run must end on Ctrl-C.
            sent.elapsed() < Duration::from_secs(15),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // Killed by SIGINT: the shell reports 130.
    assert!(
        status.signal() == Some(2) || status.code() == Some(130),
        "{status:?}"
    );
    let out = child.wait_with_output().expect("output");
    assert!(out.stdout.is_empty());
}

#[test]
fn all_profiles_writes_one_profile_per_role() {
    let apps = vec![
        app("0oaFEDA", "AWS A", &[pair(IDP, ADMIN), pair(IDP, READONLY)]),
        app(
            "0oaFEDB",
            "AWS B",
            &[pair(IDP_B, ADMIN_B), pair(IDP, ADMIN)],
        ),
    ];
    let mut sc = scenario(apps, 0);
    sc["iam"] = json!({"aliases": {"123456789012": "devorg"}});
    let Some(org) = start(sc) else { return };
    let iam = format!("{}/iam/", org.base_url());
    let out = run_env(
        &org,
        &["--all-profiles"],
        &[("AWS_ENDPOINT_URL_IAM", iam.as_str())],
    );
    assert_ok(&out);
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let file = std::fs::read_to_string(org.home().join(".aws/credentials")).expect("file");
    for profile in [
        "[devorg-ExampleOkta-Admin]",
        "[devorg-ExampleOkta-ReadOnly]",
        // No alias for this account: named by its account id.
        "[222222222222-ExampleOkta-Admin]",
    ] {
        assert!(file.contains(profile), "{profile} missing:\n{file}");
    }
    assert_eq!(file.matches("aws_access_key_id").count(), 3, "{file}");
    // The pair offered by both apps is assumed once; one alias lookup per account.
    assert_eq!(sts_ok(&org).len(), 3);
    assert_eq!(org.requests_to("iam").len(), 2);
    assert_eq!(complaints(&org), Vec::<String>::new());
}

#[test]
fn device_banner_escapes_the_user_code_and_refuses_a_bad_url() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["device"]["user_code"] = json!("AB\u{1b}[31mCD");
    sc["web"]["device"]["verification_uri_complete"] = json!("{base}/activate");
    let Some(org) = start(sc) else {
        return;
    };
    let out = run(&org, &["--format", "noop"]);
    assert_ok(&out);
    let err = text(&out.stderr);
    assert!(!err.contains('\u{1b}'), "raw ESC on stderr: {err:?}");
    assert!(err.contains("Code: AB\\x1b[31mCD"), "{err}");

    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["device"]["verification_uri_complete"] = json!("https://x/\u{1b}[2J\u{1b}[H");
    let Some(org) = start(sc) else {
        return;
    };
    let out = run(&org, &["--format", "noop"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(!err.contains('\u{1b}'), "raw ESC on stderr: {err:?}");
    assert!(
        err.contains("Error: invalid device authorization reply from Okta: verification_uri_complete contains control characters"),
        "{err}"
    );
    assert!(
        poll_times(&org).is_empty(),
        "no polling after a refused reply"
    );
}

/// Issue 15 point 1: the activation URL Okta sends is opened only when it is on the org's
/// own origin, and then percent-encoded, as one argument of the browser command.
#[test]
fn activation_url_must_be_on_the_org_origin_and_is_opened_percent_encoded() {
    // The browser: a program recording its arguments, quoted as one word (by the Windows
    // rules on Windows, where backslashes stay; as a POSIX word elsewhere).
    let recorder = |org: &SimOrg| -> Option<String> {
        let path = support::argv_recorder(&org.work_dir(), "browser")?;
        Some(if cfg!(windows) {
            format!("\"{}\"", path.display())
        } else {
            format!("'{}'", path.display())
        })
    };
    // Same origin, hostile characters: opened, percent-encoded, as one argument.
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["device"]["verification_uri_complete"] =
        json!("{base}/activate?user_code=A|touch pwned>x^y%zz\"q z");
    let Some(org) = start(sc) else {
        return;
    };
    let Some(browser) = recorder(&org) else {
        return;
    };
    let out = run(
        &org,
        &["--format", "noop", "--open-browser-command", &browser],
    );
    assert_ok(&out);
    let want = format!(
        "{}/activate?user_code=A%7Ctouch%20pwned%3Ex%5Ey%25zz%22q%20z",
        org.base_url()
    );
    assert_eq!(
        support::wait_for_calls(&org.work_dir(), "browser"),
        [[want.clone()]]
    );
    assert!(text(&out.stderr).contains(&want), "{}", text(&out.stderr));
    assert!(!org.work_dir().join("pwned").exists());

    // Another origin (another host, another port, http, user info): refused before
    // anything is shown or opened, and no polling.
    for url in [
        "https://example.okta.com/activate".to_string(),
        "https://127.0.0.1:1/activate".to_string(),
        "{base}@evil.example/activate".to_string(),
        "http://127.0.0.1/activate".to_string(),
    ] {
        let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
        sc["web"]["device"]["verification_uri_complete"] = json!(url);
        let Some(org) = start(sc) else {
            return;
        };
        let Some(browser) = recorder(&org) else {
            return;
        };
        let out = run(
            &org,
            &["--format", "noop", "--open-browser-command", &browser],
        );
        assert_eq!(out.status.code(), Some(1), "{url}");
        let err = text(&out.stderr);
        assert!(
            err.contains(
                "Error: invalid device authorization reply from Okta: verification_uri_complete "
            ),
            "{err}"
        );
        assert_eq!(
            err.lines().filter(|l| l.starts_with("Error")).count(),
            1,
            "{err}"
        );
        assert!(out.stdout.is_empty());
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            support::recorded_calls(&org.work_dir(), "browser").is_empty(),
            "{url}"
        );
        assert!(
            poll_times(&org).is_empty(),
            "no polling after a refused reply"
        );
    }
}

/// Issue 15 point 2: a `.env` in the current directory (a cloned repository) cannot make
/// the tool run a program or write the credentials somewhere else: those lines are ignored
/// with a warning naming the line, and the rest of the `.env` still applies.
#[test]
fn dotenv_cannot_set_the_browser_command_or_the_credentials_file() {
    let Some(org) = start(scenario(
        vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])],
        0,
    )) else {
        return;
    };
    let work = org.work_dir();
    let elsewhere = work.join("elsewhere-credentials");
    std::fs::write(
        work.join(".env"),
        format!(
            "# a checkout's .env\nOKTA_AWSCLI_OPEN_BROWSER_COMMAND=sh -c 'touch pwned' sh\n\
             OKTA_AWSCLI_AWS_CREDENTIALS={}\nAWS_SHARED_CREDENTIALS_FILE={}\n\
             OKTA_AWSCLI_PROFILE=fromdotenv\n",
            elsewhere.display(),
            elsewhere.display()
        ),
    )
    .unwrap();
    // Allowed: the refusals below hold for an allowed `.env` too.
    let allow = org
        .command()
        .args(["dotenv", "allow"])
        .output()
        .expect("dotenv allow");
    assert!(allow.status.success(), "{allow:?}");
    let out = run(&org, &["--write-aws-credentials"]);
    assert_ok(&out);
    let err = text(&out.stderr);
    for (line, name) in [
        (2, "OKTA_AWSCLI_OPEN_BROWSER_COMMAND"),
        (3, "OKTA_AWSCLI_AWS_CREDENTIALS"),
        (4, "AWS_SHARED_CREDENTIALS_FILE"),
    ] {
        assert!(
            err.contains(&format!(".env line {line}: {name} is ignored: ")),
            "{err}"
        );
    }
    assert!(!err.contains("touch pwned"), "{err}");
    assert!(!err.contains("Web browser will open"), "{err}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(!work.join("pwned").exists(), "the .env browser command ran");
    assert!(!elsewhere.exists(), "credentials written where .env said");
    let written =
        std::fs::read_to_string(org.home().join(".aws/credentials")).expect("credentials file");
    assert!(written.contains("[fromdotenv]"), "{written}");
}

#[test]
fn app_labels_from_okta_are_escaped_in_the_no_tty_list() {
    let Some(org) = start(scenario(
        vec![
            app("0oaFED1", "Prod\u{1b}]0;owned\u{7}", &[pair(IDP, ADMIN)]),
            app("0oaFED2", "Dev\nFake line", &[pair(IDP, READONLY)]),
        ],
        0,
    )) else {
        return;
    };
    let out = run(&org, &["--format", "noop"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("0oaFED1  (Prod\\x1b]0;owned\\x07)"), "{err}");
    assert!(err.contains("0oaFED2  (Dev\\nFake line)"), "{err}");
}

#[test]
fn looping_applinks_pages_list_each_app_once() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["applinks_next_loop"] = json!(true);
    let Some(org) = start(sc) else {
        return;
    };
    let out = run(&org, &["--format", "noop"]);
    assert_ok(&out);
    assert_eq!(sts_ok(&org).len(), 1);
    // The first page, then its rel="next" twin, then the twin's link is already fetched.
    assert_eq!(org.requests_to("applinks").len(), 2);
}

/// A token cache that cannot be locked (its lock file is a directory) is a warning, not a
/// failure: the run signs in without the cache (neither reading nor writing it).
#[test]
fn unusable_token_cache_lock_is_a_warning() {
    let Some(org) = start(scenario(
        vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])],
        0,
    )) else {
        return;
    };
    assert_ok(&run(&org, &["--cache-access-token"]));
    let cache_dir = org.home().join(".okta/awscli-access-tokens");
    let lock = std::fs::read_dir(&cache_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "lock"))
        .expect("lock file");
    let entry = lock.with_extension("json");
    let before = std::fs::read(&entry).unwrap();
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&lock).unwrap();
    let out = run(&org, &["--cache-access-token"]);
    assert_ok(&out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("WARNING: cannot lock token cache ")
            && stderr.contains("continuing without the access token cache"),
        "{stderr}"
    );
    assert!(!stderr.contains("Error:"), "{stderr}");
    // The cached token was not used (a device flow ran) and the entry was not rewritten.
    assert_eq!(org.requests_to("device-authorize").len(), 2);
    assert_eq!(std::fs::read(&entry).unwrap(), before);
    assert!(exports(&text(&out.stdout)).contains_key("AWS_ACCESS_KEY_ID"));
}

/// `--debug-api-calls` with a SAML page whose input has a `>` inside another attribute and
/// a character reference in its name: the run reads the assertion, and the dump hides it.
#[test]
fn debug_dump_hides_a_tricky_saml_input() {
    let mut sc = scenario(vec![app("0oaFED1", "AWS", &[pair(IDP, ADMIN)])], 0);
    sc["web"]["apps"][0]["tricky_input"] = json!(true);
    sc["web"]["apps"][0]["entities"] = json!(false);
    let Some(org) = start(sc) else { return };
    let out = run(&org, &["--debug-api-calls"]);
    assert_ok(&out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("data-x=\"a>b\""),
        "the page is dumped: {stderr}"
    );
    let assertion = org
        .requests_to("sts")
        .iter()
        .find_map(|r| r["form"]["SAMLAssertion"].as_str().map(str::to_string))
        .expect("the assertion reached STS");
    for chunk in assertion.as_bytes().chunks(40).filter(|c| c.len() >= 20) {
        let chunk = std::str::from_utf8(chunk).unwrap();
        assert!(!stderr.contains(chunk), "stderr leaks the SAML assertion");
    }
    assert_no_secrets(&org, &stderr, &text(&out.stdout));
}

/// Run a tmux command, returning its stdout (`None` when tmux failed).
#[cfg(unix)] // Unix only: tmux
fn tmux(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("tmux")
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Poll the tmux pane (at most 30 s) until it shows `want`; the pane text.
#[cfg(unix)] // Unix only: tmux
fn wait_for_pane(session: &str, want: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let pane = tmux(&["capture-pane", "-p", "-t", session]).unwrap_or_default();
        if pane.contains(want) {
            return pane;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = tmux(&["kill-session", "-t", session]);
            panic!("the pane never showed {want:?}:\n{pane}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// SIGTERM while the role chooser has the terminal in raw mode: the process dies by the
/// signal (exit 143 in the shell) and the terminal is back in cooked mode (icanon, echo).
/// Runs in a real terminal under tmux (scripts/setup-test-env installs it); without tmux it
/// is skipped with a note, and fails under `CI=true`.
// Unix only: SIGTERM, termios and tmux.
#[cfg(unix)]
#[test]
fn sigterm_during_the_chooser_restores_the_terminal() {
    if tmux(&["-V"]).is_none() {
        let _: Option<()> =
            support::missing("tmux is not installed (scripts/setup-test-env installs it)");
        return;
    }
    let Some(org) = start(scenario(
        vec![app(
            "0oaFED1",
            "AWS",
            &[pair(IDP, ADMIN), pair(IDP, READONLY)],
        )],
        0,
    )) else {
        return;
    };
    let session = format!("okta-aws-cli-test-{}", std::process::id());
    let script = org.home().join("run.sh");
    std::fs::write(
        &script,
        format!(
            "cd '{work}' && env -i HOME='{home}' PATH=\"$PATH\" TERM=xterm SSL_CERT_FILE='{ca}' \
             AWS_ENDPOINT_URL_STS='{sts}' '{bin}' web --org-domain '{org}' --oidc-client-id {CLIENT_ID}\n\
             echo \"EXIT=$?\"\nstty -a | tr ' ' '\\n' | grep -x -e '-*icanon' -e '-*echo' | tr '\\n' ' '\necho END\n",
            work = org.work_dir().display(),
            home = org.home().display(),
            ca = org.ca_path().display(),
            sts = org.sts_url(),
            bin = env!("CARGO_BIN_EXE_okta-aws-cli"),
            org = org.base_url(),
        ),
    )
    .unwrap();
    let shell = format!("sh {}; sleep 30", script.display());
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "40",
        &shell,
    ])
    .expect("tmux new-session");
    wait_for_pane(&session, "Choose a Role");
    // The pane runs shells; the descendant whose executable is our binary is the target.
    let shell_pid = tmux(&["display-message", "-p", "-t", &session, "#{pane_pid}"])
        .expect("pane pid")
        .trim()
        .to_string();
    let binary = std::fs::canonicalize(env!("CARGO_BIN_EXE_okta-aws-cli")).unwrap();
    let mut queue = vec![shell_pid];
    let mut target = None;
    while let Some(p) = queue.pop() {
        if std::fs::read_link(format!("/proc/{p}/exe")).ok().as_ref() == Some(&binary) {
            target = Some(p);
            break;
        }
        let children =
            std::fs::read_to_string(format!("/proc/{p}/task/{p}/children")).unwrap_or_default();
        queue.extend(children.split_whitespace().map(str::to_string));
    }
    let Some(pid) = target else {
        let _ = tmux(&["kill-session", "-t", &session]);
        panic!("okta-aws-cli not found under the pane's shell");
    };
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let pane = wait_for_pane(&session, "END");
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("EXIT=143"), "{pane}");
    assert!(
        pane.contains(" icanon ") || pane.contains("\nicanon ") || pane.contains("icanon echo"),
        "{pane}"
    );
    assert!(
        !pane.contains("-icanon") && !pane.contains("-echo "),
        "{pane}"
    );
}
