//! Import loops between the files of one folder (see `layers.rs` for the rule), found in
//! the source as text: `use` trees, `super::` and `crate::<folder>::` paths, and the names a
//! folder's module file defines or re-exports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::rust_files;

/// A child module of a folder, as text.
struct Child {
    /// The module name (`client`).
    name: String,
    /// Its file, relative to the folder (`client.rs`, `sub/mod.rs`).
    file: String,
    /// Its own file without the test module: where `super::` means the folder.
    text: String,
    /// Its file and every file below it, as (file relative to the folder, text): where
    /// `crate::<folder>::` is looked for.
    subtree: Vec<(String, String)>,
}

/// A folder module as text: the files whose imports may not form a loop.
struct Folder {
    /// The module path below `crate` (`http`, `output::credentials_file`).
    path: String,
    /// The module file as shown in reports (`mod.rs`, `../credentials_file.rs`).
    mod_file: String,
    /// The module file's text without the test module.
    mod_text: String,
    children: Vec<Child>,
}

/// Files of one folder that import each other in a loop.
#[derive(Debug)]
struct Loop {
    /// The folder's module path (`http`).
    folder: String,
    /// The files on the loop, sorted.
    files: Vec<String>,
    /// Each import between them: `a.rs -> b.rs (a.rs:12 names super::b)`.
    imports: Vec<String>,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `text` up to its test module: a `#[cfg(test)]` line followed by a `mod` line. Clippy's
/// `items_after_test_module` (on in this crate) keeps the test module last.
fn without_tests(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find(|&i| {
            lines[i].trim() == "#[cfg(test)]"
                && lines[i + 1..]
                    .iter()
                    .map(|l| l.trim())
                    .find(|l| !l.is_empty())
                    .is_some_and(|l| l.starts_with("mod "))
        })
        .unwrap_or(lines.len());
    lines[..end].join("\n")
}

/// `text` with every comment (`//` to the end of the line, `/* */` nested, doc comments
/// too) blanked to spaces, newlines kept: doc links naming a caller are not imports. String
/// and character literals are skipped whole, so a `//` inside one is no comment.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (0, i);
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            // Raw strings: r"..", r#".."#, br#".."#.
            b'r' if (i == 0 || !is_ident_byte(b[i - 1]) || b[i - 1] == b'b')
                && matches!(b.get(i + 1), Some(b'"' | b'#')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                i = text[body..]
                    .find(&close)
                    .map_or(b.len(), |n| body + n + close.len());
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                i = j + 1;
            }
            // A character literal ('x', '\n', '\u{..}'); a lifetime ('a) has no closing quote.
            b'\'' => {
                let end = if b.get(i + 1) == Some(&b'\\') {
                    text[i + 2..].find('\'').map(|n| i + 2 + n)
                } else {
                    let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + width) == Some(&b'\'')).then_some(i + 1 + width)
                };
                i = end.map_or(i + 1, |e| e + 1);
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).expect("blanking keeps UTF-8")
}

/// The 1-based line of byte offset `at`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].bytes().filter(|b| *b == b'\n').count() + 1
}

/// Split `list` at the commas outside braces.
fn split_top(list: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, b) in list.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The paths a use tree (`a::{b, c::d as e}`) stands for: the segments and the alias.
fn flatten(tree: &str) -> Vec<(Vec<String>, Option<String>)> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let close = tree.rfind('}').unwrap_or(tree.len());
        let prefix: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut out = Vec::new();
        for part in split_top(&tree[open + 1..close]) {
            for (segments, alias) in flatten(part) {
                out.push(([prefix.clone(), segments].concat(), alias));
            }
        }
        return out;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p, Some(a.trim().to_string())),
        None => (tree, None),
    };
    let segments = path.split("::").map(|s| s.trim().to_string()).collect();
    vec![(segments, alias)]
}

/// One `use` statement: where it is, whether it is public, and its text without `use`/`;`.
struct UseStatement {
    start: usize,
    end: usize,
    public: bool,
    tree: String,
}

/// Every `use` statement of `text` (`pub`, `pub(crate)` and private ones).
fn use_statements(text: &str) -> Vec<UseStatement> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("use ") {
        let at = from + found;
        from = at + 4;
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        // A statement starts a line, after an optional visibility.
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let lead = text[line_start..at].trim();
        let public = lead.starts_with("pub");
        if !(lead.is_empty() || public && (lead == "pub" || lead.ends_with(')'))) {
            continue;
        }
        let Some(len) = text[at..].find(';') else {
            break;
        };
        out.push(UseStatement {
            start: line_start,
            end: at + len + 1,
            public,
            tree: text[at + 4..at + len].to_string(),
        });
        from = at + len;
    }
    out
}

/// The names of the items `text` defines at its top level (lines that start in column 0, as
/// rustfmt writes them), every one or only the public ones (`pub`, `pub(crate)`, ...), and
/// the names its `pub use` statements re-export.
fn item_names(text: &str, only_public: bool) -> BTreeSet<String> {
    const KINDS: &[&str] = &[
        "fn", "struct", "enum", "trait", "type", "const", "static", "mod", "union",
    ];
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let rest = match line.strip_prefix("pub") {
            Some(r) if r.starts_with('(') => r.split_once(')').map_or("", |(_, after)| after),
            Some(r) if r.starts_with(' ') => r,
            _ if only_public => continue,
            _ => line,
        };
        let words: Vec<&str> = rest
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut words = words
            .into_iter()
            .skip_while(|w| ["async", "unsafe", "extern", "C"].contains(w));
        let mut kind = words.next();
        let mut name = words.next();
        if kind == Some("const") && name == Some("fn") {
            (kind, name) = (name, words.next());
        }
        if kind.is_some_and(|k| KINDS.contains(&k))
            && let Some(name) = name
        {
            names.insert(name.to_string());
        }
    }
    for statement in use_statements(text).into_iter().filter(|s| s.public) {
        for (segments, alias) in flatten(&statement.tree) {
            let last = segments.last().cloned().unwrap_or_default();
            match alias {
                Some(alias) => names.insert(alias),
                None if last != "*" && last != "self" => names.insert(last),
                None => false,
            };
        }
    }
    names
}

/// The byte offsets where `prefix` starts a path in `text`: not right after a name
/// character or `:` (so `my_crate::` is not `crate::`, nor `a::super::` `super::`).
fn path_starts(text: &str, prefix: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    text.match_indices(prefix)
        .map(|(at, _)| at)
        .filter(|&at| at == 0 || !(is_ident_byte(bytes[at - 1]) || bytes[at - 1] == b':'))
        .collect()
}

/// The first segment of each path `prefix` starts in `text`, with the path's offset; each
/// member's first segment for a group (`prefix{a, b::c}`). `self`, `super` and `*` are left
/// out.
fn heads_after(text: &str, prefix: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for at in path_starts(text, prefix) {
        let rest = &text[at + prefix.len()..];
        let heads: Vec<String> = if rest.starts_with('{') {
            // The group ends where its braces balance.
            let mut depth = 0;
            let close = rest
                .bytes()
                .position(|b| {
                    depth += i32::from(b == b'{') - i32::from(b == b'}');
                    depth == 0
                })
                .unwrap_or(rest.len());
            split_top(&rest[1..close])
                .into_iter()
                .map(|p| p.split("::").next().unwrap_or_default().trim().to_string())
                .collect()
        } else {
            let len = rest.bytes().take_while(|b| is_ident_byte(*b)).count();
            vec![rest[..len].to_string()]
        };
        out.extend(
            heads
                .into_iter()
                .filter(|h| !h.is_empty() && !["self", "super", "*"].contains(&h.as_str()))
                .map(|h| (at, h)),
        );
    }
    out
}

/// Every import between the files of `folder`: (from, to) -> where it is named, as shown in
/// reports. Files are named as in [`Child::file`] and [`Folder::mod_file`].
fn folder_imports(folder: &Folder) -> BTreeMap<(String, String), String> {
    let children: BTreeMap<&str, &Child> = folder
        .children
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    // Names reachable through the module file: its items (a child sees private ones too),
    // then what it re-exports (globs first, so a name re-exported by name wins, as in Rust).
    let mut owner: BTreeMap<String, String> = item_names(&folder.mod_text, false)
        .into_iter()
        .map(|n| (n, folder.mod_file.clone()))
        .collect();
    let reexports: Vec<_> = use_statements(&folder.mod_text)
        .into_iter()
        .filter(|s| s.public)
        .flat_map(|s| flatten(&s.tree))
        .filter_map(|(segments, alias)| {
            let segments: Vec<String> = segments.into_iter().skip_while(|s| s == "self").collect();
            let child = children.get(segments.first()?.as_str())?;
            Some((child.file.clone(), segments, alias))
        })
        .collect();
    for (file, segments, _) in reexports
        .iter()
        .filter(|r| r.1.last().is_some_and(|s| s == "*"))
    {
        let source = children[segments[0].as_str()];
        for name in item_names(&source.text, true) {
            owner.insert(name, file.clone());
        }
    }
    for (file, segments, alias) in &reexports {
        if let Some(name) = alias.clone().or_else(|| segments.last().cloned())
            && name != "*"
        {
            owner.insert(name, file.clone());
        }
    }
    for child in &folder.children {
        owner.insert(child.name.clone(), child.file.clone());
    }
    let mut imports = BTreeMap::new();
    // `from` names `head` at offset `at` of `text`, the text of `file`.
    let mut add = |from: &str, head: &str, (file, text): (&str, &str), at: usize, path: String| {
        if let Some(to) = owner.get(head).filter(|to| *to != from) {
            imports
                .entry((from.to_string(), to.clone()))
                .or_insert_with(|| format!("{file}:{} names {path}", line_of(text, at)));
        }
    };
    let in_folder = format!("crate::{}::", folder.path);
    for child in &folder.children {
        let own = (child.file.as_str(), child.text.as_str());
        for (at, head) in heads_after(&child.text, "super::") {
            add(&child.file, &head, own, at, format!("super::{head}"));
        }
        for (file, text) in &child.subtree {
            for (at, head) in heads_after(text, &in_folder) {
                let path = format!("{in_folder}{head}");
                add(&child.file, &head, (file, text), at, path);
            }
        }
    }
    // The module file's own code: without its `mod x;` lines and `pub use` re-exports
    // (blanked, so line numbers stay).
    let mut code = folder.mod_text.clone();
    for s in use_statements(&folder.mod_text)
        .iter()
        .rev()
        .filter(|s| s.public)
    {
        let newlines = folder.mod_text[s.start..s.end].matches('\n').count();
        code.replace_range(s.start..s.end, &"\n".repeat(newlines));
    }
    let code: String = code
        .lines()
        .map(|l| {
            let t = l.trim_start();
            let t = match t.strip_prefix("pub") {
                Some(r) if r.starts_with('(') => r.split_once(')').map_or(t, |(_, a)| a),
                Some(r) => r,
                None => t,
            };
            let t = t.trim_start();
            if t.starts_with("mod ") && t.ends_with(';') {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mod_file = folder.mod_file.as_str();
    for prefix in ["self::", in_folder.as_str()] {
        for (at, head) in heads_after(&code, prefix) {
            add(
                mod_file,
                &head,
                (mod_file, &code),
                at,
                format!("{prefix}{head}"),
            );
        }
    }
    for child in &folder.children {
        let bare = format!("{}::", child.name);
        if let Some(&at) = path_starts(&code, &bare).first() {
            add(mod_file, &child.name, (mod_file, &code), at, bare);
        }
    }
    imports
}

/// The loops among the files of `folder`: each set of files that reach each other through
/// imports, with the imports between them.
fn folder_loops(folder: &Folder) -> Vec<Loop> {
    let imports = folder_imports(folder);
    let mut reach: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in imports.keys() {
        reach.entry(from).or_default().insert(to);
    }
    // Transitive closure; folders have a few dozen files at most.
    loop {
        let mut grown = false;
        let snapshot = reach.clone();
        for targets in reach.values_mut() {
            for t in targets.clone() {
                for next in snapshot.get(t).into_iter().flatten() {
                    grown |= targets.insert(next);
                }
            }
        }
        if !grown {
            break;
        }
    }
    let mut loops: Vec<Loop> = Vec::new();
    for (&file, targets) in &reach {
        if !targets.contains(file) || loops.iter().any(|l| l.files.iter().any(|f| f == file)) {
            continue;
        }
        let files: Vec<String> = reach
            .iter()
            .filter(|(other, t)| t.contains(file) && targets.contains(*other))
            .map(|(other, _)| other.to_string())
            .collect();
        let imports = imports
            .iter()
            .filter(|((a, b), _)| files.contains(a) && files.contains(b))
            .map(|((a, b), why)| format!("{a} -> {b} ({why})"))
            .collect();
        loops.push(Loop {
            folder: folder.path.clone(),
            files,
            imports,
        });
    }
    loops
}

/// A file's code: without comments and without its test module.
fn source_text(path: &Path) -> String {
    without_tests(&code_only(
        &std::fs::read_to_string(path).expect("read source"),
    ))
}

/// Every folder module under `src/` (each directory below it), read from disk. Files called
/// `tests.rs` are test modules and left out.
fn read_folders(src: &Path) -> Vec<Folder> {
    let mut dirs = Vec::new();
    let mut todo = vec![src.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path.clone());
                todo.push(path);
            }
        }
    }
    dirs.sort();
    let mut folders = Vec::new();
    for dir in dirs {
        let rel = dir.strip_prefix(src).unwrap();
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("::");
        let (mod_path, mod_file) = if dir.join("mod.rs").is_file() {
            (dir.join("mod.rs"), "mod.rs".to_string())
        } else {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            (dir.with_extension("rs"), format!("../{name}.rs"))
        };
        let mut children = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let file = entry.expect("dir entry").path();
            let name = file.file_stem().unwrap().to_string_lossy().into_owned();
            let (own, shown) = if file.is_dir() {
                if file.join("mod.rs").is_file() {
                    (file.join("mod.rs"), format!("{name}/mod.rs"))
                } else {
                    continue; // its module file `<name>.rs` is a child of its own
                }
            } else if file.extension().is_some_and(|e| e == "rs")
                && name != "mod"
                && name != "tests"
            {
                (file.clone(), format!("{name}.rs"))
            } else {
                continue;
            };
            let mut subtree_files = vec![own.clone()];
            let below = if file.is_dir() {
                file.clone()
            } else {
                file.with_extension("")
            };
            if below.is_dir() {
                rust_files(&below, &mut subtree_files);
            }
            // Unit tests (`tests.rs`, the `#[cfg(test)] mod tests;` of a module) are not
            // built into the library, so what they name is no import of the module.
            subtree_files.retain(|f| f == &own || f.file_stem().is_none_or(|s| s != "tests"));
            subtree_files.sort();
            subtree_files.dedup();
            let relative = |f: &PathBuf| {
                let rel = f.strip_prefix(&dir).unwrap().to_string_lossy();
                rel.replace('\\', "/")
            };
            children.push(Child {
                name,
                file: shown,
                text: source_text(&own),
                subtree: subtree_files
                    .iter()
                    .map(|f| (relative(f), source_text(f)))
                    .collect(),
            });
        }
        children.sort_by(|a, b| a.name.cmp(&b.name));
        folders.push(Folder {
            path,
            mod_file,
            mod_text: source_text(&mod_path),
            children,
        });
    }
    folders
}

#[test]
fn no_folder_has_an_import_loop_between_its_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let folders = read_folders(&src);
    assert!(
        folders.iter().any(|f| f.path == "http"),
        "src/http not found"
    );
    let loops: Vec<String> = folders
        .iter()
        .flat_map(folder_loops)
        .map(|l| {
            format!(
                "src/{}: {}\n  {}",
                l.folder.replace("::", "/"),
                l.files.join(", "),
                l.imports.join("\n  ")
            )
        })
        .collect();
    assert!(
        loops.is_empty(),
        "import loops inside a folder:\n{}",
        loops.join("\n")
    );
}

/// A made-up folder `path` with module file `mod.rs` and `files` as (name, text).
fn made_up(path: &str, mod_text: &str, files: &[(&str, &str)]) -> Folder {
    Folder {
        path: path.to_string(),
        mod_file: "mod.rs".to_string(),
        mod_text: without_tests(&code_only(mod_text)),
        children: files
            .iter()
            .map(|(name, text)| Child {
                name: name.to_string(),
                file: format!("{name}.rs"),
                text: without_tests(&code_only(text)),
                subtree: vec![(format!("{name}.rs"), without_tests(&code_only(text)))],
            })
            .collect(),
    }
}

/// The files on each loop of `folder`.
fn loop_files(folder: &Folder) -> Vec<Vec<String>> {
    folder_loops(folder).into_iter().map(|l| l.files).collect()
}

#[test]
fn the_loop_checker_sees_loops_behind_re_exports() {
    // http: client.rs names retry; retry.rs names `super::Service`, which mod.rs re-exports
    // from client.rs with a glob.
    let http = made_up(
        "http",
        "mod client;\npub mod retry;\npub use client::*;\n",
        &[
            (
                "client",
                "use super::retry::{self, Verdict};\npub enum Service { Okta }\n\
                 pub(crate) const fn limit() -> u32 { 3 }\n",
            ),
            ("retry", "use super::Service;\npub enum Verdict { Stop }\n"),
        ],
    );
    assert_eq!(loop_files(&http), [["client.rs", "retry.rs"]]);
    let report = folder_loops(&http).remove(0);
    assert_eq!(
        report.imports,
        [
            "client.rs -> retry.rs (client.rs:1 names super::retry)",
            "retry.rs -> client.rs (retry.rs:1 names super::Service)",
        ]
    );
    // The same loop through `crate::http::...` paths and a re-export by name. A doc link
    // or a string is no import; code is.
    let client = "pub struct Http;\nfn f() -> crate::http::retry::Verdict {}\n";
    let retry = "/// Used by [`crate::http::Agent`].\npub enum Verdict { Stop }\n\
                 /* crate::http::Agent */ const S: &str = \"// \"; const C: char = '\"';\n";
    let mod_text = "mod client;\npub mod retry;\npub use client::{Http as Agent, limit};\n";
    let http = made_up("http", mod_text, &[("client", client), ("retry", retry)]);
    assert!(loop_files(&http).is_empty(), "{:?}", folder_loops(&http));
    let retry = format!("{retry}fn g(_: crate::http::Agent) {{}}\n");
    let http = made_up("http", mod_text, &[("client", client), ("retry", &retry)]);
    assert_eq!(loop_files(&http), [["client.rs", "retry.rs"]]);
    assert_eq!(
        folder_loops(&http)[0].imports[1],
        "retry.rs -> client.rs (retry.rs:4 names crate::http::Agent)"
    );
    // config: flags.rs names `crate::config::Command` (re-exported from resolve.rs), and
    // resolve.rs imports flags across lines.
    let config = made_up(
        "config",
        "pub mod flags;\nmod resolve;\npub use resolve::*;\n",
        &[
            ("flags", "use crate::config::Command;\npub struct Flags;\n"),
            (
                "resolve",
                "use crate::config::{\n    files::Doc,\n    flags::Flags,\n};\n\
                 pub enum Command { Web }\n",
            ),
            ("files", "pub struct Doc;\n"),
        ],
    );
    assert_eq!(loop_files(&config), [["flags.rs", "resolve.rs"]]);
}

#[test]
fn the_loop_checker_passes_a_folder_without_loops() {
    // The module file's `mod` lines and `pub use` re-exports are not imports; a child that
    // uses an item of the module file is fine while the module file's own code does not
    // name that child. Test modules do not count.
    let cache = made_up(
        "output::cache",
        "mod syntax;\nmod write;\npub use write::store;\nuse syntax::Kind;\n\
         fn upsert() {}\n#[cfg(test)]\nmod tests {\n    use super::write::store;\n}\n",
        &[
            ("syntax", "pub enum Kind { Blank }\n"),
            (
                "write",
                "pub fn store() { super::upsert(); }\n\n#[cfg(test)]\nmod tests {\n\
                 use crate::output::cache::syntax::Kind;\n}\n",
            ),
        ],
    );
    assert!(loop_files(&cache).is_empty(), "{:?}", folder_loops(&cache));
    assert_eq!(
        folder_imports(&cache).keys().collect::<Vec<_>>(),
        [
            &("mod.rs".to_string(), "syntax.rs".to_string()),
            &("write.rs".to_string(), "mod.rs".to_string()),
        ]
    );
    // Once the module file's code names the child, the loop is seen.
    let mut looped = cache;
    looped.mod_text.push_str("fn again() { write::store(); }\n");
    assert_eq!(loop_files(&looped), [["mod.rs", "write.rs"]]);
}
