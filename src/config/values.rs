//! PURE: parse and check the value of one setting (durations, `--min-ttl`, the profile
//! name, role ARNs, the external ID, the console page, the EKS cluster id) and the paths
//! that follow from the home directory. Errors are messages without the source; the caller
//! names it. Also [`check_eks_token`]: the one setting a format requires.

use std::path::{Path, PathBuf};

use crate::config::settings::{Command, Config, Env, Format, MAX_MIN_TTL_SECS};
use crate::error::{Error, Result};
use crate::url::{Scheme, Url};

/// The home directory from the environment snapshot: `HOME` (`USERPROFILE` on Windows),
/// `None` when unset or empty.
pub fn home_dir(env: &Env) -> Option<PathBuf> {
    let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    env.get(name)
        .filter(|h| !h.trim().is_empty())
        .map(PathBuf::from)
}

/// `<home>/.okta/okta.yaml`.
pub fn okta_yaml_path(home: &Path) -> PathBuf {
    home.join(".okta").join("okta.yaml")
}

/// Expand a leading `~` or `~/` to the home directory (okta.yaml and `.env` values never
/// pass through a shell).
pub(super) fn expand_tilde(path: &str, home: Option<&Path>) -> PathBuf {
    match (home, path) {
        (Some(h), "~") => h.to_path_buf(),
        (Some(h), p) if p.starts_with("~/") || p.starts_with("~\\") => h.join(&p[2..]),
        _ => PathBuf::from(path),
    }
}

/// The path botocore makes of an `AWS_CONFIG_FILE` or `AWS_SHARED_CREDENTIALS_FILE` value
/// (`botocore.configloader.raw_config_parse`): Python's `os.path.expandvars`, then
/// `os.path.expanduser`, with the POSIX rules on every system. `$NAME` (`NAME` of ASCII
/// letters, digits and `_`) and `${NAME}` (anything but `}`) are replaced by the variable of
/// `env` when it is set (also when empty) and left as written when not; a replaced value is
/// not expanded again. Then a leading `~` is the home ([`expand_tilde`]); `~user` is left as
/// written (botocore looks it up in the user database, which this pure function cannot).
/// The value is not trimmed. (Windows' `%NAME%` is not expanded.)
pub(super) fn expand_botocore_path(value: &str, env: &Env, home: Option<&Path>) -> PathBuf {
    expand_tilde(&expand_vars(value, env), home)
}

/// Python's `posixpath.expandvars` of `value` with the variables of `env` (see
/// [`expand_botocore_path`]).
fn expand_vars(value: &str, env: &Env) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let len = after.find(|c: char| !word(c)).unwrap_or(after.len());
            (&after[..len], len)
        };
        match env.get(name).filter(|_| len > 0) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Parse a `--min-ttl`: whole seconds (`900`) or a whole number with the unit `s`, `m` or
/// `h` (`90s`, `15m`, `1h`), surrounding spaces ignored, at most [`MAX_MIN_TTL_SECS`].
/// `None` for anything else.
pub fn parse_min_ttl(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last()? {
        (i, 's') => (&t[..i], 1),
        (i, 'm') => (&t[..i], 60),
        (i, 'h') => (&t[..i], 3600),
        _ => (t, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6 {
        return None;
    }
    let secs = digits.parse::<u64>().ok()?.checked_mul(unit)?;
    (secs <= MAX_MIN_TTL_SECS).then_some(secs)
}

/// Parse a session duration: whole seconds, 900..=43200 (STS limits, docs/decisions.md#d-session-duration).
pub fn parse_session_duration(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = t.parse().ok()?;
    (900..=43200).contains(&n).then_some(n)
}

/// Normalise an AWS profile name: trim it, and strip a pasted `profile ` prefix (that
/// form belongs in ~/.aws/config, not the credentials file; case B26). Returns the name
/// and a warning when it was changed. Errors (message without source) for an empty name
/// or one containing `[`, `]` or a line break.
pub fn normalize_profile(raw: &str) -> std::result::Result<(String, Option<String>), String> {
    let name = raw.trim();
    let mut warning = None;
    let mut out = name.to_string();
    // Slice with `get` only: the name is user input, and byte 8 need not be a character
    // boundary (`aaaaaaaé`, `日本語のプロファイル`).
    if let Some(rest) = name
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("profile "))
        .and_then(|_| name.get(8..))
        .filter(|r| !r.is_empty())
    {
        out = rest.trim().to_string();
        warning = Some(format!(
            "profile name {name:?} corrected to {out:?}: the \"profile \" prefix belongs to ~/.aws/config section names only"
        ));
    }
    if out.is_empty() {
        return Err(format!("profile name {raw:?} is empty"));
    }
    if out.contains(['[', ']']) || out.chars().any(char::is_control) {
        return Err(format!(
            "profile name {raw:?} cannot contain '[', ']', a line break or another control character"
        ));
    }
    Ok((out, warning))
}

/// Why `arn` cannot be a chained role's ARN (`arn:<partition>:iam::<12-digit
/// account>:role/<path and name>`), or `None` when it can.
pub(super) fn role_arn_problem(arn: &str) -> Option<&'static str> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = fields.as_slice() else {
        return Some("expected arn:<partition>:iam::<account>:role/<name>");
    };
    if *prefix != "arn" || partition.is_empty() || *service != "iam" || !region.is_empty() {
        return Some("expected arn:<partition>:iam::<account>:role/<name>");
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Some("the account must be 12 digits");
    }
    match resource.strip_prefix("role/") {
        Some(name) if !name.is_empty() && !name.ends_with('/') => {}
        _ => return Some("the resource must be role/<name>"),
    }
    if arn.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains whitespace or a control character");
    }
    None
}

/// An STS `ExternalId`: 2 to 1224 characters of letters, digits and `+=,.@:/-` and
/// whitespace-free (AWS STS API Reference, AssumeRole).
pub(super) fn check_external_id(v: &str) -> std::result::Result<String, &'static str> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c);
    if !(2..=1224).contains(&v.len()) {
        return Err("it must be 2 to 1224 characters long");
    }
    if !v.chars().all(ok_char) {
        return Err("use letters, digits and _+=,.@:/- only");
    }
    Ok(v.to_string())
}

/// A console destination: an absolute `https://` URL ([`Url`]) without whitespace or
/// control characters.
pub(super) fn check_console_destination(v: &str) -> std::result::Result<String, &'static str> {
    if !Url::parse(v).is_ok_and(|u| u.scheme() == Scheme::Https) {
        return Err("expected an https:// URL of an AWS console page");
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace or a control character");
    }
    Ok(v.to_string())
}

/// Longest EKS cluster id accepted, in characters.
const MAX_EKS_CLUSTER_ID: usize = 255;

/// An EKS cluster id (`--eks-cluster-id`): the cluster's name or id, 1 to 255 visible ASCII
/// characters. It is signed as the `x-k8s-aws-id` header of the token, so it may hold no
/// space or control character.
pub(super) fn check_eks_cluster_id(v: &str) -> std::result::Result<String, &'static str> {
    if v.len() > MAX_EKS_CLUSTER_ID {
        return Err("it is longer than 255 characters");
    }
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("expected the cluster's name or id: visible ASCII characters, no space");
    }
    Ok(v.to_string())
}

/// `--format eks-token` needs `--eks-cluster-id`, except for `--check` and `--clear-cache`,
/// which make no token: without it, an [`Error::Usage`] naming the flag and its variable.
pub(super) fn check_eks_token(cfg: &Config) -> Result<()> {
    let flow = matches!(cfg.command, Command::Web | Command::M2m | Command::Direct);
    if flow
        && cfg.format == Format::EksToken
        && cfg.eks_cluster_id.is_none()
        && !cfg.check
        && !cfg.clear_cache
    {
        return Err(Error::usage(format!(
            "--format eks-token needs the cluster the token is for: set --eks-cluster-id (OKTA_AWSCLI_EKS_CLUSTER_ID) by flag, environment variable, .env or okta.yaml profile {:?}",
            cfg.profile
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_file_variables_expand_as_botocore_expands_them() {
        let env: Env = [
            ("HOME", "/home/u"),
            ("D", "/data"),
            ("EMPTY", ""),
            ("T", "~/t"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let home = Some(Path::new("/home/u"));
        let path = |v: &str| expand_botocore_path(v, &env, home);
        // What botocore makes of them (os.path.expandvars, then expanduser, on Linux).
        for (value, expected) in [
            ("$HOME/.aws/config", "/home/u/.aws/config"),
            ("${HOME}/.aws/config", "/home/u/.aws/config"),
            ("~/.aws/config", "/home/u/.aws/config"),
            ("~", "/home/u"),
            ("$D/x", "/data/x"),
            ("$D_x/y", "$D_x/y"),
            ("${D}_x/y", "/data_x/y"),
            ("$NOPE/x", "$NOPE/x"),
            ("${NOPE}/x", "${NOPE}/x"),
            ("$EMPTY/x", "/x"),
            ("$/x", "$/x"),
            ("${D/x", "${D/x"),
            ("${}/x", "${}/x"),
            ("$T/c", "/home/u/t/c"),
            ("$D$D", "/data/data"),
            ("~bob/x", "~bob/x"),
            (" /x ", " /x "),
            ("/a/b", "/a/b"),
        ] {
            assert_eq!(path(value), PathBuf::from(expected), "{value:?}");
        }
    }

    #[test]
    fn eks_cluster_ids() {
        for ok in ["my-cluster", "prod_eks.2", "a", "0123abcd-ef"] {
            assert_eq!(check_eks_cluster_id(ok).as_deref(), Ok(ok));
        }
        for bad in ["", "my cluster", "a\nb", "\u{e9}t\u{e9}", &"x".repeat(256)] {
            assert!(check_eks_cluster_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn min_ttl_forms() {
        assert_eq!(parse_min_ttl("900"), Some(900));
        assert_eq!(parse_min_ttl(" 15m "), Some(900));
        assert_eq!(parse_min_ttl("1h"), Some(3600));
        assert_eq!(parse_min_ttl("90s"), Some(90));
        assert_eq!(parse_min_ttl("0"), Some(0));
        assert_eq!(parse_min_ttl("12h"), Some(MAX_MIN_TTL_SECS));
        for bad in [
            "",
            "m",
            "13h",
            "-5",
            "1.5h",
            "15 m",
            "15min",
            "1d",
            "99999999999",
        ] {
            assert_eq!(parse_min_ttl(bad), None, "{bad:?}");
        }
    }
}
