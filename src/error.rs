//! Plain application errors (`error: ...` then `hint: ...`) and the exit codes they map to.
//! Problems inside a brief or template are [`crate::diag::Diagnostic`]s instead; a step that
//! can fail either way returns a [`Failure`].

use std::fmt;
use std::io;
use std::process::ExitCode;

use crate::diag::Diagnostic;

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

/// Why a step failed.
#[derive(Debug)]
pub enum Failure {
    /// Problems inside the brief or the template, each with its place.
    Problems(Vec<Diagnostic>),
    /// Anything else: a file that cannot be read or written, a bad environment.
    App(AppError),
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        Failure::App(error)
    }
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(problems: Vec<Diagnostic>) -> Self {
        Failure::Problems(problems)
    }
}

/// An I/O error in words, without the OS error number.
pub fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::StorageFull => "the disk is full".into(),
        io::ErrorKind::IsADirectory => "it is a folder".into(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}
