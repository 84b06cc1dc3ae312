//! The credentials-file editor reads files as botocore's `configparser` does (issue 15, point 3).
//!
//! `tests/credfile/fuzz.py gen` writes thousands of seeded random credentials files that
//! Python's `RawConfigParser(strict=True)` accepts: indentation with every kind of Python
//! whitespace, values continued over blank and comment lines, indented headers, CR-only, CRLF
//! and mixed line ends, `[ p ]`-style headers, Unicode keys (the Kelvin sign), text that looks
//! like a header or a key inside a value. [`okta_aws_cli::output::credentials_file::upsert`] edits
//! each; `fuzz.py check` then parses every result strictly and checks that the target profile
//! holds exactly our three values (plus its foreign keys) and that every other section is
//! unchanged. Some files also repeat the profile's section (case B23, which only the
//! non-strict parser accepts): the result must then parse strictly with the copies' keys
//! merged. Refusals are allowed but must be rare (none expected for files Python reads), one
//! line, and name a line.
//!
//! botocore reads more strictly than `configparser`: a value that starts on the line after
//! `key =` is read as nested `k = v` lines, and `[DEFAULT]` values reach every section. Many
//! generated files have such values, in `[DEFAULT]` too; `fuzz.py check` runs botocore's own
//! `raw_config_parse` on every file before and after the edit: a file it read before must
//! still be read after, or the edit must have been refused for a `[DEFAULT]` value that the
//! profile was about to take (checked against the file).

use crate::support;

use std::fs;
use std::time::Instant;

use okta_aws_cli::aws::sts::Credentials;
use okta_aws_cli::output::credentials_file::{UpsertOptions, upsert};
use serde_json::Value;

/// Seed and number of files; `OKTA_AWS_CLI_FUZZ_SEED` / `OKTA_AWS_CLI_FUZZ_FILES` override
/// them for a longer run.
const SEED: u64 = 20_261_201;
const FILES: usize = 3000;
/// At most this many refusals per 1000 files that Python parses strictly.
const MAX_REFUSED_PER_MILLE: usize = 5;
/// At most this share (%) of refusals among files with a repeated section (case B23).
const MAX_REFUSED_DUPLICATES_PERCENT: usize = 25;

fn fuzz_script() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/credfile/fuzz.py").to_string()
}

/// Run fuzz.py with `args` and then `dir` (as the host sees it); its JSON answer.
fn python_json(python: &std::path::Path, args: &[&str], dir: &std::path::Path) -> Value {
    let out = support::HostCommand::new(python)
        .path_arg(std::path::Path::new(&fuzz_script()))
        .args(args)
        .path_arg(dir)
        .output();
    assert!(
        out.status.success(),
        "fuzz.py {args:?} failed: {}",
        out.stderr
    );
    serde_json::from_str(&out.stdout).expect("fuzz.py prints JSON")
}

#[test]
fn random_files_are_edited_as_botocore_reads_them() {
    let Some(python) = support::python() else {
        return;
    };
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let seed = env("OKTA_AWS_CLI_FUZZ_SEED", SEED);
    let files = env("OKTA_AWS_CLI_FUZZ_FILES", FILES as u64) as usize;
    let started = Instant::now();
    let dir = support::tempdir();
    python_json(
        &python,
        &["gen", &seed.to_string(), &files.to_string()],
        dir.path(),
    );

    // Keep in sync with OURS in fuzz.py.
    let creds = Credentials {
        access_key_id: "ASIAFUZZEXAMPLE00001".into(),
        secret_access_key: "fuzzSecret/+=0000000000000000000000000000".into(),
        session_token: "FuzzToken//+==AAAA".into(),
        expiration: "2024-05-01T13:00:00Z".into(),
    };
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("manifest.json")).unwrap())
            .unwrap();
    let entries = manifest.as_array().unwrap();
    assert_eq!(entries.len(), files);
    // (repeated section, refused for a [DEFAULT] value, message)
    let mut refused: Vec<(bool, bool, String)> = Vec::new();
    for entry in entries {
        let file = entry["file"].as_str().unwrap();
        let profile = entry["profile"].as_str().unwrap();
        let dup = entry["dup"].as_bool().unwrap_or(false);
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        let stem = path.with_extension("");
        match upsert(&text, profile, &creds, &UpsertOptions::default()) {
            Ok(edit) => fs::write(stem.with_extension("out"), edit.text).unwrap(),
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    !msg.contains('\n') && msg.contains("line "),
                    "{file}: a refusal is one line naming a line: {msg}"
                );
                assert!(!msg.contains("fuzzSecret") && !msg.contains("FuzzToken"));
                fs::write(stem.with_extension("refused"), &msg).unwrap();
                let nested = msg.contains("the [DEFAULT] value of");
                refused.push((dup, nested, format!("{file}: {msg}")));
            }
        }
    }
    let report = python_json(&python, &["check"], dir.path());
    let failures = report["failures"].as_array().unwrap();
    let checked = report["checked"].as_u64().unwrap() as usize;
    let dups = report["duplicates"].as_u64().unwrap() as usize;
    let count = |key: &str| report[key].as_u64().unwrap() as usize;
    let refused_nested = refused.iter().filter(|r| r.1).count();
    let refused_dups = refused.iter().filter(|r| r.0 && !r.1).count();
    let refused_valid = refused.len() - refused_dups - refused_nested;
    eprintln!(
        "{files} files (seed {seed}): {checked} edited and checked, {} wrong; refused {refused_valid} \
         of {} valid files, {refused_nested} for a [DEFAULT] value botocore would reject and \
         {refused_dups} of {dups} with a repeated section; botocore read {} inputs, {} with a \
         [DEFAULT] value it rejects once a profile takes it ({} of them edited); {:.1} s",
        failures.len(),
        files - dups,
        count("botocore_before"),
        count("bad_default_read"),
        count("bad_default_edited"),
        started.elapsed().as_secs_f64()
    );
    for r in refused.iter().take(5) {
        eprintln!("refused: {}", r.2);
    }
    if !failures.is_empty() {
        let first = &failures[0]["file"].as_str().unwrap();
        let input = fs::read_to_string(dir.path().join(first)).unwrap();
        panic!(
            "{} of {checked} edited files are wrong; first ones: {:#}\nfirst input, {first}: {input:?}",
            failures.len(),
            Value::Array(failures.iter().take(3).cloned().collect())
        );
    }
    assert_eq!(checked + refused.len(), files);
    assert_eq!(count("refused_nested"), refused_nested);
    // The generator must reach the cases botocore's nested values decide (at least 2% of
    // the files each; a smaller run only needs one of each).
    let least = (files / 50).max(1);
    for (what, n) in [
        ("refusals for a [DEFAULT] value", refused_nested),
        (
            "edits of files with a [DEFAULT] value that botocore rejects once a profile takes it",
            count("bad_default_edited"),
        ),
    ] {
        assert!(n >= least, "too few {what}: {n} of {files}");
    }
    assert!(
        refused_valid * 1000 <= (files - dups) * MAX_REFUSED_PER_MILLE,
        "too many refusals of files Python reads: {refused_valid} of {}",
        files - dups
    );
    // Files with a repeated section are rejected by botocore as they are; merging the copies
    // is refused when indented lines around them would change meaning.
    assert!(
        refused_dups * 100 <= dups * MAX_REFUSED_DUPLICATES_PERCENT,
        "too many refusals of files with a repeated section: {refused_dups} of {dups}"
    );
}

/// botocore's reading of `text` (`pycheck.py botocore`): `Err` with its reason when the AWS
/// CLI would reject the file.
fn botocore_reads(python: &std::path::Path, text: &str) -> Result<Value, String> {
    let answer = support::pycheck(python, "botocore", &serde_json::json!({ "text": text }));
    match answer["error"].as_str() {
        Some(e) => Err(e.to_string()),
        None => Ok(answer["config"].clone()),
    }
}

#[test]
fn nested_default_values_keep_the_file_readable_for_botocore() {
    let Some(python) = support::python() else {
        return;
    };
    let creds = Credentials {
        access_key_id: "ASIANESTED0000000001".into(),
        secret_access_key: "nestedSecret".into(),
        session_token: "NestedToken".into(),
        expiration: "2024-05-01T13:00:00Z".into(),
    };
    let masked = "[DEFAULT]\naws_security_token =\n    nope\n[p]\naws_security_token = old\n";
    let legacy = UpsertOptions {
        legacy_aws_variables: true,
        ..Default::default()
    };
    // (input, profile, options, refused)
    let cases: [(&str, &str, &UpsertOptions, bool); 5] = [
        // A new profile would take the [DEFAULT] value botocore rejects.
        (
            "[DEFAULT]\ns3 =\n    nope\n",
            "p",
            &UpsertOptions::default(),
            true,
        ),
        // Commenting out the stale key would unmask it; writing it keeps it masked.
        (masked, "p", &UpsertOptions::default(), true),
        (masked, "p", &legacy, false),
        // Nested lines that all hold "=" are fine in every profile.
        (
            "[DEFAULT]\ns3 =\n    addressing_style = path\n",
            "p",
            &UpsertOptions::default(),
            false,
        ),
        // A key we write masks the bad value.
        (
            "[DEFAULT]\naws_session_token =\n    nope\n",
            "p",
            &UpsertOptions::default(),
            false,
        ),
    ];
    for (text, profile, opts, refused) in cases {
        let read = botocore_reads(&python, text);
        assert!(read.is_ok(), "{text:?}: botocore reads the input: {read:?}");
        match upsert(text, profile, &creds, opts) {
            Ok(edit) => {
                assert!(!refused, "{text:?}: the edit must be refused");
                let config = botocore_reads(&python, &edit.text)
                    .unwrap_or_else(|e| panic!("{text:?}: botocore rejects the result: {e}"));
                assert_eq!(
                    config[profile]["aws_access_key_id"], "ASIANESTED0000000001",
                    "{text:?}"
                );
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(refused, "{text:?}: refused: {msg}");
                // Needed: the plain edit (the stale key commented out, or the profile
                // added) is a file botocore rejects.
                let plain = if text.contains("[p]") {
                    text.replace("\naws_security_token = old", "\n# aws_security_token = old")
                } else {
                    format!("{text}[p]\naws_access_key_id = A\n")
                };
                assert!(botocore_reads(&python, &plain).is_err(), "{plain:?}");
                assert!(
                    msg.contains("line 3: the AWS CLI reads the [DEFAULT] value of")
                        && !msg.contains('\n'),
                    "{msg}"
                );
            }
        }
    }
}
