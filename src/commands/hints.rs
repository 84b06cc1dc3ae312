//! PURE: turn a known failure into one `hint:` line that says what to change (the Okta
//! Admin Console setting, the IAM setting, the local clock, or which of our settings asked
//! for what and where it came from). `main` prints it after the `Error:` line.
//!
//! The table keys on the structured codes of [`Error::Okta`] (OAuth `error` / Okta
//! `errorCode`, or ours such as [`fed_app::NO_FED_APPS`]) and [`Error::Aws`] (AWS error
//! codes), with the command of the run telling the steps apart (`web`: device authorization,
//! token exchange, appLinks, `AssumeRoleWithSAML`; `m2m`: client-credentials grant,
//! `AssumeRoleWithWebIdentity`; `direct`: the direct-authentication grants,
//! `AssumeRoleWithWebIdentity`). Where one code covers several causes the description Okta
//! or AWS sends picks the hint (their documented phrases: "assurance", "MaxSessionDuration").
//! One entry keys on our own refusal to ask for a choice under `--ecs-server`.
//! Hints name settings and Admin Console places, never a secret.

use crate::config::{Command, Config};
use crate::error::Error;
use crate::okta::{authorization_code, fed_app, oauth};

/// The scopes the web flow's OIDC app must be granted (Okta API Scopes tab).
const WEB_SCOPES: &str = "okta.apps.read, okta.apps.sso and okta.users.read.self";

/// Where setting `key` came from, as `--explain` says it, or `default`.
fn origin(cfg: &Config, key: &str) -> String {
    cfg.origins
        .iter()
        .rev()
        .find(|o| o.key == key)
        .map(|o| o.describe(&cfg.okta_yaml_path))
        .unwrap_or_else(|| "default".to_string())
}

/// The OIDC app as named in hints.
fn client(cfg: &Config) -> String {
    if cfg.oidc_client_id.is_empty() {
        "the OIDC app".to_string()
    } else {
        format!("OIDC app {}", cfg.oidc_client_id)
    }
}

/// The redirect URIs of the authorization code flow, one per configured port.
fn redirect_uris(cfg: &Config) -> String {
    cfg.redirect_ports
        .iter()
        .map(|p| authorization_code::redirect_uri(*p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The hint for a redirect URI the OIDC app does not know.
fn register_redirect_uris(cfg: &Config) -> String {
    format!(
        "register the redirect URI of every port the run may use ({}, from {}) as a Sign-in redirect URI of {}: Admin Console > Applications > Applications > the app > General > LOGIN; or choose registered ports with --redirect-port",
        redirect_uris(cfg),
        origin(cfg, "redirect-port"),
        client(cfg)
    )
}

/// The authorization server's issuer URL of the m2m and direct flows.
fn issuer(cfg: &Config) -> String {
    format!("{}/oauth2/{}", cfg.org.base, cfg.authz_id)
}

/// The issuer without its scheme, as an IAM OIDC identity provider's ARN names it:
/// `example.okta.com/oauth2/default`.
fn provider(cfg: &Config) -> String {
    format!("{}/oauth2/{}", cfg.org.host, cfg.authz_id)
}

/// The one-line hint for `err` in a run configured by `cfg`, or `None` when no entry of the
/// table applies. Without a configuration (usage errors) there is no hint.
pub fn hint(err: &Error, cfg: Option<&Config>) -> Option<String> {
    let cfg = cfg?;
    match err {
        Error::Okta { code, message } => okta_hint(cfg, code.as_deref()?, message),
        Error::Aws { code, message } => aws_hint(cfg, code, message),
        Error::Config(m) if cfg.ecs_server && m.starts_with("several ") => Some(
            "--ecs-server never asks for a choice, since it may sign in again while the command owns the terminal: preselect it with the flag named above (or an okta.yaml profile setting it)".to_string(),
        ),
        Error::Runtime(message) if cfg.write_aws_config => aws_config_hint(cfg, message),
        _ => None,
    }
}

/// `--write-aws-config` refusals of the AWS config file (docs/decisions.md#d-write-aws-config).
fn aws_config_hint(cfg: &Config, message: &str) -> Option<String> {
    if message.contains("already has a section [") {
        return Some(format!(
            "okta-aws-cli writes only sections it manages: name the profiles otherwise with \
             --profile-template (now {}), e.g. \"okta-{{alias}}-{{role}}\", or point \
             AWS_CONFIG_FILE at another file",
            origin(cfg, "profile-template")
        ));
    }
    if message.contains("cannot be read as botocore reads it") {
        return Some(
            "the AWS CLI refuses that file too: remove the repeated section or key, or the \
             line that is neither a [section], a key = value nor a comment, at the line named"
                .to_string(),
        );
    }
    None
}

fn okta_hint(cfg: &Config, code: &str, message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let web = cfg.command == Command::Web;
    let direct = cfg.command == Command::Direct;
    let fed_app = cfg
        .aws_acct_fed_app_id
        .as_deref()
        .map(|id| format!("AWS Account Federation app {id}"))
        .unwrap_or_else(|| "the AWS Account Federation app".to_string());
    let code_flow = web && cfg.authorization_code;
    Some(match code {
        "unauthorized_client" if code_flow => format!(
            "{} must allow the Authorization Code and Token Exchange grant types: Okta Admin Console > Applications > Applications > the app > General > General Settings > Grant type (Token Exchange is under Advanced)",
            client(cfg)
        ),
        "unauthorized_client" if web => format!(
            "{} must allow the Device Authorization and Token Exchange grant types: Okta Admin Console > Applications > Applications > the app > General > General Settings > Grant type (Token Exchange is under Advanced)",
            client(cfg)
        ),
        "unauthorized_client" if direct => format!(
            "{} must be a native app with the direct authentication grants enabled: Admin Console > Applications > the app > General > Grant type > Resource Owner Password, and under Advanced MFA OOB (for push) or MFA OTP (for --mfa-method otp); an access policy rule of authorization server {} must allow the same grants for this app",
            client(cfg),
            cfg.authz_id
        ),
        "invalid_scope" if direct => format!(
            "authorization server {} must allow the scopes openid and profile for {} (Security > API > Authorization Servers > {} > Access Policies > the rule > Scopes)",
            cfg.authz_id,
            client(cfg),
            cfg.authz_id
        ),
        "unauthorized_client" => format!(
            "API service app {} must allow the Client Credentials grant (Admin Console > Applications > the app > General > Grant type), and an access policy rule of authorization server {} must allow it for this app",
            cfg.oidc_client_id, cfg.authz_id
        ),
        "invalid_scope" if web => format!(
            "grant {} the Okta API scopes {WEB_SCOPES}: Admin Console > Applications > the app > Okta API Scopes > Grant",
            client(cfg)
        ),
        "invalid_scope" => format!(
            "add the scope {} (custom-scope, from {}) to authorization server {} (Security > API > Authorization Servers > {} > Scopes) and allow it for client {} in an access policy rule, or set --custom-scope to a scope the server has",
            cfg.custom_scope,
            origin(cfg, "custom-scope"),
            cfg.authz_id,
            cfg.authz_id,
            cfg.oidc_client_id
        ),
        "insufficient_scope" | "E0000006" if web => format!(
            "listing your AWS Federation apps needs the okta.users.read.self scope: grant it to {} (Admin Console > Applications > the app > Okta API Scopes > okta.users.read.self > Grant), or name the app with --aws-acct-fed-app-id",
            client(cfg)
        ),
        "invalid_grant" if code_flow && lower.contains("redirect_uri") => {
            register_redirect_uris(cfg)
        }
        authorization_code::NO_CALLBACK if code_flow => format!(
            "if the browser shows an Okta error about the redirect_uri, {}; if it shows a sign-in page, finish it within --authorization-code-timeout",
            register_redirect_uris(cfg)
        ),
        "invalid_grant" | "access_denied"
            if code_flow && (lower.contains("assurance") || lower.contains("policy")) =>
        {
            format!(
                "the authentication policy of {fed_app} refused this sign-in: in Admin Console > Security > Authentication Policies (the policy on the app's Sign On tab), check the rule that applies to {} and what it asks of the device and the authenticators",
                client(cfg)
            )
        }
        "invalid_grant" | "access_denied"
            if web && (lower.contains("assurance") || lower.contains("policy")) =>
        {
            format!(
                "the authentication policy of {fed_app} asks for more than a device sign-in can prove: sign in with --authorization-code, where the browser on this computer can prove the device (Okta Verify, FastPass); or in Admin Console > Security > Authentication Policies (the policy on the app's Sign On tab), set the rule that applies to {} to Device State: Any, with no device assurance",
                client(cfg)
            )
        }
        "invalid_target" if web => match &cfg.aws_acct_fed_app_id {
            Some(id) => format!(
                "Okta does not know {id} as an AWS Account Federation app that accepts {}: check the app id (aws-acct-fed-app-id, from {}; it is the 0oa... id in the app's Admin Console URL); if it is right, allow {} as a web SSO client on the app's Sign On tab",
                client(cfg),
                origin(cfg, "aws-acct-fed-app-id"),
                cfg.oidc_client_id
            ),
            None => format!(
                "the AWS Account Federation app chosen from your app list does not let {} request web SSO tokens: on the app's Sign On tab, add it as an allowed web SSO client",
                client(cfg)
            ),
        },
        fed_app::NO_FED_APPS => format!(
            "assign yourself (or a group you are in) to the AWS Account Federation app (Admin Console > Applications > the app > Assignments) and allow {} as its web SSO client (Sign On tab); or name the app with --aws-acct-fed-app-id",
            client(cfg)
        ),
        "invalid_client" if !web && oauth::is_clock_complaint(message) => {
            "Okta checks the times in the client assertion against its own clock: set this computer's clock right (turn on time synchronisation, e.g. `timedatectl set-ntp true`, or `w32tm /resync` on Windows) and run again".to_string()
        }
        _ => return None,
    })
}

fn aws_hint(cfg: &Config, code: &str, message: &str) -> Option<String> {
    let web = cfg.command == Command::Web;
    let role = cfg.aws_iam_role.as_deref().unwrap_or("the role");
    if let Some(hop) = message.strip_prefix("--chain-role hop ") {
        // A --chain-role AssumeRole, not the federation: the chained role's trust policy.
        return match code {
            "AccessDenied" => Some(format!(
                "the trust policy of the role this hop asks for must allow sts:AssumeRole by the role before it (Principal {{\"AWS\": \"<previous role ARN>\"}}, and an sts:ExternalId condition matching --chain-external-id if it has one), and the role before it needs an identity policy allowing sts:AssumeRole on it (hop {})",
                hop.split(':').next().unwrap_or("").trim()
            )),
            "ValidationError" => Some("AWS caps a chained session at one hour; also check the hop's role exists and its ARN is spelt right".to_string()),
            _ => None,
        };
    }
    Some(match code {
        "AccessDenied" if web => "the role's trust policy must allow sts:AssumeRoleWithSAML for the SAML identity provider named above (Principal {\"Federated\": \"<IdP ARN>\"}), and that IAM identity provider must hold the AWS Account Federation app's current IdP metadata: IAM > Roles > the role > Trust relationships".to_string(),
        "AccessDenied" => format!(
            "the trust policy of {role} must allow sts:AssumeRoleWithWebIdentity for the IAM OIDC identity provider of {} (Principal {{\"Federated\": \"arn:aws:iam::<account>:oidc-provider/{}\"}}) with an aud condition equal to the authorization server's audience: IAM > Roles > the role > Trust relationships",
            issuer(cfg),
            provider(cfg)
        ),
        "InvalidIdentityToken" if !web => format!(
            "AWS does not accept Okta's access token: the IAM OIDC identity provider's issuer URL must be {} and its audience the authorization server's audience (Okta: Security > API > Authorization Servers > {} > Settings > Audience; AWS: IAM > Identity providers)",
            issuer(cfg),
            cfg.authz_id
        ),
        "InvalidIdentityToken" => "AWS does not accept the SAML assertion: the IAM SAML identity provider must hold the AWS Account Federation app's current IdP metadata (Okta: the app's Sign On tab > Identity Provider metadata; AWS: IAM > Identity providers)".to_string(),
        "ValidationError"
            if message.contains("DurationSeconds") || message.contains("MaxSessionDuration") =>
        {
            let asked = match (cfg.session_duration, web) {
                (Some(d), _) => format!(
                    "{d} seconds were asked for by aws-session-duration (from {})",
                    origin(cfg, "aws-session-duration")
                ),
                (None, true) => "the duration came from the SAML assertion's SessionDuration attribute (the Federation app's Session Duration setting), else 3600 seconds".to_string(),
                (None, false) => "3600 seconds (the default) were asked for".to_string(),
            };
            format!(
                "{asked}; the role's maximum session duration is lower: ask for less with --aws-session-duration, or raise it in IAM > Roles > the role > Summary > Maximum session duration"
            )
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{OrgUrl, SettingOrigin, Source};

    fn cfg(command: Command) -> Config {
        Config {
            command,
            org: OrgUrl {
                base: "https://example.okta.com".into(),
                host: "example.okta.com".into(),
            },
            oidc_client_id: "0oaCLIENT".into(),
            authz_id: "default".into(),
            custom_scope: "okta-m2m-access".into(),
            ..Config::default()
        }
    }

    #[test]
    fn ecs_server_choices_point_at_preselection() {
        let err = crate::okta::choice::no_tty_error(
            crate::okta::choice::ChoiceKind::Role,
            &[crate::okta::choice::Choice {
                label: "a".into(),
                value: "arn:aws:iam::123456789012:role/A".into(),
            }],
        );
        assert_eq!(hint(&err, Some(&cfg(Command::Web))), None);
        let c = Config {
            ecs_server: true,
            ..cfg(Command::Web)
        };
        let h = hint(&err, Some(&c)).expect("a hint");
        assert!(h.contains("--ecs-server never asks"), "{h}");
    }

    fn okta(code: &str, message: &str) -> Error {
        Error::Okta {
            code: Some(code.into()),
            message: message.into(),
        }
    }

    fn aws(code: &str, message: &str) -> Error {
        Error::Aws {
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn write_aws_config_refusals_have_hints() {
        let mut web = cfg(Command::Web);
        let taken = Error::runtime(
            "AWS config file \"/h/.aws/config\" already has a section [profile x] (line 3) for profile \"x\"",
        );
        let broken =
            Error::runtime("AWS config file \"c\" cannot be read as botocore reads it: line 2: x");
        assert_eq!(
            hint(&taken, Some(&web)),
            None,
            "only with --write-aws-config"
        );
        web.write_aws_config = true;
        let h = hint(&taken, Some(&web)).expect("hint");
        assert!(h.contains("--profile-template (now default)"), "{h}");
        let h = hint(&broken, Some(&web)).expect("hint");
        assert!(h.contains("repeated section or key"), "{h}");
        assert_eq!(hint(&Error::runtime("other"), Some(&web)), None);
    }

    #[test]
    fn each_known_failure_has_its_hint() {
        let web = cfg(Command::Web);
        let m2m = cfg(Command::M2m);
        let direct = cfg(Command::Direct);
        let code_flow = Config {
            authorization_code: true,
            redirect_ports: vec![8180, 8181],
            ..cfg(Command::Web)
        };
        let cases: Vec<(Error, &Config, &str)> = vec![
            (okta("unauthorized_client", "x"), &direct, "MFA OOB"),
            (okta("invalid_scope", "x"), &direct, "openid and profile"),
            (
                aws("AccessDenied", "x"),
                &direct,
                "AssumeRoleWithWebIdentity",
            ),
            (
                aws("InvalidIdentityToken", "x"),
                &direct,
                "https://example.okta.com/oauth2/default",
            ),
            (okta("unauthorized_client", "x"), &web, "Token Exchange"),
            (okta("unauthorized_client", "x"), &m2m, "Client Credentials"),
            (okta("invalid_scope", "x"), &web, "okta.users.read.self"),
            (okta("invalid_scope", "x"), &m2m, "okta-m2m-access"),
            (
                okta("insufficient_scope", "x"),
                &web,
                "okta.users.read.self",
            ),
            (
                okta(
                    "invalid_grant",
                    "The application's assurance requirements are not met",
                ),
                &web,
                "Device State: Any",
            ),
            (
                okta(
                    "invalid_grant",
                    "The application's assurance requirements are not met",
                ),
                &web,
                "--authorization-code",
            ),
            (
                okta("unauthorized_client", "x"),
                &code_flow,
                "Authorization Code",
            ),
            (
                okta(
                    "invalid_grant",
                    "The 'redirect_uri' does not match the redirection URI",
                ),
                &code_flow,
                "http://127.0.0.1:8180/callback, http://127.0.0.1:8181/callback",
            ),
            (
                okta(authorization_code::NO_CALLBACK, "x"),
                &code_flow,
                "Sign-in redirect URI",
            ),
            (
                okta("access_denied", "denied by policy"),
                &code_flow,
                "Authentication Policies",
            ),
            (okta("invalid_target", "x"), &web, "web SSO client"),
            (okta(fed_app::NO_FED_APPS, "x"), &web, "Assignments"),
            (
                okta("invalid_client", "token was issued in the future"),
                &m2m,
                "clock",
            ),
            (aws("AccessDenied", "x"), &web, "AssumeRoleWithSAML"),
            (aws("AccessDenied", "x"), &m2m, "AssumeRoleWithWebIdentity"),
            (
                aws("InvalidIdentityToken", "x"),
                &m2m,
                "https://example.okta.com/oauth2/default",
            ),
            (
                aws(
                    "ValidationError",
                    "DurationSeconds exceeds the MaxSessionDuration",
                ),
                &m2m,
                "3600",
            ),
        ];
        for (err, c, needle) in cases {
            let h = hint(&err, Some(c)).unwrap_or_else(|| panic!("no hint for {err:?}"));
            assert!(h.contains(needle), "{err:?}: {h}");
            assert!(!h.contains('\n'), "{h}");
        }
    }

    #[test]
    fn unrelated_failures_have_no_hint() {
        let web = cfg(Command::Web);
        // A stale token is retried, not a set-up problem.
        assert_eq!(
            hint(
                &okta("invalid_grant", "The 'subject_token' either expired"),
                Some(&web)
            ),
            None
        );
        assert_eq!(hint(&okta("invalid_client", "expired"), Some(&web)), None);
        assert_eq!(
            hint(&aws("ValidationError", "RoleArn is bad"), Some(&web)),
            None
        );
        assert_eq!(hint(&Error::runtime("network"), Some(&web)), None);
        assert_eq!(hint(&okta("unauthorized_client", "x"), None), None);
        // The authorization code flow: a reply from elsewhere, or a plain denial.
        let code_flow = Config {
            authorization_code: true,
            ..cfg(Command::Web)
        };
        assert_eq!(
            hint(
                &okta(authorization_code::STATE_MISMATCH, "x"),
                Some(&code_flow)
            ),
            None
        );
        assert_eq!(
            hint(
                &okta("access_denied", "denied in the browser"),
                Some(&code_flow)
            ),
            None
        );
        // Without --authorization-code these codes are not ours.
        assert_eq!(
            hint(&okta(authorization_code::NO_CALLBACK, "x"), Some(&web)),
            None
        );
    }

    #[test]
    fn hints_name_the_source_of_the_setting() {
        let mut c = cfg(Command::Web);
        c.aws_acct_fed_app_id = Some("0oaTYPO".into());
        c.origins.push(SettingOrigin {
            key: "aws-acct-fed-app-id",
            source: Source::Env("OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID".into()),
            line: None,
        });
        let h = hint(&okta("invalid_target", "x"), Some(&c)).unwrap();
        assert!(
            h.contains("0oaTYPO") && h.contains("OKTA_AWSCLI_AWS_ACCOUNT_FEDERATION_APP_ID"),
            "{h}"
        );
        c.session_duration = Some(7200);
        c.origins.push(SettingOrigin {
            key: "aws-session-duration",
            source: Source::Flag("--aws-session-duration".into()),
            line: None,
        });
        let h = hint(&aws("ValidationError", "DurationSeconds"), Some(&c)).unwrap();
        assert!(
            h.contains("7200") && h.contains("flag --aws-session-duration"),
            "{h}"
        );
    }
}
