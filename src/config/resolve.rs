//! PURE: resolve the effective settings from flags, environment, `.env` and okta.yaml.
//!
//! Precedence per setting (docs/decisions.md#d-precedence): command-line flag > `OKTA_AWSCLI_*` env var
//! (legacy names as fallback, with a deprecation warning) > `.env` in the current
//! directory > `awscli.profiles.<profile>` of `~/.okta/okta.yaml` > default.

use std::path::{Path, PathBuf};

use crate::config::checks::{
    check_ecs_server, check_exec, check_required, check_write_aws_config,
    refuse_all_profiles_with_one_set, refuse_one_role_outputs,
};
use crate::config::dotenv_text::{DotEnv, parse_dotenv};
use crate::config::dotenv_trust::{self, DotEnvCheck};
use crate::config::environment::{self, read_environment};
use crate::config::files::{self, OktaYaml, ProfileEntry, closest_key, parse_okta_yaml};
use crate::config::flags::{BOOL_WORDS, Flags, Invocation, parse_bool};
use crate::config::org::normalize_org;
use crate::config::precedence::{Layers, dotenv_refusals, non_empty};
use crate::config::settings::DotEnvTrust;
use crate::config::settings::{
    Command, Config, DEFAULT_AUTHORIZATION_CODE_TIMEOUT_SECS, DEFAULT_MIN_TTL_SECS,
    DEFAULT_REDIRECT_PORTS, Env, Format, MAX_AUTHORIZATION_CODE_TIMEOUT_SECS, MfaMethod, OrgUrl,
    SettingOrigin, Shell, Source,
};
use crate::config::template::ProfileTemplate;
use crate::config::values::{
    check_console_destination, check_eks_cluster_id, check_eks_token, check_external_id,
    expand_botocore_path, expand_tilde, home_dir, normalize_profile, okta_yaml_path, parse_min_ttl,
    parse_session_duration, role_arn_problem,
};
use crate::error::{Error, Result};

/// The warning for a password given on the command line (`direct --password`).
pub const PASSWORD_FLAG_WARNING: &str = "--password puts the password on the command line, where \
     other local users can read it (process list, shell history); use OKTA_AWSCLI_PASSWORD or \
     let direct ask for it";

/// Resolve every setting (PURE; docs/decisions.md#d-precedence, #d-region-endpoint, #d-org-domain).
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
/// missing required values of `web`/`m2m`/`direct` in one message; [`Error::Usage`] for
/// `--exec` without a command after `--`, words after `--` without `--exec`, or
/// `--clear-cache` without the org (the one setting it needs).
pub fn resolve(
    inv: &Invocation,
    env: &Env,
    dotenv_text: Option<&str>,
    okta_yaml_text: Option<&str>,
) -> Result<Config> {
    resolve_with_warnings(inv, env, dotenv_text, None, okta_yaml_text).map_err(|f| f.error)
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
///
/// `check`: the `.env`'s path and the allow list, so that a `.env` not allowed loses its
/// sensitive variables, with one warning ([`dotenv_trust::filter`], README "The .env trust
/// model"). `None` takes the whole `.env` as given ([`resolve`] does so: its callers pass
/// text they chose).
pub fn resolve_with_warnings(
    inv: &Invocation,
    env: &Env,
    dotenv_text: Option<&str>,
    check: Option<&DotEnvCheck>,
    okta_yaml_text: Option<&str>,
) -> std::result::Result<Config, Failure> {
    let mut warnings = inv.warnings.clone();
    let texts = Texts {
        dotenv: dotenv_text,
        check,
        okta_yaml: okta_yaml_text,
    };
    match resolve_into(inv, env, &texts, &mut warnings) {
        Ok(mut cfg) => {
            cfg.warnings = warnings;
            Ok(cfg)
        }
        Err(error) => Err(Failure { error, warnings }),
    }
}

/// The body of [`resolve`]: every warning goes to `warnings` as soon as it is found. The
/// steps run in a fixed order, so of several problems the same one is always reported.
fn resolve_into(
    inv: &Invocation,
    env: &Env,
    texts: &Texts<'_>,
    warnings: &mut Vec<String>,
) -> Result<Config> {
    let (dotenv_text, okta_yaml_text) = (texts.dotenv, texts.okta_yaml);
    let parsed = parse_files(env, texts, warnings)?;
    let (profile, profile_src) = profile_name(&inv.flags, env, &parsed.dotenv, warnings)?;
    let entry = parsed.okta_yaml.as_ref().and_then(|y| y.profile(&profile));
    check_profile_entry(entry, &profile, &parsed.yaml_path, warnings)?;

    let mut cfg = Config {
        command: inv.command,
        exec_args: inv.exec_args.clone(),
        ..Config::default()
    };
    let mut layers = Layers {
        env,
        dotenv: &parsed.dotenv,
        profile: &profile,
        yaml: entry,
        warnings,
        found: Vec::new(),
    };
    let raw = look_up_settings(&mut layers, &inv.flags, &mut cfg)?;
    let mut found = layers.found;

    check_values(&mut cfg, &inv.flags, raw.unchecked)?;
    if cfg.command == Command::Direct && inv.flags.password.is_some() {
        warnings.push(PASSWORD_FLAG_WARNING.to_string());
    }
    cfg.org = match raw.org {
        None => OrgUrl::default(),
        Some((v, src)) => {
            let (org, w) =
                normalize_org(&v).map_err(|m| Error::config(format!("{m} (from {src})")))?;
            warnings.extend(w);
            org
        }
    };
    let home = parsed.home.as_deref();
    (cfg.private_key, cfg.private_key_file) =
        private_key_pair(raw.private_key, raw.private_key_file, home)?;
    let (aws_credentials, from_env) = credentials_path(raw.aws_credentials, env, home, cfg.format)?;
    cfg.aws_credentials = aws_credentials;
    found.extend(from_env.map(|src| ("aws-credentials", src)));
    let (aws_config_file, from_env) = environment::aws_config_path(env, home);
    cfg.aws_config_file = aws_config_file;
    found.extend(from_env.map(|src| ("aws-config-file", src)));
    (cfg.sts_region, cfg.env) = regions(cfg.aws_region.as_deref(), env, &parsed.dotenv);
    found.extend(read_environment(env, &mut cfg));

    let yaml_lines = match okta_yaml_text {
        Some(text) if entry.is_some() => files::profile_key_lines(text, &profile),
        _ => Vec::new(),
    };
    cfg.origins = origins(profile_src, found, &parsed.dotenv, &yaml_lines);
    cfg.profile = profile;
    cfg.home = parsed.home.unwrap_or_default();
    if let Some(y) = &parsed.okta_yaml {
        cfg.idp_labels = y.idps.clone();
        cfg.role_labels = y.roles.clone();
    }
    cfg.okta_yaml_path = parsed.yaml_path;
    cfg.okta_yaml = parsed.okta_yaml;
    cfg.dotenv_found = dotenv_text.is_some();
    cfg.dotenv_trust = parsed.dotenv_trust;
    if inv.explain {
        // `--explain` shows what is missing instead of stopping at it.
        return Ok(cfg);
    }
    check_required(&cfg)?;
    check_eks_token(&cfg)?;
    check_write_aws_config(&cfg)?;
    check_exec(&cfg)?;
    check_ecs_server(&cfg)?;
    Ok(cfg)
}

/// The texts of the files, as read by `load`.
struct Texts<'a> {
    /// `.env` of the current directory, when there is one.
    dotenv: Option<&'a str>,
    /// Its path and the allow list (`None`: the whole `.env` applies).
    check: Option<&'a DotEnvCheck>,
    /// `<home>/.okta/okta.yaml`, when there is one.
    okta_yaml: Option<&'a str>,
}

/// `.env` and okta.yaml as parsed, and where they were looked for.
struct ParsedFiles {
    /// The home directory, when the environment names one.
    home: Option<PathBuf>,
    /// `<home>/.okta/okta.yaml` (empty without a home).
    yaml_path: PathBuf,
    /// `.env` of the current directory (empty when there is none), without the
    /// sensitive variables of a file not allowed.
    dotenv: DotEnv,
    /// Whether `.env` was allowed ([`DotEnvTrust`]).
    dotenv_trust: DotEnvTrust,
    /// okta.yaml, when the file exists.
    okta_yaml: Option<OktaYaml>,
}

/// Parse the texts of `.env` and okta.yaml, warn about each `.env` line that may not
/// set its setting, and drop the sensitive variables of a `.env` not allowed (one
/// warning naming them).
fn parse_files(env: &Env, texts: &Texts<'_>, warnings: &mut Vec<String>) -> Result<ParsedFiles> {
    let okta_yaml_text = texts.okta_yaml;
    let home = home_dir(env);
    let yaml_path = home.as_deref().map(okta_yaml_path).unwrap_or_default();

    let mut dotenv = parse_dotenv(texts.dotenv.unwrap_or("")).map_err(Error::config)?;
    warnings.extend(dotenv_refusals(&dotenv));
    let mut dotenv_trust = DotEnvTrust::Absent;
    if let (Some(text), Some(check)) = (texts.dotenv, texts.check) {
        let sha = dotenv_trust::sha256_hex(text.as_bytes());
        (dotenv, dotenv_trust) =
            dotenv_trust::filter(&dotenv, &check.allow_list, &check.path, &sha);
        if let DotEnvTrust::NotAllowed { ignored, changed } = &dotenv_trust {
            warnings.push(dotenv_trust::ignored_warning(
                ignored,
                *changed,
                &check.path,
            ));
        }
    }

    let okta_yaml = match okta_yaml_text {
        None => None,
        Some(text) => Some(
            parse_okta_yaml(text)
                .map_err(|e| Error::config(format!("{}: {e}", yaml_path.display())))?,
        ),
    };
    Ok(ParsedFiles {
        home,
        yaml_path,
        dotenv,
        dotenv_trust,
        okta_yaml,
    })
}

/// The profile name and where it came from: `--profile` > `OKTA_AWSCLI_PROFILE` in the
/// environment > in `.env` > `default` (never from okta.yaml), normalised by
/// [`normalize_profile`].
fn profile_name(
    flags: &Flags,
    env: &Env,
    dotenv: &DotEnv,
    warnings: &mut Vec<String>,
) -> Result<(String, Source)> {
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
    Ok((profile, profile_src))
}

/// The selected okta.yaml profile must be a map; each key it does not know gets a warning
/// (with the nearest known key, if one is close).
fn check_profile_entry(
    entry: Option<&ProfileEntry>,
    profile: &str,
    yaml_path: &Path,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let Some(e) = entry else {
        return Ok(());
    };
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
    Ok(())
}

/// The layered settings that [`look_up_settings`] leaves for later steps, as the winning
/// layer gave them (value and source).
struct Raw {
    org: Option<(String, Source)>,
    aws_credentials: Option<String>,
    private_key: Option<(String, Source)>,
    private_key_file: Option<(String, Source)>,
    unchecked: Unchecked,
}

/// The values [`check_values`] checks.
struct Unchecked {
    duration: Option<(String, Source)>,
    format: Option<(String, Source)>,
    shell: Option<(String, Source)>,
    cache_aws_credentials: Option<bool>,
    chain_roles: Option<(Vec<String>, Source)>,
    chain_external_id: Option<(String, Source)>,
    console_destination: Option<(String, Source)>,
    eks_cluster_id: Option<(String, Source)>,
    profile_template: Option<(String, Source)>,
    mfa_method: Option<(String, Source)>,
    redirect_ports: Option<(Vec<String>, Source)>,
    authorization_code_timeout: Option<(String, Source)>,
}

/// Look every layered setting up, always in this order: it is the order of `--explain`'s
/// table and of the warnings about legacy names, and the first bad value is the one
/// reported. Settings that need no further step go straight into `cfg`; the others come
/// back in [`Raw`].
fn look_up_settings(l: &mut Layers<'_>, flags: &Flags, cfg: &mut Config) -> Result<Raw> {
    let org = l.get("org-domain", flags.org_domain.as_ref())?;
    cfg.oidc_client_id = l
        .string("oidc-client-id", &flags.oidc_client_id)?
        .unwrap_or_default();
    cfg.aws_iam_role = l.string("aws-iam-role", &flags.aws_iam_role)?;
    let duration = l.get("aws-session-duration", flags.aws_session_duration.as_ref())?;
    let format = l.get("format", flags.format.as_ref())?;
    let shell = l.get("shell", flags.shell.as_ref())?;
    cfg.aws_region = l.string("aws-region", &flags.aws_region)?;
    let aws_credentials = l.string("aws-credentials", &flags.aws_credentials)?;
    cfg.write_aws_credentials = l.boolean("write-aws-credentials", flags.write_aws_credentials)?;
    cfg.legacy_aws_variables = l.boolean("legacy-aws-variables", flags.legacy_aws_variables)?;
    cfg.expiry_aws_variables = l.boolean("expiry-aws-variables", flags.expiry_aws_variables)?;
    cfg.cache_access_token = l.boolean("cache-access-token", flags.cache_access_token)?;
    let cache_aws_credentials = match flags.cache_aws_credentials {
        Some(b) => {
            l.record(
                "cache-aws-credentials",
                &Source::Flag("--cache-aws-credentials".into()),
            );
            Some(b)
        }
        None => checked(l.get("cache-aws-credentials", None)?, "boolean", |v| {
            parse_bool(v).ok_or(format!("use {BOOL_WORDS}"))
        })?,
    };
    cfg.min_ttl_secs = checked(l.get("min-ttl", flags.min_ttl.as_ref())?, "min-ttl", |v| {
        parse_min_ttl(v)
            .ok_or("expected seconds or a number with s, m or h (900, 15m, 1h), at most 12h")
    })?
    .unwrap_or(DEFAULT_MIN_TTL_SECS);
    cfg.debug = l.boolean("debug", flags.debug)?;
    cfg.debug_api_calls = l.boolean("debug-api-calls", flags.debug_api_calls)?;
    cfg.exec = l.boolean("exec", flags.exec)?;
    cfg.ecs_server = l.boolean("ecs-server", flags.ecs_server)?;
    cfg.short_user_agent = l.boolean("short-user-agent", flags.short_user_agent)?;
    cfg.aws_acct_fed_app_id = l.string("aws-acct-fed-app-id", &flags.aws_acct_fed_app_id)?;
    cfg.aws_iam_idp = l.string("aws-iam-idp", &flags.aws_iam_idp)?;
    cfg.qr_code = l.boolean("qr-code", flags.qr_code)?;
    let open_browser = l.boolean_set("open-browser", flags.open_browser)?;
    cfg.open_browser = open_browser == Some(true);
    cfg.open_browser_off = open_browser == Some(false);
    cfg.open_browser_command = l.string("open-browser-command", &flags.open_browser_command)?;
    cfg.all_profiles = l.boolean("all-profiles", flags.all_profiles)?;
    cfg.write_aws_config = l.boolean("write-aws-config", flags.write_aws_config)?;
    cfg.authorization_code = l.boolean("authorization-code", flags.authorization_code)?;
    let redirect_ports = l.list("redirect-port", &flags.redirect_port)?;
    let authorization_code_timeout = l.get(
        "authorization-code-timeout",
        flags.authorization_code_timeout.as_ref(),
    )?;
    let chain_roles = l.list("chain-role", &flags.chain_role)?;
    let chain_external_id = l.get("chain-external-id", flags.chain_external_id.as_ref())?;
    let console_destination = l.get("console-destination", flags.console_destination.as_ref())?;
    let eks_cluster_id = l.get("eks-cluster-id", flags.eks_cluster_id.as_ref())?;
    let profile_template = l.get("profile-template", flags.profile_template.as_ref())?;
    cfg.key_id = l.string("key-id", &flags.key_id)?;
    let private_key = l.get("private-key", flags.private_key.as_ref())?;
    let private_key_file = l.get("private-key-file", flags.private_key_file.as_ref())?;
    cfg.custom_scope = l
        .string("custom-scope", &flags.custom_scope)?
        .unwrap_or_else(|| "okta-m2m-access".into());
    cfg.authz_id = l
        .string("authz-id", &flags.authz_id)?
        .unwrap_or_else(|| "default".into());
    cfg.sts_role_session_name = l
        .string(
            "aws-sts-role-session-name",
            &flags.aws_sts_role_session_name,
        )?
        .unwrap_or_else(|| "okta-aws-cli".into());
    cfg.username = l.string("username", &flags.username)?;
    // A password is taken as given (spaces kept) from the flag and the environment.
    cfg.password = l
        .get("password", flags.password.as_ref())?
        .map(|(v, src)| match src {
            Source::Flag(_) => flags.password.clone().unwrap_or(v),
            Source::Env(name) => l.env.get(&name).cloned().unwrap_or(v),
            _ => v,
        });
    let mfa_method = l.get("mfa-method", flags.mfa_method.as_ref())?;
    Ok(Raw {
        org,
        aws_credentials,
        private_key,
        private_key_file,
        unchecked: Unchecked {
            duration,
            format,
            shell,
            cache_aws_credentials,
            chain_roles,
            chain_external_id,
            console_destination,
            eks_cluster_id,
            profile_template,
            mfa_method,
            redirect_ports,
            authorization_code_timeout,
        },
    })
}

/// Parse a layered value with `parse`; a failure is an [`Error::Config`] naming the
/// setting (`what`), the value and its source: `invalid format "x" in --format: ...`.
fn checked<T, E: std::fmt::Display>(
    raw: Option<(String, Source)>,
    what: &str,
    parse: impl FnOnce(&str) -> std::result::Result<T, E>,
) -> Result<Option<T>> {
    let Some((v, src)) = raw else {
        return Ok(None);
    };
    parse(&v)
        .map(Some)
        .map_err(|m| Error::config(format!("invalid {what} {v:?} in {src}: {m}")))
}

/// `expected one of a, b, c` for a setting with a closed list of `names`.
fn expected_one_of(names: &[&str]) -> String {
    format!("expected one of {}", names.join(", "))
}

/// Check the values that need it, refuse settings that cannot go together, and apply the
/// settings others imply (`--write-aws-credentials` and `--all-profiles` write the
/// credentials file; `--open-browser-command` opens the browser; `process-credentials`
/// caches by default). Also takes `--check` and `--clear-cache` (command line only).
fn check_values(cfg: &mut Config, flags: &Flags, raw: Unchecked) -> Result<()> {
    cfg.session_duration = checked(raw.duration, "session duration", |v| {
        parse_session_duration(v).ok_or("expected whole seconds between 900 and 43200")
    })?;
    cfg.format = checked(raw.format, "format", |v| {
        Format::parse(v).ok_or_else(|| expected_one_of(&Format::ALL.map(Format::as_str)))
    })?
    .unwrap_or(Format::EnvVar);
    cfg.shell = checked(raw.shell, "shell", |v| {
        Shell::parse(v).ok_or_else(|| expected_one_of(&Shell::ALL.map(Shell::as_str)))
    })?
    .unwrap_or_else(Shell::platform_default);
    refuse_all_profiles_with_one_set(cfg)?;
    cfg.chain_roles = match raw.chain_roles {
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
    cfg.chain_external_id = checked(raw.chain_external_id, "external ID", check_external_id)?;
    cfg.console_destination = checked(
        raw.console_destination,
        "console destination",
        check_console_destination,
    )?;
    cfg.eks_cluster_id = checked(raw.eks_cluster_id, "EKS cluster id", check_eks_cluster_id)?;
    cfg.profile_template = checked(
        raw.profile_template,
        "profile template",
        ProfileTemplate::parse,
    )?;
    refuse_one_role_outputs(cfg)?;
    cfg.mfa_method = checked(raw.mfa_method, "MFA method", |v| {
        MfaMethod::parse(v).ok_or_else(|| expected_one_of(&MfaMethod::ALL.map(MfaMethod::as_str)))
    })?
    .unwrap_or_default();
    cfg.redirect_ports = match raw.redirect_ports {
        None => DEFAULT_REDIRECT_PORTS.to_vec(),
        Some((items, src)) => redirect_ports(&items, &src)?,
    };
    cfg.authorization_code_timeout_secs = checked(
        raw.authorization_code_timeout,
        "authorization code timeout",
        |v| {
            parse_min_ttl(v)
                .filter(|s| (1..=MAX_AUTHORIZATION_CODE_TIMEOUT_SECS).contains(s))
                .ok_or("expected seconds or a number with s, m or h (90, 90s, 5m), from 1 second to 1 hour")
        },
    )?
    .unwrap_or(DEFAULT_AUTHORIZATION_CODE_TIMEOUT_SECS);

    if (cfg.write_aws_credentials || cfg.all_profiles)
        && !matches!(
            cfg.format,
            Format::ProcessCredentials | Format::ConsoleUrl | Format::EksToken
        )
    {
        cfg.format = Format::AwsCredentials;
    }
    if cfg.open_browser_command.is_some() {
        cfg.open_browser = true;
    }
    // On by default where repeated calls are the norm: credential_process, kubectl.
    cfg.cache_aws_credentials = raw
        .cache_aws_credentials
        .unwrap_or(cfg.format.is_credential_helper() || cfg.ecs_server || cfg.write_aws_config);
    cfg.check = flags.check.unwrap_or(false);
    cfg.clear_cache = flags.clear_cache.unwrap_or(false);
    cfg.force_overwrite = flags.force_overwrite.unwrap_or(false);
    if cfg.check && cfg.clear_cache {
        return Err(Error::usage(
            "--check and --clear-cache cannot be used together (one reads the cache, the other empties it)",
        ));
    }
    Ok(())
}

/// The `--redirect-port` list: port numbers 1..=65535, in order, each once. An empty list
/// (`OKTA_AWSCLI_REDIRECT_PORTS=,`) is an error: the flow needs a port.
fn redirect_ports(items: &[String], src: &Source) -> Result<Vec<u16>> {
    let mut ports: Vec<u16> = Vec::new();
    for item in items {
        match item.parse::<u16>() {
            Ok(p) if p > 0 => {
                if !ports.contains(&p) {
                    ports.push(p);
                }
            }
            _ => {
                return Err(Error::config(format!(
                    "invalid redirect port {item:?} in {src}: expected a port number from 1 to 65535"
                )));
            }
        }
    }
    if ports.is_empty() {
        return Err(Error::config(format!(
            "no redirect port in {src}: give at least one port number"
        )));
    }
    Ok(ports)
}

/// The private key: the key text and the key file are one setting, so the stronger layer
/// wins; one layer giving both is an error. Literal `\n` in the key text become newlines;
/// a leading `~` of the file is the home directory.
fn private_key_pair(
    private_key: Option<(String, Source)>,
    private_key_file: Option<(String, Source)>,
    home: Option<&Path>,
) -> Result<(Option<String>, Option<PathBuf>)> {
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
    Ok((
        private_key.map(|k| k.replace("\\n", "\n")),
        private_key_file.map(|p| expand_tilde(&p, home)),
    ))
}

/// The AWS credentials file: the setting (a leading `~` expanded), else
/// `AWS_SHARED_CREDENTIALS_FILE` from the environment when not empty, expanded as botocore
/// expands it ([`expand_botocore_path`]: `$VAR`, `${VAR}`, `~`; not trimmed) and then also
/// returned as the source, else `<home>/.aws/credentials`. Without
/// a home that is an error only when the file will be written (`format`).
fn credentials_path(
    setting: Option<String>,
    env: &Env,
    home: Option<&Path>,
    format: Format,
) -> Result<(PathBuf, Option<Source>)> {
    const VAR: &str = "AWS_SHARED_CREDENTIALS_FILE";
    let from_env = match &setting {
        None => env.get(VAR).filter(|v| !v.is_empty()),
        Some(_) => None,
    };
    let source = from_env.map(|_| Source::Env(VAR.into()));
    let path = match (setting, from_env) {
        (Some(p), _) => expand_tilde(&p, home),
        (None, Some(v)) => expand_botocore_path(v, env, home),
        (None, None) => match home {
            Some(h) => h.join(".aws").join("credentials"),
            None if format == Format::AwsCredentials => {
                return Err(Error::config(
                    "cannot find the home directory (HOME is not set) for the default AWS credentials file; set --aws-credentials",
                ));
            }
            None => PathBuf::new(),
        },
    };
    Ok((path, source))
}

/// The region used to reach STS (docs/decisions.md#d-region-endpoint): `--aws-region` > `AWS_REGION` >
/// `AWS_DEFAULT_REGION` > `AWS_REGION` of `.env`; and the environment for an `--exec`
/// child, with `.env`'s `AWS_REGION` added when the environment has none.
fn regions(aws_region: Option<&str>, env: &Env, dotenv: &DotEnv) -> (Option<String>, Env) {
    let dotenv_region = dotenv.get("AWS_REGION").and_then(non_empty);
    let sts_region = aws_region
        .map(String::from)
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
    (sts_region, child_env)
}

/// Where each setting came from (`--explain`): the profile name unless it is the default,
/// then every setting a layer gave, each with its line in `.env` or okta.yaml when known.
/// `yaml_lines` are the (key, line) pairs of the profile's okta.yaml section.
fn origins(
    profile_src: Source,
    found: Vec<(&'static str, Source)>,
    dotenv: &DotEnv,
    yaml_lines: &[(String, usize)],
) -> Vec<SettingOrigin> {
    let mut origins = Vec::new();
    if !matches!(&profile_src, Source::Flag(f) if f == "default") {
        origins.push(("profile", profile_src));
    }
    origins.extend(found);
    origins
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
        .collect()
}

#[cfg(test)]
mod tests;
