//! Delivering credentials. PURE: `render` (env-var lines, process-credentials JSON),
//! `credentials_file` (line-preserving upsert of a profile; its `write` part is the I/O)
//! and `profile_names` (`--all-profiles` names). I/O: `exec` (run `--exec -- cmd`).
//! `credential_cache` (the AWS credential cache): its key, entry format and freshness are
//! pure; its `load`, `store`, `lock` and `clear_org` do the file I/O.

pub mod credential_cache;
pub mod credentials_file;
pub mod exec;
pub mod profile_names;
pub mod render;
