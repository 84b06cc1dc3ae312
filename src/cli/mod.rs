//! PURE: the command-line surface (DESIGN §1, upstream-behaviour §1.1–1.4).
//!
//! The argh structs below are the single source of truth for flag names, short letters and
//! help text. argh alone cannot do what the contract asks (`--name=value`,
//! `--flag=false`, clustered short switches, global flags after the subcommand, an implied
//! `web` command), so [`parse`] first normalises argv with a table read from argh's own
//! [`argh::ArgsInfo`], then hands a canonical argv (`--long value`, globals first, then the
//! command and its flags) to [`argh::FromArgs::from_args`]. Every parse failure becomes one
//! line in [`Error::Usage`] (exit 2); `--help` text is returned, never printed here.

use argh::{ArgsInfo, FromArgs};

use crate::config::Command;
pub use crate::config::flags::{BOOL_WORDS, Flags, Invocation, parse_bool};
use crate::error::{Error, Result};

const PROGRAM: &str = "okta-aws-cli";

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
    example = "okta-aws-cli --exec -- aws s3 ls"
)]
pub struct TopArgs {
    /// okta org domain, e.g. example.okta.com [OKTA_AWSCLI_ORG_DOMAIN]
    #[argh(option, short = 'o')]
    pub org_domain: Option<String>,
    /// OIDC client ID - web: OIDC native application, m2m: API service application [OKTA_AWSCLI_OIDC_CLIENT_ID]
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
    /// output format: env-var (default), aws-credentials, process-credentials, console-url, noop [OKTA_AWSCLI_FORMAT]
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
    /// also emit x_security_token_expires in the credentials file [OKTA_AWSCLI_EXPIRY_AWS_VARIABLES]
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
    /// send the User-Agent header as exactly "okta-aws-cli" [OKTA_AWSCLI_SHORT_USER_AGENT]
    #[argh(switch, short = 'y')]
    pub short_user_agent: bool,
    /// explicit off for --short-user-agent
    #[argh(switch, hidden_help)]
    pub no_short_user_agent: bool,
    /// cache the AWS credentials under ~/.okta and reuse them while fresh (default: on with process-credentials only) [OKTA_AWSCLI_CACHE_AWS_CREDENTIALS]
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
    /// `list-profiles`.
    ListProfiles(ListProfilesArgs),
    /// `debug`.
    Debug(DebugArgs),
    /// `completion`.
    Completion(CompletionArgs),
}

/// Human oriented authentication and device authorization (the default command).
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
    /// open the activation URL with the system web browser [OKTA_AWSCLI_OPEN_BROWSER]
    #[argh(switch, short = 'b')]
    pub open_browser: bool,
    /// explicit off for --open-browser
    #[argh(switch, hidden_help)]
    pub no_open_browser: bool,
    /// open the activation URL with this command (implies --open-browser) [OKTA_AWSCLI_OPEN_BROWSER_COMMAND]
    #[argh(option, short = 'm', arg_name = "command")]
    pub open_browser_command: Option<String>,
    /// collect all roles of the IdP as profiles (implies format aws-credentials) [OKTA_AWSCLI_ALL_PROFILES]
    #[argh(switch, short = 'k')]
    pub all_profiles: bool,
    /// explicit off for --all-profiles
    #[argh(switch, hidden_help)]
    pub no_all_profiles: bool,
    /// profile names for --all-profiles from {alias} {account} {idp} {role} {role_path} (default "{alias}-{idp}-{role_path}") [OKTA_AWSCLI_PROFILE_TEMPLATE]
    #[argh(option, arg_name = "template")]
    pub profile_template: Option<String>,
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

/// The shells `completion` writes scripts for.
pub const COMPLETION_SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

/// The exit codes of the program (README "Exit codes"), as (code, meaning); `--help` and the
/// man page list them.
pub const EXIT_CODES: &[(&str, &str)] = &[
    ("0", "success"),
    (
        "1",
        "runtime failure: network, TLS, Okta refused, STS refused, file I/O",
    ),
    (
        "2",
        "usage or configuration error (unknown flag, missing or bad value, unusable key)",
    ),
    ("127", "--exec: the command was not found"),
    ("130", "interrupted (Ctrl-C, or a cancelled chooser)"),
    ("other", "--exec: the command's own exit status"),
];

/// The settings `command` cannot run without (each by flag, environment variable, `.env`
/// or okta.yaml), as shown in its `--help`.
pub fn required_settings(command: &str) -> &'static [&'static str] {
    match command {
        "web" => &["--org-domain", "--oidc-client-id"],
        "m2m" => &[
            "--org-domain",
            "--oidc-client-id",
            "--aws-iam-role",
            "--key-id",
            "--private-key or --private-key-file",
        ],
        _ => &[],
    }
}

/// The values a flag takes, when it is a closed list (`--format`): what completions offer
/// and messages list. `None` for free-form values. Add a new closed-list flag here.
pub fn flag_values(long: &str) -> Option<Vec<&'static str>> {
    match long {
        "format" => Some(
            crate::config::Format::ALL
                .iter()
                .map(|f| f.as_str())
                .collect(),
        ),
        "shell" => Some(
            crate::config::Shell::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        _ => None,
    }
}

/// One visible flag of the command-line surface (from argh's [`argh::ArgsInfo`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagSpec {
    /// Long name without dashes.
    pub long: String,
    /// Short letter.
    pub short: Option<char>,
    /// True for an option that takes a value, false for a switch.
    pub takes_value: bool,
    /// The help text.
    pub description: String,
}

/// The visible command-line surface: global flags, then each command with its description
/// and its own flags. Read from argh's tables, so completions and the man page never drift
/// from `--help`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// Flags accepted by every command.
    pub global: Vec<FlagSpec>,
    /// (name, description, flags) per command, in help order.
    pub commands: Vec<(String, String, Vec<FlagSpec>)>,
}

fn flag_specs(flags: &[argh::FlagInfo<'_>]) -> Vec<FlagSpec> {
    flags
        .iter()
        .filter(|f| !f.hidden && f.long != "--help")
        .map(|f| FlagSpec {
            long: f.long.trim_start_matches("--").to_string(),
            short: f.short,
            takes_value: matches!(f.kind, argh::FlagInfoKind::Option { .. }),
            description: f.description.to_string(),
        })
        .collect()
}

/// The visible command-line surface (see [`Surface`]).
pub fn surface() -> Surface {
    let info = TopArgs::get_args_info();
    Surface {
        global: flag_specs(info.flags),
        commands: info
            .commands
            .iter()
            .map(|c| {
                (
                    c.name.to_string(),
                    c.command.description.to_string(),
                    flag_specs(c.command.flags),
                )
            })
            .collect(),
    }
}

/// The help text of the program (`None`) or of one command, as `--help` prints it.
pub fn help_text(command: Option<&str>) -> String {
    help_for(command)
}

/// Edit distance counting a swap of two neighbouring characters as one edit (optimal
/// string alignment), so `wbe` is one edit from `web`.
fn typo_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word` by [`typo_distance`], if it is close enough to be a
/// likely typo (at most a third of its length, and at least 1, apart).
fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (typo_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Print this help text on stdout and exit 0.
    Help(String),
    /// Print this line (`okta-aws-cli version X.Y.Z`) on stdout and exit 0.
    Version(String),
    /// Run a command.
    Run(Box<Invocation>),
    /// `completion <shell>`: print the completion script of this shell (one of
    /// [`COMPLETION_SHELLS`]).
    Completion(String),
}

/// `okta-aws-cli version <CARGO_PKG_VERSION>` (no newline).
pub fn version_line() -> String {
    format!("{PROGRAM} version {}", env!("CARGO_PKG_VERSION"))
}

/// One flag of the table argh describes.
#[derive(Debug, Clone)]
struct FlagDef {
    long: String,
    short: Option<char>,
    takes_value: bool,
    /// A repeatable option (`--chain-role`): every occurrence is kept, in order.
    repeats: bool,
}

/// Flags of one scope (global or one subcommand).
#[derive(Debug, Clone, Default)]
struct Scope {
    flags: Vec<FlagDef>,
}

impl Scope {
    fn from_info(flags: &[argh::FlagInfo<'_>]) -> Scope {
        let mut out = Vec::new();
        for f in flags {
            let long = f.long.trim_start_matches("--").to_string();
            if long == "help" {
                continue;
            }
            out.push(FlagDef {
                long,
                short: f.short,
                takes_value: matches!(f.kind, argh::FlagInfoKind::Option { .. }),
                repeats: matches!(f.optionality, argh::Optionality::Repeating),
            });
        }
        Scope { flags: out }
    }

    fn by_long(&self, name: &str) -> Option<&FlagDef> {
        self.flags.iter().find(|f| f.long == name)
    }

    fn by_short(&self, c: char) -> Option<&FlagDef> {
        self.flags.iter().find(|f| f.short == Some(c))
    }

    fn has_long(&self, name: &str) -> bool {
        self.by_long(name).is_some()
    }
}

/// The flag tables: globals, then one per subcommand (name, scope).
struct Tables {
    global: Scope,
    commands: Vec<(String, Scope)>,
}

fn tables() -> Tables {
    let info = TopArgs::get_args_info();
    let global = Scope::from_info(info.flags);
    let commands = info
        .commands
        .iter()
        .map(|c| (c.name.to_string(), Scope::from_info(c.command.flags)))
        .collect();
    Tables { global, commands }
}

/// A flag occurrence after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Occ {
    /// `--long value`.
    Value(String, String),
    /// A switch set to this value.
    Switch(String, bool),
}

impl Occ {
    fn name(&self) -> &str {
        match self {
            Occ::Value(n, _) | Occ::Switch(n, _) => n,
        }
    }
}

/// Which scope a flag token is looked up in.
struct Lookup<'a> {
    scopes: Vec<&'a Scope>,
    /// For hints: the other commands' scopes.
    others: Vec<(&'a str, &'a Scope)>,
    command: &'a str,
}

impl Lookup<'_> {
    fn long(&self, name: &str) -> Option<&FlagDef> {
        self.scopes.iter().find_map(|s| s.by_long(name))
    }

    fn short(&self, c: char) -> Option<&FlagDef> {
        self.scopes.iter().find_map(|s| s.by_short(c))
    }

    fn unknown_long(&self, name: &str) -> Error {
        let owner = self
            .others
            .iter()
            .find(|(_, s)| s.has_long(name))
            .map(|(n, _)| *n);
        match owner {
            Some(cmd) => Error::usage(format!(
                "unknown flag: --{name} (it belongs to the {cmd} command, not {})",
                self.command
            )),
            None => {
                let all = self
                    .scopes
                    .iter()
                    .flat_map(|s| s.flags.iter())
                    .filter(|f| !f.long.starts_with("no-"))
                    .map(|f| f.long.as_str());
                match nearest(name, all) {
                    Some(near) => {
                        Error::usage(format!("unknown flag: --{name} (did you mean --{near}?)"))
                    }
                    None => Error::usage(format!("unknown flag: --{name}")),
                }
            }
        }
    }
}

/// Outcome of scanning one token list.
#[derive(Default)]
struct Scan {
    occs: Vec<Occ>,
    positionals: Vec<String>,
    help: bool,
}

/// Read flags from `tokens` (no `--` among them) using `lookup`.
fn scan(tokens: &[String], lookup: &Lookup<'_>) -> Result<Scan> {
    let mut out = Scan::default();
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        i += 1;
        if tok == "--help" || tok == "-h" {
            out.help = true;
            continue;
        }
        if let Some(body) = tok.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let def = lookup.long(name).ok_or_else(|| lookup.unknown_long(name))?;
            if def.takes_value {
                let value = match inline {
                    Some(v) => v.to_string(),
                    None => {
                        let v = tokens
                            .get(i)
                            .ok_or_else(|| Error::usage(format!("flag needs a value: --{name}")))?;
                        i += 1;
                        v.clone()
                    }
                };
                out.occs.push(value_occ(def, value, &format!("--{name}"))?);
            } else {
                let on = match inline {
                    None => true,
                    Some(v) => parse_bool(v).ok_or_else(|| {
                        Error::usage(format!(
                            "invalid value {v:?} for --{name}: use {BOOL_WORDS}"
                        ))
                    })?,
                };
                out.occs.push(switch_occ(&def.long, on));
            }
        } else if tok.len() > 1 && tok.starts_with('-') {
            // A cluster of short flags, pflag style: `-gd`, `-p dev`, `-pdev`, `-p=dev`.
            let chars: Vec<char> = tok[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                if c == 'h' {
                    out.help = true;
                    continue;
                }
                let def = lookup.short(c).ok_or_else(|| {
                    Error::usage(format!("unknown shorthand flag: '{c}' in {tok}"))
                })?;
                if def.takes_value {
                    let rest: String = chars[j..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else {
                        let v = tokens.get(i).ok_or_else(|| {
                            Error::usage(format!("flag needs a value: -{c} (--{})", def.long))
                        })?;
                        i += 1;
                        v.clone()
                    };
                    out.occs
                        .push(value_occ(def, value, &format!("-{c} (--{})", def.long))?);
                    break;
                }
                if chars.get(j) == Some(&'=') {
                    let rest: String = chars[j + 1..].iter().collect();
                    let on = parse_bool(&rest).ok_or_else(|| {
                        Error::usage(format!(
                            "invalid value {rest:?} for -{c} (--{}): use {BOOL_WORDS}",
                            def.long
                        ))
                    })?;
                    out.occs.push(switch_occ(&def.long, on));
                    break;
                }
                out.occs.push(switch_occ(&def.long, true));
            }
        } else {
            out.positionals.push(tok.clone());
        }
    }
    Ok(out)
}

/// A value flag's occurrence. An explicitly empty (or all-blank) value is a usage error
/// naming the flag as typed (`shown`): it would otherwise read as "not given" and let a
/// lower layer's value apply unnoticed. (An empty environment variable, by contrast, means
/// unset; see [`crate::config::resolve`].)
fn value_occ(def: &FlagDef, value: String, shown: &str) -> Result<Occ> {
    if value.trim().is_empty() {
        return Err(Error::usage(format!(
            "flag {shown} was given an empty value; give a value, or leave the flag out to use the environment, .env or okta.yaml"
        )));
    }
    Ok(Occ::Value(def.long.clone(), value))
}

/// `--no-x` is the hidden explicit-off twin of switch `--x`.
fn switch_occ(long: &str, on: bool) -> Occ {
    match long.strip_prefix("no-") {
        Some(base) => Occ::Switch(base.to_string(), !on),
        None => Occ::Switch(long.to_string(), on),
    }
}

/// Keep the last occurrence of each flag (later flags override earlier ones), in order;
/// every occurrence of a repeatable option (`repeats`) is kept.
fn dedupe(occs: Vec<Occ>, repeats: impl Fn(&str) -> bool) -> Vec<Occ> {
    let mut out: Vec<Occ> = Vec::new();
    for occ in occs {
        if !repeats(occ.name()) {
            out.retain(|o| o.name() != occ.name());
        }
        out.push(occ);
    }
    out
}

fn canonical(occs: &[Occ], out: &mut Vec<String>) {
    for occ in occs {
        match occ {
            Occ::Value(n, v) => {
                out.push(format!("--{n}"));
                out.push(v.clone());
            }
            Occ::Switch(n, true) => out.push(format!("--{n}")),
            Occ::Switch(n, false) => out.push(format!("--no-{n}")),
        }
    }
}

/// Where the explicit subcommand is: the first token that names a command, provided every
/// token before it is a global flag (or a global flag's value).
fn find_command(tokens: &[String], t: &Tables) -> Option<usize> {
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        if t.commands.iter().any(|(n, _)| n == tok) {
            return Some(i);
        }
        if tok == "--help" || tok == "-h" {
            i += 1;
            continue;
        }
        if let Some(body) = tok.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let def = t.global.by_long(name)?;
            i += if def.takes_value && inline.is_none() {
                2
            } else {
                1
            };
        } else if tok.len() > 1 && tok.starts_with('-') {
            let chars: Vec<char> = tok[1..].chars().collect();
            let mut skip = 1;
            for (j, c) in chars.iter().enumerate() {
                if *c == 'h' {
                    continue;
                }
                let def = t.global.by_short(*c)?;
                if def.takes_value {
                    if j + 1 == chars.len() {
                        skip = 2;
                    }
                    break;
                }
                if chars.get(j + 1) == Some(&'=') {
                    break;
                }
            }
            i += skip;
        } else {
            return None;
        }
    }
    None
}

fn argh_help(args: &[&str]) -> String {
    match TopArgs::from_args(&[PROGRAM], args) {
        Err(e) => e.output,
        Ok(_) => String::new(),
    }
}

fn help_for(command: Option<&str>) -> String {
    let mut text = match command {
        None => {
            let mut text = argh_help(&["--help"]);
            text.push_str("\nRun `okta-aws-cli <command> --help` for the flags of web and m2m.\n");
            text
        }
        Some("completion") => argh_help(&["completion", "--help"]),
        Some(cmd) => {
            let mut text = argh_help(&[cmd, "--help"]);
            text.push_str(&format!(
                "\nThe global options of `{PROGRAM} --help` are accepted before or after `{cmd}`.\n"
            ));
            text
        }
    };
    let required = required_settings(command.unwrap_or(""));
    if !required.is_empty() {
        text.push_str(
            "\nRequired settings (each by flag, its OKTA_AWSCLI_* variable, .env or okta.yaml):\n",
        );
        for r in required {
            text.push_str(&format!("  {r}\n"));
        }
    }
    text.push_str("\nExit codes:\n");
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("  {code:5}  {meaning}\n"));
    }
    text
}

/// Map an argh failure to a one-line usage error.
fn argh_error(output: &str) -> Error {
    let line = output
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command line");
    Error::usage(line.to_string())
}

fn explicit(on: bool, off: bool) -> Option<bool> {
    match (on, off) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    }
}

fn flags_from(top: TopArgs, warnings: &mut Vec<String>) -> (Command, Flags) {
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
        short_user_agent: explicit(top.short_user_agent, top.no_short_user_agent),
        cache_aws_credentials: explicit(top.cache_aws_credentials, top.no_cache_aws_credentials),
        min_ttl: top.min_ttl,
        check: explicit(top.check, top.no_check),
        clear_cache: explicit(top.clear_cache, top.no_clear_cache),
        force_overwrite: explicit(top.force_overwrite, top.no_force_overwrite),
        chain_role: top.chain_role,
        chain_external_id: top.chain_external_id,
        console_destination: top.console_destination,
        ..Flags::default()
    };
    let command = match top.command {
        None | Some(SubArgs::Web(_)) => Command::Web,
        Some(SubArgs::M2m(_)) => Command::M2m,
        Some(SubArgs::ListProfiles(_)) => Command::ListProfiles,
        Some(SubArgs::Debug(_)) => Command::Debug,
        // `completion` is answered by `parse` as [`Parsed::Completion`].
        Some(SubArgs::Completion(_)) => Command::ListProfiles,
    };
    match top.command {
        Some(SubArgs::Web(w)) => {
            flags.aws_acct_fed_app_id = w.aws_acct_fed_app_id;
            flags.aws_iam_idp = w.aws_iam_idp;
            flags.qr_code = explicit(w.qr_code, w.no_qr_code);
            flags.open_browser = explicit(w.open_browser, w.no_open_browser);
            flags.open_browser_command = w.open_browser_command;
            flags.all_profiles = explicit(w.all_profiles, w.no_all_profiles);
            flags.profile_template = w.profile_template;
        }
        Some(SubArgs::M2m(m)) => {
            flags.key_id = m.key_id;
            flags.private_key = m.private_key;
            flags.private_key_file = m.private_key_file;
            flags.custom_scope = m.custom_scope;
            flags.authz_id = m.authz_id;
            flags.aws_sts_role_session_name = m.aws_sts_role_session_name;
        }
        _ => {}
    }
    (command, flags)
}

/// Parse argv (without the program name) per DESIGN §1 / upstream-behaviour §1.1:
///
/// - no arguments at all: [`Parsed::Help`] (top-level help);
/// - `--help`/`-h` anywhere before `--`, or `help [command]` first: help of the command
///   named (top-level when none);
/// - `--version`/`-v`: [`Parsed::Version`];
/// - otherwise [`Parsed::Run`]; `web` is implied when no command is named. The command is
///   the first word that names one, with only global flags before it.
///
/// Flag forms: `--name value`, `--name=value`, `-x value`, `-xvalue`, `-x=value`,
/// clustered short switches (`-gd`), switches as `--flag` or `--flag=true|false`
/// (also 1/0/yes/no/on/off). A repeated flag: the last one wins, except `--chain-role`,
/// whose occurrences all count, in order. Everything after the first `--` goes to
/// [`Invocation::exec_args`] untouched.
///
/// Errors: [`Error::Usage`] (one line) for an unknown flag, a missing or empty value, a bad switch
/// value or a stray argument.
pub fn parse(argv: &[String]) -> Result<Parsed> {
    if argv.is_empty() {
        return Ok(Parsed::Help(help_for(None)));
    }
    let (before, exec_args) = match argv.iter().position(|a| a == "--") {
        Some(p) => (&argv[..p], argv[p + 1..].to_vec()),
        None => (argv, Vec::new()),
    };
    let t = tables();

    // `help`, `help web`.
    if before.first().map(String::as_str) == Some("help") {
        return match before.get(1) {
            None => Ok(Parsed::Help(help_for(None))),
            Some(c) if t.commands.iter().any(|(n, _)| n == c) => {
                Ok(Parsed::Help(help_for(Some(c))))
            }
            Some(c) => match nearest(c, t.commands.iter().map(|(n, _)| n.as_str())) {
                Some(near) => Err(Error::usage(format!(
                    "unknown command {c:?} for help (did you mean {near}?)"
                ))),
                None => Err(Error::usage(format!("unknown command {c:?} for help"))),
            },
        };
    }

    let cmd_pos = find_command(before, &t);
    let (global_tokens, cmd_name, cmd_tokens): (&[String], &str, &[String]) = match cmd_pos {
        Some(p) => (&before[..p], before[p].as_str(), &before[p + 1..]),
        None => (&[], "web", before),
    };
    let explicit_cmd = cmd_pos.is_some();
    let cmd_scope = t
        .commands
        .iter()
        .find(|(n, _)| n == cmd_name)
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    let others: Vec<(&str, &Scope)> = t
        .commands
        .iter()
        .filter(|(n, _)| n != cmd_name)
        .map(|(n, s)| (n.as_str(), s))
        .collect();

    let global_lookup = Lookup {
        scopes: vec![&t.global],
        others: others.clone(),
        command: cmd_name,
    };
    let cmd_lookup = Lookup {
        scopes: vec![&t.global, &cmd_scope],
        others,
        command: cmd_name,
    };
    let g = scan(global_tokens, &global_lookup)?;
    let c = scan(cmd_tokens, &cmd_lookup)?;

    if g.help || c.help {
        let name = if explicit_cmd { Some(cmd_name) } else { None };
        return Ok(Parsed::Help(help_for(name)));
    }
    if cmd_name == "completion" && explicit_cmd {
        return match (g.positionals.first(), c.positionals.as_slice()) {
            (None, [shell]) if COMPLETION_SHELLS.contains(&shell.as_str()) => {
                Ok(Parsed::Completion(shell.clone()))
            }
            (None, [shell]) => Err(Error::usage(format!(
                "unknown shell {shell:?} for completion: use {}",
                COMPLETION_SHELLS.join(", ")
            ))),
            _ => Err(Error::usage(format!(
                "completion takes one shell: {}",
                COMPLETION_SHELLS.join(", ")
            ))),
        };
    }
    if let Some(stray) = g.positionals.first().or(c.positionals.first()) {
        if t.commands.iter().any(|(n, _)| n == stray) {
            return Err(Error::usage(format!(
                "unexpected argument {stray:?}: the command must come before its own flags"
            )));
        }
        if let Some(near) = nearest(stray, t.commands.iter().map(|(n, _)| n.as_str())) {
            return Err(Error::usage(format!(
                "unexpected argument {stray:?} (did you mean the {near} command?)"
            )));
        }
        return Err(Error::usage(format!("unexpected argument {stray:?}")));
    }

    // Split the occurrences into global and command ones, keep the last of each.
    let mut globals = Vec::new();
    let mut locals = Vec::new();
    for occ in g.occs.into_iter().chain(c.occs) {
        if t.global.has_long(occ.name()) {
            globals.push(occ);
        } else {
            locals.push(occ);
        }
    }
    let repeats = |name: &str| {
        t.global
            .by_long(name)
            .or_else(|| cmd_scope.by_long(name))
            .is_some_and(|f| f.repeats)
    };
    let globals = dedupe(globals, repeats);
    let locals = dedupe(locals, repeats);
    if globals.contains(&Occ::Switch("version".into(), true)) {
        return Ok(Parsed::Version(version_line()));
    }

    let mut canon = Vec::new();
    canonical(&globals, &mut canon);
    canon.push(cmd_name.to_string());
    canonical(&locals, &mut canon);
    let refs: Vec<&str> = canon.iter().map(String::as_str).collect();
    let top = match TopArgs::from_args(&[PROGRAM], &refs) {
        Ok(top) => top,
        Err(e) if e.status.is_ok() => return Ok(Parsed::Help(e.output)),
        Err(e) => return Err(argh_error(&e.output)),
    };
    let mut warnings = Vec::new();
    let explain = top.explain;
    let (command, flags) = flags_from(top, &mut warnings);
    Ok(Parsed::Run(Box::new(Invocation {
        command,
        flags,
        exec_args,
        warnings,
        explain,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    fn run(s: &[&str]) -> Invocation {
        match parse(&args(s)) {
            Ok(Parsed::Run(inv)) => *inv,
            other => panic!("expected Run for {s:?}, got {other:?}"),
        }
    }

    fn usage_err(s: &[&str]) -> String {
        match parse(&args(s)) {
            Err(Error::Usage(m)) => m,
            other => panic!("expected usage error for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn no_args_is_help() {
        match parse(&[]).unwrap() {
            Parsed::Help(text) => {
                assert!(text.contains("Usage: okta-aws-cli"), "{text}");
                assert!(text.contains("--org-domain"));
                assert!(text.contains("m2m"));
                assert!(!text.contains("--no-debug"), "hidden switches stay hidden");
                assert!(
                    !text.contains("--session-duration "),
                    "deprecated flag hidden"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn help_forms() {
        for argv in [
            &["--help"][..],
            &["-h"],
            &["help"],
            &["--profile", "x", "--help"],
        ] {
            match parse(&args(argv)).unwrap() {
                Parsed::Help(t) => assert!(t.contains("Commands:"), "{argv:?}: {t}"),
                other => panic!("{argv:?}: {other:?}"),
            }
        }
        for argv in [&["web", "--help"][..], &["help", "web"], &["web", "-h"]] {
            match parse(&args(argv)).unwrap() {
                Parsed::Help(t) => {
                    assert!(t.contains("--aws-iam-idp"), "{argv:?}: {t}");
                    assert!(t.contains("okta-aws-cli web"), "{t}");
                }
                other => panic!("{argv:?}: {other:?}"),
            }
        }
        match parse(&args(&["m2m", "--help"])).unwrap() {
            Parsed::Help(t) => assert!(t.contains("--key-id") && t.contains("-k")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn version_forms() {
        let want = format!("okta-aws-cli version {}", env!("CARGO_PKG_VERSION"));
        for argv in [&["--version"][..], &["-v"], &["--debug", "--version"]] {
            assert_eq!(parse(&args(argv)).unwrap(), Parsed::Version(want.clone()));
        }
    }

    #[test]
    fn web_is_implied() {
        let inv = run(&["--org-domain", "example.okta.com"]);
        assert_eq!(inv.command, Command::Web);
        assert_eq!(inv.flags.org_domain.as_deref(), Some("example.okta.com"));
        let inv = run(&["-b", "-i", "arn:idp"]);
        assert_eq!(inv.flags.open_browser, Some(true));
        assert_eq!(inv.flags.aws_iam_idp.as_deref(), Some("arn:idp"));
    }

    #[test]
    fn value_forms() {
        for argv in [
            &["--profile", "dev"][..],
            &["--profile=dev"],
            &["-p", "dev"],
            &["-pdev"],
            &["-p=dev"],
            &["web", "--profile", "dev"],
            &["--profile", "dev", "web"],
        ] {
            assert_eq!(run(argv).flags.profile.as_deref(), Some("dev"), "{argv:?}");
        }
        // A value may start with dashes or equal a command name.
        let inv = run(&["m2m", "--private-key", "-----BEGIN KEY-----"]);
        assert_eq!(
            inv.flags.private_key.as_deref(),
            Some("-----BEGIN KEY-----")
        );
        let inv = run(&["--profile", "debug"]);
        assert_eq!(inv.command, Command::Web);
        assert_eq!(inv.flags.profile.as_deref(), Some("debug"));
        let inv = run(&["--profile=a=b"]);
        assert_eq!(inv.flags.profile.as_deref(), Some("a=b"));
    }

    #[test]
    fn switch_forms() {
        assert_eq!(run(&["--open-browser"]).flags.open_browser, Some(true));
        assert_eq!(run(&["--open-browser=true"]).flags.open_browser, Some(true));
        assert_eq!(
            run(&["--open-browser=FALSE"]).flags.open_browser,
            Some(false)
        );
        assert_eq!(run(&["--open-browser=0"]).flags.open_browser, Some(false));
        assert_eq!(run(&["--open-browser=yes"]).flags.open_browser, Some(true));
        assert_eq!(run(&["-b=no"]).flags.open_browser, Some(false));
        assert_eq!(run(&["--qr-code"]).flags.open_browser, None);
        // last one wins
        assert_eq!(run(&["--debug", "--debug=false"]).flags.debug, Some(false));
        assert_eq!(run(&["--debug=false", "-g"]).flags.debug, Some(true));
        let f = run(&["-gdz"]).flags;
        assert_eq!(
            (f.debug, f.debug_api_calls, f.write_aws_credentials),
            (Some(true), Some(true), Some(true))
        );
        let f = run(&["-gpdev"]).flags;
        assert_eq!((f.debug, f.profile.as_deref()), (Some(true), Some("dev")));
        // --chain-role repeats: every occurrence counts, in order, before or after the
        // command; other options still keep the last.
        let f = run(&[
            "--chain-role",
            "arn:aws:iam::1:role/A",
            "web",
            "--chain-role=arn:aws:iam::1:role/B",
            "--profile-template",
            "{alias}",
            "--console-destination",
            "https://x/",
            "--console-destination",
            "https://y/",
        ])
        .flags;
        assert_eq!(
            f.chain_role,
            ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"]
        );
        assert_eq!(f.profile_template.as_deref(), Some("{alias}"));
        assert_eq!(f.console_destination.as_deref(), Some("https://y/"));
        assert!(usage_err(&["m2m", "--profile-template", "x"]).contains("web"));
        let msg = usage_err(&["--open-browser=maybe"]);
        assert!(
            msg.contains("--open-browser") && msg.contains("maybe"),
            "{msg}"
        );
    }

    #[test]
    fn per_command_short_letters() {
        let f = run(&["web", "-i", "idp", "-k", "-b", "-m", "firefox", "-q"]).flags;
        assert_eq!(f.aws_iam_idp.as_deref(), Some("idp"));
        assert_eq!(f.all_profiles, Some(true));
        assert_eq!(f.open_browser, Some(true));
        assert_eq!(f.open_browser_command.as_deref(), Some("firefox"));
        assert_eq!(f.qr_code, Some(true));
        let f = run(&[
            "m2m", "-i", "kid", "-k", "pem", "-b", "key.pem", "-m", "sc", "-q", "sn", "-u", "az",
        ])
        .flags;
        assert_eq!(f.key_id.as_deref(), Some("kid"));
        assert_eq!(f.private_key.as_deref(), Some("pem"));
        assert_eq!(f.private_key_file.as_deref(), Some("key.pem"));
        assert_eq!(f.custom_scope.as_deref(), Some("sc"));
        assert_eq!(f.aws_sts_role_session_name.as_deref(), Some("sn"));
        assert_eq!(f.authz_id.as_deref(), Some("az"));
        assert_eq!(f.aws_iam_idp, None);
    }

    #[test]
    fn global_flags_before_or_after_command() {
        for argv in [
            &["--debug", "-o", "x.okta.com", "m2m", "-i", "kid"][..],
            &["m2m", "-i", "kid", "--debug", "--org-domain=x.okta.com"],
            &["-g", "m2m", "-o", "x.okta.com", "--key-id", "kid"],
        ] {
            let inv = run(argv);
            assert_eq!(inv.command, Command::M2m, "{argv:?}");
            assert_eq!(inv.flags.debug, Some(true));
            assert_eq!(inv.flags.org_domain.as_deref(), Some("x.okta.com"));
            assert_eq!(inv.flags.key_id.as_deref(), Some("kid"));
        }
        assert_eq!(
            run(&["list-profiles", "-p", "x"]).command,
            Command::ListProfiles
        );
        assert_eq!(run(&["debug", "--debug"]).command, Command::Debug);
    }

    #[test]
    fn every_flag_long_and_short_is_accepted() {
        let t = tables();
        for (cmd, scope) in std::iter::once(("web", &t.global))
            .chain(t.commands.iter().map(|(n, s)| (n.as_str(), s)))
        {
            for f in &scope.flags {
                if f.long == "version" {
                    continue;
                }
                let mut argv = vec![cmd.to_string(), format!("--{}", f.long)];
                if f.takes_value {
                    argv.push("v".into());
                }
                assert!(
                    matches!(parse(&argv), Ok(Parsed::Run(_))),
                    "{argv:?}: {:?}",
                    parse(&argv)
                );
                if let Some(c) = f.short {
                    let mut argv = vec![cmd.to_string(), format!("-{c}")];
                    if f.takes_value {
                        argv.push("v".into());
                    }
                    assert!(matches!(parse(&argv), Ok(Parsed::Run(_))), "{argv:?}");
                }
            }
        }
        // No short letter of a global flag is reused by a command.
        for (_, scope) in &t.commands {
            for f in &scope.flags {
                if let Some(c) = f.short {
                    assert!(t.global.by_short(c).is_none(), "-{c} clashes");
                }
            }
        }
    }

    #[test]
    fn deprecated_session_duration() {
        let inv = run(&["--session-duration", "7200"]);
        assert_eq!(inv.flags.aws_session_duration.as_deref(), Some("7200"));
        assert!(inv.warnings[0].contains("--session-duration has been deprecated"));
        let inv = run(&["--session-duration", "7200", "-s", "900"]);
        assert_eq!(inv.flags.aws_session_duration.as_deref(), Some("900"));
        assert!(run(&["-s", "900"]).warnings.is_empty());
    }

    #[test]
    fn exec_words_are_not_parsed() {
        let inv = run(&["--exec", "--", "aws", "--profile", "a b", "--", "-x"]);
        assert_eq!(inv.flags.exec, Some(true));
        assert_eq!(inv.flags.profile, None);
        assert_eq!(
            inv.exec_args,
            args(&["aws", "--profile", "a b", "--", "-x"])
        );
        let inv = run(&["m2m", "-j", "--", "debug"]);
        assert_eq!(inv.command, Command::M2m);
        assert_eq!(inv.exec_args, args(&["debug"]));
        let inv = run(&["--exec", "--"]);
        assert!(inv.exec_args.is_empty());
    }

    #[test]
    fn usage_errors_are_one_line_and_name_the_flag() {
        let cases: &[(&[&str], &str)] = &[
            (&["--bogus"], "--bogus"),
            (&["--bogus=1"], "--bogus"),
            (&["-Z"], "'Z'"),
            (&["web", "--key-id", "k"], "--key-id"),
            (&["m2m", "--aws-iam-idp", "x"], "--aws-iam-idp"),
            (&["--profile"], "--profile"),
            (&["m2m", "-i"], "-i"),
            (&["--profile", "--"], "--profile"),
            (&["stray"], "stray"),
            (&["web", "extra"], "extra"),
            (&["-b", "m2m"], "m2m"),
            (&["help", "nope"], "nope"),
            (&["list-profiles", "--open-browser"], "--open-browser"),
        ];
        for (argv, needle) in cases {
            let msg = usage_err(argv);
            assert!(msg.contains(needle), "{argv:?}: {msg}");
            assert!(!msg.contains('\n'), "{argv:?}: {msg}");
        }
        assert!(usage_err(&["web", "--key-id", "k"]).contains("m2m"));
    }

    #[test]
    fn empty_flag_values_are_usage_errors() {
        let cases: &[(&[&str], &str)] = &[
            (&["-o", ""], "-o (--org-domain)"),
            (&["--org-domain", ""], "--org-domain"),
            (&["--org-domain="], "--org-domain"),
            (&["--aws-session-duration", "  "], "--aws-session-duration"),
            (&["--session-duration="], "--session-duration"),
            (&["-p="], "-p (--profile)"),
            (&["m2m", "--key-id", ""], "--key-id"),
            (&["web", "-a", ""], "-a (--aws-acct-fed-app-id)"),
        ];
        for (argv, needle) in cases {
            let msg = usage_err(argv);
            assert!(
                msg.contains(needle) && msg.contains("empty value"),
                "{argv:?}: {msg}"
            );
        }
        // A value that is not empty is still taken as given.
        assert_eq!(
            run(&["-o", "x.okta.com"]).flags.org_domain.as_deref(),
            Some("x.okta.com")
        );
    }

    #[test]
    fn bad_switch_values_list_every_accepted_word() {
        for argv in [
            &["--debug=maybe"][..],
            &["-g=maybe"],
            &["web", "--qr-code=2"],
        ] {
            let msg = usage_err(argv);
            assert!(msg.contains(BOOL_WORDS), "{argv:?}: {msg}");
        }
    }

    #[test]
    fn bool_words() {
        for t in ["true", "TRUE", "1", "yes", "Yes", "on", " On "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "False", "0", "no", "NO", "off"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["", "maybe", "2", "t", "y", "truee"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }
}
