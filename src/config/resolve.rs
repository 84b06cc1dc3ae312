//! PURE: resolve the effective settings from flags, environment, `.env` and okta.yaml.
//!
//! Precedence per setting (DESIGN §2.1): command-line flag > `OKTA_AWSCLI_*` env var
//! (legacy names as fallback, with a deprecation warning) > `.env` in the current
//! directory > `awscli.profiles.<profile>` of `~/.okta/okta.yaml` > default.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::files::{
    self, DotEnv, OktaYaml, ProfileEntry, Scalar, closest_key, parse_dotenv, parse_okta_yaml,
};
use crate::config::flags::{BOOL_WORDS, Flags, Invocation, parse_bool};
use crate::config::template::ProfileTemplate;
use crate::error::{Error, Result};

/// A snapshot of the process environment, taken once in `main` (name -> value).
pub type Env = BTreeMap<String, String>;

/// Which subcommand runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Command {
    /// OAuth device flow + SAML federation (the default command).
    #[default]
    Web,
    /// Machine-to-machine: client-credentials grant + web identity federation.
    M2m,
    /// Print the profile names of okta.yaml.
    ListProfiles,
    /// Check okta.yaml and print diagnostics.
    Debug,
}

/// Output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `export NAME=value` lines (`setx` on Windows) on stdout.
    #[default]
    EnvVar,
    /// Upsert a profile in the AWS credentials file.
    AwsCredentials,
    /// One `credential_process` JSON object on stdout.
    ProcessCredentials,
    /// One AWS Management Console sign-in URL on stdout (or opened with `--open-browser`).
    ConsoleUrl,
    /// Print nothing (for `--exec`).
    Noop,
}

impl Format {
    /// The name used on the command line and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::EnvVar => "env-var",
            Format::AwsCredentials => "aws-credentials",
            Format::ProcessCredentials => "process-credentials",
            Format::ConsoleUrl => "console-url",
            Format::Noop => "noop",
        }
    }
}

/// The Okta org after normalisation (DESIGN §2.15).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrgUrl {
    /// Scheme and authority, no trailing slash: `https://example.okta.com`, or for a
    /// loopback test org `https://127.0.0.1:8443` / `http://127.0.0.1:8443`.
    pub base: String,
    /// Authority only: `example.okta.com` or `127.0.0.1:8443` (cache key, messages).
    pub host: String,
}

/// The fully resolved settings for one run. Built by [`resolve`] (or
/// [`crate::config::load::load`], which reads the files first); read-only afterwards.
#[derive(Clone, Default)]
pub struct Config {
    /// The subcommand.
    pub command: Command,
    /// Okta org (required for `web` and `m2m`).
    pub org: OrgUrl,
    /// OIDC client id: native app (web) or API service app (m2m).
    pub oidc_client_id: String,
    /// `--aws-iam-idp`: IdP ARN or okta.yaml label to preselect.
    pub aws_iam_idp: Option<String>,
    /// `--aws-iam-role`: role ARN or okta.yaml label (required for m2m).
    pub aws_iam_role: Option<String>,
    /// Session duration in seconds, 900..=43200, when the user set one. `None`: web uses
    /// the assertion's SessionDuration attribute, else 3600 (DESIGN §2.3).
    pub session_duration: Option<u32>,
    /// AWS profile name (credentials-file section; okta.yaml profile). Default `default`.
    pub profile: String,
    /// Output format after the implications of `--write-aws-credentials`/`--all-profiles`.
    pub format: Format,
    /// Syntax of the env-var output (`--shell`).
    pub shell: Shell,
    /// `--aws-region` (also written as `region` in the credentials file).
    pub aws_region: Option<String>,
    /// Region used to reach STS (DESIGN §2.12 order), if any.
    pub sts_region: Option<String>,
    /// Path of the AWS credentials file.
    pub aws_credentials: PathBuf,
    /// `--write-aws-credentials`.
    pub write_aws_credentials: bool,
    /// `--legacy-aws-variables`: also emit `AWS_SECURITY_TOKEN` / `aws_security_token`.
    pub legacy_aws_variables: bool,
    /// `--expiry-aws-variables`: also emit `x_security_token_expires`.
    pub expiry_aws_variables: bool,
    /// `--cache-access-token`.
    pub cache_access_token: bool,
    /// `--cache-aws-credentials`: answer from the AWS credential cache while fresh, and
    /// store what a sign-in gets (default: on for `process-credentials` only).
    pub cache_aws_credentials: bool,
    /// `--min-ttl` in seconds: a cached entry is used only while at least this much of its
    /// lifetime is left (default [`DEFAULT_MIN_TTL_SECS`]).
    pub min_ttl_secs: u64,
    /// `--check`: report on the cache entry of these settings, no sign-in (command line only).
    pub check: bool,
    /// `--clear-cache`: remove the org's cached credentials and tokens (command line only).
    pub clear_cache: bool,
    /// `--force-overwrite`: replace a credentials-file profile that holds long-term keys
    /// (command line only: no environment variable, `.env` or okta.yaml key sets it).
    pub force_overwrite: bool,
    /// `--debug`.
    pub debug: bool,
    /// `--debug-api-calls`.
    pub debug_api_calls: bool,
    /// `--exec`: run `exec_args` after the credentials are obtained.
    pub exec: bool,
    /// Words after `--` (program first).
    pub exec_args: Vec<String>,
    /// `--short-user-agent`: send exactly `okta-aws-cli` as User-Agent.
    pub short_user_agent: bool,
    /// `--chain-role`: role ARNs (`arn:<partition>:iam::<account>:role/<name>`) assumed in
    /// turn with STS `AssumeRole` after federation; empty for none.
    pub chain_roles: Vec<String>,
    /// `--chain-external-id`: the `ExternalId` sent with every chained `AssumeRole`.
    pub chain_external_id: Option<String>,
    /// `--console-destination`: the console page of `--format console-url` (an `https://`
    /// URL); `None` for the partition's console home.
    pub console_destination: Option<String>,

    // web
    /// `--aws-acct-fed-app-id`.
    pub aws_acct_fed_app_id: Option<String>,
    /// `--qr-code`.
    pub qr_code: bool,
    /// `--open-browser` (forced on by `--open-browser-command`).
    pub open_browser: bool,
    /// `--open-browser-command`.
    pub open_browser_command: Option<String>,
    /// `--all-profiles`.
    pub all_profiles: bool,
    /// `--profile-template`: the `--all-profiles` profile-name template; `None` for the
    /// default rule (`{alias}-{idp}-{role_path}`).
    pub profile_template: Option<ProfileTemplate>,

    // m2m
    /// `--key-id`: the `kid` of the client assertion.
    pub key_id: Option<String>,
    /// `--private-key`: PEM text (literal `\n` already turned into newlines).
    pub private_key: Option<String>,
    /// `--private-key-file`.
    pub private_key_file: Option<PathBuf>,
    /// `--custom-scope`, default `okta-m2m-access`.
    pub custom_scope: String,
    /// `--authz-id`, default `default`.
    pub authz_id: String,
    /// `--aws-sts-role-session-name`, default `okta-aws-cli`.
    pub sts_role_session_name: String,

    // okta.yaml labels
    /// `awscli.idps` (ARN or regex key -> label), in file order.
    pub idp_labels: Vec<(String, String)>,
    /// `awscli.roles` (ARN or regex key -> label), in file order.
    pub role_labels: Vec<(String, String)>,

    /// Home directory (`$HOME`, `%USERPROFILE%` on Windows).
    pub home: PathBuf,
    /// The environment snapshot (proxies, TLS, AWS endpoint overrides, `--exec` child).
    pub env: Env,
    /// Where okta.yaml is looked for: `<home>/.okta/okta.yaml` (empty without a home).
    pub okta_yaml_path: PathBuf,
    /// okta.yaml as read, when the file exists (labels, profiles for `list-profiles`).
    pub okta_yaml: Option<OktaYaml>,
    /// Warnings produced while resolving (printed on stderr by the caller).
    pub warnings: Vec<String>,
    /// Where each setting given by a layer came from (`--explain`), in resolution order;
    /// a setting absent here took its default.
    pub origins: Vec<SettingOrigin>,
    /// Whether `.env` was found in the current directory (`--explain`).
    pub dotenv_found: bool,
}

/// Where one setting's value came from, with the position in the file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingOrigin {
    /// The setting: its long flag name / okta.yaml key (`org-domain`, `profile`).
    pub key: &'static str,
    /// The layer that gave it.
    pub source: Source,
    /// 1-based line in `.env` or okta.yaml, when the source is one of them and the line
    /// could be found.
    pub line: Option<usize>,
}

impl SettingOrigin {
    /// One-line description: `flag --org-domain`, `environment variable OKTA_AWSCLI_X`,
    /// `.env line 3 (OKTA_AWSCLI_X)`, `/home/u/.okta/okta.yaml:7 (awscli.profiles.dev.key)`.
    pub fn describe(&self, okta_yaml_path: &Path) -> String {
        match (&self.source, self.line) {
            (Source::Flag(f), _) => format!("flag {f}"),
            (Source::Env(n), _) => format!("environment variable {n}"),
            (Source::DotEnv(n), Some(l)) => format!(".env line {l} ({n})"),
            (Source::DotEnv(n), None) => format!(".env ({n})"),
            (Source::OktaYaml { profile, key }, line) => {
                let at = match line {
                    Some(l) => format!("{}:{l}", okta_yaml_path.display()),
                    None => okta_yaml_path.display().to_string(),
                };
                format!("{at} (awscli.profiles.{profile}.{key})")
            }
        }
    }
}

/// Debug output redacts the private key and shows only the names of the environment
/// variables (their values may be secrets).
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Config");
        d.field("command", &self.command);
        d.field("org", &self.org);
        d.field("oidc_client_id", &self.oidc_client_id);
        d.field("aws_iam_idp", &self.aws_iam_idp);
        d.field("aws_iam_role", &self.aws_iam_role);
        d.field("session_duration", &self.session_duration);
        d.field("profile", &self.profile);
        d.field("format", &self.format);
        d.field("shell", &self.shell);
        d.field("aws_region", &self.aws_region);
        d.field("sts_region", &self.sts_region);
        d.field("aws_credentials", &self.aws_credentials);
        d.field("write_aws_credentials", &self.write_aws_credentials);
        d.field("legacy_aws_variables", &self.legacy_aws_variables);
        d.field("expiry_aws_variables", &self.expiry_aws_variables);
        d.field("cache_access_token", &self.cache_access_token);
        d.field("cache_aws_credentials", &self.cache_aws_credentials);
        d.field("min_ttl_secs", &self.min_ttl_secs);
        d.field("check", &self.check);
        d.field("clear_cache", &self.clear_cache);
        d.field("force_overwrite", &self.force_overwrite);
        d.field("debug", &self.debug);
        d.field("debug_api_calls", &self.debug_api_calls);
        d.field("exec", &self.exec);
        d.field("exec_args", &self.exec_args);
        d.field("short_user_agent", &self.short_user_agent);
        d.field("chain_roles", &self.chain_roles);
        d.field("chain_external_id", &self.chain_external_id);
        d.field("console_destination", &self.console_destination);
        d.field("aws_acct_fed_app_id", &self.aws_acct_fed_app_id);
        d.field("qr_code", &self.qr_code);
        d.field("open_browser", &self.open_browser);
        d.field("open_browser_command", &self.open_browser_command);
        d.field("all_profiles", &self.all_profiles);
        d.field("profile_template", &self.profile_template);
        d.field("key_id", &self.key_id);
        d.field(
            "private_key",
            &self.private_key.as_ref().map(|_| "<redacted>"),
        );
        d.field("private_key_file", &self.private_key_file);
        d.field("custom_scope", &self.custom_scope);
        d.field("authz_id", &self.authz_id);
        d.field("sts_role_session_name", &self.sts_role_session_name);
        d.field("idp_labels", &self.idp_labels);
        d.field("role_labels", &self.role_labels);
        d.field("home", &self.home);
        d.field("env", &self.env.keys().collect::<Vec<_>>());
        d.field("okta_yaml_path", &self.okta_yaml_path);
        d.field("okta_yaml", &self.okta_yaml);
        d.field("warnings", &self.warnings);
        d.field("origins", &self.origins);
        d.finish()
    }
}

impl Format {
    /// Every format, in the order listed in messages.
    pub const ALL: [Format; 5] = [
        Format::AwsCredentials,
        Format::ConsoleUrl,
        Format::EnvVar,
        Format::Noop,
        Format::ProcessCredentials,
    ];

    /// The format named `name` (exact, case-insensitive), `None` for anything else.
    pub fn parse(name: &str) -> Option<Format> {
        let name = name.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

/// Syntax of the `env-var` output (`--shell`, case B32).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    /// `export NAME=value` (sh, bash, dash, zsh, ksh).
    Posix,
    /// `set -gx NAME value` (fish 3+).
    Fish,
    /// `$env:NAME = 'value'` (Windows PowerShell and PowerShell 7).
    PowerShell,
    /// `set NAME=value` (cmd.exe, the current console only).
    Cmd,
    /// `setx NAME value` (upstream's Windows output: persists in the user's registry for
    /// consoles started later, not the current one).
    Setx,
}

impl Shell {
    /// Every shell, in the order listed in messages and completions.
    pub const ALL: [Shell; 5] = [
        Shell::Posix,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Cmd,
        Shell::Setx,
    ];

    /// The name used on the command line and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Shell::Posix => "posix",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            Shell::Cmd => "cmd",
            Shell::Setx => "setx",
        }
    }

    /// The shell named `name` (case-insensitive, surrounding spaces ignored), `None` for
    /// anything else.
    pub fn parse(name: &str) -> Option<Shell> {
        let name = name.trim();
        Shell::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(name))
    }

    /// `setx` on Windows (upstream compatibility), `posix` elsewhere.
    pub fn platform_default() -> Shell {
        if cfg!(windows) {
            Shell::Setx
        } else {
            Shell::Posix
        }
    }
}

impl Default for Shell {
    fn default() -> Shell {
        Shell::platform_default()
    }
}

/// Where a setting's value came from; names the input in error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag (`--open-browser`).
    Flag(String),
    /// A process environment variable.
    Env(String),
    /// A variable of `.env` in the current directory.
    DotEnv(String),
    /// A key of `awscli.profiles.<profile>` in okta.yaml.
    OktaYaml {
        /// Profile name as selected.
        profile: String,
        /// Key as written.
        key: String,
    },
}

impl Source {
    /// Rank by precedence: 0 = flag (strongest) .. 3 = okta.yaml.
    fn rank(&self) -> u8 {
        match self {
            Source::Flag(_) => 0,
            Source::Env(_) => 1,
            Source::DotEnv(_) => 2,
            Source::OktaYaml { .. } => 3,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(n) => f.write_str(n),
            Source::Env(n) => write!(f, "environment variable {n}"),
            Source::DotEnv(n) => write!(f, ".env variable {n}"),
            Source::OktaYaml { profile, key } => {
                write!(f, "okta.yaml key {key} of profile {profile:?}")
            }
        }
    }
}

/// One setting: its okta.yaml key (= long flag name), its env var(s), legacy env names.
struct Spec {
    key: &'static str,
    env: &'static [&'static str],
    legacy: &'static [&'static str],
}

const fn spec(
    key: &'static str,
    env: &'static [&'static str],
    legacy: &'static [&'static str],
) -> Spec {
    Spec { key, env, legacy }
}

/// Every layered setting (upstream-behaviour §1.2–1.4).
const SPECS: &[Spec] = &[
    spec(
        "org-domain",
        &["OKTA_AWSCLI_ORG_DOMAIN"],
        &["OKTA_ORG_DOMAIN"],
    ),
    spec(
        "oidc-client-id",
        &["OKTA_AWSCLI_OIDC_CLIENT_ID"],
        &["OKTA_OIDC_CLIENT_ID"],
    ),
    spec("aws-iam-role", &["OKTA_AWSCLI_IAM_ROLE"], &[]),
    spec(
        "aws-session-duration",
        &["OKTA_AWSCLI_SESSION_DURATION"],
        &[],
    ),
    spec("format", &["OKTA_AWSCLI_FORMAT"], &[]),
    spec("shell", &["OKTA_AWSCLI_SHELL"], &[]),
    spec("aws-region", &["OKTA_AWSCLI_AWS_REGION"], &[]),
    spec("aws-credentials", &["OKTA_AWSCLI_AWS_CREDENTIALS"], &[]),
    spec(
        "write-aws-credentials",
        &["OKTA_AWSCLI_WRITE_AWS_CREDENTIALS"],
        &[],
    ),
    spec(
        "legacy-aws-variables",
        &["OKTA_AWSCLI_LEGACY_AWS_VARIABLES"],
        &[],
    ),
    spec(
        "expiry-aws-variables",
        &["OKTA_AWSCLI_EXPIRY_AWS_VARIABLES"],
        &[],
    ),
    spec(
        "cache-access-token",
        &["OKTA_AWSCLI_CACHE_ACCESS_TOKEN"],
        &[],
    ),
    spec(
        "cache-aws-credentials",
        &["OKTA_AWSCLI_CACHE_AWS_CREDENTIALS"],
        &[],
    ),
    spec("min-ttl", &["OKTA_AWSCLI_MIN_TTL"], &[]),
    spec("debug", &["OKTA_AWSCLI_DEBUG"], &[]),
    spec("debug-api-calls", &["OKTA_AWSCLI_DEBUG_API_CALLS"], &[]),
    spec("exec", &["OKTA_AWSCLI_EXEC"], &[]),
    spec(
        "short-user-agent",
        &[
            "OKTA_AWSCLI_SHORT_USER_AGENT",
            "OKTA_AWSCLI_DEBUG_SHORT_USER_AGENT",
        ],
        &[],
    ),
    spec("chain-role", &["OKTA_AWSCLI_CHAIN_ROLE"], &[]),
    spec("chain-external-id", &["OKTA_AWSCLI_CHAIN_EXTERNAL_ID"], &[]),
    spec(
        "console-destination",
        &["OKTA_AWSCLI_CONSOLE_DESTINATION"],
        &[],
    ),
    spec("profile-template", &["OKTA_AWSCLI_PROFILE_TEMPLATE"], &[]),
    spec(
        "aws-acct-fed-app-id",
        &["OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID"],
        &["OKTA_AWS_ACCOUNT_FEDERATION_APP_ID"],
    ),
    spec("aws-iam-idp", &["OKTA_AWSCLI_IAM_IDP"], &[]),
    spec("qr-code", &["OKTA_AWSCLI_QR_CODE"], &[]),
    spec("open-browser", &["OKTA_AWSCLI_OPEN_BROWSER"], &[]),
    spec(
        "open-browser-command",
        &["OKTA_AWSCLI_OPEN_BROWSER_COMMAND"],
        &[],
    ),
    spec("all-profiles", &["OKTA_AWSCLI_ALL_PROFILES"], &[]),
    spec("key-id", &["OKTA_AWSCLI_KEY_ID"], &[]),
    spec("private-key", &["OKTA_AWSCLI_PRIVATE_KEY"], &[]),
    spec("private-key-file", &["OKTA_AWSCLI_PRIVATE_KEY_FILE"], &[]),
    spec("custom-scope", &["OKTA_AWSCLI_CUSTOM_SCOPE"], &[]),
    spec("authz-id", &["OKTA_AWSCLI_AUTHZ_ID"], &[]),
    spec(
        "aws-sts-role-session-name",
        &["OKTA_AWSCLI_STS_ROLE_SESSION_NAME"],
        &[],
    ),
];

/// Settings a `.env` in the current directory may not set: those that name a program to
/// run or where the tool writes (issue 15: a cloned repository must not be able to run a
/// command or redirect the credentials). Such a `.env` line is ignored with a warning;
/// flags, the environment and okta.yaml (in the user's home) still set them.
const NOT_FROM_DOTENV: &[&str] = &["open-browser-command", "aws-credentials"];

/// Variables outside [`SPECS`] that a `.env` may not set either (read from the real
/// environment only): the AWS CLI's credentials-file path.
const NOT_FROM_DOTENV_VARS: &[&str] = &["AWS_SHARED_CREDENTIALS_FILE"];

/// One warning per `.env` line that sets a setting of [`NOT_FROM_DOTENV`] (by its current or
/// legacy name) or a variable of [`NOT_FROM_DOTENV_VARS`], in line order, e.g. `.env line
/// 3: OKTA_AWSCLI_OPEN_BROWSER_COMMAND is ignored: ...`. Never the value.
fn dotenv_refusals(dotenv: &DotEnv) -> Vec<String> {
    let names = SPECS
        .iter()
        .filter(|s| NOT_FROM_DOTENV.contains(&s.key))
        .flat_map(|s| s.env.iter().chain(s.legacy))
        .chain(NOT_FROM_DOTENV_VARS);
    let mut found: Vec<(usize, &str)> = names
        .filter_map(|n| dotenv.lines.get(*n).map(|line| (*line, *n)))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(line, name)| {
            format!(
                ".env line {line}: {name} is ignored: a .env file may not name a program to run or the AWS credentials file (use a flag, the environment or okta.yaml)"
            )
        })
        .collect()
}

/// The environment variable for the okta.yaml key / long flag `key` (for messages and
/// documentation), e.g. `org-domain` -> `OKTA_AWSCLI_ORG_DOMAIN`.
pub fn env_name(key: &str) -> Option<&'static str> {
    SPECS
        .iter()
        .find(|s| s.key == key)
        .and_then(|s| s.env.first().copied())
}

/// The value layers for one run.
struct Layers<'a> {
    env: &'a Env,
    dotenv: &'a DotEnv,
    profile: &'a str,
    yaml: Option<&'a ProfileEntry>,
    warnings: &'a mut Vec<String>,
    /// The winning source of each setting found so far (`--explain`).
    found: Vec<(&'static str, Source)>,
}

fn non_empty(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

impl Layers<'_> {
    fn yaml_value(&self, key: &str) -> Result<Option<(String, Source)>> {
        let Some(entry) = self.yaml else {
            return Ok(None);
        };
        match entry.get(key) {
            None | Some(Scalar::Null) => Ok(None),
            Some(Scalar::Text(t)) => Ok(non_empty(t).map(|v| {
                (
                    v,
                    Source::OktaYaml {
                        profile: self.profile.to_string(),
                        key: key.to_string(),
                    },
                )
            })),
            Some(Scalar::NotScalar(kind)) => Err(Error::config(format!(
                "okta.yaml key {key} of profile {:?} must be a single value, not a {kind}",
                self.profile
            ))),
        }
    }

    /// The winning value of setting `key`: flag > env > `.env` > okta.yaml. Empty (or
    /// all-blank) values count as unset: `OKTA_AWSCLI_X=` in the environment or `.env`, and
    /// `x:` or `x: ""` in okta.yaml, let the next layer apply, as in upstream and as shells
    /// use empty variables. An empty value on the command line never gets here:
    /// `cli::parse` refuses it as a usage error.
    fn get(&mut self, key: &str, flag: Option<&String>) -> Result<Option<(String, Source)>> {
        let got = self.lookup(key, flag)?;
        if let (Some((_, src)), Some(spec)) = (&got, SPECS.iter().find(|s| s.key == key)) {
            self.found.push((spec.key, src.clone()));
        }
        Ok(got)
    }

    /// [`Self::get`] without recording the source.
    fn lookup(&mut self, key: &str, flag: Option<&String>) -> Result<Option<(String, Source)>> {
        let spec = SPECS
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| Error::runtime(format!("internal: unknown setting {key}")))?;
        if let Some(v) = flag.and_then(|f| non_empty(f)) {
            return Ok(Some((v, Source::Flag(format!("--{key}")))));
        }
        for (names, legacy) in [(spec.env, false), (spec.legacy, true)] {
            for name in names {
                if let Some(v) = self.env.get(*name).and_then(|v| non_empty(v)) {
                    if legacy {
                        self.warnings.push(deprecated_env(name, spec.env[0]));
                    }
                    return Ok(Some((v, Source::Env(name.to_string()))));
                }
            }
        }
        // `.env` lines for NOT_FROM_DOTENV settings were reported by `dotenv_refusals`.
        let from_dotenv: &[(&[&str], bool)] = if NOT_FROM_DOTENV.contains(&key) {
            &[]
        } else {
            &[(spec.env, false), (spec.legacy, true)]
        };
        for &(names, legacy) in from_dotenv {
            for name in names {
                if let Some(v) = self.dotenv.get(name).and_then(non_empty) {
                    if legacy {
                        self.warnings.push(format!(
                            ".env variable {name} is deprecated, please use {} instead",
                            spec.env[0]
                        ));
                    }
                    return Ok(Some((v, Source::DotEnv(name.to_string()))));
                }
            }
        }
        if let Some(found) = self.yaml_value(key)? {
            return Ok(Some(found));
        }
        if key == "aws-session-duration"
            && let Some(found) = self.yaml_value("session-duration")?
        {
            self.warnings.push(format!(
                    "okta.yaml key session-duration of profile {:?} is deprecated, please use aws-session-duration instead",
                    self.profile
                ));
            return Ok(Some(found));
        }
        Ok(None)
    }

    /// A list setting (`chain-role`): every occurrence of the flag, else the first layer
    /// that sets it (env, `.env`, okta.yaml), each value split on commas; an okta.yaml value
    /// may also be a YAML list of strings. Items are trimmed; empty items are dropped.
    fn list(&mut self, key: &str, flag: &[String]) -> Result<Option<(Vec<String>, Source)>> {
        let split = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect()
        };
        if !flag.is_empty() {
            let items = flag.iter().flat_map(|f| split(f)).collect();
            return Ok(Some((items, Source::Flag(format!("--{key}")))));
        }
        let yaml_list = self.yaml.and_then(|e| e.list(key)).map(<[String]>::to_vec);
        if yaml_list.is_none()
            && let Some(Scalar::NotScalar(kind)) = self.yaml.and_then(|e| e.get(key))
        {
            return Err(Error::config(format!(
                "okta.yaml key {key} of profile {:?} must be a string or a list of strings, not a {kind} holding other values",
                self.profile
            )));
        }
        let Some(items) = yaml_list else {
            return Ok(self.get(key, None)?.map(|(v, src)| (split(&v), src)));
        };
        // The environment and .env still beat the okta.yaml list.
        let yaml = self.yaml.take();
        let upper = self.get(key, None);
        self.yaml = yaml;
        if let Some((v, src)) = upper? {
            return Ok(Some((split(&v), src)));
        }
        let items = items.iter().flat_map(|i| split(i)).collect();
        Ok(Some((
            items,
            Source::OktaYaml {
                profile: self.profile.to_string(),
                key: key.to_string(),
            },
        )))
    }

    fn string(&mut self, key: &str, flag: &Option<String>) -> Result<Option<String>> {
        Ok(self.get(key, flag.as_ref())?.map(|(v, _)| v))
    }

    fn boolean(&mut self, key: &str, flag: Option<bool>) -> Result<bool> {
        if let Some(b) = flag {
            if let Some(spec) = SPECS.iter().find(|s| s.key == key) {
                self.found
                    .push((spec.key, Source::Flag(format!("--{}", spec.key))));
            }
            return Ok(b);
        }
        match self.get(key, None)? {
            None => Ok(false),
            Some((v, src)) => parse_bool(&v).ok_or_else(|| {
                Error::config(format!("invalid boolean {v:?} in {src}: use {BOOL_WORDS}"))
            }),
        }
    }
}

fn deprecated_env(old: &str, new: &str) -> String {
    format!("environment variable {old} is deprecated, please use {new} instead")
}

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
fn expand_tilde(path: &str, home: Option<&Path>) -> PathBuf {
    match (home, path) {
        (Some(h), "~") => h.to_path_buf(),
        (Some(h), p) if p.starts_with("~/") || p.starts_with("~\\") => h.join(&p[2..]),
        _ => PathBuf::from(path),
    }
}

/// Default `--min-ttl` (seconds): the AWS CLI and botocore refresh process credentials 15
/// minutes before they expire, so handing them less makes them call again at once.
pub const DEFAULT_MIN_TTL_SECS: u64 = 900;

/// Largest `--min-ttl` (seconds): 12 hours, the longest STS session.
pub const MAX_MIN_TTL_SECS: u64 = 43_200;

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

/// Parse a session duration: whole seconds, 900..=43200 (STS limits, DESIGN §2.3).
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

fn is_loopback(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.is_loopback());
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|a| a.is_loopback())
}

/// Why `host` (lower case, without port) cannot be an Okta org's host, or `None` when it
/// can (DESIGN §2.15, issue 11). Accepted: a DNS name (RFC 1123 labels of 1–63 letters,
/// digits and inner hyphens, at most 253 characters, a top-level label that is not all
/// digits) with at least one dot, `localhost`, an IPv4 address (`10.0.0.5`) or an IPv6
/// address in brackets (`[fd00::5]`), as upstream accepts any `host[:port]`. A malformed name
/// would only fail later, in TLS, as "invalid DNS name".
fn host_problem(host: &str) -> Option<&'static str> {
    if host.starts_with('[') {
        let inner = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
        return match inner.map(str::parse::<std::net::Ipv6Addr>) {
            Some(Ok(_)) => None,
            _ => Some("the bracketed part is not an IPv6 address"),
        };
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    if host.is_empty() {
        return Some("the host name is empty");
    }
    if host.len() > 253 {
        return Some("the host name is longer than 253 characters");
    }
    let labels: Vec<&str> = host.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Some("the host name has an empty label (a leading, trailing or doubled dot)");
        }
        if label.len() > 63 {
            return Some("a label of the host name is longer than 63 characters");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(
                "a host name has only letters, digits, hyphens and dots (no spaces, '_', '@' or other characters)",
            );
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("a label of the host name starts or ends with a hyphen");
        }
    }
    if labels.len() < 2 && host != "localhost" {
        return Some("a host name needs a domain, e.g. example.okta.com");
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("the top-level label of the host name is all digits (not a DNS name)");
    }
    None
}

/// Normalise the org domain (DESIGN §2.15, upstream-behaviour §2.5): a pasted `https://`,
/// a path and a trailing slash are dropped; `-admin` is removed from the end of the first
/// DNS label only (`acme-admin.okta.com` -> `acme.okta.com`); each correction yields a
/// warning. Any `host[:port]` (DNS name, IPv4 address, bracketed IPv6 address) means
/// `https://host:port`. `http://` or `https://` with a loopback host (`127.0.0.1`,
/// `localhost`, `[::1]`) keeps its scheme and port (local test orgs); `http://` to any other
/// host is refused. Errors are messages without the source (the caller adds it).
pub fn normalize_org(raw: &str) -> std::result::Result<(OrgUrl, Vec<String>), String> {
    let s = raw.trim();
    let mut warnings = Vec::new();
    let lower = s.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        (Some("https"), &s[8..])
    } else if lower.starts_with("http://") {
        (Some("http"), &s[7..])
    } else if let Some(p) = s.find("://") {
        return Err(format!(
            "org domain {raw:?} has scheme {:?}; give the host name, e.g. example.okta.com",
            &s[..p]
        ));
    } else {
        (None, s)
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end].to_ascii_lowercase();
    let tail = &rest[end..];
    if authority.is_empty() {
        return Err(format!("org domain {raw:?} has no host name"));
    }
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(p) => (&authority[..=p], authority[p + 1..].strip_prefix(':')),
            None => return Err(format!("org domain {raw:?} is not a host name")),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority.as_str(), None),
        }
    };
    if let Some(p) = port
        && p.parse::<u16>().map_or(true, |n| n == 0)
    {
        return Err(format!("org domain {raw:?} has an invalid port {p:?}"));
    }
    if let Some(problem) = host_problem(host) {
        return Err(format!("org domain {raw:?} is not usable: {problem}"));
    }
    let loopback = is_loopback(host);
    if scheme == Some("http") && !loopback {
        return Err(format!(
            "org domain {raw:?} uses http://; Okta orgs are reached over https:// (http:// is only allowed for a loopback test server)"
        ));
    }
    let mut host = host.to_string();
    let authority_of = |h: &str| match port {
        Some(p) => format!("{h}:{p}"),
        None => h.to_string(),
    };
    let has_path = !tail.is_empty() && tail != "/";
    if let (Some(sch), true) = (scheme, loopback) {
        if has_path {
            warnings.push(format!(
                "proactively correcting org domain {raw:?}: the path {tail:?} is ignored"
            ));
        }
        let authority = authority_of(&host);
        return Ok((
            OrgUrl {
                base: format!("{sch}://{authority}"),
                host: authority,
            },
            warnings,
        ));
    }
    if !loopback && !host.starts_with('[') && host.parse::<std::net::Ipv4Addr>().is_err() {
        let (first, others) = match host.split_once('.') {
            Some((f, o)) => (f.to_string(), Some(o.to_string())),
            None => (host.clone(), None),
        };
        if let Some(stripped) = first.strip_suffix("-admin").filter(|f| !f.is_empty()) {
            let fixed = match others {
                Some(o) => format!("{stripped}.{o}"),
                None => stripped.to_string(),
            };
            warnings.push(format!(
                "proactively correcting org domain {:?} to non-admin form {:?}.",
                authority_of(&host),
                authority_of(&fixed)
            ));
            host = fixed;
        }
    }
    let authority = authority_of(&host);
    if scheme.is_some() {
        warnings.push(format!(
            "proactively correcting URL format org domain {raw:?} value to hostname only form {authority:?}."
        ));
    } else if !tail.is_empty() {
        warnings.push(format!(
            "proactively correcting malformed org domain {raw:?} value to hostname only form {authority:?}."
        ));
    }
    Ok((
        OrgUrl {
            base: format!("https://{authority}"),
            host: authority,
        },
        warnings,
    ))
}

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
        force_overwrite: flags.force_overwrite.unwrap_or(false),
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

/// Why `arn` cannot be a chained role's ARN (`arn:<partition>:iam::<12-digit
/// account>:role/<path and name>`), or `None` when it can.
fn role_arn_problem(arn: &str) -> Option<&'static str> {
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
fn check_external_id(v: &str) -> std::result::Result<String, &'static str> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c);
    if !(2..=1224).contains(&v.len()) {
        return Err("it must be 2 to 1224 characters long");
    }
    if !v.chars().all(ok_char) {
        return Err("use letters, digits and _+=,.@:/- only");
    }
    Ok(v.to_string())
}

/// A console destination: an absolute `https://` URL without whitespace or control
/// characters.
fn check_console_destination(v: &str) -> std::result::Result<String, &'static str> {
    let rest = v
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .map(|_| &v[8..]);
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => {}
        _ => return Err("expected an https:// URL of an AWS console page"),
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace or a control character");
    }
    Ok(v.to_string())
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
mod tests {
    use super::*;

    const B34: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cases/B34-okta.yaml"
    ));

    fn env(pairs: &[(&str, &str)]) -> Env {
        let mut e: Env = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        e.entry(if cfg!(windows) { "USERPROFILE" } else { "HOME" }.into())
            .or_insert_with(|| "/home/u".into());
        e
    }

    fn inv(cmd: Command, flags: Flags) -> Invocation {
        Invocation {
            command: cmd,
            flags,
            ..Invocation::default()
        }
    }

    fn debug_cfg(flags: Flags, e: &Env, dotenv: Option<&str>, yaml: Option<&str>) -> Config {
        resolve(&inv(Command::Debug, flags), e, dotenv, yaml).expect("resolves")
    }

    fn cfg_err(
        cmd: Command,
        flags: Flags,
        e: &Env,
        dotenv: Option<&str>,
        yaml: Option<&str>,
    ) -> Error {
        resolve(&inv(cmd, flags), e, dotenv, yaml).expect_err("must fail")
    }

    const YAML_DEFAULT: &str = "awscli:\n  profiles:\n    default:\n      aws-region: yaml-region\n      open-browser: true\n      debug: yes\n";

    #[test]
    fn dotenv_may_not_name_a_program_or_the_credentials_file() {
        let dotenv = "OKTA_AWSCLI_ORG_DOMAIN=example.okta.com\n\
            okta_awscli_open_browser_command=touch pwned\n\
            OKTA_AWSCLI_AWS_CREDENTIALS=/tmp/elsewhere\n\
            AWS_SHARED_CREDENTIALS_FILE=/tmp/elsewhere2\n\
            OKTA_AWSCLI_AWS_REGION=eu-west-1\n";
        let c = debug_cfg(Flags::default(), &env(&[]), Some(dotenv), None);
        assert_eq!(c.open_browser_command, None);
        assert!(!c.open_browser);
        assert_eq!(c.aws_credentials, PathBuf::from("/home/u/.aws/credentials"));
        // Other settings still come from .env.
        assert_eq!(c.org.host, "example.okta.com");
        assert_eq!(c.aws_region.as_deref(), Some("eu-west-1"));
        let refused: Vec<&String> = c
            .warnings
            .iter()
            .filter(|w| w.starts_with(".env line"))
            .collect();
        assert_eq!(refused.len(), 3, "{:?}", c.warnings);
        assert!(
            refused[0].starts_with(".env line 2: OKTA_AWSCLI_OPEN_BROWSER_COMMAND is ignored:")
        );
        assert!(refused[1].starts_with(".env line 3: OKTA_AWSCLI_AWS_CREDENTIALS is ignored:"));
        assert!(refused[2].starts_with(".env line 4: AWS_SHARED_CREDENTIALS_FILE is ignored:"));
        for w in &refused {
            assert!(
                !w.contains("pwned") && !w.contains("/tmp/") && !w.contains('\n'),
                "{w}"
            );
        }
        // The environment, okta.yaml and flags still set them.
        let e = env(&[
            ("OKTA_AWSCLI_OPEN_BROWSER_COMMAND", "firefox"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/x/creds"),
        ]);
        let c = debug_cfg(Flags::default(), &e, None, None);
        assert_eq!(c.open_browser_command.as_deref(), Some("firefox"));
        assert_eq!(c.aws_credentials, PathBuf::from("/x/creds"));
        let yaml = "awscli:\n  profiles:\n    default:\n      open-browser-command: chromium\n      aws-credentials: /y/creds\n";
        let c = debug_cfg(Flags::default(), &env(&[]), Some(dotenv), Some(yaml));
        assert_eq!(c.open_browser_command.as_deref(), Some("chromium"));
        assert_eq!(c.aws_credentials, PathBuf::from("/y/creds"));
    }

    #[test]
    fn precedence_table_string() {
        // (flag, env, dotenv, yaml) -> expected winner
        type Row = (
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
            bool,
            Option<&'static str>,
        );
        let rows: &[Row] = &[
            (Some("flag"), Some("env"), Some("dot"), true, Some("flag")),
            (None, Some("env"), Some("dot"), true, Some("env")),
            (None, None, Some("dot"), true, Some("dot")),
            (None, None, None, true, Some("yaml-region")),
            (None, None, None, false, None),
            (Some(""), Some(""), Some("dot"), false, Some("dot")),
        ];
        for (flag, ev, dv, with_yaml, want) in rows {
            let mut pairs = Vec::new();
            if let Some(v) = ev {
                pairs.push(("OKTA_AWSCLI_AWS_REGION", *v));
            }
            let e = env(&pairs);
            let dot = dv.map(|v| format!("okta_awscli_aws_region={v}\n"));
            let flags = Flags {
                aws_region: flag.map(String::from),
                ..Flags::default()
            };
            let c = debug_cfg(flags, &e, dot.as_deref(), with_yaml.then_some(YAML_DEFAULT));
            assert_eq!(
                c.aws_region.as_deref(),
                *want,
                "{flag:?} {ev:?} {dv:?} {with_yaml}"
            );
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

    #[test]
    fn credential_cache_settings_and_their_defaults() {
        let flags = |format: &str| Flags {
            format: Some(format.into()),
            ..Flags::default()
        };
        let c = debug_cfg(flags("process-credentials"), &env(&[]), None, None);
        assert!(c.cache_aws_credentials);
        assert_eq!(c.min_ttl_secs, DEFAULT_MIN_TTL_SECS);
        assert!(!debug_cfg(flags("env-var"), &env(&[]), None, None).cache_aws_credentials);
        // Off by flag; on by env var, .env and okta.yaml for another format.
        let off = Flags {
            cache_aws_credentials: Some(false),
            ..flags("process-credentials")
        };
        assert!(!debug_cfg(off, &env(&[]), None, None).cache_aws_credentials);
        let e = env(&[
            ("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS", "yes"),
            ("OKTA_AWSCLI_MIN_TTL", "1h"),
        ]);
        let c = debug_cfg(flags("env-var"), &e, None, None);
        assert!(c.cache_aws_credentials);
        assert_eq!(c.min_ttl_secs, 3600);
        let dot = "OKTA_AWSCLI_CACHE_AWS_CREDENTIALS=on\n";
        assert!(debug_cfg(flags("env-var"), &env(&[]), Some(dot), None).cache_aws_credentials);
        let yaml = "awscli:\n  profiles:\n    default:\n      cache-aws-credentials: true\n      min-ttl: 30m\n";
        let c = debug_cfg(flags("env-var"), &env(&[]), None, Some(yaml));
        assert!(c.cache_aws_credentials && c.min_ttl_secs == 1800);
        // Bad values name their source.
        let e = env(&[("OKTA_AWSCLI_MIN_TTL", "soon")]);
        let err = cfg_err(Command::Debug, Flags::default(), &e, None, None).to_string();
        assert!(
            err.contains("min-ttl") && err.contains("OKTA_AWSCLI_MIN_TTL"),
            "{err}"
        );
        let e = env(&[("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS", "maybe")]);
        let err = cfg_err(Command::Debug, Flags::default(), &e, None, None).to_string();
        assert!(err.contains("OKTA_AWSCLI_CACHE_AWS_CREDENTIALS"), "{err}");
        // --check and --clear-cache together: a usage error.
        let both = Flags {
            check: Some(true),
            clear_cache: Some(true),
            ..Flags::default()
        };
        let err = cfg_err(Command::Debug, both, &env(&[]), None, None);
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn booleans_can_be_switched_off_by_higher_layers() {
        let e = env(&[("OKTA_AWSCLI_OPEN_BROWSER", "true")]);
        let flags = Flags {
            open_browser: Some(false),
            ..Flags::default()
        };
        assert!(!debug_cfg(flags, &e, None, None).open_browser);
        // env "false" beats okta.yaml true; .env "0" beats okta.yaml yes.
        let e = env(&[("OKTA_AWSCLI_OPEN_BROWSER", "FALSE")]);
        let c = debug_cfg(
            Flags::default(),
            &e,
            Some("OKTA_AWSCLI_DEBUG=0\n"),
            Some(YAML_DEFAULT),
        );
        assert!(!c.open_browser && !c.debug);
        let c = debug_cfg(Flags::default(), &env(&[]), None, Some(YAML_DEFAULT));
        assert!(c.open_browser && c.debug);
    }

    #[test]
    fn bad_boolean_names_source_and_value() {
        let e = env(&[("OKTA_AWSCLI_QR_CODE", "maybe")]);
        let err = cfg_err(Command::Debug, Flags::default(), &e, None, None);
        assert!(matches!(err, Error::Config(_)));
        let m = err.to_string();
        assert!(
            m.contains("OKTA_AWSCLI_QR_CODE") && m.contains("maybe") && m.contains(BOOL_WORDS),
            "{m}"
        );
        let err = cfg_err(
            Command::Debug,
            Flags::default(),
            &env(&[]),
            Some("OKTA_AWSCLI_DEBUG=maybe\n"),
            None,
        );
        assert!(err.to_string().contains(BOOL_WORDS), "{err}");
        let err = cfg_err(
            Command::Debug,
            Flags::default(),
            &env(&[]),
            None,
            Some("awscli:\n  profiles:\n    default:\n      exec: sometimes\n"),
        );
        assert!(
            err.to_string()
                .contains("okta.yaml key exec of profile \"default\"")
                && err.to_string().contains(BOOL_WORDS),
            "{err}"
        );
    }

    #[test]
    fn bare_names_are_not_settings() {
        let e = env(&[
            ("FORMAT", "noop"),
            ("PROFILE", "p"),
            ("DEBUG", "1"),
            ("EXEC", "1"),
        ]);
        let c = debug_cfg(Flags::default(), &e, Some("format=noop\nprofile=x\n"), None);
        assert_eq!(c.format, Format::EnvVar);
        assert_eq!(c.profile, "default");
        assert!(!c.debug && !c.exec);
    }

    #[test]
    fn legacy_env_names_warn() {
        let e = env(&[
            ("OKTA_ORG_DOMAIN", "legacy.okta.com"),
            ("OKTA_OIDC_CLIENT_ID", "0oa1"),
        ]);
        let c = resolve(&inv(Command::Web, Flags::default()), &e, None, None).unwrap();
        assert_eq!(c.org.host, "legacy.okta.com");
        assert_eq!(c.oidc_client_id, "0oa1");
        assert!(
            c.warnings
                .iter()
                .any(|w| w.contains("OKTA_ORG_DOMAIN is deprecated"))
        );
        // the new name wins without a warning
        let e = env(&[
            ("OKTA_ORG_DOMAIN", "legacy.okta.com"),
            ("OKTA_AWSCLI_ORG_DOMAIN", "new.okta.com"),
        ]);
        let c = debug_cfg(Flags::default(), &e, None, None);
        assert_eq!(c.org.host, "new.okta.com");
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        // .env legacy fed app id
        let c = debug_cfg(
            Flags::default(),
            &env(&[]),
            Some("OKTA_AWS_ACCOUNT_FEDERATION_APP_ID=0oafed\n"),
            None,
        );
        assert_eq!(c.aws_acct_fed_app_id.as_deref(), Some("0oafed"));
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn short_user_agent_both_spellings() {
        for name in [
            "OKTA_AWSCLI_SHORT_USER_AGENT",
            "OKTA_AWSCLI_DEBUG_SHORT_USER_AGENT",
        ] {
            let c = debug_cfg(Flags::default(), &env(&[(name, "true")]), None, None);
            assert!(c.short_user_agent, "{name}");
        }
    }

    #[test]
    fn b34_sandbox() {
        let flags = Flags {
            profile: Some("sandbox".into()),
            ..Flags::default()
        };
        let c = resolve(
            &inv(Command::Web, flags.clone()),
            &env(&[]),
            None,
            Some(B34),
        )
        .unwrap();
        assert_eq!(c.oidc_client_id, "0oaFAKEclient000001");
        assert_eq!(c.org.base, "https://example.okta.com");
        assert_eq!(c.aws_acct_fed_app_id.as_deref(), Some("0oaFAKEfedapp00001"));
        assert_eq!(
            c.aws_iam_idp.as_deref(),
            Some("arn:aws:iam::123456789012:saml-provider/ExampleOkta")
        );
        assert_eq!(
            c.aws_iam_role.as_deref(),
            Some("arn:aws:iam::123456789012:role/Developer")
        );
        assert!(c.write_aws_credentials);
        assert_eq!(c.format, Format::AwsCredentials);
        assert_eq!(c.aws_credentials, PathBuf::from("/home/u/.aws/credentials"));
        assert!(c.open_browser && c.cache_access_token && !c.expiry_aws_variables);
        assert_eq!(c.session_duration, Some(36000));
        assert!(
            c.warnings
                .iter()
                .any(|w| w.contains("session-duration") && w.contains("deprecated"))
        );
        // precedence over the profile
        let e = env(&[("OKTA_AWSCLI_SESSION_DURATION", "7200")]);
        let c = resolve(&inv(Command::Web, flags.clone()), &e, None, Some(B34)).unwrap();
        assert_eq!(c.session_duration, Some(7200));
        let f2 = Flags {
            aws_session_duration: Some("900".into()),
            ..flags
        };
        let c = resolve(&inv(Command::Web, f2), &e, None, Some(B34)).unwrap();
        assert_eq!(c.session_duration, Some(900));
    }

    #[test]
    fn b34_prod_empty_and_missing() {
        let p = |name: &str| Flags {
            profile: Some(name.into()),
            ..Flags::default()
        };
        let c = resolve(&inv(Command::Web, p("prod")), &env(&[]), None, Some(B34)).unwrap();
        assert_eq!(c.session_duration, Some(3600));
        assert!(!c.write_aws_credentials);
        assert_eq!(
            c.format,
            Format::AwsCredentials,
            "format key of the profile"
        );
        assert!(
            c.warnings
                .iter()
                .any(|w| w.contains("\"write-credentials\"")
                    && w.contains("did you mean \"write-aws-credentials\"")),
            "{:?}",
            c.warnings
        );
        let err = cfg_err(Command::Web, p("empty-profile"), &env(&[]), None, Some(B34));
        assert!(
            err.to_string().contains("--org-domain")
                && err.to_string().contains("--oidc-client-id")
        );
        let f = Flags {
            org_domain: Some("example.okta.com".into()),
            oidc_client_id: Some("0oa".into()),
            ..p("missing-profile")
        };
        let c = resolve(&inv(Command::Web, f), &env(&[]), None, Some(B34)).unwrap();
        assert_eq!(c.org.base, "https://example.okta.com");
        assert_eq!(c.profile, "missing-profile");
    }

    #[test]
    fn malformed_yaml_is_a_config_error_with_position() {
        let err = cfg_err(
            Command::ListProfiles,
            Flags::default(),
            &env(&[]),
            None,
            Some("awscli:\n\tprofiles: {}\n"),
        );
        let m = err.to_string();
        assert!(matches!(err, Error::Config(_)));
        assert!(
            m.contains(&okta_yaml_path(Path::new("/home/u")).display().to_string())
                && m.contains("line 2, column"),
            "{m}"
        );
    }

    #[test]
    fn required_values_named_together() {
        let err = cfg_err(Command::M2m, Flags::default(), &env(&[]), None, None);
        let m = err.to_string();
        for needle in [
            "--org-domain",
            "--oidc-client-id",
            "--aws-iam-role",
            "--key-id",
            "--private-key or --private-key-file",
        ] {
            assert!(m.contains(needle), "{needle}: {m}");
        }
        assert!(!m.contains('\n'));
        let e = env(&[
            ("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com"),
            ("OKTA_AWSCLI_OIDC_CLIENT_ID", "c"),
            ("OKTA_AWSCLI_IAM_ROLE", "arn:aws:iam::1:role/r"),
            ("OKTA_AWSCLI_KEY_ID", "k"),
            ("OKTA_AWSCLI_PRIVATE_KEY_FILE", "~/key.pem"),
        ]);
        let c = resolve(&inv(Command::M2m, Flags::default()), &e, None, None).unwrap();
        assert_eq!(c.private_key_file, Some(PathBuf::from("/home/u/key.pem")));
        assert_eq!(c.custom_scope, "okta-m2m-access");
        assert_eq!(c.authz_id, "default");
        assert_eq!(c.sts_role_session_name, "okta-aws-cli");
        let web = cfg_err(
            Command::Web,
            Flags::default(),
            &env(&[("OKTA_AWSCLI_ORG_DOMAIN", "x.okta.com")]),
            None,
            None,
        );
        assert!(
            web.to_string().contains("--oidc-client-id")
                && !web.to_string().contains("--org-domain")
        );
    }

    #[test]
    fn m2m_defaults_overridable() {
        let e = env(&[
            ("OKTA_AWSCLI_STS_ROLE_SESSION_NAME", "env-sn"),
            ("OKTA_AWSCLI_AUTHZ_ID", "aus1"),
        ]);
        let c = debug_cfg(Flags::default(), &e, None, None);
        assert_eq!(
            (c.sts_role_session_name.as_str(), c.authz_id.as_str()),
            ("env-sn", "aus1")
        );
        let f = Flags {
            aws_sts_role_session_name: Some("flag-sn".into()),
            authz_id: Some("aus2".into()),
            custom_scope: Some("sc".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f, &e, None, None);
        assert_eq!(
            (
                c.sts_role_session_name.as_str(),
                c.authz_id.as_str(),
                c.custom_scope.as_str()
            ),
            ("flag-sn", "aus2", "sc")
        );
    }

    #[test]
    fn private_key_rules() {
        let f = Flags {
            private_key: Some("-----BEGIN\\nABC\\n-----END".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f, &env(&[]), None, None);
        assert_eq!(c.private_key.as_deref(), Some("-----BEGIN\nABC\n-----END"));
        let both = Flags {
            private_key: Some("k".into()),
            private_key_file: Some("f".into()),
            ..Flags::default()
        };
        let m = cfg_err(Command::Debug, both, &env(&[]), None, None).to_string();
        assert!(
            m.contains("--private-key") && m.contains("--private-key-file"),
            "{m}"
        );
        // Different layers: the stronger one wins.
        let f = Flags {
            private_key_file: Some("/k.pem".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f, &env(&[("OKTA_AWSCLI_PRIVATE_KEY", "pem")]), None, None);
        assert_eq!(
            (c.private_key, c.private_key_file),
            (None, Some(PathBuf::from("/k.pem")))
        );
    }

    #[test]
    fn durations() {
        for (v, want) in [
            ("900", Some(900)),
            ("43200", Some(43200)),
            (" 3600 ", Some(3600)),
            ("899", None),
            ("43201", None),
            ("3600.0", None),
            ("1h", None),
            ("-900", None),
            ("", None),
            ("99999999999", None),
        ] {
            assert_eq!(parse_session_duration(v), want, "{v}");
        }
        let f = Flags {
            aws_session_duration: Some("60".into()),
            ..Flags::default()
        };
        let m = cfg_err(Command::Debug, f, &env(&[]), None, None).to_string();
        assert!(
            m.contains("\"60\"") && m.contains("--aws-session-duration") && m.contains("900"),
            "{m}"
        );
        assert_eq!(
            debug_cfg(Flags::default(), &env(&[]), None, None).session_duration,
            None
        );
    }

    #[test]
    fn shells_from_every_layer() {
        assert_eq!(
            debug_cfg(Flags::default(), &env(&[]), None, None).shell,
            Shell::platform_default()
        );
        let f = Flags {
            shell: Some("Fish".into()),
            ..Flags::default()
        };
        let e = env(&[("OKTA_AWSCLI_SHELL", "cmd")]);
        assert_eq!(debug_cfg(f, &e, None, None).shell, Shell::Fish);
        assert_eq!(
            debug_cfg(Flags::default(), &e, None, None).shell,
            Shell::Cmd
        );
        let yaml = "awscli:\n  profiles:\n    default:\n      shell: powershell\n";
        assert_eq!(
            debug_cfg(Flags::default(), &env(&[]), None, Some(yaml)).shell,
            Shell::PowerShell
        );
        let f = Flags {
            shell: Some("bash".into()),
            ..Flags::default()
        };
        let e = cfg_err(Command::Debug, f, &env(&[]), None, None);
        assert_eq!(e.exit_code(), 2);
        let m = e.to_string();
        assert!(
            m.contains("\"bash\"")
                && m.contains("--shell")
                && m.contains("posix, fish, powershell, cmd, setx"),
            "{m}"
        );
    }

    #[test]
    fn formats_and_implications() {
        let c = debug_cfg(
            Flags::default(),
            &env(&[("OKTA_AWSCLI_FORMAT", "Process-Credentials")]),
            None,
            None,
        );
        assert_eq!(c.format, Format::ProcessCredentials);
        let f = Flags {
            format: Some("json".into()),
            ..Flags::default()
        };
        let m = cfg_err(Command::Debug, f, &env(&[]), None, None).to_string();
        assert!(
            m.contains("\"json\"")
                && m.contains("aws-credentials, console-url, env-var, noop, process-credentials"),
            "{m}"
        );
        let f = Flags {
            write_aws_credentials: Some(true),
            format: Some("noop".into()),
            ..Flags::default()
        };
        assert_eq!(
            debug_cfg(f, &env(&[]), None, None).format,
            Format::AwsCredentials
        );
        let f = Flags {
            all_profiles: Some(true),
            format: Some("process-credentials".into()),
            ..Flags::default()
        };
        assert_eq!(
            debug_cfg(f, &env(&[]), None, None).format,
            Format::ProcessCredentials
        );
        let f = Flags {
            open_browser_command: Some("firefox".into()),
            ..Flags::default()
        };
        assert!(debug_cfg(f, &env(&[]), None, None).open_browser);
    }

    #[test]
    fn credentials_path() {
        let c = debug_cfg(Flags::default(), &env(&[]), None, None);
        assert_eq!(c.aws_credentials, PathBuf::from("/home/u/.aws/credentials"));
        let e = env(&[("AWS_SHARED_CREDENTIALS_FILE", "/shared")]);
        assert_eq!(
            debug_cfg(Flags::default(), &e, None, None).aws_credentials,
            PathBuf::from("/shared")
        );
        let c = debug_cfg(
            Flags::default(),
            &e,
            Some("OKTA_AWSCLI_AWS_CREDENTIALS=~/x\n"),
            None,
        );
        // .env may not move the credentials file (issue 15); the environment's path stays.
        assert_eq!(c.aws_credentials, PathBuf::from("/shared"));
        let yaml = "awscli:\n  profiles:\n    default:\n      aws-credentials: ~/x\n";
        let c = debug_cfg(Flags::default(), &e, None, Some(yaml));
        assert_eq!(c.aws_credentials, PathBuf::from("/home/u/x"));
        let mut no_home = Env::new();
        no_home.insert("OKTA_AWSCLI_WRITE_AWS_CREDENTIALS".into(), "1".into());
        let m = cfg_err(Command::Debug, Flags::default(), &no_home, None, None).to_string();
        assert!(m.contains("--aws-credentials"), "{m}");
    }

    #[test]
    fn regions() {
        let c = debug_cfg(
            Flags::default(),
            &env(&[("AWS_DEFAULT_REGION", "eu-west-1")]),
            Some("AWS_REGION=us-west-2\n"),
            None,
        );
        assert_eq!(c.aws_region, None);
        assert_eq!(c.sts_region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            c.env.get("AWS_REGION").map(String::as_str),
            Some("us-west-2"),
            "promoted"
        );
        let c = debug_cfg(
            Flags::default(),
            &env(&[("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "x")]),
            None,
            None,
        );
        assert_eq!(c.sts_region.as_deref(), Some("ap-south-1"));
        let c = debug_cfg(
            Flags::default(),
            &env(&[]),
            Some("AWS_REGION=us-west-2\n"),
            None,
        );
        assert_eq!(c.sts_region.as_deref(), Some("us-west-2"));
        let f = Flags {
            aws_region: Some("cn-north-1".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f, &env(&[("AWS_REGION", "ap-south-1")]), None, None);
        assert_eq!(c.sts_region.as_deref(), Some("cn-north-1"));
        assert_eq!(
            c.env.get("AWS_REGION").map(String::as_str),
            Some("ap-south-1")
        );
    }

    #[test]
    fn profile_names() {
        let c = debug_cfg(
            Flags::default(),
            &env(&[("OKTA_AWSCLI_PROFILE", "envp")]),
            Some("OKTA_AWSCLI_PROFILE=dotp\n"),
            None,
        );
        assert_eq!(c.profile, "envp");
        let c = debug_cfg(
            Flags::default(),
            &env(&[]),
            Some("okta_awscli_profile=dotp\n"),
            None,
        );
        assert_eq!(c.profile, "dotp");
        let f = Flags {
            profile: Some("profile okta-dev".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f, &env(&[]), None, None);
        assert_eq!(c.profile, "okta-dev");
        assert!(c.warnings.iter().any(|w| w.contains("\"profile \" prefix")));
        assert!(normalize_profile("a]b").is_err());
        assert!(normalize_profile("a\u{1b}[2Jb").is_err());
        assert!(normalize_profile("  ").is_err());
        assert_eq!(normalize_profile("profile").unwrap().0, "profile");
        // okta.yaml cannot pick the profile name.
        let c = debug_cfg(
            Flags::default(),
            &env(&[]),
            None,
            Some("awscli:\n  profiles:\n    default:\n      profile: other\n"),
        );
        assert_eq!(c.profile, "default");
    }

    #[test]
    fn non_ascii_profile_names_never_panic() {
        // Byte 8 inside a character, names of every length around the prefix's.
        for name in [
            "aaaaaaaé",
            "aaaaaaaéb",
            "日本語のプロファイル",
            "profileé",
            "é",
            "profilé x",
        ] {
            assert_eq!(normalize_profile(name).unwrap(), (name.to_string(), None));
        }
        let (name, warning) = normalize_profile("PROFILE 日本語").unwrap();
        assert_eq!(name, "日本語");
        assert!(warning.is_some());
        let e = env(&[("OKTA_AWSCLI_PROFILE", "日本語のプロファイル")]);
        let c = resolve(
            &inv(Command::ListProfiles, Flags::default()),
            &e,
            None,
            None,
        )
        .unwrap();
        assert_eq!(c.profile, "日本語のプロファイル");
    }

    #[test]
    fn org_normalisation() {
        let ok = |raw: &str| normalize_org(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        let cases: &[(&str, &str, &str, usize)] = &[
            (
                "example.okta.com",
                "https://example.okta.com",
                "example.okta.com",
                0,
            ),
            (
                "https://example.okta.com/",
                "https://example.okta.com",
                "example.okta.com",
                1,
            ),
            (
                "HTTPS://Example.Okta.com/app/x?y",
                "https://example.okta.com",
                "example.okta.com",
                1,
            ),
            (
                "example.okta.com/",
                "https://example.okta.com",
                "example.okta.com",
                1,
            ),
            (
                "acme-admin.okta.com",
                "https://acme.okta.com",
                "acme.okta.com",
                1,
            ),
            (
                "https://acme-admin.okta.com/",
                "https://acme.okta.com",
                "acme.okta.com",
                2,
            ),
            (
                "my-admin-team.okta.com",
                "https://my-admin-team.okta.com",
                "my-admin-team.okta.com",
                0,
            ),
            (
                "acme.okta-admin.com",
                "https://acme.okta-admin.com",
                "acme.okta-admin.com",
                0,
            ),
            (
                "http://127.0.0.1:8443",
                "http://127.0.0.1:8443",
                "127.0.0.1:8443",
                0,
            ),
            (
                "https://127.0.0.1:8443/",
                "https://127.0.0.1:8443",
                "127.0.0.1:8443",
                0,
            ),
            (
                "http://localhost:9000",
                "http://localhost:9000",
                "localhost:9000",
                0,
            ),
            ("https://[::1]:8443", "https://[::1]:8443", "[::1]:8443", 0),
            (
                "example.okta.com:8443",
                "https://example.okta.com:8443",
                "example.okta.com:8443",
                0,
            ),
        ];
        for (raw, base, host, nwarn) in cases {
            let (org, w) = ok(raw);
            assert_eq!(
                (org.base.as_str(), org.host.as_str()),
                (*base, *host),
                "{raw}"
            );
            assert_eq!(w.len(), *nwarn, "{raw}: {w:?}");
        }
        assert!(ok("acme-admin.okta.com").1[0].contains("non-admin form \"acme.okta.com\""));
        for bad in [
            "http://example.okta.com",
            "ftp://x.com",
            "https://",
            "exa mple.com",
            "user@x.com",
            "x.com:99999",
            "-admin.okta.com/",
        ] {
            assert!(normalize_org(bad).is_err(), "{bad}");
        }
        // Forms that used to pass and then failed in TLS as "invalid dns name".
        for bad in [
            "12345",
            "a b",
            "exa_mple..com",
            "exa_mple.com",
            "example..com",
            "example",
            "https://[zz]",
            "[2001:db8::1",
            "2001:db8::1",
            "a.123",
            "x-.okta.com",
            "http://127.0.0.1.5",
        ] {
            let e = normalize_org(bad).expect_err(bad);
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
        // Any host[:port] as upstream: IP literals mean https://host:port (issue 11).
        for (raw, base) in [
            ("10.0.0.5:8443", "https://10.0.0.5:8443"),
            ("127.0.0.1:8443", "https://127.0.0.1:8443"),
            ("1.2.3.4", "https://1.2.3.4"),
            ("https://1.2.3.4/", "https://1.2.3.4"),
            ("[::1]:8443", "https://[::1]:8443"),
            ("[FD00::5]:8443", "https://[fd00::5]:8443"),
            ("https://[2001:db8::1]", "https://[2001:db8::1]"),
        ] {
            let (org, _) = ok(raw);
            assert_eq!(org.base, base, "{raw}");
            assert_eq!(Some(org.host.as_str()), base.strip_prefix("https://"));
        }
        for bad in ["http://10.0.0.5:8443", "http://[fd00::5]", "10.0.0.5:0"] {
            assert!(normalize_org(bad).is_err(), "{bad}");
        }
        let long_label = format!("{}.okta.com", "a".repeat(64));
        assert!(normalize_org(&long_label).is_err());
        let (org, _) = normalize_org("localhost").expect("localhost");
        assert_eq!(
            (org.base.as_str(), org.host.as_str()),
            ("https://localhost", "localhost")
        );
        let (org, _) = normalize_org("http://[::1]:9").expect("loopback IPv6");
        assert_eq!(
            (org.base.as_str(), org.host.as_str()),
            ("http://[::1]:9", "[::1]:9")
        );
        let m = cfg_err(
            Command::Web,
            Flags {
                org_domain: Some("12345".into()),
                ..Flags::default()
            },
            &env(&[]),
            None,
            None,
        );
        assert!(matches!(m, Error::Config(_)));
        assert!(
            m.to_string().contains("\"12345\"") && m.to_string().contains("--org-domain"),
            "{m}"
        );
        let m = cfg_err(
            Command::Debug,
            Flags {
                org_domain: Some("http://evil.example".into()),
                ..Flags::default()
            },
            &env(&[]),
            None,
            None,
        )
        .to_string();
        assert!(m.contains("--org-domain") && m.contains("http://"), "{m}");
    }

    #[test]
    fn all_profiles_refuses_one_set_outputs() {
        let web = |format: Option<&str>, exec: bool| {
            let mut i = inv(
                Command::Web,
                Flags {
                    org_domain: Some("x.okta.com".into()),
                    oidc_client_id: Some("c".into()),
                    all_profiles: Some(true),
                    format: format.map(String::from),
                    exec: exec.then_some(true),
                    ..Flags::default()
                },
            );
            if exec {
                i.exec_args = vec!["true".into()];
            }
            resolve(&i, &env(&[]), None, None)
        };
        let err = web(Some("process-credentials"), false).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("process-credentials"), "{err}");
        let err = web(None, true).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--exec"), "{err}");
        // Every other format becomes the credentials file.
        for f in [None, Some("env-var"), Some("noop"), Some("aws-credentials")] {
            assert_eq!(
                web(f, false).unwrap().format,
                Format::AwsCredentials,
                "{f:?}"
            );
        }
    }

    #[test]
    fn exec_rules() {
        let mut i = inv(
            Command::Web,
            Flags {
                org_domain: Some("x.okta.com".into()),
                oidc_client_id: Some("c".into()),
                exec: Some(true),
                ..Flags::default()
            },
        );
        let err = resolve(&i, &env(&[]), None, None).unwrap_err();
        assert_eq!(err, Error::usage("--exec needs a command after --"));
        i.exec_args = vec!["aws".into(), "s3".into()];
        assert_eq!(
            resolve(&i, &env(&[]), None, None).unwrap().exec_args,
            ["aws", "s3"]
        );
        i.flags.exec = None;
        let err = resolve(&i, &env(&[]), None, None).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
        let e = env(&[("OKTA_AWSCLI_EXEC", "true")]);
        assert!(resolve(&i, &e, None, None).unwrap().exec);
        // list-profiles does not need a command even with OKTA_AWSCLI_EXEC set.
        assert!(
            resolve(
                &inv(Command::ListProfiles, Flags::default()),
                &e,
                None,
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let e = env(&[("AWS_SECRET_ACCESS_KEY", "SECRETVALUE")]);
        let f = Flags {
            private_key: Some("-----BEGIN PRIVATE KEY-----\\nMIIsecret".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f.clone(), &e, None, None);
        let shown = format!("{c:?} {f:?}");
        assert!(
            !shown.contains("MIIsecret") && !shown.contains("SECRETVALUE"),
            "{shown}"
        );
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY") && shown.contains("<redacted>"));
    }

    #[test]
    fn debug_output_hides_okta_yaml_profile_secrets() {
        let yaml = "awscli:\n  profiles:\n    default:\n      private-key: \"-----BEGIN PRIVATE KEY-----\\nMIIyamlSECRET\"\n      password: yamlPASSWORD\n";
        let c = debug_cfg(Flags::default(), &env(&[]), None, Some(yaml));
        assert!(c.okta_yaml.is_some());
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("MIIyamlSECRET") && !shown.contains("yamlPASSWORD"),
            "{shown}"
        );
        assert!(shown.contains("private-key"), "{shown}");
    }

    #[test]
    fn labels_and_yaml_in_config() {
        let c = debug_cfg(
            Flags::default(),
            &env(&[]),
            None,
            Some("awscli:\n  roles:\n    \"arn:b\": B\n    \"arn:a\": A\n"),
        );
        assert_eq!(
            c.role_labels,
            vec![("arn:b".into(), "B".into()), ("arn:a".into(), "A".into())]
        );
        assert!(c.okta_yaml.is_some());
        assert_eq!(c.okta_yaml_path, PathBuf::from("/home/u/.okta/okta.yaml"));
    }

    const ROLE_A: &str = "arn:aws:iam::123456789012:role/A";
    const ROLE_B: &str = "arn:aws:iam::210987654321:role/team/B";

    fn web_env(extra: &[(&str, &str)]) -> Env {
        let mut pairs = vec![
            ("OKTA_AWSCLI_ORG_DOMAIN", "example.okta.com"),
            ("OKTA_AWSCLI_OIDC_CLIENT_ID", "0oa1"),
        ];
        pairs.extend_from_slice(extra);
        env(&pairs)
    }

    #[test]
    fn chain_roles_from_every_layer() {
        // Flags: every occurrence, in order (commas split too).
        let f = Flags {
            chain_role: vec![ROLE_A.into(), format!(" {ROLE_B} ")],
            ..Flags::default()
        };
        let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", ROLE_B)]);
        assert_eq!(debug_cfg(f, &e, None, None).chain_roles, [ROLE_A, ROLE_B]);
        // Environment: comma-separated.
        let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", &format!("{ROLE_B}, {ROLE_A},"))]);
        assert_eq!(
            debug_cfg(Flags::default(), &e, None, None).chain_roles,
            [ROLE_B, ROLE_A]
        );
        // okta.yaml: a string or a list; the environment still wins over the list.
        let list = format!(
            "awscli:\n  profiles:\n    default:\n      chain-role:\n        - {ROLE_A}\n        - {ROLE_B}\n      chain-external-id: ext-42\n"
        );
        let c = debug_cfg(Flags::default(), &env(&[]), None, Some(&list));
        assert_eq!(c.chain_roles, [ROLE_A, ROLE_B]);
        assert_eq!(c.chain_external_id.as_deref(), Some("ext-42"));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", ROLE_B)]);
        assert_eq!(
            debug_cfg(Flags::default(), &e, None, Some(&list)).chain_roles,
            [ROLE_B]
        );
        let dot = format!("OKTA_AWSCLI_CHAIN_ROLE={ROLE_A}\n");
        assert_eq!(
            debug_cfg(Flags::default(), &env(&[]), Some(&dot), Some(&list)).chain_roles,
            [ROLE_A]
        );
        let string = format!(
            "awscli:\n  profiles:\n    default:\n      chain-role: \"{ROLE_B},{ROLE_A}\"\n"
        );
        assert_eq!(
            debug_cfg(Flags::default(), &env(&[]), None, Some(&string)).chain_roles,
            [ROLE_B, ROLE_A]
        );
        assert!(
            debug_cfg(Flags::default(), &env(&[]), None, None)
                .chain_roles
                .is_empty()
        );
    }

    #[test]
    fn bad_chain_settings_name_their_source() {
        for bad in [
            "arn:aws:iam::123456789012:user/A",
            "arn:aws:iam::12345:role/A",
            "arn:aws:sts::123456789012:role/A",
            "role/A",
            "arn:aws:iam::123456789012:role/",
        ] {
            let e = env(&[("OKTA_AWSCLI_CHAIN_ROLE", bad)]);
            let err = cfg_err(Command::Debug, Flags::default(), &e, None, None);
            assert!(matches!(err, Error::Config(_)), "{bad}");
            let m = err.to_string();
            assert!(
                m.contains("OKTA_AWSCLI_CHAIN_ROLE") && m.contains(bad),
                "{m}"
            );
        }
        let yaml = "awscli:\n  profiles:\n    default:\n      chain-role:\n        - {a: b}\n";
        let err = cfg_err(
            Command::Debug,
            Flags::default(),
            &env(&[]),
            None,
            Some(yaml),
        );
        assert!(err.to_string().contains("chain-role"), "{err}");
        let f = Flags {
            chain_external_id: Some("has space".into()),
            ..Flags::default()
        };
        let m = cfg_err(Command::Debug, f, &env(&[]), None, None).to_string();
        assert!(m.contains("--chain-external-id"), "{m}");
    }

    #[test]
    fn console_url_format_and_its_combinations() {
        let f = Flags {
            format: Some("console-url".into()),
            write_aws_credentials: Some(true),
            ..Flags::default()
        };
        let c = resolve(&inv(Command::Web, f), &web_env(&[]), None, None).unwrap();
        assert_eq!(
            c.format,
            Format::ConsoleUrl,
            "--write-aws-credentials keeps it"
        );
        assert_eq!(c.console_destination, None);

        let e = web_env(&[("OKTA_AWSCLI_ALL_PROFILES", "true")]);
        let f = Flags {
            format: Some("console-url".into()),
            ..Flags::default()
        };
        assert!(matches!(
            cfg_err(Command::Web, f.clone(), &e, None, None),
            Error::Usage(_)
        ));
        let mut with_exec = inv(
            Command::Web,
            Flags {
                exec: Some(true),
                ..f.clone()
            },
        );
        with_exec.exec_args = vec!["true".into()];
        assert!(matches!(
            resolve(&with_exec, &web_env(&[]), None, None),
            Err(Error::Usage(_))
        ));
        let chain = Flags {
            chain_role: vec![ROLE_A.into()],
            ..Flags::default()
        };
        let m = cfg_err(Command::Web, chain, &e, None, None).to_string();
        assert!(
            m.contains("--chain-role") && m.contains("--all-profiles"),
            "{m}"
        );

        let e = web_env(&[(
            "OKTA_AWSCLI_CONSOLE_DESTINATION",
            "https://console.aws.amazon.com/s3/home",
        )]);
        let c = resolve(&inv(Command::Web, f.clone()), &e, None, None).unwrap();
        assert_eq!(
            c.console_destination.as_deref(),
            Some("https://console.aws.amazon.com/s3/home")
        );
        for bad in [
            "http://console.aws.amazon.com/",
            "console.aws.amazon.com",
            "https://x y",
        ] {
            let e = web_env(&[("OKTA_AWSCLI_CONSOLE_DESTINATION", bad)]);
            let m = cfg_err(Command::Web, f.clone(), &e, None, None).to_string();
            assert!(m.contains("OKTA_AWSCLI_CONSOLE_DESTINATION"), "{m}");
        }
    }

    #[test]
    fn profile_template_is_checked_before_any_sign_in() {
        let f = Flags {
            profile_template: Some("{alias}-{role}".into()),
            ..Flags::default()
        };
        let c = debug_cfg(f, &env(&[]), None, None);
        assert_eq!(c.profile_template.unwrap().as_str(), "{alias}-{role}");
        let yaml = "awscli:\n  profiles:\n    default:\n      profile-template: \"{account}-{rolename}\"\n";
        let err = cfg_err(
            Command::Web,
            Flags::default(),
            &web_env(&[]),
            None,
            Some(yaml),
        );
        assert!(matches!(err, Error::Config(_)));
        let m = err.to_string();
        assert!(
            m.contains("profile-template") && m.contains("{rolename}") && m.contains("okta.yaml"),
            "{m}"
        );
        let e = env(&[("OKTA_AWSCLI_PROFILE_TEMPLATE", "[{alias}]")]);
        let m = cfg_err(Command::Debug, Flags::default(), &e, None, None).to_string();
        assert!(m.contains("OKTA_AWSCLI_PROFILE_TEMPLATE"), "{m}");
    }
}
