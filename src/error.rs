//! Plain application errors (`error: ...` then `hint: ...`) and the exit codes they map to.
//! Problems inside a brief or template are [`crate::diag::Diagnostic`]s instead.

use std::fmt;
use std::process::ExitCode;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when the brief, a template or the output could not be processed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a wrong command line (clap uses it too).
pub const EXIT_USAGE: u8 = 2;

/// An error that is not about a place in a file: a missing brief, an unwritable output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    /// What went wrong: lowercase, no final period, the cause in parentheses.
    pub message: String,
    /// What the user could do.
    pub hints: Vec<String>,
    /// The exit code it ends the run with.
    pub code: u8,
}

impl AppError {
    /// An error that exits with [`EXIT_FAILURE`].
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hints: Vec::new(),
            code: EXIT_FAILURE,
        }
    }

    /// An error in how the command was called, exiting with [`EXIT_USAGE`].
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_USAGE,
            ..Self::new(message)
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for hint in &self.hints {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}
