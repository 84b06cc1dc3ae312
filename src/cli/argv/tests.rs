//! Unit tests of [`super::parse`]: every flag form, help, version and usage error.

use super::*;
use crate::config::Command;

fn args(s: &[&str]) -> Vec<String> {
    s.iter().map(|x| x.to_string()).collect()
}

fn run(s: &[&str]) -> Invocation {
    match parse(&args(s)) {
        Ok(Parsed::Run(inv)) => *inv,
        other => panic!("expected Run for {s:?}, got {other:?}"),
    }
}

fn usage_err(s: &[&str]) -> String {
    match parse(&args(s)) {
        Err(Error::Usage(m)) => m,
        other => panic!("expected usage error for {s:?}, got {other:?}"),
    }
}

#[test]
fn no_args_is_help() {
    match parse(&[]).unwrap() {
        Parsed::Help(text) => {
            assert!(text.contains("Usage: okta-aws-cli"), "{text}");
            assert!(text.contains("--org-domain"));
            assert!(text.contains("m2m"));
            assert!(!text.contains("--no-debug"), "hidden switches stay hidden");
            assert!(
                !text.contains("--session-duration "),
                "deprecated flag hidden"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn help_forms() {
    for argv in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["--profile", "x", "--help"],
    ] {
        match parse(&args(argv)).unwrap() {
            Parsed::Help(t) => assert!(t.contains("Commands:"), "{argv:?}: {t}"),
            other => panic!("{argv:?}: {other:?}"),
        }
    }
    for argv in [&["web", "--help"][..], &["help", "web"], &["web", "-h"]] {
        match parse(&args(argv)).unwrap() {
            Parsed::Help(t) => {
                assert!(t.contains("--aws-iam-idp"), "{argv:?}: {t}");
                assert!(t.contains("okta-aws-cli web"), "{t}");
            }
            other => panic!("{argv:?}: {other:?}"),
        }
    }
    match parse(&args(&["m2m", "--help"])).unwrap() {
        Parsed::Help(t) => assert!(t.contains("--key-id") && t.contains("-k")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn help_of_expiry_names_both_outputs() {
    let Parsed::Help(t) = parse(&args(&["--help"])).unwrap() else {
        panic!("no help");
    };
    // The flag's description: its indented lines, joined (help wraps them).
    let desc: Vec<&str> = t
        .lines()
        .skip_while(|l| !l.contains("--expiry-aws-variables"))
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .map(str::trim)
        .collect();
    let desc = desc.join(" ");
    assert!(
        desc.contains("x_security_token_expires in the credentials file")
            && desc.contains("AWS_CREDENTIAL_EXPIRATION in env-var output"),
        "{desc}"
    );
}

#[test]
fn version_forms() {
    let want = format!("okta-aws-cli version {}", env!("CARGO_PKG_VERSION"));
    for argv in [&["--version"][..], &["-v"], &["--debug", "--version"]] {
        assert_eq!(parse(&args(argv)).unwrap(), Parsed::Version(want.clone()));
    }
}

#[test]
fn web_is_implied() {
    let inv = run(&["--org-domain", "example.okta.com"]);
    assert_eq!(inv.command, Command::Web);
    assert_eq!(inv.flags.org_domain.as_deref(), Some("example.okta.com"));
    let inv = run(&["-b", "-i", "arn:idp"]);
    assert_eq!(inv.flags.open_browser, Some(true));
    assert_eq!(inv.flags.aws_iam_idp.as_deref(), Some("arn:idp"));
}

#[test]
fn value_forms() {
    for argv in [
        &["--profile", "dev"][..],
        &["--profile=dev"],
        &["-p", "dev"],
        &["-pdev"],
        &["-p=dev"],
        &["web", "--profile", "dev"],
        &["--profile", "dev", "web"],
    ] {
        assert_eq!(run(argv).flags.profile.as_deref(), Some("dev"), "{argv:?}");
    }
    // A value may start with dashes or equal a command name.
    let inv = run(&["m2m", "--private-key", "-----BEGIN KEY-----"]);
    assert_eq!(
        inv.flags.private_key.as_deref(),
        Some("-----BEGIN KEY-----")
    );
    let inv = run(&["--profile", "debug"]);
    assert_eq!(inv.command, Command::Web);
    assert_eq!(inv.flags.profile.as_deref(), Some("debug"));
    let inv = run(&["--profile=a=b"]);
    assert_eq!(inv.flags.profile.as_deref(), Some("a=b"));
}

#[test]
fn switch_forms() {
    assert_eq!(run(&["--open-browser"]).flags.open_browser, Some(true));
    assert_eq!(run(&["--open-browser=true"]).flags.open_browser, Some(true));
    assert_eq!(
        run(&["--open-browser=FALSE"]).flags.open_browser,
        Some(false)
    );
    assert_eq!(run(&["--open-browser=0"]).flags.open_browser, Some(false));
    assert_eq!(run(&["--open-browser=yes"]).flags.open_browser, Some(true));
    assert_eq!(run(&["-b=no"]).flags.open_browser, Some(false));
    assert_eq!(run(&["--qr-code"]).flags.open_browser, None);
    // last one wins
    assert_eq!(run(&["--debug", "--debug=false"]).flags.debug, Some(false));
    assert_eq!(run(&["--debug=false", "-g"]).flags.debug, Some(true));
    let f = run(&["-gdz"]).flags;
    assert_eq!(
        (f.debug, f.debug_api_calls, f.write_aws_credentials),
        (Some(true), Some(true), Some(true))
    );
    let f = run(&["-gpdev"]).flags;
    assert_eq!((f.debug, f.profile.as_deref()), (Some(true), Some("dev")));
    // --chain-role repeats: every occurrence counts, in order, before or after the
    // command; other options still keep the last.
    let f = run(&[
        "--chain-role",
        "arn:aws:iam::1:role/A",
        "web",
        "--chain-role=arn:aws:iam::1:role/B",
        "--profile-template",
        "{alias}",
        "--console-destination",
        "https://x/",
        "--console-destination",
        "https://y/",
    ])
    .flags;
    assert_eq!(
        f.chain_role,
        ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"]
    );
    assert_eq!(f.profile_template.as_deref(), Some("{alias}"));
    assert_eq!(f.console_destination.as_deref(), Some("https://y/"));
    assert!(usage_err(&["m2m", "--profile-template", "x"]).contains("web"));
    let msg = usage_err(&["--open-browser=maybe"]);
    assert!(
        msg.contains("--open-browser") && msg.contains("maybe"),
        "{msg}"
    );
}

#[test]
fn per_command_short_letters() {
    let f = run(&["web", "-i", "idp", "-k", "-b", "-m", "firefox", "-q"]).flags;
    assert_eq!(f.aws_iam_idp.as_deref(), Some("idp"));
    assert_eq!(f.all_profiles, Some(true));
    assert_eq!(f.open_browser, Some(true));
    assert_eq!(f.open_browser_command.as_deref(), Some("firefox"));
    assert_eq!(f.qr_code, Some(true));
    let f = run(&[
        "m2m", "-i", "kid", "-k", "pem", "-b", "key.pem", "-m", "sc", "-q", "sn", "-u", "az",
    ])
    .flags;
    assert_eq!(f.key_id.as_deref(), Some("kid"));
    assert_eq!(f.private_key.as_deref(), Some("pem"));
    assert_eq!(f.private_key_file.as_deref(), Some("key.pem"));
    assert_eq!(f.custom_scope.as_deref(), Some("sc"));
    assert_eq!(f.aws_sts_role_session_name.as_deref(), Some("sn"));
    assert_eq!(f.authz_id.as_deref(), Some("az"));
    assert_eq!(f.aws_iam_idp, None);
}

#[test]
fn global_flags_before_or_after_command() {
    for argv in [
        &["--debug", "-o", "x.okta.com", "m2m", "-i", "kid"][..],
        &["m2m", "-i", "kid", "--debug", "--org-domain=x.okta.com"],
        &["-g", "m2m", "-o", "x.okta.com", "--key-id", "kid"],
    ] {
        let inv = run(argv);
        assert_eq!(inv.command, Command::M2m, "{argv:?}");
        assert_eq!(inv.flags.debug, Some(true));
        assert_eq!(inv.flags.org_domain.as_deref(), Some("x.okta.com"));
        assert_eq!(inv.flags.key_id.as_deref(), Some("kid"));
    }
    assert_eq!(
        run(&["list-profiles", "-p", "x"]).command,
        Command::ListProfiles
    );
    assert_eq!(run(&["debug", "--debug"]).command, Command::Debug);
}

#[test]
fn every_flag_long_and_short_is_accepted() {
    let t = tables();
    for (cmd, scope) in
        std::iter::once(("web", &t.global)).chain(t.commands.iter().map(|(n, s)| (n.as_str(), s)))
    {
        for f in &scope.flags {
            if f.long == "version" {
                continue;
            }
            let mut argv = vec![cmd.to_string(), format!("--{}", f.long)];
            if f.takes_value {
                argv.push("v".into());
            }
            assert!(
                matches!(parse(&argv), Ok(Parsed::Run(_))),
                "{argv:?}: {:?}",
                parse(&argv)
            );
            if let Some(c) = f.short {
                let mut argv = vec![cmd.to_string(), format!("-{c}")];
                if f.takes_value {
                    argv.push("v".into());
                }
                assert!(matches!(parse(&argv), Ok(Parsed::Run(_))), "{argv:?}");
            }
        }
    }
    // No short letter of a global flag is reused by a command.
    for (_, scope) in &t.commands {
        for f in &scope.flags {
            if let Some(c) = f.short {
                assert!(t.global.by_short(c).is_none(), "-{c} clashes");
            }
        }
    }
}

#[test]
fn deprecated_session_duration() {
    let inv = run(&["--session-duration", "7200"]);
    assert_eq!(inv.flags.aws_session_duration.as_deref(), Some("7200"));
    assert!(inv.warnings[0].contains("--session-duration has been deprecated"));
    let inv = run(&["--session-duration", "7200", "-s", "900"]);
    assert_eq!(inv.flags.aws_session_duration.as_deref(), Some("900"));
    assert!(run(&["-s", "900"]).warnings.is_empty());
}

#[test]
fn exec_words_are_not_parsed() {
    let inv = run(&["--exec", "--", "aws", "--profile", "a b", "--", "-x"]);
    assert_eq!(inv.flags.exec, Some(true));
    assert_eq!(inv.flags.profile, None);
    assert_eq!(
        inv.exec_args,
        args(&["aws", "--profile", "a b", "--", "-x"])
    );
    let inv = run(&["m2m", "-j", "--", "debug"]);
    assert_eq!(inv.command, Command::M2m);
    assert_eq!(inv.exec_args, args(&["debug"]));
    let inv = run(&["--exec", "--"]);
    assert!(inv.exec_args.is_empty());
}

#[test]
fn usage_errors_are_one_line_and_name_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["--bogus"], "--bogus"),
        (&["--bogus=1"], "--bogus"),
        (&["-Z"], "'Z'"),
        (&["web", "--key-id", "k"], "--key-id"),
        (&["m2m", "--aws-iam-idp", "x"], "--aws-iam-idp"),
        (&["--profile"], "--profile"),
        (&["m2m", "-i"], "-i"),
        (&["--profile", "--"], "--profile"),
        (&["stray"], "stray"),
        (&["web", "extra"], "extra"),
        (&["-b", "m2m"], "m2m"),
        (&["help", "nope"], "nope"),
        (&["list-profiles", "--open-browser"], "--open-browser"),
    ];
    for (argv, needle) in cases {
        let msg = usage_err(argv);
        assert!(msg.contains(needle), "{argv:?}: {msg}");
        assert!(!msg.contains('\n'), "{argv:?}: {msg}");
    }
    assert!(usage_err(&["web", "--key-id", "k"]).contains("m2m"));
}

#[test]
fn empty_flag_values_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["-o", ""], "-o (--org-domain)"),
        (&["--org-domain", ""], "--org-domain"),
        (&["--org-domain="], "--org-domain"),
        (&["--aws-session-duration", "  "], "--aws-session-duration"),
        (&["--session-duration="], "--session-duration"),
        (&["-p="], "-p (--profile)"),
        (&["m2m", "--key-id", ""], "--key-id"),
        (&["web", "-a", ""], "-a (--aws-acct-fed-app-id)"),
    ];
    for (argv, needle) in cases {
        let msg = usage_err(argv);
        assert!(
            msg.contains(needle) && msg.contains("empty value"),
            "{argv:?}: {msg}"
        );
    }
    // A value that is not empty is still taken as given.
    assert_eq!(
        run(&["-o", "x.okta.com"]).flags.org_domain.as_deref(),
        Some("x.okta.com")
    );
}

#[test]
fn bad_switch_values_list_every_accepted_word() {
    for argv in [
        &["--debug=maybe"][..],
        &["-g=maybe"],
        &["web", "--qr-code=2"],
    ] {
        let msg = usage_err(argv);
        assert!(msg.contains(BOOL_WORDS), "{argv:?}: {msg}");
    }
}

#[test]
fn bool_words() {
    for t in ["true", "TRUE", "1", "yes", "Yes", "on", " On "] {
        assert_eq!(parse_bool(t), Some(true), "{t}");
    }
    for f in ["false", "False", "0", "no", "NO", "off"] {
        assert_eq!(parse_bool(f), Some(false), "{f}");
    }
    for bad in ["", "maybe", "2", "t", "y", "truee"] {
        assert_eq!(parse_bool(bad), None, "{bad}");
    }
}

#[test]
fn dotenv_allow_and_deny_with_an_optional_path() {
    assert_eq!(
        parse(&args(&["dotenv", "allow"])).unwrap(),
        Parsed::Dotenv {
            allow: true,
            path: None
        }
    );
    assert_eq!(
        parse(&args(&["dotenv", "deny", "../x/.env"])).unwrap(),
        Parsed::Dotenv {
            allow: false,
            path: Some("../x/.env".into())
        }
    );
    for bad in [
        &["dotenv"][..],
        &["dotenv", "trust"],
        &["dotenv", "allow", "a", "b"],
    ] {
        assert!(
            usage_err(bad).contains("okta-aws-cli dotenv allow|deny [PATH]"),
            "{bad:?}"
        );
    }
    assert!(matches!(
        parse(&args(&["dotenv", "--help"])).unwrap(),
        Parsed::Help(h) if h.contains("Allow or deny")
    ));
}
