//! I/O: read the configuration files and resolve the settings of a run.
//!
//! Reads `.env` from the current directory and `<home>/.okta/okta.yaml`, then hands the
//! text to the pure [`resolve_with_warnings`] (DESIGN §2.1-2.2).

use std::path::Path;

use crate::config::flags::Invocation;
use crate::config::resolve::{Failure, resolve_with_warnings};
use crate::config::settings::{Config, Env};
use crate::config::values::{home_dir, okta_yaml_path};
use crate::error::{Error, Result};
use crate::fs::bounded::{SMALL_FILE_CAP, read_bounded};

/// Read a configuration file that may be absent: `Ok(None)` when it does not exist.
///
/// Only a regular file of at most [`SMALL_FILE_CAP`] (1 MiB) is read, without blocking
/// ([`read_bounded`]).
///
/// Errors: any other I/O error (permission denied, a directory, a FIFO or device, larger
/// than 1 MiB, not UTF-8 text).
pub fn read_optional(path: &Path) -> std::io::Result<Option<String>> {
    read_bounded(path, SMALL_FILE_CAP)
}

/// Read `.env` from the current directory and `<home>/.okta/okta.yaml` (when there is a
/// home), then [`crate::config::resolve()`]. An unreadable file (other than absent) is an
/// [`Error::Config`] naming it.
pub fn load(inv: &Invocation, env: &Env) -> Result<Config> {
    load_with_warnings(inv, env).map_err(|f| f.error)
}

/// [`load`], keeping the warnings also when it fails (see
/// [`resolve_with_warnings`]).
pub fn load_with_warnings(inv: &Invocation, env: &Env) -> std::result::Result<Config, Failure> {
    let fail = |error: Error| Failure {
        error,
        warnings: inv.warnings.clone(),
    };
    let dotenv = read_dotenv().map_err(fail)?;
    let yaml = match home_dir(env) {
        Some(home) => {
            let path = okta_yaml_path(&home);
            read_optional(&path).map_err(|e| {
                fail(Error::config(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            })?
        }
        None => None,
    };
    resolve_with_warnings(inv, env, dotenv.as_deref(), yaml.as_deref())
}

/// Read `.env` from the current directory (`None` when absent). Errors: an
/// [`Error::Config`] naming it.
fn read_dotenv() -> Result<Option<String>> {
    read_optional(Path::new(".env"))
        .map_err(|e| Error::config(format!("cannot read .env in the current directory: {e}")))
}

/// Read `.env` from the current directory, then [`crate::config::resolve()`] with the
/// okta.yaml text the caller read (`debug` reads and checks okta.yaml itself).
pub fn load_with_okta_yaml(
    inv: &Invocation,
    env: &Env,
    okta_yaml_text: Option<&str>,
) -> Result<Config> {
    let dotenv = read_dotenv()?;
    crate::config::resolve::resolve(inv, env, dotenv.as_deref(), okta_yaml_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_optional_tells_absent_from_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("okta.yaml");
        assert_eq!(read_optional(&file).unwrap(), None);
        std::fs::write(&file, "awscli: {}\n").unwrap();
        assert_eq!(
            read_optional(&file).unwrap().as_deref(),
            Some("awscli: {}\n")
        );
        // A directory where a file is expected is an error, not "absent".
        assert!(read_optional(dir.path()).is_err());
    }

    #[test]
    fn unreadable_okta_yaml_is_a_config_error_naming_it() {
        let home = tempfile::tempdir().unwrap();
        // okta.yaml is a directory: present but unreadable.
        std::fs::create_dir_all(home.path().join(".okta/okta.yaml")).unwrap();
        let mut env = Env::new();
        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        env.insert(home_var.into(), home.path().display().to_string());
        let inv = Invocation {
            command: crate::config::settings::Command::Web,
            ..Invocation::default()
        };
        let err = load(&inv, &env).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("okta.yaml"), "{err}");
    }
}
