//! `web --all-profiles --write-aws-config` (docs/decisions.md#d-write-aws-config): one
//! `credential_process` profile per role in the AWS config file, the credential cache seeded
//! with the credentials of this run, and nothing in the credentials file.
//!
//! PURE: the section names ([`section_name`]), the marker of managed sections ([`marker`],
//! [`Marker::parse`]), the child's arguments ([`child_args`]) and settings
//! ([`child_config`]), the quoting of the `credential_process` line as botocore splits it
//! ([`quote_posix`], [`quote_windows`], [`command_line`]), the edit of the file's text
//! ([`edit`]) and the shadowing notes ([`shadowed`]). I/O: [`write`], which reads and
//! replaces the file with the credentials file's locked, atomic writer (owner and mode
//! kept), reads the credentials file, and seeds the cache.
//!
//! The AWS config file is read by botocore as the credentials file is (strict
//! `configparser`, then nested values); its sections are `[profile NAME]`, except the
//! profile `default`, which is `[default]` (AWS CLI User Guide, "Configuration and credential
//! file settings": "Format of the config file").

use std::path::Path;

use crate::aws::sts::Credentials;
use crate::cache::aws_credentials;
use crate::config::template::ProfileTemplate;
use crate::config::{Command, Config, Format};
use crate::error::{Error, Result};
use crate::fs::bounded;
use crate::output::credentials_file::{
    FileKind, Lead, SectionSet, SectionView, botocore_problem, edit_sections, precheck,
    read_sections, replace_locked,
};
use crate::output::profile_names::Planned;

mod section_names;
pub use section_names::{profile_of_section, section_name, shlex_split, unreadable_profile};

/// The start of the comment line that marks a section this program manages.
pub const MARKER_PREFIX: &str = "# okta-aws-cli --write-aws-config:";

/// The AWS config file, for messages.
const CONFIG_FILE: FileKind = FileKind {
    name: "AWS config file",
    dir: "AWS config directory",
    secret: false,
};

/// What the marker of a managed section names: the org and OIDC client it signs in with,
/// and the Federation app of its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The org's base URL (`https://acme.okta.com`).
    pub org: String,
    /// The OIDC client id.
    pub client_id: String,
    /// The Federation app id.
    pub app_id: String,
}

impl Marker {
    /// The marker line: [`MARKER_PREFIX`], then `org=`, `oidc-client-id=` and
    /// `aws-acct-fed-app-id=` words.
    pub fn line(&self) -> String {
        format!(
            "{MARKER_PREFIX} org={} oidc-client-id={} aws-acct-fed-app-id={}",
            self.org, self.client_id, self.app_id
        )
    }

    /// Read a marker line (stripped); `None` for any other line.
    pub fn parse(line: &str) -> Option<Marker> {
        let rest = line.strip_prefix(MARKER_PREFIX)?;
        let mut m = Marker {
            org: String::new(),
            client_id: String::new(),
            app_id: String::new(),
        };
        for word in rest.split_whitespace() {
            let (k, v) = word.split_once('=')?;
            match k {
                "org" => m.org = v.into(),
                "oidc-client-id" => m.client_id = v.into(),
                "aws-acct-fed-app-id" => m.app_id = v.into(),
                _ => {}
            }
        }
        (!m.org.is_empty() && !m.client_id.is_empty()).then_some(m)
    }
}

/// The marker of `role`'s section for the run `cfg`.
pub fn marker(cfg: &Config, role: &Planned) -> Marker {
    Marker {
        org: cfg.org.base.clone(),
        client_id: cfg.oidc_client_id.clone(),
        app_id: role.app_id.clone(),
    }
}

/// The arguments (after the program) that sign `role` in again on its own, as the AWS CLI
/// runs them: `web`, the org, client id, app, IdP and role, `--format
/// process-credentials`, then what else decides the credentials or the sign-in: the
/// session duration when set, the STS region when known (from any source, so that the
/// child reaches the same STS endpoint and computes the same cache key whatever the AWS
/// CLI's environment), `--cache-aws-credentials=false` when the cache is off, and
/// `--cache-access-token` and `--authorization-code` when on.
pub fn child_args(cfg: &Config, role: &Planned) -> Vec<String> {
    let mut args: Vec<String> = [
        "web",
        "--org-domain",
        &cfg.org.base,
        "--oidc-client-id",
        &cfg.oidc_client_id,
        "--aws-acct-fed-app-id",
        &role.app_id,
        "--aws-iam-idp",
        &role.idp_arn,
        "--aws-iam-role",
        &role.role_arn,
        "--format",
        Format::ProcessCredentials.as_str(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(d) = cfg.session_duration {
        args.extend(["--aws-session-duration".into(), d.to_string()]);
    }
    if let Some(r) = &cfg.sts_region {
        args.extend(["--aws-region".into(), r.clone()]);
    }
    if !cfg.cache_aws_credentials {
        args.push("--cache-aws-credentials=false".into());
    }
    if cfg.cache_access_token {
        args.push("--cache-access-token".into());
    }
    if cfg.authorization_code {
        args.push("--authorization-code".into());
    }
    args
}

/// The settings the child of [`child_args`] resolves, as far as the AWS credential cache's
/// key ([`aws_credentials::key_text`]) reads them: `cfg` for one role, in
/// `process-credentials` format. Everything else (okta.yaml labels, endpoint overrides) is
/// the child's as it is this run's when both see the same home and environment.
pub fn child_config(cfg: &Config, role: &Planned) -> Config {
    let mut child = cfg.clone();
    child.command = Command::Web;
    child.all_profiles = false;
    child.write_aws_config = false;
    child.format = Format::ProcessCredentials;
    child.aws_acct_fed_app_id = Some(role.app_id.clone());
    child.aws_iam_idp = Some(role.idp_arn.clone());
    child.aws_iam_role = Some(role.role_arn.clone());
    child.aws_region = cfg.sts_region.clone();
    child
}

/// Quote `word` for `shlex.split` (POSIX mode), what botocore splits a `credential_process`
/// line with outside Windows: unchanged when it is not empty and holds only the characters
/// Python's `shlex.quote` leaves alone, else in single quotes, each `'` written `'"'"'`.
pub fn quote_posix(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', "'\"'\"'"))
}

/// Quote `word` for botocore's `_windows_shell_split` (`botocore.compat`), what it splits a
/// `credential_process` line with on Windows (the rules of `CommandLineToArgvW`): unchanged
/// when it is not empty and has no space, tab, `"` or character that cmd.exe treats specially
/// (`& | < > ^ ( ) %`: SDKs that start the line through `cmd /C`, such as the Go and
/// JavaScript SDKs, would otherwise cut it there); else in double quotes, where a run of
/// backslashes before a `"` (or before the closing quote) is doubled and the `"` escaped
/// with one more backslash, and other backslashes stay as they are.
pub fn quote_windows(word: &str) -> String {
    const SPECIAL: [char; 11] = [' ', '\t', '"', '&', '|', '<', '>', '^', '(', ')', '%'];
    if !word.is_empty() && !word.contains(SPECIAL) {
        return word.to_string();
    }
    let mut out = String::from("\"");
    let mut backslashes = 0;
    for c in word.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

/// The `credential_process` value: every word quoted for the splitter botocore uses on the
/// system (`windows`: [`quote_windows`], else [`quote_posix`]), joined by spaces.
///
/// Errors: [`Error::Runtime`] for a word with a line break or another control character
/// (no quoting keeps it on the config file's one line).
pub fn command_line(words: &[String], windows: bool) -> Result<String> {
    if let Some(bad) = words.iter().find(|w| w.chars().any(char::is_control)) {
        return Err(Error::runtime(format!(
            "cannot write a credential_process line: {:?} holds a control character",
            bad
        )));
    }
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            if windows {
                quote_windows(w)
            } else {
                quote_posix(w)
            }
        })
        .collect();
    Ok(quoted.join(" "))
}

/// Refuse, before anything is written, a planned profile whose name botocore would not read
/// back from its config-file section ([`unreadable_profile`]: whitespace, a quote, a
/// backslash). `template` is the run's `--profile-template`, named in the error when set.
///
/// Errors: [`Error::Config`] (exit 2) naming the role, the profile and why.
pub fn check_names(planned: &[Planned], template: Option<&ProfileTemplate>) -> Result<()> {
    for p in planned {
        if let Some(why) = unreadable_profile(&p.profile) {
            let by = template
                .map(|t| format!(" (--profile-template {:?})", t.as_str()))
                .unwrap_or_default();
            return Err(Error::config(format!(
                "--write-aws-config: role {} would be written as profile {:?}{by}, which \
                 botocore cannot read back from the AWS config file: {why}; nothing was written",
                p.role_arn, p.profile
            )));
        }
    }
    Ok(())
}

/// One profile to write: its place in the plan and its `credential_process` value.
#[derive(Debug, Clone)]
pub struct ProfileLine {
    /// Where it comes from (profile name, IdP, role, app).
    pub planned: Planned,
    /// The `credential_process` value ([`command_line`]).
    pub command: String,
}

/// What [`edit`] did to the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEdit {
    /// The new text.
    pub text: String,
    /// Per profile, in order: whether its section existed.
    pub existed: Vec<bool>,
    /// Managed sections removed (profile names): not among the profiles of this run (their
    /// role is gone, or the profile template names it otherwise).
    pub removed: Vec<String>,
    /// Managed sections kept although they are not among the profiles of this run, because
    /// the run was not complete (profile names).
    pub kept: Vec<String>,
    /// The editor's warnings.
    pub warnings: Vec<String>,
}

/// Refuse a config file `text` botocore cannot read: one starting with a UTF-8 byte-order
/// mark (botocore reads the file as UTF-8 without removing it, so the first line is no
/// section header), or one [`botocore_problem`] finds a problem in. `file` names the file.
///
/// Errors ([`Error::Runtime`], one line): `<file> starts with a byte-order mark ...`,
/// `<file> cannot be read as botocore reads it: line N: ...`.
pub fn refuse_unreadable(text: &str, file: &str) -> Result<()> {
    if text.starts_with('\u{feff}') {
        return Err(Error::runtime(format!(
            "{file} starts with a byte-order mark (U+FEFF), which botocore cannot read (it \
             takes the mark as part of the first line); not changing it, save it as UTF-8 \
             without BOM first"
        )));
    }
    if let Some(why) = botocore_problem(text) {
        return Err(Error::runtime(format!(
            "{file} cannot be read as botocore reads it: {why}; not changing it, fix it first"
        )));
    }
    Ok(())
}

/// The section of `sections` (the config file's) that the profile `profile` goes to: the one
/// section botocore reads as that profile ([`profile_of_section`]: `[profile  x]` and
/// `[profile "x"]` are `x` too, `[profile default]` is `default`), kept as it is written,
/// when `ours` accepts its marker; else, when there is none, [`section_name`]. `file` names
/// the file in errors.
///
/// Errors ([`Error::Runtime`]): a section botocore reads as the profile that has no marker
/// or another org's or client's (`<file> already has a section [<as written>] (line N) for
/// profile "<p>" and ...`), or two such sections.
fn target_section(
    sections: &[SectionView],
    profile: &str,
    ours: &dyn Fn(&Marker) -> bool,
    file: &str,
) -> Result<String> {
    let mut found: Option<&SectionView> = None;
    for s in sections {
        if profile_of_section(&s.name).as_deref() != Some(profile) {
            continue;
        }
        let managed = s.lead.as_deref().and_then(Marker::parse);
        let whose = match (&managed, found) {
            (Some(m), _) if !ours(m) => format!(
                "okta-aws-cli manages it for org {}, client {}",
                m.org, m.client_id
            ),
            (None, _) => "okta-aws-cli does not manage it".into(),
            (Some(_), Some(first)) => format!(
                "botocore reads [{}] (line {}) as that profile too",
                first.name, first.line
            ),
            (Some(_), None) => {
                found = Some(s);
                continue;
            }
        };
        return Err(Error::runtime(format!(
            "{file} already has a section [{}] (line {}) for profile \"{profile}\" and {whose}; \
             not changing the file: rename or remove that section, or name the profiles \
             otherwise with --profile-template",
            s.name, s.line
        )));
    }
    Ok(found.map_or_else(|| section_name(profile), |s| s.name.clone()))
}

/// Edit the config file's `text` for the run `cfg`: set one managed section per profile
/// (marker line first, `credential_process`, `region` when `cfg.aws_region` is set), and
/// remove the sections managed for this org and client (and app, when the run named one
/// with `--aws-acct-fed-app-id`) whose profile is not written any more, when `complete`
/// (no role or app failed); otherwise they are kept and listed. `file` names the file in
/// errors. Nothing else changes.
///
/// Errors ([`Error::Runtime`], the file is not to be written): text botocore refuses
/// ([`refuse_unreadable`]: a byte-order mark, or a [`botocore_problem`]); a
/// section botocore reads as one of the profiles (however it is written: see
/// [`profile_of_section`]) that this program does not manage for this org and client; an
/// edit the section editor refuses. A managed section written otherwise (`[profile "x"]`)
/// is updated where it is, its header kept.
pub fn edit(
    text: &str,
    cfg: &Config,
    profiles: &[ProfileLine],
    complete: bool,
    file: &str,
) -> Result<ConfigEdit> {
    refuse_unreadable(text, file)?;
    let ours = |m: &Marker| m.org == cfg.org.base && m.client_id == cfg.oidc_client_id;
    let sections = read_sections(text);
    let mut names: Vec<String> = Vec::new();
    for p in profiles {
        names.push(target_section(&sections, &p.planned.profile, &ours, file)?);
    }
    let mut gone = Vec::new();
    for s in &sections {
        let Some(m) = s.lead.as_deref().and_then(Marker::parse) else {
            continue;
        };
        let in_scope = ours(&m)
            && cfg
                .aws_acct_fed_app_id
                .as_ref()
                .is_none_or(|a| *a == m.app_id);
        if in_scope && !names.contains(&s.name) {
            gone.push(s.name.clone());
        }
    }
    let lines: Vec<String> = profiles
        .iter()
        .map(|p| marker(cfg, &p.planned).line())
        .collect();
    let sets: Vec<SectionSet<'_>> = profiles
        .iter()
        .zip(&names)
        .zip(&lines)
        .map(|((p, name), line)| {
            let mut keys = vec![("credential_process", p.command.clone())];
            if let Some(r) = cfg.aws_region.as_deref().filter(|r| !r.trim().is_empty()) {
                keys.push(("region", r.to_string()));
            }
            SectionSet {
                name,
                lead: Some(Lead {
                    prefix: MARKER_PREFIX,
                    line,
                }),
                keys,
            }
        })
        .collect();
    let remove: Vec<&str> = if complete {
        gone.iter().map(String::as_str).collect()
    } else {
        Vec::new()
    };
    let (text, warnings, existed) = edit_sections(text, &sets, &remove, file)?;
    let shown = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|s| profile_of_section(s).unwrap_or_else(|| s.clone()))
            .collect()
    };
    let (removed, kept) = if complete {
        (shown(&gone), Vec::new())
    } else {
        (Vec::new(), shown(&gone))
    };
    Ok(ConfigEdit {
        text,
        existed,
        removed,
        kept,
        warnings,
    })
}

/// One line per profile that the credentials file's `text` has a section for: the AWS CLI
/// reads the credentials file first, so that section, not the `credential_process`
/// profile, answers (with its keys, also once they expired). `path` names the file.
pub fn shadowed(text: &str, profiles: &[&str], path: &Path) -> Vec<String> {
    let sections = read_sections(text);
    profiles
        .iter()
        .filter(|p| sections.iter().any(|s| s.name == **p))
        .map(|p| {
            format!(
                "WARNING: credentials file \"{}\" has a section [{p}]; the AWS CLI reads it before \
                 the config file, so it shadows the credential_process profile \"{p}\" (and serves \
                 its keys after they expire). The credentials file was not changed; remove that \
                 section to use the new profile.",
                path.display()
            )
        })
        .collect()
}

/// The config file of the run `cfg`. Errors ([`Error::Config`]): no path (no home and no
/// `AWS_CONFIG_FILE`); a path that still starts with `~` after expansion (`~user`, which
/// botocore looks up in the user database and this program does not: writing it would
/// create a folder named `~user`).
fn config_path(cfg: &Config) -> Result<&Path> {
    let path = cfg.aws_config_file.as_path();
    if path.as_os_str().is_empty() {
        return Err(Error::config(
            "cannot find the home directory (HOME is not set) for the AWS config file; set AWS_CONFIG_FILE",
        ));
    }
    if path.to_string_lossy().starts_with('~') {
        return Err(Error::config(format!(
            "AWS config file path \"{}\" starts with ~user, which botocore finds in the user \
             database and okta-aws-cli does not; set AWS_CONFIG_FILE to the full path",
            path.display()
        )));
    }
    Ok(path)
}

/// I/O, before any sign-in: refuse now what [`write`] would refuse about the config file
/// itself, so that it costs no sign-in: [`config_path`]'s errors, the writer's file checks
/// ([`precheck`]: not a regular file, read-only, several links, a folder that is not
/// writable, not UTF-8) and text botocore cannot read ([`refuse_unreadable`]). What needs
/// the roles (a section of a profile's name) is left to [`write`], which checks everything
/// again under its lock.
pub fn check_target(cfg: &Config) -> Result<()> {
    let path = config_path(cfg)?;
    if let Some(text) = precheck(path, CONFIG_FILE)? {
        refuse_unreadable(&text, &format!("AWS config file \"{}\"", path.display()))?;
    }
    Ok(())
}

/// I/O: deliver the `--write-aws-config` run (docs/decisions.md#d-write-aws-config):
/// `results` (profile name, credentials) with `planned` (same order), `exe` the absolute
/// path of this program, `complete` when no role or app failed. Writes the config file in
/// one locked, atomic update ([`edit`], owner and mode kept), then seeds the AWS credential
/// cache with each role's credentials under the key its `credential_process` run computes
/// ([`child_config`]; skipped when the cache is off or there is no home), and returns the
/// lines for stderr: the shadowing notes ([`shadowed`]), the editor's warnings, one line per
/// profile written, removed or kept, and a warning for a cache entry not written.
///
/// Errors: those of [`check_names`], of [`edit`] and of the writer (naming the file); the
/// file is then unchanged and nothing is seeded.
pub fn write(
    cfg: &Config,
    exe: &str,
    results: &[(String, Credentials)],
    planned: &[Planned],
    complete: bool,
) -> Result<Vec<String>> {
    let path = config_path(cfg)?;
    check_names(planned, cfg.profile_template.as_ref())?;
    let mut profiles = Vec::new();
    for p in planned {
        let mut words = vec![exe.to_string()];
        words.extend(child_args(cfg, p));
        profiles.push(ProfileLine {
            planned: p.clone(),
            command: command_line(&words, cfg!(windows))?,
        });
    }
    let file = format!("AWS config file \"{}\"", path.display());
    let done = replace_locked(path, CONFIG_FILE, |old| {
        let e = edit(old, cfg, &profiles, complete, &file)?;
        Ok((e.text.clone(), e))
    })?;
    let names: Vec<&str> = planned.iter().map(|p| p.profile.as_str()).collect();
    let mut lines = match bounded::read_bounded(&cfg.aws_credentials, bounded::CA_BUNDLE_CAP) {
        Ok(Some(text)) => shadowed(&text, &names, &cfg.aws_credentials),
        _ => Vec::new(),
    };
    let e = done.value;
    lines.extend(
        e.warnings
            .iter()
            .map(|w| crate::term::sanitize::lines(w).into_owned()),
    );
    for (name, existed) in names.iter().zip(&e.existed) {
        let verb = match (done.unchanged, existed) {
            (true, _) => "Kept",
            (false, true) => "Updated",
            (false, false) => "Wrote",
        };
        lines.push(format!("{verb} profile \"{name}\" in {file}."));
    }
    for name in &e.removed {
        lines.push(format!(
            "Removed profile \"{name}\" from {file}: it is not among the profiles this run \
             writes (its role is gone, or --profile-template names it otherwise)."
        ));
    }
    for name in &e.kept {
        lines.push(format!(
            "Kept profile \"{name}\" in {file} although it is not among the profiles this run \
             writes: some roles or apps failed in this run, so its role may still exist."
        ));
    }
    if cfg.cache_aws_credentials && !cfg.home.as_os_str().is_empty() {
        for ((_, creds), p) in results.iter().zip(planned) {
            let child = child_config(cfg, p);
            let key = aws_credentials::key_text(&child);
            let entry = aws_credentials::Entry::new(&child, creds);
            let at = aws_credentials::entry_file(&cfg.home, &key);
            if let Err(why) = aws_credentials::store(&at, &entry) {
                lines.push(format!("WARNING: {why}"));
            }
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests;
