//! Reading files within limits: every file `brief` reads (briefs, layers, images, fonts,
//! template folders, PDFs to extract from) is opened without blocking, checked to be a regular
//! file, and read to at most its limit plus one byte, so a named pipe, a device such as
//! /dev/zero or a /proc file that reports no size can neither hang nor exhaust memory. A
//! brief's text is also checked to be UTF-8 and registered with [`Files`] so that every
//! problem can point into it.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::error::{AppError, Failure, describe_io};

/// The largest brief read, in bytes: far beyond any real brief, small enough to stay fast.
pub const MAX_BRIEF_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file could not be read within its limit.
#[derive(Debug)]
pub enum ReadFailure {
    /// The system refused (not found, permission denied, a folder, ...).
    Io(io::Error),
    /// Not a regular file: a named pipe, a device or a socket (the words for it).
    Special(&'static str),
    /// Larger than the limit: by its size when the file system tells it, else by reading.
    TooLarge {
        /// The size the file system reports, when it is the reason.
        size: Option<u64>,
        /// The limit, in bytes.
        limit: u64,
    },
}

impl ReadFailure {
    /// The reason in words, for `cannot read FILE (REASON)`; `what` names the kind of file
    /// for the limit ("a brief", "an image").
    pub fn describe(&self, what: &str) -> String {
        match self {
            ReadFailure::Io(error) => describe_io(error),
            ReadFailure::Special(kind) => format!("it is {kind}, not a file"),
            ReadFailure::TooLarge { size, limit } => {
                let most = megabytes(*limit);
                match size {
                    Some(size) => format!(
                        "it is {:.1} MB; {what} may be at most {most}",
                        *size as f64 / 1e6
                    ),
                    None => format!("it holds more than {most}; {what} may be at most {most}"),
                }
            }
        }
    }
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / 1024 / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file that is not a regular file is, in words, or `None` for a regular file or a
/// folder.
pub fn special_kind(file_type: fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
    }
    (!file_type.is_file() && !file_type.is_dir()).then_some("a special file")
}

/// Opens `path` for reading without ever waiting (a named pipe with no writer would block an
/// ordinary open) and checks that what was opened is a regular file.
pub fn open_regular(path: &Path) -> Result<fs::File, ReadFailure> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(error) => {
            // A socket cannot be opened at all (ENXIO): say what it is.
            if let Some(kind) = fs::metadata(path)
                .ok()
                .and_then(|m| special_kind(m.file_type()))
            {
                return Err(ReadFailure::Special(kind));
            }
            return Err(ReadFailure::Io(error));
        }
    };
    let metadata = file.metadata().map_err(ReadFailure::Io)?;
    if metadata.is_dir() {
        return Err(ReadFailure::Io(io::Error::from(
            io::ErrorKind::IsADirectory,
        )));
    }
    if let Some(kind) = special_kind(metadata.file_type()) {
        return Err(ReadFailure::Special(kind));
    }
    Ok(file)
}

/// Reads a whole regular file of at most `limit` bytes. The size the file system reports is
/// checked first, and the read itself stops at `limit + 1` bytes, for files that report no
/// size (/proc) or grow while read.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    let file = open_regular(path)?;
    let reported = file.metadata().map_err(ReadFailure::Io)?.len();
    if reported > limit {
        return Err(ReadFailure::TooLarge {
            size: Some(reported),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(reported as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// Reads a brief file as text, registering it for diagnostics.
pub fn read_text(path: &Path, files: &mut Files) -> Result<(FileKey, String), Failure> {
    files.depend(path);
    let shown = path.display();
    let bytes = read_bounded(path, MAX_BRIEF_BYTES)
        .map_err(|e| AppError::new(format!("cannot read {shown} ({})", e.describe("a brief"))))?;
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
