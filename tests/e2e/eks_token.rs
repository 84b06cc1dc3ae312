//! Issue 21: `--format eks-token --eks-cluster-id NAME`, end to end with `m2m` against the
//! simulated org and its STS stand-in (`AWS_ENDPOINT_URL_STS`).
//!
//! stdout must be one `client.authentication.k8s.io/v1beta1` `ExecCredential`, read here
//! as kubectl's exec plugin reads it. Its token must decode to a presigned `GetCallerIdentity`
//! URL in the form aws-iam-authenticator accepts, and `tests/support/pycheck.py eks-token`
//! makes the same URL with botocore, as `aws eks get-token` does, from the credentials the
//! stand-in issued: the two must agree, signature included. The credential cache answers
//! later runs with no request; only the URL is signed again. Request counts come from the
//! sim org's log.

use crate::support;

use std::path::PathBuf;

use base64::Engine as _;
use serde_json::{Value, json};
use support::{SimOrg, run};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const CLUSTER: &str = "prod-eks";
const EKS: [&str; 4] = ["--format", "eks-token", "--eks-cluster-id", CLUSTER];

fn m2m_org() -> Option<SimOrg> {
    SimOrg::start(support::b15_scenario())
}

/// An m2m scenario whose STS credentials expire `secs` from now, and that moment.
fn m2m_org_expiring_in(secs: i64) -> Option<(SimOrg, OffsetDateTime)> {
    let mut scenario = support::b15_scenario();
    let at = (OffsetDateTime::now_utc() + time::Duration::seconds(secs))
        .replace_nanosecond(0)
        .expect("whole seconds");
    let text = at.format(&Rfc3339).expect("RFC 3339");
    scenario["sts"] = json!({"credentials": {"Expiration": text}});
    Some((SimOrg::start(scenario)?, at))
}

/// The `ExecCredential` on stdout, checked as kubectl's exec plugin checks it: one JSON
/// object of kind `ExecCredential`, the `apiVersion` of the kubeconfig, a token and an
/// RFC 3339 expiration. Returns (token, expiration).
fn exec_credential(stdout: &str) -> (String, OffsetDateTime) {
    assert!(
        stdout.ends_with("}\n") && stdout.matches('\n').count() == 1,
        "one line of JSON: {stdout:?}"
    );
    let doc: Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout:?}"));
    assert_eq!(doc["kind"], "ExecCredential", "{doc}");
    assert_eq!(
        doc["apiVersion"], "client.authentication.k8s.io/v1beta1",
        "{doc}"
    );
    assert_eq!(doc["spec"], json!({}), "{doc}");
    let status = doc["status"].as_object().expect("status");
    assert_eq!(status.len(), 2, "{doc}");
    let expires = status["expirationTimestamp"].as_str().expect("expiration");
    assert!(expires.ends_with('Z') && expires.len() == 20, "{expires}");
    let expires = OffsetDateTime::parse(expires, &Rfc3339).expect("RFC 3339");
    let token = status["token"].as_str().expect("token").to_string();
    (token, expires)
}

/// The presigned URL inside a token: `k8s-aws-v1.` and base64url without padding.
fn url_of(token: &str) -> String {
    let body = token
        .strip_prefix("k8s-aws-v1.")
        .expect("k8s-aws-v1. prefix");
    assert!(!body.contains('='), "no padding");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .expect("base64url");
    String::from_utf8(bytes).expect("UTF-8 URL")
}

/// The query parameters of `url`, percent-decoded, in order.
fn params(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').expect("a query").1;
    query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("name=value");
            let v = percent_decode(v);
            (k.to_string(), v)
        })
        .collect()
}

fn percent_decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// `YYYYMMDDTHHMMSSZ` as a time.
fn amz_date(v: &str) -> OffsetDateTime {
    assert_eq!(v.len(), 16, "{v}");
    let text = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &v[0..4],
        &v[4..6],
        &v[6..8],
        &v[9..11],
        &v[11..13],
        &v[13..15]
    );
    OffsetDateTime::parse(&text, &Rfc3339).unwrap_or_else(|e| panic!("X-Amz-Date {v}: {e}"))
}

fn param<'a>(list: &'a [(String, String)], name: &str) -> &'a str {
    list.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {list:?}"))
}

/// The credentials the STS stand-in issued, in order.
fn issued(org: &SimOrg) -> Vec<Value> {
    org.requests_to("sts")
        .into_iter()
        .filter(|r| r["status"] == 200)
        .map(|r| r["issued"].clone())
        .collect()
}

#[test]
fn m2m_prints_a_token_kubectl_and_the_authenticator_accept() {
    let Some(org) = m2m_org() else { return };
    let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let out = run(org.m2m_b15().args(EKS).args(["--aws-region", "eu-west-1"]));
    out.expect_code(0);
    let after = OffsetDateTime::now_utc();
    let (token, expires) = exec_credential(&out.stdout);
    assert!(token.len() <= 4096, "{}", token.len());

    let url = url_of(&token);
    // AWS_ENDPOINT_URL_STS (the stand-in) as given, path included.
    let (place, _) = url.split_once('?').unwrap();
    assert_eq!(place, org.sts_url());
    let list = params(&url);
    let names: Vec<&str> = list.iter().map(|(k, _)| k.as_str()).collect();
    // The authenticator's allowed parameters, each once.
    assert_eq!(
        names,
        [
            "Action",
            "Version",
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Expires",
            "X-Amz-Security-Token",
            "X-Amz-Signature"
        ]
    );
    assert_eq!(param(&list, "Action"), "GetCallerIdentity");
    assert_eq!(param(&list, "Version"), "2011-06-15");
    assert_eq!(param(&list, "X-Amz-Expires"), "60");
    assert_eq!(param(&list, "X-Amz-SignedHeaders"), "host;x-k8s-aws-id");
    let creds = issued(&org);
    assert_eq!(creds.len(), 1);
    let key = creds[0]["AccessKeyId"].as_str().unwrap();
    let credential = param(&list, "X-Amz-Credential");
    assert!(
        credential.starts_with(&format!("{key}/"))
            && credential.ends_with("/eu-west-1/sts/aws4_request"),
        "{credential}"
    );
    assert_eq!(
        param(&list, "X-Amz-Security-Token"),
        creds[0]["SessionToken"].as_str().unwrap()
    );
    // Signed now; valid for kubectl 14 minutes at most.
    let date = param(&list, "X-Amz-Date");
    let signed = amz_date(date);
    assert!(before <= signed && signed <= after, "{date}");
    assert_eq!(expires, signed + time::Duration::minutes(14));
    // Nothing but the token on stdout; the secrets never on stderr.
    let secret = creds[0]["SecretAccessKey"].as_str().unwrap();
    assert!(!out.stderr.contains(secret) && !out.stderr.contains(&token));
    assert_eq!(org.requests_to("m2m-token").len(), 1);
}

/// The test Python, provided botocore imports there; `None` (skipped with a note) when
/// either is missing, a failure under `CI=true`.
fn python_with_botocore() -> Option<PathBuf> {
    let py = support::python()?;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pycheck.py");
    let out = support::HostCommand::new(&py)
        .path_arg(&script)
        .arg("probe")
        .output();
    if out.status.success() {
        return Some(py);
    }
    support::missing(&format!(
        "{} (test Python {}); install awscli in the test venv (scripts/setup-test-env)",
        out.stderr.trim(),
        py.display()
    ))
}

#[test]
fn botocore_makes_the_same_signature_from_the_issued_credentials() {
    let Some(py) = python_with_botocore() else {
        return;
    };
    let Some(org) = m2m_org() else { return };
    let regional = run(org.m2m_b15().args(EKS).args(["--aws-region", "ap-south-1"]));
    regional.expect_code(0);
    // No region: signed for us-east-1, as the AWS CLI signs for the global endpoint.
    let global = run(org.m2m_b15().args(EKS).arg("--cache-aws-credentials=false"));
    global.expect_code(0);
    let creds = issued(&org);
    assert_eq!(creds.len(), 2, "one sign-in per run (different regions)");
    let tokens = [&regional, &global].map(|o| exec_credential(&o.stdout).0);
    assert!(url_of(&tokens[1]).contains("%2Fus-east-1%2Fsts%2F"));
    let check = |token: &str, creds: &Value, cluster: &str| json!({"token": token, "credentials": creds, "cluster_id": cluster});
    let checks = vec![
        check(&tokens[0], &creds[0], CLUSTER),
        check(&tokens[1], &creds[1], CLUSTER),
        // The comparison is live: another cluster id, or another secret, differs.
        check(&tokens[0], &creds[0], "another-cluster"),
        check(
            &tokens[1],
            &json!({
                "AccessKeyId": creds[1]["AccessKeyId"],
                "SecretAccessKey": "not-the-secret",
                "SessionToken": creds[1]["SessionToken"],
            }),
            CLUSTER,
        ),
    ];
    let doc = support::pycheck(&py, "eks-token", &json!({ "checks": checks }));
    let results = doc["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    for r in &results[..2] {
        assert_eq!(r["error"], Value::Null, "{r}");
        assert_eq!(r["match"], true, "{r}");
        assert_eq!(r["sent"], r["botocore"], "{r}");
    }
    for r in &results[2..] {
        assert_eq!(r["error"], Value::Null, "{r}");
        assert_eq!(r["match"], false, "{r}");
        assert_ne!(r["sent"], r["botocore"], "{r}");
    }
}

#[test]
fn a_cache_hit_makes_no_request_and_signs_the_url_anew() {
    let Some(org) = m2m_org() else { return };
    // A process-credentials run fills the cache: the entry does not depend on the format.
    run(org.m2m_b15().args(["--format", "process-credentials"])).expect_code(0);
    let requests = org.requests().len();
    assert_eq!(requests, 2, "one token request, one STS call");
    let first = run(org.m2m_b15().args(EKS));
    first.expect_code(0);
    assert_eq!(first.stderr, "", "a hit is silent");
    // A new X-Amz-Date second, so a new signature.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = run(org.m2m_b15().args(EKS));
    second.expect_code(0);
    assert_eq!(org.requests().len(), requests, "cache hits make no request");
    let (t1, e1) = exec_credential(&first.stdout);
    let (t2, e2) = exec_credential(&second.stdout);
    assert_ne!(t1, t2, "each run signs its own URL");
    assert!(e2 > e1, "{e1} {e2}");
    let (p1, p2) = (params(&url_of(&t1)), params(&url_of(&t2)));
    // The same cached credentials sign both.
    for name in ["X-Amz-Security-Token", "Action"] {
        assert_eq!(param(&p1, name), param(&p2, name));
    }
    assert_eq!(
        param(&p1, "X-Amz-Credential").split('/').next(),
        issued(&org)[0]["AccessKeyId"].as_str()
    );
    assert_ne!(param(&p1, "X-Amz-Date"), param(&p2, "X-Amz-Date"));
}

#[test]
fn a_missing_cluster_id_is_a_usage_error_before_any_request() {
    let Some(org) = m2m_org() else { return };
    let out = run(org.m2m_b15().args(["--format", "eks-token"]));
    out.expect_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("--eks-cluster-id")
            && out.stderr.contains("OKTA_AWSCLI_EKS_CLUSTER_ID"),
        "{}",
        out.stderr
    );
    // Given by its variable, it works.
    let ok = run(org
        .m2m_b15()
        .args(["--format", "eks-token"])
        .env("OKTA_AWSCLI_EKS_CLUSTER_ID", CLUSTER));
    ok.expect_code(0);
    exec_credential(&ok.stdout);
    assert_eq!(
        org.requests_to("m2m-token").len(),
        1,
        "only the second run signed in"
    );
    // A bad id names its source, exit 2.
    let bad = run(org
        .m2m_b15()
        .args(["--format", "eks-token", "--eks-cluster-id", "a b"]));
    bad.expect_code(2);
    assert!(bad.stderr.contains("--eks-cluster-id"), "{}", bad.stderr);
}

#[test]
fn the_token_never_outlives_the_credentials() {
    // Credentials that expire in 5 minutes: the token expires with them, not 14 minutes on.
    let Some((org, creds_expire)) = m2m_org_expiring_in(300) else {
        return;
    };
    let out = run(org.m2m_b15().args(EKS).arg("--cache-aws-credentials=false"));
    out.expect_code(0);
    let (_, expires) = exec_credential(&out.stdout);
    assert_eq!(expires, creds_expire);
    assert!(expires < OffsetDateTime::now_utc() + time::Duration::minutes(14));

    // Credentials good for 20 minutes: 14 minutes at most.
    let Some((org, _)) = m2m_org_expiring_in(20 * 60) else {
        return;
    };
    let started = OffsetDateTime::now_utc();
    let out = run(org.m2m_b15().args(EKS));
    out.expect_code(0);
    let (_, expires) = exec_credential(&out.stdout);
    assert!(
        expires <= OffsetDateTime::now_utc() + time::Duration::minutes(14),
        "{expires}"
    );
    assert!(expires >= started.replace_nanosecond(0).unwrap() + time::Duration::minutes(14));
}

#[test]
fn web_with_a_preselected_role_is_quiet_and_cached() {
    const CLIENT_ID: &str = "0oaWEBeks0000001";
    let idp = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
    let admin = "arn:aws:iam::123456789012:role/Admin";
    let readonly = "arn:aws:iam::123456789012:role/ReadOnly";
    let roles = [admin, readonly].map(|r| format!("{idp},{r}"));
    let Some(org) = SimOrg::start(json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFEDEKS", "label": "AWS", "appName": "amazon_aws", "roles": roles}],
        },
        "sts": {}
    })) else {
        return;
    };
    let web = |extra: &[&str]| {
        let mut cmd = org.command();
        cmd.arg("web")
            .args(["--org-domain", &org.base_url()])
            .args(["--oidc-client-id", CLIENT_ID])
            .args(EKS)
            .args(extra);
        run(&mut cmd)
    };
    // Two roles and none preselected: nothing is asked, the run names the flag.
    let unchosen = web(&[]);
    unchosen.expect_code(2);
    assert_eq!(unchosen.stdout, "");
    assert!(
        unchosen.stderr.contains("--aws-iam-role"),
        "{}",
        unchosen.stderr
    );

    let first = web(&["--aws-iam-role", readonly]);
    first.expect_code(0);
    exec_credential(&first.stdout);
    // No IdP/Role chatter for kubectl, as for credential_process.
    assert!(!first.stderr.contains("  Role:"), "{}", first.stderr);
    let requests = org.requests().len();
    let again = web(&["--aws-iam-role", readonly]);
    again.expect_code(0);
    exec_credential(&again.stdout);
    assert_eq!(
        org.requests().len(),
        requests,
        "a cache hit makes no request"
    );
}
