//! PURE: the table of layered settings (long flag name = okta.yaml key, environment
//! variables, legacy names) and the lookup that picks one setting's value: flag >
//! environment > `.env` > okta.yaml profile.

use crate::config::dotenv_text::DotEnv;
use crate::config::files::{ProfileEntry, Scalar};
use crate::config::flags::{BOOL_WORDS, parse_bool};
use crate::config::settings::{Env, Source};
use crate::error::{Error, Result};

/// One setting: its okta.yaml key (= long flag name), its env var(s), legacy env names.
struct Spec {
    key: &'static str,
    env: &'static [&'static str],
    legacy: &'static [&'static str],
}

const fn spec(
    key: &'static str,
    env: &'static [&'static str],
    legacy: &'static [&'static str],
) -> Spec {
    Spec { key, env, legacy }
}

/// Every layered setting (docs/decisions.md#k-surface).
const SPECS: &[Spec] = &[
    spec(
        "org-domain",
        &["OKTA_AWSCLI_ORG_DOMAIN"],
        &["OKTA_ORG_DOMAIN"],
    ),
    spec(
        "oidc-client-id",
        &["OKTA_AWSCLI_OIDC_CLIENT_ID"],
        &["OKTA_OIDC_CLIENT_ID"],
    ),
    spec("aws-iam-role", &["OKTA_AWSCLI_IAM_ROLE"], &[]),
    spec(
        "aws-session-duration",
        &["OKTA_AWSCLI_SESSION_DURATION"],
        &[],
    ),
    spec("format", &["OKTA_AWSCLI_FORMAT"], &[]),
    spec("shell", &["OKTA_AWSCLI_SHELL"], &[]),
    spec("aws-region", &["OKTA_AWSCLI_AWS_REGION"], &[]),
    spec("aws-credentials", &["OKTA_AWSCLI_AWS_CREDENTIALS"], &[]),
    spec(
        "write-aws-credentials",
        &["OKTA_AWSCLI_WRITE_AWS_CREDENTIALS"],
        &[],
    ),
    spec(
        "legacy-aws-variables",
        &["OKTA_AWSCLI_LEGACY_AWS_VARIABLES"],
        &[],
    ),
    spec(
        "expiry-aws-variables",
        &["OKTA_AWSCLI_EXPIRY_AWS_VARIABLES"],
        &[],
    ),
    spec(
        "cache-access-token",
        &["OKTA_AWSCLI_CACHE_ACCESS_TOKEN"],
        &[],
    ),
    spec(
        "cache-aws-credentials",
        &["OKTA_AWSCLI_CACHE_AWS_CREDENTIALS"],
        &[],
    ),
    spec("min-ttl", &["OKTA_AWSCLI_MIN_TTL"], &[]),
    spec("debug", &["OKTA_AWSCLI_DEBUG"], &[]),
    spec("debug-api-calls", &["OKTA_AWSCLI_DEBUG_API_CALLS"], &[]),
    spec("exec", &["OKTA_AWSCLI_EXEC"], &[]),
    spec("ecs-server", &["OKTA_AWSCLI_ECS_SERVER"], &[]),
    spec(
        "short-user-agent",
        &[
            "OKTA_AWSCLI_SHORT_USER_AGENT",
            "OKTA_AWSCLI_DEBUG_SHORT_USER_AGENT",
        ],
        &[],
    ),
    spec("chain-role", &["OKTA_AWSCLI_CHAIN_ROLE"], &[]),
    spec("chain-external-id", &["OKTA_AWSCLI_CHAIN_EXTERNAL_ID"], &[]),
    spec(
        "console-destination",
        &["OKTA_AWSCLI_CONSOLE_DESTINATION"],
        &[],
    ),
    spec("eks-cluster-id", &["OKTA_AWSCLI_EKS_CLUSTER_ID"], &[]),
    spec("profile-template", &["OKTA_AWSCLI_PROFILE_TEMPLATE"], &[]),
    spec(
        "aws-acct-fed-app-id",
        &["OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID"],
        &["OKTA_AWS_ACCOUNT_FEDERATION_APP_ID"],
    ),
    spec("aws-iam-idp", &["OKTA_AWSCLI_IAM_IDP"], &[]),
    spec("qr-code", &["OKTA_AWSCLI_QR_CODE"], &[]),
    spec("open-browser", &["OKTA_AWSCLI_OPEN_BROWSER"], &[]),
    spec(
        "open-browser-command",
        &["OKTA_AWSCLI_OPEN_BROWSER_COMMAND"],
        &[],
    ),
    spec("all-profiles", &["OKTA_AWSCLI_ALL_PROFILES"], &[]),
    spec("write-aws-config", &["OKTA_AWSCLI_WRITE_AWS_CONFIG"], &[]),
    spec(
        "authorization-code",
        &["OKTA_AWSCLI_AUTHORIZATION_CODE"],
        &[],
    ),
    spec("redirect-port", &["OKTA_AWSCLI_REDIRECT_PORTS"], &[]),
    spec(
        "authorization-code-timeout",
        &["OKTA_AWSCLI_AUTHORIZATION_CODE_TIMEOUT"],
        &[],
    ),
    spec("key-id", &["OKTA_AWSCLI_KEY_ID"], &[]),
    spec("private-key", &["OKTA_AWSCLI_PRIVATE_KEY"], &[]),
    spec("private-key-file", &["OKTA_AWSCLI_PRIVATE_KEY_FILE"], &[]),
    spec("custom-scope", &["OKTA_AWSCLI_CUSTOM_SCOPE"], &[]),
    spec("authz-id", &["OKTA_AWSCLI_AUTHZ_ID"], &[]),
    spec(
        "aws-sts-role-session-name",
        &["OKTA_AWSCLI_STS_ROLE_SESSION_NAME"],
        &[],
    ),
    spec("username", &["OKTA_AWSCLI_USERNAME"], &[]),
    spec("password", &["OKTA_AWSCLI_PASSWORD"], &[]),
    spec("mfa-method", &["OKTA_AWSCLI_MFA_METHOD"], &[]),
];

/// Settings a `.env` in the current directory may not set: those that name a program to
/// run or where the tool writes (issue 15: a cloned repository must not be able to run a
/// command or redirect the credentials). Such a `.env` line is ignored with a warning;
/// flags, the environment and okta.yaml (in the user's home) still set them.
const NOT_FROM_DOTENV: &[&str] = &["open-browser-command", "aws-credentials"];

/// Variables outside [`SPECS`] that a `.env` may not set either (read from the real
/// environment only): the AWS CLI's credentials-file path.
const NOT_FROM_DOTENV_VARS: &[&str] = &["AWS_SHARED_CREDENTIALS_FILE"];

/// One warning per `.env` line that sets a setting of [`NOT_FROM_DOTENV`] (by its current or
/// legacy name) or a variable of [`NOT_FROM_DOTENV_VARS`], in line order, e.g. `.env line
/// 3: OKTA_AWSCLI_OPEN_BROWSER_COMMAND is ignored: ...`. Never the value.
pub(super) fn dotenv_refusals(dotenv: &DotEnv) -> Vec<String> {
    let names = SPECS
        .iter()
        .filter(|s| NOT_FROM_DOTENV.contains(&s.key))
        .flat_map(|s| s.env.iter().chain(s.legacy))
        .chain(NOT_FROM_DOTENV_VARS);
    let mut found: Vec<(usize, &str)> = names
        .filter_map(|n| dotenv.lines.get(*n).map(|line| (*line, *n)))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(line, name)| {
            format!(
                ".env line {line}: {name} is ignored: a .env file may not name a program to run or the AWS credentials file (use a flag, the environment or okta.yaml)"
            )
        })
        .collect()
}

/// The setting (okta.yaml key) that the variable `name` (UPPER-CASED, current or legacy
/// name) sets, e.g. `OKTA_ORG_DOMAIN` -> `org-domain`; `None` for other variables.
pub(super) fn setting_of_var(name: &str) -> Option<&'static str> {
    SPECS
        .iter()
        .find(|s| s.env.contains(&name) || s.legacy.contains(&name))
        .map(|s| s.key)
}

/// Whether `.env` never sets `name` (UPPER-CASED), allowed or not: a setting of
/// [`NOT_FROM_DOTENV`] or a variable of [`NOT_FROM_DOTENV_VARS`].
pub(super) fn refused_in_dotenv(name: &str) -> bool {
    NOT_FROM_DOTENV_VARS.contains(&name)
        || setting_of_var(name).is_some_and(|k| NOT_FROM_DOTENV.contains(&k))
}

/// Every layered setting's key (long flag name = okta.yaml key), in table order: what
/// `--explain` must show a row for (`commands/explain.rs` tests it).
pub fn setting_keys() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.key)
}

/// The environment variable for the okta.yaml key / long flag `key` (for messages and
/// documentation), e.g. `org-domain` -> `OKTA_AWSCLI_ORG_DOMAIN`.
pub fn env_name(key: &str) -> Option<&'static str> {
    SPECS
        .iter()
        .find(|s| s.key == key)
        .and_then(|s| s.env.first().copied())
}

/// The value layers for one run.
pub(super) struct Layers<'a> {
    pub(super) env: &'a Env,
    pub(super) dotenv: &'a DotEnv,
    pub(super) profile: &'a str,
    pub(super) yaml: Option<&'a ProfileEntry>,
    pub(super) warnings: &'a mut Vec<String>,
    /// The winning source of each setting found so far (`--explain`).
    pub(super) found: Vec<(&'static str, Source)>,
}

pub(super) fn non_empty(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

impl Layers<'_> {
    fn yaml_value(&self, key: &str) -> Result<Option<(String, Source)>> {
        let Some(entry) = self.yaml else {
            return Ok(None);
        };
        match entry.get(key) {
            None | Some(Scalar::Null) => Ok(None),
            Some(Scalar::Text(t)) => Ok(non_empty(t).map(|v| {
                (
                    v,
                    Source::OktaYaml {
                        profile: self.profile.to_string(),
                        key: key.to_string(),
                    },
                )
            })),
            Some(Scalar::NotScalar(kind)) => Err(Error::config(format!(
                "okta.yaml key {key} of profile {:?} must be a single value, not a {kind}",
                self.profile
            ))),
        }
    }

    /// The winning value of setting `key`: flag > env > `.env` > okta.yaml. Empty (or
    /// all-blank) values count as unset: `OKTA_AWSCLI_X=` in the environment or `.env`, and
    /// `x:` or `x: ""` in okta.yaml, let the next layer apply, as in upstream and as shells
    /// use empty variables. An empty value on the command line never gets here:
    /// `cli::parse` refuses it as a usage error.
    pub(super) fn get(
        &mut self,
        key: &str,
        flag: Option<&String>,
    ) -> Result<Option<(String, Source)>> {
        let got = self.lookup(key, flag)?;
        if let (Some((_, src)), Some(spec)) = (&got, SPECS.iter().find(|s| s.key == key)) {
            self.found.push((spec.key, src.clone()));
        }
        Ok(got)
    }

    /// [`Self::get`] without recording the source.
    fn lookup(&mut self, key: &str, flag: Option<&String>) -> Result<Option<(String, Source)>> {
        let spec = SPECS
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| Error::runtime(format!("internal: unknown setting {key}")))?;
        if let Some(v) = flag.and_then(|f| non_empty(f)) {
            return Ok(Some((v, Source::Flag(format!("--{key}")))));
        }
        for (names, legacy) in [(spec.env, false), (spec.legacy, true)] {
            for name in names {
                if let Some(v) = self.env.get(*name).and_then(|v| non_empty(v)) {
                    if legacy {
                        self.warnings.push(deprecated_env(name, spec.env[0]));
                    }
                    return Ok(Some((v, Source::Env(name.to_string()))));
                }
            }
        }
        // `.env` lines for NOT_FROM_DOTENV settings were reported by `dotenv_refusals`.
        let from_dotenv: &[(&[&str], bool)] = if NOT_FROM_DOTENV.contains(&key) {
            &[]
        } else {
            &[(spec.env, false), (spec.legacy, true)]
        };
        for &(names, legacy) in from_dotenv {
            for name in names {
                if let Some(v) = self.dotenv.get(name).and_then(non_empty) {
                    if legacy {
                        self.warnings.push(format!(
                            ".env variable {name} is deprecated, please use {} instead",
                            spec.env[0]
                        ));
                    }
                    return Ok(Some((v, Source::DotEnv(name.to_string()))));
                }
            }
        }
        if let Some(found) = self.yaml_value(key)? {
            return Ok(Some(found));
        }
        if key == "aws-session-duration"
            && let Some(found) = self.yaml_value("session-duration")?
        {
            self.warnings.push(format!(
                    "okta.yaml key session-duration of profile {:?} is deprecated, please use aws-session-duration instead",
                    self.profile
                ));
            return Ok(Some(found));
        }
        Ok(None)
    }

    /// A list setting (`chain-role`): every occurrence of the flag, else the first layer
    /// that sets it (env, `.env`, okta.yaml), each value split on commas; an okta.yaml value
    /// may also be a YAML list of strings. Items are trimmed; empty items are dropped.
    pub(super) fn list(
        &mut self,
        key: &str,
        flag: &[String],
    ) -> Result<Option<(Vec<String>, Source)>> {
        let split = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect()
        };
        if !flag.is_empty() {
            let items = flag.iter().flat_map(|f| split(f)).collect();
            let source = Source::Flag(format!("--{key}"));
            self.record(key, &source);
            return Ok(Some((items, source)));
        }
        let yaml_list = self.yaml.and_then(|e| e.list(key)).map(<[String]>::to_vec);
        if yaml_list.is_none()
            && let Some(Scalar::NotScalar(kind)) = self.yaml.and_then(|e| e.get(key))
        {
            return Err(Error::config(format!(
                "okta.yaml key {key} of profile {:?} must be a string or a list of strings, not a {kind} holding other values",
                self.profile
            )));
        }
        let Some(items) = yaml_list else {
            return Ok(self.get(key, None)?.map(|(v, src)| (split(&v), src)));
        };
        // The environment and .env still beat the okta.yaml list.
        let yaml = self.yaml.take();
        let upper = self.get(key, None);
        self.yaml = yaml;
        if let Some((v, src)) = upper? {
            return Ok(Some((split(&v), src)));
        }
        let items = items.iter().flat_map(|i| split(i)).collect();
        let source = Source::OktaYaml {
            profile: self.profile.to_string(),
            key: key.to_string(),
        };
        self.record(key, &source);
        Ok(Some((items, source)))
    }

    /// Note that `source` gave setting `key` (`--explain`), for a value found without
    /// [`Self::get`].
    pub(super) fn record(&mut self, key: &str, source: &Source) {
        if let Some(spec) = SPECS.iter().find(|s| s.key == key) {
            self.found.push((spec.key, source.clone()));
        }
    }

    pub(super) fn string(&mut self, key: &str, flag: &Option<String>) -> Result<Option<String>> {
        Ok(self.get(key, flag.as_ref())?.map(|(v, _)| v))
    }

    pub(super) fn boolean(&mut self, key: &str, flag: Option<bool>) -> Result<bool> {
        Ok(self.boolean_set(key, flag)?.unwrap_or(false))
    }

    /// [`Self::boolean`], telling "set to false" (`Some(false)`) from "not set" (`None`).
    pub(super) fn boolean_set(&mut self, key: &str, flag: Option<bool>) -> Result<Option<bool>> {
        if let Some(b) = flag {
            self.record(key, &Source::Flag(format!("--{key}")));
            return Ok(Some(b));
        }
        match self.get(key, None)? {
            None => Ok(None),
            Some((v, src)) => parse_bool(&v).map(Some).ok_or_else(|| {
                Error::config(format!("invalid boolean {v:?} in {src}: use {BOOL_WORDS}"))
            }),
        }
    }
}

fn deprecated_env(old: &str, new: &str) -> String {
    format!("environment variable {old} is deprecated, please use {new} instead")
}
