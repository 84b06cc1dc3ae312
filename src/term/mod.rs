//! What reaches a person's terminal. PURE: `sanitize` (escape control characters in text
//! from outside). I/O: `prompt` (the IdP/role chooser, device-code banner, QR code, wait
//! indicator, opening the browser).

pub mod banner;
pub mod browser;
pub mod chooser;
pub mod keys;
pub mod raw_mode;
pub mod sanitize;
pub mod style;
pub mod wait_indicator;

/// The names the commands use, gathered from the files above, so that callers write
/// `term::prompt::X` whichever file `X` lives in.
pub mod prompt {
    pub use super::banner::{device_banner, render_qr};
    pub use super::browser::open_browser;
    pub use super::chooser::{can_prompt, choose_with};
    pub use super::raw_mode::{stderr_is_tty, terminal_in_foreground};
    pub use super::style::{color_allowed, selection_line};
    pub use super::wait_indicator::WaitIndicator;
}
