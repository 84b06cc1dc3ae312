//! The Okta side: OAuth 2.0 and Okta API requests and replies.
//!
//! PURE: `oauth` (error shapes, the m2m client-credentials request), `saml` (the Federation
//! app's SAML assertion), `client_assertion` (RFC 7523 JWT) and `private_key` (key formats,
//! signing). Every request is built as a [`crate::http::Request`]. The `web` flow, one file
//! a step, in the order of use:
//! 1. `web_request`: the request builder [`web_request::OktaWeb`] and the Classic-org
//!    check.
//! 2. `device_auth`: device authorization and token polling (RFC 8628) to
//!    [`device_auth::OktaTokens`], with the polling clock of `poll` (the interval, the
//!    deadline, 429 waits, network retries; shared with `direct`).
//! 3. `fed_app`: the AWS Federation app from appLinks, when not given.
//! 4. `token_exchange`: the RFC 8693 exchange for a [`token_exchange::WebSsoToken`].
//! 5. `fed_app` again: the SAML page, whose assertion `saml` reads.
//! 6. `choice`: the Federation app, IdP and role choices, with the okta.yaml labels.
//!
//! `authorization_code` is the other way to step 2 (`web --authorization-code`): the
//! authorization code grant with PKCE and a loopback redirect, to the same
//! [`device_auth::OktaTokens`].
//!
//! Each file imports only files listed before it (`device_auth` also takes `poll`, which
//! imports no other file here; `choice` also takes `saml`;
//! `authorization_code` takes `web_request` and `device_auth`).
//!
//! The `direct` flow: `direct` (password grant, challenge, push polling, one-time code),
//! which takes the token reply and poll types of `device_auth`, the polling clock of `poll`
//! and the error reader of `oauth`.
//!
//! All pure: the access-token cache lives in `cache` (the layer above).

pub mod authorization_code;
pub mod choice;
pub mod client_assertion;
pub mod device_auth;
pub mod direct;
pub mod fed_app;
pub mod oauth;
pub mod poll;
pub mod private_key;
pub mod saml;
pub mod token_exchange;
pub mod web_request;
