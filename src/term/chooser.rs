//! The interactive chooser for an IdP or a role, drawn on stderr (stdout is never touched).
//!
//! Pure: [`Chooser`] takes keys and gives back an [`Outcome`] and the screen lines; the
//! filter ranks labels with [`match_rank`]. I/O: [`can_prompt`] says whether a choice is
//! possible here; [`choose`] runs the chooser on the terminal in raw mode
//! ([`crate::term::raw_mode`]), with keys decoded by [`crate::term::keys`].

#[cfg(not(unix))]
use std::io::IsTerminal;

use crate::error::{Error, Result};
use crate::term::keys::Key;
#[cfg(unix)]
use crate::term::raw_mode::terminal_in_foreground;
use crate::term::raw_mode::{self, stderr_is_tty};
use crate::term::sanitize;

// ---------------------------------------------------------------------------------------
// Chooser logic
// ---------------------------------------------------------------------------------------

/// How a [`Key`] left the chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still choosing.
    Continue,
    /// The item with this index (into the original list) was selected.
    Chosen(usize),
    /// Esc or ctrl-c.
    Cancelled,
}

/// Longest filter text accepted (characters).
pub const MAX_FILTER: usize = 100;
/// Most items shown at once.
pub const MAX_ROWS: usize = 15;

/// Whether `query` is a case-insensitive subsequence of `label`.
pub fn subsequence_match(query: &str, label: &str) -> bool {
    let mut hay = label.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|q| hay.any(|h| h == q))
}

/// Rank of a match (lower is better): 0 the part after the last `/` contains the query, 1
/// the label contains it, 2 a scattered subsequence; `None` no match.
pub fn match_rank(query: &str, label: &str) -> Option<u8> {
    if !subsequence_match(query, label) {
        return None;
    }
    let q = query.to_lowercase();
    let l = label.to_lowercase();
    let tail = l.rsplit('/').next().unwrap_or(&l);
    Some(if tail.contains(&q) {
        0
    } else if l.contains(&q) {
        1
    } else {
        2
    })
}

/// The interactive chooser's state: items, filter, cursor, scroll position. Pure: keys in,
/// [`Outcome`] and screen lines out.
#[derive(Debug, Clone)]
pub struct Chooser {
    title: String,
    items: Vec<String>,
    query: String,
    view: Vec<usize>,
    cursor: usize,
    offset: usize,
}

impl Chooser {
    /// A chooser titled `title` (e.g. `Choose a Role:`) over `items` (the labels shown).
    /// Control characters in the items (labels from Okta or okta.yaml) are escaped
    /// ([`crate::term::sanitize::line`]) before they are filtered or drawn.
    pub fn new(title: &str, items: Vec<String>) -> Chooser {
        let mut c = Chooser {
            title: sanitize::line(title).into_owned(),
            items: items
                .into_iter()
                .map(|i| sanitize::line(&i).into_owned())
                .collect(),
            query: String::new(),
            view: Vec::new(),
            cursor: 0,
            offset: 0,
        };
        c.refilter();
        c
    }

    /// Indices (into the items) currently shown, best match first.
    pub fn view(&self) -> &[usize] {
        &self.view
    }

    /// The current filter text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The item index under the cursor, if any item matches.
    pub fn current(&self) -> Option<usize> {
        self.view.get(self.cursor).copied()
    }

    fn refilter(&mut self) {
        let mut ranked: Vec<(u8, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match_rank(&self.query, l).map(|r| (r, i)))
            .collect();
        ranked.sort_by_key(|&(r, i)| (r, i));
        self.view = ranked.into_iter().map(|(_, i)| i).collect();
        self.cursor = 0;
        self.offset = 0;
    }

    /// Apply one key; `rows` is how many items fit on screen (for paging).
    pub fn apply(&mut self, key: Key, rows: usize) -> Outcome {
        let rows = rows.max(1);
        let last = self.view.len().saturating_sub(1);
        match key {
            Key::Up => self.cursor = self.cursor.saturating_sub(1),
            Key::Down => self.cursor = (self.cursor + 1).min(last),
            Key::PageUp => self.cursor = self.cursor.saturating_sub(rows),
            Key::PageDown => self.cursor = (self.cursor + rows).min(last),
            Key::Home => self.cursor = 0,
            Key::End => self.cursor = last,
            Key::Enter => {
                if let Some(i) = self.current() {
                    return Outcome::Chosen(i);
                }
            }
            Key::Esc | Key::CtrlC => return Outcome::Cancelled,
            Key::Backspace => {
                if self.query.pop().is_some() {
                    self.refilter();
                }
            }
            Key::ClearFilter => {
                if !self.query.is_empty() {
                    self.query.clear();
                    self.refilter();
                }
            }
            Key::Char(c) => {
                if self.query.chars().count() < MAX_FILTER {
                    self.query.push(c);
                    self.refilter();
                }
            }
        }
        self.scroll(rows);
        Outcome::Continue
    }

    fn scroll(&mut self, rows: usize) {
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
        let max_offset = self.view.len().saturating_sub(rows);
        self.offset = self.offset.min(max_offset);
    }

    /// The screen lines (with ANSI styling, no newlines) for a terminal `width` columns wide
    /// showing at most `rows` items: title, filter line, "N more above", items with `> `
    /// marking the cursor (or "No matches found"), "N more below", footer.
    pub fn render(&mut self, width: usize, rows: usize) -> Vec<String> {
        let rows = rows.max(1);
        self.scroll(rows);
        let width = width.max(20);
        let fit = |s: &str, room: usize| -> String {
            if s.chars().count() <= room {
                s.to_string()
            } else {
                let mut t: String = s.chars().take(room.saturating_sub(1)).collect();
                t.push('…');
                t
            }
        };
        let mut lines = vec![format!(
            "\x1b[1;32m?\x1b[0m \x1b[1m{}\x1b[0m",
            fit(&self.title, width - 2)
        )];
        if self.query.is_empty() {
            lines.push("  \x1b[2mType to search...\x1b[0m".to_string());
        } else {
            // Typed text is escaped like server text: a pasted bidi override (U+202E) or
            // line separator must not reorder or break what is drawn.
            lines.push(format!(
                "  {}",
                fit(&sanitize::line(&self.query), width - 2)
            ));
        }
        if self.offset > 0 {
            lines.push(format!("  \x1b[2m↑ {} more above\x1b[0m", self.offset));
        }
        if self.view.is_empty() {
            lines.push("  \x1b[2mNo matches found\x1b[0m".to_string());
        }
        let end = (self.offset + rows).min(self.view.len());
        for (pos, &item) in self.view[self.offset..end].iter().enumerate() {
            let label = fit(&self.items[item], width - 2);
            if self.offset + pos == self.cursor {
                lines.push(format!("\x1b[36m> {label}\x1b[0m"));
            } else {
                lines.push(format!("  {label}"));
            }
        }
        if end < self.view.len() {
            lines.push(format!(
                "  \x1b[2m↓ {} more below\x1b[0m",
                self.view.len() - end
            ));
        }
        lines.push(format!(
            "  \x1b[2m{}\x1b[0m",
            fit(
                &format!(
                    "{}/{}  •  ↑/↓ navigate  •  enter select  •  esc cancel",
                    self.view.len(),
                    self.items.len()
                ),
                width - 2
            )
        ));
        lines
    }
}

/// Items shown for a terminal `height` lines high: up to [`MAX_ROWS`], leaving room for the
/// title, filter, scroll hints and footer, at least 3.
pub fn rows_for_height(height: usize) -> usize {
    height.saturating_sub(6).clamp(3, MAX_ROWS)
}

// ---------------------------------------------------------------------------------------
// Chooser I/O
// ---------------------------------------------------------------------------------------

/// Whether an interactive choice is possible: stderr is a terminal and the controlling
/// terminal can be opened for keys with this process in its foreground process group
/// ([`terminal_in_foreground`]; stdin is a terminal on non-Unix systems). The caller
/// also refuses in a credential helper's format (`process-credentials`, `eks-token`;
/// docs/decisions.md#d-choice) and then uses
/// `okta::web_sso::no_tty_error`.
pub fn can_prompt() -> bool {
    if !stderr_is_tty() {
        return false;
    }
    #[cfg(unix)]
    {
        terminal_in_foreground()
    }
    #[cfg(not(unix))]
    {
        std::io::stdin().is_terminal()
    }
}

/// Let the user choose one of `labels` (I/O): drawn on stderr, keys from the terminal in
/// raw mode; arrows / ctrl-p / ctrl-n move, typing filters, enter selects. The chooser
/// erases itself afterwards. A single label is returned at once without drawing.
///
/// Drawn with colour and styles only when `color` (the caller's setting, see
/// [`color_allowed`](crate::term::style::color_allowed)).
///
/// Returns the index into `labels`. Errors: Esc / ctrl-c -> [`Error::Interrupted`]; no
/// terminal or a terminal error -> [`Error::Runtime`].
pub fn choose(title: &str, labels: &[String], color: bool) -> Result<usize> {
    match labels.len() {
        0 => Err(Error::runtime(format!(
            "nothing to choose from for \"{title}\""
        ))),
        1 => Ok(0),
        _ => choose_on_terminal(title, labels, color),
    }
}

#[cfg(unix)]
fn choose_on_terminal(title: &str, labels: &[String], color: bool) -> Result<usize> {
    use rustix::termios::tcgetwinsize;
    use std::io::Read;

    use crate::term::keys::KeyDecoder;
    use crate::term::style::strip_styles;

    let (tty, _restore) = raw_mode::enter_raw_mode()?;

    let mut chooser = Chooser::new(title, labels.to_vec());
    let mut decoder = KeyDecoder::default();
    let mut drawn = 0usize;
    let mut buf = [0u8; 256];
    let outcome = loop {
        let (width, height) = match tcgetwinsize(&tty) {
            Ok(w) if w.ws_col > 0 && w.ws_row > 0 => (w.ws_col as usize, w.ws_row as usize),
            _ => (80, 24),
        };
        let rows = rows_for_height(height);
        let mut lines = chooser.render(width, rows);
        if !color {
            lines = lines.iter().map(|l| strip_styles(l)).collect();
        }
        redraw(drawn, &lines);
        drawn = lines.len();
        let n = (&tty)
            .read(&mut buf)
            .map_err(|e| raw_mode::terminal_error(&e))?;
        if n == 0 {
            break Outcome::Cancelled;
        }
        let mut done = None;
        for key in decoder.feed(&buf[..n]) {
            match chooser.apply(key, rows) {
                Outcome::Continue => {}
                other => {
                    done = Some(other);
                    break;
                }
            }
        }
        if let Some(o) = done {
            break o;
        }
    };
    redraw(drawn, &[]);
    match outcome {
        Outcome::Chosen(i) => Ok(i),
        _ => Err(Error::Interrupted),
    }
}

/// Replace the `previous` lines drawn last time (cursor on the last of them) by `lines`.
#[cfg(unix)]
fn redraw(previous: usize, lines: &[String]) {
    let mut out = String::from("\x1b[?25l\r");
    if previous > 1 {
        out.push_str(&format!("\x1b[{}A", previous - 1));
    }
    out.push_str("\x1b[J");
    out.push_str(&lines.join("\r\n"));
    crate::term::stderr::say_styled(&out);
}

#[cfg(not(unix))]
fn choose_on_terminal(title: &str, labels: &[String], _color: bool) -> Result<usize> {
    // No raw terminal mode here: a numbered list and a line of input.
    let mut text = format!("? {title}\n");
    for (i, l) in labels.iter().enumerate() {
        text.push_str(&format!("  {}) {l}\n", i + 1));
    }
    text.push_str("Enter a number (empty to cancel): ");
    crate::term::stderr::say(&text);
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| raw_mode::terminal_error(&e))?;
    match line.trim().parse::<usize>() {
        Ok(n) if (1..=labels.len()).contains(&n) => Ok(n - 1),
        _ => Err(Error::Interrupted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::keys::KeyDecoder;
    use crate::term::style::strip_styles;

    #[test]
    fn chooser_lines_strip_to_plain_text() {
        let mut c = Chooser::new("Choose a Role", vec!["a".into(), "b".into()]);
        for line in c.render(80, 10) {
            let plain = strip_styles(&line);
            assert!(!plain.contains('\x1b'), "{plain:?}");
        }
    }

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        let mut c = Chooser::new(
            "Choose a Role:",
            vec!["a\u{1b}]0;x\u{7}".into(), "b".into()],
        );
        let drawn = c.render(80, 10).join("\n");
        assert!(
            drawn.contains("a\\x1b]0;x\\x07") && !drawn.contains('\u{7}'),
            "{drawn:?}"
        );
    }

    #[test]
    fn typed_filter_text_is_echoed_escaped() {
        let mut c = Chooser::new("Choose a Role:", vec!["admin".into(), "dev".into()]);
        let mut keys = KeyDecoder::default();
        // A right-to-left override, a line separator and a left-to-right isolate, typed or
        // pasted as UTF-8 (they are not control characters, so the key reader keeps them).
        let typed = "a\u{202e}d\u{2028}\u{2066}";
        for key in keys.feed(typed.as_bytes()) {
            c.apply(key, 10);
        }
        assert_eq!(c.query(), typed);
        let drawn = c.render(80, 10).join("\n");
        for raw in ['\u{202e}', '\u{2028}', '\u{2066}'] {
            assert!(!drawn.contains(raw), "{drawn:?}");
        }
        assert!(drawn.contains("a\\u{202e}d\\u{2028}\\u{2066}"), "{drawn:?}");
    }

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn filtering_is_case_insensitive_subsequence() {
        assert!(subsequence_match("rdo", "arn:aws:iam::1:role/ReadOnly"));
        assert!(subsequence_match("", "x"));
        assert!(!subsequence_match("xyz", "arn:aws:iam::1:role/ReadOnly"));
        assert!(!subsequence_match("ba", "ab"));
        let mut c = Chooser::new(
            "Choose a Role:",
            labels(&[
                "arn:aws:iam::111:role/Admin",
                "arn:aws:iam::222:role/ReadOnly",
                "arn:aws:iam::222:role/Admin",
                "Billing (admin team)",
            ]),
        );
        for ch in "admin".chars() {
            assert_eq!(c.apply(Key::Char(ch), 10), Outcome::Continue);
        }
        // Tail matches first, then label substring; the scattered ReadOnly match is out
        // (r-e-a-d-o-n-l-y has no "m").
        assert_eq!(c.view(), [0, 2, 3]);
        c.apply(Key::Backspace, 10);
        assert_eq!(c.query(), "admi");
        c.apply(Key::ClearFilter, 10);
        assert_eq!(c.view(), [0, 1, 2, 3]);
        for ch in "222".chars() {
            c.apply(Key::Char(ch), 10);
        }
        assert_eq!(c.view(), [1, 2]);
        c.apply(Key::Down, 10);
        assert_eq!(c.apply(Key::Enter, 10), Outcome::Chosen(2));
        c.apply(Key::Char('q'), 10);
        assert!(c.view().is_empty());
        assert_eq!(c.apply(Key::Enter, 10), Outcome::Continue);
        assert_eq!(c.apply(Key::Esc, 10), Outcome::Cancelled);
        assert_eq!(c.apply(Key::CtrlC, 10), Outcome::Cancelled);
    }

    #[test]
    fn navigation_and_scrolling() {
        let items: Vec<String> = (0..40).map(|i| format!("role-{i:02}")).collect();
        let mut c = Chooser::new("Choose a Role:", items);
        assert_eq!(c.apply(Key::Up, 5), Outcome::Continue);
        assert_eq!(c.current(), Some(0));
        for _ in 0..7 {
            c.apply(Key::Down, 5);
        }
        assert_eq!(c.current(), Some(7));
        let lines = c.render(80, 5);
        let plain: Vec<String> = lines.iter().map(|l| strip_ansi(l)).collect();
        assert_eq!(plain[0], "? Choose a Role:");
        assert_eq!(plain[1], "  Type to search...");
        assert_eq!(plain[2], "  ↑ 3 more above");
        assert_eq!(
            &plain[3..8],
            [
                "  role-03",
                "  role-04",
                "  role-05",
                "  role-06",
                "> role-07"
            ]
        );
        assert_eq!(plain[8], "  ↓ 32 more below");
        assert_eq!(
            plain[9],
            "  40/40  •  ↑/↓ navigate  •  enter select  •  esc cancel"
        );
        c.apply(Key::PageDown, 5);
        assert_eq!(c.current(), Some(12));
        c.apply(Key::End, 5);
        assert_eq!(c.current(), Some(39));
        c.apply(Key::Down, 5);
        assert_eq!(c.current(), Some(39));
        let plain: Vec<String> = c.render(80, 5).iter().map(|l| strip_ansi(l)).collect();
        assert_eq!(
            plain.last().unwrap(),
            "  40/40  •  ↑/↓ navigate  •  enter select  •  esc cancel"
        );
        assert!(plain.contains(&"> role-39".to_string()));
        assert!(!plain.iter().any(|l| l.contains("more below")));
        c.apply(Key::PageUp, 5);
        assert_eq!(c.current(), Some(34));
        c.apply(Key::Home, 5);
        assert_eq!(c.current(), Some(0));
        assert_eq!(c.apply(Key::Enter, 5), Outcome::Chosen(0));

        let mut c = Chooser::new("T", labels(&["a", "b"]));
        c.apply(Key::Char('z'), 5);
        let plain: Vec<String> = c.render(80, 5).iter().map(|l| strip_ansi(l)).collect();
        assert_eq!(plain[1], "  z");
        assert_eq!(plain[2], "  No matches found");
        assert!(plain[3].starts_with("  0/2"));
    }

    #[test]
    fn long_labels_are_cut_to_the_width() {
        let mut c = Chooser::new("Choose", labels(&[&"x".repeat(200), "short"]));
        for line in c.render(40, 5) {
            assert!(strip_ansi(&line).chars().count() <= 40, "{line}");
        }
        assert_eq!(rows_for_height(24), 15);
        assert_eq!(rows_for_height(10), 4);
        assert_eq!(rows_for_height(2), 3);
    }

    #[test]
    fn filter_length_is_bounded() {
        let mut c = Chooser::new("T", labels(&["a", "b"]));
        for _ in 0..150 {
            c.apply(Key::Char('a'), 5);
        }
        assert_eq!(c.query().chars().count(), MAX_FILTER);
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for n in chars.by_ref() {
                    if n.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
