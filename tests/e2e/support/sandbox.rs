//! [`Sandbox`]: our binary run with no network, an empty environment, a temporary HOME and a
//! temporary working directory. Used by the topics that need no simulated org (the
//! command-line surface, settings, hostile local files). [`Out`] is the outcome of one run.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Output, RUN_TIMEOUT, run_within};

/// A temporary HOME and working directory for runs of our binary; both removed on drop.
pub struct Sandbox {
    /// HOME (and USERPROFILE) of every run.
    pub home: tempfile::TempDir,
    /// The working directory of every run (where `.env` is read).
    pub cwd: tempfile::TempDir,
    /// Longest a run may take before it is killed and the test fails.
    limit: Duration,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// Empty HOME and working directory; runs bounded by [`RUN_TIMEOUT`].
    pub fn new() -> Sandbox {
        Sandbox {
            home: tempfile::tempdir().expect("temp home"),
            cwd: tempfile::tempdir().expect("temp cwd"),
            limit: RUN_TIMEOUT,
        }
    }

    /// Runs of this sandbox are killed, and the test failed, after `limit`.
    pub fn time_limit(mut self, limit: Duration) -> Sandbox {
        self.limit = limit;
        self
    }

    /// `~/.okta`, created when missing.
    pub fn okta_dir(&self) -> PathBuf {
        let dir = self.home.path().join(".okta");
        std::fs::create_dir_all(&dir).expect("create ~/.okta");
        dir
    }

    /// Write `~/.okta/okta.yaml`.
    pub fn okta_yaml(&self, text: &str) -> &Self {
        std::fs::write(self.okta_dir().join("okta.yaml"), text).expect("write okta.yaml");
        self
    }

    /// Write `.env` in the working directory.
    pub fn dotenv(&self, text: &str) -> &Self {
        std::fs::write(self.cwd.path().join(".env"), text).expect("write .env");
        self
    }

    /// The path of `~/.okta/okta.yaml` as the binary prints it (the file may not exist).
    pub fn yaml_path(&self) -> String {
        self.home
            .path()
            .join(".okta")
            .join("okta.yaml")
            .display()
            .to_string()
    }

    /// Our binary with `args`, an empty environment plus HOME, USERPROFILE and `env`, the
    /// sandbox's working directory, and stdin empty.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_okta-aws-cli"));
        cmd.args(args)
            .env_clear()
            .envs(env.iter().copied())
            .env("HOME", self.home.path())
            .env("USERPROFILE", self.home.path())
            .current_dir(self.cwd.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Run [`Self::command`] to the end, bounded (see [`Self::time_limit`]).
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        Out(run_within(&mut self.command(args, env), None, self.limit))
    }
}

/// The outcome of one [`Sandbox::run`].
pub struct Out(pub Output);

impl Out {
    /// The exit code; panics when the run was killed by a signal.
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exit code")
    }

    /// Everything written to stdout (lossy UTF-8).
    pub fn stdout(&self) -> String {
        self.0.stdout.clone()
    }

    /// Everything written to stderr (lossy UTF-8).
    pub fn stderr(&self) -> String {
        self.0.stderr.clone()
    }

    /// Exit 2, empty stdout, exactly one stderr line `Error: ...` containing `needle`.
    pub fn usage_error(&self, needle: &str) {
        let err = self.stderr();
        assert_eq!(self.code(), 2, "stderr: {err}");
        assert_eq!(self.stdout(), "");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("Error: ") && err.contains(needle),
            "{needle}: {err}"
        );
    }

    /// Exit `code`, nothing on stdout, and an `Error: ` line containing every needle.
    pub fn one_line_error(&self, code: i32, needles: &[&str]) {
        let err = self.stderr();
        assert_eq!(self.0.status.code(), Some(code), "stderr: {err}");
        assert_eq!(self.stdout(), "");
        let line = err
            .lines()
            .find(|l| l.starts_with("Error: "))
            .unwrap_or_else(|| panic!("no error line: {err}"));
        for n in needles {
            assert!(line.contains(n), "{n:?} not in {line:?}");
        }
    }
}
