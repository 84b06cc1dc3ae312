//! okta-aws-cli: Okta sign-in to temporary AWS IAM credentials.
//!
//! Pure modules (no I/O): `config`, `config_files`, `okta`, `okta_web`, `jwt`, `keys`, `saml`, `sts`,
//! `sigv4`, `iam`, `output`, `credentials_file` (its `write` submodule excepted). I/O lives in
//! `app`, `config_load`, `aws`, `http`, `web`, `m2m`, `exec`, `prompt`, `token_cache`,
//! `atomic_file`.

pub mod all_profiles;
pub mod app;
pub mod atomic_file;
pub mod aws;
pub mod cli;
pub mod config;
pub mod config_files;
pub mod config_load;
pub mod credentials_file;
pub mod debug_cmd;
pub mod error;
pub mod exec;
pub mod http;
pub mod iam;
pub mod jwt;
pub mod keys;
pub mod m2m;
pub mod okta;
pub mod okta_web;
pub mod output;
pub mod prompt;
pub mod saml;
pub mod sanitize;
pub mod sigv4;
pub mod sts;
pub mod token_cache;
pub mod web;
