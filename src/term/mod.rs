//! What reaches a person's terminal. Everything is drawn on stderr; stdout is never touched.
//!
//! PURE (text in, text out; nothing is read or written):
//! - `sanitize`: escape control characters in text from outside.
//! - `style`: whether colour is allowed, stripping styles, the `IdP:` / `Role:` line.
//! - `banner`: the device-authorization banner and its QR code; the authorization code
//!   flow's banner.
//! - `keys`: bytes from a terminal in raw mode turned into key presses.
//! - `redact`: hide what looks like a key or a token in an error that echoes input.
//!
//! PURE LOGIC WITH I/O AT THE EDGE:
//! - `browser`: the command lines that open a URL, and the page that redirects to a secret
//!   one; `open_browser` and `start_browser` start one.
//! - `wait_indicator`: the spinner frames; `WaitIndicator` draws them while the flow polls.
//! - `chooser`: filtering, moving and drawing the list; `choose` runs it on the terminal.
//!
//! I/O:
//! - `stderr`: the one way to write a human message on stderr, for every layer (`say`,
//!   `warn`, `say_styled`).
//! - `notice`: text a person must see, sent to the controlling terminal (with a copy on
//!   stderr) when stderr is captured (which destination is chosen is pure).
//! - `raw_mode`: the controlling terminal. Whether this process may use it, raw mode, and
//!   putting the terminal back on return or on a signal.
//!
//! Inside this folder imports run one way, without loops: `style`, `banner` and `stderr`
//! use `sanitize`; `raw_mode` uses `stderr`; `wait_indicator` uses `raw_mode` and `stderr`;
//! `chooser` uses `keys`, `raw_mode`, `sanitize`, `stderr` and `style`; `notice` uses `stderr`.
//! No other file here uses another, and none uses `prompt` (below), which is for callers
//! outside the folder.

pub mod banner;
pub mod browser;
pub mod chooser;
pub mod keys;
pub mod notice;
pub mod raw_mode;
pub mod redact;
pub mod sanitize;
pub mod stderr;
pub mod style;
pub mod wait_indicator;

/// The names the commands use, gathered from the files above, so that callers write
/// `term::prompt::X` whichever file `X` lives in.
pub mod prompt {
    pub use super::banner::{device_banner, render_qr, sign_in_banner};
    pub use super::browser::page::redirect_page;
    pub use super::browser::{open_browser, start_browser};
    pub use super::chooser::{can_prompt, choose};
    pub use super::raw_mode::{stderr_is_tty, terminal_in_foreground};
    pub use super::style::selection_line;
    pub use super::wait_indicator::WaitIndicator;
}
