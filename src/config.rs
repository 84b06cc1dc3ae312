//! PURE: resolve the effective settings from flags, environment, `.env` and okta.yaml.
//!
//! Precedence per setting (DESIGN §2.1): command-line flag > `OKTA_AWSCLI_*` env var
//! (legacy names as fallback, with a deprecation warning) > `.env` in the current
//! directory > `awscli.profiles.<profile>` of `~/.okta/okta.yaml` > default.

use std::collections::BTreeMap;
use std::path::PathBuf;

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

/// The fully resolved settings for one run. Built by [`resolve`]; read-only afterwards.
#[derive(Debug, Clone, Default)]
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
    /// Warnings produced while resolving (printed on stderr by the caller).
    pub warnings: Vec<String>,
}
