//! PURE: proxy settings from the environment snapshot (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `NO_PROXY`) and the choice of proxy for one request.

use std::net::IpAddr;

use crate::config::Env;
use crate::url::{Parts, bare_host, is_loopback_host};

/// Proxy settings read from the environment snapshot (docs/decisions.md#d-proxies).
///
/// - `https://` URLs go through `HTTPS_PROXY` (else `https_proxy`); `http://` URLs through
///   `HTTP_PROXY` (else `http_proxy`). There is no cross-scheme fallback (as curl and Go).
///   Empty values count as unset. `ALL_PROXY` is not read.
/// - `NO_PROXY` (else `no_proxy`): comma- or space-separated entries. `*` disables the
///   proxy for every host. `example.com`, `.example.com` and `*.example.com` each match
///   `example.com` and every subdomain of it. An entry with `:port` matches only that port.
///   IP addresses match exactly; `10.0.0.0/8`-style CIDR entries match addresses inside.
///   Names compare case-insensitively, ignoring a trailing dot.
/// - Decision: loopback targets (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) are never
///   proxied (as Go's `net/http`), so local test servers work behind a corporate proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Proxy URL for `https://` targets.
    pub https: Option<String>,
    /// Proxy URL for `http://` targets.
    pub http: Option<String>,
    /// Parsed `NO_PROXY` entries.
    pub no_proxy: Vec<NoProxyEntry>,
}

/// One `NO_PROXY` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoProxyEntry {
    /// `*`: no host is proxied.
    All,
    /// A domain (lower case, no leading dot): matches it and its subdomains.
    Domain {
        /// The domain, e.g. `example.com`.
        name: String,
        /// Only this port, when the entry had one.
        port: Option<u16>,
    },
    /// An IP address or network.
    Net {
        /// Network address.
        addr: IpAddr,
        /// Prefix length in bits (32 / 128 for a single address).
        prefix: u8,
        /// Only this port, when the entry had one.
        port: Option<u16>,
    },
}

pub(super) fn first_env<'a>(env: &'a Env, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .filter_map(|n| env.get(*n))
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
}

impl ProxyConfig {
    /// Read `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either case) from the snapshot.
    pub fn from_env(env: &Env) -> ProxyConfig {
        ProxyConfig {
            https: first_env(env, &["HTTPS_PROXY", "https_proxy"]).map(str::to_string),
            http: first_env(env, &["HTTP_PROXY", "http_proxy"]).map(str::to_string),
            no_proxy: first_env(env, &["NO_PROXY", "no_proxy"])
                .map(parse_no_proxy)
                .unwrap_or_default(),
        }
    }

    /// The proxy URL to use for a request to `scheme://host[:port]`, or `None` to connect
    /// directly. `host` may be a bracketed IPv6 literal; `port` is the explicit port if any.
    pub fn proxy_for(&self, scheme: &str, host: &str, port: Option<u16>) -> Option<&str> {
        let proxy = if scheme.eq_ignore_ascii_case("https") {
            self.https.as_deref()
        } else if scheme.eq_ignore_ascii_case("http") {
            self.http.as_deref()
        } else {
            None
        }?;
        if is_loopback_host(host) || self.bypasses(host, port) {
            return None;
        }
        Some(proxy)
    }

    /// Whether `NO_PROXY` exempts this host (and port).
    pub fn bypasses(&self, host: &str, port: Option<u16>) -> bool {
        let host = bare_host(host);
        let ip = host.parse::<IpAddr>().ok();
        self.no_proxy.iter().any(|entry| match entry {
            NoProxyEntry::All => true,
            NoProxyEntry::Domain { name, port: p } => {
                port_ok(*p, port)
                    && (host == *name
                        || (host.len() > name.len()
                            && host.ends_with(name.as_str())
                            && host.as_bytes()[host.len() - name.len() - 1] == b'.'))
            }
            NoProxyEntry::Net {
                addr,
                prefix,
                port: p,
            } => port_ok(*p, port) && ip.is_some_and(|ip| in_network(ip, *addr, *prefix)),
        })
    }
}

fn port_ok(entry: Option<u16>, actual: Option<u16>) -> bool {
    entry.is_none() || entry == actual
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = u32::from(prefix.min(32));
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = u32::from(prefix.min(128));
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Parse a `NO_PROXY` value (see [`ProxyConfig`]); unusable entries are skipped.
pub fn parse_no_proxy(value: &str) -> Vec<NoProxyEntry> {
    value
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .filter_map(parse_no_proxy_entry)
        .collect()
}

fn parse_no_proxy_entry(entry: &str) -> Option<NoProxyEntry> {
    if entry == "*" {
        return Some(NoProxyEntry::All);
    }
    // CIDR network.
    if let Some((addr, bits)) = entry.split_once('/') {
        let addr = bare_host(addr).parse::<IpAddr>().ok()?;
        let prefix = bits.parse::<u8>().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        return (prefix <= max).then_some(NoProxyEntry::Net {
            addr,
            prefix,
            port: None,
        });
    }
    // Bare IPv6 address (contains several colons, no port possible).
    if let Ok(addr) = entry.parse::<IpAddr>() {
        let prefix = if addr.is_ipv4() { 32 } else { 128 };
        return Some(NoProxyEntry::Net {
            addr,
            prefix,
            port: None,
        });
    }
    // host:port or [v6]:port
    let (host, port) = match entry.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && (!h.contains(':') || h.ends_with(']')) => {
            (h, Some(p.parse::<u16>().ok()?))
        }
        _ => (entry, None),
    };
    let host = bare_host(host);
    if let Ok(addr) = host.parse::<IpAddr>() {
        let prefix = if addr.is_ipv4() { 32 } else { 128 };
        return Some(NoProxyEntry::Net { addr, prefix, port });
    }
    let name = host
        .strip_prefix("*.")
        .or_else(|| host.strip_prefix('.'))
        .unwrap_or(&host)
        .to_string();
    if name.is_empty() || name.contains('*') {
        return None;
    }
    Some(NoProxyEntry::Domain { name, port })
}

/// Proxy URL without user-info, for messages: `http://proxy.corp:3128`.
///
/// Proxy URLs are not read as [`crate::url::Url`]: they may carry credentials (`user:pass@`)
/// and other schemes (`socks5://`), and ureq reads them itself. This only splits them
/// ([`Parts`]) and keeps the scheme (`http` when none is written) and the authority without
/// its user information.
pub(super) fn proxy_label(url: &str) -> String {
    let parts = Parts::split(url);
    let scheme = parts.scheme.unwrap_or("http");
    format!("{scheme}://{}", parts.authority_without_user_info())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn proxy_variables_and_precedence() {
        let p = ProxyConfig::from_env(&env(&[
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("http_proxy", "http://plain:8080"),
            (
                "no_proxy",
                "internal.corp, .example.org,*.svc:8443,10.0.0.0/8,[fd00::1],192.168.1.5:444",
            ),
        ]));
        assert_eq!(p.https.as_deref(), Some("http://upper:3128"));
        assert_eq!(p.http.as_deref(), Some("http://plain:8080"));
        assert_eq!(
            p.proxy_for("https", "example.okta.com", None),
            Some("http://upper:3128")
        );
        assert_eq!(
            p.proxy_for("http", "example.okta.com", None),
            Some("http://plain:8080")
        );
        // NO_PROXY: exact, subdomain, dot and star suffix, port-restricted, CIDR, IPv6.
        assert_eq!(p.proxy_for("https", "internal.corp", None), None);
        assert_eq!(p.proxy_for("https", "A.Internal.Corp.", None), None);
        assert!(p.proxy_for("https", "notinternal.corp", None).is_some());
        assert_eq!(p.proxy_for("https", "example.org", None), None);
        assert_eq!(p.proxy_for("https", "x.y.example.org", None), None);
        assert_eq!(p.proxy_for("https", "api.svc", Some(8443)), None);
        assert!(p.proxy_for("https", "api.svc", None).is_some());
        assert_eq!(p.proxy_for("https", "10.20.30.40", None), None);
        assert!(p.proxy_for("https", "11.0.0.1", None).is_some());
        assert_eq!(p.proxy_for("https", "[fd00::1]", Some(443)), None);
        assert_eq!(p.proxy_for("https", "192.168.1.5", Some(444)), None);
        assert!(p.proxy_for("https", "192.168.1.5", None).is_some());
    }

    #[test]
    fn loopback_is_never_proxied_and_star_disables_all() {
        let p = ProxyConfig::from_env(&env(&[
            ("HTTP_PROXY", "http://p:1"),
            ("HTTPS_PROXY", "http://p:1"),
        ]));
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "localhost",
            "LOCALHOST.",
            "a.localhost",
            "[::1]",
        ] {
            assert_eq!(p.proxy_for("http", host, Some(8080)), None, "{host}");
        }
        assert!(p.proxy_for("https", "sts.amazonaws.com", None).is_some());
        let all = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")]));
        assert_eq!(all.proxy_for("https", "sts.amazonaws.com", None), None);
        let none = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", " "), ("NO_PROXY", "")]));
        assert_eq!(none, ProxyConfig::default());
        assert_eq!(
            proxy_label("http://user:pa55@proxy.corp:3128/x"),
            "http://proxy.corp:3128"
        );
    }

    #[test]
    fn no_proxy_entries_parse() {
        assert_eq!(parse_no_proxy("*"), vec![NoProxyEntry::All]);
        assert_eq!(
            parse_no_proxy("*.Example.com:8080 bad:port ,"),
            vec![NoProxyEntry::Domain {
                name: "example.com".into(),
                port: Some(8080)
            }]
        );
        assert_eq!(parse_no_proxy("10.0.0.0/33"), vec![]);
        assert_eq!(parse_no_proxy("::1").len(), 1);
    }
}
