//! I/O: the pipeline. argv + env -> config -> auth flow -> credentials -> output.

use std::io::Write as _;

use crate::cli::{self, Parsed};
use crate::config::{self, Command, Config, Env};
use crate::debug_cmd;
use crate::error::{Error, Result};

/// Print each warning as a `WARNING: ...` line on stderr.
pub fn print_warnings(warnings: &[String]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "WARNING: {w}");
    }
}

fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::runtime(format!("cannot write to stdout: {e}")))
}

/// Run one invocation. `argv` excludes the program name; `env` is the process
/// environment snapshot. Errors carry their exit code (see [`crate::error::Error`]).
///
/// Steps: [`cli::parse`] (help and version print on stdout and return), then per command:
/// `debug` runs [`debug_cmd::run_debug`]; the others [`config::load`], print
/// [`Config::warnings`] on stderr, and dispatch.
pub fn run(argv: Vec<String>, env: Env) -> Result<()> {
    let inv = match cli::parse(&argv)? {
        Parsed::Help(text) => return print_stdout(&text),
        Parsed::Version(line) => return print_stdout(&format!("{line}\n")),
        Parsed::Run(inv) => inv,
    };
    if inv.command == Command::Debug {
        print_warnings(&inv.warnings);
        return debug_cmd::run_debug(&inv, &env);
    }
    let cfg = config::load(&inv, &env)?;
    print_warnings(&cfg.warnings);
    dispatch(&cfg)
}

fn dispatch(cfg: &Config) -> Result<()> {
    match cfg.command {
        Command::ListProfiles => {
            let (out, note) = debug_cmd::list_profiles(cfg);
            if let Some(n) = note {
                eprintln!("{n}");
            }
            print_stdout(&out)
        }
        Command::Debug => Ok(()),
        Command::Web => Err(Error::runtime("the web command is not implemented yet")),
        Command::M2m => Err(Error::runtime("the m2m command is not implemented yet")),
    }
}
