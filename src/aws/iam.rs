//! PURE: IAM `ListAccountAliases` (only `--all-profiles`, docs/decisions.md#k-aws-requests): the
//! endpoint per partition, the SigV4-signed request, and the XML reply.
//!
//! IAM Query API (AWS "IAM API Reference", ListAccountAliases; "AWS Identity and Access
//! Management endpoints and quotas"): `POST /` with the form body
//! `Action=ListAccountAliases&Version=2010-05-08`, signed with SigV4 for service `iam` using
//! the temporary credentials just obtained (session token included). IAM is global per
//! partition, so the endpoint and signing region follow from the partition alone.

use std::borrow::Cow;

use quick_xml::events::Event;
use time::OffsetDateTime;

use crate::aws::sigv4;
use crate::aws::sts::{self, CONTENT_TYPE, Credentials, Partition};
use crate::config::EndpointUrls;
use crate::error::{Error, Result};
use crate::http::Request;
use crate::url::{Url, UrlError};

/// The form of the request, sent as `Action=ListAccountAliases&Version=2010-05-08`.
pub const LIST_ACCOUNT_ALIASES_FORM: [(&str, &str); 2] =
    [("Action", "ListAccountAliases"), ("Version", "2010-05-08")];
/// SigV4 service name.
pub const SERVICE: &str = "iam";

/// Endpoint environment variables, most specific first (AWS SDKs "Service-specific
/// endpoints"): the first one set and non-empty wins over the partition's endpoint.
pub const ENDPOINT_ENV_VARS: [&str; 2] = ["AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL"];

/// The global IAM endpoint of a partition: (host, signing region). AWS General Reference,
/// "AWS Identity and Access Management endpoints and quotas" and the SDKs' endpoint rules.
pub fn global_endpoint(partition: Partition) -> (&'static str, &'static str) {
    match partition {
        Partition::Aws => ("iam.amazonaws.com", "us-east-1"),
        Partition::AwsUsGov => ("iam.us-gov.amazonaws.com", "us-gov-west-1"),
        Partition::AwsCn => ("iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        Partition::AwsIso => ("iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
        Partition::AwsIsoB => ("iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
    }
}

/// Where to send `ListAccountAliases` and how to sign it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Full URL to POST to, e.g. `https://iam.amazonaws.com/` or, overridden,
    /// `http://127.0.0.1:5000/`.
    pub url: String,
    /// `Host` header value: the URL's authority, lower-case, without the scheme's default
    /// port (what the HTTP client must send, as it is signed).
    pub host: String,
    /// Request path as sent: `/`, or the path of an overriding URL.
    pub path: String,
    /// SigV4 signing region: the partition's (`us-east-1` for `aws`), also when overridden.
    pub signing_region: String,
    /// The environment variable that overrode the endpoint, if any.
    pub overridden_by: Option<&'static str>,
}

/// The IAM endpoint for the partition of `arn` (the role ARN whose credentials sign the
/// call), see [`endpoint`]. Errors: [`Error::Config`] when `arn` is not an ARN of a known
/// partition (from [`sts::partition_of`]), and those of [`endpoint`].
pub fn endpoint_for_arn(arn: &str, endpoints: &EndpointUrls) -> Result<Endpoint> {
    endpoint(sts::partition_of(arn)?, endpoints)
}

/// The IAM endpoint for `partition`, overridden by `AWS_ENDPOINT_URL_IAM`, then
/// `AWS_ENDPOINT_URL` of `endpoints` (the first one set; an `http://` or
/// `https://` URL, optionally with a path; no query or fragment). The signing region is
/// always the partition's, also with an override.
///
/// Errors: an override that is not such a URL ([`Error::Config`] naming the variable).
pub fn endpoint(partition: Partition, endpoints: &EndpointUrls) -> Result<Endpoint> {
    let (host, region) = global_endpoint(partition);
    for var in ENDPOINT_ENV_VARS {
        if let Some(value) = endpoints.get(var) {
            let (url, host, path) = parse_endpoint_url(var, value)?;
            return Ok(Endpoint {
                url,
                host,
                path,
                signing_region: region.to_string(),
                overridden_by: Some(var),
            });
        }
    }
    Ok(Endpoint {
        url: format!("https://{host}/"),
        host: host.to_string(),
        path: "/".to_string(),
        signing_region: region.to_string(),
        overridden_by: None,
    })
}

/// `(url, host header, path)` of an endpoint override, read as a [`Url`]: the URL with its
/// scheme and host in lower case and `/` as the path when it has none, the authority
/// without the scheme's default port, and the path.
fn parse_endpoint_url(var: &str, value: &str) -> Result<(String, String, String)> {
    let bad = |why: &str| Error::config(format!("{var}: {value:?} {why}"));
    let url = match Url::parse(value) {
        Ok(url) => url,
        Err(UrlError::NoScheme | UrlError::UnsupportedScheme | UrlError::NoAuthority) => {
            return Err(bad("is not an http:// or https:// URL"));
        }
        Err(UrlError::NoHost) => return Err(bad("has no host")),
        Err(e) => return Err(bad(&e.to_string())),
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "has a query or fragment; give scheme, host, port and path only",
        ));
    }
    let path = url.path();
    if path
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(bad("has whitespace in its path"));
    }
    let written = match url.explicit_port() {
        Some(port) => format!("{}:{port}", url.host()),
        None => url.host().to_string(),
    };
    Ok((
        format!("{}://{written}{path}", url.scheme()),
        url.authority(),
        path.to_string(),
    ))
}

/// The signed `ListAccountAliases` request for `endpoint`, signed with the temporary
/// `credentials` (session token sent and signed as `X-Amz-Security-Token`) at `time`. Its
/// headers, in order: `Host`, `Content-Type`, `X-Amz-Date`, `X-Amz-Security-Token`,
/// `Authorization`; the agent may add unsigned ones (`Content-Length`, `User-Agent`) but
/// must not change these.
///
/// Errors: those of [`sigv4::sign_request`] (e.g. empty credentials).
pub fn list_account_aliases_request(
    endpoint: &Endpoint,
    credentials: &Credentials,
    time: OffsetDateTime,
) -> Result<Request> {
    let mut request = Request::form(
        &endpoint.url,
        &[("Host", &endpoint.host), ("Content-Type", CONTENT_TYPE)],
        &LIST_ACCOUNT_ALIASES_FORM,
    );
    let params = sigv4::Params {
        credentials: sigv4::SigningCredentials::from(credentials),
        region: &endpoint.signing_region,
        service: SERVICE,
        time,
        add_content_sha256: false,
    };
    sigv4::sign_request(&mut request, &params)?;
    Ok(request)
}

/// The first account alias from a `ListAccountAliases` reply (HTTP `status` and raw `body`)
/// (`ListAccountAliasesResponse/ListAccountAliasesResult/AccountAliases/member`), or
/// `Ok(None)` when the account has none.
///
/// Errors: an `<ErrorResponse>` (whatever the status) → `iam: <Code>: <Message>`; any other
/// non-2xx status → `iam: HTTP <status>`; a 2xx body that is not the expected XML.
pub fn parse_list_account_aliases(status: u16, body: &[u8]) -> Result<Option<String>> {
    let body = String::from_utf8_lossy(body);
    let elements = collect_texts(&body);
    if let Ok(found) = &elements
        && let Some(code) = text_at(found, &["Error", "Code"])
    {
        let message = text_at(found, &["Error", "Message"]).unwrap_or_default();
        let message = one_line(&message);
        return Err(Error::runtime(if message.is_empty() {
            format!("iam: {}", one_line(&code))
        } else {
            format!("iam: {}: {message}", one_line(&code))
        }));
    }
    if !(200..300).contains(&status) {
        return Err(Error::runtime(format!("iam: HTTP {status}")));
    }
    let found = elements.map_err(|e| {
        Error::runtime(format!(
            "iam: cannot parse the ListAccountAliases reply: {e}"
        ))
    })?;
    let Some((root, _)) = found.first() else {
        return Err(Error::runtime("iam: the ListAccountAliases reply is empty"));
    };
    if root.first().map(String::as_str) != Some("ListAccountAliasesResponse") {
        return Err(Error::runtime(format!(
            "iam: unexpected reply <{}> instead of <ListAccountAliasesResponse>",
            root.first().map(String::as_str).unwrap_or("")
        )));
    }
    let alias = found
        .iter()
        .find(|(path, _)| {
            path.ends_with(&[
                "ListAccountAliasesResult".to_string(),
                "AccountAliases".to_string(),
                "member".to_string(),
            ])
        })
        .map(|(_, text)| text.trim().to_string())
        .filter(|a| !a.is_empty());
    Ok(alias)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text of the first element whose path ends with `suffix`.
fn text_at(found: &[(Vec<String>, String)], suffix: &[&str]) -> Option<String> {
    found
        .iter()
        .find(|(path, _)| {
            path.len() >= suffix.len()
                && path[path.len() - suffix.len()..]
                    .iter()
                    .zip(suffix)
                    .all(|(a, b)| a == b)
        })
        .map(|(_, t)| t.clone())
}

/// Every element of an XML document in document order: (path of local names from the root,
/// its direct text content with entities resolved).
fn collect_texts(xml: &str) -> std::result::Result<Vec<(Vec<String>, String)>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<(Vec<String>, usize)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<(Vec<String>, String)> = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                path.push(name);
                out.push((path.clone(), String::new()));
                stack.push((path.clone(), out.len() - 1));
            }
            Event::Empty(e) => {
                let mut p = path.clone();
                p.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                out.push((p, String::new()));
            }
            Event::End(_) => {
                stack.pop();
                path.pop();
            }
            Event::Text(t) => {
                if let Some(&(_, i)) = stack.last() {
                    let text = t.decode().map_err(|e| e.to_string())?;
                    out[i].1.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(&(_, i)) = stack.last() {
                    let text = t.decode().map_err(|e| e.to_string())?;
                    out[i].1.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&(_, i)) = stack.last() {
                    let resolved: Cow<'_, str> = match r.resolve_char_ref() {
                        Ok(Some(c)) => Cow::Owned(c.to_string()),
                        _ => {
                            let name = r.decode().map_err(|e| e.to_string())?;
                            match name.as_ref() {
                                "amp" => "&".into(),
                                "lt" => "<".into(),
                                "gt" => ">".into(),
                                "quot" => "\"".into(),
                                "apos" => "'".into(),
                                other => return Err(format!("unknown entity &{other};")),
                            }
                        }
                    };
                    out[i].1.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err(format!("unclosed element <{}>", path.join("/")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EndpointUrls {
        EndpointUrls::from_pairs(pairs)
    }

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIAHARNESSTEMP00001".into(),
            secret_access_key: "hArNeSs/sEcReT+kEy/0123456789abcdefABCDEF".into(),
            session_token: "SESSION-TOKEN-VALUE".into(),
            expiration: "2026-11-29T01:00:00Z".into(),
        }
    }

    #[test]
    fn endpoint_per_partition_from_the_role_arn() {
        let none = EndpointUrls::default();
        let cases = [
            (
                "arn:aws:iam::123456789012:role/Admin",
                "https://iam.amazonaws.com/",
                "iam.amazonaws.com",
                "us-east-1",
            ),
            (
                "arn:aws-us-gov:iam::123456789012:role/team/Admin",
                "https://iam.us-gov.amazonaws.com/",
                "iam.us-gov.amazonaws.com",
                "us-gov-west-1",
            ),
            (
                "arn:aws-cn:iam::123456789012:role/Admin",
                "https://iam.cn-north-1.amazonaws.com.cn/",
                "iam.cn-north-1.amazonaws.com.cn",
                "cn-north-1",
            ),
            (
                "arn:aws-iso:iam::123456789012:role/Admin",
                "https://iam.us-iso-east-1.c2s.ic.gov/",
                "iam.us-iso-east-1.c2s.ic.gov",
                "us-iso-east-1",
            ),
        ];
        for (arn, url, host, region) in cases {
            let e = endpoint_for_arn(arn, &none).unwrap();
            assert_eq!(e.url, url, "{arn}");
            assert_eq!(e.host, host, "{arn}");
            assert_eq!(e.path, "/");
            assert_eq!(e.signing_region, region, "{arn}");
            assert_eq!(e.overridden_by, None);
        }
        for bad in ["", "role/Admin", "arn:aws-mars:iam::1:role/x"] {
            let err = endpoint_for_arn(bad, &none).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn endpoint_overrides_from_env() {
        let both = env(&[
            ("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:6000"),
        ]);
        let e = endpoint(Partition::Aws, &both).unwrap();
        assert_eq!(e.url, "http://127.0.0.1:5000/");
        assert_eq!(e.host, "127.0.0.1:5000");
        assert_eq!(e.signing_region, "us-east-1");
        assert_eq!(e.overridden_by, Some("AWS_ENDPOINT_URL_IAM"));

        let general = env(&[
            ("AWS_ENDPOINT_URL_IAM", "  "),
            ("AWS_ENDPOINT_URL", "https://LocalHost:443/base/"),
        ]);
        let e = endpoint(Partition::AwsCn, &general).unwrap();
        assert_eq!(e.url, "https://localhost:443/base/");
        assert_eq!(e.host, "localhost");
        assert_eq!(e.path, "/base/");
        assert_eq!(e.signing_region, "cn-north-1");
        assert_eq!(e.overridden_by, Some("AWS_ENDPOINT_URL"));

        for bad in [
            "ftp://x",
            "127.0.0.1:5000",
            "http://",
            "http://h/?a=b",
            "http://u@h/",
        ] {
            let err = endpoint(Partition::Aws, &env(&[("AWS_ENDPOINT_URL_IAM", bad)])).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(
                err.to_string().starts_with("AWS_ENDPOINT_URL_IAM: "),
                "{err}"
            );
        }
    }

    #[test]
    fn request_is_signed_post_with_session_token() {
        let e = endpoint(Partition::Aws, &EndpointUrls::default()).unwrap();
        let t = sigv4::time_from_unix(1_795_910_400).unwrap(); // 2026-11-29T00:00:00Z
        let r = list_account_aliases_request(&e, &creds(), t).unwrap();
        assert_eq!(r.method.as_str(), "POST");
        assert_eq!(r.url, "https://iam.amazonaws.com/");
        assert_eq!(r.body(), "Action=ListAccountAliases&Version=2010-05-08");
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Host",
                "Content-Type",
                "X-Amz-Date",
                "X-Amz-Security-Token",
                "Authorization"
            ]
        );
        let get = |n: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("Host"), Some("iam.amazonaws.com"));
        assert_eq!(get("Content-Type"), Some(CONTENT_TYPE));
        assert_eq!(get("X-Amz-Date"), Some("20261129T000000Z"));
        assert_eq!(get("X-Amz-Security-Token"), Some("SESSION-TOKEN-VALUE"));
        let authz = get("Authorization").unwrap();
        assert!(
            authz.starts_with(
                "AWS4-HMAC-SHA256 Credential=ASIAHARNESSTEMP00001/20261129/us-east-1/iam/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
            ),
            "{authz}"
        );
        assert_eq!(r.header_pairs()[0], ("Host", "iam.amazonaws.com"));
        assert_eq!(r.header_pairs().len(), r.headers.len());
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("SESSION-TOKEN-VALUE"), "{dbg}");
    }

    #[test]
    fn request_matches_the_botocore_vector() {
        // fixed-iam-ListAccountAliases-post-session of botocore-generated-vectors.json: the same
        // request made by botocore; our builder must produce its exact Authorization.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sigv4/botocore-generated-vectors.json"
        );
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let v = doc["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "fixed-iam-ListAccountAliases-post-session")
            .unwrap();
        let c = &v["credentials"];
        let creds = Credentials {
            access_key_id: c["access_key_id"].as_str().unwrap().into(),
            secret_access_key: c["secret_access_key"].as_str().unwrap().into(),
            session_token: c["session_token"].as_str().unwrap().into(),
            expiration: "2026-11-29T01:00:00Z".into(),
        };
        let e = endpoint(Partition::Aws, &EndpointUrls::default()).unwrap();
        let t = sigv4::time_from_unix(1_795_910_400).unwrap();
        let r = list_account_aliases_request(&e, &creds, t).unwrap();
        let want: Vec<(String, String)> = v["expected"]["signed_request_headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect();
        assert_eq!(r.headers, want);
        assert_eq!(
            r.body().as_bytes(),
            v["request"]["body_utf8"].as_str().unwrap().as_bytes()
        );
    }

    #[test]
    fn overridden_endpoint_signs_its_host_and_path() {
        let e = endpoint(
            Partition::Aws,
            &env(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")]),
        )
        .unwrap();
        let t = sigv4::time_from_unix(0).unwrap();
        let r = list_account_aliases_request(&e, &creds(), t).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4566/");
        assert_eq!(
            r.headers[0],
            ("Host".to_string(), "127.0.0.1:4566".to_string())
        );
    }

    const REPLY: &str = r#"<ListAccountAliasesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListAccountAliasesResult>
    <IsTruncated>false</IsTruncated>
    <AccountAliases>
      <member>my-company&amp;co</member>
      <member>second</member>
    </AccountAliases>
  </ListAccountAliasesResult>
  <ResponseMetadata><RequestId>c5a076e9-f1b0-11df-8fbe-45274EXAMPLE</RequestId></ResponseMetadata>
</ListAccountAliasesResponse>"#;

    #[test]
    fn first_alias_is_used() {
        assert_eq!(
            parse_list_account_aliases(200, REPLY.as_bytes()).unwrap(),
            Some("my-company&co".to_string())
        );
        let prefixed = REPLY
            .replace("<member>", "<iam:member>")
            .replace("</member>", "</iam:member>");
        assert_eq!(
            parse_list_account_aliases(200, prefixed.as_bytes()).unwrap(),
            Some("my-company&co".to_string())
        );
    }

    #[test]
    fn no_alias_is_none() {
        let empty = r#"<ListAccountAliasesResponse><ListAccountAliasesResult>
            <IsTruncated>false</IsTruncated><AccountAliases/></ListAccountAliasesResult>
            </ListAccountAliasesResponse>"#;
        assert_eq!(
            parse_list_account_aliases(200, empty.as_bytes()).unwrap(),
            None
        );
        let open_close = empty.replace("<AccountAliases/>", "<AccountAliases></AccountAliases>");
        assert_eq!(
            parse_list_account_aliases(200, open_close.as_bytes()).unwrap(),
            None
        );
        let blank = empty.replace(
            "<AccountAliases/>",
            "<AccountAliases><member> </member></AccountAliases>",
        );
        assert_eq!(
            parse_list_account_aliases(200, blank.as_bytes()).unwrap(),
            None
        );
    }

    #[test]
    fn error_response_becomes_an_error() {
        let body = r#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
    <Message>User: arn:aws:sts::123456789012:assumed-role/R/s is not authorized
      to perform: iam:ListAccountAliases</Message></Error>
  <RequestId>4a79e6c5-0000</RequestId></ErrorResponse>"#;
        let err = parse_list_account_aliases(403, body.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "iam: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/R/s is not \
             authorized to perform: iam:ListAccountAliases"
        );
        assert_eq!(err.exit_code(), 1);
        // Even with a 200 status.
        assert!(parse_list_account_aliases(200, body.as_bytes()).is_err());
    }

    #[test]
    fn other_failures_are_clear() {
        assert_eq!(
            parse_list_account_aliases(500, "<html>oops</html>".as_bytes())
                .unwrap_err()
                .to_string(),
            "iam: HTTP 500"
        );
        assert_eq!(
            parse_list_account_aliases(503, "".as_bytes())
                .unwrap_err()
                .to_string(),
            "iam: HTTP 503"
        );
        let err = parse_list_account_aliases(200, "<ListAccountAliasesResponse><x>".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("iam: cannot parse the ListAccountAliases reply"),
            "{err}"
        );
        let err = parse_list_account_aliases(200, "<Other/>".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("<Other>"), "{err}");
        assert!(parse_list_account_aliases(200, "".as_bytes()).is_err());
        assert!(parse_list_account_aliases(200, "not xml at all".as_bytes()).is_err());
    }
}
