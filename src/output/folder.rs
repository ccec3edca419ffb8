//! A folder of files written as one batch (personalized copies): the marker that records what
//! brief wrote there and for which brief, the lock that keeps two runs apart, the staging
//! folder swapped into place in one step (or in two renames the next run can undo), and the
//! leftovers of stopped runs removed.
//!
//! Beside a target folder `DIR` in its parent, a run uses three names, all hidden and all
//! made from `DIR`'s name: `.DIR.lock` (held with `flock` while a run checks the folder and
//! while it writes, removed after), `.DIR.XXXXXX.partial` (the new batch being written) and,
//! only where the system cannot exchange two folders in one step, `.DIR.XXXXXX.old` (the
//! previous batch, for the moment between the two renames). Nothing of another run, and nothing brief did not make, is
//! touched: the leftovers are removed only under the lock, and only when they hold nothing but
//! files (the marker among them, or only PDF files).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{AppError, describe_io};

/// The file that marks a folder as brief's own batch, saying what brief wrote there.
pub const MARKER: &str = ".brief-copies";

/// The version of the marker's format; a marker of any other version is not trusted.
const FORMAT: u32 = 1;

/// The largest marker read (a batch of 10,000 copies needs about 2 MB).
const MARKER_LIMIT: u64 = 16 << 20;

/// What [`MARKER`] holds: JSON, one entry per file brief wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Marker {
    /// The format's version, [`FORMAT`]; its key says what the file is.
    #[serde(rename = "brief-copies")]
    format: u32,
    /// A sentence for whoever opens the file.
    about: String,
    /// The brief whose copies these are: its path from the folder that holds the copies'
    /// folder, links resolved (`../note.yaml`, `note.yaml`), so that moving or renaming the
    /// folder both are in keeps the copies the brief's; an absolute path when there is no
    /// relative one.
    brief: String,
    /// `writing` while the batch is being made, `complete` once every file is in.
    state: State,
    /// Every file brief wrote, sorted by name.
    files: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum State {
    Writing,
    Complete,
}

/// One file brief wrote: its name, size, SHA-256, and when it was last modified (nanoseconds
/// since 1970 as the file system keeps it, 0 if unknown). A file of the same size and time is
/// taken as unchanged without reading it; any other of the same size is read and hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    size: u64,
    sha256: String,
    modified: u64,
}

/// When a file was last modified, in nanoseconds since 1970 (0 if unknown).
fn modified(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(0))
}

/// What a run found and put right before writing: a batch brought back from an interrupted
/// swap, leftovers of stopped runs removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Settled {
    /// Set when the previous batch was found aside (a run stopped between the two renames of
    /// its swap) and put back in place: what to tell the user.
    pub recovered: Option<String>,
    /// The leftover folders and files of stopped runs that were removed, by name.
    pub removed: Vec<String>,
}

/// A target folder, resolved: where it is, its parent, its name.
#[derive(Debug, Clone)]
struct Target {
    /// As the user named it, for messages.
    shown: PathBuf,
    /// Where it is (through a symbolic link, the folder the link leads to).
    path: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Target {
    fn resolve(target: &Path) -> Result<Self, AppError> {
        let shown = target.display();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "." && n != "..")
            .ok_or_else(|| {
                AppError::new(format!(
                    "cannot write copies to `{shown}` (not a folder name)"
                ))
                .with_hint("name a new folder, such as --out-dir copies")
            })?;
        let mut path = target.to_path_buf();
        if fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
            // Like `-o` through a link: the folder the link leads to is replaced.
            path = fs::canonicalize(target).map_err(|_| {
                AppError::new(format!(
                    "cannot write copies to {shown} (it is a symbolic link to {}, which does not exist)",
                    fs::read_link(target).map_or_else(|_| "?".into(), |p| p.display().to_string())
                ))
                .with_hint("remove the link, or make the folder it leads to")
            })?;
        }
        match fs::metadata(&path) {
            Ok(meta) if !meta.is_dir() => {
                return Err(AppError::new(format!(
                    "cannot write copies to {shown} (it is a file)"
                ))
                .with_hint("name a folder with --out-dir"));
            }
            _ => {}
        }
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !parent.is_dir() {
            return Err(AppError::new(format!(
                "cannot write copies to {shown} (the folder {} does not exist)",
                parent.display()
            )));
        }
        let name = path
            .file_name()
            .map_or(name, |n| n.to_string_lossy().into_owned());
        Ok(Self {
            shown: target.to_path_buf(),
            path,
            parent,
            name,
        })
    }

    fn exists(&self) -> bool {
        fs::symlink_metadata(&self.path).is_ok()
    }

    fn lock_path(&self) -> PathBuf {
        self.parent.join(format!(".{}.lock", self.name))
    }

    /// Whether `entry` (a name in the parent folder) is one of this target's staging or
    /// aside folders: `.NAME.XXXXXX.partial` or `.NAME.XXXXXX.old`, returning which.
    fn leftover_kind(&self, entry: &str) -> Option<Leftover> {
        let rest = entry.strip_prefix('.')?;
        let (rest, kind) = if let Some(rest) = rest.strip_suffix(".partial") {
            (rest, Leftover::Partial)
        } else {
            (rest.strip_suffix(".old")?, Leftover::Old)
        };
        let (name, token) = rest.rsplit_once('.')?;
        let token_ok = !token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric());
        (name == self.name && token_ok).then_some(kind)
    }

    fn fail(&self, error: &io::Error) -> AppError {
        AppError::new(format!(
            "cannot write copies to {} ({})",
            self.shown.display(),
            describe_io(error)
        ))
        .with_hint("the previous copies, if there were any, are unchanged")
    }
}

impl Target {
    /// The error for a folder the file system cannot move (overlayfs, for a folder of a lower
    /// layer): deleting it is what lets a new batch take its place.
    fn immovable(&self) -> AppError {
        AppError::new(format!(
            "cannot write copies to {} (the file system cannot move this folder, as overlayfs cannot move a folder of a lower layer)",
            self.shown.display()
        ))
        .with_hint("delete the folder (brief then makes a new one), or name another with --out-dir")
        .with_hint("the previous copies are unchanged")
    }
}

/// Whether a rename failed because the folder cannot move (EXDEV on the same file system).
fn cross_device(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::CrossesDevices
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Leftover {
    Partial,
    Old,
}

/// The lock of one target folder, held while a run checks it ([`check`]) and while it writes
/// its batch ([`Staging`]): a second run writing the same folder then is refused at once
/// instead of swapping batches under the first. `flock` on `.NAME.lock`,
/// which is removed when the run ends (and, left by a killed run, reused by the next).
struct Lock {
    file: fs::File,
    path: PathBuf,
}

impl Lock {
    fn take(target: &Target) -> Result<Self, AppError> {
        let path = target.lock_path();
        // A run ending removes the file while holding it: whoever opened the old one then
        // finds it gone once it gets the lock, and tries again with the new one.
        for _ in 0..16 {
            let mut options = fs::OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::custom_flags(
                &mut options,
                libc::O_NOFOLLOW | libc::O_NONBLOCK,
            );
            let mut file = options.open(&path).map_err(|e| target.fail(&e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        "another run of brief".to_string()
                    } else {
                        format!("another run of brief (process {holder})")
                    };
                    return Err(AppError::new(format!(
                        "cannot write copies to {} ({who} is writing copies there now)",
                        target.shown.display()
                    ))
                    .with_hint("wait for it to finish, or name another folder with --out-dir"));
                }
                Err(fs::TryLockError::Error(e)) => return Err(target.fail(&e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(|e| target.fail(&e))?;
            write!(file, "{}", std::process::id()).map_err(|e| target.fail(&e))?;
            return Ok(Self { file, path });
        }
        Err(target.fail(&io::Error::other("its lock file keeps being replaced")))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether the open `file` is still the one at `path`.
fn same_file(file: &fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.is_file()
    }
}

/// Checks, before any work, that copies can be written to `target` for `brief`: it is a new
/// folder, an empty one, or one holding only what this brief's copies put there (as its
/// marker records them, each file at the size brief wrote). Takes the folder's lock for a
/// moment, so that it also puts back a batch an interrupted swap left aside and removes the
/// leftovers of stopped runs. Files' contents are compared when the batch is written
/// ([`Staging::new`]).
pub fn check(target: &Path, brief: &Path) -> Result<Settled, AppError> {
    let target = Target::resolve(target)?;
    let _lock = Lock::take(&target)?;
    let settled = settle(&target)?;
    ours(&target, &recorded(&target, brief), false)?;
    Ok(settled)
}

/// An absolute path with links resolved, as far as it exists.
fn absolute(path: &Path) -> PathBuf {
    fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The brief as the marker of `target` records it: its path from the target's parent folder.
fn recorded(target: &Target, brief: &Path) -> String {
    let from = absolute(&target.parent);
    let to = absolute(brief);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_string_lossy().into_owned();
    }
    let ups = from.components().count() - common;
    let mut parts: Vec<String> = vec!["..".into(); ups];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A recorded brief as a path to show: from the current folder when it is under it.
fn shown_brief(target: &Target, recorded: &str) -> String {
    let mut path = absolute(&target.parent);
    for part in recorded.split('/') {
        match part {
            ".." => {
                path.pop();
            }
            "" | "." => {}
            part => path.push(part),
        }
    }
    if Path::new(recorded).is_absolute() {
        path = PathBuf::from(recorded);
    }
    let here = std::env::current_dir().ok().map(|d| absolute(&d));
    here.and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Puts right what stopped runs left: the previous batch, when a run was stopped between the
/// two renames of its swap, goes back in place; every other leftover folder of this target is
/// removed. Called under the lock, so none of them is in use.
fn settle(target: &Target) -> Result<Settled, AppError> {
    let mut settled = Settled::default();
    let Ok(entries) = fs::read_dir(&target.parent) else {
        return Ok(settled);
    };
    let mut found: Vec<(PathBuf, Leftover)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            target.leftover_kind(&name).map(|kind| (e.path(), kind))
        })
        .filter(|(path, _)| is_ours(path))
        .collect();
    found.sort();
    if !target.exists() {
        // The newest complete batch set aside is the one a swap was replacing.
        let aside = found
            .iter()
            .filter(|(path, kind)| {
                *kind == Leftover::Old
                    && read_marker(path).is_ok_and(|m| m.state == State::Complete)
            })
            .max_by_key(|(path, _)| fs::metadata(path).and_then(|m| m.modified()).ok())
            .map(|(path, _)| path.clone());
        if let Some(aside) = aside {
            fs::rename(&aside, &target.path).map_err(|e| target.fail(&e))?;
            sync_dir(&target.parent);
            found.retain(|(path, _)| *path != aside);
            settled.recovered = Some(format!(
                "note: a run of brief was stopped while it replaced the copies in {}; the copies it was replacing are back in place",
                target.shown.display()
            ));
        }
    }
    for (path, _) in found {
        if remove_batch(&path) {
            settled.removed.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into(),
            );
        }
    }
    Ok(settled)
}

/// Whether a leftover folder is one brief made: a real folder (not a link) holding nothing but
/// files, with brief's marker among them or only PDF files (a batch killed before it wrote
/// one), or nothing at all.
fn is_ours(dir: &Path) -> bool {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut marked = false;
    let mut only_pdfs = true;
    for entry in entries {
        let Ok(entry) = entry else { return false };
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            return false;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == MARKER {
            marked = true;
        } else if !name.ends_with(".pdf") {
            only_pdfs = false;
        }
    }
    if marked {
        read_marker(dir).is_ok()
    } else {
        only_pdfs
    }
}

/// Removes a batch folder brief made, its marker last (a removal cut short leaves a folder
/// still recognizably brief's, which the next run removes). Whether it is gone.
///
/// The files are removed from many threads at once, as they are synced: on a file system
/// mounted with `discard`, each removal waits for the disk to be told its blocks are free,
/// and a thousand copies removed one after another took 1.2-2.2 s of a batch's end where 16
/// threads take 0.13 s (docs/benchmarks.md, Personalized copies).
fn remove_batch(dir: &Path) -> bool {
    let paths: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name() != MARKER && e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    let threads = paths.len().clamp(1, 16);
    let chunk = paths.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for share in paths.chunks(chunk) {
            scope.spawn(move || {
                for path in share {
                    let _ = fs::remove_file(path);
                }
            });
        }
    });
    let _ = fs::remove_file(dir.join(MARKER));
    fs::remove_dir(dir).is_ok()
}

/// Reads and parses a folder's marker: a regular file (not a link), within its limit, of
/// this format. The error says why it is not trusted, for `cannot write copies to DIR (...)`.
fn read_marker(dir: &Path) -> Result<Marker, String> {
    let path = dir.join(MARKER);
    let unlisted = || format!("its {MARKER} does not list what brief wrote there");
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return Err(format!("its {MARKER} is not a file"));
    }
    let bytes = crate::input::read::read_bounded(&path, MARKER_LIMIT)
        .map_err(|e| format!("cannot read its {MARKER}: {}", e.describe("a marker")))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| unlisted())?;
    match json.get("brief-copies").map(serde_json::Value::as_u64) {
        Some(Some(n)) if n == u64::from(FORMAT) => {}
        Some(Some(n)) => {
            return Err(format!(
                "its {MARKER} is of format {n}, which this version of brief does not read"
            ));
        }
        _ => return Err(unlisted()),
    }
    serde_json::from_value(json).map_err(|_| unlisted())
}

/// Refuses a target that holds anything but this brief's earlier batch: an entry the marker
/// does not list (a subfolder among them), a file that is not the size (and, when `contents`,
/// the SHA-256) brief wrote, a marker that is missing, unreadable or of another brief.
fn ours(target: &Target, brief: &str, contents: bool) -> Result<(), AppError> {
    let shown = target.shown.display();
    let cannot = |why: String| AppError::new(format!("cannot write copies to {shown} ({why})"));
    let whole = "brief replaces the whole folder when it writes copies again, so it writes only to a new folder, an empty one, or its own";
    let entries = match fs::read_dir(&target.path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(cannot(describe_io(&e))),
    };
    let mut listed: Vec<(String, fs::FileType)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| cannot(describe_io(&e)))?;
        let kind = entry.file_type().map_err(|e| cannot(describe_io(&e)))?;
        listed.push((entry.file_name().to_string_lossy().into_owned(), kind));
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    if listed.is_empty() {
        return Ok(());
    }
    let marker = if listed.iter().any(|(n, _)| n == MARKER) {
        Some(read_marker(&target.path).map_err(|why| {
            cannot(why).with_hint(
                "an earlier version of brief wrote another kind of marker, or it was copied from elsewhere or changed: look at what the folder holds, then delete it or name another with --out-dir",
            )
        })?)
    } else {
        None
    };
    if let Some(marker) = &marker
        && marker.brief != brief
    {
        return Err(cannot(format!(
            "it holds the copies of {}",
            shown_brief(target, &marker.brief)
        ))
            .with_hint(
                "two briefs cannot share a folder of copies (each replaces the whole folder): name another folder with --out-dir",
            ));
    }
    // By name: a batch may hold a thousand copies.
    let mut recorded: std::collections::HashMap<&str, &Entry> = std::collections::HashMap::new();
    for entry in marker.iter().flat_map(|m| &m.files) {
        recorded.entry(entry.name.as_str()).or_insert(entry);
    }
    let wrote = |name: &str| recorded.get(name).copied();
    // Every entry that is not brief's, with why; files of the marker checked on all cores.
    let mut foreign: Vec<String> = Vec::new();
    let mut to_compare: Vec<(&str, &Entry)> = Vec::new();
    for (name, kind) in &listed {
        if name == MARKER {
            continue;
        }
        match wrote(name) {
            _ if kind.is_dir() => foreign.push(format!(
                "it holds the folder `{name}`, which brief did not write"
            )),
            Some(entry) if kind.is_file() => to_compare.push((name, entry)),
            _ => foreign.push(format!("it holds `{name}`, which brief did not write")),
        }
    }
    let changed = changed_files(&target.path, &to_compare, contents);
    foreign.extend(
        changed
            .into_iter()
            .map(|name| format!("`{name}` was changed after brief wrote it")),
    );
    let Some(first) = foreign.first() else {
        return Ok(());
    };
    let mut error = cannot(first.clone()).with_hint(whole);
    if foreign.len() > 1 {
        let more = foreign.len() - 1;
        error = error.with_hint(format!(
            "{more} more entr{} of the folder {} not brief's",
            if more == 1 { "y" } else { "ies" },
            if more == 1 { "is" } else { "are" }
        ));
    }
    Err(error)
}

/// The files among `files` that are not as brief wrote them: another size, or (when
/// `contents`) other bytes, read and hashed where the modification time is not the one
/// recorded (on several threads: a batch may hold a thousand copies).
fn changed_files(dir: &Path, files: &[(&str, &Entry)], contents: bool) -> Vec<String> {
    let differs = |(name, entry): &(&str, &Entry)| -> bool {
        let path = dir.join(name);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return true;
        };
        if !meta.is_file() || meta.len() != entry.size {
            return true;
        }
        if entry.modified != 0 && modified(&meta) == entry.modified {
            return false;
        }
        contents
            && match crate::input::read::read_bounded(&path, entry.size) {
                Ok(bytes) => sha256(&bytes) != entry.sha256,
                Err(_) => true,
            }
    };
    let threads = if contents {
        std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8))
    } else {
        1
    };
    let chunk = files.len().div_ceil(threads).max(1);
    let mut changed: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|share| {
                scope.spawn(move || {
                    share
                        .iter()
                        .filter(|f| differs(f))
                        .map(|(name, _)| name.to_string())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    changed.sort();
    changed
}

fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A batch being written: a hidden folder beside the target, holding the folder's lock, until
/// [`Staging::commit`] swaps it into place. Dropped without committing, it is removed.
pub struct Staging {
    target: Target,
    dir: PathBuf,
    /// The random part of the staging folder's name, shared by the aside folder.
    token: String,
    brief: String,
    written: Mutex<Vec<Entry>>,
    done: AtomicBool,
    /// Declared last: released after the staging folder is gone.
    _lock: Lock,
}

impl std::fmt::Debug for Staging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staging")
            .field("target", &self.target.path)
            .field("dir", &self.dir)
            .finish()
    }
}

impl Staging {
    /// Starts a batch of `brief`'s files for the folder `target`: takes the folder's lock
    /// (refusing a folder another run is writing), puts right what stopped runs left, and
    /// refuses a target that is not this brief's earlier batch (see [`check`]; here each
    /// file's contents are compared too), all before any file is written.
    pub fn new(target: &Path, brief: &Path) -> Result<(Self, Settled), AppError> {
        let target = Target::resolve(target)?;
        let lock = Lock::take(&target)?;
        let settled = settle(&target)?;
        let brief = recorded(&target, brief);
        ours(&target, &brief, true)?;
        let (dir, token) = make_staging(&target)?;
        // The new folder keeps the mode of the one it replaces (a new one gets the usual).
        if let Ok(meta) = fs::metadata(&target.path) {
            let _ = fs::set_permissions(&dir, meta.permissions());
        }
        let staging = Self {
            target,
            dir,
            token,
            brief,
            written: Mutex::new(Vec::new()),
            done: AtomicBool::new(false),
            _lock: lock,
        };
        staging.write_marker(State::Writing, Vec::new(), "")?;
        Ok((staging, settled))
    }

    /// Where the files go once committed.
    pub fn target(&self) -> &Path {
        &self.target.shown
    }

    /// Writes one file of the batch under `name` (a plain file name, such as from
    /// `jobs::copies::file_names`). It reaches the disk at [`Staging::commit`], which syncs
    /// every file at once.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), AppError> {
        let path = self.dir.join(name);
        let fail = |e: io::Error| {
            AppError::new(format!(
                "cannot write {} ({})",
                self.target.shown.join(name).display(),
                describe_io(&e)
            ))
        };
        fs::write(&path, bytes).map_err(fail)?;
        let meta = fs::metadata(&path).map_err(fail)?;
        let entry = Entry {
            name: name.to_string(),
            size: bytes.len() as u64,
            sha256: sha256(bytes),
            modified: modified(&meta),
        };
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
        Ok(())
    }

    fn write_marker(&self, state: State, files: Vec<Entry>, about: &str) -> Result<(), AppError> {
        let marker = Marker {
            format: FORMAT,
            about: format!(
                "{about}Written by brief {}, which replaces this folder as a whole when it writes these copies again; it lists every file brief wrote here.",
                env!("CARGO_PKG_VERSION")
            ),
            brief: self.brief.clone(),
            state,
            files,
        };
        let mut text = serde_json::to_vec_pretty(&marker).expect("a marker is JSON");
        text.push(b'\n');
        fs::write(self.dir.join(MARKER), text).map_err(|e| self.target.fail(&e))
    }

    /// Puts the finished batch in place, in one step where the system allows it: the marker
    /// (every file with its size and SHA-256, `description` for a reader) is written, every
    /// file synced, and the folder exchanged with the previous batch (`renameat2` with
    /// `RENAME_EXCHANGE` on Linux), whose files are then removed. Where the file system cannot
    /// exchange (overlayfs, NFS, other systems), the previous batch is renamed aside
    /// (`.NAME.XXXXXX.old`) and the new one into place: a run stopped between the two leaves
    /// the previous batch aside, and the next run puts it back.
    pub fn commit(&self, description: &str) -> Result<(), AppError> {
        let mut files = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        self.write_marker(State::Complete, files, &format!("{description} "))?;
        let target = &self.target;
        sync_all_files(&self.dir).map_err(|e| target.fail(&e))?;
        sync_dir(&self.dir);
        if !target.exists() {
            fs::rename(&self.dir, &target.path).map_err(|e| target.fail(&e))?;
            self.done.store(true, Ordering::SeqCst);
            sync_dir(&target.parent);
            return Ok(());
        }
        match exchange(&self.dir, &target.path) {
            Ok(()) => {
                self.done.store(true, Ordering::SeqCst);
                sync_dir(&target.parent);
                // The staging folder's name now holds the previous batch.
                remove_batch(&self.dir);
                return Ok(());
            }
            Err(error) if cross_device(&error) => return Err(target.immovable()),
            Err(error) if !cannot_exchange(&error) => return Err(target.fail(&error)),
            Err(_) => {}
        }
        let aside = target
            .parent
            .join(format!(".{}.{}.old", target.name, self.token));
        fs::rename(&target.path, &aside).map_err(|e| {
            if cross_device(&e) {
                target.immovable()
            } else {
                target.fail(&e)
            }
        })?;
        if let Err(error) = fs::rename(&self.dir, &target.path) {
            let _ = fs::rename(&aside, &target.path);
            return Err(target.fail(&error));
        }
        self.done.store(true, Ordering::SeqCst);
        sync_dir(&target.parent);
        remove_batch(&aside);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done.load(Ordering::SeqCst) {
            remove_batch(&self.dir);
        }
    }
}

/// Exchanges two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether an exchange failed because the system or file system cannot do one (an old
/// kernel, overlayfs, NFS, a sandbox refusing the call), so two renames must do.
fn cannot_exchange(error: &io::Error) -> bool {
    if error.kind() == io::ErrorKind::Unsupported {
        return true;
    }
    #[cfg(unix)]
    if let Some(code) = error.raw_os_error() {
        return [libc::EINVAL, libc::ENOSYS, libc::EOPNOTSUPP, libc::EPERM].contains(&code);
    }
    false
}

/// Makes a new staging folder `.NAME.XXXXXX.partial` beside the target; returns it and its
/// `XXXXXX`.
fn make_staging(target: &Target) -> Result<(PathBuf, String), AppError> {
    use std::hash::{BuildHasher, Hasher};
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut last = None;
    for _ in 0..32 {
        // Random bits without a clock: the standard library's hasher keys are random.
        let mut bits = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let token: String = (0..6)
            .map(|_| {
                let digit = DIGITS[(bits % DIGITS.len() as u64) as usize] as char;
                bits /= DIGITS.len() as u64;
                digit
            })
            .collect();
        let dir = target
            .parent
            .join(format!(".{}.{token}.partial", target.name));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok((dir, token)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(target.fail(&e)),
        }
    }
    Err(target.fail(&last.unwrap_or_else(|| io::Error::other("no free name"))))
}

/// Makes every file in `dir` durable before the folder is put in place (a folder that looks
/// complete after a power cut must hold complete files). The files are synced from many
/// threads at once: the file system then commits them together, where one after another each
/// waits for its own commit (docs/benchmarks.md, Personalized copies).
fn sync_all_files(dir: &Path) -> io::Result<()> {
    let paths: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    let threads = paths.len().clamp(1, 16);
    let chunk = paths.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|share| {
                scope.spawn(move || {
                    share
                        .iter()
                        // Opened for writing: Windows flushes only files opened so.
                        .try_for_each(|path| {
                            fs::OpenOptions::new().write(true).open(path)?.sync_all()
                        })
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// Makes a folder's entries durable (renames into and out of it), where the system allows.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A folder with a brief in it; returns the folder, the brief, and a target beside it.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let brief = dir.path().join("note.yaml");
        fs::write(&brief, "title: x\n").unwrap();
        let target = dir.path().join("copies");
        (dir, brief, target)
    }

    fn batch(target: &Path, brief: &Path, files: &[(&str, &[u8])]) -> Result<(), AppError> {
        let (staging, _) = Staging::new(target, brief)?;
        for (name, bytes) in files {
            staging.write(name, bytes)?;
        }
        staging.commit("Test copies.")
    }

    fn message(result: Result<impl std::fmt::Debug, AppError>) -> String {
        result.unwrap_err().message
    }

    #[test]
    fn a_batch_replaces_its_own_and_leaves_nothing_beside_it() {
        let (dir, brief, target) = setup();
        batch(&target, &brief, &[("a.pdf", b"one")]).unwrap();
        assert_eq!(fs::read(target.join("a.pdf")).unwrap(), b"one");
        let marker = read_marker(&target).unwrap();
        assert_eq!(marker.brief, "note.yaml");
        assert_eq!(marker.state, State::Complete);
        assert_eq!(marker.files.len(), 1);
        assert_eq!(marker.files[0].size, 3);

        // A second batch replaces the first as a whole.
        batch(&target, &brief, &[("b.pdf", b"two")]).unwrap();
        assert_eq!(listing(&target), [MARKER, "b.pdf"]);

        // A batch dropped before its commit leaves the last one and no trace of itself.
        let (staging, _) = Staging::new(&target, &brief).unwrap();
        staging.write("c.pdf", b"three").unwrap();
        drop(staging);
        assert_eq!(fs::read(target.join("b.pdf")).unwrap(), b"two");
        assert_eq!(listing(dir.path()), ["copies", "note.yaml"]);

        // An empty folder is fine, and keeps its mode.
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&empty, fs::Permissions::from_mode(0o750)).unwrap();
            batch(&empty, &brief, &[("d.pdf", b"four")]).unwrap();
            let mode = fs::metadata(&empty).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o750);
        }
    }

    #[test]
    fn anything_brief_did_not_write_is_refused() {
        let (dir, brief, target) = setup();
        batch(&target, &brief, &[("a.pdf", b"one"), ("b.pdf", b"two")]).unwrap();
        // A marker copied into a folder of the user's own files does not make them brief's.
        let mine = dir.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::copy(target.join(MARKER), mine.join(MARKER)).unwrap();
        fs::write(mine.join("report.pdf"), "keep").unwrap();
        fs::create_dir(mine.join("drafts")).unwrap();
        let error = check(&mine, &brief).unwrap_err();
        assert_eq!(
            error.message,
            format!(
                "cannot write copies to {} (it holds the folder `drafts`, which brief did not write)",
                mine.display()
            )
        );
        assert_eq!(error.hints[1], "1 more entry of the folder is not brief's");
        assert!(mine.join("drafts").is_dir() && mine.join("report.pdf").is_file());

        // A file of the batch the user changed: another size at once, the same size by its
        // contents when the batch starts.
        fs::write(target.join("a.pdf"), "ONE").unwrap();
        assert!(check(&target, &brief).is_ok());
        assert!(
            message(Staging::new(&target, &brief))
                .ends_with("(`a.pdf` was changed after brief wrote it)")
        );
        fs::write(target.join("a.pdf"), "longer").unwrap();
        assert!(
            message(check(&target, &brief)).ends_with("(`a.pdf` was changed after brief wrote it)")
        );
        assert_eq!(fs::read(target.join("a.pdf")).unwrap(), b"longer");

        // A marker brief cannot read, or of another version, is not trusted.
        // The same bytes written again (a copy restored from elsewhere) are brief's still.
        fs::write(target.join("a.pdf"), "one").unwrap();
        assert!(Staging::new(&target, &brief).is_ok());
        fs::write(target.join(MARKER), "4 copies\n").unwrap();
        assert!(message(check(&target, &brief)).ends_with(&format!(
            "(its {MARKER} does not list what brief wrote there)"
        )));
        fs::write(target.join(MARKER), r#"{"brief-copies": 2}"#).unwrap();
        assert!(message(check(&target, &brief)).ends_with(&format!(
            "(its {MARKER} is of format 2, which this version of brief does not read)"
        )));
    }

    #[test]
    fn another_brief_s_copies_are_refused() {
        let (dir, brief, target) = setup();
        batch(&target, &brief, &[("a.pdf", b"one")]).unwrap();
        let other = dir.path().join("other.yaml");
        fs::write(&other, "title: y\n").unwrap();
        let error = message(Staging::new(&target, &other));
        assert!(error.starts_with("cannot write copies to "), "{error}");
        assert!(
            error.ends_with("(it holds the copies of note.yaml)")
                || error.contains(&brief.display().to_string()),
            "{error}"
        );
        assert_eq!(fs::read(target.join("a.pdf")).unwrap(), b"one");
    }

    /// Through a symbolic link, the folder the link leads to is replaced and the link stays; a
    /// link to nothing is refused.
    #[cfg(unix)]
    #[test]
    fn a_link_writes_the_folder_it_leads_to() {
        let (dir, brief, target) = setup();
        batch(&target, &brief, &[("a.pdf", b"one")]).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("copies", &link).unwrap();
        batch(&link, &brief, &[("b.pdf", b"two")]).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(listing(&target), [MARKER, "b.pdf"]);
        assert_eq!(listing(dir.path()), ["copies", "link", "note.yaml"]);
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("nowhere", &dangling).unwrap();
        assert!(
            message(check(&dangling, &brief))
                .ends_with("(it is a symbolic link to nowhere, which does not exist)")
        );
    }

    #[test]
    fn a_second_run_on_the_same_folder_is_refused() {
        let (_dir, brief, target) = setup();
        let (first, _) = Staging::new(&target, &brief).unwrap();
        let error = message(Staging::new(&target, &brief));
        assert!(
            error.ends_with(&format!(
                "(another run of brief (process {}) is writing copies there now)",
                std::process::id()
            )),
            "{error}"
        );
        first.write("a.pdf", b"one").unwrap();
        first.commit("Test.").unwrap();
        drop(first);
        // Once it is done, the next run may write.
        batch(&target, &brief, &[("b.pdf", b"two")]).unwrap();
    }

    #[test]
    fn leftovers_are_removed_and_an_interrupted_swap_undone() {
        let (dir, brief, target) = setup();
        batch(&target, &brief, &[("a.pdf", b"one")]).unwrap();
        // A run stopped between its two renames: the batch aside, the new one staged.
        let aside = dir.path().join(".copies.Ab12Cd.old");
        fs::rename(&target, &aside).unwrap();
        let staged = dir.path().join(".copies.Ab12Cd.partial");
        fs::create_dir(&staged).unwrap();
        fs::copy(aside.join(MARKER), staged.join(MARKER)).unwrap();
        fs::write(staged.join("half.pdf"), "%PDF-").unwrap();
        // A batch killed before it wrote a marker (brief 0.1 wrote none while staging).
        let old_style = dir.path().join(".copies.zz9zz9.partial");
        fs::create_dir(&old_style).unwrap();
        fs::write(old_style.join("x.pdf"), "%PDF-").unwrap();
        // Not brief's: another name, a folder inside, a file that is not a PDF.
        for name in [
            ".copies.x.y.partial",
            ".copies.q1.partial",
            ".copies.q2.old",
        ] {
            fs::create_dir(dir.path().join(name)).unwrap();
        }
        fs::create_dir(dir.path().join(".copies.q1.partial/sub")).unwrap();
        fs::write(dir.path().join(".copies.q2.old/notes.txt"), "mine").unwrap();
        fs::write(dir.path().join(".copies.lock"), "999999999").unwrap();

        let settled = check(&target, &brief).unwrap();
        assert!(settled.recovered.is_some());
        assert_eq!(
            settled.removed,
            [".copies.Ab12Cd.partial", ".copies.zz9zz9.partial"]
        );
        assert_eq!(fs::read(target.join("a.pdf")).unwrap(), b"one");
        assert_eq!(
            listing(dir.path()),
            [
                ".copies.q1.partial",
                ".copies.q2.old",
                ".copies.x.y.partial",
                "copies",
                "note.yaml"
            ]
        );
    }
}
