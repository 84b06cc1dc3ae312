//! Issue 21: `--exec --ecs-server -- CMD`: a container-credentials endpoint on 127.0.0.1
//! for CMD (docs/decisions.md#d-ecs-server), end to end with `m2m` against the simulated
//! org.
//!
//! The commands are the real AWS CLI (`sts get-caller-identity` at moto) and
//! `tests/support/ecs_probe.py`, a standard-library client that reports what it saw as one
//! JSON line on stdout (the child's stdout is ours). Sign-ins are counted in the sim org's
//! log (`m2m-token` requests). Unix only: under wine our Windows binary cannot start the
//! Linux programs as its child.

use crate::support;

use support::Sandbox;

#[test]
fn ecs_server_without_exec_is_a_usage_error() {
    let s = Sandbox::new();
    let args = [
        "m2m",
        "--org-domain",
        "https://127.0.0.1:9",
        "--oidc-client-id",
        "c",
        "--key-id",
        "k",
        "--private-key-file",
        "/no/such/key.pem",
        "--aws-iam-role",
        "arn:aws:iam::123456789012:role/R",
        "--ecs-server",
    ];
    let out = s.run(&args, &[]);
    out.usage_error("--ecs-server needs --exec");
    let out = s.run(
        &args[..args.len() - 1],
        &[("OKTA_AWSCLI_ECS_SERVER", "true")],
    );
    out.usage_error("--ecs-server needs --exec");
    // The endpoint answers from the cache: turning it off is refused.
    let mut with_exec = args.to_vec();
    with_exec.extend(["--cache-aws-credentials=false", "--exec", "--", "true"]);
    s.run(&with_exec, &[])
        .usage_error("--ecs-server needs the AWS credential cache");
}

#[cfg(unix)]
mod unix {
    use crate::support;

    use std::os::unix::process::ExitStatusExt;
    use std::path::PathBuf;
    use std::process::Command;

    use serde_json::{Value, json};
    use support::{M2M_ROLE_ARN, SimOrg, run};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    fn probe_script() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/ecs_probe.py")
    }

    /// A sim org for m2m whose STS credentials expire `secs` from now.
    fn org_expiring_in(secs: i64, faults: Value) -> Option<SimOrg> {
        let mut scenario = support::b15_scenario();
        let at = OffsetDateTime::now_utc() + time::Duration::seconds(secs);
        let text = at.replace_nanosecond(0).unwrap().format(&Rfc3339).unwrap();
        scenario["sts"] = json!({"credentials": {"Expiration": text}});
        scenario["faults"] = faults;
        SimOrg::start(scenario)
    }

    /// `m2m ... --exec --ecs-server -- python ecs_probe.py <probe args>`, with stale key and
    /// container variables in our environment that the child must not get.
    fn probe_run(org: &SimOrg, py: &PathBuf, flags: &[&str], probe: &[&str]) -> Command {
        let mut cmd = org.m2m_b15();
        cmd.args(flags);
        cmd.env("AWS_ACCESS_KEY_ID", "AKIASTALEPARENT00001")
            .env("AWS_SECRET_ACCESS_KEY", "staleParentSecret")
            .env("AWS_SESSION_TOKEN", "staleParentToken")
            .env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/stale")
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/no/such/token")
            .args(["--exec", "--ecs-server", "--"])
            .arg(py)
            .arg(probe_script())
            .args(probe);
        cmd
    }

    /// The one JSON line the probe printed.
    fn probe_out(stdout: &str) -> Value {
        let line = stdout.lines().last().unwrap_or_default();
        serde_json::from_str(line).unwrap_or_else(|e| panic!("probe printed {stdout:?}: {e}"))
    }

    /// The access key ids the STS stand-in issued, in order.
    fn issued_keys(org: &SimOrg) -> Vec<String> {
        org.requests_to("sts")
            .into_iter()
            .filter(|r| r["status"] == 200)
            .map(|r| r["issued"]["AccessKeyId"].as_str().unwrap().to_string())
            .collect()
    }

    fn status_of(v: &Value) -> i64 {
        v[0].as_i64().expect("status")
    }

    #[test]
    fn the_probe_gets_credentials_only_with_the_token_and_path() {
        let Some(py) = support::python() else { return };
        let Some(org) = SimOrg::start(support::b15_scenario()) else {
            return;
        };
        let out = run(&mut probe_run(
            &org,
            &py,
            &["--debug", "--debug-api-calls"],
            &["probe"],
        ));
        out.expect_code(0);
        let p = probe_out(&out.stdout);
        assert_eq!(p["host"], "127.0.0.1", "{p}");
        assert_eq!(p["path"], "/credentials", "{p}");
        assert!(p["port"].as_u64().unwrap() > 0);
        assert!(p["token_len"].as_u64().unwrap() >= 64, "{p}");
        // No key variables, no other container inputs: the SDKs must use the endpoint.
        assert_eq!(p["key_vars"], json!([]), "{p}");
        assert_eq!(p["other_container_vars"], json!([]), "{p}");
        assert_eq!(p["wrong"], json!([403, ""]), "{p}");
        assert_eq!(p["missing"], json!([401, ""]), "{p}");
        assert_eq!(p["bearer"], json!([403, ""]), "{p}");
        assert_eq!(p["other_path"], json!([403, ""]), "{p}");
        assert_eq!(p["other_path_no_token"], json!([401, ""]), "{p}");
        assert_eq!(p["post"], json!([403, ""]), "{p}");
        assert_eq!(status_of(&p["right"]), 200, "{p}");
        let body: Value = serde_json::from_str(p["right"][1].as_str().unwrap()).unwrap();
        let fields: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            fields.len(),
            4,
            "AccessKeyId, SecretAccessKey, Token, Expiration: {body}"
        );
        let issued = org.requests_to("sts")[0]["issued"].clone();
        assert_eq!(body["AccessKeyId"], issued["AccessKeyId"]);
        assert_eq!(body["SecretAccessKey"], issued["SecretAccessKey"]);
        assert_eq!(body["Token"], issued["SessionToken"]);
        let expiration = body["Expiration"].as_str().unwrap();
        assert!(
            expiration.ends_with('Z') && expiration.len() == 20,
            "{expiration}"
        );
        OffsetDateTime::parse(expiration, &Rfc3339).expect("RFC 3339");
        // One sign-in (before the child started); the request came from the cache.
        assert_eq!(org.requests_to("m2m-token").len(), 1);
        // Neither the token nor the secrets reach stderr, even with --debug.
        for secret in [
            p["token"].as_str().unwrap(),
            issued["SecretAccessKey"].as_str().unwrap(),
            issued["SessionToken"].as_str().unwrap(),
        ] {
            assert!(!out.stderr.contains(secret), "{}", out.stderr);
        }
        assert!(
            out.stderr.contains("Using cached AWS credentials"),
            "{}",
            out.stderr
        );
    }

    #[test]
    fn the_aws_cli_uses_the_endpoint() {
        let Some(moto) = support::moto_url() else {
            return;
        };
        let Some(aws) = support::aws_cli() else {
            return;
        };
        let Some(org) = SimOrg::start(support::b15_scenario()) else {
            return;
        };
        let home = org.home();
        let mut cmd = org.m2m_b15();
        // STS at moto for us and for the AWS CLI (inherited); stale keys and a stale token
        // file that would win over the endpoint if they reached the child.
        std::fs::write(home.join("stale-token"), "stale").unwrap();
        cmd.env("AWS_ENDPOINT_URL_STS", &moto)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", home.join("no-such-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join("no-such-credentials"),
            )
            .env("AWS_ACCESS_KEY_ID", "AKIASTALEPARENT00001")
            .env("AWS_SECRET_ACCESS_KEY", "staleParentSecret")
            .env(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                home.join("stale-token"),
            )
            .args(["--aws-sts-role-session-name", "ecs-endpoint"])
            .args(["--exec", "--ecs-server", "--", "/bin/sh", "-c"])
            // The child fails (9) if a key variable reached it, else runs the AWS CLI.
            .arg(
                "env | grep -qE '^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)=' && exit 9; \
                 exec \"$0\" sts get-caller-identity --region us-east-1 --output json",
            )
            .arg(&aws);
        let out = run(&mut cmd);
        out.expect_code(0);
        let doc: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}): {}", out.stdout));
        let account = M2M_ROLE_ARN.split(':').nth(4).unwrap();
        assert_eq!(
            doc["Arn"],
            format!("arn:aws:sts::{account}:assumed-role/OktaM2MRole/ecs-endpoint")
        );
        assert_eq!(org.requests_to("m2m-token").len(), 1);
    }

    #[test]
    fn the_exit_code_passes_through_and_the_endpoint_closes() {
        let Some(py) = support::python() else { return };
        let Some(org) = SimOrg::start(support::b15_scenario()) else {
            return;
        };
        let out = run(&mut probe_run(&org, &py, &[], &["exit", "3"]));
        assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
        let p = probe_out(&out.stdout);
        assert_eq!(p["status"], 200);
        assert!(!out.stderr.contains("Error"), "{}", out.stderr);
        // The endpoint went with the child.
        let url = p["url"].as_str().unwrap();
        let addr = url
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .unwrap();
        let err = std::net::TcpStream::connect(addr).expect_err("the endpoint is closed");
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
        let out = run(&mut probe_run(&org, &py, &[], &["exit", "0"]));
        out.expect_code(0);
    }

    #[test]
    fn a_child_killed_by_sigterm_takes_the_run_with_it() {
        let Some(py) = support::python() else { return };
        let Some(org) = SimOrg::start(support::b15_scenario()) else {
            return;
        };
        let out = run(&mut probe_run(&org, &py, &[], &["signal", "SIGTERM"]));
        assert_eq!(
            out.status.signal(),
            Some(15),
            "{:?} {}",
            out.status,
            out.stderr
        );
        assert_eq!(probe_out(&out.stdout)["status"], 200);
    }

    /// SIGTERM sent to the run reaches the command (as it would after a plain `--exec`),
    /// and the run ends as the command chooses to end: here with its exit code 7.
    #[test]
    fn sigterm_to_the_run_is_passed_on_to_the_command() {
        use std::io::BufRead;
        let Some(py) = support::python() else { return };
        let Some(org) = SimOrg::start(support::b15_scenario()) else {
            return;
        };
        let mut cmd = probe_run(&org, &py, &[], &["term-trap", "7"]);
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the run");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        // The probe sleeps at most 30 s, so this read is bounded.
        let ready = lines.next().expect("a ready line").unwrap();
        assert_eq!(probe_out(&ready)["ready"], true, "{ready}");
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(killed.success());
        let status = child.wait().expect("wait for the run");
        let rest: Vec<String> = lines.map_while(|l| l.ok()).collect();
        assert_eq!(status.code(), Some(7), "{status:?} {rest:?}");
        assert_eq!(probe_out(&rest.join("\n"))["term"], true, "{rest:?}");
    }

    #[test]
    fn under_min_ttl_each_request_signs_in_again() {
        let Some(py) = support::python() else { return };
        // Ten minutes left: under the 15-minute --min-ttl as soon as issued.
        let Some(org) = org_expiring_in(600, json!({})) else {
            return;
        };
        let out = run(&mut probe_run(&org, &py, &[], &["get", "2"]));
        out.expect_code(0);
        let results = probe_out(&out.stdout)["results"].clone();
        let keys = issued_keys(&org);
        // The run's own sign-in, then one per request.
        assert_eq!(org.requests_to("m2m-token").len(), 3, "{}", out.stderr);
        assert_eq!(keys.len(), 3);
        assert_eq!(results, json!([[200, keys[1]], [200, keys[2]]]));
        assert_ne!(keys[1], keys[2]);
        // With an hour left the cache answers: no sign-in for the requests.
        let Some(org) = org_expiring_in(3600, json!({})) else {
            return;
        };
        let out = run(&mut probe_run(&org, &py, &[], &["get", "3"]));
        out.expect_code(0);
        let keys = issued_keys(&org);
        assert_eq!(keys.len(), 1);
        assert_eq!(
            probe_out(&out.stdout)["results"],
            json!([[200, keys[0]], [200, keys[0]], [200, keys[0]]])
        );
        assert_eq!(org.requests_to("m2m-token").len(), 1);
    }

    #[test]
    fn a_failed_refresh_is_a_500_and_the_endpoint_goes_on() {
        let Some(py) = support::python() else { return };
        // Every request signs in again; the second STS call (the first request's) fails.
        let faults = json!({"sts": [null, {"status": 403, "aws_code": "AccessDenied", "message": "denied"}]});
        let Some(org) = org_expiring_in(600, faults) else {
            return;
        };
        let out = run(&mut probe_run(&org, &py, &[], &["get", "2"]));
        out.expect_code(0);
        let results = probe_out(&out.stdout)["results"].clone();
        assert_eq!(results[0], json!([500, null]), "{results}");
        assert_eq!(status_of(&results[1]), 200, "{results}");
        assert!(
            out.stderr
                .contains("--ecs-server: no credentials for the command's request"),
            "{}",
            out.stderr
        );
    }

    #[test]
    fn parallel_requests_make_one_sign_in() {
        let Some(py) = support::python() else { return };
        let Some(org) = org_expiring_in(3600, json!({})) else {
            return;
        };
        // The child removes the cache entry first, so every request finds none.
        let mut cmd = probe_run(&org, &py, &[], &["parallel", "8"]);
        cmd.env("ECS_PROBE_CLEAR_DIR", org.credential_cache_dir());
        let out = run(&mut cmd);
        out.expect_code(0);
        let keys = issued_keys(&org);
        assert_eq!(
            keys.len(),
            2,
            "the run's sign-in and one for all 8: {}",
            out.stderr
        );
        let expected: Vec<Value> = (0..8).map(|_| json!([200, keys[1]])).collect();
        assert_eq!(probe_out(&out.stdout)["results"], json!(expected));
        assert_eq!(org.requests_to("m2m-token").len(), 2);
    }

    #[test]
    fn the_program_must_exist() {
        let Some(org) = SimOrg::start(support::b15_scenario()) else {
            return;
        };
        let mut cmd = org.m2m_b15();
        cmd.args(["--exec", "--ecs-server", "--", "no-such-program-ecs"]);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(127), "{}", out.stderr);
        // Found before any sign-in.
        assert!(org.requests_to("m2m-token").is_empty());
    }

    /// `web` under `--min-ttl`: a request signs in again with a new device authorization,
    /// whose instructions reach stderr while the command runs, and the request waits for
    /// the approval (the sim org approves after one pending poll).
    #[test]
    fn a_web_refresh_prints_the_instructions_and_the_request_waits() {
        let Some(py) = support::python() else { return };
        let idp = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
        let role = "arn:aws:iam::123456789012:role/Admin";
        let at = OffsetDateTime::now_utc() + time::Duration::seconds(600);
        let expiration = at.replace_nanosecond(0).unwrap().format(&Rfc3339).unwrap();
        let scenario = json!({
            "web": {
                "client_id": "0oaWEBtestclient01",
                "device": {"interval": 1, "expires_in": 120, "approve_after": 1,
                           "user_code": "ECSR-WEBC"},
                "apps": [{"id": "0oaFED1", "label": "AWS", "appName": "amazon_aws",
                          "roles": [format!("{idp},{role}")]}],
            },
            "sts": {"credentials": {"Expiration": expiration}},
        });
        let Some(org) = SimOrg::start(scenario) else {
            return;
        };
        let mut cmd = org.command();
        cmd.arg("web")
            .args(["--org-domain", &org.base_url()])
            .args(["--oidc-client-id", "0oaWEBtestclient01"])
            .args(["--aws-iam-role", role, "--open-browser=false"])
            .args(["--exec", "--ecs-server", "--"])
            .arg(&py)
            .arg(probe_script())
            .args(["get", "1"]);
        let out = run(&mut cmd);
        out.expect_code(0);
        // The run's own sign-in, then one for the request (ten minutes left is under the
        // default 15-minute --min-ttl).
        assert_eq!(
            org.requests_to("device-authorize").len(),
            2,
            "{}",
            out.stderr
        );
        assert_eq!(
            out.stderr.matches("Code: ECSR-WEBC").count(),
            2,
            "the code of each sign-in on stderr: {}",
            out.stderr
        );
        // The note that such sessions never make the cache answer is said once.
        assert_eq!(
            out.stderr.matches("never answers them").count(),
            1,
            "{}",
            out.stderr
        );
        let keys = issued_keys(&org);
        assert_eq!(keys.len(), 2);
        assert_eq!(probe_out(&out.stdout)["results"], json!([[200, keys[1]]]));
    }
}
