//! End to end: hostile local files (issue 11 point 4, issue 15 point 9). okta.yaml as a FIFO,
//! `.env` as a symlink to `/dev/zero`, an oversized private key file, okta.yaml nested 100k
//! levels deep and an alias bomb: each is a one-line error, and every run is killed (and the
//! test failed) if it does not finish within [`RUN_TIMEOUT`] (a hang guard, not a benchmark).
//! No network is used.

#[cfg(unix)]
use std::process::Command;
use std::time::Duration;

use crate::support::Sandbox;

/// Longest a run may take before it counts as hung.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// A sandbox with an empty `~/.okta`, whose runs count as hung after [`RUN_TIMEOUT`].
fn sandbox() -> Sandbox {
    let s = Sandbox::new().time_limit(RUN_TIMEOUT);
    s.okta_dir();
    s
}

#[cfg(unix)]
#[test]
fn okta_yaml_fifo_is_an_error_not_a_hang() {
    let s = sandbox();
    let made = Command::new("mkfifo")
        .arg(s.yaml_path())
        .status()
        .is_ok_and(|st| st.success());
    assert!(made, "mkfifo failed");
    let o = s.run(&["list-profiles"], &[]);
    o.one_line_error(2, &["okta.yaml", "FIFO"]);
    assert_eq!(o.stderr().lines().count(), 1, "{}", o.stderr());
    // `debug` reports it too.
    let o = s.run(&["debug"], &[]);
    assert_eq!(o.code(), 1, "{}", o.stderr());
    assert!(o.stderr().contains("FIFO"), "{}", o.stderr());
}

#[cfg(unix)]
#[test]
fn dotenv_symlink_to_dev_zero_is_an_error_not_a_hang() {
    let s = sandbox();
    std::os::unix::fs::symlink("/dev/zero", s.cwd.path().join(".env")).unwrap();
    let o = s.run(&["list-profiles"], &[]);
    o.one_line_error(2, &[".env", "not a regular file"]);
}

#[test]
fn oversized_private_key_file_is_refused() {
    let s = sandbox();
    let key = s.cwd.path().join("key.pem");
    let mut body = String::from("-----BEGIN PRIVATE KEY-----\n");
    while body.len() < 2 * 1024 * 1024 {
        body.push_str(&"A".repeat(64));
        body.push('\n');
    }
    body.push_str("-----END PRIVATE KEY-----\n");
    std::fs::write(&key, body).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let o = s.run(
        &[
            "m2m",
            "--org-domain",
            "example.okta.com",
            "--oidc-client-id",
            "0oa1",
            "--key-id",
            "kid",
            "--aws-iam-role",
            "arn:aws:iam::123456789012:role/R",
            "--private-key-file",
            key.to_str().unwrap(),
        ],
        &[],
    );
    o.one_line_error(2, &["private key file", "larger than 1 MiB"]);
}

fn deep_yaml() -> String {
    format!(
        "awscli:\n  profiles:\n    p: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    )
}

#[test]
fn deeply_nested_okta_yaml_is_refused_with_its_line() {
    let s = sandbox();
    std::fs::write(s.yaml_path(), deep_yaml()).unwrap();
    let o = s.run(&["list-profiles"], &[]);
    o.one_line_error(
        2,
        &["okta.yaml", "line 3, column", "nesting deeper than 64"],
    );
    let o = s.run(&["debug"], &[]);
    assert_eq!(o.code(), 1, "{}", o.stderr());
    assert!(
        o.stderr().contains("line 3, column") && o.stderr().contains("nesting deeper than 64"),
        "{}",
        o.stderr()
    );
    // Block nesting (compact sequences) too.
    std::fs::write(s.yaml_path(), format!("a:\n  {}x\n", "- ".repeat(100_000))).unwrap();
    let o = s.run(&["debug"], &[]);
    assert!(o.stderr().contains("line 2, column"), "{}", o.stderr());
}

#[test]
fn alias_bomb_error_names_line_and_column() {
    let s = sandbox();
    let mut src = String::from("x: &a [l,l,l,l,l,l,l,l,l,l]\n");
    let mut prev = 'a';
    for n in 'b'..='j' {
        src.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    std::fs::write(s.yaml_path(), src).unwrap();
    let o = s.run(&["list-profiles"], &[]);
    o.one_line_error(2, &["okta.yaml", "line 2, column 8", "aliases"]);
    let o = s.run(&["debug"], &[]);
    assert!(o.stderr().contains("line 2, column 8"), "{}", o.stderr());
}

#[cfg(unix)]
#[test]
fn ssl_cert_file_fifo_and_oversized_aws_ca_bundle_are_errors() {
    let s = sandbox();
    let fifo = s.cwd.path().join("certs.pem");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|st| st.success())
    );
    let args = [
        "web",
        "--org-domain",
        "example.okta.com",
        "--oidc-client-id",
        "0oa1",
    ];
    let o = s.run(&args, &[("SSL_CERT_FILE", fifo.to_str().unwrap())]);
    o.one_line_error(2, &["SSL_CERT_FILE", "FIFO"]);
    let big = s.cwd.path().join("big.pem");
    std::fs::write(&big, vec![b'\n'; 17 * 1024 * 1024]).unwrap();
    let o = s.run(&args, &[("AWS_CA_BUNDLE", big.to_str().unwrap())]);
    o.one_line_error(2, &["AWS_CA_BUNDLE", "larger than 16 MiB"]);
}
