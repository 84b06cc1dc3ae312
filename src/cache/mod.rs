//! The two caches, one folder: the Okta access-token cache of `--cache-access-token`
//! ([`access_token`]) and the AWS credential cache of `--cache-aws-credentials`
//! ([`aws_credentials`]), both under `<home>/.okta/`. Each guards an entry with the one lock
//! and failure record of [`single_flight`], so parallel runs share one sign-in (and its
//! failure). See docs/architecture.md, "Caches".
//!
//! PURE: entry formats, keys, file names and freshness. I/O: reading and writing entries,
//! locks and failure records, always through [`crate::fs::private`] and
//! [`crate::fs::atomic_file`] (no symlink followed, 0600 files in 0700 directories).

pub mod access_token;
pub mod aws_credentials;
pub mod freshness;
pub mod single_flight;
