//! okta-aws-cli: Okta sign-in to temporary AWS IAM credentials.
//!
//! Layers, lowest first; a module imports only from layers below it:
//! `error`, `clock`, `url` -> `term`, `fs` -> `config` -> `cli` -> `http` -> `aws`, `okta` ->
//! `cache` -> `output` -> `commands` -> `app`. Each folder's `mod.rs` says which of its files are pure
//! (text and values in, values out) and which do I/O.

#![forbid(unsafe_code)]

pub mod app;
pub mod aws;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod error;
pub mod fs;
pub mod http;
pub mod okta;
pub mod output;
pub mod term;
pub mod url;
