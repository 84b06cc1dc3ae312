//! PURE: resolve the effective settings from flags, environment, `.env` and okta.yaml.
//!
//! Precedence per setting (DESIGN §2.1): command-line flag > `OKTA_AWSCLI_*` env var
//! (legacy names as fallback, with a deprecation warning) > `.env` in the current
//! directory > `awscli.profiles.<profile>` of `~/.okta/okta.yaml` > default.

use std::path::PathBuf;

use crate::config::files::{self, closest_key, parse_dotenv, parse_okta_yaml};
use crate::config::flags::{BOOL_WORDS, Flags, Invocation, parse_bool};
use crate::config::org::normalize_org;
use crate::config::precedence::{Layers, dotenv_refusals, non_empty};
use crate::config::settings::{
    Command, Config, DEFAULT_MIN_TTL_SECS, Env, Format, OrgUrl, SettingOrigin, Shell, Source,
};
use crate::config::template::ProfileTemplate;
use crate::config::values::{
    check_console_destination, check_external_id, expand_tilde, home_dir, normalize_profile,
    okta_yaml_path, parse_min_ttl, parse_session_duration, role_arn_problem,
};
use crate::error::{Error, Result};

/// Resolve every setting (PURE; DESIGN §2.1–2.3, §2.12, §2.15).
///
/// Inputs: the parsed command line, the environment snapshot, the text of `.env` in the
/// current directory and of `<home>/.okta/okta.yaml` (`None` when the file does not
/// exist). Per setting: flag > `OKTA_AWSCLI_*` env (then legacy name, with a warning) >
/// `.env` (keys any case) > okta.yaml `awscli.profiles.<profile>` > default. An empty
/// environment variable, `.env` or okta.yaml value means unset (the next layer applies). The profile
/// name itself: `--profile` > `OKTA_AWSCLI_PROFILE` > `.env` > `default`.
///
/// Errors: [`Error::Config`] for an invalid value (naming its source), invalid okta.yaml
/// (naming the file, line and column), both private-key settings in one layer, and all
/// missing required values of `web`/`m2m` in one message; [`Error::Usage`] for `--exec`
/// without a command after `--`, or words after `--` without `--exec`.
pub fn resolve(
    inv: &Invocation,
    env: &Env,
    dotenv_text: Option<&str>,
    okta_yaml_text: Option<&str>,
) -> Result<Config> {
    resolve_with_warnings(inv, env, dotenv_text, okta_yaml_text).map_err(|f| f.error)
}

/// A resolution that ended in an error, with the warnings gathered before it (the
/// command line's deprecation notices, okta.yaml unknown keys, legacy variables, ...), so
/// the caller can print them ahead of the `Error:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What stopped the resolution.
    pub error: Error,
    /// Warnings found before it, in order (one line each, without the `WARNING: ` prefix).
    pub warnings: Vec<String>,
}

/// [`resolve`], keeping the warnings also when resolution fails: on success they are in
/// [`Config::warnings`]; on failure in [`Failure::warnings`].
pub fn resolve_with_warnings(
    inv: &Invocation,
    env: &Env,
    dotenv_text: Option<&str>,
    okta_yaml_text: Option<&str>,
) -> std::result::Result<Config, Failure> {
    let mut warnings = inv.warnings.clone();
    match resolve_into(inv, env, dotenv_text, okta_yaml_text, &mut warnings) {
        Ok(mut cfg) => {
            cfg.warnings = warnings;
            Ok(cfg)
        }
        Err(error) => Err(Failure { error, warnings }),
    }
}

/// The body of [`resolve`]: every warning goes to `warnings` as soon as it is found.
fn resolve_into(
    inv: &Invocation,
    env: &Env,
    dotenv_text: Option<&str>,
    okta_yaml_text: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<Config> {
    let flags: &Flags = &inv.flags;
    let home = home_dir(env);
    let yaml_path = home.as_deref().map(okta_yaml_path).unwrap_or_default();

    let dotenv = parse_dotenv(dotenv_text.unwrap_or("")).map_err(Error::config)?;
    warnings.extend(dotenv_refusals(&dotenv));

    let okta_yaml = match okta_yaml_text {
        None => None,
        Some(text) => Some(
            parse_okta_yaml(text)
                .map_err(|e| Error::config(format!("{}: {e}", yaml_path.display())))?,
        ),
    };

    // Profile name (never from okta.yaml).
    let (raw_profile, profile_src) = if let Some(p) = flags.profile.as_deref().and_then(non_empty) {
        (p, Source::Flag("--profile".into()))
    } else if let Some(p) = env.get("OKTA_AWSCLI_PROFILE").and_then(|v| non_empty(v)) {
        (p, Source::Env("OKTA_AWSCLI_PROFILE".into()))
    } else if let Some(p) = dotenv.get("OKTA_AWSCLI_PROFILE").and_then(non_empty) {
        (p, Source::DotEnv("OKTA_AWSCLI_PROFILE".into()))
    } else {
        ("default".to_string(), Source::Flag("default".into()))
    };
    let (profile, pw) = normalize_profile(&raw_profile)
        .map_err(|m| Error::config(format!("{m} (from {profile_src})")))?;
    warnings.extend(pw);

    let entry = okta_yaml.as_ref().and_then(|y| y.profile(&profile));
    if let Some(e) = entry {
        if let Some(kind) = e.not_a_map {
            return Err(Error::config(format!(
                "{}: awscli.profiles.{profile} must be a map of settings, not a {kind}",
                yaml_path.display()
            )));
        }
        for key in e.unknown_keys() {
            let hint = closest_key(key)
                .map(|k| format!(" (did you mean {k:?}?)"))
                .unwrap_or_default();
            warnings.push(format!(
                "okta.yaml profile {profile:?} has unknown key {key:?}{hint}; it is ignored"
            ));
        }
    }

    let mut l = Layers {
        env,
        dotenv: &dotenv,
        profile: &profile,
        yaml: entry,
        warnings,
        found: Vec::new(),
    };

    let org_raw = l.get("org-domain", flags.org_domain.as_ref())?;
    let oidc_client_id = l.string("oidc-client-id", &flags.oidc_client_id)?;
    let aws_iam_role = l.string("aws-iam-role", &flags.aws_iam_role)?;
    let duration = l.get("aws-session-duration", flags.aws_session_duration.as_ref())?;
    let format_raw = l.get("format", flags.format.as_ref())?;
    let shell_raw = l.get("shell", flags.shell.as_ref())?;
    let aws_region = l.string("aws-region", &flags.aws_region)?;
    let aws_credentials = l.string("aws-credentials", &flags.aws_credentials)?;
    let write_aws_credentials = l.boolean("write-aws-credentials", flags.write_aws_credentials)?;
    let legacy_aws_variables = l.boolean("legacy-aws-variables", flags.legacy_aws_variables)?;
    let expiry_aws_variables = l.boolean("expiry-aws-variables", flags.expiry_aws_variables)?;
    let cache_access_token = l.boolean("cache-access-token", flags.cache_access_token)?;
    let cache_aws_credentials = match flags.cache_aws_credentials {
        Some(b) => Some(b),
        None => match l.get("cache-aws-credentials", None)? {
            None => None,
            Some((v, src)) => Some(parse_bool(&v).ok_or_else(|| {
                Error::config(format!("invalid boolean {v:?} in {src}: use {BOOL_WORDS}"))
            })?),
        },
    };
    let min_ttl_secs = match l.get("min-ttl", flags.min_ttl.as_ref())? {
        None => DEFAULT_MIN_TTL_SECS,
        Some((v, src)) => parse_min_ttl(&v).ok_or_else(|| {
            Error::config(format!(
                "invalid min-ttl {v:?} in {src}: expected seconds or a number with s, m or h (900, 15m, 1h), at most 12h"
            ))
        })?,
    };
    let debug = l.boolean("debug", flags.debug)?;
    let debug_api_calls = l.boolean("debug-api-calls", flags.debug_api_calls)?;
    let exec = l.boolean("exec", flags.exec)?;
    let short_user_agent = l.boolean("short-user-agent", flags.short_user_agent)?;
    let aws_acct_fed_app_id = l.string("aws-acct-fed-app-id", &flags.aws_acct_fed_app_id)?;
    let aws_iam_idp = l.string("aws-iam-idp", &flags.aws_iam_idp)?;
    let qr_code = l.boolean("qr-code", flags.qr_code)?;
    let mut open_browser = l.boolean("open-browser", flags.open_browser)?;
    let open_browser_command = l.string("open-browser-command", &flags.open_browser_command)?;
    let all_profiles = l.boolean("all-profiles", flags.all_profiles)?;
    let chain_roles = l.list("chain-role", &flags.chain_role)?;
    let chain_external_id = l.get("chain-external-id", flags.chain_external_id.as_ref())?;
    let console_destination = l.get("console-destination", flags.console_destination.as_ref())?;
    let profile_template = l.get("profile-template", flags.profile_template.as_ref())?;
    let key_id = l.string("key-id", &flags.key_id)?;
    let private_key = l.get("private-key", flags.private_key.as_ref())?;
    let private_key_file = l.get("private-key-file", flags.private_key_file.as_ref())?;
    let custom_scope = l.string("custom-scope", &flags.custom_scope)?;
    let authz_id = l.string("authz-id", &flags.authz_id)?;
    let sts_role_session_name = l.string(
        "aws-sts-role-session-name",
        &flags.aws_sts_role_session_name,
    )?;
    let found = std::mem::take(&mut l.found);

    let session_duration = match duration {
        None => None,
        Some((v, src)) => Some(parse_session_duration(&v).ok_or_else(|| {
            Error::config(format!(
                "invalid session duration {v:?} in {src}: expected whole seconds between 900 and 43200"
            ))
        })?),
    };

    let mut format = match format_raw {
        None => Format::EnvVar,
        Some((v, src)) => Format::parse(&v).ok_or_else(|| {
            let valid: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            Error::config(format!(
                "invalid format {v:?} in {src}: expected one of {}",
                valid.join(", ")
            ))
        })?,
    };
    let shell = match shell_raw {
        None => Shell::platform_default(),
        Some((v, src)) => Shell::parse(&v).ok_or_else(|| {
            let valid: Vec<&str> = Shell::ALL.iter().map(|s| s.as_str()).collect();
            Error::config(format!(
                "invalid shell {v:?} in {src}: expected one of {}",
                valid.join(", ")
            ))
        })?,
    };
    if all_profiles && inv.command == Command::Web {
        // One credential_process answer is one set of credentials, and one child process
        // gets one set of variables: neither can take every profile.
        if format == Format::ProcessCredentials {
            return Err(Error::usage(
                "--all-profiles cannot be used with --format process-credentials \
                 (credential_process takes one set of credentials); use --format aws-credentials",
            ));
        }
        if exec {
            return Err(Error::usage(
                "--all-profiles cannot be used with --exec (the command would get only one \
                 of the profiles); pick one role with --aws-iam-role instead",
            ));
        }
    }
    let chain_roles = match chain_roles {
        None => Vec::new(),
        Some((roles, src)) => {
            for role in &roles {
                if let Some(problem) = role_arn_problem(role) {
                    return Err(Error::config(format!(
                        "invalid role ARN {role:?} in {src}: {problem}"
                    )));
                }
            }
            roles
        }
    };
    let chain_external_id = match chain_external_id {
        None => None,
        Some((v, src)) => Some(
            check_external_id(&v)
                .map_err(|m| Error::config(format!("invalid external ID {v:?} in {src}: {m}")))?,
        ),
    };
    let console_destination = match console_destination {
        None => None,
        Some((v, src)) => Some(check_console_destination(&v).map_err(|m| {
            Error::config(format!("invalid console destination {v:?} in {src}: {m}"))
        })?),
    };
    let profile_template =
        match profile_template {
            None => None,
            Some((v, src)) => Some(ProfileTemplate::parse(&v).map_err(|m| {
                Error::config(format!("invalid profile template {v:?} in {src}: {m}"))
            })?),
        };
    if inv.command == Command::Web && all_profiles {
        if !chain_roles.is_empty() {
            return Err(Error::usage(
                "--all-profiles cannot be used with --chain-role (a chain starts from one role);                  pick the first role with --aws-iam-role instead",
            ));
        }
        if format == Format::ConsoleUrl {
            return Err(Error::usage(
                "--all-profiles cannot be used with --format console-url (one sign-in URL is for                  one role); pick one role with --aws-iam-role instead",
            ));
        }
    }
    if format == Format::ConsoleUrl && exec {
        return Err(Error::usage(
            "--format console-url cannot be used with --exec (stdout would mix the URL with the              command's output); use --format noop with --exec",
        ));
    }
    if (write_aws_credentials || all_profiles)
        && !matches!(format, Format::ProcessCredentials | Format::ConsoleUrl)
    {
        format = Format::AwsCredentials;
    }
    if open_browser_command.is_some() {
        open_browser = true;
    }
    // On by default where repeated calls are the norm: credential_process.
    let cache_aws_credentials =
        cache_aws_credentials.unwrap_or(format == Format::ProcessCredentials);
    let check = flags.check.unwrap_or(false);
    let clear_cache = flags.clear_cache.unwrap_or(false);
    if check && clear_cache {
        return Err(Error::usage(
            "--check and --clear-cache cannot be used together (one reads the cache, the other empties it)",
        ));
    }

    let org = match org_raw {
        None => OrgUrl::default(),
        Some((v, src)) => {
            let (org, w) =
                normalize_org(&v).map_err(|m| Error::config(format!("{m} (from {src})")))?;
            warnings.extend(w);
            org
        }
    };

    // Private key: the pair is one setting; the stronger layer wins, one layer giving both
    // is an error.
    let (private_key, private_key_file) = match (private_key, private_key_file) {
        (Some((_, ks)), Some((_, fs))) if ks.rank() == fs.rank() => {
            return Err(Error::config(format!(
                "both a private key ({ks}) and a private key file ({fs}) are set; give only one"
            )));
        }
        (Some(k), Some(f)) if k.1.rank() < f.1.rank() => (Some(k.0), None),
        (Some(_), Some(f)) => (None, Some(f.0)),
        (k, f) => (k.map(|x| x.0), f.map(|x| x.0)),
    };
    let private_key = private_key.map(|k| k.replace("\\n", "\n"));
    let private_key_file = private_key_file.map(|p| expand_tilde(&p, home.as_deref()));

    // AWS credentials file.
    let aws_credentials = match aws_credentials.or_else(|| {
        env.get("AWS_SHARED_CREDENTIALS_FILE")
            .and_then(|v| non_empty(v))
    }) {
        Some(p) => expand_tilde(&p, home.as_deref()),
        None => match &home {
            Some(h) => h.join(".aws").join("credentials"),
            None if format == Format::AwsCredentials => {
                return Err(Error::config(
                    "cannot find the home directory (HOME is not set) for the default AWS credentials file; set --aws-credentials",
                ));
            }
            None => PathBuf::new(),
        },
    };

    // Regions (DESIGN §2.12).
    let dotenv_region = dotenv.get("AWS_REGION").and_then(non_empty);
    let sts_region = aws_region
        .clone()
        .or_else(|| env.get("AWS_REGION").and_then(|v| non_empty(v)))
        .or_else(|| env.get("AWS_DEFAULT_REGION").and_then(|v| non_empty(v)))
        .or_else(|| dotenv_region.clone());
    let mut child_env = env.clone();
    // Upstream promotes .env's AWS_REGION into the process environment.
    if let Some(r) = dotenv_region
        && env.get("AWS_REGION").and_then(|v| non_empty(v)).is_none()
    {
        child_env.insert("AWS_REGION".into(), r);
    }

    let mut origins = Vec::new();
    if !matches!(&profile_src, Source::Flag(f) if f == "default") {
        origins.push(("profile", profile_src.clone()));
    }
    origins.extend(found);
    let yaml_lines = match okta_yaml_text {
        Some(text) if entry.is_some() => files::profile_key_lines(text, &profile),
        _ => Vec::new(),
    };
    let origins = origins
        .into_iter()
        .map(|(key, source)| {
            let line = match &source {
                Source::DotEnv(n) => dotenv.line(n),
                Source::OktaYaml { key, .. } => yaml_lines
                    .iter()
                    .rev()
                    .find(|(k, _)| k == key)
                    .map(|(_, l)| *l),
                _ => None,
            };
            SettingOrigin { key, source, line }
        })
        .collect();

    let cfg = Config {
        command: inv.command,
        org,
        oidc_client_id: oidc_client_id.unwrap_or_default(),
        aws_iam_idp,
        aws_iam_role,
        session_duration,
        profile,
        format,
        shell,
        aws_region,
        sts_region,
        aws_credentials,
        write_aws_credentials,
        legacy_aws_variables,
        expiry_aws_variables,
        cache_access_token,
        cache_aws_credentials,
        min_ttl_secs,
        check,
        clear_cache,
        debug,
        debug_api_calls,
        exec,
        exec_args: inv.exec_args.clone(),
        short_user_agent,
        aws_acct_fed_app_id,
        qr_code,
        open_browser,
        open_browser_command,
        all_profiles,
        profile_template,
        chain_roles,
        chain_external_id,
        console_destination,
        key_id,
        private_key,
        private_key_file,
        custom_scope: custom_scope.unwrap_or_else(|| "okta-m2m-access".into()),
        authz_id: authz_id.unwrap_or_else(|| "default".into()),
        sts_role_session_name: sts_role_session_name.unwrap_or_else(|| "okta-aws-cli".into()),
        idp_labels: okta_yaml
            .as_ref()
            .map(|y| y.idps.clone())
            .unwrap_or_default(),
        role_labels: okta_yaml
            .as_ref()
            .map(|y| y.roles.clone())
            .unwrap_or_default(),
        home: home.clone().unwrap_or_default(),
        env: child_env,
        okta_yaml_path: yaml_path,
        okta_yaml,
        warnings: Vec::new(),
        origins,
        dotenv_found: dotenv_text.is_some(),
    };
    if inv.explain {
        // `--explain` shows what is missing instead of stopping at it.
        return Ok(cfg);
    }
    check_required(&cfg)?;
    check_exec(&cfg)?;
    Ok(cfg)
}

/// All missing required values of `web`/`m2m`, named in one error (upstream §2.6).
fn check_required(cfg: &Config) -> Result<()> {
    let mut missing: Vec<&str> = Vec::new();
    if matches!(cfg.command, Command::Web | Command::M2m) {
        if cfg.org.base.is_empty() {
            missing.push("--org-domain (OKTA_AWSCLI_ORG_DOMAIN)");
        }
        if cfg.oidc_client_id.is_empty() {
            missing.push("--oidc-client-id (OKTA_AWSCLI_OIDC_CLIENT_ID)");
        }
    }
    if cfg.command == Command::M2m {
        if cfg.aws_iam_role.is_none() {
            missing.push("--aws-iam-role (OKTA_AWSCLI_IAM_ROLE)");
        }
        if cfg.key_id.is_none() {
            missing.push("--key-id (OKTA_AWSCLI_KEY_ID)");
        }
        if cfg.private_key.is_none() && cfg.private_key_file.is_none() {
            missing.push(
                "--private-key or --private-key-file (OKTA_AWSCLI_PRIVATE_KEY / OKTA_AWSCLI_PRIVATE_KEY_FILE)",
            );
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let cmd = if cfg.command == Command::M2m {
        "m2m"
    } else {
        "web"
    };
    Err(Error::config(format!(
        "missing required settings for {cmd}: {}; set each by flag, environment variable, .env or okta.yaml profile {:?}",
        missing.join(", "),
        cfg.profile
    )))
}

/// `--exec` needs words after `--`; words after `--` need `--exec` (DESIGN §2.10, B37).
fn check_exec(cfg: &Config) -> Result<()> {
    let runs_flow = matches!(cfg.command, Command::Web | Command::M2m);
    if cfg.exec && runs_flow && cfg.exec_args.is_empty() {
        return Err(Error::usage("--exec needs a command after --"));
    }
    if !cfg.exec && !cfg.exec_args.is_empty() {
        return Err(Error::usage(format!(
            "unexpected command after --: {:?} (add --exec to run it)",
            cfg.exec_args[0]
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
