//! Entry point: read argv and the environment once, run, map the outcome to an exit code.

use std::process::ExitCode;

use okta_aws_cli::config::Env;
use okta_aws_cli::error::Error;

fn main() -> ExitCode {
    let mut argv = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(s) => argv.push(s),
            Err(raw) => {
                eprintln!("Error: argument {raw:?} is not valid UTF-8");
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
            eprintln!(
                "Error: {}",
                okta_aws_cli::term::sanitize::lines(&e.to_string())
            );
            // What to change, when the failure is a known one (commands::hints).
            if let Some(h) = hint {
                eprintln!("hint: {}", okta_aws_cli::term::sanitize::line(&h));
            }
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
    }
}
