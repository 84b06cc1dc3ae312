//! PURE: render temporary AWS credentials for stdout (DESIGN §2.8–2.9, upstream-behaviour §7).
//!
//! * `env-var`: `export NAME=value` lines for POSIX shells (bash, zsh, fish 3+ via `eval`),
//!   or `setx NAME value` lines when the build target is Windows (upstream §7.1).
//! * `process-credentials`: one compact JSON object for the AWS SDKs' `credential_process`
//!   (DESIGN §2.9), followed by a newline.
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
use crate::config::Format;
use crate::error::{Error, Result};

/// The stdout text for `format` (DESIGN §2.8–2.9):
/// * [`Format::EnvVar`] gives [`env_var_lines`] (`windows` picks `setx` lines);
/// * [`Format::ProcessCredentials`] gives [`process_credentials_json`];
/// * [`Format::AwsCredentials`], [`Format::ConsoleUrl`] (whose URL needs a network call,
///   made by the caller) and [`Format::Noop`] give the empty string.
///
/// `legacy_aws_variables` adds `AWS_SECURITY_TOKEN` to the env-var lines.
///
/// Errors: [`Error::Runtime`] when the STS expiration is not RFC 3339 (process JSON only).
pub fn stdout_text(
    format: Format,
    creds: &Credentials,
    legacy_aws_variables: bool,
    windows: bool,
) -> Result<String> {
    match format {
        Format::EnvVar => Ok(env_var_lines(creds, legacy_aws_variables, windows)),
        Format::ProcessCredentials => process_credentials_json(creds),
        Format::AwsCredentials | Format::ConsoleUrl | Format::Noop => Ok(String::new()),
    }
}

/// Environment-variable lines, each ending in `\n`, in this order: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, and `AWS_SECURITY_TOKEN` (= the session
/// token) when `legacy_aws_variables` is set. No region, profile or expiry lines.
///
/// * `windows == false`: `export NAME=value`; the value is left bare when it only holds
///   shell-safe characters (STS keys and tokens: letters, digits, `/ + =`), otherwise it is
///   single-quoted by [`posix_quote`] so `eval "$(okta-aws-cli ...)"` is safe in bash, zsh
///   and fish.
/// * `windows == true`: `setx NAME value` (upstream §7.1), the value double-quoted when it
///   contains characters outside the safe set. Note that `setx` only affects future
///   consoles and documents a 1024-character value limit; the value is still printed in
///   full, never truncated.
pub fn env_var_lines(creds: &Credentials, legacy_aws_variables: bool, windows: bool) -> String {
    let mut vars: Vec<(&str, &str)> = vec![
        ("AWS_ACCESS_KEY_ID", &creds.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", &creds.secret_access_key),
        ("AWS_SESSION_TOKEN", &creds.session_token),
    ];
    if legacy_aws_variables {
        vars.push(("AWS_SECURITY_TOKEN", &creds.session_token));
    }
    let mut out = String::new();
    for (name, value) in vars {
        if windows {
            out.push_str(&format!("setx {name} {}\n", windows_quote(value)));
        } else {
            out.push_str(&format!("export {name}={}\n", posix_quote(value)));
        }
    }
    out
}

/// Characters that need no quoting in POSIX shells and fish: ASCII letters and digits and
/// `_ - . / + = : @ , %`.
fn is_shell_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./+=:@,%".contains(c)
}

/// Quote `value` for a POSIX shell word (also valid in fish 3+).
///
/// A non-empty value made only of shell-safe characters is returned unchanged. Otherwise it
/// is wrapped in single quotes; an embedded `'` or `\` is written outside the quotes as
/// `\'` / `\\`, which means the same thing in POSIX shells and in fish (fish treats `\\`
/// inside single quotes specially, POSIX shells do not). The empty value becomes `''`.
pub fn posix_quote(value: &str) -> Cow<'_, str> {
    if !value.is_empty() && value.chars().all(is_shell_safe) {
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

/// Quote `value` for a `setx` argument in cmd.exe: bare when shell-safe, otherwise in double
/// quotes with embedded `"` doubled.
fn windows_quote(value: &str) -> Cow<'_, str> {
    if !value.is_empty() && value.chars().all(is_shell_safe) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    }
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

/// The `process-credentials` output (DESIGN §2.9; AWS "Sourcing credentials with an
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
        let out = env_var_lines(&c, false, false);
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
        let out = env_var_lines(&c, true, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3], "export AWS_SECURITY_TOKEN=TOKEN/+=");
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn windows_uses_setx_with_space() {
        let c = creds("AKID", "S/+=", "T", "2024-05-01T13:00:00Z");
        let out = env_var_lines(&c, true, true);
        assert_eq!(
            out,
            "setx AWS_ACCESS_KEY_ID AKID\nsetx AWS_SECRET_ACCESS_KEY S/+=\n\
             setx AWS_SESSION_TOKEN T\nsetx AWS_SECURITY_TOKEN T\n"
        );
        assert_eq!(windows_quote("a b\"c"), "\"a b\"\"c\"");
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
    #[test]
    #[cfg(unix)]
    fn quoted_values_survive_eval_in_sh() {
        let nasty = "x'y\\z \"$HOME\" `id` $(id) ;|&<>*?[]{}~#!\n\ttab";
        let c = creds(nasty, "plain", "t", "2024-05-01T13:00:00Z");
        let script = format!(
            "{}printf '%s' \"$AWS_ACCESS_KEY_ID\"",
            env_var_lines(&c, false, false)
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
        assert_eq!(stdout_text(Format::Noop, &c, true, false).unwrap(), "");
        assert_eq!(
            stdout_text(Format::AwsCredentials, &c, true, false).unwrap(),
            ""
        );
        assert_eq!(
            stdout_text(Format::EnvVar, &c, false, false).unwrap(),
            env_var_lines(&c, false, false)
        );
        assert_eq!(
            stdout_text(Format::ProcessCredentials, &c, false, false).unwrap(),
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
}
