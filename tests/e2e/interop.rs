//! Interop with independent implementations: `okta-aws-cli m2m` (and, at the end, `web`)
//! against the simulated org,
//! with moto (`OKTA_AWS_CLI_TEST_MOTO`) as STS, and then the real AWS CLI
//! (`OKTA_AWS_CLI_TEST_AWS`, default `<repo>/.venv/bin/aws`) calling
//! `sts get-caller-identity` on moto with the credentials we delivered:
//!
//! (a) through `--exec -- aws sts get-caller-identity ...`;
//! (b) in a credentials file (`AWS_SHARED_CREDENTIALS_FILE` + `--profile`);
//! (c) through a `credential_process` line in an AWS config file (`AWS_CONFIG_FILE`) that
//!     runs our binary with `--format process-credentials`.
//!
//! Each must print the assumed-role ARN moto reports for the role and session. Without moto
//! or the AWS CLI the tests are skipped with a visible note, except under `CI=true`, where
//! they fail and say why. No real AWS credentials are ever in the environment
//! (`env_clear()`), and `AWS_EC2_METADATA_DISABLED=true` keeps the CLI off the network.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{HostCommand, M2M_ROLE_ARN, SimOrg, b15_scenario, case_text, run};

/// Everything an interop test needs: moto's URL, the AWS CLI and a running sim org.
struct Setup {
    moto: String,
    aws: PathBuf,
    org: SimOrg,
}

fn setup() -> Option<Setup> {
    let moto = support::moto_url()?;
    let aws = support::aws_cli()?;
    let org = SimOrg::start(b15_scenario())?;
    Some(Setup { moto, aws, org })
}

/// The ARN moto reports for our role and `session`:
/// `arn:aws:sts::<account>:assumed-role/<role name>/<session>`.
fn expected_arn(session: &str) -> String {
    let account = M2M_ROLE_ARN.split(':').nth(4).expect("account in role ARN");
    let (_, role) = M2M_ROLE_ARN.split_once(":role/").expect("role name");
    format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
}

/// The `Arn` of `aws sts get-caller-identity --output json` stdout.
fn arn_of(stdout: &str) -> String {
    let doc: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("get-caller-identity printed no JSON ({e}): {stdout}"));
    doc["Arn"].as_str().expect("Arn").to_string()
}

/// The AWS CLI arguments that ask moto who we are.
fn caller_identity_args(moto: &str) -> Vec<String> {
    [
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        moto,
        "--region",
        "us-east-1",
        "--output",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

impl Setup {
    /// Our m2m command with STS at moto and the AWS CLI's directory first in PATH.
    fn m2m(&self, session: &str) -> Command {
        let mut cmd = self.org.m2m_b15();
        cmd.env("AWS_ENDPOINT_URL_STS", &self.moto)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("PATH", self.path_var())
            .args(["--aws-sts-role-session-name", session]);
        cmd
    }

    /// PATH with the AWS CLI's directory first.
    fn path_var(&self) -> std::ffi::OsString {
        let mut dirs: Vec<PathBuf> = self
            .aws
            .parent()
            .map(Path::to_path_buf)
            .into_iter()
            .collect();
        if let Some(p) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&p));
        }
        std::env::join_paths(dirs).expect("PATH")
    }

    /// The AWS CLI with a clean environment: temporary HOME, no credentials or config
    /// except what the test adds, instance metadata off.
    fn aws(&self) -> HostCommand {
        let mut cmd = HostCommand::new(&self.aws);
        cmd.env_clear()
            .current_dir(&self.org.work_dir())
            .env_path("HOME", &self.org.home())
            .env_keep("PATH")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_path("AWS_CONFIG_FILE", &self.org.home().join("no-such-config"))
            .env_path(
                "AWS_SHARED_CREDENTIALS_FILE",
                &self.org.home().join("no-such-credentials"),
            )
            .args(caller_identity_args(&self.moto));
        cmd
    }
}

// Unix only: under wine our Windows binary cannot run the Linux AWS CLI (no exit status).
#[cfg(unix)]
#[test]
fn exec_runs_the_aws_cli_with_our_credentials() {
    let Some(s) = setup() else {
        return;
    };
    let mut cmd = s.m2m("interop-exec");
    cmd.args(["--format", "noop", "--exec", "--"])
        .arg(&s.aws)
        .args(caller_identity_args(&s.moto));
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_eq!(arn_of(&out.stdout), expected_arn("interop-exec"));
    assert_eq!(s.org.requests_to("m2m-token").len(), 1);
    assert!(
        s.org.requests_to("sts").is_empty(),
        "STS was moto, not the stand-in"
    );
}

#[test]
fn credentials_file_is_read_by_the_aws_cli() {
    let Some(s) = setup() else {
        return;
    };
    let file = s.org.home().join("interop/credentials");
    // Another tool's section stays usable next to ours.
    std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    std::fs::write(&file, case_text("B24-credentials-comments.ini")).expect("seed file");
    let mut cmd = s.m2m("interop-file");
    cmd.args(["--format", "aws-credentials", "--profile", "okta-interop"])
        .arg("--aws-credentials")
        .arg(&file);
    run(&mut cmd).expect_code(0);

    let mut aws = s.aws();
    aws.env_path("AWS_SHARED_CREDENTIALS_FILE", &file)
        .args(["--profile", "okta-interop"]);
    let out = aws.output();
    out.expect_code(0);
    assert_eq!(arn_of(&out.stdout), expected_arn("interop-file"));

    // The same file updated in place (profile `okta-dev` of case B24) also parses.
    let mut cmd = s.m2m("interop-b24");
    cmd.args(["--format", "aws-credentials", "--profile", "okta-dev"])
        .arg("--aws-credentials")
        .arg(&file);
    run(&mut cmd).expect_code(0);
    let mut aws = s.aws();
    aws.env_path("AWS_SHARED_CREDENTIALS_FILE", &file)
        .args(["--profile", "okta-dev"]);
    let out = aws.output();
    out.expect_code(0);
    assert_eq!(arn_of(&out.stdout), expected_arn("interop-b24"));
}

/// Quote one word for a `credential_process` line (botocore splits it like a POSIX shell).
#[cfg(unix)]
fn quote(word: &str) -> String {
    shlex::try_quote(word).expect("quotable").into_owned()
}

// Unix only: the AWS CLI here is a Linux program and cannot start our Windows binary.
#[cfg(unix)]
#[test]
fn credential_process_runs_our_binary() {
    let Some(s) = setup() else {
        return;
    };
    let key = s
        .org
        .private_file("credential-process.pem", &case_text("B15-key-pkcs8.pem"));
    let words = [
        env!("CARGO_BIN_EXE_okta-aws-cli").to_string(),
        "m2m".into(),
        "--org-domain".into(),
        s.org.base_url(),
        "--oidc-client-id".into(),
        support::M2M_CLIENT_ID.into(),
        "--key-id".into(),
        support::M2M_KID.into(),
        "--aws-iam-role".into(),
        M2M_ROLE_ARN.into(),
        "--private-key-file".into(),
        key.to_str().expect("utf-8 path").into(),
        "--aws-sts-role-session-name".into(),
        "interop-process".into(),
        "--format".into(),
        "process-credentials".into(),
    ];
    let line: Vec<String> = words.iter().map(|w| quote(w)).collect();
    let config = s.org.home().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile okta-process]\ncredential_process = {}\nregion = us-east-1\n",
            line.join(" ")
        ),
    )
    .expect("write config");

    let mut aws = s.aws();
    aws.env_path("AWS_CONFIG_FILE", &config)
        // What our binary, started by the AWS CLI, needs: trust the sim org's CA and send
        // STS calls to moto.
        .env_path("SSL_CERT_FILE", &s.org.ca_path())
        .env("AWS_ENDPOINT_URL_STS", &s.moto)
        .args(["--profile", "okta-process"]);
    let out = aws.output();
    out.expect_code(0);
    assert_eq!(arn_of(&out.stdout), expected_arn("interop-process"));
    assert_eq!(
        s.org.requests_to("m2m-token").len(),
        1,
        "the AWS CLI ran our binary once"
    );
}

// ---------------------------------------------------------------------------------------
// web: the device flow against the simulated org, AssumeRoleWithSAML at moto
// ---------------------------------------------------------------------------------------

const WEB_CLIENT_ID: &str = "0oaWEBinterop00001";
const WEB_FED_APP: &str = "0oaFEDinterop0001";
const WEB_IDP: &str = "arn:aws:iam::123456789012:saml-provider/InteropOkta";
const WEB_ROLE: &str = "arn:aws:iam::123456789012:role/InteropWeb";
const WEB_SESSION: &str = "jane.doe@example.com";

/// A web org whose assertion moto 5 accepts: one Role value (role ARN first, the order
/// moto reads), a single-valued RoleSessionName, no other multi-valued attribute.
fn web_setup() -> Option<Setup> {
    let moto = support::moto_url()?;
    let aws = support::aws_cli()?;
    let org = SimOrg::start(serde_json::json!({
        "web": {
            "client_id": WEB_CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 1},
            "apps": [{
                "id": WEB_FED_APP,
                "label": "AWS Interop",
                "appName": "amazon_aws",
                "roles": [format!("{WEB_ROLE},{WEB_IDP}")],
                "role_session_name": WEB_SESSION
            }],
        },
        "sts": {}
    }))?;
    Some(Setup { moto, aws, org })
}

/// The arguments of a web run for the interop org.
fn web_args(s: &Setup) -> Vec<String> {
    [
        "web",
        "--org-domain",
        &s.org.base_url(),
        "--oidc-client-id",
        WEB_CLIENT_ID,
        "--aws-acct-fed-app-id",
        WEB_FED_APP,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The ARN moto reports for the web role: `.../assumed-role/InteropWeb/<session>`.
fn web_expected_arn() -> String {
    format!("arn:aws:sts::123456789012:assumed-role/InteropWeb/{WEB_SESSION}")
}

#[test]
fn web_credentials_file_is_read_by_the_aws_cli() {
    let Some(s) = web_setup() else {
        return;
    };
    let file = s.org.home().join(".aws/credentials");
    let mut cmd = s.org.command();
    cmd.args(web_args(&s))
        .env("AWS_ENDPOINT_URL_STS", &s.moto)
        .args(["--write-aws-credentials", "--profile", "okta-web"]);
    let out = run(&mut cmd);
    out.expect_code(0);
    assert!(
        s.org.requests_to("sts").is_empty(),
        "STS was moto, not the stand-in"
    );

    let mut aws = s.aws();
    aws.env_path("AWS_SHARED_CREDENTIALS_FILE", &file)
        .args(["--profile", "okta-web"]);
    let out = aws.output();
    out.expect_code(0);
    assert_eq!(arn_of(&out.stdout), web_expected_arn());
}

// Unix only: the AWS CLI here is a Linux program and cannot start our Windows binary.
#[cfg(unix)]
#[test]
fn web_credential_process_runs_our_binary() {
    let Some(s) = web_setup() else {
        return;
    };
    let mut words = vec![env!("CARGO_BIN_EXE_okta-aws-cli").to_string()];
    words.extend(web_args(&s));
    words.extend(
        ["--format", "process-credentials", "--cache-access-token"]
            .iter()
            .map(|w| w.to_string()),
    );
    let line: Vec<String> = words.iter().map(|w| quote(w)).collect();
    let config = s.org.home().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile okta-web-process]\ncredential_process = {}\nregion = us-east-1\n",
            line.join(" ")
        ),
    )
    .expect("write config");

    for round in 0..2 {
        let mut aws = s.aws();
        aws.env_path("AWS_CONFIG_FILE", &config)
            .env_path("SSL_CERT_FILE", &s.org.ca_path())
            .env("AWS_ENDPOINT_URL_STS", &s.moto)
            .args(["--profile", "okta-web-process"]);
        let out = aws.output();
        out.expect_code(0);
        assert_eq!(arn_of(&out.stdout), web_expected_arn(), "round {round}");
    }
    // The second AWS CLI run was answered from the AWS credential cache (on by default with
    // process-credentials, issue 10): one device authorization and one SAML fetch in all.
    assert_eq!(s.org.requests_to("device-authorize").len(), 1);
    assert_eq!(s.org.requests_to("sso").len(), 1);
}
