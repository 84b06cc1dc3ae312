//! I/O: the pipeline. argv + env -> config -> auth flow -> credentials -> output.

use crate::aws::eks;
use crate::aws::sts::Credentials;
use crate::cache::aws_credentials;
use crate::cli::{self, Parsed};
use crate::commands::chain::{self, Start};
use crate::commands::{cache, completion, debug, dotenv, explain, hints};
use crate::commands::{direct, m2m, web};
use crate::config::load as config_load;
use crate::config::{Command, Config, Env, Format};
use crate::error::{Error, Result};
use crate::http::{self, Http, HttpOptions};
use crate::output::credentials_file::{self, UpsertOptions};
use crate::output::profile_names::Planned;
use crate::output::{aws_config, ecs_server, exec, render as output};
use crate::term::stderr;
use std::sync::Arc;

/// Print each warning as a `WARNING: ...` line on stderr, control characters escaped
/// ([`stderr::warn`]).
pub fn print_warnings(warnings: &[String]) {
    for w in warnings {
        stderr::warn(w);
    }
}

fn print_stdout(text: &str) -> Result<()> {
    crate::output::stdout::write(text)
}

/// Run one invocation. `argv` excludes the program name; `env` is the process
/// environment snapshot. Errors carry their exit code (see [`crate::error::Error`]).
///
/// Steps: [`cli::parse`] (help and version print on stdout and return), then per command:
/// `debug` runs [`debug::run_debug`]; the others [`config_load::load_with_warnings`], print
/// the warnings on stderr (also when resolution fails, before the error), and dispatch
/// (`--explain` prints [`explain::run`] instead).
pub fn run(argv: Vec<String>, env: Env) -> Result<()> {
    run_with_hint(argv, env).map_err(|(e, _)| e)
}

/// [`run`], returning with a failure the one-line hint of [`hints::hint`] that says what to
/// change, when the table has one (`main` prints it as `hint: ...` after the error).
pub fn run_with_hint(
    argv: Vec<String>,
    env: Env,
) -> std::result::Result<(), (Error, Option<String>)> {
    let no_hint = |e: Error| (e, None);
    let inv = match cli::parse(&argv).map_err(no_hint)? {
        Parsed::Help(text) => return print_stdout(&text).map_err(no_hint),
        Parsed::Version(line) => return print_stdout(&format!("{line}\n")).map_err(no_hint),
        Parsed::Completion(shell) => {
            let text = completion::script(&shell, &cli::surface()).ok_or_else(|| {
                no_hint(Error::usage(format!(
                    "unknown shell {shell:?} for completion"
                )))
            })?;
            return print_stdout(&text).map_err(no_hint);
        }
        Parsed::Dotenv { allow, path } => {
            return dotenv::run(allow, path.as_deref(), &env).map_err(no_hint);
        }
        Parsed::Run(inv) => inv,
    };
    if inv.command == Command::Debug && !inv.explain {
        print_warnings(&inv.warnings);
        let home = crate::config::home_dir(&env);
        return debug::run_debug(home.as_deref(), |yaml| {
            config_load::load_with_okta_yaml(&inv, &env, yaml)
        })
        .map_err(no_hint);
    }
    // Warnings found before a configuration error still reach stderr, ahead of main's
    // `Error:` line (they often explain it: a misspelt okta.yaml key, a legacy variable).
    let cfg = match config_load::load_with_warnings(&inv, &env) {
        Ok(cfg) => cfg,
        Err(failure) => {
            print_warnings(&failure.warnings);
            return Err(no_hint(failure.error));
        }
    };
    print_warnings(&cfg.warnings);
    if inv.explain {
        return explain::run(&cfg).map_err(no_hint);
    }
    // What a run as root creates under HOME becomes HOME's owner's (README "Security").
    crate::fs::owner::adopt_home(&cfg.home);
    dispatch(&cfg).map_err(|e| {
        let hint = hints::hint(&e, Some(&cfg));
        (e, hint)
    })
}

fn dispatch(cfg: &Config) -> Result<()> {
    match cfg.command {
        Command::ListProfiles => {
            let (out, note) = debug::list_profiles(cfg);
            if let Some(n) = note {
                stderr::say(&format!("{n}\n"));
            }
            print_stdout(&out)
        }
        Command::Debug => Ok(()),
        Command::M2m | Command::Web | Command::Direct if cfg.clear_cache => cache::clear(cfg),
        Command::M2m | Command::Web | Command::Direct if cfg.check => cache::check(cfg),
        Command::M2m | Command::Web | Command::Direct => {
            check_exec_program(cfg)?;
            check_credentials_target(cfg)?;
            if cfg.write_aws_config {
                aws_config::check_target(cfg)?;
            }
            eks_endpoint(cfg)?;
            if aws_credentials::applies(cfg) {
                let creds = cache::through(cfg, || sign_in(cfg)?.only())?;
                return deliver(cfg, &[(cfg.profile.clone(), creds)], None);
            }
            let signed_in = sign_in(cfg)?;
            if cfg.write_aws_config {
                write_aws_config(cfg, &signed_in)?;
            } else {
                deliver(cfg, &signed_in.results, signed_in.console.as_deref())?;
            }
            match signed_in.failures {
                0 => Ok(()),
                n => Err(Error::runtime(format!(
                    "--all-profiles: {n} of {} roles or apps failed (see above); the other {} profiles were delivered",
                    n + signed_in.results.len(),
                    signed_in.results.len()
                ))),
            }
        }
    }
}

/// What a sign-in got, ready for [`deliver`].
struct SignedIn {
    /// (profile name, credentials): one pair, or one per role under `--all-profiles`.
    results: Profiles,
    /// The console sign-in URL of `--format console-url`.
    console: Option<String>,
    /// How many roles or apps failed under `--all-profiles` (reported above already).
    failures: usize,
    /// Under `--all-profiles`, where each of `results` comes from; empty otherwise.
    planned: Vec<Planned>,
}

impl SignedIn {
    /// The credentials of a run for one role (the cached run's): the only pair.
    fn only(mut self) -> Result<Credentials> {
        match self.results.pop() {
            Some((_, creds)) if self.results.is_empty() => Ok(creds),
            _ => Err(Error::runtime("no credentials were obtained")),
        }
    }
}

/// The one path from settings to federation, for a cached run ([`cache::through`] wraps
/// it) and an uncached one alike: the m2m, direct or web flow, then [`after_federation`] (the
/// `--chain-role` hops and the console sign-in URL).
fn sign_in(cfg: &Config) -> Result<SignedIn> {
    let http = new_http(cfg)?;
    let mut planned = Vec::new();
    let (start, results, failures) = match cfg.command {
        Command::M2m => {
            let start = Start {
                role_arn: cfg.aws_iam_role.clone().unwrap_or_default(),
                session_name: cfg.sts_role_session_name.clone(),
                duration: cfg.session_duration.unwrap_or(m2m::DEFAULT_DURATION_SECS),
            };
            let creds = m2m::run(cfg, &http)?;
            (Some(start), vec![(cfg.profile.clone(), creds)], 0)
        }
        Command::Direct => {
            let start = Start {
                role_arn: cfg.aws_iam_role.clone().unwrap_or_default(),
                session_name: cfg.sts_role_session_name.clone(),
                duration: cfg
                    .session_duration
                    .unwrap_or(direct::DEFAULT_DURATION_SECS),
            };
            let creds = direct::run(cfg, &http)?;
            (Some(start), vec![(cfg.profile.clone(), creds)], 0)
        }
        _ => {
            let outcome = web::run(cfg, &http)?;
            planned = outcome.planned;
            (outcome.start, outcome.results, outcome.failures.len())
        }
    };
    let (results, console) = after_federation(cfg, &http, start.as_ref(), results)?;
    Ok(SignedIn {
        results,
        console,
        failures,
        planned,
    })
}

/// (profile name, credentials) pairs, in delivery order.
type Profiles = Vec<(String, Credentials)>;

/// What follows federation for a single role (`start`; `None` under `--all-profiles`):
/// the `--chain-role` hops ([`chain::run`]), whose last credentials replace the
/// federation's, then, for `--format console-url`, the console sign-in URL
/// ([`chain::console_url`]), obtained before anything is written or printed.
fn after_federation(
    cfg: &Config,
    http: &Http,
    start: Option<&Start>,
    mut results: Profiles,
) -> Result<(Profiles, Option<String>)> {
    let (Some(start), Some((_, creds))) = (start, results.first_mut()) else {
        return Ok((results, None));
    };
    let chained = chain::run(cfg, http, start, creds.clone())?;
    *creds = chained.credentials.clone();
    let console = if cfg.format == Format::ConsoleUrl {
        Some(chain::console_url(cfg, http, &chained)?)
    } else {
        None
    };
    Ok((results, console))
}

/// `--format console-url`: print the sign-in URL on stdout, or with `--open-browser` open
/// it through a private page that redirects to it ([`chain::open_console_url`]: the URL
/// never appears on a command line), say so on stderr, and remove the page once the browser
/// had time to read it (at most about 10 seconds). The URL is a secret: an opener's failure
/// is reported without it, as a runtime error.
fn deliver_console_url(cfg: &Config, url: &str) -> Result<()> {
    if !cfg.open_browser {
        return print_stdout(&format!("{url}\n"));
    }
    match chain::open_console_url(url, cfg.open_browser_command.as_deref()) {
        Ok(page) => {
            stderr::say(
                "Opened the AWS console sign-in URL in the browser (it is valid for 15 minutes).\n",
            );
            page.remove_when_read();
            Ok(())
        }
        Err(warnings) => {
            let warnings: Vec<String> = warnings
                .into_iter()
                .map(|w| w.replace(url, "<console sign-in URL>"))
                .collect();
            print_warnings(&warnings);
            Err(Error::runtime(
                "--format console-url: the sign-in URL could not be opened in a browser (see above); run without --open-browser to print it",
            ))
        }
    }
}

/// `web --all-profiles --write-aws-config` (docs/decisions.md#d-write-aws-config): every
/// role as a `credential_process` profile in the AWS config file, running this program by
/// its absolute path, and the credential cache seeded; nothing on stdout and nothing in the
/// credentials file. Managed sections whose role is gone are removed only when no role or
/// app failed. Errors: no path for this program, or one that is not UTF-8; the writer's.
fn write_aws_config(cfg: &Config, signed_in: &SignedIn) -> Result<()> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::runtime(format!(
            "cannot find the path of this program for the credential_process lines: {e}"
        ))
    })?;
    let exe = exe.to_str().ok_or_else(|| {
        Error::runtime(format!(
            "the path of this program, {}, is not UTF-8 text; it cannot go into the AWS config file",
            exe.display()
        ))
    })?;
    let lines = aws_config::write(
        cfg,
        exe,
        &signed_in.results,
        &signed_in.planned,
        signed_in.failures == 0,
    )?;
    for line in &lines {
        stderr::say(&format!("{line}\n"));
    }
    Ok(())
}

/// Whether the run writes the credentials file: `aws-credentials`, or `process-credentials`
/// / `console-url` / `eks-token` with `--write-aws-credentials`.
fn writes_credentials_file(cfg: &Config) -> bool {
    cfg.format == Format::AwsCredentials
        || (matches!(
            cfg.format,
            Format::ProcessCredentials | Format::ConsoleUrl | Format::EksToken
        ) && cfg.write_aws_credentials)
}

/// The STS endpoint of `--format eks-token`'s token ([`eks::endpoint`]), `None` for other
/// formats. The role whose credentials sign (the last `--chain-role`, else
/// `--aws-iam-role`) names the partition when no region is set. Called before the sign-in
/// too, so a bad endpoint costs no sign-in.
fn eks_endpoint(cfg: &Config) -> Result<Option<eks::Endpoint>> {
    if cfg.format != Format::EksToken {
        return Ok(None);
    }
    let role = cfg.chain_roles.last().or(cfg.aws_iam_role.as_ref());
    eks::endpoint(
        &cfg.endpoint_urls,
        cfg.sts_region.as_deref(),
        role.map(String::as_str),
    )
    .map(Some)
}

/// The stdout text of `--format eks-token` (README "Kubernetes: EKS tokens"): the
/// `ExecCredential` of a token signed now with `creds`, also when they come from the cache.
fn eks_token_text(cfg: &Config, creds: &Credentials) -> Result<String> {
    let (Some(ep), Some(cluster)) = (eks_endpoint(cfg)?, cfg.eks_cluster_id.as_deref()) else {
        return Err(Error::usage("--format eks-token needs --eks-cluster-id"));
    };
    let now = i64::try_from(crate::clock::unix_now()).unwrap_or(i64::MAX);
    eks::exec_credential(&ep, cluster, creds, now)
}

/// Before any network work, refuse a profile of the credentials file that holds long-term
/// keys (README "Outputs"), so the refusal costs no sign-in. `--all-profiles` names its
/// profiles only after federation: the writer checks them all before writing anything.
fn check_credentials_target(cfg: &Config) -> Result<()> {
    if !writes_credentials_file(cfg) || cfg.all_profiles {
        return Ok(());
    }
    credentials_file::refuse_long_term_keys(
        &cfg.aws_credentials,
        &[cfg.profile.as_str()],
        cfg.force_overwrite,
    )
}

/// Before any network work, make sure the `--exec` program can be found
/// (docs/decisions.md#d-exec), so a typo costs no sign-in and no credentials.
///
/// A program name with a path separator must exist as given; a bare name must exist in a
/// directory of the process's `PATH` (as `execvp` searches it). Only absence is reported here
/// ([`Error::CommandNotFound`], exit 127); a file that exists but cannot be run is left
/// for [`exec::run`] to report. Skipped without `--exec` and on non-Unix systems (where
/// `PATHEXT` rules apply); `--exec` with `--all-profiles` never gets here (configuration
/// refuses the pair).
fn check_exec_program(cfg: &Config) -> Result<()> {
    if !cfg.exec || !cfg!(unix) {
        return Ok(());
    }
    let Some(program) = cfg.exec_args.first() else {
        return Ok(()); // the empty command is exec::run's usage error
    };
    let found = if program.contains('/') {
        std::path::Path::new(program).exists()
    } else {
        // The child inherits the real environment, so search the real PATH (which the
        // snapshot lacks when it is not UTF-8).
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path).any(|dir| {
            let dir = if dir.as_os_str().is_empty() {
                std::path::PathBuf::from(".")
            } else {
                dir
            };
            dir.join(program).is_file()
        })
    };
    if found {
        Ok(())
    } else {
        Err(Error::CommandNotFound(program.clone()))
    }
}

/// The one HTTP client of the run; its TLS set-up waits for the first request
/// ([`Http::tls_ready`]).
fn new_http(cfg: &Config) -> Result<Http> {
    Http::new(HttpOptions {
        user_agent: http::user_agent(cfg.short_user_agent),
        debug_api_calls: cfg.debug_api_calls,
        env: cfg.env.clone(),
    })
}

/// Hand the credentials to the user in the configured format (docs/architecture.md#delivering-outputs):
/// the credentials file first (aws-credentials, or process-credentials with
/// `--write-aws-credentials`; all profiles in one locked update), then stdout, then
/// `--exec` (never with `--all-profiles`). `results` holds (profile name, credentials);
/// `console_url` is the sign-in URL of `--format console-url`, printed or opened after the
/// credentials file is written (as `process-credentials`, `console-url` also writes the
/// profile with `--write-aws-credentials`).
fn deliver(
    cfg: &Config,
    results: &[(String, Credentials)],
    console_url: Option<&str>,
) -> Result<()> {
    let Some((_, first)) = results.first() else {
        return Err(Error::runtime("no credentials were obtained"));
    };
    if writes_credentials_file(cfg) {
        let items: Vec<(&str, &Credentials)> =
            results.iter().map(|(p, c)| (p.as_str(), c)).collect();
        let opts = UpsertOptions {
            legacy_aws_variables: cfg.legacy_aws_variables,
            expiry_aws_variables: cfg.expiry_aws_variables,
            region: cfg.aws_region.clone(),
            force_overwrite: cfg.force_overwrite,
        };
        let report = credentials_file::write_profiles(&cfg.aws_credentials, &items, &opts)?;
        for m in &report.messages {
            stderr::say(&format!("{m}\n"));
        }
    }
    // Under --exec the child receives the credentials in its environment; printing the
    // export lines too would only mix them into the child's stdout (case B37).
    let format = if cfg.exec && cfg.format == Format::EnvVar {
        Format::Noop
    } else {
        cfg.format
    };
    let mut text = String::new();
    for (_, creds) in results {
        let env_opts = output::EnvVarOptions {
            shell: cfg.shell,
            legacy_aws_variables: cfg.legacy_aws_variables,
            expiration: cfg.expiry_aws_variables,
            region: cfg.aws_region.as_deref(),
        };
        text.push_str(&match format {
            Format::EksToken => eks_token_text(cfg, creds)?,
            _ => output::stdout_text(format, creds, &env_opts)?,
        });
    }
    if !text.is_empty() {
        print_stdout(&text)?;
    }
    if let Some(url) = console_url {
        deliver_console_url(cfg, url)?;
    }
    if cfg.exec && cfg.ecs_server {
        // The child asks the endpoint, which answers from the cache (fresh entry) or signs
        // in again, as a cached run does (docs/decisions.md#d-ecs-server).
        let shared = Arc::new(cfg.clone());
        let provider: ecs_server::Provider =
            Arc::new(move || cache::through(&shared, || sign_in(&shared)?.only()));
        return ecs_server::run(&cfg.exec_args, cfg.sts_region.as_deref(), provider);
    }
    if cfg.exec {
        // The child inherits the real process environment (also its non-UTF-8 variables,
        // which cfg.env lacks) with these changes.
        let changes = exec::child_env(first, cfg.legacy_aws_variables, cfg.sts_region.as_deref());
        exec::run(&cfg.exec_args, &changes)?;
    }
    Ok(())
}
