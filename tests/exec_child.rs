//! End-to-end checks of `exec::run` (docs/decisions.md#d-exec, case B37) without the rest of the app.
//!
//! `exec::run` replaces the calling process, so it must never run inside the test process.
//! This test target has no libtest harness (`harness = false` in Cargo.toml): started
//! normally, `main` runs the checks, each of which starts this same executable again as
//! `exec_child --child [--legacy] [--region R] -- PROGRAM ARGS…`; in that mode `main`
//! computes the environment changes and calls `exec::run`, exactly as the app does after
//! obtaining credentials.
//!
//! The checks are Unix-only (they use `sh`, `cat`, `printf` and signals).

#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use okta_aws_cli::aws::sts::Credentials;
use okta_aws_cli::output::exec;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
    }
    #[cfg(unix)]
    {
        let checks: &[(&str, fn())] = &[
            ("exit status passes through", exit_status_passes_through),
            ("signal passes through", signal_passes_through),
            ("stdout is streamed", stdout_is_streamed),
            ("stdin is connected", stdin_is_connected),
            ("environment", environment_is_parent_plus_credentials),
            ("non-UTF-8 environment", non_utf8_variables_reach_child),
            ("legacy and region", legacy_and_region),
            ("command not found", command_not_found_is_127),
            ("missing #! interpreter", missing_interpreter_is_named),
            ("stderr once", stderr_appears_once),
            ("arguments unchanged", arguments_reach_child_unchanged),
            ("empty command", empty_command_is_usage_error),
        ];
        for (name, check) in checks {
            check();
            println!("exec_child: {name} ... ok");
        }
        println!("exec_child: {} checks passed", checks.len());
    }
    // Unix only: the checks use sh, printf and signals (Windows --exec: issue 12 point 2).
    #[cfg(not(unix))]
    println!("exec_child: 0 checks passed (Unix only: the checks use sh, printf and signals)");
}

/// Child mode: parse our own flags up to `--`, then exec the rest.
fn child(args: &[String]) -> ! {
    let mut legacy = false;
    let mut region = None;
    let mut i = 0;
    while i < args.len() && args[i] != "--" {
        match args[i].as_str() {
            "--legacy" => legacy = true,
            "--region" => {
                i += 1;
                region = args.get(i).cloned();
            }
            other => panic!("unknown child flag {other}"),
        }
        i += 1;
    }
    let program_args = args.get(i + 1..).unwrap_or_default().to_vec();
    let creds = Credentials {
        access_key_id: "ASIAEXAMPLEEXEC00001".into(),
        secret_access_key: "fakeExecSecret".into(),
        session_token: "FAKE/EXEC+TOKEN=".into(),
        expiration: "2024-05-01T13:00:00Z".into(),
    };
    let changes = exec::child_env(&creds, legacy, region.as_deref());
    match exec::run(&program_args, &changes) {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("Error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}

/// A command for child mode with the B37 parent environment.
fn tool(flags: &[&str], program: &[&str]) -> Command {
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = Command::new(exe);
    cmd.arg("--child")
        .args(flags)
        .arg("--")
        .args(program)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", "/home/fakeuser")
        .env("AWS_PROFILE", "stale-profile")
        .env("AWS_SECURITY_TOKEN", "STALE")
        .stdin(Stdio::null());
    cmd
}

struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Run with a 20 s bound.
fn run(mut cmd: Command, stdin: Option<&[u8]>) -> Outcome {
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn test child");
    if let Some(input) = stdin
        && let Some(mut pipe) = child.stdin.take()
    {
        pipe.write_all(input).expect("write stdin");
    }
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("test child did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Outcome {
        status,
        stdout: out_thread.join().expect("stdout reader"),
        stderr: err_thread.join().expect("stderr reader"),
    }
}

#[cfg(unix)]
fn exit_status_passes_through() {
    let o = run(tool(&[], &["sh", "-c", "exit 7"]), None);
    assert_eq!(o.status.code(), Some(7), "stderr: {}", o.stderr);
    assert_eq!(o.stdout, "");
    assert_eq!(o.stderr, "");
}

#[cfg(unix)]
fn signal_passes_through() {
    use std::os::unix::process::ExitStatusExt;
    let o = run(tool(&[], &["sh", "-c", "kill -TERM $$"]), None);
    // The process was replaced, so our own process dies of the child's signal.
    assert_eq!(o.status.signal(), Some(15), "status {:?}", o.status);
}

#[cfg(unix)]
fn stdout_is_streamed() {
    let mut cmd = tool(
        &[],
        &["sh", "-c", "printf 'line1\\n'; sleep 1; printf 'line2\\n'"],
    );
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    lines.read_line(&mut first).expect("line1");
    let t1 = Instant::now();
    let mut second = String::new();
    lines.read_line(&mut second).expect("line2");
    let gap = t1.elapsed();
    let _ = child.wait();
    assert_eq!((first.as_str(), second.as_str()), ("line1\n", "line2\n"));
    assert!(
        gap >= Duration::from_millis(500),
        "line1 arrived only {gap:?} before line2: output was buffered"
    );
}

#[cfg(unix)]
fn stdin_is_connected() {
    let o = run(tool(&[], &["cat"]), Some(b"hello-stdin\n"));
    assert!(o.status.success());
    assert_eq!(o.stdout, "hello-stdin\n");
}

#[cfg(unix)]
fn environment_is_parent_plus_credentials() {
    let script = "echo \"$PATH|$HOME|$AWS_PROFILE|$AWS_SECURITY_TOKEN|${AWS_ACCESS_KEY_ID:+set}|$AWS_SESSION_TOKEN|${AWS_REGION-unset}\"";
    let o = run(tool(&[], &["sh", "-c", script]), None);
    assert!(o.status.success(), "stderr: {}", o.stderr);
    assert_eq!(
        o.stdout,
        "/usr/local/bin:/usr/bin:/bin|/home/fakeuser|||set|FAKE/EXEC+TOKEN=|unset\n"
    );
}

#[cfg(unix)]
fn non_utf8_variables_reach_child() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let mut cmd = tool(&[], &["printenv", "OKTA_TEST_RAW"]);
    cmd.env("OKTA_TEST_RAW", OsStr::from_bytes(b"caf\xe9-\xff"))
        // A stale profile whose value is not UTF-8 must still be removed.
        .env("AWS_PROFILE", OsStr::from_bytes(b"stale-\xff"));
    let out = cmd.stderr(Stdio::piped()).output().expect("run test child");
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"caf\xe9-\xff\n");
    let mut cmd = tool(&[], &["sh", "-c", "echo \"${AWS_PROFILE-unset}\""]);
    cmd.env("AWS_PROFILE", OsStr::from_bytes(b"stale-\xff"));
    let out = cmd.output().expect("run test child");
    assert_eq!(out.stdout, b"unset\n");
}

#[cfg(unix)]
fn legacy_and_region() {
    let script = "echo \"$AWS_SECURITY_TOKEN|$AWS_REGION|$AWS_DEFAULT_REGION|$AWS_ACCESS_KEY_ID\"";
    let o = run(
        tool(
            &["--legacy", "--region", "us-east-2"],
            &["sh", "-c", script],
        ),
        None,
    );
    assert_eq!(
        o.stdout,
        "FAKE/EXEC+TOKEN=|us-east-2|us-east-2|ASIAEXAMPLEEXEC00001\n"
    );
}

/// A script whose `#!` interpreter does not exist: the error names the interpreter, not the
/// script, which is there.
#[cfg(unix)]
fn missing_interpreter_is_named() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("exec-child-shebang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("deploy.sh");
    std::fs::write(&script, "#!/nonexistent/interpreter/bash -e\necho hi\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = script.to_str().unwrap().to_string();
    let o = run(tool(&[], &[&script]), None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(o.stdout, "");
    assert_eq!(
        o.stderr,
        format!(
            "Error: cannot run \"{script}\": the interpreter on its #! line, \
             \"/nonexistent/interpreter/bash\", was not found\n"
        )
    );
}

#[cfg(unix)]
fn command_not_found_is_127() {
    let o = run(tool(&[], &["does-not-exist-binary"]), None);
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(o.stdout, "");
    assert_eq!(
        o.stderr,
        "Error: command not found: does-not-exist-binary\n"
    );
}

#[cfg(unix)]
fn stderr_appears_once() {
    let o = run(
        tool(&[], &["sh", "-c", "echo to-stderr 1>&2; exit 3"]),
        None,
    );
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(o.stdout, "");
    assert_eq!(o.stderr, "to-stderr\n");
}

#[cfg(unix)]
fn arguments_reach_child_unchanged() {
    let o = run(tool(&[], &["printf", "%s\\n", "--profile", "a b"]), None);
    assert!(o.status.success());
    assert_eq!(o.stdout, "--profile\na b\n");
}

#[cfg(unix)]
fn empty_command_is_usage_error() {
    let o = run(tool(&[], &[]), None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(o.stdout, "");
    assert_eq!(o.stderr, "Error: --exec needs a command after --\n");
}
