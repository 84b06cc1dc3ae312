//! PURE: the trust of a checkout's `.env` (README "The .env trust model").
//!
//! A `.env` in the current directory often comes with a cloned repository, so its author
//! is not the user. Its sensitive keys ([`is_sensitive`]: where secrets go, what is written,
//! which account and role, what runs) apply only once the user has allowed the file's exact
//! content with `okta-aws-cli dotenv allow`. The allow list (`~/.okta/allowed-dotenv`)
//! holds one line per file: the SHA-256 of its content in lower-case hex, one space, its
//! absolute path. A changed file no longer matches its line. Reading and writing the list is
//! `load`'s and `commands::dotenv`'s part; here only text goes in and out.

use sha2::{Digest, Sha256};

use crate::config::dotenv_text::DotEnv;
use crate::config::precedence::{refused_in_dotenv, setting_of_var};
use crate::config::settings::DotEnvTrust;

/// The file name of the allow list in `~/.okta`.
pub const ALLOW_LIST_FILE: &str = "allowed-dotenv";

/// The first line of a new allow list.
const HEADER: &str =
    "# .env files allowed by `okta-aws-cli dotenv allow`: SHA-256, then the absolute path\n";

/// The settings (okta.yaml keys) a `.env` sets only once allowed.
pub const SENSITIVE_SETTINGS: &[&str] = &[
    // Where secrets go.
    "org-domain",
    // What is written or overwritten.
    "format",
    "write-aws-credentials",
    "all-profiles",
    "write-aws-config",
    "profile-template",
    // Which account and role.
    "aws-iam-idp",
    "aws-iam-role",
    "chain-role",
    "chain-external-id",
    "aws-acct-fed-app-id",
    "oidc-client-id",
    // What runs.
    "exec",
    "ecs-server",
];

/// Variables outside the settings table that a `.env` sets only once allowed: the profile
/// name (which section of the credentials file is written).
pub const SENSITIVE_VARS: &[&str] = &["OKTA_AWSCLI_PROFILE"];

/// Whether the `.env` variable `name` (any case) is sensitive: a current or legacy name of
/// a [`SENSITIVE_SETTINGS`] setting, or one of [`SENSITIVE_VARS`]. Variables a `.env` may
/// never set (the browser command, the credentials file) are not listed here: they are
/// refused whether the file is allowed or not.
pub fn is_sensitive(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    !refused_in_dotenv(&name)
        && (SENSITIVE_VARS.contains(&name.as_str())
            || setting_of_var(&name).is_some_and(|k| SENSITIVE_SETTINGS.contains(&k)))
}

/// What `load` hands to the resolution for the trust check: the `.env`'s absolute path
/// and the allow list's text (empty when there is none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DotEnvCheck {
    /// Absolute path of the `.env` read.
    pub path: String,
    /// Text of `~/.okta/allowed-dotenv`.
    pub allow_list: String,
}

/// The SHA-256 of `bytes` in lower-case hex (64 characters; FIPS 180-4).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The (sha, path) entries of an allow list; comment, blank and malformed lines are
/// skipped.
fn entries(allow_list: &str) -> impl Iterator<Item = (&str, &str)> {
    allow_list.lines().filter_map(|l| {
        let (sha, path) = l.split_once(' ')?;
        (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) && !path.is_empty())
            .then_some((sha, path))
    })
}

/// Whether the allow list holds `path` with content hash `sha`.
pub fn is_allowed(allow_list: &str, path: &str, sha: &str) -> bool {
    entries(allow_list).any(|(s, p)| p == path && s.eq_ignore_ascii_case(sha))
}

/// The allow list with `path` allowed at `sha` (any older line of `path` removed; other
/// lines kept as they are).
///
/// Errors: a path holding a line break or a carriage return, which one line cannot hold.
pub fn allow(allow_list: &str, path: &str, sha: &str) -> Result<String, String> {
    if path.contains(['\n', '\r']) {
        return Err("a path with a line break cannot be allowed".into());
    }
    let (mut out, _) = deny(allow_list, path);
    if out.is_empty() {
        out.push_str(HEADER);
    }
    out.push_str(&format!("{sha} {path}\n"));
    Ok(out)
}

/// The allow list without any line of `path`, and whether there was one.
pub fn deny(allow_list: &str, path: &str) -> (String, bool) {
    let mut out = String::new();
    let mut found = false;
    for line in allow_list.lines() {
        if entries(line).any(|(_, p)| p == path) {
            found = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    (out, found)
}

/// Filter a parsed `.env` by its trust: the variables that apply and the state.
///
/// `path` is the file's absolute path and `sha` its content's [`sha256_hex`]. When the
/// allow list holds both, or the file sets no sensitive variable to a non-blank value,
/// everything applies. Otherwise every sensitive variable is dropped and named.
pub fn filter(dotenv: &DotEnv, allow_list: &str, path: &str, sha: &str) -> (DotEnv, DotEnvTrust) {
    let mut ignored: Vec<(usize, String)> = dotenv
        .vars
        .iter()
        .filter(|(k, v)| is_sensitive(k) && !v.trim().is_empty())
        .map(|(k, _)| (dotenv.lines.get(k).copied().unwrap_or(0), k.clone()))
        .collect();
    if ignored.is_empty() {
        return (dotenv.clone(), DotEnvTrust::NoSensitiveKeys);
    }
    if is_allowed(allow_list, path, sha) {
        return (dotenv.clone(), DotEnvTrust::Allowed);
    }
    ignored.sort();
    let mut kept = dotenv.clone();
    for (_, k) in &ignored {
        kept.vars.remove(k);
        kept.lines.remove(k);
    }
    let changed = entries(allow_list).any(|(_, p)| p == path);
    let ignored = ignored.into_iter().map(|(_, k)| k).collect();
    (kept, DotEnvTrust::NotAllowed { ignored, changed })
}

/// `path` as one shell word: as is when it holds only safe characters, else in single
/// quotes (each `'` written `'\''`).
pub fn shell_word(path: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+:,@%=".contains(c);
    if !path.is_empty() && path.chars().all(safe) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}

/// The one warning line of a not-allowed `.env`: which variables were ignored and the
/// command that allows the file, e.g. `.env /w/.env is not allowed: ignored
/// OKTA_AWSCLI_FORMAT, OKTA_AWSCLI_PROFILE; if you trust it, run: okta-aws-cli dotenv
/// allow /w/.env`. Never a value.
pub fn ignored_warning(ignored: &[String], changed: bool, path: &str) -> String {
    let why = if changed {
        "changed since it was allowed"
    } else {
        "is not allowed"
    };
    format!(
        ".env {path} {why}: ignored {}; if you trust it, run: okta-aws-cli dotenv allow {}",
        ignored.join(", "),
        shell_word(path)
    )
}

#[cfg(test)]
mod tests;
