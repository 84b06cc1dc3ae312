//! The module tree's layering (README "Layout"), read from `src/` as text (no build needed):
//!
//! - Between top-level modules: a module may name (`crate::x`, in code or in a doc link) only
//!   its own top-level module or one on a lower layer.
//! - Inside one folder: the files may not import each other in a loop. A file imports a
//!   sibling when it names it (`super::retry::decide`, `crate::http::retry`), or names an item
//!   the folder's `mod.rs` re-exports from it (`super::Service` or `crate::http::Http` with
//!   `pub use client::*`). An item defined in `mod.rs` itself belongs to `mod.rs`, which
//!   imports a child when its own code names it (`syntax::split_lines`); its `mod` and
//!   `pub use` lines do not count. Only code counts here: a doc link naming a caller is no
//!   import. See `layers/folder_loops.rs`.

use std::path::{Path, PathBuf};

mod folder_loops;

/// Top-level modules, lowest layer first. Modules on the same layer may not name each
/// other either (that is how a cycle starts).
const LAYERS: &[&[&str]] = &[
    &["error", "clock", "url"],
    &["term", "fs"],
    &["config"],
    &["cli"],
    &["http"],
    &["aws", "okta"],
    &["cache"],
    &["output"],
    &["commands"],
    &["app"],
    &["main", "lib"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::<name>` in `text` (the name only).
fn crate_paths(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        // `okta_aws_crate::` and the like are not paths into this crate.
        let before = rest[..at].bytes().last();
        if len > 0 && !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.push(&after[..len]);
        }
        rest = &after[len..];
    }
    out
}

#[test]
fn every_top_level_module_is_on_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).expect("read src") {
        let path = entry.expect("dir entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            layer_of(&name).is_some(),
            "src/{name} is not in tests/e2e/layers.rs LAYERS: put it on a layer"
        );
    }
}

#[test]
fn no_module_names_a_higher_or_sibling_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "src/ looks empty: {files:?}");
    let mut bad = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        let own = layer_of(&top).expect("every top-level module has a layer");
        let text = std::fs::read_to_string(file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            for dep in crate_paths(line) {
                if dep == top {
                    continue;
                }
                match layer_of(dep) {
                    Some(l) if l < own => {}
                    _ => bad.push(format!("{}:{}: {top} -> {dep}", rel.display(), n + 1)),
                }
            }
        }
    }
    assert!(bad.is_empty(), "layering broken:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_a_violation() {
    assert_eq!(
        crate_paths("use crate::okta::saml; [`crate::http::Http`] my_crate::x"),
        ["okta", "http"]
    );
    assert!(layer_of("okta") > layer_of("http"));
    assert_eq!(layer_of("okta"), layer_of("aws"));
}
