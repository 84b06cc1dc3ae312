//! Long-term keys in the AWS credentials file are never destroyed (issue 19, part 2), end to
//! end: the real binary against the simulated org and its STS and IAM stand-ins.
//!
//! A profile whose `aws_access_key_id` starts with `AKIA` and that has no session token is
//! refused, whatever chose its name: `--profile`, `OKTA_AWSCLI_PROFILE`, `.env`, a
//! `--profile-template` or an IAM account alias under `--all-profiles`. The run exits 2 with
//! one error line naming the profile and the file, and the file stays the same byte for
//! byte (for `--all-profiles`, every target is checked before anything is written).
//! `--force-overwrite` replaces the keys; it is a flag only, so the same word in the
//! environment, `.env` or okta.yaml changes nothing. Profiles with session credentials
//! (`ASIA…` and a session token) are updated as before.
//!
//! Without the test Python the tests are skipped with a note (a failure under `CI=true`).

use crate::support;

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;
use support::{Output, SimOrg, b15_scenario, run};

/// A credentials file written by hand: long-term keys in `[prod]` and `[Admin]`, session
/// keys in `[session]`.
const SEEDED: &str = "# written by hand\n[default]\nregion = eu-west-1\n\n\
    [prod]\naws_access_key_id = AKIAFAKELONGTERM0001\n\
    aws_secret_access_key = fakeLongTermSecret/0000000000000000000000001\n\n\
    [Admin]\naws_access_key_id     = AKIAFAKELONGTERM0002\n\
    aws_secret_access_key = fakeLongTermSecret/0000000000000000000000002\n\
    output = json\n\n\
    [session]\naws_access_key_id = ASIAFAKEOLDSESSION01\n\
    aws_secret_access_key = fakeOldSecret\naws_session_token = fakeOldToken\n";

fn credentials_path(org: &SimOrg) -> PathBuf {
    org.home().join(".aws").join("credentials")
}

/// Write [`SEEDED`] as the org's `~/.aws/credentials` (mode 0600).
fn seed(org: &SimOrg) -> PathBuf {
    let path = credentials_path(org);
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir ~/.aws");
    std::fs::write(&path, SEEDED).expect("seed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    path
}

/// `okta-aws-cli dotenv allow` in the work directory: the `.env` there, as it is now, may
/// set the profile and the format (README "The .env trust model").
fn allow_dotenv(org: &SimOrg) {
    run(org.command().args(["dotenv", "allow"])).expect_code(0);
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The run was refused for `profile`: exit 2, one error line naming the profile and the
/// file, nothing on stdout, the file as seeded.
fn assert_refused(out: &Output, profile: &str, path: &PathBuf) {
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    let lines = out.stderr_lines();
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("Error:")).collect();
    assert_eq!(
        errors,
        [&format!(
            "Error: not overwriting profile \"{profile}\" in credentials file \"{}\": it holds \
             a long-term access key (AKIA..., no session token); the file was not changed. \
             Write another profile, or pass --force-overwrite to replace those keys",
            path.display()
        )
        .as_str()],
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("Wrote profile") && !out.stderr.contains("Updated profile"),
        "{}",
        out.stderr
    );
    assert_eq!(read(path), SEEDED, "the file must stay byte for byte");
}

/// `m2m --format aws-credentials` with case B15's key.
fn m2m(org: &SimOrg) -> Command {
    let mut cmd = org.m2m_b15();
    cmd.args(["--format", "aws-credentials"]);
    cmd
}

#[test]
fn a_flag_or_environment_chosen_profile_with_long_term_keys_is_refused_before_sign_in() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let path = seed(&org);
    // By flag (also written as --profile=prod, and with process-credentials + write).
    for extra in [
        &["--profile", "prod"][..],
        &["--profile=prod", "--force-overwrite=false"],
        &[
            "--profile",
            "prod",
            "--format",
            "process-credentials",
            "--write-aws-credentials",
        ],
    ] {
        let out = run(m2m(&org).args(extra));
        assert_refused(&out, "prod", &path);
    }
    // By the environment.
    let out = run(m2m(&org).env("OKTA_AWSCLI_PROFILE", "prod"));
    assert_refused(&out, "prod", &path);
    // Refused before any sign-in: the org and STS saw nothing.
    assert_eq!(org.requests().len(), 0, "{:?}", org.requests());

    // --force-overwrite replaces the keys, says so, and keeps everything else.
    let out = run(m2m(&org).args(["--profile", "prod", "--force-overwrite"]));
    out.expect_code(0);
    assert!(
        out.stderr.contains(
            "WARNING: --force-overwrite: replaced the long-term access key of profile \"prod\""
        ),
        "{}",
        out.stderr
    );
    let text = read(&path);
    assert!(!text.contains("AKIAFAKELONGTERM0001"), "{text}");
    assert!(
        text.contains("AKIAFAKELONGTERM0002"),
        "[Admin] untouched: {text}"
    );
    assert!(text.starts_with("# written by hand\n[default]\nregion = eu-west-1\n\n[prod]\n"));
}

#[test]
fn a_dotenv_chosen_profile_is_refused_and_force_overwrite_is_a_flag_only() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let path = seed(&org);
    let dotenv = org.work_dir().join(".env");
    std::fs::write(
        &dotenv,
        "OKTA_AWSCLI_PROFILE=prod\nOKTA_AWSCLI_FORMAT=aws-credentials\n",
    )
    .expect(".env");
    allow_dotenv(&org);
    let out = run(&mut org.m2m_b15());
    assert_refused(&out, "prod", &path);

    // The flag's name in the environment, in .env or in okta.yaml does not force.
    let out = run(org.m2m_b15().env("OKTA_AWSCLI_FORCE_OVERWRITE", "true"));
    assert_refused(&out, "prod", &path);
    std::fs::write(
        &dotenv,
        "OKTA_AWSCLI_PROFILE=prod\nOKTA_AWSCLI_FORMAT=aws-credentials\nOKTA_AWSCLI_FORCE_OVERWRITE=true\n",
    )
    .expect(".env");
    allow_dotenv(&org);
    let out = run(&mut org.m2m_b15());
    assert_refused(&out, "prod", &path);
    let okta = org.home().join(".okta");
    std::fs::create_dir_all(&okta).expect("mkdir ~/.okta");
    std::fs::write(
        okta.join("okta.yaml"),
        "awscli:\n  profiles:\n    prod:\n      force-overwrite: true\n",
    )
    .expect("okta.yaml");
    let out = run(&mut org.m2m_b15());
    assert_refused(&out, "prod", &path);
    assert!(
        out.stderr.contains("unknown key \"force-overwrite\""),
        "okta.yaml's key is ignored with a warning: {}",
        out.stderr
    );
    // --explain shows it off, from the default, and what the run would do.
    let out = run(org
        .m2m_b15()
        .arg("--explain")
        .env("OKTA_AWSCLI_FORCE_OVERWRITE", "true"));
    out.expect_code(0);
    let row = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("force-overwrite "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        row.contains("false") && row.contains("default (command line only)"),
        "{row}"
    );
    assert!(
        out.stdout
            .contains("profile \"prod\" holds long-term keys: the run refuses to replace them"),
        "{}",
        out.stdout
    );
    assert_eq!(read(&path), SEEDED);
}

#[test]
fn session_credentials_are_still_updated_in_place() {
    let Some(org) = SimOrg::start(b15_scenario()) else {
        return;
    };
    let path = seed(&org);
    let out = run(m2m(&org).args(["--profile", "session"]));
    out.expect_code(0);
    assert!(!out.stderr.contains("--force-overwrite"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Updated profile \"session\""),
        "{}",
        out.stderr
    );
    let text = read(&path);
    assert!(!text.contains("ASIAFAKEOLDSESSION01"), "{text}");
    let head = &SEEDED[..SEEDED.find("[session]").expect("section")];
    assert!(text.starts_with(head), "other profiles untouched: {text}");
}

// ---------------------------------------------------------------------------------------
// --all-profiles: names from a template or an IAM account alias.
// ---------------------------------------------------------------------------------------

const WEB_CLIENT: &str = "0oaWEBlongterm01";

/// A web org with one Federation app: `Admin` in account 1 (alias `sandbox`) and
/// `Deploy` in account 2 (alias `prod`).
fn web_org() -> Option<SimOrg> {
    let roles = [
        "arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/Admin",
        "arn:aws:iam::222222222222:saml-provider/Okta,arn:aws:iam::222222222222:role/Deploy",
    ];
    SimOrg::start(json!({
        "web": {
            "client_id": WEB_CLIENT,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": [{"id": "0oaFEDlong", "label": "AWS", "appName": "amazon_aws", "roles": roles}],
        },
        "sts": {},
        "iam": {"aliases": {"111111111111": "sandbox", "222222222222": "prod"}},
    }))
}

fn all_profiles(org: &SimOrg, template: &str) -> Command {
    let mut cmd = org.command();
    cmd.arg("web")
        .args(["--org-domain", &org.base_url()])
        .args(["--oidc-client-id", WEB_CLIENT])
        .args(["--aws-acct-fed-app-id", "0oaFEDlong"])
        .args(["--all-profiles", "--profile-template", template])
        .env("AWS_ENDPOINT_URL_IAM", format!("{}/iam/", org.base_url()));
    cmd
}

#[test]
fn a_template_chosen_profile_is_refused_with_nothing_written() {
    let Some(org) = web_org() else {
        return;
    };
    let path = seed(&org);
    // `{role}` names the roles `Admin` (long-term keys in the file) and `Deploy` (new):
    // neither is written.
    let out = run(&mut all_profiles(&org, "{role}"));
    assert_refused(&out, "Admin", &path);
    assert!(!out.stderr.contains("[Deploy]"), "{}", out.stderr);

    let out = run(all_profiles(&org, "{role}").arg("--force-overwrite"));
    out.expect_code(0);
    let text = read(&path);
    assert!(!text.contains("AKIAFAKELONGTERM0002"), "{text}");
    assert!(text.contains("[Deploy]\n"), "{text}");
    assert!(
        text.contains("AKIAFAKELONGTERM0001"),
        "[prod] untouched: {text}"
    );
}

#[test]
fn an_account_alias_equal_to_a_long_term_profile_is_refused_with_nothing_written() {
    let Some(org) = web_org() else {
        return;
    };
    let path = seed(&org);
    // The alias of account 2 is `prod`, the name of the profile with long-term keys; the
    // profile `sandbox` (account 1) is not written either.
    let out = run(&mut all_profiles(&org, "{alias}"));
    assert_refused(&out, "prod", &path);
    assert_eq!(
        org.requests_to("iam").len(),
        2,
        "the names come from IAM after sign-in"
    );

    let out = run(all_profiles(&org, "{alias}").arg("--force-overwrite"));
    out.expect_code(0);
    let text = read(&path);
    assert!(!text.contains("AKIAFAKELONGTERM0001"), "{text}");
    assert!(text.contains("[sandbox]\n"), "{text}");
}
