//! PURE: AWS STS Query-API requests (AssumeRoleWithSAML, AssumeRoleWithWebIdentity),
//! endpoint resolution (docs/decisions.md#d-region-endpoint) and parsing of XML replies into [`Credentials`].

/// Temporary AWS credentials as issued by STS.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `AccessKeyId`, e.g. `ASIA...`.
    pub access_key_id: String,
    /// `SecretAccessKey` (secret).
    pub secret_access_key: String,
    /// `SessionToken` (secret).
    pub session_token: String,
    /// STS `Expiration`, normalised to RFC 3339 UTC with whole seconds: `2024-05-01T13:00:00Z`.
    pub expiration: String,
}

impl std::fmt::Debug for Credentials {
    /// Never prints the secret access key or the session token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

use crate::config::EndpointUrls;
use crate::error::{Error, Result};
use crate::http::Request;
use crate::url::{Url, UrlError};
use quick_xml::Reader;
use quick_xml::events::Event;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The STS Query-API version sent with every request (`Version=2011-06-15`).
pub const STS_API_VERSION: &str = "2011-06-15";

/// An AWS partition, taken from the second field of an ARN (`arn:<partition>:...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// `aws`: commercial regions, DNS suffix `amazonaws.com`.
    Aws,
    /// `aws-cn`: China regions, DNS suffix `amazonaws.com.cn`.
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US), DNS suffix `amazonaws.com`.
    AwsUsGov,
    /// `aws-iso`: US ISO East/West, DNS suffix `c2s.ic.gov`.
    AwsIso,
    /// `aws-iso-b`: US ISOB East, DNS suffix `sc2s.sgov.gov`.
    AwsIsoB,
}

impl Partition {
    /// The partition's name as written in ARNs, e.g. `aws-us-gov`.
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
        }
    }

    /// The DNS suffix of the partition's service endpoints, e.g. `amazonaws.com.cn`.
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::AwsIso => "c2s.ic.gov",
            Partition::AwsIsoB => "sc2s.sgov.gov",
        }
    }

    /// The host of the partition's global (region-less) STS endpoint.
    ///
    /// `aws`: `sts.amazonaws.com`; `aws-us-gov`: `sts.us-gov-west-1.amazonaws.com`;
    /// `aws-cn`: `sts.cn-north-1.amazonaws.com.cn`; `aws-iso`:
    /// `sts.us-iso-east-1.c2s.ic.gov`; `aws-iso-b`: `sts.us-isob-east-1.sc2s.sgov.gov`
    /// (AWS General Reference, "AWS STS endpoints").
    pub fn global_sts_host(self) -> &'static str {
        match self {
            Partition::Aws => "sts.amazonaws.com",
            Partition::AwsUsGov => "sts.us-gov-west-1.amazonaws.com",
            Partition::AwsCn => "sts.cn-north-1.amazonaws.com.cn",
            Partition::AwsIso => "sts.us-iso-east-1.c2s.ic.gov",
            Partition::AwsIsoB => "sts.us-isob-east-1.sc2s.sgov.gov",
        }
    }

    /// The partition whose regions include `region`, judged by its name prefix (`cn-`,
    /// `us-gov-`, `us-iso-`, `us-isob-`; any other name is in `aws`).
    pub fn of_region(region: &str) -> Partition {
        [
            Partition::AwsCn,
            Partition::AwsUsGov,
            Partition::AwsIso,
            Partition::AwsIsoB,
        ]
        .into_iter()
        .find(|p| p.owns_region(region))
        .unwrap_or(Partition::Aws)
    }

    /// Whether `region` belongs to this partition, judged by its name prefix
    /// (`cn-` for China, `us-gov-` for GovCloud, `us-iso-` / `us-isob-` for ISO).
    fn owns_region(self, region: &str) -> bool {
        let china = region.starts_with("cn-");
        let gov = region.starts_with("us-gov-");
        let iso = region.starts_with("us-iso-");
        let isob = region.starts_with("us-isob-");
        match self {
            Partition::Aws => !(china || gov || iso || isob),
            Partition::AwsCn => china,
            Partition::AwsUsGov => gov,
            Partition::AwsIso => iso,
            Partition::AwsIsoB => isob,
        }
    }
}

/// The partition of an ARN such as `arn:aws-us-gov:iam::123456789012:role/Admin`.
///
/// Errors: [`Error::Config`] when the text is not an ARN or names an unknown partition.
pub fn partition_of(arn: &str) -> Result<Partition> {
    let mut fields = arn.splitn(3, ':');
    let (Some("arn"), Some(name), Some(_)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(Error::config(format!(
            "{arn:?} is not an ARN (expected arn:<partition>:iam::<account>:...)"
        )));
    };
    match name {
        "aws" => Ok(Partition::Aws),
        "aws-cn" => Ok(Partition::AwsCn),
        "aws-us-gov" => Ok(Partition::AwsUsGov),
        "aws-iso" => Ok(Partition::AwsIso),
        "aws-iso-b" => Ok(Partition::AwsIsoB),
        other => Err(Error::config(format!(
            "unknown AWS partition {other:?} in ARN {arn:?} (expected aws, aws-cn, aws-us-gov, aws-iso or aws-iso-b)"
        ))),
    }
}

/// A region name must be lowercase letters, digits and dashes (`eu-west-1`).
fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
}

/// The STS endpoint URL to POST to, ending in `/` when it has no path of its own.
///
/// Order (docs/decisions.md#d-region-endpoint): `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL` of `endpoints`
/// (an `http://` or `https://` URL, used as given); otherwise, with a
/// `region`, the regional endpoint `https://sts.<region>.<partition DNS suffix>/`; without
/// one, the global endpoint of the role ARN's partition ([`Partition::global_sts_host`]).
///
/// Errors: [`Error::Config`] for a role ARN that is not an ARN, a malformed region, a region
/// of another partition (e.g. `us-east-1` with an `arn:aws-cn:` role), or an override that
/// is not an http(s) URL.
pub fn endpoint(endpoints: &EndpointUrls, role_arn: &str, region: Option<&str>) -> Result<String> {
    if let Some(url) = overridden_endpoint(endpoints)? {
        return Ok(url);
    }
    let partition = partition_of(role_arn)?;
    let region = region.map(str::trim).filter(|r| !r.is_empty());
    match region {
        None => Ok(format!("https://{}/", partition.global_sts_host())),
        Some(region) => {
            if valid_region(region) && !partition.owns_region(region) {
                return Err(Error::config(format!(
                    "AWS region {region:?} is not in partition {:?} of role {role_arn:?}",
                    partition.name()
                )));
            }
            regional_endpoint(region)
        }
    }
}

/// The STS endpoint override of `endpoints`: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`
/// (as given, with `/` added when nothing follows its authority); `None` when neither is set.
///
/// Errors: [`Error::Config`] naming the variable when it is not an http(s) URL.
pub fn overridden_endpoint(endpoints: &EndpointUrls) -> Result<Option<String>> {
    endpoints
        .first(&["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"])
        .map(|(name, url)| endpoint_override(name, url))
        .transpose()
}

/// The regional STS endpoint `https://sts.<region>.<DNS suffix>/` of `region` (trimmed), in
/// the partition the region belongs to ([`Partition::of_region`]): `sts.eu-west-1.amazonaws.com`,
/// `sts.cn-north-1.amazonaws.com.cn`.
///
/// Errors: [`Error::Config`] for a malformed region name.
pub fn regional_endpoint(region: &str) -> Result<String> {
    let region = region.trim();
    if !valid_region(region) {
        return Err(Error::config(format!(
            "invalid AWS region {region:?} (expected a name such as us-east-1)"
        )));
    }
    let suffix = Partition::of_region(region).dns_suffix();
    Ok(format!("https://sts.{region}.{suffix}/"))
}

/// The override `url` of variable `name` as given, with `/` added when nothing follows its
/// authority. Errors: [`Error::Config`] naming the variable and the problem.
fn endpoint_override(name: &str, url: &str) -> Result<String> {
    let parsed = Url::parse(url);
    if let Err(UrlError::NoScheme | UrlError::UnsupportedScheme | UrlError::NoAuthority) = parsed {
        return Err(Error::config(format!(
            "{name} must be an http:// or https:// URL, got {url:?}"
        )));
    }
    if parsed == Err(UrlError::NoHost) || url.contains(char::is_whitespace) {
        return Err(Error::config(format!("{name} has no host: {url:?}")));
    }
    let parsed = parsed.map_err(|e| Error::config(format!("{name} {e}: {url:?}")))?;
    if parsed.rest().is_empty() {
        Ok(format!("{url}/"))
    } else {
        Ok(url.to_string())
    }
}

/// `Content-Type` of every STS and IAM Query-API request (AWS query protocol).
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// The unsigned Query-API `POST` of `form` (from [`assume_role_with_saml_form`] or
/// [`assume_role_with_web_identity_form`]) to `endpoint` (from [`endpoint`]), with the
/// headers `Content-Type: <CONTENT_TYPE>` and `Accept: text/xml`.
pub fn query_request(endpoint: &str, form: &[(&'static str, String)]) -> Request {
    Request::form(
        endpoint,
        &[("Content-Type", CONTENT_TYPE), ("Accept", "text/xml")],
        form,
    )
}

/// Form fields of an unsigned `AssumeRoleWithSAML` Query-API request, keys sorted as the
/// AWS SDKs send them (docs/decisions.md#k-aws-requests; AWS STS API Reference,
/// AssumeRoleWithSAML). `saml_assertion` is the base64 SAMLResponse from Okta;
/// `duration_secs` is in seconds (900..=43200, checked by config).
pub fn assume_role_with_saml_form(
    principal_arn: &str,
    role_arn: &str,
    saml_assertion: &str,
    duration_secs: u32,
) -> Vec<(&'static str, String)> {
    vec![
        ("Action", "AssumeRoleWithSAML".to_string()),
        ("DurationSeconds", duration_secs.to_string()),
        ("PrincipalArn", principal_arn.to_string()),
        ("RoleArn", role_arn.to_string()),
        ("SAMLAssertion", saml_assertion.to_string()),
        ("Version", STS_API_VERSION.to_string()),
    ]
}

/// Form fields of an unsigned `AssumeRoleWithWebIdentity` Query-API request, keys sorted
/// (docs/decisions.md#k-aws-requests; AWS STS API Reference, AssumeRoleWithWebIdentity).
/// `web_identity_token` is the Okta access token; `duration_secs` is in seconds.
pub fn assume_role_with_web_identity_form(
    role_arn: &str,
    session_name: &str,
    web_identity_token: &str,
    duration_secs: u32,
) -> Vec<(&'static str, String)> {
    vec![
        ("Action", "AssumeRoleWithWebIdentity".to_string()),
        ("DurationSeconds", duration_secs.to_string()),
        ("RoleArn", role_arn.to_string()),
        ("RoleSessionName", session_name.to_string()),
        ("Version", STS_API_VERSION.to_string()),
        ("WebIdentityToken", web_identity_token.to_string()),
    ]
}

/// Text of the elements of interest in an STS reply, by local name.
#[derive(Default)]
struct Fields {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    saw_error_response: bool,
    saw_credentials: bool,
}

/// Which element's text is being collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
    Expiration,
    Code,
    Message,
}

fn slot_for(local: &[u8], in_credentials: bool, in_error: bool) -> Option<Slot> {
    match local {
        b"AccessKeyId" if in_credentials => Some(Slot::AccessKeyId),
        b"SecretAccessKey" if in_credentials => Some(Slot::SecretAccessKey),
        b"SessionToken" if in_credentials => Some(Slot::SessionToken),
        b"Expiration" if in_credentials => Some(Slot::Expiration),
        b"Code" if in_error => Some(Slot::Code),
        b"Message" if in_error => Some(Slot::Message),
        _ => None,
    }
}

/// Walk the XML once, collecting the fields; `Err` carries a short reason (no content).
fn scan(body: &str) -> std::result::Result<Fields, String> {
    let mut reader = Reader::from_str(body);
    let mut fields = Fields::default();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut slot: Option<(Slot, usize)> = None;
    let mut text = String::new();
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_vec();
                saw_root = true;
                match local.as_slice() {
                    b"ErrorResponse" | b"Error" => fields.saw_error_response = true,
                    b"Credentials" => fields.saw_credentials = true,
                    _ => {}
                }
                let in_credentials = stack.last().is_some_and(|p| p == b"Credentials");
                let in_error = stack.last().is_some_and(|p| p == b"Error");
                stack.push(local.clone());
                if slot.is_none()
                    && let Some(s) = slot_for(&local, in_credentials, in_error)
                {
                    slot = Some((s, stack.len()));
                    text.clear();
                }
            }
            Event::Empty(e) => {
                saw_root = true;
                if e.local_name().as_ref() == b"Credentials" {
                    fields.saw_credentials = true;
                }
            }
            Event::End(_) => {
                if let Some((s, depth)) = slot
                    && depth == stack.len()
                {
                    let value = std::mem::take(&mut text);
                    let target = match s {
                        Slot::AccessKeyId => &mut fields.access_key_id,
                        Slot::SecretAccessKey => &mut fields.secret_access_key,
                        Slot::SessionToken => &mut fields.session_token,
                        Slot::Expiration => &mut fields.expiration,
                        Slot::Code => &mut fields.error_code,
                        Slot::Message => &mut fields.error_message,
                    };
                    if target.is_none() {
                        *target = Some(value.trim().to_string());
                    }
                    slot = None;
                }
                stack.pop();
            }
            Event::Text(t) if slot.is_some() => {
                let raw = t.decode().map_err(|e| format!("bad text encoding: {e}"))?;
                text.push_str(&raw);
            }
            Event::CData(t) if slot.is_some() => {
                let raw = t.decode().map_err(|e| format!("bad CDATA encoding: {e}"))?;
                text.push_str(&raw);
            }
            Event::GeneralRef(r) if slot.is_some() => {
                let name = r.decode().map_err(|e| format!("bad entity: {e}"))?;
                if let Some(ch) = r
                    .resolve_char_ref()
                    .map_err(|e| format!("bad character reference: {e}"))?
                {
                    text.push(ch);
                } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
                    text.push_str(s);
                } else {
                    return Err(format!("unknown entity &{name};"));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err("no XML element".to_string());
    }
    if !stack.is_empty() {
        return Err("truncated XML (unclosed elements)".to_string());
    }
    Ok(fields)
}

/// Collapse runs of whitespace (including newlines) to single spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `"HTTP 503 Service Unavailable"` style label for messages.
fn http_label(status: u16) -> String {
    format!("HTTP {status}")
}

/// Parse an STS `AssumeRoleWithSAML` / `AssumeRoleWithWebIdentity` reply into
/// [`Credentials`] (AWS STS API Reference; docs/decisions.md#k-aws-requests).
///
/// Elements are matched by local name inside `Credentials`, whatever their namespace or
/// prefix. `Expiration` is normalised with [`normalize_expiration`].
///
/// Errors ([`Error::Runtime`], one line, never containing a secret):
/// - an `<ErrorResponse>`: [`Error::Aws`] `sts: <Code>: <Message>` with the code kept;
/// - an empty, HTML, truncated or otherwise unusable body, or one missing an element:
///   `sts: ... (HTTP <status>)` naming what is wrong.
pub fn parse_credentials(status: u16, body: &[u8]) -> Result<Credentials> {
    let label = http_label(status);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(_) => {
            return Err(Error::runtime(format!(
                "sts: reply is not UTF-8 text ({label})"
            )));
        }
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(Error::runtime(format!("sts: empty reply ({label})")));
    }
    let lower_head: String = trimmed.chars().take(200).collect::<String>().to_lowercase();
    if lower_head.starts_with("<!doctype html") || lower_head.contains("<html") {
        return Err(Error::runtime(format!(
            "sts: expected an XML reply but got an HTML page ({label})"
        )));
    }
    if !trimmed.starts_with('<') {
        return Err(Error::runtime(format!(
            "sts: expected an XML reply but got something else ({label})"
        )));
    }
    let fields = scan(trimmed).map_err(|why| Error::runtime(format!("sts: {why} ({label})")))?;

    if fields.saw_error_response && (fields.error_code.is_some() || fields.error_message.is_some())
    {
        let code = fields.error_code.as_deref().unwrap_or("UnknownError");
        let message = fields.error_message.as_deref().unwrap_or("");
        let code = one_line(code);
        let message = one_line(message);
        return Err(Error::Aws {
            message: if message.is_empty() {
                format!("sts: {code} ({label})")
            } else {
                format!("sts: {code}: {message}")
            },
            code,
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::runtime(format!(
            "sts: request failed without an ErrorResponse ({label})"
        )));
    }
    if !fields.saw_credentials {
        return Err(Error::runtime(format!(
            "sts: reply has no Credentials element ({label})"
        )));
    }
    let need = |v: Option<String>, name: &str| -> Result<String> {
        match v {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(Error::runtime(format!(
                "sts: reply is missing Credentials/{name} ({label})"
            ))),
        }
    };
    let access_key_id = need(fields.access_key_id, "AccessKeyId")?;
    let secret_access_key = need(fields.secret_access_key, "SecretAccessKey")?;
    let session_token = need(fields.session_token, "SessionToken")?;
    let raw_expiration = need(fields.expiration, "Expiration")?;
    for (name, value) in [
        ("AccessKeyId", &access_key_id),
        ("SecretAccessKey", &secret_access_key),
        ("SessionToken", &session_token),
        ("Expiration", &raw_expiration),
    ] {
        if let Some(problem) = credential_value_problem(name, value) {
            return Err(Error::runtime(format!(
                "sts: reply has an unusable Credentials/{name}: {problem} ({label})"
            )));
        }
    }
    let expiration = normalize_expiration(&raw_expiration)?;
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration,
    })
}

/// Longest `AccessKeyId` STS may return (AWS STS API Reference, `Credentials`).
const MAX_ACCESS_KEY_ID: usize = 128;

/// What is wrong with credential value `value` of element `name`, or `None` (issue 15):
/// these values go into `eval`-ed shell lines, the credentials file and `--exec`
/// environments, so only characters STS issues pass. No control character anywhere (nor
/// white space, before or after). `AccessKeyId`: 1 to 128 letters, digits or `_` (the AWS
/// pattern `[\w]*`). `SecretAccessKey`, `SessionToken`: the base64 alphabets (letters,
/// digits, `+`, `/`, and the URL-safe `-`, `_`), `=` padding and `.` (JWT-style tokens of
/// STS-compatible servers). `Expiration`: ASCII only (its format is checked by
/// [`normalize_expiration`]). The problem never quotes the value.
fn credential_value_problem(name: &str, value: &str) -> Option<&'static str> {
    if value.chars().any(|c| c.is_control()) {
        return Some("it contains control characters");
    }
    if value.chars().any(char::is_whitespace) {
        return Some("it contains white space");
    }
    match name {
        "AccessKeyId" if value.len() > MAX_ACCESS_KEY_ID => {
            Some("it is longer than 128 characters")
        }
        "AccessKeyId"
            if !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            Some("only letters, digits and _ are allowed")
        }
        "SecretAccessKey" | "SessionToken"
            if !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=-_.".contains(&b)) =>
        {
            Some("only letters, digits and + / = - _ . are allowed")
        }
        "Expiration" if !value.is_ascii() => Some("it is not an RFC 3339 time"),
        _ => None,
    }
}

/// Normalise an STS `Expiration` (ISO 8601 / RFC 3339, possibly with fractional seconds or
/// a non-`Z` offset, or with no offset at all, which STS means as UTC) to RFC 3339 UTC with
/// whole seconds: `2024-05-01T13:00:00Z`. Fractional seconds are dropped (rounded down).
///
/// Errors: [`Error::Runtime`] `sts: Credentials/Expiration is not an RFC 3339 time`.
pub fn normalize_expiration(value: &str) -> Result<String> {
    let value = value.trim();
    // The value is not quoted: nothing of a reply that failed the checks reaches the output.
    let bad = || Error::runtime("sts: Credentials/Expiration is not an RFC 3339 time");
    let parsed = OffsetDateTime::parse(value, &Rfc3339)
        .or_else(|_| {
            // No offset: STS times are UTC.
            let has_offset = value.ends_with('Z')
                || value.ends_with('z')
                || value
                    .rsplit_once('T')
                    .is_some_and(|(_, t)| t.contains('+') || t.contains('-'));
            if has_offset {
                Err(bad())
            } else {
                OffsetDateTime::parse(&format!("{value}Z"), &Rfc3339).map_err(|_| bad())
            }
        })
        .map_err(|_| bad())?;
    let utc = parsed.to_offset(time::UtcOffset::UTC);
    let year = utc.year();
    if !(0..=9999).contains(&year) {
        return Err(bad());
    }
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        year,
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAML_OK: &str = r#"<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithSAMLResult>
    <Audience>https://signin.aws.amazon.com/saml</Audience>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:alice@example.com</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLESAML00001</AccessKeyId>
      <SecretAccessKey>fakeSamlSecret/with+plus=</SecretAccessKey>
      <SessionToken>FwoGZXIvYXdzEFAKE/token+with=chars</SessionToken>
      <Expiration>2024-05-01T13:00:00Z</Expiration>
    </Credentials>
    <Issuer>http://www.okta.com/exkEXAMPLE</Issuer>
    <NameQualifier>abc=</NameQualifier>
    <Subject>alice@example.com</Subject>
    <SubjectType>unspecified</SubjectType>
  </AssumeRoleWithSAMLResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleWithSAMLResponse>"#;

    const WEB_OK_PREFIXED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sts:AssumeRoleWithWebIdentityResponse xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/">
  <sts:AssumeRoleWithWebIdentityResult>
    <sts:SubjectFromWebIdentityToken>0oaEXAMPLE</sts:SubjectFromWebIdentityToken>
    <sts:Credentials>
      <sts:SessionToken>IQoJb3JpZ2luX2VjEFAKE&#x2b;more</sts:SessionToken>
      <sts:SecretAccessKey>fakeWebSecret</sts:SecretAccessKey>
      <sts:Expiration>2024-05-01T15:30:00.123456Z</sts:Expiration>
      <sts:AccessKeyId>ASIAEXAMPLEWEB00001</sts:AccessKeyId>
    </sts:Credentials>
    <sts:Provider>www.okta.com</sts:Provider>
  </sts:AssumeRoleWithWebIdentityResult>
</sts:AssumeRoleWithWebIdentityResponse>"#;

    const ERROR_REPLY: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>InvalidIdentityToken</Code>
    <Message>Couldn't retrieve verification key
      from your identity provider</Message>
  </Error>
  <RequestId>4f2b1c3e-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>"#;

    fn env(pairs: &[(&str, &str)]) -> EndpointUrls {
        EndpointUrls::from_pairs(pairs)
    }

    fn runtime_msg(r: Result<Credentials>) -> String {
        match r {
            Err(Error::Runtime(m)) => m,
            other => panic!("expected a runtime error, got {other:?}"),
        }
    }

    #[test]
    fn parses_saml_success() {
        let c = parse_credentials(200, SAML_OK.as_bytes()).unwrap();
        assert_eq!(c.access_key_id, "ASIAEXAMPLESAML00001");
        assert_eq!(c.secret_access_key, "fakeSamlSecret/with+plus=");
        assert_eq!(c.session_token, "FwoGZXIvYXdzEFAKE/token+with=chars");
        assert_eq!(c.expiration, "2024-05-01T13:00:00Z");
    }

    #[test]
    fn parses_prefixed_web_identity_success_with_entities_and_fraction() {
        let c = parse_credentials(200, WEB_OK_PREFIXED.as_bytes()).unwrap();
        assert_eq!(c.access_key_id, "ASIAEXAMPLEWEB00001");
        assert_eq!(c.secret_access_key, "fakeWebSecret");
        assert_eq!(c.session_token, "IQoJb3JpZ2luX2VjEFAKE+more");
        assert_eq!(c.expiration, "2024-05-01T15:30:00Z");
    }

    #[test]
    fn error_response_becomes_one_line() {
        let e = parse_credentials(400, ERROR_REPLY.as_bytes()).unwrap_err();
        assert_eq!(e.aws_code(), Some("InvalidIdentityToken"));
        let m = e.to_string();
        assert_eq!(
            m,
            "sts: InvalidIdentityToken: Couldn't retrieve verification key from your identity provider"
        );
        assert!(!m.contains('\n'));
    }

    #[test]
    fn html_503_is_reported_with_status() {
        let html = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>down</body></html>";
        let m = runtime_msg(parse_credentials(503, html.as_bytes()));
        assert!(m.contains("HTML"), "{m}");
        assert!(m.contains("HTTP 503"), "{m}");
    }

    #[test]
    fn empty_and_non_xml_bodies() {
        assert!(runtime_msg(parse_credentials(200, b"")).contains("empty reply (HTTP 200)"));
        assert!(runtime_msg(parse_credentials(502, b"  \n")).contains("HTTP 502"));
        let m = runtime_msg(parse_credentials(200, b"{\"not\":\"xml\"}"));
        assert!(m.contains("expected an XML reply"), "{m}");
        let m = runtime_msg(parse_credentials(200, &[0xff, 0xfe, 0x00]));
        assert!(m.contains("not UTF-8"), "{m}");
    }

    #[test]
    fn truncated_xml_never_leaks_the_secret() {
        let cut = &SAML_OK[..SAML_OK.find("</SessionToken>").unwrap()];
        let m = runtime_msg(parse_credentials(200, cut.as_bytes()));
        assert!(m.contains("HTTP 200"), "{m}");
        assert!(!m.contains("fakeSamlSecret"), "{m}");
        assert!(!m.contains("FwoGZX"), "{m}");
    }

    #[test]
    fn missing_element_is_named() {
        let no_token = SAML_OK.replace(
            "<SessionToken>FwoGZXIvYXdzEFAKE/token+with=chars</SessionToken>",
            "",
        );
        let m = runtime_msg(parse_credentials(200, no_token.as_bytes()));
        assert!(m.contains("Credentials/SessionToken"), "{m}");
        let no_creds =
            "<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult/></AssumeRoleWithSAMLResponse>";
        let m = runtime_msg(parse_credentials(200, no_creds.as_bytes()));
        assert!(m.contains("no Credentials"), "{m}");
    }

    #[test]
    fn non_2xx_without_error_response_is_an_error() {
        let m = runtime_msg(parse_credentials(500, b"<Oops/>"));
        assert!(m.contains("HTTP 500"), "{m}");
    }

    #[test]
    fn credential_values_outside_what_sts_issues_are_refused() {
        let secret = "fakeSamlSecret/with+plus=";
        assert!(SAML_OK.contains(secret));
        // (element text in SAML_OK, replacement, field named in the error)
        let cases = [
            ("ASIAEXAMPLESAML00001", "ASIA$(touch x)", "AccessKeyId"),
            ("ASIAEXAMPLESAML00001", "ASIA-EXAMPLE", "AccessKeyId"),
            ("ASIAEXAMPLESAML00001", &"A".repeat(129), "AccessKeyId"),
            (secret, "fake'Secret", "SecretAccessKey"),
            (secret, "fake;Secret", "SecretAccessKey"),
            (secret, "fake\"Secret", "SecretAccessKey"),
            (secret, "fakeSecret&#10;[evil]", "SecretAccessKey"),
            (secret, "fakeSecret&#x1b;[2J", "SecretAccessKey"),
            (secret, "fake Secret", "SecretAccessKey"),
            (secret, "fakeSécret", "SecretAccessKey"),
            (secret, "fakeSecret\u{202e}", "SecretAccessKey"),
            (secret, "fakeSecret&#x85;x", "SecretAccessKey"),
            (
                "2024-05-01T13:00:00Z",
                "2024-05-01T13:00&#10;:00Z",
                "Expiration",
            ),
            ("2024-05-01T13:00:00Z", "tomorrow", "Expiration"),
        ];
        for (from, to, field) in cases {
            let body = SAML_OK.replace(from, to);
            assert!(body.contains(to), "{from}");
            let m = runtime_msg(parse_credentials(200, body.as_bytes()));
            assert!(m.contains(field), "{to}: {m}");
            for part in ["touch", "fake", "evil", "tomorrow", "EXAMPLE", "AAAA"] {
                if to.contains(part) {
                    assert!(!m.contains(part), "{m} quotes the value");
                }
            }
            assert!(!m.contains('\n') && !m.contains('\u{1b}'), "{m:?}");
        }
        // Session tokens with base64 and URL-safe base64 characters, and JWT dots, pass.
        let tok = SAML_OK.replace(secret, "a-b_c.d+e/f==");
        assert_eq!(
            parse_credentials(200, tok.as_bytes())
                .unwrap()
                .secret_access_key,
            "a-b_c.d+e/f=="
        );
    }

    #[test]
    fn expiration_normalisation() {
        let cases = [
            ("2024-05-01T13:00:00Z", "2024-05-01T13:00:00Z"),
            ("2024-05-01T13:00:00.999Z", "2024-05-01T13:00:00Z"),
            ("2024-05-01T15:00:00+02:00", "2024-05-01T13:00:00Z"),
            ("2024-05-01T08:30:00.5-04:30", "2024-05-01T13:00:00Z"),
            ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"),
            ("2024-05-01T13:00:00", "2024-05-01T13:00:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_expiration(input).unwrap(), want, "{input}");
        }
        for bad in ["", "tomorrow", "1714568400", "2024-13-01T00:00:00Z"] {
            assert!(normalize_expiration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn offset_expiration_inside_a_reply() {
        let body = SAML_OK.replace("2024-05-01T13:00:00Z", "2024-05-01T14:00:00.25+01:00");
        let c = parse_credentials(200, body.as_bytes()).unwrap();
        assert_eq!(c.expiration, "2024-05-01T13:00:00Z");
    }

    #[test]
    fn partitions_from_arns() {
        let p = |a: &str| partition_of(a).unwrap();
        assert_eq!(p("arn:aws:iam::123456789012:role/A"), Partition::Aws);
        assert_eq!(p("arn:aws-cn:iam::123456789012:role/A"), Partition::AwsCn);
        assert_eq!(
            p("arn:aws-us-gov:iam::123456789012:role/A"),
            Partition::AwsUsGov
        );
        assert_eq!(
            p("arn:aws-iso-b:iam::123456789012:role/A"),
            Partition::AwsIsoB
        );
        assert!(matches!(partition_of("role/A"), Err(Error::Config(_))));
        assert!(matches!(
            partition_of("arn:aws-mars:iam::1:role/A"),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn regions_name_their_partition_and_regional_endpoint() {
        assert_eq!(Partition::of_region("eu-west-1"), Partition::Aws);
        assert_eq!(Partition::of_region("cn-northwest-1"), Partition::AwsCn);
        assert_eq!(Partition::of_region("us-gov-east-1"), Partition::AwsUsGov);
        assert_eq!(Partition::of_region("us-iso-east-1"), Partition::AwsIso);
        assert_eq!(Partition::of_region("us-isob-east-1"), Partition::AwsIsoB);
        assert_eq!(
            regional_endpoint(" cn-north-1 ").unwrap(),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            regional_endpoint("us-gov-west-1").unwrap(),
            "https://sts.us-gov-west-1.amazonaws.com/"
        );
        assert!(matches!(
            regional_endpoint("EU WEST"),
            Err(Error::Config(_))
        ));
        let mut urls = EndpointUrls::default();
        assert_eq!(overridden_endpoint(&urls).unwrap(), None);
        urls.all = Some("http://127.0.0.1:5000".into());
        assert_eq!(
            overridden_endpoint(&urls).unwrap().as_deref(),
            Some("http://127.0.0.1:5000/")
        );
        urls.sts = Some("ftp://x".into());
        assert!(matches!(overridden_endpoint(&urls), Err(Error::Config(_))));
    }

    #[test]
    fn endpoints() {
        let none = EndpointUrls::default();
        let aws = "arn:aws:iam::123456789012:role/A";
        let cn = "arn:aws-cn:iam::123456789012:role/A";
        let gov = "arn:aws-us-gov:iam::123456789012:role/A";
        let ep = |env: &EndpointUrls, arn: &str, region: Option<&str>| {
            endpoint(env, arn, region).unwrap()
        };
        assert_eq!(ep(&none, aws, None), "https://sts.amazonaws.com/");
        assert_eq!(ep(&none, aws, Some("")), "https://sts.amazonaws.com/");
        assert_eq!(
            ep(&none, aws, Some("eu-west-1")),
            "https://sts.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            ep(&none, cn, None),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            ep(&none, cn, Some("cn-northwest-1")),
            "https://sts.cn-northwest-1.amazonaws.com.cn/"
        );
        assert_eq!(
            ep(&none, gov, None),
            "https://sts.us-gov-west-1.amazonaws.com/"
        );
        assert_eq!(
            ep(&none, gov, Some("us-gov-east-1")),
            "https://sts.us-gov-east-1.amazonaws.com/"
        );
        // Region of another partition, malformed region.
        assert!(matches!(
            endpoint(&none, cn, Some("us-east-1")),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            endpoint(&none, aws, Some("cn-north-1")),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            endpoint(&none, aws, Some("us-east-1/../x")),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn endpoint_overrides() {
        let aws = "arn:aws:iam::123456789012:role/A";
        let both = env(&[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566"),
        ]);
        assert_eq!(
            endpoint(&both, aws, Some("eu-west-1")).unwrap(),
            "http://127.0.0.1:4566/"
        );
        let general = env(&[
            ("AWS_ENDPOINT_URL", "https://localhost:9000/sts"),
            ("AWS_ENDPOINT_URL_STS", " "),
        ]);
        assert_eq!(
            endpoint(&general, aws, None).unwrap(),
            "https://localhost:9000/sts"
        );
        // The override does not need a valid role ARN partition (tests use any ARN).
        assert_eq!(
            endpoint(&both, "not-an-arn", None).unwrap(),
            "http://127.0.0.1:4566/"
        );
        let bad = env(&[("AWS_ENDPOINT_URL_STS", "ftp://x")]);
        let err = endpoint(&bad, aws, None).unwrap_err();
        assert!(err.to_string().contains("AWS_ENDPOINT_URL_STS"), "{err}");
    }

    #[test]
    fn form_bodies_are_sorted_and_complete() {
        let f = assume_role_with_saml_form(
            "arn:aws:iam::1:saml-provider/Okta",
            "arn:aws:iam::1:role/A",
            "PHNhbWw+",
            3600,
        );
        let keys: Vec<_> = f.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "Action",
                "DurationSeconds",
                "PrincipalArn",
                "RoleArn",
                "SAMLAssertion",
                "Version"
            ]
        );
        assert!(f.contains(&("Action", "AssumeRoleWithSAML".into())));
        assert!(f.contains(&("DurationSeconds", "3600".into())));
        assert!(f.contains(&("SAMLAssertion", "PHNhbWw+".into())));
        assert!(f.contains(&("Version", "2011-06-15".into())));

        let w = assume_role_with_web_identity_form(
            "arn:aws:iam::1:role/A",
            "okta-aws-cli",
            "eyJ.tok",
            900,
        );
        let keys: Vec<_> = w.iter().map(|(k, _)| *k).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(w.contains(&("Action", "AssumeRoleWithWebIdentity".into())));
        assert!(w.contains(&("RoleSessionName", "okta-aws-cli".into())));
        assert!(w.contains(&("WebIdentityToken", "eyJ.tok".into())));
        assert!(w.contains(&("DurationSeconds", "900".into())));
    }
}
