//! PURE: the settings as the command line gave them, before resolution: the input that
//! `cli::parse` produces and the resolver (`resolve.rs`) consumes. It lives below
//! both so that `config` never imports `cli`, and imports only `settings.rs` here, so
//! that no two files of `config` import each other.

use crate::config::settings::Command;

/// The command-line values as given; `None` means "not on the command line" so that the
/// lower layers (env, `.env`, okta.yaml) apply. Booleans are `Some(false)` after
/// `--flag=false`. Strings are raw (session duration and format are checked by
/// the resolver, which names the flag in its errors).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--org-domain`/`-o`.
    pub org_domain: Option<String>,
    /// `--oidc-client-id`/`-c`.
    pub oidc_client_id: Option<String>,
    /// `--aws-iam-role`/`-r`.
    pub aws_iam_role: Option<String>,
    /// `--aws-session-duration`/`-s` (or the deprecated `--session-duration`), seconds.
    pub aws_session_duration: Option<String>,
    /// `--profile`/`-p`.
    pub profile: Option<String>,
    /// `--format`/`-f`.
    pub format: Option<String>,
    /// `--shell`.
    pub shell: Option<String>,
    /// `--aws-region`/`-n`.
    pub aws_region: Option<String>,
    /// `--aws-credentials`/`-w`.
    pub aws_credentials: Option<String>,
    /// `--write-aws-credentials`/`-z`.
    pub write_aws_credentials: Option<bool>,
    /// `--legacy-aws-variables`/`-l`.
    pub legacy_aws_variables: Option<bool>,
    /// `--expiry-aws-variables`/`-x`.
    pub expiry_aws_variables: Option<bool>,
    /// `--cache-access-token`/`-e`.
    pub cache_access_token: Option<bool>,
    /// `--debug`/`-g`.
    pub debug: Option<bool>,
    /// `--debug-api-calls`/`-d`.
    pub debug_api_calls: Option<bool>,
    /// `--exec`/`-j`.
    pub exec: Option<bool>,
    /// `--ecs-server`.
    pub ecs_server: Option<bool>,
    /// `--short-user-agent`/`-y`.
    pub short_user_agent: Option<bool>,
    /// `--cache-aws-credentials`.
    pub cache_aws_credentials: Option<bool>,
    /// `--min-ttl` (raw: seconds or `15m`/`1h`; checked by the resolver).
    pub min_ttl: Option<String>,
    /// `--check` (command line only).
    pub check: Option<bool>,
    /// `--clear-cache` (command line only).
    pub clear_cache: Option<bool>,
    /// `--force-overwrite` (command line only: never from env, `.env` or okta.yaml).
    pub force_overwrite: Option<bool>,
    /// `--chain-role` (repeatable): role ARNs to assume in turn after federation, in order.
    /// Empty means "not on the command line".
    pub chain_role: Vec<String>,
    /// `--chain-external-id`.
    pub chain_external_id: Option<String>,
    /// `--console-destination`.
    pub console_destination: Option<String>,
    /// `--eks-cluster-id`.
    pub eks_cluster_id: Option<String>,
    /// web `--aws-acct-fed-app-id`/`-a`.
    pub aws_acct_fed_app_id: Option<String>,
    /// web `--aws-iam-idp`/`-i`.
    pub aws_iam_idp: Option<String>,
    /// web `--qr-code`/`-q`.
    pub qr_code: Option<bool>,
    /// web `--open-browser`/`-b`.
    pub open_browser: Option<bool>,
    /// web `--open-browser-command`/`-m`.
    pub open_browser_command: Option<String>,
    /// web `--all-profiles`/`-k`.
    pub all_profiles: Option<bool>,
    /// web `--write-aws-config` (with `--all-profiles`).
    pub write_aws_config: Option<bool>,
    /// web `--authorization-code`.
    pub authorization_code: Option<bool>,
    /// web `--redirect-port` (repeatable, raw; checked by the resolver). Empty means "not on
    /// the command line".
    pub redirect_port: Vec<String>,
    /// web `--authorization-code-timeout` (raw: seconds or `90s`/`5m`).
    pub authorization_code_timeout: Option<String>,
    /// web `--profile-template`.
    pub profile_template: Option<String>,
    /// m2m `--key-id`/`-i`.
    pub key_id: Option<String>,
    /// m2m `--private-key`/`-k`.
    pub private_key: Option<String>,
    /// m2m `--private-key-file`/`-b`.
    pub private_key_file: Option<String>,
    /// m2m `--custom-scope`/`-m`.
    pub custom_scope: Option<String>,
    /// m2m and direct `--authz-id`/`-u`.
    pub authz_id: Option<String>,
    /// m2m and direct `--aws-sts-role-session-name`/`-q`.
    pub aws_sts_role_session_name: Option<String>,
    /// direct `--username`/`-a`.
    pub username: Option<String>,
    /// direct `--password`/`-b` (secret).
    pub password: Option<String>,
    /// direct `--mfa-method` (raw: `push` or `otp`; checked by the resolver).
    pub mfa_method: Option<String>,
}

/// Debug output redacts `private_key` and `password`.
impl std::fmt::Debug for Flags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown = self.clone();
        if shown.private_key.is_some() {
            shown.private_key = Some("<redacted>".into());
        }
        if shown.password.is_some() {
            shown.password = Some("<redacted>".into());
        }
        f.debug_struct("Flags")
            .field("org_domain", &shown.org_domain)
            .field("oidc_client_id", &shown.oidc_client_id)
            .field("aws_iam_role", &shown.aws_iam_role)
            .field("aws_session_duration", &shown.aws_session_duration)
            .field("profile", &shown.profile)
            .field("format", &shown.format)
            .field("shell", &shown.shell)
            .field("aws_region", &shown.aws_region)
            .field("aws_credentials", &shown.aws_credentials)
            .field("write_aws_credentials", &shown.write_aws_credentials)
            .field("legacy_aws_variables", &shown.legacy_aws_variables)
            .field("expiry_aws_variables", &shown.expiry_aws_variables)
            .field("cache_access_token", &shown.cache_access_token)
            .field("debug", &shown.debug)
            .field("debug_api_calls", &shown.debug_api_calls)
            .field("exec", &shown.exec)
            .field("ecs_server", &shown.ecs_server)
            .field("short_user_agent", &shown.short_user_agent)
            .field("cache_aws_credentials", &shown.cache_aws_credentials)
            .field("min_ttl", &shown.min_ttl)
            .field("check", &shown.check)
            .field("clear_cache", &shown.clear_cache)
            .field("force_overwrite", &shown.force_overwrite)
            .field("chain_role", &shown.chain_role)
            .field("chain_external_id", &shown.chain_external_id)
            .field("console_destination", &shown.console_destination)
            .field("eks_cluster_id", &shown.eks_cluster_id)
            .field("aws_acct_fed_app_id", &shown.aws_acct_fed_app_id)
            .field("aws_iam_idp", &shown.aws_iam_idp)
            .field("qr_code", &shown.qr_code)
            .field("open_browser", &shown.open_browser)
            .field("open_browser_command", &shown.open_browser_command)
            .field("all_profiles", &shown.all_profiles)
            .field("write_aws_config", &shown.write_aws_config)
            .field("authorization_code", &shown.authorization_code)
            .field("redirect_port", &shown.redirect_port)
            .field(
                "authorization_code_timeout",
                &shown.authorization_code_timeout,
            )
            .field("profile_template", &shown.profile_template)
            .field("key_id", &shown.key_id)
            .field("private_key", &shown.private_key)
            .field("private_key_file", &shown.private_key_file)
            .field("custom_scope", &shown.custom_scope)
            .field("authz_id", &shown.authz_id)
            .field(
                "aws_sts_role_session_name",
                &shown.aws_sts_role_session_name,
            )
            .field("username", &shown.username)
            .field("password", &shown.password)
            .field("mfa_method", &shown.mfa_method)
            .finish()
    }
}

/// A parsed command line that runs a command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    /// The subcommand (`web` when none was named).
    pub command: Command,
    /// The flags as given.
    pub flags: Flags,
    /// Every word after the first `--` (program first); never parsed as our flags.
    pub exec_args: Vec<String>,
    /// Deprecation notices from the command line (printed as `WARNING: ...`).
    pub warnings: Vec<String>,
    /// `--explain`: print where each setting comes from instead of running the command.
    /// Resolution then leaves missing required settings for the table to show.
    pub explain: bool,
}

/// The boolean words [`parse_bool`] accepts, as every boolean error message lists them
/// (flags, environment, `.env`, okta.yaml).
pub const BOOL_WORDS: &str = "true/false, 1/0, yes/no or on/off (any case)";

/// Parse a boolean word: true/false, 1/0, yes/no, on/off, any case, surrounding spaces
/// ignored ([`BOOL_WORDS`]). `None` for anything else.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}
