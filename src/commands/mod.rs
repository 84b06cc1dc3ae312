//! I/O: one module per command, stringing the layers below together: `web` (device flow,
//! SAML, AssumeRoleWithSAML), `m2m` (client assertion, AssumeRoleWithWebIdentity), `debug`
//! (`list-profiles` and `debug`), `explain` (`--explain`). A new command goes here and is dispatched from `app`.

pub mod completion;
pub mod debug;
pub mod explain;
pub mod hints;
pub mod m2m;
pub mod web;
