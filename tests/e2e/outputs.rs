//! Every output format through a full `okta-aws-cli m2m` run against the simulated org
//! (docs/decisions.md#k-outputs, docs/architecture.md#delivering-outputs): env-var, aws-credentials (the credentials
//! file), process-credentials, noop and `--exec`, and what a failing run leaves behind.

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{Output, SimOrg, b15_scenario, case_text, run};

const ACCESS_KEY_ID: &str = "ASIASIMORGOUTPUT0001";
const SECRET_KEY: &str = "fakeOutputSecret/0123456789+abcdefghijklm";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEFAKEOUTPUT/token+0123456789abcdefghijklmnop==";
const EXPIRATION: &str = "2030-05-01T13:00:00Z";

/// The B15 m2m org whose STS stand-in returns fixed credentials (`Expiration` as given).
fn org_with(expiration: &str) -> Option<SimOrg> {
    let mut scenario = b15_scenario();
    scenario["sts"]["credentials"] = json!({
        "AccessKeyId": ACCESS_KEY_ID,
        "SecretAccessKey": SECRET_KEY,
        "SessionToken": SESSION_TOKEN,
        "Expiration": expiration
    });
    SimOrg::start(scenario)
}

fn org() -> Option<SimOrg> {
    org_with(EXPIRATION)
}

fn m2m(org: &SimOrg, args: &[&str]) -> Output {
    let mut cmd = org.m2m_b15();
    cmd.args(args);
    run(&mut cmd)
}

/// stderr with `WARNING:` lines removed must be empty.
fn assert_quiet(out: &Output) {
    assert!(out.stderr_lines().is_empty(), "stderr: {}", out.stderr);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of `key` in section `[profile]` of INI text (`None` if absent).
fn ini_value(text: &str, profile: &str, key: &str) -> Option<String> {
    let mut in_section = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t == format!("[{profile}]");
            continue;
        }
        if in_section
            && let Some((k, v)) = t.split_once('=')
            && k.trim() == key
        {
            return Some(v.trim().to_string());
        }
    }
    None
}

fn count_sections(text: &str, profile: &str) -> usize {
    text.lines()
        .filter(|l| l.trim() == format!("[{profile}]"))
        .count()
}

#[test]
fn env_var_prints_exact_export_lines_only() {
    let Some(org) = org() else {
        return;
    };
    let out = m2m(&org, &[]);
    out.expect_code(0);
    let line = |name: &str, value: &str| support::env_line(name, value) + "\n";
    let three = line("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        + &line("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        + &line("AWS_SESSION_TOKEN", SESSION_TOKEN);
    assert_eq!(out.stdout, three);
    assert_quiet(&out);

    // The lines are shell-safe: sh evaluates them back to the same values (the `export`
    // lines; Windows prints `setx` lines for cmd.exe).
    if cfg!(unix) {
        let evaluated = support::HostCommand::new("sh")
            .args([
                "-c",
                "eval \"$(cat)\"; printf '%s|%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"${AWS_SECURITY_TOKEN-unset}\"",
            ])
            .output_with_input(out.stdout.as_bytes());
        assert_eq!(
            evaluated.stdout,
            format!("{ACCESS_KEY_ID}|{SECRET_KEY}|{SESSION_TOKEN}|unset")
        );
    }

    let out = m2m(&org, &["--legacy-aws-variables"]);
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        three + &line("AWS_SECURITY_TOKEN", SESSION_TOKEN)
    );
    assert_quiet(&out);
    // Explicit --format env-var is the same as the default.
    let explicit = m2m(&org, &["--format", "env-var", "--legacy-aws-variables"]);
    assert_eq!(explicit.stdout, out.stdout);
}

#[test]
fn aws_credentials_creates_then_updates_in_place() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let aws_dir = org.home().join(".aws");
    let path = aws_dir.join("credentials");
    let out = m2m(&org, &["--format", "aws-credentials"]);
    out.expect_code(0);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    assert_eq!(
        out.stderr_lines(),
        [format!(
            "Wrote profile \"default\" in credentials file \"{}\".",
            path.display()
        )]
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600, "credentials file mode");
        assert_eq!(mode(&aws_dir), 0o700, "~/.aws mode");
    }
    let first = read(&path);
    assert_eq!(count_sections(&first, "default"), 1, "{first}");
    let first_id = ini_value(&first, "default", "aws_access_key_id").expect("key id");
    assert!(first_id.starts_with("ASIASIMORG"), "{first}");
    for key in ["aws_secret_access_key", "aws_session_token"] {
        assert!(
            ini_value(&first, "default", key).is_some(),
            "{key}: {first}"
        );
    }
    // Nothing we were not asked for.
    for key in ["aws_security_token", "x_security_token_expires", "region"] {
        assert!(
            ini_value(&first, "default", key).is_none(),
            "{key}: {first}"
        );
    }

    // A second run (fresh credentials from the stand-in) updates the same section.
    let out = m2m(&org, &["--format", "aws-credentials"]);
    out.expect_code(0);
    assert_eq!(
        out.stderr_lines(),
        [format!(
            "Updated profile \"default\" in credentials file \"{}\".",
            path.display()
        )]
    );
    let second = read(&path);
    assert_eq!(count_sections(&second, "default"), 1, "{second}");
    let second_id = ini_value(&second, "default", "aws_access_key_id").expect("key id");
    assert_ne!(first_id, second_id, "the profile holds the new credentials");
    assert_eq!(second.lines().count(), first.lines().count(), "{second}");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    // --write-aws-credentials alone means aws-credentials; another profile is added.
    let out = m2m(&org, &["--write-aws-credentials", "--profile", "ops"]);
    out.expect_code(0);
    assert!(out.stdout.is_empty());
    let third = read(&path);
    assert!(
        third.starts_with(&second),
        "the default section is untouched"
    );
    assert_eq!(count_sections(&third, "ops"), 1, "{third}");
}

#[test]
fn b24_existing_file_keeps_everything_else_byte_identical() {
    let mut scenario = b15_scenario();
    scenario["sts"]["credentials"] = json!({
        "AccessKeyId": "ASIAEXAMPLENEW000009",
        "SecretAccessKey": "fakeNewSecret99999999999999999999999999999",
        "SessionToken": "FAKENEWTOKEN9999",
        "Expiration": EXPIRATION
    });
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let path = org.home().join("b24-credentials");
    std::fs::write(&path, case_text("B24-credentials-comments.ini")).expect("write B24");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let path_arg = path.to_str().expect("utf-8 path");
    let out = m2m(
        &org,
        &[
            "--format",
            "aws-credentials",
            "--aws-credentials",
            path_arg,
            "--profile",
            "okta-dev",
        ],
    );
    out.expect_code(0);
    assert_eq!(read(&path), case_text("B24-credentials-comments.after.ini"));
    assert!(
        out.stderr.contains("WARNING:")
            && out.stderr.contains("aws_security_token")
            && out.stderr.contains("x_security_token_expires"),
        "the commented-out keys are named: {}",
        out.stderr
    );
    assert!(out.stderr.contains(&format!(
        "Updated profile \"okta-dev\" in credentials file \"{path_arg}\"."
    )));
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    // Legacy and expiry on, with a region: the stale keys get live values again.
    std::fs::write(&path, case_text("B24-credentials-comments.ini")).expect("write B24");
    let out = m2m(
        &org,
        &[
            "--format",
            "aws-credentials",
            "--aws-credentials",
            path_arg,
            "--profile",
            "okta-dev",
            "--legacy-aws-variables",
            "--expiry-aws-variables",
            "--aws-region",
            "eu-central-1",
        ],
    );
    out.expect_code(0);
    let text = read(&path);
    assert_eq!(
        ini_value(&text, "okta-dev", "aws_security_token").as_deref(),
        Some("FAKENEWTOKEN9999")
    );
    assert_eq!(
        ini_value(&text, "okta-dev", "x_security_token_expires").as_deref(),
        Some(EXPIRATION)
    );
    assert_eq!(
        ini_value(&text, "okta-dev", "region").as_deref(),
        Some("eu-central-1")
    );
    // The other sections are still byte-identical.
    let original = case_text("B24-credentials-comments.ini");
    let head_end = original.find("# profile maintained").expect("B24 layout");
    assert!(text.starts_with(&original[..head_end]), "{text}");
    let tail = &original[original.find("\n[ci]").expect("B24 [ci]")..];
    assert!(text.ends_with(tail), "{text}");
}

#[test]
fn expiry_and_region_are_written_from_sts_and_the_flag() {
    // STS reports its Expiration with an offset; the file carries it in UTC.
    let Some(org) = org_with("2030-05-01T15:00:00+02:00") else {
        return;
    };
    let out = m2m(
        &org,
        &[
            "--format",
            "aws-credentials",
            "--expiry-aws-variables",
            "--aws-region",
            "ap-southeast-2",
        ],
    );
    out.expect_code(0);
    let text = read(&org.home().join(".aws/credentials"));
    assert_eq!(
        ini_value(&text, "default", "x_security_token_expires").as_deref(),
        Some(EXPIRATION),
        "{text}"
    );
    assert_eq!(
        ini_value(&text, "default", "region").as_deref(),
        Some("ap-southeast-2")
    );
    assert_eq!(
        ini_value(&text, "default", "aws_session_token").as_deref(),
        Some(SESSION_TOKEN)
    );
}

#[test]
fn credentials_path_precedence() {
    let Some(org) = org() else {
        return;
    };
    let flag = org.home().join("from-flag/credentials");
    let okta_env = org.home().join("from-okta-env/credentials");
    let shared = org.home().join("from-shared/credentials");
    let default = org.home().join(".aws").join("credentials");
    let all = [&flag, &okta_env, &shared, &default];
    // (flag?, OKTA_AWSCLI_AWS_CREDENTIALS?, AWS_SHARED_CREDENTIALS_FILE?, expected file)
    let cases: [(bool, bool, bool, &PathBuf); 4] = [
        (true, true, true, &flag),
        (false, true, true, &okta_env),
        (false, false, true, &shared),
        (false, false, false, &default),
    ];
    for (use_flag, use_okta_env, use_shared, expected) in cases {
        for p in all {
            let _ = std::fs::remove_file(p);
        }
        let mut cmd = org.m2m_b15();
        cmd.args(["--format", "aws-credentials"]);
        if use_flag {
            cmd.arg("--aws-credentials").arg(&flag);
        }
        if use_okta_env {
            cmd.env("OKTA_AWSCLI_AWS_CREDENTIALS", &okta_env);
        }
        if use_shared {
            cmd.env("AWS_SHARED_CREDENTIALS_FILE", &shared);
        }
        let out = run(&mut cmd);
        out.expect_code(0);
        for p in all {
            assert_eq!(
                p.exists(),
                p == expected,
                "{} (expected only {})",
                p.display(),
                expected.display()
            );
        }
        assert_eq!(
            ini_value(&read(expected), "default", "aws_access_key_id").as_deref(),
            Some(ACCESS_KEY_ID)
        );
        assert!(out.stderr.contains(&expected.display().to_string()));
    }
}

/// Parse stdout as exactly one JSON object and nothing else.
fn one_json_object(stdout: &str) -> Value {
    let mut stream = serde_json::Deserializer::from_str(stdout).into_iter::<Value>();
    let first = stream
        .next()
        .expect("a JSON document on stdout")
        .expect("valid JSON on stdout");
    assert!(stream.next().is_none(), "more than one document: {stdout}");
    assert!(first.is_object(), "{stdout}");
    first
}

#[test]
fn process_credentials_prints_one_json_object() {
    let Some(org) = org_with("2030-05-01T15:00:00+02:00") else {
        return;
    };
    let out = m2m(&org, &["--format", "process-credentials"]);
    out.expect_code(0);
    assert_quiet(&out);
    let doc = one_json_object(&out.stdout);
    assert_eq!(
        doc,
        json!({
            "Version": 1,
            "AccessKeyId": ACCESS_KEY_ID,
            "SecretAccessKey": SECRET_KEY,
            "SessionToken": SESSION_TOKEN,
            "Expiration": EXPIRATION
        })
    );
    assert!(
        !org.home().join(".aws").exists(),
        "no file without the flag"
    );

    // With --write-aws-credentials the file is written too; stdout still holds only JSON.
    let out = m2m(
        &org,
        &["--format", "process-credentials", "--write-aws-credentials"],
    );
    out.expect_code(0);
    assert_eq!(one_json_object(&out.stdout), doc);
    let path = org.home().join(".aws/credentials");
    let text = read(&path);
    assert_eq!(
        ini_value(&text, "default", "aws_secret_access_key").as_deref(),
        Some(SECRET_KEY)
    );
    assert!(
        out.stderr.contains("Wrote profile \"default\""),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(SECRET_KEY));
}

#[test]
fn noop_prints_nothing() {
    let Some(org) = org() else {
        return;
    };
    let out = m2m(&org, &["--format", "noop"]);
    out.expect_code(0);
    assert_eq!(out.stdout, "");
    assert_quiet(&out);
    assert!(!org.home().join(".aws").exists());
    assert_eq!(org.requests().len(), 2, "the flow still ran");
}

#[test]
fn env_var_lines_for_each_shell_with_expiry_and_region() {
    let Some(org) = org() else {
        return;
    };
    // --shell, then the same choice from the environment; each line set for its shell.
    let lines = |prefix: &dyn Fn(&str, &str) -> String| -> String {
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_SESSION_TOKEN", SESSION_TOKEN),
        ]
        .iter()
        .map(|(n, v)| prefix(n, v) + "\n")
        .collect()
    };
    let out = m2m(&org, &["--shell", "fish"]);
    out.expect_code(0);
    assert_eq!(out.stdout, lines(&|n, v| format!("set -gx {n} {v}")));
    assert_quiet(&out);
    let mut cmd = org.m2m_b15();
    cmd.env("OKTA_AWSCLI_SHELL", "powershell");
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_eq!(out.stdout, lines(&|n, v| format!("$env:{n} = '{v}'")));
    for (shell, line) in [
        ("cmd", "set AWS_ACCESS_KEY_ID="),
        ("setx", "setx AWS_ACCESS_KEY_ID "),
    ] {
        let out = m2m(&org, &["--shell", shell]);
        out.expect_code(0);
        assert!(
            out.stdout.starts_with(&format!("{line}{ACCESS_KEY_ID}\n")),
            "{}",
            out.stdout
        );
    }
    let out = m2m(&org, &["--shell", "tcsh"]);
    out.expect_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("invalid shell \"tcsh\""),
        "{}",
        out.stderr
    );

    // --expiry-aws-variables adds the STS expiration; a configured region adds both region
    // variables.
    let out = m2m(
        &org,
        &[
            "--shell",
            "posix",
            "--expiry-aws-variables",
            "--aws-region",
            "eu-west-3",
        ],
    );
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        format!(
            "{}export AWS_CREDENTIAL_EXPIRATION={EXPIRATION}\n\
             export AWS_REGION=eu-west-3\nexport AWS_DEFAULT_REGION=eu-west-3\n",
            lines(&|n, v| format!("export {n}={v}"))
        )
    );
}

// Unix only: the --exec child is an sh script (Windows --exec: issue 12 point 2).
#[cfg(unix)]
#[test]
fn exec_child_gets_credentials_status_and_stdin() {
    let Some(org) = org() else {
        return;
    };
    let exec = |format: &str, script: &str, input: Option<&[u8]>| {
        let mut cmd = org.m2m_b15();
        cmd.args(["--format", format, "--aws-region", "eu-west-3"])
            .env("AWS_PROFILE", "stale-profile")
            .env("KEEP_ME", "kept")
            .env(
                "KEEP_RAW",
                <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"raw\xff"),
            )
            .args(["--exec", "--", "sh", "-c", script, "child-sh"]);
        support::run_with_input(&mut cmd, input)
    };

    let out = exec(
        "noop",
        "printf '%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"${AWS_PROFILE-unset}\" \"$AWS_REGION\" \"$KEEP_ME\" \"$0\" \"$AWS_CREDENTIAL_EXPIRATION\"",
        None,
    );
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        format!(
            "{ACCESS_KEY_ID}\n{SECRET_KEY}\n{SESSION_TOKEN}\nunset\neu-west-3\nkept\nchild-sh\n{EXPIRATION}\n"
        )
    );
    assert_quiet(&out);

    // A variable that is not UTF-8 is inherited too (docs/decisions.md#d-exec: the whole environment).
    let out = exec(
        "noop",
        "printf %s \"$KEEP_RAW\" | od -An -tx1 | tr -d ' \\n'",
        None,
    );
    out.expect_code(0);
    assert_eq!(out.stdout, "726177ff");

    // The child's exit status is ours.
    let out = exec("noop", "echo failing >&2; exit 7", None);
    assert_eq!(out.code(), Some(7), "{}", out.stderr);
    assert!(out.stderr.contains("failing"));

    // stdin reaches the child.
    let out = exec(
        "noop",
        "read line; echo \"got:$line\"",
        Some(b"hello child\n"),
    );
    out.expect_code(0);
    assert_eq!(out.stdout, "got:hello child\n");

    // With env-var the child gets the variables and stdout carries only the child's
    // output: no export lines are printed in --exec mode (case B37: never printed).
    let out = exec("env-var", "echo \"child:${AWS_ACCESS_KEY_ID:+set}\"", None);
    out.expect_code(0);
    assert_eq!(out.stdout, "child:set\n");

    // A program that does not exist: 127 and a clear message, found out before any
    // request (docs/decisions.md#d-exec), like an empty command (B37 item 8, exit 2).
    let before = org.requests().len();
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "noop", "--exec", "--"]);
    let out = run(&mut cmd);
    assert_eq!(out.code(), Some(2), "{}", out.stderr);
    assert_eq!(
        out.stderr_lines(),
        ["Error: --exec needs a command after --"]
    );
    let mut cmd = org.m2m_b15();
    cmd.args([
        "--format",
        "noop",
        "--exec",
        "--",
        "okta-aws-cli-test-no-such-program",
    ]);
    let out = run(&mut cmd);
    assert_eq!(out.code(), Some(127), "{}", out.stderr);
    assert_eq!(
        out.stderr_lines(),
        ["Error: command not found: okta-aws-cli-test-no-such-program"]
    );
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "noop", "--exec", "--", "./no/such/dir/program"]);
    let out = run(&mut cmd);
    assert_eq!(out.code(), Some(127), "{}", out.stderr);
    assert_eq!(
        out.stderr_lines(),
        ["Error: command not found: ./no/such/dir/program"]
    );
    assert_eq!(
        org.requests().len(),
        before,
        "no request for a doomed --exec"
    );
}

#[test]
fn failing_run_leaves_stdout_empty_and_file_untouched() {
    let mut scenario = b15_scenario();
    scenario["sts"]["replies"] = json!([{"shape": "error", "status": 403,
        "code": "AccessDenied", "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"}]);
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let path = org.home().join("creds");
    let original = case_text("B24-credentials-comments.ini");
    std::fs::write(&path, &original).expect("write");
    let before = std::fs::metadata(&path).expect("stat").modified().ok();
    let path_arg = path.to_str().expect("utf-8");
    for format in ["aws-credentials", "process-credentials", "env-var", "noop"] {
        let mut cmd = org.m2m_b15();
        cmd.args([
            "--format",
            format,
            "--write-aws-credentials",
            "--aws-credentials",
            path_arg,
            "--profile",
            "okta-dev",
        ]);
        if format == "noop" {
            cmd.args(["--exec", "--", "sh", "-c", "echo child-ran"]);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code(), Some(1), "{format}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{format}");
        assert!(
            out.stderr.contains("sts: AccessDenied"),
            "{format}: {}",
            out.stderr
        );
        assert_eq!(read(&path), original, "{format}: file changed");
        assert_eq!(
            std::fs::metadata(&path).expect("stat").modified().ok(),
            before,
            "{format}"
        );
    }
    // No temp or stray files beside it apart from a lock file (and `.okta`, where the
    // process-credentials run's credential cache keeps its lock).
    let names: Vec<String> = std::fs::read_dir(org.home())
        .expect("ls")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "creds" && n != ".okta" && !n.ends_with(".lock"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

/// `--aws-credentials` naming something that is not a regular file (a FIFO, a directory,
/// a symlink to a FIFO): refused with a one-line error and exit 1, nothing written beside
/// it, and never a hang reading the FIFO.
// Unix only: FIFOs and symlinks.
#[cfg(unix)]
#[test]
fn credentials_path_that_is_not_a_regular_file_is_refused() {
    use std::os::unix::fs::FileTypeExt;
    let Some(org) = org() else {
        return;
    };
    let dir = org.home().join("special");
    std::fs::create_dir(&dir).expect("mkdir");
    let fifo = dir.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let a_dir = dir.join("a-directory");
    std::fs::create_dir(&a_dir).expect("mkdir");
    let link = dir.join("link");
    std::os::unix::fs::symlink(&fifo, &link).expect("symlink");
    for target in [&fifo, &a_dir, &link] {
        let mut cmd = org.m2m_b15();
        cmd.args(["--format", "aws-credentials", "--aws-credentials"])
            .arg(target)
            .args(["--profile", "okta-dev"]);
        // Bounded well below support::RUN_TIMEOUT: a FIFO read would hang.
        let out = support::run_within(&mut cmd, None, std::time::Duration::from_secs(30));
        let stderr = &out.stderr;
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            stderr.trim_end(),
            format!(
                "Error: credentials file \"{}\" is not a regular file",
                target.display()
            )
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("ls")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a-directory", "fifo", "link"]);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("stat")
            .file_type()
            .is_fifo()
    );
    assert_eq!(std::fs::read_dir(&a_dir).expect("ls").count(), 0);
}

/// Issue 15 point 6: credential values that STS never issues (a line break that would add
/// a credentials-file line, shell syntax, a terminal escape) are an error naming the field,
/// never its value; nothing reaches stdout or the credentials file.
#[test]
fn credential_values_sts_never_issues_are_refused() {
    let cases = [
        (
            "SecretAccessKey",
            "fakeSecret\n[evil]\naws_secret_access_key=EVILVALUE",
        ),
        ("SessionToken", "FwoGZXIvYXdzEVIL$(touch pwned)"),
        ("AccessKeyId", "ASIAEVIL;touch pwned"),
        ("Expiration", "2030-05-01T13:00:00Z\u{1b}]0;EVILTITLE\u{7}"),
    ];
    for (field, value) in cases {
        let mut scenario = b15_scenario();
        let mut creds = json!({
            "AccessKeyId": ACCESS_KEY_ID,
            "SecretAccessKey": SECRET_KEY,
            "SessionToken": SESSION_TOKEN,
            "Expiration": EXPIRATION
        });
        creds[field] = json!(value);
        scenario["sts"]["credentials"] = creds;
        let Some(org) = SimOrg::start(scenario) else {
            return;
        };
        let credentials = org.home().join(".aws").join("credentials");
        for args in [
            &[][..],
            &["--write-aws-credentials"][..],
            &["--format", "process-credentials"][..],
        ] {
            let out = m2m(&org, args);
            out.expect_code(1);
            assert_eq!(out.stdout, "", "{field} {args:?}");
            assert!(
                out.stderr.contains(&format!("Credentials/{field}")),
                "{field} {args:?}: {}",
                out.stderr
            );
            for fragment in ["EVIL", "pwned", "\u{1b}", SECRET_KEY, SESSION_TOKEN] {
                assert!(!out.stderr.contains(fragment), "{field}: {}", out.stderr);
            }
            assert!(
                !credentials.exists(),
                "{field} {args:?}: credentials file written"
            );
            assert!(!org.work_dir().join("pwned").exists());
        }
    }
}

/// Issue 15 point 11: the `--exec` child does not inherit the m2m private key or its
/// passphrase from the environment (the rest of the environment still passes).
#[test]
fn exec_child_does_not_inherit_the_private_key_or_passphrase() {
    let Some(org) = org() else {
        return;
    };
    let mut cmd = org.m2m_command();
    cmd.env("OKTA_AWSCLI_PRIVATE_KEY", case_text("B15-key-pkcs8.pem"))
        .env(
            "OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE",
            "fake-unused-passphrase",
        )
        .env("KEEP_ME", "kept")
        .args(["--format", "noop", "--exec", "--"]);
    if cfg!(windows) {
        // cmd.exe leaves an undefined %NAME% as it is.
        cmd.args([
            "cmd",
            "/c",
            "echo [%OKTA_AWSCLI_PRIVATE_KEY%][%OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE%][%KEEP_ME%][%AWS_ACCESS_KEY_ID%]",
        ]);
    } else {
        cmd.args(["sh", "-c"]).arg(
            "printf '[%s][%s][%s][%s]\\n' \"${OKTA_AWSCLI_PRIVATE_KEY-%OKTA_AWSCLI_PRIVATE_KEY%}\" \
             \"${OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE-%OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE%}\" \
             \"$KEEP_ME\" \"$AWS_ACCESS_KEY_ID\"",
        );
    }
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_eq!(
        out.stdout.trim_end(),
        format!(
            "[%OKTA_AWSCLI_PRIVATE_KEY%][%OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE%][kept][{ACCESS_KEY_ID}]"
        )
    );
}

/// The credentials file in the home directory (`%USERPROFILE%` on Windows, `$HOME`
/// elsewhere; the other variable points somewhere else and is not used): a file with CRLF
/// line ends keeps them, in the sections we leave alone and in the one we write.
#[test]
fn credentials_file_in_the_home_directory_keeps_crlf_line_ends() {
    let Some(org) = org() else {
        return;
    };
    let decoy = org.work_dir().join("decoy-home");
    let (home_var, other_var) = if cfg!(windows) {
        ("USERPROFILE", "HOME")
    } else {
        ("HOME", "USERPROFILE")
    };
    let aws_dir = org.home().join(".aws");
    std::fs::create_dir_all(&aws_dir).expect("mkdir .aws");
    let path = aws_dir.join("credentials");
    let before = "# team profiles\r\n[ci]\r\naws_access_key_id = AKIAEXAMPLECI0000001\r\n\
                  aws_secret_access_key = fakeCiSecret\r\n\r\n[default]\r\n\
                  aws_access_key_id = OLD\r\nregion = eu-west-1\r\n";
    std::fs::write(&path, before).expect("write credentials");
    for round in 0..2 {
        let mut cmd = org.m2m_b15();
        cmd.args(["--format", "aws-credentials"])
            .env(home_var, org.home())
            .env(other_var, &decoy);
        let out = run(&mut cmd);
        out.expect_code(0);
        assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
        assert!(
            out.stderr.contains(&path.display().to_string()),
            "{}",
            out.stderr
        );
        assert!(!decoy.exists(), "{other_var} is not the home directory");
        let text = read(&path);
        assert!(
            text.starts_with("# team profiles\r\n[ci]\r\naws_access_key_id = AKIAEXAMPLECI0000001\r\naws_secret_access_key = fakeCiSecret\r\n\r\n[default]\r\n"),
            "round {round}: {text:?}"
        );
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "round {round}: every line ends in CRLF: {text:?}"
        );
        assert_eq!(
            ini_value(&text, "default", "aws_access_key_id").as_deref(),
            Some(ACCESS_KEY_ID)
        );
        assert_eq!(
            ini_value(&text, "default", "aws_session_token").as_deref(),
            Some(SESSION_TOKEN)
        );
        assert_eq!(
            ini_value(&text, "default", "region").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(count_sections(&text, "default"), 1, "{text:?}");
    }
}

/// Windows `--exec`: the tool starts the child, waits for it, and exits with its code; the
/// child has the credentials (and not a stale AWS_PROFILE); a missing command is exit 127.
/// Windows only: the children are cmd.exe (Unix: exec_child_gets_credentials_status_and_stdin).
#[cfg(windows)]
#[test]
fn exec_on_windows_waits_and_exits_with_the_childs_code() {
    let Some(org) = org() else {
        return;
    };
    let out = m2m(&org, &["--exec", "--", "cmd", "/c", "exit 7"]);
    out.expect_code(7);
    assert_eq!(out.stdout, "", "env-var prints nothing with --exec");
    assert_quiet(&out);

    let mut cmd = org.m2m_b15();
    cmd.env("AWS_PROFILE", "stale-profile").args([
        "--expiry-aws-variables",
        "--aws-region",
        "eu-west-3",
        "--exec",
        "--",
        "cmd",
        "/c",
        "echo [%AWS_ACCESS_KEY_ID%][%AWS_SECRET_ACCESS_KEY%][%AWS_SESSION_TOKEN%][%AWS_PROFILE%][%AWS_REGION%][%AWS_CREDENTIAL_EXPIRATION%]",
    ]);
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        format!(
            "[{ACCESS_KEY_ID}][{SECRET_KEY}][{SESSION_TOKEN}][%AWS_PROFILE%][eu-west-3][{EXPIRATION}]\r\n"
        )
    );
    assert_quiet(&out);

    // The child's stdout is ours, after the format's output.
    let out = m2m(
        &org,
        &[
            "--format",
            "process-credentials",
            "--exec",
            "--",
            "cmd",
            "/c",
            "echo child",
        ],
    );
    out.expect_code(0);
    let (json, child) = out.stdout.split_once('}').expect("JSON first");
    assert_eq!(
        one_json_object(&format!("{json}}}"))["AccessKeyId"],
        ACCESS_KEY_ID
    );
    assert_eq!(child.trim(), "child");

    let out = m2m(&org, &["--exec", "--", "okta-aws-cli-no-such-command"]);
    out.expect_code(127);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr_lines(),
        ["Error: command not found: okta-aws-cli-no-such-command"]
    );
}

/// `--shell cmd` lines, run by cmd.exe from a batch file, set the variables in that console.
/// Windows only: cmd.exe.
#[cfg(windows)]
#[test]
fn cmd_lines_set_the_variables_in_cmd() {
    let Some(org) = org() else {
        return;
    };
    let out = m2m(
        &org,
        &[
            "--shell",
            "cmd",
            "--expiry-aws-variables",
            "--aws-region",
            "eu-west-3",
        ],
    );
    out.expect_code(0);
    assert_quiet(&out);
    assert!(
        out.stdout
            .starts_with(&format!("set AWS_ACCESS_KEY_ID={ACCESS_KEY_ID}\n"))
    );
    let script = org.work_dir().join("creds.cmd");
    let body = format!(
        "@echo off\r\n{}echo [%AWS_ACCESS_KEY_ID%][%AWS_SECRET_ACCESS_KEY%][%AWS_SESSION_TOKEN%][%AWS_CREDENTIAL_EXPIRATION%][%AWS_REGION%][%AWS_DEFAULT_REGION%]\r\n",
        out.stdout.replace('\n', "\r\n")
    );
    std::fs::write(&script, body).expect("write creds.cmd");
    let echoed = run(std::process::Command::new("cmd")
        .arg("/c")
        .arg(&script)
        .current_dir(org.work_dir())
        .stdin(std::process::Stdio::null()));
    echoed.expect_code(0);
    assert_eq!(
        echoed.stdout,
        format!(
            "[{ACCESS_KEY_ID}][{SECRET_KEY}][{SESSION_TOKEN}][{EXPIRATION}][eu-west-3][eu-west-3]\r\n"
        )
    );
}

/// The default env-var output on Windows is `setx` lines (as upstream); run by cmd.exe,
/// each reaches `setx` as exactly two arguments, the name and the whole value. Wine's own
/// setx.exe is a stub that stores nothing, so a recorder stands in for it (found first, in
/// the current directory). Windows only: cmd.exe and setx.
#[cfg(windows)]
#[test]
fn setx_lines_are_the_default_and_reach_setx_unchanged() {
    let Some(org) = org() else {
        return;
    };
    let out = m2m(&org, &["--legacy-aws-variables"]);
    out.expect_code(0);
    assert_quiet(&out);
    let vars = [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
        ("AWS_SECURITY_TOKEN", SESSION_TOKEN),
    ];
    let want: String = vars
        .iter()
        .map(|(n, v)| format!("setx {n} {v}\n"))
        .collect();
    assert_eq!(out.stdout, want);
    let dir = org.work_dir().join("setx-run");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let Some(_setx) = support::argv_recorder(&dir, "setx") else {
        return;
    };
    let script = dir.join("creds.cmd");
    std::fs::write(
        &script,
        format!("@echo off\r\n{}", out.stdout.replace('\n', "\r\n")),
    )
    .expect("write creds.cmd");
    let ran = run(std::process::Command::new("cmd")
        .arg("/c")
        .arg("creds.cmd")
        .current_dir(&dir)
        .stdin(std::process::Stdio::null()));
    ran.expect_code(0);
    let calls = support::recorded_calls(&dir, "setx");
    let expected: Vec<Vec<String>> = vars
        .iter()
        .map(|(n, v)| vec![n.to_string(), v.to_string()])
        .collect();
    assert_eq!(calls, expected);
}
