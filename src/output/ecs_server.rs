//! I/O: `--exec --ecs-server -- cmd args…` (docs/decisions.md#d-ecs-server): a
//! container-credentials endpoint on 127.0.0.1 for the life of the child.
//!
//! [`run`] binds an ephemeral port on 127.0.0.1, draws a 32-byte token from the operating
//! system's random generator, starts the child with [`exec::container_env`]'s variables
//! (the endpoint's URL and token, no key variables), serves the endpoint on a thread beside
//! it (one short-lived thread per connection, at most [`MAX_CONNECTIONS`] at once, the rest
//! waiting in the backlog), waits
//! for the child, closes the endpoint and ends as the child ended. The HTTP is the pure
//! [`protocol`]; the credentials come from the caller's [`Provider`], which answers from
//! the AWS credential cache and signs in again when the entry is under `--min-ttl`. Calls
//! of the provider are serialised, so parallel requests make one sign-in; the cache's
//! lock does the same across processes.

pub mod protocol;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::aws::sts::Credentials;
use crate::error::{Error, Result};
use crate::output::exec;
use crate::term::stderr::warn;
use protocol::Verdict;

/// Where the endpoint gets credentials for each served request: the cached run of the
/// caller (fresh entry, or a new sign-in under the cache's lock).
pub type Provider = Arc<dyn Fn() -> Result<Credentials> + Send + Sync>;

/// Connections handled at once; further ones wait in the kernel's backlog until one ends.
pub const MAX_CONNECTIONS: usize = 64;

/// How long a client has to send its request head, in all. A client that is slower (or
/// sends nothing) is answered 400 and closed, so it cannot hold a connection slot.
pub const READ_DEADLINE: Duration = Duration::from_secs(2);

/// How long writing one answer may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// Token length in bytes from the OS generator (shown as twice as many hex digits).
pub const TOKEN_BYTES: usize = 32;

/// Run `args` as a child with the endpoint, and end as it ends.
///
/// `region`: passed to the child as `AWS_REGION`/`AWS_DEFAULT_REGION` when known. Our
/// stdout is flushed before the child starts. While the child runs, SIGINT and SIGQUIT do
/// not end this process (the terminal sends them to the child too), and SIGTERM and SIGHUP
/// are passed on to the child; see [`exec::end_as`] for the end.
///
/// Errors: [`Error::Usage`] for an empty `args`; the start errors of [`exec::run`];
/// [`Error::Runtime`] when the port cannot be bound or no random token can be drawn;
/// [`Error::ChildExit`] with the child's non-zero exit code.
pub fn run(args: &[String], region: Option<&str>, provider: Provider) -> Result<()> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| Error::runtime(format!("--ecs-server: cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::runtime(format!("--ecs-server: no local address: {e}")))?;
    let token = new_token()?;
    let url = format!("http://{addr}{}", protocol::PATH);
    let changes = exec::container_env(&url, &token, region);
    let mut cmd = exec::command(args, &changes)?;
    let program = args.first().map(String::as_str).unwrap_or_default();
    let server = Server::start(listener, addr, token, provider);
    hold_terminal_signals();
    let waited = exec::spawn(&mut cmd, program).and_then(|mut child| {
        pass_on_termination(child.id());
        child
            .wait()
            .map_err(|e| Error::runtime(format!("cannot wait for \"{program}\": {e}")))
    });
    server.stop();
    exec::end_as(waited?)
}

/// A hex token of [`TOKEN_BYTES`] random bytes from the operating system.
fn new_token() -> Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        Error::runtime(format!(
            "--ecs-server: the operating system's random generator failed: {e}"
        ))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// While the child runs, the terminal's SIGINT and SIGQUIT (which reach the whole
/// foreground process group, the child included) must not end this process first: a
/// handler that only sets a flag is installed (the child starts with default handlers, as
/// `exec` resets them). It stays for the rest of the run, which ends with the child.
fn hold_terminal_signals() {
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGQUIT] {
        let _ = signal_hook::flag::register(signal, Arc::new(AtomicBool::new(false)));
    }
}

/// SIGTERM and SIGHUP sent to this process are passed on to the child `pid`, as they would
/// reach it directly after `exec` (plain `--exec`): the child ends as it chooses, and this
/// process then ends as the child did ([`exec::end_as`]), instead of dying first and leaving the
/// child without its endpoint. A thread waits for the signals for the rest of the run.
fn pass_on_termination(pid: u32) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]) else {
            return;
        };
        let Some(child) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return;
        };
        let _ = std::thread::Builder::new().spawn(move || {
            for signal in signals.forever() {
                if let Some(signal) = rustix::process::Signal::from_named_raw(signal) {
                    let _ = rustix::process::kill_process(child, signal);
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// The endpoint's accepting thread and what it shares with the connection threads.
struct Server {
    state: Arc<State>,
    addr: SocketAddr,
    thread: std::thread::JoinHandle<()>,
}

struct State {
    token: String,
    provider: Provider,
    /// Held while the provider runs: one sign-in at a time in this process. It holds when
    /// the last failed call ended and its message: requests that were already waiting then
    /// share that failure instead of each starting a sign-in of its own.
    refresh: Mutex<Option<(Instant, String)>>,
    /// Connections being handled.
    active: AtomicUsize,
    /// Set when the child has ended: the accepting thread stops.
    stopping: AtomicBool,
}

impl Server {
    fn start(listener: TcpListener, addr: SocketAddr, token: String, provider: Provider) -> Server {
        let state = Arc::new(State {
            token,
            provider,
            refresh: Mutex::new(None),
            active: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
        });
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || accept_loop(&listener, &shared));
        Server {
            state,
            addr,
            thread,
        }
    }

    /// Stop accepting and close the listening socket (a connection to it wakes the
    /// accepting thread); connections in progress finish on their own threads.
    fn stop(self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = self.thread.join();
    }
}

fn accept_loop(listener: &TcpListener, state: &Arc<State>) {
    loop {
        // At the cap, leave new connections in the kernel's backlog until a slot frees
        // (a flood of idle connections then delays requests instead of dropping them).
        while state.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            if state.stopping.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let conn = listener.accept();
        if state.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok((stream, _)) = conn else {
            // Out of descriptors and the like: do not spin.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        state.active.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(state);
        let spawned = std::thread::Builder::new().spawn(move || {
            handle(stream, &shared);
            shared.active.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            state.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Read one head (bounded in size and time), answer it, close.
fn handle(mut stream: TcpStream, state: &State) {
    let buf = read_head(&mut stream);
    let verdict = protocol::verdict_of(&buf, &state.token);
    let answer = match verdict {
        Verdict::Serve => serve(state),
        other => protocol::response(protocol::refusal_status(other), ""),
    };
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// The bytes of a request head: read until its blank line, [`protocol::MAX_HEAD_BYTES`],
/// the end of the stream or [`READ_DEADLINE`], whichever comes first.
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let deadline = Instant::now() + READ_DEADLINE;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while protocol::head_len(&buf).is_none() && buf.len() < protocol::MAX_HEAD_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        let room = (protocol::MAX_HEAD_BYTES - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf
}

/// The answer to a request with the right token: the provider's credentials (200), or,
/// when it fails, the reason on our stderr and a fixed message (500). The endpoint goes on.
/// Requests that waited while a sign-in failed get its failure (one sign-in for all of
/// them, as on success); a request that arrives later signs in again.
fn serve(state: &State) -> String {
    let asked = Instant::now();
    let got = {
        let mut failed = state
            .refresh
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*failed {
            // A sign-in that failed after this request arrived was the one it waited for.
            Some((ended, why)) if *ended > asked => Err(Error::runtime(why.clone())),
            _ => {
                let got = (state.provider)();
                *failed = got.as_ref().err().map(|e| (Instant::now(), e.to_string()));
                got
            }
        }
    };
    match got.and_then(|creds| protocol::credentials_body(&creds)) {
        Ok(body) => protocol::response(200, &body),
        Err(e) => {
            warn(&format!(
                "--ecs-server: no credentials for the command's request: {e}"
            ));
            protocol::response(500, protocol::FAILURE_BODY)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 2 * TOKEN_BYTES);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    /// One GET with `token` to `addr`; the whole answer.
    fn get(addr: SocketAddr, token: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let req = format!(
            "GET {} HTTP/1.1\r\nAuthorization: {token}\r\n\r\n",
            protocol::PATH
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut got = String::new();
        let _ = s.read_to_string(&mut got);
        got
    }

    /// Idle connections beyond the cap delay a request; they do not get it dropped.
    #[test]
    fn a_flood_of_idle_connections_delays_but_does_not_drop_a_request() {
        let provider: Provider = Arc::new(|| Err(Error::runtime("no sign-in in this test")));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let token = new_token().unwrap();
        let server = Server::start(listener, addr, token.clone(), provider);
        let idle: Vec<TcpStream> = (0..MAX_CONNECTIONS + 8)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect();
        let answer = get(addr, &token);
        assert!(answer.starts_with("HTTP/1.1 500"), "{answer:?}");
        drop(idle);
        server.stop();
    }

    #[test]
    fn requests_waiting_for_a_failed_sign_in_share_its_failure() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let provider: Provider = Arc::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            Err(Error::runtime("authorization was denied"))
        });
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let token = new_token().unwrap();
        let server = Server::start(listener, addr, token.clone(), provider);
        let clients: Vec<_> = (0..4)
            .map(|_| {
                let token = token.clone();
                std::thread::spawn(move || get(addr, &token))
            })
            .collect();
        for c in clients {
            let answer = c.join().unwrap();
            assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "one sign-in for all");
        // A request after the failure tries again.
        assert!(get(addr, &token).starts_with("HTTP/1.1 500"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        server.stop();
    }
}
