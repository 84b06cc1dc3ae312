//! I/O: AWS calls sent through the run's [`Http`] agent: unsigned Query-API POSTs of
//! `AssumeRoleWithSAML` and `AssumeRoleWithWebIdentity` (docs/decisions.md#k-aws-requests), the signed `AssumeRole` of `--chain-role`, IAM `ListAccountAliases` and the
//! console federation endpoint's `getSigninToken`. Requests are built and replies parsed by
//! the pure [`crate::aws::sts`], [`crate::aws::chain`], [`crate::aws::iam`] and
//! [`crate::aws::signin`] modules. Every call may be repeated: throttling, 5xx and
//! connection failures are retried as the AWS SDKs' standard mode does
//! ([`crate::http::retry`]).

use crate::aws::sts::{self, Credentials};
use crate::config::EndpointUrls;
use crate::error::Result;
use crate::http::{Http, Service};

fn call(http: &Http, endpoint: &str, form: &[(&'static str, String)]) -> Result<Credentials> {
    let reply = http.send_repeatable(Service::Aws, &sts::query_request(endpoint, form))?;
    sts::parse_credentials(reply.status, &reply.body)
}

/// Exchange an Okta SAML assertion for temporary credentials with STS
/// `AssumeRoleWithSAML` (AWS STS API Reference; unsigned request).
///
/// - `endpoints`: the overrides, of which `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` apply;
/// - `region`: the resolved STS region (`Config::sts_region`), `None` for the partition's
///   global endpoint (see [`sts::endpoint`]);
/// - `principal_arn`: the SAML provider (IdP) ARN; `role_arn`: the role ARN;
/// - `saml_assertion`: the base64 `SAMLResponse` as received from Okta;
/// - `duration_secs`: session duration in seconds (900..=43200).
///
/// Errors: [`crate::error::Error::Config`] for a bad endpoint setting or role ARN;
/// [`crate::error::Error::Runtime`] for network failures (`cannot reach <host>: ...`), STS
/// errors (`sts: <Code>: <Message>`) and unusable replies.
pub fn assume_role_with_saml(
    http: &Http,
    endpoints: &EndpointUrls,
    region: Option<&str>,
    principal_arn: &str,
    role_arn: &str,
    saml_assertion: &str,
    duration_secs: u32,
) -> Result<Credentials> {
    let endpoint = sts::endpoint(endpoints, role_arn, region)?;
    let form =
        sts::assume_role_with_saml_form(principal_arn, role_arn, saml_assertion, duration_secs);
    call(http, &endpoint, &form)
}

/// Exchange an Okta access token for temporary credentials with STS
/// `AssumeRoleWithWebIdentity` (AWS STS API Reference; unsigned request).
///
/// - `session_name`: the role session name (`--aws-sts-role-session-name`, default
///   `okta-aws-cli`);
/// - `web_identity_token`: the Okta access token;
/// - other arguments and errors as for [`assume_role_with_saml`].
pub fn assume_role_with_web_identity(
    http: &Http,
    endpoints: &EndpointUrls,
    region: Option<&str>,
    role_arn: &str,
    session_name: &str,
    web_identity_token: &str,
    duration_secs: u32,
) -> Result<Credentials> {
    let endpoint = sts::endpoint(endpoints, role_arn, region)?;
    let form = sts::assume_role_with_web_identity_form(
        role_arn,
        session_name,
        web_identity_token,
        duration_secs,
    );
    call(http, &endpoint, &form)
}

/// The first account alias of the account `role_arn` belongs to, via IAM
/// `ListAccountAliases` (AWS IAM API Reference), SigV4-signed with `credentials` (the
/// temporary credentials just issued for that role, session token included). The endpoint is
/// the partition's global IAM endpoint, or `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL`.
///
/// `now` is the signing time (UTC), read from the clock by the caller.
///
/// `Ok(None)` when the account has no alias. Errors: [`crate::error::Error::Runtime`] for
/// network failures and IAM errors (`iam: <Code>: <Message>`, e.g. `AccessDenied`).
pub fn list_account_alias(
    http: &Http,
    endpoints: &EndpointUrls,
    role_arn: &str,
    credentials: &Credentials,
    now: time::OffsetDateTime,
) -> Result<Option<String>> {
    let endpoint = crate::aws::iam::endpoint_for_arn(role_arn, endpoints)?;
    let request = crate::aws::iam::list_account_aliases_request(&endpoint, credentials, now)?;
    let reply = http.send_repeatable(Service::Aws, &request)?;
    crate::aws::iam::parse_list_account_aliases(reply.status, &reply.body)
}

/// Assume `role_arn` with STS `AssumeRole`, SigV4-signed with `credentials` (the previous
/// hop of a `--chain-role` chain) at `now`, at the STS endpoint of [`sts::endpoint`] for
/// `region`. `form` comes from [`crate::aws::chain::assume_role_form`].
///
/// Errors: [`crate::error::Error::Config`] for a bad endpoint or ARN;
/// [`crate::error::Error::Runtime`] for network failures and STS errors
/// (`sts: <Code>: <Message>`, e.g. `AccessDenied`).
pub fn assume_role(
    http: &Http,
    endpoints: &EndpointUrls,
    region: Option<&str>,
    role_arn: &str,
    form: &[(&'static str, String)],
    credentials: &Credentials,
    now: time::OffsetDateTime,
) -> Result<Credentials> {
    let request = crate::aws::chain::assume_role_request(
        endpoints,
        region,
        role_arn,
        form,
        credentials,
        now,
    )?;
    let reply = http.send(Service::Aws, &request)?;
    sts::parse_credentials(reply.status, &reply.body)
}

/// The console sign-in token for `credentials` from the federation endpoint
/// (`Action=getSigninToken`, see [`crate::aws::signin`]); `federation` is
/// [`crate::aws::signin::federation_endpoint`]'s URL and `session_duration` the console
/// session to ask for (`None` to send no `SessionDuration`).
///
/// The request URL carries the credentials and the reply the token: `--debug-api-calls`
/// redacts both (`Session`, `SigninToken`), and no error quotes them.
///
/// Errors: [`crate::error::Error::Runtime`] for network failures and refusals.
pub fn signin_token(
    http: &Http,
    federation: &str,
    credentials: &Credentials,
    session_duration: Option<u32>,
) -> Result<String> {
    let request =
        crate::aws::signin::signin_token_request(federation, credentials, session_duration);
    let reply = http.send(Service::Aws, &request)?;
    crate::aws::signin::parse_signin_token(reply.status, &reply.body)
}
