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
    // The binary as seen from a folder with a space in its name (as in a checkout under
    // "My Projects"): the command the demo prints at the end must still paste as one word.
    let spaced = dir.path().join("with space");
    std::fs::create_dir(&spaced).unwrap();
    let bin = spaced.join("okta-aws-cli");
    std::os::unix::fs::symlink(BIN, &bin).unwrap();
    let bin = bin.to_str().unwrap();
    let mut child = Command::new(repo.join("scripts/demo"))
        .env("OKTA_AWS_CLI_DEMO_BIN", bin)
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
            .any(|l| l.contains(bin) && l.contains("The binary")),
        "{stderr}"
    );
    // The last line, read by a shell as a pasted command would be: the binary's path is one
    // word, then the subcommand and its flags.
    let last = tail[0].trim();
    let words = Command::new("bash")
        .args(["-c", "eval \"set -- $0\"; printf '%s\\n' \"$@\"", last])
        .output()
        .expect("bash runs");
    let words = String::from_utf8_lossy(&words.stdout);
    let words: Vec<&str> = words.lines().collect();
    assert_eq!(
        words.get(..3),
        Some(&[bin, "web", "--org-domain"][..]),
        "{last}"
    );
    assert!(words.contains(&"--oidc-client-id"), "{last}");
    // The demo's flow really ran: credentials on stdout.
    assert!(stdout.contains("AWS_ACCESS_KEY_ID"), "{stdout}");
}

/// scripts/setup-test-env in a checkout whose path has a space: the venv's console scripts
/// (`aws`, `moto_server`) would get a `#!` line with a space, which the kernel cannot run, so
/// the venv lives on a path without one and `.venv` links to it. The venv of this run stands
/// in for a new one (already at the place the script picks, so nothing is installed).
#[test]
fn setup_keeps_the_venv_off_a_path_with_a_space() {
    use sha2::Digest as _;
    let Ok(python) = std::env::var("OKTA_AWS_CLI_TEST_PYTHON") else {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            "OKTA_AWS_CLI_TEST_PYTHON is required under CI=true"
        );
        eprintln!("SKIPPED: OKTA_AWS_CLI_TEST_PYTHON is not set");
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The venv's folder: the one holding pyvenv.cfg above the interpreter's path (the
    // interpreter itself may be a link to the system Python).
    let venv = Path::new(&python)
        .ancestors()
        .find(|a| a.join("pyvenv.cfg").is_file())
        .map(|v| std::fs::canonicalize(v).unwrap())
        .expect("the test Python is a venv's");
    let dir = tempfile::tempdir().unwrap();
    let checkout = dir.path().join("my projects").join("okta aws cli");
    std::fs::create_dir_all(checkout.join("scripts")).unwrap();
    std::fs::create_dir_all(checkout.join("tests")).unwrap();
    std::fs::copy(
        repo.join("scripts/setup-test-env"),
        checkout.join("scripts/setup-test-env"),
    )
    .unwrap();
    std::fs::copy(
        repo.join("tests/requirements.txt"),
        checkout.join("tests/requirements.txt"),
    )
    .unwrap();
    let checkout = std::fs::canonicalize(&checkout).unwrap();
    let key = sha2::Sha256::digest(checkout.to_str().unwrap().as_bytes());
    let key: String = key.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(cache.join("okta-aws-cli")).unwrap();
    let picked = cache.join(format!("okta-aws-cli/test-venv-{key}"));
    std::os::unix::fs::symlink(&venv, &picked).unwrap();
    let out = Command::new("bash")
        .arg(checkout.join("scripts/setup-test-env"))
        .current_dir(&checkout)
        .env("XDG_CACHE_HOME", &cache)
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("the test venv is"), "{stderr}");
    let link = std::fs::read_link(checkout.join(".venv")).expect(".venv is a link");
    assert_eq!(link, picked);
    assert!(!link.to_str().unwrap().contains(' '), "{link:?}");
    // The AWS CLI runs through the link from the checkout with a space in its path.
    let aws = Command::new(checkout.join(".venv/bin/aws"))
        .arg("--version")
        .output()
        .expect("aws runs");
    assert!(
        aws.status.success(),
        "{}",
        String::from_utf8_lossy(&aws.stderr)
    );
}
