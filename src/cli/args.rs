//! PURE: the argh structs, the one source of flag names, short letters and `--help` text,
//! and how the parsed structs become [`Flags`].

use argh::{ArgsInfo, FromArgs};

use crate::config::Command;
use crate::config::flags::Flags;

/// The program name argh shows in usage lines and errors.
pub(super) const PROGRAM: &str = "okta-aws-cli";

/// Okta federated identity for the AWS CLI: an Okta sign-in turned into temporary AWS IAM
/// credentials (STS). Output goes to stdout, every message to stderr.
// argh turns these doc comments into --help text, where `[OKTA_AWSCLI_*]` names the
// environment variable; rustdoc would read it as a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(FromArgs, ArgsInfo, Default)]
#[argh(
    note = "With arguments but no command, `web` is implied. Global options may also be given after the command.",
    note = "Each setting is taken from, in order: the flag, its OKTA_AWSCLI_* environment variable, a .env file in the current directory, the awscli.profiles.<profile> section of ~/.okta/okta.yaml, the default.",
    note = "Boolean flags accept --flag, --flag=true and --flag=false.",
    example = "okta-aws-cli web --org-domain example.okta.com --oidc-client-id 0oa... --profile dev",
    example = "okta-aws-cli m2m --format process-credentials",
    example = "okta-aws-cli direct --username user@example.com --format process-credentials",
    example = "okta-aws-cli m2m --format eks-token --eks-cluster-id my-cluster",
    example = "okta-aws-cli --exec -- aws s3 ls",
    example = "okta-aws-cli m2m --exec --ecs-server -- ./long-job.sh"
)]
pub struct TopArgs {
    /// okta org domain, e.g. example.okta.com [OKTA_AWSCLI_ORG_DOMAIN]
    #[argh(option, short = 'o')]
    pub org_domain: Option<String>,
    /// OIDC client ID - web: OIDC native application, m2m: API service application, direct: OIDC native application [OKTA_AWSCLI_OIDC_CLIENT_ID]
    #[argh(option, short = 'c')]
    pub oidc_client_id: Option<String>,
    /// preset IAM role ARN or okta.yaml label [OKTA_AWSCLI_IAM_ROLE]
    #[argh(option, short = 'r')]
    pub aws_iam_role: Option<String>,
    /// session duration in seconds, 900..43200 [OKTA_AWSCLI_SESSION_DURATION]
    #[argh(option, short = 's', arg_name = "seconds")]
    pub aws_session_duration: Option<String>,
    /// deprecated name of --aws-session-duration
    #[argh(option, hidden_help, arg_name = "seconds")]
    pub session_duration: Option<String>,
    /// AWS profile name (default "default") [OKTA_AWSCLI_PROFILE]
    #[argh(option, short = 'p')]
    pub profile: Option<String>,
    /// output format: env-var (default), aws-credentials, process-credentials, console-url, eks-token, noop [OKTA_AWSCLI_FORMAT]
    #[argh(option, short = 'f')]
    pub format: Option<String>,
    /// env-var output syntax: posix (default on Unix), fish, powershell, cmd, setx (default on Windows) [OKTA_AWSCLI_SHELL]
    #[argh(option, arg_name = "shell")]
    pub shell: Option<String>,
    /// preset AWS region [OKTA_AWSCLI_AWS_REGION]
    #[argh(option, short = 'n')]
    pub aws_region: Option<String>,
    /// path of the AWS credentials file (default: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) [OKTA_AWSCLI_AWS_CREDENTIALS]
    #[argh(option, short = 'w', arg_name = "path")]
    pub aws_credentials: Option<String>,
    /// write the profile to the AWS credentials file (implies format aws-credentials) [OKTA_AWSCLI_WRITE_AWS_CREDENTIALS]
    #[argh(switch, short = 'z')]
    pub write_aws_credentials: bool,
    /// explicit off for --write-aws-credentials
    #[argh(switch, hidden_help)]
    pub no_write_aws_credentials: bool,
    /// also emit the deprecated AWS_SECURITY_TOKEN / aws_security_token [OKTA_AWSCLI_LEGACY_AWS_VARIABLES]
    #[argh(switch, short = 'l')]
    pub legacy_aws_variables: bool,
    /// explicit off for --legacy-aws-variables
    #[argh(switch, hidden_help)]
    pub no_legacy_aws_variables: bool,
    /// also emit x_security_token_expires in the credentials file and AWS_CREDENTIAL_EXPIRATION in env-var output [OKTA_AWSCLI_EXPIRY_AWS_VARIABLES]
    #[argh(switch, short = 'x')]
    pub expiry_aws_variables: bool,
    /// explicit off for --expiry-aws-variables
    #[argh(switch, hidden_help)]
    pub no_expiry_aws_variables: bool,
    /// cache the Okta access token to avoid reopening the grant URL [OKTA_AWSCLI_CACHE_ACCESS_TOKEN]
    #[argh(switch, short = 'e')]
    pub cache_access_token: bool,
    /// explicit off for --cache-access-token
    #[argh(switch, hidden_help)]
    pub no_cache_access_token: bool,
    /// print operational information on stderr [OKTA_AWSCLI_DEBUG]
    #[argh(switch, short = 'g')]
    pub debug: bool,
    /// explicit off for --debug
    #[argh(switch, hidden_help)]
    pub no_debug: bool,
    /// print API calls and responses on stderr, secrets redacted [OKTA_AWSCLI_DEBUG_API_CALLS]
    #[argh(switch, short = 'd')]
    pub debug_api_calls: bool,
    /// explicit off for --debug-api-calls
    #[argh(switch, hidden_help)]
    pub no_debug_api_calls: bool,
    /// run the command given after `--` with the new credentials in its environment [OKTA_AWSCLI_EXEC]
    #[argh(switch, short = 'j')]
    pub exec: bool,
    /// explicit off for --exec
    #[argh(switch, hidden_help)]
    pub no_exec: bool,
    /// with --exec: serve the credentials to the command from a container-credentials endpoint on 127.0.0.1, refreshed from the cache, instead of AWS_* key variables [OKTA_AWSCLI_ECS_SERVER]
    #[argh(switch)]
    pub ecs_server: bool,
    /// explicit off for --ecs-server
    #[argh(switch, hidden_help)]
    pub no_ecs_server: bool,
    /// send the User-Agent header as exactly "okta-aws-cli" [OKTA_AWSCLI_SHORT_USER_AGENT]
    #[argh(switch, short = 'y')]
    pub short_user_agent: bool,
    /// explicit off for --short-user-agent
    #[argh(switch, hidden_help)]
    pub no_short_user_agent: bool,
    /// cache the AWS credentials under ~/.okta and reuse them while fresh (default: on with process-credentials and eks-token only) [OKTA_AWSCLI_CACHE_AWS_CREDENTIALS]
    #[argh(switch)]
    pub cache_aws_credentials: bool,
    /// explicit off for --cache-aws-credentials
    #[argh(switch, hidden_help)]
    pub no_cache_aws_credentials: bool,
    /// cached credentials are reused only with this much lifetime left: seconds, or 15m, 1h (default 15m) [OKTA_AWSCLI_MIN_TTL]
    #[argh(option, arg_name = "duration")]
    pub min_ttl: Option<String>,
    /// exit 0 if the cache holds credentials for these settings with at least --min-ttl left, else 1; no network, nothing on stdout
    #[argh(switch)]
    pub check: bool,
    /// explicit off for --check
    #[argh(switch, hidden_help)]
    pub no_check: bool,
    /// remove the cached AWS credentials and Okta access tokens of this org, then exit
    #[argh(switch)]
    pub clear_cache: bool,
    /// explicit off for --clear-cache
    #[argh(switch, hidden_help)]
    pub no_clear_cache: bool,
    /// let the credentials file's profile be replaced even when it holds long-term keys (AKIA..., no session token); command line only
    #[argh(switch)]
    pub force_overwrite: bool,
    /// explicit off for --force-overwrite
    #[argh(switch, hidden_help)]
    pub no_force_overwrite: bool,
    /// after federation, assume this role with the credentials so far (repeatable, in order) [OKTA_AWSCLI_CHAIN_ROLE, comma-separated]
    #[argh(option, arg_name = "role-arn")]
    pub chain_role: Vec<String>,
    /// external ID sent with every --chain-role AssumeRole call [OKTA_AWSCLI_CHAIN_EXTERNAL_ID]
    #[argh(option, arg_name = "id")]
    pub chain_external_id: Option<String>,
    /// console page for --format console-url (default: the partition's console home) [OKTA_AWSCLI_CONSOLE_DESTINATION]
    #[argh(option, arg_name = "url")]
    pub console_destination: Option<String>,
    /// EKS cluster name or id the --format eks-token token is for (required with that format) [OKTA_AWSCLI_EKS_CLUSTER_ID]
    #[argh(option, arg_name = "name")]
    pub eks_cluster_id: Option<String>,
    /// print every setting of the run, its value and where it came from, then exit (no network call)
    #[argh(switch)]
    pub explain: bool,
    /// print the version and exit
    #[argh(switch, short = 'v')]
    pub version: bool,
    /// the command (default web)
    #[argh(subcommand)]
    pub command: Option<SubArgs>,
}

/// The subcommands.
#[derive(FromArgs, ArgsInfo)]
#[argh(subcommand)]
pub enum SubArgs {
    /// `web`.
    Web(WebArgs),
    /// `m2m`.
    M2m(M2mArgs),
    /// `direct`.
    Direct(DirectArgs),
    /// `list-profiles`.
    ListProfiles(ListProfilesArgs),
    /// `debug`.
    Debug(DebugArgs),
    /// `completion`.
    Completion(CompletionArgs),
    /// `dotenv`.
    Dotenv(DotenvArgs),
}

/// Human oriented authentication: device authorization, or the authorization code flow with --authorization-code (the default command).
// argh turns these doc comments into --help text, where `[OKTA_AWSCLI_*]` names the
// environment variable; rustdoc would read it as a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(FromArgs, ArgsInfo, Debug, Default)]
#[argh(subcommand, name = "web")]
pub struct WebArgs {
    /// AWS Account Federation app ID [OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID]
    #[argh(option, short = 'a')]
    pub aws_acct_fed_app_id: Option<String>,
    /// preset IAM identity provider ARN or okta.yaml label [OKTA_AWSCLI_IAM_IDP]
    #[argh(option, short = 'i')]
    pub aws_iam_idp: Option<String>,
    /// print a QR code of the activation URL [OKTA_AWSCLI_QR_CODE]
    #[argh(switch, short = 'q')]
    pub qr_code: bool,
    /// explicit off for --qr-code
    #[argh(switch, hidden_help)]
    pub no_qr_code: bool,
    /// open the sign-in URL with the system web browser (default: on when stderr is captured and a terminal exists) [OKTA_AWSCLI_OPEN_BROWSER]
    #[argh(switch, short = 'b')]
    pub open_browser: bool,
    /// explicit off for --open-browser
    #[argh(switch, hidden_help)]
    pub no_open_browser: bool,
    /// open the sign-in URL with this command (implies --open-browser) [OKTA_AWSCLI_OPEN_BROWSER_COMMAND]
    #[argh(option, short = 'm', arg_name = "command")]
    pub open_browser_command: Option<String>,
    /// collect all roles of the IdP as profiles (implies format aws-credentials) [OKTA_AWSCLI_ALL_PROFILES]
    #[argh(switch, short = 'k')]
    pub all_profiles: bool,
    /// explicit off for --all-profiles
    #[argh(switch, hidden_help)]
    pub no_all_profiles: bool,
    /// with --all-profiles: write each role as a credential_process profile to the AWS config file (AWS_CONFIG_FILE, else ~/.aws/config) instead of the credentials file [OKTA_AWSCLI_WRITE_AWS_CONFIG]
    #[argh(switch)]
    pub write_aws_config: bool,
    /// explicit off for --write-aws-config
    #[argh(switch, hidden_help)]
    pub no_write_aws_config: bool,
    /// profile names for --all-profiles from {alias} {account} {idp} {role} {role_path} (default "{alias}-{idp}-{role_path}") [OKTA_AWSCLI_PROFILE_TEMPLATE]
    #[argh(option, arg_name = "template")]
    pub profile_template: Option<String>,
    /// sign in with the authorization code flow and PKCE in a browser on this computer, instead of the device flow [OKTA_AWSCLI_AUTHORIZATION_CODE]
    #[argh(switch)]
    pub authorization_code: bool,
    /// explicit off for --authorization-code
    #[argh(switch, hidden_help)]
    pub no_authorization_code: bool,
    /// loopback port of the redirect URI http://127.0.0.1:PORT/callback (repeatable, first free one used; default 8180, 8181, 8182) [OKTA_AWSCLI_REDIRECT_PORTS, comma-separated]
    #[argh(option, arg_name = "port")]
    pub redirect_port: Vec<String>,
    /// how long --authorization-code waits for the browser: seconds, or 90s, 5m (default 5m) [OKTA_AWSCLI_AUTHORIZATION_CODE_TIMEOUT]
    #[argh(option, arg_name = "duration")]
    pub authorization_code_timeout: Option<String>,
}

/// Machine to machine / headless authorization.
// argh turns these doc comments into --help text, where `[OKTA_AWSCLI_*]` names the
// environment variable; rustdoc would read it as a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(FromArgs, ArgsInfo, Default)]
#[argh(subcommand, name = "m2m")]
pub struct M2mArgs {
    /// key ID (kid) of the private key [OKTA_AWSCLI_KEY_ID]
    #[argh(option, short = 'i')]
    pub key_id: Option<String>,
    /// private key PEM text; a literal \n stands for a newline [OKTA_AWSCLI_PRIVATE_KEY]
    #[argh(option, short = 'k', arg_name = "pem")]
    pub private_key: Option<String>,
    /// path of the private key file [OKTA_AWSCLI_PRIVATE_KEY_FILE]
    #[argh(option, short = 'b', arg_name = "path")]
    pub private_key_file: Option<String>,
    /// custom scope (default okta-m2m-access) [OKTA_AWSCLI_CUSTOM_SCOPE]
    #[argh(option, short = 'm', arg_name = "scope")]
    pub custom_scope: Option<String>,
    /// custom authorization server ID (default "default") [OKTA_AWSCLI_AUTHZ_ID]
    #[argh(option, short = 'u', arg_name = "id")]
    pub authz_id: Option<String>,
    /// STS role session name (default okta-aws-cli) [OKTA_AWSCLI_STS_ROLE_SESSION_NAME]
    #[argh(option, short = 'q', arg_name = "name")]
    pub aws_sts_role_session_name: Option<String>,
}

/// Direct authentication: Okta username and password, then an Okta Verify push or a one-time code.
// argh turns these doc comments into --help text, where `[OKTA_AWSCLI_*]` names the
// environment variable; rustdoc would read it as a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(FromArgs, ArgsInfo, Default)]
#[argh(
    subcommand,
    name = "direct",
    note = "Without a password setting the password is asked for on the terminal, without echo; with no terminal the run stops with exit 2.",
    note = "--mfa-method otp takes the code from OKTA_AWSCLI_OTP, else asks on the terminal.",
    example = "OKTA_AWSCLI_PASSWORD=... okta-aws-cli direct --username user@example.com --aws-iam-role arn:aws:iam::123456789012:role/Dev"
)]
pub struct DirectArgs {
    /// username of the Okta user [OKTA_AWSCLI_USERNAME]
    #[argh(option, short = 'a', arg_name = "name")]
    pub username: Option<String>,
    /// password of the Okta user; other local users can read it here, prefer OKTA_AWSCLI_PASSWORD or the prompt [OKTA_AWSCLI_PASSWORD]
    #[argh(option, short = 'b', arg_name = "password")]
    pub password: Option<String>,
    /// custom authorization server ID (default "default") [OKTA_AWSCLI_AUTHZ_ID]
    #[argh(option, short = 'u', arg_name = "id")]
    pub authz_id: Option<String>,
    /// STS role session name (default okta-aws-cli) [OKTA_AWSCLI_STS_ROLE_SESSION_NAME]
    #[argh(option, short = 'q', arg_name = "name")]
    pub aws_sts_role_session_name: Option<String>,
    /// second factor: push (Okta Verify, default) or otp (one-time code) [OKTA_AWSCLI_MFA_METHOD]
    #[argh(option, arg_name = "method")]
    pub mfa_method: Option<String>,
}

/// Lists profile names in ~/.okta/okta.yaml.
#[derive(FromArgs, ArgsInfo, Debug, Default)]
#[argh(subcommand, name = "list-profiles")]
pub struct ListProfilesArgs {}

/// Simple debug of okta.yaml and exit.
#[derive(FromArgs, ArgsInfo, Debug, Default)]
#[argh(subcommand, name = "debug")]
pub struct DebugArgs {}

/// Print a shell completion script.
#[derive(FromArgs, ArgsInfo, Debug, Default)]
#[argh(
    subcommand,
    name = "completion",
    example = "okta-aws-cli completion bash > /etc/bash_completion.d/okta-aws-cli",
    example = "okta-aws-cli completion fish > ~/.config/fish/completions/okta-aws-cli.fish",
    note = "Profile names for --profile are read at completion time with `okta-aws-cli list-profiles`."
)]
pub struct CompletionArgs {
    /// the shell: bash, zsh, fish or powershell
    #[argh(positional)]
    pub shell: String,
}

/// Allow or deny the sensitive settings of a .env file.
#[derive(FromArgs, ArgsInfo, Debug, Default)]
#[argh(
    subcommand,
    name = "dotenv",
    example = "okta-aws-cli dotenv allow",
    example = "okta-aws-cli dotenv deny ~/src/project/.env",
    note = "A .env in the current directory sets the org, the role, the profile, the format and other sensitive settings only once its exact content is allowed; the allow list is ~/.okta/allowed-dotenv."
)]
pub struct DotenvArgs {
    /// allow or deny
    #[argh(positional)]
    pub action: String,
    /// the .env file (default ./.env)
    #[argh(positional)]
    pub path: Option<String>,
}

/// The actions of `dotenv`.
pub const DOTENV_ACTIONS: &[&str] = &["allow", "deny"];

/// The shells `completion` writes scripts for.
pub const COMPLETION_SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

/// `Some(true)` for `--x`, `Some(false)` for its hidden twin `--no-x`, `None` for neither.
fn explicit(on: bool, off: bool) -> Option<bool> {
    match (on, off) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    }
}

pub(super) fn flags_from(top: TopArgs, warnings: &mut Vec<String>) -> (Command, Flags) {
    if top.session_duration.is_some() {
        warnings.push(
            "Flag --session-duration has been deprecated, please use --aws-session-duration CLI flag instead"
                .to_string(),
        );
    }
    let mut flags = Flags {
        org_domain: top.org_domain,
        oidc_client_id: top.oidc_client_id,
        aws_iam_role: top.aws_iam_role,
        aws_session_duration: top.aws_session_duration.or(top.session_duration),
        profile: top.profile,
        format: top.format,
        shell: top.shell,
        aws_region: top.aws_region,
        aws_credentials: top.aws_credentials,
        write_aws_credentials: explicit(top.write_aws_credentials, top.no_write_aws_credentials),
        legacy_aws_variables: explicit(top.legacy_aws_variables, top.no_legacy_aws_variables),
        expiry_aws_variables: explicit(top.expiry_aws_variables, top.no_expiry_aws_variables),
        cache_access_token: explicit(top.cache_access_token, top.no_cache_access_token),
        debug: explicit(top.debug, top.no_debug),
        debug_api_calls: explicit(top.debug_api_calls, top.no_debug_api_calls),
        exec: explicit(top.exec, top.no_exec),
        ecs_server: explicit(top.ecs_server, top.no_ecs_server),
        short_user_agent: explicit(top.short_user_agent, top.no_short_user_agent),
        cache_aws_credentials: explicit(top.cache_aws_credentials, top.no_cache_aws_credentials),
        min_ttl: top.min_ttl,
        check: explicit(top.check, top.no_check),
        clear_cache: explicit(top.clear_cache, top.no_clear_cache),
        force_overwrite: explicit(top.force_overwrite, top.no_force_overwrite),
        chain_role: top.chain_role,
        chain_external_id: top.chain_external_id,
        console_destination: top.console_destination,
        eks_cluster_id: top.eks_cluster_id,
        ..Flags::default()
    };
    let command = match top.command {
        None | Some(SubArgs::Web(_)) => Command::Web,
        Some(SubArgs::M2m(_)) => Command::M2m,
        Some(SubArgs::Direct(_)) => Command::Direct,
        Some(SubArgs::ListProfiles(_)) => Command::ListProfiles,
        Some(SubArgs::Debug(_)) => Command::Debug,
        // `completion` is answered by `parse` as [`Parsed::Completion`].
        Some(SubArgs::Completion(_)) => Command::ListProfiles,
        // `dotenv` is answered by `parse` as [`Parsed::Dotenv`].
        Some(SubArgs::Dotenv(_)) => Command::ListProfiles,
    };
    match top.command {
        Some(SubArgs::Web(w)) => {
            flags.aws_acct_fed_app_id = w.aws_acct_fed_app_id;
            flags.aws_iam_idp = w.aws_iam_idp;
            flags.qr_code = explicit(w.qr_code, w.no_qr_code);
            flags.open_browser = explicit(w.open_browser, w.no_open_browser);
            flags.open_browser_command = w.open_browser_command;
            flags.all_profiles = explicit(w.all_profiles, w.no_all_profiles);
            flags.write_aws_config = explicit(w.write_aws_config, w.no_write_aws_config);
            flags.profile_template = w.profile_template;
            flags.authorization_code = explicit(w.authorization_code, w.no_authorization_code);
            flags.redirect_port = w.redirect_port;
            flags.authorization_code_timeout = w.authorization_code_timeout;
        }
        Some(SubArgs::M2m(m)) => {
            flags.key_id = m.key_id;
            flags.private_key = m.private_key;
            flags.private_key_file = m.private_key_file;
            flags.custom_scope = m.custom_scope;
            flags.authz_id = m.authz_id;
            flags.aws_sts_role_session_name = m.aws_sts_role_session_name;
        }
        Some(SubArgs::Direct(d)) => {
            flags.username = d.username;
            flags.password = d.password;
            flags.authz_id = d.authz_id;
            flags.aws_sts_role_session_name = d.aws_sts_role_session_name;
            flags.mfa_method = d.mfa_method;
        }
        _ => {}
    }
    (command, flags)
}
