//! I/O: the `web` command's messages on stderr (never stdout), used by `web.rs` and the
//! files of this folder.

use std::io::Write as _;

use crate::term::sanitize;

/// Write a human message on stderr (never stdout), control characters from server or file
/// text escaped ([`sanitize::lines`]; line breaks and tabs kept).
pub(super) fn say(text: &str) {
    say_styled(&sanitize::lines(text));
}

/// Write text that carries our own ANSI styling on stderr as is; every outside value in it
/// must already have gone through [`sanitize::line`] (as
/// [`crate::term::prompt::selection_line`] does).
pub(super) fn say_styled(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}
