use super::*;

use crate::cli::{self, Parsed};
use crate::config::Env;

const ORG: &str = "https://acme.okta.com";
const CLIENT: &str = "0oaCLIENT0000000001";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/Okta";

fn planned(profile: &str, role: &str, app: &str) -> Planned {
    Planned {
        profile: profile.into(),
        idp_arn: IDP.into(),
        role_arn: format!("arn:aws:iam::123456789012:role/{role}"),
        app_id: app.into(),
    }
}

/// An environment of `pairs`; `HOME` also as `USERPROFILE`, the home of Windows runs.
fn env(pairs: &[(&str, &str)]) -> Env {
    let mut env: Env = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some(home) = env.get("HOME").cloned() {
        env.insert("USERPROFILE".to_string(), home);
    }
    env
}

/// The settings of `argv` (program name excluded) as the binary resolves them.
fn resolved(argv: &[String], env: &Env, yaml: Option<&str>) -> Config {
    let Parsed::Run(inv) = cli::parse(argv).expect("parses") else {
        panic!("not a run: {argv:?}");
    };
    crate::config::resolve(&inv, env, None, yaml).expect("resolves")
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A parent run: `web --all-profiles --write-aws-config` with `extra` flags.
fn parent(extra: &[&str], env: &Env, yaml: Option<&str>) -> Config {
    let mut argv = words(&[
        "web",
        "--org-domain",
        ORG,
        "--oidc-client-id",
        CLIENT,
        "--all-profiles",
        "--write-aws-config",
    ]);
    argv.extend(words(extra));
    resolved(&argv, env, yaml)
}

const YAML: &str = "awscli:\n  idps:\n    \"arn:aws:iam::123456789012:saml-provider/Okta\": Main\n  roles:\n    \"arn:aws:iam::123456789012:role/Admin\": Admin\n";

#[test]
fn the_child_computes_the_key_the_run_seeds() {
    let role = planned("dev", "Admin", "0oaAPP1");
    let cases: Vec<(Vec<&str>, Env)> = vec![
        (vec![], env(&[("HOME", "/home/u")])),
        (
            vec!["--aws-session-duration", "7200", "--cache-access-token"],
            env(&[
                ("HOME", "/home/u"),
                ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"),
            ]),
        ),
        // A region from the environment is pinned on the child's command line.
        (
            vec![],
            env(&[("HOME", "/home/u"), ("AWS_REGION", "eu-west-1")]),
        ),
        (
            vec!["--aws-region", "ap-south-1"],
            env(&[("HOME", "/home/u")]),
        ),
    ];
    for (extra, parent_env) in cases {
        let cfg = parent(&extra, &parent_env, Some(YAML));
        // The AWS CLI's environment: no region variable, the same home and endpoints.
        let mut child_env = parent_env.clone();
        child_env.remove("AWS_REGION");
        let child = resolved(&child_args(&cfg, &role), &child_env, Some(YAML));
        assert_eq!(child.format, Format::ProcessCredentials);
        assert!(aws_credentials::applies(&child), "{extra:?}");
        assert_eq!(
            aws_credentials::key_text(&child_config(&cfg, &role)),
            aws_credentials::key_text(&child),
            "{extra:?} {parent_env:?}"
        );
        // Another role, another key.
        let other = planned("ops", "Ops", "0oaAPP1");
        assert_ne!(
            aws_credentials::key_text(&child_config(&cfg, &other)),
            aws_credentials::key_text(&child)
        );
    }
}

#[test]
fn child_args_name_the_role_and_what_changes_the_run() {
    let cfg = parent(
        &[
            "--aws-session-duration",
            "7200",
            "--cache-aws-credentials=false",
        ],
        &env(&[("HOME", "/home/u"), ("AWS_DEFAULT_REGION", "us-west-2")]),
        None,
    );
    let args = child_args(&cfg, &planned("dev", "Admin", "0oaAPP1"));
    assert_eq!(
        args,
        words(&[
            "web",
            "--org-domain",
            ORG,
            "--oidc-client-id",
            CLIENT,
            "--aws-acct-fed-app-id",
            "0oaAPP1",
            "--aws-iam-idp",
            IDP,
            "--aws-iam-role",
            "arn:aws:iam::123456789012:role/Admin",
            "--format",
            "process-credentials",
            "--aws-session-duration",
            "7200",
            "--aws-region",
            "us-west-2",
            "--cache-aws-credentials=false",
        ])
    );
    // The cache is on by default with --write-aws-config: no flag then.
    let cfg = parent(&[], &env(&[("HOME", "/home/u")]), None);
    assert!(cfg.cache_aws_credentials);
    assert!(
        !child_args(&cfg, &planned("d", "A", "0oa"))
            .iter()
            .any(|a| a.contains("cache"))
    );
}

#[test]
fn posix_quoting() {
    assert_eq!(
        quote_posix("/usr/bin/okta-aws-cli"),
        "/usr/bin/okta-aws-cli"
    );
    assert_eq!(
        quote_posix("arn:aws:iam::1:role/A"),
        "arn:aws:iam::1:role/A"
    );
    assert_eq!(quote_posix(""), "''");
    assert_eq!(quote_posix("/opt/my tools/okta"), "'/opt/my tools/okta'");
    assert_eq!(quote_posix("it's"), "'it'\"'\"'s'");
    assert_eq!(quote_posix("a#b$c"), "'a#b$c'");
    assert_eq!(
        quote_posix("--cache-aws-credentials=false"),
        "--cache-aws-credentials=false"
    );
}

#[test]
fn windows_quoting() {
    assert_eq!(quote_windows(r"C:\bin\okta.exe"), r"C:\bin\okta.exe");
    assert_eq!(
        quote_windows(r"C:\Program Files\okta\okta.exe"),
        r#""C:\Program Files\okta\okta.exe""#
    );
    assert_eq!(quote_windows(""), r#""""#);
    // cmd.exe's special characters are quoted for SDKs that run the line through cmd /C.
    assert_eq!(
        quote_windows(r"C:\R&D\okta-aws-cli.exe"),
        r#""C:\R&D\okta-aws-cli.exe""#
    );
    for word in ["a|b", "a<b", "a>b", "a^b", "(x)", "100%"] {
        assert_eq!(quote_windows(word), format!("\"{word}\""), "{word}");
    }
    assert_eq!(quote_windows(r#"a"b"#), r#""a\"b""#);
    assert_eq!(quote_windows(r#"a\"b"#), r#""a\\\"b""#);
    assert_eq!(quote_windows(r"C:\my dir\"), r#""C:\my dir\\""#);
}

#[test]
fn command_lines_refuse_control_characters() {
    let line = command_line(&words(&["/a b/x", "web"]), false).unwrap();
    assert_eq!(line, "'/a b/x' web");
    let line = command_line(&words(&[r"C:\a b\x.exe", "web"]), true).unwrap();
    assert_eq!(line, r#""C:\a b\x.exe" web"#);
    let err = command_line(&words(&["/a\nb"]), false).unwrap_err();
    assert!(!err.to_string().contains('\n'), "{err}");
}

#[test]
fn section_names_and_markers() {
    assert_eq!(section_name("default"), "default");
    assert_eq!(section_name("dev"), "profile dev");
    let m = Marker {
        org: ORG.into(),
        client_id: CLIENT.into(),
        app_id: "0oaAPP".into(),
    };
    assert_eq!(Marker::parse(&m.line()), Some(m.clone()));
    assert!(m.line().starts_with(MARKER_PREFIX));
    assert_eq!(Marker::parse("# a comment"), None);
    assert_eq!(Marker::parse(MARKER_PREFIX), None);
}

fn line(p: Planned) -> ProfileLine {
    ProfileLine {
        command: format!("/bin/okta web --aws-iam-role {}", p.role_arn),
        planned: p,
    }
}

const FOREIGN: &str = "# my settings\n[default]\nregion = eu-west-1\n\n[profile sso]\nsso_start_url = https://x.awsapps.com/start\n  ; indented comment\ns3 =\n    addressing_style = path\n";

fn cfg_for(region: Option<&str>) -> Config {
    let mut cfg = parent(&[], &env(&[("HOME", "/home/u")]), None);
    cfg.aws_region = region.map(String::from);
    cfg
}

#[test]
fn profiles_are_appended_and_foreign_text_kept() {
    let cfg = cfg_for(Some("us-east-2"));
    let profiles = [
        line(planned("dev", "Dev", "0oaA")),
        line(planned("ops", "Ops", "0oaA")),
    ];
    let e = edit(FOREIGN, &cfg, &profiles, true, "F").unwrap();
    assert!(e.text.starts_with(FOREIGN), "{}", e.text);
    let m = marker(&cfg, &profiles[0].planned).line();
    assert_eq!(
        &e.text[FOREIGN.len()..],
        format!(
            "\n[profile dev]\n{m}\ncredential_process = /bin/okta web --aws-iam-role \
             arn:aws:iam::123456789012:role/Dev\nregion = us-east-2\n\n[profile ops]\n{m}\n\
             credential_process = /bin/okta web --aws-iam-role \
             arn:aws:iam::123456789012:role/Ops\nregion = us-east-2\n"
        )
    );
    assert_eq!(e.existed, [false, false]);
    assert!(e.removed.is_empty() && e.kept.is_empty());
    // A rerun with the same roles changes nothing.
    let again = edit(&e.text, &cfg, &profiles, true, "F").unwrap();
    assert_eq!(again.text, e.text);
    assert_eq!(again.existed, [true, true]);
    // A role gone: its section goes, the foreign text and the other section stay.
    let fewer = edit(&e.text, &cfg, &profiles[1..], true, "F").unwrap();
    assert_eq!(fewer.removed, ["dev"]);
    assert!(fewer.text.starts_with(FOREIGN));
    assert!(!fewer.text.contains("[profile dev]"));
    let ops_at = e.text.find("\n[profile ops]").unwrap();
    assert_eq!(fewer.text, format!("{FOREIGN}{}", &e.text[ops_at..]));
    // ... unless the run was incomplete: then it is kept and listed.
    let partial = edit(&e.text, &cfg, &profiles[1..], false, "F").unwrap();
    assert_eq!(partial.text, e.text);
    assert_eq!(partial.kept, ["dev"]);
    // Removing every managed section gives the file back byte for byte.
    let none = edit(&fewer.text, &cfg, &[], true, "F").unwrap();
    assert_eq!(none.text, FOREIGN);
}

#[test]
fn other_orgs_and_foreign_sections_are_never_touched() {
    let cfg = cfg_for(None);
    let dev = [line(planned("dev", "Dev", "0oaA"))];
    let mine = edit("", &cfg, &dev, true, "F").unwrap().text;
    let mut other = cfg.clone();
    other.org.base = "https://other.okta.com".into();
    // The other org's run keeps our section and refuses to take it over.
    let ops = [line(planned("ops", "Ops", "0oaB"))];
    let both = edit(&mine, &other, &ops, true, "F").unwrap();
    assert!(both.text.starts_with(&mine) && both.removed.is_empty());
    let err = edit(&mine, &other, &dev, true, "F").unwrap_err();
    assert!(
        err.to_string().contains("for org https://acme.okta.com"),
        "{err}"
    );
    // A hand-written section of that name is refused, naming it.
    let err = edit(
        FOREIGN,
        &cfg,
        &[line(planned("sso", "X", "0oaA"))],
        true,
        "F",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("F already has a section [profile sso] (line 5) for profile \"sso\""),
        "{err}"
    );
    // A run for one app removes only that app's sections.
    let mut one_app = cfg.clone();
    one_app.aws_acct_fed_app_id = Some("0oaB".into());
    let kept = edit(&mine, &one_app, &ops, true, "F").unwrap();
    assert!(kept.removed.is_empty() && kept.text.contains("[profile dev]"));
}

#[test]
fn files_botocore_refuses_are_not_edited() {
    let cfg = cfg_for(None);
    let dev = [line(planned("dev", "Dev", "0oaA"))];
    for (text, why) in [
        (
            "[a]\nk = 1\n[a]\n",
            "line 3: section [a] appears more than once",
        ),
        ("k = 1\n[a]\n", "line 1: a key before any [section]"),
        ("[a]\nk = 1\nK = 2\n", "line 3: key \"k\" appears twice"),
        ("[a]\nnot a key\n", "line 2: the line is neither"),
        (
            "[a]\ns3 =\n  no equals\n",
            "line 3: a nested value of \"s3\"",
        ),
    ] {
        let err = edit(text, &cfg, &dev, true, "F").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("F cannot be read as botocore reads it: "),
            "{msg}"
        );
        assert!(msg.contains(why), "{text:?}: {msg}");
        assert!(!msg.contains('\n'));
    }
    // A byte-order mark: botocore reads "\u{feff}[default]" as no section header.
    let err = edit("\u{feff}[default]\nregion = x\n", &cfg, &dev, true, "F").unwrap_err();
    assert_eq!(
        err.to_string(),
        "F starts with a byte-order mark (U+FEFF), which botocore cannot read (it takes the \
         mark as part of the first line); not changing it, save it as UTF-8 without BOM first"
    );
    assert!(edit("\u{feff}", &cfg, &dev, true, "F").is_err());
}

#[test]
fn shadowing_sections_get_one_line_each() {
    let creds = "[dev]\naws_access_key_id = A\n[profile ops]\nx = 1\n[other]\n";
    let lines = shadowed(
        creds,
        &["dev", "ops", "new"],
        Path::new("/h/.aws/credentials"),
    );
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("[dev]") && lines[0].contains("\"dev\""));
    assert!(!lines[0].contains('\n'));
}

#[test]
fn sections_botocore_reads_as_the_profile_are_that_profiles() {
    let cfg = cfg_for(None);
    let dev = [line(planned("dev", "Dev", "0oaA"))];
    // Written otherwise, without the marker: refused, naming the section as written.
    for (header, profile) in [
        ("profile  dev", "dev"),
        ("profile \"dev\"", "dev"),
        ("profile 'dev'", "dev"),
        ("profile\tdev", "dev"),
        ("profile dev ", "dev"),
        ("profile default", "default"),
    ] {
        let text = format!("# mine\n[{header}]\nregion = eu-west-1\noutput = json\n");
        let plan = [line(planned(profile, "Dev", "0oaA"))];
        let err = edit(&text, &cfg, &plan, true, "F").unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "F already has a section [{header}] (line 2) for profile \"{profile}\" and \
                 okta-aws-cli does not manage it"
            )),
            "{err}"
        );
    }
    // With our marker it is the section to update, as it is written: nothing appended.
    let mine = edit("", &cfg, &dev, true, "F").unwrap().text;
    let renamed = mine.replace("[profile dev]", "[profile \"dev\"]");
    let stale = renamed.replace(
        "credential_process = /bin/okta",
        "credential_process = /old",
    );
    let e = edit(&stale, &cfg, &dev, true, "F").unwrap();
    assert_eq!(e.text, renamed);
    assert_eq!(e.existed, [true]);
    assert!(e.removed.is_empty(), "{:?}", e.removed);
    // Two of ours for one profile: refused, naming both.
    let twice = format!(
        "{mine}\n{}",
        mine.replace("[profile dev]", "[profile  dev]")
    );
    let err = edit(&twice, &cfg, &dev, true, "F").unwrap_err().to_string();
    assert!(
        err.contains("[profile  dev] (line 5)") && err.contains("[profile dev] (line 1)"),
        "{err}"
    );
    // Another org's section read as the profile is refused as before.
    let mut other = cfg.clone();
    other.org.base = "https://other.okta.com".into();
    let err = edit(&renamed, &other, &dev, true, "F").unwrap_err();
    assert!(
        err.to_string().contains("[profile \"dev\"] (line 1)"),
        "{err}"
    );
}

#[test]
fn names_botocore_cannot_read_back_are_a_configuration_error() {
    let cfg = parent(
        &["--profile-template", "okta {role}"],
        &env(&[("HOME", "/home/u")]),
        None,
    );
    let ok = planned("okta-Dev", "Dev", "0oaA");
    assert!(check_names(std::slice::from_ref(&ok), cfg.profile_template.as_ref()).is_ok());
    for (name, why) in [
        ("okta Dev", "whitespace"),
        ("it's", "quote"),
        ("\"Dev\"", "quote"),
        (r"a\b", "backslash"),
    ] {
        let plan = [ok.clone(), planned(name, "Dev", "0oaA")];
        let err = check_names(&plan, cfg.profile_template.as_ref()).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!(
                "as profile {name:?} (--profile-template \"okta {{role}}\")"
            )) && msg.contains(why)
                && msg.contains("role arn:aws:iam::123456789012:role/Dev"),
            "{msg}"
        );
    }
}
