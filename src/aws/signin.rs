//! PURE: the AWS Management Console sign-in URL for temporary credentials (`--format
//! console-url`), as AWS documents it for a custom identity broker (IAM User Guide,
//! "Enable custom identity broker access to the AWS console"):
//!
//! 1. `GET <federation endpoint>?Action=getSigninToken[&SessionDuration=<s>]&Session=<JSON>`,
//!    where the JSON is `{"sessionId":<AccessKeyId>,"sessionKey":<SecretAccessKey>,
//!    "sessionToken":<SessionToken>}`; the reply is `{"SigninToken":"..."}`.
//!    `SessionDuration` (900..43200 s, the console session) is a parameter for credentials
//!    of the `AssumeRole*` operations; the guide adds that the federation call fails when
//!    the credentials came from `AssumeRole` called with temporary credentials (role
//!    chaining) and a duration, so a chained session sends none (its console session then
//!    follows the credentials, at most one hour). `DurationSeconds` belongs to
//!    `GetFederationToken` credentials only and is never sent.
//! 2. `<federation endpoint>?Action=login&Issuer=<url>&Destination=<console url>&SigninToken=<token>`,
//!    to be opened within 15 minutes.
//!
//! The federation endpoint is `https://signin.aws.amazon.com/federation` (aws),
//! `https://signin.amazonaws-us-gov.com/federation` (aws-us-gov),
//! `https://signin.amazonaws.cn/federation` (aws-cn); `AWS_ENDPOINT_URL_SIGNIN`, then
//! `AWS_ENDPOINT_URL`, replace the base URL. The token, the Session JSON and the login URL
//! are secrets: nothing here formats them into an error.

use serde::Serialize;

use crate::aws::sts::{Credentials, Partition};
use crate::config::EndpointUrls;
use crate::error::{Error, Result};
use crate::http::Request;
use crate::http::encode::percent_encode;
use crate::url::{Url, UrlError};

/// Endpoint environment variables, most specific first.
pub const ENDPOINT_ENV_VARS: [&str; 2] = ["AWS_ENDPOINT_URL_SIGNIN", "AWS_ENDPOINT_URL"];

/// The range AWS allows for `SessionDuration`, in seconds.
pub const SESSION_DURATION_SECS: std::ops::RangeInclusive<u32> = 900..=43200;

/// The sign-in host of a partition (`signin.aws.amazon.com` for `aws`); `None` for the
/// ISO partitions, whose console federation this tool does not know.
pub fn signin_host(partition: Partition) -> Option<&'static str> {
    match partition {
        Partition::Aws => Some("signin.aws.amazon.com"),
        Partition::AwsUsGov => Some("signin.amazonaws-us-gov.com"),
        Partition::AwsCn => Some("signin.amazonaws.cn"),
        Partition::AwsIso | Partition::AwsIsoB => None,
    }
}

/// The console host of a partition (`console.aws.amazon.com` for `aws`); `None` for the ISO
/// partitions.
pub fn console_host(partition: Partition) -> Option<&'static str> {
    match partition {
        Partition::Aws => Some("console.aws.amazon.com"),
        Partition::AwsUsGov => Some("console.amazonaws-us-gov.com"),
        Partition::AwsCn => Some("console.amazonaws.cn"),
        Partition::AwsIso | Partition::AwsIsoB => None,
    }
}

fn unsupported(partition: Partition) -> Error {
    Error::config(format!(
        "--format console-url: console sign-in is not supported for partition {:?} (only aws, aws-us-gov and aws-cn)",
        partition.name()
    ))
}

/// The federation endpoint URL (`.../federation`): the partition's sign-in host, or the
/// first of [`ENDPOINT_ENV_VARS`] set in `endpoints` (an `http://` or `https://` base URL,
/// optionally with a path, to which `/federation` is appended).
///
/// Errors: [`Error::Config`] for an ISO partition or an override that is not such a URL.
pub fn federation_endpoint(endpoints: &EndpointUrls, partition: Partition) -> Result<String> {
    for var in ENDPOINT_ENV_VARS {
        if let Some(value) = endpoints.get(var) {
            let bad = |why: &str| Error::config(format!("{var}: {value:?} {why}"));
            let parsed = Url::parse(value);
            match parsed {
                Err(UrlError::NoScheme | UrlError::UnsupportedScheme | UrlError::NoAuthority) => {
                    return Err(bad("is not an http:// or https:// URL"));
                }
                Err(UrlError::NoHost) => return Err(bad("has no host")),
                _ => {}
            }
            if value.contains(['?', '#', '@'])
                || value.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(bad(
                    "must be a base URL (scheme, host, port and path; no query or fragment)",
                ));
            }
            parsed.map_err(|e| bad(&e.to_string()))?;
            return Ok(format!("{}/federation", value.trim_end_matches('/')));
        }
    }
    let host = signin_host(partition).ok_or_else(|| unsupported(partition))?;
    Ok(format!("https://{host}/federation"))
}

/// The default destination: the partition's console home, `https://<console host>/`, with
/// `?region=<region>` when a region is configured.
///
/// Errors: [`Error::Config`] for an ISO partition or a region that is not a plain region
/// name.
pub fn console_home(partition: Partition, region: Option<&str>) -> Result<String> {
    let host = console_host(partition).ok_or_else(|| unsupported(partition))?;
    match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(format!("https://{host}/")),
        Some(r)
            if r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
        {
            Ok(format!("https://{host}/?region={r}"))
        }
        Some(r) => Err(Error::config(format!(
            "invalid AWS region {r:?} (expected a name such as us-east-1)"
        ))),
    }
}

#[derive(Serialize)]
struct Session<'a> {
    #[serde(rename = "sessionId")]
    session_id: &'a str,
    #[serde(rename = "sessionKey")]
    session_key: &'a str,
    #[serde(rename = "sessionToken")]
    session_token: &'a str,
}

/// The `Session` parameter: `{"sessionId":..,"sessionKey":..,"sessionToken":..}` (secret).
pub fn session_json(creds: &Credentials) -> String {
    serde_json::to_string(&Session {
        session_id: &creds.access_key_id,
        session_key: &creds.secret_access_key,
        session_token: &creds.session_token,
    })
    .unwrap_or_default()
}

/// The console session length to ask for: the seconds left until `expiration` (RFC 3339,
/// as [`Credentials::expiration`]) at `now` (Unix seconds), clamped to 43200; `None` for
/// chained credentials (see the module docs), or when less than 900 seconds are left or the
/// expiration cannot be read (AWS's default then applies).
pub fn console_session_duration(expiration: &str, now: i64, chained: bool) -> Option<u32> {
    if chained {
        return None;
    }
    let end =
        time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
            .ok()?
            .unix_timestamp();
    let left = u32::try_from(end.checked_sub(now)?).unwrap_or(u32::MAX);
    (left >= *SESSION_DURATION_SECS.start()).then(|| left.min(*SESSION_DURATION_SECS.end()))
}

/// The `getSigninToken` request URL (secret: it carries the credentials).
pub fn signin_token_url(
    federation: &str,
    creds: &Credentials,
    session_duration: Option<u32>,
) -> String {
    let mut url = format!("{federation}?Action=getSigninToken");
    if let Some(secs) = session_duration {
        url.push_str(&format!("&SessionDuration={secs}"));
    }
    url.push_str("&Session=");
    url.push_str(&percent_encode(&session_json(creds)));
    url
}

/// The `getSigninToken` request: `GET` [`signin_token_url`] with `Accept:
/// application/json` (secret: its URL carries the credentials; `Debug` and the
/// `--debug-api-calls` dump redact the `Session` parameter).
pub fn signin_token_request(
    federation: &str,
    creds: &Credentials,
    session_duration: Option<u32>,
) -> Request {
    let url = signin_token_url(federation, creds, session_duration);
    Request::get(&url, &[("Accept", "application/json")])
}

/// The sign-in token of a `getSigninToken` reply (`{"SigninToken":"..."}`, HTTP 200).
///
/// Errors: [`Error::Runtime`] naming the status for any other status (AWS answers a
/// refused session with HTTP 400 and an HTML or empty body), a body that is not that JSON,
/// or an empty token; never quoting the body.
pub fn parse_signin_token(status: u16, body: &[u8]) -> Result<String> {
    if status != 200 {
        return Err(Error::runtime(format!(
            "console sign-in: the federation endpoint refused the credentials (HTTP {status}); \
             AWS refuses credentials it did not issue, expired ones, and a console session \
             longer than the role allows"
        )));
    }
    #[derive(serde::Deserialize)]
    struct Reply {
        #[serde(rename = "SigninToken")]
        signin_token: Option<String>,
    }
    let reply: Reply = serde_json::from_slice(body).map_err(|_| {
        Error::runtime("console sign-in: the federation endpoint's reply is not the expected JSON")
    })?;
    match reply.signin_token {
        Some(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        _ => Err(Error::runtime(
            "console sign-in: the federation endpoint's reply has no SigninToken",
        )),
    }
}

/// The console sign-in URL (secret): `Action=login`, `Issuer` (where AWS sends the user
/// when the console session ends), `Destination`, `SigninToken`, each percent-encoded.
pub fn login_url(federation: &str, issuer: &str, destination: &str, token: &str) -> String {
    format!(
        "{federation}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        percent_encode(issuer),
        percent_encode(destination),
        percent_encode(token)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::encode::percent_decode;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et=".into(),
            session_token: "to\"ken&x".into(),
            expiration: "2030-01-01T01:00:00Z".into(),
        }
    }

    fn env(pairs: &[(&str, &str)]) -> EndpointUrls {
        EndpointUrls::from_pairs(pairs)
    }

    #[test]
    fn default_hosts_per_partition() {
        let none = EndpointUrls::default();
        let fed = |p| federation_endpoint(&none, p).unwrap();
        assert_eq!(
            fed(Partition::Aws),
            "https://signin.aws.amazon.com/federation"
        );
        assert_eq!(
            fed(Partition::AwsUsGov),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        assert_eq!(
            fed(Partition::AwsCn),
            "https://signin.amazonaws.cn/federation"
        );
        assert!(matches!(
            federation_endpoint(&none, Partition::AwsIso),
            Err(Error::Config(_))
        ));
        assert_eq!(
            console_home(Partition::Aws, None).unwrap(),
            "https://console.aws.amazon.com/"
        );
        assert_eq!(
            console_home(Partition::Aws, Some("eu-west-1")).unwrap(),
            "https://console.aws.amazon.com/?region=eu-west-1"
        );
        assert_eq!(
            console_home(Partition::AwsUsGov, Some("us-gov-west-1")).unwrap(),
            "https://console.amazonaws-us-gov.com/?region=us-gov-west-1"
        );
        assert_eq!(
            console_home(Partition::AwsCn, None).unwrap(),
            "https://console.amazonaws.cn/"
        );
        assert!(console_home(Partition::AwsIsoB, None).is_err());
        assert!(console_home(Partition::Aws, Some("x&y")).is_err());
    }

    #[test]
    fn endpoint_override_is_a_base_url() {
        let e = env(&[
            ("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:8080/"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ]);
        assert_eq!(
            federation_endpoint(&e, Partition::Aws).unwrap(),
            "http://127.0.0.1:8080/federation"
        );
        let e = env(&[("AWS_ENDPOINT_URL", "https://localhost:4566/prefix")]);
        assert_eq!(
            federation_endpoint(&e, Partition::AwsIso).unwrap(),
            "https://localhost:4566/prefix/federation"
        );
        for bad in ["ftp://x", "http://", "https://h/?q=1", "https://u@h"] {
            let e = env(&[("AWS_ENDPOINT_URL_SIGNIN", bad)]);
            let err = federation_endpoint(&e, Partition::Aws).unwrap_err();
            assert!(err.to_string().contains("AWS_ENDPOINT_URL_SIGNIN"), "{err}");
        }
    }

    #[test]
    fn token_request_carries_the_session_json() {
        let url = signin_token_url(
            "https://signin.aws.amazon.com/federation",
            &creds(),
            Some(3600),
        );
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, "https://signin.aws.amazon.com/federation");
        let params: Vec<(&str, &str)> = query
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .collect();
        assert_eq!(params[0], ("Action", "getSigninToken"));
        assert_eq!(params[1], ("SessionDuration", "3600"));
        assert_eq!(params[2].0, "Session");
        let json: serde_json::Value = serde_json::from_str(&percent_decode(params[2].1)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"sessionId": "ASIAEXAMPLE", "sessionKey": "se/cr+et=", "sessionToken": "to\"ken&x"})
        );
        let chained = signin_token_url("https://x/federation", &creds(), None);
        assert!(!chained.contains("SessionDuration"), "{chained}");
    }

    #[test]
    fn console_session_follows_the_credentials() {
        let exp = "2030-01-01T01:00:00Z";
        let at = |secs_left: i64| 1_893_459_600 - secs_left;
        assert_eq!(console_session_duration(exp, at(3600), false), Some(3600));
        assert_eq!(
            console_session_duration(exp, at(50_000), false),
            Some(43200)
        );
        assert_eq!(console_session_duration(exp, at(899), false), None);
        assert_eq!(console_session_duration(exp, at(3600), true), None);
        assert_eq!(console_session_duration("soon", at(3600), false), None);
    }

    #[test]
    fn signin_token_replies() {
        assert_eq!(
            parse_signin_token(200, br#"{"SigninToken":"tok-123"}"#).unwrap(),
            "tok-123"
        );
        for (status, body) in [
            (400, &b"<html>secret-ish</html>"[..]),
            (200, b"not json"),
            (200, b"{}"),
            (200, br#"{"SigninToken":""}"#),
        ] {
            let err = parse_signin_token(status, body).unwrap_err().to_string();
            assert!(!err.contains("secret-ish"), "{err}");
            assert!(err.starts_with("console sign-in:"), "{err}");
        }
        assert!(
            parse_signin_token(400, b"")
                .unwrap_err()
                .to_string()
                .contains("HTTP 400")
        );
    }

    #[test]
    fn login_url_encodes_every_value() {
        let url = login_url(
            "https://signin.aws.amazon.com/federation",
            "https://example.okta.com",
            "https://console.aws.amazon.com/?region=eu-west-1",
            "a+b/c=",
        );
        assert_eq!(
            url,
            "https://signin.aws.amazon.com/federation?Action=login\
             &Issuer=https%3A%2F%2Fexample.okta.com\
             &Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F%3Fregion%3Deu-west-1\
             &SigninToken=a%2Bb%2Fc%3D"
        );
    }
}
