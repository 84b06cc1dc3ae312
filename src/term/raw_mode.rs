//! The controlling terminal: whether this process may use it, and putting it back after raw
//! mode. I/O throughout.

use std::io::IsTerminal;

use crate::error::Error;
#[cfg(unix)]
use crate::error::Result;

/// Whether stderr is a terminal.
pub fn stderr_is_tty() -> bool {
    std::io::stderr().is_terminal()
}

/// Whether this process is in the foreground process group of the controlling terminal
/// `tty` (`tcgetpgrp(tty) == getpgrp()`). A background job (`cmd &` in an interactive
/// shell, `timeout cmd` without `--foreground`) that changed the terminal's modes or read
/// keys from it would be stopped by SIGTTOU / SIGTTIN, so it must not try. `tcgetpgrp`
/// itself is allowed from the background.
#[cfg(unix)]
pub fn in_foreground(tty: &std::fs::File) -> bool {
    rustix::termios::tcgetpgrp(tty).is_ok_and(|pg| pg == rustix::process::getpgrp())
}

/// Whether a terminal prompt may run: the controlling terminal can be opened and this
/// process is in its foreground process group ([`in_foreground`]); always true on
/// non-Unix systems. For prompts other than the chooser (a key passphrase).
pub fn terminal_in_foreground() -> bool {
    #[cfg(unix)]
    {
        open_tty().is_ok_and(|tty| in_foreground(&tty))
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// The controlling terminal (`/dev/tty`), opened for reading keys and setting its modes.
#[cfg(unix)]
pub fn open_tty() -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
}

/// [`Error::Runtime`] `terminal: <e>`, for a terminal call that failed.
pub fn terminal_error(e: &dyn std::fmt::Display) -> Error {
    Error::runtime(format!("terminal: {e}"))
}

/// Open the controlling terminal ([`open_tty`]) and switch it to raw mode: keys arrive as
/// bytes, one at a time, without echo, and the keyboard sends no signals (Ctrl-C is a
/// byte). Returns the terminal and the guard that puts its mode back when dropped, or
/// first if SIGTERM, SIGHUP, SIGINT or SIGQUIT arrives ([`terminal_restore`]).
///
/// Errors: [`Error::Runtime`] `terminal: ...` when the terminal cannot be opened, read or
/// set, or when this process is not in its foreground process group ([`in_foreground`]).
#[cfg(unix)]
pub fn enter_raw_mode() -> Result<(std::fs::File, terminal_restore::Armed)> {
    use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};

    let tty = open_tty().map_err(|e| terminal_error(&e))?;
    // A background job changing the terminal's modes would be stopped by SIGTTOU.
    if !in_foreground(&tty) {
        return Err(Error::runtime(
            "terminal: this run is in a background process group and cannot use the terminal",
        ));
    }
    let original = tcgetattr(&tty).map_err(|e| terminal_error(&e))?;
    let mut raw = original.clone();
    raw.make_raw();
    // Armed before raw mode: a SIGTERM/SIGHUP from now on restores the terminal first.
    let restore =
        terminal_restore::Armed::new(tty.try_clone().map_err(|e| terminal_error(&e))?, original);
    tcsetattr(&tty, OptionalActions::Now, &raw).map_err(|e| terminal_error(&e))?;
    Ok((tty, restore))
}

/// Putting the terminal back (cooked mode, cursor shown) however the chooser ends: on
/// return, on error, and on SIGTERM / SIGHUP / SIGINT / SIGQUIT sent from outside while it
/// is shown (in raw mode the keyboard sends no signals; Ctrl-C is a key).
///
/// The saved state lives in one slot ([`terminal_restore::Slot`]) that is taken exactly
/// once, by whichever comes first: the chooser's end ([`terminal_restore::Armed`]'s drop)
/// or the signal thread. The signal thread is started with the first chooser
/// (signal-hook's safe iterator; a registered signal cannot be given back to the default
/// action afterwards, so after the chooser the thread does exactly what the default action
/// would: it ends the process by that signal).
#[cfg(unix)]
pub mod terminal_restore {
    use crate::term::stderr::say_styled;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Mutex, Once};

    use rustix::termios::{OptionalActions, Termios, tcsetattr};

    /// The signals that end the process with the terminal restored.
    pub const SIGNALS: [i32; 4] = [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ];

    /// Show the cursor again (the chooser hides it while drawing).
    pub const SHOW_CURSOR: &str = "\x1b[?25h";

    /// A one-shot slot for what must be restored: [`Slot::arm`] stores it, [`Slot::take`]
    /// hands it out once (later calls get `None`), so the terminal is restored exactly once.
    #[derive(Debug)]
    pub struct Slot<T>(Mutex<Option<T>>);

    impl<T> Slot<T> {
        /// An empty slot.
        pub const fn new() -> Slot<T> {
            Slot(Mutex::new(None))
        }

        /// Store `value`, replacing an earlier one.
        pub fn arm(&self, value: T) {
            let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
            *guard = Some(value);
        }

        /// Take the stored value, if still there.
        pub fn take(&self) -> Option<T> {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
        }
    }

    impl<T> Default for Slot<T> {
        fn default() -> Self {
            Slot::new()
        }
    }

    struct Saved {
        tty: std::fs::File,
        original: Termios,
    }

    static ACTIVE: Slot<Saved> = Slot::new();
    static WATCHER: Once = Once::new();
    /// Whether the waiting indicator's line is on the screen (to erase on a signal).
    static INDICATOR: AtomicBool = AtomicBool::new(false);

    /// Erases the waiting indicator's line (`\r` then erase to the end of the line).
    pub const ERASE_LINE: &str = "\r\x1b[K";

    /// Record whether the waiting indicator is drawn; while it is, SIGINT (Ctrl-C while
    /// polling), SIGTERM, SIGHUP and SIGQUIT erase its line before the process dies by the
    /// signal. The first `true` starts the signal thread.
    pub fn indicator_shown(shown: bool) {
        INDICATOR.store(shown, Ordering::SeqCst);
        if shown {
            start_watcher();
        }
    }

    fn restore(saved: Saved) {
        let _ = tcsetattr(&saved.tty, OptionalActions::Now, &saved.original);
        say_styled(&format!("{SHOW_CURSOR}\r\n"));
    }

    fn start_watcher() {
        WATCHER.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new(SIGNALS) else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("terminal-restore".into())
                .spawn(move || {
                    if let Some(sig) = signals.forever().next() {
                        if let Some(saved) = ACTIVE.take() {
                            restore(saved);
                        }
                        if INDICATOR.swap(false, Ordering::SeqCst) {
                            say_styled(ERASE_LINE);
                        }
                        // Die by the signal, as without a handler (exit 128 + n if that fails).
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                        std::process::exit(128 + sig);
                    }
                });
        });
    }

    /// The terminal's saved mode while the chooser runs; restores it when dropped (unless a
    /// signal got there first).
    #[must_use]
    pub struct Armed(());

    impl Armed {
        /// Save `original` (the mode before raw mode) for `tty` and make sure the signal
        /// thread runs.
        pub fn new(tty: std::fs::File, original: Termios) -> Armed {
            ACTIVE.arm(Saved { tty, original });
            start_watcher();
            Armed(())
        }
    }

    impl Drop for Armed {
        fn drop(&mut self) {
            if let Some(saved) = ACTIVE.take() {
                let _ = tcsetattr(&saved.tty, OptionalActions::Now, &saved.original);
                say_styled(SHOW_CURSOR);
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    // Unix only: termios.
    #[cfg(unix)]
    #[test]
    fn terminal_state_is_restored_exactly_once() {
        use terminal_restore::Slot;
        let slot: Slot<&str> = Slot::new();
        assert_eq!(slot.take(), None);
        slot.arm("saved mode");
        // Whichever comes first (signal thread or the chooser's end) gets it; the other
        // finds nothing to do.
        let first = std::thread::scope(|s| {
            let a = s.spawn(|| slot.take());
            let b = s.spawn(|| slot.take());
            [a.join().unwrap(), b.join().unwrap()]
        });
        assert_eq!(first.iter().filter(|t| t.is_some()).count(), 1, "{first:?}");
        assert_eq!(slot.take(), None);
        slot.arm("next chooser");
        assert_eq!(slot.take(), Some("next chooser"));
        assert!(terminal_restore::SIGNALS.contains(&signal_hook::consts::SIGTERM));
        assert!(terminal_restore::SIGNALS.contains(&signal_hook::consts::SIGHUP));
    }
}
