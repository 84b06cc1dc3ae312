//! Settings of a run. PURE except `load`: `flags` (the command line as given), `files`
//! (parse `.env` and okta.yaml text), `template` (`--profile-template`) and `resolve` (flag > env > `.env` > okta.yaml >
//! default, docs/decisions.md#d-precedence) take text and maps; `load` reads the files and calls `resolve`.
//!
//! `resolve` builds a [`Config`] (its types in `settings`) from the lookup in `precedence`,
//! the value checks in `values`, the org normalisation in `org` and the settings that only
//! the environment gives in `environment` (AWS endpoint overrides, the private-key
//! passphrase, `NO_COLOR` and `TERM`). Layers above read these from [`Config`], never from
//! the environment. `suggest` holds the
//! edit distance of every "did you mean" hint (okta.yaml keys here, flags and commands in
//! `cli`). Files here import one another by their own paths
//! (`crate::config::settings::Config`), never through the re-exports below, so no two of
//! them import each other.

mod checks;
pub mod dotenv_text;
pub mod dotenv_trust;
mod environment;
pub mod files;
pub mod flags;
pub mod load;
mod org;
mod precedence;
mod resolve;
mod settings;
pub mod suggest;
pub mod template;
mod values;

pub use environment::{OTP_VAR, PASSPHRASE_VAR};
pub use org::normalize_org;
pub use precedence::{env_name, setting_keys};
pub use resolve::{Failure, resolve, resolve_with_warnings};
pub use settings::{
    Command, Config, DEFAULT_AUTHORIZATION_CODE_TIMEOUT_SECS, DEFAULT_MIN_TTL_SECS,
    DEFAULT_REDIRECT_PORTS, DotEnvTrust, EndpointUrls, Env, Format,
    MAX_AUTHORIZATION_CODE_TIMEOUT_SECS, MAX_MIN_TTL_SECS, MfaMethod, OrgUrl, SettingOrigin, Shell,
    Source,
};
pub use values::{
    home_dir, normalize_profile, okta_yaml_path, parse_min_ttl, parse_session_duration,
};
