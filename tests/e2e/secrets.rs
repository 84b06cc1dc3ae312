//! Secrets stay off command lines and out of errors (issue 19, part 7), end to end with the
//! real binary:
//!
//! - `--format console-url --open-browser`: the opener gets the path of a private page
//!   (0600, in a new 0700 directory of the temporary directory) that redirects to the
//!   sign-in URL, never the URL and its `SigninToken`; the page is gone when the run ends;
//! - a closed stdout (`cmd >&-`): a run that should deliver credentials on stdout exits 1
//!   with one error line, as for `/dev/full`, and no file the run opens takes descriptor 1
//!   (the credentials file holds only its profile);
//! - usage and configuration errors that echo a PEM block or a JWT, given as a stray
//!   argument or as a flag's value, show `<redacted N bytes>` instead (exit 2);
//!
//! Tests that need the simulated org are skipped without the test Python (a failure under
//! `CI=true`).

use crate::support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
// The console sign-in URL
// ---------------------------------------------------------------------------------------

#[test]
fn console_url_is_opened_through_a_private_page() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let Some(opener) = support::argv_recorder(&org.work_dir(), "opener") else {
        return;
    };
    // Quoted as one word: by the Windows rules on Windows, as a POSIX word elsewhere.
    let command = if cfg!(windows) {
        format!("\"{}\"", opener.display())
    } else {
        format!("'{}'", opener.display())
    };
    let temp = org.dir.path().join("temp");
    std::fs::create_dir(&temp).expect("temp dir");
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "console-url"])
        .env("OKTA_AWSCLI_OPEN_BROWSER_COMMAND", &command)
        .env("AWS_ENDPOINT_URL_SIGNIN", org.base_url())
        .env("TMPDIR", &temp)
        .env("TMP", &temp)
        .env("TEMP", &temp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Started, not run: the page exists only while the run waits for the browser.
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start the binary under test");
    let calls = support::wait_for_calls(&org.work_dir(), "opener");
    assert_eq!(calls.len(), 1, "the opener ran once: {calls:?}");
    assert_eq!(calls[0].len(), 1, "one argument: {calls:?}");
    let page_path = PathBuf::from(&calls[0][0]);
    let page = std::fs::read_to_string(&page_path).expect("the page, while the run waits");
    let page_dir = page_path
        .parent()
        .expect("the page's directory")
        .to_path_buf();
    assert_eq!(
        page_dir
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok()),
        std::fs::canonicalize(&temp).ok(),
        "a directory of its own in the temporary directory"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&page_path), 0o600, "page mode");
        assert_eq!(mode(&page_dir), 0o700, "page directory mode");
    }

    // The run ends by itself (bounded), having removed the page.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the run did not end");
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    assert_eq!(stdout, "", "opened, not printed");
    assert!(
        stderr.contains("Opened the AWS console sign-in URL"),
        "{stderr}"
    );
    assert!(!page_path.exists(), "the page is still there");
    assert!(!page_dir.exists(), "its directory is still there");
    assert_eq!(
        std::fs::read_dir(&temp).unwrap().count(),
        0,
        "left in TMPDIR"
    );

    // The token reached the page, not the command line.
    let token = org.requests_to("federation")[0]["signin"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    assert!(!calls[0][0].contains(&token), "{calls:?}");
    assert!(!calls[0][0].contains("SigninToken"), "{calls:?}");
    assert!(!stderr.contains(&token), "{stderr}");
    let url = format!("{}/federation?Action=login&amp;Issuer=", org.base_url());
    assert!(
        page.contains("<meta http-equiv=\"refresh\" content=\"0; url="),
        "{page}"
    );
    assert!(page.contains(&url), "{page}");
    assert!(
        page.contains(&format!("&amp;SigninToken={token}")),
        "{page}"
    );
    assert!(page.contains("<a href=\""), "{page}");
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

#[cfg(unix)] // used by the Unix-only tests below
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
