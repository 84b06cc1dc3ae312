//! `okta-aws-cli completion <shell>`: the bash and fish scripts loaded into real shells
//! complete a command, a flag, a `--format` value and okta.yaml profile names (read at
//! completion time through `okta-aws-cli list-profiles`). Profile names that hold shell
//! syntax (`$(...)`, backquotes, `;`, globs, quotes, spaces) are completed as themselves
//! and never run, in bash, zsh (`zsh -f` with a stub `compadd`) and fish; the PowerShell
//! script, which cannot run here, is checked by its text. The shells run with a temporary
//! HOME and the binary's directory first on PATH. A missing shell skips its test (fails
//! under CI=true; scripts/setup-test-env installs zsh and fish).

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
        ["dev", "dev\\ team"],
        "names are quoted for the command line"
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

// ---------------------------------------------------------------------------------------
// Hostile profile names: completing them never runs or expands them (issue 19, part 6).
// ---------------------------------------------------------------------------------------

/// Profile names that a shell would run or expand if the script let them through
/// `compgen -W`, `eval` or an unquoted expansion. Each command only creates a marker file
/// `pwned-N` in the current directory (the temporary HOME).
const HOSTILE: &[&str] = &[
    "$(touch pwned-1)",
    "`touch pwned-2`",
    "(touch pwned-3)",
    "a;touch pwned-4",
    "b&&touch pwned-5",
    "$HOME",
    "*",
    "{x,y}",
    "dev team",
    "it's",
    "say \"hi\"",
    "back\\slash",
];

/// `text` as a YAML double-quoted scalar.
fn yaml_quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A temporary HOME whose okta.yaml holds the [`HOSTILE`] profiles, with a visible file so
/// that a glob such as `*` would match something.
fn hostile_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp home");
    std::fs::create_dir_all(home.path().join(".okta")).unwrap();
    let mut yaml = String::from("awscli:\n  profiles:\n");
    for name in HOSTILE {
        yaml.push_str(&format!("    {}: {{}}\n", yaml_quoted(name)));
    }
    std::fs::write(home.path().join(".okta/okta.yaml"), yaml).unwrap();
    std::fs::write(home.path().join("visible-file"), "").unwrap();
    home
}

/// The marker files a hostile name created (must be none).
fn markers(home: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pwned-"))
        .collect();
    found.sort();
    found
}

/// The hostile names in `list-profiles` order (sorted), optionally only those starting
/// with `prefix`.
fn hostile_sorted(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = HOSTILE
        .iter()
        .filter(|n| n.starts_with(prefix))
        .map(|n| n.to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn bash_never_runs_or_expands_profile_names() {
    let Some(bash) = shell("bash") else { return };
    let home = hostile_home();
    let h = home.path();
    for prefix in ["", "$", "`", "(", "a", "*", "d", "'d"] {
        // Each reply is what bash inserts; `eval` reads it back as the shell will when the
        // line is run: it must give the name itself, never run or expand it.
        let script = format!(
            "source <(okta-aws-cli completion bash) || exit 9\n\
             COMP_WORDS=(okta-aws-cli --profile {}); COMP_CWORD=2\n\
             _okta_aws_cli\n\
             for w in \"${{COMPREPLY[@]}}\"; do eval \"printf '%s\\n' $w\"; done",
            format_args!("'{}'", prefix.replace('\'', "'\\''"))
        );
        let got = run_shell(&bash, &["--norc", "--noprofile"], &script, h);
        assert_eq!(
            markers(h),
            Vec::<String>::new(),
            "prefix {prefix:?} ran a name"
        );
        let want = hostile_sorted(prefix.trim_start_matches('\''));
        assert_eq!(got, want, "prefix {prefix:?}");
    }
}

#[test]
fn zsh_never_runs_or_expands_profile_names() {
    let Some(zsh) = shell("zsh") else { return };
    let home = hostile_home();
    let h = home.path();
    // zsh -f: no user files. The script loads compinit and bashcompinit; compadd only
    // works inside a completion widget, so a stub prints the words it would offer (the
    // real compadd quotes them on insertion).
    for prefix in ["", "$", "*", "d"] {
        let script = format!(
            "source <(okta-aws-cli completion zsh) || exit 9\n\
             compadd() {{ while (( $# )) && [[ $1 != - ]]; do shift; done; shift; print -rl -- \"$@\"; }}\n\
             compset() {{ return 1; }}\n\
             words=(okta-aws-cli --profile {}); CURRENT=3\n\
             _bash_complete -F _okta_aws_cli",
            format_args!("'{}'", prefix.replace('\'', "'\\''"))
        );
        let got: Vec<String> = run_shell(&zsh, &["-f"], &script, h)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            markers(h),
            Vec::<String>::new(),
            "prefix {prefix:?} ran a name"
        );
        let mut got_sorted = got.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, hostile_sorted(prefix), "prefix {prefix:?}");
    }
}

#[test]
fn fish_never_runs_or_expands_profile_names() {
    let Some(fish) = shell("fish") else { return };
    let home = hostile_home();
    let h = home.path();
    let got = fish_complete(&fish, h, "okta-aws-cli --profile ");
    assert_eq!(markers(h), Vec::<String>::new());
    let mut got_sorted = got.clone();
    got_sorted.sort();
    assert_eq!(got_sorted, hostile_sorted(""));
}

#[test]
fn powershell_script_never_evaluates_completed_words() {
    // PowerShell cannot be installed here: check the script's text. The header comment
    // shows how to load the script; the completer itself must not evaluate any text.
    let out = Command::new(BIN)
        .args(["completion", "powershell"])
        .env_clear()
        .output()
        .expect("binary runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let lower = body.to_lowercase();
    for evaluator in [
        "invoke-expression",
        "iex ",
        "expandstring",
        "[scriptblock]::create",
        "invoke-command",
        "add-type",
    ] {
        assert!(!lower.contains(evaluator), "{evaluator}:\n{body}");
    }
    // The typed word is not a wildcard pattern, and every candidate reaches the command
    // line single-quoted unless it is a plain word.
    assert!(!body.contains("-like"), "{body}");
    assert!(
        body.contains("$_.StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)"),
        "{body}"
    );
    assert!(
        body.contains(
            "if ($text -cnotmatch '^[A-Za-z0-9_./-]+$') { $text = \"'\" + [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($text) + \"'\" }"
        ),
        "{body}"
    );
    assert!(
        body.contains("CompletionResult]::new($text, $_, 'ParameterValue', $_)"),
        "{body}"
    );
    // Profile names are taken from list-profiles as plain strings (no expansion).
    assert!(
        body.contains("ForEach-Object { $_.Substring(1) }"),
        "{body}"
    );
    // The plain-word pattern quotes every hostile name (same syntax in regex-lite).
    let bare = regex_lite::Regex::new("^[A-Za-z0-9_./-]+$").unwrap();
    for name in HOSTILE {
        assert!(!bare.is_match(name), "{name:?} would be inserted unquoted");
    }
    assert!(bare.is_match("dev") && bare.is_match("--org-domain"));
}
