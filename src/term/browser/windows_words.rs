//! PURE: split a command line into words by the Windows rules, as `CommandLineToArgvW` and
//! the Microsoft C runtime do ("Parsing C command-line arguments", Microsoft Learn:
//! <https://learn.microsoft.com/en-us/cpp/c-language/parsing-c-command-line-arguments>).
//!
//! * Words are separated by spaces and tabs (any run of them).
//! * The first word is the program: double quotes group spaces and are dropped, and every
//!   backslash is kept as it is (`"C:\Program Files\x.exe"` is `C:\Program Files\x.exe`).
//! * In the other words, double quotes group spaces and are dropped; inside quotes `""` is
//!   one literal `"`. A quote that ends the text while quoted ends the word.
//! * Backslashes are literal, except right before a double quote: `2n` backslashes and a
//!   quote give `n` backslashes and the quote groups; `2n + 1` backslashes and a quote give
//!   `n` backslashes and a literal `"`.
//!
//! No text is refused: an unclosed quote runs to the end of the text.

/// The words of the Windows command line `line` (see the module doc). Leading and trailing
/// spaces and tabs are ignored; an empty or blank line has no words.
pub fn split(line: &str) -> Vec<String> {
    let is_sep = |c: char| c == ' ' || c == '\t';
    let mut chars = line.trim_start_matches(is_sep).chars().peekable();
    let mut words = Vec::new();
    if chars.peek().is_none() {
        return words;
    }
    // The program: quotes toggle, nothing escapes.
    let mut program = String::new();
    let mut quoted = false;
    while let Some(&c) = chars.peek() {
        if is_sep(c) && !quoted {
            break;
        }
        chars.next();
        if c == '"' {
            quoted = !quoted;
        } else {
            program.push(c);
        }
    }
    words.push(program);
    // The other words.
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                in_word = true;
                let mut n = 1;
                while chars.peek() == Some(&'\\') {
                    chars.next();
                    n += 1;
                }
                if chars.peek() == Some(&'"') {
                    word.extend(std::iter::repeat_n('\\', n / 2));
                    if n % 2 == 1 {
                        chars.next();
                        word.push('"');
                    }
                } else {
                    word.extend(std::iter::repeat_n('\\', n));
                }
            }
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    word.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' => {
                in_word = true;
                quoted = true;
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::split;

    fn words(line: &str) -> Vec<String> {
        split(line)
    }

    /// The examples of Microsoft's "Parsing C command-line arguments" table, each after a
    /// program name.
    #[test]
    fn microsofts_documented_examples() {
        for (line, want) in [
            (r#""a b c" d e"#, &["a b c", "d", "e"][..]),
            (r#""ab\"c" "\\" d"#, &[r#"ab"c"#, r"\", "d"]),
            (r#"a\\\b d"e f"g h"#, &[r"a\\\b", "de fg", "h"]),
            (r#"a\\\"b c d"#, &[r#"a\"b"#, "c", "d"]),
            (r#"a\\\\"b c" d e"#, &[r"a\\b c", "d", "e"]),
            (r#"a"b"" c d"#, &[r#"ab" c d"#]),
        ] {
            let got = words(&format!("prog {line}"));
            assert_eq!(got[0], "prog", "{line}");
            assert_eq!(&got[1..], want, "{line}");
        }
    }

    #[test]
    fn the_program_keeps_its_backslashes() {
        assert_eq!(
            words(r#""C:\Program Files\Mozilla Firefox\firefox.exe" -private-window"#),
            [
                r"C:\Program Files\Mozilla Firefox\firefox.exe",
                "-private-window"
            ]
        );
        // Unquoted, a space ends it; a backslash before a quote escapes nothing in it.
        assert_eq!(
            words(r"C:\tools\browser.exe --new-window"),
            [r"C:\tools\browser.exe", "--new-window"]
        );
        assert_eq!(words(r#""C:\dir\"x y"#), [r"C:\dir\x", "y"]);
        assert_eq!(words(r#"C:\a" "b\c d"#), [r"C:\a b\c", "d"]);
    }

    #[test]
    fn separators_quotes_and_empty_words() {
        assert!(words("").is_empty());
        assert!(words(" \t ").is_empty());
        assert_eq!(words("  prog \t a   b  "), ["prog", "a", "b"]);
        // A quoted empty word is a word; an unclosed quote runs to the end.
        assert_eq!(words(r#"prog "" x"#), ["prog", "", "x"]);
        assert_eq!(words(r#"prog "a b"#), ["prog", "a b"]);
        assert_eq!(words(r#"prog ""#), ["prog", ""]);
        // Single quotes are plain characters; backslashes not before a quote stay.
        assert_eq!(words(r"prog 'a b' c\d\\"), ["prog", "'a", "b'", r"c\d\\"]);
        // Two backslashes before a quote: one backslash, and the quote groups.
        assert_eq!(words(r#"prog a\\"b c""#), ["prog", r"a\b c"]);
        // Only space and tab separate words.
        assert_eq!(words("prog a\u{a0}b\nc"), ["prog", "a\u{a0}b\nc"]);
    }
}
