//! PURE: botocore's nested values (see "Nested values" in the parent module's doc).
//!
//! botocore does not stop at `configparser`: its `raw_config_parse` (module
//! `botocore.configloader`) reads every value that starts with a line break as nested
//! `key = value` lines. Such a value has an empty key line and indented lines after it:
//!
//! ```text
//! s3 =
//!     addressing_style = path
//! ```
//!
//! It splits the value with Python's `str.splitlines()`, skips blank lines and splits each
//! other line at its first `=`. One line without `=` makes it reject the whole file. It does
//! this for every key of every section, and a section's keys include the `[DEFAULT]` keys it
//! does not set itself. So a `[DEFAULT]` value that is harmless while every section sets the
//! same key (or while there is no section) breaks the file once a section without that key
//! appears: a new profile, or a profile whose stale key was commented out.

use super::syntax::{self, Kind, Section};

/// A `[DEFAULT]` key whose value botocore cannot read as nested lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadDefault {
    /// The key, folded as `configparser` folds it.
    pub key: String,
    /// 0-based index of its key line.
    pub key_line: usize,
    /// 0-based index of the first line of its value that has no `=`.
    pub line: usize,
}

/// Whether Python's `str.splitlines()` breaks a line at `c`.
fn is_python_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// For the key line at `i`: the first line of its value that botocore's nested reading
/// rejects, or `None` when the value is not nested (text on the key line, or no
/// continuation line) or every part of it holds `=`. Follows the lines as
/// [`syntax::value_at`] does.
pub(super) fn bad_nested_line(bodies: &[&str], kinds: &[Kind], i: usize) -> Option<usize> {
    let s = syntax::strip(bodies[i]);
    let first = syntax::delimiter(s).map_or("", |p| syntax::strip(&s[p + 1..]));
    if !first.is_empty() {
        return None;
    }
    for (j, (body, kind)) in bodies.iter().zip(kinds).enumerate().skip(i + 1) {
        match kind {
            Kind::Continuation => {
                let bad = syntax::strip(body)
                    .split(is_python_line_break)
                    .map(syntax::strip)
                    .any(|part| !part.is_empty() && !part.contains('='));
                if bad {
                    return Some(j);
                }
            }
            Kind::Blank | Kind::Comment => {}
            Kind::Other if syntax::delimiter(syntax::strip(body)).is_none() => {}
            _ => break,
        }
    }
    None
}

/// The `[DEFAULT]` keys of a file (all its `[DEFAULT]` sections; a later line of a key wins,
/// as in `configparser`) whose value botocore rejects as nested lines.
pub(super) fn bad_defaults(bodies: &[&str], kinds: &[Kind]) -> Vec<BadDefault> {
    let mut in_default = false;
    let mut out: Vec<BadDefault> = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        match kind {
            Kind::Header(name) => in_default = name == "DEFAULT",
            Kind::Key(key) if in_default => {
                out.retain(|b| b.key != *key);
                if let Some(line) = bad_nested_line(bodies, kinds, i) {
                    out.push(BadDefault {
                        key: key.clone(),
                        key_line: i,
                        line,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Keys a section reads itself, over all its copies; `None` when there is no such section.
fn own_keys<'a>(sections: &'a [Section], name: &str) -> Option<Vec<&'a str>> {
    let copies: Vec<&Section> = sections
        .iter()
        .filter(|s| s.name.as_deref() == Some(name))
        .collect();
    (!copies.is_empty()).then(|| {
        copies
            .iter()
            .flat_map(|s| s.items.iter().map(|(k, _)| k.as_str()))
            .collect()
    })
}

/// Refuse an edit that lets a profile take a [`BadDefault`] it did not take before (a new
/// section, or a key that masked it commented out): botocore would then reject the whole
/// file. `bad` comes from the file before the edits (line numbers refer to it), `before` and
/// `after` are its sections before and after them, `profiles` the edited sections.
///
/// Errors: the profile, the line without `=` and why (for [`super::Failure::Refused`]).
pub(super) fn check(
    bad: &[BadDefault],
    before: &[Section],
    after: &[Section],
    profiles: &[&str],
) -> std::result::Result<(), (String, usize, String)> {
    for profile in profiles {
        let was = own_keys(before, profile);
        let now = own_keys(after, profile).unwrap_or_default();
        for b in bad {
            let key = b.key.as_str();
            if now.contains(&key) || was.as_ref().is_some_and(|w| !w.contains(&key)) {
                continue;
            }
            let cause = if was.is_some() {
                format!("commenting out the profile's own \"{}\"", sanitize(key))
            } else {
                "adding the profile".to_string()
            };
            return Err((
                (*profile).to_string(),
                b.line,
                format!(
                    "the AWS CLI reads the [DEFAULT] value of \"{}\" (line {}) as nested \
                     \"key = value\" lines in every profile that lacks the key, and this line \
                     has no \"=\"; {cause} would make it reject the whole file",
                    sanitize(key),
                    b.key_line + 1
                ),
            ));
        }
    }
    Ok(())
}

/// A key from the file, safe for a one-line message.
fn sanitize(key: &str) -> std::borrow::Cow<'_, str> {
    crate::term::sanitize::line(key)
}

#[cfg(test)]
mod tests {
    use super::super::{UpsertOptions, upsert, upsert_all};
    use super::*;
    use crate::aws::sts::Credentials;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIANEW".into(),
            secret_access_key: "SECRETNEW".into(),
            session_token: "TOKENNEW".into(),
            expiration: "2024-05-01T13:00:00Z".into(),
        }
    }

    fn bad_of(text: &str) -> Vec<BadDefault> {
        let lines = syntax::split_lines(text);
        let bodies: Vec<&str> = lines.iter().map(|l| l.0).collect();
        bad_defaults(&bodies, &syntax::classify(bodies.iter().copied()))
    }

    fn bad(key: &str, key_line: usize, line: usize) -> BadDefault {
        BadDefault {
            key: key.into(),
            key_line,
            line,
        }
    }

    /// The refusal of `upsert(text, profile)`: one line, no secrets.
    fn refusal(text: &str, profile: &str) -> String {
        let err = upsert(text, profile, &creds(), &UpsertOptions::default()).unwrap_err();
        let msg = err.to_string();
        assert_eq!(err.exit_code(), 1, "{msg}");
        assert!(!msg.contains('\n') && !msg.contains("SECRETNEW"), "{msg}");
        msg
    }

    #[test]
    fn nested_values_are_read_as_botocore_reads_them() {
        // Good: every non-blank nested line holds "=" (blank lines, comments, a blank line
        // before the first one are fine).
        assert!(bad_of("[DEFAULT]\ns3 =\n  a = b\n\n  # c\n  c=d\n").is_empty());
        assert!(bad_of("[DEFAULT]\ns3 =\n\n  a = b\n").is_empty());
        // Not nested: text on the key line, or no continuation line.
        assert!(bad_of("[DEFAULT]\nk = v\n  more\nj =\n\nl =\n").is_empty());
        // Bad: a line without "=", also after a blank line or a good line.
        assert_eq!(bad_of("[DEFAULT]\ns3 =\n  nope\n"), vec![bad("s3", 1, 2)]);
        assert_eq!(
            bad_of("[DEFAULT]\ns3 =\n\n  a = 1\n  nope\n[p]\n"),
            vec![bad("s3", 1, 4)]
        );
        // Python's splitlines() also breaks at \x0b, \x0c, \x1c-\x1e, \x85, \u2028, \u2029.
        for brk in [
            '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}', '\u{2028}', '\u{2029}',
        ] {
            let text = format!("[DEFAULT]\ns3 =\n  a = b{brk}c\n");
            assert_eq!(bad_of(&text), vec![bad("s3", 1, 2)], "{brk:?}");
        }
        assert!(bad_of("[DEFAULT]\ns3 =\n  a = b\x1fc\n").is_empty());
        // Only [DEFAULT] (exactly); a later value of the key replaces the earlier one.
        assert!(bad_of("[default]\ns3 =\n  nope\n[ DEFAULT ]\nk =\n  x\n").is_empty());
        assert!(bad_of("[DEFAULT]\ns3 =\n  nope\n[DEFAULT]\nS3 = fine\n").is_empty());
    }

    #[test]
    fn a_new_profile_that_would_take_a_bad_default_is_refused() {
        for text in [
            "[DEFAULT]\ns3 =\n  nope\n",
            "[DEFAULT]\ns3 =\n  nope\n[other]\ns3 = own\n",
        ] {
            let msg = refusal(text, "p");
            assert_eq!(
                msg,
                "cannot update profile \"p\" in the credentials file: line 3: the AWS CLI reads \
                 the [DEFAULT] value of \"s3\" (line 2) as nested \"key = value\" lines in \
                 every profile that lacks the key, and this line has no \"=\"; adding the \
                 profile would make it reject the whole file; the file was not changed, edit \
                 it by hand"
            );
        }
        // In a batch the whole edit is refused.
        let c = creds();
        let err = upsert_all(
            "[DEFAULT]\ns3 =\n  nope\n[other]\ns3 = own\n",
            &[("other", &c), ("p", &c)],
            &UpsertOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("profile \"p\""), "{err}");
    }

    #[test]
    fn commenting_out_a_key_that_masked_a_bad_default_is_refused() {
        let text = "[DEFAULT]\naws_security_token =\n  nope\n[p]\naws_security_token = old\n";
        let msg = refusal(text, "p");
        assert!(
            msg.starts_with("cannot update profile \"p\" in the credentials file: line 3: "),
            "{msg}"
        );
        assert!(
            msg.contains(
                "commenting out the profile's own \"aws_security_token\" would make it reject"
            ),
            "{msg}"
        );
        // With --legacy-aws-variables the key is written, not commented out: no refusal.
        let legacy = UpsertOptions {
            legacy_aws_variables: true,
            ..Default::default()
        };
        let edit = upsert(text, "p", &creds(), &legacy).unwrap();
        assert!(edit.text.contains("\naws_security_token = TOKENNEW\n"));
    }

    #[test]
    fn edits_botocore_keeps_reading_are_not_refused() {
        let c = creds();
        let off = UpsertOptions::default();
        for (text, profile) in [
            // A good nested default, a bad one the profile masks with a key we write, a bad
            // one the profile already took (the file was unreadable before), a bad value in
            // a section that is not [DEFAULT].
            ("[DEFAULT]\ns3 =\n  a = b\n", "p"),
            ("[DEFAULT]\naws_session_token =\n  nope\n", "p"),
            ("[DEFAULT]\nregion =\n  nope\n[p]\nk = v\n", "p"),
            ("[q]\ns3 =\n  nope\n", "p"),
            ("[DEFAULT]\ns3 =\n  nope\n[p]\ns3 = own\n", "p"),
        ] {
            upsert(text, profile, &c, &off).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        }
    }
}
