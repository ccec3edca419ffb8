//! Reading a brief's files: text within a size limit, checked to be UTF-8, registered with
//! [`Files`] so that every problem can point into it.

use std::fs;
use std::path::Path;

use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::error::{AppError, Failure, describe_io};

/// The largest brief read, in bytes: far beyond any real brief, small enough to stay fast.
pub const MAX_BRIEF_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a brief file as text, registering it for diagnostics.
pub fn read_text(path: &Path, files: &mut Files) -> Result<(FileKey, String), Failure> {
    files.depend(path);
    let shown = path.display();
    let metadata = fs::metadata(path)
        .map_err(|e| AppError::new(format!("cannot read {shown} ({})", describe_io(&e))))?;
    if metadata.is_dir() {
        return Err(AppError::new(format!("cannot read {shown} (it is a folder)")).into());
    }
    if metadata.len() > MAX_BRIEF_BYTES {
        return Err(AppError::new(format!(
            "cannot read {shown} (it is {:.1} MB; a brief may be at most {} MB)",
            metadata.len() as f64 / 1e6,
            MAX_BRIEF_BYTES / 1024 / 1024
        ))
        .into());
    }
    let bytes = fs::read(path)
        .map_err(|e| AppError::new(format!("cannot read {shown} ({})", describe_io(&e))))?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            let key = files.add(shown.to_string(), text.clone());
            Ok((key, text))
        }
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let byte = error.as_bytes()[at];
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text keeps the valid prefix byte for byte, so `at` points at the
            // replacement character.
            let key = files.add(shown.to_string(), text);
            Err(vec![
                Diagnostic::error(
                    Some(Span::new(key, at..at + 3)),
                    format!(
                        "the brief is not UTF-8 text (byte 0x{byte:02X} cannot start a character)"
                    ),
                )
                .with_hint(
                    "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
                ),
            ]
            .into())
        }
    }
}
