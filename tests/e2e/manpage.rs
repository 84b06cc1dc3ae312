//! scripts/man generates okta-aws-cli.1 from the --help texts; `man -l` renders it without
//! warnings and the page holds every flag of every command's --help. A missing `man` skips
//! the test (fails under CI=true; scripts/setup-test-env installs man-db and groff).

// Unix only: scripts/man (bash) and man(1) are Unix tools.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_okta-aws-cli");

/// The `--long` flags named in `text`.
fn long_flags(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '(' || c == ')'
    })
    .filter(|w| {
        w.starts_with("--")
            && w.len() > 2
            && w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
    })
    .map(str::to_string)
    .collect()
}

#[test]
fn man_page_renders_and_covers_every_help_text() {
    let have_man = Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_man {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            "man is required under CI=true"
        );
        eprintln!("SKIPPED: man not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("okta-aws-cli.1");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/man");
    let gen_out = Command::new(&script)
        .arg(BIN)
        .arg(&page)
        .output()
        .expect("scripts/man runs");
    assert!(
        gen_out.status.success(),
        "{}",
        String::from_utf8_lossy(&gen_out.stderr)
    );
    let out = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("MANWIDTH", "120")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .expect("man runs");
    let rendered = String::from_utf8_lossy(&out.stdout);
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{errors}");
    assert!(errors.trim().is_empty(), "man warnings: {errors}");
    for heading in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "COMMANDS",
        "EXIT CODES",
        "COMMAND WEB",
        "COMMAND M2M",
        "COMMAND DIRECT",
    ] {
        assert!(rendered.contains(heading), "{heading}:\n{rendered}");
    }
    for args in [
        &["--help"][..],
        &["web", "--help"],
        &["m2m", "--help"],
        &["direct", "--help"],
        &["completion", "--help"],
    ] {
        let help = Command::new(BIN).args(args).output().unwrap();
        for flag in long_flags(&String::from_utf8_lossy(&help.stdout)) {
            assert!(
                rendered.contains(&flag),
                "{args:?}: {flag} missing from the man page"
            );
        }
    }
}
