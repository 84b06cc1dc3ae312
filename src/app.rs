//! I/O: the pipeline. argv + env -> config -> auth flow -> credentials -> output.

use crate::config::Env;
use crate::error::Result;

/// Run one invocation. `argv` excludes the program name; `env` is the process
/// environment snapshot. Errors carry their exit code (see [`crate::error::Error`]).
pub fn run(argv: Vec<String>, env: Env) -> Result<()> {
    let _ = (argv, env);
    Ok(())
}
