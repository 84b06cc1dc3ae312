//! Beyond upstream on the AWS side (issue 13), end to end with the real binary:
//!
//! - `--format console-url` against the simulated org's stand-in for the console federation
//!   endpoint (`AWS_ENDPOINT_URL_SIGNIN`), which checks that the `Session` JSON carries the
//!   credentials STS issued; the URL on stdout, in no stderr or `--debug-api-calls` output;
//!   `--open-browser-command` opening it instead;
//! - `--chain-role` against the STS stand-in (signed by the previous hop, duration capped,
//!   external id, a denied hop named with both ARNs) and against moto, where the real AWS CLI
//!   then sees the chained role (`sts get-caller-identity`);
//! - `web --all-profiles --profile-template`, including a template whose names collide.
//!
//! Without the test Python (or moto and the AWS CLI for the moto test) the tests are skipped
//! with a note, except under `CI=true`, where they fail.

use crate::support;

use serde_json::{Value, json};
use support::{M2M_ROLE_ARN, SimOrg, b15_scenario, run};

const CHAIN_A: &str = "arn:aws:iam::210987654321:role/ChainA";
const CHAIN_B: &str = "arn:aws:iam::333333333333:role/team/ChainB";

/// `b15_scenario()` with extra STS settings merged in, plus `extra` top-level sections.
fn m2m_org(sts: Value, extra: Value) -> Option<SimOrg> {
    let mut scenario = b15_scenario();
    for (k, v) in sts.as_object().expect("sts object") {
        scenario["sts"][k] = v.clone();
    }
    for (k, v) in extra.as_object().expect("extra object") {
        scenario[k] = v.clone();
    }
    SimOrg::start(scenario)
}

/// RFC 3339 UTC time `secs` seconds from now.
fn in_secs(secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    t.replace_nanosecond(0)
        .expect("whole seconds")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// The query parameters of a URL, percent-decoded.
fn query(url: &str) -> Vec<(String, String)> {
    let (_, q) = url.split_once('?').expect("a query");
    q.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("k=v");
            (k.to_string(), decode(v))
        })
        .collect()
}

fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// The variables of env-var output (`export NAME=value`, or `setx NAME value` on Windows).
fn exports(stdout: &str) -> Vec<(String, String)> {
    support::env_lines(stdout)
        .into_iter()
        .map(|(k, v)| (k, v.trim_matches('\'').to_string()))
        .collect()
}

fn export<'a>(vars: &'a [(String, String)], name: &str) -> &'a str {
    &vars.iter().find(|(k, _)| k == name).expect(name).1
}

/// The credentials a stand-in log line says were issued.
fn issued(line: &Value) -> (String, String, String, String) {
    let i = &line["issued"];
    let s = |k: &str| i[k].as_str().expect(k).to_string();
    (
        s("AccessKeyId"),
        s("SecretAccessKey"),
        s("SessionToken"),
        s("RoleArn"),
    )
}

fn form<'a>(line: &'a Value, key: &str) -> Option<&'a str> {
    line["form"][key].as_str()
}

// ---------------------------------------------------------------------------------------
// Console sign-in URL
// ---------------------------------------------------------------------------------------

#[test]
fn console_url_is_built_from_a_token_for_the_issued_credentials() {
    let Some(org) = m2m_org(
        json!({"credentials": {"Expiration": in_secs(1800)}}),
        json!({}),
    ) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "console-url", "--aws-region", "eu-west-1"])
        .arg("--debug-api-calls")
        .env("AWS_ENDPOINT_URL_SIGNIN", org.base_url());
    let out = run(&mut cmd);
    out.expect_code(0);

    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 1);
    let (key_id, secret, token, _) = issued(&sts[0]);
    let fed = org.requests_to("federation");
    assert_eq!(fed.len(), 1, "one getSigninToken call");
    let signin = &fed[0]["signin"];
    assert_eq!(signin["session_ok"], true, "{fed:?}");
    // The console session follows the credentials' remaining lifetime (about 1800 s).
    let asked = signin["session_duration"]
        .as_i64()
        .expect("SessionDuration");
    assert!((1700..=1800).contains(&asked), "{asked}");
    let signin_token = signin["token"].as_str().expect("token");

    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    let url = lines[0];
    assert!(
        url.starts_with(&format!("{}/federation?Action=login&", org.base_url())),
        "{url}"
    );
    let params = query(url);
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["Action", "Issuer", "Destination", "SigninToken"]);
    assert_eq!(params[1].1, org.base_url());
    assert_eq!(
        params[2].1,
        "https://console.aws.amazon.com/?region=eu-west-1"
    );
    assert_eq!(params[3].1, signin_token);

    // Secrets never on stderr, not even in the API dump.
    for secret in [signin_token, &secret, &token, url] {
        assert!(
            !out.stderr.contains(secret),
            "secret on stderr:\n{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("Session=<redacted>"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&key_id),
        "the dump still shows the key id"
    );
}

#[test]
fn console_url_after_a_chain_uses_the_chained_session_and_the_destination() {
    let Some(org) = m2m_org(json!({}), json!({})) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "console-url", "--chain-role", CHAIN_A])
        .args([
            "--console-destination",
            "https://console.aws.amazon.com/s3/home?region=us-west-2",
        ])
        .env("AWS_ENDPOINT_URL_SIGNIN", format!("{}/", org.base_url()));
    let out = run(&mut cmd);
    out.expect_code(0);
    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 2, "federation + one hop");
    let (chained_key, ..) = issued(&sts[1]);
    let fed = org.requests_to("federation");
    assert_eq!(fed[0]["signin"]["session_ok"], true);
    assert_eq!(
        fed[0]["signin"]["session_duration"],
        Value::Null,
        "no SessionDuration for chained credentials"
    );
    let session = query(&format!("x?{}", fed[0]["query"].as_str().expect("query")))
        .into_iter()
        .find(|(k, _)| k == "Session")
        .expect("Session")
        .1;
    let session: Value = serde_json::from_str(&session).expect("Session JSON");
    assert_eq!(session["sessionId"], chained_key.as_str());
    let params = query(out.stdout.trim());
    assert_eq!(
        params[2].1,
        "https://console.aws.amazon.com/s3/home?region=us-west-2"
    );
}

#[test]
fn console_url_refused_prints_nothing() {
    let Some(org) = m2m_org(json!({}), json!({"signin": {"status": 400}})) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "console-url", "--write-aws-credentials"])
        .env("AWS_ENDPOINT_URL_SIGNIN", org.base_url());
    let out = run(&mut cmd);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("HTTP 400"), "{}", out.stderr);
    assert!(
        !org.home().join(".aws/credentials").exists(),
        "nothing written when the URL cannot be had"
    );
}

#[test]
fn console_url_with_open_browser_is_opened_not_printed() {
    let Some(org) = m2m_org(json!({}), json!({})) else {
        return;
    };
    let Some(opener) = support::argv_recorder(&org.work_dir(), "opener") else {
        return;
    };
    // Quoted as one word: by the Windows rules (double quotes; backslashes stay) on
    // Windows, as a POSIX word elsewhere.
    let command = if cfg!(windows) {
        format!("\"{}\"", opener.display())
    } else {
        format!("'{}'", opener.display())
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "console-url"])
        .env("OKTA_AWSCLI_OPEN_BROWSER_COMMAND", &command)
        .env("AWS_ENDPOINT_URL_SIGNIN", org.base_url());
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "opened instead of printed");
    let token = org.requests_to("federation")[0]["signin"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    // The opener got one argument: a page that redirects to the URL, never the URL itself
    // (tests/secrets.rs checks the page).
    let calls = support::recorded_calls(&org.work_dir(), "opener");
    assert_eq!(calls.len(), 1, "the opener ran once: {calls:?}");
    assert_eq!(calls[0].len(), 1, "{calls:?}");
    assert!(calls[0][0].ends_with(".html"), "{calls:?}");
    assert!(!calls[0][0].contains(&token), "{calls:?}");
    assert!(!out.stderr.contains(&token), "{}", out.stderr);

    // An opener that cannot run: an error without the URL, nothing on stdout.
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "console-url"])
        .env("OKTA_AWSCLI_OPEN_BROWSER_COMMAND", "/nonexistent/opener")
        .env("AWS_ENDPOINT_URL_SIGNIN", org.base_url());
    let out = run(&mut cmd);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    assert!(
        !out.stderr.contains("SigninToken=") && !out.stderr.contains("SIMSIGNIN"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------
// Role chaining against the STS stand-in
// ---------------------------------------------------------------------------------------

#[test]
fn two_hop_chain_is_signed_by_each_previous_hop() {
    let Some(org) = m2m_org(json!({}), json!({})) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--aws-sts-role-session-name", "deploy-bot"])
        .args(["--aws-session-duration", "7200"])
        .args(["--chain-external-id", "ext-42"])
        .env("OKTA_AWSCLI_CHAIN_ROLE", format!("{CHAIN_A},{CHAIN_B}"));
    let out = run(&mut cmd);
    out.expect_code(0);
    assert!(
        out.stderr.contains("3600 seconds, not the 7200"),
        "{}",
        out.stderr
    );
    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 3, "federation + two hops");
    assert_eq!(form(&sts[0], "Action"), Some("AssumeRoleWithWebIdentity"));
    assert_eq!(form(&sts[0], "DurationSeconds"), Some("7200"));
    let (fed_key, ..) = issued(&sts[0]);
    let (hop1_key, ..) = issued(&sts[1]);
    let (hop2_key, hop2_secret, hop2_token, hop2_role) = issued(&sts[2]);
    for (line, role, signer) in [(&sts[1], CHAIN_A, &fed_key), (&sts[2], CHAIN_B, &hop1_key)] {
        assert_eq!(form(line, "Action"), Some("AssumeRole"));
        assert_eq!(form(line, "RoleArn"), Some(role));
        assert_eq!(form(line, "RoleSessionName"), Some("deploy-bot"));
        assert_eq!(form(line, "DurationSeconds"), Some("3600"));
        assert_eq!(form(line, "ExternalId"), Some("ext-42"));
        assert_eq!(line["signed_by"].as_str(), Some(signer.as_str()));
    }
    assert_eq!(hop2_role, CHAIN_B);
    let vars = exports(&out.stdout);
    assert_eq!(export(&vars, "AWS_ACCESS_KEY_ID"), hop2_key);
    assert_eq!(export(&vars, "AWS_SECRET_ACCESS_KEY"), hop2_secret);
    assert_eq!(export(&vars, "AWS_SESSION_TOKEN"), hop2_token);
}

#[test]
fn denied_hop_names_the_hop_and_both_roles() {
    let Some(org) = m2m_org(json!({"deny_assume": [CHAIN_B]}), json!({})) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--chain-role", CHAIN_A, "--chain-role", CHAIN_B])
        .arg("--write-aws-credentials");
    let out = run(&mut cmd);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    let err = out
        .stderr
        .lines()
        .find(|l| l.starts_with("Error: "))
        .unwrap_or_default();
    assert!(
        err.contains("hop 2 of 2")
            && err.contains(CHAIN_A)
            && err.contains(CHAIN_B)
            && err.contains("AccessDenied"),
        "{}",
        out.stderr
    );
    // The hint is about the chained role's trust policy, not the federation's.
    assert!(
        out.stderr.contains(
            "hint: the trust policy of the role this hop asks for must allow sts:AssumeRole"
        ) && !out.stderr.contains("AssumeRoleWithWebIdentity"),
        "{}",
        out.stderr
    );
    assert!(!org.home().join(".aws/credentials").exists());

    // The first hop denied: the federated role is the one named.
    let Some(org) = m2m_org(json!({"deny_assume": [CHAIN_A]}), json!({})) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args(["--chain-role", CHAIN_A]);
    let out = run(&mut cmd);
    out.expect_code(1);
    assert!(
        out.stderr.contains("hop 1 of 1")
            && out.stderr.contains(M2M_ROLE_ARN)
            && out.stderr.contains(CHAIN_A),
        "{}",
        out.stderr
    );
}

#[test]
fn chain_into_another_partition_is_refused() {
    let Some(org) = m2m_org(json!({}), json!({})) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.args([
        "--chain-role",
        "arn:aws-cn:iam::123456789012:role/Elsewhere",
    ]);
    let out = run(&mut cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("one partition"), "{}", out.stderr);
    assert_eq!(org.requests_to("sts").len(), 1, "no AssumeRole was sent");
}

// ---------------------------------------------------------------------------------------
// Role chaining at moto, checked by the AWS CLI
// ---------------------------------------------------------------------------------------

// Unix only: --exec starts the Linux AWS CLI, which a Windows program under wine cannot wait for.
#[cfg(unix)]
#[test]
fn chained_role_is_what_the_aws_cli_sees_at_moto() {
    use std::path::PathBuf;
    let Some(moto) = support::moto_url() else {
        return;
    };
    let Some(aws) = support::aws_cli() else {
        return;
    };
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let mut path: Vec<PathBuf> = aws.parent().map(PathBuf::from).into_iter().collect();
    if let Some(p) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&p));
    }
    let mut cmd = org.m2m_b15();
    cmd.env("AWS_ENDPOINT_URL_STS", &moto)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PATH", std::env::join_paths(path).expect("PATH"))
        .args(["--aws-sts-role-session-name", "chain-interop"])
        .args(["--chain-role", CHAIN_A, "--chain-role", CHAIN_B])
        .args(["--format", "noop", "--exec", "--"])
        .arg(&aws)
        .args(["sts", "get-caller-identity", "--endpoint-url", &moto])
        .args(["--region", "us-east-1", "--output", "json"]);
    let out = run(&mut cmd);
    out.expect_code(0);
    assert!(org.requests_to("sts").is_empty(), "STS was moto");
    let doc: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}\n{}", out.stdout, out.stderr));
    assert_eq!(
        doc["Arn"].as_str(),
        Some("arn:aws:sts::333333333333:assumed-role/ChainB/chain-interop"),
        "{doc}"
    );
}

// ---------------------------------------------------------------------------------------
// --all-profiles with --profile-template
// ---------------------------------------------------------------------------------------

const WEB_CLIENT: &str = "0oaWEBtemplates01";

fn web_org() -> Option<SimOrg> {
    let roles = [
        "arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/ops/Admin",
        "arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/dev/Admin",
        "arn:aws:iam::222222222222:saml-provider/Okta,arn:aws:iam::222222222222:role/ReadOnly",
    ];
    SimOrg::start(json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFEDtpl", "label": "AWS", "appName": "amazon_aws", "roles": roles}],
        },
        "sts": {},
        "iam": {"aliases": {"111111111111": "acme-prod"}},
    }))
}

fn all_profiles(org: &SimOrg, template: &str) -> support::Output {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .args(["--aws-acct-fed-app-id", "0oaFEDtpl"])
        .args(["--all-profiles", "--profile-template", template])
        .env("AWS_ENDPOINT_URL_IAM", format!("{}/iam/", org.base_url()));
    run(&mut cmd)
}

fn sections(org: &SimOrg) -> Vec<String> {
    let text = std::fs::read_to_string(org.home().join(".aws/credentials")).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix('[').and_then(|l| l.strip_suffix(']')))
        .map(String::from)
        .collect()
}

#[test]
fn profile_template_names_every_profile() {
    let Some(org) = web_org() else {
        return;
    };
    let out = all_profiles(&org, "{alias}-{role_path}@{account}");
    out.expect_code(0);
    assert_eq!(
        sections(&org),
        [
            "acme-prod-ops/Admin@111111111111",
            "acme-prod-dev/Admin@111111111111",
            "222222222222-ReadOnly@222222222222",
        ]
    );
}

#[test]
fn colliding_template_writes_nothing() {
    let Some(org) = web_org() else {
        return;
    };
    let out = all_profiles(&org, "{alias}-{role}");
    out.expect_code(2);
    assert!(
        out.stderr.contains("\"acme-prod-Admin\"")
            && out.stderr.contains("role/ops/Admin")
            && out.stderr.contains("role/dev/Admin")
            && out.stderr.contains("nothing was written"),
        "{}",
        out.stderr
    );
    assert!(sections(&org).is_empty(), "nothing written");

    // An unknown placeholder is refused before any sign-in.
    let out = all_profiles(&org, "{alias}-{rolename}");
    out.expect_code(2);
    assert!(out.stderr.contains("{rolename}"), "{}", out.stderr);
}

#[test]
fn web_chain_reuses_the_saml_role_session_name() {
    let role = "arn:aws:iam::111111111111:role/Federated";
    let Some(org) = SimOrg::start(json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFEDchain", "label": "AWS", "appName": "amazon_aws",
                      "roles": [format!("arn:aws:iam::111111111111:saml-provider/Okta,{role}")],
                      "role_session_name": "jane.doe@example.com"}],
        },
        "sts": {},
    })) else {
        return;
    };
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .args(["--aws-acct-fed-app-id", "0oaFEDchain"])
        .args(["--format", "process-credentials", "--chain-role", CHAIN_A]);
    let out = run(&mut cmd);
    out.expect_code(0);
    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 2);
    assert_eq!(
        form(&sts[1], "RoleSessionName"),
        Some("jane.doe@example.com")
    );
    let (fed_key, ..) = issued(&sts[0]);
    assert_eq!(sts[1]["signed_by"].as_str(), Some(fed_key.as_str()));
    let (hop_key, ..) = issued(&sts[1]);
    let doc: Value = serde_json::from_str(&out.stdout).expect("process JSON");
    assert_eq!(doc["AccessKeyId"].as_str(), Some(hop_key.as_str()));
}
