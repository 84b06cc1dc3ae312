//! I/O: one module per command, stringing the layers below together: `web` (device flow,
//! SAML, AssumeRoleWithSAML), `m2m` (client assertion, AssumeRoleWithWebIdentity), `direct`
//! (Okta direct authentication: password, push or one-time code; AssumeRoleWithWebIdentity),
//! `debug`
//! (`list-profiles` and `debug`), `completion` (shell completion scripts), `dotenv` (allow or
//! deny a `.env`), `explain`
//! (`--explain`), `hints` (a `hint:` line for known failures), `cache` (`--check`,
//! `--clear-cache` and the cached run around the one sign-in), and `chain`, what follows
//! federation in both: the `--chain-role` hops and the `--format console-url` sign-in URL.
//! A new command goes here and is dispatched from `app`.

pub mod cache;
pub mod chain;
pub mod completion;
pub mod debug;
pub mod direct;
pub mod dotenv;
pub mod explain;
pub mod hints;
pub mod m2m;
pub mod web;
