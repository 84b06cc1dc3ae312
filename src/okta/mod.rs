//! The Okta side: OAuth 2.0 and Okta API requests and replies. PURE: `oauth` (error shapes,
//! the m2m client-credentials request), `web_sso` (device authorization, token exchange,
//! web SSO token, appLinks, the IdP/role decisions), `saml` (the Federation app's SAML
//! assertion), `client_assertion` (RFC 7523 JWT) and `private_key` (key formats, signing).
//! I/O: `token_cache` (the access-token cache file and its lock).

pub mod client_assertion;
pub mod oauth;
pub mod private_key;
pub mod saml;
pub mod token_cache;
pub mod web_sso;
