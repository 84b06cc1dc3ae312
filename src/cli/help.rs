//! PURE: the help text with its required settings and exit codes, the version line, and
//! the visible command-line surface that completions and the man page read.

use argh::{ArgsInfo, FromArgs};

use crate::cli::args::{PROGRAM, TopArgs};

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
        "direct" => &[
            "--org-domain",
            "--oidc-client-id",
            "--aws-iam-role",
            "--username",
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
        "mfa-method" => Some(
            crate::config::MfaMethod::ALL
                .iter()
                .map(|m| m.as_str())
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

/// `okta-aws-cli version <CARGO_PKG_VERSION>` (no newline).
pub fn version_line() -> String {
    format!("{PROGRAM} version {}", env!("CARGO_PKG_VERSION"))
}

/// What argh prints for `args` (a `--help` request).
fn argh_help(args: &[&str]) -> String {
    match TopArgs::from_args(&[PROGRAM], args) {
        Err(e) => e.output,
        Ok(_) => String::new(),
    }
}

/// The help text of the program (`None`) or of one command: argh's text, then the
/// required settings and the exit codes.
pub(super) fn help_for(command: Option<&str>) -> String {
    let mut text = match command {
        None => {
            let mut text = argh_help(&["--help"]);
            text.push_str(
                "\nRun `okta-aws-cli <command> --help` for the flags of web, m2m and direct.\n",
            );
            text
        }
        Some(cmd @ ("completion" | "dotenv")) => argh_help(&[cmd, "--help"]),
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
