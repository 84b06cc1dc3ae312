//! PURE: the SAML side of the `web` flow (docs/decisions.md#d-saml, docs/decisions.md#d-session-duration).
//!
//! 1. [`extract_saml_response`] takes the HTML page returned by Okta's
//!    `POST /login/token/sso` and returns the base64 `SAMLResponse` form value (HTML
//!    character references decoded), which is what STS `AssumeRoleWithSAML` receives.
//! 2. [`parse_saml_response`] base64-decodes it and reads the SAML 2.0 assertion
//!    (namespace `urn:oasis:names:tc:SAML:2.0:assertion`, matched by namespace URI and local
//!    name, never by prefix): the AWS `Role` attribute values, grouped as
//!    provider (principal ARN) -> role ARNs, and the optional `SessionDuration` attribute.
//!
//! The SAML assertion is a secret: no error message here quotes it. ARNs are not secrets and
//! are quoted in warnings.

use base64::Engine as _;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::error::{Error, Result};
use crate::http::html::{InputScan, decode_char_refs, for_each_input};

/// Namespace URI of SAML 2.0 assertions (OASIS SAML 2.0 Core, §2).
pub const SAML_ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// The AWS attribute listing `provider-arn,role-arn` pairs.
pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
/// The AWS attribute giving the session duration in seconds.
pub const SESSION_DURATION_ATTRIBUTE: &str =
    "https://aws.amazon.com/SAML/Attributes/SessionDuration";

/// The AWS `RoleSessionName` attribute: the session name STS gives the role session.
pub const ROLE_SESSION_NAME_ATTRIBUTE: &str =
    "https://aws.amazon.com/SAML/Attributes/RoleSessionName";

/// One SAML provider (the STS `PrincipalArn`) and the roles the assertion pairs with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpRoles {
    /// Provider ARN, e.g. `arn:aws:iam::123456789012:saml-provider/ExampleOkta`.
    pub idp: String,
    /// Role ARNs paired with this provider, first-seen order, no duplicates.
    pub roles: Vec<String>,
}

/// What the web flow needs from a SAML assertion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SamlRoles {
    /// Providers in first-seen order, each with at least one role.
    pub idps: Vec<IdpRoles>,
    /// The `SessionDuration` attribute in seconds (900..=43200), when present and valid.
    pub session_duration: Option<u32>,
    /// The first `RoleSessionName` attribute value, trimmed, when present and not empty
    /// (the session name of the federated role; `--chain-role` reuses it).
    pub role_session_name: Option<String>,
    /// Human warnings for the caller to print on stderr: Role values that are not exactly
    /// one provider plus one role, an unusable SessionDuration. They name ARNs only.
    pub warnings: Vec<String>,
}

impl SamlRoles {
    /// Every (provider ARN, role ARN) pair, in first-seen order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.idps
            .iter()
            .flat_map(|g| g.roles.iter().map(move |r| (g.idp.as_str(), r.as_str())))
    }

    /// The provider paired with `role_arn`, first one when several are (docs/decisions.md#d-saml, case B03).
    pub fn idp_for_role(&self, role_arn: &str) -> Option<&str> {
        self.pairs().find(|(_, r)| *r == role_arn).map(|(i, _)| i)
    }

    /// The roles of provider `idp`, or an empty slice.
    pub fn roles_of(&self, idp: &str) -> &[String] {
        self.idps
            .iter()
            .find(|g| g.idp == idp)
            .map(|g| g.roles.as_slice())
            .unwrap_or(&[])
    }

    fn add_pair(&mut self, idp: &str, role: &str) {
        match self.idps.iter_mut().find(|g| g.idp == idp) {
            Some(g) => {
                if !g.roles.iter().any(|r| r == role) {
                    g.roles.push(role.to_string());
                }
            }
            None => self.idps.push(IdpRoles {
                idp: idp.to_string(),
                roles: vec![role.to_string()],
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 1. The SAMLResponse form value in the HTML page
// ---------------------------------------------------------------------------------------

/// Find the `SAMLResponse` value in the HTML returned by `POST <org>/login/token/sso`.
///
/// Takes the value of the `<input>` element whose `name` attribute is exactly
/// `SAMLResponse` (attributes in any order; double, single or no quotes; HTML character
/// references — named, decimal `&#43;`, hex `&#x2b;` — decoded; whitespace removed). Comments
/// and `<script>`/`<style>`/`<textarea>` contents are skipped ([`for_each_input`] with
/// [`InputScan::FormFields`]). Several such inputs with the same value are one; `url` only
/// names the page in errors.
///
/// Returns the base64 SAML Response exactly as STS `SAMLAssertion` wants it.
///
/// Errors ([`Error::Runtime`]): no such input -> `no SAML assertion in the response from
/// <url>`; several with different values (ambiguous: never guess which one is real); a
/// value that is not base64 text.
pub fn extract_saml_response(html: &str, url: &str) -> Result<String> {
    // Distinct values, in a set: a page with many SAMLResponse inputs stays linear.
    let mut values: std::collections::HashSet<String> = std::collections::HashSet::new();
    // FormFields scanning is linear and never exceeds a budget.
    let _ = for_each_input(html, InputScan::FormFields, |input| {
        if input.name(html).as_deref() != Some("SAMLResponse") {
            return;
        }
        let value: String = decode_char_refs(input.value(html).unwrap_or(""))
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        values.insert(value);
    });
    let value = match values.len() {
        0 => {
            return Err(Error::runtime(format!(
                "no SAML assertion in the response from {url}"
            )));
        }
        1 => values.into_iter().next().unwrap_or_default(),
        n => {
            return Err(Error::runtime(format!(
                "the response from {url} has {n} SAMLResponse inputs with different values; \
                 refusing to guess which SAML assertion is meant"
            )));
        }
    };
    if value.is_empty() {
        return Err(Error::runtime(format!(
            "the SAMLResponse value in the response from {url} is empty"
        )));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        return Err(Error::runtime(format!(
            "the SAMLResponse value in the response from {url} is not base64 (contains {bad:?})"
        )));
    }
    Ok(value)
}

// ---------------------------------------------------------------------------------------
// 2. The assertion: Role and SessionDuration attributes
// ---------------------------------------------------------------------------------------

/// Base64-decode a SAML Response (standard alphabet, whitespace ignored) and read its roles;
/// see [`parse_saml_xml`].
///
/// Errors ([`Error::Runtime`]): not base64; plus those of [`parse_saml_xml`].
pub fn parse_saml_response(b64: &str) -> Result<SamlRoles> {
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let xml = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| {
            Error::runtime(format!(
                "the SAML response from Okta is not valid base64: {e}"
            ))
        })?;
    parse_saml_xml(&xml)
}

/// Read the AWS attributes from a decoded SAML 2.0 Response (or bare Assertion).
///
/// Attributes are `Attribute` elements in [`SAML_ASSERTION_NS`], matched by namespace and
/// local name whatever the prefix. Every `AttributeValue` of [`ROLE_ATTRIBUTE`] is split on
/// commas, each part trimmed and classified by ARN resource type (`saml-provider/...` or
/// `role/...`), never by position. A value with exactly one provider and one role yields a
/// pair; any other value becomes a warning naming the raw value and the reason (`no role
/// ARN`, `no provider ARN`, ...). Duplicate pairs are dropped, first-seen order is kept.
/// [`SESSION_DURATION_ATTRIBUTE`] must be whole seconds in 900..=43200, else it is ignored
/// with a warning.
///
/// Errors ([`Error::Runtime`]): not well-formed XML or containing a DTD; an
/// `EncryptedAssertion` (`encrypted assertions are not supported`); no Role attribute
/// (`no Role attribute`); a Role attribute without any usable pair (`contains no usable AWS
/// role`).
pub fn parse_saml_xml(xml: &[u8]) -> Result<SamlRoles> {
    let raw = read_attributes(xml)?;
    let Some(role_values) = raw.roles else {
        return Err(Error::runtime(format!(
            "the SAML assertion from Okta has no Role attribute ({ROLE_ATTRIBUTE}); check the AWS \
             Federation app role/group mapping"
        )));
    };
    let mut out = SamlRoles::default();
    let mut problems = Vec::new();
    for value in &role_values {
        match classify_role_value(value) {
            Ok((idp, role)) => out.add_pair(&idp, &role),
            Err(reason) => {
                out.warnings
                    .push(format!("ignoring SAML Role value \"{value}\": {reason}"));
                problems.push(format!("\"{value}\": {reason}"));
            }
        }
    }
    if out.idps.is_empty() {
        let detail = if problems.is_empty() {
            "no values".to_string()
        } else {
            problems.join("; ")
        };
        return Err(Error::runtime(format!(
            "the SAML assertion from Okta contains no usable AWS role (Role attribute present but \
             no provider,role pairs: {detail}) - check the AWS Federation app role/group mapping"
        )));
    }
    out.role_session_name = raw.role_session_name;
    if let Some(d) = raw.session_duration {
        match d.trim().parse::<u32>() {
            Ok(secs) if (900..=43200).contains(&secs) => out.session_duration = Some(secs),
            Ok(secs) => out.warnings.push(format!(
                "ignoring SAML SessionDuration {secs}: outside 900..43200 seconds"
            )),
            Err(_) => out.warnings.push(format!(
                "ignoring SAML SessionDuration \"{}\": not a whole number of seconds",
                d.trim()
            )),
        }
    }
    Ok(out)
}

/// Split one Role value into (provider ARN, role ARN) or give the reason it is unusable.
fn classify_role_value(value: &str) -> std::result::Result<(String, String), String> {
    let mut providers = Vec::new();
    let mut roles = Vec::new();
    let mut unknown = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match arn_kind(part) {
            Some(ArnKind::Provider) => providers.push(part),
            Some(ArnKind::Role) => roles.push(part),
            None => unknown.push(part),
        }
    }
    let reason = match (providers.len(), roles.len()) {
        (1, 1) if unknown.is_empty() => {
            return Ok((providers[0].to_string(), roles[0].to_string()));
        }
        (1, 1) => format!("unrecognised part \"{}\"", unknown[0]),
        (0, 0) if unknown.is_empty() => "empty value".to_string(),
        (0, 0) => "no provider ARN and no role ARN".to_string(),
        (0, _) => "no provider ARN".to_string(),
        (_, 0) => "no role ARN".to_string(),
        (1, _) => "more than one role ARN".to_string(),
        _ => "more than one provider ARN".to_string(),
    };
    Err(reason)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArnKind {
    Provider,
    Role,
}

/// `arn:<partition>:iam::<account>:saml-provider/<name>` or `...:role/<path/name>`.
fn arn_kind(s: &str) -> Option<ArnKind> {
    let mut f = s.splitn(6, ':');
    let (arn, partition, service, _region, account, resource) = (
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
        f.next()?,
    );
    if arn != "arn" || partition.is_empty() || service != "iam" || account.is_empty() {
        return None;
    }
    let (kind, name) = if let Some(n) = resource.strip_prefix("saml-provider/") {
        (ArnKind::Provider, n)
    } else if let Some(n) = resource.strip_prefix("role/") {
        (ArnKind::Role, n)
    } else {
        return None;
    };
    (!name.is_empty()).then_some(kind)
}

#[derive(Default)]
struct RawAttributes {
    roles: Option<Vec<String>>,
    session_duration: Option<String>,
    role_session_name: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Role,
    Duration,
    SessionName,
    Other,
}

fn read_attributes(xml: &[u8]) -> Result<RawAttributes> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::runtime(format!(
            "the SAML response from Okta is not well-formed XML: {e}"
        ))
    };
    let ns = SAML_ASSERTION_NS.as_bytes();
    let mut reader = NsReader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = RawAttributes::default();
    // The attribute we are inside of (and its depth), and the value being collected.
    let mut depth = 0usize;
    let mut attr: Option<(Wanted, usize)> = None;
    let mut value: Option<(String, usize)> = None;
    let mut saw_element = false;
    loop {
        buf.clear();
        let (res, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| bad(&e))?;
        let in_ns = matches!(res, ResolveResult::Bound(n) if n.as_ref() == ns);
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                saw_element = true;
                let empty = matches!(event, Event::Empty(_));
                depth += 1;
                let local = e.local_name();
                let local = local.as_ref();
                if in_ns && matches!(local, b"EncryptedAssertion" | b"EncryptedAttribute") {
                    return Err(Error::runtime(
                        "the SAML response from Okta is encrypted: encrypted assertions are not \
                         supported",
                    ));
                }
                if in_ns && local == b"Attribute" && attr.is_none() {
                    let mut name = None;
                    for a in e.attributes() {
                        let a = a.map_err(|e| bad(&e))?;
                        if a.key.as_ref() == b"Name" {
                            name = Some(
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .map_err(|e| bad(&e))?
                                    .into_owned(),
                            );
                        }
                    }
                    let wanted = match name.as_deref() {
                        Some(ROLE_ATTRIBUTE) => Wanted::Role,
                        Some(SESSION_DURATION_ATTRIBUTE) => Wanted::Duration,
                        Some(ROLE_SESSION_NAME_ATTRIBUTE) => Wanted::SessionName,
                        _ => Wanted::Other,
                    };
                    if wanted == Wanted::Role && out.roles.is_none() {
                        out.roles = Some(Vec::new());
                    }
                    if !empty {
                        attr = Some((wanted, depth));
                    }
                } else if in_ns
                    && local == b"AttributeValue"
                    && value.is_none()
                    && let Some((wanted, _)) = attr
                {
                    if empty {
                        push_value(&mut out, wanted, String::new());
                    } else {
                        value = Some((String::new(), depth));
                    }
                }
                if empty {
                    depth -= 1;
                }
            }
            Event::End(_) => {
                if let Some((text, d)) = value.take() {
                    if d == depth {
                        if let Some((wanted, _)) = attr {
                            push_value(&mut out, wanted, text);
                        }
                    } else {
                        value = Some((text, d));
                    }
                }
                if attr.is_some_and(|(_, d)| d == depth) {
                    attr = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) => {
                if let Some((text, _)) = value.as_mut() {
                    text.push_str(&t.decode().map_err(|e| bad(&e))?);
                }
            }
            Event::CData(t) => {
                if let Some((text, _)) = value.as_mut() {
                    text.push_str(&t.decode().map_err(|e| bad(&e))?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((text, _)) = value.as_mut() {
                    if let Some(ch) = r.resolve_char_ref().map_err(|e| bad(&e))? {
                        text.push(ch);
                    } else {
                        let name = r.decode().map_err(|e| bad(&e))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => text.push_str(s),
                            None => return Err(bad(&format!("unknown entity &{name};"))),
                        }
                    }
                }
            }
            Event::DocType(_) => {
                return Err(Error::runtime(
                    "the SAML response from Okta contains a DTD, which SAML does not allow",
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_element {
        return Err(bad(&"no XML elements"));
    }
    Ok(out)
}

fn push_value(out: &mut RawAttributes, wanted: Wanted, text: String) {
    match wanted {
        Wanted::Role => out
            .roles
            .get_or_insert_with(Vec::new)
            .push(text.trim().to_string()),
        Wanted::Duration => {
            if out.session_duration.is_none() {
                out.session_duration = Some(text);
            }
        }
        Wanted::SessionName => {
            let text = text.trim();
            if out.role_session_name.is_none() && !text.is_empty() {
                out.role_session_name = Some(text.to_string());
            }
        }
        Wanted::Other => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_and_debug_redactor_agree_on_the_form_field() {
        let page = r#"<input type="hidden" data-x="a>b" name="SAML&#x52;esponse" value="QUJD">"#;
        assert_eq!(extract_saml_response(page, "u").unwrap(), "QUJD");
        assert!(!crate::http::redact_html(page).contains("QUJD"));
    }

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

    fn case(name: &str) -> String {
        std::fs::read_to_string(format!("{CASES}{name}"))
            .unwrap_or_else(|e| panic!("reading case file {name}: {e}"))
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
    }

    fn groups(r: &SamlRoles) -> Vec<(String, Vec<String>)> {
        r.idps
            .iter()
            .map(|g| (g.idp.clone(), g.roles.clone()))
            .collect()
    }

    #[test]
    fn b01_role_order_does_not_matter() {
        let r = parse_saml_response(&b64(&case("B01-saml-role-order.xml"))).unwrap();
        assert_eq!(
            groups(&r),
            vec![(
                "arn:aws:iam::123456789012:saml-provider/ExampleOkta".to_string(),
                vec![
                    "arn:aws:iam::123456789012:role/Admin".to_string(),
                    "arn:aws:iam::123456789012:role/ReadOnly".to_string(),
                    "arn:aws:iam::123456789012:role/Billing".to_string(),
                ]
            )]
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.session_duration, None);
        // No provider ARN ever appears as a role.
        assert!(r.pairs().all(|(_, role)| role.contains(":role/")));
    }

    #[test]
    fn b03_pairs_stay_together_and_duplicates_go() {
        let r = parse_saml_xml(case("B03-saml-multi-account.xml").as_bytes()).unwrap();
        let p = |a: &str, n: &str| format!("arn:aws:iam::{a}:saml-provider/{n}");
        let role = |a: &str, n: &str| format!("arn:aws:iam::{a}:role/{n}");
        assert_eq!(
            groups(&r),
            vec![
                (
                    p("111111111111", "ExampleOkta"),
                    vec![role("111111111111", "Admin")]
                ),
                (
                    p("222222222222", "ExampleOkta"),
                    vec![
                        role("222222222222", "Admin"),
                        role("222222222222", "ReadOnly")
                    ]
                ),
                (
                    p("333333333333", "OtherIdP"),
                    vec![role("333333333333", "Admin")]
                ),
            ]
        );
        assert_eq!(
            r.idp_for_role("arn:aws:iam::333333333333:role/Admin"),
            Some("arn:aws:iam::333333333333:saml-provider/OtherIdP")
        );
        assert_eq!(r.pairs().count(), 4);
        assert!(r.warnings.is_empty());
    }

    fn b05_expected_value() -> String {
        b64(&case("B05-decoded.xml"))
    }

    #[test]
    fn b05_entity_encoded_page() {
        let url = "https://example.okta.com/login/token/sso";
        let v = extract_saml_response(&case("B05-sso-page-html-entities.html"), url).unwrap();
        assert_eq!(v.len(), 1140);
        assert_eq!(v.matches('+').count(), 6);
        assert_eq!(v.matches('/').count(), 1);
        assert!(v.ends_with('=') && !v.ends_with("=="));
        assert_eq!(v, b05_expected_value());
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&v)
            .unwrap();
        assert_eq!(decoded, case("B05-decoded.xml").into_bytes());
        assert!(String::from_utf8(decoded).unwrap().contains("Zoë Exämple"));
        let r = parse_saml_response(&v).unwrap();
        assert_eq!(
            groups(&r),
            vec![(
                "arn:aws:iam::123456789012:saml-provider/ExampleOkta".to_string(),
                vec!["arn:aws:iam::123456789012:role/ReadOnly".to_string()]
            )]
        );
    }

    #[test]
    fn b05_plain_page_gives_same_value() {
        let page = case("B05-sso-page-html-entities.html")
            .replace("&#x2b;", "+")
            .replace("&#x2f;", "/")
            .replace("&#x3d;", "=");
        assert!(!page.contains("&#x2b;"));
        let v = extract_saml_response(&page, "u").unwrap();
        assert_eq!(v, b05_expected_value());
    }

    #[test]
    fn b05_other_quoting_and_references() {
        let want = b05_expected_value();
        // Single quotes, decimal and named references, value before name, upper-case tag,
        // a decoy in a comment and in a script, and a line-wrapped value.
        let encoded = want
            .replace('+', "&#43;")
            .replace('/', "&sol;")
            .replace('=', "&#X3D;");
        let (a, b) = encoded.split_at(100);
        let page = format!(
            "<html><!-- <input name=\"SAMLResponse\" value=\"decoy\"> -->\
             <script>var s='<input name=\"SAMLResponse\" value=\"decoy2\">';</script>\
             <INPUT type=hidden value='{a}\n{b}' NAME=SAMLResponse></html>"
        );
        assert_eq!(extract_saml_response(&page, "u").unwrap(), want);
        // Unquoted value.
        let page = format!(
            "<input name=SAMLResponse value={}>",
            want.replace('=', "&equals;")
        );
        assert_eq!(extract_saml_response(&page, "u").unwrap(), want);
    }

    #[test]
    fn b05_page_without_saml_response() {
        let page = case("B05-sso-page-html-entities.html")
            .replace("name=\"SAMLResponse\"", "name=\"Other\"");
        let err =
            extract_saml_response(&page, "https://example.okta.com/login/token/sso").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no SAML assertion in the response from https://example.okta.com/login/token/sso"
        );
        // Only SAMLRequest present: never taken.
        let err = extract_saml_response("<input name=\"SAMLRequest\" value=\"QUJD\">", "u");
        assert!(err.is_err());
        // A name that merely contains SAMLResponse does not count.
        assert!(
            extract_saml_response("<input name=\"xSAMLResponse\" value=\"QUJD\">", "u").is_err()
        );
    }

    #[test]
    fn two_different_saml_responses_are_ambiguous() {
        let page = "<form><input name=SAMLResponse value=QUJD>\
                    <input name=SAMLResponse value=REVG></form>";
        let err = extract_saml_response(page, "https://o/login/token/sso").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the response from https://o/login/token/sso has 2 SAMLResponse inputs with \
             different values; refusing to guess which SAML assertion is meant"
        );
        assert!(!err.to_string().contains("QUJD") && !err.to_string().contains("REVG"));
        // The same value twice (also written differently) is one assertion.
        let page =
            "<input name=SAMLResponse value=QUJD><input name='SAMLResponse' value='QU&#x4a;D'>";
        assert_eq!(extract_saml_response(page, "u").unwrap(), "QUJD");
        // A decoy in a comment or script does not make a real field ambiguous.
        let page =
            "<!-- <input name=SAMLResponse value=REVG> --><input name=SAMLResponse value=QUJD>";
        assert_eq!(extract_saml_response(page, "u").unwrap(), "QUJD");
    }

    #[test]
    fn non_base64_value_is_a_clear_error() {
        let err =
            extract_saml_response("<input name=SAMLResponse value='ab&amp;c'>", "u").unwrap_err();
        assert!(err.to_string().contains("not base64"), "{err}");
        let err = parse_saml_response("@@@").unwrap_err();
        assert!(err.to_string().contains("not valid base64"), "{err}");
    }

    #[test]
    fn b06_a_malformed_values_are_warned_about() {
        let r = parse_saml_xml(case("B06-saml-provider-only.xml").as_bytes()).unwrap();
        assert_eq!(
            groups(&r),
            vec![(
                "arn:aws:iam::210987654321:saml-provider/ExampleOkta".to_string(),
                vec!["arn:aws:iam::210987654321:role/Support".to_string()]
            )]
        );
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert_eq!(
            r.warnings[0],
            "ignoring SAML Role value \"arn:aws:iam::123456789012:saml-provider/ExampleOkta\": no role ARN"
        );
        assert!(
            r.warnings[1]
                .contains("arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B")
        );
        assert!(r.warnings[1].ends_with("no provider ARN"));
    }

    #[test]
    fn b06_b_nothing_usable() {
        let xml = case("B06-saml-provider-only.xml");
        let good = "arn:aws:iam::210987654321:saml-provider/ExampleOkta,arn:aws:iam::210987654321:role/Support";
        let start = xml.find(good).unwrap();
        let open = xml[..start].rfind("<saml2:AttributeValue>").unwrap();
        let close = start
            + xml[start..].find("</saml2:AttributeValue>").unwrap()
            + "</saml2:AttributeValue>".len();
        let b = format!("{}{}", &xml[..open], &xml[close..]);
        assert!(!b.contains("role/Support"));
        let err = parse_saml_xml(b.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("the SAML assertion from Okta contains no usable AWS role"),
            "{err}"
        );
        assert!(
            err.contains("check the AWS Federation app role/group mapping"),
            "{err}"
        );
        assert!(
            err.contains("no role ARN") && err.contains("no provider ARN"),
            "{err}"
        );
    }

    #[test]
    fn b06_c_no_role_attribute_and_encrypted() {
        let xml =
            case("B06-saml-provider-only.xml").replace(ROLE_ATTRIBUTE, "https://example.com/Other");
        let err = parse_saml_xml(xml.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("no Role attribute"), "{err}");

        let enc = r#"<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol">
            <saml2:EncryptedAssertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">
            <xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml2:EncryptedAssertion>
            </saml2p:Response>"#;
        let err = parse_saml_response(&b64(enc)).unwrap_err().to_string();
        assert!(
            err.contains("encrypted assertions are not supported"),
            "{err}"
        );
    }

    #[test]
    fn namespace_not_prefix_decides() {
        // Default namespace, no prefix at all; whitespace and CDATA around values; a
        // look-alike element in another namespace is ignored.
        let xml = r#"<?xml version="1.0"?>
<Response xmlns="urn:oasis:names:tc:SAML:2.0:protocol">
 <Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">
  <AttributeStatement>
   <Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
    <AttributeValue xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">
      arn:aws:iam::1:role/R , arn:aws:iam::1:saml-provider/P
    </AttributeValue>
    <AttributeValue><![CDATA[arn:aws-cn:iam::2:saml-provider/Q,arn:aws-cn:iam::2:role/path/S]]></AttributeValue>
   </Attribute>
   <Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">
    <AttributeValue>7200</AttributeValue>
   </Attribute>
   <x:Attribute xmlns:x="urn:example:other" Name="https://aws.amazon.com/SAML/Attributes/Role">
    <x:AttributeValue>arn:aws:iam::9:saml-provider/Z,arn:aws:iam::9:role/Z</x:AttributeValue>
   </x:Attribute>
  </AttributeStatement>
 </Assertion>
</Response>"#;
        let r = parse_saml_xml(xml.as_bytes()).unwrap();
        let pairs: Vec<_> = r.pairs().collect();
        assert_eq!(
            pairs,
            vec![
                ("arn:aws:iam::1:saml-provider/P", "arn:aws:iam::1:role/R"),
                (
                    "arn:aws-cn:iam::2:saml-provider/Q",
                    "arn:aws-cn:iam::2:role/path/S"
                ),
            ]
        );
        assert_eq!(r.session_duration, Some(7200));

        // Another prefix for the assertion namespace works the same.
        let other = xml.replace(
            "<Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
            "<Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:a=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
        )
        .replace("<Attribute Name", "<a:Attribute Name")
        .replace("</Attribute>", "</a:Attribute>");
        assert_eq!(parse_saml_xml(other.as_bytes()).unwrap().pairs().count(), 2);
    }

    #[test]
    fn role_session_name_is_read() {
        let make = |attr: &str| {
            format!(
                r#"<a:Assertion xmlns:a="urn:oasis:names:tc:SAML:2.0:assertion"><a:AttributeStatement>
{attr}
<a:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><a:AttributeValue>arn:aws:iam::1:saml-provider/P,arn:aws:iam::1:role/R</a:AttributeValue></a:Attribute>
</a:AttributeStatement></a:Assertion>"#
            )
        };
        let name = r#"<a:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><a:AttributeValue> jane@example.com </a:AttributeValue><a:AttributeValue>second</a:AttributeValue></a:Attribute>"#;
        let r = parse_saml_xml(make(name).as_bytes()).unwrap();
        assert_eq!(r.role_session_name.as_deref(), Some("jane@example.com"));
        let r = parse_saml_xml(make("").as_bytes()).unwrap();
        assert_eq!(r.role_session_name, None);
    }

    #[test]
    fn session_duration_invalid_is_ignored_with_warning() {
        let make = |d: &str| {
            format!(
                r#"<a:Assertion xmlns:a="urn:oasis:names:tc:SAML:2.0:assertion"><a:AttributeStatement>
<a:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><a:AttributeValue>{d}</a:AttributeValue></a:Attribute>
<a:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><a:AttributeValue>arn:aws:iam::1:saml-provider/P,arn:aws:iam::1:role/R</a:AttributeValue></a:Attribute>
</a:AttributeStatement></a:Assertion>"#
            )
        };
        let r = parse_saml_xml(make("3600").as_bytes()).unwrap();
        assert_eq!((r.session_duration, r.warnings.len()), (Some(3600), 0));
        for bad in ["1h", "-5", "99999", ""] {
            let r = parse_saml_xml(make(bad).as_bytes()).unwrap();
            assert_eq!(r.session_duration, None, "{bad}");
            assert_eq!(r.warnings.len(), 1, "{bad}: {:?}", r.warnings);
            assert!(r.warnings[0].contains("SessionDuration"));
        }
    }

    #[test]
    fn bad_xml_and_dtd_are_errors() {
        assert!(parse_saml_xml(b"not xml at all").is_err());
        assert!(parse_saml_xml(b"<a><b></a>").is_err());
        let dtd = br#"<!DOCTYPE r [<!ENTITY x "y">]><r/>"#;
        assert!(parse_saml_xml(dtd).unwrap_err().to_string().contains("DTD"));
    }

    #[test]
    fn classify_reasons() {
        let p = "arn:aws:iam::1:saml-provider/P";
        let r = "arn:aws:iam::1:role/R";
        assert_eq!(
            classify_role_value(&format!("{r},{p}")),
            Ok((p.into(), r.into()))
        );
        assert_eq!(
            classify_role_value(&format!(" {p} ,{r}, ")),
            Ok((p.into(), r.into()))
        );
        assert_eq!(classify_role_value(p).unwrap_err(), "no role ARN");
        assert_eq!(classify_role_value(r).unwrap_err(), "no provider ARN");
        assert_eq!(
            classify_role_value(&format!("{p},{r},{r}2")).unwrap_err(),
            "more than one role ARN"
        );
        assert_eq!(
            classify_role_value(&format!("{p},{p}2,{r}")).unwrap_err(),
            "more than one provider ARN"
        );
        assert!(
            classify_role_value(&format!("{p},{r},junk"))
                .unwrap_err()
                .contains("junk")
        );
        assert_eq!(classify_role_value("").unwrap_err(), "empty value");
        assert_eq!(arn_kind("arn:aws:iam::1:role/"), None);
        assert_eq!(arn_kind("arn:aws:s3:::role/x"), None);
    }

    #[test]
    fn char_refs() {
        assert_eq!(decode_char_refs("a&#x2b;b&#43;c&plus;d&amp;e"), "a+b+c+d&e");
        assert_eq!(
            decode_char_refs("&unknown; & &#; &#x110000;"),
            "&unknown; & &#; \u{FFFD}"
        );
        assert_eq!(decode_char_refs("&#x3d&#61"), "==");
    }
}
