//! I/O: the pipeline. argv + env -> config -> auth flow -> credentials -> output.

use std::io::Write as _;

use crate::aws::sts::Credentials;
use crate::cli::{self, Parsed};
use crate::commands::{completion, debug, explain, hints};
use crate::commands::{m2m, web};
use crate::config::load as config_load;
use crate::config::{Command, Config, Env, Format};
use crate::error::{Error, Result};
use crate::http::{self, Http, HttpOptions};
use crate::output::credentials_file::{self, UpsertOptions};
use crate::output::{exec, render as output};
use crate::term::sanitize;

/// Print each warning as a `WARNING: ...` line on stderr, control characters escaped
/// ([`sanitize::lines`]).
pub fn print_warnings(warnings: &[String]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "WARNING: {}", sanitize::lines(w));
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
/// `debug` runs [`debug::run_debug`]; the others [`config_load::load_with_warnings`], print
/// the warnings on stderr (also when resolution fails, before the error), and dispatch
/// (`--explain` prints [`explain::run`] instead).
pub fn run(argv: Vec<String>, env: Env) -> Result<()> {
    run_with_hint(argv, env).map_err(|(e, _)| e)
}

/// [`run`], returning with a failure the one-line hint of [`hints::hint`] that says what to
/// change, when the table has one (`main` prints it as `hint: ...` after the error).
pub fn run_with_hint(
    argv: Vec<String>,
    env: Env,
) -> std::result::Result<(), (Error, Option<String>)> {
    let no_hint = |e: Error| (e, None);
    let inv = match cli::parse(&argv).map_err(no_hint)? {
        Parsed::Help(text) => return print_stdout(&text).map_err(no_hint),
        Parsed::Version(line) => return print_stdout(&format!("{line}\n")).map_err(no_hint),
        Parsed::Completion(shell) => {
            let text = completion::script(&shell, &cli::surface()).ok_or_else(|| {
                no_hint(Error::usage(format!(
                    "unknown shell {shell:?} for completion"
                )))
            })?;
            return print_stdout(&text).map_err(no_hint);
        }
        Parsed::Run(inv) => inv,
    };
    if inv.command == Command::Debug && !inv.explain {
        print_warnings(&inv.warnings);
        return debug::run_debug(&inv, &env).map_err(no_hint);
    }
    // Warnings found before a configuration error still reach stderr, ahead of main's
    // `Error:` line (they often explain it: a misspelt okta.yaml key, a legacy variable).
    let cfg = match config_load::load_with_warnings(&inv, &env) {
        Ok(cfg) => cfg,
        Err(failure) => {
            print_warnings(&failure.warnings);
            return Err(no_hint(failure.error));
        }
    };
    print_warnings(&cfg.warnings);
    if inv.explain {
        return explain::run(&cfg).map_err(no_hint);
    }
    dispatch(&cfg).map_err(|e| {
        let hint = hints::hint(&e, Some(&cfg));
        (e, hint)
    })
}

fn dispatch(cfg: &Config) -> Result<()> {
    match cfg.command {
        Command::ListProfiles => {
            let (out, note) = debug::list_profiles(cfg);
            if let Some(n) = note {
                eprintln!("{}", sanitize::lines(&n));
            }
            print_stdout(&out)
        }
        Command::Debug => Ok(()),
        Command::M2m => {
            check_exec_program(cfg)?;
            let http = new_http(cfg)?;
            let creds = m2m::run(cfg, &http)?;
            deliver(cfg, &[(cfg.profile.clone(), creds)])
        }
        Command::Web => {
            check_exec_program(cfg)?;
            let http = new_http(cfg)?;
            let outcome = web::run(cfg, &http)?;
            deliver(cfg, &outcome.results)?;
            match outcome.failures.len() {
                0 => Ok(()),
                n => Err(Error::runtime(format!(
                    "--all-profiles: {n} of {} roles or apps failed (see above); the other {} profiles were delivered",
                    n + outcome.results.len(),
                    outcome.results.len()
                ))),
            }
        }
    }
}

/// Before any network work, make sure the `--exec` program can be found
/// (upstream-behaviour §7.6), so a typo costs no sign-in and no credentials.
///
/// A program name with a path separator must exist as given; a bare name must exist in a
/// directory of the process's `PATH` (as `execvp` searches it). Only absence is reported here
/// ([`Error::CommandNotFound`], exit 127); a file that exists but cannot be run is left
/// for [`exec::run`] to report. Skipped without `--exec` and on non-Unix systems (where
/// `PATHEXT` rules apply); `--exec` with `--all-profiles` never gets here (configuration
/// refuses the pair).
fn check_exec_program(cfg: &Config) -> Result<()> {
    if !cfg.exec || !cfg!(unix) {
        return Ok(());
    }
    let Some(program) = cfg.exec_args.first() else {
        return Ok(()); // the empty command is exec::run's usage error
    };
    let found = if program.contains('/') {
        std::path::Path::new(program).exists()
    } else {
        // The child inherits the real environment, so search the real PATH (which the
        // snapshot lacks when it is not UTF-8).
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path).any(|dir| {
            let dir = if dir.as_os_str().is_empty() {
                std::path::PathBuf::from(".")
            } else {
                dir
            };
            dir.join(program).is_file()
        })
    };
    if found {
        Ok(())
    } else {
        Err(Error::CommandNotFound(program.clone()))
    }
}

/// The one HTTP client of the run; its TLS set-up waits for the first request
/// ([`Http::tls_ready`]).
fn new_http(cfg: &Config) -> Result<Http> {
    Http::new(HttpOptions {
        user_agent: http::user_agent(cfg.short_user_agent),
        debug_api_calls: cfg.debug_api_calls,
        env: cfg.env.clone(),
    })
}

/// Hand the credentials to the user in the configured format (DESIGN §2.7-2.10):
/// the credentials file first (aws-credentials, or process-credentials with
/// `--write-aws-credentials`; all profiles in one locked update), then stdout, then
/// `--exec` (never with `--all-profiles`). `results` holds (profile name, credentials).
fn deliver(cfg: &Config, results: &[(String, Credentials)]) -> Result<()> {
    let Some((_, first)) = results.first() else {
        return Err(Error::runtime("no credentials were obtained"));
    };
    let writes_file = cfg.format == Format::AwsCredentials
        || (cfg.format == Format::ProcessCredentials && cfg.write_aws_credentials);
    if writes_file {
        let items: Vec<(&str, &Credentials)> =
            results.iter().map(|(p, c)| (p.as_str(), c)).collect();
        let opts = UpsertOptions {
            legacy_aws_variables: cfg.legacy_aws_variables,
            expiry_aws_variables: cfg.expiry_aws_variables,
            region: cfg.aws_region.clone(),
        };
        let report = credentials_file::write_profiles(&cfg.aws_credentials, &items, &opts)?;
        let mut err = std::io::stderr().lock();
        for m in &report.messages {
            let _ = writeln!(err, "{m}");
        }
    }
    // Under --exec the child receives the credentials in its environment; printing the
    // export lines too would only mix them into the child's stdout (case B37).
    let format = if cfg.exec && cfg.format == Format::EnvVar {
        Format::Noop
    } else {
        cfg.format
    };
    let mut text = String::new();
    for (_, creds) in results {
        text.push_str(&output::stdout_text(
            format,
            creds,
            cfg.legacy_aws_variables,
            cfg!(windows),
        )?);
    }
    if !text.is_empty() {
        print_stdout(&text)?;
    }
    if cfg.exec {
        // The child inherits the real process environment (also its non-UTF-8 variables,
        // which cfg.env lacks) with these changes.
        let changes = exec::child_env(first, cfg.legacy_aws_variables, cfg.sts_region.as_deref());
        exec::run(&cfg.exec_args, &changes)?;
    }
    Ok(())
}
