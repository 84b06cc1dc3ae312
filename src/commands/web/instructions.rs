//! I/O: the sign-in instructions (the device flow's URL and code, the authorization code
//! flow's URL) and the browser, wherever stderr goes (README "When stderr is captured").
//!
//! The AWS CLI and the SDKs capture a `credential_process` command's stderr and show it only
//! after a failure. So the instructions go where [`crate::term::notice`] sends text a person
//! must see (the controlling terminal when stderr is captured, with a copy on stderr), and
//! when that is the controlling terminal the browser opens by default unless `open-browser`
//! was set to false.

use crate::config::Config;
use crate::term::notice::{self, Delivered};
use crate::term::prompt;
use crate::term::sanitize;

/// Where this run's instructions go and whether the browser opens, decided once before the
/// banner (whose wording says whether the browser opens).
#[derive(Debug, Clone, Copy)]
pub(super) struct Instructions {
    /// The browser opens: `--open-browser`, `--open-browser-command`, or the default when
    /// stderr is captured and a terminal exists ([`opens_browser`]).
    pub(super) opens: bool,
}

impl Instructions {
    /// Look at stderr and the controlling terminal now ([`notice::probe`]).
    pub(super) fn plan(cfg: &Config) -> Instructions {
        Instructions {
            opens: opens_browser(cfg, notice::probe()),
        }
    }

    /// Show `text` (already escaped) to the person ([`notice::notice`]).
    pub(super) fn show(&self, text: &str) {
        notice::notice(text);
    }

    /// Open `url` (already checked by `http::url::browser_url`) when [`Self::opens`]; a
    /// browser that cannot be started is a warning, shown like the instructions.
    pub(super) fn open(&self, cfg: &Config, url: &str) {
        if !self.opens {
            return;
        }
        for warning in prompt::open_browser(url, cfg.open_browser_command.as_deref()) {
            self.show(&sanitize::lines(&format!("WARNING: {warning}\n")));
        }
    }
}

/// Whether the browser opens (PURE): `--open-browser` or `--open-browser-command`; else, when
/// the instructions go to the controlling terminal because stderr is captured, unless
/// `open-browser` was set to false by some layer.
pub(super) fn opens_browser(cfg: &Config, target: Delivered) -> bool {
    cfg.open_browser
        || cfg.open_browser_command.is_some()
        || (target == Delivered::Terminal && !cfg.open_browser_off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_opens_by_default_only_for_a_captured_stderr_with_a_terminal() {
        let mut cfg = Config::default();
        assert!(!opens_browser(&cfg, Delivered::Stderr));
        assert!(opens_browser(&cfg, Delivered::Terminal));
        assert!(!opens_browser(&cfg, Delivered::NoTerminal));
        cfg.open_browser_off = true;
        assert!(!opens_browser(&cfg, Delivered::Terminal));
        cfg.open_browser_command = Some("firefox".into());
        assert!(opens_browser(&cfg, Delivered::Stderr));
        let cfg = Config {
            open_browser: true,
            ..Config::default()
        };
        for target in [
            Delivered::Stderr,
            Delivered::Terminal,
            Delivered::NoTerminal,
        ] {
            assert!(opens_browser(&cfg, target));
        }
    }
}
