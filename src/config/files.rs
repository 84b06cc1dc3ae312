//! PURE: parse the text of `~/.okta/okta.yaml` (docs/decisions.md#d-precedence); `.env`
//! text is parsed by [`crate::config::dotenv_text`].
//!
//! okta.yaml is read into a generic [`serde_norway::Value`], never into typed structs, so
//! that every value shape users write (bare `true`, `"true"`, `yes`, `7200`, `"3600"`,
//! `null`, an empty profile; case B34) loads, and label maps keep their file order.

use serde_norway::{Mapping, Value};

use crate::config::suggest::edit_distance;

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

/// Deepest nesting of collections (block and flow together) okta.yaml may have; the file
/// needs 4 (`awscli.profiles.<name>.<setting>`), so 64 leaves room for any layout.
pub const MAX_YAML_DEPTH: usize = 64;

/// Parse YAML text into a generic value (an empty file is `Null`).
///
/// Before the YAML scanner runs, one linear pass ([`yaml_prescan`]) refuses nesting deeper
/// than [`MAX_YAML_DEPTH`] (the scanner takes seconds on 100k levels). When aliases expand
/// to more than the library's repetition limit (an alias bomb), the error points at the
/// first alias (`*name`) of the text.
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    let first_alias = yaml_prescan(text)?;
    serde_norway::from_str::<Value>(text).map_err(|e| {
        let (mut line, mut column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let mut message = e.to_string();
        // The library appends " at line L column C"; we print the position ourselves.
        if let Some(p) = message.find(" at line ") {
            message.truncate(p);
        }
        if message.contains("repetition limit") {
            // The library gives no position for this one.
            message = "aliases expand to too much data (repetition limit exceeded; \
                       the first alias is here)"
                .to_string();
            if line == 0
                && let Some((l, c)) = first_alias
            {
                (line, column) = (l, c);
            }
        }
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// One linear pass over YAML text, before the real parser: an upper bound of the nesting
/// depth (open block collections by indentation and `- ` entries, plus open `[`/`{` flow
/// collections, outside quotes, comments and block scalars) must stay within
/// [`MAX_YAML_DEPTH`]. Returns the 1-based (line, column) of the first alias (`*name`), if
/// any.
///
/// Errors: a [`YamlError`] at the line and column where the depth first exceeds the limit.
/// The bound may over-count a little (a `[` in an odd place), never under-count.
pub fn yaml_prescan(text: &str) -> Result<Option<(usize, usize)>, YamlError> {
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    let mut block: Vec<usize> = Vec::new();
    let mut block_scalar: Option<usize> = None;
    let mut first_alias = None;
    let too_deep = |line: usize, col: usize| YamlError {
        line: line + 1,
        column: col + 1,
        message: format!("nesting deeper than {MAX_YAML_DEPTH} levels; okta.yaml needs 4"),
    };
    let is_space = |c: u8| c == b' ' || c == b'\t' || c == b'\r';
    for (ln, line) in text.split('\n').enumerate() {
        let b = line.as_bytes();
        let indent = b.iter().take_while(|&&c| c == b' ').count();
        let blank = b[indent..].iter().all(|&c| is_space(c));
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                continue; // literal text of a `|` or `>` scalar
            }
            block_scalar = None;
        }
        let mut i = 0;
        if quote.is_none() && flow == 0 {
            if blank || b[indent] == b'#' {
                continue;
            }
            while block.last().is_some_and(|&top| top > indent) {
                block.pop();
            }
            if block.last() != Some(&indent) {
                block.push(indent);
            }
            // Compact nesting on one line: `- - - x`, `? - x`.
            i = indent;
            while i < b.len()
                && matches!(b[i], b'-' | b'?')
                && (i + 1 == b.len() || is_space(b[i + 1]))
            {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                block.push(i);
                if block.len() > MAX_YAML_DEPTH {
                    return Err(too_deep(ln, i.min(b.len().saturating_sub(1))));
                }
            }
            if block.len() > MAX_YAML_DEPTH {
                return Err(too_deep(ln, indent));
            }
        }
        while i < b.len() {
            let c = b[i];
            let token_start =
                i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'[' | b'{' | b',' | b':');
            match quote {
                Some(b'"') => {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        quote = None;
                    }
                }
                Some(_) => {
                    if c == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            quote = None;
                        }
                    }
                }
                None => match c {
                    b'#' if i == 0 || is_space(b[i - 1]) => break,
                    b'"' | b'\'' if token_start => quote = Some(c),
                    b'[' | b'{' if flow > 0 || i == 0 || is_space(b[i - 1]) => {
                        flow += 1;
                        if flow + block.len() > MAX_YAML_DEPTH {
                            return Err(too_deep(ln, i));
                        }
                    }
                    b']' | b'}' if flow > 0 => flow -= 1,
                    b'|' | b'>' if token_start && flow == 0 => {
                        let rest = &b[i + 1..];
                        let head = rest
                            .iter()
                            .take_while(|&&c| c.is_ascii_digit() || c == b'+' || c == b'-')
                            .count();
                        let tail = &rest[head..];
                        let ends = tail.iter().all(|&c| is_space(c))
                            || tail
                                .iter()
                                .position(|&c| c == b'#')
                                .is_some_and(|p| p > 0 && tail[..p].iter().all(|&c| is_space(c)));
                        if ends {
                            block_scalar = Some(indent);
                            break;
                        }
                    }
                    b'*' if token_start && first_alias.is_none() => {
                        first_alias = Some((ln + 1, i + 1));
                    }
                    _ => {}
                },
            }
            i += 1;
        }
    }
    Ok(first_alias)
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

/// Keys an `awscli.profiles.<name>` entry may hold (docs/decisions.md#d-okta-yaml, plus
/// `short-user-agent`, which we also accept there, the credential cache's
/// `cache-aws-credentials` and `min-ttl`, `direct`'s `mfa-method`, and `eks-cluster-id`).
pub const KNOWN_PROFILE_KEYS: &[&str] = &[
    "all-profiles",
    "authorization-code",
    "authorization-code-timeout",
    "authz-id",
    "chain-external-id",
    "chain-role",
    "console-destination",
    "aws-acct-fed-app-id",
    "aws-credentials",
    "aws-iam-idp",
    "aws-iam-role",
    "aws-region",
    "aws-session-duration",
    "aws-sts-role-session-name",
    "cache-access-token",
    "cache-aws-credentials",
    "custom-scope",
    "debug",
    "debug-api-calls",
    "eks-cluster-id",
    "ecs-server",
    "exec",
    "expiry-aws-variables",
    "format",
    "key-id",
    "legacy-aws-variables",
    "mfa-method",
    "min-ttl",
    "oidc-client-id",
    "open-browser",
    "open-browser-command",
    "org-domain",
    "private-key",
    "private-key-file",
    "profile-template",
    "qr-code",
    "redirect-port",
    "session-duration",
    "shell",
    "short-user-agent",
    "write-aws-config",
    "write-aws-credentials",
    // The `direct` command's user and password.
    "password",
    "username",
    // Read by upstream but without effect here (no-op key).
    "profile",
];

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

/// Profile keys that may also be written as a YAML list of strings (`chain-role`).
pub const LIST_PROFILE_KEYS: &[&str] = &["chain-role", "redirect-port"];

/// The texts of a YAML list whose items are all strings, numbers or booleans (`None` for
/// any other value, or a list holding a list, a map or null).
pub fn text_list(v: &Value) -> Option<Vec<String>> {
    let Value::Sequence(items) = untag(v) else {
        return None;
    };
    items
        .iter()
        .map(|item| match scalar(item) {
            Scalar::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// One `awscli.profiles` entry: its settings in file order. Debug shows the keys with
/// every value redacted (see [`Scalar`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileEntry {
    /// (key, value) pairs as written.
    pub settings: Vec<(String, Scalar)>,
    /// The keys of [`LIST_PROFILE_KEYS`] written as a list of strings, with the items in
    /// order (such a key is also in `settings`, as `Scalar::NotScalar("list")`).
    pub lists: Vec<(String, Vec<String>)>,
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
        d.field(
            "lists",
            &self
                .lists
                .iter()
                .map(|(k, v)| (k.as_str(), v.len()))
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

    /// The items of `key` when it is written as a list of strings (see [`Self::lists`]).
    pub fn list(&self, key: &str) -> Option<&[String]> {
        self.lists
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
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
                            if LIST_PROFILE_KEYS.contains(&key.as_str())
                                && let Some(items) = text_list(sv)
                            {
                                entry.lists.push((key.clone(), items));
                            }
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

    /// Every setting of the settings table may be written in an okta.yaml profile; the
    /// other known keys are the two this file reads itself (`profile`, the older
    /// `session-duration`). A setting added to the table but not here would be reported as
    /// an unknown okta.yaml key (`okta-aws-cli debug`, did-you-mean).
    #[test]
    fn known_profile_keys_are_the_settings_table() {
        let mut table: Vec<&str> = crate::config::setting_keys().collect();
        table.extend(["profile", "session-duration"]);
        table.sort_unstable();
        let mut known = KNOWN_PROFILE_KEYS.to_vec();
        known.sort_unstable();
        assert_eq!(known, table);
    }

    const B34: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cases/B34-okta.yaml"
    ));

    fn text(s: &str) -> Scalar {
        Scalar::Text(s.to_string())
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
    fn deep_nesting_is_refused_before_the_yaml_scanner() {
        // Flow, block by indentation, compact block sequences, and a mix, 100k levels deep:
        // each would take the scanner seconds. Refused at the line where the limit is passed.
        let flow = format!(
            "awscli:\n  profiles: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let braces = format!("a: {}\n", "{x: ".repeat(100_000));
        let compact = format!("{}x\n", "- ".repeat(100_000));
        let mut indented = String::new();
        for d in 0..2_000 {
            indented.push_str(&" ".repeat(d));
            indented.push_str("k:\n");
        }
        for (name, src, line) in [
            ("flow", flow.as_str(), 2),
            ("braces", braces.as_str(), 1),
            ("compact", compact.as_str(), 1),
            ("indented", indented.as_str(), MAX_YAML_DEPTH + 1),
        ] {
            let e = parse_yaml(src).expect_err(name);
            assert_eq!(e.line, line, "{name}: {e}");
            assert!(e.column > 0, "{name}: {e}");
            assert!(e.message.contains("nesting deeper than 64"), "{name}: {e}");
        }
        // Within the limit, and brackets in quotes, comments, plain scalars and block
        // scalars do not count.
        let ok = format!("a: {}1{}\n", "[".repeat(60), "]".repeat(60));
        assert!(parse_yaml(&ok).is_ok());
        let mut noisy = String::from("awscli:\n  roles:\n");
        for i in 0..100 {
            noisy.push_str(&format!(
                "    \"arn:[[[[{{{{{i}\": 'x[[[[' # [[[[[[[[[[[[[[[[\n    r{i}: a[[[[[[[[\n"
            ));
        }
        noisy.push_str(&format!("  text: |\n    {}\n", "[".repeat(200)));
        parse_yaml(&noisy).unwrap();
        parse_yaml(B34).unwrap();
    }

    #[test]
    fn alias_bomb_error_has_a_position() {
        let mut src = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            src.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        let e = parse_yaml(&src).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8), "{e}");
        assert!(
            e.to_string().starts_with("line 2, column 8: aliases"),
            "{e}"
        );
        // Normal anchors and aliases still work.
        let v = parse_yaml("d: &d {x: 1}\np: *d\n").unwrap();
        assert!(matches!(section(&v, &["p"]), Section::Map(_)));
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
    fn debug_never_shows_profile_values() {
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
