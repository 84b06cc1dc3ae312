//! `okta-aws-cli direct` end to end: the built binary (clean environment, temporary HOME)
//! against the simulated org's direct-authentication endpoints (tests/simorg/simorg.py),
//! with STS at the org's stand-in.
//!
//! Covers every path of the flow (push pending then approved, slow_down, a number
//! challenge, a one-time code, no second factor) and every failure (denied, expired, not
//! approved in time, wrong password, wrong code, a grant the app lacks), the password and
//! code rules with no terminal (`setsid`) and with one (tmux), the caches, the redaction of
//! `--debug-api-calls`, and the AWS CLI reading our `credential_process` output with moto
//! as STS.

use crate::support;

use std::process::Command;

use serde_json::{Value, json};
use support::{Output, SimOrg, header, run};

const CLIENT_ID: &str = "0oaSIMdirect0001";
const USER: &str = "alice@example.com";
const PASSWORD: &str = "correct-horse-battery-42";
const OTP: &str = "246810";
const ROLE: &str = "arn:aws:iam::123456789012:role/OktaDirectRole";
const MFA_OOB: &str = "http://auth0.com/oauth/grant-type/mfa-oob";
const MFA_OTP: &str = "http://auth0.com/oauth/grant-type/mfa-otp";

/// The org's `direct` section: the app, one user, a push approved after `approve_after`
/// pending polls at a 1 s interval; `extra` is merged over it (top-level keys replaced).
fn scenario(extra: Value) -> Value {
    let mut direct = json!({
        "client_id": CLIENT_ID,
        "users": {USER: PASSWORD},
        "otp": OTP,
        "push": {"interval": 1, "expires_in": 60, "approve_after": 1, "outcome": "approve"}
    });
    if let (Some(d), Some(e)) = (direct.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            d.insert(k.clone(), v.clone());
        }
    }
    json!({"direct": direct, "sts": {}})
}

fn start(extra: Value) -> Option<SimOrg> {
    SimOrg::start(scenario(extra))
}

/// `direct` for the scenario's app, user and role; the password in `OKTA_AWSCLI_PASSWORD`.
fn direct(org: &SimOrg) -> Command {
    let mut cmd = without_password(org);
    cmd.env("OKTA_AWSCLI_PASSWORD", PASSWORD);
    cmd
}

/// [`direct`] without any password setting.
fn without_password(org: &SimOrg) -> Command {
    let mut cmd = org.command();
    cmd.arg("direct")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .args(["--aws-iam-role", ROLE])
        .args(["--username", USER]);
    cmd
}

/// `cmd` run through `setsid -w`: a new session with no controlling terminal, whatever the
/// test runner has; `None` when `setsid` is not installed.
#[cfg(unix)]
fn setsid_command(cmd: &Command) -> Option<Command> {
    Command::new("setsid").arg("--version").output().ok()?;
    let mut s = Command::new("setsid");
    s.arg("-w").arg(cmd.get_program()).args(cmd.get_args());
    s.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            s.env(k, v);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        s.current_dir(dir);
    }
    s.stdin(std::process::Stdio::null());
    Some(s)
}

/// [`setsid_command`] for a test that needs it: `None` (skipped, or a failure under
/// `CI=true`) without `setsid`.
#[cfg(unix)]
fn under_setsid(cmd: &Command) -> Option<Command> {
    setsid_command(cmd).or_else(|| support::missing("setsid (util-linux) is not installed"))
}

/// Run `cmd` with no controlling terminal where `setsid` allows it, so that what the
/// binary writes for a person lands on stderr whatever terminal the test runner has, and
/// nothing can wait for a prompt.
fn go(cmd: &mut Command) -> Output {
    #[cfg(unix)]
    if let Some(mut detached) = setsid_command(cmd) {
        return run(&mut detached);
    }
    run(cmd)
}

/// The grant types of the `direct-token` requests, in order.
fn grants(org: &SimOrg) -> Vec<String> {
    org.requests_to("direct-token")
        .iter()
        .map(|r| r["form"]["grant_type"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Every request to the org so far was accepted as well formed (verdict `ok...`), and each
/// direct request carried the operation header.
fn assert_well_formed(org: &SimOrg) {
    for r in org.requests() {
        let verdict = r["verdict"].as_str().unwrap_or("");
        assert!(verdict.starts_with("ok"), "request {r:#}");
        if r["route"].as_str().unwrap_or("").starts_with("direct-") {
            assert_eq!(header(&r, "X-Okta-Aws-Cli-Operation"), Some("direct"));
        }
    }
}

/// The secrets this run handled: the password, every mfa_token, oob_code and one-time
/// code sent, and every access token issued.
fn secrets_of(org: &SimOrg) -> Vec<String> {
    let mut out = vec![PASSWORD.to_string()];
    for r in org.requests() {
        for field in ["mfa_token", "oob_code", "otp", "password"] {
            if let Some(v) = r["form"][field].as_str() {
                out.push(v.to_string());
            }
        }
        if let Some(v) = r["issued_access_token"].as_str() {
            out.push(v.to_string());
        }
    }
    out
}

/// Panic if `text` holds any secret of [`secrets_of`].
fn assert_no_secret(org: &SimOrg, text: &str) {
    for s in secrets_of(org) {
        if s.len() >= 6 {
            assert!(!text.contains(&s), "leaks a secret ({s}):\n{text}");
        }
    }
}

/// The run failed with exit `code`: nothing on stdout, one `Error:` line (a `hint:` line
/// may follow); returns it.
fn error_line(out: &Output, code: i32) -> String {
    out.expect_code(code);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    let lines: Vec<&str> = out
        .stderr_lines()
        .into_iter()
        .filter(|l| {
            !l.starts_with("hint: ") && !l.starts_with("Okta Verify:") && !l.starts_with("note: ")
        })
        .collect();
    assert_eq!(lines.len(), 1, "stderr:\n{}", out.stderr);
    assert!(lines[0].starts_with("Error: "), "stderr:\n{}", out.stderr);
    lines[0].to_string()
}

/// A successful env-var run: three export lines, and STS got the token Okta issued.
fn assert_delivered(org: &SimOrg, out: &Output, session: &str) {
    out.expect_code(0);
    let vars = support::env_lines(&out.stdout);
    assert!(
        vars.get("AWS_ACCESS_KEY_ID")
            .is_some_and(|v| v.starts_with("ASIA")),
        "stdout: {}",
        out.stdout
    );
    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 1, "{sts:#?}");
    let form = &sts[0]["form"];
    assert_eq!(form["Action"], "AssumeRoleWithWebIdentity");
    assert_eq!(form["RoleArn"], ROLE);
    assert_eq!(form["RoleSessionName"], session);
    let issued: Vec<String> = org
        .requests_to("direct-token")
        .iter()
        .filter_map(|r| r["issued_access_token"].as_str().map(str::to_string))
        .collect();
    assert_eq!(issued.len(), 1);
    assert_eq!(form["WebIdentityToken"], issued[0].as_str());
}

#[test]
fn push_pending_then_approved() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let out = go(&mut direct(&org));
    assert_delivered(&org, &out, "okta-aws-cli");
    assert_eq!(grants(&org), ["password", MFA_OOB, MFA_OOB]);
    let challenge = org.requests_to("direct-challenge");
    assert_eq!(challenge.len(), 1);
    assert_eq!(challenge[0]["form"]["channel_hint"], "push");
    assert_well_formed(&org);
    // No terminal (setsid): the notice is on stderr.
    if cfg!(unix) {
        assert!(
            out.stderr.contains("approve the push notification"),
            "{}",
            out.stderr
        );
    }
    assert_no_secret(&org, &out.stderr);
    assert_no_secret(&org, &out.stdout);
}

#[test]
fn slow_down_adds_five_seconds() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 0, "slow_down_at": [0]}
    })) else {
        return;
    };
    let out = go(&mut direct(&org));
    assert_delivered(&org, &out, "okta-aws-cli");
    let polls: Vec<f64> = org
        .requests_to("direct-token")
        .iter()
        .filter(|r| r["form"]["grant_type"] == MFA_OOB)
        .map(|r| r["time"].as_f64().unwrap())
        .collect();
    assert_eq!(polls.len(), 2);
    assert!(polls[1] - polls[0] >= 5.7, "{polls:?}");
    // Never too early for the server (its verdict says so otherwise).
    assert_well_formed(&org);
}

#[test]
fn number_challenge_names_the_number() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 0, "binding_code": "42"}
    })) else {
        return;
    };
    let out = go(&mut direct(&org));
    assert_delivered(&org, &out, "okta-aws-cli");
    if cfg!(unix) {
        assert!(
            out.stderr.contains("choose the number 42"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn denied_push_fails() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 0, "outcome": "deny"}
    })) else {
        return;
    };
    let out = go(&mut direct(&org));
    let line = error_line(&out, 1);
    assert!(line.contains("denied in Okta Verify"), "{line}");
    assert!(org.requests_to("sts").is_empty());
    assert_no_secret(&org, &out.stderr);
}

#[test]
fn expired_push_fails() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 0, "outcome": "expire"}
    })) else {
        return;
    };
    let line = error_line(&go(&mut direct(&org)), 1);
    assert!(line.contains("expired before it was approved"), "{line}");
    assert!(org.requests_to("sts").is_empty());
}

#[test]
fn polling_stops_when_the_push_runs_out() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 3, "lives": 60, "approve_after": 1000}
    })) else {
        return;
    };
    let started = std::time::Instant::now();
    let line = error_line(&go(&mut direct(&org)), 1);
    assert!(line.contains("not approved within 3 s"), "{line}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let polls = grants(&org).iter().filter(|g| *g == MFA_OOB).count();
    assert!((2..=4).contains(&polls), "{polls} polls");
    assert_well_formed(&org);
}

#[test]
fn one_time_code_right_and_wrong() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let mut cmd = direct(&org);
    cmd.args(["--mfa-method", "otp"])
        .env("OKTA_AWSCLI_OTP", OTP);
    let out = go(&mut cmd);
    assert_delivered(&org, &out, "okta-aws-cli");
    assert_eq!(grants(&org), ["password", MFA_OTP]);
    let challenge = org.requests_to("direct-challenge");
    assert_eq!(challenge[0]["form"]["challenge_types_supported"], MFA_OTP);
    assert!(challenge[0]["form"].get("channel_hint").is_none());
    assert_well_formed(&org);
    assert_no_secret(&org, &out.stderr);

    let mut cmd = direct(&org);
    cmd.env("OKTA_AWSCLI_MFA_METHOD", "otp")
        .env("OKTA_AWSCLI_OTP", "135 791");
    let out = go(&mut cmd);
    let line = error_line(&out, 1);
    assert!(line.contains("rejected the one-time code"), "{line}");
    assert!(!out.stderr.contains("135791"), "{}", out.stderr);
    // Spaces are dropped, as apps show the code in groups.
    assert_eq!(
        org.requests_to("direct-token").last().unwrap()["form"]["otp"],
        "135791"
    );
    assert_eq!(org.requests_to("sts").len(), 1);
}

#[test]
fn no_second_factor_uses_the_password_grant_tokens() {
    let Some(org) = start(json!({"mfa": "none"})) else {
        return;
    };
    let mut cmd = direct(&org);
    cmd.args(["--aws-sts-role-session-name", "direct-session"]);
    let out = go(&mut cmd);
    assert_delivered(&org, &out, "direct-session");
    assert_eq!(grants(&org), ["password"]);
    assert!(org.requests_to("direct-challenge").is_empty());
}

#[test]
fn wrong_password_is_rejected_without_echo() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let mut cmd = without_password(&org);
    cmd.env("OKTA_AWSCLI_PASSWORD", "wrong-password-777");
    let out = go(&mut cmd);
    let line = error_line(&out, 1);
    assert!(line.contains("rejected the username or password"), "{line}");
    assert!(!out.stderr.contains("wrong-password-777"), "{}", out.stderr);
    assert_eq!(grants(&org), ["password"]);
    assert!(org.requests_to("direct-challenge").is_empty());
}

#[test]
fn unauthorized_client_has_a_hint() {
    // The app allows the password grant but not MFA OOB: the challenge is refused.
    let Some(org) = start(json!({"grant_types": ["password", MFA_OTP]})) else {
        return;
    };
    let out = go(&mut direct(&org));
    let line = error_line(&out, 1);
    assert!(line.contains("unauthorized_client"), "{line}");
    let hint = out
        .stderr
        .lines()
        .find(|l| l.starts_with("hint: "))
        .unwrap_or_else(|| panic!("no hint:\n{}", out.stderr));
    assert!(
        hint.contains("MFA OOB") && hint.contains(CLIENT_ID),
        "{hint}"
    );
    // And the password grant itself.
    let Some(org) = start(json!({"grant_types": [MFA_OOB]})) else {
        return;
    };
    let out = go(&mut direct(&org));
    assert!(error_line(&out, 1).contains("unauthorized_client"));
    assert!(out.stderr.contains("hint: "), "{}", out.stderr);
}

#[test]
fn debug_api_calls_redacts_every_secret() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let mut cmd = direct(&org);
    cmd.arg("--debug-api-calls");
    let out = go(&mut cmd);
    out.expect_code(0);
    assert!(out.stderr.contains("<redacted>"), "{}", out.stderr);
    assert!(out.stderr.contains("/v1/challenge"), "{}", out.stderr);
    assert_no_secret(&org, &out.stderr);

    // The one-time code too.
    let mut cmd = direct(&org);
    cmd.args(["--debug-api-calls", "--mfa-method", "otp"])
        .env("OKTA_AWSCLI_OTP", OTP);
    let out = go(&mut cmd);
    out.expect_code(0);
    assert!(out.stderr.contains("otp=<redacted>"), "{}", out.stderr);
    assert!(!out.stderr.contains(OTP), "{}", out.stderr);
    assert_no_secret(&org, &out.stderr);
}

#[test]
fn password_flag_works_with_a_warning() {
    let Some(org) = start(json!({"mfa": "none"})) else {
        return;
    };
    let mut cmd = without_password(&org);
    cmd.args(["--password", PASSWORD]);
    let out = go(&mut cmd);
    out.expect_code(0);
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("WARNING: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains("other local users"), "{}", warnings[0]);
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn no_terminal_and_no_password_fails_at_once() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let Some(mut cmd) = under_setsid(&without_password(&org)) else {
        return;
    };
    let line = error_line(&run(&mut cmd), 2);
    assert!(line.contains("OKTA_AWSCLI_PASSWORD"), "{line}");
    assert!(org.requests().is_empty(), "{:#?}", org.requests());

    // The same for a one-time code that is neither set nor askable.
    let mut otp = direct(&org);
    otp.args(["--mfa-method", "otp"]);
    let Some(mut cmd) = under_setsid(&otp) else {
        return;
    };
    let line = error_line(&run(&mut cmd), 2);
    assert!(line.contains("OKTA_AWSCLI_OTP"), "{line}");
    assert!(org.requests().is_empty());
}

#[cfg(unix)]
#[test]
fn no_terminal_push_notice_goes_to_stderr_with_a_note() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 0, "binding_code": "17"}
    })) else {
        return;
    };
    let Some(mut cmd) = under_setsid(&direct(&org)) else {
        return;
    };
    let out = run(&mut cmd);
    out.expect_code(0);
    let lines: Vec<&str> = out.stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("choose the number 17"))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    assert!(
        lines
            .get(at + 1)
            .is_some_and(|l| l.contains("no controlling terminal was found")),
        "{}",
        out.stderr
    );
}

#[test]
fn aws_credential_cache_is_keyed_by_user_never_the_password() {
    let Some(org) =
        start(json!({"mfa": "none", "users": {USER: PASSWORD, "bob": "bobs-password-1"}}))
    else {
        return;
    };
    let mut first = direct(&org);
    first.args(["--format", "process-credentials"]);
    let out = go(&mut first);
    out.expect_code(0);
    let creds: Value = serde_json::from_str(&out.stdout).expect("process JSON");
    assert_eq!(creds["Version"], 1);
    let before = org.requests().len();
    // Another password, same settings: answered from the cache, no request at all.
    let mut second = without_password(&org);
    second
        .args(["--format", "process-credentials"])
        .env("OKTA_AWSCLI_PASSWORD", "not-even-checked");
    let out2 = go(&mut second);
    out2.expect_code(0);
    assert_eq!(out2.stdout, out.stdout);
    assert_eq!(org.requests().len(), before);
    // Another user: a new sign-in.
    let mut bob = without_password(&org);
    bob.args(["--format", "process-credentials", "--username", "bob"])
        .env("OKTA_AWSCLI_PASSWORD", "bobs-password-1");
    go(&mut bob).expect_code(0);
    assert_eq!(grants(&org), ["password", "password"]);
    // No cache file holds a password.
    let dir = org.home().join(".okta/awscli-credentials");
    for entry in std::fs::read_dir(&dir).expect("cache dir") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(PASSWORD) && !text.contains("bobs-password-1"));
    }
}

#[cfg(unix)]
#[test]
fn access_token_cache_skips_the_password() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let mut first = direct(&org);
    first.arg("--cache-access-token");
    go(&mut first).expect_code(0);
    assert_eq!(grants(&org), ["password", MFA_OOB, MFA_OOB]);
    // No password and no terminal: the cached token is enough.
    let mut again = without_password(&org);
    again.arg("--cache-access-token");
    let Some(mut cmd) = under_setsid(&again) else {
        return;
    };
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_eq!(grants(&org).len(), 3, "no new sign-in");
    assert_eq!(org.requests_to("sts").len(), 2);
    let dir = org.home().join(".okta/awscli-access-tokens");
    for entry in std::fs::read_dir(&dir).expect("token cache dir") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(PASSWORD));
    }
    // Another authorization server is another entry: it signs in (and, with no password
    // and no terminal, stops at once).
    let mut other = without_password(&org);
    other.args(["--cache-access-token", "--authz-id", "aus2"]);
    let Some(mut cmd) = under_setsid(&other) else {
        return;
    };
    error_line(&run(&mut cmd), 2);
}

#[test]
fn explain_shows_the_direct_settings_without_secrets() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let mut cmd = direct(&org);
    cmd.args(["--explain", "--mfa-method", "otp"])
        .env("OKTA_AWSCLI_OTP", OTP);
    let out = go(&mut cmd);
    out.expect_code(0);
    for needle in [
        "`okta-aws-cli direct`",
        USER,
        "environment variable OKTA_AWSCLI_PASSWORD",
        "flag --mfa-method",
        "environment variable OKTA_AWSCLI_OTP",
        "Okta access token",
    ] {
        assert!(out.stdout.contains(needle), "{needle}:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains(PASSWORD) && !out.stdout.contains(OTP));
    assert!(org.requests().is_empty());
}

/// The tmux session name of this test.
#[cfg(unix)]
fn tmux(args: &[&str]) -> Option<String> {
    let out = Command::new("tmux").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Poll the tmux pane (at most 30 s) until it shows `want`; the pane text.
#[cfg(unix)]
fn wait_for_pane(session: &str, want: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let pane = tmux(&["capture-pane", "-p", "-J", "-t", session]).unwrap_or_default();
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

/// Start `direct` in a tmux pane (a real terminal) with stderr sent to `<home>/stderr.txt`,
/// as the AWS CLI captures it; `env` is added to the binary's environment. The session
/// name, or `None` when tmux is missing (skipped; a failure under `CI=true`).
#[cfg(unix)]
fn in_tmux(org: &SimOrg, name: &str, env: &str, args: &str) -> Option<String> {
    if tmux(&["-V"]).is_none() {
        return support::missing("tmux is not installed (scripts/setup-test-env installs it)");
    }
    let session = format!("okta-aws-cli-direct-{name}-{}", std::process::id());
    let script = org.home().join(format!("{name}.sh"));
    std::fs::write(
        &script,
        format!(
            "cd '{work}' && env -i HOME='{home}' PATH=\"$PATH\" TERM=xterm SSL_CERT_FILE='{ca}' \
             AWS_ENDPOINT_URL_STS='{sts}' {env} '{bin}' direct --org-domain '{org}' \
             --oidc-client-id {CLIENT_ID} --aws-iam-role {ROLE} --username {USER} {args} \
             >'{home}/stdout.txt' 2>'{home}/stderr.txt'\necho \"EXIT=$?\"\n",
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
        "200",
        "-y",
        "40",
        &shell,
    ])
    .expect("tmux new-session");
    Some(session)
}

/// stderr is captured (a file) but a terminal exists: the number challenge appears on the
/// terminal, and the captured stderr keeps a copy without a note about a missing terminal
/// (README "When stderr is captured").
#[cfg(unix)]
#[test]
fn captured_stderr_sends_the_number_challenge_to_the_terminal() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 2, "binding_code": "58"}
    })) else {
        return;
    };
    let env = format!("OKTA_AWSCLI_PASSWORD='{PASSWORD}'");
    let Some(session) = in_tmux(&org, "number", &env, "--format process-credentials") else {
        return;
    };
    let pane = wait_for_pane(&session, "EXIT=");
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("choose the number 58"), "{pane}");
    assert!(pane.contains("EXIT=0"), "{pane}");
    let stderr = std::fs::read_to_string(org.home().join("stderr.txt")).unwrap();
    assert!(stderr.contains("choose the number 58"), "{stderr}");
    assert!(!stderr.contains("no controlling terminal"), "{stderr}");
    let stdout = std::fs::read_to_string(org.home().join("stdout.txt")).unwrap();
    let creds: Value = serde_json::from_str(&stdout).expect("process JSON");
    assert_eq!(creds["Version"], 1);
}

/// Wait until the pane shows `prompt` and its terminal has echo off, then type `secret` and
/// Enter. The prompt is written before echo is turned off: typing earlier would echo.
#[cfg(unix)]
fn type_when_echo_is_off(session: &str, prompt: &str, secret: &str) {
    wait_for_pane(session, prompt);
    let tty = tmux(&["display-message", "-p", "-t", session, "#{pane_tty}"]).expect("pane tty");
    let started = std::time::Instant::now();
    loop {
        let modes = Command::new("stty")
            .args(["-F", tty.trim(), "-a"])
            .output()
            .expect("stty");
        let modes = String::from_utf8_lossy(&modes.stdout).into_owned();
        if modes.split_whitespace().any(|m| m == "-echo") {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "echo never went off: {modes}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    tmux(&["send-keys", "-t", session, "-l", secret]).expect("type");
    tmux(&["send-keys", "-t", session, "Enter"]).expect("enter");
}

/// No password setting but a terminal: the password is asked for there, without echo.
#[cfg(unix)]
#[test]
fn missing_password_is_asked_on_the_terminal() {
    let Some(org) = start(json!({"mfa": "none"})) else {
        return;
    };
    let Some(session) = in_tmux(&org, "prompt", "", "") else {
        return;
    };
    type_when_echo_is_off(&session, &format!("Okta password for {USER}:"), PASSWORD);
    let pane = wait_for_pane(&session, "EXIT=");
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("EXIT=0"), "{pane}");
    assert!(!pane.contains(PASSWORD), "echoed: {pane}");
    assert_eq!(grants(&org), ["password"]);
    assert_eq!(
        org.requests_to("direct-token")[0]["form"]["password"],
        PASSWORD
    );
}

/// `--mfa-method otp` without `OKTA_AWSCLI_OTP` but with a terminal: the code is asked for
/// there, without echo.
#[cfg(unix)]
#[test]
fn missing_one_time_code_is_asked_on_the_terminal() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let env = format!("OKTA_AWSCLI_PASSWORD='{PASSWORD}'");
    let Some(session) = in_tmux(&org, "otp", &env, "--mfa-method otp") else {
        return;
    };
    type_when_echo_is_off(&session, &format!("One-time code for {USER}:"), OTP);
    let pane = wait_for_pane(&session, "EXIT=");
    let _ = tmux(&["kill-session", "-t", &session]);
    assert!(pane.contains("EXIT=0"), "{pane}");
    assert!(!pane.contains(OTP), "echoed: {pane}");
    assert_eq!(grants(&org), ["password", MFA_OTP]);
    assert_eq!(
        org.requests_to("direct-token").last().unwrap()["form"]["otp"],
        OTP
    );
}

/// The real AWS CLI runs `direct --format process-credentials` as its `credential_process`
/// and calls `sts get-caller-identity` on moto with what we delivered; STS was moto.
// Unix only: the AWS CLI here is a Linux program and cannot start our Windows binary.
#[cfg(unix)]
#[test]
fn aws_cli_uses_direct_as_credential_process() {
    let Some(moto) = support::moto_url() else {
        return;
    };
    let Some(aws) = support::aws_cli() else {
        return;
    };
    let Some(org) = start(json!({})) else {
        return;
    };
    let quote = |w: &str| shlex::try_quote(w).expect("quotable").into_owned();
    let words = [
        env!("CARGO_BIN_EXE_okta-aws-cli"),
        "direct",
        "--org-domain",
        &org.base_url(),
        "--oidc-client-id",
        CLIENT_ID,
        "--aws-iam-role",
        ROLE,
        "--username",
        USER,
        "--aws-sts-role-session-name",
        "interop-direct",
        "--format",
        "process-credentials",
    ];
    let line: Vec<String> = words.iter().map(|w| quote(w)).collect();
    let config = org.home().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile okta-direct]\ncredential_process = {}\nregion = us-east-1\n",
            line.join(" ")
        ),
    )
    .unwrap();
    let mut cmd = support::HostCommand::new(&aws);
    cmd.env_clear()
        .current_dir(&org.work_dir())
        .env_path("HOME", &org.home())
        .env_keep("PATH")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_path("AWS_CONFIG_FILE", &config)
        .env_path(
            "AWS_SHARED_CREDENTIALS_FILE",
            &org.home().join("no-such-credentials"),
        )
        .env_path("SSL_CERT_FILE", &org.ca_path())
        .env("AWS_ENDPOINT_URL_STS", &moto)
        .env("OKTA_AWSCLI_PASSWORD", PASSWORD)
        .args([
            "sts",
            "get-caller-identity",
            "--endpoint-url",
            &moto,
            "--region",
            "us-east-1",
            "--output",
            "json",
            "--profile",
            "okta-direct",
        ]);
    let out = cmd.output();
    out.expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("caller identity JSON");
    assert_eq!(
        doc["Arn"],
        "arn:aws:sts::123456789012:assumed-role/OktaDirectRole/interop-direct"
    );
    assert_eq!(grants(&org), ["password", MFA_OOB, MFA_OOB]);
    assert!(org.requests_to("sts").is_empty(), "STS was moto");
}

/// `--exec` runs the command with the new credentials, and without the password or the
/// one-time code in its environment.
#[cfg(unix)]
#[test]
fn exec_child_gets_credentials_but_not_the_password() {
    let Some(org) = start(json!({})) else {
        return;
    };
    let mut cmd = direct(&org);
    cmd.args(["--mfa-method", "otp", "--exec", "--", "sh", "-c"])
        .arg("echo \"[${OKTA_AWSCLI_PASSWORD-unset}][${OKTA_AWSCLI_OTP-unset}][$AWS_ACCESS_KEY_ID]\"")
        .env("OKTA_AWSCLI_OTP", OTP);
    let out = go(&mut cmd);
    out.expect_code(0);
    assert!(
        out.stdout.starts_with("[unset][unset][ASIA"),
        "{}",
        out.stdout
    );
    assert_eq!(grants(&org), ["password", MFA_OTP]);
}

/// `--chain-role` starts from the role `direct` federated into, signed with its
/// credentials.
#[test]
fn chain_role_starts_from_the_direct_role() {
    let Some(org) = start(json!({"mfa": "none"})) else {
        return;
    };
    let chained = "arn:aws:iam::210987654321:role/Chained";
    let mut cmd = direct(&org);
    cmd.args(["--chain-role", chained]);
    let out = go(&mut cmd);
    out.expect_code(0);
    let sts = org.requests_to("sts");
    assert_eq!(sts.len(), 2, "{sts:#?}");
    assert_eq!(sts[0]["form"]["Action"], "AssumeRoleWithWebIdentity");
    assert_eq!(sts[1]["form"]["Action"], "AssumeRole");
    assert_eq!(sts[1]["form"]["RoleArn"], chained);
    assert_eq!(sts[1]["signed_by"], sts[0]["issued"]["AccessKeyId"]);
    let vars = support::env_lines(&out.stdout);
    assert_eq!(
        vars["AWS_ACCESS_KEY_ID"],
        sts[1]["issued"]["AccessKeyId"].as_str().unwrap()
    );
}

/// Two runs at once with `--cache-access-token`: one push, and the other run waits for it
/// and uses its token (single flight).
#[cfg(unix)]
#[test]
fn parallel_runs_share_one_push() {
    let Some(org) = start(json!({
        "push": {"interval": 1, "expires_in": 60, "approve_after": 2}
    })) else {
        return;
    };
    let runs: Vec<std::thread::JoinHandle<Output>> = (0..2)
        .map(|_| {
            let mut cmd = direct(&org);
            cmd.arg("--cache-access-token");
            let mut cmd = setsid_command(&cmd).unwrap_or(cmd);
            std::thread::spawn(move || run(&mut cmd))
        })
        .collect();
    let outs: Vec<Output> = runs.into_iter().map(|h| h.join().unwrap()).collect();
    for out in &outs {
        out.expect_code(0);
    }
    assert_eq!(
        grants(&org).iter().filter(|g| *g == "password").count(),
        1,
        "{:?}",
        grants(&org)
    );
    assert_eq!(org.requests_to("direct-challenge").len(), 1);
    assert_eq!(org.requests_to("sts").len(), 2);
    assert!(
        outs.iter()
            .any(|o| o.stderr.contains("waiting for another okta-aws-cli run")),
        "{}\n{}",
        outs[0].stderr,
        outs[1].stderr
    );
}
