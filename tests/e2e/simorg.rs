//! m2m end to end: the simulated org's own checks (self-tests of the harness, driving it
//! with the library's jwt/okta modules over HTTPS), then the binary's `m2m` command.

use crate::support;

use okta_aws_cli::commands::m2m;
use okta_aws_cli::okta::client_assertion::{self, AssertionInput};
use okta_aws_cli::okta::oauth as okta;
use okta_aws_cli::okta::private_key::{self, PrivateKey};
use serde_json::{Value, json};
use support::{SimOrg, gen_key, header};

const CLIENT_ID: &str = "0oaSIMtestclient01";
const KID: &str = "sim-kid-0001";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn assertion(key: &PrivateKey, audience: &str, iat: u64, jti: &str) -> String {
    client_assertion::client_assertion(
        key,
        &AssertionInput {
            key_id: KID,
            client_id: CLIENT_ID,
            audience,
            now: iat,
            jti,
        },
        &ring::rand::SystemRandom::new(),
    )
    .expect("sign")
}

/// POST a prepared token request; returns (status, JSON body).
fn post(agent: &ureq::Agent, req: &okta_aws_cli::http::Request, url: &str) -> (u16, Value) {
    let mut builder = agent.post(url);
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    let mut resp = builder.send(req.body()).expect("HTTPS request to simorg");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn m2m_scenario(public_path: &std::path::Path) -> Value {
    json!({
        "m2m": {
            "client_id": CLIENT_ID,
            "kid": KID,
            "public_key_file": support::host_path(public_path),
            "allowed_scopes": ["okta-m2m-access"]
        },
        "sts": {}
    })
}

#[test]
fn simorg_accepts_our_assertion_and_rejects_bad_ones() {
    let Some(key_files) = gen_key("rsa") else {
        return;
    };
    let Some(other_files) = gen_key("rsa") else {
        return;
    };
    let Some(org) = SimOrg::start(m2m_scenario(&key_files.public_path)) else {
        return;
    };
    let agent = support::https_agent(&org);
    let key = private_key::load_private_key(&key_files.pkcs8, None).expect("test key");
    let wrong = private_key::load_private_key(&other_files.traditional, None).expect("other key");
    let endpoint = okta::token_endpoint(&org.base_url(), "default");
    let t = now();
    let send = |assertion: &str| {
        let req =
            okta::m2m_token_request(&org.base_url(), "default", assertion, "", "okta-aws-cli");
        post(&agent, &req, &req.url)
    };

    // 1. A good assertion from the library is accepted by PyJWT-backed checks.
    let (status, body) = send(&assertion(
        &key,
        &endpoint,
        t,
        &m2m::new_jti().expect("jti"),
    ));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().is_some_and(|s| !s.is_empty()));

    // 2. Signed with the wrong key.
    let (status, body) = send(&assertion(
        &wrong,
        &endpoint,
        t,
        &m2m::new_jti().expect("jti"),
    ));
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "invalid_client");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("signature")),
        "{body}"
    );

    // 3. A reused jti.
    let jti = m2m::new_jti().expect("jti");
    assert_eq!(send(&assertion(&key, &endpoint, t, &jti)).0, 200);
    let (status, body) = send(&assertion(&key, &endpoint, t, &jti));
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("already been used"))
    );

    // 4. An audience that is not the endpoint invoked (org authorization server URL).
    let wrong_aud = format!("{}/oauth2/v1/token", org.base_url());
    let (status, body) = send(&assertion(
        &key,
        &wrong_aud,
        t,
        &m2m::new_jti().expect("jti"),
    ));
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("audience"))
    );

    // 5. Issued in the future (our clock 10 minutes fast).
    let (status, body) = send(&assertion(
        &key,
        &endpoint,
        t + 600,
        &m2m::new_jti().expect("jti"),
    ));
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("future")),
        "{body}"
    );

    // 6. Expired (our clock 10 minutes slow).
    let (status, body) = send(&assertion(
        &key,
        &endpoint,
        t - 600,
        &m2m::new_jti().expect("jti"),
    ));
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("expired")),
        "{body}"
    );

    // 7. The assertion in the query string is refused, the form body still checked.
    let good = assertion(&key, &endpoint, t, &m2m::new_jti().expect("jti"));
    let req = okta::m2m_token_request(&org.base_url(), "default", &good, "", "okta-aws-cli");
    let (status, _) = post(&agent, &req, &format!("{}?client_assertion=x", req.url));
    assert_eq!(status, 400);

    // 8. A scope the app may not use.
    let good = assertion(&key, &endpoint, t, &m2m::new_jti().expect("jti"));
    let req = okta::m2m_token_request(&org.base_url(), "default", &good, "admin", "okta-aws-cli");
    let (status, body) = post(&agent, &req, &req.url);
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_scope");

    // Every request was recorded with its verdict.
    let recorded = org.requests_to("m2m-token");
    assert_eq!(recorded.len(), 9);
    assert_eq!(recorded[0]["verdict"], "ok");
    assert_eq!(recorded[0]["query"], "");
    assert_eq!(
        header(&recorded[0], "x-okta-aws-cli-operation"),
        Some("m2m")
    );
    assert_eq!(recorded[0]["form"]["grant_type"], "client_credentials");
    assert!(
        recorded[1]["verdict"]
            .as_str()
            .is_some_and(|v| v.starts_with("invalid_client"))
    );
}

#[test]
fn simorg_verifies_es256_and_serves_forced_error_shapes() {
    let Some(key_files) = gen_key("ec") else {
        return;
    };
    let mut scenario = m2m_scenario(&key_files.public_path);
    scenario["m2m"]["replies"] = json!([
        {"shape": "oauth", "status": 401, "error": "invalid_client", "error_description": "The client_assertion token has an expiration too far into the future."},
        {"shape": "okta", "status": 403, "errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"},
        {"shape": "html", "status": 502},
        {"shape": "www-authenticate", "status": 401, "error": "invalid_token", "error_description": "The access token is invalid."},
        {"shape": "ok"}
    ]);
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let agent = support::https_agent(&org);
    let key = private_key::load_private_key(&key_files.traditional, None).expect("sec1 key");
    assert_eq!(key.algorithm(), private_key::Algorithm::Es256);
    let endpoint = okta::token_endpoint(&org.base_url(), "default");
    let mut messages = Vec::new();
    for _ in 0..5 {
        let a = assertion(&key, &endpoint, now(), &m2m::new_jti().expect("jti"));
        let req = okta::m2m_token_request(&org.base_url(), "default", &a, "", "okta-aws-cli");
        let mut builder = agent.post(&req.url);
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        let mut resp = builder.send(req.body()).expect("request");
        let reply = okta_aws_cli::http::Response {
            status: resp.status().as_u16(),
            reason: resp
                .status()
                .canonical_reason()
                .unwrap_or_default()
                .to_string(),
            headers: resp
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                .collect(),
            body: resp.body_mut().read_to_vec().expect("body"),
        };
        messages.push(okta::m2m_token_reply(&reply, now() as i64).map_err(|e| e.to_string()));
    }
    let err = |i: usize| messages[i].as_ref().expect_err("error").clone();
    assert!(
        err(0).contains("invalid_client: The client_assertion token has an expiration too far")
    );
    assert!(err(0).contains("NTP"), "{}", err(0));
    assert!(err(1).contains("You do not have permission") && err(1).contains("E0000006"));
    assert!(err(2).contains("502 Bad Gateway"), "{}", err(2));
    assert!(
        err(3).contains("invalid_token: The access token is invalid."),
        "{}",
        err(3)
    );
    let token = messages[4].as_ref().expect("the fifth reply is a token");
    assert!(
        token.access_token.starts_with("simorg-at-"),
        "{}",
        token.access_token
    );
    assert_eq!(token.token_type, "Bearer");
    // The forced errors were served to valid requests.
    let verdicts: Vec<Value> = org
        .requests_to("m2m-token")
        .iter()
        .map(|r| r["verdict"].clone())
        .collect();
    assert_eq!(verdicts[0], "ok (forced error)");
    assert_eq!(verdicts[4], "ok");
}

#[test]
fn simorg_sts_stand_in_answers_query_api() {
    let Some(key_files) = gen_key("rsa") else {
        return;
    };
    let mut scenario = m2m_scenario(&key_files.public_path);
    scenario["sts"] = json!({
        "credentials": {"AccessKeyId": "ASIASIMTEST0001", "Expiration": "2030-05-01T13:00:00Z"},
        "replies": [{"shape": "ok"}, {"shape": "error", "status": 403, "code": "AccessDenied", "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"}]
    });
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let agent = support::https_agent(&org);
    let key = private_key::load_private_key(&key_files.pkcs8, None).expect("key");
    let endpoint = okta::token_endpoint(&org.base_url(), "default");
    let a = assertion(&key, &endpoint, now(), &m2m::new_jti().expect("jti"));
    let req = okta::m2m_token_request(&org.base_url(), "default", &a, "", "okta-aws-cli");
    let (status, body) = post(&agent, &req, &req.url);
    assert_eq!(status, 200);
    let token = body["access_token"].as_str().expect("token").to_string();

    let sts = |token: &str| {
        let form = okta_aws_cli::http::form_encode(&[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("DurationSeconds", "3600"),
            ("RoleArn", "arn:aws:iam::123456789012:role/SimRole"),
            ("RoleSessionName", "okta-aws-cli"),
            ("Version", "2011-06-15"),
            ("WebIdentityToken", token),
        ]);
        let mut resp = agent
            .post(org.sts_url())
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .send(form)
            .expect("sts request");
        (
            resp.status().as_u16(),
            resp.body_mut().read_to_string().expect("body"),
        )
    };
    let (status, xml) = sts("not-a-token-we-issued");
    assert_eq!(status, 400);
    assert!(xml.contains("<Code>InvalidIdentityToken</Code>"), "{xml}");
    let (status, xml) = sts(&token);
    assert_eq!(status, 200, "{xml}");
    assert!(
        xml.contains("<AccessKeyId>ASIASIMTEST0001</AccessKeyId>"),
        "{xml}"
    );
    assert!(
        xml.contains("<Expiration>2030-05-01T13:00:00Z</Expiration>"),
        "{xml}"
    );
    let (status, xml) = sts(&token);
    assert_eq!(status, 403);
    assert!(xml.contains("<Code>AccessDenied</Code>"), "{xml}");
}
