//! PURE: checks across settings, after each value is parsed: the required ones of each
//! command, and the combinations that cannot work together (`--exec`, `--all-profiles`,
//! `--ecs-server`, `--write-aws-config`). Each failure is one [`Error::Usage`] or
//! [`Error::Config`] line naming the settings (docs/decisions.md#d-validation).

use crate::config::settings::{Command, Config, Format};
use crate::error::{Error, Result};

/// All missing required values of `web`/`m2m`/`direct`, named in one error
/// (docs/decisions.md#d-validation; `direct` needs the username, and asks for a missing
/// password). `--clear-cache` needs the org alone (it removes every entry of the org,
/// whatever the client, role or key): without it, an [`Error::Usage`] that says so.
pub(super) fn check_required(cfg: &Config) -> Result<()> {
    let flow = matches!(cfg.command, Command::Web | Command::M2m | Command::Direct);
    if flow && cfg.clear_cache {
        if cfg.org.base.is_empty() {
            return Err(Error::usage(format!(
                "--clear-cache needs the Okta org whose cache it empties: set --org-domain (OKTA_AWSCLI_ORG_DOMAIN) by flag, environment variable, .env or okta.yaml profile {:?}",
                cfg.profile
            )));
        }
        return Ok(());
    }
    let mut missing: Vec<&str> = Vec::new();
    if matches!(cfg.command, Command::Web | Command::M2m | Command::Direct) {
        if cfg.org.base.is_empty() {
            missing.push("--org-domain (OKTA_AWSCLI_ORG_DOMAIN)");
        }
        if cfg.oidc_client_id.is_empty() {
            missing.push("--oidc-client-id (OKTA_AWSCLI_OIDC_CLIENT_ID)");
        }
    }
    if cfg.command == Command::M2m {
        if cfg.aws_iam_role.is_none() {
            missing.push("--aws-iam-role (OKTA_AWSCLI_IAM_ROLE)");
        }
        if cfg.key_id.is_none() {
            missing.push("--key-id (OKTA_AWSCLI_KEY_ID)");
        }
        if cfg.private_key.is_none() && cfg.private_key_file.is_none() {
            missing.push(
                "--private-key or --private-key-file (OKTA_AWSCLI_PRIVATE_KEY / OKTA_AWSCLI_PRIVATE_KEY_FILE)",
            );
        }
    }
    if cfg.command == Command::Direct {
        if cfg.aws_iam_role.is_none() {
            missing.push("--aws-iam-role (OKTA_AWSCLI_IAM_ROLE)");
        }
        if cfg.username.is_none() {
            missing.push("--username (OKTA_AWSCLI_USERNAME)");
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let cmd = match cfg.command {
        Command::M2m => "m2m",
        Command::Direct => "direct",
        _ => "web",
    };
    Err(Error::config(format!(
        "missing required settings for {cmd}: {}; set each by flag, environment variable, .env or okta.yaml profile {:?}",
        missing.join(", "),
        cfg.profile
    )))
}

/// `--exec` needs words after `--`; words after `--` need `--exec` (docs/decisions.md#d-exec, B37).
pub(super) fn check_exec(cfg: &Config) -> Result<()> {
    // `--clear-cache` runs nothing: an `--exec` from a lower layer does not matter to it.
    let runs_flow =
        matches!(cfg.command, Command::Web | Command::M2m | Command::Direct) && !cfg.clear_cache;
    if cfg.exec && runs_flow && cfg.exec_args.is_empty() {
        return Err(Error::usage("--exec needs a command after --"));
    }
    if !cfg.exec && !cfg.exec_args.is_empty() {
        return Err(Error::usage(format!(
            "unexpected command after --: {:?} (add --exec to run it)",
            cfg.exec_args[0]
        )));
    }
    Ok(())
}

/// `web --all-profiles` gives many sets of credentials: refuse the outputs that take one.
pub(super) fn refuse_all_profiles_with_one_set(cfg: &Config) -> Result<()> {
    if cfg.all_profiles && cfg.command == Command::Web {
        // One credential_process answer is one set of credentials, and one child process
        // gets one set of variables: neither can take every profile.
        if cfg.format == Format::ProcessCredentials {
            return Err(Error::usage(
                "--all-profiles cannot be used with --format process-credentials \
                 (credential_process takes one set of credentials); use --format aws-credentials",
            ));
        }
        if cfg.format == Format::EksToken {
            return Err(Error::usage(
                "--all-profiles cannot be used with --format eks-token (a token is for one \
                 role); pick one role with --aws-iam-role instead",
            ));
        }
        if cfg.exec {
            return Err(Error::usage(
                "--all-profiles cannot be used with --exec (the command would get only one \
                 of the profiles); pick one role with --aws-iam-role instead",
            ));
        }
    }
    Ok(())
}

/// Refuse what needs one role with `web --all-profiles` (a role chain, a console URL), and
/// a console URL with `--exec` (both would write on stdout).
pub(super) fn refuse_one_role_outputs(cfg: &Config) -> Result<()> {
    if cfg.command == Command::Web && cfg.all_profiles {
        if !cfg.chain_roles.is_empty() {
            return Err(Error::usage(
                "--all-profiles cannot be used with --chain-role (a chain starts from one role); \
                 pick the first role with --aws-iam-role instead",
            ));
        }
        if cfg.format == Format::ConsoleUrl {
            return Err(Error::usage(
                "--all-profiles cannot be used with --format console-url (one sign-in URL is for \
                 one role); pick one role with --aws-iam-role instead",
            ));
        }
    }
    if cfg.format == Format::ConsoleUrl && cfg.exec {
        return Err(Error::usage(
            "--format console-url cannot be used with --exec (stdout would mix the URL with the \
             command's output); use --format noop with --exec",
        ));
    }
    Ok(())
}

/// `--ecs-server` serves the credentials to the `--exec` command
/// (docs/decisions.md#d-ecs-server), so a sign-in run with it needs `--exec`, and the AWS
/// credential cache (which answers the endpoint's requests) must stay on.
///
/// Errors: [`Error::Usage`] naming `--ecs-server` and `--exec`, or `--ecs-server` and the
/// cache setting, or a credentials-file write of the profile `default` (the SDKs would
/// take its keys before the endpoint). `--clear-cache` runs nothing and is not checked.
pub(super) fn check_ecs_server(cfg: &Config) -> Result<()> {
    let flow = matches!(cfg.command, Command::Web | Command::M2m | Command::Direct);
    if !cfg.ecs_server || !flow || cfg.clear_cache {
        return Ok(());
    }
    if !cfg.exec {
        return Err(Error::usage(
            "--ecs-server needs --exec: the endpoint serves the command given after -- \
             (add --exec -- <command>)",
        ));
    }
    if !cfg.cache_aws_credentials {
        return Err(Error::usage(
            "--ecs-server needs the AWS credential cache, which answers its requests: \
             remove --cache-aws-credentials=false (or OKTA_AWSCLI_CACHE_AWS_CREDENTIALS=false)",
        ));
    }
    let writes_file = cfg.format == Format::AwsCredentials || cfg.write_aws_credentials;
    if writes_file && cfg.profile == "default" {
        return Err(Error::usage(
            "--ecs-server with --format aws-credentials or --write-aws-credentials would write \
             profile \"default\" to the credentials file, and the AWS SDKs use those keys before \
             the endpoint (they stop working when the session ends): write another --profile, \
             or leave the credentials file out",
        ));
    }
    Ok(())
}

/// `--write-aws-config` writes the profiles of `web --all-profiles` as `credential_process`
/// lines (docs/decisions.md#d-write-aws-config): with another command, without
/// `--all-profiles`, or with `--write-aws-credentials` (it keeps the credentials file out of
/// the run), an [`Error::Usage`] naming the settings.
pub(super) fn check_write_aws_config(cfg: &Config) -> Result<()> {
    if !cfg.write_aws_config {
        return Ok(());
    }
    if cfg.command != Command::Web || !cfg.all_profiles {
        return Err(Error::usage(
            "--write-aws-config (OKTA_AWSCLI_WRITE_AWS_CONFIG) needs web --all-profiles \
             (OKTA_AWSCLI_ALL_PROFILES): it writes one credential_process profile per role found",
        ));
    }
    if cfg.write_aws_credentials {
        return Err(Error::usage(
            "--write-aws-config (OKTA_AWSCLI_WRITE_AWS_CONFIG) cannot be used with \
             --write-aws-credentials (OKTA_AWSCLI_WRITE_AWS_CREDENTIALS): the profiles go to the \
             AWS config file and nothing is written to the credentials file",
        ));
    }
    Ok(())
}
