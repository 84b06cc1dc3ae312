//! I/O: `okta-aws-cli dotenv allow|deny [PATH]`, which records or revokes the trust of one
//! `.env` file's exact content in `~/.okta/allowed-dotenv` (README "The .env trust model";
//! the list's format is in `config::dotenv_trust`).

use std::path::Path;

use crate::config::dotenv_text::parse_dotenv;
use crate::config::dotenv_trust::{self, ALLOW_LIST_FILE};
use crate::config::load;
use crate::config::{Env, home_dir};
use crate::error::{Error, Result};
use crate::fs::{atomic_file, owner};
use crate::term::sanitize;

/// Run `dotenv allow` (`allow` true) or `dotenv deny` for `path` (default `.env` in the
/// current directory), then print one line on stderr saying what was done.
///
/// `allow` reads the file (bounded, as a run does), checks that it parses, and records its
/// absolute path with the SHA-256 of its content, replacing an older line of that path.
/// `deny` removes the path's line. The list is written atomically with mode 0600 under a
/// private `~/.okta` (owned by HOME's owner in a run as root).
///
/// Errors: [`Error::Config`] (exit 2) without a home directory, for a missing or unreadable
/// `.env` to allow, one that does not parse, or an allow list that cannot be read;
/// [`Error::Runtime`] (exit 1) when the list cannot be written.
pub fn run(allow: bool, path: Option<&str>, env: &Env) -> Result<()> {
    let file = Path::new(path.unwrap_or(".env"));
    let home = home_dir(env).ok_or_else(|| {
        Error::config("no home directory (HOME is not set): the allow list lives in ~/.okta")
    })?;
    owner::adopt_home(&home);
    let shown = file.display();
    let abs = match load::absolute_dotenv_path(file) {
        Ok(p) => p,
        // A file to deny whose directory is gone: its path as given, made absolute.
        Err(_) if !allow => std::path::absolute(file)
            .map_err(|e| Error::config(format!("cannot resolve {shown}: {e}")))?,
        Err(e) => return Err(Error::config(format!("cannot read {shown}: {e}"))),
    };
    let abs = abs.display().to_string();
    let list = load::read_allow_list(env)?;
    let list_path = load::allow_list_path(&home);
    if allow {
        let text = load::read_optional(file)
            .map_err(|e| Error::config(format!("cannot read {shown}: {e}")))?
            .ok_or_else(|| Error::config(format!("cannot read {shown}: no such file")))?;
        parse_dotenv(&text).map_err(|e| Error::config(format!("{shown}: {e}")))?;
        let sha = dotenv_trust::sha256_hex(text.as_bytes());
        let new = dotenv_trust::allow(&list, &abs, &sha).map_err(Error::config)?;
        write_list(&list_path, &new)?;
        eprintln!(
            "{}",
            sanitize::line(&format!(
                "allowed {abs} (SHA-256 {sha}): its settings apply until the file changes"
            ))
        );
    } else {
        let (new, found) = dotenv_trust::deny(&list, &abs);
        let said = if found {
            write_list(&list_path, &new)?;
            format!("denied {abs}: its sensitive settings are ignored from now on")
        } else {
            format!("{abs} was not allowed: nothing changed")
        };
        eprintln!("{}", sanitize::line(&said));
    }
    Ok(())
}

/// Write the allow list atomically, mode 0600, in a private `~/.okta`.
fn write_list(path: &Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| Error::runtime(format!("cannot write {}: {e}", path.display()));
    atomic_file::create_private_dirs(&atomic_file::dir_of(path)).map_err(fail)?;
    atomic_file::replace(path, text.as_bytes(), 0o600).map_err(fail)?;
    debug_assert!(path.ends_with(ALLOW_LIST_FILE));
    Ok(())
}
