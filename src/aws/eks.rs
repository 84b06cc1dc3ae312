//! PURE: the Amazon EKS token of `--format eks-token` (README "Kubernetes: EKS tokens").
//!
//! An EKS token is a presigned STS `GetCallerIdentity` URL: the cluster's authenticator
//! (aws-iam-authenticator, which EKS runs) calls it and learns who signed it. The rules
//! here are the ones its server checks, from its `pkg/token` package:
//!
//! * the token is `k8s-aws-v1.` followed by the URL in base64url without padding
//!   (RFC 4648 §5), at most [`MAX_TOKEN_BYTES`] bytes in all;
//! * the URL is an `https` `GET` of `/` at an STS host of the cluster's partition, whose
//!   query holds only `Action`, `Version` and the SigV4 `X-Amz-*` parameters, each once;
//! * `Action=GetCallerIdentity`, the signed headers include `x-k8s-aws-id` (the cluster
//!   id), and `X-Amz-Expires` is at most 900 (we send 60, as the AWS CLI does);
//! * the URL is accepted for 15 minutes after its `X-Amz-Date`, so the token is given to
//!   kubectl as valid for [`TOKEN_LIFETIME_SECS`] (14 minutes), and never past the
//!   credentials' own expiration.
//!
//! kubectl reads the token from a `client.authentication.k8s.io/v1beta1` `ExecCredential`
//! (Kubernetes documentation, "client-go credential plugins").

use time::{Duration, OffsetDateTime, UtcOffset};

use base64::Engine as _;

use crate::aws::iam;
use crate::aws::sigv4::{self, Presign, SigningCredentials};
use crate::aws::sts::{self, Credentials, Partition, STS_API_VERSION};
use crate::config::EndpointUrls;
use crate::error::{Error, Result};
use crate::url::Url;

/// The prefix of every EKS token (version 1 of the format).
pub const TOKEN_PREFIX: &str = "k8s-aws-v1.";

/// The signed header that names the cluster the token is for.
pub const CLUSTER_ID_HEADER: &str = "x-k8s-aws-id";

/// The longest token aws-iam-authenticator accepts, in bytes (prefix included).
pub const MAX_TOKEN_BYTES: usize = 4096;

/// `X-Amz-Expires` of the presigned URL, in seconds. STS ignores it (a presigned
/// `GetCallerIdentity` is valid 15 minutes); old authenticators want at most 60.
pub const PRESIGN_EXPIRES_SECS: u32 = 60;

/// How long kubectl may use a token, in seconds: one minute less than the 15 minutes the
/// authenticator accepts it for.
pub const TOKEN_LIFETIME_SECS: i64 = 14 * 60;

/// `apiVersion` of the `ExecCredential` printed for kubectl.
pub const EXEC_CREDENTIAL_API_VERSION: &str = "client.authentication.k8s.io/v1beta1";

/// The query of the presigned request before signing.
const QUERY: &str = "Action=GetCallerIdentity&Version=";

/// Where the token's URL points and how it is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme and authority, no path: `https://sts.eu-west-1.amazonaws.com`.
    pub origin: String,
    /// The `Host` header signed: the authority without the scheme's default port.
    pub host: String,
    /// The path requested: `/`, or the path of an endpoint override.
    pub path: String,
    /// The SigV4 signing region.
    pub signing_region: String,
}

/// The STS endpoint of the token (README "Kubernetes: EKS tokens"): `AWS_ENDPOINT_URL_STS`,
/// else `AWS_ENDPOINT_URL`, as given; else the regional endpoint of `region` (the STS
/// region of the run), in the region's partition (`sts.cn-north-1.amazonaws.com.cn`); else
/// the global endpoint of the partition of `role_arn` (the role whose credentials sign),
/// `sts.amazonaws.com` when it is not an ARN or there is none. The signing region is
/// `region`, else the partition's first (`us-east-1` for `aws`).
///
/// Errors: [`Error::Config`] for a malformed region, an override that is not an http(s)
/// URL, or one with a query or fragment (the token's query must hold only the parameters
/// the authenticator accepts).
pub fn endpoint(
    endpoints: &EndpointUrls,
    region: Option<&str>,
    role_arn: Option<&str>,
) -> Result<Endpoint> {
    let region = region.map(str::trim).filter(|r| !r.is_empty());
    let partition = match region {
        Some(r) => Partition::of_region(r),
        None => role_arn
            .and_then(|arn| sts::partition_of(arn).ok())
            .unwrap_or(Partition::Aws),
    };
    let url = match (sts::overridden_endpoint(endpoints)?, region) {
        (Some(url), _) => url,
        (None, Some(r)) => sts::regional_endpoint(r)?,
        (None, None) => format!("https://{}/", partition.global_sts_host()),
    };
    let parsed =
        Url::parse(&url).map_err(|e| Error::config(format!("the STS endpoint {url:?} {e}")))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(format!(
            "the STS endpoint {url:?} has a query or fragment; an EKS token's URL may carry \
             only the query it signs"
        )));
    }
    Ok(Endpoint {
        origin: format!("{}://{}", parsed.scheme().as_str(), parsed.authority()),
        host: parsed.authority(),
        path: parsed.path().to_string(),
        signing_region: region
            .unwrap_or(iam::global_endpoint(partition).1)
            .to_string(),
    })
}

/// The presigned `GET` of STS `GetCallerIdentity` for `cluster_id`, made with `creds` at
/// `now`: `X-Amz-Expires` [`PRESIGN_EXPIRES_SECS`], signed headers `host` and
/// [`CLUSTER_ID_HEADER`], the session token signed as `X-Amz-Security-Token`. The URL is a
/// secret (it carries the session token).
///
/// Errors: those of [`sigv4::presign`] (a cluster id with CR, LF or NUL, empty
/// credentials, a time outside the years 0000..=9999); never containing a secret.
pub fn presigned_url(
    ep: &Endpoint,
    cluster_id: &str,
    creds: &Credentials,
    now: OffsetDateTime,
) -> Result<String> {
    let headers = [
        ("Host".to_string(), ep.host.clone()),
        (CLUSTER_ID_HEADER.to_string(), cluster_id.to_string()),
    ];
    let query = format!("{QUERY}{STS_API_VERSION}");
    let request = sigv4::Request {
        method: "GET",
        path: &ep.path,
        query: &query,
        headers: &headers,
        body: b"",
    };
    let presigned = sigv4::presign(
        &request,
        &Presign {
            params: sigv4::Params {
                credentials: SigningCredentials::from(creds),
                region: &ep.signing_region,
                service: "sts",
                time: now,
                add_content_sha256: false,
            },
            expires_secs: PRESIGN_EXPIRES_SECS,
            sign_session_token: true,
        },
    )?;
    Ok(format!("{}{}?{}", ep.origin, ep.path, presigned.query))
}

/// The token of a presigned URL: [`TOKEN_PREFIX`] and the URL in base64url without
/// padding.
///
/// Errors: [`Error::Runtime`] when the token is longer than [`MAX_TOKEN_BYTES`], which the
/// authenticator refuses (a very long session token or endpoint URL).
pub fn token(url: &str) -> Result<String> {
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(url.as_bytes());
    let token = format!("{TOKEN_PREFIX}{encoded}");
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::runtime(format!(
            "the EKS token would be {} bytes, more than the {MAX_TOKEN_BYTES} the cluster's \
             authenticator accepts (the session token or the STS endpoint URL is too long)",
            token.len()
        )));
    }
    Ok(token)
}

/// When kubectl must stop using a token made at `now`: [`TOKEN_LIFETIME_SECS`] later, or
/// when the credentials expire (`credentials_expire`, RFC 3339), whichever comes first.
///
/// Errors: [`Error::Runtime`] when the expiration is not RFC 3339, or is not after `now`
/// (expired credentials make no working token).
pub fn expiration(now: OffsetDateTime, credentials_expire: &str) -> Result<OffsetDateTime> {
    let expires = OffsetDateTime::parse(
        credentials_expire,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|_| {
        Error::runtime(format!(
            "the AWS credentials' expiration {credentials_expire:?} is not an RFC 3339 time"
        ))
    })?;
    if expires <= now {
        return Err(Error::runtime(format!(
            "the AWS credentials expired at {credentials_expire}; they cannot make an EKS token"
        )));
    }
    Ok(expires.min(now + Duration::seconds(TOKEN_LIFETIME_SECS)))
}

/// `YYYY-MM-DDTHH:MM:SSZ`: RFC 3339 in UTC, whole seconds (the form of Kubernetes'
/// `metav1.Time`).
fn rfc3339_utc(t: OffsetDateTime) -> String {
    let u = t.to_offset(UtcOffset::UTC);
    let whole = u.replace_nanosecond(0).unwrap_or(u);
    whole
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| format!("{} (Unix seconds)", whole.unix_timestamp()))
}

/// The `ExecCredential` JSON of `token`, valid until `expires`, and a newline:
/// `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},
/// "status":{"expirationTimestamp":"…Z","token":"k8s-aws-v1.…"}}`. `token` comes from
/// [`token`] (letters, digits, `-`, `_` and `.`: nothing to escape).
pub fn exec_credential_json(token: &str, expires: OffsetDateTime) -> String {
    format!(
        "{{\"kind\":\"ExecCredential\",\"apiVersion\":\"{EXEC_CREDENTIAL_API_VERSION}\",\"spec\":{{}},\
         \"status\":{{\"expirationTimestamp\":\"{}\",\"token\":\"{token}\"}}}}\n",
        rfc3339_utc(expires)
    )
}

/// The stdout text of `--format eks-token`: the `ExecCredential` of a token for
/// `cluster_id` made with `creds` at `now` (Unix seconds), to be sent to `ep`.
///
/// Errors: those of [`expiration`], [`presigned_url`] and [`token`].
pub fn exec_credential(
    ep: &Endpoint,
    cluster_id: &str,
    creds: &Credentials,
    now_unix: i64,
) -> Result<String> {
    let now = sigv4::time_from_unix(now_unix)?;
    let expires = expiration(now, &creds.expiration)?;
    let token = token(&presigned_url(ep, cluster_id, creds, now)?)?;
    Ok(exec_credential_json(&token, expires))
}

#[cfg(test)]
mod tests;
