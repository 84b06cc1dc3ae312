//! End to end, no network: `--explain`, nearest-flag suggestions, `--help` of each command,
//! `debug` over every okta.yaml profile. Each run has an empty environment, a temporary
//! HOME and a temporary current directory.

use crate::support::Sandbox;

/// The explain table row of `setting`: (value, source).
fn row(stdout: &str, setting: &str) -> (String, String) {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(setting))
        .unwrap_or_else(|| panic!("no row {setting}:\n{stdout}"));
    let rest = line.trim_start()[setting.len()..].trim_start();
    let (value, source) = rest.split_once("  ").unwrap_or((rest, ""));
    (value.trim().to_string(), source.trim().to_string())
}

#[test]
fn explain_names_every_layer_with_lines_and_hides_secrets() {
    let sb = Sandbox::new();
    sb.okta_yaml(
        "awscli:\n  profiles:\n    other:\n      org-domain: wrong.okta.com\n    dev:\n      # the org\n      org-domain: dev.okta.com\n      aws-iam-role: \"arn:aws:iam::123456789012:role/Dev\"\n      format: noop\n",
    )
    .dotenv("# settings\n\nOKTA_AWSCLI_OIDC_CLIENT_ID=0oaDOTENV\n");
    // The client id is a sensitive key: the .env applies once allowed.
    assert_eq!(sb.run(&["dotenv", "allow"], &[]).code(), 0);
    let o = sb.run(
        &["m2m", "--explain", "--profile", "dev", "--key-id", "kid1"],
        &[
            (
                "OKTA_AWSCLI_PRIVATE_KEY",
                "-----BEGIN PRIVATE KEY-----\\nMIIsecretKEY",
            ),
            ("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE", "passSECRET"),
            ("OKTA_AWSCLI_SESSION_DURATION", "7200"),
            // A proxy that does not exist: any network call would fail the run.
            ("HTTPS_PROXY", "http://127.0.0.1:9"),
        ],
    );
    let out = o.stdout();
    assert_eq!(o.code(), 0, "stderr: {}\nstdout: {out}", o.stderr());
    let yaml = sb.yaml_path();
    assert_eq!(
        row(&out, "profile"),
        ("dev".into(), "flag --profile".into())
    );
    assert_eq!(
        row(&out, "org-domain"),
        (
            "https://dev.okta.com".into(),
            format!("{yaml}:7 (awscli.profiles.dev.org-domain)")
        )
    );
    assert_eq!(
        row(&out, "oidc-client-id"),
        (
            "0oaDOTENV".into(),
            ".env line 3 (OKTA_AWSCLI_OIDC_CLIENT_ID)".into()
        )
    );
    assert_eq!(
        row(&out, "aws-session-duration"),
        (
            "7200".into(),
            "environment variable OKTA_AWSCLI_SESSION_DURATION".into()
        )
    );
    assert_eq!(row(&out, "key-id"), ("kid1".into(), "flag --key-id".into()));
    assert_eq!(
        row(&out, "format").1,
        format!("{yaml}:9 (awscli.profiles.dev.format)")
    );
    assert_eq!(row(&out, "authz-id"), ("default".into(), "default".into()));
    assert_eq!(row(&out, "private-key").0, "<set>");
    assert_eq!(row(&out, "private-key-passphrase").0, "<set>");
    for secret in ["MIIsecretKEY", "passSECRET"] {
        assert!(
            !out.contains(secret) && !o.stderr().contains(secret),
            "{out}"
        );
    }
    assert!(
        out.contains(&format!("okta.yaml: {yaml} (read; profile \"dev\" found)")),
        "{out}"
    );
    assert!(
        out.contains(".env: ") && out.contains("(read; allowed"),
        "{out}"
    );
    // web-only settings are not listed for m2m.
    assert!(!out.contains("aws-acct-fed-app-id"), "{out}");
}

#[test]
fn explain_shows_missing_required_settings_and_the_token_cache() {
    let sb = Sandbox::new();
    let o = sb.run(
        &["web", "--explain", "--org-domain", "example.okta.com"],
        &[("OKTA_AWSCLI_CACHE_ACCESS_TOKEN", "true")],
    );
    let out = o.stdout();
    assert_eq!(o.code(), 0, "stderr: {}", o.stderr());
    assert_eq!(row(&out, "oidc-client-id").1, "MISSING: required by web");
    assert_eq!(
        row(&out, "cache-access-token"),
        (
            "true".into(),
            "environment variable OKTA_AWSCLI_CACHE_ACCESS_TOKEN".into()
        )
    );
    let cache_dir = sb.home.path().join(".okta").join("awscli-access-tokens");
    let line = out
        .lines()
        .find(|l| l.contains("Okta access token:"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains(&cache_dir.display().to_string()) && line.contains("absent"),
        "{line}"
    );
    assert!(
        out.contains("okta.yaml: ") && out.contains("not found"),
        "{out}"
    );
}

#[test]
fn usage_errors_suggest_the_nearest_flag_or_command() {
    let sb = Sandbox::new();
    for (args, want) in [
        (
            &["--org-domian", "x"][..],
            "unknown flag: --org-domian (did you mean --org-domain?)",
        ),
        (
            &["wbe"],
            "unexpected argument \"wbe\" (did you mean the web command?)",
        ),
        (&["m2m", "--key-di", "k"], "(did you mean --key-id?)"),
        (&["help", "mm2"], "(did you mean m2m?)"),
    ] {
        let o = sb.run(args, &[]);
        assert_eq!(o.code(), 2, "{args:?}");
        let err = o.stderr();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    // Nothing close: no suggestion.
    let err = sb.run(&["--zzzzzz"], &[]).stderr();
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn help_of_each_command_marks_required_settings_and_every_exit_code() {
    let sb = Sandbox::new();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Exit codes")
        .nth(1)
        .expect("README exit codes");
    let codes: Vec<&str> = section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|c| *c != "code" && !c.starts_with('-'))
        .collect();
    assert!(codes.len() >= 5, "{codes:?}");
    for cmd in ["web", "m2m", "list-profiles", "debug", "completion"] {
        let help = sb.run(&[cmd, "--help"], &[]).stdout();
        let exit = help
            .split("Exit codes:")
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd}: {help}"));
        for code in &codes {
            assert!(
                exit.lines()
                    .any(|l| l.trim_start().starts_with(&format!("{code} "))),
                "{cmd} --help lacks exit code {code}:\n{help}"
            );
        }
    }
    let m2m = sb.run(&["m2m", "--help"], &[]).stdout();
    let required = m2m
        .split("Required settings")
        .nth(1)
        .expect("m2m marks required");
    for flag in [
        "--aws-iam-role",
        "--key-id",
        "--org-domain",
        "--oidc-client-id",
    ] {
        assert!(required.contains(flag), "{m2m}");
    }
    let web = sb.run(&["web", "--help"], &[]).stdout();
    let required = web
        .split("Required settings")
        .nth(1)
        .expect("web marks required");
    assert!(!required.contains("--aws-iam-role"), "{web}");
}

#[test]
fn debug_checks_every_profile_and_prints_no_blank_line() {
    let sb = Sandbox::new();
    sb.okta_yaml(
        "awscli:\n  profiles:\n    default:\n      org-domain: ok.okta.com\n    dev:\n      qr-code: maybe\n    prod:\n      format: yaml\n      aws-session-duration: 99\n",
    );
    let o = sb.run(&["debug"], &[]);
    let err = o.stderr();
    assert_eq!(o.code(), 1, "{err}");
    for needle in [
        "profile \"dev\" key \"qr-code\"",
        "profile \"prod\" key \"format\"",
        "profile \"prod\" key \"aws-session-duration\"",
        "3 invalid settings",
    ] {
        assert!(err.contains(needle), "{needle}:\n{err}");
    }
    for line in err.lines() {
        assert!(!line.trim().is_empty(), "whitespace-only line in:\n{err}");
    }
}

#[test]
fn readme_see_references_name_a_section() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let headings: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|h| h.trim_start_matches('#').trim())
        .collect();
    let words: Vec<&str> = readme.split_whitespace().collect();
    let mut seen = 0;
    for pair in words.windows(2) {
        let name = pair[1].trim_end_matches(|c: char| !c.is_alphanumeric());
        let see = pair[0].trim_start_matches(|c: char| !c.is_alphanumeric());
        if !see.eq_ignore_ascii_case("see") || !name.starts_with(char::is_uppercase) {
            continue;
        }
        seen += 1;
        assert!(
            headings.iter().any(|h| h.starts_with(name)),
            "README says \"see {name}\" but has no section \"{name}\""
        );
    }
    assert!(seen >= 3, "the check finds the README's references: {seen}");
}
