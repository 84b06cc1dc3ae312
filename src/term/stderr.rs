//! I/O: the one way every layer writes a human message on stderr (stdout carries only the
//! requested output). Each message is one write of the whole text, then a flush, so two
//! threads never mix inside a message. An error writing stderr is ignored: there is nowhere
//! left to report it, and a closed stderr must not stop a run that can still deliver.

use std::io::Write as _;

use crate::term::sanitize;

/// Write `text` on stderr, control characters from outside escaped ([`sanitize::lines`]:
/// line breaks and tabs kept). The caller ends the text with `\n`.
pub fn say(text: &str) {
    write(&sanitize::lines(text));
}

/// `WARNING: <text>` and a newline on stderr, escaped as by [`say`].
pub fn warn(text: &str) {
    say(&format!("WARNING: {text}\n"));
}

/// Write `text` on stderr as it is: text that carries our own terminal control (styles,
/// cursor moves, erasing a line). Every outside value in it must already have gone through
/// [`sanitize::line`].
pub fn say_styled(text: &str) {
    write(text);
}

fn write(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}
