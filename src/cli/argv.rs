//! PURE: from argv to [`Parsed`]. argh alone cannot do what the contract asks
//! (`--name=value`, `--flag=false`, clustered short switches, global flags after the
//! subcommand, an implied `web` command), so [`parse`] first normalises argv with a table
//! read from argh's own [`argh::ArgsInfo`], then hands a canonical argv (`--long value`,
//! globals first, then the command and its flags) to [`argh::FromArgs::from_args`].

use argh::{ArgsInfo, FromArgs};

use crate::cli::args::{COMPLETION_SHELLS, DOTENV_ACTIONS, PROGRAM, TopArgs, flags_from};
use crate::cli::help::{help_for, version_line};
use crate::config::flags::{BOOL_WORDS, Invocation, parse_bool};
use crate::config::suggest::edit_distance;
use crate::error::{Error, Result};

/// The candidate closest to `word` by [`edit_distance`], if it is close enough to be a
/// likely typo (at most a third of its length, and at least 1, apart).
fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
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
    /// `dotenv allow|deny [PATH]`: allow (`allow` true) or deny the `.env` file at `path`
    /// (`None`: `.env` in the current directory).
    Dotenv {
        /// `allow` (true) or `deny` (false).
        allow: bool,
        /// The file, as given.
        path: Option<String>,
    },
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

/// Map an argh failure to a one-line usage error.
fn argh_error(output: &str) -> Error {
    let line = output
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command line");
    Error::usage(line.to_string())
}

/// Parse argv (without the program name) per docs/decisions.md#k-surface / docs/decisions.md#k-surface:
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
    if cmd_name == "dotenv" && explicit_cmd {
        return match (g.positionals.first(), c.positionals.as_slice()) {
            (None, [action, rest @ ..])
                if rest.len() <= 1 && DOTENV_ACTIONS.contains(&action.as_str()) =>
            {
                Ok(Parsed::Dotenv {
                    allow: action == "allow",
                    path: rest.first().cloned(),
                })
            }
            _ => Err(Error::usage(
                "dotenv takes allow or deny, then an optional .env path: okta-aws-cli dotenv allow|deny [PATH]",
            )),
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
mod tests;
