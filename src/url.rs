//! PURE: the one reading of an absolute `http` or `https` URL ([`Url`]), its origin
//! ([`Origin`]) with one rule for default ports ([`Scheme::default_port`]), and the one
//! loopback check ([`is_loopback_host`]).
//!
//! It sits on the lowest layer, so that settings (`config`), the HTTP agent (`http`) and the
//! AWS endpoints (`aws`) all read a URL the same way. It checks the parts this program acts
//! on (scheme, host, port); the path, query and fragment are kept as written, for the caller
//! to check or encode.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// The two schemes this program speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http`: only for loopback test servers and endpoint overrides.
    Http,
    /// `https`.
    Https,
}

impl Scheme {
    /// Read a scheme name, ignoring ASCII case (RFC 3986 §3.1); `None` for any other scheme.
    pub fn from_name(name: &str) -> Option<Scheme> {
        if name.eq_ignore_ascii_case("https") {
            Some(Scheme::Https)
        } else if name.eq_ignore_ascii_case("http") {
            Some(Scheme::Http)
        } else {
            None
        }
    }

    /// `http` or `https` (lower case).
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// The port a URL of this scheme means when it names none: 80 for `http`, 443 for
    /// `https` (RFC 9110 §4.2.1, §4.2.2). The one default-port rule of the program.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not an absolute `http(s)` URL. Its `Display` is the problem only, without
/// the URL (e.g. `has an invalid port`), so that the caller names the setting and shows the
/// URL its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// No `:` at all, so no scheme.
    NoScheme,
    /// A scheme other than `http` and `https`.
    UnsupportedScheme,
    /// The scheme is not followed by `//`.
    NoAuthority,
    /// User information (`user@`) before the host.
    UserInfo,
    /// Nothing between `//` and the port, path, query or fragment.
    NoHost,
    /// The host is neither a name of letters, digits, `-`, `.` and `_`, nor an IPv6
    /// address in brackets.
    InvalidHost,
    /// The port is not a number from 1 to 65535.
    InvalidPort,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlError::NoScheme => "is not an absolute URL (no scheme)",
            UrlError::UnsupportedScheme => "is not an http or https URL",
            UrlError::NoAuthority => "has no authority (expected scheme://host)",
            UrlError::UserInfo => "has user information (`@`) before the host",
            UrlError::NoHost => "has an invalid host (it is empty)",
            UrlError::InvalidHost => "has an invalid host",
            UrlError::InvalidPort => "has an invalid port",
        })
    }
}

impl std::error::Error for UrlError {}

/// An absolute `http` or `https` URL (RFC 3986 §3): scheme, host, optional port, and the
/// rest (path, query and fragment) as written.
///
/// The scheme and host are kept in lower case; an IPv6 host keeps its brackets
/// (`[::1]`). The authority may not carry user information (`user@host`): no URL this
/// program sends or opens has any, and it is a common way to disguise a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
    rest: String,
}

impl Url {
    /// Read `text` as an absolute `http(s)` URL: `scheme://host[:port]` followed by an
    /// optional path, query and fragment. The authority ends at the first `/`, `?` or `#`.
    /// The host is a name of ASCII letters, digits, `-`, `.` and `_` (no percent-escapes),
    /// or an IPv6 address in brackets; the port, when given, is 1 to 65535 (an empty port,
    /// `host:`, stands for the default). The rest is not checked.
    ///
    /// Errors: the first problem found, in the order of [`UrlError`]'s variants.
    pub fn parse(text: &str) -> Result<Url, UrlError> {
        let (scheme, after) = text.split_once(':').ok_or(UrlError::NoScheme)?;
        let scheme = Scheme::from_name(scheme).ok_or(UrlError::UnsupportedScheme)?;
        let after = after.strip_prefix("//").ok_or(UrlError::NoAuthority)?;
        let parts = Parts::after_scheme(None, after);
        if parts.authority.contains('@') {
            return Err(UrlError::UserInfo);
        }
        let host = parts.host;
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        let valid_host = if host.starts_with('[') {
            ipv6_literal(host).is_some()
        } else {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        };
        if !valid_host {
            return Err(UrlError::InvalidHost);
        }
        let port = match (parts.after_host, parts.port()) {
            ("", _) | (_, Some("")) => None,
            (_, Some(digits)) => match digits.parse::<u16>() {
                Ok(n) if n != 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Some(n),
                _ => return Err(UrlError::InvalidPort),
            },
            (_, None) => return Err(UrlError::InvalidPort),
        };
        Ok(Url {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
            rest: parts.rest.to_string(),
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host in lower case, an IPv6 address in brackets: `example.okta.com`, `[::1]`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port as written in the URL, if any (`https://h:443/` gives `Some(443)`).
    pub fn explicit_port(&self) -> Option<u16> {
        self.port
    }

    /// The port connected to: the written one, else the scheme's default.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// `host` or `host:port`, the port left out when it is the scheme's default: the form
    /// of the `Host` header (RFC 9110 §7.2) and of hosts named in messages.
    pub fn authority(&self) -> String {
        host_and_port(&self.host, self.port(), self.scheme)
    }

    /// The origin (RFC 6454 §4): scheme, host and port (the default one when none is
    /// written), so `https://h/` and `https://H:443/x` have the same origin.
    pub fn origin(&self) -> Origin {
        Origin {
            scheme: self.scheme,
            host: self.host.clone(),
            port: self.port(),
        }
    }

    /// Everything after the authority, as written: path, query and fragment (may be empty).
    pub fn rest(&self) -> &str {
        &self.rest
    }

    /// The path as written, `/` when the URL has none (RFC 9112 §3.2.1).
    pub fn path(&self) -> &str {
        match self.raw_path() {
            "" => "/",
            p => p,
        }
    }

    /// The query, without its `?`; `None` when there is no `?`.
    pub fn query(&self) -> Option<&str> {
        let before_fragment = self.rest.split('#').next().unwrap_or("");
        before_fragment.split_once('?').map(|(_, q)| q)
    }

    /// The fragment, without its `#`; `None` when there is no `#`.
    pub fn fragment(&self) -> Option<&str> {
        self.rest.split_once('#').map(|(_, f)| f)
    }

    /// The request target of an HTTP request line (origin form, RFC 9112 §3.2.1): the path
    /// (`/` at least) and the query, without the fragment.
    pub fn target(&self) -> String {
        match self.query() {
            Some(q) => format!("{}?{q}", self.path()),
            None => self.path().to_string(),
        }
    }

    /// The absolute URL a `Location` value points to from this URL (RFC 9110 §10.2.2, the
    /// usual forms of RFC 3986 §5.2): an absolute `http(s)` URL as given, a scheme-relative
    /// one (`//host/p`) on this scheme, a path-absolute one (`/p`) on this origin, anything
    /// else relative to this URL's directory. The fragment is dropped. `None` for an empty
    /// value.
    pub fn resolve(&self, location: &str) -> Option<String> {
        let loc = location.trim();
        let loc = loc.split('#').next().unwrap_or(loc);
        if loc.is_empty() {
            return None;
        }
        let lower = loc.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Some(loc.to_string());
        }
        if let Some(other) = loc.strip_prefix("//") {
            return Some(format!("{}://{other}", self.scheme));
        }
        let base = format!("{}://{}", self.scheme, self.authority());
        if loc.starts_with('/') {
            return Some(format!("{base}{loc}"));
        }
        let path = self.raw_path();
        let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
        Some(format!("{base}{dir}{loc}"))
    }

    /// The path as written, possibly empty.
    fn raw_path(&self) -> &str {
        let end = self.rest.find(['?', '#']).unwrap_or(self.rest.len());
        &self.rest[..end]
    }
}

/// `host`, or `host:port` when `port` is not `scheme`'s default.
fn host_and_port(host: &str, port: u16, scheme: Scheme) -> String {
    if port == scheme.default_port() {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

/// The origin of a URL (RFC 6454 §4): scheme, lower-case host (IPv6 in brackets) and port.
/// Two URLs are same-origin when their origins are equal. Shown as
/// `scheme://host[:port]`, the port left out when it is the scheme's default (RFC 6454
/// §6.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: Scheme,
    host: String,
    port: u16,
}

impl Origin {
    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host in lower case, an IPv6 address in brackets.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port (the scheme's default when the URL named none).
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let authority = host_and_port(&self.host, self.port, self.scheme);
        write!(f, "{}://{authority}", self.scheme)
    }
}

/// A URL, or a host given without a scheme, split into its parts as written and not
/// checked: `[scheme://]authority[rest]`, the authority `host[:port]`. [`Url::parse`]
/// reads URLs through it; a caller with its own rules for hosts and ports (the org domain,
/// which users give as `example.okta.com`, `host:port` or a pasted URL) reads the parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'a> {
    /// The scheme as written, when the text starts with a scheme name (a letter, then
    /// letters, digits, `+`, `-` and `.`, RFC 3986 §3.1) and `://`; else `None` and the
    /// text starts with the authority.
    pub scheme: Option<&'a str>,
    /// The authority: everything up to the first `/`, `?` or `#`.
    pub authority: &'a str,
    /// The host: an IPv6 address in brackets up to and including the `]` (the whole
    /// authority when no `]` follows), else everything before the first `:`. User
    /// information is not split off: an authority with `@` is for the caller to refuse
    /// (as [`Url::parse`] does) or to show without it
    /// ([`Parts::authority_without_user_info`]).
    pub host: &'a str,
    /// The rest of the authority after the host: empty, or `:` and the port; anything else
    /// (text after a `]`) is malformed.
    pub after_host: &'a str,
    /// Everything after the authority: path, query and fragment (may be empty).
    pub rest: &'a str,
}

impl<'a> Parts<'a> {
    /// Split `text` (see [`Parts`]). Nothing is checked, so this never fails.
    pub fn split(text: &'a str) -> Parts<'a> {
        let scheme = text.find("://").and_then(|i| {
            let name = &text[..i];
            let mut bytes = name.bytes();
            let valid = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
                && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
            valid.then(|| (name, &text[i + 3..]))
        });
        match scheme {
            Some((name, after)) => Parts::after_scheme(Some(name), after),
            None => Parts::after_scheme(None, text),
        }
    }

    /// The parts of `after`, the text that follows `scheme://`.
    fn after_scheme(scheme: Option<&'a str>, after: &'a str) -> Parts<'a> {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        let host_end = if authority.starts_with('[') {
            authority.find(']').map_or(authority.len(), |i| i + 1)
        } else {
            authority.find(':').unwrap_or(authority.len())
        };
        let (host, after_host) = authority.split_at(host_end);
        Parts {
            scheme,
            authority,
            host,
            after_host,
            rest,
        }
    }

    /// The authority without user information (`user:pass@`, up to the last `@`): how a URL
    /// that may carry credentials (a proxy URL) is shown.
    pub fn authority_without_user_info(&self) -> &'a str {
        self.authority
            .rsplit_once('@')
            .map_or(self.authority, |(_, host)| host)
    }

    /// The port as written after the host's `:` (`Some("")` for `host:`); `None` when
    /// nothing follows the host, or when what follows does not start with `:`.
    pub fn port(&self) -> Option<&'a str> {
        self.after_host.strip_prefix(':')
    }
}

/// The address of an IPv6 host in brackets (`[fd00::5]`, RFC 3986 §3.2.2); `None` for
/// any other host.
pub fn ipv6_literal(host: &str) -> Option<Ipv6Addr> {
    host.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// A host as compared by name: trimmed, lower case, without IPv6 brackets and without a
/// trailing dot (`[::1]` -> `::1`, `Example.COM.` -> `example.com`).
pub fn bare_host(host: &str) -> String {
    let h = host.trim();
    let h = h
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(h);
    h.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `host` names this machine: `localhost` or a name under it (`a.localhost`, RFC
/// 6761 §6.3), an address in 127.0.0.0/8, or `::1` (with or without brackets). ASCII case
/// and a trailing dot are ignored ([`bare_host`]); no name is looked up.
pub fn is_loopback_host(host: &str) -> bool {
    let h = bare_host(host);
    if h == "localhost" || h.ends_with(".localhost") {
        return true;
    }
    h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
