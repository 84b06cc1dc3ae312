//! PURE: parse the text of the two configuration files, `.env` (dotenv syntax) and
//! `~/.okta/okta.yaml` (upstream-behaviour §2.1–2.2, DESIGN §2.1–2.2).
//!
//! okta.yaml is read into a generic [`serde_norway::Value`], never into typed structs, so
//! that every value shape users write (bare `true`, `"true"`, `yes`, `7200`, `"3600"`,
//! `null`, an empty profile; case B34) loads, and label maps keep their file order.

use std::collections::BTreeMap;

use serde_norway::{Mapping, Value};

/// The result of reading `.env` text. Debug shows the variable names only (values such
/// as `OKTA_AWSCLI_PRIVATE_KEY` may be secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DotEnv {
    /// Variables by UPPER-CASED name (keys are matched case-insensitively); a later line
    /// wins over an earlier one.
    pub vars: BTreeMap<String, String>,
    /// The 1-based line where each variable (UPPER-CASED name) was last set (`--explain`).
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

/// A YAML syntax error with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        } else {
            f.write_str(&self.message)
        }
    }
}

/// Parse YAML text into a generic value (an empty file is `Null`).
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_norway::from_str::<Value>(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let mut message = e.to_string();
        // The library appends " at line L column C"; we print the position ourselves.
        if let Some(p) = message.find(" at line ") {
            message.truncate(p);
        }
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// Strip YAML tags (`!foo value`).
fn untag(v: &Value) -> &Value {
    match v {
        Value::Tagged(t) => untag(&t.value),
        other => other,
    }
}

/// A short name for a value's kind, for messages.
pub fn kind(v: &Value) -> &'static str {
    match untag(v) {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "list",
        Value::Mapping(_) => "map",
        Value::Tagged(_) => "tagged value",
    }
}

/// A YAML value as configuration text. Debug never shows the text (a profile's
/// `private-key` or `password` is a secret): `Text(<redacted, N bytes>)`.
#[derive(Clone, PartialEq, Eq)]
pub enum Scalar {
    /// `~`, `null` or nothing: the key sets nothing.
    Null,
    /// The literal text of a string, boolean (`true`/`false`) or number (`7200`).
    Text(String),
    /// A list or map where one value was expected (the kind name).
    NotScalar(&'static str),
}

impl std::fmt::Debug for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Null => f.write_str("Null"),
            Scalar::Text(t) => write!(f, "Text(<redacted, {} bytes>)", t.len()),
            Scalar::NotScalar(kind) => write!(f, "NotScalar({kind:?})"),
        }
    }
}

/// Turn a YAML value into [`Scalar`] text.
pub fn scalar(v: &Value) -> Scalar {
    match untag(v) {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Text(b.to_string()),
        Value::Number(n) => Scalar::Text(n.to_string()),
        Value::String(s) => Scalar::Text(s.clone()),
        other => Scalar::NotScalar(kind(other)),
    }
}

/// The text of a mapping key (strings, numbers and booleans), `None` for other kinds.
pub fn key_text(v: &Value) -> Option<String> {
    match scalar(v) {
        Scalar::Text(t) => Some(t),
        _ => None,
    }
}

/// What is found at a key path such as `awscli.idps`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Section<'a> {
    /// The key (or a parent) is not there.
    Absent,
    /// The key is there with no value.
    Null,
    /// A map.
    Map(&'a Mapping),
    /// Something else (the kind name).
    Other(&'static str),
}

/// Follow `path` (map keys) from `root`.
pub fn section<'a>(root: &'a Value, path: &[&str]) -> Section<'a> {
    let mut cur = untag(root);
    for key in path {
        let Value::Mapping(m) = cur else {
            return Section::Absent;
        };
        match m.iter().find(|(k, _)| key_text(k).as_deref() == Some(*key)) {
            Some((_, v)) => cur = untag(v),
            None => return Section::Absent,
        }
    }
    match cur {
        Value::Null => Section::Null,
        Value::Mapping(m) => Section::Map(m),
        other => Section::Other(kind(other)),
    }
}

/// Keys an `awscli.profiles.<name>` entry may hold (upstream-behaviour §2.2, plus
/// `short-user-agent`, which we also accept there).
pub const KNOWN_PROFILE_KEYS: &[&str] = &[
    "all-profiles",
    "authz-id",
    "aws-acct-fed-app-id",
    "aws-credentials",
    "aws-iam-idp",
    "aws-iam-role",
    "aws-region",
    "aws-session-duration",
    "aws-sts-role-session-name",
    "cache-access-token",
    "custom-scope",
    "debug",
    "debug-api-calls",
    "exec",
    "expiry-aws-variables",
    "format",
    "key-id",
    "legacy-aws-variables",
    "oidc-client-id",
    "open-browser",
    "open-browser-command",
    "org-domain",
    "private-key",
    "private-key-file",
    "qr-code",
    "session-duration",
    "short-user-agent",
    "write-aws-credentials",
    // Read by upstream but without effect here (`direct` command, no-op key).
    "password",
    "profile",
    "username",
];

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known profile key closest to `unknown` (e.g. `write-credentials` ->
/// `write-aws-credentials`), if one is reasonably close.
pub fn closest_key(unknown: &str) -> Option<&'static str> {
    let u = unknown.to_ascii_lowercase().replace('_', "-");
    KNOWN_PROFILE_KEYS
        .iter()
        .map(|k| (edit_distance(&u, k), *k))
        .filter(|(d, k)| {
            // Close in spelling, or one name contains the other (`region` / `aws-region`).
            *d <= (k.len() / 3).max(2) || (u.len() >= 4 && (k.contains(&u) || u.contains(k)))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// One `awscli.profiles` entry: its settings in file order. Debug shows the keys with
/// every value redacted (see [`Scalar`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileEntry {
    /// (key, value) pairs as written.
    pub settings: Vec<(String, Scalar)>,
    /// The entry itself was not a map (kind name); it then has no settings.
    pub not_a_map: Option<&'static str>,
}

impl std::fmt::Debug for ProfileEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("ProfileEntry");
        d.field(
            "settings",
            &self
                .settings
                .iter()
                .map(|(k, v)| (k.as_str(), v))
                .collect::<Vec<_>>(),
        );
        d.field("not_a_map", &self.not_a_map);
        d.finish()
    }
}

impl ProfileEntry {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Scalar> {
        self.settings.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Keys that are not in [`KNOWN_PROFILE_KEYS`].
    pub fn unknown_keys(&self) -> Vec<&str> {
        self.settings
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !KNOWN_PROFILE_KEYS.contains(k))
            .collect()
    }
}

/// What okta-aws-cli uses from okta.yaml. Debug shows the labels and the profiles' keys,
/// never a profile value (see [`ProfileEntry`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OktaYaml {
    /// `awscli.idps`: (IdP ARN or regex, label), file order.
    pub idps: Vec<(String, String)>,
    /// `awscli.roles`: (role ARN or regex, label), file order.
    pub roles: Vec<(String, String)>,
    /// `awscli.profiles`: (profile name, entry), file order.
    pub profiles: Vec<(String, ProfileEntry)>,
}

impl OktaYaml {
    /// The profile named `name`: an exact match, else the first case-insensitive match
    /// (upstream matches profile names case-insensitively).
    pub fn profile(&self, name: &str) -> Option<&ProfileEntry> {
        self.profiles
            .iter()
            .find(|(n, _)| n == name)
            .or_else(|| {
                self.profiles
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
            })
            .map(|(_, e)| e)
    }
}

/// Why okta.yaml could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OktaYamlError {
    /// Not YAML.
    Syntax(YamlError),
    /// YAML, but a section has the wrong shape (message names the key path).
    Shape(String),
}

impl std::fmt::Display for OktaYamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OktaYamlError::Syntax(e) => write!(f, "invalid YAML at {e}"),
            OktaYamlError::Shape(m) => f.write_str(m),
        }
    }
}

fn labels(root: &Value, name: &str) -> Result<Vec<(String, String)>, OktaYamlError> {
    match section(root, &["awscli", name]) {
        Section::Absent | Section::Null => Ok(Vec::new()),
        Section::Other(k) => Err(OktaYamlError::Shape(format!(
            "awscli.{name} must be a map of ARN to label, not a {k}"
        ))),
        Section::Map(m) => {
            let mut out = Vec::new();
            for (k, v) in m {
                let key = key_text(k).ok_or_else(|| {
                    OktaYamlError::Shape(format!("awscli.{name} has a {} as a key", kind(k)))
                })?;
                match scalar(v) {
                    Scalar::Text(label) => out.push((key, label)),
                    Scalar::Null => {
                        return Err(OktaYamlError::Shape(format!(
                            "awscli.{name} key {key:?} has no label"
                        )));
                    }
                    Scalar::NotScalar(kd) => {
                        return Err(OktaYamlError::Shape(format!(
                            "awscli.{name} key {key:?} has a {kd} as its label, expected a string"
                        )));
                    }
                }
            }
            Ok(out)
        }
    }
}

/// Read okta.yaml text (case B34 shapes): the `awscli` section's `idps`, `roles` and
/// `profiles`; other sections (e.g. `okta.client`) are ignored. Absent or null sections
/// are empty. Errors: [`OktaYamlError::Syntax`] with line and column, or
/// [`OktaYamlError::Shape`] when the root, `awscli`, `idps`, `roles` or `profiles` is not
/// a map.
pub fn parse_okta_yaml(text: &str) -> Result<OktaYaml, OktaYamlError> {
    let root = parse_yaml(text).map_err(OktaYamlError::Syntax)?;
    match untag(&root) {
        Value::Null | Value::Mapping(_) => {}
        other => {
            return Err(OktaYamlError::Shape(format!(
                "the file must be a map of sections, not a {}",
                kind(other)
            )));
        }
    }
    if let Section::Other(k) = section(&root, &["awscli"]) {
        return Err(OktaYamlError::Shape(format!(
            "awscli must be a map of sections, not a {k}"
        )));
    }
    let mut out = OktaYaml {
        idps: labels(&root, "idps")?,
        roles: labels(&root, "roles")?,
        profiles: Vec::new(),
    };
    match section(&root, &["awscli", "profiles"]) {
        Section::Absent | Section::Null => {}
        Section::Other(k) => {
            return Err(OktaYamlError::Shape(format!(
                "awscli.profiles must be a map of profile name to settings, not a {k}"
            )));
        }
        Section::Map(m) => {
            for (k, v) in m {
                let Some(name) = key_text(k) else {
                    return Err(OktaYamlError::Shape(format!(
                        "awscli.profiles has a {} as a profile name",
                        kind(k)
                    )));
                };
                let mut entry = ProfileEntry::default();
                match untag(v) {
                    Value::Null => {}
                    Value::Mapping(settings) => {
                        for (sk, sv) in settings {
                            let key = key_text(sk).unwrap_or_else(|| format!("<{}>", kind(sk)));
                            entry.settings.push((key, scalar(sv)));
                        }
                    }
                    other => entry.not_a_map = Some(kind(other)),
                }
                out.profiles.push((name, entry));
            }
        }
    }
    Ok(out)
}

/// Best-effort 1-based line numbers of the keys of `awscli.profiles.<profile>` in okta.yaml
/// text, found by a light scan of block-style YAML (indentation, `key:` lines, quoted keys).
/// The YAML reader gives positions only for errors, so `--explain` uses this to say where a
/// setting came from. Flow-style maps (`dev: {a: b}`) and anchors yield no lines; the result
/// is then empty or partial, never wrong about which key is on a line it reports.
pub fn profile_key_lines(text: &str, profile: &str) -> Vec<(String, usize)> {
    // The path to walk: (expected key, indentation of that key once found).
    let path = ["awscli", "profiles", profile];
    let mut depth = 0; // how many path elements were matched
    let mut indents: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') || body == "---" {
            continue;
        }
        let indent = line.len() - body.len();
        // Leave the matched sections this line is not inside of.
        while let Some(&last) = indents.last() {
            if indent <= last {
                indents.pop();
                depth -= 1;
            } else {
                break;
            }
        }
        let Some(key) = yaml_line_key(body) else {
            continue;
        };
        if depth == path.len() {
            // Inside the profile: the first deeper indentation is the settings' level.
            out.push((key, n + 1));
            // Skip nested content: only direct keys are settings.
            indents.push(indent);
            depth += 1;
            continue;
        }
        if depth > path.len() {
            continue;
        }
        if key == path[depth] {
            indents.push(indent);
            depth += 1;
        }
    }
    out
}

/// The key of a `key: value` / `key:` YAML line (quotes removed), if it is one.
fn yaml_line_key(body: &str) -> Option<String> {
    let body = body.strip_prefix("? ").unwrap_or(body);
    if let Some(q) = body.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = body[1..].find(q)? + 1;
        let rest = body[end + 1..].trim_start();
        return rest.starts_with(':').then(|| body[1..end].to_string());
    }
    let colon = body
        .find(": ")
        .or_else(|| body.ends_with(':').then(|| body.len() - 1))?;
    let key = body[..colon].trim();
    (!key.is_empty() && !key.starts_with(['-', '{', '[', '&', '*', '!'])).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const B34: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cases/B34-okta.yaml"
    ));

    fn text(s: &str) -> Scalar {
        Scalar::Text(s.to_string())
    }

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
    fn b34_loads_every_shape() {
        let y = parse_okta_yaml(B34).expect("B34 must load");
        assert!(y.idps.is_empty() && y.roles.is_empty());
        let names: Vec<&str> = y.profiles.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sandbox", "prod", "empty-profile"]);
        let s = y.profile("sandbox").unwrap();
        assert_eq!(
            s.get("aws-acct-fed-app-id"),
            Some(&text("0oaFAKEfedapp00001"))
        );
        assert_eq!(s.get("write-aws-credentials"), Some(&text("true")));
        assert_eq!(s.get("open-browser"), Some(&text("true")));
        assert_eq!(s.get("cache-access-token"), Some(&text("yes")));
        assert_eq!(s.get("session-duration"), Some(&text("36000")));
        assert_eq!(s.get("expiry-aws-variables"), Some(&text("false")));
        assert!(s.unknown_keys().is_empty());
        let p = y.profile("PROD").unwrap();
        assert_eq!(p.get("aws-session-duration"), Some(&text("3600")));
        assert_eq!(p.unknown_keys(), ["write-credentials"]);
        let e = y.profile("empty-profile").unwrap();
        assert!(e.settings.is_empty() && e.not_a_map.is_none());
        assert!(y.profile("missing-profile").is_none());
    }

    #[test]
    fn labels_keep_file_order_and_types() {
        let y = parse_okta_yaml(
            "awscli:\n  idps:\n    \"arn:z\": Zed\n    \"arn:a\": Aye\n  roles:\n    \"arn:.*:role/admin\": 42\n",
        )
        .unwrap();
        assert_eq!(
            y.idps,
            vec![
                ("arn:z".into(), "Zed".into()),
                ("arn:a".into(), "Aye".into())
            ]
        );
        assert_eq!(y.roles, vec![("arn:.*:role/admin".into(), "42".into())]);
    }

    #[test]
    fn yaml_shapes_and_errors() {
        assert_eq!(parse_okta_yaml("").unwrap(), OktaYaml::default());
        assert_eq!(
            parse_okta_yaml("# only a comment\n").unwrap(),
            OktaYaml::default()
        );
        assert_eq!(parse_okta_yaml("awscli:\n").unwrap(), OktaYaml::default());
        assert_eq!(parse_okta_yaml("other: 1\n").unwrap(), OktaYaml::default());
        match parse_okta_yaml("awscli:\n\tprofiles:\n") {
            Err(OktaYamlError::Syntax(e)) => assert_eq!(e.line, 2, "{e}"),
            other => panic!("{other:?}"),
        }
        match parse_okta_yaml("awscli:\n  profiles:\n    a: 1\n   b: 2\n") {
            Err(OktaYamlError::Syntax(e)) => {
                assert!(e.line >= 3 && e.column > 0, "{e}");
                assert!(!e.message.contains(" at line "), "{e}");
            }
            other => panic!("{other:?}"),
        }
        for (src, needle) in [
            ("- a\n", "not a list"),
            ("awscli: 3\n", "awscli"),
            ("awscli:\n  idps: [a]\n", "awscli.idps"),
            ("awscli:\n  roles:\n    arn: [x]\n", "awscli.roles"),
            ("awscli:\n  profiles: text\n", "awscli.profiles"),
        ] {
            match parse_okta_yaml(src) {
                Err(OktaYamlError::Shape(m)) => assert!(m.contains(needle), "{src}: {m}"),
                other => panic!("{src}: {other:?}"),
            }
        }
        let y =
            parse_okta_yaml("awscli:\n  profiles:\n    odd: [1]\n    n:\n      org-domain: [x]\n")
                .unwrap();
        assert_eq!(y.profile("odd").unwrap().not_a_map, Some("list"));
        assert_eq!(
            y.profile("n").unwrap().get("org-domain"),
            Some(&Scalar::NotScalar("list"))
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest_key("write-credentials"),
            Some("write-aws-credentials")
        );
        assert_eq!(closest_key("org_domain"), Some("org-domain"));
        assert_eq!(closest_key("oidc-clientid"), Some("oidc-client-id"));
        assert_eq!(closest_key("region"), Some("aws-region"));
        assert_eq!(closest_key("completely-different"), None);
    }

    #[test]
    fn section_lookup() {
        let v = parse_yaml("awscli:\n  idps:\n  roles: {}\n  profiles: 5\n").unwrap();
        assert_eq!(section(&v, &["awscli", "idps"]), Section::Null);
        assert!(matches!(section(&v, &["awscli", "roles"]), Section::Map(m) if m.is_empty()));
        assert_eq!(
            section(&v, &["awscli", "profiles"]),
            Section::Other("number")
        );
        assert_eq!(section(&v, &["awscli", "nope"]), Section::Absent);
        assert_eq!(section(&v, &["x", "y"]), Section::Absent);
    }

    #[test]
    fn debug_never_shows_profile_values_or_dotenv_values() {
        let y = parse_okta_yaml(
            "awscli:\n  profiles:\n    prod:\n      private-key: MIIEvQIBADANBgkqhkiG9w0BSECRET\n      password: hunter2pass\n      org-domain: example.okta.com\n",
        )
        .unwrap();
        let shown = format!("{y:?}");
        assert!(
            !shown.contains("MIIEvQIBADANBgkqhkiG9w0BSECRET") && !shown.contains("hunter2pass"),
            "{shown}"
        );
        assert!(
            shown.contains("prod") && shown.contains("private-key") && shown.contains("password"),
            "{shown}"
        );
        let d = parse_dotenv("OKTA_AWSCLI_PRIVATE_KEY=dotenvSECRETvalue\n").unwrap();
        let shown = format!("{d:?}");
        assert!(!shown.contains("dotenvSECRETvalue"), "{shown}");
        assert!(shown.contains("OKTA_AWSCLI_PRIVATE_KEY"), "{shown}");
    }

    #[test]
    fn profile_key_lines_finds_the_profile_keys_only() {
        let text = "---\nawscli:\n  idps:\n    dev: x\n  profiles:\n    prod:\n      org-domain: p\n    \"dev\":\n      # comment\n      org-domain: d\n      'format': noop\n      nested:\n        key-id: no\n      key-id: k\n    other:\n      key-id: o\n";
        assert_eq!(
            profile_key_lines(text, "dev"),
            vec![
                ("org-domain".to_string(), 10),
                ("format".to_string(), 11),
                ("nested".to_string(), 12),
                ("key-id".to_string(), 14)
            ]
        );
        assert!(profile_key_lines(text, "none").is_empty());
        assert!(profile_key_lines("awscli: {profiles: {dev: {a: b}}}\n", "dev").is_empty());
    }
}
