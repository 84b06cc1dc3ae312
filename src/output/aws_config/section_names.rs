//! PURE: how botocore reads the section names of the AWS config file as profiles
//! (docs/decisions.md#d-write-aws-config).
//!
//! botocore's `configloader.build_profile_map` takes every section whose name starts with
//! `profile`, splits the name with Python's `shlex.split` (POSIX mode, no comments) and
//! keeps it as the profile of the second word when there are exactly two words; the section
//! `default` is the profile `default`; a later section of the same profile replaces an
//! earlier one. So `[profile  x]`, `[profile "x"]`, `[profile 'x']` and `[profile x ]` are
//! all the profile `x`, and `[profile default]` is `[default]`.

/// The characters Python's `shlex` splits words at (`shlex.whitespace`).
const SHLEX_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// Python's `shlex.split(text)` (POSIX mode, `comments=False`): words split at
/// [`SHLEX_SPACE`]; `'...'` keeps everything; `"..."` keeps everything except that `\"` and
/// `\\` stand for `"` and `\` (another backslash stays); outside quotes a backslash keeps
/// the next character, whatever it is; `#` is an ordinary character. `None` where Python
/// raises `ValueError` (an unclosed quote, a backslash at the end).
///
/// Not the `shlex` crate's split, which differs from Python's: it reads `#` at the start of a
/// word as a comment, does not split at `\r`, and unescapes `\$` and `` \` `` in double quotes.
pub fn shlex_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has begun: a character or a pair of quotes, even an empty one.
    let mut started = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if SHLEX_SPACE.contains(&c) => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
                continue;
            }
            '\\' => word.push(chars.next()?),
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    c => word.push(c),
                }
            },
            '"' => loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => {
                        let next = chars.next()?;
                        if next != '"' && next != '\\' {
                            word.push('\\');
                        }
                        word.push(next);
                    }
                    c => word.push(c),
                }
            },
            c => word.push(c),
        }
        started = true;
    }
    if started {
        words.push(word);
    }
    Some(words)
}

/// The profile botocore reads the config-file section `section` (the name between the
/// brackets, as written) as: `default` for `default`; for a name starting with `profile`,
/// the second of its [`shlex_split`] words when there are exactly two; `None` for any other
/// section (`sso-session x`, `Profile x`, `profile a b`, an unclosed quote).
pub fn profile_of_section(section: &str) -> Option<String> {
    if section == "default" {
        return Some(section.to_string());
    }
    if !section.starts_with("profile") {
        return None;
    }
    let mut words = shlex_split(section)?;
    if words.len() == 2 { words.pop() } else { None }
}

/// The section this program writes the profile `profile` to: `default` for the profile
/// `default`, `profile NAME` for every other.
pub fn section_name(profile: &str) -> String {
    if profile == "default" {
        "default".into()
    } else {
        format!("profile {profile}")
    }
}

/// Why botocore would not read the section [`section_name`] of `profile` back as `profile`
/// (so a profile of that name cannot be written to the config file), or `None` when it
/// would: whitespace splits it into more words, a quote is read as quoting (or is never
/// closed), a backslash is dropped or escapes the next character.
pub fn unreadable_profile(profile: &str) -> Option<&'static str> {
    if profile_of_section(&section_name(profile)).as_deref() == Some(profile) {
        return None;
    }
    Some(if profile.contains(SHLEX_SPACE) {
        "it contains whitespace, where botocore's shlex.split cuts the section name into more words"
    } else if profile.contains(['\'', '"']) {
        "it contains a quote (' or \"), which botocore's shlex.split reads as quoting"
    } else if profile.contains('\\') {
        "it contains a backslash, which botocore's shlex.split drops or reads as an escape"
    } else {
        "botocore's shlex.split reads its section name as another profile"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Option<Vec<String>> {
        shlex_split(text)
    }

    fn words(list: &[&str]) -> Option<Vec<String>> {
        Some(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn splits_as_python_shlex_split() {
        assert_eq!(split("profile  x"), words(&["profile", "x"]));
        assert_eq!(split("profile\tx \r"), words(&["profile", "x"]));
        assert_eq!(split("profile \"x\""), words(&["profile", "x"]));
        assert_eq!(split("profile 'a b'"), words(&["profile", "a b"]));
        assert_eq!(split("profile a\\ b"), words(&["profile", "a b"]));
        assert_eq!(split("profile a\\b"), words(&["profile", "ab"]));
        assert_eq!(split("profile \"a\"b''"), words(&["profile", "ab"]));
        assert_eq!(split("profile \"\""), words(&["profile", ""]));
        // Comments are off: `#` is a character like any other.
        assert_eq!(split("profile #x"), words(&["profile", "#x"]));
        // In double quotes only \" and \\ are escapes.
        assert_eq!(
            split(r#"profile "a\$b\"c\\d""#),
            words(&["profile", r#"a\$b"c\d"#])
        );
        assert_eq!(split(r"profile 'a\b'"), words(&["profile", r"a\b"]));
        assert_eq!(split(""), words(&[]));
        assert_eq!(split("profile \"x"), None);
        assert_eq!(split("profile 'x"), None);
        assert_eq!(split("profile x\\"), None);
    }

    #[test]
    fn sections_read_as_botocore_reads_them() {
        let p = |s: &str| profile_of_section(s);
        for same in [
            "profile x",
            "profile  x",
            "profile \"x\"",
            "profile 'x'",
            "profile\tx",
            "profile x ",
            "profilex x",
        ] {
            assert_eq!(p(same).as_deref(), Some("x"), "{same:?}");
        }
        assert_eq!(p("default").as_deref(), Some("default"));
        assert_eq!(p("profile default").as_deref(), Some("default"));
        for none in [
            " default",
            "Default",
            "Profile x",
            " profile x",
            "profile",
            "profile a b",
            "profile 'x",
            "sso-session x",
        ] {
            assert_eq!(p(none), None, "{none:?}");
        }
    }

    #[test]
    fn names_botocore_cannot_read_back_are_told_apart() {
        for ok in ["dev", "default", "acme-Main-team/Admin", "#x", "a;b", "é"] {
            assert_eq!(unreadable_profile(ok), None, "{ok:?}");
        }
        let why = |n: &str| unreadable_profile(n).unwrap_or_default();
        assert!(why("a b").contains("whitespace"));
        assert!(why("a\tb").contains("whitespace"));
        assert!(why("it's").contains("quote"));
        assert!(why("\"x\"").contains("quote"));
        assert!(why(r"a\b").contains("backslash"));
        assert!(why("").contains("another profile"));
    }
}
