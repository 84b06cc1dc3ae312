//! TLS end to end against a rustls server on 127.0.0.1 using the throwaway test CA in
//! tests/fixtures/tls: verification is always on; SSL_CERT_FILE (from the env snapshot)
//! adds trust, and so do the files of SSL_CERT_DIR, read bounded; AWS_CA_BUNDLE adds trust
//! for AWS calls only.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use okta_aws_cli::config::Env;
use okta_aws_cli::error::Error;
use okta_aws_cli::http::{Http, HttpOptions, Service};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use ureq::tls::{PemItem, parse_pem};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

/// The test server's settings: rustls's whole ring provider, or only `suites` of it, and
/// the TLS `versions` (both when empty).
fn server_config_with(
    suites: &[rustls::CipherSuite],
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ServerConfig> {
    let certs: Vec<CertificateDer<'static>> =
        parse_pem(&std::fs::read(format!("{FIXTURES}/test-server.pem")).unwrap())
            .filter_map(|i| match i.unwrap() {
                PemItem::Certificate(c) => Some(CertificateDer::from(c.der().to_vec())),
                _ => None,
            })
            .collect();
    let key = parse_pem(&std::fs::read(format!("{FIXTURES}/test-server-key.pem")).unwrap())
        .find_map(|i| match i.unwrap() {
            PemItem::PrivateKey(k) => Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                k.der().to_vec(),
            ))),
            _ => None,
        })
        .unwrap();
    let mut provider = rustls::crypto::ring::default_provider();
    if !suites.is_empty() {
        provider
            .cipher_suites
            .retain(|s| suites.contains(&s.suite()));
        assert_eq!(provider.cipher_suites.len(), suites.len(), "{suites:?}");
    }
    let versions = if versions.is_empty() {
        rustls::DEFAULT_VERSIONS
    } else {
        versions
    };
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    Arc::new(config)
}

/// A TLS server answering `200 OK` to each of up to `n` connections (bounded in time).
fn tls_server(n: usize) -> (u16, JoinHandle<()>) {
    tls_server_with(n, server_config_with(&[], &[]))
}

/// [`tls_server`] with the given settings.
fn tls_server_with(n: usize, config: Arc<rustls::ServerConfig>) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut served = 0;
        while served < n && Instant::now() < deadline {
            let Ok((tcp, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            served += 1;
            let _ = tcp.set_nonblocking(false);
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = reader.get_mut().write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure",
            );
            let _ = reader.get_mut().flush();
            reader.get_mut().conn.send_close_notify();
            let _ = reader.get_mut().flush();
        }
    });
    (port, handle)
}

fn http(env: &[(&str, String)]) -> Http {
    let env: Env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Http::new(HttpOptions {
        user_agent: String::new(),
        debug_api_calls: false,
        env,
    })
    .unwrap()
}

#[test]
fn ssl_cert_file_from_the_snapshot_is_trusted() {
    let (port, server) = tls_server(1);
    let http = http(&[("SSL_CERT_FILE", format!("{FIXTURES}/test-ca.pem"))]);
    let resp = http
        .get(Service::Okta, &format!("https://127.0.0.1:{port}/"), &[])
        .unwrap();
    assert_eq!(resp.text(), "secure");
    server.join().unwrap();
}

#[test]
fn unknown_ca_is_refused_with_a_clear_error() {
    let (port, server) = tls_server(1);
    // An empty directory as SSL_CERT_DIR: no OS roots, so the bundled Mozilla roots apply.
    let dir = tempfile::tempdir().unwrap();
    let http = http(&[("SSL_CERT_DIR", dir.path().display().to_string())]);
    let err = http
        .get(
            Service::Okta,
            &format!("https://127.0.0.1:{port}/?token=SECRET"),
            &[],
        )
        .unwrap_err();
    let Error::Runtime(msg) = &err else {
        panic!("expected a runtime error, got {err:?}");
    };
    assert!(
        msg.starts_with(&format!("cannot reach 127.0.0.1:{port}: TLS failure: ")),
        "{msg}"
    );
    assert!(msg.contains("UnknownIssuer"), "{msg}");
    assert!(msg.contains("bundled Mozilla roots"), "{msg}");
    assert!(!msg.contains("SECRET") && !msg.contains('\n'), "{msg}");
    server.join().unwrap();
}

/// `SSL_CERT_DIR` files are read bounded: a FIFO does not block the first request, a file
/// over 16 MiB is not read (here the test CA in it is not trusted), a small one is.
#[test]
fn ssl_cert_dir_files_are_read_bounded() {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    assert!(
        std::process::Command::new("mkfifo")
            .arg(dir.path().join("0-fifo.pem"))
            .status()
            .is_ok_and(|s| s.success()),
        "mkfifo"
    );
    let mut big = std::fs::read(format!("{FIXTURES}/test-ca.pem")).unwrap();
    big.resize(17 * 1024 * 1024, b'\n');
    std::fs::write(dir.path().join("1-big.pem"), &big).unwrap();
    let get = |dir: &std::path::Path| {
        let (port, server) = tls_server(1);
        let http = http(&[("SSL_CERT_DIR", dir.display().to_string())]);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(
                http.get(Service::Okta, &format!("https://127.0.0.1:{port}/"), &[])
                    .map(|r| r.text()),
            );
        });
        let got = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the first request blocked on SSL_CERT_DIR");
        server.join().unwrap();
        got
    };
    let err = get(dir.path()).unwrap_err();
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    std::fs::copy(
        format!("{FIXTURES}/test-ca.pem"),
        dir.path().join("2-small.pem"),
    )
    .unwrap();
    assert_eq!(get(dir.path()).unwrap(), "secure");
}

#[test]
fn aws_ca_bundle_is_trusted_for_aws_calls_only() {
    let (port, server) = tls_server(2);
    let dir = tempfile::tempdir().unwrap();
    let http = http(&[
        ("SSL_CERT_DIR", dir.path().display().to_string()),
        ("AWS_CA_BUNDLE", format!("{FIXTURES}/test-ca.pem")),
    ]);
    let url = format!("https://127.0.0.1:{port}/");
    let resp = http.get(Service::Aws, &url, &[]).unwrap();
    assert_eq!(resp.text(), "secure");
    let err = http.get(Service::Okta, &url, &[]).unwrap_err();
    assert!(err.to_string().contains("TLS failure"), "{err}");
    server.join().unwrap();
}

/// The client offers TLS 1.3 and TLS 1.2 with the AES-GCM suites (each one is negotiated
/// when it is the only one the server has), and no ChaCha20-Poly1305 suite: a server with
/// nothing else fails the handshake (docs/decisions.md#d-tls-suites).
#[test]
fn aes_gcm_suites_of_tls_1_3_and_1_2_are_offered_chacha20_is_not() {
    use rustls::CipherSuite as S;
    use rustls::version::{TLS12, TLS13};
    let get = |suites: &[S], version: &'static rustls::SupportedProtocolVersion| {
        let (port, server) = tls_server_with(1, server_config_with(suites, &[version]));
        let http = http(&[("SSL_CERT_FILE", format!("{FIXTURES}/test-ca.pem"))]);
        let got = http.get(Service::Okta, &format!("https://127.0.0.1:{port}/"), &[]);
        server.join().unwrap();
        got.map(|r| r.text())
    };
    for suite in [S::TLS13_AES_128_GCM_SHA256, S::TLS13_AES_256_GCM_SHA384] {
        assert_eq!(get(&[suite], &TLS13).unwrap(), "secure", "{suite:?}");
    }
    // The test server's key is ECDSA P-256.
    for suite in [
        S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ] {
        assert_eq!(get(&[suite], &TLS12).unwrap(), "secure", "{suite:?}");
    }
    for (suite, version) in [
        (S::TLS13_CHACHA20_POLY1305_SHA256, &TLS13),
        (S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, &TLS12),
    ] {
        let err = get(&[suite], version).unwrap_err();
        assert!(err.to_string().contains("TLS failure"), "{suite:?}: {err}");
    }
}
