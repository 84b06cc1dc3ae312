//! STS calls of `okta_aws_cli::aws` against moto_server (started by scripts/test, which
//! exports OKTA_AWS_CLI_TEST_MOTO=http://127.0.0.1:PORT). Without that variable the tests
//! are skipped with a visible note, except under CI=true where they fail.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use okta_aws_cli::aws::client as aws;
use okta_aws_cli::aws::sts::Credentials;
use okta_aws_cli::config::{EndpointUrls, Env};
use okta_aws_cli::error::Error;
use okta_aws_cli::http::{Http, HttpOptions};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ROLE: &str = "arn:aws:iam::123456789012:role/OktaTestRole";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/OktaTestIdP";

/// The moto endpoint, or `None` (after printing why) when the test must be skipped.
fn moto(test: &str) -> Option<String> {
    match std::env::var("OKTA_AWS_CLI_TEST_MOTO") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!(
                    "{test}: OKTA_AWS_CLI_TEST_MOTO is not set under CI=true; run the suite \
                     with scripts/test, which starts moto_server and exports it"
                );
            }
            eprintln!(
                "skipped: {test}: OKTA_AWS_CLI_TEST_MOTO is not set (run scripts/test to start moto_server)"
            );
            None
        }
    }
}

fn env_for(moto: &str) -> Env {
    // Also proves the override order: the specific variable wins over the general one.
    [
        ("AWS_ENDPOINT_URL_STS".to_string(), moto.to_string()),
        (
            "AWS_ENDPOINT_URL".to_string(),
            "http://127.0.0.1:9".to_string(),
        ),
    ]
    .into_iter()
    .collect()
}

#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn http(env: &Env) -> (Http, SharedBuf) {
    let mut http = Http::new(HttpOptions {
        user_agent: String::new(),
        debug_api_calls: false,
        env: env.clone(),
    })
    .unwrap();
    let sink = SharedBuf::default();
    http.set_debug_sink(Box::new(sink.clone()));
    (http, sink)
}

/// Well-formed credentials expiring `duration` seconds from now (moto's clock).
fn check(creds: &Credentials, duration: i64) {
    assert!(creds.access_key_id.starts_with("ASIA"), "{creds:?}");
    assert!(creds.secret_access_key.len() >= 20, "{creds:?}");
    assert!(creds.session_token.len() >= 20, "{creds:?}");
    let exp = &creds.expiration;
    assert!(exp.len() == 20 && exp.ends_with('Z'), "{exp}");
    let at = OffsetDateTime::parse(exp, &Rfc3339).unwrap();
    let left = (at - OffsetDateTime::now_utc()).whole_seconds();
    assert!(
        (duration - 120..=duration + 5).contains(&left),
        "expiration {exp} is {left} s away, expected about {duration}"
    );
}

fn assert_dump_clean(sink: &SharedBuf, creds: &Credentials, secrets: &[&str]) {
    let dump = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(dump.contains("[DEBUG] API Response Details:"), "{dump}");
    assert!(
        dump.contains(&creds.access_key_id),
        "access key id is not secret: {dump}"
    );
    for secret in [
        creds.secret_access_key.as_str(),
        creds.session_token.as_str(),
    ]
    .iter()
    .chain(secrets)
    {
        assert!(!dump.contains(secret), "secret leaked in dump:\n{dump}");
    }
}

#[test]
fn web_identity_against_moto() {
    let Some(moto) = moto("web_identity_against_moto") else {
        return;
    };
    let env = env_for(&moto);
    let (http, sink) = http(&env);
    let token = "eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiIwb2F0ZXN0In0.SIGNATURE-WEB-IDENTITY";
    let creds = aws::assume_role_with_web_identity(
        &http,
        &EndpointUrls::from_env(&env),
        Some("eu-west-1"),
        ROLE,
        "okta-aws-cli",
        token,
        900,
    )
    .unwrap();
    check(&creds, 900);
    assert_dump_clean(&sink, &creds, &[token]);
}

fn saml_response() -> String {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" ID="id1" Version="2.0" IssueInstant="2024-05-01T12:00:00Z">
  <saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">http://www.okta.com/exkTEST</saml2:Issuer>
  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
  <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="id2" Version="2.0" IssueInstant="2024-05-01T12:00:00Z">
    <saml2:Issuer>http://www.okta.com/exkTEST</saml2:Issuer>
    <saml2:Subject><saml2:NameID>alice@example.com</saml2:NameID></saml2:Subject>
    <saml2:AttributeStatement>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml2:AttributeValue>{ROLE},{IDP}</saml2:AttributeValue>
      </saml2:Attribute>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml2:AttributeValue>alice@example.com</saml2:AttributeValue>
      </saml2:Attribute>
    </saml2:AttributeStatement>
  </saml2:Assertion>
</saml2p:Response>"#
    );
    base64::engine::general_purpose::STANDARD.encode(xml)
}

#[test]
fn saml_against_moto() {
    let Some(moto) = moto("saml_against_moto") else {
        return;
    };
    let env = env_for(&moto);
    let (http, sink) = http(&env);
    let assertion = saml_response();
    let creds = aws::assume_role_with_saml(
        &http,
        &EndpointUrls::from_env(&env),
        None,
        IDP,
        ROLE,
        &assertion,
        3600,
    )
    .unwrap();
    check(&creds, 3600);
    // Any long slice of the assertion must be absent from the dump.
    assert_dump_clean(&sink, &creds, &[&assertion[40..120]]);
}

#[test]
fn unreachable_sts_is_a_runtime_error() {
    // Needs no moto: a closed loopback port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let env: Env = [(
        "AWS_ENDPOINT_URL".to_string(),
        format!("http://127.0.0.1:{port}"),
    )]
    .into_iter()
    .collect();
    let (http, _) = http(&env);
    let err = aws::assume_role_with_web_identity(
        &http,
        &EndpointUrls::from_env(&env),
        None,
        ROLE,
        "s",
        "TOKEN-XYZ",
        900,
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::Runtime(format!(
            "cannot reach 127.0.0.1:{port}: connection refused, after 3 attempts"
        ))
    );
}
