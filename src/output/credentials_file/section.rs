//! PURE: the section editor of botocore-read INI files, shared by the credentials file
//! (the parent module) and the AWS config file (`crate::output::aws_config`): set keys in one
//! section, give it a leading comment line, remove a section, each checked against how
//! botocore reads the file afterwards (docs/decisions.md#d-credentials-file,
//! docs/decisions.md#d-write-aws-config). The rules are those of the parent module's doc.

use super::doc::{Doc, Line, content_end, entry_end, insertion_indent, sections_named};
use super::duplicates::merge_duplicates;
use super::nested::bad_nested_line;
use super::syntax::{self, Kind};
use crate::error::{Error, Result};

/// The comment line a section starts with (the line right after its header), such as the
/// marker of the sections `--write-aws-config` manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lead<'a> {
    /// A comment line whose stripped text starts with this is replaced by [`Lead::line`].
    pub prefix: &'a str,
    /// The whole line (a `#` comment, no line break).
    pub line: &'a str,
}

/// Set `owned` (key, value) pairs in the section `name`, comment out the `stale` keys, and
/// give the section the leading comment `lead`: an existing section is updated in place
/// (its later copies merged into the first, with a warning), a missing one appended at the
/// end after a blank line. Returns whether the section existed. Refused (nothing usable is
/// returned) when another section, or a key of this one that is not ours, would read
/// differently afterwards.
pub(super) fn set_section(
    doc: &mut Doc,
    name: &str,
    owned: &[(&'static str, String)],
    stale: &[&'static str],
    lead: Option<&Lead<'_>>,
    warnings: &mut Vec<String>,
) -> std::result::Result<bool, Failure> {
    let is_owned = |k: &str| owned.iter().any(|(o, _)| *o == k);
    let is_stale = |k: &str| stale.contains(&k);
    let before = doc.sections();
    let kinds = doc.kinds();
    let found = sections_named(&kinds, name);
    let existed = !found.is_empty();
    if existed {
        if found.len() > 1 {
            merge_duplicates(doc, &kinds, name, &found, &is_owned, &is_stale, warnings);
        }
        let commented = update_section(doc, name, owned, &is_owned, &is_stale)?;
        if !commented.is_empty() {
            let names: Vec<String> = commented.iter().map(|k| format!("\"{k}\"")).collect();
            warnings.push(format!(
                "WARNING: Commented out \"{name}\" profile keys {}. Uncomment if third party tools use these values.",
                names.join(", ")
            ));
        }
        if let Some(lead) = lead {
            set_lead(doc, name, lead);
        }
    } else {
        append_section(doc, name, lead, owned);
    }
    verify(&before, &doc.sections(), name, owned, stale)?;
    Ok(existed)
}

/// Make `lead` the first line of the (first) section `name`: replace a comment line there
/// that starts with its prefix, else insert it. A comment line never changes how the file
/// reads.
fn set_lead(doc: &mut Doc, name: &str, lead: &Lead<'_>) {
    let kinds = doc.kinds();
    let Some(&(h, _)) = sections_named(&kinds, name).first() else {
        return;
    };
    let ours = |i: usize| {
        kinds.get(i) == Some(&Kind::Comment)
            && syntax::strip(&doc.lines[i].body).starts_with(lead.prefix)
    };
    if ours(h + 1) {
        doc.lines[h + 1].body = lead.line.to_string();
    } else {
        let line = doc.new_line(lead.line.to_string());
        doc.lines.insert(h + 1, line);
    }
    doc.fix_endings();
}

/// Remove the (first) section `name`: its header, its lines up to its last key or
/// continuation line, and one blank line before it (the one [`set_section`] puts before a
/// section it appends); at the top of the file, the blank lines after it instead. Comments
/// and blank lines after its content stay: they belong to what follows. Returns whether the
/// section was there. Refused when another section would read differently afterwards
/// (indented lines after it joining the value of the key before it).
pub(super) fn remove_section(doc: &mut Doc, name: &str) -> std::result::Result<bool, Failure> {
    let before = doc.sections();
    let kinds = doc.kinds();
    let Some(&(h, end)) = sections_named(&kinds, name).first() else {
        return Ok(false);
    };
    let mut start = h;
    let mut stop = content_end(&kinds, h, end);
    if h > 0 && kinds[h - 1] == Kind::Blank {
        start = h - 1;
    } else if h == 0 {
        while stop < kinds.len() && kinds[stop] == Kind::Blank {
            stop += 1;
        }
    }
    doc.lines.drain(start..stop);
    doc.fix_endings();
    let kept: Vec<&syntax::Section> = before.iter().filter(|s| s.line != h).collect();
    let after = doc.sections();
    let same = kept.len() == after.len()
        && kept
            .iter()
            .zip(&after)
            .all(|(a, b)| a.name == b.name && a.items == b.items);
    if !same {
        return Err(Failure::Refused(
            h,
            "removing this section would change how the indented lines after it are read".into(),
        ));
    }
    Ok(true)
}

/// One section of a file as botocore reads it, for the config-file writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SectionView {
    /// The name between the brackets, as read (not trimmed).
    pub name: String,
    /// The header's line number (1-based).
    pub line: usize,
    /// The section's first line after the header when it is a comment, stripped.
    pub lead: Option<String>,
    /// Its (key, value) pairs, keys folded as `configparser` folds them.
    pub items: Vec<(String, String)>,
}

/// The named sections of `text` (a BOM and any line endings allowed), in file order.
pub(crate) fn read_sections(text: &str) -> Vec<SectionView> {
    let doc = Doc::parse(text);
    let kinds = doc.kinds();
    doc.sections()
        .into_iter()
        .filter_map(|s| {
            let name = s.name?;
            let lead = (kinds.get(s.line + 1) == Some(&Kind::Comment))
                .then(|| syntax::strip(&doc.lines[s.line + 1].body).to_string());
            Some(SectionView {
                name,
                line: s.line + 1,
                lead,
                items: s.items,
            })
        })
        .collect()
}

/// Why botocore (strict `configparser`, then its nested values) refuses `text`, as
/// `line N: why` for the first problem, or `None` when it reads the file: a line it cannot
/// parse, a key before any section, a section or a key in a section given twice, or a
/// nested value with a line without `=`.
pub(crate) fn botocore_problem(text: &str) -> Option<String> {
    let doc = Doc::parse(text);
    let kinds = doc.kinds();
    let bodies = doc.bodies();
    let mut seen: Vec<&str> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut in_section = false;
    for (i, kind) in kinds.iter().enumerate() {
        let at = |why: &str| Some(format!("line {}: {why}", i + 1));
        match kind {
            Kind::Other => return at("the line is neither a section, a key nor a comment"),
            Kind::Header(name) if seen.contains(&name.as_str()) => {
                return at(&format!("section [{name}] appears more than once"));
            }
            Kind::Header(name) => {
                seen.push(name);
                keys.clear();
                in_section = true;
            }
            Kind::Key(_) if !in_section => return at("a key before any [section]"),
            Kind::Key(key) if keys.contains(&key.as_str()) => {
                return at(&format!("key \"{key}\" appears twice in its section"));
            }
            Kind::Key(key) => {
                keys.push(key);
                if let Some(bad) = bad_nested_line(&bodies, &kinds, i) {
                    return Some(format!(
                        "line {}: a nested value of \"{key}\" has a line without '='",
                        bad + 1
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// One section for [`edit_sections`] to set.
#[derive(Debug, Clone)]
pub(crate) struct SectionSet<'a> {
    /// The section name (`profile dev`, `default`).
    pub name: &'a str,
    /// The comment line it starts with.
    pub lead: Option<Lead<'a>>,
    /// The keys to set, in the order new ones are appended.
    pub keys: Vec<(&'static str, String)>,
}

/// Set every section of `sets` ([`set_section`], no stale keys), then remove every section
/// of `remove` ([`remove_section`]), in one edit of `text`. Returns the new text, the
/// warnings, and for each of `sets` whether the section existed. Errors: a section name
/// that cannot be one ([`Error::Config`]: empty, `[`, `]`, a line break), a value with a
/// line break, or a refusal (`cannot update profile "<section>" in <file>: line N: ...`);
/// nothing is returned partially.
pub(crate) fn edit_sections(
    text: &str,
    sets: &[SectionSet<'_>],
    remove: &[&str],
    file: &str,
) -> Result<(String, Vec<String>, Vec<bool>)> {
    let mut doc = Doc::parse(text);
    let mut warnings = Vec::new();
    let mut existed = Vec::new();
    for set in sets {
        let bad_value = set.keys.iter().any(|(_, v)| v.contains(['\r', '\n']));
        if set.name.trim().is_empty() || set.name.contains(['[', ']', '\r', '\n']) || bad_value {
            return Err(Error::config(format!(
                "cannot write section \"{}\" to {file}: its name or a value is empty or holds \
                 '[', ']' or a line break",
                set.name.escape_debug()
            )));
        }
        let e = set_section(
            &mut doc,
            set.name,
            &set.keys,
            &[],
            set.lead.as_ref(),
            &mut warnings,
        )
        .map_err(|f| f.into_error(file, set.name))?;
        existed.push(e);
    }
    for name in remove {
        remove_section(&mut doc, name).map_err(|f| f.into_error(file, name))?;
    }
    Ok((doc.render(), warnings, existed))
}

/// Why one profile's edit failed.
pub(super) enum Failure {
    /// A plain error (bad profile name, credentials, region).
    Error(Error),
    /// The file cannot be edited while keeping how botocore reads it: the 0-based line
    /// index in the file as it was before this profile's edit, and why.
    Refused(usize, String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

impl Failure {
    pub(super) fn into_error(self, file: &str, profile: &str) -> Error {
        match self {
            Failure::Error(e) => e,
            Failure::Refused(line, why) => Error::runtime(format!(
                "cannot update profile \"{profile}\" in {file}: line {}: {why}; the file was \
                 not changed, edit it by hand",
                line + 1
            )),
        }
    }
}

/// (key, value) pairs we set, in append order.
pub(super) type OwnedKeys = Vec<(&'static str, String)>;

/// Style for key lines we add, learnt from the section's existing key lines.
struct KeyStyle {
    /// Column of the delimiter when the section's keys are aligned.
    align: Option<usize>,
    before: String,
    delim: char,
    after: String,
}

impl KeyStyle {
    fn learn(lines: &[Line], kinds: &[Kind], from: usize, to: usize) -> KeyStyle {
        let mut parts = Vec::new();
        for i in from..to {
            if let Kind::Key(_) = kinds[i] {
                let body = &lines[i].body;
                if let Some(p) = syntax::delimiter(body) {
                    let left = &body[..p];
                    let right = &body[p + 1..];
                    let before = &left[left.trim_end_matches(syntax::is_space).len()..];
                    let after = syntax::indent_str(right);
                    let delim = body[p..].chars().next().unwrap_or('=');
                    parts.push((
                        left.chars().count(),
                        before.to_string(),
                        delim,
                        after.to_string(),
                    ));
                }
            }
        }
        let Some(first) = parts.first() else {
            return KeyStyle {
                align: None,
                before: " ".into(),
                delim: '=',
                after: " ".into(),
            };
        };
        let col = first.0;
        let aligned = parts.len() >= 2
            && parts.iter().all(|p| p.0 == col)
            && parts.iter().any(|p| p.1.len() > 1);
        KeyStyle {
            align: aligned.then_some(col),
            before: if first.1.is_empty() {
                String::new()
            } else {
                " ".into()
            },
            delim: first.2,
            after: if first.3.is_empty() {
                String::new()
            } else {
                " ".into()
            },
        }
    }

    /// A key line `<indent><key><pad><delim><after><value>`.
    fn render(&self, indent: &str, key: &str, value: &str) -> String {
        let used = indent.chars().count() + key.chars().count();
        let pad = match self.align {
            Some(col) if col > used => " ".repeat(col - used),
            Some(_) => " ".into(),
            None => self.before.clone(),
        };
        format!("{indent}{key}{pad}{}{}{value}", self.delim, self.after)
    }
}

/// Replace the value of a key line, keeping everything up to the value's first character.
fn replace_value(body: &str, value: &str) -> String {
    let Some(p) = syntax::delimiter(body) else {
        return body.to_string();
    };
    let right = &body[p + 1..];
    let ws = syntax::indent_str(right);
    let ws = if syntax::strip(right).is_empty() {
        if body[..p].ends_with(syntax::is_space) {
            " "
        } else {
            ""
        }
    } else {
        ws
    };
    format!("{}{ws}{value}", &body[..=p])
}

/// Update the first (by now only) `[profile]` section in place: set the owned keys (new
/// ones after the last owned key, else after the section's content), drop repeats of owned
/// keys and the continuation lines of replaced values, comment out stale keys with their
/// continuation lines. Returns the stale keys commented out.
fn update_section(
    doc: &mut Doc,
    profile: &str,
    owned: &[(&'static str, String)],
    is_owned: &dyn Fn(&str) -> bool,
    is_stale: &dyn Fn(&str) -> bool,
) -> std::result::Result<Vec<String>, Failure> {
    let kinds = doc.kinds();
    let Some(&(h, end)) = sections_named(&kinds, profile).first() else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Line> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut commented: Vec<String> = Vec::new();
    let mut last_owned: Option<usize> = None;
    let mut i = h + 1;
    while i < end {
        let stop = match &kinds[i] {
            Kind::Key(_) => entry_end(&kinds, i, end),
            _ => i + 1,
        };
        match &kinds[i] {
            Kind::Key(key) if is_owned(key) => {
                if let Some((name, value)) = owned.iter().find(|(o, _)| o == key)
                    && !seen.contains(name)
                {
                    seen.push(name);
                    out.push(Line {
                        body: replace_value(&doc.lines[i].body, value),
                        eol: doc.lines[i].eol,
                    });
                    last_owned = Some(out.len());
                }
                // The old value's continuation lines (and a repeated key line) are dropped;
                // blank and comment lines among them stay.
                for (line, kind) in doc.lines[i + 1..stop].iter().zip(&kinds[i + 1..stop]) {
                    if *kind != Kind::Continuation {
                        out.push(line.clone());
                    }
                }
            }
            Kind::Key(key) if is_stale(key) => {
                if !commented.iter().any(|c| c == key) {
                    commented.push(key.clone());
                }
                // The key line and its continuation lines, so that no continuation line is
                // left to be read as a key or header of its own.
                for (line, kind) in doc.lines[i..stop].iter().zip(&kinds[i..stop]) {
                    out.push(match kind {
                        Kind::Key(_) | Kind::Continuation => Line {
                            body: format!("# {}", line.body),
                            eol: line.eol,
                        },
                        _ => line.clone(),
                    });
                }
            }
            _ => out.extend(doc.lines[i..stop].iter().cloned()),
        }
        i = stop;
    }
    let missing: Vec<&(&str, String)> = owned.iter().filter(|(k, _)| !seen.contains(k)).collect();
    if !missing.is_empty() {
        let mut section = vec![doc.lines[h].clone()];
        section.extend(out.iter().cloned());
        let section_kinds = syntax::classify(section.iter().map(|l| l.body.as_str()));
        let style = KeyStyle::learn(&section, &section_kinds, 1, section.len());
        let at = last_owned.unwrap_or_else(|| content_end(&section_kinds, 0, section.len()) - 1);
        let indent =
            insertion_indent(&section[..=at], &out[at..], &doc.lines[end..]).ok_or_else(|| {
                Failure::Refused(
                    h + 1 + at,
                    "no indentation lets a new key go here without changing how the indented \
                     lines around it are read"
                        .into(),
                )
            })?;
        let new: Vec<Line> = missing
            .iter()
            .map(|(k, v)| doc.new_line(style.render(&indent, k, v)))
            .collect();
        out.splice(at..at, new);
    }
    doc.lines.splice(h + 1..end, out);
    doc.fix_endings();
    Ok(commented)
}

/// Check the edit against the parser's view: every other section reads as before, there is
/// one `[profile]` section, its owned keys read exactly as written, no stale key is left,
/// and its other keys read as they did in one of its copies.
fn verify(
    before: &[syntax::Section],
    after: &[syntax::Section],
    profile: &str,
    owned: &[(&'static str, String)],
    stale: &[&str],
) -> std::result::Result<(), Failure> {
    let is_target = |s: &&syntax::Section| s.name.as_deref() == Some(profile);
    let target_line = before.iter().find(is_target).map_or(0, |s| s.line);
    let others_before: Vec<&syntax::Section> = before.iter().filter(|s| !is_target(s)).collect();
    let others_after: Vec<&syntax::Section> = after.iter().filter(|s| !is_target(s)).collect();
    for (n, old) in others_before.iter().enumerate() {
        let same = others_after
            .get(n)
            .is_some_and(|new| new.name == old.name && new.items == old.items);
        if !same {
            let name = old.name.as_deref().unwrap_or("(keys before any section)");
            return Err(Failure::Refused(
                old.line,
                format!(
                    "the edit would change how the indented lines of section \"[{name}]\" are read"
                ),
            ));
        }
    }
    let targets: Vec<&syntax::Section> = after.iter().filter(is_target).collect();
    let bad = |why: &str| Err(Failure::Refused(target_line, why.to_string()));
    if others_after.len() != others_before.len() || targets.len() != 1 {
        return bad("the edit would not leave exactly one section for the profile");
    }
    let items = &targets[0].items;
    for (key, value) in owned {
        let found: Vec<&String> = items
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect();
        if found != [value] {
            return bad("the new credentials would not read back as written (indented lines)");
        }
    }
    let old_items: Vec<&(String, String)> = before
        .iter()
        .filter(is_target)
        .flat_map(|s| &s.items)
        .collect();
    let foreign = |k: &str| !owned.iter().any(|(o, _)| *o == k) && !stale.contains(&k);
    for (key, _) in &old_items {
        if foreign(key) && !items.iter().any(|(k, _)| k == key) {
            return bad("a key of the profile would be lost (indented lines)");
        }
    }
    for item in items {
        if stale.contains(&item.0.as_str()) {
            return bad("a stale key would remain active (indented lines)");
        }
        if !owned.iter().any(|(k, _)| *k == item.0) && !old_items.contains(&item) {
            return bad("the edit would change the value of a key of the profile (indented lines)");
        }
    }
    Ok(())
}

fn append_section(
    doc: &mut Doc,
    name: &str,
    lead: Option<&Lead<'_>>,
    owned: &[(&'static str, String)],
) {
    let kinds = doc.kinds();
    if kinds.iter().any(|k| *k != Kind::Blank) && kinds.last() != Some(&Kind::Blank) {
        let blank = doc.new_line(String::new());
        doc.lines.push(blank);
    }
    // At column 0 a header is never read as a continuation line.
    let header = doc.new_line(format!("[{name}]"));
    doc.lines.push(header);
    if let Some(lead) = lead {
        let line = doc.new_line(lead.line.to_string());
        doc.lines.push(line);
    }
    let style = KeyStyle::learn(&[], &[], 0, 0);
    for (k, v) in owned {
        let line = doc.new_line(style.render("", k, v));
        doc.lines.push(line);
    }
    doc.fix_endings();
}
