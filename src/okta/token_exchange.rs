//! PURE: the RFC 8693 token exchange of the `web` flow, which trades the access and ID
//! tokens for a web SSO token scoped to one AWS Federation app: [`OktaWeb::token_exchange`]
//! -> [`parse_token_exchange`] -> [`WebSsoToken`].

use std::fmt;

use crate::error::{Error, Result};
use crate::http::{Request, Response};
use crate::okta::device_auth::OktaTokens;
use crate::okta::web_request::{OktaWeb, json_body, str_field};

impl OktaWeb<'_> {
    /// RFC 8693 token exchange for a web SSO token for Federation app `fed_app_id`
    /// (docs/decisions.md#k-okta-requests): `actor_token` = access token, `subject_token` = ID token,
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

/// Read the token-exchange reply (docs/decisions.md#k-okta-requests): 200..=399 -> the `access_token`
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

#[cfg(test)]
mod tests;
