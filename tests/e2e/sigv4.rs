//! Independent verification of the SigV4 signatures our binary actually sends.
//!
//! `web --all-profiles` runs against the simulated org, which records every IAM
//! `ListAccountAliases` request as received (method, raw request-target, every header, raw
//! body) and the credentials its STS stand-in issued. `tests/support/pycheck.py sigv4` then
//! rebuilds each request as a server would and signs it with botocore's `SigV4Auth` (at the
//! instant of the request's `X-Amz-Date`) using those credentials; botocore's
//! `Authorization` header must equal the one we sent, byte for byte. Tampering with one byte
//! of a recorded header, of the body or of the secret must make it differ, which proves the
//! comparison is live.
//!
//! Runs under `OKTA_AWS_CLI_TEST_PYTHON` (the venv with awscli, hence botocore). Without it,
//! or without botocore, the tests are skipped with a note, except under `CI=true`, where
//! they fail.

use crate::support;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Value, json};
use support::{HostCommand, SimOrg, header};

const CLIENT_ID: &str = "0oaWEBsigv4interop";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pycheck.py")
}

/// The test Python, provided botocore imports there. `None` (skipped, with a note) when
/// either is missing; a panic under `CI=true`.
fn python_with_botocore() -> Option<PathBuf> {
    let py = support::python()?;
    let out = support::HostCommand::new(&py)
        .path_arg(&script())
        .arg("probe")
        .output();
    if out.status.success() {
        return Some(py);
    }
    let why = format!(
        "{} (test Python {}); install awscli in the test venv (scripts/setup-test-env)",
        out.stderr.trim(),
        py.display()
    );
    support::missing(&why)
}

/// `pycheck.py sigv4` on `checks`: one result per check.
fn botocore_verdicts(py: &Path, checks: &[Value]) -> Vec<Value> {
    let doc = support::pycheck(py, "sigv4", &json!({ "checks": checks }));
    doc["results"].as_array().expect("results").clone()
}

fn idp(account: &str) -> String {
    format!("arn:aws:iam::{account}:saml-provider/OktaSigV4")
}

fn role(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

/// An org with three accounts (one role with a path) and aliases for two.
fn start_org() -> Option<SimOrg> {
    let pairs: Vec<String> = [
        ("121212121212", "Admin"),
        ("343434343434", "ops/ReadOnly"),
        ("565656565656", "Billing"),
    ]
    .iter()
    .map(|(acct, name)| format!("{},{}", idp(acct), role(acct, name)))
    .collect();
    SimOrg::start(json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFEDSIG", "label": "AWS", "appName": "amazon_aws", "roles": pairs}],
        },
        "sts": {},
        "iam": {"aliases": {"121212121212": "sig-one", "565656565656": "sig-three"}},
    }))
}

/// Run `web --all-profiles` with IAM at `iam_url`; the run must succeed.
fn run_all_profiles(org: &SimOrg, iam_url: &str) {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .arg("--all-profiles")
        .env("AWS_ENDPOINT_URL_IAM", iam_url);
    support::run(&mut cmd).expect_code(0);
}

/// One check per recorded IAM request: the request and the credentials the STS stand-in
/// issued for the access key named in its `Authorization` header.
fn checks(org: &SimOrg) -> Vec<Value> {
    let issued: Vec<Value> = org
        .requests_to("sts")
        .into_iter()
        .filter(|r| r["status"] == 200)
        .map(|r| r["issued"].clone())
        .collect();
    org.requests_to("iam")
        .into_iter()
        .map(|r| {
            let auth = header(&r, "Authorization").expect("Authorization");
            let creds = issued
                .iter()
                .find(|c| {
                    c["AccessKeyId"].as_str().is_some_and(|k| {
                        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={k}/"))
                    })
                })
                .unwrap_or_else(|| panic!("no issued credentials for {auth}"))
                .clone();
            json!({"request": r, "credentials": creds, "region": "us-east-1", "service": "iam"})
        })
        .collect()
}

fn assert_all_match(verdicts: &[Value]) {
    for v in verdicts {
        assert_eq!(v["error"], Value::Null, "{v:#}");
        assert_eq!(
            v["match"], true,
            "botocore computes a different signature:\n sent:     {}\n botocore: {}",
            v["sent"], v["botocore"]
        );
    }
}

/// Replace the value of header `name` in a recorded request.
fn set_header(check: &mut Value, name: &str, value: &str) {
    let headers = check["request"]["headers"].as_array_mut().expect("headers");
    let pair = headers
        .iter_mut()
        .find(|p| p[0].as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
        .unwrap_or_else(|| panic!("no {name} header"));
    pair[1] = json!(value);
}

/// `s` with its last character changed (a one-byte change for ASCII).
fn flip_last(s: &str) -> String {
    let mut bytes = s.as_bytes().to_vec();
    let last = bytes.last_mut().expect("non-empty");
    *last = if *last == b'1' { b'2' } else { b'1' };
    String::from_utf8(bytes).expect("ascii")
}

#[test]
fn botocore_recomputes_every_iam_signature_we_sent() {
    let Some(py) = python_with_botocore() else {
        return;
    };
    let Some(org) = start_org() else { return };
    run_all_profiles(&org, &format!("{}/iam/", org.base_url()));
    let checks = checks(&org);
    assert_eq!(checks.len(), 3, "one IAM call per account");
    let verdicts = botocore_verdicts(&py, &checks);
    assert_eq!(verdicts.len(), 3);
    assert_all_match(&verdicts);
    // The signed headers include the ones that must be signed.
    for c in &checks {
        let auth = header(&c["request"], "Authorization").expect("auth");
        let signed = auth
            .split("SignedHeaders=")
            .nth(1)
            .and_then(|s| s.split(',').next())
            .expect("SignedHeaders");
        for h in ["host", "x-amz-date", "x-amz-security-token"] {
            assert!(signed.split(';').any(|x| x == h), "{h} not signed: {auth}");
        }
    }

    // One byte changed anywhere the signature covers must show up as a mismatch.
    let base = checks[0].clone();
    let mut tampered = Vec::new();
    let content_type = header(&base["request"], "Content-Type").expect("Content-Type");
    let mut c = base.clone();
    set_header(&mut c, "Content-Type", &flip_last(content_type));
    tampered.push(("Content-Type header", c));
    let host = header(&base["request"], "Host").expect("Host");
    let mut c = base.clone();
    set_header(&mut c, "Host", &flip_last(host));
    tampered.push(("Host header", c));
    let date = header(&base["request"], "X-Amz-Date").expect("X-Amz-Date");
    let mut c = base.clone();
    // Keep the format: change the last digit of the seconds.
    let mut secs = date.to_string();
    secs.replace_range(14..15, if &date[14..15] == "1" { "2" } else { "1" });
    set_header(&mut c, "X-Amz-Date", &secs);
    tampered.push(("X-Amz-Date header", c));
    let mut c = base.clone();
    let body = base64::engine::general_purpose::STANDARD
        .decode(base["request"]["body_b64"].as_str().expect("body_b64"))
        .expect("base64");
    let body = flip_last(std::str::from_utf8(&body).expect("utf-8"));
    c["request"]["body_b64"] = json!(base64::engine::general_purpose::STANDARD.encode(body));
    tampered.push(("body", c));
    let mut c = base.clone();
    c["request"]["request_target"] = json!("/ian/");
    tampered.push(("path", c));
    let mut c = base.clone();
    let secret = base["credentials"]["SecretAccessKey"]
        .as_str()
        .expect("secret");
    c["credentials"]["SecretAccessKey"] = json!(flip_last(secret));
    tampered.push(("secret access key", c));
    let mut c = base.clone();
    let token = base["credentials"]["SessionToken"].as_str().expect("token");
    c["credentials"]["SessionToken"] = json!(flip_last(token));
    tampered.push(("session token", c));

    let (names, docs): (Vec<&str>, Vec<Value>) = tampered.into_iter().unzip();
    let verdicts = botocore_verdicts(&py, &docs);
    for (name, v) in names.iter().zip(&verdicts) {
        assert_eq!(
            v["match"], false,
            "changing one byte of the {name} went unnoticed: {v:#}"
        );
    }
}

#[test]
fn endpoint_with_a_mixed_case_host_and_no_trailing_slash_is_signed_as_sent() {
    let Some(py) = python_with_botocore() else {
        return;
    };
    let Some(org) = start_org() else { return };
    // The certificate covers `localhost`; the host is written in mixed case, the path
    // without its trailing slash.
    run_all_profiles(&org, &format!("https://LocalHost:{}/iam", org.port));
    let checks = checks(&org);
    assert_eq!(checks.len(), 3);
    for c in &checks {
        assert_eq!(c["request"]["request_target"], "/iam");
        assert_eq!(
            header(&c["request"], "Host"),
            Some(format!("localhost:{}", org.port).as_str())
        );
    }
    assert_all_match(&botocore_verdicts(&py, &checks));
}

// ---------------------------------------------------------------------------------------
// moto with request authentication on
// ---------------------------------------------------------------------------------------

/// The account moto uses for unknown credentials; the role lives there.
const MOTO_ACCOUNT: &str = "123456789012";
/// Requests moto answers without authentication: the AWS CLI's three set-up calls
/// (create-role, put-role-policy, create-account-alias) and our one unsigned
/// AssumeRoleWithSAML. Every later request must carry a valid SigV4 signature.
const MOTO_NO_AUTH_COUNT: &str = "4";

/// A moto server of this test only, started with `INITIAL_NO_AUTH_ACTION_COUNT`; stopped on
/// drop.
struct Moto {
    _child: support::HostChild,
    url: String,
}

/// `moto_server` beside the test Python (the venv's bin directory), on a free loopback port,
/// with authentication after [`MOTO_NO_AUTH_COUNT`] actions. Waits (bounded) until it
/// answers. `None` (skipped, or a panic under `CI=true`) when moto_server is missing.
fn start_moto(py: &Path) -> Option<Moto> {
    let server = py.with_file_name("moto_server");
    if !server.exists() {
        let why = format!("moto_server not found at {}", server.display());
        return support::missing(&why);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = support::HostCommand::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("INITIAL_NO_AUTH_ACTION_COUNT", MOTO_NO_AUTH_COUNT)
        .spawn();
    let moto = Moto {
        _child: child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read as _;
            let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let _ = s.write_all(
                b"GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            );
            let mut buf = [0u8; 12];
            if s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.1 200") {
                return Some(moto);
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "moto_server did not answer within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The AWS CLI (`OKTA_AWS_CLI_TEST_AWS`) against moto with a clean environment.
fn aws_cli(aws: &Path, org: &SimOrg, moto: &Moto) -> HostCommand {
    let mut cmd = HostCommand::new(aws);
    cmd.env_clear()
        .current_dir(&org.work_dir())
        .env_path("HOME", &org.home())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_path("AWS_CONFIG_FILE", &org.home().join("no-such-config"))
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_keep("PATH")
        .args(["--endpoint-url", &moto.url, "--output", "json"]);
    cmd
}

#[test]
fn moto_with_authentication_on_accepts_our_signed_list_account_aliases() {
    let Some(py) = python_with_botocore() else {
        return;
    };
    let Some(aws) = support::aws_cli() else {
        return;
    };
    let Some(moto) = start_moto(&py) else {
        return;
    };
    let role_arn = format!("arn:aws:iam::{MOTO_ACCOUNT}:role/MotoAliasReader");
    let idp_arn = format!("arn:aws:iam::{MOTO_ACCOUNT}:saml-provider/MotoOkta");
    // moto takes the role from the first half of the Role value: role ARN first.
    let Some(org) = SimOrg::start(json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFEDMOTO", "label": "AWS", "appName": "amazon_aws",
                      "roles": [format!("{role_arn},{idp_arn}")]}],
        },
        "sts": {},
    })) else {
        return;
    };

    // Set-up (unauthenticated while the count lasts): the role, a policy that allows
    // iam:ListAccountAliases, and the alias.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/MotoOkta"},"Action":"sts:AssumeRoleWithSAML"}]}"#;
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListAccountAliases","Resource":"*"}]}"#;
    let setup: [&[&str]; 3] = [
        &[
            "iam",
            "create-role",
            "--role-name",
            "MotoAliasReader",
            "--assume-role-policy-document",
            trust,
        ],
        &[
            "iam",
            "put-role-policy",
            "--role-name",
            "MotoAliasReader",
            "--policy-name",
            "aliases",
            "--policy-document",
            allow,
        ],
        &[
            "iam",
            "create-account-alias",
            "--account-alias",
            "moto-signed",
        ],
    ];
    for args in setup {
        let mut cmd = aws_cli(&aws, &org, &moto);
        cmd.env("AWS_ACCESS_KEY_ID", "AKIAFAKESETUP0000000")
            .env("AWS_SECRET_ACCESS_KEY", "fake-setup-secret")
            .args(args);
        cmd.output().expect_code(0);
    }

    // Our binary: STS and IAM at moto.
    let file = org.home().join(".aws/credentials");
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .arg("--all-profiles")
        .env("AWS_ENDPOINT_URL_STS", &moto.url)
        .env("AWS_ENDPOINT_URL_IAM", &moto.url);
    let out = support::run(&mut cmd);
    out.expect_code(0);
    assert!(
        !out.stderr.contains("unable to determine"),
        "moto refused our signed ListAccountAliases: {}",
        out.stderr
    );
    let text = std::fs::read_to_string(&file).expect("credentials file");
    assert!(
        text.contains("[moto-signed-MotoOkta-MotoAliasReader]"),
        "the alias moto returned names the profile:\n{text}"
    );

    // Moto really checks signatures now: the AWS CLI with our profile passes, and with one
    // byte of the secret changed it is refused.
    let mut cmd = aws_cli(&aws, &org, &moto);
    cmd.env_path("AWS_SHARED_CREDENTIALS_FILE", &file)
        .env("AWS_PROFILE", "moto-signed-MotoOkta-MotoAliasReader")
        .args(["iam", "list-account-aliases"]);
    let ok = cmd.output();
    ok.expect_code(0);
    assert!(ok.stdout.contains("moto-signed"), "{}", ok.stdout);
    let marker = "aws_secret_access_key = ";
    let start = text.find(marker).expect("secret line") + marker.len();
    let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
    let mut bad = text.clone();
    bad.replace_range(
        end - 1..end,
        if text[..end].ends_with('A') { "B" } else { "A" },
    );
    let bad_file = org.home().join("tampered-credentials");
    std::fs::write(&bad_file, bad).expect("write tampered file");
    let mut cmd = aws_cli(&aws, &org, &moto);
    cmd.env_path("AWS_SHARED_CREDENTIALS_FILE", &bad_file)
        .env("AWS_PROFILE", "moto-signed-MotoOkta-MotoAliasReader")
        .args(["iam", "list-account-aliases"]);
    let refused = cmd.output();
    assert_ne!(refused.code(), Some(0), "{}", refused.stdout);
    assert!(
        refused.stderr.contains("SignatureDoesNotMatch"),
        "{}",
        refused.stderr
    );
}
