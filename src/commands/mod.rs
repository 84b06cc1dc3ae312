//! I/O: one module per command, stringing the layers below together: `web` (device flow,
//! SAML, AssumeRoleWithSAML), `m2m` (client assertion, AssumeRoleWithWebIdentity), `debug`
//! (`list-profiles` and `debug`), and `chain`, what follows federation in both: the
//! `--chain-role` hops and the `--format console-url` sign-in URL. A new command goes here
//! and is dispatched from `app`.

pub mod chain;
pub mod debug;
pub mod m2m;
pub mod web;
