//! The HTTP client end to end against tiny servers on 127.0.0.1 started by each test:
//! 4xx bodies, connection errors, redacted `--debug-api-calls` dumps, proxies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use okta_aws_cli::config::Env;
use okta_aws_cli::error::Error;
use okta_aws_cli::http::{Http, HttpOptions, Service};

const WAIT: Duration = Duration::from_secs(10);

/// Accept one connection within [`WAIT`], or `None`.
fn accept(listener: &TcpListener) -> Option<TcpStream> {
    listener.set_nonblocking(true).ok()?;
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).ok()?;
                s.set_read_timeout(Some(WAIT)).ok()?;
                s.set_write_timeout(Some(WAIT)).ok()?;
                return Some(s);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    None
}

/// Read one HTTP/1.1 request head plus a Content-Length body.
fn read_request(reader: &mut BufReader<TcpStream>) -> String {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = reader.read_exact(&mut body);
    head + &String::from_utf8_lossy(&body)
}

/// Serve one canned reply; the handle yields the request as received.
fn serve_once(reply: String) -> (u16, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let Some(stream) = accept(&listener) else {
            return String::new();
        };
        let mut reader = BufReader::new(stream);
        let request = read_request(&mut reader);
        let _ = reader.get_mut().write_all(reply.as_bytes());
        request
    });
    (port, handle)
}

fn reply(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn http_with(env: &[(&str, &str)]) -> Http {
    let env: Env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Http::new(HttpOptions {
        user_agent: "okta-aws-cli".into(),
        debug_api_calls: false,
        env,
    })
    .unwrap()
}

#[test]
fn client_error_body_is_a_response() {
    let body = r#"{"error":"authorization_pending","error_description":"The device authorization is pending."}"#;
    let (port, server) = serve_once(reply("400 Bad Request", "application/json", body));
    let http = http_with(&[]);
    // The TLS set-up waits for the first request.
    assert!(!http.tls_ready());
    let resp = http
        .post_form(
            Service::Okta,
            &format!("http://127.0.0.1:{port}/oauth2/v1/token"),
            &[("Accept", "application/json")],
            &[
                ("client_id", "0oa1"),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ],
        )
        .unwrap();
    assert!(http.tls_ready());
    assert_eq!(resp.status, 400);
    assert_eq!(resp.status_line(), "400 Bad Request");
    assert_eq!(resp.text(), body);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let request = server.join().unwrap();
    assert!(
        request.starts_with("POST /oauth2/v1/token HTTP/1.1\r\n"),
        "{request}"
    );
    let lower = request.to_ascii_lowercase();
    assert!(lower.contains("user-agent: okta-aws-cli\r\n"), "{request}");
    assert!(
        lower.contains("content-type: application/x-www-form-urlencoded; charset=utf-8\r\n"),
        "{request}"
    );
    assert!(
        request.ends_with(
            "client_id=0oa1&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
        ),
        "{request}"
    );
}

#[test]
fn server_error_and_get_without_body() {
    let (port, server) = serve_once(reply(
        "503 Service Unavailable",
        "text/html",
        "<html>down</html>",
    ));
    let resp = http_with(&[])
        .get(Service::Aws, &format!("http://127.0.0.1:{port}/x?y=1"), &[])
        .unwrap();
    assert_eq!(resp.status, 503);
    assert_eq!(resp.text(), "<html>down</html>");
    let request = server.join().unwrap();
    assert!(request.starts_with("GET /x?y=1 HTTP/1.1\r\n"), "{request}");
    assert!(
        !request.to_ascii_lowercase().contains("content-length"),
        "{request}"
    );
}

#[test]
fn connection_refused_names_host_and_cause_only() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let started = Instant::now();
    let err = http_with(&[])
        .get(
            Service::Aws,
            &format!("http://127.0.0.1:{port}/path?token=SECRET-IN-QUERY"),
            &[],
        )
        .unwrap_err();
    let Error::Runtime(msg) = &err else {
        panic!("expected a runtime error, got {err:?}");
    };
    assert_eq!(
        msg,
        &format!("cannot reach 127.0.0.1:{port}: connection refused, after 3 attempts")
    );
    // Two retries with a short back-off, bounded.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn bad_urls_are_errors_not_panics() {
    let http = http_with(&[]);
    for url in [
        "not a url",
        "ftp://127.0.0.1/",
        "/relative?token=SECRET-IN-QUERY",
    ] {
        let err = http.get(Service::Okta, url, &[]).unwrap_err();
        assert!(matches!(err, Error::Runtime(_)), "{url}: {err:?}");
        assert!(!err.to_string().contains("SECRET-IN-QUERY"), "{err}");
    }
}

#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn debug_dump_redacts_every_secret() {
    let body = r#"{"token_type":"Bearer","expires_in":3600,"access_token":"ACCESS-SECRET-1","scope":"okta-m2m-access"}"#;
    let (port, server) = serve_once(reply("200 OK", "application/json", body));
    let mut http = http_with(&[]);
    let sink = SharedBuf::default();
    http.set_debug_sink(Box::new(sink.clone()));
    let resp = http
        .post_form(
            Service::Okta,
            &format!("http://127.0.0.1:{port}/oauth2/default/v1/token?token=QUERY-SECRET-2"),
            &[("Authorization", "Bearer HEADER-SECRET-3")],
            &[
                ("grant_type", "client_credentials"),
                ("client_assertion", "ASSERTION-SECRET-4"),
                ("scope", "okta-m2m-access"),
            ],
        )
        .unwrap();
    // The caller still gets the real token.
    assert!(resp.text().contains("ACCESS-SECRET-1"));
    let sent = server.join().unwrap();
    assert!(
        sent.contains("ASSERTION-SECRET-4"),
        "the server must get the real body"
    );

    let dump = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    for secret in [
        "ACCESS-SECRET-1",
        "QUERY-SECRET-2",
        "HEADER-SECRET-3",
        "ASSERTION-SECRET-4",
    ] {
        assert!(!dump.contains(secret), "{secret} leaked:\n{dump}");
    }
    assert!(dump.contains("[DEBUG] API Request Details:"), "{dump}");
    assert!(dump.contains("[DEBUG] API Response Details:"), "{dump}");
    assert!(dump.contains("grant_type=client_credentials"), "{dump}");
    assert!(dump.contains("Authorization: Bearer <redacted>"), "{dump}");
    assert!(dump.contains("\"expires_in\": 3600"), "{dump}");
    assert!(dump.contains("HTTP/1.1 200 OK"), "{dump}");
}

#[test]
fn http_proxy_from_env_snapshot_is_used_via_connect() {
    // A fake proxy on loopback: answers CONNECT, then serves the tunnelled request itself.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let Some(stream) = accept(&listener) else {
            return (String::new(), String::new());
        };
        let mut reader = BufReader::new(stream);
        let connect = read_request(&mut reader);
        let _ = reader
            .get_mut()
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        let inner = read_request(&mut reader);
        let _ = reader
            .get_mut()
            .write_all(reply("200 OK", "text/plain", "via proxy").as_bytes());
        (connect, inner)
    });
    let proxy = format!("http://127.0.0.1:{port}");
    let http = http_with(&[("http_proxy", &proxy), ("NO_PROXY", "other.example")]);
    let resp = http
        .get(Service::Aws, "http://sts.example.invalid/ping", &[])
        .unwrap();
    assert_eq!(resp.text(), "via proxy");
    let (connect, inner) = server.join().unwrap();
    assert!(
        connect.starts_with("CONNECT sts.example.invalid:80 HTTP/1.1\r\n"),
        "{connect}"
    );
    assert!(inner.starts_with("GET /ping HTTP/1.1\r\n"), "{inner}");
}

#[test]
fn loopback_bypasses_a_configured_proxy() {
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (port, server) = serve_once(reply("200 OK", "text/plain", "direct"));
    let proxy = format!("http://127.0.0.1:{dead}");
    let http = http_with(&[("HTTP_PROXY", &proxy), ("HTTPS_PROXY", &proxy)]);
    let resp = http
        .get(Service::Okta, &format!("http://127.0.0.1:{port}/"), &[])
        .unwrap();
    assert_eq!(resp.text(), "direct");
    server.join().unwrap();
}

#[test]
fn bad_settings_are_config_errors() {
    let env = |k: &str, v: &str| -> Env { [(k.to_string(), v.to_string())].into_iter().collect() };
    let opts = |env: Env| HttpOptions {
        user_agent: String::new(),
        debug_api_calls: false,
        env,
    };
    let err = Http::new(opts(env("AWS_CA_BUNDLE", "/nonexistent/ca.pem"))).unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("AWS_CA_BUNDLE")),
        "{err:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("empty.pem");
    std::fs::write(&not_pem, "no certificates here\n").unwrap();
    let err = Http::new(opts(env("AWS_CA_BUNDLE", not_pem.to_str().unwrap()))).unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("no PEM certificates")),
        "{err:?}"
    );

    let err = Http::new(opts(env("HTTPS_PROXY", "ftp://user:pw@proxy:21"))).unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("HTTPS_PROXY") && !m.contains("pw")),
        "{err:?}"
    );

    // Default User-Agent is the long form.
    let http = Http::new(opts(Env::new())).unwrap();
    assert!(http.user_agent().starts_with("okta-aws-cli/"));
}

/// Serve `replies` on successive connections; the handle yields the requests received.
fn serve_seq(replies: Vec<String>) -> (u16, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for reply in replies {
            let Some(stream) = accept(&listener) else {
                break;
            };
            let mut reader = BufReader::new(stream);
            seen.push(read_request(&mut reader));
            let _ = reader.get_mut().write_all(reply.as_bytes());
        }
        seen
    });
    (port, handle)
}

fn redirect(status: &str, location: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

#[test]
fn cross_host_redirect_is_refused_naming_both_hosts() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (port, server) = serve_once(redirect(
        "302 Found",
        &format!("https://127.0.0.1:{closed}/?token=SECRET-IN-QUERY"),
    ));
    let err = http_with(&[])
        .get(Service::Okta, &format!("http://127.0.0.1:{port}/x"), &[])
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Runtime(_)), "{err:?}");
    assert!(
        msg.starts_with(&format!("127.0.0.1:{port} redirected the request (302 Found) to another host, https://127.0.0.1:{closed};")),
        "{msg}"
    );
    assert!(
        !msg.contains("cannot reach") && !msg.contains("SECRET"),
        "{msg}"
    );
    server.join().unwrap();
}

#[test]
fn same_origin_redirects_are_followed() {
    let (port, server) = serve_seq(vec![
        redirect("303 See Other", "/landing?a=1"),
        reply("200 OK", "application/json", "{}"),
    ]);
    let resp = http_with(&[])
        .post_form(
            Service::Okta,
            &format!("http://127.0.0.1:{port}/start"),
            &[],
            &[("k", "v")],
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    let seen = server.join().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].starts_with("POST /start "), "{}", seen[0]);
    assert!(seen[1].starts_with("GET /landing?a=1 "), "{}", seen[1]);
    assert!(
        !seen[1].to_ascii_lowercase().contains("content-type"),
        "{}",
        seen[1]
    );
}

/// A run that fails before any network call never reads the trust store: here
/// `SSL_CERT_FILE` is a FIFO nobody writes to, so reading it would block until the harness
/// timeout; the m2m key error must come at once.
// Unix only: the bad key is a FIFO (mkfifo).
#[cfg(unix)]
#[test]
fn bad_key_fails_before_any_tls_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("certs.pem");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !made {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"));
    cmd.args([
        "m2m",
        "--org-domain",
        "https://127.0.0.1:9",
        "--oidc-client-id",
        "0oa1",
        "--aws-iam-role",
        "arn:aws:iam::123456789012:role/R",
        "--key-id",
        "k",
        "--private-key",
        "not a key",
    ])
    .env_clear()
    .env("HOME", dir.path())
    .env("SSL_CERT_FILE", &fifo)
    .current_dir(dir.path())
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("start the binary");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the binary read the trust store before failing on the key");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("private key"), "{stderr}");
}
