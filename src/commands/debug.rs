//! The `list-profiles` and `debug` commands (docs/decisions.md#d-okta-yaml).
//!
//! The report builders are pure (text in, text out); [`run_debug`] is the thin I/O wrapper
//! that reads the files and writes stderr.

use std::fmt::Write as _;
use std::path::Path;

use serde_norway::Value;

use crate::config::files::{self, KNOWN_PROFILE_KEYS, Scalar, Section};
use crate::config::load;
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::okta::choice;

/// `list-profiles` output: `(stdout, stderr note)`. stdout is `Profiles:` and then each
/// profile name of `awscli.profiles`, sorted, one per line after one space. When there
/// are none, the note (for stderr) says why. Control characters in a name (a YAML key
/// `"x\ny"`) are shown escaped ([`crate::term::sanitize::line`]), so each profile stays one line.
pub fn list_profiles(cfg: &Config) -> (String, Option<String>) {
    let mut out = String::from("Profiles:\n");
    let path = cfg.okta_yaml_path.display();
    let Some(yaml) = &cfg.okta_yaml else {
        return (out, Some(format!("no okta.yaml found at {path}")));
    };
    let mut names: Vec<&str> = yaml.profiles.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    if names.is_empty() {
        return (
            out,
            Some(format!(
                "no profiles in the awscli.profiles section of {path}"
            )),
        );
    }
    for n in names {
        let _ = writeln!(out, " {}", crate::term::sanitize::line(n));
    }
    (out, None)
}

const TEMPLATE: &str = "---
awscli:
  idps:
    \"arn:aws:iam::123456789012:saml-provider/company-okta-idp\": \"Data Production\"
    \"arn:aws:iam::012345678901:saml-provider/company-okta-idp\": \"Data Development\"
  roles:
    \"arn:aws:iam::123456789012:role/admin\": \"Prod Admin\"
    \"arn:aws:iam::123456789012:role/operator\": \"Prod Ops\"
    \"arn:aws:iam::012345678901:role/admin\": \"Dev Admin\"
    \"arn:aws:iam::012345678901:role/operator\": \"Dev Ops\"
  profiles:
    sample-account:
      org-domain: \"example.okta.com\"
      oidc-client-id: \"0oa-example-client\"
      aws-iam-idp: \"arn:aws:iam::123456789012:saml-provider/company-okta-idp\"
      aws-iam-role: \"arn:aws:iam::123456789012:role/admin\"
";

/// The result of the `debug` checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugReport {
    /// Everything to print on stderr (ends with the `... is complete` line).
    pub text: String,
    /// Set when a check failed (the run then exits 1 with this message).
    pub failure: Option<String>,
}

/// How reading okta.yaml went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlRead {
    /// No home directory, so no path.
    NoHome,
    /// The file does not exist.
    Absent,
    /// Reading failed (the OS error text).
    Unreadable(String),
    /// The file's text.
    Text(String),
}

fn label_section(out: &mut String, warnings: &mut usize, root: &Value, name: &str, what: &str) {
    let label = format!("\"awscli.{name}\"");
    match files::section(root, &["awscli", name]) {
        Section::Absent => {
            let _ = writeln!(
                out,
                "okta.yaml has no {label} section (optional: friendly labels for {what} ARNs)"
            );
        }
        Section::Null => {
            let _ = writeln!(out, "okta.yaml {label} section has no values");
        }
        Section::Other(kind) => {
            *warnings += 1;
            let _ = writeln!(
                out,
                "WARNING: okta.yaml {label} section is not a map of ARN string key to friendly string label values (it is a {kind})"
            );
        }
        Section::Map(m) if m.is_empty() => {
            let _ = writeln!(
                out,
                "okta.yaml {label} section is an empty map of ARN string key to friendly string label values"
            );
        }
        Section::Map(m) => {
            let mut bad = 0;
            for (k, v) in m {
                let key = files::key_text(k);
                match (&key, files::scalar(v)) {
                    (None, _) => {
                        bad += 1;
                        let _ = writeln!(
                            out,
                            "WARNING: okta.yaml {label} has a {} as an ARN key",
                            files::kind(k)
                        );
                    }
                    (Some(k), Scalar::Text(_)) => {
                        if let Some(problem) = choice::label_key_problem(k) {
                            bad += 1;
                            let _ = writeln!(
                                out,
                                "WARNING: okta.yaml {label} key {k:?} is not a valid regular expression ({problem}); it matches only an identical ARN"
                            );
                        }
                    }
                    (Some(k), _) => {
                        bad += 1;
                        let _ = writeln!(
                            out,
                            "WARNING: okta.yaml {label} ARN key {k:?}'s friendly label value is not a string"
                        );
                    }
                }
            }
            *warnings += bad;
            if bad == 0 {
                let _ = writeln!(
                    out,
                    "okta.yaml {label} section is a map of {} ARN string keys to friendly string label values",
                    m.len()
                );
            }
        }
    }
}

/// Boolean settings of a profile.
const BOOLEAN_KEYS: &[&str] = &[
    "all-profiles",
    "cache-access-token",
    "debug",
    "debug-api-calls",
    "ecs-server",
    "exec",
    "expiry-aws-variables",
    "legacy-aws-variables",
    "open-browser",
    "qr-code",
    "short-user-agent",
    "write-aws-config",
    "write-aws-credentials",
];

/// Why `value` is not usable for profile key `key` (what a run with that profile would
/// refuse), or `None`. Checks every key whose values have rules: booleans, the session
/// duration, the format and the org domain.
fn value_problem(key: &str, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    if BOOLEAN_KEYS.contains(&key) {
        return config::flags::parse_bool(value).is_none().then(|| {
            format!(
                "{value:?} is not a boolean: use {}",
                config::flags::BOOL_WORDS
            )
        });
    }
    match key {
        "aws-session-duration" | "session-duration" => {
            config::parse_session_duration(value).is_none().then(|| {
                format!("{value:?} is not a session duration: whole seconds between 900 and 43200")
            })
        }
        "format" => config::Format::parse(value).is_none().then(|| {
            let valid: Vec<&str> = config::Format::ALL.iter().map(|f| f.as_str()).collect();
            format!("{value:?} is not a format: use one of {}", valid.join(", "))
        }),
        "org-domain" => config::normalize_org(value).err(),
        _ => None,
    }
}

fn profiles_section(out: &mut String, warnings: &mut usize, invalid: &mut usize, root: &Value) {
    match files::section(root, &["awscli", "profiles"]) {
        Section::Absent => {
            let _ = writeln!(
                out,
                "okta.yaml has no \"awscli.profiles\" section (optional: settings keyed by profile name)"
            );
        }
        Section::Null => {
            let _ = writeln!(out, "okta.yaml \"awscli.profiles\" section has no values");
        }
        Section::Other(kind) => {
            *warnings += 1;
            let _ = writeln!(
                out,
                "WARNING: okta.yaml \"awscli.profiles\" section is not a map of separate config settings keyed by profile name (it is a {kind})"
            );
        }
        Section::Map(m) if m.is_empty() => {
            let _ = writeln!(
                out,
                "okta.yaml \"awscli.profiles\" section is an empty map of separate config settings keyed by profile name"
            );
        }
        Section::Map(m) => {
            let mut bad = 0;
            for (k, v) in m {
                let name = files::key_text(k).unwrap_or_else(|| "?".into());
                match v {
                    Value::Null => {}
                    Value::Mapping(settings) => {
                        for (sk, sv) in settings {
                            let key = files::key_text(sk).unwrap_or_else(|| "?".into());
                            if !KNOWN_PROFILE_KEYS.contains(&key.as_str()) {
                                bad += 1;
                                let hint = files::closest_key(&key)
                                    .map(|s| format!(" (did you mean {s:?}?)"))
                                    .unwrap_or_default();
                                let _ = writeln!(
                                    out,
                                    "WARNING: okta.yaml profile {name:?} has unknown key {key:?}{hint}"
                                );
                            } else if key == "session-duration" {
                                let _ = writeln!(
                                    out,
                                    "okta.yaml profile {name:?} uses deprecated key \"session-duration\"; use \"aws-session-duration\""
                                );
                            }
                            let listed = files::LIST_PROFILE_KEYS.contains(&key.as_str())
                                && files::text_list(sv).is_some();
                            match files::scalar(sv) {
                                Scalar::NotScalar(_) if listed => {}
                                Scalar::NotScalar(kind) => {
                                    bad += 1;
                                    let _ = writeln!(
                                        out,
                                        "WARNING: okta.yaml profile {name:?} key {key:?} is a {kind}, expected a single value"
                                    );
                                }
                                Scalar::Text(v) => {
                                    if let Some(problem) = value_problem(&key, &v) {
                                        *invalid += 1;
                                        let _ = writeln!(
                                            out,
                                            "WARNING: okta.yaml profile {name:?} key {key:?}: {problem}"
                                        );
                                    }
                                }
                                Scalar::Null => {}
                            }
                        }
                        let has = |k: &str| {
                            settings.iter().any(|(sk, sv)| {
                                files::key_text(sk).as_deref() == Some(k)
                                    && matches!(files::scalar(sv), Scalar::Text(t) if !t.trim().is_empty())
                            })
                        };
                        if has("private-key") && has("private-key-file") {
                            *invalid += 1;
                            let _ = writeln!(
                                out,
                                "WARNING: okta.yaml profile {name:?} sets both private-key and private-key-file; give only one"
                            );
                        }
                    }
                    other => {
                        bad += 1;
                        let _ = writeln!(
                            out,
                            "WARNING: okta.yaml profile {name:?} is not a map of settings (it is a {})",
                            files::kind(other)
                        );
                    }
                }
            }
            *warnings += bad;
            let _ = writeln!(
                out,
                "okta.yaml \"awscli.profiles\" section is a map of {} separate config settings keyed by profile name",
                m.len()
            );
        }
    }
}

/// Build the `debug` report (PURE). `home` is the home directory if known, `path` the
/// okta.yaml path, `read` how reading it went, and `resolve` resolves the settings with the
/// okta.yaml text (checks that a real run would accept them).
///
/// Each of `awscli.idps`, `awscli.roles` and `awscli.profiles` is optional and reported on
/// its own. A failure (no home, unreadable file, invalid YAML with line and column, settings
/// that do not resolve) sets [`DebugReport::failure`]; an absent file is reported but is not
/// a failure (okta.yaml is optional).
pub fn debug_report(
    home: Option<&Path>,
    path: &Path,
    read: YamlRead,
    resolve: impl FnOnce(Option<&str>) -> Result<Config>,
) -> DebugReport {
    let mut out = String::new();
    // No line of the report holds only whitespace.
    let _ = write!(
        out,
        "Given this YAML as an example template of okta.yaml for reference:\n{TEMPLATE}"
    );
    let mut failure = None;
    let shown = path.display().to_string();
    let mut yaml_text = None;
    match home {
        Some(h) => {
            let _ = writeln!(out, "found home directory {:?}", h.display().to_string());
        }
        None => {
            let _ = writeln!(
                out,
                "WARNING: can't find user home directory: HOME is not set"
            );
            failure = Some("cannot find the home directory (HOME is not set)".to_string());
        }
    }
    if failure.is_none() {
        match read {
            YamlRead::NoHome => {}
            YamlRead::Absent => {
                let _ = writeln!(
                    out,
                    "okta.yaml does not exist {shown:?}; it is optional (settings can come from flags, environment variables or .env)"
                );
            }
            YamlRead::Unreadable(e) => {
                let _ = writeln!(out, "WARNING: can't read okta config {shown:?}: {e}");
                failure = Some(format!("cannot read {shown}: {e}"));
            }
            YamlRead::Text(text) => {
                let _ = writeln!(out, "okta.yaml is readable {shown:?}");
                match files::parse_yaml(&text) {
                    Err(e) => {
                        let _ = writeln!(
                            out,
                            "WARNING: okta.yaml is invalid yaml format: {shown}: {e}"
                        );
                        failure = Some(format!("{shown}: invalid YAML at {e}"));
                    }
                    Ok(root) => {
                        let _ = writeln!(out, "okta.yaml is valid yaml");
                        let mut warnings = 0;
                        let mut invalid = 0;
                        match files::section(&root, &["awscli"]) {
                            Section::Absent => {
                                let _ = writeln!(
                                    out,
                                    "okta.yaml has no root \"awscli\" section (nothing for okta-aws-cli)"
                                );
                            }
                            Section::Null => {
                                let _ = writeln!(out, "okta.yaml \"awscli\" section has no values");
                            }
                            Section::Other(kind) => {
                                warnings += 1;
                                let _ = writeln!(
                                    out,
                                    "WARNING: okta.yaml \"awscli\" is not a map of values (it is a {kind})"
                                );
                            }
                            Section::Map(_) => {
                                let _ = writeln!(out, "okta.yaml has root \"awscli\" section");
                                label_section(
                                    &mut out,
                                    &mut warnings,
                                    &root,
                                    "idps",
                                    "IAM identity provider",
                                );
                                label_section(&mut out, &mut warnings, &root, "roles", "IAM role");
                                profiles_section(&mut out, &mut warnings, &mut invalid, &root);
                            }
                        }
                        if warnings + invalid == 0 {
                            let _ = writeln!(out, "okta.yaml is OK");
                        }
                        if invalid > 0 {
                            failure = Some(format!(
                                "{shown}: {invalid} invalid setting{} in awscli.profiles (see the warnings above)",
                                if invalid == 1 { "" } else { "s" }
                            ));
                        }
                        yaml_text = Some(text);
                    }
                }
            }
        }
    }
    // Profile value problems do not stop the check of the selected profile's settings.
    if failure.is_none() || yaml_text.is_some() {
        match resolve(yaml_text.as_deref()) {
            Ok(cfg) => {
                let _ = writeln!(
                    out,
                    "settings for profile {:?} resolve without error",
                    cfg.profile
                );
            }
            Err(e) => {
                let _ = writeln!(out, "WARNING: settings do not resolve: {e}");
                failure = Some(match failure {
                    Some(f) => format!("{f}; {e}"),
                    None => e.to_string(),
                });
            }
        }
    }
    let _ = writeln!(out, "debugging okta-aws-cli config {shown} is complete");
    DebugReport { text: out, failure }
}

/// I/O: run `debug` — read okta.yaml under `home` (the home directory, if known), print
/// the report on stderr, and fail with [`Error::Runtime`] (exit 1) when a check failed.
/// `resolve` resolves the run's settings with the okta.yaml text (the caller reads `.env`:
/// [`load::load_with_okta_yaml`]).
pub fn run_debug(
    home: Option<&Path>,
    resolve: impl FnOnce(Option<&str>) -> Result<Config>,
) -> Result<()> {
    let path = home.map(config::okta_yaml_path).unwrap_or_default();
    let read = match home {
        None => YamlRead::NoHome,
        Some(_) => match load::read_optional(&path) {
            Ok(None) => YamlRead::Absent,
            Ok(Some(t)) => YamlRead::Text(t),
            Err(e) => YamlRead::Unreadable(e.to_string()),
        },
    };
    let report = debug_report(home, &path, read, resolve);
    crate::term::stderr::say(&report.text);
    match report.failure {
        Some(f) => Err(Error::runtime(f)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Command;
    use crate::config::files::parse_okta_yaml;
    use std::path::PathBuf;

    const B34: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cases/B34-okta.yaml"
    ));

    fn ok_resolve(_: Option<&str>) -> Result<Config> {
        Ok(Config {
            profile: "default".into(),
            command: Command::Debug,
            ..Config::default()
        })
    }

    fn report(read: YamlRead) -> DebugReport {
        let home = PathBuf::from("/home/u");
        debug_report(
            Some(&home),
            Path::new("/home/u/.okta/okta.yaml"),
            read,
            ok_resolve,
        )
    }

    #[test]
    fn list_profiles_escapes_control_characters() {
        let cfg = Config {
            okta_yaml: Some(
                parse_okta_yaml("awscli:\n  profiles:\n    \"x\\ny\": {}\n    \"e\\e[2J\": {}\n")
                    .unwrap(),
            ),
            ..Config::default()
        };
        let (out, _) = list_profiles(&cfg);
        assert_eq!(out, "Profiles:\n e\\x1b[2J\n x\\ny\n");
    }

    #[test]
    fn list_profiles_sorted_and_empty() {
        let mut cfg = Config {
            okta_yaml_path: "/h/.okta/okta.yaml".into(),
            okta_yaml: Some(
                parse_okta_yaml("awscli:\n  profiles:\n    zeta: {}\n    alpha:\n    Mid: {}\n")
                    .unwrap(),
            ),
            ..Config::default()
        };
        assert_eq!(
            list_profiles(&cfg),
            ("Profiles:\n Mid\n alpha\n zeta\n".to_string(), None)
        );
        cfg.okta_yaml = Some(parse_okta_yaml("awscli:\n  idps:\n").unwrap());
        let (out, note) = list_profiles(&cfg);
        assert_eq!(out, "Profiles:\n");
        assert!(note.unwrap().contains("no profiles"));
        cfg.okta_yaml = None;
        let (out, note) = list_profiles(&cfg);
        assert_eq!(out, "Profiles:\n");
        assert!(
            note.unwrap()
                .contains("no okta.yaml found at /h/.okta/okta.yaml")
        );
    }

    #[test]
    fn debug_b34() {
        let r = report(YamlRead::Text(B34.to_string()));
        assert_eq!(r.failure, None, "{}", r.text);
        let t = &r.text;
        assert!(t.contains("okta.yaml is valid yaml"), "{t}");
        assert!(t.contains("\"awscli.idps\" section has no values"), "{t}");
        assert!(
            t.contains("\"awscli.roles\" section is an empty map"),
            "{t}"
        );
        assert!(t.contains("map of 3 separate config settings"), "{t}");
        assert!(
            t.contains(
                "unknown key \"write-credentials\" (did you mean \"write-aws-credentials\"?)"
            ),
            "{t}"
        );
        assert!(t.contains("deprecated key \"session-duration\""), "{t}");
        assert!(
            !t.contains("okta.yaml is OK"),
            "a warning was reported: {t}"
        );
        assert!(!t.contains("missing \"awscli.idps\""));
        assert!(t.ends_with("debugging okta-aws-cli config /home/u/.okta/okta.yaml is complete\n"));
    }

    #[test]
    fn debug_profiles_only_is_ok() {
        let r = report(YamlRead::Text(
            "awscli:\n  profiles:\n    dev:\n      org-domain: x.okta.com\n".into(),
        ));
        assert_eq!(r.failure, None);
        assert!(
            r.text.contains("has no \"awscli.idps\" section (optional"),
            "{}",
            r.text
        );
        assert!(r.text.contains("okta.yaml is OK"), "{}", r.text);
    }

    #[test]
    fn debug_invalid_yaml_names_line_and_column() {
        let r = report(YamlRead::Text("awscli:\n  profiles:\n\tdev: {}\n".into()));
        let f = r.failure.expect("must fail");
        assert!(
            f.contains("/home/u/.okta/okta.yaml") && f.contains("line 3, column"),
            "{f}"
        );
        assert!(
            r.text.contains("WARNING: okta.yaml is invalid yaml format"),
            "{}",
            r.text
        );
        assert!(r.text.ends_with("is complete\n"));
    }

    #[test]
    fn debug_absent_unreadable_nohome_and_resolve_failure() {
        let r = report(YamlRead::Absent);
        assert_eq!(r.failure, None);
        assert!(r.text.contains("okta.yaml does not exist"), "{}", r.text);
        let r = report(YamlRead::Unreadable("permission denied".into()));
        assert!(r.failure.unwrap().contains("permission denied"));
        let r = debug_report(None, Path::new(""), YamlRead::NoHome, ok_resolve);
        assert!(r.failure.is_some());
        let r = debug_report(
            Some(Path::new("/h")),
            Path::new("/h/.okta/okta.yaml"),
            YamlRead::Absent,
            |_| Err(Error::config("invalid boolean \"maybe\" in X")),
        );
        assert!(r.failure.unwrap().contains("maybe"));
        assert!(r.text.contains("WARNING: settings do not resolve"));
        let r = report(YamlRead::Text("awscli:\n  idps: [1]\n".into()));
        assert!(
            r.text.contains("\"awscli.idps\" section is not a map"),
            "{}",
            r.text
        );
    }

    #[test]
    fn debug_reports_each_invalid_label_regex() {
        let r = report(YamlRead::Text(
            "awscli:\n  idps:\n    \"([\": x\n    \"arn:aws:iam::1:saml-provider/ok\": Ok\n  roles:\n    \"arn:.*:role/(admin\": A\n    \"arn:.*:role/ops\": Ops\n    \"a{2,1}\": B\n".into(),
        ));
        assert_eq!(r.failure, None, "a warning, not a failure: {}", r.text);
        let t = &r.text;
        let warned: Vec<&str> = t
            .lines()
            .filter(|l| l.contains("regular expression"))
            .collect();
        assert_eq!(warned.len(), 3, "{t}");
        assert!(
            warned[0].starts_with("WARNING: okta.yaml \"awscli.idps\" key \"([\""),
            "{t}"
        );
        assert!(
            warned[1].contains("\"awscli.roles\" key \"arn:.*:role/(admin\""),
            "{t}"
        );
        assert!(warned[2].contains("\"a{2,1}\""), "{t}");
        assert!(!t.contains("okta.yaml is OK"), "{t}");
        // Plain ARNs and valid expressions are not reported.
        let r = report(YamlRead::Text(
            "awscli:\n  roles:\n    \"arn:aws:iam::1:role/a+b\": A\n    \"^arn:.*$\": B\n".into(),
        ));
        assert!(r.text.contains("okta.yaml is OK"), "{}", r.text);
    }

    #[test]
    fn debug_reports_every_invalid_value_of_every_profile() {
        let r = report(YamlRead::Text(
            "awscli:\n  profiles:\n    a:\n      debug: maybe\n      format: json\n    b:\n      aws-session-duration: 60\n      org-domain: \"http://x.example.com\"\n      private-key: k\n      private-key-file: f\n    c:\n      qr-code: yes\n".into(),
        ));
        let t = &r.text;
        let warned: Vec<&str> = t.lines().filter(|l| l.starts_with("WARNING:")).collect();
        assert_eq!(warned.len(), 5, "{t}");
        for needle in [
            "profile \"a\" key \"debug\"",
            "profile \"a\" key \"format\"",
            "profile \"b\" key \"aws-session-duration\"",
            "profile \"b\" key \"org-domain\"",
            "profile \"b\" sets both private-key and private-key-file",
        ] {
            assert!(t.contains(needle), "{needle}: {t}");
        }
        assert!(!t.contains("profile \"c\""), "{t}");
        assert!(r.failure.unwrap().contains("5 invalid settings"));
        // The selected profile's settings were still checked.
        assert!(t.contains("resolve without error"), "{t}");
    }

    #[test]
    fn debug_prints_no_whitespace_only_line() {
        for read in [
            YamlRead::Text(B34.to_string()),
            YamlRead::Absent,
            YamlRead::Text("awscli:\n  profiles:\n\tdev: {}\n".into()),
        ] {
            let r = report(read);
            for line in r.text.lines() {
                assert!(!line.trim().is_empty(), "blank line in:\n{}", r.text);
            }
        }
    }
}
