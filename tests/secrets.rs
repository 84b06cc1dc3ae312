//! Secrets stay off command lines and out of errors (issue 19, part 7), end to end with the
//! real binary:
//!
//! - a closed stdout (`cmd >&-`): a run that should deliver credentials on stdout exits 1
//!   with one error line, as for `/dev/full`, and no file the run opens takes descriptor 1
//!   (the credentials file holds only its profile);
//! - usage and configuration errors that echo a PEM block or a JWT, given as a stray
//!   argument or as a flag's value, show `<redacted N bytes>` instead (exit 2);
//!
//! Tests that need the simulated org are skipped without the test Python (a failure under
//! `CI=true`).

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::{Output, SimOrg, b15_scenario, case_text, run};

/// The single `Error:` line of a failed run.
fn error_line(out: &Output) -> String {
    let errors: Vec<&str> = out
        .stderr_lines()
        .into_iter()
        .filter(|l| !l.starts_with("hint: "))
        .collect();
    assert_eq!(errors.len(), 1, "stderr:\n{}", out.stderr);
    assert!(errors[0].starts_with("Error: "), "{}", out.stderr);
    errors[0].to_string()
}

// ---------------------------------------------------------------------------------------
// A closed stdout
// ---------------------------------------------------------------------------------------

/// `cmd` run through `sh -c 'exec "$0" "$@" >&-'`: the same program, arguments, environment
/// and directory, with file descriptor 1 closed. stderr is captured as usual.
#[cfg(unix)] // Unix only: `>&-` is a POSIX shell redirection.
fn with_stdout_closed(cmd: &Command) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg("exec \"$0\" \"$@\" >&-")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_clear()
        .stdin(std::process::Stdio::null());
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            sh.env(key, value);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        sh.current_dir(dir);
    }
    sh
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_exit_1_with_one_line() {
    let bin = env!("CARGO_BIN_EXE_okta-aws-cli");
    let out = run(&mut with_stdout_closed(Command::new(bin).arg("--version")));
    out.expect_code(1);
    let line = error_line(&out);
    assert!(line.contains("cannot write to stdout"), "{line}");
    // `>/dev/null` is an open stdout: written, exit 0.
    let mut sh = Command::new("sh");
    sh.args(["-c", "exec \"$0\" --version >/dev/null", bin]);
    run(&mut sh).expect_code(0);
}

fn credentials_path(org: &SimOrg) -> PathBuf {
    org.home().join(".aws").join("credentials")
}

#[cfg(unix)]
#[test]
fn credentials_to_a_closed_stdout_are_exit_1() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    for format in ["env-var", "process-credentials"] {
        let mut cmd = org.m2m_b15();
        cmd.args(["--format", format]);
        let out = run(&mut with_stdout_closed(&cmd));
        out.expect_code(1);
        let line = error_line(&out);
        assert!(line.contains("cannot write to stdout"), "{format}: {line}");
        assert!(
            !credentials_path(&org).exists(),
            "{format}: a credentials file appeared"
        );
    }
    // The credentials file is written first, then stdout fails: the file holds the profile
    // and nothing meant for stdout.
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "process-credentials", "--write-aws-credentials"]);
    let out = run(&mut with_stdout_closed(&cmd));
    out.expect_code(1);
    let text = std::fs::read_to_string(credentials_path(&org)).expect("credentials file");
    assert!(text.starts_with("[default]\n"), "{text}");
    assert!(
        !text.contains('{') && !text.contains("Version"),
        "stdout's JSON in the file:\n{text}"
    );
    // Nothing for stdout: the run succeeds and the file is whole.
    std::fs::remove_file(credentials_path(&org)).expect("remove");
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "aws-credentials"]);
    let out = run(&mut with_stdout_closed(&cmd));
    out.expect_code(0);
    let text = std::fs::read_to_string(credentials_path(&org)).expect("credentials file");
    assert!(text.starts_with("[default]\n"), "{text}");
    assert!(!text.contains("export "), "{text}");
}

// ---------------------------------------------------------------------------------------
// Usage errors
// ---------------------------------------------------------------------------------------

/// A JWT's shape (header `{"alg":"RS256","kid":"fake-kid"}`), not signed by anyone.
const JWT: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2Uta2lkIn0.\
    eyJzdWIiOiIwMHUxIiwiYXVkIjoiYXBpIn0.\
    c2lnbmF0dXJlLW5vdC1yZWFsbHktcmFuZG9tLWJ1dC1sb25n";

#[test]
fn usage_errors_hide_keys_and_tokens() {
    let pem = case_text("B15-key-pkcs8.pem");
    let body_line = pem.lines().nth(1).expect("a PEM body line").to_string();
    let home = support::tempdir();
    let bool_value = format!("--write-aws-credentials={pem}");
    let duration_value = format!("--aws-session-duration={JWT}");
    let cases: [&[&str]; 7] = [
        // Stray arguments (a PEM block reads as flags: it starts with dashes).
        &["web", &pem],
        &["m2m", JWT],
        &[JWT],
        // Bad values: checked by the parser, then by the configuration.
        &["web", &bool_value],
        &["--format", JWT],
        &["--format", &pem],
        &["m2m", &duration_value],
    ];
    for args in cases {
        let out = run(Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("USERPROFILE", home.path())
            .current_dir(home.path()));
        let shown = args
            .iter()
            .map(|a| &a[..a.len().min(20)])
            .collect::<Vec<_>>();
        out.expect_code(2);
        let line = error_line(&out);
        assert!(line.contains("<redacted "), "{shown:?}: {line}");
        for secret in [
            body_line.as_str(),
            "PRIVATE KEY",
            "eyJhbGci",
            "c2lnbmF0dXJl",
        ] {
            assert!(!out.stderr.contains(secret), "{shown:?}: {}", out.stderr);
        }
        assert_eq!(out.stdout, "", "{shown:?}");
    }
}
