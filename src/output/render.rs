//! PURE: render temporary AWS credentials for stdout (docs/decisions.md#d-expiry-source, docs/decisions.md#k-outputs).
//!
//! * `env-var`: `export NAME=value` lines for POSIX shells (bash, zsh, fish 3+ via `eval`),
//!   or `setx NAME value` lines when the build target is Windows (docs/decisions.md#k-outputs).
//! * `process-credentials`: one compact JSON object for the AWS SDKs' `credential_process`
//!   (docs/decisions.md#d-process-json), followed by a newline.
//! * `aws-credentials` and `noop`: nothing on stdout (the credentials file is written by
//!   [`crate::output::credentials_file::write_profiles`]).
//!
//! Nothing here does I/O; the caller prints the returned text on stdout.

use std::borrow::Cow;

use serde::Serialize;
use time::OffsetDateTime;
use time::UtcOffset;
use time::format_description::well_known::Rfc3339;

use crate::aws::sts::Credentials;
use crate::config::{Format, Shell};
use crate::error::{Error, Result};

/// What the `env-var` lines hold besides the three credential variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnvVarOptions<'a> {
    /// The syntax of the lines (`--shell`).
    pub shell: Shell,
    /// `--legacy-aws-variables`: add `AWS_SECURITY_TOKEN` (= the session token).
    pub legacy_aws_variables: bool,
    /// `--expiry-aws-variables`: add `AWS_CREDENTIAL_EXPIRATION`, the STS expiration in
    /// RFC 3339 UTC, as the AWS CLI's `configure export-credentials` prints it.
    pub expiration: bool,
    /// The configured region (`--aws-region` etc.): add `AWS_REGION` and
    /// `AWS_DEFAULT_REGION`.
    pub region: Option<&'a str>,
}

/// The stdout text for `format` (docs/decisions.md#d-expiry-source):
/// * [`Format::EnvVar`] gives [`env_var_lines`];
/// * [`Format::ProcessCredentials`] gives [`process_credentials_json`];
/// * [`Format::AwsCredentials`], [`Format::ConsoleUrl`] (whose URL needs a network call,
///   made by the caller), [`Format::EksToken`] (signed by the caller at the time of printing,
///   [`crate::aws::eks::exec_credential`]) and [`Format::Noop`] give the empty string.
///
/// Errors: [`Error::Runtime`] when the STS expiration is not RFC 3339 (process JSON, or
/// env-var lines with the expiration), or a value the chosen shell cannot hold.
pub fn stdout_text(format: Format, creds: &Credentials, env: &EnvVarOptions<'_>) -> Result<String> {
    match format {
        Format::EnvVar => env_var_lines(creds, env),
        Format::ProcessCredentials => process_credentials_json(creds),
        Format::AwsCredentials | Format::ConsoleUrl | Format::EksToken | Format::Noop => {
            Ok(String::new())
        }
    }
}

/// The environment variables of the env-var output, in print order: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, then as `opts` asks `AWS_SECURITY_TOKEN`,
/// `AWS_CREDENTIAL_EXPIRATION`, `AWS_REGION` and `AWS_DEFAULT_REGION`. With the default
/// options that is exactly upstream's three variables (docs/decisions.md#k-outputs).
///
/// Errors: [`Error::Runtime`] when the expiration is asked for and is not RFC 3339.
pub fn env_vars(
    creds: &Credentials,
    opts: &EnvVarOptions<'_>,
) -> Result<Vec<(&'static str, String)>> {
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.clone()),
        ("AWS_SESSION_TOKEN", creds.session_token.clone()),
    ];
    if opts.legacy_aws_variables {
        vars.push(("AWS_SECURITY_TOKEN", creds.session_token.clone()));
    }
    if opts.expiration {
        vars.push((
            "AWS_CREDENTIAL_EXPIRATION",
            utc_expiration(&creds.expiration)?,
        ));
    }
    if let Some(region) = opts.region.filter(|r| !r.is_empty()) {
        vars.push(("AWS_REGION", region.to_string()));
        vars.push(("AWS_DEFAULT_REGION", region.to_string()));
    }
    Ok(vars)
}

/// Environment-variable lines ([`env_vars`]), each ending in `\n`, in the syntax of
/// `opts.shell` (case B32), every value quoted for that shell only when it needs it (STS keys
/// and tokens hold only letters, digits and `/ + =` and are printed bare):
///
/// | shell | line | quoting |
/// |---|---|---|
/// | posix | `export NAME=value` | [`posix_quote`] |
/// | fish | `set -gx NAME value` | [`fish_quote`] |
/// | powershell | `$env:NAME = 'value'` | [`powershell_quote`] (always quoted) |
/// | cmd | `set NAME=value` | [`cmd_set`] |
/// | setx | `setx NAME value` | [`setx_quote`] |
///
/// `setx` stores the value in the user's registry for consoles started later (not the
/// current one) and documents a 1024-character limit; the value is still printed in full.
///
/// Errors: [`Error::Runtime`] naming the variable (never its value) when the shell cannot
/// hold the value safely (cmd, setx and PowerShell refuse control characters, cmd and setx
/// also `"`, `%` and `!`), and those of [`env_vars`].
pub fn env_var_lines(creds: &Credentials, opts: &EnvVarOptions<'_>) -> Result<String> {
    let mut out = String::new();
    for (name, value) in env_vars(creds, opts)? {
        let line = match opts.shell {
            Shell::Posix => format!("export {name}={}", posix_quote(&value)),
            Shell::Fish => format!("set -gx {name} {}", fish_quote(&value)),
            Shell::PowerShell => format!("$env:{name} = {}", powershell_quote(&value, name)?),
            Shell::Cmd => cmd_set(name, &value)?,
            Shell::Setx => format!("setx {name} {}", setx_quote(&value, name)?),
        };
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Characters that need no quoting in any of the shells: ASCII letters and digits and
/// `_ - . / + = : @ ,`.
fn is_shell_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./+=:@,".contains(c)
}

fn bare(value: &str) -> bool {
    !value.is_empty() && value.chars().all(is_shell_safe)
}

/// Quote `value` as one POSIX shell word (sh, bash, dash, zsh).
///
/// A non-empty value made only of safe characters is returned unchanged. Otherwise it is
/// wrapped in single quotes, inside which nothing is special; an embedded `'` or `\\` is
/// written outside the quotes as `\'` / `\\`. The empty value becomes `''`.
pub fn posix_quote(value: &str) -> Cow<'_, str> {
    if bare(value) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '\\' => out.push_str("'\\\\'"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// Quote `value` as one fish 3 word: bare when safe, else in single quotes, inside which
/// fish treats only `\'` and `\\` as escapes (fish documentation, "Quotes").
pub fn fish_quote(value: &str) -> Cow<'_, str> {
    if bare(value) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    Cow::Owned(out)
}

/// Quote `value` as a PowerShell verbatim string: always in single quotes, where nothing
/// expands (`$`, backtick) and a quote is written twice; PowerShell also takes the
/// typographic quotes U+2018..U+201B as single quotes, so they are doubled too
/// (about_Quoting_Rules).
///
/// Errors: a control character (the lines are often run one by one with
/// `Invoke-Expression`, where a line break would split the statement); `name` is the
/// variable named in the message.
pub fn powershell_quote(value: &str, name: &str) -> Result<String> {
    refuse_controls(value, name, "PowerShell")?;
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    Ok(out)
}

/// A cmd.exe `set` line for the current console: `set NAME=value` when the value is safe,
/// else `set "NAME=value"`, where `& | < > ^ ( )` and spaces are literal.
///
/// Errors: cmd.exe expands `%NAME%` (and `!NAME!` with delayed expansion) even inside
/// quotes and cannot hold a `"` or a control character in a `set` value: such a value is
/// refused, naming `name`.
pub fn cmd_set(name: &str, value: &str) -> Result<String> {
    refuse_cmd_specials(value, name, "cmd")?;
    if bare(value) {
        Ok(format!("set {name}={value}"))
    } else {
        Ok(format!("set \"{name}={value}\""))
    }
}

/// Quote `value` as a `setx` argument: bare when safe, else in double quotes, with
/// backslashes before the closing quote doubled (the Windows argument rules of
/// `CommandLineToArgvW`).
///
/// Errors: as [`cmd_set`] (the line is run by cmd.exe first).
pub fn setx_quote(value: &str, name: &str) -> Result<String> {
    refuse_cmd_specials(value, name, "setx")?;
    if bare(value) {
        return Ok(value.to_string());
    }
    let trailing = value.len() - value.trim_end_matches('\\').len();
    Ok(format!("\"{value}{}\"", "\\".repeat(trailing)))
}

fn refuse_controls(value: &str, name: &str, shell: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::runtime(format!(
            "{name} holds a control character, which {shell} output cannot carry safely; \
             use --format process-credentials or another --shell"
        )));
    }
    Ok(())
}

fn refuse_cmd_specials(value: &str, name: &str, shell: &str) -> Result<()> {
    refuse_controls(value, name, shell)?;
    if let Some(c) = value.chars().find(|c| matches!(c, '"' | '%' | '!')) {
        return Err(Error::runtime(format!(
            "{name} holds {c:?}, which {shell} output cannot carry safely; \
             use --shell powershell or --format process-credentials"
        )));
    }
    Ok(())
}

/// Normalise an STS `Expiration` (RFC 3339, any offset, optional fractional seconds) to
/// RFC 3339 UTC with whole seconds: `2024-05-01T13:00:00Z`. Fractional seconds are dropped
/// (rounding down keeps the reported expiry never later than the real one).
///
/// Errors: [`Error::Runtime`] naming the value when it is not RFC 3339.
pub fn utc_expiration(expiration: &str) -> Result<String> {
    let parsed = OffsetDateTime::parse(expiration.trim(), &Rfc3339).map_err(|e| {
        Error::runtime(format!(
            "STS returned an expiration that is not an RFC 3339 time: \"{expiration}\" ({e})"
        ))
    })?;
    let utc = parsed.to_offset(UtcOffset::UTC);
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    ))
}

/// The `credential_process` document, field order as AWS documents it.
#[derive(Serialize)]
struct ProcessCredentials<'a> {
    #[serde(rename = "Version")]
    version: u8,
    #[serde(rename = "AccessKeyId")]
    access_key_id: &'a str,
    #[serde(rename = "SecretAccessKey")]
    secret_access_key: &'a str,
    #[serde(rename = "SessionToken")]
    session_token: &'a str,
    #[serde(rename = "Expiration")]
    expiration: String,
}

/// The `process-credentials` output (docs/decisions.md#d-process-json; AWS "Sourcing credentials with an
/// external process"): exactly one compact JSON object and a newline,
/// `{"Version":1,"AccessKeyId":"…","SecretAccessKey":"…","SessionToken":"…","Expiration":"2024-05-01T13:00:00Z"}`.
/// `Version` is the number 1; `Expiration` is the STS expiration via [`utc_expiration`];
/// key and token bytes are copied unchanged (`+ / =` need no JSON escaping).
///
/// Errors: [`Error::Runtime`] when the expiration is not RFC 3339.
pub fn process_credentials_json(creds: &Credentials) -> Result<String> {
    let doc = ProcessCredentials {
        version: 1,
        access_key_id: &creds.access_key_id,
        secret_access_key: &creds.secret_access_key,
        session_token: &creds.session_token,
        expiration: utc_expiration(&creds.expiration)?,
    };
    let mut text = serde_json::to_string(&doc)
        .map_err(|e| Error::runtime(format!("cannot encode process credentials: {e}")))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

    fn case(name: &str) -> String {
        std::fs::read_to_string(format!("{CASES}{name}"))
            .unwrap_or_else(|e| panic!("cannot read case file {name}: {e}"))
    }

    fn creds(id: &str, secret: &str, token: &str, exp: &str) -> Credentials {
        Credentials {
            access_key_id: id.into(),
            secret_access_key: secret.into(),
            session_token: token.into(),
            expiration: exp.into(),
        }
    }

    fn shell(shell: Shell) -> EnvVarOptions<'static> {
        EnvVarOptions {
            shell,
            ..EnvVarOptions::default()
        }
    }

    fn legacy(shell: Shell) -> EnvVarOptions<'static> {
        EnvVarOptions {
            shell,
            legacy_aws_variables: true,
            ..EnvVarOptions::default()
        }
    }

    /// A 1,300-character token with `/`, `+`, `=` like real STS session tokens.
    fn long_token() -> String {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bytes = alphabet.as_bytes();
        let mut t: String = (0..1298)
            .map(|i| bytes[(i * 7 + 3) % bytes.len()] as char)
            .collect();
        t.push_str("==");
        assert_eq!(t.len(), 1300);
        assert!(t.contains('/') && t.contains('+'));
        t
    }

    #[test]
    fn b32_posix_lines_are_exact_and_unquoted() {
        let token = long_token();
        let c = creds(
            "ASIAEXAMPLEENV000001",
            "fakeEnvSecret/with+plus=",
            &token,
            "2024-05-01T13:00:00Z",
        );
        let out = env_var_lines(&c, &shell(Shell::Posix)).unwrap();
        let expected = format!(
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLEENV000001\n\
             export AWS_SECRET_ACCESS_KEY=fakeEnvSecret/with+plus=\n\
             export AWS_SESSION_TOKEN={token}\n"
        );
        assert_eq!(out, expected);
        assert_eq!(out.lines().nth(2).map(str::len), Some(25 + 1300));
    }

    #[test]
    fn legacy_adds_security_token_line() {
        let c = creds("AKID", "SECRET", "TOKEN/+=", "2024-05-01T13:00:00Z");
        let out = env_var_lines(&c, &legacy(Shell::Posix)).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3], "export AWS_SECURITY_TOKEN=TOKEN/+=");
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn windows_uses_setx_with_space() {
        let c = creds("AKID", "S/+=", "T", "2024-05-01T13:00:00Z");
        let out = env_var_lines(&c, &legacy(Shell::Setx)).unwrap();
        assert_eq!(
            out,
            "setx AWS_ACCESS_KEY_ID AKID\nsetx AWS_SECRET_ACCESS_KEY S/+=\n\
             setx AWS_SESSION_TOKEN T\nsetx AWS_SECURITY_TOKEN T\n"
        );
        assert_eq!(setx_quote("a b&c\\", "V").unwrap(), "\"a b&c\\\\\"");
    }

    #[test]
    fn unsafe_values_are_single_quoted() {
        assert_eq!(posix_quote("abc/+=09"), "abc/+=09");
        assert_eq!(posix_quote(""), "''");
        assert_eq!(posix_quote("a b"), "'a b'");
        assert_eq!(posix_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(posix_quote("it's"), "'it'\\''s'");
        assert_eq!(posix_quote("a\\b"), "'a'\\\\'b'");
    }

    /// Round-trip through a real POSIX shell: what we print, `eval`ed, gives back the value.
    // Unix only: runs sh.
    #[test]
    #[cfg(unix)]
    fn quoted_values_survive_eval_in_sh() {
        let nasty = "x'y\\z \"$HOME\" `id` $(id) ;|&<>*?[]{}~#!\n\ttab";
        let c = creds(nasty, "plain", "t", "2024-05-01T13:00:00Z");
        let script = format!(
            "{}printf '%s' \"$AWS_ACCESS_KEY_ID\"",
            env_var_lines(&c, &shell(Shell::Posix)).unwrap()
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("sh runs");
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), nasty);
    }

    #[test]
    fn expiration_is_normalised_to_utc_z() {
        assert_eq!(
            utc_expiration("2024-05-01T13:00:00Z").unwrap(),
            "2024-05-01T13:00:00Z"
        );
        assert_eq!(
            utc_expiration("2024-05-01T15:00:00+02:00").unwrap(),
            "2024-05-01T13:00:00Z"
        );
        assert_eq!(
            utc_expiration("2024-05-01T13:00:00.999Z").unwrap(),
            "2024-05-01T13:00:00Z"
        );
        let err = utc_expiration("2024-05-01T13:00:00UTC").unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.to_string().contains("2024-05-01T13:00:00UTC"));
        assert!(utc_expiration("1714568400").is_err());
    }

    /// Every rule of case B31 as a checker of our stdout. `sts` is what STS returned, so the
    /// checker can compare values byte for byte (rule V6).
    fn validate_b31(stdout: &str, sts: &Credentials) -> std::result::Result<(), String> {
        // Exactly one JSON value and nothing else (whitespace / final newline allowed).
        let mut stream =
            serde_json::Deserializer::from_str(stdout).into_iter::<serde_json::Value>();
        let doc = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(format!("stdout is not JSON: {e}")),
            None => return Err("stdout is empty".into()),
        };
        match stream.next() {
            None => {}
            Some(_) => return Err("more than one JSON document on stdout".into()),
        }
        let obj = doc.as_object().ok_or("JSON is not an object")?;
        if obj.get("Version") != Some(&serde_json::json!(1)) || !obj["Version"].is_u64() {
            return Err("Version is not the number 1".into());
        }
        for (key, want) in [
            ("AccessKeyId", &sts.access_key_id),
            ("SecretAccessKey", &sts.secret_access_key),
            ("SessionToken", &sts.session_token),
        ] {
            match obj.get(key).and_then(|v| v.as_str()) {
                Some(v) if v == want => {}
                Some(_) => return Err(format!("{key} differs from the STS value")),
                None => return Err(format!("{key} missing or not a string")),
            }
        }
        let exp = obj
            .get("Expiration")
            .and_then(|v| v.as_str())
            .ok_or("Expiration missing or not a string")?;
        let b = exp.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(format!("Expiration {exp:?} is not YYYY-MM-DDTHH:MM:SSZ"));
        }
        OffsetDateTime::parse(exp, &Rfc3339)
            .map_err(|e| format!("Expiration {exp:?} is not a valid time: {e}"))?;
        let sts_exp = OffsetDateTime::parse(&sts.expiration, &Rfc3339)
            .map_err(|e| format!("bad STS expiration in test: {e}"))?;
        let ours = OffsetDateTime::parse(exp, &Rfc3339).map_err(|e| e.to_string())?;
        if ours.unix_timestamp() != sts_exp.unix_timestamp() {
            return Err("Expiration is not the STS expiration".into());
        }
        for key in obj.keys() {
            if ![
                "Version",
                "AccessKeyId",
                "SecretAccessKey",
                "SessionToken",
                "Expiration",
            ]
            .contains(&key.as_str())
            {
                return Err(format!("unexpected key {key}"));
            }
        }
        Ok(())
    }

    fn b31_sts() -> Credentials {
        creds(
            "ASIAEXAMPLEPROC00001",
            "fakeProcSecret000000000000000000000000000",
            "FAKEPROCESSTOKEN",
            "2024-05-01T13:00:00Z",
        )
    }

    #[test]
    fn b31_rendered_json_passes_every_rule() {
        let mut sts = b31_sts();
        sts.session_token = "FAKEPROCESSTOKEN+with/slashes==".into();
        let out = process_credentials_json(&sts).unwrap();
        validate_b31(&out, &sts).unwrap();
        assert_eq!(
            out,
            "{\"Version\":1,\"AccessKeyId\":\"ASIAEXAMPLEPROC00001\",\
             \"SecretAccessKey\":\"fakeProcSecret000000000000000000000000000\",\
             \"SessionToken\":\"FAKEPROCESSTOKEN+with/slashes==\",\
             \"Expiration\":\"2024-05-01T13:00:00Z\"}\n"
        );
        assert_eq!(out.matches('\n').count(), 1);
        // The documented good example passes the same checker.
        validate_b31(&case("B31-process-credentials.good.json"), &sts).unwrap();
    }

    #[test]
    fn b31_offset_expiration_from_sts_is_rendered_in_utc() {
        let mut sts = b31_sts();
        sts.expiration = "2024-05-01T15:00:00+02:00".into();
        let out = process_credentials_json(&sts).unwrap();
        assert!(out.contains("\"Expiration\":\"2024-05-01T13:00:00Z\""));
        validate_b31(&out, &sts).unwrap();
    }

    #[test]
    fn b31_every_bad_variant_is_rejected_by_the_validator() {
        let text = case("B31-process-credentials.bad-variants.txt");
        let mut blocks: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if let Some(title) = line.strip_prefix("## ") {
                blocks.push((title.to_string(), String::new()));
            } else if line.starts_with('#') || line.trim().is_empty() {
                continue;
            } else if let Some((_, body)) = blocks.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        let with_body: Vec<_> = blocks.iter().filter(|(_, b)| !b.is_empty()).collect();
        assert_eq!(with_body.len(), 5, "expected variants V1..V5 with a body");
        let sts = b31_sts();
        for (title, body) in with_body {
            assert!(
                validate_b31(body, &sts).is_err(),
                "validator accepted bad variant {title}"
            );
        }
        // V6: right shape, wrong (not STS) expiration.
        let mut other = sts.clone();
        other.expiration = "2024-05-01T14:00:00Z".into();
        let out = process_credentials_json(&other).unwrap();
        assert!(validate_b31(&out, &sts).is_err());
    }

    #[test]
    fn stdout_text_per_format() {
        let c = b31_sts();
        let opts = legacy(Shell::Posix);
        assert_eq!(stdout_text(Format::Noop, &c, &opts).unwrap(), "");
        assert_eq!(stdout_text(Format::AwsCredentials, &c, &opts).unwrap(), "");
        assert_eq!(
            stdout_text(Format::EnvVar, &c, &opts).unwrap(),
            env_var_lines(&c, &opts).unwrap()
        );
        assert_eq!(
            stdout_text(Format::ProcessCredentials, &c, &opts).unwrap(),
            process_credentials_json(&c).unwrap()
        );
    }

    #[test]
    fn errors_do_not_leak_secrets() {
        let mut c = b31_sts();
        c.expiration = "garbage".into();
        let msg = process_credentials_json(&c).unwrap_err().to_string();
        assert!(!msg.contains(&c.secret_access_key) && !msg.contains(&c.session_token));
    }

    #[test]
    fn b32_every_shell_prints_the_long_token_in_full() {
        let token = long_token();
        let c = creds(
            "ASIAEXAMPLEENV000001",
            "fakeEnvSecret/with+plus=",
            &token,
            "2024-05-01T13:00:00Z",
        );
        let expect = |shell, fmt: &dyn Fn(&str, &str) -> String| {
            let want: String = [
                ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEENV000001"),
                ("AWS_SECRET_ACCESS_KEY", "fakeEnvSecret/with+plus="),
                ("AWS_SESSION_TOKEN", token.as_str()),
            ]
            .iter()
            .map(|(n, v)| fmt(n, v) + "\n")
            .collect();
            assert_eq!(
                env_var_lines(&c, &opts_for(shell)).unwrap(),
                want,
                "{shell:?}"
            );
        };
        expect(Shell::Posix, &|n, v| format!("export {n}={v}"));
        expect(Shell::Fish, &|n, v| format!("set -gx {n} {v}"));
        expect(Shell::PowerShell, &|n, v| format!("$env:{n} = '{v}'"));
        expect(Shell::Cmd, &|n, v| format!("set {n}={v}"));
        expect(Shell::Setx, &|n, v| format!("setx {n} {v}"));
    }

    fn opts_for(s: Shell) -> EnvVarOptions<'static> {
        shell(s)
    }

    #[test]
    fn expiration_and_region_lines_when_asked() {
        let c = creds("AKID", "S", "T", "2024-05-01T15:00:00+02:00");
        let opts = EnvVarOptions {
            shell: Shell::Posix,
            legacy_aws_variables: false,
            expiration: true,
            region: Some("eu-west-1"),
        };
        assert_eq!(
            env_var_lines(&c, &opts).unwrap(),
            "export AWS_ACCESS_KEY_ID=AKID\nexport AWS_SECRET_ACCESS_KEY=S\n\
             export AWS_SESSION_TOKEN=T\nexport AWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00Z\n\
             export AWS_REGION=eu-west-1\nexport AWS_DEFAULT_REGION=eu-west-1\n"
        );
        // An empty region adds nothing; the default options add nothing either.
        let none = EnvVarOptions {
            region: Some(""),
            ..shell(Shell::Posix)
        };
        assert_eq!(env_var_lines(&c, &none).unwrap().lines().count(), 3);
    }

    #[test]
    fn fish_quoting() {
        assert_eq!(fish_quote("abc/+=09"), "abc/+=09");
        assert_eq!(fish_quote(""), "''");
        assert_eq!(fish_quote("a b$x"), "'a b$x'");
        assert_eq!(fish_quote("it's"), "'it\\'s'");
        assert_eq!(fish_quote("a\\b"), "'a\\\\b'");
    }

    #[test]
    fn powershell_quoting_follows_the_verbatim_string_rules() {
        assert_eq!(powershell_quote("abc/+=", "V").unwrap(), "'abc/+='");
        assert_eq!(powershell_quote("", "V").unwrap(), "''");
        // `$` and the backtick are literal in single quotes; quotes are doubled, also the
        // typographic ones PowerShell treats as single quotes.
        assert_eq!(
            powershell_quote("$(x) `n it's \u{2018}q\u{2019}", "V").unwrap(),
            "'$(x) `n it''s \u{2018}\u{2018}q\u{2019}\u{2019}'"
        );
        let err = powershell_quote("a\nb", "AWS_SESSION_TOKEN").unwrap_err();
        assert!(err.to_string().contains("AWS_SESSION_TOKEN"), "{err}");
        assert!(!err.to_string().contains("a\nb"));
    }

    #[test]
    fn cmd_and_setx_quoting() {
        assert_eq!(cmd_set("K", "abc/+=").unwrap(), "set K=abc/+=");
        assert_eq!(
            cmd_set("K", "a&b|c>d^e (f)").unwrap(),
            "set \"K=a&b|c>d^e (f)\""
        );
        assert_eq!(setx_quote("abc/+=", "K").unwrap(), "abc/+=");
        assert_eq!(setx_quote("a b", "K").unwrap(), "\"a b\"");
        assert_eq!(setx_quote("dir\\", "K").unwrap(), "\"dir\\\\\"");
        for bad in ["100%", "a!b", "say \"hi\"", "a\rb"] {
            for err in [
                cmd_set("K", bad).unwrap_err(),
                setx_quote(bad, "K").unwrap_err(),
            ] {
                let msg = err.to_string();
                assert!(msg.starts_with("K holds"), "{msg}");
                assert!(!msg.contains(bad), "{msg}");
            }
        }
    }

    /// The lines of each POSIX shell and fish, run by the real shell, set exactly the values.
    /// Missing shells are skipped with a note, but fail under CI (scripts/setup-test-env
    /// installs them).
    // Unix only: runs the Unix shells.
    #[test]
    #[cfg(unix)]
    fn real_shells_read_back_every_value() {
        let nasty = "x'y\\z \\\\ \\' \"$HOME\" `id` $(id) ;|&<>*?[]{}~#!%\u{2019}\n\ttab\\";
        let token = long_token();
        let c = creds(
            nasty,
            "fakeEnvSecret/with+plus=",
            &token,
            "2024-05-01T13:00:00Z",
        );
        let opts = |shell| EnvVarOptions {
            shell,
            legacy_aws_variables: true,
            expiration: true,
            region: Some("us-west-2"),
        };
        let want = format!(
            "{nasty}|fakeEnvSecret/with+plus=|{token}|{token}|2024-05-01T13:00:00Z|us-west-2"
        );
        let print = "printf '%s|%s|%s|%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \
                     \"$AWS_SESSION_TOKEN\" \"$AWS_SECURITY_TOKEN\" \"$AWS_CREDENTIAL_EXPIRATION\" \"$AWS_REGION\"";
        for (program, shell) in [
            ("bash", Shell::Posix),
            ("dash", Shell::Posix),
            ("zsh", Shell::Posix),
            ("fish", Shell::Fish),
        ] {
            let lines = env_var_lines(&c, &opts(shell)).unwrap();
            // As users run it: the lines through eval of the captured output.
            let script = format!("eval \"$(cat <<'OKTA_EOF'\n{lines}OKTA_EOF\n)\"\n{print}");
            let script = if program == "fish" {
                format!("{lines}{print}")
            } else {
                script
            };
            let out = match std::process::Command::new(program)
                .arg("-c")
                .arg(&script)
                .output()
            {
                Ok(out) => out,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "{program} is not installed (scripts/setup-test-env installs it)"
                    );
                    eprintln!("skipping {program}: not installed");
                    continue;
                }
                Err(e) => panic!("{program}: {e}"),
            };
            assert!(
                out.status.success(),
                "{program}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{program}");
        }
    }
}
