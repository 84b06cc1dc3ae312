//! `okta-aws-cli m2m` end to end: the built binary (clean environment, temporary HOME)
//! against the simulated org (tests/simorg/simorg.py), with STS at the org's stand-in.
//!
//! Covers case B15 (every private-key shape), Okta's and STS's error shapes, the settings
//! that reach Okta and STS (authorization server, scope, role session name, duration), the
//! exact token request, and that no secret ever reaches stderr.

use crate::support;

use serde_json::{Value, json};
use support::{
    M2M_CLIENT_ID, M2M_KID, M2M_ROLE_ARN, Output, SimOrg, TEST_PASSPHRASE, b15_scenario, case_text,
    gen_key, header, jwt_claims, m2m_scenario, run,
};

/// Extra command-line arguments of one case.
type Args = &'static [&'static str];
/// Extra environment variables of one case.
type Envs = &'static [(&'static str, &'static str)];

/// The decoded protected header of a compact JWS.
fn jws_header(jws: &str) -> Value {
    use base64::Engine as _;
    let part = jws.split('.').next().expect("JWS header");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url header");
    serde_json::from_slice(&bytes).expect("JSON header")
}

/// Stdout of a successful env-var run: exactly the three `export` (Windows: `setx`) lines.
fn assert_env_var_stdout(out: &Output) {
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "stdout: {}", out.stdout);
    let expected = [
        support::env_line("AWS_ACCESS_KEY_ID", "ASIA"),
        support::env_line("AWS_SECRET_ACCESS_KEY", ""),
        support::env_line("AWS_SESSION_TOKEN", ""),
    ];
    for (line, prefix) in lines.iter().zip(expected) {
        assert!(line.starts_with(&prefix), "stdout: {}", out.stdout);
    }
}

/// The failing run printed exactly one `Error: ...` line (warnings aside, and the `hint:`
/// line that may follow it) and nothing on stdout; returns that line.
fn one_error_line(out: &Output) -> String {
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    let mut lines = out.stderr_lines();
    if lines.len() == 2 && lines[1].starts_with("hint: ") {
        lines.pop();
    }
    assert_eq!(lines.len(), 1, "stderr:\n{}", out.stderr);
    assert!(lines[0].starts_with("Error: "), "stderr:\n{}", out.stderr);
    lines[0].to_string()
}

/// The base64 body lines of a PEM text (the key material).
fn pem_body_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .map(str::to_string)
        .collect()
}

/// Panic if `text` holds any of `secrets` (each at least 8 characters).
fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(s.len() >= 8, "secret too short to check: {s:?}");
        assert!(
            !text.contains(s.as_str()),
            "{what} leaks a secret ({s}):\n{text}"
        );
    }
}

/// The value of the `.env` line in B15-key-env-escaped.txt (quotes removed, `\n` kept as
/// the two characters).
fn b15_escaped_value() -> String {
    let line = case_text("B15-key-env-escaped.txt");
    let value = line
        .trim()
        .strip_prefix("OKTA_AWSCLI_PRIVATE_KEY=")
        .expect("B15 escaped file is an OKTA_AWSCLI_PRIVATE_KEY= line");
    let value = value.trim_matches('"');
    assert!(value.contains("\\n") && !value.contains('\n'));
    value.to_string()
}

/// The start of the error message that names where the key came from.
fn named_source(org: &SimOrg, input: &KeyInput) -> String {
    match input {
        KeyInput::File(name) => format!(
            "Error: private key file {}: ",
            org.dir.path().join("keys").join(name).display()
        ),
        _ => "Error: private key (--private-key / OKTA_AWSCLI_PRIVATE_KEY): ".to_string(),
    }
}

/// How a test passes the private key to the binary.
enum KeyInput {
    /// `--private-key-file` = a 0600 copy of this case file.
    File(&'static str),
    /// `OKTA_AWSCLI_PRIVATE_KEY` = this text.
    Env(String),
    /// `--private-key` = this text.
    Flag(String),
    /// `.env` in the working directory with this line.
    DotEnv(String),
}

fn with_key(org: &SimOrg, input: &KeyInput) -> std::process::Command {
    let mut cmd = org.m2m_command();
    match input {
        KeyInput::File(name) => {
            let path = org.private_file(name, &case_text(name));
            cmd.arg("--private-key-file").arg(path);
        }
        KeyInput::Env(text) => {
            cmd.env("OKTA_AWSCLI_PRIVATE_KEY", text);
        }
        KeyInput::Flag(text) => {
            cmd.arg("--private-key").arg(text);
        }
        KeyInput::DotEnv(line) => {
            std::fs::write(org.work_dir().join(".env"), format!("{line}\n")).expect(".env");
        }
    }
    cmd
}

/// Check the last full run: two new requests, an accepted assertion signed with `alg` and
/// our kid, and STS answered.
fn assert_accepted_run(org: &SimOrg, before: usize, alg: &str, what: &str) {
    let all = org.requests();
    assert_eq!(all.len(), before + 2, "{what}: requests {all:#?}");
    let token = &all[before];
    let sts = &all[before + 1];
    assert_eq!(token["route"], "m2m-token", "{what}");
    assert_eq!(token["verdict"], "ok", "{what}: {token:#}");
    assert_eq!(sts["route"], "sts", "{what}");
    assert_eq!(sts["verdict"], "ok", "{what}: {sts:#}");
    let assertion = token["form"]["client_assertion"]
        .as_str()
        .expect("assertion");
    let h = jws_header(assertion);
    assert_eq!(h["alg"], alg, "{what}: header {h}");
    assert_eq!(h["kid"], M2M_KID, "{what}: header {h}");
}

#[test]
fn b15_rsa_key_shapes_all_sign_accepted_assertions() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let escaped = b15_escaped_value();
    let shapes: Vec<(&str, KeyInput, bool)> = vec![
        ("PKCS#1 file", KeyInput::File("B15-key-pkcs1.pem"), false),
        ("PKCS#8 file", KeyInput::File("B15-key-pkcs8.pem"), false),
        (
            "PKCS#8 CRLF file",
            KeyInput::File("B15-key-pkcs8-crlf.pem"),
            false,
        ),
        (
            "literal \\n in OKTA_AWSCLI_PRIVATE_KEY",
            KeyInput::Env(escaped.clone()),
            false,
        ),
        (
            "literal \\n in .env",
            KeyInput::DotEnv(case_text("B15-key-env-escaped.txt").trim().to_string()),
            false,
        ),
        (
            "one-line file",
            KeyInput::File("B15-key-one-line.txt"),
            false,
        ),
        (
            "one-line in OKTA_AWSCLI_PRIVATE_KEY",
            KeyInput::Env(case_text("B15-key-one-line.txt")),
            false,
        ),
        (
            "CRLF PEM in --private-key",
            KeyInput::Flag(case_text("B15-key-pkcs8-crlf.pem")),
            false,
        ),
        (
            "encrypted PKCS#8 file with passphrase",
            KeyInput::File("B15-key-pkcs8-encrypted.pem"),
            true,
        ),
        (
            "encrypted PKCS#8 in OKTA_AWSCLI_PRIVATE_KEY with passphrase",
            KeyInput::Env(case_text("B15-key-pkcs8-encrypted.pem")),
            true,
        ),
    ];
    let key_material = pem_body_lines(&case_text("B15-key-pkcs8.pem"));
    for (what, input, encrypted) in &shapes {
        let before = org.requests().len();
        let mut cmd = with_key(&org, input);
        if *encrypted {
            cmd.env("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE", TEST_PASSPHRASE);
        }
        let out = run(&mut cmd);
        assert_eq!(
            out.code(),
            Some(0),
            "{what}: stdout {}\nstderr {}",
            out.stdout,
            out.stderr
        );
        assert_env_var_stdout(&out);
        assert!(
            out.stderr_lines().is_empty(),
            "{what}: unexpected stderr {}",
            out.stderr
        );
        assert_no_secret(what, &out.stderr, &key_material);
        assert!(!out.stderr.contains(TEST_PASSPHRASE), "{what}");
        assert_accepted_run(&org, before, "RS256", what);
        let _ = std::fs::remove_file(org.work_dir().join(".env"));
    }
}

#[test]
fn b15_encrypted_key_without_or_with_wrong_passphrase_is_a_config_error() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let input = KeyInput::File("B15-key-pkcs8-encrypted.pem");

    // stdin is not a terminal: no prompt, a clear error naming the variable.
    let out = run(&mut with_key(&org, &input));
    out.expect_code(2);
    let line = one_error_line(&out);
    assert!(line.starts_with(&named_source(&org, &input)), "{line}");
    assert!(line.contains("encrypted"), "{line}");
    assert!(
        line.contains("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE"),
        "{line}"
    );

    let mut cmd = with_key(&org, &input);
    cmd.env("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE", "not-the-passphrase");
    let out = run(&mut cmd);
    out.expect_code(2);
    let line = one_error_line(&out);
    assert!(line.starts_with(&named_source(&org, &input)), "{line}");
    assert!(line.contains("wrong passphrase"), "{line}");

    // Encrypted key in the environment variable, no passphrase: named as such.
    let env_input = KeyInput::Env(case_text("B15-key-pkcs8-encrypted.pem"));
    let out = run(&mut with_key(&org, &env_input));
    out.expect_code(2);
    let line = one_error_line(&out);
    assert!(line.starts_with(&named_source(&org, &env_input)), "{line}");
    assert!(!out.stderr.contains("not-the-passphrase"));
    assert_no_secret(
        "stderr",
        &out.stderr,
        &pem_body_lines(&case_text("B15-key-pkcs8-encrypted.pem")),
    );
    assert!(org.requests().is_empty(), "no request before the key loads");
}

/// The public key and PKCS#8 forms of case B15's EC (SEC1) key, as OpenSSL derived them
/// (`tests/fixtures/README.md`).
fn b15_ec_forms() -> (String, String) {
    let fixture = |name: &str| {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).expect("fixture file")
    };
    (fixture("b15-ec-public.pem"), fixture("b15-ec-pkcs8.pem"))
}

#[test]
fn b15_ec_key_sec1_and_pkcs8_sign_es256() {
    let (public, pkcs8) = b15_ec_forms();
    let Some(org) = SimOrg::start(m2m_scenario(&public)) else {
        return;
    };
    for (what, input) in [
        ("EC SEC1 file", KeyInput::File("B15-key-ec-sec1.pem")),
        ("EC PKCS#8 in --private-key", KeyInput::Flag(pkcs8.clone())),
        (
            "EC PKCS#8 with literal \\n in OKTA_AWSCLI_PRIVATE_KEY",
            KeyInput::Env(pkcs8.trim().replace('\n', "\\n")),
        ),
    ] {
        let before = org.requests().len();
        let out = run(&mut with_key(&org, &input));
        assert_eq!(out.code(), Some(0), "{what}: {}", out.stderr);
        assert_env_var_stdout(&out);
        assert_no_secret(what, &out.stderr, &pem_body_lines(&pkcs8));
        assert_accepted_run(&org, before, "ES256", what);
    }
}

#[test]
fn b15_jwk_and_public_key_are_refused_before_any_request() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let jwk: Value = serde_json::from_str(&case_text("B15-key-jwk.json")).expect("JWK JSON");
    let jwk_secrets: Vec<String> = ["d", "p", "q", "dp", "dq", "qi"]
        .iter()
        .map(|k| jwk[k].as_str().expect("private JWK member")[..40].to_string())
        .collect();
    for (what, input, expect) in [
        ("JWK file", KeyInput::File("B15-key-jwk.json"), "JWK"),
        (
            "JWK in OKTA_AWSCLI_PRIVATE_KEY",
            KeyInput::Env(case_text("B15-key-jwk.json")),
            "JWK",
        ),
        (
            "public key file",
            KeyInput::File("B15-key-public.pem"),
            "public key",
        ),
        (
            "public key in --private-key",
            KeyInput::Flag(case_text("B15-key-public.pem")),
            "public key",
        ),
    ] {
        let out = run(&mut with_key(&org, &input));
        assert_eq!(out.code(), Some(2), "{what}: {}", out.stderr);
        let line = one_error_line(&out);
        assert!(
            line.starts_with(&named_source(&org, &input)),
            "{what}: {line}"
        );
        assert!(line.contains(expect), "{what}: {line}");
        assert!(
            line.contains("PEM"),
            "{what}: names the expected format: {line}"
        );
        assert_no_secret(what, &out.stderr, &jwk_secrets);
        assert_no_secret(
            what,
            &out.stderr,
            &pem_body_lines(&case_text("B15-key-public.pem")),
        );
    }
    assert!(org.requests().is_empty(), "{:#?}", org.requests());
}

#[test]
fn unusable_key_inputs_are_named_config_errors() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let missing = org.dir.path().join("keys/absent.pem");
    let dir = org.dir.path().join("keys/a-directory");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let empty = org.private_file("empty.pem", "");
    let good = org.private_file("good.pem", &case_text("B15-key-pkcs8.pem"));
    let cases: Vec<(Vec<std::ffi::OsString>, String)> = vec![
        (
            vec!["--private-key-file".into(), missing.clone().into()],
            format!(
                "Error: cannot read private key file {}: ",
                missing.display()
            ),
        ),
        (
            vec!["--private-key-file".into(), dir.clone().into()],
            format!("Error: cannot read private key file {}: ", dir.display()),
        ),
        (
            vec!["--private-key-file".into(), empty.clone().into()],
            format!(
                "Error: private key file {}: invalid private key: the private key value is empty",
                empty.display()
            ),
        ),
        (
            vec![
                "--private-key-file".into(),
                good.into(),
                "--private-key".into(),
                case_text("B15-key-pkcs8.pem").into(),
            ],
            "Error: both a private key (--private-key) and a private key file \
             (--private-key-file) are set; give only one"
                .to_string(),
        ),
    ];
    for (args, start) in cases {
        let mut cmd = org.m2m_command();
        cmd.args(&args);
        let out = run(&mut cmd);
        assert_eq!(out.code(), Some(2), "{args:?}: {}", out.stderr);
        // No loose-mode warning for a directory: one line, the error.
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with(&start), "{args:?}: {}", out.stderr);
        assert_no_secret(
            "stderr",
            &out.stderr,
            &pem_body_lines(&case_text("B15-key-pkcs8.pem")),
        );
    }
    assert!(org.requests().is_empty());
}

#[test]
fn loose_key_file_mode_is_a_warning_only() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let path = org.private_file("loose.pem", &case_text("B15-key-pkcs8.pem"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let mut cmd = org.m2m_command();
    cmd.arg("--private-key-file").arg(&path);
    let out = run(&mut cmd);
    out.expect_code(0);
    assert_env_var_stdout(&out);
    #[cfg(unix)]
    assert!(
        out.stderr.contains("WARNING: private key file")
            && out.stderr.contains("mode 644")
            && out.stderr.contains("chmod 600"),
        "{}",
        out.stderr
    );
}

#[test]
fn wrong_key_is_rejected_by_okta_with_its_message() {
    let Some(other) = gen_key("rsa") else {
        return;
    };
    let Some(org) = SimOrg::start(m2m_scenario(&other.public)) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    out.expect_code(1);
    let line = one_error_line(&out);
    assert!(line.contains("401"), "{line}");
    assert!(
        line.contains("invalid_client: The client_assertion signature is invalid."),
        "{line}"
    );
    assert_eq!(org.requests().len(), 1, "no STS call after Okta refused");
}

#[test]
fn okta_error_shapes_each_give_one_clear_line() {
    let mut scenario = b15_scenario();
    scenario["m2m"]["replies"] = json!([
        {"shape": "oauth", "status": 401, "error": "invalid_client",
         "error_description": "Invalid value for 'client_id' parameter."},
        {"shape": "okta", "status": 403, "errorCode": "E0000006",
         "errorSummary": "You do not have permission to perform the requested action"},
        {"shape": "www-authenticate", "status": 401, "error": "invalid_token",
         "error_description": "The access token is invalid."},
        // Last, as it repeats: a 502 is retried (issue 11), three attempts in all.
        {"shape": "html", "status": 502}
    ]);
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let expected: [&[&str]; 4] = [
        &[
            "401",
            "invalid_client: Invalid value for 'client_id' parameter.",
        ],
        &[
            "403",
            "You do not have permission to perform the requested action",
            "E0000006",
        ],
        &["401", "invalid_token: The access token is invalid."],
        &["502 Bad Gateway", "3 attempts"],
    ];
    for (i, parts) in expected.iter().enumerate() {
        let out = run(&mut org.m2m_b15());
        assert_eq!(out.code(), Some(1), "reply {i}: {}", out.stderr);
        let line = one_error_line(&out);
        if i < 3 {
            assert!(line.contains("fetching access token"), "reply {i}: {line}");
        }
        for p in *parts {
            assert!(line.contains(p), "reply {i}: {line:?} lacks {p:?}");
        }
        assert!(!line.contains("<html"), "reply {i}: raw HTML shown: {line}");
    }
    let reqs = org.requests();
    assert_eq!(
        reqs.len(),
        6,
        "one token request per run (three for the 502), no STS call"
    );
    assert!(reqs.iter().all(|r| r["route"] == "m2m-token"));
}

#[test]
fn sts_error_response_is_code_and_message() {
    let mut scenario = b15_scenario();
    scenario["sts"]["replies"] = json!([{
        "shape": "error", "status": 403, "code": "AccessDenied",
        "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    }]);
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    out.expect_code(1);
    let line = one_error_line(&out);
    assert_eq!(
        line,
        "Error: sts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"
    );
    assert_eq!(org.requests_to("sts").len(), 1);
}

#[test]
fn authz_id_default_and_custom_reach_url_and_audience() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let cases: [(Args, Envs, &str); 3] = [
        (&[], &[], "default"),
        (&["--authz-id", "aus1custom0001"], &[], "aus1custom0001"),
        (
            &[],
            &[("OKTA_AWSCLI_AUTHZ_ID", "aus2fromenv0002")],
            "aus2fromenv0002",
        ),
    ];
    for (args, envs, authz) in cases {
        let mut cmd = org.m2m_b15();
        cmd.args(args).envs(envs.iter().copied());
        let out = run(&mut cmd);
        out.expect_code(0);
        let token = org.requests_to("m2m-token").pop().expect("token request");
        let path = format!("/oauth2/{authz}/v1/token");
        assert_eq!(token["path"], path.as_str());
        let claims = jwt_claims(token["form"]["client_assertion"].as_str().expect("jws"));
        assert_eq!(claims["aud"], format!("{}{path}", org.base_url()));
    }

    // An org that only has the custom server refuses the default one.
    let mut scenario = b15_scenario();
    scenario["m2m"]["authz_id"] = json!("aus1custom0001");
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    out.expect_code(1);
    let line = one_error_line(&out);
    assert!(line.contains("404") && line.contains("default"), "{line}");
}

#[test]
fn custom_scope_reaches_okta() {
    let mut scenario = b15_scenario();
    scenario["m2m"]["allowed_scopes"] = json!(["okta-m2m-access", "aws.assume.ops"]);
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let out = run(&mut org.m2m_b15());
    out.expect_code(0);
    assert_eq!(
        org.requests_to("m2m-token")[0]["form"]["scope"],
        "okta-m2m-access"
    );

    let mut cmd = org.m2m_b15();
    cmd.args(["--custom-scope", "aws.assume.ops"]);
    run(&mut cmd).expect_code(0);
    assert_eq!(
        org.requests_to("m2m-token")[1]["form"]["scope"],
        "aws.assume.ops"
    );

    let mut cmd = org.m2m_b15();
    cmd.env("OKTA_AWSCLI_CUSTOM_SCOPE", "admin.all");
    let out = run(&mut cmd);
    out.expect_code(1);
    let line = one_error_line(&out);
    assert!(
        line.contains("invalid_scope") && line.contains("admin.all"),
        "{line}"
    );
}

#[test]
fn role_session_name_and_duration_reach_sts() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    // (flags, env, expected RoleSessionName, expected DurationSeconds)
    let cases: [(Args, Envs, &str, &str); 5] = [
        (&[], &[], "okta-aws-cli", "3600"),
        (
            &["--aws-sts-role-session-name", "ci-deploy-42"],
            &[],
            "ci-deploy-42",
            "3600",
        ),
        (
            &[],
            &[("OKTA_AWSCLI_STS_ROLE_SESSION_NAME", "from-env-session")],
            "from-env-session",
            "3600",
        ),
        (
            &[
                "--aws-sts-role-session-name",
                "flag-wins",
                "--aws-session-duration",
                "7200",
            ],
            &[("OKTA_AWSCLI_STS_ROLE_SESSION_NAME", "env-loses")],
            "flag-wins",
            "7200",
        ),
        (
            &[],
            &[("OKTA_AWSCLI_SESSION_DURATION", "900")],
            "okta-aws-cli",
            "900",
        ),
    ];
    for (args, envs, session, duration) in cases {
        let mut cmd = org.m2m_b15();
        cmd.args(args).envs(envs.iter().copied());
        run(&mut cmd).expect_code(0);
        let sts = org.requests_to("sts").pop().expect("sts request");
        assert_eq!(sts["form"]["RoleSessionName"], session, "{args:?} {envs:?}");
        assert_eq!(
            sts["form"]["DurationSeconds"], duration,
            "{args:?} {envs:?}"
        );
        assert_eq!(sts["form"]["RoleArn"], M2M_ROLE_ARN);
    }

    // Out of STS's bounds: refused before any request.
    let before = org.requests().len();
    let mut cmd = org.m2m_b15();
    cmd.args(["--aws-session-duration", "600"]);
    let out = run(&mut cmd);
    out.expect_code(2);
    let line = one_error_line(&out);
    assert!(line.contains("600") && line.contains("900"), "{line}");
    assert_eq!(org.requests().len(), before);
}

#[test]
fn token_request_shape_and_exactly_two_requests() {
    let mut scenario = b15_scenario();
    scenario["m2m"]["access_token"] = json!("simorg-at-fixed-FAKE-0123456789abcdef");
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    run(&mut org.m2m_b15()).expect_code(0);
    let all = org.requests();
    assert_eq!(all.len(), 2, "{all:#?}");
    let token = &all[0];
    assert_eq!(token["method"], "POST");
    assert_eq!(token["path"], "/oauth2/default/v1/token");
    assert_eq!(token["query"], "", "nothing in the URL");
    assert_eq!(token["form_duplicates"], json!([]));
    let form = token["form"].as_object().expect("form");
    let mut keys: Vec<&str> = form.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "client_assertion",
            "client_assertion_type",
            "grant_type",
            "scope"
        ]
    );
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(
        form["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    assert_eq!(form["scope"], "okta-m2m-access");
    assert_eq!(header(token, "x-okta-aws-cli-operation"), Some("m2m"));
    assert_eq!(header(token, "accept"), Some("application/json"));
    assert!(
        header(token, "content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")),
    );
    assert!(header(token, "user-agent").is_some_and(|u| u.starts_with("okta-aws-cli/")));
    let assertion = form["client_assertion"].as_str().expect("assertion");
    let claims = jwt_claims(assertion);
    assert_eq!(claims["iss"], M2M_CLIENT_ID);
    assert_eq!(claims["sub"], M2M_CLIENT_ID);
    assert_eq!(
        claims["aud"],
        format!("{}/oauth2/default/v1/token", org.base_url())
    );
    let (iat, exp) = (claims["iat"].as_i64(), claims["exp"].as_i64());
    assert!(
        matches!((iat, exp), (Some(i), Some(e)) if e > i && e - i <= 3600),
        "{claims}"
    );
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    assert!(
        !token["path"]
            .as_str()
            .unwrap_or_default()
            .contains(assertion)
    );

    let sts = &all[1];
    assert_eq!(sts["route"], "sts");
    assert_eq!(sts["method"], "POST");
    assert_eq!(sts["query"], "");
    assert_eq!(sts["form"]["Action"], "AssumeRoleWithWebIdentity");
    assert_eq!(sts["form"]["Version"], "2011-06-15");
    assert_eq!(
        sts["form"]["WebIdentityToken"],
        "simorg-at-fixed-FAKE-0123456789abcdef"
    );
    assert!(
        header(sts, "authorization").is_none(),
        "STS call is unsigned"
    );
}

#[test]
fn no_secret_on_stderr_even_with_debug_api_calls() {
    let access_token = "simorg-at-SECRET-FAKE-abcdefghijklmnop";
    let secret_key = "fakeSecretAccessKey+SIM/0123456789abcdef";
    let session_token = "FwoGZXIvYXdzEFAKE-SESSION-TOKEN-0123456789abcdefghij";
    let mut scenario = b15_scenario();
    scenario["m2m"]["access_token"] = json!(access_token);
    scenario["sts"]["credentials"] = json!({
        "AccessKeyId": "ASIASIMORGFAKE000001",
        "SecretAccessKey": secret_key,
        "SessionToken": session_token,
        "Expiration": "2030-05-01T13:00:00Z"
    });
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let mut secrets = vec![
        access_token.to_string(),
        secret_key.to_string(),
        session_token.to_string(),
        TEST_PASSPHRASE.to_string(),
    ];
    secrets.extend(pem_body_lines(&case_text("B15-key-pkcs8.pem")));
    secrets.extend(pem_body_lines(&case_text("B15-key-pkcs8-encrypted.pem")));
    let runs: [(&str, &[&str], bool); 4] = [
        ("plain", &[], false),
        ("--debug-api-calls", &["--debug-api-calls"], false),
        (
            "--debug-api-calls --debug, aws-credentials",
            &[
                "--debug-api-calls",
                "--debug",
                "--format",
                "aws-credentials",
            ],
            false,
        ),
        (
            "encrypted key, --debug-api-calls",
            &["--debug-api-calls"],
            true,
        ),
    ];
    for (what, args, encrypted) in runs {
        let mut cmd = if encrypted {
            let path = org.private_file("enc.pem", &case_text("B15-key-pkcs8-encrypted.pem"));
            let mut c = org.m2m_command();
            c.arg("--private-key-file")
                .arg(path)
                .env("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE", TEST_PASSPHRASE);
            c
        } else {
            org.m2m_b15()
        };
        cmd.args(args);
        let out = run(&mut cmd);
        out.expect_code(0);
        if args.contains(&"--debug-api-calls") {
            assert!(
                out.stderr.contains("/oauth2/default/v1/token"),
                "{what}: the debug dump is on stderr: {}",
                out.stderr
            );
        }
        let token = org.requests_to("m2m-token").pop().expect("token request");
        let assertion = token["form"]["client_assertion"].as_str().expect("jws");
        let mut all = secrets.clone();
        // Every part of the assertion (header, claims, signature) and the whole of it.
        all.push(assertion.to_string());
        all.push(assertion.rsplit('.').next().expect("signature").to_string());
        assert_no_secret(what, &out.stderr, &all);
    }

    // A failing STS call with --debug-api-calls still shows no token.
    let mut scenario = b15_scenario();
    scenario["m2m"]["access_token"] = json!(access_token);
    scenario["sts"]["replies"] = json!([{"shape": "error", "status": 400,
        "code": "InvalidIdentityToken", "message": "Couldn't retrieve verification key"}]);
    let Some(org) = SimOrg::start(scenario) else {
        return;
    };
    let mut cmd = org.m2m_b15();
    cmd.arg("--debug-api-calls");
    let out = run(&mut cmd);
    out.expect_code(1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("Error: sts: InvalidIdentityToken: Couldn't retrieve verification key"),
        "{}",
        out.stderr
    );
    assert_no_secret("failing run", &out.stderr, &[access_token.to_string()]);
}
