//! PURE: the Okta side of the `web` flow as plain data (upstream-behaviour §4, DESIGN §2.5,
//! §2.17): every request is a [`Request`] value the I/O side sends as is, every reply is
//! read from an [`http::Response`](crate::http::Response), and the decisions (device-code
//! polling, which Federation app / IdP / role) are functions of their inputs.
//!
//! Order of use in the web flow:
//! 1. [`OktaWeb::classic_org_probe`] -> [`check_classic_org`].
//! 2. [`OktaWeb::device_authorize`] -> [`parse_device_authorization`]; show the banner.
//! 3. [`Poller`] with [`OktaWeb::device_token`] until [`Decision::Done`] gives [`OktaTokens`].
//! 4. Federation app: `--aws-acct-fed-app-id`, or [`OktaWeb::app_links`] -> [`parse_app_links`]
//!    (+ [`next_page_url`]) -> [`choose_fed_app`].
//! 5. [`OktaWeb::token_exchange`] -> [`parse_token_exchange`] (web SSO token).
//! 6. [`OktaWeb::saml_page`] -> [`parse_saml_page`] -> [`crate::okta::saml::parse_saml_response`].
//! 7. [`choose_idp`] then [`choose_role`]; [`no_tty_error`] when a choice is needed but no
//!    terminal is available.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::OrgUrl;
use crate::error::{Error, Result};
use crate::http::Response;
use crate::okta::saml::SamlRoles;

/// Scope of the device authorization request, exactly as upstream sends it
/// (upstream-behaviour §4.4; DESIGN §1 keeps the scopes). `okta.apps.read` is no longer
/// needed since appLinks only needs `okta.users.read.self`, but OIDC apps set up by the
/// upstream README grant it, and the request must stay the same for them.
pub const DEVICE_SCOPE: &str = "openid okta.apps.sso okta.apps.read okta.users.read.self";
/// RFC 8628 §3.4 device-code grant type.
pub const DEVICE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The Okta app name of the AWS Account Federation app in appLinks.
pub const AWS_APP_NAME: &str = "amazon_aws";
/// Upper bound on appLinks pages followed through `Link: rel="next"`.
pub const MAX_APP_LINK_PAGES: usize = 20;
/// Device-code lifetime assumed when Okta sends no `expires_in` (seconds).
pub const DEFAULT_EXPIRES_IN: u64 = 600;
/// Polling interval assumed when Okta sends no `interval` (seconds, RFC 8628 §3.5).
pub const DEFAULT_INTERVAL: u64 = 5;
/// Longest initial polling interval accepted from Okta (seconds); larger values are cut.
pub const MAX_INTERVAL: u64 = 60;
/// Longest device-code lifetime accepted from Okta (seconds); larger values are cut.
pub const MAX_EXPIRES_IN: u64 = 3600;
/// Consecutive network errors tolerated while polling before giving up.
pub const MAX_NETWORK_RETRIES: u32 = 3;

/// HTTP method of a [`Request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (no body).
    Get,
    /// POST with an `application/x-www-form-urlencoded` body from [`Request::form`].
    Post,
}

/// One HTTP request as plain data. The I/O side sends `method url`, every header in
/// `headers` as given, and for POST the body [`Request::body`].
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL, e.g. `https://example.okta.com/oauth2/v1/token`.
    pub url: String,
    /// Header name/value pairs in sending order (Accept, Content-Type, User-Agent,
    /// X-Okta-Aws-Cli-Operation, Authorization).
    pub headers: Vec<(String, String)>,
    /// Form fields in sending order (sorted by name, as upstream's Go sends them).
    pub form: Vec<(String, String)>,
}

impl Request {
    /// The form body, `application/x-www-form-urlencoded` (space and reserved bytes as
    /// `%XX`, see [`crate::http::form_encode`]). Empty for GET.
    pub fn body(&self) -> String {
        crate::http::form_encode(&self.form)
    }

    /// `"GET"` or `"POST"`, as `http::Http::send` takes it.
    pub fn method_str(&self) -> &'static str {
        match self.method {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }

    /// The headers as borrowed pairs, as `http::Http::send` takes them.
    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// The body bytes to send: `None` for GET, the encoded form for POST.
    pub fn body_bytes(&self) -> Option<Vec<u8>> {
        match self.method {
            Method::Get => None,
            Method::Post => Some(self.body().into_bytes()),
        }
    }

    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of form field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Request {
    /// Prints the request with tokens, device code and Authorization redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = k.eq_ignore_ascii_case("authorization");
                (k.as_str(), if secret { "<redacted>" } else { v.as_str() })
            })
            .collect();
        let form: Vec<(&str, &str)> = self
            .form
            .iter()
            .map(|(k, v)| {
                let secret = crate::http::is_secret_field(k);
                (k.as_str(), if secret { "<redacted>" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("form", &form)
            .finish()
    }
}

/// Builds the web flow's requests for one org, OIDC client and User-Agent.
#[derive(Debug, Clone, Copy)]
pub struct OktaWeb<'a> {
    /// The Okta org; URLs are `<org.base><path>`.
    pub org: &'a OrgUrl,
    /// The OIDC native app's client id.
    pub client_id: &'a str,
    /// The User-Agent to send (long or `--short-user-agent` form, see `http::user_agent`).
    pub user_agent: &'a str,
}

impl OktaWeb<'_> {
    fn headers(&self, accept: &str, content_type: Option<&str>) -> Vec<(String, String)> {
        let mut h = vec![("Accept".to_string(), accept.to_string())];
        if let Some(ct) = content_type {
            h.push(("Content-Type".to_string(), ct.to_string()));
        }
        h.push(("User-Agent".to_string(), self.user_agent.to_string()));
        h.push(("X-Okta-Aws-Cli-Operation".to_string(), "web".to_string()));
        h
    }

    fn form_post(&self, path: &str, accept: &str, form: Vec<(&str, &str)>) -> Request {
        Request {
            method: Method::Post,
            url: format!("{}{path}", self.org.base),
            headers: self.headers(accept, Some("application/x-www-form-urlencoded")),
            form: form
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// `GET <org>/.well-known/okta-organization` (upstream-behaviour §4.2).
    pub fn classic_org_probe(&self) -> Request {
        Request {
            method: Method::Get,
            url: format!("{}/.well-known/okta-organization", self.org.base),
            headers: self.headers("application/json", None),
            form: Vec::new(),
        }
    }

    /// `POST <org>/oauth2/v1/device/authorize`, form `client_id`, `scope` ([`DEVICE_SCOPE`])
    /// (RFC 8628 §3.1, upstream-behaviour §4.4).
    pub fn device_authorize(&self) -> Request {
        self.form_post(
            "/oauth2/v1/device/authorize",
            "application/json",
            vec![("client_id", self.client_id), ("scope", DEVICE_SCOPE)],
        )
    }

    /// `POST <org>/oauth2/v1/token`, form `client_id`, `device_code`, `grant_type`
    /// ([`DEVICE_GRANT_TYPE`]) (RFC 8628 §3.4, upstream-behaviour §4.6).
    pub fn device_token(&self, device_code: &str) -> Request {
        self.form_post(
            "/oauth2/v1/token",
            "application/json",
            vec![
                ("client_id", self.client_id),
                ("device_code", device_code),
                ("grant_type", DEVICE_GRANT_TYPE),
            ],
        )
    }

    /// RFC 8693 token exchange for a web SSO token for Federation app `fed_app_id`
    /// (upstream-behaviour §4.9): `actor_token` = access token, `subject_token` = ID token,
    /// `audience` = `urn:okta:apps:<fed_app_id>`.
    ///
    /// Errors: [`Error::Runtime`] when `tokens` carries no ID token.
    pub fn token_exchange(&self, tokens: &OktaTokens, fed_app_id: &str) -> Result<Request> {
        if tokens.id_token.is_empty() {
            return Err(Error::runtime(
                "the Okta token response has no id_token (the OIDC app must grant the openid scope)",
            ));
        }
        let audience = format!("urn:okta:apps:{fed_app_id}");
        Ok(self.form_post(
            "/oauth2/v1/token",
            "application/json",
            vec![
                ("actor_token", &tokens.access_token),
                (
                    "actor_token_type",
                    "urn:ietf:params:oauth:token-type:access_token",
                ),
                ("audience", &audience),
                ("client_id", self.client_id),
                (
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                ),
                ("requested_token_type", WEB_SSO_TOKEN_TYPE),
                ("subject_token", &tokens.id_token),
                (
                    "subject_token_type",
                    "urn:ietf:params:oauth:token-type:id_token",
                ),
            ],
        ))
    }

    /// The URL of the SAML fetch, `<org>/login/token/sso` (also used in its errors).
    pub fn saml_url(&self) -> String {
        format!("{}/login/token/sso", self.org.base)
    }

    /// `POST <org>/login/token/sso`, form `token=<web SSO token>`, `Accept: text/html`
    /// (upstream-behaviour §4.10, 2.6.0 form).
    pub fn saml_page(&self, web_sso_token: &WebSsoToken) -> Request {
        self.form_post(
            "/login/token/sso",
            "text/html",
            vec![("token", web_sso_token.0.as_str())],
        )
    }

    /// First appLinks page URL, `<org>/api/v1/users/me/appLinks`.
    pub fn app_links_url(&self) -> String {
        format!("{}/api/v1/users/me/appLinks", self.org.base)
    }

    /// `GET <url>` for an appLinks page (first: [`Self::app_links_url`], later:
    /// [`next_page_url`]) with `Authorization: <token_type> <access_token>`
    /// (upstream-behaviour §4.8).
    pub fn app_links(&self, url: &str, tokens: &OktaTokens) -> Request {
        let mut headers = self.headers("application/json", Some("application/json"));
        let token_type = if tokens.token_type.is_empty() {
            "Bearer"
        } else {
            tokens.token_type.as_str()
        };
        headers.push((
            "Authorization".to_string(),
            format!("{token_type} {}", tokens.access_token),
        ));
        Request {
            method: Method::Get,
            url: url.to_string(),
            headers,
            form: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------

fn json_body(resp: &Response) -> Option<Value> {
    serde_json::from_slice(&resp.body).ok()
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn u64_field(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Fail when the org is a Classic (non-OIE) org: reply 200 with JSON `pipeline` = `v1`
/// (upstream-behaviour §4.2). Any other reply passes silently.
///
/// Errors: [`Error::Runtime`] `"<host>" is a Classic org; the web command needs an Okta
/// Identity Engine org`.
pub fn check_classic_org(org: &OrgUrl, resp: &Response) -> Result<()> {
    if resp.status == 200
        && let Some(v) = json_body(resp)
        && v.get("pipeline").and_then(Value::as_str) == Some("v1")
    {
        return Err(Error::runtime(format!(
            "\"{}\" is a Classic org; the web command needs an Okta Identity Engine org",
            org.host
        )));
    }
    Ok(())
}

/// Reply of the device authorization request (RFC 8628 §3.2).
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceAuthorization {
    /// The device code (secret; used in token polls only).
    pub device_code: String,
    /// The code the user confirms in the browser, e.g. `ABCD-EFGH`.
    pub user_code: String,
    /// The activation page, e.g. `https://example.okta.com/activate`.
    pub verification_uri: String,
    /// The activation page with the user code filled in: the URL shown, encoded in the QR
    /// code and opened. Built from `verification_uri` + `?user_code=` when Okta omits it.
    pub verification_uri_complete: String,
    /// Lifetime of the device code in seconds, when given.
    pub expires_in: Option<u64>,
    /// Minimum polling interval in seconds, when given.
    pub interval: Option<u64>,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &"<redacted>")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

/// Read the device authorization reply (RFC 8628 §3.2, upstream-behaviour §4.4).
///
/// Errors: non-200 -> [`Error::Okta`] `authorize received API response "<status line>"`
/// (plus the OAuth `error` and description when the body has them); a non-JSON content
/// type -> `authorize non-JSON API response content type "<ct>"`; no `device_code` or no
/// verification URI -> [`Error::Runtime`]; an absent or empty `device_code`, `user_code` or
/// `verification_uri` (all required by RFC 8628 §3.2) -> [`Error::Runtime`]
/// `authorize API response has no <field> (absent or empty)`.
pub fn parse_device_authorization(resp: &Response) -> Result<DeviceAuthorization> {
    if resp.status != 200 {
        let mut message = format!("authorize received API response \"{}\"", resp.status_line());
        let mut code = None;
        if let Some(v) = json_body(resp) {
            let error = crate::term::sanitize::line(&str_field(&v, "error")).into_owned();
            let desc =
                crate::term::sanitize::line(&str_field(&v, "error_description")).into_owned();
            if !error.is_empty() {
                message.push_str(&format!(": {error}"));
                if !desc.is_empty() {
                    message.push_str(&format!(" - {desc}"));
                }
                code = Some(error);
            }
        }
        return Err(Error::Okta { code, message });
    }
    let ct = resp.header("content-type").unwrap_or("");
    if !ct.to_ascii_lowercase().contains("application/json") {
        return Err(Error::runtime(format!(
            "authorize non-JSON API response content type \"{ct}\""
        )));
    }
    let v = json_body(resp).ok_or_else(|| {
        Error::runtime(format!(
            "authorize API response is not valid JSON: {}",
            crate::okta::oauth::body_excerpt(&resp.body)
        ))
    })?;
    let device_code = str_field(&v, "device_code");
    let user_code = str_field(&v, "user_code");
    let verification_uri = str_field(&v, "verification_uri");
    let mut complete = str_field(&v, "verification_uri_complete");
    // RFC 8628 §3.2: device_code, user_code and verification_uri are required.
    for (name, value) in [
        ("device_code", &device_code),
        ("user_code", &user_code),
        ("verification_uri", &verification_uri),
    ] {
        if value.trim().is_empty() {
            return Err(Error::runtime(format!(
                "authorize API response has no {name} (absent or empty)"
            )));
        }
    }
    for (name, value) in [
        ("verification_uri", &verification_uri),
        ("verification_uri_complete", &complete),
    ] {
        check_activation_url(name, value)?;
    }
    if complete.is_empty() {
        let sep = if verification_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let code = crate::http::percent_encode(&user_code);
        complete = format!("{verification_uri}{sep}user_code={code}");
    }
    Ok(DeviceAuthorization {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete: complete,
        expires_in: u64_field(&v, "expires_in"),
        interval: u64_field(&v, "interval"),
    })
}

/// The activation URL to show, encode in the QR code and open: `verification_uri_complete`
/// as [`crate::http::url::browser_url`] writes it back (percent-encoded), after both it and
/// `verification_uri` passed that check against the org's origin `org_base` (e.g.
/// `https://example.okta.com`; scheme, host and port must be equal).
///
/// Errors: [`Error::Runtime`] `invalid device authorization reply from Okta: <field>
/// <problem>: "<url, escaped>"`, e.g. `... verification_uri_complete is not on the org's
/// origin https://example.okta.com: "https://evil.example/activate"`.
pub fn activation_url(auth: &DeviceAuthorization, org_base: &str) -> Result<String> {
    let check = |name: &str, value: &str| {
        crate::http::url::browser_url(value, org_base).map_err(|problem| {
            Error::runtime(format!(
                "invalid device authorization reply from Okta: {name} {problem}: \"{}\"",
                crate::term::sanitize::line(value)
            ))
        })
    };
    check("verification_uri", &auth.verification_uri)?;
    check("verification_uri_complete", &auth.verification_uri_complete)
}

/// An activation URL of the device authorization reply must be a plain `http(s)://` URL:
/// it is printed, encoded in the QR code and handed to a browser command. Empty passes
/// (absence is checked by the caller).
fn check_activation_url(name: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Ok(());
    }
    let lower = value.to_ascii_lowercase();
    // White space other than controls is percent-encoded by `activation_url`.
    let problem = if crate::term::sanitize::has_unsafe(value) {
        "contains control characters"
    } else if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        "is not an http(s) URL"
    } else {
        return Ok(());
    };
    Err(Error::runtime(format!(
        "invalid device authorization reply from Okta: {name} {problem}: \"{}\"",
        crate::term::sanitize::line(value)
    )))
}

/// The OAuth token response of the device flow (RFC 6749 §5.1); field names as in Okta's
/// reply and upstream's cache file. Empty strings stand for absent fields.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OktaTokens {
    /// Access token (secret).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub access_token: String,
    /// ID token (secret): the token-exchange `subject_token`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id_token: String,
    /// Normally `Bearer`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token_type: String,
    /// Granted scopes, space separated.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Access-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Refresh token (secret), if issued.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub refresh_token: String,
    /// Device secret (secret), if issued.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_secret: String,
}

impl fmt::Debug for OktaTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OktaTokens")
            .field("access_token", &"<redacted>")
            .field("id_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Longest access-token lifetime accepted from a token reply (seconds): one day, Okta's
/// maximum access-token lifetime. Larger values are cut to it.
pub const MAX_TOKEN_LIFETIME: u64 = 86_400;

/// Read a JSON token reply (RFC 6749 §5.1) leniently, with the same field helpers as the
/// device authorization reply: a string field that is absent, `null` or not a string is
/// empty; `expires_in` may be a number or a string of digits; a negative, fractional or
/// out-of-range (`1e20`) `expires_in` counts as absent, and one above
/// [`MAX_TOKEN_LIFETIME`] is cut to it. Whether the tokens are usable is
/// [`check_tokens`]'s business.
pub fn tokens_from_json(v: &Value) -> OktaTokens {
    OktaTokens {
        access_token: str_field(v, "access_token"),
        id_token: str_field(v, "id_token"),
        token_type: str_field(v, "token_type"),
        scope: str_field(v, "scope"),
        expires_in: u64_field(v, "expires_in").map(|e| e.min(MAX_TOKEN_LIFETIME)),
        refresh_token: str_field(v, "refresh_token"),
        device_secret: str_field(v, "device_secret"),
    }
}

/// Check the tokens the web flow needs before anything uses or caches them: the access
/// token and the ID token present, and each of them and the token type (RFC 6749 §5.1,
/// `Bearer`) a single printable word: visible ASCII only, no white space, CR or LF (they go
/// into an `Authorization` header and a form field).
///
/// Errors: a one-line description naming the field, without its value (tokens are
/// secrets), e.g. `no id_token (the OIDC app must grant the openid scope)`.
pub fn check_tokens(
    access_token: &str,
    id_token: &str,
    token_type: &str,
) -> std::result::Result<(), String> {
    let word = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    for (name, value) in [("access_token", access_token), ("id_token", id_token)] {
        if value.is_empty() {
            let hint = if name == "id_token" {
                " (the OIDC app must grant the openid scope)"
            } else {
                ""
            };
            return Err(format!("no {name}{hint}"));
        }
        if !word(value) {
            return Err(format!(
                "{name} contains white space or characters that are not printable ASCII"
            ));
        }
    }
    if token_type.is_empty() {
        return Err("no token_type".into());
    }
    if !word(token_type) {
        return Err(format!(
            "token_type \"{}\" is not a single printable word",
            crate::term::sanitize::line(token_type)
        ));
    }
    Ok(())
}

/// What the I/O side observed for one token poll.
#[derive(Debug, Clone, Copy)]
pub enum PollReply<'a> {
    /// Okta answered (any status).
    Response(&'a Response),
    /// The request failed without a reply; the text names the transport error (no secrets).
    NetworkError(&'a str),
}

/// What to do after a poll.
#[derive(Debug)]
pub enum Decision {
    /// Sleep this many seconds, then poll again.
    Wait(u64),
    /// Authorized: the tokens.
    Done(OktaTokens),
    /// Stop with this error.
    Fail(Error),
}

/// The device-code polling state machine (RFC 8628 §3.4–3.5, DESIGN §2.5, case B09).
///
/// Times are whole seconds on one clock (Unix epoch seconds, since `X-Rate-Limit-Reset` is
/// epoch seconds). The first poll comes [`Poller::first_wait`] seconds after the
/// authorization; each reply is fed to [`Poller::next`]. The loop is bounded by the device
/// code's `expires_in` deadline and by [`MAX_NETWORK_RETRIES`].
#[derive(Debug, Clone)]
pub struct Poller {
    interval: u64,
    start: u64,
    deadline: u64,
    rate_limited: u32,
    network_errors: u32,
}

impl Poller {
    /// `interval`/`expires_in` (seconds) from the authorization reply; `start` is when the
    /// authorization reply arrived.
    ///
    /// Server values are bounded so no later arithmetic can overflow: `interval` absent or 0
    /// means [`DEFAULT_INTERVAL`] (5 s, RFC 8628 §3.5's default), else at most
    /// [`MAX_INTERVAL`]; `expires_in` absent or 0 means [`DEFAULT_EXPIRES_IN`], else at most
    /// [`MAX_EXPIRES_IN`] (one hour).
    pub fn new(interval: Option<u64>, expires_in: Option<u64>, start: u64) -> Poller {
        let interval = match interval {
            None | Some(0) => DEFAULT_INTERVAL,
            Some(i) => i.min(MAX_INTERVAL),
        };
        let lifetime = match expires_in {
            None | Some(0) => DEFAULT_EXPIRES_IN,
            Some(e) => e.min(MAX_EXPIRES_IN),
        };
        Poller {
            interval,
            start,
            deadline: start.saturating_add(lifetime),
            rate_limited: 0,
            network_errors: 0,
        }
    }

    /// Seconds to wait before the first poll: the interval, but never past the device
    /// code's deadline (a long server interval with a short lifetime polls once, at the
    /// deadline, and then ends with `device code expired`).
    pub fn first_wait(&self) -> u64 {
        self.interval
            .min(self.deadline.saturating_sub(self.start))
            .max(1)
    }

    /// The current polling interval in seconds (grows by 5 on each `slow_down`).
    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// When the device code expires (same clock as `start`).
    pub fn deadline(&self) -> u64 {
        self.deadline
    }

    /// Decide after one poll observed at `now`.
    ///
    /// * 200 with a JSON object ([`tokens_from_json`]) whose tokens pass [`check_tokens`] ->
    ///   [`Decision::Done`]; one that fails the check -> error naming the field.
    /// * `authorization_pending` -> wait the interval; `slow_down` -> interval += 5 s, wait it.
    /// * 429 -> wait until `X-Rate-Limit-Reset` (epoch seconds) or `Retry-After` (seconds or
    ///   HTTP date), at least the interval; without either, back off (2x interval, doubling,
    ///   at most 60 s).
    /// * `expired_token`, or `now` at/after the deadline -> `device code expired, run the
    ///   command again`; `access_denied` -> `authorization was denied in the browser`.
    /// * any other OAuth error, a non-JSON error body, an unexpected status -> error with the
    ///   status and the first bytes of the body (upstream's wording, §4.6).
    /// * network error -> retried at the interval up to [`MAX_NETWORK_RETRIES`] times in a row.
    ///
    /// Waits never run past the deadline.
    pub fn next(&mut self, reply: PollReply<'_>, now: u64) -> Decision {
        let resp = match reply {
            PollReply::NetworkError(e) => {
                self.network_errors += 1;
                if self.network_errors > MAX_NETWORK_RETRIES {
                    return Decision::Fail(Error::runtime(format!(
                        "fetching access token polling received API err {e} (gave up after {} attempts)",
                        self.network_errors
                    )));
                }
                return self.wait(self.interval, now);
            }
            PollReply::Response(r) => r,
        };
        self.network_errors = 0;
        if resp.status == 429 {
            self.rate_limited = self.rate_limited.saturating_add(1);
            let until = rate_limit_wait(resp, now).unwrap_or_else(|| {
                let shift = self.rate_limited.min(6);
                self.interval.saturating_mul(1 << shift).min(60)
            });
            return self.wait(until.max(self.interval), now);
        }
        self.rate_limited = 0;
        let json = json_body(resp);
        if resp.status == 200 {
            let Some(v) = json.as_ref().filter(|v| v.is_object()) else {
                return Decision::Fail(Error::runtime(format!(
                    "fetching access token polling received a non-JSON token response (content type \"{}\")",
                    crate::term::sanitize::line(resp.header("content-type").unwrap_or(""))
                )));
            };
            let tokens = tokens_from_json(v);
            return match check_tokens(&tokens.access_token, &tokens.id_token, &tokens.token_type) {
                Ok(()) => Decision::Done(tokens),
                Err(problem) => Decision::Fail(Error::runtime(format!(
                    "fetching access token polling received an unusable token response: {problem}"
                ))),
            };
        }
        let error = json
            .as_ref()
            .map(|v| str_field(v, "error"))
            .unwrap_or_default();
        if (400..500).contains(&resp.status) && !error.is_empty() {
            let desc = json
                .as_ref()
                .map(|v| {
                    crate::term::sanitize::line(&str_field(v, "error_description")).into_owned()
                })
                .unwrap_or_default();
            return match error.as_str() {
                "authorization_pending" => self.wait(self.interval, now),
                "slow_down" => {
                    self.interval = self.interval.saturating_add(5);
                    self.wait(self.interval, now)
                }
                "expired_token" => Decision::Fail(Error::Okta {
                    code: Some(error),
                    message: "device code expired, run the command again".into(),
                }),
                "access_denied" => Decision::Fail(Error::Okta {
                    code: Some(error),
                    message: "authorization was denied in the browser".into(),
                }),
                _ => Decision::Fail(Error::Okta {
                    message: format!(
                        "fetching access token polling received unexpected API polling error \"{}\" - \"{desc}\"",
                        crate::term::sanitize::line(&error)
                    ),
                    code: Some(error),
                }),
            };
        }
        if resp.status == 400 && json.is_none() {
            return Decision::Fail(Error::runtime(format!(
                "fetching access token polling received unexpected API error body \"{}\"",
                crate::okta::oauth::body_excerpt(&resp.body)
            )));
        }
        Decision::Fail(Error::runtime(format!(
            "fetching access token polling received unexpected API status \"{}\" \"{}\"",
            resp.status_line(),
            crate::okta::oauth::body_excerpt(&resp.body)
        )))
    }

    fn wait(&self, secs: u64, now: u64) -> Decision {
        if now >= self.deadline {
            return Decision::Fail(Error::runtime("device code expired, run the command again"));
        }
        Decision::Wait(secs.min(self.deadline - now).max(1))
    }
}

/// Seconds to wait after a 429, from `X-Rate-Limit-Reset` (epoch seconds) or `Retry-After`
/// (delta seconds or HTTP date).
fn rate_limit_wait(resp: &Response, now: u64) -> Option<u64> {
    if let Some(reset) = resp
        .header("x-rate-limit-reset")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(reset.saturating_sub(now));
    }
    let retry = resp.header("retry-after")?.trim();
    if let Ok(secs) = retry.parse::<u64>() {
        return Some(secs);
    }
    let at = time::OffsetDateTime::parse(retry, &time::format_description::well_known::Rfc2822)
        .ok()?
        .unix_timestamp();
    Some(u64::try_from(at).ok()?.saturating_sub(now))
}

/// The web SSO token from the token exchange (secret; Debug prints `<redacted>`).
#[derive(Clone, PartialEq, Eq)]
pub struct WebSsoToken(pub String);

impl fmt::Debug for WebSsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebSsoToken(<redacted>)")
    }
}

/// RFC 8693 token type of Okta's web SSO token (the token exchange's
/// `requested_token_type` and, in the reply, `issued_token_type`).
pub const WEB_SSO_TOKEN_TYPE: &str = "urn:okta:oauth:token-type:web_sso_token";

/// Read the token-exchange reply (upstream-behaviour §4.9): 200..=399 -> the `access_token`
/// field as the web SSO token; >= 400 -> [`crate::okta::oauth::error_from_response`] (keeps
/// `invalid_grant` in the code for the stale-token retry).
///
/// Errors: an `issued_token_type` that is present (not `null`) but not
/// [`WEB_SSO_TOKEN_TYPE`] (RFC 8693 §2.2.1: the token is something else, which the SAML
/// endpoint would not take); no `access_token`.
pub fn parse_token_exchange(resp: &Response) -> Result<WebSsoToken> {
    if resp.status >= 400 {
        return Err(crate::okta::oauth::error_from_response(
            "web SSO token exchange",
            resp,
        ));
    }
    let json = json_body(resp);
    if let Some(issued) = json
        .as_ref()
        .and_then(|v| v.get("issued_token_type"))
        .filter(|t| !t.is_null())
        && issued.as_str() != Some(WEB_SSO_TOKEN_TYPE)
    {
        let shown = match issued.as_str() {
            Some(s) => format!("\"{}\"", crate::term::sanitize::line(s)),
            None => "a non-string value".to_string(),
        };
        return Err(Error::runtime(format!(
            "the web SSO token exchange reply has issued_token_type {shown}, not \"{WEB_SSO_TOKEN_TYPE}\""
        )));
    }
    let token = json
        .map(|v| str_field(&v, "access_token"))
        .unwrap_or_default();
    if token.is_empty() {
        return Err(Error::runtime(format!(
            "the web SSO token exchange reply ({}) has no access_token",
            resp.status_line()
        )));
    }
    Ok(WebSsoToken(token))
}

/// Read the `/login/token/sso` page (upstream-behaviour §4.10) into the base64 SAML
/// Response; `url` is [`OktaWeb::saml_url`].
///
/// Errors: non-200 -> `fetching SAML assertion received API response "<status line>"`;
/// then those of [`crate::okta::saml::extract_saml_response`].
pub fn parse_saml_page(resp: &Response, url: &str) -> Result<String> {
    if resp.status != 200 {
        return Err(Error::runtime(format!(
            "fetching SAML assertion received API response \"{}\"",
            resp.status_line()
        )));
    }
    crate::okta::saml::extract_saml_response(&resp.text(), url)
}

/// An AWS Account Federation app instance from appLinks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FedApp {
    /// `appInstanceId`: the id used in the token-exchange audience.
    pub id: String,
    /// The app's label as shown in the Okta dashboard.
    pub label: String,
}

/// Read one appLinks page (Okta Users API, `GET /api/v1/users/me/appLinks`): a JSON array
/// whose elements with `appName` == `amazon_aws` are kept, in reply order.
///
/// Errors: non-2xx -> [`crate::okta::oauth::error_from_response`]; not a JSON array ->
/// [`Error::Runtime`] with the first bytes of the body.
pub fn parse_app_links(resp: &Response) -> Result<Vec<FedApp>> {
    if !(200..300).contains(&resp.status) {
        return Err(crate::okta::oauth::error_from_response(
            "listing the AWS Federation apps (appLinks)",
            resp,
        ));
    }
    let Some(Value::Array(items)) = json_body(resp) else {
        return Err(Error::runtime(format!(
            "the appLinks reply from Okta is not a JSON array: \"{}\"",
            crate::okta::oauth::body_excerpt(&resp.body)
        )));
    };
    Ok(items
        .iter()
        .filter(|v| v.get("appName").and_then(Value::as_str) == Some(AWS_APP_NAME))
        .map(|v| FedApp {
            id: str_field(v, "appInstanceId"),
            label: str_field(v, "label"),
        })
        .filter(|a| !a.id.is_empty())
        .collect())
}

/// Add the apps of one appLinks page to `apps`, skipping every app whose `appInstanceId`
/// is already there (first seen wins): a server that repeats an app on several pages, or
/// pages that loop, must not turn one Federation app into a choice between "several".
pub fn add_new_apps(apps: &mut Vec<FedApp>, page: Vec<FedApp>) {
    for app in page {
        if !apps.iter().any(|a| a.id == app.id) {
            apps.push(app);
        }
    }
}

/// The `rel="next"` URL of the reply's `Link` headers (RFC 8288), if it is on the org's
/// own origin (scheme, host and port equal to `org.base`). A path-only target is resolved
/// against the org. Other origins are ignored (the bearer token must not leave the org).
pub fn next_page_url(resp: &Response, org: &OrgUrl) -> Option<String> {
    let links = resp
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("link"))
        .map(|(_, v)| v.as_str());
    for header in links {
        let mut rest = header;
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>').map(|c| open + c) else {
                break;
            };
            let target = &rest[open + 1..close];
            let params_end = rest[close..].find('<').map_or(rest.len(), |n| close + n);
            let params = &rest[close + 1..params_end];
            rest = &rest[params_end..];
            let is_next = params.split(';').any(|p| {
                let p = p.trim().trim_end_matches(',').trim();
                p.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("rel")
                        && v.trim()
                            .trim_matches('"')
                            .split_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("next"))
                })
            });
            if !is_next {
                continue;
            }
            let url = if target.starts_with('/') && !target.starts_with("//") {
                format!("{}{target}", org.base)
            } else {
                target.to_string()
            };
            return same_origin(&url, &org.base).then_some(url);
        }
    }
    None
}

fn same_origin(url: &str, base: &str) -> bool {
    let origin = |u: &str| -> Option<String> {
        let (scheme, rest) = u.split_once("://")?;
        let auth = rest.split(['/', '?', '#']).next()?;
        if auth.is_empty() || auth.contains('@') {
            return None;
        }
        Some(format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            auth.to_ascii_lowercase()
        ))
    };
    matches!((origin(url), origin(base)), (Some(a), Some(b)) if a == b)
}

/// The error when appLinks lists no AWS Federation app (upstream-behaviour §4.8 wording,
/// trimmed to its message lines).
pub fn no_fed_apps_error(client_id: &str) -> Error {
    Error::Okta {
        code: Some(NO_FED_APPS.to_string()),
        message: format!(
            "no AWS Federation app (appName amazon_aws) is assigned to you through OIDC app \"{client_id}\": \
         check that the OIDC app has the okta.users.read.self scope and is an allowed web SSO client \
         of the AWS Account Federation app, or name the app with --aws-acct-fed-app-id"
        ),
    }
}

/// The code of [`no_fed_apps_error`] (ours, not Okta's: appLinks answered, but listed no
/// AWS Federation app), so a hint can key on it.
pub const NO_FED_APPS: &str = "no_aws_federation_apps";

// ---------------------------------------------------------------------------------------
// Labels and choices
// ---------------------------------------------------------------------------------------

/// The okta.yaml friendly label for `arn` (upstream-behaviour §4.12): an exact key match
/// first, then each key as an unanchored regular expression (regex-lite syntax) in file
/// order, the first matching key winning; invalid expressions are skipped. `labels` is
/// `awscli.idps` or `awscli.roles` as (key, label) pairs in file order.
pub fn label_for<'a>(arn: &str, labels: &'a [(String, String)]) -> Option<&'a str> {
    if let Some((_, l)) = labels.iter().find(|(k, _)| k == arn) {
        return Some(l);
    }
    labels
        .iter()
        .find(|(k, _)| label_key_regex(k).is_ok_and(|re| re.is_match(arn)))
        .map(|(_, l)| l.as_str())
}

/// An okta.yaml label key as the unanchored regular expression [`label_for`] tries.
fn label_key_regex(key: &str) -> std::result::Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(key)
}

/// Why the okta.yaml label key `key` (of `awscli.idps` or `awscli.roles`) cannot work as a
/// regular expression in [`label_for`], as one line of regex-lite's error, or `None` when
/// it compiles. Such a key still matches an identical ARN; `debug` reports it.
pub fn label_key_problem(key: &str) -> Option<String> {
    let err = label_key_regex(key).err()?;
    let text = err.to_string();
    let reason = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("invalid")
        .trim_start_matches("error: ");
    Some(crate::term::sanitize::line(reason).into_owned())
}

/// The `--debug` report of one label lookup (upstream-behaviour §4.12), for stderr:
/// `  found <word> ARN "<arn>" having friendly label "<label>"`, or on a miss the ARN and
/// every (key, label) entry of the okta.yaml map (`awscli.idps` for `IdP`, `awscli.roles`
/// for `Role`). `word` is `IdP` or `Role`. Each line ends with `\n`.
pub fn label_debug(word: &str, arn: &str, labels: &[(String, String)]) -> String {
    use crate::term::sanitize::line;
    if let Some(label) = label_for(arn, labels) {
        return format!(
            "  found {word} ARN \"{}\" having friendly label \"{}\"\n",
            line(arn),
            line(label)
        );
    }
    let arn = line(arn);
    let map = if word == "IdP" { "idps" } else { "roles" };
    let mut out = format!(
        "  did not find friendly label for {word} ARN\n    \"{arn}\"\n    in okta.yaml awscli.{map} map:\n"
    );
    for (k, l) in labels {
        out.push_str(&format!("      \"{}\": \"{}\"\n", line(k), line(l)));
    }
    out
}

/// One entry offered to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What is chosen: an ARN, or a Federation app id.
    pub value: String,
    /// What is shown: the friendly label, else the value; labels shared by several
    /// entries get ` (<value>)` appended so every line is distinct (case B03).
    pub label: String,
}

/// Build the [`Choice`]s for `values` with labels from `labels` (see [`label_for`]).
pub fn choices(values: &[&str], labels: &[(String, String)]) -> Vec<Choice> {
    let mut out: Vec<Choice> = values
        .iter()
        .map(|v| Choice {
            value: v.to_string(),
            label: label_for(v, labels).unwrap_or(v).to_string(),
        })
        .collect();
    disambiguate(&mut out);
    out
}

/// The offered values that `wanted` names: exactly that value, else the values whose
/// friendly label equals `wanted` (the reverse lookup behind `--aws-iam-role "Label"`).
pub fn find_by_arn_or_label<'v>(
    wanted: &str,
    values: &[&'v str],
    labels: &[(String, String)],
) -> Vec<&'v str> {
    if let Some(v) = values.iter().find(|v| **v == wanted) {
        return vec![*v];
    }
    values
        .iter()
        .copied()
        .filter(|v| label_for(v, labels) == Some(wanted))
        .collect()
}

/// Outcome of a choice step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// Decided without asking: the value (ARN or app id).
    Chosen(String),
    /// The user must choose among these (at least two).
    Ask(Vec<Choice>),
}

/// What is being chosen; gives the chooser title and the preselecting flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceKind {
    /// An AWS Federation app (several in appLinks).
    FedApp,
    /// A SAML provider (IdP).
    Idp,
    /// An IAM role.
    Role,
}

impl ChoiceKind {
    /// Chooser title, e.g. `Choose an IdP:`.
    pub fn title(self) -> &'static str {
        match self {
            ChoiceKind::FedApp => "Choose an AWS Federation app:",
            ChoiceKind::Idp => "Choose an IdP:",
            ChoiceKind::Role => "Choose a Role:",
        }
    }

    /// The flag that preselects this choice.
    pub fn flag(self) -> &'static str {
        match self {
            ChoiceKind::FedApp => "--aws-acct-fed-app-id",
            ChoiceKind::Idp => "--aws-iam-idp",
            ChoiceKind::Role => "--aws-iam-role",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            ChoiceKind::FedApp => "AWS Federation apps",
            ChoiceKind::Idp => "IdPs",
            ChoiceKind::Role => "roles",
        }
    }
}

/// How many choices [`no_tty_error`] lists before summing up the rest.
pub const MAX_LISTED_CHOICES: usize = 20;

/// The error when a choice is needed but no terminal can ask (DESIGN §2.17): names the
/// flag and lists the values with their labels, one per line: the first
/// [`MAX_LISTED_CHOICES`], then `  ... and <N> more` (an org with thousands of roles must
/// not produce a message of hundreds of kilobytes).
pub fn no_tty_error(kind: ChoiceKind, choices: &[Choice]) -> Error {
    let mut msg = format!(
        "several {} are available and there is no terminal to choose from; preselect one with {}:",
        kind.noun(),
        kind.flag()
    );
    for c in choices.iter().take(MAX_LISTED_CHOICES) {
        let value = crate::term::sanitize::line(&c.value);
        if c.label == c.value {
            msg.push_str(&format!("\n  {value}"));
        } else {
            msg.push_str(&format!(
                "\n  {value}  ({})",
                crate::term::sanitize::line(&c.label)
            ));
        }
    }
    if choices.len() > MAX_LISTED_CHOICES {
        msg.push_str(&format!(
            "\n  ... and {} more",
            choices.len() - MAX_LISTED_CHOICES
        ));
    }
    Error::config(msg)
}

/// Pick the Federation app: the only one; else the one whose label or id equals
/// `idp_flag` (`--aws-iam-idp` naming an app label); else ask. `apps` must not be empty
/// (see [`no_fed_apps_error`]).
pub fn choose_fed_app(apps: &[FedApp], idp_flag: Option<&str>) -> Result<Selected> {
    match apps {
        [] => Err(Error::runtime("no AWS Federation apps to choose from")),
        [one] => Ok(Selected::Chosen(one.id.clone())),
        _ => {
            if let Some(flag) = idp_flag {
                let hits: Vec<&FedApp> = apps
                    .iter()
                    .filter(|a| a.label == flag || a.id == flag)
                    .collect();
                if let [one] = hits.as_slice() {
                    return Ok(Selected::Chosen(one.id.clone()));
                }
            }
            let mut out: Vec<Choice> = apps
                .iter()
                .map(|a| Choice {
                    value: a.id.clone(),
                    label: if a.label.is_empty() {
                        a.id.clone()
                    } else {
                        a.label.clone()
                    },
                })
                .collect();
            disambiguate(&mut out);
            Ok(Selected::Ask(out))
        }
    }
}

fn disambiguate(choices: &mut [Choice]) {
    let labels: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
    for c in choices.iter_mut() {
        if labels.iter().filter(|l| **l == c.label).count() > 1 && c.label != c.value {
            c.label = format!("{} ({})", c.label, c.value);
        }
    }
}

/// Pick the IdP (principal ARN) from the assertion (upstream-behaviour §4.12, DESIGN
/// §2.4, case B03).
///
/// With `role_flag` (`--aws-iam-role`, an ARN or a friendly label) only the IdPs paired
/// with that role are candidates, so a preselected role brings its own provider. Then: one
/// candidate -> it; `idp_flag` (ARN or label) naming one candidate -> it; several ->
/// [`Selected::Ask`]. `idp_flag` is ignored when the assertion has a single IdP.
///
/// Errors ([`Error::Config`]): `role_flag` matches no role in the assertion; `idp_flag`
/// matches none of several IdPs, or none of the IdPs the role is paired with.
pub fn choose_idp(
    roles: &SamlRoles,
    idp_flag: Option<&str>,
    role_flag: Option<&str>,
    idp_labels: &[(String, String)],
    role_labels: &[(String, String)],
) -> Result<Selected> {
    let all: Vec<&str> = roles.idps.iter().map(|g| g.idp.as_str()).collect();
    if all.is_empty() {
        return Err(Error::runtime("no IdPs to choose from"));
    }
    let mut candidates = all.clone();
    let mut restricted_by_role = false;
    if let Some(wanted) = role_flag {
        let role_values: Vec<&str> = roles.pairs().map(|(_, r)| r).collect();
        let hits = find_by_arn_or_label(wanted, &role_values, role_labels);
        if hits.is_empty() {
            return Err(not_offered(ChoiceKind::Role, wanted, &role_values));
        }
        candidates.retain(|idp| {
            roles
                .roles_of(idp)
                .iter()
                .any(|r| hits.contains(&r.as_str()))
        });
        restricted_by_role = true;
    }
    // With a single IdP in the assertion the IdP flag is moot (upstream ignores it too);
    // otherwise it must agree with the offered IdPs and with the preselected role.
    if all.len() > 1
        && let Some(wanted) = idp_flag
    {
        let hits = find_by_arn_or_label(wanted, &candidates, idp_labels);
        if hits.is_empty() {
            return Err(if restricted_by_role {
                Error::config(format!(
                    "{} \"{wanted}\" is not paired with role \"{}\" in the SAML assertion from Okta; it is offered with: {}",
                    ChoiceKind::Idp.flag(),
                    role_flag.unwrap_or_default(),
                    joined_for_terminal(&candidates)
                ))
            } else {
                not_offered(ChoiceKind::Idp, wanted, &candidates)
            });
        }
        candidates = hits;
    }
    match candidates.as_slice() {
        [one] => Ok(Selected::Chosen(one.to_string())),
        _ => Ok(Selected::Ask(choices(&candidates, idp_labels))),
    }
}

/// Pick the role of provider `idp`: the one matching `role_flag` (ARN or label); else the
/// only one; else ask. When a label matches several roles, those are asked.
///
/// Errors ([`Error::Config`]): `role_flag` matches no role of this IdP (the user asked for
/// a role Okta does not offer: never silently substitute another).
pub fn choose_role(
    roles: &SamlRoles,
    idp: &str,
    role_flag: Option<&str>,
    role_labels: &[(String, String)],
) -> Result<Selected> {
    let offered: Vec<&str> = roles.roles_of(idp).iter().map(String::as_str).collect();
    if offered.is_empty() {
        return Err(Error::runtime(format!(
            "no roles chosen for provider \"{idp}\""
        )));
    }
    let candidates = match role_flag {
        Some(wanted) => {
            let hits = find_by_arn_or_label(wanted, &offered, role_labels);
            if hits.is_empty() {
                return Err(not_offered(ChoiceKind::Role, wanted, &offered));
            }
            hits
        }
        None => offered,
    };
    match candidates.as_slice() {
        [one] => Ok(Selected::Chosen(one.to_string())),
        _ => Ok(Selected::Ask(choices(&candidates, role_labels))),
    }
}

fn not_offered(kind: ChoiceKind, wanted: &str, offered: &[&str]) -> Error {
    Error::config(format!(
        "{} \"{}\" matches none of the {} in the SAML assertion from Okta: {}",
        kind.flag(),
        crate::term::sanitize::line(wanted),
        kind.noun(),
        joined_for_terminal(offered)
    ))
}

/// `values` joined by `, `, each with its control characters escaped.
fn joined_for_terminal(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| crate::term::sanitize::line(v))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
