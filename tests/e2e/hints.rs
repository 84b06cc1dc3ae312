//! Every known set-up failure, produced against the simulated org (tests/simorg/simorg.py)
//! and its STS stand-in, ends with the `Error:` line and then one `hint:` line saying what
//! to change (commands::hints).

use crate::support;

use serde_json::{Value, json};
use support::{M2M_ROLE_ARN, SimOrg, b15_scenario, run};

const CLIENT_ID: &str = "0oaWEBhintclient1";
const IDP: &str = "arn:aws:iam::123456789012:saml-provider/ExampleOkta";
const ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A web scenario with one AWS Federation app `0oaFED1` holding one role.
fn web_scenario() -> Value {
    json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFED1", "label": "AWS", "appName": "amazon_aws",
                      "roles": [format!("{IDP},{ADMIN}")]}],
        },
        "sts": {}
    })
}

/// Run `web` against `scenario` with `args` and `env`; return (exit code, stderr).
fn web(scenario: Value, args: &[&str], env: &[(&str, &str)]) -> Option<(i32, String)> {
    let org = SimOrg::start(scenario)?;
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", CLIENT_ID])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    Some((out.code().unwrap_or(-1), out.stderr.clone()))
}

/// The last two stderr lines are `Error: ...` containing `error` and `hint: ...`
/// containing every one of `needles`; returns the hint.
fn assert_hint(stderr: &str, error: &str, needles: &[&str]) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let n = lines.len();
    assert!(n >= 2, "stderr:\n{stderr}");
    assert!(
        lines[n - 2].starts_with("Error: ") && lines[n - 2].contains(error),
        "error line should contain {error:?}:\n{stderr}"
    );
    let hint = lines[n - 1];
    assert!(hint.starts_with("hint: "), "stderr:\n{stderr}");
    for needle in needles {
        assert!(
            hint.contains(needle),
            "hint should contain {needle:?}: {hint}"
        );
    }
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("hint: ")).count(),
        1,
        "{stderr}"
    );
    hint.to_string()
}

#[test]
fn device_grant_missing_on_the_oidc_app() {
    let mut sc = web_scenario();
    sc["web"]["grant_types"] = json!([]);
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "unauthorized_client",
        &[
            "Device Authorization",
            "Token Exchange",
            "Grant type",
            CLIENT_ID,
        ],
    );
}

#[test]
fn token_exchange_grant_missing_on_the_oidc_app() {
    let mut sc = web_scenario();
    sc["web"]["grant_types"] = json!([DEVICE_GRANT]);
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(&err, "unauthorized_client", &["Token Exchange"]);
}

#[test]
fn scope_not_allowed_names_the_scopes_to_grant() {
    let mut sc = web_scenario();
    sc["web"]["required_scopes"] = json!(["openid"]);
    sc["web"]["allowed_scopes"] = json!(["openid", "okta.apps.sso", "okta.apps.read"]);
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "invalid_scope",
        &["okta.users.read.self", "Okta API Scopes"],
    );
}

#[test]
fn assurance_policy_points_to_device_state_any() {
    let mut sc = web_scenario();
    sc["web"]["apps"][0]["assurance_unmet"] = json!(true);
    let Some((code, err)) = web(sc, &["--aws-acct-fed-app-id", "0oaFED1"], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "assurance requirements",
        &["Device State: Any", "0oaFED1", "Authentication Policies"],
    );
}

#[test]
fn app_list_without_users_read_self_scope() {
    let mut sc = web_scenario();
    sc["web"]["granted_scopes"] = json!(["openid", "okta.apps.sso"]);
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "insufficient_scope",
        &["okta.users.read.self", "Grant"],
    );
}

#[test]
fn empty_app_list_points_to_the_app_assignment() {
    let mut sc = web_scenario();
    sc["web"]["apps"] = json!([]);
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(&err, "no AWS Federation app", &["Assignments"]);
}

#[test]
fn mistyped_federation_app_id_is_named_with_its_source() {
    let Some((code, err)) = web(
        web_scenario(),
        &[],
        &[("OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID", "0oaFEDtypo")],
    ) else {
        return;
    };
    assert_eq!(code, 1);
    let hint = assert_hint(
        &err,
        "invalid_target",
        &[
            "0oaFEDtypo",
            "environment variable OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID",
            "check the app id",
        ],
    );
    assert!(!hint.contains("misconfigur"), "{hint}");
}

#[test]
fn federation_app_that_does_not_allow_the_client() {
    let mut sc = web_scenario();
    sc["web"]["apps"][0]["web_sso_clients"] = json!(["0oaSOMEONEELSE"]);
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(&err, "invalid_target", &["Sign On tab", "web SSO client"]);
}

#[test]
fn saml_access_denied_points_to_the_trust_policy() {
    let mut sc = web_scenario();
    sc["sts"]["fail_roles"] = json!({ADMIN: {"code": "AccessDenied",
        "message": "Not authorized to perform sts:AssumeRoleWithSAML"}});
    let Some((code, err)) = web(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "AccessDenied",
        &["trust policy", "sts:AssumeRoleWithSAML"],
    );
}

#[test]
fn web_duration_above_the_role_maximum_names_the_setting() {
    let mut sc = web_scenario();
    sc["sts"]["max_session_duration"] = json!(3600);
    let Some((code, err)) = web(sc, &["--aws-session-duration", "7200"], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "ValidationError",
        &[
            "7200",
            "flag --aws-session-duration",
            "Maximum session duration",
        ],
    );
}

/// Run `m2m` (case B15 key) against `scenario` with `args` and `env`.
fn m2m(scenario: Value, args: &[&str], env: &[(&str, &str)]) -> Option<(i32, String)> {
    let org = SimOrg::start(scenario)?;
    let mut cmd = org.m2m_b15();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    Some((out.code().unwrap_or(-1), out.stderr.clone()))
}

#[test]
fn web_identity_token_refused_points_to_the_oidc_provider() {
    let mut sc = b15_scenario();
    sc["sts"]["replies"] = json!([{"shape": "error", "status": 400,
        "code": "InvalidIdentityToken", "message": "Incorrect token audience"}]);
    let Some((code, err)) = m2m(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "InvalidIdentityToken",
        &["issuer URL", "/oauth2/default", "audience"],
    );
}

#[test]
fn web_identity_access_denied_names_the_role() {
    let mut sc = b15_scenario();
    sc["sts"]["replies"] = json!([{"shape": "error", "status": 403, "code": "AccessDenied",
        "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"}]);
    let Some((code, err)) = m2m(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "AccessDenied",
        &[M2M_ROLE_ARN, "AssumeRoleWithWebIdentity"],
    );
}

#[test]
fn m2m_duration_above_the_role_maximum_names_the_variable() {
    let mut sc = b15_scenario();
    sc["sts"]["max_session_duration"] = json!(3600);
    let Some((code, err)) = m2m(sc, &[], &[("OKTA_AWSCLI_SESSION_DURATION", "10800")]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "MaxSessionDuration",
        &["10800", "environment variable OKTA_AWSCLI_SESSION_DURATION"],
    );
}

#[test]
fn clock_skew_on_the_client_assertion_points_to_the_local_clock() {
    let mut sc = b15_scenario();
    // Okta's clock two hours behind ours: our assertion looks issued in the future.
    sc["m2m"]["clock_offset"] = json!(-7200);
    let Some((code, err)) = m2m(sc, &[], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(&err, "invalid_client", &["clock", "time synchronisation"]);
}

#[test]
fn m2m_scope_unknown_to_the_authorization_server() {
    let Some((code, err)) = m2m(b15_scenario(), &["--custom-scope", "deploy"], &[]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_hint(
        &err,
        "invalid_scope",
        &["deploy", "flag --custom-scope", "Authorization Servers"],
    );
}
