//! Entry point: read argv and the environment once, run, map the outcome to an exit code.

use std::process::ExitCode;

use okta_aws_cli::config::Env;
use okta_aws_cli::error::Error;
use okta_aws_cli::term::{sanitize, stderr};

fn main() -> ExitCode {
    let mut argv = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(s) => argv.push(s),
            Err(raw) => {
                stderr::say(&format!("Error: argument {raw:?} is not valid UTF-8\n"));
                return ExitCode::from(2);
            }
        }
    }
    // The snapshot holds the UTF-8 variables (settings, proxies, TLS, AWS overrides); an
    // `--exec` child inherits the real environment, non-UTF-8 variables included.
    let env: Env = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    match okta_aws_cli::app::run_with_hint(argv, env) {
        Ok(()) => ExitCode::SUCCESS,
        Err((Error::ChildExit(code), _)) => ExitCode::from(code.clamp(0, 255) as u8),
        Err((e, hint)) => {
            stderr::say(&format!("Error: {e}\n"));
            // What to change, when the failure is a known one (commands::hints), on one line.
            if let Some(h) = hint {
                stderr::say(&format!("hint: {}\n", sanitize::line(&h)));
            }
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
    }
}
