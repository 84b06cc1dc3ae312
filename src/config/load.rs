//! I/O: read the configuration files and resolve the settings of a run.
//!
//! Reads `.env` from the current directory and `<home>/.okta/okta.yaml`, then hands the
//! text to the pure [`resolve_with_warnings`] (docs/decisions.md#d-precedence), with the `.env`'s
//! absolute path and the allow list `~/.okta/allowed-dotenv` (README "The .env trust
//! model").

use std::path::{Path, PathBuf};

use crate::config::dotenv_trust::{ALLOW_LIST_FILE, DotEnvCheck};

use crate::config::flags::Invocation;
use crate::config::resolve::{Failure, resolve_with_warnings};
use crate::config::settings::{Config, Env};
use crate::config::values::{home_dir, okta_yaml_path};
use crate::error::{Error, Result};
use crate::fs::bounded::{SMALL_FILE_CAP, read_bounded};
use crate::fs::private;

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
    let check = match &dotenv {
        Some(_) => Some(dotenv_check(Path::new(".env"), env).map_err(fail)?),
        None => None,
    };
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
    resolve_with_warnings(inv, env, dotenv.as_deref(), check.as_ref(), yaml.as_deref())
}

/// The absolute path of the `.env` file `file`: the real path of its directory (links
/// resolved), then its name, so `./.env`, `.env` and `../repo/.env` name one entry.
///
/// Errors: the directory cannot be resolved; `file` has no file name.
pub fn absolute_dotenv_path(file: &Path) -> std::io::Result<PathBuf> {
    let name = file
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "names no file"))?;
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Ok(std::fs::canonicalize(dir)?.join(name))
}

/// `<home>/.okta/allowed-dotenv`, the allow list of `.env` files.
pub fn allow_list_path(home: &Path) -> PathBuf {
    home.join(".okta").join(ALLOW_LIST_FILE)
}

/// The text of the allow list (empty when absent or without a home), read as the caches
/// read their files ([`private::read`]: no symlink followed, owned by the user, no access
/// for group or others, at most 1 MiB).
///
/// Errors: [`Error::Config`] naming the file and what is wrong with it.
pub fn read_allow_list(env: &Env) -> Result<String> {
    let Some(home) = home_dir(env) else {
        return Ok(String::new());
    };
    let path = allow_list_path(&home);
    let bad = |why: String| Error::config(format!("cannot read {}: {why}", path.display()));
    match private::read(&path, SMALL_FILE_CAP) {
        Ok(None) => Ok(String::new()),
        Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into())),
        Err(e) => Err(bad(private::describe(&e))),
    }
}

/// What the resolution needs to check the `.env` file `file`: its absolute path and the
/// allow list.
fn dotenv_check(file: &Path, env: &Env) -> Result<DotEnvCheck> {
    let path = absolute_dotenv_path(file)
        .map_err(|e| Error::config(format!("cannot resolve the path of .env: {e}")))?;
    Ok(DotEnvCheck {
        path: path.display().to_string(),
        allow_list: read_allow_list(env)?,
    })
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
    let check = match &dotenv {
        Some(_) => Some(dotenv_check(Path::new(".env"), env)?),
        None => None,
    };
    resolve_with_warnings(inv, env, dotenv.as_deref(), check.as_ref(), okta_yaml_text)
        .map_err(|f| f.error)
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
