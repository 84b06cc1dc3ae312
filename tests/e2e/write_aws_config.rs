//! `web --all-profiles --write-aws-config` (docs/decisions.md#d-write-aws-config) end to end:
//! the real binary against the simulated org, STS and IAM at moto, and the real AWS CLI
//! reading the config file we wrote: `aws configure list-profiles` lists the profiles, and
//! `aws sts get-caller-identity --profile NAME` runs our `credential_process` line, which is
//! answered from the credential cache this run seeded (no request reaches the simulated
//! org). Also: foreign sections, comments and blank lines kept byte for byte, a role gone
//! on a rerun, the credentials file left alone with one note per shadowing section, mode
//! kept, a broken config file refused untouched, the usage error, and a binary in a folder
//! with a space. botocore's own splitter (`tests/support/pycheck.py split`) checks the
//! quoting for Linux and Windows.
//!
//! Without moto, the AWS CLI or the test Python the tests are skipped with a note (a
//! failure under `CI=true`). Unix only: the AWS CLI here is a Linux program and cannot start
//! our Windows binary.
#![cfg(unix)]

use crate::support;

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use support::{HostCommand, SimOrg, run};

const CLIENT_ID: &str = "0oaWEBawsconfig001";
const ACCOUNT: &str = "123456789012";
const SESSION: &str = "jane.doe@example.com";

fn role(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn idp() -> String {
    format!("arn:aws:iam::{ACCOUNT}:saml-provider/CfgOkta")
}

/// A web org with one Federation app per role name (moto reads one Role value per
/// assertion, role ARN first).
fn scenario(roles: &[&str]) -> Value {
    let apps: Vec<Value> = roles
        .iter()
        .map(|r| {
            json!({
                "id": format!("0oaFED{r}"),
                "label": format!("AWS {r}"),
                "appName": "amazon_aws",
                "roles": [format!("{},{}", role(r), idp())],
                "role_session_name": SESSION
            })
        })
        .collect();
    json!({
        "web": {
            "client_id": CLIENT_ID,
            "device": {"interval": 1, "expires_in": 120, "approve_after": 0},
            "apps": apps,
        },
        "sts": {}
    })
}

struct Setup {
    moto: String,
    aws: PathBuf,
    py: PathBuf,
    org: SimOrg,
}

fn setup(roles: &[&str]) -> Option<Setup> {
    let moto = support::moto_url()?;
    let aws = support::aws_cli()?;
    let py = support::python()?;
    let org = SimOrg::start(scenario(roles))?;
    Some(Setup { moto, aws, py, org })
}

impl Setup {
    fn config(&self) -> PathBuf {
        self.org.home().join(".aws/config")
    }

    fn credentials(&self) -> PathBuf {
        self.org.home().join(".aws/credentials")
    }

    /// `web --all-profiles --write-aws-config`, profiles named `okta-<role>`, STS and IAM
    /// at moto, the default config and credentials files.
    fn write_run(&self) -> Command {
        self.write_run_with(Command::new(env!("CARGO_BIN_EXE_okta-aws-cli")))
    }

    fn write_run_with(&self, program: Command) -> Command {
        self.write_run_named(program, "okta-{role}")
    }

    /// [`Setup::write_run_with`], the profiles named by `template`.
    fn write_run_named(&self, program: Command, template: &str) -> Command {
        let mut cmd = self.org.command();
        // Same environment, another program.
        let mut with = program;
        with.env_clear();
        for (k, v) in cmd.get_envs() {
            if let Some(v) = v {
                with.env(k, v);
            }
        }
        if let Some(dir) = cmd.get_current_dir() {
            with.current_dir(dir);
        }
        cmd = with;
        cmd.env("AWS_ENDPOINT_URL_STS", &self.moto)
            .env("AWS_ENDPOINT_URL_IAM", &self.moto)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(["web", "--org-domain", &self.org.base_url()])
            .args(["--oidc-client-id", CLIENT_ID])
            .args(["--all-profiles", "--write-aws-config"])
            .args(["--profile-template", template])
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// The AWS CLI as a user runs it: HOME, the default files, the same STS endpoint
    /// override and CA as our run (what the child needs when it has to sign in).
    fn aws(&self) -> HostCommand {
        let mut cmd = HostCommand::new(&self.aws);
        cmd.env_clear()
            .current_dir(&self.org.work_dir())
            .env_path("HOME", &self.org.home())
            .env_keep("PATH")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_path("SSL_CERT_FILE", &self.org.ca_path())
            .env("AWS_ENDPOINT_URL_STS", &self.moto)
            .env("OKTA_AWSCLI_OPEN_BROWSER", "false");
        cmd
    }

    /// `aws sts get-caller-identity --profile NAME` at moto: the ARN it prints.
    fn caller_arn(&self, profile: &str) -> String {
        let out = self
            .aws()
            .args(["sts", "get-caller-identity", "--endpoint-url", &self.moto])
            .args([
                "--region",
                "us-east-1",
                "--output",
                "json",
                "--profile",
                profile,
            ])
            .output();
        out.expect_code(0);
        let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
        doc["Arn"].as_str().expect("Arn").to_string()
    }

    /// `aws configure list-profiles` (AWS CLI v2). AWS CLI v1 has no such command: there,
    /// what v2 prints, botocore's `Session().available_profiles`, in the same environment.
    fn list_profiles(&self) -> Vec<String> {
        let out = self.aws().args(["configure", "list-profiles"]).output();
        let out = if out.code() == Some(2) && out.stderr.contains("Invalid choice") {
            let mut py = HostCommand::new(&self.py);
            py.env_clear()
                .env_path("HOME", &self.org.home())
                .arg("-c")
                .arg("import botocore.session as s; print('\\n'.join(s.Session().available_profiles))");
            py.output()
        } else {
            out
        };
        out.expect_code(0);
        out.stdout.lines().map(str::to_string).collect()
    }
}

fn assumed(name: &str) -> String {
    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{SESSION}")
}

/// The `credential_process` value of `[profile NAME]` in `text`.
fn credential_process(text: &str, profile: &str) -> String {
    let header = format!("[profile {profile}]\n");
    let at = text.find(&header).expect("section") + header.len();
    text[at..]
        .lines()
        .find_map(|l| l.strip_prefix("credential_process = "))
        .expect("credential_process line")
        .to_string()
}

const FOREIGN_HEAD: &str = "# hand-written, keep me\n[default]\nregion = eu-west-1\noutput = json\n\n\n; another comment\n[profile sso-dev]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n";

#[test]
fn the_aws_cli_runs_the_written_profiles_from_the_seeded_cache() {
    let Some(s) = setup(&["CfgAdmin", "CfgOps"]) else {
        return;
    };
    std::fs::create_dir_all(s.config().parent().unwrap()).unwrap();
    std::fs::write(s.config(), FOREIGN_HEAD).unwrap();
    std::fs::set_permissions(
        s.config(),
        std::os::unix::fs::PermissionsExt::from_mode(0o640),
    )
    .unwrap();
    // A credentials-file section of the same name as one profile: one note, file unchanged.
    let creds_text = "[okta-CfgOps]\naws_access_key_id = ASIASTALE00000000000\naws_secret_access_key = x\naws_session_token = y\n";
    std::fs::write(s.credentials(), creds_text).unwrap();

    let out = run(&mut s.write_run());
    out.expect_code(0);
    assert_eq!(out.stdout, "", "nothing on stdout");
    let notes: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("shadows"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(notes[0].contains("[okta-CfgOps]"), "{}", notes[0]);
    assert_eq!(
        std::fs::read_to_string(s.credentials()).unwrap(),
        creds_text
    );

    let text = std::fs::read_to_string(s.config()).unwrap();
    assert!(text.starts_with(FOREIGN_HEAD), "{text}");
    assert!(text.contains("[profile okta-CfgAdmin]\n# okta-aws-cli --write-aws-config: org="));
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(s.config()).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o640, "mode kept");
    // botocore reads the file.
    let parsed = support::pycheck(&s.py, "botocore", &json!({"text": text}));
    assert!(parsed["error"].is_null(), "{parsed}");

    let mut listed = s.list_profiles();
    listed.sort();
    assert_eq!(
        listed,
        ["default", "okta-CfgAdmin", "okta-CfgOps", "sso-dev"]
    );

    // The first call through credential_process is a cache hit: no request at the org.
    let before = s.org.requests().len();
    assert_eq!(s.caller_arn("okta-CfgAdmin"), assumed("CfgAdmin"));
    assert_eq!(
        s.org.requests().len(),
        before,
        "the sim org was not asked again"
    );
    // The line runs this binary by its absolute path, for that role.
    let argv = support::pycheck(
        &s.py,
        "split",
        &json!({"line": credential_process(&text, "okta-CfgAdmin"), "platform": "linux"}),
    );
    let argv: Vec<&str> = argv["argv"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(argv[0], env!("CARGO_BIN_EXE_okta-aws-cli"));
    assert!(
        argv.windows(2)
            .any(|w| w == ["--aws-iam-role", role("CfgAdmin").as_str()])
    );
    assert!(
        argv.windows(2)
            .any(|w| w == ["--format", "process-credentials"])
    );

    // A rerun where CfgOps is gone: its section goes; the rest stays byte for byte.
    s.org.set_scenario(&scenario(&["CfgAdmin"]));
    let out = run(&mut s.write_run());
    out.expect_code(0);
    assert!(
        out.stderr.contains(&format!(
            "Removed profile \"okta-CfgOps\" from AWS config file \"{}\": it is not among the \
             profiles this run writes (its role is gone, or --profile-template names it otherwise).",
            s.config().display()
        )),
        "{}",
        out.stderr
    );
    let after = std::fs::read_to_string(s.config()).unwrap();
    let ops_start = text.find("\n[profile okta-CfgOps]").unwrap();
    assert_eq!(after, text[..ops_start]);
    assert_eq!(
        std::fs::read_to_string(s.credentials()).unwrap(),
        creds_text
    );
    assert_eq!(s.caller_arn("okta-CfgAdmin"), assumed("CfgAdmin"));

    // Another template: the role is still there, under a new name; the old section goes,
    // and the message does not say the role is gone.
    let program = Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"));
    let out = run(&mut s.write_run_named(program, "team-{role}"));
    out.expect_code(0);
    let removed: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("Removed profile"))
        .collect();
    assert_eq!(removed.len(), 1, "{}", out.stderr);
    assert!(
        removed[0].starts_with("Removed profile \"okta-CfgAdmin\"")
            && removed[0].contains("it is not among the profiles this run writes")
            && !removed[0].contains("not found"),
        "{}",
        removed[0]
    );
    let renamed = std::fs::read_to_string(s.config()).unwrap();
    assert!(renamed.starts_with(FOREIGN_HEAD) && renamed.contains("[profile team-CfgAdmin]"));
    assert!(!renamed.contains("okta-CfgAdmin"), "{renamed}");
}

#[test]
fn a_config_file_botocore_refuses_is_left_untouched() {
    let Some(s) = setup(&["CfgAdmin"]) else {
        return;
    };
    let broken = "[profile a]\nregion = x\n\n[profile a]\nregion = y\n";
    std::fs::create_dir_all(s.config().parent().unwrap()).unwrap();
    std::fs::write(s.config(), broken).unwrap();
    let out = run(&mut s.write_run());
    out.expect_code(1);
    let config = s.config();
    let error = out
        .stderr_lines()
        .into_iter()
        .find(|l| l.starts_with("Error:"))
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains(&config.display().to_string()),
        "{}",
        out.stderr
    );
    assert!(
        error.contains("line 4: section [profile a] appears more than once"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), broken);
    assert!(!s.credentials().exists(), "nothing in the credentials file");
    // A foreign section of a profile's name is refused too.
    let foreign = "[profile okta-CfgAdmin]\nregion = x\n";
    std::fs::write(&config, foreign).unwrap();
    let out = run(&mut s.write_run());
    out.expect_code(1);
    assert!(
        out.stderr.contains("okta-aws-cli does not manage it"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), foreign);
    // A byte-order mark: botocore refuses the file, so do we.
    let bom = "\u{feff}[default]\nregion = eu-west-1\n";
    let parsed = support::pycheck(&s.py, "botocore", &json!({"text": bom}));
    assert!(
        parsed["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("MissingSectionHeaderError")),
        "{parsed}"
    );
    std::fs::write(&config, bom).unwrap();
    let out = run(&mut s.write_run());
    out.expect_code(1);
    assert!(
        out.stderr_lines().iter().any(|l| l.starts_with("Error:")
            && l.contains(&config.display().to_string())
            && l.contains("starts with a byte-order mark")),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), bom);
}

#[test]
fn write_aws_config_needs_all_profiles() {
    let tmp = support::tempdir();
    for args in [
        vec!["web", "--write-aws-config"],
        vec!["m2m", "--write-aws-config"],
        vec![
            "web",
            "--all-profiles",
            "--write-aws-config",
            "--write-aws-credentials",
        ],
    ] {
        let out = run(Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"))
            .env_clear()
            .env("HOME", tmp.path())
            .current_dir(tmp.path())
            .args([
                "--org-domain",
                "example.okta.com",
                "--oidc-client-id",
                "0oa1",
            ])
            .args(&args));
        if args[0] == "m2m" {
            // m2m has no such flag: argh refuses it.
            assert_eq!(out.code(), Some(2), "{}", out.stderr);
            continue;
        }
        out.expect_code(2);
        assert!(
            out.stderr
                .contains("--write-aws-config (OKTA_AWSCLI_WRITE_AWS_CONFIG)"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_binary_in_a_folder_with_a_space_is_quoted_for_botocore() {
    let Some(s) = setup(&["CfgAdmin"]) else {
        return;
    };
    let dir = s.org.home().join("my tools");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("okta-aws-cli");
    std::fs::copy(env!("CARGO_BIN_EXE_okta-aws-cli"), &exe).unwrap();
    let out = run(&mut s.write_run_with(Command::new(&exe)));
    out.expect_code(0);
    let text = std::fs::read_to_string(s.config()).unwrap();
    let line = credential_process(&text, "okta-CfgAdmin");
    let argv = support::pycheck(&s.py, "split", &json!({"line": line, "platform": "linux"}));
    assert_eq!(
        argv["argv"][0].as_str(),
        Some(exe.to_str().unwrap()),
        "{line}"
    );
    let before = s.org.requests().len();
    assert_eq!(s.caller_arn("okta-CfgAdmin"), assumed("CfgAdmin"));
    assert_eq!(s.org.requests().len(), before);
}

#[test]
fn botocore_splits_our_lines_back_into_the_words_on_both_systems() {
    let Some(py) = support::python() else { return };
    use okta_aws_cli::output::aws_config::command_line;
    let words: Vec<String> = [
        r"C:\Program Files\okta aws\okta-aws-cli.exe",
        "/opt/my tools/okta-aws-cli",
        "it's",
        r#"quote"inside"#,
        r"trailing\",
        r"dir with space\",
        r#"back\"slash"#,
        "",
        "two  spaces",
        "$HOME #not-a-comment",
        r"C:\R&D (x86)\100%^|<>.exe",
        "arn:aws:iam::123456789012:role/team/Admin",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (windows, platform) in [(false, "linux"), (true, "win32")] {
        let line = command_line(&words, windows).unwrap();
        let out = support::pycheck(&py, "split", &json!({"line": line, "platform": platform}));
        let argv: Vec<String> = serde_json::from_value(out["argv"].clone())
            .unwrap_or_else(|_| panic!("{platform}: {out} for {line}"));
        assert_eq!(argv, words, "{platform}: {line}");
    }
}

#[test]
fn sections_are_read_as_profiles_as_botocore_reads_them() {
    let Some(py) = support::python() else { return };
    use okta_aws_cli::output::aws_config::profile_of_section;
    let sections = [
        "profile x",
        "profile  x",
        "profile \"x\"",
        "profile 'x'",
        "profile\tx",
        "profile x ",
        "profile default",
        "default",
        " default",
        "Profile x",
        "profilex y",
        "profile",
        "profile x y",
        "profile \"a b\"",
        r"profile a\ b",
        r"profile a\b",
        r"profile x\\",
        "profile \"x",
        "profile 'x",
        "profile #x",
        "profile x#y",
        r#"profile "a\$b\`c\"d""#,
        r"profile 'a\b'",
        "profile \"\"",
        "profile é",
        "profile a\u{a0}b",
        "sso-session x",
    ];
    let out = support::pycheck(&py, "profile-names", &json!({"sections": sections}));
    let theirs = out["profiles"].as_array().expect("profiles");
    for (section, theirs) in sections.iter().zip(theirs) {
        // A section botocore cannot parse at all is no profile either.
        let theirs = theirs.as_str().map(str::to_string);
        assert_eq!(profile_of_section(section), theirs, "[{section}]");
    }
}

#[test]
fn a_section_botocore_reads_as_the_profile_is_that_profiles_section() {
    let Some(s) = setup(&["CfgAdmin"]) else {
        return;
    };
    std::fs::create_dir_all(s.config().parent().unwrap()).unwrap();
    // The user's own section, written otherwise: refused, named as written.
    let foreign = "[default]\nregion = eu-west-1\n\n[profile  okta-CfgAdmin]\nregion = eu-west-2\noutput = table\n";
    std::fs::write(s.config(), foreign).unwrap();
    let out = run(&mut s.write_run());
    out.expect_code(1);
    let error = out
        .stderr_lines()
        .into_iter()
        .find(|l| l.starts_with("Error:"))
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains(&s.config().display().to_string())
            && error.contains(
                "already has a section [profile  okta-CfgAdmin] (line 4) for profile \"okta-CfgAdmin\""
            ),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(s.config()).unwrap(), foreign);

    // Our own section, its header rewritten by hand: updated where it is, nothing appended.
    std::fs::write(s.config(), "").unwrap();
    run(&mut s.write_run()).expect_code(0);
    let ours = std::fs::read_to_string(s.config()).unwrap();
    let quoted = ours.replace("[profile okta-CfgAdmin]", "[profile \"okta-CfgAdmin\"]");
    assert_ne!(quoted, ours);
    let stale = quoted.replace("credential_process = ", "credential_process = /stale ");
    std::fs::write(s.config(), &stale).unwrap();
    run(&mut s.write_run()).expect_code(0);
    assert_eq!(std::fs::read_to_string(s.config()).unwrap(), quoted);
    let parsed = support::pycheck(&s.py, "botocore", &json!({"text": quoted}));
    assert!(
        parsed["config"]["profile \"okta-CfgAdmin\""]["credential_process"]
            .as_str()
            .is_some_and(|l| !l.contains("/stale"))
    );
    assert_eq!(s.caller_arn("okta-CfgAdmin"), assumed("CfgAdmin"));
}

#[test]
fn profile_names_botocore_cannot_read_back_are_refused_before_writing() {
    let Some(s) = setup(&["CfgAdmin"]) else {
        return;
    };
    for template in ["okta {role}", "okta'{role}", r"okta\{role}"] {
        let out = run(s.write_run().args(["--profile-template", template]));
        out.expect_code(2);
        let error = out
            .stderr_lines()
            .into_iter()
            .find(|l| l.starts_with("Error:"))
            .unwrap_or_default()
            .to_string();
        let name = template.replace("{role}", "CfgAdmin");
        assert!(
            error.contains(&format!("as profile {name:?}"))
                && error.contains("botocore cannot read back"),
            "{}",
            out.stderr
        );
        assert!(!s.config().exists(), "nothing written");
        assert!(!s.config().parent().unwrap().exists(), "no folder either");
    }
    // What botocore reads back from a section with such a name: another profile, or none.
    let names = support::pycheck(
        &s.py,
        "profile-names",
        &json!({"sections": ["profile okta CfgAdmin", "profile okta'CfgAdmin", "profile okta\\CfgAdmin"]}),
    );
    assert_eq!(names["profiles"], json!([null, null, "oktaCfgAdmin"]));
}

#[test]
fn a_config_file_that_cannot_be_written_is_refused_before_the_sign_in() {
    let Some(s) = setup(&["CfgAdmin"]) else {
        return;
    };
    let dir = s.org.home().join("cfgs");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken");
    std::fs::write(&broken, "[a]\n[a]\n").unwrap();
    let bom = dir.join("bom");
    std::fs::write(&bom, "\u{feff}[default]\n").unwrap();
    let read_only = dir.join("read-only");
    std::fs::write(&read_only, "[default]\n").unwrap();
    std::fs::set_permissions(
        &read_only,
        std::os::unix::fs::PermissionsExt::from_mode(0o400),
    )
    .unwrap();
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let cases: Vec<(String, i32, &str)> = vec![
        (
            broken.display().to_string(),
            1,
            "section [a] appears more than once",
        ),
        (
            bom.display().to_string(),
            1,
            "starts with a byte-order mark",
        ),
        (read_only.display().to_string(), 1, "is read-only"),
        ("/dev/null".into(), 1, "is not a regular file"),
        (fifo.display().to_string(), 1, "is not a regular file"),
        (dir.display().to_string(), 1, "is not a regular file"),
        ("~nobody-here/config".into(), 2, "starts with ~user"),
    ];
    for (path, code, why) in cases {
        let before = s.org.requests().len();
        let out = run(s.write_run().env("AWS_CONFIG_FILE", &path));
        out.expect_code(code);
        assert!(
            out.stderr_lines()
                .iter()
                .any(|l| l.starts_with("Error:") && l.contains(&path) && l.contains(why)),
            "{path}: {}",
            out.stderr
        );
        assert_eq!(s.org.requests().len(), before, "{path}: no sign-in");
    }
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "[a]\n[a]\n");
    assert!(!s.org.work_dir().join("~nobody-here").exists());
    // A folder this user may not write to (root may write anywhere: checked as a user only).
    if !rustix::process::geteuid().is_root() {
        let locked = dir.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o500))
            .unwrap();
        let path = locked.join("config").display().to_string();
        let before = s.org.requests().len();
        let out = run(s.write_run().env("AWS_CONFIG_FILE", &path));
        out.expect_code(1);
        assert!(out.stderr.contains("is not writable"), "{}", out.stderr);
        assert_eq!(s.org.requests().len(), before);
    }
}
