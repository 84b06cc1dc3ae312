//! I/O: role chaining (`--chain-role`, docs/decisions.md#d-chain-role) and the console
//! sign-in URL (`--format console-url`), both run after federation on the credentials it
//! issued, and the opening of that URL in a browser through a private page
//! ([`open_console_url`]). Requests are built and replies read by the pure [`crate::aws::chain`] and
//! [`crate::aws::signin`] modules; this module sequences the calls and talks on stderr
//! (never a secret: no credential, sign-in token or sign-in URL).

use crate::aws::client as aws;
use crate::aws::sts::{self, Credentials};
use crate::aws::{chain, signin};
use crate::config::Config;
use crate::error::Result;
use crate::fs::scratch::ScratchFile;
use crate::http::Http;
use crate::term::prompt::{redirect_page, start_browser};
use crate::term::stderr::say;
use std::time::{Duration, Instant};

/// Where a chain starts: the federated role and the session name STS gave it
/// (`RoleSessionName` of the SAML assertion for `web`, `--aws-sts-role-session-name` for
/// `m2m`), which every hop reuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The role ARN the federation assumed.
    pub role_arn: String,
    /// Its role session name.
    pub session_name: String,
    /// The session duration (seconds) the federation asked STS for: the
    /// `aws-session-duration` setting, else (`web`) the SAML assertion's `SessionDuration`,
    /// else 3600.
    pub duration: u32,
}

/// The credentials after the chain, and the role they belong to.
#[derive(Debug, Clone)]
pub struct Chained {
    /// The last hop's credentials (the federation's when there is no chain).
    pub credentials: Credentials,
    /// The role of those credentials.
    pub role_arn: String,
    /// Whether at least one `AssumeRole` hop was made.
    pub chained: bool,
}

/// Assume each role of `cfg.chain_roles` in turn with STS `AssumeRole`, each hop signed
/// with the previous hop's credentials (the first with `creds`, the federation's), at the
/// partition's STS endpoint for `cfg.sts_region`; `RoleSessionName` is the federation's
/// (made acceptable to STS by [`chain::role_session_name`]), `DurationSeconds` the
/// federation's ([`Start::duration`]) capped at one hour, with a note on stderr when it is
/// lowered ([`lowered_note`]); `ExternalId` is `--chain-external-id` when set.
///
/// Errors: [`crate::error::Error::Config`] for a hop into another partition;
/// [`crate::error::Error::Runtime`] naming the hop (`hop N of M`), the role that signed and
/// the role asked for, with STS's reason (e.g. `sts: AccessDenied: ...`).
pub fn run(cfg: &Config, http: &Http, start: &Start, creds: Credentials) -> Result<Chained> {
    let mut out = Chained {
        credentials: creds,
        role_arn: start.role_arn.clone(),
        chained: false,
    };
    if cfg.chain_roles.is_empty() {
        return Ok(out);
    }
    let (duration, note) = lowered_note(start.duration);
    if let Some(note) = note {
        say(&note);
    }
    let session = chain::role_session_name(&start.session_name);
    let total = cfg.chain_roles.len();
    for (i, role) in cfg.chain_roles.iter().enumerate() {
        let from = out.role_arn.clone();
        chain::check_same_partition(&from, role)?;
        let form =
            chain::assume_role_form(role, &session, duration, cfg.chain_external_id.as_deref());
        let now = crate::aws::sigv4::time_from_unix(
            i64::try_from(crate::clock::unix_now()).unwrap_or(i64::MAX),
        )?;
        let creds = aws::assume_role(
            http,
            &cfg.endpoint_urls,
            cfg.sts_region.as_deref(),
            role,
            &form,
            &out.credentials,
            now,
        )
        .map_err(|e| {
            // The AWS code stays (hints key on it); the message names the hop.
            e.in_context(|m| {
                format!(
                    "--chain-role hop {} of {total}: {from} could not assume {role}: {m}",
                    i + 1
                )
            })
        })?;
        out = Chained {
            credentials: creds,
            role_arn: role.clone(),
            chained: true,
        };
    }
    Ok(out)
}

/// PURE: the duration of every hop for a federated session of `requested` seconds, and
/// the stderr note (one line with its `\n`) when AWS's one-hour cap lowers it.
pub fn lowered_note(requested: u32) -> (u32, Option<String>) {
    let (duration, lowered) = chain::chained_duration(requested);
    let note = lowered.then(|| {
        format!(
            "note: AWS limits a chained role session to one hour; --chain-role sessions last {duration} seconds, not the {requested} asked for\n"
        )
    });
    (duration, note)
}

/// The AWS Management Console sign-in URL for `chained` (a secret: the caller prints it on
/// stdout or opens it): `getSigninToken` at the federation endpoint of the role's partition
/// (or `AWS_ENDPOINT_URL_SIGNIN`), then the `login` URL with `Issuer` = the Okta org and
/// `Destination` = `--console-destination`, else the partition's console home in the
/// configured region ([`signin::console_home`]). The console session asked for follows the
/// credentials' remaining lifetime, except after a chain ([`signin::console_session_duration`]).
///
/// Errors: [`crate::error::Error::Config`] for a partition without console federation or a
/// bad endpoint override; [`crate::error::Error::Runtime`] when the federation endpoint
/// cannot be reached or refuses.
pub fn console_url(cfg: &Config, http: &Http, chained: &Chained) -> Result<String> {
    let partition = sts::partition_of(&chained.role_arn)?;
    let federation = signin::federation_endpoint(&cfg.endpoint_urls, partition)?;
    let destination = match &cfg.console_destination {
        Some(d) => d.clone(),
        None => signin::console_home(partition, cfg.sts_region.as_deref())?,
    };
    let now = i64::try_from(crate::clock::unix_now()).unwrap_or(i64::MAX);
    let duration =
        signin::console_session_duration(&chained.credentials.expiration, now, chained.chained);
    let token = aws::signin_token(http, &federation, &chained.credentials, duration)?;
    Ok(signin::login_url(
        &federation,
        &cfg.org.base,
        &destination,
        &token,
    ))
}

/// How long the console sign-in page stays after its opener returned: `xdg-open`, `open`
/// and `rundll32` return once they handed the file to the browser, which may still be
/// starting and read it a few seconds later.
const PAGE_GRACE: Duration = Duration::from_secs(5);

/// The longest the page stays after its opener started, returned or not (a browser named by
/// `--open-browser-command` may return only when it is closed; it read the page on start).
const PAGE_KEEP_MAX: Duration = Duration::from_secs(10);

/// The console sign-in page, being opened by a browser ([`open_console_url`]).
#[derive(Debug)]
pub struct OpenedPage {
    page: ScratchFile,
    opener: std::process::Child,
    started: Instant,
}

impl OpenedPage {
    /// Wait until the browser had time to read the page, then remove it: [`PAGE_GRACE`]
    /// after the opener returned, and never later than [`PAGE_KEEP_MAX`] after it started.
    /// The wait happens in this process, before it exits, so the page is gone when the run
    /// ends, with no helper process left behind, on every system. (If the run is killed
    /// meanwhile, the page stays in the temporary directory: mode 0600 in a 0700
    /// directory, holding a token that expires 15 minutes after it was made.)
    pub fn remove_when_read(mut self) {
        let deadline = self.started + PAGE_KEEP_MAX;
        let remove_at = loop {
            let now = Instant::now();
            match self.opener.try_wait() {
                Ok(Some(_)) | Err(_) => break (now + PAGE_GRACE).min(deadline),
                Ok(None) if now >= deadline => break deadline,
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        std::thread::sleep(remove_at.saturating_duration_since(Instant::now()));
        let mut opener = self.opener;
        // A browser still running is reaped by a thread for the rest of the run.
        std::thread::spawn(move || {
            let _ = opener.wait();
        });
        drop(self.page);
    }
}

/// Open the console sign-in URL `url` (a secret) in a browser without putting it on a
/// command line, where other local users could read it (`/proc/<pid>/cmdline`, `ps`): a
/// page that redirects to it ([`redirect_page`]) is written to a private file
/// ([`ScratchFile`]: mode 0600, in a new 0700 directory of the temporary directory), and
/// the opener ([`start_browser`]: `command`, else the system's) gets the file's path.
/// Call [`OpenedPage::remove_when_read`] next.
///
/// Errors: the warnings to print when the page cannot be written or no opener starts (the
/// page is then removed at once); they name the page, never the URL.
pub fn open_console_url(
    url: &str,
    command: Option<&str>,
) -> std::result::Result<OpenedPage, Vec<String>> {
    let page = ScratchFile::create("aws-console-sign-in.html", redirect_page(url).as_bytes())
        .map_err(|e| {
            vec![format!(
                "cannot write the console sign-in page in the temporary directory {}: {e}",
                std::env::temp_dir().display()
            )]
        })?;
    let Some(path) = page.path().to_str() else {
        return Err(vec![format!(
            "the console sign-in page's path is not UTF-8: {}",
            page.path().display()
        )]);
    };
    let started = Instant::now();
    let opener = start_browser(path, command).map_err(|warnings| {
        warnings
            .into_iter()
            .map(|w| w.replace("activation URL", "console sign-in page"))
            .collect::<Vec<_>>()
    })?;
    Ok(OpenedPage {
        page,
        opener,
        started,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_says_when_the_hour_cap_lowers_the_duration() {
        assert_eq!(lowered_note(3600), (3600, None));
        assert_eq!(lowered_note(900), (900, None));
        let (duration, note) = lowered_note(7200);
        assert_eq!(duration, 3600);
        assert_eq!(
            note.as_deref(),
            Some(
                "note: AWS limits a chained role session to one hour; --chain-role sessions \
                 last 3600 seconds, not the 7200 asked for\n"
            )
        );
    }
}
