//! PURE: the credentials file as a list of lines (the document the editor changes), and the
//! positions inside it that the editor and the duplicate merging both need.

use super::syntax::{self, Kind};

/// One physical line: its text without the line ending, and the ending (`""` only for a last
/// line without a final newline).
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub(super) body: String,
    pub(super) eol: &'static str,
}

/// The file as lines.
pub(super) struct Doc {
    pub(super) bom: bool,
    pub(super) lines: Vec<Line>,
    /// Line ending for lines we add: the file's first line ending, else `\n`.
    pub(super) nl: &'static str,
}

impl Doc {
    pub(super) fn parse(text: &str) -> Doc {
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let lines: Vec<Line> = syntax::split_lines(text)
            .into_iter()
            .map(|(body, eol)| Line {
                body: body.to_string(),
                eol,
            })
            .collect();
        let nl = lines
            .iter()
            .map(|l| l.eol)
            .find(|e| !e.is_empty())
            .unwrap_or("\n");
        Doc { bom, lines, nl }
    }

    pub(super) fn render(&self) -> String {
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        for l in &self.lines {
            out.push_str(&l.body);
            out.push_str(l.eol);
        }
        out
    }

    pub(super) fn bodies(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.body.as_str()).collect()
    }

    pub(super) fn kinds(&self) -> Vec<Kind> {
        syntax::classify(self.lines.iter().map(|l| l.body.as_str()))
    }

    /// The sections with their values, as botocore reads them.
    pub(super) fn sections(&self) -> Vec<syntax::Section> {
        let bodies = self.bodies();
        syntax::sections(&bodies, &self.kinds())
    }

    /// Every line except the last must end with a line ending.
    pub(super) fn fix_endings(&mut self) {
        let n = self.lines.len();
        let nl = self.nl;
        for l in self.lines.iter_mut().take(n.saturating_sub(1)) {
            if l.eol.is_empty() {
                l.eol = nl;
            }
        }
    }

    pub(super) fn new_line(&self, body: String) -> Line {
        Line { body, eol: self.nl }
    }
}

/// Sections named `name`: (header index, end index exclusive), in file order.
pub(super) fn sections_named(kinds: &[Kind], name: &str) -> Vec<(usize, usize)> {
    let headers: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| matches!(k, Kind::Header(_)))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for (n, &h) in headers.iter().enumerate() {
        if matches!(&kinds[h], Kind::Header(n) if n == name) {
            let end = headers.get(n + 1).copied().unwrap_or(kinds.len());
            out.push((h, end));
        }
    }
    out
}

/// Index just after the last key/continuation/other line of the section `[h, end)`, or
/// `h + 1`: trailing blank lines and comments belong to whatever follows.
pub(super) fn content_end(kinds: &[Kind], h: usize, end: usize) -> usize {
    (h + 1..end)
        .rev()
        .find(|&i| !matches!(kinds[i], Kind::Blank | Kind::Comment))
        .map_or(h + 1, |i| i + 1)
}

/// End (exclusive) of the key entry starting at `i`: the key line, its continuation lines
/// and the blank and comment lines among them (not those after the last continuation).
pub(super) fn entry_end(kinds: &[Kind], i: usize, end: usize) -> usize {
    let mut last = i;
    for (j, kind) in kinds.iter().enumerate().take(end).skip(i + 1) {
        match kind {
            Kind::Continuation => last = j,
            Kind::Blank | Kind::Comment => {}
            _ => break,
        }
    }
    last + 1
}

/// The indentation for key lines inserted after `head` (a section from its header on) and
/// before `rest` (the rest of the section) and `after` (the rest of the file), such that the
/// new lines are keys (not continuations of the key before them) and the next significant
/// line is not read as their continuation. Prefers the last key's indentation, then the
/// header's; `None` when no indentation fits.
pub(super) fn insertion_indent(head: &[Line], rest: &[Line], after: &[Line]) -> Option<String> {
    let mut state = syntax::State::default();
    let mut last_key = None;
    for line in head {
        if let Kind::Key(_) = state.next(&line.body) {
            last_key = Some(syntax::indent_str(&line.body));
        }
    }
    let next = rest.iter().chain(after).map(|l| l.body.as_str()).find(|b| {
        let s = syntax::strip(b);
        !s.is_empty() && !s.starts_with(['#', ';'])
    });
    let next_indent = next.map(syntax::indent_of);
    let header = head.first().map(|l| syntax::indent_str(&l.body));
    [last_key, header, next.map(syntax::indent_str), Some("")]
        .into_iter()
        .flatten()
        .find(|d| {
            let d = d.chars().count();
            next_indent.is_none_or(|e| e <= d) && (!state.key_open || d <= state.level)
        })
        .map(str::to_string)
}
