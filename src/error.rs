//! The one error type of the program and its exit codes (docs/decisions.md#d-errors).
//!
//! Every failure is rendered as a single line `Error: <message>` on stderr by `main`.
//! Exit codes: 0 success; 1 runtime failure (network, Okta, STS, files); 2 usage or
//! configuration error; 130 interrupted; the child's own status under `--exec`.

use std::fmt;

/// Everything that can stop a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bad command line: unknown flag, missing value, stray argument. Exit 2.
    Usage(String),
    /// Bad configuration value from a flag, env var, `.env` or okta.yaml, or a missing
    /// required value. Exit 2.
    Config(String),
    /// An Okta API error. `code` is the OAuth `error` (e.g. `invalid_grant`) or Okta
    /// `errorCode` when the reply carried one; the web flow's stale-token retry keys on it.
    /// Exit 1.
    Okta {
        /// OAuth `error` / Okta `errorCode`, when present.
        code: Option<String>,
        /// Human-readable one-line message (never contains a secret).
        message: String,
    },
    /// An AWS API error reply (`<ErrorResponse>` of STS or IAM): `code` is AWS's error code
    /// (`AccessDenied`, `InvalidIdentityToken`, `ValidationError`, ...), which the hints of
    /// `commands::hints` key on. Exit 1.
    Aws {
        /// AWS `<Code>`.
        code: String,
        /// Human-readable one-line message (never contains a secret).
        message: String,
    },
    /// Any other runtime failure: network, TLS, file I/O, bad server reply. Exit 1.
    Runtime(String),
    /// The user pressed Ctrl-C or cancelled a prompt. Exit 130.
    Interrupted,
    /// `--exec` child ended with this status (already reported); exit with it silently.
    ChildExit(i32),
    /// `--exec` program (the `String`, as given) was not found in `PATH`. Exit 127, the
    /// shell's status for "command not found".
    CommandNotFound(String),
}

impl Error {
    /// Shorthand for [`Error::Runtime`].
    pub fn runtime(msg: impl Into<String>) -> Self {
        Error::Runtime(msg.into())
    }

    /// Shorthand for [`Error::Config`].
    pub fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }

    /// Shorthand for [`Error::Usage`].
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// The process exit status for this error (docs/decisions.md#d-errors).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) => 2,
            Error::Okta { .. } | Error::Aws { .. } | Error::Runtime(_) => 1,
            Error::Interrupted => 130,
            Error::ChildExit(code) => *code,
            Error::CommandNotFound(_) => 127,
        }
    }

    /// The AWS error code, when this is an AWS API error reply.
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            Error::Aws { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The OAuth / Okta error code, when this is an Okta API error that carried one.
    pub fn okta_code(&self) -> Option<&str> {
        match self {
            Error::Okta { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// This error with `context` applied to its message when it is a runtime failure or
    /// an AWS error reply (whose code stays: hints key on it); any other error as it is.
    pub fn in_context(self, context: impl Fn(&str) -> String) -> Error {
        match self {
            Error::Runtime(m) => Error::Runtime(context(&m)),
            Error::Aws { code, message } => Error::Aws {
                code,
                message: context(&message),
            },
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Config(m) | Error::Runtime(m) => f.write_str(m),
            Error::Okta { message, .. } | Error::Aws { message, .. } => f.write_str(message),
            Error::Interrupted => f.write_str("interrupted"),
            Error::ChildExit(code) => write!(f, "command exited with status {code}"),
            Error::CommandNotFound(prog) => write!(f, "command not found: {prog}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_design() {
        assert_eq!(Error::usage("x").exit_code(), 2);
        assert_eq!(Error::config("x").exit_code(), 2);
        assert_eq!(Error::runtime("x").exit_code(), 1);
        let okta = Error::Okta {
            code: Some("invalid_grant".into()),
            message: "m".into(),
        };
        assert_eq!(okta.exit_code(), 1);
        assert_eq!(okta.okta_code(), Some("invalid_grant"));
        assert_eq!(Error::Interrupted.exit_code(), 130);
        assert_eq!(Error::ChildExit(7).exit_code(), 7);
    }

    #[test]
    fn command_not_found_is_127_and_names_the_program() {
        let e = Error::CommandNotFound("does-not-exist-binary".into());
        assert_eq!(e.exit_code(), 127);
        assert_eq!(e.to_string(), "command not found: does-not-exist-binary");
    }
}
