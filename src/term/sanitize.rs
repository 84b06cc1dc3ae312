//! PURE: make text from outside (Okta replies, SAML assertions, okta.yaml, `.env`, error
//! descriptions) safe to print on a terminal.
//!
//! A server or a file must not be able to move the cursor, clear the screen, retitle the
//! window, ring the bell or fake extra lines through what we print. Every such character is
//! replaced by a visible escape, so the text stays readable and nothing is hidden:
//!
//! - C0 controls U+0000–U+001F and DEL U+007F: `\x1b`, `\x07`, ... (`\n`, `\r`, `\t` as
//!   their two-letter escapes);
//! - C1 controls U+0080–U+009F: `\u{9b}`, ...;
//! - the line and paragraph separators U+2028/U+2029 and the bidirectional formatting
//!   characters (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can reorder what the
//!   reader sees: `\u{202e}`, ....
//!
//! [`line()`] is for one field (a label, an ARN, a profile name, a description): every
//! character above is escaped, line breaks included. [`lines`] is for whole messages we
//! compose ourselves that may span lines on purpose: it keeps `\n` and `\t` and escapes the
//! rest; fields embedded in such messages should have gone through [`line()`] first.

use std::borrow::Cow;

/// True for a character that must not reach a terminal unescaped (see the module docs).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// True when `text` holds any character of [`is_unsafe`].
pub fn has_unsafe(text: &str) -> bool {
    text.chars().any(is_unsafe)
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

fn escape<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep.contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) && !keep.contains(&c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One field for the terminal: every unsafe character (line breaks included) escaped.
/// Example: `"AB\u{1b}[31mCD"` -> `AB\x1b[31mCD`; `"x\ny"` -> `x\ny` (one line).
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, &[])
}

/// A whole message for the terminal: keeps `\n` and `\t`, escapes every other unsafe
/// character (ESC, CR, BEL, C1 controls, bidi overrides, ...).
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, &['\n', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_kind_of_control() {
        assert_eq!(line("AB\u{1b}[31mCD"), "AB\\x1b[31mCD");
        assert_eq!(line("x\ny\rz\tw"), "x\\ny\\rz\\tw");
        assert_eq!(line("bell\u{7}del\u{7f}"), "bell\\x07del\\x7f");
        assert_eq!(line("csi\u{9b}2J nel\u{85}"), "csi\\u{9b}2J nel\\u{85}");
        assert_eq!(line("a\u{202e}b\u{2028}c"), "a\\u{202e}b\\u{2028}c");
        assert_eq!(line("\u{0}"), "\\x00");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for s in [
            "arn:aws:iam::123456789012:role/admin",
            "日本語のプロファイル",
            "Prod Admin (é, ü, ß) █▀▄ ⠋",
            "",
        ] {
            assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
            assert!(!has_unsafe(s));
        }
    }

    #[test]
    fn lines_keeps_newlines_and_tabs_only() {
        assert_eq!(lines("a\nb\tc"), "a\nb\tc");
        assert_eq!(lines("a\r\n\u{1b}]0;t\u{7}"), "a\\r\n\\x1b]0;t\\x07");
        assert!(has_unsafe("x\u{1b}"));
    }
}
