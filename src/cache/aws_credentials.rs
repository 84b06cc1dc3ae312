//! The AWS credential cache of `--cache-aws-credentials` (issue 10): one run's STS
//! credentials, reused by later runs with the same settings while at least `--min-ttl` of
//! their lifetime is left.
//!
//! One file per key under `<home>/.okta/awscli-credentials/`: `<32 hex digits>.json`, the
//! first 128 bits of SHA-256 over the key text ([`key_text`]: every setting that decides
//! which credentials a run gets; no secret, the m2m private key is named by its key id
//! only). The file holds one JSON object ([`Entry`]) with the key text itself, so an entry
//! is used only for exactly these settings. Files are 0600 in a 0700 directory, replaced
//! atomically ([`crate::fs::atomic_file::replace`]) and read as [`crate::fs::private`]
//! says (no symlink followed; owner and mode checked on the opened file). A sibling
//! `<hex>.lock` makes parallel runs share one sign-in ([`single_flight::lock`] with
//! [`single_flight::Cache::AwsCredentials`]), and a sibling `<hex>.failed` makes them share
//! its failure too.
//!
//! PURE: [`key_text`], [`entry_file`], [`parse_entry`], [`render_entry`], [`freshness`],
//! [`human_duration`]. I/O: [`load`], [`store`], [`store_failure`],
//! [`load_failure`], [`remove_failure`], [`clear_org`].

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aws::sts::Credentials;
use crate::clock::UnixMs;
use crate::config::{Command, Config, Format};
use crate::fs::atomic_file;
use crate::fs::bounded::SMALL_FILE_CAP;
use crate::fs::private;

use super::single_flight::{self, FailureRecord};

pub use super::freshness::{Freshness, freshness, human_duration, never_fresh_note};

/// The cache directory under `<home>/.okta/`.
pub const DIR_NAME: &str = "awscli-credentials";

/// Version of the entry format (and of the key text); other versions count as unusable.
pub const FORMAT_VERSION: u32 = 1;

/// Longest wait for another `web` run's lock: the holder runs at most one device
/// authorization, and an Okta device code lives 10 minutes (its default `expires_in`).
pub const WEB_LOCK_WAIT: Duration = Duration::from_secs(600);

/// Longest wait for another `m2m` run's lock: the holder makes two HTTP requests, each
/// bounded by the HTTP client's timeouts and retries.
pub const M2M_LOCK_WAIT: Duration = Duration::from_secs(120);

/// The largest entry file read (bytes); anything larger is unusable, never read whole.
const MAX_ENTRY_BYTES: u64 = 64 * 1024;

/// The canonical text of the cache key: a JSON array of `[name, value]` pairs in a fixed
/// order, `null` for an unset value. It covers the command, the org (scheme, host, port),
/// the OIDC client id, the STS region and endpoint override (`AWS_ENDPOINT_URL_STS`,
/// `AWS_ENDPOINT_URL`), the role and session duration as configured, and
/// - web: the Federation app id, the IdP, and the okta.yaml IdP and role labels (a label
///   setting is resolved through them);
/// - m2m: the authorization server id, scope, key id and role session name;
/// - direct: the authorization server id, the username and the role session name (never
///   the password).
///
/// Same settings, same text; any difference in these settings, a different text.
pub fn key_text(cfg: &Config) -> String {
    let env = |name: &str| cfg.endpoint_urls.get(name).map(str::to_string);
    let mut pairs: Vec<(&str, serde_json::Value)> = vec![
        ("version", FORMAT_VERSION.into()),
        (
            "command",
            match cfg.command {
                Command::M2m => "m2m",
                Command::Direct => "direct",
                _ => "web",
            }
            .into(),
        ),
        ("org", cfg.org.base.clone().into()),
        ("oidc-client-id", cfg.oidc_client_id.clone().into()),
        ("aws-iam-role", cfg.aws_iam_role.clone().into()),
        ("aws-session-duration", cfg.session_duration.into()),
        ("sts-region", cfg.sts_region.clone().into()),
        ("AWS_ENDPOINT_URL_STS", env("AWS_ENDPOINT_URL_STS").into()),
        ("AWS_ENDPOINT_URL", env("AWS_ENDPOINT_URL").into()),
        ("chain-role", cfg.chain_roles.clone().into()),
        // Without a chain the external id is not used, so it does not split the cache
        // (a `--write-aws-config` line, which never chains, then meets the seeded entry).
        (
            "chain-external-id",
            cfg.chain_external_id
                .clone()
                .filter(|_| !cfg.chain_roles.is_empty())
                .into(),
        ),
    ];
    match cfg.command {
        Command::M2m => {
            pairs.push(("authz-id", cfg.authz_id.clone().into()));
            pairs.push(("custom-scope", cfg.custom_scope.clone().into()));
            pairs.push(("key-id", cfg.key_id.clone().into()));
            pairs.push((
                "aws-sts-role-session-name",
                cfg.sts_role_session_name.clone().into(),
            ));
        }
        Command::Direct => {
            pairs.push(("authz-id", cfg.authz_id.clone().into()));
            pairs.push(("username", cfg.username.clone().into()));
            pairs.push((
                "aws-sts-role-session-name",
                cfg.sts_role_session_name.clone().into(),
            ));
        }
        _ => {
            pairs.push((
                "aws-acct-fed-app-id",
                cfg.aws_acct_fed_app_id.clone().into(),
            ));
            pairs.push(("aws-iam-idp", cfg.aws_iam_idp.clone().into()));
            pairs.push(("idp-labels", labels(&cfg.idp_labels)));
            pairs.push(("role-labels", labels(&cfg.role_labels)));
        }
    }
    // Serialising strings, numbers and nulls cannot fail.
    serde_json::to_string(&pairs).unwrap_or_default()
}

fn labels(list: &[(String, String)]) -> serde_json::Value {
    list.iter()
        .map(|(k, v)| serde_json::json!([k, v]))
        .collect()
}

/// Whether this run answers from (and fills) the AWS credential cache: the setting is on,
/// the run delivers one set of credentials (not `--all-profiles`) as credentials (not as a
/// console sign-in URL, which needs a fresh federation call anyway), and for `web` the role
/// cannot be chosen differently from one run to the next: preselected with
/// `--aws-iam-role`, or a credential helper's format (`process-credentials`, `eks-token`)
/// or `--ecs-server`, where nothing prompts.
pub fn applies(cfg: &Config) -> bool {
    cfg.cache_aws_credentials
        && !cfg.all_profiles
        && cfg.format != Format::ConsoleUrl
        && (matches!(cfg.command, Command::M2m | Command::Direct)
            || cfg.aws_iam_role.is_some()
            || cfg.format.is_credential_helper()
            || cfg.ecs_server)
}

/// The entry file of a key: `<home>/.okta/awscli-credentials/<first 32 hex digits of
/// sha256(key text)>.json`.
pub fn entry_file(home: &Path, key_text: &str) -> PathBuf {
    let digest = Sha256::digest(key_text.as_bytes());
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    home.join(".okta")
        .join(DIR_NAME)
        .join(format!("{name}.json"))
}

/// One cache file: the key it answers and the credentials of one run.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The [`key_text`] of the settings that got these credentials.
    pub key: String,
    /// The org's host (`example.okta.com`), for `--clear-cache`.
    pub org: String,
    /// The role as configured (ARN or label; empty when the only role was taken), for
    /// messages.
    pub role: String,
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `SecretAccessKey` (secret).
    pub secret_access_key: String,
    /// `SessionToken` (secret).
    pub session_token: String,
    /// STS `Expiration`, RFC 3339 UTC (`2024-05-01T13:00:00Z`).
    pub expiration: String,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("org", &self.org)
            .field("role", &self.role)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

impl Entry {
    /// The entry for credentials obtained with `cfg`'s settings.
    pub fn new(cfg: &Config, creds: &Credentials) -> Entry {
        Entry {
            version: FORMAT_VERSION,
            key: key_text(cfg),
            org: cfg.org.host.clone(),
            role: cfg.aws_iam_role.clone().unwrap_or_default(),
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.clone(),
            session_token: creds.session_token.clone(),
            expiration: creds.expiration.clone(),
        }
    }

    /// The credentials it holds.
    pub fn credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            expiration: self.expiration.clone(),
        }
    }

    /// The role for messages: the configured one, or a phrase when none was set.
    pub fn role_label(&self) -> &str {
        if self.role.is_empty() {
            "(the role of the sign-in)"
        } else {
            &self.role
        }
    }
}

/// A secret-free, printable, non-empty token: no whitespace or control characters.
fn usable_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 8192 && s.chars().all(|c| c.is_ascii_graphic())
}

/// Parse an entry file's text for the key `key`. Returns the entry and its expiry (to the
/// millisecond), or why it cannot be used (for a one-line warning; never contains a secret):
/// not JSON of this shape, another format version, another key, or unusable values (an
/// empty or non-printable key id, secret or session token; an expiration that is not RFC
/// 3339).
pub fn parse_entry(text: &str, key: &str) -> Result<(Entry, UnixMs), String> {
    let entry: Entry =
        serde_json::from_str(text).map_err(|_| "it is not a cache entry".to_string())?;
    if entry.version != FORMAT_VERSION {
        return Err(format!("unknown entry version {}", entry.version));
    }
    if entry.key != key {
        return Err("it belongs to other settings".into());
    }
    let id_ok = (16..=128).contains(&entry.access_key_id.len())
        && entry
            .access_key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    if !id_ok || !usable_token(&entry.secret_access_key) || !usable_token(&entry.session_token) {
        return Err("it holds unusable credentials".into());
    }
    let expires_at = expiration_moment(&entry.expiration)
        .ok_or_else(|| "its expiration is not an RFC 3339 time".to_string())?;
    if !entry.expiration.ends_with('Z') || !entry.role.chars().all(|c| !c.is_control()) {
        return Err("it holds unusable values".into());
    }
    Ok((entry, expires_at))
}

/// An STS `Expiration` (RFC 3339, e.g. `2030-01-01T00:00:00Z` or with a fraction of a
/// second) as a moment, to the millisecond (a finer fraction is rounded down); `None` when
/// the text is not RFC 3339.
pub fn expiration_moment(text: &str) -> Option<UnixMs> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    // Years 1..=9999 in milliseconds fit an i64.
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000_000))
        .ok()
        .map(UnixMs)
}

/// The entry file's text (compact JSON and a newline).
pub fn render_entry(entry: &Entry) -> String {
    // Serialising strings and integers cannot fail.
    let mut text = serde_json::to_string(entry).unwrap_or_default();
    text.push('\n');
    text
}

/// What [`load`] found.
#[derive(Debug)]
pub enum Lookup {
    /// No entry file.
    Missing,
    /// A usable entry and its expiry.
    Found(Entry, UnixMs),
    /// An entry that must not be used, and why (one line naming the file, no secret).
    Unusable(String),
}

/// Read the entry file `path` for the key `key`.
///
/// Refused (as [`Lookup::Unusable`]) without blocking, by checks made on the opened file
/// ([`private::read`]): a symlink (never followed), a FIFO, device or directory, a file of
/// another user or one that group or others may access (mode not 0600), one larger than
/// 64 KiB; then unreadable text and whatever [`parse_entry`] refuses.
pub fn load(path: &Path, key: &str) -> Lookup {
    let unusable = |why: &str| {
        Lookup::Unusable(format!(
            "ignoring the cached AWS credentials {}: {why}",
            path.display()
        ))
    };
    let bytes = match private::read(path, MAX_ENTRY_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Lookup::Missing,
        Err(e) => return unusable(&private::describe(&e)),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return unusable("it is not UTF-8 text");
    };
    match parse_entry(&text, key) {
        Ok((entry, expires_at)) => Lookup::Found(entry, expires_at),
        Err(why) => unusable(&why),
    }
}

/// Write `entry` to `path` atomically (directory created 0700, file 0600, replacing any
/// entry or refused file there). Errors: one line naming the file.
pub fn store(path: &Path, entry: &Entry) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| {
        format!(
            "cannot write the AWS credential cache {}: {e}",
            path.display()
        )
    };
    atomic_file::create_private_dirs(&atomic_file::dir_of(path)).map_err(|e| fail(&e))?;
    atomic_file::replace(path, render_entry(entry).as_bytes(), 0o600).map_err(|e| fail(&e))
}

/// Record, before the lock is released, that the sign-in for the entry file `path` (key
/// `key`) failed with `error`, so the runs waiting on the lock fail alike instead of each
/// signing in ([`single_flight`]; `<hex>.failed`, 0600, no secret). Errors that belong to
/// this run alone are not recorded ([`FailureRecord::of`]). Errors: one line naming the file.
pub fn store_failure(path: &Path, key: &str, error: &crate::error::Error) -> Result<(), String> {
    let Some(record) = FailureRecord::of(key, "", error, crate::clock::unix_now_ms()) else {
        return Ok(());
    };
    single_flight::store_failure(path, &record).map_err(|e| {
        format!(
            "cannot write the failure record {}: {e}",
            single_flight::failure_path(path).display()
        )
    })
}

/// The failure record of the entry file `path` that answers a run for `key` which began
/// waiting for the lock at `since_ms` (unix ms; [`FailureRecord::answers`]), if any.
pub fn load_failure(path: &Path, key: &str, since_ms: u64) -> Option<FailureRecord> {
    single_flight::load_failure(path, key, since_ms, crate::clock::unix_now_ms())
}

/// Delete the failure record of the entry file `path` (after a successful sign-in).
pub fn remove_failure(path: &Path) {
    single_flight::remove_failure(path);
}

/// Remove every JSON file in `dir` whose `org` field is `org_host` (credential entries
/// and access-token cache entries both carry one). Returns how many were removed; files
/// that cannot be read or parsed are left alone, a missing directory removes nothing.
/// Each file is read as the caches read them ([`private::read`]): no symlink followed,
/// never more than 1 MiB, and only the user's own private files.
pub fn clear_org(dir: &Path, org_host: &str) -> Result<usize, String> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "json")
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
            continue;
        }
        let Ok(Some(bytes)) = private::read(&path, SMALL_FILE_CAP) else {
            continue;
        };
        let org = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("org").and_then(|o| o.as_str()).map(str::to_string));
        if org.as_deref() == Some(org_host) {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::single_flight::{Cache, LockFailure, lock_path as lock_file};
    use crate::config::{Command, OrgUrl};

    fn lock(
        path: &Path,
        wait: Duration,
        on_wait: impl FnOnce(&Path),
    ) -> Result<fs::File, LockFailure> {
        single_flight::lock(path, Cache::AwsCredentials, wait, on_wait)
    }

    fn cfg(command: Command) -> Config {
        Config {
            command,
            org: OrgUrl {
                base: "https://example.okta.com".into(),
                host: "example.okta.com".into(),
            },
            oidc_client_id: "0oaclient".into(),
            aws_iam_role: Some("arn:aws:iam::123456789012:role/Deploy".into()),
            key_id: Some("kid-1".into()),
            authz_id: "default".into(),
            custom_scope: "okta-m2m-access".into(),
            sts_role_session_name: "okta-aws-cli".into(),
            private_key: Some("-----BEGIN PRIVATE KEY-----secret".into()),
            ..Config::default()
        }
    }

    #[test]
    fn the_cache_applies_to_web_without_a_role_under_the_ecs_server() {
        let mut c = Config {
            aws_iam_role: None,
            cache_aws_credentials: true,
            ..cfg(Command::Web)
        };
        assert!(!applies(&c), "a role chosen run by run");
        c.ecs_server = true;
        assert!(
            applies(&c),
            "--ecs-server never asks, so the role cannot change"
        );
    }

    fn creds(expiration: &str) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE123456789".into(),
            secret_access_key: "secret/key+value".into(),
            session_token: "FwoGZXIvYXdzEtoken==".into(),
            expiration: expiration.into(),
        }
    }

    #[test]
    fn every_deciding_setting_changes_the_key_and_nothing_secret_is_in_it() {
        let base = cfg(Command::M2m);
        let key = key_text(&base);
        assert!(!key.contains("secret"), "{key}");
        assert_eq!(key, key_text(&base.clone()));
        let changes: Vec<fn(&mut Config)> = vec![
            |c| c.command = Command::Web,
            |c| c.org.base = "https://other.okta.com".into(),
            |c| c.oidc_client_id = "0oaother".into(),
            |c| c.aws_iam_role = Some("arn:aws:iam::123456789012:role/Other".into()),
            |c| c.session_duration = Some(7200),
            |c| c.sts_region = Some("eu-west-1".into()),
            |c| c.endpoint_urls.sts = Some("http://127.0.0.1:1".into()),
            |c| c.authz_id = "aus1".into(),
            |c| c.custom_scope = "other".into(),
            |c| c.key_id = Some("kid-2".into()),
            |c| c.sts_role_session_name = "me".into(),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut c = base.clone();
            change(&mut c);
            assert_ne!(key_text(&c), key, "change {i}");
        }
        // The private key itself and output settings are not part of the key.
        let mut c = base.clone();
        c.private_key = Some("another".into());
        c.profile = "other".into();
        c.format = crate::config::Format::EnvVar;
        assert_eq!(key_text(&c), key);

        let web = cfg(Command::Web);
        let changes: Vec<fn(&mut Config)> = vec![
            |c| c.aws_acct_fed_app_id = Some("0oafed".into()),
            |c| c.aws_iam_idp = Some("arn:aws:iam::1:saml-provider/Okta".into()),
            |c| c.role_labels = vec![("arn:aws:iam::1:role/A".into(), "A".into())],
            |c| c.idp_labels = vec![("arn:aws:iam::1:saml-provider/B".into(), "B".into())],
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut c = web.clone();
            change(&mut c);
            assert_ne!(key_text(&c), key_text(&web), "web change {i}");
        }

        // direct: the user and the authorization server decide; the password and the
        // one-time code never show.
        let direct = Config {
            username: Some("alice".into()),
            password: Some("pw-secret".into()),
            otp: Some("246810".into()),
            ..cfg(Command::Direct)
        };
        let key = key_text(&direct);
        assert!(key.contains("alice") && key.contains("default"), "{key}");
        assert!(
            !key.contains("pw-secret") && !key.contains("246810"),
            "{key}"
        );
        let changes: Vec<fn(&mut Config)> = vec![
            |c| c.username = Some("bob".into()),
            |c| c.authz_id = "aus1".into(),
            |c| c.sts_role_session_name = "me".into(),
            |c| c.command = Command::M2m,
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut c = direct.clone();
            change(&mut c);
            assert_ne!(key_text(&c), key, "direct change {i}");
        }
        let mut c = direct.clone();
        c.password = Some("another".into());
        c.otp = None;
        assert_eq!(key_text(&c), key);
    }

    #[test]
    fn the_external_id_splits_the_cache_only_with_a_chain() {
        let web = cfg(Command::Web);
        let mut with_id = web.clone();
        with_id.chain_external_id = Some("ext-1".into());
        assert_eq!(key_text(&with_id), key_text(&web));
        let mut chained = web.clone();
        chained.chain_roles = vec!["arn:aws:iam::123456789012:role/Next".into()];
        let mut chained_with_id = chained.clone();
        chained_with_id.chain_external_id = Some("ext-1".into());
        assert_ne!(key_text(&chained), key_text(&web));
        assert_ne!(key_text(&chained_with_id), key_text(&chained));
    }

    #[test]
    fn entry_file_is_named_by_a_hash_of_the_key() {
        let home = Path::new("/home/u");
        let a = entry_file(home, "a");
        assert_eq!(a, entry_file(home, "a"));
        assert_ne!(a, entry_file(home, "b"));
        assert!(a.starts_with("/home/u/.okta/awscli-credentials"));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 32 + ".json".len());
        assert!(
            name.trim_end_matches(".json")
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
        );
        assert_eq!(lock_file(&a).extension().unwrap(), "lock");
    }

    #[test]
    fn entries_round_trip_and_bad_ones_say_why() {
        let c = cfg(Command::M2m);
        let key = key_text(&c);
        let entry = Entry::new(&c, &creds("2030-01-01T00:00:00Z"));
        let text = render_entry(&entry);
        let (back, expires_at) = parse_entry(&text, &key).unwrap();
        assert_eq!(back, entry);
        assert_eq!(expires_at, UnixMs(1_893_456_000_000));
        assert_eq!(
            expiration_moment("2030-01-01T00:00:00.2509Z"),
            Some(UnixMs(1_893_456_000_250))
        );
        assert_eq!(
            expiration_moment("2030-01-01T01:00:00+01:00"),
            Some(UnixMs(1_893_456_000_000))
        );
        assert_eq!(
            expiration_moment("1969-12-31T23:59:59.5Z"),
            Some(UnixMs(-500))
        );
        assert_eq!(expiration_moment("2030-01-01 00:00:00"), None);
        assert_eq!(back.credentials(), creds("2030-01-01T00:00:00Z"));
        assert!(parse_entry(&text, "other key").is_err());
        assert!(parse_entry("{not json", &key).is_err());
        assert!(parse_entry("", &key).is_err());
        let spoilers: Vec<fn(&mut Entry)> = vec![
            |e| e.version = 2,
            |e| e.access_key_id.clear(),
            |e| e.access_key_id = "ASIA EXAMPLE 1234".into(),
            |e| e.secret_access_key.clear(),
            |e| e.session_token = "a\nb".into(),
            |e| e.expiration = "tomorrow".into(),
            |e| e.expiration = "2030-01-01T00:00:00+01:00".into(),
        ];
        for (i, spoil) in spoilers.iter().enumerate() {
            let mut e = entry.clone();
            spoil(&mut e);
            let err = parse_entry(&render_entry(&e), &key).unwrap_err();
            assert!(
                !err.contains("secret/key") && !err.contains("FwoG"),
                "{err}"
            );
            assert!(!err.is_empty(), "case {i}");
        }
        let shown = format!("{entry:?}");
        assert!(
            !shown.contains("secret/key") && !shown.contains("FwoG"),
            "{shown}"
        );
    }

    #[test]
    fn store_load_and_refusals() {
        let home = tempfile::tempdir().unwrap();
        let c = cfg(Command::M2m);
        let key = key_text(&c);
        let path = entry_file(home.path(), &key);
        assert!(matches!(load(&path, &key), Lookup::Missing));
        let entry = Entry::new(&c, &creds("2030-01-01T00:00:00Z"));
        store(&path, &entry).unwrap();
        assert!(matches!(load(&path, &key), Lookup::Found(e, _) if e == entry));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
            fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
            let Lookup::Unusable(why) = load(&path, &key) else {
                panic!("a 0666 entry was used")
            };
            assert!(why.contains("other users may write"), "{why}");
            // A FIFO in its place: refused at once, never opened.
            fs::remove_file(&path).unwrap();
            let made = std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap();
            assert!(made.success());
            assert!(matches!(load(&path, &key), Lookup::Unusable(_)));
            // Replaced by the next store.
            store(&path, &entry).unwrap();
            assert!(matches!(load(&path, &key), Lookup::Found(..)));
        }
        fs::write(&path, "garbage").unwrap();
        assert!(matches!(load(&path, &key), Lookup::Unusable(_)));

        // clear_org removes only that org's entries.
        store(&path, &entry).unwrap();
        let mut other = entry.clone();
        other.org = "other.okta.com".into();
        let other_path = path.with_file_name("other.json");
        store(&other_path, &other).unwrap();
        assert_eq!(clear_org(path.parent().unwrap(), "example.okta.com"), Ok(1));
        assert!(!path.exists() && other_path.exists());
        assert_eq!(
            clear_org(&home.path().join("none"), "example.okta.com"),
            Ok(0)
        );
    }

    /// Issue 19: an entry others may read, a symlink to a valid entry, another user's
    /// entry (as root) are unusable, and their files stay as they were.
    // Unix only: modes, symlinks and owners.
    #[cfg(unix)]
    #[test]
    fn shared_symlinked_or_foreign_entries_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let c = cfg(Command::M2m);
        let key = key_text(&c);
        let path = entry_file(home.path(), &key);
        let entry = Entry::new(&c, &creds("2030-01-01T00:00:00Z"));
        store(&path, &entry).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let Lookup::Unusable(why) = load(&path, &key) else {
            panic!("a 0644 entry was used")
        };
        assert!(why.contains("other users may read it"), "{why}");
        let elsewhere = home.path().join("planted.json");
        store(&elsewhere, &entry).unwrap();
        let planted = fs::read(&elsewhere).unwrap();
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let Lookup::Unusable(why) = load(&path, &key) else {
            panic!("a symlinked entry was used")
        };
        assert!(why.contains("symbolic link"), "{why}");
        // The next store replaces the symlink, not its target.
        store(&path, &entry).unwrap();
        assert!(fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(fs::read(&elsewhere).unwrap(), planted);
        if crate::fs::owner::tests::root_or_skip("shared_symlinked_or_foreign_entries_are_refused")
        {
            std::os::unix::fs::chown(&path, Some(54321), Some(54321)).unwrap();
            let Lookup::Unusable(why) = load(&path, &key) else {
                panic!("another user's entry was used")
            };
            assert!(why.contains("owned by another user"), "{why}");
        }
    }

    /// `--clear-cache` reads bounded: a JSON file over 1 MiB naming the org is left alone
    /// (it is no entry), as is a symlink to an entry elsewhere (its target is untouched).
    #[test]
    fn clear_org_reads_bounded_and_follows_no_symlink() {
        let home = tempfile::tempdir().unwrap();
        let c = cfg(Command::M2m);
        let path = entry_file(home.path(), &key_text(&c));
        let dir = path.parent().unwrap().to_path_buf();
        let big = dir.join("big.json");
        atomic_file::create_private_dirs(&dir).unwrap();
        let text = format!(
            "{{\"org\":\"example.okta.com\",\"pad\":\"{}\"}}",
            "x".repeat(2 * 1024 * 1024)
        );
        atomic_file::replace(&big, text.as_bytes(), 0o600).unwrap();
        store(&path, &Entry::new(&c, &creds("2030-01-01T00:00:00Z"))).unwrap();
        #[cfg(unix)]
        let outside = {
            let outside = home.path().join("outside.json");
            store(&outside, &Entry::new(&c, &creds("2030-01-01T00:00:00Z"))).unwrap();
            std::os::unix::fs::symlink(&outside, dir.join("link.json")).unwrap();
            outside
        };
        assert_eq!(clear_org(&dir, "example.okta.com"), Ok(1));
        assert!(!path.exists());
        assert!(big.exists(), "an oversized file was read whole");
        #[cfg(unix)]
        assert!(outside.exists());
    }

    #[test]
    fn failure_records_are_shared_through_the_entry() {
        let home = tempfile::tempdir().unwrap();
        let path = entry_file(home.path(), "k");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let since = crate::clock::unix_now_ms();
        let denied = crate::error::Error::Aws {
            code: "AccessDenied".into(),
            message: "sts: AccessDenied: not authorized".into(),
        };
        store_failure(&path, "k", &denied).unwrap();
        let found = load_failure(&path, "k", since).unwrap();
        assert_eq!(found.to_error().aws_code(), Some("AccessDenied"));
        assert!(load_failure(&path, "other key", since).is_none());
        // This run's own errors are not for the others.
        remove_failure(&path);
        store_failure(&path, "k", &crate::error::Error::config("no key")).unwrap();
        assert!(load_failure(&path, "k", since).is_none());
    }

    #[test]
    fn lock_is_exclusive_and_announces_the_wait() {
        let home = tempfile::tempdir().unwrap();
        let path = entry_file(home.path(), "k");
        let held = lock(&path, M2M_LOCK_WAIT, |_| panic!("free lock")).unwrap();
        let mut told = Vec::new();
        let err = lock(&path, Duration::from_millis(100), |p| {
            told.push(p.to_path_buf())
        })
        .unwrap_err();
        assert!(matches!(err, LockFailure::TimedOut(_)), "{err:?}");
        assert_eq!(told, vec![lock_file(&path)]);
        drop(held);
        // Free again. A short wait, not none: a child that another test forks right now
        // holds a copy of the descriptor (and so the lock) until its exec.
        assert!(lock(&path, Duration::from_secs(10), |_| {}).is_ok());
        // A symlink planted at the lock path is never written through.
        #[cfg(unix)]
        {
            let other = entry_file(home.path(), "other");
            let victim = home.path().join("victim");
            std::os::unix::fs::symlink(&victim, lock_file(&other)).unwrap();
            let err = lock(&other, Duration::ZERO, |_| panic!("not busy")).unwrap_err();
            assert!(
                matches!(&err, LockFailure::Unusable(m) if m.contains("symbolic link")),
                "{err:?}"
            );
            assert!(!victim.exists());
        }
    }
}
