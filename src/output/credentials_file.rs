//! Upsert profiles into the AWS shared credentials file (docs/decisions.md#d-credentials-file).
//!
//! The file-independent part of the editor (setting keys in one section, a section's leading
//! comment, removing a section, the checks after each edit) is the `section` submodule,
//! which the AWS config file's writer (`crate::output::aws_config`) uses too; its helpers are
//! the `syntax`, `doc`, `duplicates`, `long_term`, `nested` and `write` submodules.
//!
//! Two layers, kept apart:
//! * PURE ([`upsert`], [`upsert_all`]): a line-preserving editor. It takes the file's text and
//!   returns the new text plus warnings; nothing outside the profile's own section changes
//!   (comments, blank lines, order, other sections, CRLF/LF, a UTF-8 BOM stay byte-identical).
//! * I/O ([`write_profiles`]): follows a symlink to its target, creates missing directories
//!   (mode 0700), holds an exclusive lock on a sibling lock file for the read-modify-write,
//!   and replaces the file atomically (temp file in the same directory, fsync, rename, fsync
//!   of the directory), with mode 0600 for a new file and the old mode for an existing one.
//!
//! # Keys we own
//! In the profile's section we set `aws_access_key_id`, `aws_secret_access_key`,
//! `aws_session_token`, `aws_security_token` (only with `--legacy-aws-variables`),
//! `x_security_token_expires` (only with `--expiry-aws-variables`; the STS expiration in RFC
//! 3339 UTC) and `region` (only when a region is configured). When their option is off, an
//! existing `aws_security_token` / `x_security_token_expires` is stale: it is commented out
//! (`# aws_security_token    = OLD`) and a warning names it. Every other key (`region` when no
//! region is configured, `output`, `credential_process`, …) is left active and untouched;
//! unlike upstream (okta/okta-aws-cli#79) we never comment out foreign keys.
//!
//! # Parsing rules
//! Lines are read exactly as botocore reads them with Python's `configparser` (the rules, and
//! where they come from, are in the `syntax` submodule): lines end at `\r\n`, `\r` or `\n`
//! and each keeps its own ending; a line continues the open value when it is indented (with
//! any Python whitespace) more than that value's key line, even across blank and comment
//! lines, and is otherwise a header or a key even when indented; `[ p ]` is the section ` p `
//! (a warning says it is not `p`); key names fold as Python's `str.lower()` (`K`, the Kelvin
//! sign, is `k`); `;` or `#` after a value is part of it. A `[DEFAULT]` section is not a
//! profile (configparser reads it as defaults for all sections), so it is never written.
//! Lines Python cannot read at all are kept as they are: the file is not refused for them.
//!
//! The edit keeps that reading: a replaced value loses its old continuation lines, a stale
//! key is commented out with its continuation lines, and new key lines take an indentation
//! under which they are keys and the next line is not read as their continuation.
//!
//! # Refusals
//! After each profile's edit, the result is parsed again: every other section must read as
//! before, and the profile must hold exactly the values written plus its other keys as they
//! were. If not (possible only in files Python rejects, such as a duplicated section whose
//! removal would join indented lines to another section), the edit is refused with
//! `cannot update profile "<p>" in <file>: line <n>: <why>; the file was not changed, …`.
//!
//! # Nested values
//! botocore reads a value whose key line is empty and whose indented lines follow as nested
//! `key = value` lines, and rejects the whole file when one of them has no `=`. A profile
//! takes every `[DEFAULT]` key it does not set itself. An edit that would let a profile take
//! such a `[DEFAULT]` value it did not take before (a new profile, or a stale key commented
//! out) is refused as above, naming the line without `=` and the key (the `nested`
//! submodule).
//!
//! # Long-term keys
//! A profile whose `aws_access_key_id` starts with `AKIA` and that has no `aws_session_token`
//! holds an IAM user's long-term keys. Unless [`UpsertOptions::force_overwrite`] is set, a
//! batch that names such a profile is refused before any edit, whatever chose the name:
//! `not overwriting profile "<p>" in <file>: it holds a long-term access key …` (a
//! configuration error, exit 2). With it, the keys are replaced and a warning says so.
//!
//! # Duplicates (case B23)
//! When the profile's section appears more than once, the first one is kept and updated and
//! the later copies are removed; their keys that the first section lacks (and that we do not
//! own) are moved into the first section, keys present in both keep the first section's value
//! and are named in the warning (a moved key line takes the indentation new keys would take).
//! A key we own that repeats inside the section keeps only its first line. The alternative
//! (refusing the write) would leave the user with a file the AWS CLI rejects for every
//! profile; it is still the outcome when removing a copy would join the indented lines after
//! it to another section (see "Refusals").

mod doc;
mod duplicates;
mod long_term;
mod nested;
mod section;
mod syntax;
mod write;

use doc::Doc;
use section::{Failure, OwnedKeys, set_section};

pub(crate) use section::{
    Lead, SectionSet, SectionView, botocore_problem, edit_sections, read_sections,
};

pub use long_term::LONG_TERM_PREFIX;
pub(crate) use write::{FileKind, precheck, replace_locked};
pub use write::{WriteReport, refuse_long_term_keys, write_profiles};

use syntax::Kind;

use crate::aws::sts::Credentials;
use crate::error::{Error, Result};
use crate::output::render::utc_expiration;

/// What to write besides the three credential keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpsertOptions {
    /// `--legacy-aws-variables`: also write `aws_security_token` (= the session token).
    pub legacy_aws_variables: bool,
    /// `--expiry-aws-variables`: also write `x_security_token_expires` (STS expiration,
    /// RFC 3339 UTC `…Z`).
    pub expiry_aws_variables: bool,
    /// The configured AWS region (`--aws-region` etc.); written as `region` when set.
    pub region: Option<String>,
    /// `--force-overwrite` (command line only): replace a profile that holds long-term
    /// keys (see "Long-term keys" in the module doc) instead of refusing.
    pub force_overwrite: bool,
}

/// The result of editing the text for one profile. Debug shows the text's length only
/// (it holds secret keys and session tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct Edit {
    /// The whole new file text (BOM and line endings preserved).
    pub text: String,
    /// Human-readable warnings, each a full line starting with `WARNING: ` (for stderr).
    pub warnings: Vec<String>,
    /// Whether a `[profile]` section already existed (updated) or was appended (new).
    pub existed: bool,
}

impl std::fmt::Debug for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Edit")
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("warnings", &self.warnings)
            .field("existed", &self.existed)
            .finish()
    }
}

/// What happened to one profile in a batch edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileOutcome {
    /// The profile (section) name.
    pub profile: String,
    /// Whether the section already existed.
    pub existed: bool,
}

/// The result of editing the text for several profiles (`--all-profiles`). Debug shows
/// the text's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct BatchEdit {
    /// The whole new file text.
    pub text: String,
    /// Warnings of all profiles, in order.
    pub warnings: Vec<String>,
    /// One entry per input profile, in input order.
    pub profiles: Vec<ProfileOutcome>,
}

impl std::fmt::Debug for BatchEdit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchEdit")
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("warnings", &self.warnings)
            .field("profiles", &self.profiles)
            .finish()
    }
}

const ACCESS_KEY: &str = "aws_access_key_id";
const SECRET_KEY: &str = "aws_secret_access_key";
const SESSION_TOKEN: &str = "aws_session_token";
const SECURITY_TOKEN: &str = "aws_security_token";
const EXPIRES: &str = "x_security_token_expires";
const REGION: &str = "region";

/// Upsert `profile` with `creds` into the credentials-file `text` (docs/decisions.md#d-credentials-file).
///
/// Errors: [`Error::Config`] for an unusable profile name (empty, surrounding whitespace,
/// `[`, `]`, a line break, `DEFAULT`, or a `profile ` prefix, which in the credentials file
/// would name a different profile — case B26) or a region with a line break;
/// [`Error::Runtime`] for credentials with a line break, an expiration that is not RFC 3339,
/// or a file the edit cannot keep reading as before (`the credentials file: line N: …`,
/// see "Refusals" in the module doc).
pub fn upsert(
    text: &str,
    profile: &str,
    creds: &Credentials,
    opts: &UpsertOptions,
) -> Result<Edit> {
    let batch = upsert_all(text, &[(profile, creds)], opts)?;
    let existed = batch.profiles.first().is_some_and(|p| p.existed);
    Ok(Edit {
        text: batch.text,
        warnings: batch.warnings,
        existed,
    })
}

/// Upsert several profiles in one edit, in order (a later item with the same name updates
/// the section the earlier one wrote). Errors as for [`upsert`], and [`Error::Config`]
/// naming the first profile that holds long-term keys (all are checked against `text`
/// before any edit) unless `opts.force_overwrite`; nothing is returned partially.
pub fn upsert_all(
    text: &str,
    items: &[(&str, &Credentials)],
    opts: &UpsertOptions,
) -> Result<BatchEdit> {
    upsert_all_in(text, items, opts, "the credentials file")
}

/// Whether `profile` (the exact section name) holds long-term keys in the credentials-file
/// `text` (see "Long-term keys" in the module doc): what makes [`upsert_all`] refuse it
/// without [`UpsertOptions::force_overwrite`].
pub fn holds_long_term_keys(text: &str, profile: &str) -> bool {
    let doc = Doc::parse(text);
    long_term::holds_long_term_keys(&doc.sections(), profile)
}

/// [`upsert_all`] naming the file in refusals as `file` (e.g. `credentials file "<path>"`).
pub(crate) fn upsert_all_in(
    text: &str,
    items: &[(&str, &Credentials)],
    opts: &UpsertOptions,
    file: &str,
) -> Result<BatchEdit> {
    let mut doc = Doc::parse(text);
    let mut warnings = Vec::new();
    let mut profiles = Vec::new();
    // Every target against the file as it was, before the first edit.
    let names: Vec<&str> = items.iter().map(|(p, _)| *p).collect();
    let before = doc.sections();
    long_term::check(&before, &names, opts.force_overwrite, file)?;
    let bad_defaults = nested::bad_defaults(&doc.bodies(), &doc.kinds());
    for (profile, creds) in items {
        if opts.force_overwrite
            && long_term::holds_long_term_keys(&before, profile)
            && !profiles
                .iter()
                .any(|p: &ProfileOutcome| p.profile == *profile)
        {
            warnings.push(long_term::forced_warning(profile));
        }
        let existed = upsert_one(&mut doc, profile, creds, opts, &mut warnings)
            .map_err(|r| r.into_error(file, profile))?;
        profiles.push(ProfileOutcome {
            profile: (*profile).to_string(),
            existed,
        });
    }
    if !bad_defaults.is_empty() {
        nested::check(&bad_defaults, &before, &doc.sections(), &names)
            .map_err(|(p, line, why)| Failure::Refused(line, why).into_error(file, &p))?;
    }
    Ok(BatchEdit {
        text: doc.render(),
        warnings,
        profiles,
    })
}

fn check_profile(profile: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::config(format!(
            "invalid profile name \"{profile}\": {why}"
        )))
    };
    if profile.trim().is_empty() {
        return bad("it is empty");
    }
    if profile.trim() != profile {
        return bad("it starts or ends with whitespace");
    }
    if profile.contains(['[', ']', '\r', '\n']) {
        return bad("it contains '[', ']' or a line break");
    }
    if profile == "DEFAULT" {
        return bad(
            "configparser reads a \"[DEFAULT]\" section as defaults for every profile in the \
             file, so the AWS CLI has no profile of that name",
        );
    }
    if let Some(rest) = profile.strip_prefix("profile")
        && rest.starts_with(char::is_whitespace)
    {
        return Err(Error::config(format!(
            "invalid profile name \"{profile}\": sections of the AWS credentials file use the \
             bare profile name (\"[{}]\"), the \"profile \" prefix belongs to ~/.aws/config; \
             use --profile {}",
            rest.trim(),
            rest.trim()
        )));
    }
    Ok(())
}

/// The (key, value) pairs we set, in the order new keys are appended, and the keys that are
/// stale (commented out) because their option is off.
fn owned_values(
    creds: &Credentials,
    opts: &UpsertOptions,
) -> Result<(OwnedKeys, Vec<&'static str>)> {
    for (what, v) in [
        ("access key id", &creds.access_key_id),
        ("secret access key", &creds.secret_access_key),
        ("session token", &creds.session_token),
    ] {
        if v.contains(['\r', '\n']) || v.trim().is_empty() {
            return Err(Error::runtime(format!(
                "cannot write the {what} to the credentials file: it is empty or contains a line break"
            )));
        }
    }
    let mut owned = vec![
        (ACCESS_KEY, creds.access_key_id.clone()),
        (SECRET_KEY, creds.secret_access_key.clone()),
        (SESSION_TOKEN, creds.session_token.clone()),
    ];
    let mut stale = Vec::new();
    if opts.legacy_aws_variables {
        owned.push((SECURITY_TOKEN, creds.session_token.clone()));
    } else {
        stale.push(SECURITY_TOKEN);
    }
    if opts.expiry_aws_variables {
        owned.push((EXPIRES, utc_expiration(&creds.expiration)?));
    } else {
        stale.push(EXPIRES);
    }
    if let Some(region) = opts.region.as_deref().filter(|r| !r.trim().is_empty()) {
        if region.contains(['\r', '\n']) || region.trim() != region {
            return Err(Error::config(format!(
                "invalid AWS region \"{}\": it contains whitespace or a line break",
                region.escape_debug()
            )));
        }
        owned.push((REGION, region.to_string()));
    }
    Ok((owned, stale))
}

fn upsert_one(
    doc: &mut Doc,
    profile: &str,
    creds: &Credentials,
    opts: &UpsertOptions,
    warnings: &mut Vec<String>,
) -> std::result::Result<bool, Failure> {
    check_profile(profile)?;
    let (owned, stale) = owned_values(creds, opts)?;
    for k in &doc.kinds() {
        let Kind::Header(name) = k else { continue };
        let bare = syntax::strip(name);
        // Case B26: "[profile x]" in the credentials file names another profile.
        if let Some(rest) = bare.strip_prefix("profile")
            && rest.starts_with(syntax::is_space)
            && syntax::strip(rest) == profile
        {
            warnings.push(format!(
                "WARNING: the credentials file has a section \"[{name}]\"; in the credentials \
                 file profiles are named without the \"profile \" prefix, so that section is \
                 probably a mistake. It was left unchanged; profile \"{profile}\" is written \
                 to \"[{profile}]\"."
            ));
        } else if bare == profile && name != profile {
            warnings.push(format!(
                "WARNING: the credentials file has a section \"[{name}]\"; the AWS CLI reads \
                 the spaces inside the brackets as part of the name, so it is not profile \
                 \"{profile}\". It was left unchanged; profile \"{profile}\" is written to \
                 \"[{profile}]\"."
            ));
        }
    }
    set_section(doc, profile, &owned, &stale, None, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

    fn case(name: &str) -> String {
        std::fs::read_to_string(format!("{CASES}{name}"))
            .unwrap_or_else(|e| panic!("cannot read case file {name}: {e}"))
    }

    fn creds(id: &str, secret: &str, token: &str) -> Credentials {
        Credentials {
            access_key_id: id.into(),
            secret_access_key: secret.into(),
            session_token: token.into(),
            expiration: "2024-05-01T13:00:00Z".into(),
        }
    }

    fn off() -> UpsertOptions {
        UpsertOptions::default()
    }

    type Section = (String, Vec<(String, String)>);

    /// Checks of a strict INI reader (botocore/configparser strict mode): no duplicate section,
    /// no duplicate key (case-insensitive) inside a section, no unparsable line. Returns the
    /// sections' key/values as the parser reads them.
    fn strict_parse(text: &str) -> std::result::Result<Vec<Section>, String> {
        let doc = Doc::parse(text);
        if doc.kinds().contains(&Kind::Other) {
            return Err("unparsable line".into());
        }
        let mut sections: Vec<Section> = Vec::new();
        for sec in doc.sections() {
            let name = sec.name.ok_or("key before any section")?;
            if sections.iter().any(|(n, _)| *n == name) {
                return Err(format!("duplicate section {name}"));
            }
            let mut keys: Vec<(String, String)> = Vec::new();
            for (key, value) in sec.items {
                if keys.iter().any(|(k, _)| *k == key) {
                    return Err(format!("duplicate key {key}"));
                }
                keys.push((key, value));
            }
            sections.push((name, keys));
        }
        Ok(sections)
    }

    fn section<'a>(parsed: &'a [Section], name: &str) -> &'a [(String, String)] {
        &parsed.iter().find(|(n, _)| n == name).expect("section").1
    }

    fn get<'a>(keys: &'a [(String, String)], key: &str) -> Option<&'a str> {
        keys.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    #[test]
    fn b24_exact_result() {
        let input = case("B24-credentials-comments.ini");
        let want = case("B24-credentials-comments.after.ini");
        let c = creds(
            "ASIAEXAMPLENEW000009",
            "fakeNewSecret99999999999999999999999999999",
            "FAKENEWTOKEN9999",
        );
        let edit = upsert(&input, "okta-dev", &c, &off()).unwrap();
        assert_eq!(edit.text, want);
        assert!(edit.existed);
        assert_eq!(
            edit.warnings,
            vec![
                "WARNING: Commented out \"okta-dev\" profile keys \"aws_security_token\", \
                 \"x_security_token_expires\". Uncomment if third party tools use these values."
                    .to_string()
            ]
        );
        strict_parse(&edit.text).unwrap();
    }

    #[test]
    fn b24_with_legacy_and_expiry_on_rewrites_them() {
        let input = case("B24-credentials-comments.ini");
        let mut c = creds("ASIANEW", "SECRETNEW", "TOKENNEW");
        c.expiration = "2024-06-01T10:00:00+02:00".into();
        let opts = UpsertOptions {
            legacy_aws_variables: true,
            expiry_aws_variables: true,
            region: None,
            ..off()
        };
        let edit = upsert(&input, "okta-dev", &c, &opts).unwrap();
        assert!(edit.warnings.is_empty());
        assert!(edit.text.contains("aws_security_token    = TOKENNEW\n"));
        assert!(
            edit.text
                .contains("x_security_token_expires = 2024-06-01T08:00:00Z\n")
        );
        assert!(edit.text.contains("region = us-west-2\noutput = json\n"));
        let parsed = strict_parse(&edit.text).unwrap();
        assert_eq!(
            get(section(&parsed, "okta-dev"), "aws_access_key_id"),
            Some("ASIANEW")
        );
        // Lines outside the section are untouched.
        let before: Vec<&str> = input.lines().collect();
        let after: Vec<&str> = edit.text.lines().collect();
        assert_eq!(before[..11], after[..11]);
        assert_eq!(before[18..], after[18..]);
    }

    #[test]
    fn region_configured_updates_region_in_place() {
        let input = case("B24-credentials-comments.ini");
        let opts = UpsertOptions {
            region: Some("eu-central-1".into()),
            ..off()
        };
        let edit = upsert(&input, "okta-dev", &creds("A", "S", "T"), &opts).unwrap();
        assert!(edit.text.contains("region = eu-central-1\noutput = json\n"));
        assert!(edit.text.contains("[default]\naws_access_key_id = AKIAEXAMPLEDEFAULT01\naws_secret_access_key = fakeDefaultSecret0000000000000000000000000\nregion = eu-west-1\n"));
    }

    #[test]
    fn b23_test1_twice_into_clean_file() {
        let start = "[default]\naws_access_key_id = AKIAEXAMPLEDEFAULT01\n";
        let one = upsert(
            start,
            "okta-dev",
            &creds("ASIAEXAMPLENEW000001", "s1", "t1"),
            &off(),
        )
        .unwrap();
        assert!(!one.existed);
        let two = upsert(
            &one.text,
            "okta-dev",
            &creds("ASIAEXAMPLENEW000002", "s2", "t2"),
            &off(),
        )
        .unwrap();
        assert!(two.existed);
        assert_eq!(
            two.text,
            "[default]\naws_access_key_id = AKIAEXAMPLEDEFAULT01\n\n[okta-dev]\n\
             aws_access_key_id = ASIAEXAMPLENEW000002\naws_secret_access_key = s2\n\
             aws_session_token = t2\n"
        );
        let parsed = strict_parse(&two.text).unwrap();
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn b23_test2_duplicate_sections_are_merged_into_the_first() {
        let input = case("B23-credentials-duplicate.ini");
        let c = creds(
            "ASIAEXAMPLENEW000003",
            "fakeNewSecret33333333333333333333333333333",
            "FAKENEWTOKEN3333",
        );
        let edit = upsert(&input, "okta-dev", &c, &off()).unwrap();
        let head: String = input.lines().take(6).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            edit.text,
            format!(
                "{head}[okta-dev]\naws_access_key_id = ASIAEXAMPLENEW000003\n\
                 aws_secret_access_key = fakeNewSecret33333333333333333333333333333\n\
                 aws_session_token = FAKENEWTOKEN3333\n"
            )
        );
        assert_eq!(edit.warnings.len(), 1);
        assert!(edit.warnings[0].contains("appeared 2 times"));
        assert!(edit.warnings[0].contains("line 7") && edit.warnings[0].contains("line 12"));
        strict_parse(&edit.text).unwrap();
        assert!(
            strict_parse(&input).is_err(),
            "the strict checker must see the bug"
        );
    }

    #[test]
    fn duplicate_copies_keep_foreign_keys_and_following_sections() {
        let input = "[p]\naws_access_key_id = A\noutput = json\n\n# about q\n[p]\nregion = us-east-1\noutput = text\n\n# next\n[q]\nx = 1\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\noutput = json\nregion = us-east-1\n\n# about q\n\n# next\n[q]\nx = 1\n"
        );
        assert!(edit.warnings[0].contains("\"output\""));
        strict_parse(&edit.text).unwrap();
    }

    #[test]
    fn b23_test3_repeated_key_leaves_one_line() {
        let input = "[okta-dev]\naws_access_key_id = A\naws_session_token = OLD1\naws_secret_access_key = S\naws_session_token = OLD2\n  continued\nAWS_Session_Token = OLD3\n";
        let edit = upsert(input, "okta-dev", &creds("A2", "S2", "T2"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[okta-dev]\naws_access_key_id = A2\naws_session_token = T2\naws_secret_access_key = S2\n"
        );
        strict_parse(&edit.text).unwrap();
    }

    #[test]
    fn b26_profile_prefix_section_is_left_and_warned() {
        let input = case("B26-credentials-profile-prefix.ini");
        let edit = upsert(&input, "okta-dev", &creds("ASIANEW", "S", "T"), &off()).unwrap();
        assert!(!edit.existed);
        assert!(edit.text.starts_with(&input));
        assert!(edit.text.ends_with("\n\n[okta-dev]\naws_access_key_id = ASIANEW\naws_secret_access_key = S\naws_session_token = T\n"));
        assert_eq!(edit.warnings.len(), 1);
        assert!(edit.warnings[0].contains("[profile okta-dev]"));
        assert!(edit.warnings[0].contains("probably a mistake"));
        let err = upsert(&input, "profile okta-dev", &creds("A", "S", "T"), &off()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--profile okta-dev"));
    }

    #[test]
    fn crlf_and_bom_are_preserved() {
        let input = "\u{feff}; top\r\n[default]\r\nregion = x\r\n\r\n[okta-dev]\r\naws_access_key_id = OLD\r\n";
        let edit = upsert(input, "okta-dev", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "\u{feff}; top\r\n[default]\r\nregion = x\r\n\r\n[okta-dev]\r\naws_access_key_id = N\r\naws_secret_access_key = S\r\naws_session_token = T\r\n"
        );
        let fresh = upsert(
            "\u{feff}[a]\r\nk = v\r\n",
            "b",
            &creds("N", "S", "T"),
            &off(),
        )
        .unwrap();
        assert_eq!(
            fresh.text,
            "\u{feff}[a]\r\nk = v\r\n\r\n[b]\r\naws_access_key_id = N\r\naws_secret_access_key = S\r\naws_session_token = T\r\n"
        );
    }

    #[test]
    fn missing_final_newline_and_empty_file() {
        let edit = upsert("[a]\nk = v", "b", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[a]\nk = v\n\n[b]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\n"
        );
        // In-place update of a last line without newline keeps it that way.
        let edit = upsert(
            "[b]\naws_access_key_id = O\naws_secret_access_key = O\naws_session_token = O",
            "b",
            &creds("N", "S", "T"),
            &off(),
        )
        .unwrap();
        assert_eq!(
            edit.text,
            "[b]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T"
        );
        let fresh = upsert(
            "",
            "default",
            &creds("N", "S", "T"),
            &UpsertOptions {
                legacy_aws_variables: true,
                expiry_aws_variables: true,
                region: Some("us-east-2".into()),
                ..off()
            },
        )
        .unwrap();
        assert_eq!(
            fresh.text,
            "[default]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\n\
             aws_security_token = T\nx_security_token_expires = 2024-05-01T13:00:00Z\nregion = us-east-2\n"
        );
    }

    #[test]
    fn missing_keys_follow_last_owned_key_in_section_style() {
        let input = "[p]\n# note\naws_access_key_id     = OLD\naws_session_token     = OLD\noutput                = json\n\n# next\n[q]\n";
        let opts = UpsertOptions {
            legacy_aws_variables: true,
            ..off()
        };
        let edit = upsert(input, "p", &creds("N", "S", "T"), &opts).unwrap();
        assert_eq!(
            edit.text,
            "[p]\n# note\naws_access_key_id     = N\naws_session_token     = T\n\
             aws_secret_access_key = S\naws_security_token    = T\noutput                = json\n\n# next\n[q]\n"
        );
    }

    #[test]
    fn no_owned_keys_inserts_before_trailing_comments() {
        let input = "[p]\noutput=json\n\n# belongs to q\n[q]\nk=v\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\noutput=json\naws_access_key_id=N\naws_secret_access_key=S\naws_session_token=T\n\n# belongs to q\n[q]\nk=v\n"
        );
    }

    #[test]
    fn odd_lines_are_tolerated() {
        let input = "key before section = 1\nthis line has no delimiter\n[p]\naws_access_key_id: OLD\nweird line\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert!(edit.existed);
        assert_eq!(
            edit.text,
            "key before section = 1\nthis line has no delimiter\n[p]\naws_access_key_id: N\naws_secret_access_key: S\naws_session_token: T\nweird line\n"
        );
    }

    #[test]
    fn spaces_inside_brackets_are_part_of_the_name() {
        let input = "[ p ]\naws_access_key_id = OLD\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert!(!edit.existed);
        assert_eq!(
            edit.text,
            "[ p ]\naws_access_key_id = OLD\n\n[p]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\n"
        );
        assert_eq!(edit.warnings.len(), 1);
        assert!(
            edit.warnings[0].contains("\"[ p ]\""),
            "{:?}",
            edit.warnings
        );
        // And a section " p " is found only under its own name.
        let parsed = strict_parse(&edit.text).unwrap();
        assert_eq!(
            get(section(&parsed, " p "), "aws_access_key_id"),
            Some("OLD")
        );
    }

    #[test]
    fn a_blank_or_comment_line_does_not_end_a_value() {
        // `  [q]` continues k's value, so there is no section q: the profile is p.
        let input = "[p]\nk = v\n\n# note\n  [q]\naws_access_key_id = OLD\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert!(edit.existed);
        assert_eq!(
            edit.text,
            "[p]\nk = v\n\n# note\n  [q]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\n"
        );
        let q = upsert(input, "q", &creds("N", "S", "T"), &off()).unwrap();
        assert!(!q.existed);
        assert!(q.text.starts_with(input) && q.text.ends_with("\n\n[q]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\n"));
    }

    #[test]
    fn indented_headers_and_keys_follow_the_key_indent() {
        // An indented block: `  [p]` is a section (indented no more than the key before it).
        let input = "  [a]\n  k = v\n  [p]\n  output = json\n  [b]\n  x = 1\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert!(edit.existed);
        assert_eq!(
            edit.text,
            "  [a]\n  k = v\n  [p]\n  output = json\n  aws_access_key_id = N\n  aws_secret_access_key = S\n  aws_session_token = T\n  [b]\n  x = 1\n"
        );
        let parsed = strict_parse(&edit.text).unwrap();
        assert_eq!(get(section(&parsed, "b"), "x"), Some("1"));
        // Python whitespace of any kind counts: \x0c, \x1c and U+00A0 are indentation.
        let input = "[a]\nk = v\n\x0c\x1c\u{a0}[p]\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert!(!edit.existed, "[p] there is k's continuation");
    }

    #[test]
    fn new_keys_never_capture_the_indented_line_after_them() {
        // No owned key: the new keys go after output; `\t[q]` must stay a header, so the
        // new keys take an indent at least as deep as it.
        let input = "[p]\n\toutput = json\n\t[q]\nx = 1\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\n\toutput = json\n\taws_access_key_id = N\n\taws_secret_access_key = S\n\taws_session_token = T\n\t[q]\nx = 1\n"
        );
        // An empty section followed by an indented header.
        let input = "[p]\n  [q]\nx = 1\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\n  aws_access_key_id = N\n  aws_secret_access_key = S\n  aws_session_token = T\n  [q]\nx = 1\n"
        );
        let parsed = strict_parse(&edit.text).unwrap();
        assert_eq!(get(section(&parsed, "q"), "x"), Some("1"));
        // After an owned key whose value continued: the continuation goes with the old value.
        let input = "[p]\naws_access_key_id = OLD\n  old continued\nregion = x\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\naws_access_key_id = N\naws_secret_access_key = S\naws_session_token = T\nregion = x\n"
        );
    }

    #[test]
    fn a_stale_key_is_commented_out_with_its_continuation_lines() {
        let input =
            "[p]\n  aws_access_key_id = OLD\naws_security_token = OLD\n  [q]\n\n   more\nx = 1\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\n  aws_access_key_id = N\n  aws_secret_access_key = S\n  aws_session_token = T\n# aws_security_token = OLD\n#   [q]\n\n#    more\nx = 1\n"
        );
        let parsed = strict_parse(&edit.text).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(get(section(&parsed, "p"), "x"), Some("1"));
    }

    #[test]
    fn lone_cr_ends_a_line_and_is_kept() {
        let input = "[a]\rk = v\r[p]\raws_access_key_id = OLD\r";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert!(edit.existed);
        assert_eq!(
            edit.text,
            "[a]\rk = v\r[p]\raws_access_key_id = N\raws_secret_access_key = S\raws_session_token = T\r"
        );
        // Mixed endings: each line keeps its own; new lines take the first one.
        let edit = upsert("[a]\r\nk = v\r[b]\n", "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[a]\r\nk = v\r[b]\n\r\n[p]\r\naws_access_key_id = N\r\naws_secret_access_key = S\r\naws_session_token = T\r\n"
        );
    }

    #[test]
    fn keys_fold_as_python_and_inline_comments_are_values() {
        // Kelvin sign: Python's str.lower() makes it `k`, so this is aws_access_key_id.
        let input = "[p]\nAWS_Access_\u{212a}ey_Id = OLD ; not a comment\nregion = x ; kept\n";
        let edit = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap();
        assert_eq!(
            edit.text,
            "[p]\nAWS_Access_\u{212a}ey_Id = N\naws_secret_access_key = S\naws_session_token = T\nregion = x ; kept\n"
        );
        let parsed = strict_parse(&edit.text).unwrap();
        assert_eq!(get(section(&parsed, "p"), "region"), Some("x ; kept"));
    }

    #[test]
    fn default_is_not_a_profile_name() {
        let err = upsert("", "DEFAULT", &creds("N", "S", "T"), &off()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("[DEFAULT]"), "{err}");
    }

    #[test]
    fn an_edit_that_would_change_other_sections_is_refused() {
        // Python rejects this file (duplicate [p]); merging the copies would make `  [q]`
        // continue a's value, so the editor refuses instead of losing section q.
        let input = "[p]\na = 1\n[p]\n    b = 2\n  [q]\nx = 1\n";
        let err = upsert(input, "p", &creds("N", "S", "T"), &off()).unwrap_err();
        let msg = err.to_string();
        assert_eq!(err.exit_code(), 1);
        assert!(!msg.contains('\n'), "{msg}");
        assert!(
            msg.starts_with("cannot update profile \"p\" in the credentials file: line "),
            "{msg}"
        );
        assert!(msg.contains("the file was not changed"), "{msg}");
    }

    #[test]
    fn batch_writes_several_profiles() {
        let a = creds("A", "SA", "TA");
        let b = creds("B", "SB", "TB");
        let batch = upsert_all(
            "[x]\nk = v\n",
            &[("p1", &a), ("p2", &b), ("p1", &b)],
            &off(),
        )
        .unwrap();
        let parsed = strict_parse(&batch.text).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(get(section(&parsed, "p1"), "aws_access_key_id"), Some("B"));
        assert_eq!(get(section(&parsed, "p2"), "aws_access_key_id"), Some("B"));
        let existed: Vec<bool> = batch.profiles.iter().map(|p| p.existed).collect();
        assert_eq!(existed, vec![false, false, true]);
    }

    #[test]
    fn bad_inputs_are_clear_errors_without_secrets() {
        for bad in ["", " p", "a]b", "a\nb"] {
            assert_eq!(
                upsert("", bad, &creds("A", "S", "T"), &off())
                    .unwrap_err()
                    .exit_code(),
                2
            );
        }
        let err = upsert("", "p", &creds("A", "S", "T\nX"), &off()).unwrap_err();
        assert!(err.to_string().contains("session token") && !err.to_string().contains("T\nX"));
        let opts = UpsertOptions {
            region: Some("us\neast".into()),
            ..off()
        };
        assert_eq!(
            upsert("", "p", &creds("A", "S", "T"), &opts)
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    /// A file with an IAM user's long-term keys in `[prod]`, session keys in `[dev]`.
    const LONG_TERM: &str = "# my keys\n[prod]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
        aws_security_token = stale\nregion = eu-west-1\n\n[dev]\n\
        aws_access_key_id = ASIAOLD\naws_secret_access_key = old\naws_session_token = old\n";

    #[test]
    fn long_term_keys_are_refused_and_nothing_is_returned() {
        let c = creds("ASIANEW", "S", "T");
        let err = upsert(LONG_TERM, "prod", &c, &off()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.to_string(),
            "not overwriting profile \"prod\" in the credentials file: it holds a long-term \
             access key (AKIA..., no session token); the file was not changed. Write another \
             profile, or pass --force-overwrite to replace those keys"
        );
        // A batch is refused as a whole, wherever the long-term profile is in it.
        let err =
            upsert_all(LONG_TERM, &[("new", &c), ("dev", &c), ("prod", &c)], &off()).unwrap_err();
        assert!(err.to_string().contains("\"prod\""), "{err}");
        // Session credentials (ASIA with a token) are replaced as before.
        let edit = upsert(LONG_TERM, "dev", &c, &off()).unwrap();
        assert!(
            edit.text
                .starts_with(&LONG_TERM[..LONG_TERM.find("[dev]").unwrap()])
        );
        assert!(edit.text.ends_with(
            "[dev]\naws_access_key_id = ASIANEW\naws_secret_access_key = S\naws_session_token = T\n"
        ));
        assert!(edit.warnings.is_empty(), "{:?}", edit.warnings);
        assert!(holds_long_term_keys(LONG_TERM, "prod"));
        assert!(!holds_long_term_keys(LONG_TERM, "dev"));
        assert!(!holds_long_term_keys(&edit.text, "dev"));
    }

    #[test]
    fn long_term_keys_are_found_as_botocore_reads_the_file() {
        // Key names fold, values are stripped, `:` is a delimiter, CRLF and a BOM.
        for text in [
            "[p]\nAWS_Access_Key_ID:   AKIAX  \n",
            "\u{feff}[p]\r\naws_access_key_id=AKIAX\r\naws_session_token =\r\n",
            "[p]\naws_access_key_id = ASIA1\naws_session_token = t\n[p]\naws_access_key_id = AKIA2\n",
        ] {
            assert!(holds_long_term_keys(text, "p"), "{text:?}");
            assert!(
                upsert(text, "p", &creds("N", "S", "T"), &off()).is_err(),
                "{text:?}"
            );
        }
        for text in [
            "[p]\n# aws_access_key_id = AKIAX\n",
            "[ p ]\naws_access_key_id = AKIAX\n",
            "[profile p]\naws_access_key_id = AKIAX\n",
            "[q]\naws_access_key_id = AKIAX\n[p]\nregion = x\n",
            "[p]\naws_access_key_id = akiax\n",
        ] {
            assert!(!holds_long_term_keys(text, "p"), "{text:?}");
            assert!(
                upsert(text, "p", &creds("N", "S", "T"), &off()).is_ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn force_overwrite_replaces_long_term_keys_with_a_warning() {
        let c = creds("ASIANEW", "S", "T");
        let opts = UpsertOptions {
            force_overwrite: true,
            ..off()
        };
        let batch =
            upsert_all(LONG_TERM, &[("prod", &c), ("dev", &c), ("prod", &c)], &opts).unwrap();
        assert!(!batch.text.contains("AKIA"), "{}", batch.text);
        assert!(
            batch
                .text
                .starts_with("# my keys\n[prod]\naws_access_key_id = ASIANEW\n")
        );
        let forced: Vec<&String> = batch
            .warnings
            .iter()
            .filter(|w| w.contains("--force-overwrite"))
            .collect();
        assert_eq!(
            forced,
            [
                "WARNING: --force-overwrite: replaced the long-term access key of profile \
              \"prod\"; its old keys are gone from the credentials file."
            ]
        );
        // The stale legacy key of [prod] is commented out as usual.
        assert!(batch.text.contains("# aws_security_token = stale\n"));
        strict_parse(&batch.text).unwrap();
    }

    #[test]
    fn debug_of_edits_hides_the_file_text() {
        let c = creds("ASIADEBUG", "debugSecretKeyValue", "debugSessionTokenValue");
        let one = upsert("", "p", &c, &off()).unwrap();
        let all = upsert_all("", &[("p", &c)], &off()).unwrap();
        assert!(one.text.contains("debugSecretKeyValue"));
        for shown in [format!("{one:?}"), format!("{all:?}")] {
            assert!(
                !shown.contains("debugSecretKeyValue") && !shown.contains("debugSessionTokenValue"),
                "{shown}"
            );
            assert!(
                shown.contains(&format!("<{} bytes>", one.text.len())),
                "{shown}"
            );
        }
    }
}
