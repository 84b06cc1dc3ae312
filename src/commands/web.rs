//! I/O: the `web` command (docs/architecture.md#data-flow-of-a-web-run,
//! docs/decisions.md#d-session-duration, #d-choice): Okta device
//! authorization (or, with `--authorization-code`, the authorization code flow of
//! `authorization_code`; docs/decisions.md#d-authorization-code) -> access token (optionally
//! cached) -> AWS Federation app -> web SSO token -> SAML assertion -> IdP and role -> STS
//! `AssumeRoleWithSAML`. The instructions and the browser of both sign-ins go through
//! `instructions` (docs/decisions.md#d-captured-stderr).
//!
//! Requests are built and replies read by the pure `web` files of [`crate::okta`] and by
//! [`crate::okta::saml`]; the banner, browser, waiting indicator and chooser live in
//! [`crate::term::prompt`]. This module only sequences them, sends the requests through the
//! run's [`Http`] agent, sleeps between token polls and talks on stderr. Nothing here writes to stdout, and no
//! secret (token, device code, SAML assertion, credential) reaches stderr.

use std::io::IsTerminal as _;

use crate::aws::client as aws;
use crate::aws::sts::Credentials;
use crate::cache::access_token as token_cache;
use crate::cache::single_flight::{self, Cache};
use crate::commands::chain::Start;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::{Http, Request, Response, Service};
use crate::okta::authorization_code::parse_code_token_reply;
use crate::okta::choice::{self, ChoiceKind, Selected};
use crate::okta::device_auth::{self, Decision, OktaTokens, PollReply, Poller};
use crate::okta::fed_app::{self, FedApp};
use crate::okta::saml::{self, SamlRoles};
use crate::okta::token_exchange;
use crate::okta::web_request::{self, OktaWeb};
use crate::output::profile_names::{self, Planned};
use crate::term::prompt;
use crate::term::stderr::{say, say_styled, warn};

mod authorization_code;
mod instructions;

/// Session duration (seconds) when neither the user nor the assertion sets one (docs/decisions.md#d-session-duration).
pub const DEFAULT_SESSION_DURATION: u32 = 3600;

/// Printed on stderr before the one retry with a fresh device authorization
/// (docs/decisions.md#d-token-cache).
pub const STALE_TOKEN_MESSAGE: &str =
    "Cached access token appears to be stale, removing token and retrying device authorization ...";

/// Added to the error when Okta rejects the token again after the retry (docs/decisions.md#d-token-cache).
pub const RETRY_FAILED_HINT: &str = "Authentication failed after multiple attempts. Please log out of Okta in your browser and log back in to resolve the issue.";

/// OAuth error of the token exchange for an expired or revoked subject/actor token.
const STALE_GRANT: &str = "invalid_grant";
/// OAuth error (RFC 6750) of appLinks for an expired or revoked bearer token.
const STALE_BEARER: &str = "invalid_token";

/// True when Okta rejected the access/ID token itself: `invalid_grant` from the token
/// exchange, or `invalid_token` from appLinks (what Okta answers for a revoked or expired
/// bearer token before the exchange is ever reached).
fn rejects_token(e: &Error) -> bool {
    matches!(e.okta_code(), Some(STALE_GRANT | STALE_BEARER))
}

/// Hard cap on token polls, on top of the device code's deadline (never loop unbounded).
const MAX_POLLS: u32 = 4000;

/// Run the web flow and return the credentials to output, each with its profile name.
///
/// Without `--all-profiles` the result is one entry: `(cfg.profile, credentials)`.
/// With `--all-profiles` it is one entry per (Federation app, IdP, role), named
/// `<alias>-<idp name>-<role name>` (docs/decisions.md#d-all-profiles).
///
/// Sequence (docs/architecture.md#data-flow-of-a-web-run): Classic-org probe; access token from the cache
/// (`--cache-access-token`, docs/decisions.md#d-token-cache) or the device flow; Federation app from
/// `--aws-acct-fed-app-id` or appLinks; token exchange; SAML; IdP and role; STS. A cached
/// token that Okta rejects (`invalid_grant` from the token exchange, `invalid_token` from
/// appLinks) is removed and the flow runs once more with a new device authorization; a
/// second rejection is returned with upstream's log-out hint (never a silent exit 0), and
/// the token rejected then is removed from the cache too (issue 11). The
/// removal happens under the cache lock, and a token a parallel run stored meanwhile is
/// used instead of prompting again (case B29).
///
/// Errors: [`Error::Runtime`] for a Classic org, network, SAML and STS failures;
/// [`Error::Okta`] for Okta API errors (device flow outcome, token exchange, appLinks);
/// [`Error::Config`] when a choice is needed but nobody can be asked (no terminal, or
/// `process-credentials` format), listing the choices and the flag that preselects one;
/// [`Error::Interrupted`] when the chooser is cancelled.
pub fn run(cfg: &Config, http: &Http) -> Result<Outcome> {
    let okta = OktaWeb {
        org: &cfg.org,
        client_id: &cfg.oidc_client_id,
        user_agent: http.user_agent(),
    };
    classic_org_probe(&okta, cfg, http)?;
    let mut retried = false;
    let mut rejected: Option<String> = None;
    loop {
        let (tokens, from_cache) = access_token(&okta, cfg, http, rejected.as_deref())?;
        match federate(&okta, cfg, http, &tokens) {
            Ok(out) => return Ok(out),
            Err(e) if from_cache && !retried && rejects_token(&e) => {
                // The entry is dealt with under the cache lock by the retry: another run
                // may have stored a fresh token meanwhile, which must be used, not removed.
                say(&format!("{STALE_TOKEN_MESSAGE}\n\n"));
                rejected = Some(tokens.access_token.clone());
                retried = true;
            }
            Err(Error::Okta { code, message })
                if retried && matches!(code.as_deref(), Some(STALE_GRANT | STALE_BEARER)) =>
            {
                // The final attempt's token was rejected too: it must not be offered again.
                if cfg.cache_access_token {
                    forget_token(cfg, &tokens.access_token);
                }
                return Err(Error::Okta {
                    code,
                    message: format!("{message}\n{RETRY_FAILED_HINT}"),
                });
            }
            Err(e) => return Err(e),
        }
    }
}

/// Everything after the access token: app, token exchange, SAML, choice, STS.
fn federate(okta: &OktaWeb<'_>, cfg: &Config, http: &Http, tokens: &OktaTokens) -> Result<Outcome> {
    if cfg.all_profiles {
        return all_profiles(okta, cfg, http, tokens);
    }
    let app_id = federation_app(okta, cfg, http, tokens)?;
    let (assertion, roles) = saml_for_app(okta, http, tokens, &app_id)?;
    let (idp, role) = choose_pair(cfg, &roles)?;
    let duration = session_duration(cfg, &roles);
    let creds = assume_role(cfg, http, &idp, &role, &assertion, duration)?;
    let session_name = roles
        .role_session_name
        .clone()
        .unwrap_or_else(|| "okta-aws-cli".to_string());
    Ok(Outcome {
        results: vec![(cfg.profile.clone(), creds)],
        failures: Vec::new(),
        start: Some(Start {
            role_arn: role,
            session_name,
            duration,
        }),
        planned: Vec::new(),
    })
}

/// What a web run obtained: (profile name, credentials) per assumed role, and a one-line
/// description of each role or Federation app that failed under `--all-profiles` (already
/// reported on stderr). Outside `--all-profiles` `failures` is always empty.
#[derive(Debug, Default)]
pub struct Outcome {
    /// (profile name, credentials), in the order they were obtained.
    pub results: Vec<(String, Credentials)>,
    /// What failed (roles whose STS call failed, apps whose SAML could not be had).
    pub failures: Vec<String>,
    /// The role and session of the single result, where a `--chain-role` chain starts and
    /// whose partition the console sign-in uses; `None` under `--all-profiles`.
    pub start: Option<Start>,
    /// Under `--all-profiles`, where each result comes from (profile, IdP, role, app), in
    /// the order of `results`; empty otherwise.
    pub planned: Vec<Planned>,
}

/// One role assumed under `--all-profiles`: its IdP and role ARNs, its credentials, and the
/// Federation app whose SAML assertion it came from.
struct Assumed {
    idp: String,
    role: String,
    creds: Credentials,
    app_id: String,
}

/// `--all-profiles`: every (IdP, role) pair of every Federation app
/// (docs/decisions.md#d-all-profiles), each under the profile name of [`profile_names::name_for`] (`--profile-template`,
/// else upstream's rule) with the account alias from IAM (read once per account, with the
/// new credentials of the first role of that account that may call
/// `iam:ListAccountAliases`, see [`account_alias`]). STS failures of single roles are
/// reported on stderr and skipped; an app whose SAML cannot be had fails the run only when
/// nothing else succeeded. Two roles that would share a profile name, or a name that cannot
/// be a section, are an error before anything is returned ([`profile_names::check_plan`]).
fn all_profiles(
    okta: &OktaWeb<'_>,
    cfg: &Config,
    http: &Http,
    tokens: &OktaTokens,
) -> Result<Outcome> {
    let apps: Vec<String> = match &cfg.aws_acct_fed_app_id {
        Some(id) => vec![id.clone()],
        None => {
            let apps = list_fed_apps(okta, cfg, http, tokens)?;
            if apps.is_empty() {
                return Err(fed_app::no_fed_apps_error(&cfg.oidc_client_id));
            }
            apps.into_iter().map(|a| a.id).collect()
        }
    };
    let mut failures = Vec::new();
    // Every role assumed, in order.
    let mut assumed: Vec<Assumed> = Vec::new();
    for app_id in apps {
        let (assertion, roles) = match saml_for_app(okta, http, tokens, &app_id) {
            Ok(v) => v,
            Err(e) if rejects_token(&e) => return Err(e),
            Err(e) => {
                say(&format!(
                    "failed to fetch the SAML assertion of Federation app \"{app_id}\": {e}\n"
                ));
                failures.push(format!("Federation app {app_id}: {e}"));
                continue;
            }
        };
        let duration = session_duration(cfg, &roles);
        for (idp, role) in roles.pairs() {
            if assumed.iter().any(|a| a.idp == idp && a.role == role) {
                continue;
            }
            match assume_role(cfg, http, idp, role, &assertion, duration) {
                Ok(creds) => assumed.push(Assumed {
                    idp: idp.to_string(),
                    role: role.to_string(),
                    creds,
                    app_id: app_id.clone(),
                }),
                Err(e) => {
                    say(&format!(
                        "failed to fetch AWS creds IdP \"{idp}\", and Role \"{role}\", error:\n{e}\n"
                    ));
                    failures.push(format!("role {role}: {e}"));
                }
            }
        }
    }
    // One alias per account, read with the first role of that account allowed to.
    let mut aliases: Vec<(String, Option<String>)> = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let mut out = Vec::new();
    for Assumed {
        idp,
        role,
        creds,
        app_id,
    } in &assumed
    {
        let account = profile_names::account_id(role).unwrap_or("").to_string();
        let alias = match aliases.iter().find(|(a, _)| *a == account) {
            Some((_, alias)) => alias.clone(),
            None => {
                let same_account: Vec<(&str, &Credentials)> = assumed
                    .iter()
                    .filter(|a| profile_names::account_id(&a.role).unwrap_or("") == account)
                    .map(|a| (a.role.as_str(), &a.creds))
                    .collect();
                let alias = account_alias(cfg, http, &same_account, &account);
                aliases.push((account, alias.clone()));
                alias
            }
        };
        let profile =
            profile_names::name_for(cfg.profile_template.as_ref(), alias.as_deref(), idp, role);
        planned.push(Planned {
            profile: profile.clone(),
            idp_arn: idp.clone(),
            role_arn: role.clone(),
            app_id: app_id.clone(),
        });
        out.push((profile, creds.clone()));
    }
    profile_names::check_plan(&planned, cfg.profile_template.as_ref())?;
    if out.is_empty() && !failures.is_empty() {
        return Err(Error::runtime(failures.join("\n")));
    }
    if out.is_empty() {
        return Err(Error::runtime(
            "--all-profiles: no role could be assumed (see the messages above)",
        ));
    }
    Ok(Outcome {
        results: out,
        failures,
        start: None,
        planned,
    })
}

/// The account alias via IAM `ListAccountAliases`, signed with the credentials of each role
/// of the account in turn (`roles`: role ARN and its credentials) until one may call it: a
/// role that is denied (or fails otherwise) passes the question to the next. `None` when
/// the account has no alias, or (with a note on stderr) when every role failed: the
/// profiles are then named by the account id.
fn account_alias(
    cfg: &Config,
    http: &Http,
    roles: &[(&str, &Credentials)],
    account: &str,
) -> Option<String> {
    let mut last_error = None;
    for (role, creds) in roles {
        let now = crate::aws::sigv4::time_from_unix(
            i64::try_from(crate::clock::unix_now()).unwrap_or(i64::MAX),
        );
        match now
            .and_then(|now| aws::list_account_alias(http, &cfg.endpoint_urls, role, creds, now))
        {
            Ok(alias) => return alias,
            Err(e) => last_error = Some(e),
        }
    }
    if let Some(e) = last_error {
        warn(&format!(
            "unable to determine the account alias of {account} with any of its {} role(s) ({e}); naming its profiles by account id",
            roles.len()
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------

/// Send one request built by [`OktaWeb`] to the Okta org, once (the device-token poll has
/// its own rate-limit handling; the Classic-org probe is best effort).
fn send(http: &Http, req: &Request) -> Result<Response> {
    http.send(Service::Okta, req)
}

/// Send a request that may be repeated (device authorize, token exchange,
/// `/login/token/sso`, appLinks): 429 waits for the rate limit to reset, 502/503/504 and
/// connection failures are retried ([`crate::http::retry`]).
fn send_repeatable(http: &Http, req: &Request) -> Result<Response> {
    http.send_repeatable(Service::Okta, req)
}

/// Refuse a Classic org (docs/decisions.md#k-okta-requests). Any failure of the probe itself passes.
fn classic_org_probe(okta: &OktaWeb<'_>, cfg: &Config, http: &Http) -> Result<()> {
    match send(http, &okta.classic_org_probe()) {
        Ok(resp) => web_request::check_classic_org(&cfg.org, &resp),
        Err(_) => Ok(()),
    }
}

/// Remove the cache entry when it still holds `rejected` (an access token Okta refused on
/// the final attempt), under the cache lock; a token a parallel run stored meanwhile stays.
/// Failures are warnings: the run is failing already.
fn forget_token(cfg: &Config, rejected: &str) {
    let path = cache_file(cfg);
    let Ok(_lock) = single_flight::lock(
        &path,
        Cache::AccessToken,
        std::time::Duration::from_secs(10),
        |_| {},
    ) else {
        warn("could not lock the access token cache to remove the rejected token");
        return;
    };
    let cached = token_cache::load(
        &path,
        &cfg.org.host,
        &cfg.oidc_client_id,
        crate::clock::now(),
    );
    if cached.is_some_and(|c| c.access_token == rejected)
        && let Err(e) = token_cache::remove(&path)
    {
        warn(&e.to_string());
    }
}

fn cache_file(cfg: &Config) -> std::path::PathBuf {
    token_cache::cache_path(&cfg.home, &cfg.org.host, &cfg.oidc_client_id)
}

/// The Okta access and ID tokens, and whether they came from the access-token cache
/// ([`crate::commands::cache::okta_tokens`], keyed by the OIDC client id). `rejected`: the
/// access token Okta just rejected (the retry after a stale token).
fn access_token(
    okta: &OktaWeb<'_>,
    cfg: &Config,
    http: &Http,
    rejected: Option<&str>,
) -> Result<(OktaTokens, bool)> {
    crate::commands::cache::okta_tokens(cfg, &cfg.oidc_client_id, rejected, |user_code| {
        sign_in(okta, cfg, http, user_code)
    })
}

/// Sign in to Okta: the authorization code flow with `--authorization-code`, else the device
/// flow. `user_code` is set to the device authorization's user code as soon as there is one
/// (for the failure record of [`access_token`]); the authorization code flow has none.
fn sign_in(
    okta: &OktaWeb<'_>,
    cfg: &Config,
    http: &Http,
    user_code: &mut String,
) -> Result<OktaTokens> {
    if cfg.authorization_code {
        let grant = authorization_code::authorize(okta, cfg, quiet(cfg))?;
        let token =
            okta.authorization_code_token(&grant.code.0, &grant.redirect_uri, &grant.pkce.verifier);
        // Sent once: a code is single use, so a repeat could only be refused.
        return parse_code_token_reply(&send(http, &token)?);
    }
    device_flow(okta, cfg, http, user_code)
}

/// The OAuth 2.0 device authorization grant (RFC 8628;
/// docs/decisions.md#d-device-polling): authorize, show the URL (QR code, browser), poll at
/// the server's interval until approved, denied or expired. Sets `user_code` as soon as
/// there is one.
fn device_flow(
    okta: &OktaWeb<'_>,
    cfg: &Config,
    http: &Http,
    user_code: &mut String,
) -> Result<OktaTokens> {
    let resp = send_repeatable(http, &okta.device_authorize())?;
    let auth = device_auth::parse_device_authorization(&resp)?;
    user_code.clone_from(&auth.user_code);
    let start = crate::clock::unix_now();
    // The URL shown, encoded in the QR code and opened: on the org's origin, percent-encoded.
    let url = device_auth::activation_url(&auth, &cfg.org.base)?;
    let url = url.as_str();
    let shown = instructions::Instructions::plan(cfg);
    let opens = shown.opens;
    let qr = if cfg.qr_code {
        match prompt::render_qr(url) {
            Ok(q) => Some(q),
            Err(e) => {
                warn(&e.to_string());
                None
            }
        }
    } else {
        None
    };
    shown.show(&prompt::device_banner(
        url,
        &auth.user_code,
        opens,
        qr.as_deref(),
    ));
    shown.open(cfg, url);
    let mut poller = Poller::new(auth.interval, auth.expires_in, start);
    let mut indicator = prompt::WaitIndicator::new(prompt::stderr_is_tty() && !quiet(cfg));
    let mut wait = poller.clock().first_wait();
    let poll = okta.device_token(&auth.device_code);
    for _ in 0..MAX_POLLS {
        indicator.sleep(wait);
        let sent = send(http, &poll);
        let decision = match &sent {
            Ok(resp) => poller.next(PollReply::Response(resp), crate::clock::unix_now()),
            Err(e) => poller.next(
                PollReply::NetworkError(&e.to_string()),
                crate::clock::unix_now(),
            ),
        };
        match decision {
            Decision::Wait(secs) => wait = secs,
            Decision::Done(tokens) => {
                indicator.finish();
                return Ok(tokens);
            }
            Decision::Fail(e) => {
                indicator.finish();
                return Err(e);
            }
        }
    }
    indicator.finish();
    Err(Error::runtime(
        "device authorization: gave up after too many token polls, run the command again",
    ))
}

/// Every AWS Federation app (`appName` `amazon_aws`) of the user's appLinks, following
/// `Link: rel="next"` pages (at most [`fed_app::MAX_APP_LINK_PAGES`]). Each app is kept
/// once, by id, first seen wins ([`fed_app::add_new_apps`]); paging stops when the next
/// URL is one already fetched (a loop).
fn list_fed_apps(
    okta: &OktaWeb<'_>,
    cfg: &Config,
    http: &Http,
    tokens: &OktaTokens,
) -> Result<Vec<FedApp>> {
    let mut apps = Vec::new();
    let mut url = okta.app_links_url();
    let mut fetched: Vec<String> = Vec::new();
    for _ in 0..fed_app::MAX_APP_LINK_PAGES {
        let resp = send_repeatable(http, &okta.app_links(&url, tokens))?;
        fed_app::add_new_apps(&mut apps, fed_app::parse_app_links(&resp)?);
        fetched.push(url.clone());
        match fed_app::next_page_url(&resp, &cfg.org) {
            Some(next) if !fetched.contains(&next) => url = next,
            _ => return Ok(apps),
        }
    }
    warn(&format!(
        "appLinks has more than {} pages; the rest is ignored",
        fed_app::MAX_APP_LINK_PAGES
    ));
    Ok(apps)
}

/// The Federation app id: `--aws-acct-fed-app-id`, else the only (or preselected, or
/// chosen) `amazon_aws` app of appLinks (docs/decisions.md#d-fed-apps).
fn federation_app(
    okta: &OktaWeb<'_>,
    cfg: &Config,
    http: &Http,
    tokens: &OktaTokens,
) -> Result<String> {
    if let Some(id) = &cfg.aws_acct_fed_app_id {
        return Ok(id.clone());
    }
    let apps = list_fed_apps(okta, cfg, http, tokens)?;
    if apps.is_empty() {
        return Err(fed_app::no_fed_apps_error(&cfg.oidc_client_id));
    }
    match choice::choose_fed_app(&apps, cfg.aws_iam_idp.as_deref())? {
        Selected::Chosen(id) => Ok(id),
        Selected::Ask(choices) => ask(cfg, ChoiceKind::FedApp, &choices),
    }
}

/// Token exchange for app `app_id`, then the SAML page: the base64 SAML Response (as STS
/// receives it) and the roles it carries. Warnings about odd Role values go to stderr.
fn saml_for_app(
    okta: &OktaWeb<'_>,
    http: &Http,
    tokens: &OktaTokens,
    app_id: &str,
) -> Result<(String, SamlRoles)> {
    let resp = send_repeatable(http, &okta.token_exchange(tokens, app_id)?)?;
    let sso = token_exchange::parse_token_exchange(&resp)?;
    let resp = send_repeatable(http, &okta.saml_page(&sso))?;
    let assertion = fed_app::parse_saml_page(&resp, &okta.saml_url())?;
    let roles = saml::parse_saml_response(&assertion)?;
    for w in &roles.warnings {
        warn(w);
    }
    Ok((assertion, roles))
}

/// Choose the IdP and role (docs/decisions.md#d-choice) and echo them on stderr.
fn choose_pair(cfg: &Config, roles: &SamlRoles) -> Result<(String, String)> {
    let idp = match choice::choose_idp(
        roles,
        cfg.aws_iam_idp.as_deref(),
        cfg.aws_iam_role.as_deref(),
        &cfg.idp_labels,
        &cfg.role_labels,
    )? {
        Selected::Chosen(v) => v,
        Selected::Ask(choices) => ask(cfg, ChoiceKind::Idp, &choices)?,
    };
    echo(cfg, "IdP", &idp, &cfg.idp_labels);
    let role =
        match choice::choose_role(roles, &idp, cfg.aws_iam_role.as_deref(), &cfg.role_labels)? {
            Selected::Chosen(v) => v,
            Selected::Ask(choices) => ask(cfg, ChoiceKind::Role, &choices)?,
        };
    echo(cfg, "Role", &role, &cfg.role_labels);
    Ok((idp, role))
}

/// Ask the user to choose; without a terminal, in a credential helper's format
/// (`process-credentials`, `eks-token`), or under `--ecs-server` (whose refreshes must get
/// the same role without the terminal the command owns), fail
/// with the list of choices and the flag instead of waiting (docs/decisions.md#d-choice).
fn ask(cfg: &Config, kind: ChoiceKind, choices: &[choice::Choice]) -> Result<String> {
    if quiet(cfg) || !prompt::can_prompt() {
        return Err(choice::no_tty_error(kind, choices));
    }
    let labels: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
    let index = prompt::choose(kind.title(), &labels, color_wanted(cfg))?;
    choices
        .get(index)
        .map(|c| c.value.clone())
        .ok_or_else(|| Error::runtime("the chooser returned no choice"))
}

/// `  IdP: <label>` / `  Role: <label>` on stderr (not in `process-credentials` format,
/// whose caller shows no chatter). Styled when stdout and stderr are terminals and
/// [`color_wanted`].
fn echo(cfg: &Config, word: &str, arn: &str, labels: &[(String, String)]) {
    if quiet(cfg) {
        return;
    }
    if cfg.debug {
        say(&choice::label_debug(word, arn, labels));
    }
    let label = choice::label_for(arn, labels).unwrap_or(arn);
    let color =
        std::io::stdout().is_terminal() && std::io::stderr().is_terminal() && color_wanted(cfg);
    say_styled(&prompt::selection_line(word, label, color));
}

/// Colour and styles are allowed by the run's settings ([`Config::no_color`]).
fn color_wanted(cfg: &Config) -> bool {
    !cfg.no_color
}

/// docs/decisions.md#d-session-duration: the user's setting, else the assertion's SessionDuration, else 3600 s.
fn session_duration(cfg: &Config, roles: &SamlRoles) -> u32 {
    cfg.session_duration
        .or(roles.session_duration)
        .unwrap_or(DEFAULT_SESSION_DURATION)
}

/// STS `AssumeRoleWithSAML` with upstream's error wording (docs/decisions.md#k-aws-requests).
fn assume_role(
    cfg: &Config,
    http: &Http,
    idp: &str,
    role: &str,
    assertion: &str,
    duration: u32,
) -> Result<Credentials> {
    aws::assume_role_with_saml(
        http,
        &cfg.endpoint_urls,
        cfg.sts_region.as_deref(),
        idp,
        role,
        assertion,
        duration,
    )
    .map_err(|e| {
        e.in_context(|m| format!("STS Assume Role With SAML API error; given idp: \"{idp}\", role: \"{role}\", error: {m}"))
    })
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

/// Credential helpers' callers (the AWS SDKs for `process-credentials`, kubectl for
/// `eks-token`) show no chatter: no IdP/Role lines and no waiting indicator; nor does
/// `--ecs-server`, whose refreshes happen while the command owns the terminal. The device
/// banner is still printed, since the user must see it.
fn quiet(cfg: &Config) -> bool {
    cfg.format.is_credential_helper() || cfg.ecs_server
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_duration_prefers_user_then_assertion_then_default() {
        let mut cfg = Config::default();
        let mut roles = SamlRoles::default();
        assert_eq!(session_duration(&cfg, &roles), 3600);
        roles.session_duration = Some(7200);
        assert_eq!(session_duration(&cfg, &roles), 7200);
        cfg.session_duration = Some(900);
        assert_eq!(session_duration(&cfg, &roles), 900);
    }
}
