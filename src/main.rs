//! Entry point: read argv and the environment once, run, map the outcome to an exit code.

use std::process::ExitCode;

use okta_aws_cli::config::Env;
use okta_aws_cli::error::Error;
use okta_aws_cli::term::{redact, sanitize, stderr};

/// Whether file descriptor 1 was open when the process started, checked before Rust's
/// runtime starts. The runtime then opens `/dev/null` on a closed 0, 1 or 2 (so no file or
/// socket the program opens later lands on descriptor 1), which makes the closed stdout of
/// `cmd >&-` look like `>/dev/null` from `main` on. Recorded here, it fails the delivery
/// instead (`output::stdout`, docs/decisions.md#d-errors).
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "macos",
    target_os = "ios"
))]
mod stdout_at_start {
    /// A start-up function (an ELF `.init_array` entry, a Mach-O `__mod_init_func` one),
    /// run by the C runtime before Rust's `main`. This static is the program's one use of an
    /// unsafe attribute (it places a function pointer in a start-up section; the function is
    /// safe code); the library forbids unsafe code.
    #[used]
    #[allow(unsafe_code)]
    #[cfg_attr(
        any(target_os = "macos", target_os = "ios"),
        unsafe(link_section = "__DATA,__mod_init_func")
    )]
    #[cfg_attr(
        not(any(target_os = "macos", target_os = "ios")),
        unsafe(link_section = ".init_array")
    )]
    static CHECK: extern "C" fn() = check;

    /// `fcntl(1, F_GETFD)` fails (`EBADF`) only when descriptor 1 is not open.
    extern "C" fn check() {
        if rustix::io::fcntl_getfd(std::io::stdout()).is_err() {
            okta_aws_cli::output::stdout::mark_closed_at_start();
        }
    }
}

fn main() -> ExitCode {
    // Windows: a process started without a standard output handle gets a null one, to
    // which Rust's writes succeed without writing anything.
    #[cfg(windows)]
    {
        use std::os::windows::io::AsRawHandle as _;
        if std::io::stdout().as_raw_handle().is_null() {
            okta_aws_cli::output::stdout::mark_closed_at_start();
        }
    }
    let mut argv = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(s) => argv.push(s),
            Err(raw) => {
                let raw = redact::secret_looking(&format!("{raw:?}"));
                stderr::say(&format!("Error: argument {raw} is not valid UTF-8\n"));
                return ExitCode::from(2);
            }
        }
    }
    // The snapshot holds the UTF-8 variables (settings, proxies, TLS, AWS overrides); an
    // `--exec` child inherits the real environment, non-UTF-8 variables included.
    let env: Env = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    match okta_aws_cli::app::run_with_hint(argv, env) {
        Ok(()) => ExitCode::SUCCESS,
        Err((Error::ChildExit(code), _)) => ExitCode::from(code.clamp(0, 255) as u8),
        Err((e, hint)) => {
            // Usage and configuration errors echo what was typed, which may be a pasted key
            // or token: what looks like one is hidden (README "Exit codes").
            let message = match e {
                Error::Usage(_) | Error::Config(_) => redact::secret_looking(&e.to_string()),
                _ => e.to_string(),
            };
            stderr::say(&format!("Error: {message}\n"));
            // What to change, when the failure is a known one (commands::hints), on one line.
            if let Some(h) = hint {
                stderr::say(&format!("hint: {}\n", sanitize::line(&h)));
            }
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
    }
}
