//! PURE: how botocore's parser reads each line of a credentials file.
//!
//! botocore reads the file with Python's `configparser.RawConfigParser` (strict, `#` and `;`
//! comment lines, no inline comments, `=` and `:` delimiters, empty lines allowed inside
//! values), in text mode. This module follows CPython's `RawConfigParser._read` line by line:
//!
//! * Lines end at `\r\n`, `\r` or `\n` (universal newlines); nothing else ends a line.
//! * Whitespace is Python's (`str.isspace`): besides Unicode's White_Space also `\x1c`-`\x1f`.
//!   A line's indent is its count of leading whitespace characters.
//! * A line that is empty after stripping is blank; one whose stripped text starts with `#`
//!   or `;` is a comment. Neither ends a value, and neither changes the indent level.
//! * Any other line continues the current value when a key is open and its indent is greater
//!   than the indent level (the indent of the last header, key or unparsable line).
//!   Otherwise it sets the indent level and is a header when its stripped text matches
//!   `\[(.+)\]` (the name is everything up to the last `]`, not trimmed: `[ p ]` is section
//!   ` p `), else a key when it holds `=` or `:` (the key is the text before the first one,
//!   stripped, lower-cased with Unicode rules as `str.lower()`), else unparsable.
//! * A header closes the open key. An unparsable line keeps it, except an empty key (`= v`)
//!   which closes it.
//! * Values: the text after the delimiter, stripped, then each continuation line stripped, a
//!   blank line (not a comment) inside a value adds an empty line, and the whole is
//!   right-stripped.
//!
//! A UTF-8 byte-order mark is not part of any line (the caller removes it).

/// Whether Python's `str.isspace()` holds for `c`.
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `s.strip()` in Python.
pub(super) fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// The leading whitespace of a line, as Python counts it.
pub(super) fn indent_str(body: &str) -> &str {
    &body[..body.len() - body.trim_start_matches(is_space).len()]
}

/// A line's indent: the number of leading whitespace characters.
pub(super) fn indent_of(body: &str) -> usize {
    indent_str(body).chars().count()
}

/// Split `text` into (body, line ending) pairs; the ending is `"\r\n"`, `"\r"`, `"\n"`, or
/// `""` for a last line without one. Empty text has no lines.
pub(super) fn split_lines(text: &str) -> Vec<(&str, &'static str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((&text[start..i], "\n"));
                i += 1;
                start = i;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.push((&text[start..i], "\r\n"));
                i += 2;
                start = i;
            }
            b'\r' => {
                out.push((&text[start..i], "\r"));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        out.push((&text[start..], ""));
    }
    out
}

/// What a line is to the parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    /// A section header, with its name exactly as between the brackets.
    Header(String),
    /// A key line, with the key folded as `configparser` folds it.
    Key(String),
    /// A line continuing the open key's value.
    Continuation,
    Comment,
    Blank,
    /// A line the parser cannot read (Python rejects the file); kept as it is.
    Other,
}

/// Where the delimiter of a key line is: the byte offset of the first `=` or `:` in `body`.
pub(super) fn delimiter(body: &str) -> Option<usize> {
    body.find(['=', ':'])
}

/// The header name of a stripped line, if it is a header: `\[(.+)\]` matched greedily at
/// the start (trailing text after the last `]` is ignored, as `re.match` does).
fn header_name(stripped: &str) -> Option<&str> {
    let rest = stripped.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    (close > 0).then(|| &rest[..close])
}

/// The parser's state between lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct State {
    /// A section header has been seen.
    pub in_section: bool,
    /// A key is open: a more indented line continues its value.
    pub key_open: bool,
    /// Indent of the last header, key or unparsable line.
    pub level: usize,
}

impl State {
    /// Classify the next line and advance the state.
    pub(super) fn next(&mut self, body: &str) -> Kind {
        let stripped = strip(body);
        if stripped.is_empty() {
            return Kind::Blank;
        }
        if stripped.starts_with(['#', ';']) {
            return Kind::Comment;
        }
        let indent = indent_of(body);
        if self.in_section && self.key_open && indent > self.level {
            return Kind::Continuation;
        }
        self.level = indent;
        if let Some(name) = header_name(stripped) {
            self.in_section = true;
            self.key_open = false;
            return Kind::Header(name.to_string());
        }
        match delimiter(stripped) {
            Some(0) => {
                self.key_open = false;
                Kind::Other
            }
            Some(p) => {
                self.key_open = true;
                Kind::Key(strip(&stripped[..p]).to_lowercase())
            }
            None => Kind::Other,
        }
    }
}

/// Classify every line of a file (bodies without line endings).
pub(super) fn classify<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Vec<Kind> {
    let mut state = State::default();
    bodies.into_iter().map(|b| state.next(b)).collect()
}

/// One section as the parser sees it: its name (`None` for keys before any header, which
/// Python rejects), its header's line index, and its (key, value) pairs in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Section {
    pub name: Option<String>,
    pub line: usize,
    pub items: Vec<(String, String)>,
}

/// The value of the key line at `i`, as `configparser` builds it: the text after the
/// delimiter, then its continuation lines and the blank lines among them, each stripped,
/// joined with `\n` and right-stripped.
pub(super) fn value_at(bodies: &[&str], kinds: &[Kind], i: usize) -> String {
    let s = strip(bodies[i]);
    let mut parts = vec![delimiter(s).map_or("", |p| strip(&s[p + 1..]))];
    for (body, kind) in bodies.iter().zip(kinds).skip(i + 1) {
        match kind {
            Kind::Continuation => parts.push(strip(body)),
            Kind::Blank => parts.push(""),
            Kind::Comment => {}
            // An unparsable line without a delimiter keeps the key open.
            Kind::Other if delimiter(strip(body)).is_none() => {}
            _ => break,
        }
    }
    parts.join("\n").trim_end_matches(is_space).to_string()
}

/// The sections of a file with their values, as `configparser` would build them (duplicate
/// sections and keys are kept as separate entries; Python's strict mode rejects them).
pub(super) fn sections(bodies: &[&str], kinds: &[Kind]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        match kind {
            Kind::Header(name) => out.push(Section {
                name: Some(name.clone()),
                line: i,
                items: Vec::new(),
            }),
            Kind::Key(key) => {
                if out.is_empty() {
                    out.push(Section {
                        name: None,
                        line: i,
                        items: Vec::new(),
                    });
                }
                let value = value_at(bodies, kinds, i);
                if let Some(sec) = out.last_mut() {
                    sec.items.push((key.clone(), value));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        classify(split_lines(text).into_iter().map(|(b, _)| b))
    }

    fn key(k: &str) -> Kind {
        Kind::Key(k.into())
    }

    fn header(h: &str) -> Kind {
        Kind::Header(h.into())
    }

    #[test]
    fn whitespace_is_pythons() {
        for c in [
            '\x0b', '\x0c', '\x1c', '\x1f', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}',
        ] {
            assert!(is_space(c), "{c:?}");
        }
        for c in ['\u{200b}', '\u{feff}', 'x', '\x1b'] {
            assert!(!is_space(c), "{c:?}");
        }
        assert_eq!(indent_of("\x1c\u{a0} k = v"), 3);
    }

    #[test]
    fn universal_newlines_only() {
        assert_eq!(
            split_lines("a\rb\r\nc\nd\u{2028}e\x0bf\x0c"),
            vec![
                ("a", "\r"),
                ("b", "\r\n"),
                ("c", "\n"),
                ("d\u{2028}e\x0bf\x0c", "")
            ]
        );
        assert_eq!(split_lines("a\r\r\n"), vec![("a", "\r"), ("", "\r\n")]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn continuation_is_relative_to_the_key_indent() {
        assert_eq!(
            kinds("[a]\n  k = v\n   more\n  j = w\n k2 = x\n  cont\n"),
            vec![
                header("a"),
                key("k"),
                Kind::Continuation,
                key("j"),
                key("k2"),
                Kind::Continuation
            ]
        );
        // Blank and comment lines do not end a value; an indented header inside is text.
        assert_eq!(
            kinds("[a]\nk = v\n\n# c\n  [b]\n"),
            vec![
                header("a"),
                key("k"),
                Kind::Blank,
                Kind::Comment,
                Kind::Continuation
            ]
        );
        // An indented block: a line indented no more than its key is a header or key.
        assert_eq!(
            kinds("  [a]\n  k = v\n  [p]\n    x = 1\n  y = 2\n"),
            vec![header("a"), key("k"), header("p"), key("x"), key("y")]
        );
        // After a header any indent starts a key.
        assert_eq!(kinds("[a]\n\t\tk = v\n"), vec![header("a"), key("k")]);
    }

    #[test]
    fn headers_are_not_trimmed_and_keys_fold_as_python() {
        assert_eq!(
            kinds("[ p ]\n  [a]b] x\n[]\n"),
            vec![header(" p "), header("a]b"), Kind::Other]
        );
        assert_eq!(
            kinds("[a]\nAWS_Access_\u{212a}ey_ID : v\nk = v ; not a comment\n"),
            vec![header("a"), key("aws_access_key_id"), key("k")]
        );
    }

    #[test]
    fn values_join_continuations_and_blank_lines() {
        let text = "[a]\nk = v ; x\n\n  more\n# c\n  end\n\nj:\n[b]\n";
        let lines = split_lines(text);
        let bodies: Vec<&str> = lines.iter().map(|l| l.0).collect();
        let secs = sections(&bodies, &classify(bodies.iter().copied()));
        assert_eq!(secs.len(), 2);
        assert_eq!(
            secs[0].items,
            vec![
                ("k".to_string(), "v ; x\n\nmore\nend".to_string()),
                ("j".to_string(), String::new())
            ]
        );
        assert_eq!(secs[1].name.as_deref(), Some("b"));
    }
}
