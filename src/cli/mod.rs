//! PURE: the command-line surface (docs/decisions.md#k-surface).
//!
//! `args` holds the argh structs, the single source of truth for flag names, short letters
//! and help text; `help` builds the help text and the surface that completions and the man
//! page read; `argv` normalises argv and parses it ([`parse`]). Every parse failure becomes
//! one line in [`crate::error::Error::Usage`] (exit 2); `--help` text is returned, never
//! printed here. Files here import one another by their own paths, never through the
//! re-exports below.

mod args;
mod argv;
mod help;

pub use crate::config::flags::{BOOL_WORDS, Flags, Invocation, parse_bool};
pub use args::{
    COMPLETION_SHELLS, CompletionArgs, DOTENV_ACTIONS, DebugArgs, DirectArgs, DotenvArgs,
    ListProfilesArgs, M2mArgs, SubArgs, TopArgs, WebArgs,
};
pub use argv::{Parsed, parse};
pub use help::{
    EXIT_CODES, FlagSpec, Surface, flag_values, help_text, required_settings, surface, version_line,
};
