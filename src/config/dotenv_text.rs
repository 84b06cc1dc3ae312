//! PURE: parse the text of a `.env` file (dotenv syntax) into its variables and the lines
//! that set them (docs/decisions.md#d-precedence). Which of them apply is decided by
//! [`crate::config::dotenv_trust`].

use std::collections::BTreeMap;

/// The result of reading `.env` text. Debug shows the variable names only (values such
/// as `OKTA_AWSCLI_PRIVATE_KEY` may be secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DotEnv {
    /// Variables by UPPER-CASED name (keys are matched case-insensitively); a later line
    /// wins over an earlier one.
    pub vars: BTreeMap<String, String>,
    /// The 1-based line where each variable (UPPER-CASED name) was last set, for messages
    /// that name the line and for `--explain`.
    pub lines: BTreeMap<String, usize>,
}

impl std::fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DotEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl DotEnv {
    /// The value of `name` (any case), if set and non-empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(&name.to_ascii_uppercase())
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The 1-based line of `.env` that set `name` (any case), if it is set.
    pub fn line(&self, name: &str) -> Option<usize> {
        self.lines.get(&name.to_ascii_uppercase()).copied()
    }
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Parse dotenv text: `KEY=VALUE` lines, an optional `export ` prefix, spaces around `=`,
/// `#` comment lines and trailing ` # comments` on unquoted values, single quotes (literal),
/// double quotes (with `\n`, `\r`, `\t`, `\"`, `\\` escapes), quoted values spanning lines,
/// CRLF line ends and a UTF-8 BOM. No `${VAR}` expansion.
///
/// Errors: a line that cannot be read stops the run (exit 2) rather than being skipped,
/// since a skipped line silently changes which settings apply: the one-line message names
/// the file, the 1-based line number and what is wrong, never the value, e.g.
/// `.env line 3: expected KEY=VALUE (no '=' found)`, `.env line 5: "1BAD" is not a valid
/// variable name ...`, `.env line 7: the quoted value of OKTA_AWSCLI_ORG_DOMAIN is never
/// closed`.
pub fn parse_dotenv(text: &str) -> Result<DotEnv, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = DotEnv::default();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .or_else(|| line.strip_prefix("export\t"))
            .map(str::trim_start)
            .unwrap_or(line);
        let Some((key, rest)) = line.split_once('=') else {
            return Err(format!(
                ".env line {lineno}: expected KEY=VALUE (no '=' found)"
            ));
        };
        let key = key.trim();
        if !valid_key(key) {
            return Err(format!(
                ".env line {lineno}: {key:?} is not a valid variable name (letters, digits, '_' and '.', not starting with a digit)"
            ));
        }
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // Collect until the closing quote, possibly over several lines.
                let mut buf = String::new();
                let mut src = rest[1..].to_string();
                let mut closed = None;
                loop {
                    if let Some(v) = scan_quoted(&src, q) {
                        buf.push_str(&v);
                        closed = Some(());
                        break;
                    }
                    buf.push_str(&unescape_partial(&src, q));
                    buf.push('\n');
                    match lines.get(i) {
                        Some(next) => {
                            src = next.to_string();
                            i += 1;
                        }
                        None => break,
                    }
                }
                if closed.is_none() {
                    return Err(format!(
                        ".env line {lineno}: the quoted value of {key} is never closed (missing {q})"
                    ));
                }
                buf
            }
            _ => {
                let v = match rest.find(" #").or_else(|| rest.find("\t#")) {
                    Some(p) => &rest[..p],
                    None => rest,
                };
                v.trim().to_string()
            }
        };
        out.vars.insert(key.to_ascii_uppercase(), value);
        out.lines.insert(key.to_ascii_uppercase(), lineno);
    }
    Ok(out)
}

/// If `src` contains the closing quote `q`, the unescaped text before it.
fn scan_quoted(src: &str, q: char) -> Option<String> {
    let mut out = String::new();
    let mut chars = src.chars();
    while let Some(c) = chars.next() {
        if c == q {
            return Some(out);
        }
        if c == '\\' && q == '"' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Unescape a whole line inside a still-open quoted value.
fn unescape_partial(src: &str, q: char) -> String {
    if q == '\'' {
        return src.to_string();
    }
    let mut with_quote = src.to_string();
    with_quote.push('"');
    scan_quoted(&with_quote, '"').unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_syntax() {
        let src = "\u{feff}# comment\r\n\
                   export OKTA_AWSCLI_ORG_DOMAIN=example.okta.com\r\n\
                   okta_awscli_profile = dev # trailing\r\n\
                   A='single # not comment'\n\
                   B=\"double \\\"q\\\" \\n x\"\n\
                   C=\n\
                   D=a=b\n\
                   \n\
                   E=plain#nocomment\n";
        let d = parse_dotenv(src).unwrap();
        assert_eq!(d.get("OKTA_AWSCLI_ORG_DOMAIN"), Some("example.okta.com"));
        assert_eq!(d.get("okta_awscli_profile"), Some("dev"));
        assert_eq!(d.get("a"), Some("single # not comment"));
        assert_eq!(d.get("B"), Some("double \"q\" \n x"));
        assert_eq!(d.get("C"), None, "empty counts as unset");
        assert!(d.vars.contains_key("C"));
        assert_eq!(d.get("D"), Some("a=b"));
        assert_eq!(d.get("E"), Some("plain#nocomment"));
    }

    #[test]
    fn dotenv_bad_lines_are_errors_naming_file_and_line() {
        let cases = [
            ("A=1\ngarbage line\n", ".env line 2: expected KEY=VALUE"),
            (
                "# c\n\n1BAD=x\n",
                ".env line 3: \"1BAD\" is not a valid variable name",
            ),
            ("X=1\r\nBAD-KEY=2\r\n", ".env line 2: \"BAD-KEY\" is not"),
            (
                "OKTA_AWSCLI_ORG_DOMAIN=\"a.okta.com\n",
                ".env line 1: the quoted value of OKTA_AWSCLI_ORG_DOMAIN is never closed",
            ),
            (
                "A=1\nK='open\nmore\n",
                ".env line 2: the quoted value of K is never closed",
            ),
        ];
        for (text, want) in cases {
            let e = parse_dotenv(text).expect_err(text);
            assert!(e.starts_with(want), "{text:?}: {e}");
            assert!(
                !e.contains("a.okta.com") && !e.contains("open"),
                "value shown: {e}"
            );
        }
    }

    #[test]
    fn dotenv_multiline_and_unclosed() {
        let d = parse_dotenv("K=\"-----BEGIN\nabc\n-----END\"\nNEXT=1\n").unwrap();
        assert_eq!(d.get("K"), Some("-----BEGIN\nabc\n-----END"));
        assert_eq!(d.get("NEXT"), Some("1"));
        assert!(parse_dotenv("NEXT=1\nBAD='open\n").is_err());
        let d = parse_dotenv("X=1\nX=2\n").unwrap();
        assert_eq!(d.get("x"), Some("2"));
    }

    #[test]
    fn debug_never_shows_dotenv_values() {
        let d = parse_dotenv("OKTA_AWSCLI_PRIVATE_KEY=dotenvSECRETvalue\n").unwrap();
        let shown = format!("{d:?}");
        assert!(!shown.contains("dotenvSECRETvalue"), "{shown}");
        assert!(shown.contains("OKTA_AWSCLI_PRIVATE_KEY"), "{shown}");
    }
}
