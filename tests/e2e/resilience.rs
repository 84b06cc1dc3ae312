//! Issue 11 end to end: retries of what is safe to retry (Okta rate limits and 5xx, AWS
//! throttling), the final error after the last attempt, and org domains given as
//! `host:port`. The simulated org injects the faults (`"faults"` of its scenario) and counts
//! the requests.

use crate::support;

use serde_json::{Value, json};
use support::{M2M_CLIENT_ID, Output, SimOrg, b15_scenario, jwt_claims, run};

/// `b15_scenario` with `faults` injected.
fn with_faults(faults: Value) -> Value {
    let mut s = b15_scenario();
    s["faults"] = faults;
    s
}

fn assert_success(out: &Output) {
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    assert!(
        support::env_lines(&out.stdout).contains_key("AWS_ACCESS_KEY_ID"),
        "stdout: {}",
        out.stdout
    );
}

/// The single `Error:` line of a failed run (stdout empty).
fn error_line(out: &Output) -> String {
    assert_eq!(out.code(), Some(1), "stderr:\n{}", out.stderr);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    let errors: Vec<&str> = out
        .stderr_lines()
        .into_iter()
        .filter(|l| l.starts_with("Error: "))
        .collect();
    assert_eq!(errors.len(), 1, "stderr:\n{}", out.stderr);
    errors[0].to_string()
}

#[test]
fn okta_rate_limit_waits_for_the_reset_and_a_new_assertion_is_signed() {
    let Some(org) = SimOrg::start(with_faults(json!({
        "m2m-token": [{"status": 429, "reset_in": 1}]
    }))) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    assert_success(&out);
    let tokens = org.requests_to("m2m-token");
    assert_eq!(tokens.len(), 2, "one 429, then the retry");
    assert_eq!(tokens[0]["status"], 429);
    assert_eq!(tokens[1]["status"], 200, "{}", tokens[1]["verdict"]);
    let jti = |r: &Value| {
        jwt_claims(r["form"]["client_assertion"].as_str().expect("assertion"))["jti"].clone()
    };
    assert_ne!(
        jti(&tokens[0]),
        jti(&tokens[1]),
        "the retry re-sent the jti"
    );
    // Announced on stderr in one line, without the assertion.
    let notes: Vec<&str> = out
        .stderr_lines()
        .into_iter()
        .filter(|l| l.contains("rate limit"))
        .collect();
    assert_eq!(notes.len(), 1, "stderr:\n{}", out.stderr);
    assert!(
        notes[0].contains("/oauth2/default/v1/token") && notes[0].contains("attempt 2 of 3"),
        "{}",
        notes[0]
    );
    let assertion = tokens[0]["form"]["client_assertion"].as_str().unwrap();
    assert!(!out.stderr.contains(assertion));
    assert_eq!(org.requests_to("sts").len(), 1);
}

#[test]
fn okta_server_errors_stop_after_three_attempts_naming_endpoint_status_and_count() {
    let Some(org) = SimOrg::start(with_faults(json!({
        "m2m-token": [{"status": 503}, {"status": 503}, {"status": 503}, {"status": 503}]
    }))) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    let line = error_line(&out);
    for part in [
        "/oauth2/default/v1/token",
        "3 attempts",
        "503 Service Unavailable",
        "E0000009",
    ] {
        assert!(line.contains(part), "{line:?} lacks {part:?}");
    }
    assert_eq!(org.requests_to("m2m-token").len(), 3);
    assert!(org.requests_to("sts").is_empty());
}

#[test]
fn aws_throttling_and_5xx_are_retried() {
    let Some(org) = SimOrg::start(with_faults(json!({
        "sts": [
            {"status": 400, "aws_code": "Throttling", "message": "Rate exceeded"},
            {"status": 503, "aws_code": "ServiceUnavailable"}
        ]
    }))) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    assert_success(&out);
    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 3);
    assert_eq!(sts[2]["status"], 200);
    assert_eq!(org.requests_to("m2m-token").len(), 1);
}

#[test]
fn aws_throttling_gives_up_after_three_attempts() {
    let Some(org) = SimOrg::start(with_faults(json!({
        "sts": [{"status": 400, "aws_code": "ThrottlingException"},
                {"status": 400, "aws_code": "RequestLimitExceeded"},
                {"status": 429, "aws_code": "TooManyRequestsException"}]
    }))) else {
        return;
    };
    let line = error_line(&run(&mut org.m2m_b15()));
    assert!(
        line.contains("3 attempts") && line.contains("TooManyRequestsException"),
        "{line}"
    );
    assert!(line.contains("/sts/"), "{line}");
    assert_eq!(org.requests_to("sts").len(), 3);
}

#[test]
fn aws_access_denied_and_other_4xx_are_one_call() {
    for code in ["AccessDenied", "ValidationError", "ExpiredToken"] {
        let Some(org) = SimOrg::start(with_faults(json!({
            "sts": [{"status": 403, "aws_code": code, "message": "no"}]
        }))) else {
            return;
        };
        let line = error_line(&run(&mut org.m2m_b15()));
        assert!(line.contains(code), "{line}");
        assert!(!line.contains("attempts"), "{line}");
        assert_eq!(org.requests_to("sts").len(), 1, "{code}");
    }
}

#[test]
fn org_domain_as_ip_and_port_means_https() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let key = org.private_file("k.pem", &support::case_text("B15-key-pkcs8.pem"));
    let mut cmd = org.command();
    cmd.arg("m2m")
        .args(["--org-domain", &format!("127.0.0.1:{}", org.port)])
        .args(["--oidc-client-id", M2M_CLIENT_ID])
        .args(["--key-id", support::M2M_KID])
        .args(["--aws-iam-role", support::M2M_ROLE_ARN])
        .arg("--private-key-file")
        .arg(key);
    let out = run(&mut cmd);
    assert_success(&out);
    assert_eq!(org.requests_to("m2m-token").len(), 1);
}

#[cfg(unix)] // Unix only: used by the Unix-only tests
/// Run the binary with `stdout` as given (stderr captured, stdin null); (exit code, stderr).
fn run_with_stdout(
    cmd: &mut std::process::Command,
    stdout: std::process::Stdio,
) -> (Option<i32>, String) {
    let out = cmd
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run okta-aws-cli");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn a_full_or_broken_stdout_is_exit_1() {
    let bin = env!("CARGO_BIN_EXE_okta-aws-cli");
    // /dev/full: every write fails with ENOSPC.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let (code, err) = run_with_stdout(
        std::process::Command::new(bin).arg("--version"),
        full.into(),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot write to stdout"), "{err}");
    // A pipe nobody reads (EPIPE; Rust ignores SIGPIPE).
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let (code, err) = run_with_stdout(std::process::Command::new(bin).arg("--help"), writer.into());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot write to stdout"), "{err}");
    // A closed descriptor 1 (`cmd >&-`): tests/secrets.rs.
}

#[cfg(unix)]
#[test]
fn credentials_to_a_full_or_broken_stdout_are_exit_1() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    for format in ["env-var", "process-credentials"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let (code, err) = run_with_stdout(org.m2m_b15().args(["--format", format]), full.into());
        assert_eq!(code, Some(1), "{format}: {err}");
        assert!(err.contains("cannot write to stdout"), "{format}: {err}");
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let (code, err) = run_with_stdout(org.m2m_b15().args(["--format", format]), writer.into());
        assert_eq!(code, Some(1), "{format}: {err}");
        assert!(err.contains("cannot write to stdout"), "{format}: {err}");
    }
}

// ---------------------------------------------------------------------------------------
// The chooser and the waiting indicator in a real terminal (tmux)
// ---------------------------------------------------------------------------------------

const WEB_CLIENT: &str = "0oaWEBtestclient01";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";
const READONLY: &str = "arn:aws:iam::123456789012:role/ReadOnly";

/// A web scenario with one app of two roles (so the role chooser is needed), approved after
/// `approve_after` pending polls at a 1 s interval.
fn web_scenario(approve_after: u32) -> Value {
    json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": approve_after},
            "apps": [{"id": "0oaFED1", "label": "AWS", "appName": "amazon_aws",
                      "roles": [format!("{IDP},{ADMIN}"), format!("{IDP},{READONLY}")]}],
        },
        "sts": {}
    })
}

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

#[cfg(unix)] // Unix only: tmux
/// Poll the pane (at most 40 s) until it shows `want`; the pane text (`-e`: with styles).
fn wait_for_pane(session: &str, want: &str, styles: bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let mut args = vec!["capture-pane", "-p", "-t", session];
        if styles {
            args.push("-e");
        }
        let pane = tmux(&args).unwrap_or_default();
        if pane.contains(want) {
            return pane;
        }
        if started.elapsed() > std::time::Duration::from_secs(40) {
            let _ = tmux(&["kill-session", "-t", session]);
            panic!("the pane never showed {want:?}:\n{pane}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Start a tmux session running `sh -c <line>` where `$CMD` runs `okta-aws-cli web` against
/// `org` with `env` added; `None` when tmux is missing (skipped, or failed under CI).
#[cfg(unix)] // Unix only: tmux
fn tmux_web(org: &SimOrg, name: &str, env: &str, line: &str) -> Option<String> {
    if tmux(&["-V"]).is_none() {
        return support::missing("tmux is not installed (scripts/setup-test-env installs it)");
    }
    let session = format!("okta-aws-cli-{name}-{}", std::process::id());
    // The command, in a script of its own (paths of temporary directories have no spaces).
    let web = org.home().join(format!("{name}-web.sh"));
    std::fs::write(
        &web,
        format!(
            "cd '{work}' && exec env -i HOME='{home}' PATH=\"$PATH\" TERM=xterm {env} \
             SSL_CERT_FILE='{ca}' AWS_ENDPOINT_URL_STS='{sts}' '{bin}' web --org-domain '{org}' \
             --oidc-client-id {WEB_CLIENT}\n",
            work = org.work_dir().display(),
            home = org.home().display(),
            ca = org.ca_path().display(),
            sts = org.sts_url(),
            bin = env!("CARGO_BIN_EXE_okta-aws-cli"),
            org = org.base_url(),
        ),
    )
    .unwrap();
    let script = org.home().join(format!("{name}.sh"));
    std::fs::write(
        &script,
        format!("CMD=\"sh {}\"\n{line}\necho END\n", web.display()),
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
    Some(session)
}

#[cfg(unix)]
#[test]
fn chooser_in_a_background_process_group_lists_the_choices_instead_of_stopping() {
    let Some(org) = SimOrg::start(web_scenario(0)) else {
        return;
    };
    // `timeout` runs the command in its own (background) process group; `set -m` gives a
    // `cmd &` job its own process group as an interactive shell does.
    let line = "timeout -k 1 20 $CMD; echo \"EXIT1=$?\"\n\
                set -m; $CMD & wait $!; echo \"EXIT2=$?\"";
    let Some(session) = tmux_web(&org, "bg", "", line) else {
        return;
    };
    let pane = wait_for_pane(&session, "END", false);
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("EXIT1=2"), "{pane}");
    assert!(pane.contains("EXIT2=2"), "{pane}");
    assert_eq!(pane.matches("--aws-iam-role").count(), 2, "{pane}");
    assert!(pane.contains(ADMIN) && pane.contains(READONLY), "{pane}");
}

#[cfg(unix)]
#[test]
fn no_color_and_dumb_terminals_get_an_unstyled_chooser() {
    for (name, env) in [("nocolor", "NO_COLOR=1"), ("dumb", "TERM=dumb")] {
        let Some(org) = SimOrg::start(web_scenario(0)) else {
            return;
        };
        let Some(session) = tmux_web(&org, name, env, "$CMD; echo \"EXIT=$?\"") else {
            return;
        };
        let pane = wait_for_pane(&session, "Choose a Role", true);
        let _ = tmux(&["send-keys", "-t", &session, "Escape"]);
        wait_for_pane(&session, "END", false);
        let _ = tmux(&["kill-session", "-t", &session]);
        let chooser: Vec<&str> = pane
            .lines()
            .skip_while(|l| !l.contains("Choose a Role"))
            .collect();
        assert!(chooser.len() >= 3, "{name}: {pane}");
        for l in chooser {
            // tmux -e shows every style as an SGR sequence.
            assert!(!l.contains("\x1b["), "{name}: styled line {l:?}");
        }
    }
    // Without them, the same chooser is styled (the check above can fail).
    let Some(org) = SimOrg::start(web_scenario(0)) else {
        return;
    };
    let Some(session) = tmux_web(&org, "color", "", "$CMD; echo \"EXIT=$?\"") else {
        return;
    };
    let pane = wait_for_pane(&session, "Choose a Role", true);
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("\x1b["), "{pane}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_polling_erases_the_waiting_indicator() {
    let Some(org) = SimOrg::start(web_scenario(1000)) else {
        return;
    };
    // The outer shell survives Ctrl-C (a trap, reset to the default in the child) to report.
    let line = "trap 'echo' INT\n$CMD; echo \"EXIT=$?\"";
    let Some(session) = tmux_web(&org, "ctrlc", "", line) else {
        return;
    };
    wait_for_pane(&session, "Waiting for authorization", false);
    let _ = tmux(&["send-keys", "-t", &session, "C-c"]);
    let pane = wait_for_pane(&session, "END", false);
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("EXIT=130"), "{pane}");
    assert!(!pane.contains("Waiting for authorization"), "{pane}");
}

/// `okta-aws-cli web` against `org` (role preselected) with `args`.
fn web_run(org: &SimOrg, args: &[&str]) -> Output {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .args(["--aws-iam-idp", IDP, "--aws-iam-role", ADMIN])
        .args(args);
    run(&mut cmd)
}

#[test]
fn token_rejected_on_the_final_attempt_is_removed_from_the_cache() {
    let mut sc = web_scenario(0);
    // The first exchange works (fills the cache); every later one says invalid_grant.
    sc["web"]["exchange_replies"] = json!([
        {"shape": "ok"},
        {"shape": "oauth", "status": 400, "error": "invalid_grant",
         "error_description": "The session was terminated."}
    ]);
    let Some(org) = SimOrg::start(sc) else {
        return;
    };
    let cache_dir = org.home().join(".okta/awscli-access-tokens");
    let entries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&cache_dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_success(&web_run(&org, &["--cache-access-token"]));
    assert_eq!(entries().len(), 1, "the first run caches its token");
    // The cached token is rejected, the retry's new token is rejected too: error, and the
    // token rejected last is not left in the cache.
    let out = web_run(&org, &["--cache-access-token"]);
    let line = error_line(&out);
    assert!(line.contains("invalid_grant"), "{line}");
    assert_eq!(org.requests_to("device-authorize").len(), 2);
    assert!(entries().is_empty(), "left in the cache: {:?}", entries());
    // So the next run signs in anew instead of offering a rejected token.
    let _ = web_run(&org, &["--cache-access-token"]);
    assert_eq!(org.requests_to("device-authorize").len(), 3);
}

/// `--all-profiles` with one account's two roles (Admin first, Viewer second), the IAM
/// stand-in denying `deny_roles`; (run, credentials file text, IAM requests).
fn all_profiles_with_denied(deny_roles: &[&str]) -> Option<(Output, String, usize)> {
    let account = "111122223333";
    let idp = format!("arn:aws:iam::{account}:saml-provider/OktaMain");
    let admin = format!("arn:aws:iam::{account}:role/Admin");
    let viewer = format!("arn:aws:iam::{account}:role/Viewer");
    let deny: Vec<String> = deny_roles
        .iter()
        .map(|r| format!("arn:aws:iam::{account}:role/{r}"))
        .collect();
    let org = SimOrg::start(json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFED1", "label": "AWS", "appName": "amazon_aws",
                      "roles": [format!("{idp},{admin}"), format!("{idp},{viewer}")]}],
        },
        "sts": {},
        "iam": {"aliases": {account: "acme"}, "deny_roles": deny},
    }))?;
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .arg("--all-profiles")
        .env("AWS_ENDPOINT_URL_IAM", format!("{}/iam/", org.base_url()));
    let out = run(&mut cmd);
    let file = std::fs::read_to_string(org.home().join(".aws/credentials")).unwrap_or_default();
    let iam = org.requests_to("iam").len();
    Some((out, file, iam))
}

#[test]
fn all_profiles_reads_the_alias_with_another_role_when_the_first_is_denied() {
    let Some((out, file, iam)) = all_profiles_with_denied(&["Admin"]) else {
        return;
    };
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(file.contains("[acme-OktaMain-Admin]"), "{file}");
    assert!(file.contains("[acme-OktaMain-Viewer]"), "{file}");
    assert!(!out.stderr.contains("account alias"), "{}", out.stderr);
    assert_eq!(iam, 2, "denied with Admin, then read with Viewer");
}

#[test]
fn all_profiles_names_by_account_id_only_when_every_role_is_denied() {
    let Some((out, file, iam)) = all_profiles_with_denied(&["Admin", "Viewer"]) else {
        return;
    };
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(file.contains("[111122223333-OktaMain-Admin]"), "{file}");
    assert!(file.contains("[111122223333-OktaMain-Viewer]"), "{file}");
    assert_eq!(
        out.stderr
            .matches("unable to determine the account alias of 111122223333")
            .count(),
        1,
        "{}",
        out.stderr
    );
    assert_eq!(iam, 2);
}

#[test]
fn web_flow_retries_the_okta_calls_that_may_be_repeated() {
    let mut sc = web_scenario(0);
    sc["faults"] = json!({
        "device-authorize": [{"status": 503}],
        "applinks": [{"status": 429, "reset_in": 1}],
        "sso": [{"status": 502}, {"status": 504}],
    });
    let Some(org) = SimOrg::start(sc) else {
        return;
    };
    let out = web_run(&org, &[]);
    assert_success(&out);
    assert_eq!(org.requests_to("device-authorize").len(), 2);
    assert_eq!(org.requests_to("applinks").len(), 2);
    assert_eq!(org.requests_to("sso").len(), 3);
    let notes = out
        .stderr_lines()
        .into_iter()
        .filter(|l| l.contains("rate limit reached"))
        .count();
    assert_eq!(notes, 1, "{}", out.stderr);
}
