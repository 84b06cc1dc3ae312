//! PURE: the AWS Federation app of the `web` flow: finding it in appLinks, and fetching
//! its SAML page with the web SSO token.
//!
//! 1. Unless `--aws-acct-fed-app-id` names it: [`OktaWeb::app_links`] ->
//!    [`parse_app_links`] (+ [`next_page_url`], [`add_new_apps`]); the `choice` file then
//!    picks one of the apps found.
//! 2. [`OktaWeb::saml_page`] -> [`parse_saml_page`] -> the base64 SAML Response, which
//!    the `saml` file reads.

use serde_json::Value;

use crate::config::OrgUrl;
use crate::error::{Error, Result};
use crate::http::{Method, Request, Response};
use crate::okta::device_auth::OktaTokens;
use crate::okta::token_exchange::WebSsoToken;
use crate::okta::web_request::{OktaWeb, json_body, str_field};
use crate::url::Url;

/// The Okta app name of the AWS Account Federation app in appLinks.
pub const AWS_APP_NAME: &str = "amazon_aws";
/// Upper bound on appLinks pages followed through `Link: rel="next"`.
pub const MAX_APP_LINK_PAGES: usize = 20;

impl OktaWeb<'_> {
    /// The URL of the SAML fetch, `<org>/login/token/sso` (also used in its errors).
    pub fn saml_url(&self) -> String {
        format!("{}/login/token/sso", self.org.base)
    }

    /// `POST <org>/login/token/sso`, form `token=<web SSO token>`, `Accept: text/html`
    /// (docs/decisions.md#k-okta-requests, 2.6.0 form).
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
    /// (docs/decisions.md#d-fed-apps).
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

/// Read the `/login/token/sso` page (docs/decisions.md#k-okta-requests) into the base64 SAML
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

/// Whether `url` and `base` are URLs ([`Url`]) with the same origin (scheme, host and port,
/// the default port when none is written).
fn same_origin(url: &str, base: &str) -> bool {
    match (Url::parse(url), Url::parse(base)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// The error when appLinks lists no AWS Federation app (docs/decisions.md#d-fed-apps wording,
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

#[cfg(test)]
mod tests;
