//! Colour and styles on stderr: whether colour is allowed, removing styles when it is not,
//! and the `IdP:` / `Role:` line. Pure: nothing here writes anywhere.

use crate::term::sanitize;

/// Whether coloured output is allowed by the environment: not when `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>), nor when `TERM` is `dumb`. Callers also require
/// the stream to be a terminal. Arguments: the values of `NO_COLOR` and `TERM`, if set
/// (`config` passes them once, from the environment snapshot).
pub fn color_allowed(no_color: Option<&str>, term: Option<&str>) -> bool {
    no_color.is_none_or(str::is_empty) && term.map(str::trim) != Some("dumb")
}

/// `text` without its SGR sequences (`ESC [ <digits and ;> m`: colour, bold, dim); every
/// other character, cursor movement included, is kept.
pub fn strip_styles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let params = after
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b';')
            .count();
        if after.as_bytes().get(params) == Some(&b'm') {
            rest = &after[params + 1..];
        } else {
            out.push_str("\x1b[");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The `  IdP: <label>` / `  Role: <label>` line printed when a value was chosen without the
/// chooser (docs/decisions.md#d-choice): two spaces, the word in bold, the value in ANSI-256
/// colour 39 when `color`, then a newline. Control characters in `label` (an okta.yaml
/// label or an ARN from the SAML assertion) are escaped ([`crate::term::sanitize::line`]).
pub fn selection_line(word: &str, label: &str, color: bool) -> String {
    let label = sanitize::line(label);
    if color {
        format!("  \x1b[1m{word}:\x1b[0m \x1b[38;5;39m{label}\x1b[0m\n")
    } else {
        format!("  {word}: {label}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_no_color_and_dumb_terminals() {
        assert!(color_allowed(None, None));
        assert!(color_allowed(None, Some("xterm-256color")));
        assert!(
            color_allowed(Some(""), Some("xterm")),
            "empty NO_COLOR is unset"
        );
        assert!(!color_allowed(Some("1"), Some("xterm")));
        assert!(!color_allowed(Some("0"), None), "any non-empty value");
        assert!(!color_allowed(None, Some("dumb")));
        assert!(!color_allowed(Some(""), Some("dumb")));
    }

    #[test]
    fn strip_styles_keeps_text_and_cursor_moves() {
        assert_eq!(
            strip_styles("\x1b[1;32m?\x1b[0m \x1b[1mChoose\x1b[0m"),
            "? Choose"
        );
        assert_eq!(strip_styles("\x1b[36m> a\x1b[0m"), "> a");
        assert_eq!(
            strip_styles("\x1b[2A\x1b[J\x1b[?25l x"),
            "\x1b[2A\x1b[J\x1b[?25l x"
        );
        assert_eq!(strip_styles("\x1b[m\x1b["), "\x1b[");
        assert_eq!(
            strip_styles(&selection_line("Role", "Admin", true)),
            selection_line("Role", "Admin", false)
        );
    }

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        let l = selection_line("Role", "evil\r\u{9b}2Jlabel", true);
        assert!(
            l.contains("evil\\r\\u{9b}2Jlabel") && !l.contains('\r'),
            "{l:?}"
        );
    }

    #[test]
    fn selection_lines() {
        assert_eq!(selection_line("IdP", "Prod", false), "  IdP: Prod\n");
        assert_eq!(
            selection_line("Role", "Admin", true),
            "  \x1b[1mRole:\x1b[0m \x1b[38;5;39mAdmin\x1b[0m\n"
        );
    }
}
