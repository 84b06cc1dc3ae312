//! Key presses from a terminal in raw mode: bytes in, [`Key`]s out. Pure: the caller reads
//! the bytes.

/// A key press understood by the chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Up arrow or ctrl-p.
    Up,
    /// Down arrow or ctrl-n.
    Down,
    /// Page Up.
    PageUp,
    /// Page Down.
    PageDown,
    /// Home or ctrl-a.
    Home,
    /// End or ctrl-e.
    End,
    /// Enter (CR or LF).
    Enter,
    /// A lone Escape.
    Esc,
    /// ctrl-c (raw mode delivers it as a byte).
    CtrlC,
    /// Backspace / DEL.
    Backspace,
    /// ctrl-u or ctrl-w: clear the filter.
    ClearFilter,
    /// A printable character typed into the filter.
    Char(char),
}

/// Turns bytes read from a raw-mode terminal into [`Key`]s. Incomplete escape sequences and
/// UTF-8 characters at the end of a chunk are kept for the next chunk; an Escape byte that
/// ends a chunk is a lone Escape. Unknown sequences are ignored.
#[derive(Debug, Default)]
pub struct KeyDecoder {
    pending: Vec<u8>,
}

impl KeyDecoder {
    /// Decode one chunk of input.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Key> {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(bytes);
        let mut keys = Vec::new();
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            let step = match b {
                0x1b => match decode_escape(&data[i..]) {
                    Escape::Key(k, n) => {
                        keys.extend(k);
                        n
                    }
                    Escape::Incomplete => {
                        self.pending = data[i..].to_vec();
                        return keys;
                    }
                },
                b'\r' | b'\n' => {
                    keys.push(Key::Enter);
                    1
                }
                0x03 => {
                    keys.push(Key::CtrlC);
                    1
                }
                0x10 => {
                    keys.push(Key::Up);
                    1
                }
                0x0e => {
                    keys.push(Key::Down);
                    1
                }
                0x01 => {
                    keys.push(Key::Home);
                    1
                }
                0x05 => {
                    keys.push(Key::End);
                    1
                }
                0x7f | 0x08 => {
                    keys.push(Key::Backspace);
                    1
                }
                0x15 | 0x17 => {
                    keys.push(Key::ClearFilter);
                    1
                }
                0x00..=0x1f => 1,
                _ => {
                    let len = match b {
                        0x20..=0x7e => 1,
                        0xc2..=0xdf => 2,
                        0xe0..=0xef => 3,
                        0xf0..=0xf4 => 4,
                        _ => 0,
                    };
                    if len == 0 {
                        1
                    } else if i + len > data.len() {
                        self.pending = data[i..].to_vec();
                        return keys;
                    } else {
                        if let Ok(s) = std::str::from_utf8(&data[i..i + len])
                            && let Some(c) = s.chars().next()
                            && !c.is_control()
                        {
                            keys.push(Key::Char(c));
                        }
                        len
                    }
                }
            };
            i += step;
        }
        keys
    }
}

enum Escape {
    /// The key (if known) and how many bytes it used.
    Key(Option<Key>, usize),
    Incomplete,
}

fn decode_escape(d: &[u8]) -> Escape {
    match d.get(1) {
        None => Escape::Key(Some(Key::Esc), 1),
        Some(b'[') => {
            let mut j = 2;
            while j < d.len() && (0x20..=0x3f).contains(&d[j]) {
                j += 1;
            }
            let Some(&fin) = d.get(j) else {
                return Escape::Incomplete;
            };
            if !(0x40..=0x7e).contains(&fin) {
                // Not a valid CSI: treat the Escape alone.
                return Escape::Key(Some(Key::Esc), 1);
            }
            let params = &d[2..j];
            let key = match (fin, params) {
                (b'A', _) => Some(Key::Up),
                (b'B', _) => Some(Key::Down),
                (b'H', _) => Some(Key::Home),
                (b'F', _) => Some(Key::End),
                (b'~', b"1" | b"7") => Some(Key::Home),
                (b'~', b"4" | b"8") => Some(Key::End),
                (b'~', b"5") => Some(Key::PageUp),
                (b'~', b"6") => Some(Key::PageDown),
                _ => None,
            };
            Escape::Key(key, j + 1)
        }
        Some(b'O') => match d.get(2) {
            None => Escape::Incomplete,
            Some(b'A') => Escape::Key(Some(Key::Up), 3),
            Some(b'B') => Escape::Key(Some(Key::Down), 3),
            Some(b'H') => Escape::Key(Some(Key::Home), 3),
            Some(b'F') => Escape::Key(Some(Key::End), 3),
            Some(_) => Escape::Key(None, 3),
        },
        // Escape followed by anything else (e.g. alt+key): a lone Escape.
        Some(_) => Escape::Key(Some(Key::Esc), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_decoding() {
        let mut d = KeyDecoder::default();
        assert_eq!(
            d.feed(b"\x1b[A\x1b[B\x1bOA\x1bOB\x10\x0e\r"),
            [
                Key::Up,
                Key::Down,
                Key::Up,
                Key::Down,
                Key::Up,
                Key::Down,
                Key::Enter
            ]
        );
        assert_eq!(
            d.feed(b"\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[1~\x1b[4~\x01\x05"),
            [
                Key::PageUp,
                Key::PageDown,
                Key::Home,
                Key::End,
                Key::Home,
                Key::End,
                Key::Home,
                Key::End
            ]
        );
        assert_eq!(d.feed(b"\x1b"), [Key::Esc]);
        assert_eq!(d.feed(b"\x03"), [Key::CtrlC]);
        assert_eq!(
            d.feed("aZ é€\x7f\x15".as_bytes()),
            [
                Key::Char('a'),
                Key::Char('Z'),
                Key::Char(' '),
                Key::Char('é'),
                Key::Char('€'),
                Key::Backspace,
                Key::ClearFilter
            ]
        );
        // Split sequences and characters are completed by the next chunk.
        assert_eq!(d.feed(b"\x1b["), []);
        assert_eq!(d.feed(b"A"), [Key::Up]);
        let euro = "€".as_bytes();
        assert_eq!(d.feed(&euro[..1]), []);
        assert_eq!(d.feed(&euro[1..]), [Key::Char('€')]);
        // Unknown sequences and control bytes are ignored; modifiers on arrows still move.
        assert_eq!(
            d.feed(b"\x1b[C\x1b[2~\x1b[1;5B\x02\x09x"),
            [Key::Down, Key::Char('x')]
        );
    }
}
