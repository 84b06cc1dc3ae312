//! I/O: run the `--exec -- cmd args…` child with the new credentials (docs/decisions.md#d-exec, case B37).
//!
//! The child inherits this process's real environment (including variables whose names or
//! values are not UTF-8, which the [`Env`] snapshot cannot hold); the pure [`child_env`]
//! computes only the changes to it ([`EnvChanges`]). [`command`] builds the
//! [`std::process::Command`] without starting anything; [`run`] starts it. On Unix the process
//! is replaced (`execvp`), so stdin/stdout/stderr (a TTY stays a TTY), signals (Ctrl-C,
//! SIGTERM) and the exit status pass straight through. On other systems the child is spawned
//! with inherited stdio and waited for, and its exit code becomes ours.

use std::process::Command;

use crate::aws::sts::Credentials;
use crate::config::Env;
use crate::error::{Error, Result};

/// Changes applied to the inherited environment of the `--exec` child.
///
/// Debug shows the names only (the values are the new credentials).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvChanges {
    /// Variables to set or override: (name, value), in a fixed order.
    pub set: Vec<(String, String)>,
    /// Variables to remove.
    pub remove: Vec<String>,
}

impl std::fmt::Debug for EnvChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvChanges")
            .field(
                "set",
                &self.set.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            )
            .field("remove", &self.remove)
            .finish()
    }
}

impl EnvChanges {
    /// The environment that results from applying the changes to `parent` (pure; what the
    /// child sees, for the UTF-8 part of the environment).
    pub fn apply(&self, parent: &Env) -> Env {
        let mut env = parent.clone();
        for name in &self.remove {
            env.remove(name);
        }
        for (name, value) in &self.set {
            env.insert(name.clone(), value.clone());
        }
        env
    }
}

/// Variables holding this tool's own secrets, never passed to the `--exec` child: the m2m
/// private key and its passphrase, `direct`'s password and one-time code (none has a legacy
/// name; see `config::resolve` SPECS).
pub const SECRET_VARS: &[&str] = &[
    "OKTA_AWSCLI_PRIVATE_KEY",
    "OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE",
    "OKTA_AWSCLI_PASSWORD",
    "OKTA_AWSCLI_OTP",
];

/// The changes that turn the parent's environment into the child's.
///
/// * Set `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` to the new
///   credentials.
/// * `AWS_SECURITY_TOKEN`: set to the new session token when `legacy_aws_variables` is on;
///   otherwise **removed**, so a stale value from the parent cannot be sent by old tools.
/// * `AWS_PROFILE` (and the older `AWS_DEFAULT_PROFILE`): **removed**. The AWS CLI and SDKs
///   prefer environment keys over a profile, but several tools (and `aws configure`
///   commands) resolve the profile first; a stale profile must not shadow the fresh keys.
/// * `AWS_CREDENTIAL_EXPIRATION`: the STS expiration in RFC 3339 UTC (read by the AWS CLI
///   and SDKs to know when the keys stop working), when it parses as RFC 3339.
/// * `AWS_REGION` and `AWS_DEFAULT_REGION`: both set to `region` when a region is known
///   (the caller passes the resolved region, docs/decisions.md#d-region-endpoint); left as inherited otherwise.
///
/// * `OKTA_AWSCLI_PRIVATE_KEY`, `OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE`,
///   `OKTA_AWSCLI_PASSWORD` and `OKTA_AWSCLI_OTP` ([`SECRET_VARS`]): **removed**; the m2m
///   private key and its passphrase and the `direct` password and code are this tool's
///   secrets, not the child's (issue 15).
///
/// Removals are listed whether or not the parent has the variable (a value that is not
/// UTF-8 is missing from the [`Env`] snapshot but still inherited). Everything else (`PATH`,
/// `HOME`, `TERM`, `LANG`, proxies, `AWS_CA_BUNDLE`, …) is inherited unchanged (unlike
/// upstream, which passed only `AWS_*` and `HOME`; okta/okta-aws-cli#294).
pub fn child_env(
    creds: &Credentials,
    legacy_aws_variables: bool,
    region: Option<&str>,
) -> EnvChanges {
    let mut set = vec![
        ("AWS_ACCESS_KEY_ID".to_string(), creds.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            creds.secret_access_key.clone(),
        ),
        ("AWS_SESSION_TOKEN".to_string(), creds.session_token.clone()),
    ];
    let mut remove = common_removals();
    if legacy_aws_variables {
        set.push((
            "AWS_SECURITY_TOKEN".to_string(),
            creds.session_token.clone(),
        ));
    } else {
        remove.push("AWS_SECURITY_TOKEN".to_string());
    }
    if let Ok(expiration) = crate::output::render::utc_expiration(&creds.expiration) {
        set.push(("AWS_CREDENTIAL_EXPIRATION".to_string(), expiration));
    }
    set_region(&mut set, region);
    EnvChanges { set, remove }
}

/// What both kinds of child lose: `AWS_PROFILE`, `AWS_DEFAULT_PROFILE` and [`SECRET_VARS`].
fn common_removals() -> Vec<String> {
    let mut remove = vec!["AWS_PROFILE".to_string(), "AWS_DEFAULT_PROFILE".to_string()];
    remove.extend(SECRET_VARS.iter().map(|v| v.to_string()));
    remove
}

/// `AWS_REGION` and `AWS_DEFAULT_REGION` set to `region`, when one is known.
fn set_region(set: &mut Vec<(String, String)>, region: Option<&str>) {
    if let Some(region) = region.filter(|r| !r.is_empty()) {
        set.push(("AWS_REGION".to_string(), region.to_string()));
        set.push(("AWS_DEFAULT_REGION".to_string(), region.to_string()));
    }
}

/// Variables the `--ecs-server` child must not inherit, so the SDKs' credential chain
/// reaches the endpoint (docs/decisions.md#d-ecs-server): the key variables (which come
/// before the container provider in every SDK's chain), the expiration that goes with them,
/// and the container provider's other inputs (`..._RELATIVE_URI` is the ECS agent's, and
/// botocore reads `..._TOKEN_FILE` before `..._TOKEN`).
pub const CONTAINER_REMOVED_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// The changes for the `--ecs-server` child (docs/decisions.md#d-ecs-server): set
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` to `url` and `AWS_CONTAINER_AUTHORIZATION_TOKEN` to
/// `token`; remove [`CONTAINER_REMOVED_VARS`], and, as for `--exec` ([`child_env`]), the
/// profile variables and this tool's secrets; set the region variables when `region` is
/// known. Debug shows names only, so the token is never printed.
pub fn container_env(url: &str, token: &str, region: Option<&str>) -> EnvChanges {
    let mut set = vec![
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_string(),
            url.to_string(),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN".to_string(),
            token.to_string(),
        ),
    ];
    let mut remove = common_removals();
    remove.extend(CONTAINER_REMOVED_VARS.iter().map(|v| v.to_string()));
    set_region(&mut set, region);
    EnvChanges { set, remove }
}

/// The command for `args` (program first, looked up in the inherited `PATH`; the arguments
/// passed unchanged, never re-split) with the inherited environment changed by `changes`
/// and inherited stdio. Starts nothing.
///
/// Errors: [`Error::Usage`] `--exec needs a command after --` when `args` is empty.
pub fn command(args: &[String], changes: &EnvChanges) -> Result<Command> {
    let Some((program, rest)) = args.split_first() else {
        return Err(Error::usage("--exec needs a command after --"));
    };
    let mut cmd = Command::new(program);
    cmd.args(rest);
    for name in &changes.remove {
        cmd.env_remove(name);
    }
    for (name, value) in &changes.set {
        cmd.env(name, value);
    }
    Ok(cmd)
}

/// Run the `--exec` child `args` with the inherited environment changed by `changes`
/// ([`child_env`]'s result).
///
/// Flushes our stdout first (the format's output, if any, comes before the child's).
/// * Unix: replaces this process; returns only on failure.
/// * Elsewhere: waits for the child; `Ok(())` when it exits with 0, else
///   [`Error::ChildExit`] with its code (1 if it has none).
///
/// Errors: [`Error::Usage`] for an empty `args`; [`Error::CommandNotFound`] (exit 127) when
/// the program is not found; [`Error::Runtime`] `cannot run "<prog>": <reason>` for any
/// other failure to start it (e.g. permission denied).
pub fn run(args: &[String], changes: &EnvChanges) -> Result<()> {
    let mut cmd = command(args, changes)?;
    let program = args.first().map(String::as_str).unwrap_or_default();
    flush_stdout();
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = cmd.exec();
        Err(start_error(program, &e, program_head(program).as_deref()))
    }
    #[cfg(not(unix))]
    {
        let status = spawn(&mut cmd, program)?
            .wait()
            .map_err(|e| Error::runtime(format!("cannot wait for \"{program}\": {e}")))?;
        end_as(status)
    }
}

/// End as a child that was spawned and waited for ended: exit code 0 is `Ok`; another code
/// is [`Error::ChildExit`]. On Unix a child killed by a signal makes this process die of the
/// same signal (its default action, as a shell reports it); a signal whose default is not
/// to end a process gives exit code 128 + its number.
pub fn end_as(status: std::process::ExitStatus) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            flush_stdout();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            return Err(Error::ChildExit(128 + signal));
        }
    }
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(Error::ChildExit(code)),
        None => Err(Error::ChildExit(1)),
    }
}

/// Start `cmd` (from [`command`]; `program` is its first word) as a child and return it,
/// after flushing our stdout (the format's output, if any, comes before the child's).
///
/// Errors: as [`run`]'s for a program that cannot be started.
pub fn spawn(cmd: &mut Command, program: &str) -> Result<std::process::Child> {
    flush_stdout();
    cmd.spawn()
        .map_err(|e| start_error(program, &e, program_head(program).as_deref()))
}

/// Our stdout's buffered text goes out before the child writes to the same stdout.
fn flush_stdout() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
}

/// PURE: map a failure to start `program` to our error. `head` is the start of the
/// program's file when one was found: "not found" for a file that exists is about the
/// interpreter its `#!` line names (a script written on another machine), and says so.
fn start_error(program: &str, e: &std::io::Error, head: Option<&[u8]>) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => match head.and_then(shebang_interpreter) {
            Some(interpreter) => Error::runtime(format!(
                "cannot run \"{program}\": the interpreter on its #! line, \"{interpreter}\", \
                 was not found"
            )),
            None => Error::CommandNotFound(program.to_string()),
        },
        std::io::ErrorKind::PermissionDenied => {
            Error::runtime(format!("cannot run \"{program}\": permission denied"))
        }
        _ => Error::runtime(format!("cannot run \"{program}\": {e}")),
    }
}

/// PURE: the interpreter a `#!` line at the start of `head` names (its first word), if
/// `head` starts with one.
fn shebang_interpreter(head: &[u8]) -> Option<String> {
    let line = head.strip_prefix(b"#!")?;
    let line = line.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let word = line.split_whitespace().next()?;
    Some(crate::term::sanitize::line(word).into_owned())
}

/// I/O: the first bytes (at most 256) of the file `program` names: the path itself when it
/// has a path separator, else the first match on `PATH`. `None` when there is no such file.
fn program_head(program: &str) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let path = if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        Some(std::path::PathBuf::from(program))
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .find(|p| p.is_file())
        })
    }?;
    let file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(256);
    file.take(256).read_to_end(&mut head).ok()?;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLEEXEC00001".into(),
            secret_access_key: "fakeExecSecret".into(),
            session_token: "FAKE/EXEC+TOKEN=".into(),
            expiration: "2024-05-01T13:00:00Z".into(),
        }
    }

    fn parent() -> Env {
        [
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("HOME", "/home/fakeuser"),
            ("AWS_PROFILE", "stale-profile"),
            ("AWS_DEFAULT_PROFILE", "stale-profile"),
            ("AWS_SECURITY_TOKEN", "STALE"),
            ("AWS_ACCESS_KEY_ID", "AKIASTALE"),
            ("AWS_CA_BUNDLE", "/etc/ca.pem"),
            ("AWS_REGION", "eu-west-1"),
            ("LANG", "C.UTF-8"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn b37_env_keeps_parent_and_replaces_credentials() {
        let env = child_env(&creds(), false, None).apply(&parent());
        assert_eq!(env["PATH"], "/usr/local/bin:/usr/bin:/bin");
        assert_eq!(env["HOME"], "/home/fakeuser");
        assert_eq!(env["LANG"], "C.UTF-8");
        assert_eq!(env["AWS_CA_BUNDLE"], "/etc/ca.pem");
        assert_eq!(env["AWS_ACCESS_KEY_ID"], "ASIAEXAMPLEEXEC00001");
        assert_eq!(env["AWS_SECRET_ACCESS_KEY"], "fakeExecSecret");
        assert_eq!(env["AWS_SESSION_TOKEN"], "FAKE/EXEC+TOKEN=");
        assert!(!env.contains_key("AWS_SECURITY_TOKEN"));
        assert!(!env.contains_key("AWS_PROFILE"));
        assert!(!env.contains_key("AWS_DEFAULT_PROFILE"));
        // No region known: the inherited one stays, nothing is invented.
        assert_eq!(env["AWS_REGION"], "eu-west-1");
        assert!(!env.contains_key("AWS_DEFAULT_REGION"));
        // The STS expiration, in UTC, as the AWS CLI's export-credentials gives it.
        assert_eq!(env["AWS_CREDENTIAL_EXPIRATION"], "2024-05-01T13:00:00Z");
        assert_eq!(env.len(), parent().len() - 3 + 3);
    }

    #[test]
    fn the_private_key_and_its_passphrase_are_not_inherited() {
        let mut parent = parent();
        parent.insert(
            "OKTA_AWSCLI_PRIVATE_KEY".into(),
            "-----BEGIN PRIVATE KEY-----".into(),
        );
        parent.insert(
            "OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE".into(),
            "fake-pass".into(),
        );
        parent.insert("OKTA_AWSCLI_PRIVATE_KEY_FILE".into(), "/keys/k.pem".into());
        parent.insert("OKTA_AWSCLI_PASSWORD".into(), "fake-password".into());
        parent.insert("OKTA_AWSCLI_OTP".into(), "123456".into());
        let env = child_env(&creds(), false, None).apply(&parent);
        assert!(!env.contains_key("OKTA_AWSCLI_PRIVATE_KEY"));
        assert!(!env.contains_key("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE"));
        assert!(!env.contains_key("OKTA_AWSCLI_PASSWORD"));
        assert!(!env.contains_key("OKTA_AWSCLI_OTP"));
        // A path is not a secret.
        assert_eq!(env["OKTA_AWSCLI_PRIVATE_KEY_FILE"], "/keys/k.pem");
    }

    #[test]
    fn legacy_and_region_set_their_variables() {
        let env = child_env(&creds(), true, Some("us-east-2")).apply(&parent());
        assert_eq!(env["AWS_SECURITY_TOKEN"], "FAKE/EXEC+TOKEN=");
        assert_eq!(env["AWS_REGION"], "us-east-2");
        assert_eq!(env["AWS_DEFAULT_REGION"], "us-east-2");
    }

    #[test]
    fn command_passes_arguments_unchanged_and_only_the_changes() {
        let args: Vec<String> = ["printf", "%s\n", "--profile", "a b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let changes = child_env(&creds(), false, None);
        let cmd = command(&args, &changes).unwrap();
        assert_eq!(cmd.get_program(), OsStr::new("printf"));
        let got: Vec<&OsStr> = cmd.get_args().collect();
        assert_eq!(got, vec!["%s\n", "--profile", "a b"]);
        // Only the changes: the rest of the environment is inherited, not copied.
        let envs: Vec<_> = cmd.get_envs().collect();
        assert_eq!(envs.len(), changes.set.len() + changes.remove.len());
        assert!(envs.contains(&(
            OsStr::new("AWS_ACCESS_KEY_ID"),
            Some(OsStr::new("ASIAEXAMPLEEXEC00001"))
        )));
        assert!(envs.contains(&(OsStr::new("AWS_PROFILE"), None)));
        assert!(!envs.iter().any(|(k, _)| *k == OsStr::new("PATH")));
    }

    #[test]
    fn removals_do_not_depend_on_the_snapshot() {
        // A stale AWS_PROFILE whose value is not UTF-8 is missing from the snapshot, but
        // must still be removed from the inherited environment.
        let c = child_env(&creds(), false, Some(""));
        for name in [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SECURITY_TOKEN",
            "OKTA_AWSCLI_PRIVATE_KEY",
            "OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE",
        ] {
            assert!(c.remove.iter().any(|n| n == name), "{name}");
        }
        assert!(!c.set.iter().any(|(k, _)| k == "AWS_REGION"));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("fakeExecSecret") && !shown.contains("FAKE/EXEC"),
            "{shown}"
        );
    }

    #[test]
    fn the_container_child_gets_the_endpoint_and_no_keys() {
        let mut parent = parent();
        for (k, v) in [
            ("AWS_SECRET_ACCESS_KEY", "stale"),
            ("AWS_SESSION_TOKEN", "stale"),
            ("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z"),
            (
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/x",
            ),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/token"),
            ("OKTA_AWSCLI_PASSWORD", "fake-password"),
        ] {
            parent.insert(k.into(), v.into());
        }
        let c = container_env(
            "http://127.0.0.1:4321/credentials",
            "fake-tok",
            Some("us-west-2"),
        );
        let env = c.apply(&parent);
        assert_eq!(
            env["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
            "http://127.0.0.1:4321/credentials"
        );
        assert_eq!(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"], "fake-tok");
        for gone in CONTAINER_REMOVED_VARS
            .iter()
            .chain(&["AWS_PROFILE", "OKTA_AWSCLI_PASSWORD"])
        {
            assert!(!env.contains_key(*gone), "{gone}");
            assert!(c.remove.iter().any(|n| n == gone), "{gone}");
        }
        assert_eq!(env["AWS_REGION"], "us-west-2");
        assert_eq!(env["AWS_CA_BUNDLE"], "/etc/ca.pem");
        assert!(!format!("{c:?}").contains("fake-tok"));
    }

    #[test]
    fn empty_command_is_a_usage_error() {
        let err = command(&[], &EnvChanges::default()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(err.to_string(), "--exec needs a command after --");
        assert_eq!(run(&[], &EnvChanges::default()).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn start_errors_are_mapped() {
        let nf = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(
            start_error("nope", &nf, None),
            Error::CommandNotFound("nope".into())
        );
        // A file without a #! line that is still "not found" (a binary for another loader).
        assert_eq!(
            start_error("./bin", &nf, Some(b"\x7fELF\x02\x01")),
            Error::CommandNotFound("./bin".into())
        );
        let e = start_error(
            "./deploy.sh",
            &nf,
            Some(b"#!/opt/homebrew/bin/bash -e\necho\n"),
        );
        assert_eq!(e.exit_code(), 1);
        assert_eq!(
            e.to_string(),
            "cannot run \"./deploy.sh\": the interpreter on its #! line, \
             \"/opt/homebrew/bin/bash\", was not found"
        );
        let pd = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = start_error("./x", &pd, None);
        assert_eq!(e.exit_code(), 1);
        assert_eq!(e.to_string(), "cannot run \"./x\": permission denied");
    }

    #[test]
    fn shebang_lines_name_their_interpreter() {
        assert_eq!(
            shebang_interpreter(b"#!/usr/bin/env python3\nprint()"),
            Some("/usr/bin/env".into())
        );
        assert_eq!(shebang_interpreter(b"#! /bin/sh\n"), Some("/bin/sh".into()));
        assert_eq!(shebang_interpreter(b"#!\n"), None);
        assert_eq!(shebang_interpreter(b"echo hi\n"), None);
        assert_eq!(shebang_interpreter(b""), None);
    }
}
