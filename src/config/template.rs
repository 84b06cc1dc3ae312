//! PURE: the `--profile-template` setting: profile names for `web --all-profiles` built
//! from placeholders (upstream issue 283). Parsed and checked when the settings are
//! resolved, so a bad template costs no sign-in; rendered per role by
//! `output::profile_names`.

use std::fmt;

/// The placeholders a template may use, as written between braces.
pub const PLACEHOLDERS: [&str; 5] = ["alias", "account", "idp", "role", "role_path"];

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Text copied as is.
    Literal(String),
    /// A placeholder, by name (one of [`PLACEHOLDERS`]).
    Field(&'static str),
}

/// A parsed profile-name template such as `{alias}-{role}`.
///
/// Placeholders (each may appear any number of times):
/// - `{alias}`: the account alias from IAM, or the account id when there is none;
/// - `{account}`: the 12-digit account id of the role;
/// - `{idp}`: the IdP name (the SAML provider ARN after its first `/`);
/// - `{role}`: the role name without its path (`Admin` for `role/team/Admin`);
/// - `{role_path}`: the role's path and name (`team/Admin`; `Admin` without a path).
///
/// Any other `{`, `}` or placeholder name is refused, as are `[`, `]` and control
/// characters (a credentials-file section name cannot hold them).
#[derive(Clone, PartialEq, Eq)]
pub struct ProfileTemplate {
    text: String,
    parts: Vec<Part>,
}

impl fmt::Debug for ProfileTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProfileTemplate({:?})", self.text)
    }
}

/// The values one role gives the placeholders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TemplateValues<'a> {
    /// `{alias}`.
    pub alias: &'a str,
    /// `{account}`.
    pub account: &'a str,
    /// `{idp}`.
    pub idp: &'a str,
    /// `{role}`.
    pub role: &'a str,
    /// `{role_path}`.
    pub role_path: &'a str,
}

impl ProfileTemplate {
    /// The default rule, upstream's `<alias>-<idp name>-<role name with path>`.
    pub const DEFAULT: &'static str = "{alias}-{idp}-{role_path}";

    /// Parse `text` (trimmed). Errors: a message (without the source) naming the problem:
    /// an unknown placeholder, an unclosed `{` or stray `}`, `[`/`]` or a control
    /// character, or an empty template.
    pub fn parse(text: &str) -> Result<ProfileTemplate, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the template is empty".into());
        }
        if text.contains(['[', ']']) || text.chars().any(char::is_control) {
            return Err(
                "a profile name cannot contain '[', ']', a line break or another control character"
                    .into(),
            );
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            match c {
                '{' => {
                    let Some(end) = rest.find('}') else {
                        return Err("a '{' is not closed by '}'".into());
                    };
                    let name = &rest[1..end];
                    let Some(field) = PLACEHOLDERS.iter().find(|p| **p == name) else {
                        return Err(format!(
                            "unknown placeholder {{{name}}}; use {}",
                            PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                        ));
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field(field));
                    rest = &rest[end + 1..];
                }
                '}' => return Err("a '}' has no matching '{'".into()),
                _ => {
                    literal.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(ProfileTemplate {
            text: text.to_string(),
            parts,
        })
    }

    /// The template as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The profile name for one role: the template with each placeholder replaced.
    pub fn render(&self, v: &TemplateValues<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(t) => out.push_str(t),
                Part::Field(name) => out.push_str(match *name {
                    "alias" => v.alias,
                    "account" => v.account,
                    "idp" => v.idp,
                    "role" => v.role,
                    _ => v.role_path,
                }),
            }
        }
        out
    }
}

impl Default for ProfileTemplate {
    fn default() -> ProfileTemplate {
        ProfileTemplate::parse(ProfileTemplate::DEFAULT).expect("the default template parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: TemplateValues<'static> = TemplateValues {
        alias: "prod",
        account: "123456789012",
        idp: "okta",
        role: "Admin",
        role_path: "team/Admin",
    };

    #[test]
    fn renders_every_placeholder() {
        let t = ProfileTemplate::parse("{alias}-{role}").unwrap();
        assert_eq!(t.render(&V), "prod-Admin");
        let t = ProfileTemplate::parse("  {account}/{idp}/{role_path}:{role}{role} ").unwrap();
        assert_eq!(t.render(&V), "123456789012/okta/team/Admin:AdminAdmin");
        assert_eq!(t.as_str(), "{account}/{idp}/{role_path}:{role}{role}");
        assert_eq!(ProfileTemplate::parse("fixed").unwrap().render(&V), "fixed");
        assert_eq!(
            ProfileTemplate::default().render(&V),
            "prod-okta-team/Admin"
        );
        assert_eq!(
            ProfileTemplate::parse("é-{role}").unwrap().render(&V),
            "é-Admin"
        );
    }

    #[test]
    fn refuses_bad_templates() {
        for (bad, why) in [
            ("", "empty"),
            ("   ", "empty"),
            ("{alias", "not closed"),
            ("alias}", "no matching"),
            ("{Alias}", "unknown placeholder {Alias}"),
            ("{}", "unknown placeholder {}"),
            ("{alias}-{x}", "unknown placeholder {x}"),
            ("[{alias}]", "'['"),
            ("{alias}\n{role}", "control"),
        ] {
            let err = ProfileTemplate::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }
}
