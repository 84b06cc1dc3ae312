//! PURE: normalise the Okta org as the user gives it (a host name, maybe with a scheme,
//! a port or a path) to the [`OrgUrl`] the tool talks to.

use crate::config::settings::OrgUrl;
use crate::url::{Parts, Scheme, ipv6_literal, is_loopback_host};

/// Why `host` (lower case, without port) cannot be an Okta org's host, or `None` when it
/// can (docs/decisions.md#d-org-domain, issue 11). Accepted: a DNS name (RFC 1123 labels of 1–63 letters,
/// digits and inner hyphens, at most 253 characters, a top-level label that is not all
/// digits) with at least one dot, `localhost`, an IPv4 address (`10.0.0.5`) or an IPv6
/// address in brackets (`[fd00::5]`), as upstream accepts any `host[:port]`. A malformed name
/// would only fail later, in TLS, as "invalid DNS name".
fn host_problem(host: &str) -> Option<&'static str> {
    if host.starts_with('[') {
        return match ipv6_literal(host) {
            Some(_) => None,
            None => Some("the bracketed part is not an IPv6 address"),
        };
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    if host.is_empty() {
        return Some("the host name is empty");
    }
    if host.len() > 253 {
        return Some("the host name is longer than 253 characters");
    }
    let labels: Vec<&str> = host.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Some("the host name has an empty label (a leading, trailing or doubled dot)");
        }
        if label.len() > 63 {
            return Some("a label of the host name is longer than 63 characters");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(
                "a host name has only letters, digits, hyphens and dots (no spaces, '_', '@' or other characters)",
            );
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("a label of the host name starts or ends with a hyphen");
        }
    }
    if labels.len() < 2 && host != "localhost" {
        return Some("a host name needs a domain, e.g. example.okta.com");
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("the top-level label of the host name is all digits (not a DNS name)");
    }
    None
}

/// Normalise the org domain (docs/decisions.md#d-org-domain): a pasted `https://`,
/// a path and a trailing slash are dropped; `-admin` is removed from the end of the first
/// DNS label only (`acme-admin.okta.com` -> `acme.okta.com`); each correction yields a
/// warning. Any `host[:port]` (DNS name, IPv4 address, bracketed IPv6 address) means
/// `https://host:port`. `http://` or `https://` with a loopback host (`127.0.0.1`,
/// `localhost` or a name under it, `[::1]`: [`is_loopback_host`]) keeps its scheme and port
/// (local test orgs); `http://` to any other host is refused. The text is split by
/// [`Parts`]; the host and port rules are this function's. Errors are messages without the
/// source (the caller adds it).
pub fn normalize_org(raw: &str) -> std::result::Result<(OrgUrl, Vec<String>), String> {
    let s = raw.trim();
    let mut warnings = Vec::new();
    let parts = Parts::split(s);
    let scheme = match parts.scheme {
        None => None,
        Some(name) => Some(Scheme::from_name(name).ok_or_else(|| {
            format!(
                "org domain {raw:?} has scheme {name:?}; give the host name, e.g. example.okta.com"
            )
        })?),
    };
    let tail = parts.rest;
    if parts.authority.is_empty() {
        return Err(format!("org domain {raw:?} has no host name"));
    }
    let host = parts.host.to_ascii_lowercase();
    let host = host.as_str();
    if host.starts_with('[') && !host.ends_with(']') {
        return Err(format!("org domain {raw:?} is not a host name"));
    }
    if parts.authority.parse::<std::net::Ipv6Addr>().is_ok() {
        return Err(format!(
            "org domain {raw:?} is not usable: an IPv6 address goes in brackets, e.g. [fd00::5]"
        ));
    }
    if let Some(problem) = host_problem(host) {
        return Err(format!("org domain {raw:?} is not usable: {problem}"));
    }
    let port = match (parts.after_host, parts.port()) {
        ("", _) => None,
        (_, Some(p)) if p.parse::<u16>().is_ok_and(|n| n != 0) => Some(p),
        (after_host, p) => {
            return Err(format!(
                "org domain {raw:?} has an invalid port {:?}",
                p.unwrap_or(after_host)
            ));
        }
    };
    let loopback = is_loopback_host(host);
    if scheme == Some(Scheme::Http) && !loopback {
        return Err(format!(
            "org domain {raw:?} uses http://; Okta orgs are reached over https:// (http:// is only allowed for a loopback test server)"
        ));
    }
    let mut host = host.to_string();
    let authority_of = |h: &str| match port {
        Some(p) => format!("{h}:{p}"),
        None => h.to_string(),
    };
    let has_path = !tail.is_empty() && tail != "/";
    if let (Some(sch), true) = (scheme, loopback) {
        if has_path {
            warnings.push(format!(
                "proactively correcting org domain {raw:?}: the path {tail:?} is ignored"
            ));
        }
        let authority = authority_of(&host);
        return Ok((
            OrgUrl {
                base: format!("{sch}://{authority}"),
                host: authority,
            },
            warnings,
        ));
    }
    if !loopback && !host.starts_with('[') && host.parse::<std::net::Ipv4Addr>().is_err() {
        let (first, others) = match host.split_once('.') {
            Some((f, o)) => (f.to_string(), Some(o.to_string())),
            None => (host.clone(), None),
        };
        if let Some(stripped) = first.strip_suffix("-admin").filter(|f| !f.is_empty()) {
            let fixed = match others {
                Some(o) => format!("{stripped}.{o}"),
                None => stripped.to_string(),
            };
            warnings.push(format!(
                "proactively correcting org domain {:?} to non-admin form {:?}.",
                authority_of(&host),
                authority_of(&fixed)
            ));
            host = fixed;
        }
    }
    let authority = authority_of(&host);
    if scheme.is_some() {
        warnings.push(format!(
            "proactively correcting URL format org domain {raw:?} value to hostname only form {authority:?}."
        ));
    } else if !tail.is_empty() {
        warnings.push(format!(
            "proactively correcting malformed org domain {raw:?} value to hostname only form {authority:?}."
        ));
    }
    Ok((
        OrgUrl {
            base: format!("https://{authority}"),
            host: authority,
        },
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_normalisation() {
        let ok = |raw: &str| normalize_org(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        let cases: &[(&str, &str, &str, usize)] = &[
            (
                "example.okta.com",
                "https://example.okta.com",
                "example.okta.com",
                0,
            ),
            (
                "https://example.okta.com/",
                "https://example.okta.com",
                "example.okta.com",
                1,
            ),
            (
                "HTTPS://Example.Okta.com/app/x?y",
                "https://example.okta.com",
                "example.okta.com",
                1,
            ),
            (
                "example.okta.com/",
                "https://example.okta.com",
                "example.okta.com",
                1,
            ),
            (
                "acme-admin.okta.com",
                "https://acme.okta.com",
                "acme.okta.com",
                1,
            ),
            (
                "https://acme-admin.okta.com/",
                "https://acme.okta.com",
                "acme.okta.com",
                2,
            ),
            (
                "my-admin-team.okta.com",
                "https://my-admin-team.okta.com",
                "my-admin-team.okta.com",
                0,
            ),
            (
                "acme.okta-admin.com",
                "https://acme.okta-admin.com",
                "acme.okta-admin.com",
                0,
            ),
            (
                "http://127.0.0.1:8443",
                "http://127.0.0.1:8443",
                "127.0.0.1:8443",
                0,
            ),
            (
                "https://127.0.0.1:8443/",
                "https://127.0.0.1:8443",
                "127.0.0.1:8443",
                0,
            ),
            (
                "http://localhost:9000",
                "http://localhost:9000",
                "localhost:9000",
                0,
            ),
            ("https://[::1]:8443", "https://[::1]:8443", "[::1]:8443", 0),
            (
                "example.okta.com:8443",
                "https://example.okta.com:8443",
                "example.okta.com:8443",
                0,
            ),
        ];
        for (raw, base, host, nwarn) in cases {
            let (org, w) = ok(raw);
            assert_eq!(
                (org.base.as_str(), org.host.as_str()),
                (*base, *host),
                "{raw}"
            );
            assert_eq!(w.len(), *nwarn, "{raw}: {w:?}");
        }
        assert!(ok("acme-admin.okta.com").1[0].contains("non-admin form \"acme.okta.com\""));
        for bad in [
            "http://example.okta.com",
            "ftp://x.com",
            "https://",
            "exa mple.com",
            "user@x.com",
            "x.com:99999",
            "-admin.okta.com/",
        ] {
            assert!(normalize_org(bad).is_err(), "{bad}");
        }
        // Forms that used to pass and then failed in TLS as "invalid dns name".
        for bad in [
            "12345",
            "a b",
            "exa_mple..com",
            "exa_mple.com",
            "example..com",
            "example",
            "https://[zz]",
            "[2001:db8::1",
            "2001:db8::1",
            "a.123",
            "x-.okta.com",
            "http://127.0.0.1.5",
        ] {
            let e = normalize_org(bad).expect_err(bad);
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
        // Any host[:port] as upstream: IP literals mean https://host:port (issue 11).
        for (raw, base) in [
            ("10.0.0.5:8443", "https://10.0.0.5:8443"),
            ("127.0.0.1:8443", "https://127.0.0.1:8443"),
            ("1.2.3.4", "https://1.2.3.4"),
            ("https://1.2.3.4/", "https://1.2.3.4"),
            ("[::1]:8443", "https://[::1]:8443"),
            ("[FD00::5]:8443", "https://[fd00::5]:8443"),
            ("https://[2001:db8::1]", "https://[2001:db8::1]"),
        ] {
            let (org, _) = ok(raw);
            assert_eq!(org.base, base, "{raw}");
            assert_eq!(Some(org.host.as_str()), base.strip_prefix("https://"));
        }
        for bad in ["http://10.0.0.5:8443", "http://[fd00::5]", "10.0.0.5:0"] {
            assert!(normalize_org(bad).is_err(), "{bad}");
        }
        let long_label = format!("{}.okta.com", "a".repeat(64));
        assert!(normalize_org(&long_label).is_err());
        let (org, _) = normalize_org("localhost").expect("localhost");
        assert_eq!(
            (org.base.as_str(), org.host.as_str()),
            ("https://localhost", "localhost")
        );
        let (org, _) = normalize_org("http://[::1]:9").expect("loopback IPv6");
        assert_eq!(
            (org.base.as_str(), org.host.as_str()),
            ("http://[::1]:9", "[::1]:9")
        );
        // The shared loopback check: names under localhost are loopback too.
        let (org, _) = normalize_org("http://a.localhost:9").expect("name under localhost");
        assert_eq!(org.base, "http://a.localhost:9");
        let e = normalize_org("2001:db8::1").unwrap_err();
        assert!(e.contains("in brackets"), "{e}");
    }
}
