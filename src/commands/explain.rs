//! `--explain`: every setting of the run, its value and where it came from, then the files
//! the run reads or writes and the cache entries that apply. No network call.
//!
//! [`explain_text`] is pure (a resolved [`Config`] and the facts gathered from the disk in,
//! text out); [`run`] gathers those facts ([`file_facts`], [`cache_entries`]) and prints the
//! text on stdout.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::cache::access_token as token_cache;
use crate::clock::UnixMs;
use crate::config::{Command, Config, Format, SettingOrigin};
use crate::error::Result;
use crate::fs::bounded;
use crate::output::credentials_file;
use crate::term::sanitize;

/// Settings of every command, in the order shown.
const GLOBAL_KEYS: &[&str] = &[
    "profile",
    "org-domain",
    "oidc-client-id",
    "aws-iam-role",
    "aws-session-duration",
    "format",
    "shell",
    "aws-region",
    "aws-credentials",
    "write-aws-credentials",
    "force-overwrite",
    "legacy-aws-variables",
    "expiry-aws-variables",
    "cache-access-token",
    "cache-aws-credentials",
    "min-ttl",
    "debug",
    "debug-api-calls",
    "exec",
    "ecs-server",
    "short-user-agent",
    "chain-role",
    "chain-external-id",
    "console-destination",
    "eks-cluster-id",
    "aws-endpoint-url",
    "aws-endpoint-url-sts",
    "aws-endpoint-url-signin",
];
/// Settings of `web` only.
const WEB_KEYS: &[&str] = &[
    "aws-acct-fed-app-id",
    "aws-iam-idp",
    "qr-code",
    "open-browser",
    "open-browser-command",
    "all-profiles",
    "write-aws-config",
    "aws-config-file",
    "profile-template",
    "authorization-code",
    "redirect-port",
    "authorization-code-timeout",
    "aws-endpoint-url-iam",
    "no-color",
];
/// Settings of `m2m` only.
const M2M_KEYS: &[&str] = &[
    "key-id",
    "private-key",
    "private-key-file",
    "private-key-passphrase",
    "custom-scope",
    "authz-id",
    "aws-sts-role-session-name",
];

/// Settings of `direct` only.
const DIRECT_KEYS: &[&str] = &[
    "username",
    "password",
    "mfa-method",
    "otp",
    "authz-id",
    "aws-sts-role-session-name",
];

/// One file the run reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFact {
    /// What the file is for (`okta.yaml`, `AWS credentials file`).
    pub what: &'static str,
    /// Its path.
    pub path: PathBuf,
    /// What the run does with it and whether it exists, one line.
    pub state: String,
}

/// One cache entry that applies to the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    /// What is cached (`Okta access token`).
    pub what: &'static str,
    /// The entry's file.
    pub path: PathBuf,
    /// Present and valid until when, absent, or why the cache is not used; one line.
    pub state: String,
}

/// The command's name as typed.
fn command_name(c: Command) -> &'static str {
    match c {
        Command::Web => "web",
        Command::M2m => "m2m",
        Command::Direct => "direct",
        Command::ListProfiles => "list-profiles",
        Command::Debug => "debug",
    }
}

/// The settings shown for `command`: the global ones, then the command's own.
fn keys_for(command: Command) -> Vec<&'static str> {
    let mut keys = GLOBAL_KEYS.to_vec();
    match command {
        Command::Web => keys.extend_from_slice(WEB_KEYS),
        Command::M2m => keys.extend_from_slice(M2M_KEYS),
        Command::Direct => keys.extend_from_slice(DIRECT_KEYS),
        Command::ListProfiles | Command::Debug => {}
    }
    keys
}

/// True when `command` cannot run without `key` (and it is not set). `--clear-cache`
/// needs the org alone.
fn missing_required(cfg: &Config, key: &str) -> bool {
    let flow = matches!(cfg.command, Command::Web | Command::M2m | Command::Direct);
    if flow && cfg.clear_cache {
        return key == "org-domain" && cfg.org.base.is_empty();
    }
    let m2m = cfg.command == Command::M2m;
    let direct = cfg.command == Command::Direct;
    let token = cfg.format == Format::EksToken && !cfg.check;
    match key {
        "org-domain" => flow && cfg.org.base.is_empty(),
        "oidc-client-id" => flow && cfg.oidc_client_id.is_empty(),
        "aws-iam-role" => (m2m || direct) && cfg.aws_iam_role.is_none(),
        "username" => direct && cfg.username.is_none(),
        "eks-cluster-id" => flow && token && cfg.eks_cluster_id.is_none(),
        "key-id" => m2m && cfg.key_id.is_none(),
        "private-key" | "private-key-file" => {
            m2m && cfg.private_key.is_none() && cfg.private_key_file.is_none()
        }
        _ => false,
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    b.to_string()
}

/// The value shown for `key` (secrets as `<set>`, empty when unset); `None` for a key
/// this table does not know.
fn shown_value(cfg: &Config, key: &str) -> Option<String> {
    let value = match key {
        "profile" => cfg.profile.clone(),
        "org-domain" => cfg.org.base.clone(),
        "oidc-client-id" => cfg.oidc_client_id.clone(),
        "aws-iam-role" => opt(&cfg.aws_iam_role),
        "aws-session-duration" => match (cfg.session_duration, cfg.command) {
            (Some(d), _) => d.to_string(),
            (None, Command::Web) => "the SAML assertion's SessionDuration, else 3600".into(),
            (None, _) => "3600".into(),
        },
        "format" => cfg.format.as_str().to_string(),
        "shell" => cfg.shell.as_str().to_string(),
        "aws-region" => opt(&cfg.aws_region),
        "aws-credentials" => cfg.aws_credentials.display().to_string(),
        "write-aws-credentials" => yes_no(cfg.write_aws_credentials),
        "force-overwrite" => yes_no(cfg.force_overwrite),
        "legacy-aws-variables" => yes_no(cfg.legacy_aws_variables),
        "expiry-aws-variables" => yes_no(cfg.expiry_aws_variables),
        "cache-access-token" => yes_no(cfg.cache_access_token),
        "cache-aws-credentials" => yes_no(cfg.cache_aws_credentials),
        "min-ttl" => cfg.min_ttl_secs.to_string(),
        "debug" => yes_no(cfg.debug),
        "debug-api-calls" => yes_no(cfg.debug_api_calls),
        "exec" => match cfg.exec {
            true if !cfg.exec_args.is_empty() => format!("true: {}", cfg.exec_args.join(" ")),
            b => yes_no(b),
        },
        "ecs-server" => yes_no(cfg.ecs_server),
        "short-user-agent" => yes_no(cfg.short_user_agent),
        "chain-role" => cfg.chain_roles.join(", "),
        "chain-external-id" => opt(&cfg.chain_external_id),
        "console-destination" => opt(&cfg.console_destination),
        "eks-cluster-id" => opt(&cfg.eks_cluster_id),
        "profile-template" => cfg
            .profile_template
            .as_ref()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        "aws-endpoint-url" => opt(&cfg.endpoint_urls.all),
        "aws-endpoint-url-sts" => opt(&cfg.endpoint_urls.sts),
        "aws-endpoint-url-iam" => opt(&cfg.endpoint_urls.iam),
        "aws-endpoint-url-signin" => opt(&cfg.endpoint_urls.signin),
        "no-color" => yes_no(cfg.no_color),
        "aws-acct-fed-app-id" => opt(&cfg.aws_acct_fed_app_id),
        "aws-iam-idp" => opt(&cfg.aws_iam_idp),
        "qr-code" => yes_no(cfg.qr_code),
        "open-browser" if !cfg.open_browser && !cfg.open_browser_off => {
            "false (true when stderr is captured and a terminal exists)".into()
        }
        "open-browser" => yes_no(cfg.open_browser),
        "open-browser-command" => opt(&cfg.open_browser_command),
        "all-profiles" => yes_no(cfg.all_profiles),
        "write-aws-config" => yes_no(cfg.write_aws_config),
        "aws-config-file" => cfg.aws_config_file.display().to_string(),
        "authorization-code" => yes_no(cfg.authorization_code),
        "redirect-port" => cfg
            .redirect_ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        "authorization-code-timeout" => format!("{}s", cfg.authorization_code_timeout_secs),
        "key-id" => opt(&cfg.key_id),
        "private-key" => match &cfg.private_key {
            Some(_) => "<set>".into(),
            None => String::new(),
        },
        "private-key-file" => cfg
            .private_key_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        "private-key-passphrase" => match &cfg.private_key_passphrase {
            Some(_) => "<set>".into(),
            None => String::new(),
        },
        "custom-scope" => cfg.custom_scope.clone(),
        "authz-id" => cfg.authz_id.clone(),
        "aws-sts-role-session-name" => cfg.sts_role_session_name.clone(),
        "username" => opt(&cfg.username),
        "password" => match &cfg.password {
            Some(_) => "<set>".into(),
            None => String::new(),
        },
        "mfa-method" => cfg.mfa_method.as_str().to_string(),
        "otp" => match &cfg.otp {
            Some(_) => "<set>".into(),
            None => String::new(),
        },
        _ => return None,
    };
    Some(value)
}

/// Where `key`'s value came from, one line.
fn shown_source(cfg: &Config, key: &str) -> String {
    let origin: Option<&SettingOrigin> = cfg.origins.iter().rev().find(|o| o.key == key);
    if missing_required(cfg, key) && key == "eks-cluster-id" {
        return "MISSING: required by --format eks-token".into();
    }
    if missing_required(cfg, key) {
        return format!("MISSING: required by {}", command_name(cfg.command));
    }
    // Values one setting implies for another.
    let implied = match key {
        "format"
            if cfg.format == Format::AwsCredentials
                && (cfg.write_aws_credentials || cfg.all_profiles) =>
        {
            Some("implied by --write-aws-credentials / --all-profiles")
        }
        "open-browser" if cfg.open_browser_command.is_some() => {
            Some("implied by --open-browser-command")
        }
        "cache-aws-credentials" if origin.is_none() && cfg.format == Format::ProcessCredentials => {
            Some("default: on with --format process-credentials")
        }
        "cache-aws-credentials" if origin.is_none() && cfg.format == Format::EksToken => {
            Some("default: on with --format eks-token")
        }
        "cache-aws-credentials" if origin.is_none() && cfg.ecs_server => {
            Some("default: on with --ecs-server, which answers from it")
        }
        "cache-aws-credentials" if origin.is_none() && cfg.write_aws_config => {
            Some("default: on with --write-aws-config (the run seeds each profile's entry)")
        }
        _ => None,
    };
    let described = origin.map(|o| o.describe(&cfg.okta_yaml_path));
    match (key, described, implied) {
        (_, Some(d), Some(i)) => format!("{i} (given: {d})"),
        (_, None, Some(i)) => i.to_string(),
        ("private-key", Some(d), None) if cfg.private_key.is_none() => {
            format!("{d}; not used: the private key file is given by a stronger layer")
        }
        ("private-key-file", Some(d), None) if cfg.private_key_file.is_none() => {
            format!("{d}; not used: the private key is given by a stronger layer")
        }
        ("otp", Some(d), None) if cfg.mfa_method != crate::config::MfaMethod::Otp => {
            format!("{d}; not used: mfa-method is push")
        }
        (_, Some(d), None) => d,
        ("password", None, None) => {
            "not set (asked on the terminal; with no terminal the run stops)".into()
        }
        ("otp", None, None) if cfg.mfa_method == crate::config::MfaMethod::Otp => {
            "not set (asked on the terminal; with no terminal the run stops)".into()
        }
        ("otp", None, None) => "not used: mfa-method is push".into(),
        ("private-key-passphrase", None, None) => {
            "not set (asked on the terminal if the key is encrypted)".into()
        }
        // A flag only: never from the environment, `.env` or okta.yaml.
        ("force-overwrite", None, None) if cfg.force_overwrite => "flag --force-overwrite".into(),
        ("force-overwrite", None, None) => "default (command line only)".into(),
        ("aws-region", None, None) => match cfg.sts_region.as_deref() {
            Some(r) => format!("not set (STS is reached in region {r}, from the AWS environment)"),
            None => "not set".into(),
        },
        ("aws-config-file", None, None) => {
            "default (~/.aws/config; AWS_CONFIG_FILE sets it)".into()
        }
        ("profile-template", None, None) => {
            format!(
                "default ({})",
                crate::config::template::ProfileTemplate::DEFAULT
            )
        }
        (_, None, None) if shown_value(cfg, key).unwrap_or_default().is_empty() => "not set".into(),
        _ => "default".into(),
    }
}

/// The text of `--explain` (PURE): a table of settings (name, value, source), then the
/// files and cache entries. Every value and path is escaped onto one line
/// ([`sanitize::line`]); secrets are shown as `<set>`.
pub fn explain_text(cfg: &Config, files: &[FileFact], caches: &[CacheEntry]) -> String {
    let keys = keys_for(cfg.command);
    let rows: Vec<(String, String, String)> = keys
        .iter()
        .map(|k| {
            (
                k.to_string(),
                sanitize::line(&shown_value(cfg, k).unwrap_or_default()).into_owned(),
                sanitize::line(&shown_source(cfg, k)).into_owned(),
            )
        })
        .collect();
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(7);
    let w1 = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(5, 60);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Settings of `okta-aws-cli {}` for profile \"{}\" (flag > environment > .env > okta.yaml > default):",
        command_name(cfg.command),
        sanitize::line(&cfg.profile)
    );
    let _ = writeln!(out, "  {:w0$}  {:w1$}  SOURCE", "SETTING", "VALUE");
    for (k, v, s) in &rows {
        let v = if v.is_empty() { "-" } else { v.as_str() };
        let _ = writeln!(out, "  {k:w0$}  {v:w1$}  {s}");
    }
    let _ = writeln!(out, "Files:");
    for f in files {
        let _ = writeln!(
            out,
            "  {}: {} ({})",
            f.what,
            sanitize::line(&f.path.display().to_string()),
            sanitize::line(&f.state)
        );
    }
    let _ = writeln!(out, "Cache entries:");
    if caches.is_empty() {
        let _ = writeln!(out, "  none apply to {}", command_name(cfg.command));
    }
    for c in caches {
        let _ = writeln!(
            out,
            "  {}: {} ({})",
            c.what,
            sanitize::line(&c.path.display().to_string()),
            sanitize::line(&c.state)
        );
    }
    out
}

/// The `.env` row's state: absent, read, allowed, or not allowed with the ignored
/// variables (README "The .env trust model").
fn dotenv_state(cfg: &Config) -> String {
    use crate::config::DotEnvTrust;
    if !cfg.dotenv_found {
        return "not found; optional".into();
    }
    match &cfg.dotenv_trust {
        DotEnvTrust::Absent => "read".into(),
        DotEnvTrust::NoSensitiveKeys => "read; sets no sensitive key".into(),
        DotEnvTrust::Allowed => "read; allowed (okta-aws-cli dotenv allow)".into(),
        DotEnvTrust::NotAllowed { ignored, changed } => format!(
            "read; {}: ignored {}",
            if *changed {
                "changed since it was allowed"
            } else {
                "not allowed"
            },
            ignored.join(", ")
        ),
    }
}

fn exists(path: &Path) -> bool {
    std::fs::metadata(path).is_ok()
}

/// I/O: the files of the run and what it does with them (existence checks only; nothing
/// is opened).
pub fn file_facts(cfg: &Config) -> Vec<FileFact> {
    let mut out = Vec::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    out.push(FileFact {
        what: ".env",
        path: cwd.join(".env"),
        state: dotenv_state(cfg),
    });
    let yaml_state = match &cfg.okta_yaml {
        None => "not found; optional".to_string(),
        Some(y) if y.profile(&cfg.profile).is_some() => {
            format!("read; profile \"{}\" found", cfg.profile)
        }
        Some(_) => format!("read; no profile \"{}\" in awscli.profiles", cfg.profile),
    };
    if !cfg.okta_yaml_path.as_os_str().is_empty() {
        out.push(FileFact {
            what: "okta.yaml",
            path: cfg.okta_yaml_path.clone(),
            state: yaml_state,
        });
    }
    if cfg.command == Command::M2m
        && let Some(p) = &cfg.private_key_file
    {
        out.push(FileFact {
            what: "private key file",
            path: p.clone(),
            state: if exists(p) {
                "read when the run signs in".into()
            } else {
                "DOES NOT EXIST".into()
            },
        });
    }
    if matches!(cfg.command, Command::Web | Command::M2m | Command::Direct) {
        let writes = !cfg.write_aws_config
            && (cfg.format == Format::AwsCredentials
                || (matches!(cfg.format, Format::ProcessCredentials | Format::EksToken)
                    && cfg.write_aws_credentials));
        let long_term = writes
            && !cfg.all_profiles
            && matches!(
                bounded::read_bounded(&cfg.aws_credentials, bounded::CA_BUNDLE_CAP),
                Ok(Some(t)) if credentials_file::holds_long_term_keys(&t, &cfg.profile)
            );
        let state = match (writes, exists(&cfg.aws_credentials)) {
            (true, true) if long_term && cfg.force_overwrite => format!(
                "profile \"{}\" holds long-term keys; --force-overwrite replaces them",
                cfg.profile
            ),
            (true, true) if long_term => format!(
                "profile \"{}\" holds long-term keys: the run refuses to replace them \
                 (--force-overwrite would)",
                cfg.profile
            ),
            (true, true) => "profile updated in place".to_string(),
            (true, false) => "created".to_string(),
            (false, _) if cfg.write_aws_config => "not written with --write-aws-config; read to \
                 name its sections that would shadow a written profile"
                .to_string(),
            (false, _) => format!("not written with format {}", cfg.format.as_str()),
        };
        out.push(FileFact {
            what: "AWS credentials file",
            path: cfg.aws_credentials.clone(),
            state,
        });
    }
    if cfg.command == Command::Web && cfg.write_aws_config {
        out.push(FileFact {
            what: "AWS config file",
            path: cfg.aws_config_file.clone(),
            state: if exists(&cfg.aws_config_file) {
                "its okta-aws-cli profiles of this org updated in place; other sections kept"
            } else {
                "created"
            }
            .into(),
        });
    }
    out
}

/// I/O: the cache entries that apply to this run, with their state at `now`.
/// Each cache of the program adds its entry here: today the Okta access token of
/// `--cache-access-token` (`web`, `direct`) and the AWS credentials.
pub fn cache_entries(cfg: &Config, now: UnixMs) -> Vec<CacheEntry> {
    let mut out = Vec::new();
    let token_client = match cfg.command {
        Command::Web => Some(cfg.oidc_client_id.clone()),
        Command::Direct => Some(crate::okta::direct::token_cache_client(
            &cfg.oidc_client_id,
            &cfg.authz_id,
            cfg.username.as_deref().unwrap_or_default(),
        )),
        _ => None,
    };
    if let Some(client) = token_client
        && !cfg.org.host.is_empty()
        && !cfg.home.as_os_str().is_empty()
    {
        let path = token_cache::cache_path(&cfg.home, &cfg.org.host, &client);
        let state = if !cfg.cache_access_token {
            "not used: --cache-access-token is off".to_string()
        } else {
            match token_cache::load(&path, &cfg.org.host, &client, now) {
                Some(t) => format!("valid until {}", rfc3339(t.expires_at)),
                None if exists(&path) => {
                    "present but expired or unusable; the next sign-in replaces it".into()
                }
                None => "absent; the next sign-in creates it".into(),
            }
        };
        out.push(CacheEntry {
            what: "Okta access token",
            path,
            state,
        });
    }
    if matches!(cfg.command, Command::Web | Command::M2m | Command::Direct)
        && !cfg.home.as_os_str().is_empty()
    {
        use crate::cache::aws_credentials as cache;
        let key = cache::key_text(cfg);
        let path = cache::entry_file(&cfg.home, &key);
        let state = if !cache::applies(cfg) {
            "not used by this run (--cache-aws-credentials is off, or the role may differ)".into()
        } else {
            match cache::load(&path, &key) {
                cache::Lookup::Found(entry, expires_at) => {
                    let left = match cache::freshness(expires_at, now, cfg.min_ttl_secs) {
                        cache::Freshness::Fresh(left) => {
                            format!("fresh, {} left", cache::human_duration(left))
                        }
                        cache::Freshness::UnderMinTtl(left) => format!(
                            "{} left, under --min-ttl; the next run signs in again",
                            cache::human_duration(left)
                        ),
                        cache::Freshness::Expired(_) => {
                            "expired; the next run signs in again".into()
                        }
                    };
                    format!(
                        "role {}: {left} (expires {})",
                        entry.role_label(),
                        rfc3339(expires_at.secs())
                    )
                }
                cache::Lookup::Unusable(why) => why,
                cache::Lookup::Missing => "absent; the next sign-in creates it".into(),
            }
        };
        out.push(CacheEntry {
            what: "AWS credentials",
            path,
            state,
        });
    }
    out
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("{unix} (Unix seconds)"))
}

/// I/O: print the `--explain` text of `cfg` on stdout.
pub fn run(cfg: &Config) -> Result<()> {
    let text = explain_text(
        cfg,
        &file_facts(cfg),
        &cache_entries(cfg, crate::clock::now()),
    );
    crate::output::stdout::write(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Env;
    use crate::config::flags::{Flags, Invocation};

    /// The settings of `command` under `--explain` in an environment holding `pairs`.
    fn explained(command: Command, pairs: &[(&str, &str)]) -> String {
        try_explained(command, &Flags::default(), pairs).expect("resolves")
    }

    /// [`explained`] with `flags` on the command line; `None` when the settings do not
    /// resolve.
    fn try_explained(command: Command, flags: &Flags, pairs: &[(&str, &str)]) -> Option<String> {
        let env: Env = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let inv = Invocation {
            command,
            flags: flags.clone(),
            explain: true,
            ..Invocation::default()
        };
        let cfg = crate::config::resolve(&inv, &env, None, None).ok()?;
        Some(explain_text(&cfg, &[], &[]))
    }

    /// Every command. The match stops compiling when a command is added: list it in the
    /// array too, so that the tests below look at its rows.
    fn every_command() -> [Command; 5] {
        let all = [
            Command::Web,
            Command::M2m,
            Command::Direct,
            Command::ListProfiles,
            Command::Debug,
        ];
        for command in all {
            match command {
                Command::Web
                | Command::M2m
                | Command::Direct
                | Command::ListProfiles
                | Command::Debug => {}
            }
        }
        all
    }

    /// Whether `text` has a table row for `key`.
    fn has_row(text: &str, key: &str) -> bool {
        text.lines()
            .any(|l| l.starts_with("  ") && l.split_whitespace().next() == Some(key))
    }

    #[test]
    fn every_setting_of_the_settings_table_has_a_row() {
        let texts: Vec<String> = every_command()
            .into_iter()
            .map(|c| explained(c, &[]))
            .collect();
        let mut keys = 0;
        for key in crate::config::setting_keys() {
            keys += 1;
            assert!(
                texts.iter().any(|t| has_row(t, key)),
                "--explain shows no row for the setting {key}: add it to the key lists above"
            );
            assert!(
                shown_value(&Config::default(), key).is_some(),
                "shown_value has no arm for the setting {key}"
            );
        }
        assert!(keys > 30, "the settings table has only {keys} settings");
        // The rows the issue named.
        for key in [
            "shell",
            "cache-aws-credentials",
            "min-ttl",
            "chain-role",
            "chain-external-id",
            "console-destination",
        ] {
            assert!(has_row(&texts[0], key) && has_row(&texts[1], key), "{key}");
        }
        assert!(has_row(&texts[0], "profile-template"));
    }

    #[test]
    fn every_setting_given_by_its_variable_names_it() {
        // One value each setting accepts, tried in turn: a setting added to the table later
        // is covered with no change here, or fails below asking for a sample.
        const SAMPLES: &[&str] = &[
            "true",
            "900",
            "example.okta.com",
            "env-var",
            "posix",
            "arn:aws:iam::123456789012:role/Sample",
            "https://console.aws.amazon.com/s3/",
            "push",
            "sample",
        ];
        for key in crate::config::setting_keys() {
            let var = crate::config::env_name(key)
                .unwrap_or_else(|| panic!("the setting {key} has no environment variable"));
            let command = every_command()
                .into_iter()
                .find(|c| keys_for(*c).contains(&key))
                .unwrap_or_else(|| panic!("no command shows {key}"));
            let text = SAMPLES
                .iter()
                .find_map(|v| {
                    let env = [(var, *v), ("HOME", "/home/u"), ("USERPROFILE", "/home/u")];
                    try_explained(command, &Flags::default(), &env)
                })
                .unwrap_or_else(|| panic!("no sample value resolves for {key}: add one"));
            let (_, source) = row(&text, key);
            assert!(
                source.contains(&format!("environment variable {var}")),
                "{key}: {source}"
            );
        }
    }

    #[test]
    fn flags_read_without_the_common_lookup_name_their_flag() {
        let flags = Flags {
            chain_role: vec!["arn:aws:iam::123456789012:role/Next".into()],
            cache_aws_credentials: Some(false),
            min_ttl: Some("1h".into()),
            shell: Some("fish".into()),
            ..Flags::default()
        };
        let text = try_explained(Command::M2m, &flags, &[]).expect("resolves");
        assert_eq!(
            row(&text, "chain-role"),
            pair("arn:aws:iam::123456789012:role/Next", "flag --chain-role")
        );
        assert_eq!(
            row(&text, "cache-aws-credentials"),
            pair("false", "flag --cache-aws-credentials")
        );
        assert_eq!(row(&text, "min-ttl"), pair("3600", "flag --min-ttl"));
        assert_eq!(row(&text, "shell"), pair("fish", "flag --shell"));

        let flags = Flags {
            format: Some("process-credentials".into()),
            ..Flags::default()
        };
        let text = try_explained(Command::M2m, &flags, &[]).expect("resolves");
        assert_eq!(
            row(&text, "cache-aws-credentials"),
            pair("true", "default: on with --format process-credentials")
        );
        assert_eq!(row(&text, "min-ttl"), pair("900", "default"));
        let text = explained(Command::Web, &[]);
        assert_eq!(
            row(&text, "profile-template").1,
            "default ({alias}-{idp}-{role_path})"
        );
    }

    #[test]
    fn eks_token_rows_show_the_cluster_and_the_cache_default() {
        let flags = Flags {
            format: Some("eks-token".into()),
            ..Flags::default()
        };
        let text = try_explained(Command::M2m, &flags, &[]).expect("resolves");
        assert_eq!(
            row(&text, "eks-cluster-id"),
            pair("-", "MISSING: required by --format eks-token")
        );
        assert_eq!(
            row(&text, "cache-aws-credentials"),
            pair("true", "default: on with --format eks-token")
        );
        let env = [("OKTA_AWSCLI_EKS_CLUSTER_ID", "prod")];
        let text = try_explained(Command::Web, &flags, &env).expect("resolves");
        assert_eq!(
            row(&text, "eks-cluster-id"),
            pair("prod", "environment variable OKTA_AWSCLI_EKS_CLUSTER_ID")
        );
        // Other formats do not need it.
        let text = explained(Command::M2m, &[]);
        assert_eq!(row(&text, "eks-cluster-id"), pair("-", "not set"));
    }

    /// The (value, source) of the table row of `key`.
    fn row(text: &str, key: &str) -> (String, String) {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no row {key}:\n{text}"));
        let rest = line.trim_start()[key.len()..].trim_start();
        let (value, source) = rest.split_once("  ").unwrap_or((rest, ""));
        (value.trim().to_string(), source.trim().to_string())
    }

    fn pair(value: &str, source: &str) -> (String, String) {
        (value.to_string(), source.to_string())
    }

    #[test]
    fn environment_only_settings_show_their_variable() {
        let text = explained(
            Command::Web,
            &[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                ("AWS_ENDPOINT_URL_IAM", " http://127.0.0.1:5001 "),
                ("AWS_ENDPOINT_URL_STS", " "),
                ("AWS_SHARED_CREDENTIALS_FILE", "/tmp/creds"),
                ("TERM", "dumb"),
            ],
        );
        let env = |v: &str| format!("environment variable {v}");
        assert_eq!(
            row(&text, "aws-endpoint-url"),
            pair("http://127.0.0.1:5000", &env("AWS_ENDPOINT_URL"))
        );
        assert_eq!(
            row(&text, "aws-endpoint-url-iam"),
            pair("http://127.0.0.1:5001", &env("AWS_ENDPOINT_URL_IAM"))
        );
        assert_eq!(row(&text, "aws-endpoint-url-sts"), pair("-", "not set"));
        assert_eq!(row(&text, "aws-endpoint-url-signin"), pair("-", "not set"));
        assert_eq!(
            row(&text, "aws-credentials"),
            pair("/tmp/creds", &env("AWS_SHARED_CREDENTIALS_FILE"))
        );
        assert_eq!(row(&text, "no-color"), pair("true", &env("TERM")));

        let text = explained(Command::Web, &[("NO_COLOR", "1"), ("TERM", "dumb")]);
        assert_eq!(row(&text, "no-color"), pair("true", &env("NO_COLOR")));
        let text = explained(Command::Web, &[("NO_COLOR", ""), ("TERM", "xterm")]);
        assert_eq!(row(&text, "no-color"), pair("false", "default"));
    }

    #[test]
    fn clear_cache_misses_the_org_alone() {
        let clear = Flags {
            clear_cache: Some(true),
            ..Flags::default()
        };
        for command in [Command::Web, Command::M2m] {
            let text = try_explained(command, &clear, &[]).expect("resolves");
            let missing: Vec<&str> = text.lines().filter(|l| l.contains("MISSING")).collect();
            assert_eq!(missing.len(), 1, "{text}");
            assert!(has_row(missing[0], "org-domain"), "{text}");
            let text = try_explained(command, &Flags::default(), &[]).expect("resolves");
            assert!(
                row(&text, "oidc-client-id").1.starts_with("MISSING"),
                "{text}"
            );
        }
    }

    #[test]
    fn the_passphrase_is_shown_as_set_never_as_its_value() {
        let text = explained(
            Command::M2m,
            &[("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE", "passSECRET")],
        );
        assert_eq!(
            row(&text, "private-key-passphrase"),
            pair(
                "<set>",
                "environment variable OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE"
            )
        );
        assert!(!text.contains("passSECRET"), "{text}");
        let text = explained(Command::M2m, &[("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE", "")]);
        assert_eq!(
            row(&text, "private-key-passphrase"),
            pair(
                "-",
                "not set (asked on the terminal if the key is encrypted)"
            )
        );
        // m2m prompts for nothing but the passphrase: no colour row.
        assert!(!text.contains("no-color"), "{text}");
    }
}
