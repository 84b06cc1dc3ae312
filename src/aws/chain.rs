//! PURE: role chaining (`--chain-role`): the SigV4-signed STS `AssumeRole` request made
//! with the previous credentials (AWS STS API Reference, AssumeRole; IAM User Guide, "Role
//! chaining"), its session name and duration.
//!
//! `POST /` to the same STS endpoint as the federation ([`sts::endpoint`]), form body
//! `Action=AssumeRole&DurationSeconds=..&[ExternalId=..&]RoleArn=..&RoleSessionName=..&Version=2011-06-15`,
//! signed for service `sts` in the endpoint's region (the configured region, else the
//! partition's: `us-east-1` for `aws`) with the session token as `X-Amz-Security-Token`.
//! AWS caps a chained role session at one hour: [`chained_duration`].

use time::OffsetDateTime;

use crate::aws::sigv4;
use crate::aws::sts::{self, CONTENT_TYPE, Credentials, STS_API_VERSION};
use crate::config::EndpointUrls;
use crate::error::{Error, Result};
use crate::http::Request;
use crate::url::Url;

/// The longest session AWS grants a chained role, in seconds.
pub const MAX_CHAINED_DURATION: u32 = 3600;

/// `(duration to request, lowered)`: `requested` seconds capped at
/// [`MAX_CHAINED_DURATION`]; `lowered` says the cap applied.
pub fn chained_duration(requested: u32) -> (u32, bool) {
    (
        requested.min(MAX_CHAINED_DURATION),
        requested > MAX_CHAINED_DURATION,
    )
}

/// A `RoleSessionName` STS accepts (2 to 64 characters of letters, digits and
/// `_+=,.@-`): other characters become `-`, the text is cut to 64 characters, and a name
/// shorter than 2 characters becomes `okta-aws-cli`.
pub fn role_session_name(raw: &str) -> String {
    let name: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.len() < 2 {
        "okta-aws-cli".to_string()
    } else {
        name
    }
}

/// Form fields of an `AssumeRole` request, keys sorted.
pub fn assume_role_form(
    role_arn: &str,
    session_name: &str,
    duration_secs: u32,
    external_id: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("Action", "AssumeRole".to_string()),
        ("DurationSeconds", duration_secs.to_string()),
    ];
    if let Some(id) = external_id {
        form.push(("ExternalId", id.to_string()));
    }
    form.extend([
        ("RoleArn", role_arn.to_string()),
        ("RoleSessionName", session_name.to_string()),
        ("Version", STS_API_VERSION.to_string()),
    ]);
    form
}

/// Check that a hop stays in one partition: `from` (the role whose credentials sign) and
/// `to` (the role to assume). Errors: [`Error::Config`] naming both ARNs, or an ARN that is
/// not one ([`sts::partition_of`]).
pub fn check_same_partition(from: &str, to: &str) -> Result<()> {
    let (a, b) = (sts::partition_of(from)?, sts::partition_of(to)?);
    if a != b {
        return Err(Error::config(format!(
            "--chain-role {to} is in partition {:?} but {from} is in {:?}; a role chain stays in one partition",
            b.name(),
            a.name()
        )));
    }
    Ok(())
}

/// The signed `AssumeRole` request for `role_arn`, made with `creds` (the previous hop's
/// credentials) at `now`. `region` is the STS region (`Config::sts_region`); the endpoint
/// and its overrides are those of [`sts::endpoint`].
///
/// Errors: [`Error::Config`] for a bad endpoint, region or ARN; those of
/// [`sigv4::sign_request`].
pub fn assume_role_request(
    endpoints: &EndpointUrls,
    region: Option<&str>,
    role_arn: &str,
    form: &[(&'static str, String)],
    creds: &Credentials,
    now: OffsetDateTime,
) -> Result<Request> {
    let url = sts::endpoint(endpoints, role_arn, region)?;
    let partition = sts::partition_of(role_arn)?;
    let signing_region = region
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(crate::aws::iam::global_endpoint(partition).1);
    // The `Host` header signed: the authority without the scheme's default port.
    let host = Url::parse(&url)
        .map_err(|_| Error::config(format!("STS endpoint {url:?} is not a URL")))?
        .authority();
    let mut request = Request::form(
        &url,
        &[("Host", &host), ("Content-Type", CONTENT_TYPE)],
        form,
    );
    let params = sigv4::Params {
        credentials: sigv4::SigningCredentials::from(creds),
        region: signing_region,
        service: "sts",
        time: now,
        add_content_sha256: false,
    };
    sigv4::sign_request(&mut request, &params)?;
    request
        .headers
        .push(("Accept".to_string(), "text/xml".to_string()));
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIAPREVIOUS".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: "2030-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn duration_is_capped_at_one_hour() {
        assert_eq!(chained_duration(900), (900, false));
        assert_eq!(chained_duration(3600), (3600, false));
        assert_eq!(chained_duration(7200), (3600, true));
    }

    #[test]
    fn session_names_are_made_acceptable() {
        assert_eq!(
            role_session_name("jane.doe@example.com"),
            "jane.doe@example.com"
        );
        assert_eq!(role_session_name("Jane Doe/ops"), "Jane-Doe-ops");
        assert_eq!(role_session_name("x"), "okta-aws-cli");
        assert_eq!(role_session_name(&"a".repeat(80)).len(), 64);
    }

    #[test]
    fn form_is_sorted_with_optional_external_id() {
        let f = assume_role_form("arn:aws:iam::1:role/B", "jane", 3600, Some("ext-1"));
        let keys: Vec<_> = f.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "Action",
                "DurationSeconds",
                "ExternalId",
                "RoleArn",
                "RoleSessionName",
                "Version"
            ]
        );
        let f = assume_role_form("arn:aws:iam::1:role/B", "jane", 900, None);
        assert!(!f.iter().any(|(k, _)| *k == "ExternalId"));
        assert!(f.contains(&("Action", "AssumeRole".into())));
    }

    #[test]
    fn partitions_must_match() {
        let aws = "arn:aws:iam::123456789012:role/A";
        let cn = "arn:aws-cn:iam::123456789012:role/B";
        assert!(check_same_partition(aws, "arn:aws:iam::210987654321:role/B").is_ok());
        let err = check_same_partition(aws, cn).unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        assert!(err.to_string().contains(aws) && err.to_string().contains(cn));
    }

    #[test]
    fn request_is_signed_for_sts_in_the_right_region() {
        let now = sigv4::time_from_unix(1_700_000_000).unwrap();
        let role = "arn:aws:iam::123456789012:role/B";
        let form = assume_role_form(role, "jane", 3600, None);
        let r = assume_role_request(&EndpointUrls::default(), None, role, &form, &creds(), now)
            .unwrap();
        assert_eq!(r.url, "https://sts.amazonaws.com/");
        let auth = &r
            .headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .unwrap()
            .1;
        assert!(
            auth.contains("Credential=ASIAPREVIOUS/20231114/us-east-1/sts/aws4_request"),
            "{auth}"
        );
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| n == "X-Amz-Security-Token" && v == "token")
        );
        assert!(
            r.body()
                .starts_with("Action=AssumeRole&DurationSeconds=3600&RoleArn=")
        );

        let r = assume_role_request(
            &EndpointUrls::default(),
            Some("eu-west-1"),
            role,
            &form,
            &creds(),
            now,
        )
        .unwrap();
        assert_eq!(r.url, "https://sts.eu-west-1.amazonaws.com/");
        assert!(r.headers.iter().any(|(_, v)| v.contains("/eu-west-1/sts/")));

        let gov = "arn:aws-us-gov:iam::123456789012:role/B";
        let r =
            assume_role_request(&EndpointUrls::default(), None, gov, &form, &creds(), now).unwrap();
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| n == "Host" && v == "sts.us-gov-west-1.amazonaws.com")
        );
        assert!(
            r.headers
                .iter()
                .any(|(_, v)| v.contains("/us-gov-west-1/sts/"))
        );

        let moto = EndpointUrls {
            sts: Some("http://127.0.0.1:5000".into()),
            ..EndpointUrls::default()
        };
        let r = assume_role_request(&moto, None, role, &form, &creds(), now).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:5000/");
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| n == "Host" && v == "127.0.0.1:5000")
        );
    }
}
