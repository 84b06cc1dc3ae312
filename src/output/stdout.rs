//! I/O: the one writer of stdout, which carries only the requested output (README "Exit
//! codes"). A stdout that cannot take the text (a closed pipe, a full disk, or a file
//! descriptor 1 that was closed when the program started) is an error, exit 1.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Set when stdout was closed at start-up (`cmd >&-`); see [`mark_closed_at_start`].
static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Record that file descriptor 1 was not open when the process started (`cmd >&-` on
/// Unix, no standard output handle on Windows). `main` calls it before Rust's runtime
/// starts: on Unix the runtime then opens `/dev/null` on the closed descriptor, so no file
/// or socket the program opens later can land on descriptor 1, but a write would also
/// vanish without an error. After this call, every [`write`] fails instead.
pub fn mark_closed_at_start() {
    CLOSED_AT_START.store(true, Ordering::Relaxed);
}

/// Whether [`mark_closed_at_start`] was called.
pub fn closed_at_start() -> bool {
    CLOSED_AT_START.load(Ordering::Relaxed)
}

/// Write `text` on stdout and flush it.
///
/// Errors: [`Error::Runtime`] `cannot write to stdout: <reason>` when the write or the flush
/// fails (`EPIPE`, `ENOSPC`, ...) or when stdout was closed at start-up
/// ([`mark_closed_at_start`]); the text is then not delivered.
pub fn write(text: &str) -> Result<()> {
    if closed_at_start() {
        return Err(Error::runtime(
            "cannot write to stdout: it was closed when the program started (file descriptor 1)",
        ));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::runtime(format!("cannot write to stdout: {e}")))
}
