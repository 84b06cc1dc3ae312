//! Unit tests of [`super::resolve`]: every setting through every layer.

use std::path::Path;

use super::*;

const B34: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cases/B34-okta.yaml"
));

fn env(pairs: &[(&str, &str)]) -> Env {
    let mut e: Env = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    e.entry(if cfg!(windows) { "USERPROFILE" } else { "HOME" }.into())
        .or_insert_with(|| "/home/u".into());
    e
}

fn inv(cmd: Command, flags: Flags) -> Invocation {
    Invocation {
        command: cmd,
        flags,
        ..Invocation::default()
    }
}

fn debug_cfg(flags: Flags, e: &Env, dotenv: Option<&str>, yaml: Option<&str>) -> Config {
    resolve(&inv(Command::Debug, flags), e, dotenv, yaml).expect("resolves")
}

fn cfg_err(cmd: Command, flags: Flags, e: &Env, dotenv: Option<&str>, yaml: Option<&str>) -> Error {
    resolve(&inv(cmd, flags), e, dotenv, yaml).expect_err("must fail")
}

const YAML_DEFAULT: &str = "awscli:\n  profiles:\n    default:\n      aws-region: yaml-region\n      open-browser: true\n      debug: yes\n";

#[test]
fn dotenv_may_not_name_a_program_or_the_credentials_file() {
    let dotenv = "OKTA_AWSCLI_ORG_DOMAIN=example.okta.com\n\
        okta_awscli_open_browser_command=touch pwned\n\
        OKTA_AWSCLI_AWS_CREDENTIALS=/tmp/elsewhere\n\
        AWS_SHARED_CREDENTIALS_FILE=/tmp/elsewhere2\n\
        OKTA_AWSCLI_AWS_REGION=eu-west-1\n";
    let c = debug_cfg(Flags::default(), &env(&[]), Some(dotenv), None);
    assert_eq!(c.open_browser_command, None);
    assert!(!c.open_browser);
    assert_eq!(c.aws_credentials, PathBuf::from("/home/u/.aws/credentials"));
    // Other settings still come from .env.
    assert_eq!(c.org.host, "example.okta.com");
    assert_eq!(c.aws_region.as_deref(), Some("eu-west-1"));
    let refused: Vec<&String> = c
        .warnings
        .iter()
        .filter(|w| w.starts_with(".env line"))
        .collect();
    assert_eq!(refused.len(), 3, "{:?}", c.warnings);
    assert!(refused[0].starts_with(".env line 2: OKTA_AWSCLI_OPEN_BROWSER_COMMAND is ignored:"));
    assert!(refused[1].starts_with(".env line 3: OKTA_AWSCLI_AWS_CREDENTIALS is ignored:"));
    assert!(refused[2].starts_with(".env line 4: AWS_SHARED_CREDENTIALS_FILE is ignored:"));
    for w in &refused {
        assert!(
            !w.contains("pwned") && !w.contains("/tmp/") && !w.contains('\n'),
            "{w}"
        );
    }
    // The environment, okta.yaml and flags still set them.
    let e = env(&[
        ("OKTA_AWSCLI_OPEN_BROWSER_COMMAND", "firefox"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/x/creds"),
    ]);
    let c = debug_cfg(Flags::default(), &e, None, None);
    assert_eq!(c.open_browser_command.as_deref(), Some("firefox"));
    assert_eq!(c.aws_credentials, PathBuf::from("/x/creds"));
    let yaml = "awscli:\n  profiles:\n    default:\n      open-browser-command: chromium\n      aws-credentials: /y/creds\n";
    let c = debug_cfg(Flags::default(), &env(&[]), Some(dotenv), Some(yaml));
    assert_eq!(c.open_browser_command.as_deref(), Some("chromium"));
    assert_eq!(c.aws_credentials, PathBuf::from("/y/creds"));
}

#[test]
fn precedence_table_string() {
    // (flag, env, dotenv, yaml) -> expected winner
    type Row = (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        bool,
        Option<&'static str>,
    );
    let rows: &[Row] = &[
        (Some("flag"), Some("env"), Some("dot"), true, Some("flag")),
        (None, Some("env"), Some("dot"), true, Some("env")),
        (None, None, Some("dot"), true, Some("dot")),
        (None, None, None, true, Some("yaml-region")),
        (None, None, None, false, None),
        (Some(""), Some(""), Some("dot"), false, Some("dot")),
    ];
    for (flag, ev, dv, with_yaml, want) in rows {
        let mut pairs = Vec::new();
        if let Some(v) = ev {
            pairs.push(("OKTA_AWSCLI_AWS_REGION", *v));
        }
        let e = env(&pairs);
        let dot = dv.map(|v| format!("okta_awscli_aws_region={v}\n"));
        let flags = Flags {
            aws_region: flag.map(String::from),
            ..Flags::default()
        };
        let c = debug_cfg(flags, &e, dot.as_deref(), with_yaml.then_some(YAML_DEFAULT));
        assert_eq!(
            c.aws_region.as_deref(),
            *want,
            "{flag:?} {ev:?} {dv:?} {with_yaml}"
        );
    }
}

#[test]
fn credential_cache_settings_and_their_defaults() {
    let flags = |format: &str| Flags {
        format: Some(format.into()),
        ..Flags::default()
    };
    let c = debug_cfg(flags("process-credentials"), &env(&[]), None, None);
    assert!(c.cache_aws_credentials);
    assert_eq!(c.min_ttl_secs, DEFAULT_MIN_TTL_SECS);
    assert!(!debug_cfg(flags("env-var"), &env(&[]), None, None).cache_aws_credentials);
    // Off by flag; on by env var, .env and okta.yaml for another format.
    let off = Flags {
        cache_aws_credentials: Some(false),
        ..flags("process-credentials")
    };
    assert!(!debug_cfg(off, &env(&[]), None, None).cache_aws_credentials);
    let e = env(&[
        ("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS", "yes"),
        ("OKTA_AWSCLI_MIN_TTL", "1h"),
    ]);
    let c = debug_cfg(flags("env-var"), &e, None, None);
    assert!(c.cache_aws_credentials);
    assert_eq!(c.min_ttl_secs, 3600);
    let dot = "OKTA_AWSCLI_CACHE_AWS_CREDENTIALS=on\n";
    assert!(debug_cfg(flags("env-var"), &env(&[]), Some(dot), None).cache_aws_credentials);
    let yaml = "awscli:\n  profiles:\n    default:\n      cache-aws-credentials: true\n      min-ttl: 30m\n";
    let c = debug_cfg(flags("env-var"), &env(&[]), None, Some(yaml));
    assert!(c.cache_aws_credentials && c.min_ttl_secs == 1800);
    // Bad values name their source.
    let e = env(&[("OKTA_AWSCLI_MIN_TTL", "soon")]);
    let err = cfg_err(Command::Debug, Flags::default(), &e, None, None).to_string();
    assert!(
        err.contains("min-ttl") && err.contains("OKTA_AWSCLI_MIN_TTL"),
        "{err}"
    );
    let e = env(&[("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS", "maybe")]);
    let err = cfg_err(Command::Debug, Flags::default(), &e, None, None).to_string();
    assert!(err.contains("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS"), "{err}");
    // --check and --clear-cache together: a usage error.
    let both = Flags {
        check: Some(true),
        clear_cache: Some(true),
        ..Flags::default()
    };
    let err = cfg_err(Command::Debug, both, &env(&[]), None, None);
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn booleans_can_be_switched_off_by_higher_layers() {
    let e = env(&[("OKTA_AWSCLI_OPEN_BROWSER", "true")]);
    let flags = Flags {
        open_browser: Some(false),
        ..Flags::default()
    };
    assert!(!debug_cfg(flags, &e, None, None).open_browser);
    // env "false" beats okta.yaml true; .env "0" beats okta.yaml yes.
    let e = env(&[("OKTA_AWSCLI_OPEN_BROWSER", "FALSE")]);
    let c = debug_cfg(
        Flags::default(),
        &e,
        Some("OKTA_AWSCLI_DEBUG=0\n"),
        Some(YAML_DEFAULT),
    );
    assert!(!c.open_browser && !c.debug);
    let c = debug_cfg(Flags::default(), &env(&[]), None, Some(YAML_DEFAULT));
    assert!(c.open_browser && c.debug);
}

#[test]
fn bad_boolean_names_source_and_value() {
    let e = env(&[("OKTA_AWSCLI_QR_CODE", "maybe")]);
    let err = cfg_err(Command::Debug, Flags::default(), &e, None, None);
    assert!(matches!(err, Error::Config(_)));
    let m = err.to_string();
    assert!(
        m.contains("OKTA_AWSCLI_QR_CODE") && m.contains("maybe") && m.contains(BOOL_WORDS),
        "{m}"
    );
    let err = cfg_err(
        Command::Debug,
        Flags::default(),
        &env(&[]),
        Some("OKTA_AWSCLI_DEBUG=maybe\n"),
        None,
    );
    assert!(err.to_string().contains(BOOL_WORDS), "{err}");
    let err = cfg_err(
        Command::Debug,
        Flags::default(),
        &env(&[]),
        None,
        Some("awscli:\n  profiles:\n    default:\n      exec: sometimes\n"),
    );
    assert!(
        err.to_string()
            .contains("okta.yaml key exec of profile \"default\"")
            && err.to_string().contains(BOOL_WORDS),
        "{err}"
    );
}

#[test]
fn bare_names_are_not_settings() {
    let e = env(&[
        ("FORMAT", "noop"),
        ("PROFILE", "p"),
        ("DEBUG", "1"),
        ("EXEC", "1"),
    ]);
    let c = debug_cfg(Flags::default(), &e, Some("format=noop\nprofile=x\n"), None);
    assert_eq!(c.format, Format::EnvVar);
    assert_eq!(c.profile, "default");
    assert!(!c.debug && !c.exec);
}

#[test]
fn legacy_env_names_warn() {
    let e = env(&[
        ("OKTA_ORG_DOMAIN", "legacy.okta.com"),
        ("OKTA_OIDC_CLIENT_ID", "0oa1"),
    ]);
    let c = resolve(&inv(Command::Web, Flags::default()), &e, None, None).unwrap();
    assert_eq!(c.org.host, "legacy.okta.com");
    assert_eq!(c.oidc_client_id, "0oa1");
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("OKTA_ORG_DOMAIN is deprecated"))
    );
    // the new name wins without a warning
    let e = env(&[
        ("OKTA_ORG_DOMAIN", "legacy.okta.com"),
        ("OKTA_AWSCLI_ORG_DOMAIN", "new.okta.com"),
    ]);
    let c = debug_cfg(Flags::default(), &e, None, None);
    assert_eq!(c.org.host, "new.okta.com");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    // .env legacy fed app id
    let c = debug_cfg(
        Flags::default(),
        &env(&[]),
        Some("OKTA_AWS_ACCOUNT_FEDERATION_APP_ID=0oafed\n"),
        None,
    );
    assert_eq!(c.aws_acct_fed_app_id.as_deref(), Some("0oafed"));
    assert_eq!(c.warnings.len(), 1);
}

#[test]
fn short_user_agent_both_spellings() {
    for name in [
        "OKTA_AWSCLI_SHORT_USER_AGENT",
        "OKTA_AWSCLI_DEBUG_SHORT_USER_AGENT",
    ] {
        let c = debug_cfg(Flags::default(), &env(&[(name, "true")]), None, None);
        assert!(c.short_user_agent, "{name}");
    }
}

#[test]
fn b34_sandbox() {
    let flags = Flags {
        profile: Some("sandbox".into()),
        ..Flags::default()
    };
    let c = resolve(
        &inv(Command::Web, flags.clone()),
        &env(&[]),
        None,
        Some(B34),
    )
    .unwrap();
    assert_eq!(c.oidc_client_id, "0oaFAKEclient000001");
    assert_eq!(c.org.base, "https://example.okta.com");
    assert_eq!(c.aws_acct_fed_app_id.as_deref(), Some("0oaFAKEfedapp00001"));
    assert_eq!(
        c.aws_iam_idp.as_deref(),
        Some("arn:aws:iam::123456789012:saml-provider/ExampleOkta")
    );
    assert_eq!(
        c.aws_iam_role.as_deref(),
        Some("arn:aws:iam::123456789012:role/Developer")
    );
    assert!(c.write_aws_credentials);
    assert_eq!(c.format, Format::AwsCredentials);
    assert_eq!(c.aws_credentials, PathBuf::from("/home/u/.aws/credentials"));
    assert!(c.open_browser && c.cache_access_token && !c.expiry_aws_variables);
    assert_eq!(c.session_duration, Some(36000));
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("session-duration") && w.contains("deprecated"))
    );
    // precedence over the profile
    let e = env(&[("OKTA_AWSCLI_SESSION_DURATION", "7200")]);
    let c = resolve(&inv(Command::Web, flags.clone()), &e, None, Some(B34)).unwrap();
    assert_eq!(c.session_duration, Some(7200));
    let f2 = Flags {
        aws_session_duration: Some("900".into()),
        ..flags
    };
    let c = resolve(&inv(Command::Web, f2), &e, None, Some(B34)).unwrap();
    assert_eq!(c.session_duration, Some(900));
}

#[test]
fn b34_prod_empty_and_missing() {
    let p = |name: &str| Flags {
        profile: Some(name.into()),
        ..Flags::default()
    };
    let c = resolve(&inv(Command::Web, p("prod")), &env(&[]), None, Some(B34)).unwrap();
    assert_eq!(c.session_duration, Some(3600));
    assert!(!c.write_aws_credentials);
    assert_eq!(
        c.format,
        Format::AwsCredentials,
        "format key of the profile"
    );
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("\"write-credentials\"")
                && w.contains("did you mean \"write-aws-credentials\"")),
        "{:?}",
        c.warnings
    );
    let err = cfg_err(Command::Web, p("empty-profile"), &env(&[]), None, Some(B34));
    assert!(
        err.to_string().contains("--org-domain") && err.to_string().contains("--oidc-client-id")
    );
    let f = Flags {
        org_domain: Some("example.okta.com".into()),
        oidc_client_id: Some("0oa".into()),
        ..p("missing-profile")
    };
    let c = resolve(&inv(Command::Web, f), &env(&[]), None, Some(B34)).unwrap();
    assert_eq!(c.org.base, "https://example.okta.com");
    assert_eq!(c.profile, "missing-profile");
}

#[test]
fn malformed_yaml_is_a_config_error_with_position() {
    let err = cfg_err(
        Command::ListProfiles,
        Flags::default(),
        &env(&[]),
        None,
        Some("awscli:\n\tprofiles: {}\n"),
    );
    let m = err.to_string();
    assert!(matches!(err, Error::Config(_)));
    assert!(
        m.contains(&okta_yaml_path(Path::new("/home/u")).display().to_string())
            && m.contains("line 2, column"),
        "{m}"
    );
}

#[test]
fn required_values_named_together() {
    let err = cfg_err(Command::M2m, Flags::default(), &env(&[]), None, None);
    let m = err.to_string();
    for needle in [
        "--org-domain",
        "--oidc-client-id",
        "--aws-iam-role",
        "--key-id",
        "--private-key or --private-key-file",
    ] {
        assert!(m.contains(needle), "{needle}: {m}");
    }
    assert!(!m.contains('\n'));
    let e = env(&[
        ("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "c"),
        ("OKTA_AWSCLI_IAM_ROLE", "arn:aws:iam::1:role/r"),
        ("OKTA_AWSCLI_KEY_ID", "k"),
        ("OKTA_AWSCLI_PRIVATE_KEY_FILE", "~/key.pem"),
    ]);
    let c = resolve(&inv(Command::M2m, Flags::default()), &e, None, None).unwrap();
    assert_eq!(c.private_key_file, Some(PathBuf::from("/home/u/key.pem")));
    assert_eq!(c.custom_scope, "okta-m2m-access");
    assert_eq!(c.authz_id, "default");
    assert_eq!(c.sts_role_session_name, "okta-aws-cli");
    let web = cfg_err(
        Command::Web,
        Flags::default(),
        &env(&[("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com")]),
        None,
        None,
    );
    assert!(
        web.to_string().contains("--oidc-client-id") && !web.to_string().contains("--org-domain")
    );
}

#[test]
fn clear_cache_needs_the_org_alone() {
    let clear = || Flags {
        clear_cache: Some(true),
        ..Flags::default()
    };
    let org = env(&[
        ("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com"),
        ("OKTA_AWSCLI_EXEC", "true"),
    ]);
    for command in [Command::Web, Command::M2m] {
        let c = resolve(&inv(command, clear()), &org, None, None).expect("the org is enough");
        assert!(c.clear_cache && c.oidc_client_id.is_empty() && c.key_id.is_none());
        let err = cfg_err(command, clear(), &env(&[]), None, None);
        assert_eq!(
            err,
            Error::usage(
                "--clear-cache needs the Okta org whose cache it empties: set --org-domain (OKTA_AWSCLI_ORG_DOMAIN) by flag, environment variable, .env or okta.yaml profile \"default\""
            )
        );
    }
    // Without --clear-cache the other settings are still required.
    let err = cfg_err(Command::Web, Flags::default(), &org, None, None);
    assert!(err.to_string().contains("--oidc-client-id"), "{err}");
}

#[test]
fn m2m_defaults_overridable() {
    let e = env(&[
        ("OKTA_AWSCLI_STS_ROLE_SESSION_NAME", "env-sn"),
        ("OKTA_AWSCLI_AUTHZ_ID", "aus1"),
    ]);
    let c = debug_cfg(Flags::default(), &e, None, None);
    assert_eq!(
        (c.sts_role_session_name.as_str(), c.authz_id.as_str()),
        ("env-sn", "aus1")
    );
    let f = Flags {
        aws_sts_role_session_name: Some("flag-sn".into()),
        authz_id: Some("aus2".into()),
        custom_scope: Some("sc".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f, &e, None, None);
    assert_eq!(
        (
            c.sts_role_session_name.as_str(),
            c.authz_id.as_str(),
            c.custom_scope.as_str()
        ),
        ("flag-sn", "aus2", "sc")
    );
}

#[test]
fn private_key_rules() {
    let f = Flags {
        private_key: Some("-----BEGIN\\nABC\\n-----END".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f, &env(&[]), None, None);
    assert_eq!(c.private_key.as_deref(), Some("-----BEGIN\nABC\n-----END"));
    let both = Flags {
        private_key: Some("k".into()),
        private_key_file: Some("f".into()),
        ..Flags::default()
    };
    let m = cfg_err(Command::Debug, both, &env(&[]), None, None).to_string();
    assert!(
        m.contains("--private-key") && m.contains("--private-key-file"),
        "{m}"
    );
    // Different layers: the stronger one wins.
    let f = Flags {
        private_key_file: Some("/k.pem".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f, &env(&[("OKTA_AWSCLI_PRIVATE_KEY", "pem")]), None, None);
    assert_eq!(
        (c.private_key, c.private_key_file),
        (None, Some(PathBuf::from("/k.pem")))
    );
}

#[test]
fn durations() {
    for (v, want) in [
        ("900", Some(900)),
        ("43200", Some(43200)),
        (" 3600 ", Some(3600)),
        ("899", None),
        ("43201", None),
        ("3600.0", None),
        ("1h", None),
        ("-900", None),
        ("", None),
        ("99999999999", None),
    ] {
        assert_eq!(parse_session_duration(v), want, "{v}");
    }
    let f = Flags {
        aws_session_duration: Some("60".into()),
        ..Flags::default()
    };
    let m = cfg_err(Command::Debug, f, &env(&[]), None, None).to_string();
    assert!(
        m.contains("\"60\"") && m.contains("--aws-session-duration") && m.contains("900"),
        "{m}"
    );
    assert_eq!(
        debug_cfg(Flags::default(), &env(&[]), None, None).session_duration,
        None
    );
}

#[test]
fn shells_from_every_layer() {
    assert_eq!(
        debug_cfg(Flags::default(), &env(&[]), None, None).shell,
        Shell::platform_default()
    );
    let f = Flags {
        shell: Some("Fish".into()),
        ..Flags::default()
    };
    let e = env(&[("OKTA_AWSCLI_SHELL", "cmd")]);
    assert_eq!(debug_cfg(f, &e, None, None).shell, Shell::Fish);
    assert_eq!(
        debug_cfg(Flags::default(), &e, None, None).shell,
        Shell::Cmd
    );
    let yaml = "awscli:\n  profiles:\n    default:\n      shell: powershell\n";
    assert_eq!(
        debug_cfg(Flags::default(), &env(&[]), None, Some(yaml)).shell,
        Shell::PowerShell
    );
    let f = Flags {
        shell: Some("bash".into()),
        ..Flags::default()
    };
    let e = cfg_err(Command::Debug, f, &env(&[]), None, None);
    assert_eq!(e.exit_code(), 2);
    let m = e.to_string();
    assert!(
        m.contains("\"bash\"")
            && m.contains("--shell")
            && m.contains("posix, fish, powershell, cmd, setx"),
        "{m}"
    );
}

#[test]
fn formats_and_implications() {
    let c = debug_cfg(
        Flags::default(),
        &env(&[("OKTA_AWSCLI_FORMAT", "Process-Credentials")]),
        None,
        None,
    );
    assert_eq!(c.format, Format::ProcessCredentials);
    let f = Flags {
        format: Some("json".into()),
        ..Flags::default()
    };
    let m = cfg_err(Command::Debug, f, &env(&[]), None, None).to_string();
    assert!(
        m.contains("\"json\"")
            && m.contains(
                "aws-credentials, console-url, eks-token, env-var, noop, process-credentials"
            ),
        "{m}"
    );
    let f = Flags {
        write_aws_credentials: Some(true),
        format: Some("noop".into()),
        ..Flags::default()
    };
    assert_eq!(
        debug_cfg(f, &env(&[]), None, None).format,
        Format::AwsCredentials
    );
    let f = Flags {
        all_profiles: Some(true),
        format: Some("process-credentials".into()),
        ..Flags::default()
    };
    assert_eq!(
        debug_cfg(f, &env(&[]), None, None).format,
        Format::ProcessCredentials
    );
    let f = Flags {
        open_browser_command: Some("firefox".into()),
        ..Flags::default()
    };
    assert!(debug_cfg(f, &env(&[]), None, None).open_browser);
}

#[test]
fn credentials_path() {
    let c = debug_cfg(Flags::default(), &env(&[]), None, None);
    assert_eq!(c.aws_credentials, PathBuf::from("/home/u/.aws/credentials"));
    let e = env(&[("AWS_SHARED_CREDENTIALS_FILE", "/shared")]);
    assert_eq!(
        debug_cfg(Flags::default(), &e, None, None).aws_credentials,
        PathBuf::from("/shared")
    );
    let c = debug_cfg(
        Flags::default(),
        &e,
        Some("OKTA_AWSCLI_AWS_CREDENTIALS=~/x\n"),
        None,
    );
    // .env may not move the credentials file (issue 15); the environment's path stays.
    assert_eq!(c.aws_credentials, PathBuf::from("/shared"));
    // The variable is expanded as botocore expands it, and not trimmed.
    for (value, expected) in [
        ("$AWSDIR/creds", "/home/u/.aws/creds"),
        ("${AWSDIR}/c", "/home/u/.aws/c"),
        ("~/c", "/home/u/c"),
        ("/c ", "/c "),
    ] {
        let e = env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", value),
            ("AWSDIR", "/home/u/.aws"),
        ]);
        let c = debug_cfg(Flags::default(), &e, None, None);
        assert_eq!(c.aws_credentials, PathBuf::from(expected), "{value:?}");
    }
    let yaml = "awscli:\n  profiles:\n    default:\n      aws-credentials: ~/x\n";
    let c = debug_cfg(Flags::default(), &e, None, Some(yaml));
    assert_eq!(c.aws_credentials, PathBuf::from("/home/u/x"));
    let mut no_home = Env::new();
    no_home.insert("OKTA_AWSCLI_WRITE_AWS_CREDENTIALS".into(), "1".into());
    let m = cfg_err(Command::Debug, Flags::default(), &no_home, None, None).to_string();
    assert!(m.contains("--aws-credentials"), "{m}");
}

#[test]
fn regions() {
    let c = debug_cfg(
        Flags::default(),
        &env(&[("AWS_DEFAULT_REGION", "eu-west-1")]),
        Some("AWS_REGION=us-west-2\n"),
        None,
    );
    assert_eq!(c.aws_region, None);
    assert_eq!(c.sts_region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        c.env.get("AWS_REGION").map(String::as_str),
        Some("us-west-2"),
        "promoted"
    );
    let c = debug_cfg(
        Flags::default(),
        &env(&[("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "x")]),
        None,
        None,
    );
    assert_eq!(c.sts_region.as_deref(), Some("ap-south-1"));
    let c = debug_cfg(
        Flags::default(),
        &env(&[]),
        Some("AWS_REGION=us-west-2\n"),
        None,
    );
    assert_eq!(c.sts_region.as_deref(), Some("us-west-2"));
    let f = Flags {
        aws_region: Some("cn-north-1".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f, &env(&[("AWS_REGION", "ap-south-1")]), None, None);
    assert_eq!(c.sts_region.as_deref(), Some("cn-north-1"));
    assert_eq!(
        c.env.get("AWS_REGION").map(String::as_str),
        Some("ap-south-1")
    );
}

#[test]
fn profile_names() {
    let c = debug_cfg(
        Flags::default(),
        &env(&[("OKTA_AWSCLI_PROFILE", "envp")]),
        Some("OKTA_AWSCLI_PROFILE=dotp\n"),
        None,
    );
    assert_eq!(c.profile, "envp");
    let c = debug_cfg(
        Flags::default(),
        &env(&[]),
        Some("okta_awscli_profile=dotp\n"),
        None,
    );
    assert_eq!(c.profile, "dotp");
    let f = Flags {
        profile: Some("profile okta-dev".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f, &env(&[]), None, None);
    assert_eq!(c.profile, "okta-dev");
    assert!(c.warnings.iter().any(|w| w.contains("\"profile \" prefix")));
    assert!(normalize_profile("a]b").is_err());
    assert!(normalize_profile("a\u{1b}[2Jb").is_err());
    assert!(normalize_profile("  ").is_err());
    assert_eq!(normalize_profile("profile").unwrap().0, "profile");
    // okta.yaml cannot pick the profile name.
    let c = debug_cfg(
        Flags::default(),
        &env(&[]),
        None,
        Some("awscli:\n  profiles:\n    default:\n      profile: other\n"),
    );
    assert_eq!(c.profile, "default");
}

#[test]
fn non_ascii_profile_names_never_panic() {
    // Byte 8 inside a character, names of every length around the prefix's.
    for name in [
        "aaaaaaaé",
        "aaaaaaaéb",
        "日本語のプロファイル",
        "profileé",
        "é",
        "profilé x",
    ] {
        assert_eq!(normalize_profile(name).unwrap(), (name.to_string(), None));
    }
    let (name, warning) = normalize_profile("PROFILE 日本語").unwrap();
    assert_eq!(name, "日本語");
    assert!(warning.is_some());
    let e = env(&[("OKTA_AWSCLI_PROFILE", "日本語のプロファイル")]);
    let c = resolve(
        &inv(Command::ListProfiles, Flags::default()),
        &e,
        None,
        None,
    )
    .unwrap();
    assert_eq!(c.profile, "日本語のプロファイル");
}

#[test]
fn org_domain_errors_name_their_source() {
    let m = cfg_err(
        Command::Web,
        Flags {
            org_domain: Some("12345".into()),
            ..Flags::default()
        },
        &env(&[]),
        None,
        None,
    );
    assert!(matches!(m, Error::Config(_)));
    assert!(
        m.to_string().contains("\"12345\"") && m.to_string().contains("--org-domain"),
        "{m}"
    );
    let m = cfg_err(
        Command::Debug,
        Flags {
            org_domain: Some("http://evil.example".into()),
            ..Flags::default()
        },
        &env(&[]),
        None,
        None,
    )
    .to_string();
    assert!(m.contains("--org-domain") && m.contains("http://"), "{m}");
}

#[test]
fn all_profiles_refuses_one_set_outputs() {
    let web = |format: Option<&str>, exec: bool| {
        let mut i = inv(
            Command::Web,
            Flags {
                org_domain: Some("x.okta.com".into()),
                oidc_client_id: Some("c".into()),
                all_profiles: Some(true),
                format: format.map(String::from),
                exec: exec.then_some(true),
                ..Flags::default()
            },
        );
        if exec {
            i.exec_args = vec!["true".into()];
        }
        resolve(&i, &env(&[]), None, None)
    };
    let err = web(Some("process-credentials"), false).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("process-credentials"), "{err}");
    let err = web(None, true).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--exec"), "{err}");
    // Every other format becomes the credentials file.
    for f in [None, Some("env-var"), Some("noop"), Some("aws-credentials")] {
        assert_eq!(
            web(f, false).unwrap().format,
            Format::AwsCredentials,
            "{f:?}"
        );
    }
}

#[test]
fn ecs_server_needs_exec_and_turns_the_cache_on() {
    let m2m = |exec: bool, cache: Option<bool>| {
        let mut i = inv(
            Command::M2m,
            Flags {
                org_domain: Some("x.okta.com".into()),
                oidc_client_id: Some("c".into()),
                aws_iam_role: Some("arn:aws:iam::123456789012:role/R".into()),
                key_id: Some("k".into()),
                private_key_file: Some("/k.pem".into()),
                ecs_server: Some(true),
                exec: exec.then_some(true),
                cache_aws_credentials: cache,
                ..Flags::default()
            },
        );
        if exec {
            i.exec_args = vec!["aws".into()];
        }
        i
    };
    let err = resolve(&m2m(false, None), &env(&[]), None, None).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let text = err.to_string();
    assert!(
        text.contains("--ecs-server") && text.contains("--exec"),
        "{text}"
    );
    let c = resolve(&m2m(true, None), &env(&[]), None, None).unwrap();
    assert!(c.ecs_server && c.cache_aws_credentials);
    let err = resolve(&m2m(true, Some(false)), &env(&[]), None, None).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("cache"), "{err}");
    // The variable turns it on; --clear-cache does not care.
    let mut i = m2m(true, None);
    i.flags.ecs_server = None;
    let e = env(&[("OKTA_AWSCLI_ECS_SERVER", "true")]);
    assert!(resolve(&i, &e, None, None).unwrap().ecs_server);
    let mut i = m2m(false, None);
    i.flags.clear_cache = Some(true);
    assert!(resolve(&i, &env(&[]), None, None).is_ok());
    // Keys written to [default] would come before the endpoint in the SDKs' chain.
    let mut i = m2m(true, None);
    i.flags.format = Some("aws-credentials".into());
    let err = resolve(&i, &env(&[]), None, None).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("profile \"default\""), "{err}");
    assert!(
        !err.to_string().contains("  "),
        "one line, no runs of spaces: {err}"
    );
    let mut i = m2m(true, None);
    i.flags.write_aws_credentials = Some(true);
    assert_eq!(
        resolve(&i, &env(&[]), None, None).unwrap_err().exit_code(),
        2
    );
    i.flags.profile = Some("okta".into());
    assert!(resolve(&i, &env(&[]), None, None).is_ok());
}

#[test]
fn exec_rules() {
    let mut i = inv(
        Command::Web,
        Flags {
            org_domain: Some("x.okta.com".into()),
            oidc_client_id: Some("c".into()),
            exec: Some(true),
            ..Flags::default()
        },
    );
    let err = resolve(&i, &env(&[]), None, None).unwrap_err();
    assert_eq!(err, Error::usage("--exec needs a command after --"));
    i.exec_args = vec!["aws".into(), "s3".into()];
    assert_eq!(
        resolve(&i, &env(&[]), None, None).unwrap().exec_args,
        ["aws", "s3"]
    );
    i.flags.exec = None;
    let err = resolve(&i, &env(&[]), None, None).unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    let e = env(&[("OKTA_AWSCLI_EXEC", "true")]);
    assert!(resolve(&i, &e, None, None).unwrap().exec);
    // list-profiles does not need a command even with OKTA_AWSCLI_EXEC set.
    assert!(
        resolve(
            &inv(Command::ListProfiles, Flags::default()),
            &e,
            None,
            None
        )
        .is_ok()
    );
}

#[test]
fn debug_output_hides_secrets() {
    let e = env(&[("AWS_SECRET_ACCESS_KEY", "SECRETVALUE")]);
    let f = Flags {
        private_key: Some("-----BEGIN PRIVATE KEY-----\\nMIIsecret".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f.clone(), &e, None, None);
    let shown = format!("{c:?} {f:?}");
    assert!(
        !shown.contains("MIIsecret") && !shown.contains("SECRETVALUE"),
        "{shown}"
    );
    assert!(shown.contains("AWS_SECRET_ACCESS_KEY") && shown.contains("<redacted>"));
}

#[test]
fn debug_output_hides_okta_yaml_profile_secrets() {
    let yaml = "awscli:\n  profiles:\n    default:\n      private-key: \"-----BEGIN PRIVATE KEY-----\\nMIIyamlSECRET\"\n      password: yamlPASSWORD\n";
    let c = debug_cfg(Flags::default(), &env(&[]), None, Some(yaml));
    assert!(c.okta_yaml.is_some());
    let shown = format!("{c:?}");
    assert!(
        !shown.contains("MIIyamlSECRET") && !shown.contains("yamlPASSWORD"),
        "{shown}"
    );
    assert!(shown.contains("private-key"), "{shown}");
}

#[test]
fn labels_and_yaml_in_config() {
    let c = debug_cfg(
        Flags::default(),
        &env(&[]),
        None,
        Some("awscli:\n  roles:\n    \"arn:b\": B\n    \"arn:a\": A\n"),
    );
    assert_eq!(
        c.role_labels,
        vec![("arn:b".into(), "B".into()), ("arn:a".into(), "A".into())]
    );
    assert!(c.okta_yaml.is_some());
    assert_eq!(c.okta_yaml_path, PathBuf::from("/home/u/.okta/okta.yaml"));
}

const ROLE_A: &str = "arn:aws:iam::123456789012:role/A";
const ROLE_B: &str = "arn:aws:iam::210987654321:role/team/B";

fn web_env(extra: &[(&str, &str)]) -> Env {
    let mut pairs = vec![
        ("OKTA_AWSCLI_ORG_DOMAIN", "example.okta.com"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
    ];
    pairs.extend_from_slice(extra);
    env(&pairs)
}

#[test]
fn chain_roles_from_every_layer() {
    // Flags: every occurrence, in order (commas split too).
    let f = Flags {
        chain_role: vec![ROLE_A.into(), format!(" {ROLE_B} ")],
        ..Flags::default()
    };
    let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", ROLE_B)]);
    assert_eq!(debug_cfg(f, &e, None, None).chain_roles, [ROLE_A, ROLE_B]);
    // Environment: comma-separated.
    let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", &format!("{ROLE_B}, {ROLE_A},"))]);
    assert_eq!(
        debug_cfg(Flags::default(), &e, None, None).chain_roles,
        [ROLE_B, ROLE_A]
    );
    // okta.yaml: a string or a list; the environment still wins over the list.
    let list = format!(
        "awscli:\n  profiles:\n    default:\n      chain-role:\n        - {ROLE_A}\n        - {ROLE_B}\n      chain-external-id: ext-42\n"
    );
    let c = debug_cfg(Flags::default(), &env(&[]), None, Some(&list));
    assert_eq!(c.chain_roles, [ROLE_A, ROLE_B]);
    assert_eq!(c.chain_external_id.as_deref(), Some("ext-42"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", ROLE_B)]);
    assert_eq!(
        debug_cfg(Flags::default(), &e, None, Some(&list)).chain_roles,
        [ROLE_B]
    );
    let dot = format!("OKTA_AWSCLI_CHAIN_ROLE={ROLE_A}\n");
    assert_eq!(
        debug_cfg(Flags::default(), &env(&[]), Some(&dot), Some(&list)).chain_roles,
        [ROLE_A]
    );
    let string =
        format!("awscli:\n  profiles:\n    default:\n      chain-role: \"{ROLE_B},{ROLE_A}\"\n");
    assert_eq!(
        debug_cfg(Flags::default(), &env(&[]), None, Some(&string)).chain_roles,
        [ROLE_B, ROLE_A]
    );
    assert!(
        debug_cfg(Flags::default(), &env(&[]), None, None)
            .chain_roles
            .is_empty()
    );
}

#[test]
fn bad_chain_settings_name_their_source() {
    for bad in [
        "arn:aws:iam::123456789012:user/A",
        "arn:aws:iam::12345:role/A",
        "arn:aws:sts::123456789012:role/A",
        "role/A",
        "arn:aws:iam::123456789012:role/",
    ] {
        let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", bad)]);
        let err = cfg_err(Command::Debug, Flags::default(), &e, None, None);
        assert!(matches!(err, Error::Config(_)), "{bad}");
        let m = err.to_string();
        assert!(
            m.contains("OKTA_AWSCLI_CHAIN_ROLE") && m.contains(bad),
            "{m}"
        );
    }
    let yaml = "awscli:\n  profiles:\n    default:\n      chain-role:\n        - {a: b}\n";
    let err = cfg_err(
        Command::Debug,
        Flags::default(),
        &env(&[]),
        None,
        Some(yaml),
    );
    assert!(err.to_string().contains("chain-role"), "{err}");
    let f = Flags {
        chain_external_id: Some("has space".into()),
        ..Flags::default()
    };
    let m = cfg_err(Command::Debug, f, &env(&[]), None, None).to_string();
    assert!(m.contains("--chain-external-id"), "{m}");
}

#[test]
fn console_url_format_and_its_combinations() {
    let f = Flags {
        format: Some("console-url".into()),
        write_aws_credentials: Some(true),
        ..Flags::default()
    };
    let c = resolve(&inv(Command::Web, f), &web_env(&[]), None, None).unwrap();
    assert_eq!(
        c.format,
        Format::ConsoleUrl,
        "--write-aws-credentials keeps it"
    );
    assert_eq!(c.console_destination, None);

    let e = web_env(&[("OKTA_AWSCLI_ALL_PROFILES", "true")]);
    let f = Flags {
        format: Some("console-url".into()),
        ..Flags::default()
    };
    assert!(matches!(
        cfg_err(Command::Web, f.clone(), &e, None, None),
        Error::Usage(_)
    ));
    let mut with_exec = inv(
        Command::Web,
        Flags {
            exec: Some(true),
            ..f.clone()
        },
    );
    with_exec.exec_args = vec!["true".into()];
    assert_eq!(
        resolve(&with_exec, &web_env(&[]), None, None).unwrap_err(),
        Error::usage(
            "--format console-url cannot be used with --exec (stdout would mix the URL with \
             the command's output); use --format noop with --exec"
        )
    );
    let m = cfg_err(Command::Web, f.clone(), &e, None, None).to_string();
    assert!(m.contains("is for one role"), "{m}");
    let chain = Flags {
        chain_role: vec![ROLE_A.into()],
        ..Flags::default()
    };
    let m = cfg_err(Command::Web, chain, &e, None, None).to_string();
    assert!(
        m.contains("--chain-role") && m.contains("--all-profiles"),
        "{m}"
    );
    assert!(m.contains("one role); pick"), "{m}");

    let e = web_env(&[(
        "OKTA_AWSCLI_CONSOLE_DESTINATION",
        "https://console.aws.amazon.com/s3/home",
    )]);
    let c = resolve(&inv(Command::Web, f.clone()), &e, None, None).unwrap();
    assert_eq!(
        c.console_destination.as_deref(),
        Some("https://console.aws.amazon.com/s3/home")
    );
    for bad in [
        "http://console.aws.amazon.com/",
        "console.aws.amazon.com",
        "https://x y",
    ] {
        let e = web_env(&[("OKTA_AWSCLI_CONSOLE_DESTINATION", bad)]);
        let m = cfg_err(Command::Web, f.clone(), &e, None, None).to_string();
        assert!(m.contains("OKTA_AWSCLI_CONSOLE_DESTINATION"), "{m}");
    }
}

#[test]
fn profile_template_is_checked_before_any_sign_in() {
    let f = Flags {
        profile_template: Some("{alias}-{role}".into()),
        ..Flags::default()
    };
    let c = debug_cfg(f, &env(&[]), None, None);
    assert_eq!(c.profile_template.unwrap().as_str(), "{alias}-{role}");
    let yaml =
        "awscli:\n  profiles:\n    default:\n      profile-template: \"{account}-{rolename}\"\n";
    let err = cfg_err(
        Command::Web,
        Flags::default(),
        &web_env(&[]),
        None,
        Some(yaml),
    );
    assert!(matches!(err, Error::Config(_)));
    let m = err.to_string();
    assert!(
        m.contains("profile-template") && m.contains("{rolename}") && m.contains("okta.yaml"),
        "{m}"
    );
    let e = env(&[("OKTA_AWSCLI_PROFILE_TEMPLATE", "[{alias}]")]);
    let m = cfg_err(Command::Debug, Flags::default(), &e, None, None).to_string();
    assert!(m.contains("OKTA_AWSCLI_PROFILE_TEMPLATE"), "{m}");
}

#[test]
fn direct_requires_role_and_username_but_not_the_password() {
    let e = env(&[
        ("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
    ]);
    let m = cfg_err(Command::Direct, Flags::default(), &e, None, None).to_string();
    assert!(
        m.contains("missing required settings for direct")
            && m.contains("--aws-iam-role")
            && m.contains("--username (OKTA_AWSCLI_USERNAME)")
            && !m.contains("password"),
        "{m}"
    );
    let e = env(&[
        ("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
        ("OKTA_AWSCLI_IAM_ROLE", "arn:aws:iam::123456789012:role/R"),
        ("OKTA_AWSCLI_USERNAME", "alice"),
        ("OKTA_AWSCLI_PASSWORD", " spaced pw "),
        ("OKTA_AWSCLI_MFA_METHOD", "OTP"),
        ("OKTA_AWSCLI_OTP", "987654"),
    ]);
    let c = resolve(&inv(Command::Direct, Flags::default()), &e, None, None).unwrap();
    assert_eq!(c.otp.as_deref(), Some("987654"));
    assert!(!format!("{c:?}").contains("987654"));
    assert!(c.origins.iter().any(|o| o.key == "otp"));
    assert_eq!(c.username.as_deref(), Some("alice"));
    // Taken as given: a password may start or end with a space.
    assert_eq!(c.password.as_deref(), Some(" spaced pw "));
    assert_eq!(c.mfa_method, MfaMethod::Otp);
    assert_eq!(
        (c.authz_id.as_str(), c.sts_role_session_name.as_str()),
        ("default", "okta-aws-cli")
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert!(!format!("{c:?}").contains("spaced pw"));
}

#[test]
fn direct_password_flag_warns_and_mfa_method_is_checked() {
    let e = env(&[
        ("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com"),
        ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
        ("OKTA_AWSCLI_IAM_ROLE", "arn:aws:iam::123456789012:role/R"),
        ("OKTA_AWSCLI_USERNAME", "alice"),
    ]);
    let f = Flags {
        password: Some("pw-from-flag".into()),
        ..Flags::default()
    };
    let c = resolve(&inv(Command::Direct, f.clone()), &e, None, None).unwrap();
    assert_eq!(c.password.as_deref(), Some("pw-from-flag"));
    assert_eq!(c.mfa_method, MfaMethod::Push);
    assert_eq!(c.warnings, [PASSWORD_FLAG_WARNING]);
    assert!(!c.warnings[0].contains("pw-from-flag"));
    assert!(!format!("{f:?}").contains("pw-from-flag"));
    let bad = Flags {
        mfa_method: Some("sms".into()),
        ..Flags::default()
    };
    let m = cfg_err(Command::Direct, bad, &e, None, None).to_string();
    assert_eq!(
        m,
        "invalid MFA method \"sms\" in --mfa-method: expected one of push, otp"
    );
}

#[test]
fn open_browser_set_to_false_is_told_from_unset() {
    let c = debug_cfg(Flags::default(), &env(&[]), None, None);
    assert!(!c.open_browser && !c.open_browser_off);
    for (flags, e, yaml) in [
        (
            Flags {
                open_browser: Some(false),
                ..Flags::default()
            },
            env(&[]),
            None,
        ),
        (
            Flags::default(),
            env(&[("OKTA_AWSCLI_OPEN_BROWSER", "false")]),
            None,
        ),
        (
            Flags::default(),
            env(&[]),
            Some("awscli:\n  profiles:\n    default:\n      open-browser: false\n"),
        ),
    ] {
        let c = debug_cfg(flags, &e, None, yaml);
        assert!(!c.open_browser && c.open_browser_off);
    }
    let c = debug_cfg(Flags::default(), &env(&[]), None, Some(YAML_DEFAULT));
    assert!(c.open_browser && !c.open_browser_off);
}

#[test]
fn authorization_code_settings_from_every_layer() {
    let c = debug_cfg(Flags::default(), &env(&[]), None, None);
    assert!(!c.authorization_code);
    assert_eq!(c.redirect_ports, [8180, 8181, 8182]);
    assert_eq!(c.authorization_code_timeout_secs, 300);

    let f = Flags {
        authorization_code: Some(true),
        redirect_port: vec!["9001".into(), "9002,9001".into()],
        authorization_code_timeout: Some("90s".into()),
        ..Flags::default()
    };
    let e = env(&[("OKTA_AWSCLI_REDIRECT_PORTS", "7000")]);
    let c = debug_cfg(f, &e, None, None);
    assert!(c.authorization_code);
    assert_eq!(c.redirect_ports, [9001, 9002], "flags win, each port once");
    let origin = |c: &Config| {
        c.origins
            .iter()
            .find(|o| o.key == "redirect-port")
            .map(|o| o.source.clone())
    };
    assert_eq!(origin(&c), Some(Source::Flag("--redirect-port".into())));
    assert_eq!(c.authorization_code_timeout_secs, 90);

    let e = env(&[
        ("OKTA_AWSCLI_AUTHORIZATION_CODE", "true"),
        ("OKTA_AWSCLI_REDIRECT_PORTS", " 7000 , 7001 "),
        ("OKTA_AWSCLI_AUTHORIZATION_CODE_TIMEOUT", "2"),
    ]);
    let c = debug_cfg(Flags::default(), &e, None, None);
    assert!(c.authorization_code);
    assert_eq!(c.redirect_ports, [7000, 7001]);
    assert_eq!(c.authorization_code_timeout_secs, 2);

    let yaml = "awscli:\n  profiles:\n    default:\n      authorization-code: true\n      redirect-port:\n        - 8280\n        - 8281\n      authorization-code-timeout: 10m\n";
    let c = debug_cfg(Flags::default(), &env(&[]), None, Some(yaml));
    assert!(c.authorization_code);
    assert_eq!(c.redirect_ports, [8280, 8281]);
    assert!(
        matches!(origin(&c), Some(Source::OktaYaml { key, .. }) if key == "redirect-port"),
        "{:?}",
        origin(&c)
    );
    assert_eq!(c.authorization_code_timeout_secs, 600);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);

    for (var, value, needle) in [
        (
            "OKTA_AWSCLI_REDIRECT_PORTS",
            "80a",
            "invalid redirect port \"80a\"",
        ),
        (
            "OKTA_AWSCLI_REDIRECT_PORTS",
            "0",
            "invalid redirect port \"0\"",
        ),
        ("OKTA_AWSCLI_REDIRECT_PORTS", "70000", "from 1 to 65535"),
        ("OKTA_AWSCLI_REDIRECT_PORTS", ",", "no redirect port"),
        (
            "OKTA_AWSCLI_AUTHORIZATION_CODE_TIMEOUT",
            "0",
            "from 1 second to 1 hour",
        ),
        (
            "OKTA_AWSCLI_AUTHORIZATION_CODE_TIMEOUT",
            "2h",
            "from 1 second to 1 hour",
        ),
    ] {
        let err = cfg_err(
            Command::Web,
            Flags::default(),
            &env(&[(var, value)]),
            None,
            None,
        );
        assert_eq!(err.exit_code(), 2, "{var}={value}");
        let text = err.to_string();
        assert!(text.contains(needle) && text.contains(var), "{text}");
    }
}

#[test]
fn eks_token_format_needs_its_cluster_id() {
    let f = Flags {
        format: Some("EKS-Token".into()),
        ..Flags::default()
    };
    // The id from each layer; the format caches by default.
    let e = web_env(&[("OKTA_AWSCLI_EKS_CLUSTER_ID", "from-env")]);
    let c = resolve(&inv(Command::Web, f.clone()), &e, None, None).unwrap();
    assert_eq!(c.format, Format::EksToken);
    assert!(c.format.is_credential_helper());
    assert_eq!(c.eks_cluster_id.as_deref(), Some("from-env"));
    assert!(c.cache_aws_credentials);
    let m2m_env = web_env(&[
        ("OKTA_AWSCLI_IAM_ROLE", "arn:aws:iam::123456789012:role/R"),
        ("OKTA_AWSCLI_KEY_ID", "k"),
        ("OKTA_AWSCLI_PRIVATE_KEY_FILE", "~/key.pem"),
    ]);
    let flag = Flags {
        eks_cluster_id: Some("from-flag".into()),
        write_aws_credentials: Some(true),
        ..f.clone()
    };
    let c = resolve(&inv(Command::M2m, flag), &m2m_env, None, None).unwrap();
    assert_eq!(c.eks_cluster_id.as_deref(), Some("from-flag"));
    assert_eq!(
        c.format,
        Format::EksToken,
        "--write-aws-credentials keeps it"
    );
    let yaml = "awscli:\n  profiles:\n    default:\n      eks-cluster-id: from-yaml\n";
    let c = resolve(
        &inv(Command::Web, f.clone()),
        &web_env(&[]),
        None,
        Some(yaml),
    )
    .unwrap();
    assert_eq!(c.eks_cluster_id.as_deref(), Some("from-yaml"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);

    // Missing: a usage error (exit 2) naming the flag and the variable.
    let err = cfg_err(Command::Web, f.clone(), &web_env(&[]), None, None);
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert_eq!(err.exit_code(), 2);
    let m = err.to_string();
    assert!(
        m.contains("--eks-cluster-id") && m.contains("OKTA_AWSCLI_EKS_CLUSTER_ID"),
        "{m}"
    );
    // --check and --clear-cache make no token; other formats do not need it.
    for check in [
        Flags {
            check: Some(true),
            ..f.clone()
        },
        Flags {
            clear_cache: Some(true),
            ..f.clone()
        },
        Flags::default(),
    ] {
        assert!(resolve(&inv(Command::Web, check), &web_env(&[]), None, None).is_ok());
    }
    // A bad id names its source; --all-profiles is refused.
    let e = web_env(&[("OKTA_AWSCLI_EKS_CLUSTER_ID", "two words")]);
    let m = cfg_err(Command::Web, f.clone(), &e, None, None).to_string();
    assert!(
        m.contains("OKTA_AWSCLI_EKS_CLUSTER_ID") && m.contains("EKS cluster id"),
        "{m}"
    );
    let all = Flags {
        all_profiles: Some(true),
        eks_cluster_id: Some("prod".into()),
        ..f
    };
    let err = cfg_err(Command::Web, all, &web_env(&[]), None, None);
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert!(err.to_string().contains("--format eks-token"), "{err}");
}
