//! I/O: the `web` flow (being written on the web-flow branch).

use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::sts::Credentials;

/// Run the web flow; returns (profile name, credentials) per assumed role.
pub fn run(cfg: &Config, http: &Http) -> Result<Vec<(String, Credentials)>> {
    let _ = (cfg, http);
    Err(Error::runtime("the web command is not implemented yet"))
}
