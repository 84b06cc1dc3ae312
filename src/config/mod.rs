//! Settings of a run. PURE except `load`: `flags` (the command line as given), `files`
//! (parse `.env` and okta.yaml text), `template` (`--profile-template`) and `resolve` (flag > env > `.env` > okta.yaml >
//! default, DESIGN §2.1) take text and maps; `load` reads the files and calls `resolve`.

pub mod files;
pub mod flags;
pub mod load;
mod resolve;
pub mod template;

pub use resolve::*;
