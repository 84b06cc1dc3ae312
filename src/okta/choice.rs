//! PURE: the choices of the `web` flow: which AWS Federation app, which IdP and which role,
//! with the okta.yaml friendly labels.
//!
//! [`choose_fed_app`], then [`choose_idp`] and [`choose_role`]; each gives
//! [`Selected::Chosen`] or [`Selected::Ask`]. [`no_tty_error`] when a choice is needed but
//! no terminal can ask.

use crate::error::{Error, Result};
use crate::okta::fed_app::FedApp;
use crate::okta::saml::SamlRoles;

/// The okta.yaml friendly label for `arn` (docs/decisions.md#d-choice): an exact key match
/// first, then each key as an unanchored regular expression (regex-lite syntax) in file
/// order, the first matching key winning; invalid expressions are skipped. `labels` is
/// `awscli.idps` or `awscli.roles` as (key, label) pairs in file order.
pub fn label_for<'a>(arn: &str, labels: &'a [(String, String)]) -> Option<&'a str> {
    if let Some((_, l)) = labels.iter().find(|(k, _)| k == arn) {
        return Some(l);
    }
    labels
        .iter()
        .find(|(k, _)| label_key_regex(k).is_ok_and(|re| re.is_match(arn)))
        .map(|(_, l)| l.as_str())
}

/// An okta.yaml label key as the unanchored regular expression [`label_for`] tries.
fn label_key_regex(key: &str) -> std::result::Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(key)
}

/// Why the okta.yaml label key `key` (of `awscli.idps` or `awscli.roles`) cannot work as a
/// regular expression in [`label_for`], as one line of regex-lite's error, or `None` when
/// it compiles. Such a key still matches an identical ARN; `debug` reports it.
pub fn label_key_problem(key: &str) -> Option<String> {
    let err = label_key_regex(key).err()?;
    let text = err.to_string();
    let reason = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("invalid")
        .trim_start_matches("error: ");
    Some(crate::term::sanitize::line(reason).into_owned())
}

/// The `--debug` report of one label lookup (docs/decisions.md#d-choice), for stderr:
/// `  found <word> ARN "<arn>" having friendly label "<label>"`, or on a miss the ARN and
/// every (key, label) entry of the okta.yaml map (`awscli.idps` for `IdP`, `awscli.roles`
/// for `Role`). `word` is `IdP` or `Role`. Each line ends with `\n`.
pub fn label_debug(word: &str, arn: &str, labels: &[(String, String)]) -> String {
    use crate::term::sanitize::line;
    if let Some(label) = label_for(arn, labels) {
        return format!(
            "  found {word} ARN \"{}\" having friendly label \"{}\"\n",
            line(arn),
            line(label)
        );
    }
    let arn = line(arn);
    let map = if word == "IdP" { "idps" } else { "roles" };
    let mut out = format!(
        "  did not find friendly label for {word} ARN\n    \"{arn}\"\n    in okta.yaml awscli.{map} map:\n"
    );
    for (k, l) in labels {
        out.push_str(&format!("      \"{}\": \"{}\"\n", line(k), line(l)));
    }
    out
}

/// One entry offered to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What is chosen: an ARN, or a Federation app id.
    pub value: String,
    /// What is shown: the friendly label, else the value; labels shared by several
    /// entries get ` (<value>)` appended so every line is distinct (case B03).
    pub label: String,
}

/// Build the [`Choice`]s for `values` with labels from `labels` (see [`label_for`]).
pub fn choices(values: &[&str], labels: &[(String, String)]) -> Vec<Choice> {
    let mut out: Vec<Choice> = values
        .iter()
        .map(|v| Choice {
            value: v.to_string(),
            label: label_for(v, labels).unwrap_or(v).to_string(),
        })
        .collect();
    disambiguate(&mut out);
    out
}

/// The offered values that `wanted` names: exactly that value, else the values whose
/// friendly label equals `wanted` (the reverse lookup behind `--aws-iam-role "Label"`).
pub fn find_by_arn_or_label<'v>(
    wanted: &str,
    values: &[&'v str],
    labels: &[(String, String)],
) -> Vec<&'v str> {
    if let Some(v) = values.iter().find(|v| **v == wanted) {
        return vec![*v];
    }
    values
        .iter()
        .copied()
        .filter(|v| label_for(v, labels) == Some(wanted))
        .collect()
}

/// Outcome of a choice step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// Decided without asking: the value (ARN or app id).
    Chosen(String),
    /// The user must choose among these (at least two).
    Ask(Vec<Choice>),
}

/// What is being chosen; gives the chooser title and the preselecting flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceKind {
    /// An AWS Federation app (several in appLinks).
    FedApp,
    /// A SAML provider (IdP).
    Idp,
    /// An IAM role.
    Role,
}

impl ChoiceKind {
    /// Chooser title, e.g. `Choose an IdP:`.
    pub fn title(self) -> &'static str {
        match self {
            ChoiceKind::FedApp => "Choose an AWS Federation app:",
            ChoiceKind::Idp => "Choose an IdP:",
            ChoiceKind::Role => "Choose a Role:",
        }
    }

    /// The flag that preselects this choice.
    pub fn flag(self) -> &'static str {
        match self {
            ChoiceKind::FedApp => "--aws-acct-fed-app-id",
            ChoiceKind::Idp => "--aws-iam-idp",
            ChoiceKind::Role => "--aws-iam-role",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            ChoiceKind::FedApp => "AWS Federation apps",
            ChoiceKind::Idp => "IdPs",
            ChoiceKind::Role => "roles",
        }
    }
}

/// How many choices [`no_tty_error`] lists before summing up the rest.
pub const MAX_LISTED_CHOICES: usize = 20;

/// The error when a choice is needed but no terminal can ask (docs/decisions.md#d-choice): names the
/// flag and lists the values with their labels, one per line: the first
/// [`MAX_LISTED_CHOICES`], then `  ... and <N> more` (an org with thousands of roles must
/// not produce a message of hundreds of kilobytes).
pub fn no_tty_error(kind: ChoiceKind, choices: &[Choice]) -> Error {
    let mut msg = format!(
        "several {} are available and there is no terminal to choose from; preselect one with {}:",
        kind.noun(),
        kind.flag()
    );
    for c in choices.iter().take(MAX_LISTED_CHOICES) {
        let value = crate::term::sanitize::line(&c.value);
        if c.label == c.value {
            msg.push_str(&format!("\n  {value}"));
        } else {
            msg.push_str(&format!(
                "\n  {value}  ({})",
                crate::term::sanitize::line(&c.label)
            ));
        }
    }
    if choices.len() > MAX_LISTED_CHOICES {
        msg.push_str(&format!(
            "\n  ... and {} more",
            choices.len() - MAX_LISTED_CHOICES
        ));
    }
    Error::config(msg)
}

/// Pick the Federation app: the only one; else the one whose label or id equals
/// `idp_flag` (`--aws-iam-idp` naming an app label); else ask. `apps` must not be empty
/// (see [`crate::okta::fed_app::no_fed_apps_error`]).
pub fn choose_fed_app(apps: &[FedApp], idp_flag: Option<&str>) -> Result<Selected> {
    match apps {
        [] => Err(Error::runtime("no AWS Federation apps to choose from")),
        [one] => Ok(Selected::Chosen(one.id.clone())),
        _ => {
            if let Some(flag) = idp_flag {
                let hits: Vec<&FedApp> = apps
                    .iter()
                    .filter(|a| a.label == flag || a.id == flag)
                    .collect();
                if let [one] = hits.as_slice() {
                    return Ok(Selected::Chosen(one.id.clone()));
                }
            }
            let mut out: Vec<Choice> = apps
                .iter()
                .map(|a| Choice {
                    value: a.id.clone(),
                    label: if a.label.is_empty() {
                        a.id.clone()
                    } else {
                        a.label.clone()
                    },
                })
                .collect();
            disambiguate(&mut out);
            Ok(Selected::Ask(out))
        }
    }
}

fn disambiguate(choices: &mut [Choice]) {
    let labels: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
    for c in choices.iter_mut() {
        if labels.iter().filter(|l| **l == c.label).count() > 1 && c.label != c.value {
            c.label = format!("{} ({})", c.label, c.value);
        }
    }
}

/// Pick the IdP (principal ARN) from the assertion (docs/decisions.md#d-choice,
/// docs/decisions.md#d-saml, case B03).
///
/// With `role_flag` (`--aws-iam-role`, an ARN or a friendly label) only the IdPs paired
/// with that role are candidates, so a preselected role brings its own provider. Then: one
/// candidate -> it; `idp_flag` (ARN or label) naming one candidate -> it; several ->
/// [`Selected::Ask`]. `idp_flag` is ignored when the assertion has a single IdP.
///
/// Errors ([`Error::Config`]): `role_flag` matches no role in the assertion; `idp_flag`
/// matches none of several IdPs, or none of the IdPs the role is paired with.
pub fn choose_idp(
    roles: &SamlRoles,
    idp_flag: Option<&str>,
    role_flag: Option<&str>,
    idp_labels: &[(String, String)],
    role_labels: &[(String, String)],
) -> Result<Selected> {
    let all: Vec<&str> = roles.idps.iter().map(|g| g.idp.as_str()).collect();
    if all.is_empty() {
        return Err(Error::runtime("no IdPs to choose from"));
    }
    let mut candidates = all.clone();
    let mut restricted_by_role = false;
    if let Some(wanted) = role_flag {
        let role_values: Vec<&str> = roles.pairs().map(|(_, r)| r).collect();
        let hits = find_by_arn_or_label(wanted, &role_values, role_labels);
        if hits.is_empty() {
            return Err(not_offered(ChoiceKind::Role, wanted, &role_values));
        }
        candidates.retain(|idp| {
            roles
                .roles_of(idp)
                .iter()
                .any(|r| hits.contains(&r.as_str()))
        });
        restricted_by_role = true;
    }
    // With a single IdP in the assertion the IdP flag is moot (upstream ignores it too);
    // otherwise it must agree with the offered IdPs and with the preselected role.
    if all.len() > 1
        && let Some(wanted) = idp_flag
    {
        let hits = find_by_arn_or_label(wanted, &candidates, idp_labels);
        if hits.is_empty() {
            return Err(if restricted_by_role {
                Error::config(format!(
                    "{} \"{wanted}\" is not paired with role \"{}\" in the SAML assertion from Okta; it is offered with: {}",
                    ChoiceKind::Idp.flag(),
                    role_flag.unwrap_or_default(),
                    joined_for_terminal(&candidates)
                ))
            } else {
                not_offered(ChoiceKind::Idp, wanted, &candidates)
            });
        }
        candidates = hits;
    }
    match candidates.as_slice() {
        [one] => Ok(Selected::Chosen(one.to_string())),
        _ => Ok(Selected::Ask(choices(&candidates, idp_labels))),
    }
}

/// Pick the role of provider `idp`: the one matching `role_flag` (ARN or label); else the
/// only one; else ask. When a label matches several roles, those are asked.
///
/// Errors ([`Error::Config`]): `role_flag` matches no role of this IdP (the user asked for
/// a role Okta does not offer: never silently substitute another).
pub fn choose_role(
    roles: &SamlRoles,
    idp: &str,
    role_flag: Option<&str>,
    role_labels: &[(String, String)],
) -> Result<Selected> {
    let offered: Vec<&str> = roles.roles_of(idp).iter().map(String::as_str).collect();
    if offered.is_empty() {
        return Err(Error::runtime(format!(
            "no roles chosen for provider \"{idp}\""
        )));
    }
    let candidates = match role_flag {
        Some(wanted) => {
            let hits = find_by_arn_or_label(wanted, &offered, role_labels);
            if hits.is_empty() {
                return Err(not_offered(ChoiceKind::Role, wanted, &offered));
            }
            hits
        }
        None => offered,
    };
    match candidates.as_slice() {
        [one] => Ok(Selected::Chosen(one.to_string())),
        _ => Ok(Selected::Ask(choices(&candidates, role_labels))),
    }
}

fn not_offered(kind: ChoiceKind, wanted: &str, offered: &[&str]) -> Error {
    Error::config(format!(
        "{} \"{}\" matches none of the {} in the SAML assertion from Okta: {}",
        kind.flag(),
        crate::term::sanitize::line(wanted),
        kind.noun(),
        joined_for_terminal(offered)
    ))
}

/// `values` joined by `, `, each with its control characters escaped.
fn joined_for_terminal(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| crate::term::sanitize::line(v))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
