//! `okta-aws-cli completion <shell>`: the bash and fish scripts loaded into real shells
//! complete a command, a flag, a `--format` value and okta.yaml profile names (read at
//! completion time through `okta-aws-cli list-profiles`). The shells run with a temporary
//! HOME and the binary's directory first on PATH. A missing shell skips its test (fails
//! under CI=true; scripts/setup-test-env installs fish).

// Unix only: the scripts are loaded into the Unix bash and fish, which cannot run the
// Windows binary under wine.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_okta-aws-cli");

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The shell's path, or `None` (skipped; a panic under CI=true).
fn shell(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(!in_ci(), "{name} is required under CI=true");
        eprintln!("SKIPPED: {name} not found");
    }
    found
}

/// A temporary HOME whose okta.yaml has profiles `dev`, `dev team` and `prod`.
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp home");
    std::fs::create_dir_all(home.path().join(".okta")).unwrap();
    std::fs::write(
        home.path().join(".okta/okta.yaml"),
        "awscli:\n  profiles:\n    prod: {}\n    dev:\n      org-domain: d.okta.com\n    \"dev team\": {}\n",
    )
    .unwrap();
    home
}

/// Run `script` in `shell_path` with `args` before `-c`; return stdout lines.
fn run_shell(shell_path: &Path, args: &[&str], script: &str, home: &Path) -> Vec<String> {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::new(shell_path)
        .args(args)
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .current_dir(home)
        .output()
        .expect("shell runs");
    assert!(
        out.status.success(),
        "{script}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The bash completions for the words `words` (the last one being completed).
fn bash_complete(bash: &Path, home: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect();
    let script = format!(
        "source <(okta-aws-cli completion bash) || exit 9\n\
         complete -p okta-aws-cli | grep -q -- '-F _okta_aws_cli' || exit 8\n\
         COMP_WORDS=({}); COMP_CWORD={}\n\
         \"$(complete -p okta-aws-cli | sed 's/.*-F \\([^ ]*\\).*/\\1/')\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len() - 1
    );
    run_shell(bash, &["--norc", "--noprofile"], &script, home)
}

#[test]
fn bash_completes_commands_flags_values_and_profiles() {
    let Some(bash) = shell("bash") else { return };
    let home = home();
    let h = home.path();
    assert_eq!(bash_complete(&bash, h, &["okta-aws-cli", "m2"]), ["m2m"]);
    assert_eq!(
        bash_complete(&bash, h, &["okta-aws-cli", "li"]),
        ["list-profiles"]
    );
    assert_eq!(
        bash_complete(&bash, h, &["okta-aws-cli", "m2m", "--private-key"]),
        ["--private-key", "--private-key-file"]
    );
    // web's flags are offered when web is implied, m2m's are not.
    let implied = bash_complete(&bash, h, &["okta-aws-cli", "--aws-"]);
    assert!(
        implied.contains(&"--aws-acct-fed-app-id".to_string()),
        "{implied:?}"
    );
    assert!(
        !implied.iter().any(|w| w.contains("sts-role")),
        "{implied:?}"
    );
    assert_eq!(
        bash_complete(&bash, h, &["okta-aws-cli", "--format", "p"]),
        ["process-credentials"]
    );
    assert_eq!(
        bash_complete(&bash, h, &["okta-aws-cli", "web", "--profile", "de"]),
        ["dev", "dev team"]
    );
    assert_eq!(
        bash_complete(&bash, h, &["okta-aws-cli", "completion", "f"]),
        ["fish"]
    );
}

fn fish_complete(fish: &Path, home: &Path, line: &str) -> Vec<String> {
    let script = format!(
        "okta-aws-cli completion fish | source; or exit 9\ncomplete -C {}",
        format_args!("'{}'", line.replace('\'', "\\'"))
    );
    run_shell(fish, &["--no-config"], &script, home)
        .into_iter()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn fish_completes_commands_flags_values_and_profiles() {
    let Some(fish) = shell("fish") else { return };
    let home = home();
    let h = home.path();
    assert_eq!(fish_complete(&fish, h, "okta-aws-cli m2"), ["m2m"]);
    assert_eq!(
        fish_complete(&fish, h, "okta-aws-cli m2m --private-key"),
        ["--private-key", "--private-key-file"]
    );
    assert_eq!(
        fish_complete(&fish, h, "okta-aws-cli --format process"),
        ["process-credentials"]
    );
    let profiles = fish_complete(&fish, h, "okta-aws-cli m2m --profile ");
    assert_eq!(profiles, ["dev", "dev team", "prod"]);
    // m2m's -i is --key-id, web's is --aws-iam-idp: each only after its own command.
    let m2m = fish_complete(&fish, h, "okta-aws-cli m2m --aws-");
    assert!(!m2m.iter().any(|w| w == "--aws-iam-idp"), "{m2m:?}");
}
