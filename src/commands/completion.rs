//! PURE: the `completion bash|zsh|fish|powershell` scripts, generated from the command-line
//! surface argh describes ([`cli::surface`]) and the closed value lists of
//! [`cli::flag_values`], so they never drift from `--help`. Profile names for `--profile`
//! are read when completing, with `okta-aws-cli list-profiles`.
//!
//! A profile name is text from okta.yaml, not code: no script expands or runs it while
//! completing, and what reaches the command line is quoted. bash and zsh (which runs the
//! bash function through its bash emulation) match names by a literal prefix test and
//! quote them with `printf %q` ([`BASH_REPLY`]); fish takes the lines of a command
//! substitution as they are and quotes on insertion itself; PowerShell matches with
//! `String.StartsWith` and single-quotes any candidate that is not a plain word
//! ([`PS_BARE`]).

use std::fmt::Write as _;

use crate::cli::{self, FlagSpec, Surface};

/// Flags whose value is a file path (completed as file names).
const PATH_FLAGS: &[&str] = &["aws-credentials", "private-key-file"];

/// Helpers of the bash script (also run by zsh's bash emulation). Candidates that come from
/// outside the script (okta.yaml profile names, file names) are matched against the word
/// being completed by a literal prefix test and stored in `COMPREPLY` as they are or
/// quoted with `printf %q`; they never pass through `compgen -W` (which expands `$(...)`,
/// backquotes and `$VAR` in its word list) or an unquoted expansion (word splitting,
/// globbing). A word typed with an opening quote (`'dev t`) matches without it.
const BASH_REPLY: &str = r#"# Reply with the lines of stdin that start with the word being completed, each quoted
# for the command line. Nothing read here is expanded or run.
_okta_aws_cli_reply() {
    local line quoted bare=$cur
    case $cur in \'*|\"*) bare=${cur:1} ;; esac
    COMPREPLY=()
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        printf -v quoted '%q' "$line"
        if [[ $line == "$bare"* || $quoted == "$cur"* ]]; then
            COMPREPLY+=("$quoted")
        fi
    done
}

# File names for a path flag: bash quotes them itself (compopt -o filenames); where
# compopt is missing (zsh) they are quoted here.
_okta_aws_cli_files() {
    local line quoted
    COMPREPLY=()
    if compopt -o filenames 2>/dev/null; then
        while IFS= read -r line; do
            [ -n "$line" ] && COMPREPLY+=("$line")
        done <<< "$(compgen -f -- "$cur")"
    else
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            printf -v quoted '%q' "$line"
            COMPREPLY+=("$quoted")
        done <<< "$(compgen -f -- "$cur")"
    fi
}

"#;

/// The completion script for `shell` (one of [`cli::COMPLETION_SHELLS`]); `None` for any
/// other name.
pub fn script(shell: &str, surface: &Surface) -> Option<String> {
    match shell {
        "bash" => Some(bash(surface)),
        "zsh" => Some(zsh(surface)),
        "fish" => Some(fish(surface)),
        "powershell" => Some(powershell(surface)),
        _ => None,
    }
}

/// `--long` of each flag.
fn words(flags: &[FlagSpec]) -> Vec<String> {
    flags.iter().map(|f| format!("--{}", f.long)).collect()
}

/// The global flags and `--help`.
fn global_words(s: &Surface) -> Vec<String> {
    let mut out = words(&s.global);
    out.push("--help".into());
    out
}

/// `-x|--long` patterns of the value flags among `flags` matching `pred`.
fn value_patterns(flags: &[FlagSpec], pred: impl Fn(&FlagSpec) -> bool) -> Vec<String> {
    flags
        .iter()
        .filter(|f| f.takes_value && pred(f))
        .map(|f| match f.short {
            Some(c) => format!("-{c}|--{}", f.long),
            None => format!("--{}", f.long),
        })
        .collect()
}

fn command_names(s: &Surface) -> Vec<&str> {
    s.commands.iter().map(|(n, _, _)| n.as_str()).collect()
}

fn flags_of<'a>(s: &'a Surface, cmd: &str) -> &'a [FlagSpec] {
    s.commands
        .iter()
        .find(|(n, _, _)| n == cmd)
        .map(|(_, _, f)| f.as_slice())
        .unwrap_or(&[])
}

fn bash(s: &Surface) -> String {
    let commands = command_names(s);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# okta-aws-cli completion for bash: `source <(okta-aws-cli completion bash)`,\n# or save it as /etc/bash_completion.d/okta-aws-cli\n"
    );
    out.push_str(
        "_okta_aws_cli_profiles() {\n    command okta-aws-cli list-profiles 2>/dev/null | sed -n 's/^ //p'\n}\n\n",
    );
    out.push_str(BASH_REPLY);
    out.push_str("_okta_aws_cli() {\n");
    out.push_str("    local cur prev cmd i IFS=$' \\t\\n'\n");
    out.push_str("    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n    prev=\"\"\n");
    out.push_str("    [ \"$COMP_CWORD\" -gt 0 ] && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n");
    out.push_str("    cmd=\"\"\n    for ((i = 1; i < COMP_CWORD; i++)); do\n        case \"${COMP_WORDS[i]}\" in\n");
    let _ = writeln!(
        out,
        "            {}) cmd=\"${{COMP_WORDS[i]}}\"; break ;;",
        commands.join("|")
    );
    out.push_str("            --) return 0 ;;\n        esac\n    done\n");
    // Values of the flag before the cursor.
    let all_flags: Vec<&FlagSpec> = s
        .global
        .iter()
        .chain(s.commands.iter().flat_map(|(_, _, f)| f.iter()))
        .collect();
    out.push_str("    case \"$prev\" in\n");
    out.push_str(
        "        -p|--profile)\n            _okta_aws_cli_reply <<< \"$(_okta_aws_cli_profiles)\"\n            return 0 ;;\n",
    );
    // A command's closed-list flag is matched by its long name only (short letters differ
    // per command).
    let command_value_flags = s
        .commands
        .iter()
        .flat_map(|(_, _, f)| f.iter())
        .filter(|f| f.takes_value && cli::flag_values(&f.long).is_some())
        .map(|f| (f, format!("--{}", f.long)));
    let value_flags = s
        .global
        .iter()
        .filter(|f| f.takes_value)
        .map(|f| {
            (
                f,
                value_patterns(std::slice::from_ref(f), |_| true).join("|"),
            )
        })
        .chain(command_value_flags);
    for (f, pat) in value_flags {
        if let Some(values) = cli::flag_values(&f.long) {
            let _ = writeln!(
                out,
                "        {pat})\n            COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))\n            return 0 ;;",
                values.join(" ")
            );
        }
    }
    let owned: Vec<FlagSpec> = all_flags.iter().map(|f| (*f).clone()).collect();
    // Short letters are matched for global flags only: a command's letter means another
    // flag in the other command (`-b`).
    let mut paths = value_patterns(&s.global, |f| PATH_FLAGS.contains(&f.long.as_str()));
    paths.extend(
        s.commands
            .iter()
            .flat_map(|(_, _, f)| f.iter())
            .filter(|f| f.takes_value && PATH_FLAGS.contains(&f.long.as_str()))
            .map(|f| format!("--{}", f.long)),
    );
    if !paths.is_empty() {
        let _ = writeln!(
            out,
            "        {})\n            _okta_aws_cli_files\n            return 0 ;;",
            paths.join("|")
        );
    }
    // Any other value flag: free text, nothing to offer. Short letters differ per command,
    // so only the long names are listed here.
    let others: Vec<String> = owned
        .iter()
        .filter(|f| {
            f.takes_value
                && f.long != "profile"
                && cli::flag_values(&f.long).is_none()
                && !PATH_FLAGS.contains(&f.long.as_str())
        })
        .map(|f| format!("--{}", f.long))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "        {})\n            COMPREPLY=()\n            return 0 ;;",
            others.join("|")
        );
    }
    out.push_str("    esac\n");
    let _ = writeln!(
        out,
        "    if [ \"$cmd\" = completion ]; then\n        COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))\n        return 0\n    fi",
        cli::COMPLETION_SHELLS.join(" ")
    );
    let global = global_words(s).join(" ");
    let _ = writeln!(out, "    local candidates=\"{global}\"");
    out.push_str("    case \"$cmd\" in\n");
    for name in &commands {
        let _ = writeln!(
            out,
            "        {name}) candidates=\"$candidates {}\" ;;",
            words(flags_of(s, name)).join(" ")
        );
    }
    // No command yet: the commands, and the flags of the implied `web`.
    let _ = writeln!(
        out,
        "        \"\") candidates=\"$candidates {} {}\" ;;",
        commands.join(" "),
        words(flags_of(s, "web")).join(" ")
    );
    out.push_str("    esac\n");
    out.push_str("    COMPREPLY=($(compgen -W \"$candidates\" -- \"$cur\"))\n}\n\n");
    out.push_str("complete -F _okta_aws_cli okta-aws-cli\n");
    out
}

fn zsh(s: &Surface) -> String {
    // zsh runs the bash function through its bash-completion emulation.
    format!(
        "#compdef okta-aws-cli\n# okta-aws-cli completion for zsh: `source <(okta-aws-cli completion zsh)` in ~/.zshrc\n\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n\n{}",
        bash(s)
    )
}

/// `text` as a fish single-quoted word.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn fish_flag(out: &mut String, cond: Option<&str>, f: &FlagSpec) {
    let mut line = String::from("complete -c okta-aws-cli");
    if let Some(c) = cond {
        let _ = write!(line, " -n {}", fish_quote(c));
    }
    let _ = write!(line, " -l {}", f.long);
    if let Some(c) = f.short {
        let _ = write!(line, " -s {c}");
    }
    if f.takes_value {
        if f.long == "profile" {
            line.push_str(" -x -a '(okta-aws-cli list-profiles 2>/dev/null | string replace -rf \"^ \" \"\")'");
        } else if let Some(values) = cli::flag_values(&f.long) {
            let _ = write!(line, " -x -a {}", fish_quote(&values.join(" ")));
        } else if PATH_FLAGS.contains(&f.long.as_str()) {
            line.push_str(" -r -F");
        } else {
            line.push_str(" -x");
        }
    }
    let _ = writeln!(out, "{line} -d {}", fish_quote(&f.description));
}

fn fish(s: &Surface) -> String {
    let commands = command_names(s);
    let all = commands.join(" ");
    let mut out = String::from(
        "# okta-aws-cli completion for fish: `okta-aws-cli completion fish > ~/.config/fish/completions/okta-aws-cli.fish`\n\ncomplete -c okta-aws-cli -f\n",
    );
    for (name, desc, _) in &s.commands {
        let _ = writeln!(
            out,
            "complete -c okta-aws-cli -n {} -a {name} -d {}",
            fish_quote(&format!("not __fish_seen_subcommand_from {all}")),
            fish_quote(desc)
        );
    }
    for f in &s.global {
        fish_flag(&mut out, None, f);
    }
    for (name, _, flags) in &s.commands {
        // `web` is also the implied command.
        let cond = if name == "web" {
            format!("__fish_seen_subcommand_from web; or not __fish_seen_subcommand_from {all}")
        } else {
            format!("__fish_seen_subcommand_from {name}")
        };
        for f in flags {
            fish_flag(&mut out, Some(&cond), f);
        }
    }
    let _ = writeln!(
        out,
        "complete -c okta-aws-cli -n {} -a {}",
        fish_quote("__fish_seen_subcommand_from completion"),
        fish_quote(&cli::COMPLETION_SHELLS.join(" "))
    );
    out
}

/// The candidates the PowerShell completer inserts as they are (a .NET regular expression
/// that is also a `regex-lite` one): letters, digits, `_`, `.`, `/` and `-`. Anything
/// else (space, quote, `$`, `(`, backquote, `;`, `,`, `@`, `{`, …) is inserted single-quoted,
/// escaped with .NET's `CodeGeneration.EscapeSingleQuotedStringContent`, which also doubles
/// the typographic single quotes PowerShell accepts as quotes.
const PS_BARE: &str = "^[A-Za-z0-9_./-]+$";

/// `text` as a PowerShell single-quoted string.
fn ps_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn ps_list(items: &[String]) -> String {
    format!(
        "@({})",
        items
            .iter()
            .map(|i| ps_quote(i))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn powershell(s: &Surface) -> String {
    let commands: Vec<String> = command_names(s).iter().map(|c| c.to_string()).collect();
    let mut out = String::from(
        "# okta-aws-cli completion for PowerShell: `okta-aws-cli completion powershell | Out-String | Invoke-Expression` in $PROFILE\n\n",
    );
    out.push_str("Register-ArgumentCompleter -Native -CommandName 'okta-aws-cli', 'okta-aws-cli.exe' -ScriptBlock {\n");
    out.push_str("    param($wordToComplete, $commandAst, $cursorPosition)\n");
    out.push_str(
        "    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })\n",
    );
    out.push_str(
        "    if ($wordToComplete -ne '') { $prev = $words[-2] } else { $prev = $words[-1] }\n",
    );
    let _ = writeln!(out, "    $commands = {}", ps_list(&commands));
    out.push_str("    $cmd = ''\n    foreach ($w in $words[1..($words.Count)]) { if ($commands -contains $w) { $cmd = $w; break } }\n");
    out.push_str("    $candidates = @()\n    switch ($prev) {\n");
    out.push_str("        { $_ -in '-p', '--profile' } { $candidates = @(& okta-aws-cli list-profiles 2>$null | Where-Object { $_.StartsWith(' ') } | ForEach-Object { $_.Substring(1) }) }\n");
    let command_flags = s.commands.iter().flat_map(|(_, _, f)| f.iter());
    let value_flags = s
        .global
        .iter()
        .map(|f| (f, true))
        .chain(command_flags.map(|f| (f, false)))
        .filter(|(f, _)| f.takes_value);
    for (f, global) in value_flags {
        if let Some(values) = cli::flag_values(&f.long) {
            let mut names = vec![format!("--{}", f.long)];
            // Short letters differ per command: only a global flag's is matched.
            if let Some(c) = f.short.filter(|_| global) {
                names.push(format!("-{c}"));
            }
            let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            let _ = writeln!(
                out,
                "        {{ $_ -in {} }} {{ $candidates = {} }}",
                names
                    .iter()
                    .map(|n| ps_quote(n))
                    .collect::<Vec<_>>()
                    .join(", "),
                ps_list(&values)
            );
        }
    }
    out.push_str("        default {\n");
    let shells: Vec<String> = cli::COMPLETION_SHELLS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let _ = writeln!(
        out,
        "            if ($cmd -eq 'completion') {{ $candidates = {} }}",
        ps_list(&shells)
    );
    let _ = writeln!(
        out,
        "            else {{ $candidates = {}",
        ps_list(&global_words(s))
    );
    out.push_str("                switch ($cmd) {\n");
    for name in &commands {
        let _ = writeln!(
            out,
            "                    {} {{ $candidates += {} }}",
            ps_quote(name),
            ps_list(&words(flags_of(s, name)))
        );
    }
    let mut none: Vec<String> = commands.clone();
    none.extend(words(flags_of(s, "web")));
    let _ = writeln!(
        out,
        "                    '' {{ $candidates += {} }}",
        ps_list(&none)
    );
    out.push_str("                }\n            }\n        }\n    }\n");
    // A literal prefix test (no wildcard pattern from the typed word), and every candidate
    // that is not a plain word goes back to the command line single-quoted, so that neither
    // the completer nor the completed command line expands `$(...)`, `$var` or `;`.
    out.push_str("    $prefix = $wordToComplete.TrimStart([char]39, [char]34)\n");
    out.push_str("    $candidates | Where-Object { $_.StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase) } | ForEach-Object {\n");
    let _ = writeln!(
        out,
        "        $text = $_\n        if ($text -cnotmatch '{PS_BARE}') {{ $text = \"'\" + [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($text) + \"'\" }}"
    );
    out.push_str("        [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)\n    }\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_covers_commands_flags_and_values() {
        let s = cli::surface();
        for shell in cli::COMPLETION_SHELLS {
            let text = script(shell, &s).unwrap_or_else(|| panic!("{shell}"));
            for needle in [
                "m2m",
                "list-profiles",
                "org-domain",
                "aws-acct-fed-app-id",
                "private-key-file",
                "process-credentials",
                "eks-token",
                "eks-cluster-id",
                "ecs-server",
                "direct",
                "mfa-method",
                "otp",
                "authorization-code",
                "authorization-code-timeout",
                "redirect-port",
                "write-aws-config",
                "list-profiles 2>",
                "explain",
            ] {
                assert!(text.contains(needle), "{shell}: {needle}");
            }
            // Hidden switches stay hidden.
            assert!(!text.contains("no-debug"), "{shell}");
        }
        assert!(script("tcsh", &s).is_none());
    }

    #[test]
    fn no_word_list_is_expanded_by_the_shell() {
        let s = cli::surface();
        // bash and zsh: `compgen -W` expands its word list, so it only ever gets the
        // script's own words, never the output of a command.
        for shell in ["bash", "zsh"] {
            let text = script(shell, &s).unwrap();
            for line in text.lines().filter(|l| l.contains("compgen -W")) {
                assert!(!line.contains("compgen -W \"$("), "{shell}: {line}");
                assert!(!line.contains('`'), "{shell}: {line}");
            }
            assert!(text.contains("_okta_aws_cli_reply <<< \"$(_okta_aws_cli_profiles)\""));
            assert!(!text.contains("eval"), "{shell}");
        }
        // PowerShell: plain words pass unquoted, anything else is quoted.
        let bare = regex_lite::Regex::new(PS_BARE).unwrap();
        for plain in ["dev", "--org-domain", "team/Admin", "a.b_c"] {
            assert!(bare.is_match(plain), "{plain}");
        }
        for odd in [
            "dev team",
            "$(x)",
            "$x",
            "a;b",
            "a,b",
            "@x",
            "it's",
            "it\u{2019}s",
            "{a}",
        ] {
            assert!(!bare.is_match(odd), "{odd}");
        }
    }
}
