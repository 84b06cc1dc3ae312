use super::*;
use crate::config::dotenv_text::parse_dotenv;

const PATH: &str = "/work/repo/.env";
const TEXT: &str = "AWS_REGION=eu-west-1\nOKTA_AWSCLI_FORMAT=aws-credentials\nokta_awscli_profile=prod\nOKTA_AWSCLI_DEBUG=true\nOKTA_AWSCLI_CHAIN_ROLE=arn:aws:iam::999999999999:role/X\n";

fn keys(d: &DotEnv) -> Vec<&str> {
    d.vars.keys().map(String::as_str).collect()
}

#[test]
fn sensitive_keys_cover_the_issue_list_and_legacy_names() {
    for name in [
        "OKTA_AWSCLI_ORG_DOMAIN",
        "okta_org_domain",
        "OKTA_AWSCLI_OIDC_CLIENT_ID",
        "OKTA_OIDC_CLIENT_ID",
        "OKTA_AWSCLI_IAM_ROLE",
        "OKTA_AWSCLI_IAM_IDP",
        "OKTA_AWSCLI_CHAIN_ROLE",
        "OKTA_AWSCLI_CHAIN_EXTERNAL_ID",
        "OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID",
        "OKTA_AWS_ACCOUNT_FEDERATION_APP_ID",
        "OKTA_AWSCLI_FORMAT",
        "OKTA_AWSCLI_PROFILE",
        "OKTA_AWSCLI_WRITE_AWS_CREDENTIALS",
        "OKTA_AWSCLI_ALL_PROFILES",
        "OKTA_AWSCLI_PROFILE_TEMPLATE",
        "OKTA_AWSCLI_EXEC",
    ] {
        assert!(is_sensitive(name), "{name}");
    }
    for name in [
        "AWS_REGION",
        "OKTA_AWSCLI_AWS_REGION",
        "OKTA_AWSCLI_SESSION_DURATION",
        "OKTA_AWSCLI_DEBUG",
        "OKTA_AWSCLI_MIN_TTL",
        "OKTA_AWSCLI_QR_CODE",
        "SOMETHING_ELSE",
        // Refused whether allowed or not: never listed as "allow to use".
        "OKTA_AWSCLI_OPEN_BROWSER_COMMAND",
        "OKTA_AWSCLI_AWS_CREDENTIALS",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        assert!(!is_sensitive(name), "{name}");
    }
    // Every listed setting exists in the settings table.
    for key in SENSITIVE_SETTINGS {
        assert!(crate::config::env_name(key).is_some(), "{key}");
    }
}

#[test]
fn not_allowed_drops_only_the_sensitive_keys_in_line_order() {
    let d = parse_dotenv(TEXT).unwrap();
    let sha = sha256_hex(TEXT.as_bytes());
    let (kept, state) = filter(&d, "", PATH, &sha);
    assert_eq!(keys(&kept), ["AWS_REGION", "OKTA_AWSCLI_DEBUG"]);
    assert_eq!(kept.line("OKTA_AWSCLI_DEBUG"), Some(4));
    assert_eq!(kept.line("OKTA_AWSCLI_FORMAT"), None);
    assert_eq!(
        state,
        DotEnvTrust::NotAllowed {
            ignored: vec![
                "OKTA_AWSCLI_FORMAT".into(),
                "OKTA_AWSCLI_PROFILE".into(),
                "OKTA_AWSCLI_CHAIN_ROLE".into()
            ],
            changed: false
        }
    );
}

#[test]
fn allowed_content_keeps_everything_and_a_change_needs_a_new_allow() {
    let d = parse_dotenv(TEXT).unwrap();
    let sha = sha256_hex(TEXT.as_bytes());
    let list = allow("", PATH, &sha).unwrap();
    assert!(list.starts_with('#'), "{list}");
    let (kept, state) = filter(&d, &list, PATH, &sha);
    assert_eq!(kept, d);
    assert_eq!(state, DotEnvTrust::Allowed);
    // Same content at another path: not allowed.
    let (_, state) = filter(&d, &list, "/elsewhere/.env", &sha);
    assert!(matches!(
        state,
        DotEnvTrust::NotAllowed { changed: false, .. }
    ));
    // Changed content at the same path: not allowed, and said so.
    let edited = format!("{TEXT}# edited\n");
    let (kept, state) = filter(&d, &list, PATH, &sha256_hex(edited.as_bytes()));
    assert!(!kept.vars.contains_key("OKTA_AWSCLI_FORMAT"));
    assert!(matches!(
        state,
        DotEnvTrust::NotAllowed { changed: true, .. }
    ));
}

#[test]
fn a_file_without_sensitive_keys_needs_no_allow() {
    let d = parse_dotenv("AWS_REGION=eu-west-1\nOKTA_AWSCLI_FORMAT=\n").unwrap();
    let (kept, state) = filter(&d, "", PATH, "00");
    assert_eq!(kept, d);
    assert_eq!(state, DotEnvTrust::NoSensitiveKeys);
}

#[test]
fn allow_replaces_the_line_of_its_path_and_deny_removes_it() {
    let a = "a".repeat(64);
    let b = "b".repeat(64);
    let list = allow("", "/x/.env", &a).unwrap();
    let list = allow(&list, "/y/my .env", &a).unwrap();
    let list = allow(&list, "/x/.env", &b).unwrap();
    assert_eq!(list.matches("/x/.env").count(), 1, "{list}");
    assert!(is_allowed(&list, "/x/.env", &b));
    assert!(!is_allowed(&list, "/x/.env", &a));
    assert!(is_allowed(&list, "/y/my .env", &a));
    let (list, found) = deny(&list, "/x/.env");
    assert!(found);
    assert!(!is_allowed(&list, "/x/.env", &b));
    assert!(is_allowed(&list, "/y/my .env", &a));
    assert!(!deny(&list, "/x/.env").1);
    assert!(allow(&list, "/x/\n.env", &a).is_err());
    // A malformed line never counts as an entry.
    assert!(!is_allowed("zz /x/.env\n", "/x/.env", "zz"));
}

#[test]
fn the_warning_names_keys_and_a_pasteable_command_never_values() {
    let d = parse_dotenv(TEXT).unwrap();
    let (_, state) = filter(&d, "", "/w/my repo/.env", "00");
    let DotEnvTrust::NotAllowed { ignored, changed } = state else {
        panic!("{state:?}")
    };
    let w = ignored_warning(&ignored, changed, "/w/my repo/.env");
    assert_eq!(
        w,
        ".env /w/my repo/.env is not allowed: ignored OKTA_AWSCLI_FORMAT, OKTA_AWSCLI_PROFILE, OKTA_AWSCLI_CHAIN_ROLE; if you trust it, run: okta-aws-cli dotenv allow '/w/my repo/.env'"
    );
    assert!(!w.contains("999999999999"));
    assert_eq!(shell_word("/a/b.env"), "/a/b.env");
    assert_eq!(shell_word("/a/it's"), r"'/a/it'\''s'");
}

#[test]
fn sha256_matches_the_fips_example() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
