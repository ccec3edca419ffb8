//! Writing results: the output path is checked before any work, and files are written to a
//! temporary file in the same folder and renamed into place, so a failed or killed build never
//! leaves a half-written file and never touches the last good one.

use crate::error::describe_io;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::AppError;

/// The default output of a brief: the same folder and stem, with `ext`.
pub fn default_path(brief: &Path, ext: &str) -> PathBuf {
    brief.with_extension(ext)
}

/// Refuses output paths that cannot work, before anything is typeset.
pub fn check_target(output: &Path, inputs: &[&Path]) -> Result<(), AppError> {
    let shown = output.display();
    if output.as_os_str() == STDOUT {
        return Ok(());
    }
    if output.is_dir() {
        return Err(
            AppError::new(format!("cannot write {shown} (it is a folder)"))
                .with_hint("name a file, such as -o notes/brief.pdf"),
        );
    }
    if output.as_os_str().is_empty() || output.file_name().is_none() {
        return Err(AppError::new(format!(
            "cannot write `{shown}` (not a file name)"
        )));
    }
    for input in inputs {
        if same_file(output, input) {
            return Err(AppError::new(format!(
                "cannot write {shown} (it is the input file itself)"
            ))
            .with_hint("choose another output name with -o"));
        }
    }
    let parent = parent_of(output);
    if !parent.is_dir() {
        return Err(AppError::new(format!(
            "cannot write {shown} (the folder {} does not exist)",
            parent.display()
        )));
    }
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The output path that means standard output.
pub const STDOUT: &str = "-";

/// Writes `bytes` to `path` atomically: all of it, or nothing changes.
///
/// `-` is standard output. An existing path that is not a regular file (a device such as
/// /dev/stdout, or a pipe) is written in place: renaming over it would replace the device.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    write_replacing(path, bytes, true)
}

/// Writes several files as one step, as far as a file system allows: every file is written
/// to a temporary file beside its target (and, when `durable`, flushed to disk) before any is
/// renamed into place. A failure while writing (a full disk, a missing permission) changes
/// none of the targets; only a failed rename, after all the writing, can leave some renamed.
/// A single file, standard output or a device is written as [`write_atomic`] does.
///
/// Without `durable` nothing waits for the disk (no fsync): renames stay atomic, so no reader
/// sees half a file, but a power cut may lose the newest version. `brief watch` rewrites its
/// output on every save, and an fsync cost more than the whole rebuild.
pub fn write_all(files: &[(PathBuf, Vec<u8>)], durable: bool) -> Result<(), AppError> {
    let special = |path: &Path| {
        path.as_os_str() == STDOUT || fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
    };
    if files.len() == 1 || files.iter().any(|(path, _)| special(path)) {
        for (path, bytes) in files {
            write_replacing(path, bytes, durable)?;
        }
        return Ok(());
    }
    let mut written = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let temp = write_temporary(path, bytes, durable)
            .map_err(|e| failed(path, &e).with_hint("no file was changed"))?;
        written.push((temp, path));
    }
    for (done, (temp, path)) in written.into_iter().enumerate() {
        temp.persist(path).map_err(|e| {
            let error = failed(path, &e.error);
            if done == 0 {
                error.with_hint("no file was changed")
            } else {
                error.with_hint(format!(
                    "the {done} file{} before it in this build {} replaced",
                    if done == 1 { "" } else { "s" },
                    if done == 1 { "was" } else { "were" }
                ))
            }
        })?;
    }
    Ok(())
}

fn failed(path: &Path, error: &io::Error) -> AppError {
    AppError::new(format!(
        "cannot write {} ({})",
        path.display(),
        describe_io(error)
    ))
}

/// Writes `bytes` to a new temporary file beside `path`, with the mode `path` has (or 0644).
fn write_temporary(
    path: &Path,
    bytes: &[u8],
    durable: bool,
) -> Result<tempfile::NamedTempFile, io::Error> {
    let dir = parent_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    set_permissions(temp.path(), path);
    Ok(temp)
}

fn write_replacing(path: &Path, bytes: &[u8], durable: bool) -> Result<(), AppError> {
    let fail = |error: io::Error| {
        AppError::new(format!(
            "cannot write {} ({})",
            path.display(),
            describe_io(&error)
        ))
        .with_hint("the previous file, if there was one, is unchanged")
    };
    if path.as_os_str() == STDOUT {
        let mut stdout = io::stdout().lock();
        return stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(fail);
    }
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(fail)?;
        return file
            .write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(fail);
    }
    let temp = write_temporary(path, bytes, durable).map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Temporary files are private (0600); give the result the mode the old file had, or the
/// usual 0644 for a new one.
#[cfg(unix)]
fn set_permissions(temp: &Path, target: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(target)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o644);
    let _ = fs::set_permissions(temp, fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_permissions(_temp: &Path, _target: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_a_folder_and_the_input_itself() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("brief.yaml");
        fs::write(&input, "title: x").unwrap();
        assert!(check_target(dir.path(), &[&input]).is_err());
        assert!(check_target(&input, &[&input]).is_err());
        assert!(check_target(&dir.path().join("brief.pdf"), &[&input]).is_ok());
    }
}
