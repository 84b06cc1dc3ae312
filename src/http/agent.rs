//! I/O: the one HTTP agent of a run: the ureq agents (built on the first request, trusting
//! the roots of `tls`), timeouts, User-Agent, the proxy of each request (`proxy`), same-origin
//! redirects, the retry loop (its policy is `retry`) and the `--debug-api-calls` dumps
//! (`dump`).

use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use ureq::tls::{Certificate, TlsConfig};
use ureq::{Agent, Proxy, Timeout};

use super::dump::{dump_for_terminal, format_request_dump, format_response_dump};
use super::message::{Method, Request, Response, Service};
use super::proxy::{ProxyConfig, first_env, proxy_label};
use super::retry::{self, Attempt, NetFailure, Outcome, Verdict};
use super::tls::{aws_ca_bundle, base_roots, read_ca_file, tls_config};
use crate::config::Env;
use crate::error::{Error, Result};
use crate::url::{Scheme, Url, UrlError};

/// How to build the agent. Debug shows the environment's variable names only.
#[derive(Clone, Default)]
pub struct HttpOptions {
    /// The User-Agent for Okta calls (see [`user_agent`]).
    pub user_agent: String,
    /// `--debug-api-calls`: dump every request and response on stderr, secrets redacted.
    pub debug_api_calls: bool,
    /// Environment snapshot: proxies, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `AWS_CA_BUNDLE`.
    pub env: Env,
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("user_agent", &self.user_agent)
            .field("debug_api_calls", &self.debug_api_calls)
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------

/// Time allowed to open a connection, including DNS, proxy CONNECT and the TLS handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one whole request: connect, send, redirects and the complete reply
/// (upstream uses 60 s, docs/decisions.md#d-http-client).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Most redirects followed for one request (Go's default, docs/decisions.md#d-http-client).
pub const MAX_REDIRECTS: u32 = 10;
/// Largest reply body read, in bytes (10 MiB).
pub const MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// User-Agent (pure)
// ---------------------------------------------------------------------------------------

/// The User-Agent sent on every request (docs/decisions.md#d-http-client).
///
/// `short` (`--short-user-agent`): exactly `okta-aws-cli`, for Okta policy rules that match
/// it. Otherwise `okta-aws-cli/<version> (rust; <os>; <arch>)`, with Rust's names for the
/// OS and architecture, e.g. `okta-aws-cli/2.6.0 (rust; linux; x86_64)`.
pub fn user_agent(short: bool) -> String {
    if short {
        "okta-aws-cli".to_string()
    } else {
        format!(
            "okta-aws-cli/{} (rust; {}; {})",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        )
    }
}

// ---------------------------------------------------------------------------------------
// The agent (I/O)
// ---------------------------------------------------------------------------------------

/// Where `--debug-api-calls` dumps go (stderr in the program; a buffer in tests).
pub type DebugSink = Box<dyn Write + Send>;

/// The HTTP client of one run: one ureq agent (connections reused) for Okta and AWS, plus a
/// second one for AWS when `AWS_CA_BUNDLE` adds trusted roots.
///
/// The agents, and with them the trust store, are built on the first request
/// ([`Http::tls_ready`]), so a run that fails before any network call (a bad key, a
/// configuration error) never pays for the TLS set-up.
///
/// Every request: TLS verified (no way to turn it off), connect timeout
/// [`CONNECT_TIMEOUT`], whole-request timeout [`REQUEST_TIMEOUT`], at most
/// [`MAX_REDIRECTS`] redirects, 4xx/5xx returned as [`Response`]s, proxies per
/// [`ProxyConfig`], retries decided by [`super::retry::decide`] (see [`Http::send`] and
/// [`Http::send_repeatable`]), every wait of the run counted against
/// [`super::retry::RUN_WAIT_BUDGET`].
pub struct Http {
    /// Built on first use from `env` and `aws_bundle`.
    agents: OnceLock<Agents>,
    /// The environment snapshot (`SSL_CERT_FILE`, `SSL_CERT_DIR`).
    env: Env,
    /// The certificates of `AWS_CA_BUNDLE`, read and checked by [`Http::new`].
    aws_bundle: Option<Vec<Certificate<'static>>>,
    proxies: ProxyConfig,
    https_proxy: Option<Proxy>,
    http_proxy: Option<Proxy>,
    user_agent: String,
    debug: Option<Mutex<DebugSink>>,
    /// Time spent waiting between attempts so far in this run.
    waited: Mutex<Duration>,
}

/// Why one attempt produced no reply: the error to report, and how the retry policy sees it.
struct Failed {
    error: Error,
    net: NetFailure,
}

impl Failed {
    /// A failure that no retry can fix (bad URL, cross-host redirect, ...).
    fn fatal(error: Error) -> Failed {
        Failed {
            error,
            net: NetFailure::Other,
        }
    }
}

/// The ureq agents and a label for the roots they trust (for messages).
struct Agents {
    agent: Agent,
    aws_agent: Option<Agent>,
    roots_label: &'static str,
    /// Why `SSL_CERT_FILE` could not be read (every request then fails with it).
    ssl_cert_file_error: Option<String>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("tls_ready", &self.tls_ready())
            .field("aws_ca_bundle", &self.aws_bundle.is_some())
            .field("user_agent", &self.user_agent)
            .field("debug_api_calls", &self.debug.is_some())
            .finish()
    }
}

fn build_agent(tls: TlsConfig, user_agent: &str) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls)
        .proxy(None)
        // Redirects are followed by `Http::send` itself, on the same origin only.
        .max_redirects(0)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(REQUEST_TIMEOUT))
        .user_agent(user_agent)
        .build();
    Agent::new_with_config(config)
}

fn parse_proxy(var: &str, url: &str) -> Result<Proxy> {
    Proxy::new(url).map_err(|_| {
        Error::config(format!(
            "{var} is not a usable proxy URL: {}",
            proxy_label(url)
        ))
    })
}

/// `url` read for sending ([`Url::parse`]). Errors: [`Error::Runtime`] naming the URL
/// without its query or fragment (which may hold secrets) and the problem.
fn parse_target(url: &str) -> Result<Url> {
    Url::parse(url).map_err(|e| {
        let shown = url.split(['?', '#']).next().unwrap_or(url);
        Error::runtime(match e {
            UrlError::UnsupportedScheme => {
                format!("invalid URL {shown:?}: only http and https are supported")
            }
            UrlError::NoScheme | UrlError::NoAuthority | UrlError::NoHost => {
                format!("invalid URL {shown:?}: scheme and host are required")
            }
            other => format!("invalid URL {shown:?}: it {other}"),
        })
    })
}

impl Http {
    /// Prepare the client of a run from the options (see [`Http`]); no agent is built and
    /// no trust store read yet (that happens on the first request).
    ///
    /// Reads from `opts.env`: `SSL_CERT_FILE`, `SSL_CERT_DIR` (on first use), `AWS_CA_BUNDLE`,
    /// and the proxy variables of [`ProxyConfig`]. With `opts.debug_api_calls`, dumps go to
    /// stderr. An empty `opts.user_agent` means [`user_agent`]`(false)`.
    ///
    /// Errors, reported here so they come before any sign-in: [`Error::Config`] when
    /// `AWS_CA_BUNDLE` cannot be read or holds no certificate (the file is read, bounded,
    /// and parsed now, which needs no TLS set-up), or a proxy variable is not a usable URL.
    /// `SSL_CERT_FILE` is read (bounded) with the trust store, on the first request, which
    /// fails with [`Error::Config`] when it is not a regular file of at most 16 MiB.
    pub fn new(opts: HttpOptions) -> Result<Http> {
        let user_agent = if opts.user_agent.is_empty() {
            user_agent(false)
        } else {
            opts.user_agent.clone()
        };
        let proxies = ProxyConfig::from_env(&opts.env);
        let https_proxy = match &proxies.https {
            Some(url) => Some(parse_proxy("HTTPS_PROXY", url)?),
            None => None,
        };
        let http_proxy = match &proxies.http {
            Some(url) => Some(parse_proxy("HTTP_PROXY", url)?),
            None => None,
        };
        let aws_bundle = match first_env(&opts.env, &["AWS_CA_BUNDLE"]) {
            Some(path) => Some(aws_ca_bundle(path)?),
            None => None,
        };
        let debug: Option<Mutex<DebugSink>> = if opts.debug_api_calls {
            Some(Mutex::new(Box::new(std::io::stderr())))
        } else {
            None
        };
        Ok(Http {
            agents: OnceLock::new(),
            env: opts.env,
            aws_bundle,
            proxies,
            https_proxy,
            http_proxy,
            user_agent,
            debug,
            waited: Mutex::new(Duration::ZERO),
        })
    }

    /// Whether the TLS set-up (trust store read, agents built) has happened; it happens on
    /// the first request.
    pub fn tls_ready(&self) -> bool {
        self.agents.get().is_some()
    }

    /// The agents, built on first use.
    fn agents(&self) -> &Agents {
        self.agents.get_or_init(|| {
            // Bounded: a FIFO or device named here must not hang the first request.
            let (ssl_cert_file, ssl_cert_file_error) =
                match first_env(&self.env, &["SSL_CERT_FILE"])
                    .map(|p| read_ca_file("SSL_CERT_FILE", p))
                {
                    Some(Ok(bytes)) => (bytes, None),
                    Some(Err(e)) => (None, Some(e.to_string())),
                    None => (None, None),
                };
            let (roots, roots_label) = base_roots(
                first_env(&self.env, &["SSL_CERT_FILE"]),
                first_env(&self.env, &["SSL_CERT_DIR"]),
                ssl_cert_file.as_deref(),
            );
            let agent = build_agent(tls_config(&roots), &self.user_agent);
            let aws_agent = self.aws_bundle.as_ref().map(|bundle| {
                // With no OS roots the bundle alone is trusted for AWS (as the AWS CLI does).
                let mut all = roots.clone();
                all.extend(bundle.iter().cloned());
                build_agent(tls_config(&all), &self.user_agent)
            });
            Agents {
                agent,
                aws_agent,
                roots_label,
                ssl_cert_file_error,
            }
        })
    }

    /// Send `--debug-api-calls` dumps to `sink` (turning dumping on).
    pub fn set_debug_sink(&mut self, sink: DebugSink) {
        self.debug = Some(Mutex::new(sink));
    }

    /// The User-Agent this client sends.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    fn dump(&self, text: &str) {
        if let Some(sink) = &self.debug
            && let Ok(mut w) = sink.lock()
        {
            // Bodies are server text: escape control characters (the dump's own CRLF line
            // ends stay) so a reply cannot drive the terminal.
            let text = dump_for_terminal(text);
            // A failing debug sink must not fail the request.
            let _ = w.write_all(text.as_bytes());
            let _ = w.flush();
        }
    }

    /// Send one request and read the whole reply; for a call that may NOT be repeated (an
    /// Okta device-token poll, the Classic-org probe, ...): it is sent again only when the
    /// connection was refused (nothing reached the server), at most
    /// [`retry::MAX_ATTEMPTS`] attempts in all. For calls that may be repeated use
    /// [`Http::send_repeatable`].
    ///
    /// `request` is sent as it is (see [`Request`]); the client adds `User-Agent` when the
    /// request has none.
    ///
    /// Returns every HTTP reply, including 4xx and 5xx, as a [`Response`].
    ///
    /// Redirects (301, 302, 303, 307, 308 with a `Location`) are followed, at most
    /// [`MAX_REDIRECTS`], only within the same origin (scheme, host and port): Okta's and
    /// AWS's APIs never redirect to another host, and following one would send the
    /// request's headers (a bearer token) and body elsewhere. 303, and 301/302 after a
    /// POST, continue as a GET without body (RFC 9110 §15.4); 307/308 repeat the request.
    /// A redirect to another origin is an error naming both hosts, so an error never
    /// names a host that was not the one that failed.
    ///
    /// Errors: [`Error::Runtime`], one line naming the host and the cause, e.g.
    /// `cannot reach sts.amazonaws.com: connection refused`, or
    /// `127.0.0.1:8443 redirected the request to another host, 127.0.0.1:1; not followed ...`;
    /// never containing a query string or a secret. After more than one attempt the line
    /// ends with their number, e.g. `..., after 3 attempts`.
    pub fn send(&self, service: Service, request: &Request) -> Result<Response> {
        self.exchange(service, false, &mut || Ok(request.clone()))
    }

    /// [`Http::send`] for a call that may be repeated (STS, IAM, and the Okta calls of
    /// issue 11: device authorize, token exchange, `/login/token/sso`, appLinks): retried
    /// per [`retry::decide`] on throttling, 429 (Okta: after the rate limit resets, announced
    /// on stderr), 5xx gateway errors and connection failures, at most
    /// [`retry::MAX_ATTEMPTS`] attempts.
    ///
    /// Errors: as [`Http::send`]; and when every attempt failed in a retryable way, one line
    /// naming the endpoint (host and path, no query), the last status and error code, and
    /// the number of attempts, e.g. `POST 127.0.0.1:8443/oauth2/v1/token: no success after
    /// 3 attempts; the last reply was 429 Too Many Requests (E0000047)`.
    pub fn send_repeatable(&self, service: Service, request: &Request) -> Result<Response> {
        self.exchange(service, true, &mut || Ok(request.clone()))
    }

    /// [`Http::send_repeatable`] with the request built anew for each attempt by `build`
    /// (e.g. the m2m token request, whose client assertion must carry a fresh `jti` each
    /// time). An error from `build` ends the call with that error.
    pub fn send_repeatable_with(
        &self,
        service: Service,
        build: &mut dyn FnMut() -> Result<Request>,
    ) -> Result<Response> {
        self.exchange(service, true, build)
    }

    /// The one send path: attempts, retry decisions, waits and the final error.
    fn exchange(
        &self,
        service: Service,
        repeatable: bool,
        build: &mut dyn FnMut() -> Result<Request>,
    ) -> Result<Response> {
        let mut number = 0;
        loop {
            number += 1;
            let req = build()?;
            let result = self.send_redirecting(service, &req);
            let budget_left = self
                .waited
                .lock()
                .map(|w| retry::RUN_WAIT_BUDGET.saturating_sub(*w))
                .unwrap_or_default();
            let verdict = {
                let outcome = match &result {
                    Ok(resp) => Outcome::Reply {
                        status: resp.status,
                        aws_code: match service {
                            Service::Aws => retry::aws_error_code(&resp.body),
                            Service::Okta => None,
                        },
                        retry_after: resp.header("retry-after"),
                        rate_limit_reset: resp.header("x-rate-limit-reset"),
                    },
                    Err(f) => Outcome::Network(f.net),
                };
                retry::decide(&Attempt {
                    service,
                    repeatable,
                    number,
                    outcome,
                    now_ms: crate::clock::unix_now_ms(),
                    random: random_u64(),
                    budget_left,
                })
            };
            match verdict {
                Verdict::Done => return result.map_err(|f| with_attempts(f.error, number)),
                Verdict::GiveUp => {
                    return Err(match result {
                        Ok(resp) => Error::runtime(format!(
                            "{} {}: no success after {number} attempt{}; the last reply was {}{}",
                            req.method.as_str(),
                            endpoint_label(&req.url),
                            if number == 1 { "" } else { "s" },
                            resp.status_line(),
                            retry::error_code(&resp.body)
                                .map(|c| format!(" ({c})"))
                                .unwrap_or_default()
                        )),
                        Err(f) => with_attempts(f.error, number),
                    });
                }
                Verdict::Retry { after, announce } => {
                    if announce {
                        let why = match &result {
                            Ok(resp) if resp.status == 429 => {
                                format!("rate limit reached ({})", resp.status_line())
                            }
                            Ok(resp) => resp.status_line(),
                            Err(f) => f.error.to_string(),
                        };
                        self.notice(&format!(
                            "{} {}: {why}; waiting {:.1} s before attempt {} of {}\n",
                            req.method.as_str(),
                            endpoint_label(&req.url),
                            after.as_secs_f64(),
                            number + 1,
                            retry::MAX_ATTEMPTS
                        ));
                    }
                    if let Ok(mut w) = self.waited.lock() {
                        *w += after;
                    }
                    std::thread::sleep(after);
                }
            }
        }
    }

    /// A one-line message on stderr (control characters escaped).
    fn notice(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(crate::term::sanitize::lines(text).as_bytes());
        let _ = err.flush();
    }

    /// One attempt: the request and the same-origin redirects it leads to.
    fn send_redirecting(
        &self,
        service: Service,
        request: &Request,
    ) -> std::result::Result<Response, Failed> {
        let mut req = request.clone();
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send_once(service, &req)?;
            if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            let Some(location) = response.header("location") else {
                return Ok(response);
            };
            let from = parse_target(&req.url).map_err(Failed::fatal)?;
            let next = from.resolve(location).ok_or_else(|| {
                Failed::fatal(Error::runtime(format!(
                    "{} replied {} with an unusable Location header",
                    from.authority(),
                    response.status_line()
                )))
            })?;
            let next_origin = Url::parse(&next).map(|u| u.origin());
            if next_origin.as_ref() != Ok(&from.origin()) {
                let to = next_origin
                    .map(|o| o.to_string())
                    .unwrap_or_else(|_| "an invalid URL".to_string());
                return Err(Failed::fatal(Error::runtime(format!(
                    "{} redirected the request ({}) to another host, {to}; not followed (Okta and AWS APIs do not redirect across hosts)",
                    from.authority(),
                    response.status_line()
                ))));
            }
            if response.status == 303
                || (matches!(response.status, 301 | 302) && req.method == Method::Post)
            {
                req.method = Method::Get;
                req.form.clear();
                req.headers.retain(|(k, _)| {
                    !k.eq_ignore_ascii_case("content-type")
                        && !k.eq_ignore_ascii_case("content-length")
                });
            }
            req.url = next;
        }
        let shown = parse_target(&req.url)
            .map(|t| t.authority())
            .unwrap_or_default();
        Err(Failed::fatal(Error::runtime(format!(
            "cannot reach {shown}: more than {MAX_REDIRECTS} redirects"
        ))))
    }

    /// One request, no redirect followed: dumps and error mapping.
    fn send_once(&self, service: Service, req: &Request) -> std::result::Result<Response, Failed> {
        let body = req.body_bytes();
        let target = parse_target(&req.url).map_err(Failed::fatal)?;
        let proxy_url = self.proxies.proxy_for(
            target.scheme().as_str(),
            target.host(),
            target.explicit_port(),
        );
        let proxy = match (proxy_url, target.scheme()) {
            (Some(_), Scheme::Https) => self.https_proxy.clone(),
            (Some(_), _) => self.http_proxy.clone(),
            (None, _) => None,
        };
        let agents = self.agents();
        if let Some(e) = &agents.ssl_cert_file_error {
            return Err(Failed::fatal(Error::config(e.clone())));
        }
        let agent = match (service, &agents.aws_agent) {
            (Service::Aws, Some(aws)) => aws,
            _ => &agents.agent,
        };

        if self.debug.is_some() {
            let mut shown = req.headers.clone();
            if req.header("user-agent").is_none() {
                shown.push(("User-Agent".to_string(), self.user_agent.clone()));
            }
            self.dump(&format_request_dump(
                req.method.as_str(),
                &req.url,
                &shown,
                body.as_deref(),
            ));
        }

        let response = self
            .attempt(agent, proxy, req, body.as_deref())
            .map_err(|e| Failed {
                net: net_failure(&e),
                error: self.network_error(&target, proxy_url, service, &e),
            })?;
        if self.debug.is_some() {
            self.dump(&format_response_dump(&response));
        }
        Ok(response)
    }

    fn attempt(
        &self,
        agent: &Agent,
        proxy: Option<Proxy>,
        req: &Request,
        body: Option<&[u8]>,
    ) -> std::result::Result<Response, ureq::Error> {
        let mut builder = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(&req.url);
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        let mut reply = match body {
            Some(body) => {
                let req = builder.body(body)?;
                let req = agent.configure_request(req).proxy(proxy).build();
                agent.run(req)?
            }
            None => {
                let req = builder.body(())?;
                let req = agent.configure_request(req).proxy(proxy).build();
                agent.run(req)?
            }
        };
        let status = reply.status();
        let headers = reply
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = reply
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()?;
        Ok(Response {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
        })
    }

    /// `POST` a form body ([`Request::form`]), sent as by [`Http::send`].
    pub fn post_form<K: AsRef<str>, V: AsRef<str>>(
        &self,
        service: Service,
        url: &str,
        headers: &[(&str, &str)],
        form: &[(K, V)],
    ) -> Result<Response> {
        self.send(service, &Request::form(url, headers, form))
    }

    /// `GET` a URL ([`Request::get`]), sent as by [`Http::send`].
    pub fn get(&self, service: Service, url: &str, headers: &[(&str, &str)]) -> Result<Response> {
        self.send(service, &Request::get(url, headers))
    }

    fn network_error(
        &self,
        target: &Url,
        proxy_url: Option<&str>,
        service: Service,
        e: &ureq::Error,
    ) -> Error {
        let via = proxy_url
            .map(|p| format!(" via proxy {}", proxy_label(p)))
            .unwrap_or_default();
        let agents = self.agents();
        let roots = if service == Service::Aws && agents.aws_agent.is_some() {
            format!("{} plus AWS_CA_BUNDLE", agents.roots_label)
        } else {
            agents.roots_label.to_string()
        };
        Error::runtime(format!(
            "cannot reach {}{via}: {}",
            target.authority(),
            describe_error(e, &roots)
        ))
    }
}

/// How the retry policy sees a transport failure.
fn net_failure(e: &ureq::Error) -> NetFailure {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::Io(io) if rustls_inside(io).is_some() => NetFailure::Other,
        ureq::Error::Io(io) => match io.kind() {
            K::ConnectionRefused => NetFailure::Refused,
            K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
                NetFailure::Dropped
            }
            _ => NetFailure::Other,
        },
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => NetFailure::ConnectTimeout,
        _ => NetFailure::Other,
    }
}

/// `error` with `, after N attempts` added when there was more than one.
fn with_attempts(error: Error, attempts: u32) -> Error {
    match error {
        Error::Runtime(m) if attempts > 1 => {
            Error::Runtime(format!("{m}, after {attempts} attempts"))
        }
        other => other,
    }
}

/// `host[:port]/path` of a URL, for messages (no scheme, query or fragment).
fn endpoint_label(url: &str) -> String {
    let label = Url::parse(url).map_or_else(
        |_| "an invalid URL".to_string(),
        |u| format!("{}{}", u.authority(), u.path()),
    );
    crate::term::sanitize::line(&label).into_owned()
}

/// A random number for back-off jitter, from the OS (the middle of the range if that fails).
fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => u64::MAX / 2,
    }
}

/// A rustls error carried inside an I/O error, if any.
fn rustls_inside(io: &std::io::Error) -> Option<&rustls::Error> {
    io.get_ref()?.downcast_ref::<rustls::Error>()
}

/// One-line cause of a transport failure (no URL, no secrets).
fn describe_error(e: &ureq::Error, roots: &str) -> String {
    use std::io::ErrorKind as K;
    let tls = |detail: String| format!("TLS failure: {detail} (trusted roots: {roots})");
    match e {
        ureq::Error::Io(io) => {
            if let Some(r) = rustls_inside(io) {
                return tls(r.to_string());
            }
            match io.kind() {
                K::ConnectionRefused => "connection refused".to_string(),
                K::ConnectionReset => "connection reset by peer".to_string(),
                K::ConnectionAborted => "connection aborted".to_string(),
                K::UnexpectedEof => "connection closed before a complete reply".to_string(),
                K::TimedOut => "timed out".to_string(),
                K::BrokenPipe => "connection closed while sending".to_string(),
                _ => {
                    let text = io.to_string();
                    let text = text.split(" (os error").next().unwrap_or(&text);
                    one_line(text)
                }
            }
        }
        ureq::Error::Rustls(r) => tls(r.to_string()),
        ureq::Error::Tls(t) => tls((*t).to_string()),
        ureq::Error::Pem(_) => tls("bad PEM certificate".to_string()),
        ureq::Error::HostNotFound => "host not found (DNS lookup failed)".to_string(),
        ureq::Error::Timeout(t) => match t {
            Timeout::Connect | Timeout::Resolve => format!(
                "no connection within {} s (timed out)",
                CONNECT_TIMEOUT.as_secs()
            ),
            Timeout::Global => format!(
                "no complete reply within {} s (timed out)",
                REQUEST_TIMEOUT.as_secs()
            ),
            _ => "timed out".to_string(),
        },
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        ureq::Error::RedirectFailed => {
            "redirected with 307/308 while sending a body (not followed)".to_string()
        }
        ureq::Error::BodyExceedsLimit(_) => {
            format!("reply larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024))
        }
        ureq::Error::LargeResponseHeader(_, _) => "reply headers too large".to_string(),
        ureq::Error::Protocol(p) => format!("bad HTTP reply: {}", one_line(&p.to_string())),
        ureq::Error::ConnectProxyFailed(why) => {
            format!("proxy CONNECT failed: {}", one_line(why))
        }
        ureq::Error::InvalidProxyUrl => "invalid proxy URL".to_string(),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            "invalid request URL or header".to_string()
        }
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        other => one_line(&other.to_string()),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_forms() {
        assert_eq!(user_agent(true), "okta-aws-cli");
        let long = user_agent(false);
        assert!(long.starts_with(&format!(
            "okta-aws-cli/{} (rust; ",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(long.ends_with(&format!(
            "{}; {})",
            std::env::consts::OS,
            std::env::consts::ARCH
        )));
    }

    #[test]
    fn debug_of_options_and_response_hides_secrets() {
        let opts = HttpOptions {
            user_agent: "ua".into(),
            debug_api_calls: false,
            env: [(
                "HTTPS_PROXY".to_string(),
                "http://user:proxyPASS@p:3128".to_string(),
            )]
            .into_iter()
            .collect(),
        };
        let shown = format!("{opts:?}");
        assert!(
            !shown.contains("proxyPASS") && shown.contains("HTTPS_PROXY"),
            "{shown}"
        );
        let resp = Response {
            status: 200,
            reason: "OK".into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Set-Cookie".into(), "sid=cookieSECRET".into()),
            ],
            body: br#"{"access_token":"bodyACCESSTOKEN"}"#.to_vec(),
        };
        let shown = format!("{resp:?}");
        assert!(
            !shown.contains("bodyACCESSTOKEN") && !shown.contains("cookieSECRET"),
            "{shown}"
        );
        assert!(
            shown.contains("application/json") && shown.contains("bytes"),
            "{shown}"
        );
    }
}
