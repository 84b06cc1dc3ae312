//! PURE: the resolved settings of one run ([`Config`]) and the small types its fields
//! use: the command, the output format and shell, the Okta org, and where each value came
//! from ([`Source`], [`SettingOrigin`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::files::OktaYaml;
use crate::config::template::ProfileTemplate;

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
    /// Okta direct authentication (password, then an Okta Verify push or a one-time code)
    /// + web identity federation.
    Direct,
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
    /// One Kubernetes `ExecCredential` with an Amazon EKS token on stdout (kubectl's `exec`
    /// credential plugin).
    EksToken,
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
            Format::EksToken => "eks-token",
            Format::Noop => "noop",
        }
    }

    /// Whether a program calls the tool for this output each time it needs credentials:
    /// `process-credentials` (the AWS SDKs' `credential_process`) and `eks-token` (kubectl's
    /// exec plugin). Such runs never ask a question, print no chatter on stderr, and use
    /// the AWS credential cache by default (README "As a credential_process").
    pub fn is_credential_helper(self) -> bool {
        matches!(self, Format::ProcessCredentials | Format::EksToken)
    }
}

/// The Okta org after normalisation (docs/decisions.md#d-org-domain).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrgUrl {
    /// Scheme and authority, no trailing slash: `https://example.okta.com`, or for a
    /// loopback test org `https://127.0.0.1:8443` / `http://127.0.0.1:8443`.
    pub base: String,
    /// Authority only: `example.okta.com` or `127.0.0.1:8443` (cache key, messages).
    pub host: String,
}

/// The fully resolved settings for one run. Built by the resolver (`resolve.rs`; or by
/// `load.rs`, which reads the files first); read-only afterwards.
#[derive(Clone, Default)]
pub struct Config {
    /// The subcommand.
    pub command: Command,
    /// Okta org (required for `web`, `m2m` and `direct`).
    pub org: OrgUrl,
    /// OIDC client id: native app (web, direct) or API service app (m2m).
    pub oidc_client_id: String,
    /// `--aws-iam-idp`: IdP ARN or okta.yaml label to preselect.
    pub aws_iam_idp: Option<String>,
    /// `--aws-iam-role`: role ARN or okta.yaml label (required for m2m and direct).
    pub aws_iam_role: Option<String>,
    /// Session duration in seconds, 900..=43200, when the user set one. `None`: web uses
    /// the assertion's SessionDuration attribute, else 3600 (docs/decisions.md#d-session-duration).
    pub session_duration: Option<u32>,
    /// AWS profile name (credentials-file section; okta.yaml profile). Default `default`.
    pub profile: String,
    /// Output format after the implications of `--write-aws-credentials`/`--all-profiles`.
    pub format: Format,
    /// Syntax of the env-var output (`--shell`).
    pub shell: Shell,
    /// `--aws-region` (also written as `region` in the credentials file).
    pub aws_region: Option<String>,
    /// Region used to reach STS (docs/decisions.md#d-region-endpoint order), if any.
    pub sts_region: Option<String>,
    /// Path of the AWS credentials file.
    pub aws_credentials: PathBuf,
    /// `--write-aws-credentials`.
    pub write_aws_credentials: bool,
    /// `--legacy-aws-variables`: also emit `AWS_SECURITY_TOKEN` / `aws_security_token`.
    pub legacy_aws_variables: bool,
    /// `--expiry-aws-variables`: also emit `x_security_token_expires` (credentials file) and
    /// `AWS_CREDENTIAL_EXPIRATION` (env-var output).
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
    /// `--ecs-server` (with `--exec` only): the child gets a container-credentials endpoint
    /// on 127.0.0.1 instead of key variables (docs/decisions.md#d-ecs-server).
    pub ecs_server: bool,
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
    /// `--eks-cluster-id`: the cluster a `--format eks-token` token is for (signed as
    /// `x-k8s-aws-id`); required with that format.
    pub eks_cluster_id: Option<String>,

    // web
    /// `--aws-acct-fed-app-id`.
    pub aws_acct_fed_app_id: Option<String>,
    /// `--qr-code`.
    pub qr_code: bool,
    /// `--open-browser` (forced on by `--open-browser-command`).
    pub open_browser: bool,
    /// `--open-browser-command`.
    pub open_browser_command: Option<String>,
    /// `open-browser` was set to false by a layer (`--open-browser=false`,
    /// `OKTA_AWSCLI_OPEN_BROWSER=false`, okta.yaml `open-browser: false`): the browser is not
    /// opened by default even when stderr is captured and a terminal exists (README "When
    /// stderr is captured").
    pub open_browser_off: bool,
    /// `--authorization-code`: sign in with the authorization code flow and PKCE (RFC 7636)
    /// in a browser on this computer instead of the device flow.
    pub authorization_code: bool,
    /// `--redirect-port`: the loopback ports of the authorization code flow's redirect URI
    /// (`http://127.0.0.1:<port>/callback`), tried in order; [`DEFAULT_REDIRECT_PORTS`] when
    /// none is set.
    pub redirect_ports: Vec<u16>,
    /// `--authorization-code-timeout` in seconds: how long the authorization code flow waits
    /// for the browser (default [`DEFAULT_AUTHORIZATION_CODE_TIMEOUT_SECS`]).
    pub authorization_code_timeout_secs: u64,
    /// `--all-profiles`.
    pub all_profiles: bool,
    /// `--write-aws-config` (only with `web --all-profiles`): write each role as a
    /// `credential_process` profile to the AWS config file [`Config::aws_config_file`]
    /// instead of the credentials file (docs/decisions.md#d-write-aws-config).
    pub write_aws_config: bool,
    /// The AWS config file: `AWS_CONFIG_FILE` from the environment, else
    /// `<home>/.aws/config` (empty without a home).
    pub aws_config_file: PathBuf,
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

    // direct
    /// `--username`: the Okta user name (required for direct).
    pub username: Option<String>,
    /// `--password` (secret): `None` when not given; `direct` then asks on the terminal.
    pub password: Option<String>,
    /// `--mfa-method`: the second factor `direct` asks Okta for (default push).
    pub mfa_method: MfaMethod,

    // okta.yaml labels
    /// `awscli.idps` (ARN or regex key -> label), in file order.
    pub idp_labels: Vec<(String, String)>,
    /// `awscli.roles` (ARN or regex key -> label), in file order.
    pub role_labels: Vec<(String, String)>,

    // read from the environment only (config/environment.rs)
    /// The AWS endpoint overrides (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`).
    pub endpoint_urls: EndpointUrls,
    /// The passphrase of an encrypted m2m private key, from
    /// `OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE` (kept as given; empty means unset). Secret.
    pub private_key_passphrase: Option<String>,
    /// The one-time code of `direct --mfa-method otp`, from `OKTA_AWSCLI_OTP` (secret;
    /// environment only). `None` when unset or blank; `direct` then asks on the terminal.
    pub otp: Option<String>,
    /// Colour and styles are off: `NO_COLOR` is set and not empty (<https://no-color.org>),
    /// or `TERM` is `dumb`.
    pub no_color: bool,

    /// Home directory (`$HOME`, `%USERPROFILE%` on Windows).
    pub home: PathBuf,
    /// The environment snapshot, for the HTTP layer (proxies, TLS trust) only; `.env`'s
    /// `AWS_REGION` is added when the environment has none. Settings are read from it once,
    /// while resolving, into the fields above.
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
    /// Whether that `.env` was allowed, or which sensitive variables were ignored
    /// (`--explain`; README "The .env trust model").
    pub dotenv_trust: DotEnvTrust,
}

/// The state of the `.env` of a run, for `--explain` and the warning (README "The .env trust
/// model"); decided by `dotenv_trust::filter`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DotEnvTrust {
    /// No `.env` in the current directory, or nobody asked (pure resolution in tests).
    #[default]
    Absent,
    /// The file sets no sensitive key: everything in it applies.
    NoSensitiveKeys,
    /// The file's content is allowed: everything in it applies.
    Allowed,
    /// Not allowed: these sensitive variables (UPPER-CASED, in line order) were ignored.
    NotAllowed {
        /// The ignored variables.
        ignored: Vec<String>,
        /// Whether the list holds the path with another content (the file changed).
        changed: bool,
    },
}

/// The AWS endpoint overrides of the environment (AWS SDKs and Tools Reference Guide,
/// "Service-specific endpoints"): each variable's value trimmed, `None` when it is unset or
/// blank. Each service picks its own order (its variable, then `AWS_ENDPOINT_URL`) and
/// checks the URL when it uses it. Built by `EndpointUrls::from_env` (`environment.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointUrls {
    /// `AWS_ENDPOINT_URL`: every service.
    pub all: Option<String>,
    /// `AWS_ENDPOINT_URL_STS`.
    pub sts: Option<String>,
    /// `AWS_ENDPOINT_URL_IAM`.
    pub iam: Option<String>,
    /// `AWS_ENDPOINT_URL_SIGNIN`: the console federation endpoint.
    pub signin: Option<String>,
}

impl EndpointUrls {
    /// The variables, as named in the environment.
    pub const VARS: [&'static str; 4] = [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_SIGNIN",
    ];

    /// The value of variable `var` (one of [`EndpointUrls::VARS`]); `None` when it is unset
    /// or blank, or for any other name.
    pub fn get(&self, var: &str) -> Option<&str> {
        match var {
            "AWS_ENDPOINT_URL" => self.all.as_deref(),
            "AWS_ENDPOINT_URL_STS" => self.sts.as_deref(),
            "AWS_ENDPOINT_URL_IAM" => self.iam.as_deref(),
            "AWS_ENDPOINT_URL_SIGNIN" => self.signin.as_deref(),
            _ => None,
        }
    }

    /// The first of `vars` that is set, with its name: `first(&["AWS_ENDPOINT_URL_STS",
    /// "AWS_ENDPOINT_URL"])`.
    pub fn first(&self, vars: &[&'static str]) -> Option<(&'static str, &str)> {
        vars.iter()
            .find_map(|&var| self.get(var).map(|value| (var, value)))
    }
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
        d.field("ecs_server", &self.ecs_server);
        d.field("exec_args", &self.exec_args);
        d.field("short_user_agent", &self.short_user_agent);
        d.field("chain_roles", &self.chain_roles);
        d.field("chain_external_id", &self.chain_external_id);
        d.field("console_destination", &self.console_destination);
        d.field("eks_cluster_id", &self.eks_cluster_id);
        d.field("aws_acct_fed_app_id", &self.aws_acct_fed_app_id);
        d.field("qr_code", &self.qr_code);
        d.field("open_browser", &self.open_browser);
        d.field("open_browser_command", &self.open_browser_command);
        d.field("open_browser_off", &self.open_browser_off);
        d.field("authorization_code", &self.authorization_code);
        d.field("redirect_ports", &self.redirect_ports);
        d.field(
            "authorization_code_timeout_secs",
            &self.authorization_code_timeout_secs,
        );
        d.field("all_profiles", &self.all_profiles);
        d.field("write_aws_config", &self.write_aws_config);
        d.field("aws_config_file", &self.aws_config_file);
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
        d.field("username", &self.username);
        d.field("password", &self.password.as_ref().map(|_| "<redacted>"));
        d.field("mfa_method", &self.mfa_method);
        d.field("idp_labels", &self.idp_labels);
        d.field("role_labels", &self.role_labels);
        d.field("endpoint_urls", &self.endpoint_urls);
        d.field(
            "private_key_passphrase",
            &self.private_key_passphrase.as_ref().map(|_| "<redacted>"),
        );
        d.field("otp", &self.otp.as_ref().map(|_| "<redacted>"));
        d.field("no_color", &self.no_color);
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
    pub const ALL: [Format; 6] = [
        Format::AwsCredentials,
        Format::ConsoleUrl,
        Format::EksToken,
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

/// The second factor of `direct` (`--mfa-method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MfaMethod {
    /// An Okta Verify push (out of band), possibly with a number challenge.
    #[default]
    Push,
    /// A one-time code from an authenticator app (Okta Verify, Google Authenticator).
    Otp,
}

impl MfaMethod {
    /// Every method, in the order listed in messages and completions.
    pub const ALL: [MfaMethod; 2] = [MfaMethod::Push, MfaMethod::Otp];

    /// The name used on the command line and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            MfaMethod::Push => "push",
            MfaMethod::Otp => "otp",
        }
    }

    /// The method named `name` (case-insensitive, surrounding spaces ignored), `None` for
    /// anything else.
    pub fn parse(name: &str) -> Option<MfaMethod> {
        let name = name.trim();
        MfaMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
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
    pub(super) fn rank(&self) -> u8 {
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

/// Default `--min-ttl` (seconds): the AWS CLI and botocore refresh process credentials 15
/// minutes before they expire, so handing them less makes them call again at once.
pub const DEFAULT_MIN_TTL_SECS: u64 = 900;

/// Largest `--min-ttl` (seconds): 12 hours, the longest STS session.
pub const MAX_MIN_TTL_SECS: u64 = 43_200;

/// The loopback ports the authorization code flow tries, in order, when no
/// `--redirect-port` is set (README "Sign in with the authorization code flow"). The OIDC
/// app must have `http://127.0.0.1:<port>/callback` registered for each one used.
pub const DEFAULT_REDIRECT_PORTS: [u16; 3] = [8180, 8181, 8182];

/// Default `--authorization-code-timeout` (seconds): five minutes, the lifetime of an Okta
/// authorization code.
pub const DEFAULT_AUTHORIZATION_CODE_TIMEOUT_SECS: u64 = 300;

/// Longest `--authorization-code-timeout` (seconds): one hour.
pub const MAX_AUTHORIZATION_CODE_TIMEOUT_SECS: u64 = 3600;
