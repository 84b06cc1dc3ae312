//! PURE: profile names for `web --all-profiles` (docs/decisions.md#d-all-profiles).
//!
//! Upstream names each profile `<alias>-<idp name>-<role name>`, where the IdP and role names
//! are everything after the first `/` of their ARNs. We keep that rule, except that an
//! account whose alias cannot be read is named by its account id instead of upstream's
//! shared placeholder `org` (upstream #250), and two roles that would get the same name are an
//! error naming both, raised before anything is written.

use crate::config::template::{ProfileTemplate, TemplateValues};
use crate::error::{Error, Result};

/// Everything after the first `/` of an ARN's resource part:
/// `arn:aws:iam::123:role/team/Admin` -> `team/Admin`; an ARN without `/` gives `""`.
pub fn resource_name(arn: &str) -> &str {
    arn.split_once('/').map(|(_, rest)| rest).unwrap_or("")
}

/// The 12-digit account id of an IAM ARN (`arn:<partition>:iam::<account>:...`), if any.
pub fn account_id(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty() && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The profile name for one role: `<alias or account id>-<idp name>-<role name>`.
/// `alias` is the account alias from IAM, `None` when it could not be read or there is none.
pub fn profile_name(alias: Option<&str>, idp_arn: &str, role_arn: &str) -> String {
    let account = match alias {
        Some(a) if !a.trim().is_empty() => a.trim(),
        _ => account_id(role_arn).unwrap_or("unknown-account"),
    };
    format!(
        "{account}-{}-{}",
        resource_name(idp_arn),
        resource_name(role_arn)
    )
}

/// The role name without its path: `arn:aws:iam::1:role/team/Admin` -> `Admin`.
pub fn role_name(arn: &str) -> &str {
    let rest = resource_name(arn);
    rest.rsplit('/').next().unwrap_or(rest)
}

/// The profile name for one role with `--profile-template` (`template`), or the default
/// rule of [`profile_name`] when there is none. `{alias}` is the alias, else the account
/// id (as in the default rule); `{account}` the account id (empty when the ARN has none);
/// `{idp}` and `{role_path}` what follows the first `/` of the IdP and role ARNs;
/// `{role}` the role name without its path.
pub fn name_for(
    template: Option<&ProfileTemplate>,
    alias: Option<&str>,
    idp_arn: &str,
    role_arn: &str,
) -> String {
    let Some(template) = template else {
        return profile_name(alias, idp_arn, role_arn);
    };
    let account = account_id(role_arn).unwrap_or("");
    let alias = match alias {
        Some(a) if !a.trim().is_empty() => a.trim(),
        _ if !account.is_empty() => account,
        _ => "unknown-account",
    };
    template.render(&TemplateValues {
        alias,
        account,
        idp: resource_name(idp_arn),
        role: role_name(role_arn),
        role_path: resource_name(role_arn),
    })
}

/// Why `name` cannot be a section of the AWS credentials file, or `None` when it can: it
/// is empty, has leading or trailing whitespace, or holds `[`, `]`, a line break or another
/// control character.
pub fn unusable_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.trim() != name {
        Some("it starts or ends with whitespace")
    } else if name.contains(['[', ']']) {
        Some("it contains '[' or ']'")
    } else if name.chars().any(char::is_control) {
        Some("it contains a line break or another control character")
    } else {
        None
    }
}

/// Check every planned profile name before anything is written: each must be usable
/// ([`unusable_name`]) and name one (IdP, role) pair only ([`check_collisions`]). With a
/// `template` (`--profile-template`) a problem is the template's: [`Error::Config`] naming
/// it and the roles; without one, [`check_collisions`]'s [`Error::Runtime`].
pub fn check_plan(planned: &[Planned], template: Option<&ProfileTemplate>) -> Result<()> {
    for p in planned {
        if let Some(why) = unusable_name(&p.profile) {
            let msg = match template {
                Some(t) => format!(
                    "--all-profiles: --profile-template {:?} gives role {} the profile name {:?}, which cannot be used: {why}; nothing was written",
                    t.as_str(),
                    p.role_arn,
                    p.profile
                ),
                None => format!(
                    "--all-profiles: role {} would be written as profile {:?}, which cannot be used: {why}; nothing was written",
                    p.role_arn, p.profile
                ),
            };
            return Err(match template {
                Some(_) => Error::config(msg),
                None => Error::runtime(msg),
            });
        }
    }
    match (check_collisions(planned), template) {
        (Err(Error::Runtime(m)), Some(t)) => Err(Error::config(format!(
            "{m} (--profile-template {:?}; add {{account}} or {{role_path}} to tell them apart)",
            t.as_str()
        ))),
        (other, _) => other,
    }
}

/// One planned profile: its name and the (IdP ARN, role ARN) pair it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The profile name.
    pub profile: String,
    /// Principal (SAML provider) ARN.
    pub idp_arn: String,
    /// Role ARN.
    pub role_arn: String,
    /// The Federation app whose SAML assertion offered the role (what
    /// `--aws-acct-fed-app-id` names when this role is signed in again on its own).
    pub app_id: String,
}

/// Fail when two different roles would be written under one profile name; the error names
/// the profile and both roles. The same (IdP, role) pair reached twice (e.g. through two
/// Federation apps) is not a conflict.
pub fn check_collisions(planned: &[Planned]) -> Result<()> {
    for (i, a) in planned.iter().enumerate() {
        for b in &planned[i + 1..] {
            if a.profile == b.profile && (a.idp_arn != b.idp_arn || a.role_arn != b.role_arn) {
                return Err(Error::runtime(format!(
                    "--all-profiles: roles {} (IdP {}) and {} (IdP {}) would both be written as profile \"{}\"; nothing was written",
                    a.role_arn, a.idp_arn, b.role_arn, b.idp_arn, a.profile
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDP: &str = "arn:aws:iam::123456789012:saml-provider/idp1";
    const ROLE: &str = "arn:aws:iam::123456789012:role/role1";

    fn plan(profile: &str, idp: &str, role: &str) -> Planned {
        Planned {
            profile: profile.into(),
            idp_arn: idp.into(),
            role_arn: role.into(),
            app_id: "0oaAPP".into(),
        }
    }

    #[test]
    fn upstream_naming_rule_with_alias() {
        assert_eq!(profile_name(Some("devorg"), IDP, ROLE), "devorg-idp1-role1");
        // Role paths are kept.
        assert_eq!(
            profile_name(
                Some("devorg"),
                IDP,
                "arn:aws:iam::123456789012:role/team/Admin"
            ),
            "devorg-idp1-team/Admin"
        );
    }

    #[test]
    fn missing_alias_uses_account_id_not_a_shared_placeholder() {
        assert_eq!(profile_name(None, IDP, ROLE), "123456789012-idp1-role1");
        assert_eq!(
            profile_name(Some("  "), IDP, ROLE),
            "123456789012-idp1-role1"
        );
        let other = profile_name(None, IDP, "arn:aws:iam::210987654321:role/role1");
        assert_ne!(other, profile_name(None, IDP, ROLE));
        assert_eq!(
            profile_name(None, "x", "arn:aws:iam::bad:role/r"),
            "unknown-account--r"
        );
    }

    #[test]
    fn helpers_split_arns() {
        assert_eq!(resource_name("arn:aws:iam::1:role/a/b"), "a/b");
        assert_eq!(resource_name("no-slash"), "");
        assert_eq!(account_id(ROLE), Some("123456789012"));
        assert_eq!(
            account_id("arn:aws-cn:iam::000000000001:role/x"),
            Some("000000000001")
        );
        assert_eq!(account_id("arn:aws:iam:::role/x"), None);
        assert_eq!(account_id("garbage"), None);
    }

    #[test]
    fn templates_fill_every_placeholder() {
        let t = ProfileTemplate::parse("{alias}-{role}").unwrap();
        let role = "arn:aws:iam::123456789012:role/team/Admin";
        assert_eq!(name_for(Some(&t), Some("prod"), IDP, role), "prod-Admin");
        assert_eq!(name_for(Some(&t), None, IDP, role), "123456789012-Admin");
        let t = ProfileTemplate::parse("{account}:{idp}:{role_path}:{role}").unwrap();
        assert_eq!(
            name_for(Some(&t), Some("prod"), IDP, role),
            "123456789012:idp1:team/Admin:Admin"
        );
        // Without a template: today's rule, unchanged.
        assert_eq!(
            name_for(None, Some("prod"), IDP, role),
            "prod-idp1-team/Admin"
        );
        assert_eq!(
            name_for(Some(&ProfileTemplate::default()), Some("prod"), IDP, role),
            name_for(None, Some("prod"), IDP, role)
        );
        assert_eq!(role_name(ROLE), "role1");
        assert_eq!(role_name("no-slash"), "");
    }

    #[test]
    fn template_collisions_and_unusable_names_are_config_errors() {
        let t = ProfileTemplate::parse("{alias}-{role}").unwrap();
        let a = "arn:aws:iam::123456789012:role/team-a/Admin";
        let b = "arn:aws:iam::123456789012:role/team-b/Admin";
        let planned = [
            plan(&name_for(Some(&t), Some("prod"), IDP, a), IDP, a),
            plan(&name_for(Some(&t), Some("prod"), IDP, b), IDP, b),
        ];
        let err = check_plan(&planned, Some(&t)).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        let m = err.to_string();
        assert!(
            m.contains(a)
                && m.contains(b)
                && m.contains("\"prod-Admin\"")
                && m.contains("{alias}-{role}"),
            "{m}"
        );
        // Without a template the same clash stays a runtime error.
        assert!(matches!(check_plan(&planned, None), Err(Error::Runtime(_))));

        let t = ProfileTemplate::parse("{idp} ").unwrap();
        let empty_idp = "arn:aws:iam::123456789012:saml-provider";
        let planned = [plan(&name_for(Some(&t), None, empty_idp, a), empty_idp, a)];
        let err = check_plan(&planned, Some(&t)).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        for (name, why) in [
            ("", "empty"),
            (" x", "whitespace"),
            ("x\t", "whitespace"),
            ("a[b", "'['"),
            ("a\u{7}b", "control"),
        ] {
            assert!(unusable_name(name).unwrap().contains(why), "{name:?}");
        }
        assert_eq!(unusable_name("prod-team/Admin"), None);
        assert!(check_plan(&[plan("ok", IDP, a)], Some(&t)).is_ok());
    }

    #[test]
    fn collisions_name_both_roles() {
        let ok = [plan("a-i-r", IDP, ROLE), plan("b-i-r", IDP, ROLE)];
        assert!(check_collisions(&ok).is_ok());
        // The same pair twice is fine.
        assert!(check_collisions(&[plan("a", IDP, ROLE), plan("a", IDP, ROLE)]).is_ok());
        let other_role = "arn:aws:iam::999999999999:role/role1";
        let err = check_collisions(&[plan("a", IDP, ROLE), plan("a", IDP, other_role)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(ROLE) && err.contains(other_role) && err.contains("\"a\""),
            "{err}"
        );
    }
}
