//! Opening a URL in the person's browser. Pure: the command lines to try
//! ([`browser_commands`]), the Windows splitter of `--open-browser-command`
//! ([`windows_words`]) and the redirect page for a secret URL ([`page`]). I/O: running the
//! first one that starts ([`start_browser`], [`open_browser`]).

pub mod page;
pub mod windows_words;

/// The command lines to try, in order, to open `url` (docs/decisions.md#d-activation-url).
///
/// `os` is the platform, as `std::env::consts::OS`. With `command`
/// (`--open-browser-command`): its words plus `url` as one more argument. On Windows the
/// words are split by the Windows rules ([`windows_words::split`], as `CommandLineToArgvW`:
/// a backslash stays a backslash, double quotes group), elsewhere as POSIX-shell words
/// (single and double quotes, backslash escapes). Otherwise the platform opener: `open` on
/// macOS, `rundll32.exe url.dll,FileProtocolHandler
/// <url>` on Windows (the shell's URL handler, as `ShellExecute` opens it; no command
/// interpreter ever reads the URL, unlike upstream's `cmd /c start`), else `xdg-open`,
/// `x-www-browser`, `www-browser`. Every command line is run directly, never through a shell;
/// `url` should first have passed `http::url::browser_url`, which percent-encodes it.
///
/// Errors: the warning text `Browser command "<cmd>" is invalid: ...` when the command
/// cannot be split (POSIX rules only) or names no program.
pub fn browser_commands(
    command: Option<&str>,
    url: &str,
    os: &str,
) -> std::result::Result<Vec<Vec<String>>, String> {
    if let Some(cmd) = command {
        let words = if os == "windows" {
            Some(windows_words::split(cmd))
        } else {
            shlex::split(cmd)
        };
        return match words {
            Some(mut words) if words.first().is_some_and(|p| !p.is_empty()) => {
                words.push(url.to_string());
                Ok(vec![words])
            }
            Some(_) => Err(format!("Browser command \"{cmd}\" is invalid: it is empty")),
            None => Err(format!(
                "Browser command \"{cmd}\" is invalid: unbalanced quotes or a trailing backslash"
            )),
        };
    }
    let argv = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    Ok(match os {
        "macos" => vec![argv(&["open", url])],
        "windows" => vec![argv(&["rundll32.exe", "url.dll,FileProtocolHandler", url])],
        _ => ["xdg-open", "x-www-browser", "www-browser"]
            .iter()
            .map(|p| argv(&[p, url]))
            .collect(),
    })
}

/// Open `url` in a browser without waiting for it (I/O), with the command lines of
/// [`browser_commands`], each run directly (no shell, no `cmd.exe`). The browser's stdout
/// goes to our stderr (stdout carries only credentials), stdin is closed; the child is
/// reaped by a background thread. Returns warnings for the caller to print; failures never
/// stop the flow. Every opener of a URL (the device activation URL) calls this with a URL
/// that passed `http::url::browser_url`; a secret URL is opened through a page instead
/// ([`page`], [`start_browser`]).
pub fn open_browser(url: &str, command: Option<&str>) -> Vec<String> {
    match start_browser(url, command) {
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            Vec::new()
        }
        Err(warnings) => warnings,
    }
}

/// Start the first command line of [`browser_commands`] for `target` (a URL or a file's
/// path) that runs, as [`open_browser`] does, and return it for the caller to wait for.
///
/// Errors: the warnings to print when no command line could be started (the command is
/// invalid, not found, or failed to start).
pub fn start_browser(
    target: &str,
    command: Option<&str>,
) -> std::result::Result<std::process::Child, Vec<String>> {
    let candidates = match browser_commands(command, target, std::env::consts::OS) {
        Ok(c) => c,
        Err(warning) => return Err(vec![warning]),
    };
    let mut not_found = Vec::new();
    for argv in &candidates {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let mut cmd = std::process::Command::new(program);
        cmd.args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::from(std::io::stderr()));
        match cmd.spawn() {
            Ok(child) => return Ok(child),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && command.is_none() => {
                not_found.push(program.clone());
            }
            Err(e) if command.is_some() => {
                return Err(vec![format!(
                    "Failed to open activation URL with given browser: {e}\n  {}",
                    argv.join(" ")
                )]);
            }
            Err(e) => {
                return Err(vec![format!(
                    "Failed to open activation URL with system browser: {e}"
                )]);
            }
        }
    }
    Err(vec![format!(
        "Failed to open activation URL with system browser: exec: \"{}\": executable file not found in $PATH",
        not_found.join(",")
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_command_lines() {
        let url = "https://example.okta.com/activate?user_code=AB";
        assert_eq!(
            browser_commands(
                Some(r#"open -na "Google Chrome" --args --incognito"#),
                url,
                "linux"
            )
            .unwrap(),
            vec![vec![
                "open",
                "-na",
                "Google Chrome",
                "--args",
                "--incognito",
                url
            ]]
        );
        assert_eq!(
            browser_commands(
                Some(r#"/Applications/Google\ Chrome.app/Contents/MacOS/Google\ Chrome --profile-directory=\"Person\ 1\""#),
                url,
                "macos"
            )
            .unwrap(),
            vec![vec![
                "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                "--profile-directory=\"Person 1\"",
                url
            ]]
        );
        let err = browser_commands(Some("open \"unbalanced"), url, "linux").unwrap_err();
        assert!(
            err.starts_with("Browser command \"open \"unbalanced\" is invalid"),
            "{err}"
        );
        assert!(browser_commands(Some("  "), url, "linux").is_err());
        assert_eq!(
            browser_commands(None, url, "linux").unwrap(),
            vec![
                vec!["xdg-open", url],
                vec!["x-www-browser", url],
                vec!["www-browser", url]
            ]
        );
        assert_eq!(
            browser_commands(None, url, "macos").unwrap(),
            vec![vec!["open", url]]
        );
        // Windows: no command interpreter; the URL is one argument, unchanged.
        let hostile = "https://h/a?b=1&c=2|calc>x^y%PATH%\"z";
        let windows = browser_commands(None, hostile, "windows").unwrap();
        assert_eq!(
            windows,
            vec![vec!["rundll32.exe", "url.dll,FileProtocolHandler", hostile]]
        );
        for argv in &windows {
            let program = argv[0].to_ascii_lowercase();
            assert!(!program.starts_with("cmd") && !program.contains("powershell"));
        }
        assert_eq!(
            browser_commands(Some("firefox --new-window"), hostile, "windows").unwrap(),
            vec![vec!["firefox", "--new-window", hostile]]
        );
    }

    #[test]
    fn windows_browser_commands_keep_their_backslashes() {
        let url = "https://example.okta.com/activate";
        let cmd = r#""C:\Program Files\Mozilla Firefox\firefox.exe" -private-window"#;
        assert_eq!(
            browser_commands(Some(cmd), url, "windows").unwrap(),
            vec![vec![
                r"C:\Program Files\Mozilla Firefox\firefox.exe",
                "-private-window",
                url
            ]]
        );
        assert_eq!(
            browser_commands(Some(r"C:\tools\chrome.exe --incognito"), url, "windows").unwrap(),
            vec![vec![r"C:\tools\chrome.exe", "--incognito", url]]
        );
        // POSIX rules elsewhere: there a backslash escapes.
        assert_eq!(
            browser_commands(Some(r"C:\tools\chrome.exe"), url, "linux").unwrap(),
            vec![vec!["C:toolschrome.exe", url]]
        );
        // No program: an empty or blank command, or an empty quoted one.
        for cmd in ["", " \t", r#""" x"#] {
            let err = browser_commands(Some(cmd), url, "windows").unwrap_err();
            assert!(err.ends_with("is invalid: it is empty"), "{cmd:?}: {err}");
        }
    }

    /// Under Windows (the wine harness): a URL with `|`, `>`, `^`, `%` and `"`, handed to the
    /// system opener as it is (no percent-encoding first), runs nothing: no command
    /// interpreter parses it, so `|` starts no second command and `>` creates no file.
    #[cfg(windows)]
    #[test]
    fn windows_opener_runs_nothing_from_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran.txt");
        let redirected = dir.path().join("redirected.txt");
        let url = format!(
            "https://127.0.0.1:9/activate?a=1|echo ran>{}&b=2^>{}%PATH%\"x",
            marker.display(),
            redirected.display()
        );
        let warnings = open_browser(&url, None);
        assert!(warnings.len() <= 1, "{warnings:?}");
        std::thread::sleep(std::time::Duration::from_secs(3));
        assert!(!marker.exists(), "a command from the URL ran");
        assert!(!redirected.exists(), "a redirection from the URL ran");
    }

    // Unix only: the browser command is an sh script.
    #[cfg(unix)]
    #[test]
    fn open_browser_command_runs_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("opened");
        // The command sleeps before writing: open_browser must return first.
        let cmd = format!(
            "sh -c 'sleep 0.3; printf %s \"$1\" > {}' sh",
            shlex::try_quote(marker.to_str().unwrap()).unwrap()
        );
        let start = std::time::Instant::now();
        let warnings = open_browser("https://example.okta.com/activate", Some(&cmd));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(start.elapsed() < std::time::Duration::from_millis(250));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !marker.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(
            std::fs::read_to_string(&marker).unwrap(),
            "https://example.okta.com/activate"
        );
        let w = open_browser("u", Some("/nonexistent/browser --x"));
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("Failed to open activation URL with given browser:"),
            "{w:?}"
        );
        assert!(w[0].ends_with("\n  /nonexistent/browser --x u"), "{w:?}");
        let w = open_browser("u", Some("'"));
        assert!(w[0].contains("is invalid"));
    }
}
