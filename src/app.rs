//! I/O: the pipeline. argv + env -> config -> auth flow -> credentials -> output.

use std::io::Write as _;

use crate::cli::{self, Parsed};
use crate::config::{self, Command, Config, Env, Format};
use crate::credentials_file::{self, UpsertOptions};
use crate::debug_cmd;
use crate::error::{Error, Result};
use crate::http::{Http, HttpOptions, user_agent};
use crate::sts::Credentials;
use crate::{exec, output, web};

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

/// Output the credentials per format (upstream-behaviour §7): the credentials file for
/// `aws-credentials` (its messages on stderr), else the format's stdout text; then the
/// `--exec` child with the first credentials in its environment.
fn deliver(cfg: &Config, results: &[(String, Credentials)]) -> Result<()> {
    if results.is_empty() {
        return Err(Error::runtime("no credentials were obtained"));
    }
    if cfg.format == Format::AwsCredentials {
        let items: Vec<(&str, &Credentials)> =
            results.iter().map(|(p, c)| (p.as_str(), c)).collect();
        let opts = UpsertOptions {
            legacy_aws_variables: cfg.legacy_aws_variables,
            expiry_aws_variables: cfg.expiry_aws_variables,
            region: cfg.aws_region.clone(),
        };
        let report = credentials_file::write_profiles(&cfg.aws_credentials, &items, &opts)?;
        for m in &report.messages {
            eprintln!("{m}");
        }
    } else {
        let mut text = String::new();
        for (_, creds) in results {
            text.push_str(&output::stdout_text(
                cfg.format,
                creds,
                cfg.legacy_aws_variables,
                cfg!(windows),
            )?);
        }
        print_stdout(&text)?;
    }
    if cfg.exec {
        let creds = &results[0].1;
        let env = exec::child_env(
            &cfg.env,
            creds,
            cfg.legacy_aws_variables,
            cfg.sts_region.as_deref(),
        );
        return exec::run(&cfg.exec_args, &env);
    }
    Ok(())
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
        Command::Web => {
            let http = Http::new(HttpOptions {
                user_agent: user_agent(cfg.short_user_agent),
                debug_api_calls: cfg.debug_api_calls,
                env: cfg.env.clone(),
            })?;
            let results = web::run(cfg, &http)?;
            deliver(cfg, &results)
        }
        Command::M2m => Err(Error::runtime("the m2m command is not implemented yet")),
    }
}
