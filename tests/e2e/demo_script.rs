//! scripts/demo with its output piped (not a terminal): it reports each step with a rough
//! duration, prints no escape codes, and ends with the binary's path and the command to run
//! against a real Okta org. Uses the test binary (OKTA_AWS_CLI_DEMO_BIN) instead of building.
//! Unix only: scripts/demo is a bash script that starts the Linux helpers itself.
#![cfg(unix)]

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_okta-aws-cli");

#[test]
fn demo_reports_progress_without_escape_codes_and_ends_with_the_next_command() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !repo.join(".venv/bin/python").exists() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            ".venv is required under CI=true"
        );
        eprintln!("SKIPPED: no .venv (run scripts/setup-test-env)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(repo.join("scripts/demo"))
        .env("OKTA_AWS_CLI_DEMO_BIN", BIN)
        .env("TERM", "xterm-256color")
        .env("TMPDIR", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scripts/demo runs");
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out_pipe.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err_pipe.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("scripts/demo did not finish within 300 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    assert!(status.success(), "stderr:\n{stderr}");
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
        "escape codes:\n{stderr}"
    );
    assert!(
        stderr.contains("(usually ") && stderr.contains("done in "),
        "{stderr}"
    );
    let tail: Vec<&str> = stderr.lines().rev().take(4).collect();
    assert!(
        tail.iter()
            .any(|l| l.contains(BIN) && l.contains("The binary")),
        "{stderr}"
    );
    assert!(
        tail.iter()
            .any(|l| l.contains(&format!("{BIN} web --org-domain"))
                && l.contains("--oidc-client-id")),
        "{stderr}"
    );
    // The demo's flow really ran: credentials on stdout.
    assert!(stdout.contains("AWS_ACCESS_KEY_ID"), "{stdout}");
}
