//! Writing results: the output path is checked before any work, and files are written to a
//! temporary file in the same folder and renamed into place, so a failed or killed build never
//! leaves a half-written file and never touches the last good one. A folder of files written
//! as one batch (personalized copies) is [`folder`]'s.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{AppError, describe_io};
use crate::text::plural;

pub mod folder;

/// Where a result goes: a file, or standard output (`-o -`). The command line makes one from
/// its argument; nothing else compares a path with `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file (or a device such as /dev/stdout, written in place).
    File(PathBuf),
}

impl Output {
    /// Reads a command-line argument: `-` is standard output, anything else a path.
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(if text == "-" {
            Output::Stdout
        } else {
            Output::File(PathBuf::from(text))
        })
    }

    /// The file, unless this is standard output.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Output::Stdout => None,
            Output::File(path) => Some(path),
        }
    }

    /// Whether this is standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout)
    }
}

impl From<PathBuf> for Output {
    fn from(path: PathBuf) -> Self {
        Output::File(path)
    }
}

impl From<&Path> for Output {
    fn from(path: &Path) -> Self {
        Output::File(path.to_path_buf())
    }
}

impl fmt::Display for Output {
    /// The path as the user wrote it; `-` for standard output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Stdout => f.write_str("-"),
            Output::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Whether writing waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every file is flushed to disk (fsync) before it is renamed into place: a power cut
    /// keeps either the old file or the new one.
    Synced,
    /// Nothing waits for the disk: renames stay atomic, so no reader sees half a file, but a
    /// power cut may lose the newest version. For `brief watch`, which rewrites its output on
    /// every save and where an fsync costs more than the rebuild.
    Unsynced,
}

/// The default output of a brief: the same folder and stem, with `ext`.
pub fn default_path(brief: &Path, ext: &str) -> PathBuf {
    brief.with_extension(ext)
}

/// Refuses output paths that cannot work, before anything is typeset.
pub fn check_target(output: &Output, inputs: &[&Path]) -> Result<(), AppError> {
    let Output::File(output) = output else {
        return Ok(());
    };
    let shown = output.display();
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
    // A named pipe would block the write until something reads it, perhaps forever.
    if let Ok(metadata) = fs::metadata(output) {
        #[cfg(unix)]
        if std::os::unix::fs::FileTypeExt::is_fifo(&metadata.file_type()) {
            return Err(AppError::new(format!(
                "cannot write {shown} (it is a named pipe (FIFO), not a file)"
            ))
            .with_hint("to send the PDF to another program, use -o - and a shell pipe"));
        }
        let _ = metadata;
    }
    if let Some(system) = system_folder(output) {
        return Err(AppError::new(format!(
            "cannot write {shown} (it is in {system}, the kernel's view of the system, not a folder for files)"
        )));
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

/// Refuses to write over a file the build read: its layers, images, agenda, the old edition
/// of `--changes-since`, its template's files (`read` may name folders: nothing inside them
/// is replaced either). Called once the build knows everything it read.
pub fn check_not_read(output: &Output, read: &[PathBuf]) -> Result<(), AppError> {
    let Output::File(output) = output else {
        return Ok(());
    };
    let Ok(target) = fs::canonicalize(output) else {
        // Nothing there yet, so nothing read there.
        return Ok(());
    };
    for input in read {
        let Ok(input) = fs::canonicalize(input) else {
            continue;
        };
        if target == input || (input.is_dir() && target.starts_with(&input)) {
            return Err(AppError::new(format!(
                "cannot write {} (the build read it: {})",
                output.display(),
                if input.is_dir() {
                    format!("it is a file of the folder {}", input.display())
                } else {
                    "it is one of the brief's files".to_string()
                }
            ))
            .with_hint("choose another output name with -o"));
        }
    }
    Ok(())
}

/// The mount of /proc or /sys that `path` is in, if any: files there cannot be replaced.
fn system_folder(path: &Path) -> Option<&'static str> {
    let parent = fs::canonicalize(parent_of(path)).ok()?;
    ["/proc", "/sys"]
        .into_iter()
        .find(|root| parent.starts_with(root))
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

/// Writes `bytes` to `path` atomically: all of it, or nothing changes.
///
/// An existing path that is not a regular file (a device such as /dev/stdout, or a pipe) is
/// written in place: renaming over it would replace the device.
pub fn write_atomic(output: &Output, bytes: &[u8]) -> Result<(), AppError> {
    write_replacing(output, bytes, Durability::Synced)
}

/// Writes several files as one step, as far as a file system allows: every file is written
/// to a temporary file beside its target (and, when [`Durability::Synced`], flushed to disk)
/// before any is renamed into place. A failure while writing (a full disk, a missing permission) changes
/// none of the targets; only a failed rename, after all the writing, can leave some renamed.
/// A single file, standard output or a device is written as [`write_atomic`] does.
pub fn write_all(files: &[(Output, Vec<u8>)], durability: Durability) -> Result<(), AppError> {
    let special = |output: &Output| match output {
        Output::Stdout => true,
        Output::File(path) => fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()),
    };
    if files.len() == 1 || files.iter().any(|(output, _)| special(output)) {
        for (output, bytes) in files {
            write_replacing(output, bytes, durability)?;
        }
        return Ok(());
    }
    let durable = durability == Durability::Synced;
    let mut written = Vec::with_capacity(files.len());
    for (output, bytes) in files {
        let path = through_link(output.path().expect("standard output is written above"))?;
        let temp = write_temporary(&path, bytes, durable)
            .map_err(|e| failed(&path, &e).with_hint("no file was changed"))?;
        written.push((temp, path));
    }
    for (done, (temp, path)) in written.into_iter().enumerate() {
        temp.persist(&path).map_err(|e| {
            let error = failed(&path, &e.error);
            if done == 0 {
                error.with_hint("no file was changed")
            } else {
                error.with_hint(format!(
                    "the {done} file{} before it in this build {} replaced",
                    plural(done),
                    if done == 1 { "was" } else { "were" }
                ))
            }
        })?;
    }
    Ok(())
}

/// Where writing `path` goes: `-o link.pdf`, where link.pdf is a symbolic link, replaces the
/// file the link leads to (the link stays), atomically like any other file.
fn through_link(path: &Path) -> Result<PathBuf, AppError> {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(path.to_path_buf());
    }
    fs::canonicalize(path).map_err(|_| {
        AppError::new(format!(
            "cannot write {} (it is a symbolic link to {}, which does not exist)",
            path.display(),
            fs::read_link(path).map_or_else(|_| "?".into(), |p| p.display().to_string())
        ))
        .with_hint("remove the link, or make the file it leads to")
    })
}

fn failed(path: &Path, error: &io::Error) -> AppError {
    AppError::new(format!(
        "cannot write {} ({})",
        path.display(),
        describe_io(error)
    ))
}

/// Writes `bytes` to a new temporary file beside `path`, with the mode `path` has (or 0644).
/// Its name, `.NAME.PID-XXXXXX.partial`, says which process writes it, and the process holds
/// it locked (`flock`) until it is renamed: a durable write (not `brief watch`'s) first
/// removes the temporary files of `path` that killed runs left (see [`remove_stale`]).
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
    if durable {
        remove_stale(dir, &name);
    }
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.{}-", std::process::id()))
        .suffix(".partial")
        .tempfile_in(dir)?;
    let _ = temp.as_file().try_lock();
    temp.write_all(bytes)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    set_permissions(temp.path(), path);
    Ok(temp)
}

/// Removes the temporary files a killed run left beside `dir/name`: a regular file named
/// `.NAME.PID-XXXXXX.partial` whose process is gone and which nobody holds locked. A file of a
/// process still running (or of a reused process number) is left alone, as is anything not
/// named so.
fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some((pid, token)) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".partial"))
            .and_then(|rest| rest.split_once('-'))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if token.is_empty()
            || !token.chars().all(|c| c.is_ascii_alphanumeric())
            || pid == std::process::id()
            || running(pid)
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
            continue;
        }
        let path = entry.path();
        let Ok(handle) = fs::OpenOptions::new().read(true).open(&path) else {
            continue;
        };
        if handle.try_lock().is_ok() {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Whether a process of this number is running (on this machine).
fn running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 only asks whether the process exists; EPERM means it does.
        let exists = unsafe { libc::kill(pid, 0) } == 0;
        exists || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

fn write_replacing(output: &Output, bytes: &[u8], durability: Durability) -> Result<(), AppError> {
    let fail = |error: io::Error| {
        AppError::new(format!("cannot write {output} ({})", describe_io(&error)))
            .with_hint("the previous file, if there was one, is unchanged")
    };
    let path = match output {
        Output::Stdout => {
            let mut stdout = io::stdout().lock();
            return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                // A reader that stops early (`brief build note.yaml -o - | head`) is not a
                // failure of the build.
                Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                result => result.map_err(fail),
            };
        }
        Output::File(path) => path,
    };
    let durable = durability == Durability::Synced;
    let resolved = through_link(path)?;
    let path = resolved.as_path();
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut options = fs::OpenOptions::new();
        options.write(true);
        // Never wait for a reader of a named pipe.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
        let mut file = options.open(path).map_err(fail)?;
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
        write_atomic(&path.clone().into(), b"first").unwrap();
        write_atomic(&path.clone().into(), b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// A durable write removes the temporary files of its target that killed runs left, and
    /// none of a running process, none held locked, none of another target.
    #[cfg(unix)]
    #[test]
    fn removes_temporaries_of_killed_runs_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = format!(".out.pdf.{dead}-Ab12Cd.partial");
        let locked = format!(".out.pdf.{dead}-Zz99Zz.partial");
        let live = ".out.pdf.1-Qq11Qq.partial";
        let other = format!(".other.pdf.{dead}-Ab12Cd.partial");
        for name in [&stale, &locked, live, &other] {
            fs::write(dir.path().join(name), "half").unwrap();
        }
        let held = fs::File::open(dir.path().join(&locked)).unwrap();
        held.lock().unwrap();
        write_atomic(&path.clone().into(), b"pdf").unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected = vec![locked.clone(), live.to_string(), other, "out.pdf".into()];
        expected.sort();
        assert_eq!(left, expected);
        // Unsynced writes (brief watch) do not look.
        drop(held);
        write_replacing(&path.clone().into(), b"pdf", Durability::Unsynced).unwrap();
        assert!(dir.path().join(&locked).exists());
    }

    #[test]
    fn refuses_a_folder_and_the_input_itself() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("brief.yaml");
        fs::write(&input, "title: x").unwrap();
        let check = |path: &Path| check_target(&path.into(), &[&input]);
        assert!(check(dir.path()).is_err());
        assert!(check(&input).is_err());
        assert!(check(&dir.path().join("brief.pdf")).is_ok());
        assert!(check_target(&Output::Stdout, &[&input]).is_ok());
    }
}
