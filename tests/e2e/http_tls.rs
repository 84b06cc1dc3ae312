//! TLS end to end against a rustls server on 127.0.0.1 using the throwaway test CA in
//! tests/fixtures/tls: verification is always on; SSL_CERT_FILE (from the env snapshot)
//! adds trust; AWS_CA_BUNDLE adds trust for AWS calls only.

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

fn server_config() -> Arc<rustls::ServerConfig> {
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
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    Arc::new(config)
}

/// A TLS server answering `200 OK` to each of up to `n` connections (bounded in time).
fn tls_server(n: usize) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let config = server_config();
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
