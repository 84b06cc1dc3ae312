//! PURE: hide what looks like a secret in a message that echoes what a person typed (the
//! usage and configuration errors, exit 2): a private key pasted where a flag was expected,
//! a token given as a stray argument or as a bad value. Each such value becomes
//! `<redacted N bytes>` (README "Exit codes"); the rest of the message stays as it was.
//!
//! What counts as a secret, found without knowing what the value was meant to be:
//!
//! - a PEM block: `-----BEGIN <label>-----`, a body with a run of at least 16 base64
//!   characters, up to the end of `-----END <label>-----` (or of the text when it has none).
//!   A header named on its own, as in "expected a line '-----BEGIN PRIVATE KEY-----'",
//!   has no body and stays;
//! - a JWT (RFC 7519 compact form, JWS or JWE): a word of at least three dot-separated
//!   base64url parts whose first part starts with `eyJ` (the base64url of `{"`);
//! - a random-looking run of at least 32 characters of the base64 and base64url alphabets
//!   (AWS secret access keys, session tokens, sign-in tokens, client secrets, API tokens):
//!   hex of 32 digits or more, or letters and digits so mixed that, cut into natural pieces
//!   (`Word`, `word`, `WORD`, `123`), the pieces average three characters or fewer. Words,
//!   `CamelCase` names, `snake_case` and `kebab-case` names average more.
//!
//! What is never hidden: a word that starts with `arn:` (an ARN); the host and the path
//! pieces of a URL, judged one by one between their `/` (a token in its query is still
//! hidden); the pieces of a file path, judged one by one too, where only random base64 of
//! mixed case with digits is hidden (not hex or lower-case hashes, not short temporary
//! names). Access key ids (`AKIA…`, `ASIA…`, 20 characters) are not secrets and are too
//! short to be hidden.

/// `text` with every PEM block, JWT and random-looking run (see the module docs) replaced by
/// `<redacted N bytes>`, N being the length in bytes of what was replaced.
pub fn secret_looking(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, end)) = pem_block(rest) {
        redact_words(&rest[..start], &mut out);
        placeholder(end - start, &mut out);
        rest = &rest[end..];
    }
    redact_words(rest, &mut out);
    out
}

/// Whether `run` (characters of the base64 and base64url alphabets) looks like a random
/// secret: at least 32 bytes long, and either hex of 32 digits or more (with a letter and a
/// digit), or letters and digits whose natural pieces average three characters or fewer.
/// All-hex pieces of 8 or more (account ids, hex suffixes) are left out of that average.
pub fn looks_random(run: &str) -> bool {
    if run.len() < 32 {
        return false;
    }
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let segments: Vec<&str> = run
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect();
    let long_hex = |s: &&str| {
        s.len() >= 32
            && is_hex(s)
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes().any(|b| b.is_ascii_alphabetic())
    };
    if segments.iter().any(long_hex) {
        return true;
    }
    let wordy: Vec<&str> = segments
        .into_iter()
        .filter(|s| !(s.len() >= 8 && is_hex(s)))
        .collect();
    let chars: usize = wordy.iter().map(|s| s.len()).sum();
    if chars < 24 {
        return false;
    }
    let pieces: usize = wordy.iter().map(|s| natural_pieces(s)).sum();
    chars <= 3 * pieces
}

/// How many natural pieces the ASCII letters and digits of `segment` make, as an identifier
/// is read: a run of digits, a lower-case word with an optional capital (`Word`, `word`),
/// an upper-case run not followed by lower case (`WORD`, the `HTTP` of `HTTPServer`).
fn natural_pieces(segment: &str) -> usize {
    let b = segment.as_bytes();
    (0..b.len())
        .filter(|&i| {
            let c = b[i];
            let Some(&p) = i.checked_sub(1).and_then(|j| b.get(j)) else {
                return true;
            };
            if p.is_ascii_digit() != c.is_ascii_digit() {
                return true;
            }
            if c.is_ascii_digit() {
                return false;
            }
            (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (p.is_ascii_uppercase()
                    && c.is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase))
        })
        .count()
}

fn placeholder(len: usize, out: &mut String) {
    out.push_str(&format!("<redacted {len} bytes>"));
}

/// The first PEM block of `text` with a body (see the module docs), as a byte range.
fn pem_block(text: &str) -> Option<(usize, usize)> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let mut from = 0;
    while let Some(off) = text[from..].find(BEGIN) {
        let start = from + off;
        let label = start + BEGIN.len();
        from = label;
        let label_len = text[label..].find(DASHES)?;
        let body = label + label_len + DASHES.len();
        let end = text[body..]
            .find("-----END ")
            .and_then(|e| {
                let label = body + e + "-----END ".len();
                text[label..].find(DASHES).map(|d| label + d + DASHES.len())
            })
            .unwrap_or(text.len());
        let longest = text[body..end]
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
            .map(str::len)
            .max()
            .unwrap_or(0);
        if longest >= 16 {
            return Some((start, end));
        }
    }
    None
}

/// Characters that end a word: white space, controls, quotes, brackets and the separators
/// of query strings and `name=value` pairs.
fn is_break(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '"' | '\''
                | '`'
                | '\\'
                | '('
                | ')'
                | '<'
                | '>'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | ';'
                | '='
                | '&'
                | '?'
                | '#'
                | '|'
                | '*'
                | '!'
                | '$'
                | '^'
        )
}

/// Append `text` to `out`, word by word, each through [`redact_word`].
fn redact_words(text: &str, out: &mut String) {
    let mut word_start = None;
    for (i, c) in text.char_indices() {
        if is_break(c) {
            if let Some(s) = word_start.take() {
                redact_word(&text[s..i], out);
            }
            out.push(c);
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(s) = word_start {
        redact_word(&text[s..], out);
    }
}

/// How a word is read ([`redact_word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Anything else: a `/` belongs to a run (base64 has it).
    Plain,
    /// A URL (`scheme://`): a `/` ends a run; Okta's object ids in URL paths look random,
    /// but are shorter than a secret.
    Url,
    /// A file path: a `/` ends a run, and a piece is hidden only when it is random-looking
    /// base64 of mixed case with digits ([`looks_random_in_path`]).
    Path,
}

/// The [`Kind`] of `word`. A path starts with `/`, `~`, `.` or a drive (`C:/`), or has both
/// a `/` and a `.` (which base64 never has).
fn kind(word: &str) -> Kind {
    let b = word.as_bytes();
    if word.contains("://") {
        Kind::Url
    } else if word.starts_with(['/', '~', '.'])
        || (b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
        || (word.contains('/') && word.contains('.'))
    {
        Kind::Path
    } else {
        Kind::Plain
    }
}

/// Whether a piece of a file path between two `/` looks like a secret: [`looks_random`],
/// with upper case, lower case and digits, and not all hex. Paths are full of generated
/// names (temporary directories, content hashes such as Docker's hex layer ids or Nix's
/// lower-case base32 store hashes) that are no secret; base64 keys mix all three classes.
fn looks_random_in_path(piece: &str) -> bool {
    let has = |f: fn(&u8) -> bool| piece.as_bytes().iter().any(f);
    has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && has(u8::is_ascii_digit)
        && !piece
            .bytes()
            .all(|c| c.is_ascii_hexdigit() || c == b'-' || c == b'_')
        && looks_random(piece)
}

/// Append one word to `out`: an ARN as it is, a JWT as a placeholder, else every
/// random-looking run replaced, as its [`Kind`] says.
fn redact_word(word: &str, out: &mut String) {
    if word.starts_with("arn:") {
        out.push_str(word);
        return;
    }
    if is_jwt(word.trim_start_matches('-')) {
        placeholder(word.len(), out);
        return;
    }
    let b = word.as_bytes();
    let kind = kind(word);
    // A base64 key may start with `/` too: a "path" of base64 characters only that, taken
    // whole, looks random as a path piece would.
    if kind == Kind::Path
        && word.starts_with('/')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
        && looks_random_in_path(word)
    {
        placeholder(word.len(), out);
        return;
    }
    let in_run = |c: u8| {
        c.is_ascii_alphanumeric()
            || c == b'+'
            || c == b'_'
            || c == b'-'
            || (c == b'/' && kind == Kind::Plain)
    };
    let mut i = 0;
    while i < b.len() {
        if !in_run(b[i]) {
            let next = word[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&word[i..i + next]);
            i += next;
            continue;
        }
        let end = i + b[i..].iter().take_while(|&&c| in_run(c)).count();
        let run = &word[i..end];
        let secret = match kind {
            Kind::Path => looks_random_in_path(run),
            Kind::Plain | Kind::Url => looks_random(run),
        };
        if secret {
            placeholder(run.len(), out);
        } else {
            out.push_str(run);
        }
        i = end;
    }
}

/// A JWT in compact form: three or more dot-separated base64url parts, the first starting
/// with `eyJ` (a JSON object's `{"`) and at least 15 characters long (the shortest JOSE
/// header, `{"alg":"x"}`), the second not empty.
fn is_jwt(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    let b64url = |p: &str| {
        p.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    };
    parts.len() >= 3
        && parts[0].starts_with("eyJ")
        && parts[0].len() >= 15
        && !parts[1].is_empty()
        && parts.iter().all(|p| b64url(p))
}

#[cfg(test)]
mod tests;
