//! Unit tests of the URL reader (`super`).

use super::*;

fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn origin(text: &str) -> Option<Origin> {
    Url::parse(text).ok().map(|u| u.origin())
}

#[test]
fn parts_are_read_and_host_lower_cased() {
    let u = url("HTTPS://Example.OKTA.com:8443/Path/a?x=1&Y=2#Frag");
    assert_eq!(u.scheme(), Scheme::Https);
    assert_eq!(u.host(), "example.okta.com");
    assert_eq!(u.explicit_port(), Some(8443));
    assert_eq!(u.port(), 8443);
    assert_eq!(u.authority(), "example.okta.com:8443");
    assert_eq!(u.rest(), "/Path/a?x=1&Y=2#Frag");
    assert_eq!(u.path(), "/Path/a");
    assert_eq!(u.query(), Some("x=1&Y=2"));
    assert_eq!(u.fragment(), Some("Frag"));
    assert_eq!(u.target(), "/Path/a?x=1&Y=2");

    let u = url("http://127.0.0.1");
    assert_eq!(
        (u.scheme(), u.host(), u.port()),
        (Scheme::Http, "127.0.0.1", 80)
    );
    assert_eq!((u.rest(), u.path(), u.target()), ("", "/", "/".to_string()));
    assert_eq!((u.query(), u.fragment()), (None, None));

    let u = url("https://h?q=1#f?g");
    assert_eq!(
        (u.path(), u.query(), u.target()),
        ("/", Some("q=1"), "/?q=1".into())
    );
    assert_eq!(url("https://h#f?g").query(), None);
    assert_eq!(url("https://h:/x").explicit_port(), None);
    assert_eq!(url("https://local_stack:4566/").host(), "local_stack");
}

#[test]
fn ipv6_hosts_keep_their_brackets() {
    let u = url("https://[FD00::1]:8443/a");
    assert_eq!((u.host(), u.port()), ("[fd00::1]", 8443));
    assert_eq!(u.authority(), "[fd00::1]:8443");
    assert_eq!(url("http://[::1]/").authority(), "[::1]");
    assert_eq!(
        origin("http://[::1]:80/").unwrap().to_string(),
        "http://[::1]"
    );
}

#[test]
fn default_ports_are_one_rule() {
    assert_eq!(Scheme::Https.default_port(), 443);
    assert_eq!(Scheme::Http.default_port(), 80);
    assert_eq!(url("https://h:443/").authority(), "h");
    assert_eq!(url("http://h:80/").authority(), "h");
    // A default port of the other scheme is kept.
    assert_eq!(url("https://h:80/").authority(), "h:80");
    assert_eq!(url("http://h:443/").authority(), "h:443");
    assert_eq!(url("https://h:443/").explicit_port(), Some(443));
    assert_eq!(url("https://h/").port(), 443);
}

#[test]
fn origins_compare_scheme_host_and_port() {
    assert_eq!(
        origin("HTTPS://Example.com:443/x"),
        origin("https://example.com/y")
    );
    assert_ne!(
        origin("https://127.0.0.1:1/"),
        origin("https://127.0.0.1:8443/")
    );
    assert_ne!(origin("http://h/"), origin("https://h/"));
    assert_eq!(origin("https://u@h/"), None);
    let o = origin("https://Example.com:443/x").unwrap();
    assert_eq!(
        (o.scheme(), o.host(), o.port()),
        (Scheme::Https, "example.com", 443)
    );
    assert_eq!(o.to_string(), "https://example.com");
    assert_eq!(
        origin("https://127.0.0.1:8443/a").unwrap().to_string(),
        "https://127.0.0.1:8443"
    );
}

#[test]
fn malformed_urls_are_refused_with_the_first_problem() {
    for (text, want) in [
        ("activate", UrlError::NoScheme),
        ("127.0.0.1:8443/x", UrlError::UnsupportedScheme),
        ("javascript:alert(1)", UrlError::UnsupportedScheme),
        ("file:///etc/passwd", UrlError::UnsupportedScheme),
        ("ftp://x", UrlError::UnsupportedScheme),
        ("https:/h/a", UrlError::NoAuthority),
        ("https:h", UrlError::NoAuthority),
        ("https://u@h/", UrlError::UserInfo),
        ("https://evil.example\\@127.0.0.1:8443/", UrlError::UserInfo),
        ("https://", UrlError::NoHost),
        ("https:///a", UrlError::NoHost),
        ("https://:8443/a", UrlError::NoHost),
        ("https://ex%61mple/a", UrlError::InvalidHost),
        ("https://a b/", UrlError::InvalidHost),
        ("https://[::1/a", UrlError::InvalidHost),
        ("https://[1:2:3]/a", UrlError::InvalidHost),
        ("https://[::1]x/a", UrlError::InvalidPort),
        (
            "https://127.0.0.1:8443.evil.example/a",
            UrlError::InvalidPort,
        ),
        ("https://127.0.0.1:8443\\evil/", UrlError::InvalidPort),
        ("https://h:0/", UrlError::InvalidPort),
        ("https://h:99999/", UrlError::InvalidPort),
        ("https://h:+80/", UrlError::InvalidPort),
        ("https://h:1:2/", UrlError::InvalidPort),
    ] {
        assert_eq!(Url::parse(text), Err(want), "{text}");
    }
    assert_eq!(
        UrlError::InvalidPort.to_string(),
        "has an invalid port",
        "messages name the problem, not the URL"
    );
}

#[test]
fn locations_resolve_against_the_url() {
    let base = url("https://example.okta.com:8443/api/v1/users/me/appLinks?after=1");
    for (loc, want) in [
        ("https://other.com/x", "https://other.com/x"),
        ("//other.com/x", "https://other.com/x"),
        (
            "/login/x?y=1#frag",
            "https://example.okta.com:8443/login/x?y=1",
        ),
        ("next", "https://example.okta.com:8443/api/v1/users/me/next"),
    ] {
        assert_eq!(base.resolve(loc).as_deref(), Some(want), "{loc}");
    }
    assert_eq!(base.resolve("  "), None);
    assert_eq!(
        url("https://h").resolve("x").as_deref(),
        Some("https://h/x")
    );
}

#[test]
fn loopback_hosts() {
    for host in [
        "127.0.0.1",
        "127.1.2.3",
        "localhost",
        "LOCALHOST.",
        "a.localhost",
        "[::1]",
        "::1",
    ] {
        assert!(is_loopback_host(host), "{host}");
    }
    for host in [
        "example.com",
        "localhost.example.com",
        "notlocalhost",
        "10.0.0.1",
        "[fd00::1]",
        "128.0.0.1",
        "",
    ] {
        assert!(!is_loopback_host(host), "{host}");
    }
    assert_eq!(bare_host(" [FD00::1] "), "fd00::1");
    assert_eq!(bare_host("Example.COM."), "example.com");
}

#[test]
fn parts_split_urls_and_bare_hosts_as_written() {
    let p = Parts::split("HTTPS://Example.com:8443/a?b#c");
    assert_eq!(
        (p.scheme, p.authority, p.host, p.after_host, p.rest),
        (
            Some("HTTPS"),
            "Example.com:8443",
            "Example.com",
            ":8443",
            "/a?b#c"
        )
    );
    assert_eq!(p.port(), Some("8443"));
    let p = Parts::split("example.okta.com:443/x");
    assert_eq!(
        (p.scheme, p.host, p.port(), p.rest),
        (None, "example.okta.com", Some("443"), "/x")
    );
    let p = Parts::split("[fd00::5]:8443");
    assert_eq!((p.host, p.port()), ("[fd00::5]", Some("8443")));
    let p = Parts::split("[::1");
    assert_eq!((p.host, p.after_host, p.port()), ("[::1", "", None));
    let p = Parts::split("[::1]x");
    assert_eq!((p.host, p.after_host, p.port()), ("[::1]", "x", None));
    assert_eq!(Parts::split("h:").port(), Some(""));
    assert_eq!(Parts::split("ftp://x").scheme, Some("ftp"));
    // Only a scheme name followed by `://` is a scheme.
    assert_eq!(Parts::split("h/?u=https://x").scheme, None);
    assert_eq!(Parts::split("https:x").scheme, None);
    let p = Parts::split("socks5://user:pw@proxy:1080/x");
    assert_eq!(p.scheme, Some("socks5"));
    assert_eq!(p.authority_without_user_info(), "proxy:1080");
    assert_eq!(ipv6_literal("[FD00::5]"), "fd00::5".parse().ok());
    assert_eq!(ipv6_literal("fd00::5"), None);
    assert_eq!(ipv6_literal("[zz]"), None);
}
