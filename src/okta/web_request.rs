//! PURE: the requests of the `web` flow as plain data, and the reply-field readers the
//! other `web` files share. Every request is a [`Request`] (the one request type of
//! `crate::http`) that the I/O side sends as it is; [`OktaWeb`] builds them for one org,
//! OIDC client and User-Agent (each step's file adds its own builders: `device_auth`,
//! `token_exchange`, `fed_app`). The first step of
//! the flow lives here: [`OktaWeb::classic_org_probe`] -> [`check_classic_org`].

use serde_json::Value;

use crate::config::OrgUrl;
use crate::error::{Error, Result};
use crate::http::{Method, Request, Response};

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
    /// The headers every `web` request sends, in this order: `Accept`, `Content-Type`
    /// (when given), `User-Agent`, `X-Okta-Aws-Cli-Operation: web`.
    pub(super) fn headers(
        &self,
        accept: &str,
        content_type: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut h = vec![("Accept".to_string(), accept.to_string())];
        if let Some(ct) = content_type {
            h.push(("Content-Type".to_string(), ct.to_string()));
        }
        h.push(("User-Agent".to_string(), self.user_agent.to_string()));
        h.push(("X-Okta-Aws-Cli-Operation".to_string(), "web".to_string()));
        h
    }

    /// A form POST to `<org.base><path>` with these fields in this order.
    pub(super) fn form_post(&self, path: &str, accept: &str, form: Vec<(&str, &str)>) -> Request {
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

    /// `GET <org>/.well-known/okta-organization` (docs/decisions.md#k-okta-requests).
    pub fn classic_org_probe(&self) -> Request {
        Request {
            method: Method::Get,
            url: format!("{}/.well-known/okta-organization", self.org.base),
            headers: self.headers("application/json", None),
            form: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------

/// The reply body as JSON, or `None` when it is not JSON.
pub(super) fn json_body(resp: &Response) -> Option<Value> {
    serde_json::from_slice(&resp.body).ok()
}

/// The string field `key` of `v`; empty when absent, `null` or not a string.
pub(super) fn str_field(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// The field `key` of `v` as a whole number: a JSON number, or a string of digits (spaces
/// around allowed). `None` when absent, negative, fractional or out of range.
pub(super) fn u64_field(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Fail when the org is a Classic (non-OIE) org: reply 200 with JSON `pipeline` = `v1`
/// (docs/decisions.md#k-okta-requests). Any other reply passes silently.
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

#[cfg(test)]
pub(crate) mod tests;
