//! Instructions a person must see during the run, even when stderr is captured.
//!
//! The AWS CLI and the SDKs capture a `credential_process` command's stderr and show it only
//! after a failure (README, "When stderr is captured"). Text that a person must act on (a
//! device code, a URL to open, the number to choose in Okta Verify) follows one rule for
//! every sign-in:
//!
//! - stderr is a terminal: the text goes to stderr;
//! - stderr is captured and a controlling terminal exists (`/dev/tty` on Unix, `CONOUT$` on
//!   Windows): the text goes to that terminal, and a copy goes to stderr, for logs and for
//!   the AWS CLI's report after a failure;
//! - no terminal at all: the text goes to stderr, followed once per run by a one-line note
//!   saying that no terminal was found.
//!
//! The choice ([`destination`]) and the text ([`notice_text`]) are pure; [`notice`] does the
//! I/O at the edge, through `term::stderr` for stderr.

use std::io::{IsTerminal as _, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Where a notice went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// To stderr, which is a terminal.
    Stderr,
    /// To the controlling terminal, because stderr is not a terminal; a copy went to stderr.
    Terminal,
    /// To stderr, which is not a terminal, and no controlling terminal could be opened: the
    /// person may not see the text until the run ends.
    NoTerminal,
}

/// The note written after the first notice that found no terminal.
pub const NO_TERMINAL_NOTE: &str = "note: stderr is not a terminal and no controlling terminal \
                                    was found, so the text above may stay unseen until the run ends";

/// Whether the note was written in this run (it is written once).
static NOTE_WRITTEN: AtomicBool = AtomicBool::new(false);

/// Where a notice goes, given whether stderr is a terminal and whether a controlling
/// terminal can be opened (the second is asked only when the first is false). Pure.
pub fn destination(stderr_is_terminal: bool, terminal_opens: impl FnOnce() -> bool) -> Delivered {
    if stderr_is_terminal {
        Delivered::Stderr
    } else if terminal_opens() {
        Delivered::Terminal
    } else {
        Delivered::NoTerminal
    }
}

/// Where a notice would go now, without writing anything: stderr when it is a terminal,
/// else the controlling terminal when one can be opened for writing, else
/// [`Delivered::NoTerminal`]. Callers use it to decide ahead of time (for example, to fail
/// at once when a prompt would be needed and no terminal exists).
pub fn probe() -> Delivered {
    destination(std::io::stderr().is_terminal(), || {
        open_controlling_terminal().is_ok()
    })
}

/// Write `text` (one or more lines; a newline is added when it lacks one) where a person
/// can see it, and say where it went (see the module doc for the rule). The caller escapes outside text
/// first (`term::sanitize`). Write errors are ignored: a notice is best effort, and the
/// run's outcome never depends on it.
pub fn notice(text: &str) -> Delivered {
    let stderr_is_terminal = std::io::stderr().is_terminal();
    let mut tty = None;
    let target = destination(stderr_is_terminal, || match open_controlling_terminal() {
        Ok(file) => {
            tty = Some(file);
            true
        }
        Err(_) => false,
    });
    let first_note = target == Delivered::NoTerminal && !NOTE_WRITTEN.swap(true, Ordering::Relaxed);
    if let Some(mut file) = tty.filter(|_| target == Delivered::Terminal) {
        let _ = file
            .write_all(notice_text(text, false).as_bytes())
            .and_then(|()| file.flush());
    }
    // Always on stderr too (the copy, when the terminal got it). Already escaped by the
    // caller: written as it is.
    crate::term::stderr::say_styled(&notice_text(text, first_note));
    target
}

/// `text`, a newline when it lacks one, and [`NO_TERMINAL_NOTE`] on its own line when
/// `with_note`. Pure.
pub fn notice_text(text: &str, with_note: bool) -> String {
    let mut buf = String::with_capacity(text.len() + NO_TERMINAL_NOTE.len() + 2);
    buf.push_str(text);
    if !text.ends_with('\n') {
        buf.push('\n');
    }
    if with_note {
        buf.push_str(NO_TERMINAL_NOTE);
        buf.push('\n');
    }
    buf
}

/// The controlling terminal, opened for writing: `/dev/tty` on Unix, `CONOUT$` (the
/// console's output buffer) on Windows. Fails when the process has none (`setsid`, a
/// service, a detached console).
pub fn open_controlling_terminal() -> std::io::Result<std::fs::File> {
    #[cfg(windows)]
    let path = "CONOUT$";
    #[cfg(not(windows))]
    let path = "/dev/tty";
    std::fs::OpenOptions::new().write(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_terminal_wins_without_asking_for_the_controlling_terminal() {
        let got = destination(true, || panic!("must not be asked"));
        assert_eq!(got, Delivered::Stderr);
    }

    #[test]
    fn captured_stderr_goes_to_the_controlling_terminal_when_it_opens() {
        assert_eq!(destination(false, || true), Delivered::Terminal);
        assert_eq!(destination(false, || false), Delivered::NoTerminal);
    }

    #[test]
    fn text_gets_a_newline_and_the_note_only_when_asked() {
        assert_eq!(
            notice_text("Choose 42 in Okta Verify.", false),
            "Choose 42 in Okta Verify.\n"
        );
        let text = notice_text("two\nlines\n", true);
        assert_eq!(text, format!("two\nlines\n{NO_TERMINAL_NOTE}\n"));
        assert_eq!(NO_TERMINAL_NOTE.lines().count(), 1);
    }
}
