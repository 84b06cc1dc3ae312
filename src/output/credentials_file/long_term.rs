//! PURE: long-term access keys in the credentials file are never replaced by accident.
//!
//! A profile holds long-term keys when one of its sections has an `aws_access_key_id` whose
//! value starts with `AKIA` (an IAM user's or the root user's access key, see AWS's
//! "Unique identifiers" page, IAM User Guide, reference_identifiers) and that section has no
//! non-empty `aws_session_token`. Temporary keys from STS start with `ASIA` and always come
//! with a session token. Such a profile cannot be written back: replacing its keys would
//! destroy a secret that AWS shows only once, at creation. Whatever chose the profile name
//! (`--profile`, `OKTA_AWSCLI_PROFILE`, `.env`, a `--profile-template`, an IAM account alias
//! under `--all-profiles`), the write is refused before anything changes, unless the
//! command line says `--force-overwrite` (README, "Outputs").
//!
//! Sections are read as botocore reads them ([`super::syntax`]); every copy of a
//! duplicated section counts, since the editor would remove the later copies.

use super::syntax::Section;
use crate::error::{Error, Result};

const ACCESS_KEY: &str = "aws_access_key_id";
const SESSION_TOKEN: &str = "aws_session_token";

/// The prefix of long-term access key ids (IAM users, the root user).
pub const LONG_TERM_PREFIX: &str = "AKIA";

/// Whether one section's keys are long-term: an access key id starting with
/// [`LONG_TERM_PREFIX`] and no non-empty session token.
fn is_long_term(items: &[(String, String)]) -> bool {
    let long_term_id = items
        .iter()
        .any(|(k, v)| k == ACCESS_KEY && v.starts_with(LONG_TERM_PREFIX));
    let has_token = items
        .iter()
        .any(|(k, v)| k == SESSION_TOKEN && !v.trim().is_empty());
    long_term_id && !has_token
}

/// Whether `profile` (the exact section name) holds long-term keys in `sections`.
pub(super) fn holds_long_term_keys(sections: &[Section], profile: &str) -> bool {
    sections
        .iter()
        .filter(|s| s.name.as_deref() == Some(profile))
        .any(|s| is_long_term(&s.items))
}

/// The first of `profiles` that holds long-term keys in `sections`, if any.
pub(super) fn first_long_term<'a>(
    sections: &[Section],
    profiles: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    profiles
        .into_iter()
        .find(|p| holds_long_term_keys(sections, p))
}

/// The one-line refusal for `profile` in `file` (e.g. `credentials file "<path>"`):
/// [`Error::Config`] (exit 2), since the way out is a setting: another profile name, or
/// `--force-overwrite`.
pub(super) fn refusal(profile: &str, file: &str) -> Error {
    Error::config(format!(
        "not overwriting profile \"{profile}\" in {file}: it holds a long-term access key \
         ({LONG_TERM_PREFIX}..., no session token); the file was not changed. Write another \
         profile, or pass --force-overwrite to replace those keys"
    ))
}

/// Refuse (see [`refusal`]) when one of `profiles` holds long-term keys in `sections`,
/// unless `force` (`--force-overwrite`).
pub(super) fn check(
    sections: &[Section],
    profiles: &[&str],
    force: bool,
    file: &str,
) -> Result<()> {
    if force {
        return Ok(());
    }
    match first_long_term(sections, profiles.iter().copied()) {
        Some(p) => Err(refusal(p, file)),
        None => Ok(()),
    }
}

/// The warning written when `--force-overwrite` replaces long-term keys of `profile`.
pub(super) fn forced_warning(profile: &str) -> String {
    format!(
        "WARNING: --force-overwrite: replaced the long-term access key of profile \
         \"{profile}\"; its old keys are gone from the credentials file."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(name: &str, items: &[(&str, &str)]) -> Section {
        Section {
            name: Some(name.into()),
            line: 0,
            items: items
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn akia_without_a_session_token_is_long_term() {
        let s = [
            section("user", &[(ACCESS_KEY, "AKIAEXAMPLE"), ("x", "1")]),
            section("sts", &[(ACCESS_KEY, "ASIAEXAMPLE"), (SESSION_TOKEN, "t")]),
            section("odd", &[(ACCESS_KEY, "AKIAEXAMPLE"), (SESSION_TOKEN, "t")]),
            section(
                "empty-token",
                &[(ACCESS_KEY, "AKIAX"), (SESSION_TOKEN, " ")],
            ),
            section("asia-no-token", &[(ACCESS_KEY, "ASIAX")]),
            section("none", &[("region", "eu-west-1")]),
        ];
        let long: Vec<&str> = [
            "user",
            "sts",
            "odd",
            "empty-token",
            "asia-no-token",
            "none",
            "missing",
        ]
        .into_iter()
        .filter(|p| holds_long_term_keys(&s, p))
        .collect();
        assert_eq!(long, ["user", "empty-token"]);
    }

    #[test]
    fn any_copy_of_a_duplicated_section_counts() {
        let s = [
            section("p", &[(ACCESS_KEY, "ASIA1"), (SESSION_TOKEN, "t")]),
            section("p", &[(ACCESS_KEY, "AKIA2")]),
        ];
        assert!(holds_long_term_keys(&s, "p"));
        assert!(!holds_long_term_keys(&s, "P"), "names are exact");
    }

    #[test]
    fn check_names_the_first_refused_profile_unless_forced() {
        let s = [
            section("a", &[(ACCESS_KEY, "ASIA1"), (SESSION_TOKEN, "t")]),
            section("b", &[(ACCESS_KEY, "AKIA2")]),
            section("c", &[(ACCESS_KEY, "AKIA3")]),
        ];
        let err = check(&s, &["a", "c", "b"], false, "credentials file \"/x\"").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.starts_with("not overwriting profile \"c\" in credentials file \"/x\": "),
            "{msg}"
        );
        assert!(
            msg.contains("--force-overwrite") && !msg.contains('\n'),
            "{msg}"
        );
        assert!(!msg.contains("AKIA3"), "the key id is not repeated: {msg}");
        assert!(check(&s, &["a", "c"], true, "f").is_ok());
        assert!(check(&s, &["a", "new"], false, "f").is_ok());
    }
}
