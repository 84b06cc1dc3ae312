//! PURE: merging the copies of a duplicated profile section (case B23, see "Duplicates" in
//! the parent module's doc).

use super::doc::{Doc, Line, content_end, entry_end, insertion_indent};
use super::syntax::{self, Kind};

/// Remove the later copies of a duplicated section, moving their foreign keys that the first
/// copy lacks into the first copy.
pub(super) fn merge_duplicates(
    doc: &mut Doc,
    kinds: &[Kind],
    profile: &str,
    found: &[(usize, usize)],
    is_owned: &dyn Fn(&str) -> bool,
    is_stale: &dyn Fn(&str) -> bool,
    warnings: &mut Vec<String>,
) {
    let bodies: Vec<String> = doc.lines.iter().map(|l| l.body.clone()).collect();
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let value = |i: usize| syntax::value_at(&bodies, kinds, i);
    let (first_h, first_end) = found[0];
    let mut present: Vec<(String, String)> = (first_h + 1..first_end)
        .filter_map(|i| match &kinds[i] {
            Kind::Key(k) => Some((k.clone(), value(i))),
            _ => None,
        })
        .collect();
    let mut carried: Vec<Line> = Vec::new();
    let mut carried_kinds: Vec<Kind> = Vec::new();
    let mut conflicts: Vec<String> = Vec::new();
    let mut removals: Vec<(usize, usize)> = Vec::new();
    for &(h, end) in &found[1..] {
        let mut i = h + 1;
        while i < end {
            let stop = match &kinds[i] {
                Kind::Key(_) => entry_end(kinds, i, end),
                _ => i + 1,
            };
            if let Kind::Key(key) = &kinds[i]
                && !is_owned(key)
                && !is_stale(key)
            {
                let value = value(i);
                match present.iter().find(|(k, _)| k == key) {
                    Some((_, v)) => {
                        if *v != value && !conflicts.contains(key) {
                            conflicts.push(key.clone());
                        }
                    }
                    None => {
                        present.push((key.clone(), value));
                        carried.extend(doc.lines[i..stop].iter().cloned());
                        carried_kinds.extend(kinds[i..stop].iter().cloned());
                    }
                }
            }
            i = stop;
        }
        let mut start = h;
        while start > 0 && kinds[start - 1] == Kind::Blank {
            start -= 1;
        }
        removals.push((start, content_end(kinds, h, end)));
    }
    let lines_text: Vec<String> = found[1..]
        .iter()
        .map(|(h, _)| (h + 1).to_string())
        .collect();
    for &(start, stop) in removals.iter().rev() {
        doc.lines.drain(start..stop);
    }
    let at = content_end(kinds, first_h, first_end);
    // Carried key lines take an indentation under which they stay keys of this section (if
    // that is not deeper than their own, their continuation lines still continue them);
    // verify() refuses whatever this does not settle.
    if let Some(indent) = insertion_indent(&doc.lines[first_h..at], &[], &doc.lines[at..]) {
        let d = indent.chars().count();
        for (line, kind) in carried.iter_mut().zip(&carried_kinds) {
            if matches!(kind, Kind::Key(_)) && d <= syntax::indent_of(&line.body) {
                let rest = line.body.trim_start_matches(syntax::is_space).to_string();
                line.body = format!("{indent}{rest}");
            }
        }
    }
    let n = carried.len();
    doc.lines.splice(at..at, carried);
    if n > 0 {
        let nl = doc.nl;
        for l in &mut doc.lines[at..at + n] {
            if l.eol.is_empty() {
                l.eol = nl;
            }
        }
    }
    doc.fix_endings();
    let mut msg = format!(
        "WARNING: profile \"{profile}\" appeared {} times in the credentials file; kept the \
         section at line {} and removed the later copies (line {}).",
        found.len(),
        first_h + 1,
        lines_text.join(", ")
    );
    if !conflicts.is_empty() {
        let names: Vec<String> = conflicts.iter().map(|k| format!("\"{k}\"")).collect();
        msg.push_str(&format!(
            " Differing values of keys {} in the removed copies were dropped.",
            names.join(", ")
        ));
    }
    warnings.push(msg);
}
