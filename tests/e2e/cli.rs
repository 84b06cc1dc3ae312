//! End to end: the built binary's command-line surface, configuration errors,
//! `list-profiles` and `debug`. Each run has an empty environment, a temporary HOME and a
//! temporary current directory; no network is used.

use crate::support::Sandbox;

const B34: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cases/B34-okta.yaml"
);

#[test]
fn no_args_prints_help_on_stdout() {
    let o = Sandbox::new().run(&[], &[]);
    assert_eq!(o.code(), 0);
    assert!(
        o.stdout().starts_with("Usage: okta-aws-cli"),
        "{}",
        o.stdout()
    );
    assert!(o.stdout().contains("list-profiles"));
    assert_eq!(o.stderr(), "");
}

#[test]
fn help_of_a_command() {
    let o = Sandbox::new().run(&["m2m", "--help"], &[]);
    assert_eq!(o.code(), 0);
    assert!(o.stdout().contains("--private-key-file"), "{}", o.stdout());
}

#[test]
fn version() {
    for flag in ["--version", "-v"] {
        let o = Sandbox::new().run(&[flag], &[]);
        assert_eq!(o.code(), 0);
        assert_eq!(
            o.stdout(),
            format!("okta-aws-cli version {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn unknown_flag_and_missing_value() {
    let s = Sandbox::new();
    s.run(&["--no-such-flag"], &[])
        .usage_error("--no-such-flag");
    s.run(&["web", "--key-id", "k"], &[])
        .usage_error("--key-id");
    s.run(&["--profile"], &[]).usage_error("--profile");
    s.run(&["m2m", "-i"], &[]).usage_error("-i");
    s.run(&["--open-browser=perhaps"], &[])
        .usage_error("perhaps");
}

#[test]
fn missing_required_values_are_named_together() {
    let o = Sandbox::new().run(&["m2m"], &[]);
    assert_eq!(o.code(), 2);
    let err = o.stderr();
    for needle in [
        "--org-domain",
        "--oidc-client-id",
        "--aws-iam-role",
        "--key-id",
        "--private-key or --private-key-file",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = Sandbox::new().run(&["--aws-iam-role", "arn:aws:iam::1:role/r"], &[]);
    assert_eq!(o.code(), 2);
    assert!(
        o.stderr()
            .contains("missing required settings for web: --org-domain")
    );
}

#[test]
fn bad_duration_format_and_boolean() {
    let s = Sandbox::new();
    let o = s.run(&["list-profiles", "--aws-session-duration", "60"], &[]);
    assert_eq!(o.code(), 2);
    assert!(
        o.stderr().contains("\"60\"") && o.stderr().contains("900"),
        "{}",
        o.stderr()
    );
    let o = s.run(&["list-profiles"], &[("OKTA_AWSCLI_FORMAT", "yaml")]);
    assert_eq!(o.code(), 2);
    assert!(o.stderr().contains("OKTA_AWSCLI_FORMAT") && o.stderr().contains("env-var"));
    let o = s.run(&["--format=json", "m2m"], &[]);
    assert_eq!(o.code(), 2);
    assert!(o.stderr().contains("\"json\""), "{}", o.stderr());
    let o = s.run(&["list-profiles"], &[("OKTA_AWSCLI_DEBUG", "sometimes")]);
    assert_eq!(o.code(), 2);
    assert!(
        o.stderr().contains("OKTA_AWSCLI_DEBUG") && o.stderr().contains("sometimes"),
        "{}",
        o.stderr()
    );
}

#[test]
fn list_profiles_sorted_and_none() {
    let s = Sandbox::new();
    s.okta_yaml(
        "awscli:\n  profiles:\n    zed: {}\n    alpha:\n      org-domain: a.okta.com\n    mid:\n",
    );
    let o = s.run(&["list-profiles"], &[]);
    assert_eq!(o.code(), 0, "{}", o.stderr());
    assert_eq!(o.stdout(), "Profiles:\n alpha\n mid\n zed\n");

    let none = Sandbox::new();
    let o = none.run(&["list-profiles"], &[]);
    assert_eq!(o.code(), 0);
    assert_eq!(o.stdout(), "Profiles:\n");
    assert!(o.stderr().contains("no okta.yaml found"), "{}", o.stderr());
    none.okta_yaml("awscli:\n  idps:\n");
    let o = none.run(&["list-profiles"], &[]);
    assert_eq!(o.stdout(), "Profiles:\n");
    assert!(o.stderr().contains("no profiles"), "{}", o.stderr());
}

#[test]
fn list_profiles_with_malformed_yaml_fails_with_position() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n\tbad: {}\n");
    let o = s.run(&["list-profiles"], &[]);
    assert_eq!(o.code(), 2);
    assert_eq!(o.stdout(), "");
    assert!(o.stderr().contains(&s.yaml_path()), "{}", o.stderr());
    assert!(o.stderr().contains("line 3, column"), "{}", o.stderr());
}

#[test]
fn debug_with_b34_file() {
    let s = Sandbox::new();
    s.okta_yaml(&std::fs::read_to_string(B34).expect("B34 case file"));
    let o = s.run(&["debug"], &[]);
    let err = o.stderr();
    assert_eq!(o.code(), 0, "{err}");
    assert_eq!(o.stdout(), "");
    assert!(err.contains("okta.yaml is valid yaml"), "{err}");
    assert!(
        err.contains("did you mean \"write-aws-credentials\""),
        "{err}"
    );
    assert!(err.contains("map of 3 separate config settings"), "{err}");
    assert!(err.trim_end().ends_with("is complete"), "{err}");
}

#[test]
fn debug_with_ok_file() {
    let s = Sandbox::new();
    s.okta_yaml(
        "awscli:\n  idps:\n    \"arn:aws:iam::1:saml-provider/x\": X\n  roles:\n    \"arn:aws:iam::1:role/r\": R\n  profiles:\n    dev:\n      org-domain: dev.okta.com\n",
    );
    let o = s.run(&["debug"], &[]);
    assert_eq!(o.code(), 0, "{}", o.stderr());
    assert!(o.stderr().contains("okta.yaml is OK"), "{}", o.stderr());
}

#[test]
fn debug_with_malformed_yaml() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n    a: 1\n   b: 2\n");
    let o = s.run(&["debug"], &[]);
    let err = o.stderr();
    assert_eq!(o.code(), 1, "{err}");
    assert!(err.contains("invalid yaml"), "{err}");
    assert!(err.contains("line ") && err.contains("column "), "{err}");
    assert!(err.contains("is complete"), "{err}");
    assert!(err.lines().last().unwrap().starts_with("Error: "), "{err}");
}

#[test]
fn debug_with_absent_file() {
    let s = Sandbox::new();
    let o = s.run(&["debug"], &[]);
    assert_eq!(o.code(), 0, "{}", o.stderr());
    assert!(
        o.stderr().contains("okta.yaml does not exist"),
        "{}",
        o.stderr()
    );
    assert!(o.stderr().contains(&s.yaml_path()));
}

#[test]
fn exec_without_command_is_a_usage_error() {
    let s = Sandbox::new();
    let env = [
        ("OKTA_AWSCLI_ORG_DOMAIN", "example.okta.com"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
    ];
    s.run(&["--exec", "--"], &env)
        .usage_error("--exec needs a command after --");
    s.run(&["--exec"], &env)
        .usage_error("--exec needs a command after --");
}

#[test]
fn all_profiles_refuses_process_credentials_and_exec() {
    let s = Sandbox::new();
    // A loopback org that nothing listens on: the usage check must come first.
    let env = [
        ("OKTA_AWSCLI_ORG_DOMAIN", "https://127.0.0.1:9"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
    ];
    s.run(
        &["web", "--all-profiles", "-f", "process-credentials"],
        &env,
    )
    .usage_error("--all-profiles cannot be used with --format process-credentials");
    s.run(&["web", "-k", "--exec", "--", "true"], &env)
        .usage_error("--all-profiles cannot be used with --exec");
}

#[test]
fn words_after_double_dash_are_not_our_flags() {
    let s = Sandbox::new();
    // `--bogus` after `--` belongs to the child: no usage error about it.
    let o = s.run(
        &["m2m", "--exec", "--", "aws", "--bogus"],
        &[("OKTA_AWSCLI_ORG_DOMAIN", "example.okta.com")],
    );
    assert_eq!(o.code(), 2);
    assert!(!o.stderr().contains("--bogus"), "{}", o.stderr());
    assert!(o.stderr().contains("missing required settings for m2m"));
}

#[test]
fn global_flag_after_subcommand() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n    one: {}\n");
    let o = s.run(&["list-profiles", "--profile=one", "-g"], &[]);
    assert_eq!(o.code(), 0, "{}", o.stderr());
    assert_eq!(o.stdout(), "Profiles:\n one\n");
    // The flow commands are wired by the lead; resolution must succeed up to there.
    let o = s.run(
        &[
            "web",
            "--org-domain",
            "https://acme-admin.okta.com/",
            "-c",
            "0oa1",
            "--debug",
        ],
        &[],
    );
    assert!(
        o.stderr().contains("non-admin form") && !o.stderr().contains("missing"),
        "{}",
        o.stderr()
    );
}

#[test]
fn precedence_flag_env_dotenv_yaml_end_to_end() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n    default:\n      aws-session-duration: 100\n");
    // okta.yaml alone: its bad value is reported.
    let o = s.run(&["list-profiles"], &[]);
    assert_eq!(o.code(), 2);
    assert!(
        o.stderr().contains("okta.yaml key aws-session-duration"),
        "{}",
        o.stderr()
    );
    // .env overrides okta.yaml.
    s.dotenv("export okta_awscli_session_duration='3600'\r\n");
    assert_eq!(s.run(&["list-profiles"], &[]).code(), 0);
    // env overrides .env.
    let o = s.run(&["list-profiles"], &[("OKTA_AWSCLI_SESSION_DURATION", "5")]);
    assert!(
        o.stderr()
            .contains("environment variable OKTA_AWSCLI_SESSION_DURATION")
    );
    // the flag overrides env.
    let o = s.run(
        &["list-profiles", "-s", "7200"],
        &[("OKTA_AWSCLI_SESSION_DURATION", "5")],
    );
    assert_eq!(o.code(), 0, "{}", o.stderr());
}

#[test]
fn deprecated_session_duration_flag_warns() {
    let s = Sandbox::new();
    let o = s.run(&["list-profiles", "--session-duration", "3600"], &[]);
    assert_eq!(o.code(), 0);
    assert!(
        o.stderr()
            .contains("WARNING: Flag --session-duration has been deprecated"),
        "{}",
        o.stderr()
    );
    assert_eq!(o.stdout(), "Profiles:\n");
}

#[test]
fn non_ascii_profile_names_do_not_crash() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n    日本語のプロファイル: {}\n");
    let o = s.run(
        &["list-profiles"],
        &[("OKTA_AWSCLI_PROFILE", "日本語のプロファイル")],
    );
    assert_eq!(o.code(), 0, "{}", o.stderr());
    assert_eq!(o.stdout(), "Profiles:\n 日本語のプロファイル\n");
    // A web run with such a profile gets past resolution (to the missing client id).
    let o = s.run(&["web", "-o", "a.okta.com", "-p", "aaaaaaaé"], &[]);
    assert_eq!(o.code(), 2, "{}", o.stderr());
    assert!(!o.stderr().contains("panicked"), "{}", o.stderr());
    assert!(o.stderr().contains("--oidc-client-id"), "{}", o.stderr());
}

#[test]
fn warnings_come_before_a_resolution_error() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n    default:\n      write-credentials: true\n");
    let o = s.run(&["web"], &[("OKTA_ORG_DOMAIN", "a.okta.com")]);
    assert_eq!(o.code(), 2);
    let err = o.stderr();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with("WARNING: okta.yaml profile \"default\" has unknown key \"write-credentials\" (did you mean \"write-aws-credentials\"?)"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("WARNING: environment variable OKTA_ORG_DOMAIN is deprecated"),
        "{err}"
    );
    assert!(
        lines[2].starts_with("Error: missing required settings for web: --oidc-client-id"),
        "{err}"
    );
}

#[test]
fn unparsable_dotenv_lines_are_errors() {
    for (text, needle) in [
        (
            "OKTA_AWSCLI_ORG_DOMAIN=\"a.okta.com\n",
            ".env line 1: the quoted value of OKTA_AWSCLI_ORG_DOMAIN is never closed",
        ),
        ("# ok\nA=1\njust words\n", ".env line 3: expected KEY=VALUE"),
        ("9X=1\n", ".env line 1: \"9X\" is not a valid variable name"),
    ] {
        let s = Sandbox::new();
        s.dotenv(text);
        s.run(&["web"], &[]).usage_error(needle);
    }
}

#[test]
fn explicitly_empty_flag_values_are_usage_errors() {
    let s = Sandbox::new();
    for (args, needle) in [
        (&["web", "-o", ""][..], "-o (--org-domain)"),
        (
            &["--aws-session-duration", "", "list-profiles"],
            "--aws-session-duration",
        ),
        (&["list-profiles", "--profile="], "--profile"),
    ] {
        s.run(args, &[("OKTA_AWSCLI_ORG_DOMAIN", "a.okta.com")])
            .usage_error(needle);
    }
    // An empty environment variable still means unset.
    let o = s.run(&["list-profiles"], &[("OKTA_AWSCLI_PROFILE", "")]);
    assert_eq!(o.code(), 0, "{}", o.stderr());
}

#[test]
fn invalid_org_domains_are_config_errors() {
    let s = Sandbox::new();
    for bad in ["12345", "a b", "exa_mple..com", "[zz]:8443", "2001:db8::1"] {
        s.run(&["web", "-o", bad, "-c", "x"], &[])
            .usage_error(&format!("org domain {bad:?} is not usable"));
        let o = s.run(&["web", "-o", bad, "-c", "x"], &[]);
        assert!(o.stderr().contains("(from --org-domain)"), "{}", o.stderr());
    }
}

#[test]
fn boolean_errors_list_every_accepted_word() {
    let s = Sandbox::new();
    const WORDS: &str = "true/false, 1/0, yes/no or on/off";
    s.run(&["--debug=maybe", "list-profiles"], &[])
        .usage_error(WORDS);
    s.run(&["list-profiles"], &[("OKTA_AWSCLI_DEBUG", "maybe")])
        .usage_error(WORDS);
    let d = Sandbox::new();
    d.dotenv("OKTA_AWSCLI_DEBUG=maybe\n");
    d.run(&["list-profiles"], &[]).usage_error(WORDS);
    let y = Sandbox::new();
    y.okta_yaml("awscli:\n  profiles:\n    default:\n      debug: maybe\n");
    y.run(&["list-profiles"], &[]).usage_error(WORDS);
}

#[test]
fn debug_reports_invalid_label_regexes() {
    let s = Sandbox::new();
    s.okta_yaml(
        "awscli:\n  idps:\n    \"([\": x\n  roles:\n    \"arn:aws:iam::1:role/ok\": Ok\n    \"arn:.*(\": Bad\n",
    );
    let o = s.run(&["debug"], &[]);
    assert_eq!(o.code(), 0, "a warning, not a failure: {}", o.stderr());
    let err = o.stderr();
    let warned: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("is not a valid regular expression"))
        .collect();
    assert_eq!(warned.len(), 2, "{err}");
    assert!(
        warned[0].starts_with("WARNING: okta.yaml \"awscli.idps\" key \"([\""),
        "{err}"
    );
    assert!(
        warned[1].starts_with("WARNING: okta.yaml \"awscli.roles\" key \"arn:.*(\""),
        "{err}"
    );
}

#[test]
fn list_profiles_shows_each_name_on_one_line() {
    let s = Sandbox::new();
    s.okta_yaml("awscli:\n  profiles:\n    \"x\\ny\": {}\n    \"z\\e[2J\": {}\n");
    let o = s.run(&["list-profiles"], &[]);
    assert_eq!(o.code(), 0, "{}", o.stderr());
    assert_eq!(o.stdout(), "Profiles:\n x\\ny\n z\\x1b[2J\n");
}
