//! PURE: the settings read from the environment alone, with no flag, `.env` or okta.yaml
//! layer: the AWS endpoint overrides, the passphrase of an encrypted m2m private key, the
//! one-time code of `direct`, and whether colour is allowed (`NO_COLOR`, `TERM`). Each variable is read here, once, into
//! [`Config`]; the layers above never look at the environment for them.

use crate::config::settings::{Config, EndpointUrls, Env, Source};
use crate::config::values::expand_botocore_path;
use crate::term::style::color_allowed;

/// The variable holding the passphrase of an encrypted PKCS#8 private key (m2m).
pub const PASSPHRASE_VAR: &str = "OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE";

/// The variable holding the one-time code of `direct --mfa-method otp`.
pub const OTP_VAR: &str = "OKTA_AWSCLI_OTP";

/// The `--explain` name of each endpoint variable of [`EndpointUrls::VARS`].
const ENDPOINT_KEYS: [(&str, &str); 4] = [
    ("aws-endpoint-url", "AWS_ENDPOINT_URL"),
    ("aws-endpoint-url-sts", "AWS_ENDPOINT_URL_STS"),
    ("aws-endpoint-url-iam", "AWS_ENDPOINT_URL_IAM"),
    ("aws-endpoint-url-signin", "AWS_ENDPOINT_URL_SIGNIN"),
];

impl EndpointUrls {
    /// The endpoint overrides of `env`: each value trimmed; unset or blank is `None`.
    pub fn from_env(env: &Env) -> EndpointUrls {
        let value = |var: &str| {
            env.get(var)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        EndpointUrls {
            all: value("AWS_ENDPOINT_URL"),
            sts: value("AWS_ENDPOINT_URL_STS"),
            iam: value("AWS_ENDPOINT_URL_IAM"),
            signin: value("AWS_ENDPOINT_URL_SIGNIN"),
        }
    }

    /// [`EndpointUrls::from_env`] of an environment holding `pairs` (unit tests).
    #[cfg(test)]
    pub fn from_pairs(pairs: &[(&str, &str)]) -> EndpointUrls {
        EndpointUrls::from_env(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}

/// The AWS config file (docs/decisions.md#d-write-aws-config): `AWS_CONFIG_FILE` from the
/// environment when set and not empty (the AWS CLI's variable; a `.env` cannot set it),
/// expanded as botocore expands it (`$VAR`, `${VAR}`, then a leading `~`:
/// [`expand_botocore_path`]), not trimmed; else `<home>/.aws/config`, else an empty path
/// (no home). The source is returned when the variable gave it.
pub(super) fn aws_config_path(
    env: &Env,
    home: Option<&std::path::Path>,
) -> (std::path::PathBuf, Option<Source>) {
    const VAR: &str = "AWS_CONFIG_FILE";
    match env.get(VAR).filter(|v| !v.is_empty()) {
        Some(v) => (
            expand_botocore_path(v, env, home),
            Some(Source::Env(VAR.into())),
        ),
        None => (
            home.map(|h| h.join(".aws").join("config"))
                .unwrap_or_default(),
            None,
        ),
    }
}

/// Set the environment-only settings of `cfg` from `env`, and return where each one that
/// is set came from (`--explain` key, source), in the order `--explain` lists them.
///
/// - [`Config::endpoint_urls`]: see [`EndpointUrls::from_env`].
/// - [`Config::private_key_passphrase`]: [`PASSPHRASE_VAR`] as given (a passphrase may
///   begin or end with spaces); empty means unset.
/// - [`Config::otp`]: [`OTP_VAR`], unset when empty or blank.
/// - [`Config::no_color`]: `NO_COLOR` set and not empty, or `TERM` is `dumb` (surrounding
///   spaces ignored), as [`color_allowed`] decides.
pub(super) fn read_environment(env: &Env, cfg: &mut Config) -> Vec<(&'static str, Source)> {
    let mut found = Vec::new();
    cfg.endpoint_urls = EndpointUrls::from_env(env);
    for (key, var) in ENDPOINT_KEYS {
        if cfg.endpoint_urls.get(var).is_some() {
            found.push((key, Source::Env(var.into())));
        }
    }
    cfg.private_key_passphrase = env.get(PASSPHRASE_VAR).filter(|p| !p.is_empty()).cloned();
    if cfg.private_key_passphrase.is_some() {
        found.push(("private-key-passphrase", Source::Env(PASSPHRASE_VAR.into())));
    }
    cfg.otp = env.get(OTP_VAR).filter(|c| !c.trim().is_empty()).cloned();
    if cfg.otp.is_some() {
        found.push(("otp", Source::Env(OTP_VAR.into())));
    }
    let no_color = env.get("NO_COLOR").map(String::as_str);
    let term = env.get("TERM").map(String::as_str);
    cfg.no_color = !color_allowed(no_color, term);
    if !color_allowed(no_color, None) {
        found.push(("no-color", Source::Env("NO_COLOR".into())));
    } else if cfg.no_color {
        found.push(("no-color", Source::Env("TERM".into())));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn read(pairs: &[(&str, &str)]) -> (Config, Vec<(&'static str, Source)>) {
        let mut cfg = Config::default();
        let found = read_environment(&env(pairs), &mut cfg);
        (cfg, found)
    }

    #[test]
    fn the_config_file_variable_is_expanded_as_botocore_does_and_not_trimmed() {
        let home = Some(std::path::Path::new("/home/u"));
        let path =
            |v: &str| aws_config_path(&env(&[("HOME", "/home/u"), ("AWS_CONFIG_FILE", v)]), home);
        let var = Some(Source::Env("AWS_CONFIG_FILE".into()));
        assert_eq!(
            path("$HOME/.aws/cfg"),
            ("/home/u/.aws/cfg".into(), var.clone())
        );
        assert_eq!(path("${HOME}/c"), ("/home/u/c".into(), var.clone()));
        assert_eq!(path("~/c"), ("/home/u/c".into(), var.clone()));
        assert_eq!(path(" /c "), (" /c ".into(), var.clone()));
        assert_eq!(path(""), ("/home/u/.aws/config".into(), None));
        assert_eq!(aws_config_path(&env(&[]), None), (Default::default(), None));
    }

    #[test]
    fn nothing_set_leaves_the_defaults() {
        let (cfg, found) = read(&[("PATH", "/bin")]);
        assert_eq!(cfg.endpoint_urls, EndpointUrls::default());
        assert_eq!(cfg.private_key_passphrase, None);
        assert!(!cfg.no_color);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn endpoint_urls_are_trimmed_and_blank_is_unset() {
        let (cfg, found) = read(&[
            ("AWS_ENDPOINT_URL", " http://127.0.0.1:5000 "),
            ("AWS_ENDPOINT_URL_STS", "   "),
            ("AWS_ENDPOINT_URL_IAM", ""),
            ("AWS_ENDPOINT_URL_SIGNIN", "https://signin.example"),
        ]);
        let urls = &cfg.endpoint_urls;
        assert_eq!(urls.all.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(urls.sts, None);
        assert_eq!(urls.iam, None);
        assert_eq!(urls.signin.as_deref(), Some("https://signin.example"));
        assert_eq!(
            urls.first(&["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"]),
            Some(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
        );
        assert_eq!(
            urls.first(&["AWS_ENDPOINT_URL_SIGNIN", "AWS_ENDPOINT_URL"]),
            Some(("AWS_ENDPOINT_URL_SIGNIN", "https://signin.example"))
        );
        assert_eq!(urls.get("AWS_REGION"), None, "not an endpoint variable");
        assert_eq!(
            found,
            vec![
                ("aws-endpoint-url", Source::Env("AWS_ENDPOINT_URL".into())),
                (
                    "aws-endpoint-url-signin",
                    Source::Env("AWS_ENDPOINT_URL_SIGNIN".into())
                ),
            ]
        );
        for var in EndpointUrls::VARS {
            let (cfg, _) = read(&[(var, "http://h")]);
            assert_eq!(cfg.endpoint_urls.get(var), Some("http://h"), "{var}");
            assert!(ENDPOINT_KEYS.iter().any(|(_, v)| *v == var), "{var}");
        }
    }

    #[test]
    fn the_passphrase_is_kept_as_given_and_empty_is_unset() {
        let (cfg, found) = read(&[(PASSPHRASE_VAR, " pass phrase ")]);
        assert_eq!(cfg.private_key_passphrase.as_deref(), Some(" pass phrase "));
        assert_eq!(
            found,
            vec![("private-key-passphrase", Source::Env(PASSPHRASE_VAR.into()))]
        );
        let (cfg, found) = read(&[(PASSPHRASE_VAR, "")]);
        assert_eq!(cfg.private_key_passphrase, None);
        assert!(found.is_empty());
    }

    #[test]
    fn no_color_follows_no_color_then_term() {
        let no_color = |pairs: &[(&str, &str)]| {
            let (cfg, found) = read(pairs);
            (cfg.no_color, found)
        };
        assert_eq!(
            no_color(&[("NO_COLOR", ""), ("TERM", "xterm")]),
            (false, vec![])
        );
        assert_eq!(
            no_color(&[("NO_COLOR", "0"), ("TERM", "dumb")]),
            (true, vec![("no-color", Source::Env("NO_COLOR".into()))])
        );
        assert_eq!(
            no_color(&[("NO_COLOR", ""), ("TERM", " dumb ")]),
            (true, vec![("no-color", Source::Env("TERM".into()))])
        );
    }
}
