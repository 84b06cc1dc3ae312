//! `web --authorization-code` end to end: the real binary against the simulated org's
//! `/oauth2/v1/authorize` and authorization code grant, with a scripted browser
//! (`tests/simorg/browser.py`, given as `--open-browser-command`) that follows the 302 to
//! the loopback redirect URI and can drop or change `state` or reuse a code. Also where the
//! sign-in instructions go when stderr is captured: a controlling terminal under tmux, none
//! under `setsid`.
//!
//! Every test names its own redirect ports (free ones picked at test time), so tests run in
//! parallel and never touch the default ports.

// On Windows only the tests that start no browser run; the helpers stay unused there.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Output, SimOrg, run};

const CLIENT_ID: &str = "0oaPKCEtestclient1";
const FED_APP: &str = "0oaFEDpkce0000001";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/PkceOkta";
const ROLE: &str = "arn:aws:iam::123456789012:role/PkceRole";
const SESSION: &str = "jane.doe@example.com";
const AUTHORIZATION_CODE: &str = "authorization_code";

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A web org whose OIDC app has `ports` registered as redirect URIs, with one Federation
/// app and one role (role ARN first: the order moto reads, for the AWS CLI test).
fn scenario(ports: &[u16]) -> Value {
    json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0, "user_code": "PKCEWXYZ"},
            "authorize": {"redirect_ports": ports},
            "apps": [{"id": FED_APP, "label": "AWS PKCE", "appName": "amazon_aws",
                      "roles": [format!("{ROLE},{IDP}")], "role_session_name": SESSION}],
        },
        "sts": {}
    })
}

/// The scripted browser as an `--open-browser-command` value, logging to `log`, with
/// `extra` options (`--state drop`, ...). `None` when the test Python is missing.
fn browser(log: &Path, extra: &[&str]) -> Option<String> {
    let py = support::python()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/simorg/browser.py");
    let mut words = vec![
        py.display().to_string(),
        script.display().to_string(),
        "--log".to_string(),
        log.display().to_string(),
    ];
    words.extend(extra.iter().map(|s| s.to_string()));
    let quoted: Vec<String> = words
        .iter()
        .map(|w| shlex::try_quote(w).expect("quotable").into_owned())
        .collect();
    Some(quoted.join(" "))
}

/// Wait (at most 20 s) for the scripted browser's log; its JSON.
fn browser_log(log: &Path) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(log) {
            return serde_json::from_str(&text).expect("browser log JSON");
        }
        assert!(
            Instant::now() < deadline,
            "the scripted browser wrote no log {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `okta-aws-cli web --authorization-code` for `org` with the redirect ports and the
/// browser command; the test adds the rest.
fn command(org: &SimOrg, ports: &[u16], browser: &str) -> Command {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .args(["--aws-acct-fed-app-id", FED_APP])
        .arg("--authorization-code")
        .args(["--open-browser-command", browser]);
    for p in ports {
        cmd.args(["--redirect-port", &p.to_string()]);
    }
    cmd
}

/// Token requests of the authorization code grant.
fn code_grants(org: &SimOrg) -> Vec<Value> {
    org.requests_to("token")
        .into_iter()
        .filter(|r| r["form"]["grant_type"] == AUTHORIZATION_CODE)
        .collect()
}

/// The org's complaints about what it received (verdicts that flag a client mistake).
fn complaints(org: &SimOrg) -> Vec<String> {
    org.requests()
        .iter()
        .filter(|r| {
            let v = r["verdict"].as_str().unwrap_or("");
            [
                "must",
                "missing",
                "simorg",
                "no route",
                "crashed",
                "duplicate",
            ]
            .iter()
            .any(|m| v.contains(m))
        })
        .map(|r| format!("{} {} -> {}", r["route"], r["status"], r["verdict"]))
        .collect()
}

/// The query parameters of a recorded request.
fn query(request: &Value) -> std::collections::BTreeMap<String, String> {
    request["query"]
        .as_str()
        .unwrap_or("")
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), percent_decode(v)))
        .collect()
}

/// Decode `%XX` escapes and `+` (our query strings are well formed).
fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("escape");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// Every test's set-up: two free ports registered, the org, a temp dir for the browser.
struct Setup {
    org: SimOrg,
    ports: Vec<u16>,
    dir: tempfile::TempDir,
}

fn setup() -> Option<Setup> {
    let ports = vec![free_port(), free_port()];
    let org = SimOrg::start(scenario(&ports))?;
    Some(Setup {
        org,
        ports,
        dir: support::tempdir(),
    })
}

impl Setup {
    fn log(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The last stderr line starting with `Error: `.
fn error_line(out: &Output) -> String {
    out.stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("Error: "))
        .unwrap_or_else(|| panic!("no Error: line:\n{}", out.stderr))
        .to_string()
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn the_code_is_exchanged_with_its_verifier_and_secrets_stay_hidden() {
    let Some(s) = setup() else { return };
    let log = s.log("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    let out = run(command(&s.org, &s.ports, &b).arg("--debug-api-calls"));
    out.expect_code(0);
    let vars = support::env_lines(&out.stdout);
    assert!(
        vars["AWS_ACCESS_KEY_ID"].starts_with("ASIA"),
        "{}",
        out.stdout
    );
    assert!(complaints(&s.org).is_empty(), "{:?}", complaints(&s.org));

    // The order of calls: the org probe, authorize (by the browser), the code grant, then
    // the token exchange, the SAML page and STS as in the device flow.
    let routes: Vec<String> = s
        .org
        .requests()
        .iter()
        .map(|r| r["route"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        routes,
        ["well-known", "authorize", "token", "token", "sso", "sts"],
        "{routes:?}"
    );
    let authorize = &s.org.requests_to("authorize")[0];
    let q = query(authorize);
    let redirect = format!("http://127.0.0.1:{}/callback", s.ports[0]);
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["response_type"], "code");
    assert_eq!(
        q["scope"],
        "openid okta.apps.sso okta.apps.read okta.users.read.self"
    );
    assert_eq!(q["redirect_uri"], redirect);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["state"].len(), 22);
    let grant = &code_grants(&s.org)[0];
    assert_eq!(grant["form"]["redirect_uri"], redirect.as_str());
    assert_eq!(grant["status"], 200);
    assert_eq!(grant["verdict"], "ok");

    // The browser tab was told, the code and verifier never reached stderr (the
    // --debug-api-calls dump included).
    let seen = browser_log(&log);
    assert_eq!(seen["callback_status"], 200, "{seen}");
    assert!(
        seen["callback_body"]
            .as_str()
            .unwrap()
            .contains("return to the terminal")
    );
    for field in ["code", "code_verifier"] {
        let secret = grant["form"][field].as_str().unwrap();
        assert!(!out.stderr.contains(secret), "stderr shows the {field}");
    }
    assert!(out.stderr.contains("code=<redacted>"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Web browser will open the following URL to sign in to Okta"),
        "{}",
        out.stderr
    );
    for r in s.org.requests() {
        for field in ["access_token", "actor_token", "subject_token"] {
            if let Some(v) = r["form"][field].as_str() {
                assert!(!out.stderr.contains(v), "stderr shows {field}");
            }
        }
    }
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn a_wrong_or_missing_state_exchanges_nothing() {
    let Some(s) = setup() else { return };
    for (mode, why) in [
        ("tamper", "carries another state"),
        ("drop", "has no state"),
    ] {
        let log = s.log(&format!("browser-{mode}.json"));
        let Some(b) = browser(&log, &["--state", mode]) else {
            return;
        };
        let out = run(&mut command(&s.org, &s.ports, &b));
        out.expect_code(1);
        let line = error_line(&out);
        assert!(
            line.contains(why) && line.contains("nothing was exchanged"),
            "{mode}: {line}"
        );
        let seen = browser_log(&log);
        assert_eq!(seen["callback_status"], 400, "{seen}");
        assert!(
            seen["callback_body"]
                .as_str()
                .unwrap()
                .contains("Sign-in failed")
        );
    }
    assert!(code_grants(&s.org).is_empty(), "a code was exchanged");
    assert!(s.org.requests_to("sts").is_empty());
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn access_denied_is_one_line_with_oktas_description() {
    let ports = vec![free_port()];
    let mut sc = scenario(&ports);
    sc["web"]["authorize"]["outcome"] = json!("access_denied");
    sc["web"]["authorize"]["error_description"] =
        json!("User is not assigned\u{1b}[31m to the app");
    let Some(org) = SimOrg::start(sc) else { return };
    let dir = support::tempdir();
    let log = dir.path().join("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    let out = run(&mut command(&org, &ports, &b));
    out.expect_code(1);
    let line = error_line(&out);
    assert_eq!(
        line,
        "Error: the sign-in was denied in the browser: User is not assigned\\x1b[31m to the app"
    );
    assert!(!out.stderr.contains('\u{1b}'));
    let seen = browser_log(&log);
    assert_eq!(seen["callback_status"], 400, "{seen}");
    assert!(code_grants(&org).is_empty());
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn a_code_works_once() {
    let Some(s) = setup() else { return };
    let saved = s.log("code.txt");
    let saved_arg = saved.display().to_string();
    let Some(first) = browser(&s.log("first.json"), &["--save-code", &saved_arg]) else {
        return;
    };
    run(&mut command(&s.org, &s.ports, &first)).expect_code(0);
    // The second run gets the first run's code with its own state: Okta refuses it.
    let Some(second) = browser(&s.log("second.json"), &["--code-from", &saved_arg]) else {
        return;
    };
    let out = run(&mut command(&s.org, &s.ports, &second));
    out.expect_code(1);
    let line = error_line(&out);
    assert!(
        line.contains("invalid_grant")
            && line.contains("The authorization code is invalid or has expired"),
        "{line}"
    );
    let grants = code_grants(&s.org);
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[1]["verdict"], "ok (code used twice)");
    assert_eq!(s.org.requests_to("sts").len(), 1);
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn a_busy_port_passes_to_the_next() {
    let Some(s) = setup() else { return };
    let _first = std::net::TcpListener::bind(("127.0.0.1", s.ports[0])).expect("hold port");
    let log = s.log("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    let out = run(&mut command(&s.org, &s.ports, &b));
    out.expect_code(0);
    let q = query(&s.org.requests_to("authorize")[0]);
    assert_eq!(
        q["redirect_uri"],
        format!("http://127.0.0.1:{}/callback", s.ports[1])
    );
    assert!(
        out.stderr.contains(&format!(
            "redirect port {} (in use) not usable; listening on port {}",
            s.ports[0], s.ports[1]
        )),
        "{}",
        out.stderr
    );
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn the_access_token_cache_serves_this_flow_too() {
    let Some(s) = setup() else { return };
    let Some(b) = browser(&s.log("browser.json"), &[]) else {
        return;
    };
    for _ in 0..2 {
        run(command(&s.org, &s.ports, &b).arg("--cache-access-token")).expect_code(0);
    }
    assert_eq!(s.org.requests_to("authorize").len(), 1, "one sign-in");
    assert_eq!(code_grants(&s.org).len(), 1);
    assert_eq!(s.org.requests_to("sts").len(), 2);
}

// Runs on Windows too: no browser is started.
#[test]
fn every_port_busy_is_a_clear_error_before_the_browser_opens() {
    let Some(s) = setup() else { return };
    let _held: Vec<std::net::TcpListener> = s
        .ports
        .iter()
        .map(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).expect("hold port"))
        .collect();
    let Some(opener) = support::argv_recorder(s.dir.path(), "opener") else {
        return;
    };
    let browser = format!("'{}'", opener.display());
    let out = run(&mut command(&s.org, &s.ports, &browser));
    out.expect_code(1);
    let line = error_line(&out);
    assert!(
        line.contains(&format!(
            "none of the redirect ports can be used on 127.0.0.1: {} (in use), {} (in use)",
            s.ports[0], s.ports[1]
        )) && line.contains("--redirect-port"),
        "{line}"
    );
    assert!(s.org.requests_to("authorize").is_empty());
    assert!(
        support::recorded_calls(s.dir.path(), "opener").is_empty(),
        "no browser was opened"
    );
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn the_wait_is_bounded_and_an_unregistered_port_gets_a_hint() {
    // The port is not registered: Okta shows an error page and never redirects.
    let registered = free_port();
    let used = free_port();
    let Some(org) = SimOrg::start(scenario(&[registered])) else {
        return;
    };
    let dir = support::tempdir();
    let log = dir.path().join("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    let started = Instant::now();
    let out = run(command(&org, &[used], &b).env("OKTA_AWSCLI_AUTHORIZATION_CODE_TIMEOUT", "2"));
    out.expect_code(1);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let line = error_line(&out);
    assert_eq!(
        line,
        format!(
            "Error: no sign-in reply reached http://127.0.0.1:{used}/callback within 2 seconds; run the command again"
        )
    );
    let hint = out.stderr.lines().last().unwrap();
    assert!(
        hint.starts_with("hint: ")
            && hint.contains(&format!("http://127.0.0.1:{used}/callback"))
            && hint.contains("Sign-in redirect URI"),
        "{hint}"
    );
    let seen = browser_log(&log);
    assert_eq!(seen["authorize_status"], 400, "{seen}");
    assert!(
        seen["authorize_body"]
            .as_str()
            .unwrap()
            .contains("redirect_uri")
    );
}

// Unix only: the scripted browser is a Linux Python program, which our Windows binary
// cannot start under wine.
#[cfg(unix)]
#[test]
fn a_device_assurance_refusal_points_to_the_authorization_code_flow() {
    let ports = vec![free_port()];
    let mut sc = scenario(&ports);
    sc["web"]["apps"][0]["assurance_unmet"] = json!(true);
    let Some(org) = SimOrg::start(sc) else { return };
    let mut device = org.command();
    device
        .arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .args(["--aws-acct-fed-app-id", FED_APP]);
    let out = run(&mut device);
    out.expect_code(1);
    let hint = out.stderr.lines().last().unwrap();
    assert!(
        hint.starts_with("hint: ") && hint.contains("--authorization-code"),
        "{}",
        out.stderr
    );
    // The browser sign-in satisfies the policy.
    let dir = support::tempdir();
    let Some(b) = browser(&dir.path().join("browser.json"), &[]) else {
        return;
    };
    run(&mut command(&org, &ports, &b)).expect_code(0);
}

// ---------------------------------------------------------------------------------------
// The real AWS CLI: credential_process runs our binary, which signs in with the scripted
// browser; STS is moto.
// ---------------------------------------------------------------------------------------

// Unix only: the AWS CLI here is a Linux program and cannot start our Windows binary.
#[cfg(unix)]
#[test]
fn the_aws_cli_gets_credentials_through_credential_process() {
    let Some(moto) = support::moto_url() else {
        return;
    };
    let Some(aws) = support::aws_cli() else {
        return;
    };
    let Some(s) = setup() else { return };
    let log = s.log("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    let mut words = vec![
        env!("CARGO_BIN_EXE_okta-aws-cli").to_string(),
        "web".into(),
        "--org-domain".into(),
        s.org.base_url(),
        "--oidc-client-id".into(),
        CLIENT_ID.into(),
        "--aws-acct-fed-app-id".into(),
        FED_APP.into(),
        "--authorization-code".into(),
        "--open-browser-command".into(),
        b,
        "--format".into(),
        "process-credentials".into(),
    ];
    for p in &s.ports {
        words.extend(["--redirect-port".to_string(), p.to_string()]);
    }
    let line: Vec<String> = words
        .iter()
        .map(|w| shlex::try_quote(w).expect("quotable").into_owned())
        .collect();
    let config = s.org.home().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile okta-pkce]\ncredential_process = {}\nregion = us-east-1\n",
            line.join(" ")
        ),
    )
    .expect("write config");
    let out = support::HostCommand::new(&aws)
        .env_clear()
        .current_dir(&s.org.work_dir())
        .env_path("HOME", &s.org.home())
        .env_keep("PATH")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_path("AWS_CONFIG_FILE", &config)
        .env_path(
            "AWS_SHARED_CREDENTIALS_FILE",
            &s.org.home().join("no-such-credentials"),
        )
        .env_path("SSL_CERT_FILE", &s.org.ca_path())
        .env("AWS_ENDPOINT_URL_STS", &moto)
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
            "okta-pkce",
        ])
        .output();
    out.expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        doc["Arn"],
        format!("arn:aws:sts::123456789012:assumed-role/PkceRole/{SESSION}")
    );
    assert_eq!(code_grants(&s.org).len(), 1);
    assert!(
        s.org.requests_to("sts").is_empty(),
        "STS was moto, not the stand-in"
    );
    assert_eq!(browser_log(&log)["callback_status"], 200);
}

// ---------------------------------------------------------------------------------------
// When stderr is captured: a controlling terminal (tmux) and none (setsid)
// ---------------------------------------------------------------------------------------

/// A tmux server of its own (socket in `dir`), killed on drop.
#[cfg(unix)]
struct Tmux {
    socket: PathBuf,
}

#[cfg(unix)]
impl Tmux {
    /// `None` (test skipped; a failure under `CI=true`) when tmux is missing.
    fn new(dir: &Path) -> Option<Tmux> {
        let t = Tmux {
            socket: dir.join("tmux.sock"),
        };
        if t.run(&["-V"]).is_none() {
            return support::missing("tmux is not installed (scripts/setup-test-env installs it)");
        }
        Some(t)
    }

    fn run(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Run `script` (sh) in a new 200x50 pane; it must end by writing a file the test waits
    /// for, and then sleep so the pane stays readable.
    fn start(&self, script: &Path) {
        let shell = format!("sh '{}'; sleep 30", script.display());
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "200",
            "-y",
            "50",
            &shell,
        ])
        .expect("tmux new-session");
    }

    /// The pane's text, lines joined (wrapped lines are put back together).
    fn pane(&self) -> String {
        self.run(&["capture-pane", "-p", "-J", "-t", "t"])
            .unwrap_or_default()
    }
}

#[cfg(unix)]
impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// Wait (at most 60 s) for `path` to exist; its text.
#[cfg(unix)]
fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A directory with a fake system opener (`xdg-open`, and `open` for macOS) that runs
/// `opener` (a shell command line) with the URL; returns the directory for PATH.
#[cfg(unix)]
fn fake_opener(dir: &Path, opener: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in ["xdg-open", "open"] {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\nexec {opener} \"$@\"\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// The shell script that runs our binary in the pane with a clean environment, stdout and
/// stderr to files, then writes the exit code to `rc`.
#[cfg(unix)]
fn pane_script(org: &SimOrg, dir: &Path, path: &Path, args: &str) -> PathBuf {
    let script = dir.join("run.sh");
    std::fs::write(
        &script,
        format!(
            "cd '{work}' && env -i HOME='{home}' PATH='{path}' TERM=xterm SSL_CERT_FILE='{ca}' \
             AWS_ENDPOINT_URL_STS='{sts}' '{bin}' web --org-domain '{org}' --oidc-client-id {CLIENT_ID} \
             --aws-acct-fed-app-id {FED_APP} {args} >'{dir}/out.txt' 2>'{dir}/err.txt'\n\
             echo $? > '{dir}/rc.tmp' && mv '{dir}/rc.tmp' '{dir}/rc'\n",
            work = org.work_dir().display(),
            home = org.home().display(),
            path = path.display(),
            ca = org.ca_path().display(),
            sts = org.sts_url(),
            bin = env!("CARGO_BIN_EXE_okta-aws-cli"),
            org = org.base_url(),
            dir = dir.display(),
        ),
    )
    .unwrap();
    script
}

/// PATH with `first` in front of the test's own.
#[cfg(unix)]
fn path_with(first: &Path) -> PathBuf {
    let mut dirs = vec![first.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    PathBuf::from(std::env::join_paths(dirs).unwrap())
}

// Unix only: tmux, /dev/tty.
#[cfg(unix)]
#[test]
fn with_stderr_captured_the_device_code_shows_on_the_terminal_and_the_browser_opens() {
    let dir = support::tempdir();
    let Some(tmux) = Tmux::new(dir.path()) else {
        return;
    };
    let Some(org) = SimOrg::start(scenario(&[])) else {
        return;
    };
    let Some(recorder) = support::argv_recorder(dir.path(), "opener") else {
        return;
    };
    let bin = fake_opener(dir.path(), &recorder.display().to_string());
    let script = pane_script(&org, dir.path(), &path_with(&bin), "");
    tmux.start(&script);
    let rc = wait_for_file(&dir.path().join("rc"));
    let pane = tmux.pane();
    let stderr = std::fs::read_to_string(dir.path().join("err.txt")).unwrap();
    assert_eq!(rc.trim(), "0", "pane:\n{pane}\nstderr:\n{stderr}");
    // The person sees the URL and the code on the terminal, and the browser was opened.
    assert!(
        pane.contains("Web browser will open the following URL")
            && pane.contains(&format!("{}/activate?user_code=PKCEWXYZ", org.base_url()))
            && pane.contains("Code: PKCEWXYZ"),
        "pane:\n{pane}"
    );
    let calls = support::wait_for_calls(dir.path(), "opener");
    assert_eq!(
        calls,
        [[format!("{}/activate?user_code=PKCEWXYZ", org.base_url())]]
    );
    // The captured stderr keeps a copy, and no note about a missing terminal.
    assert!(stderr.contains("Code: PKCEWXYZ"), "{stderr}");
    assert!(!stderr.contains("no controlling terminal"), "{stderr}");
    let out = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(out.contains("AWS_ACCESS_KEY_ID"), "{out}");
}

// Unix only: tmux, /dev/tty.
#[cfg(unix)]
#[test]
fn with_stderr_captured_open_browser_false_keeps_the_browser_closed() {
    let dir = support::tempdir();
    let Some(tmux) = Tmux::new(dir.path()) else {
        return;
    };
    let Some(org) = SimOrg::start(scenario(&[])) else {
        return;
    };
    let Some(recorder) = support::argv_recorder(dir.path(), "opener") else {
        return;
    };
    let bin = fake_opener(dir.path(), &recorder.display().to_string());
    let script = pane_script(&org, dir.path(), &path_with(&bin), "--open-browser=false");
    tmux.start(&script);
    let rc = wait_for_file(&dir.path().join("rc"));
    let pane = tmux.pane();
    assert_eq!(rc.trim(), "0", "pane:\n{pane}");
    assert!(
        pane.contains("Open the following URL") && pane.contains("Code: PKCEWXYZ"),
        "pane:\n{pane}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(support::recorded_calls(dir.path(), "opener").is_empty());
}

// Unix only: tmux, /dev/tty.
#[cfg(unix)]
#[test]
fn with_stderr_captured_the_authorization_code_flow_opens_the_browser_by_default() {
    let dir = support::tempdir();
    let Some(tmux) = Tmux::new(dir.path()) else {
        return;
    };
    let port = free_port();
    let Some(org) = SimOrg::start(scenario(&[port])) else {
        return;
    };
    let log = dir.path().join("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    // The system opener is the scripted browser; no --open-browser-command.
    let bin = fake_opener(dir.path(), &b);
    let script = pane_script(
        &org,
        dir.path(),
        &path_with(&bin),
        &format!("--authorization-code --redirect-port {port} --authorization-code-timeout 20"),
    );
    tmux.start(&script);
    let rc = wait_for_file(&dir.path().join("rc"));
    let pane = tmux.pane();
    assert_eq!(rc.trim(), "0", "pane:\n{pane}");
    assert!(
        pane.contains("Web browser will open the following URL to sign in to Okta")
            && pane.contains(&format!("{}/oauth2/v1/authorize?", org.base_url())),
        "pane:\n{pane}"
    );
    assert_eq!(browser_log(&log)["callback_status"], 200);
    assert_eq!(code_grants(&org).len(), 1);
    // The captured stderr keeps a copy, and no note about a missing terminal.
    let stderr = std::fs::read_to_string(dir.path().join("err.txt")).unwrap();
    assert!(
        stderr.contains(&format!("{}/oauth2/v1/authorize?", org.base_url())),
        "{stderr}"
    );
    assert!(!stderr.contains("no controlling terminal"), "{stderr}");
}

/// Ctrl-C in the terminal while the run waits for the browser ends it at once (exit 130,
/// long before `--authorization-code-timeout`), and the redirect port is free again.
// Unix only: tmux, SIGINT.
#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_wait_for_the_browser() {
    let dir = support::tempdir();
    let Some(tmux) = Tmux::new(dir.path()) else {
        return;
    };
    let port = free_port();
    let Some(org) = SimOrg::start(scenario(&[port])) else {
        return;
    };
    let script = pane_script(
        &org,
        dir.path(),
        &path_with(dir.path()),
        &format!(
            "--authorization-code --redirect-port {port} --authorization-code-timeout 120 \
             --open-browser=false"
        ),
    );
    // The shell catches SIGINT (a trap, not an ignore: the binary gets the default action)
    // so that it lives on to write the exit code.
    let text = std::fs::read_to_string(&script).unwrap();
    std::fs::write(&script, format!("trap 'true' INT\n{text}")).unwrap();
    tmux.start(&script);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !tmux.pane().contains("Open the following URL") {
        assert!(Instant::now() < deadline, "no banner:\n{}", tmux.pane());
        std::thread::sleep(Duration::from_millis(100));
    }
    let sent = Instant::now();
    tmux.run(&["send-keys", "-t", "t", "C-c"])
        .expect("send C-c");
    let rc = wait_for_file(&dir.path().join("rc"));
    assert_eq!(rc.trim(), "130", "pane:\n{}", tmux.pane());
    assert!(
        sent.elapsed() < Duration::from_secs(20),
        "{:?}",
        sent.elapsed()
    );
    assert!(code_grants(&org).is_empty());
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the redirect port is free");
}

/// `setsid -w` running `harness` (its program and environment) in a new session without a
/// controlling terminal, from the org's work directory with stdin closed; `None` (skipped;
/// a failure under `CI=true`) when `setsid` is missing.
#[cfg(unix)]
fn without_terminal(org: &SimOrg, harness: &Command) -> Option<Command> {
    if Command::new("setsid").arg("--version").output().is_err() {
        return support::missing("setsid (util-linux) is not installed");
    }
    let mut setsid = Command::new("setsid");
    setsid
        .arg("-w")
        .arg(harness.get_program())
        .args(harness.get_args())
        .env_clear()
        .envs(harness.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .current_dir(org.work_dir())
        .stdin(std::process::Stdio::null());
    Some(setsid)
}

// Unix only: setsid, and the scripted browser (a Linux Python program).
#[cfg(unix)]
#[test]
fn with_no_terminal_the_authorization_url_is_on_stderr_with_one_note() {
    let Some(s) = setup() else { return };
    let log = s.log("browser.json");
    let Some(b) = browser(&log, &[]) else { return };
    let Some(mut cmd) = without_terminal(&s.org, &command(&s.org, &s.ports, &b)) else {
        return;
    };
    let out = run(&mut cmd);
    out.expect_code(0);
    let lines: Vec<&str> = out.stderr.lines().collect();
    let url = lines
        .iter()
        .position(|l| l.starts_with(&format!("{}/oauth2/v1/authorize?", s.org.base_url())))
        .unwrap_or_else(|| panic!("no authorize URL:\n{}", out.stderr));
    let notes: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].contains("no controlling terminal was found"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(notes[0] > url, "the note follows the URL:\n{}", out.stderr);
    assert_eq!(browser_log(&log)["callback_status"], 200);
    assert_eq!(code_grants(&s.org).len(), 1);
}

// Unix only: setsid.
#[cfg(unix)]
#[test]
fn with_no_terminal_at_all_stderr_says_so_once_and_no_browser_opens() {
    let dir = support::tempdir();
    let Some(org) = SimOrg::start(scenario(&[])) else {
        return;
    };
    let Some(recorder) = support::argv_recorder(dir.path(), "opener") else {
        return;
    };
    let bin = fake_opener(dir.path(), &recorder.display().to_string());
    // The environment is the harness's (org.command()), with the fake opener first in PATH
    // and open-browser unset.
    let mut harness = org.command();
    harness
        .env("PATH", path_with(&bin))
        .env_remove("OKTA_AWSCLI_OPEN_BROWSER")
        .arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .args(["--aws-acct-fed-app-id", FED_APP]);
    let Some(mut setsid) = without_terminal(&org, &harness) else {
        return;
    };
    let out = run(&mut setsid);
    out.expect_code(0);
    let notes: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("no controlling terminal"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("Open the following URL") && out.stderr.contains("Code: PKCEWXYZ"),
        "{}",
        out.stderr
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(support::recorded_calls(dir.path(), "opener").is_empty());
}
