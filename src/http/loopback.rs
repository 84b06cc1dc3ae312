//! I/O: the loopback listener of the authorization code flow (RFC 8252 §7.3): a TCP listener
//! on 127.0.0.1 only, on the first free port of a list, that reads one HTTP request line at
//! a time and answers it with a short HTML page. Blocking sockets with timeouts; every wait
//! is bounded by the caller's deadline. What a request means, and which page answers it, is
//! the caller's business (`okta::authorization_code`).

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Longest request head read (request line and headers); a longer one is refused.
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// How long one connection may take to send its request head, and to take the answer.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(2);

/// How often the accept loop looks for a connection (and calls the caller's tick).
const POLL: Duration = Duration::from_millis(200);

/// A listener bound to `127.0.0.1:<port>`.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

/// One request read from the listener, with the connection to answer on.
#[derive(Debug)]
pub struct LoopbackRequest {
    /// The method of the request line, e.g. `GET`.
    pub method: String,
    /// The request target as sent, e.g. `/callback?code=...&state=...` (a secret: never
    /// printed).
    pub target: String,
    stream: TcpStream,
}

impl LoopbackListener {
    /// Listen on 127.0.0.1 (never another address) at the first port of `ports` that can be
    /// bound. Returns the listener and, for each port tried before it, why it could not be
    /// used (`address in use`, ...).
    ///
    /// Errors: [`Error::Runtime`] naming every port and its problem when none can be bound,
    /// or when `ports` is empty.
    pub fn bind_first(ports: &[u16]) -> Result<(LoopbackListener, Vec<(u16, String)>)> {
        let mut refused = Vec::new();
        for &port in ports {
            match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))) {
                Ok(listener) => {
                    listener
                        .set_nonblocking(true)
                        .map_err(|e| Error::runtime(format!("redirect port {port}: {e}")))?;
                    return Ok((LoopbackListener { listener, port }, refused));
                }
                Err(e) => refused.push((port, problem(&e))),
            }
        }
        let list = refused
            .iter()
            .map(|(p, why)| format!("{p} ({why})"))
            .collect::<Vec<_>>()
            .join(", ");
        Err(Error::runtime(if refused.is_empty() {
            "no redirect port to listen on".to_string()
        } else {
            format!(
                "none of the redirect ports can be used on 127.0.0.1: {list}; stop what holds one, or name other ports with --redirect-port (each needs its redirect URI registered on the OIDC app)"
            )
        }))
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Wait for the next request until `deadline`, calling `tick` about every 200 ms while
    /// nothing arrives (to draw a waiting indicator). `None` when the deadline passed. A
    /// connection that sends no complete request head within [`CONNECTION_TIMEOUT`], or a
    /// head that is not an HTTP request, is answered 400 (when possible) and dropped, and the
    /// wait goes on.
    ///
    /// Errors: [`Error::Runtime`] when accepting fails for a reason other than "nothing yet".
    pub fn next_request(
        &self,
        deadline: Instant,
        tick: &mut dyn FnMut(),
    ) -> Result<Option<LoopbackRequest>> {
        loop {
            // Checked before each accept too: a stream of bad connections cannot extend
            // the wait.
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(req) = read_request(stream) {
                        return Ok(Some(req));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    tick();
                    std::thread::sleep(POLL.min(deadline - now));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Error::runtime(format!(
                        "redirect port {}: accepting a connection failed: {e}",
                        self.port
                    )));
                }
            }
        }
    }
}

impl LoopbackRequest {
    /// Answer with `status` and the HTML page `html` (no caching, no referrer), then close
    /// the connection. Failures are ignored: the browser tab is informative only.
    pub fn respond(mut self, status: u16, html: &str) {
        let _ = write_response(&mut self.stream, status, html);
    }
}

/// A short description of a bind error.
fn problem(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => "in use".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Read the request head of `stream` (bounded in time and size) and take its request line.
/// `None` (after a 400 when the head was readable) for anything that is not a request.
fn read_request(mut stream: TcpStream) -> Option<LoopbackRequest> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(CONNECTION_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(CONNECTION_TIMEOUT)).ok()?;
    let started = Instant::now();
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head_complete(&head) {
        if head.len() > MAX_REQUEST_HEAD || started.elapsed() > CONNECTION_TIMEOUT {
            let _ = write_response(&mut stream, 400, "request too large or too slow\n");
            return None;
        }
        match stream.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or("");
    let mut words = line.split(' ');
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some(method), Some(target), Some(version), None)
            if version.starts_with("HTTP/1.") && target.starts_with('/') =>
        {
            Some(LoopbackRequest {
                method: method.to_string(),
                target: target.to_string(),
                stream,
            })
        }
        _ => {
            let _ = write_response(&mut stream, 400, "not an HTTP request\n");
            None
        }
    }
}

/// True once `head` holds the blank line that ends a request head.
fn head_complete(head: &[u8]) -> bool {
    head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n")
}

fn write_response(stream: &mut TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Error",
    };
    let content_type = if body.starts_with('<') {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// Send `raw` to the listener's port from a thread; the answer it got.
    fn client(port: u16, raw: &'static [u8]) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(raw).unwrap();
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out
        })
    }

    #[test]
    fn a_busy_port_is_skipped_and_only_loopback_is_bound() {
        let busy = TcpListener::bind("127.0.0.1:0").unwrap();
        let busy_port = busy.local_addr().unwrap().port();
        let free = free_port();
        let (l, refused) = LoopbackListener::bind_first(&[busy_port, free]).unwrap();
        assert_eq!(l.port(), free);
        assert_eq!(refused, vec![(busy_port, "in use".to_string())]);
        assert_eq!(
            l.listener.local_addr().unwrap().ip(),
            std::net::IpAddr::V4(Ipv4Addr::LOCALHOST)
        );

        let e = LoopbackListener::bind_first(&[busy_port, free]).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains(&format!("{busy_port} (in use), {free} (in use)")),
            "{text}"
        );
        assert!(text.contains("--redirect-port"), "{text}");
        assert!(LoopbackListener::bind_first(&[]).is_err());
    }

    #[test]
    fn requests_are_read_and_answered() {
        let (l, _) = LoopbackListener::bind_first(&[free_port()]).unwrap();
        let answer = client(
            l.port(),
            b"GET /callback?code=a&state=b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        let req = l.next_request(deadline, &mut || {}).unwrap().unwrap();
        assert_eq!(req.method, "GET");
        assert_eq!(req.target, "/callback?code=a&state=b");
        req.respond(200, "<p>done</p>");
        let text = answer.join().unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("Content-Type: text/html"), "{text}");
        assert!(text.contains("Cache-Control: no-store"), "{text}");
        assert!(text.ends_with("<p>done</p>"), "{text}");
    }

    #[test]
    fn garbage_is_refused_and_the_wait_goes_on_until_the_deadline() {
        let (l, _) = LoopbackListener::bind_first(&[free_port()]).unwrap();
        let answer = client(l.port(), b"HELLO\r\n\r\n");
        let mut ticks = 0;
        let started = Instant::now();
        let got = l
            .next_request(started + Duration::from_millis(700), &mut || ticks += 1)
            .unwrap();
        assert!(got.is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(ticks > 0);
        assert!(answer.join().unwrap().starts_with("HTTP/1.1 400"));
    }
}
