//! The typst `World`: what a compile can see. The [`Engine`] (standard library and fonts) is
//! built once per process and shared; a [`Compiled`] template is parsed once and reused; a
//! [`BriefWorld`] is a cheap view of both plus one brief's data, so a watch loop makes a new
//! one per rebuild and a batch makes one per copy, all hitting the same comemo caches.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, OnceLock, mpsc};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::package::PackageSpec;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::error::AppError;
use crate::model::brief::Image;
use crate::model::contract::{COPY_PATH, DATA_PATH, PAGE_LIBRARY, SOURCE_PATH};
use crate::model::template::{Template, page_library};
use crate::typeset::budget;
use crate::typeset::fonts::Fonts;

/// The page library's package, `@brief/page:0.1.0`.
static PAGE_SPEC: LazyLock<PackageSpec> = LazyLock::new(|| {
    PAGE_LIBRARY
        .parse()
        .expect("the page library's name is a package spec")
});

/// The page library's files, parsed once per process (they are the same for every template):
/// sources and raw bytes by their id in the package.
static PAGE_FILES: LazyLock<Parsed> = LazyLock::new(|| {
    let root = VirtualRoot::Package(PAGE_SPEC.clone());
    parse(
        &root,
        page_library().map(|(path, bytes)| (path, Bytes::new(bytes))),
    )
});

/// A folder's files for typst: the typst sources parsed, and every file's bytes, by id.
type Parsed = (HashMap<FileId, Source>, HashMap<FileId, Bytes>);

/// Parses the `.typ` files among `files` (paths relative to `root`) and keeps every file's
/// bytes.
fn parse<'p>(root: &VirtualRoot, files: impl Iterator<Item = (&'p str, Bytes)>) -> Parsed {
    let mut sources = HashMap::new();
    let mut bytes_by_id = HashMap::new();
    for (path, bytes) in files {
        let Ok(vpath) = VirtualPath::new(format!("/{path}")) else {
            continue;
        };
        let id = RootedPath::new(root.clone(), vpath).intern();
        if path.ends_with(".typ")
            && let Ok(text) = std::str::from_utf8(&bytes)
        {
            sources.insert(id, Source::new(id, text.to_string()));
        }
        bytes_by_id.insert(id, bytes);
    }
    (sources, bytes_by_id)
}

/// Whether `id` is a file of the page library's package.
fn in_page_library(id: FileId) -> bool {
    matches!(id.root(), VirtualRoot::Package(spec) if *spec == *PAGE_SPEC)
}

/// What [`COPY_PATH`] holds for a build that is not a personalized copy.
const NO_COPY: &[u8] = br#"{"recipient":null}"#;

/// The file typst compiles: the template's entry, then the brief attached as a file. It is our
/// own fixed code (the entry's name comes from the manifest, checked to be a plain path); the
/// brief's data only ever arrives through the JSON file.
const WRAPPER_PATH: &str = "/.brief-main.typ";

fn project_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("our own virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What stays the same for every compile in a process: the standard library and the fonts.
pub struct Engine {
    library: LazyHash<Library>,
    fonts: Fonts,
}

impl Engine {
    /// An engine over these fonts.
    pub fn new(fonts: Fonts) -> Self {
        Self {
            library: LazyHash::new(Library::builder().build()),
            fonts,
        }
    }

    /// An engine over the embedded fonts and those in `folders` (`--font-path`).
    pub fn with_font_folders(folders: &[PathBuf]) -> Result<Self, AppError> {
        let mut fonts = Fonts::embedded();
        for dir in folders {
            fonts.add_dir(dir).map_err(AppError::new)?;
        }
        Ok(Self::new(fonts))
    }

    /// Runs `work` while the engine for `folders` is made on a second core, and returns both;
    /// the page library every template imports is parsed there too. Indexing the fonts of
    /// `--font-path` can take longer than reading and checking a brief.
    pub fn beside<T>(folders: &[PathBuf], work: impl FnOnce() -> T) -> (T, Result<Self, AppError>) {
        std::thread::scope(|scope| {
            let engine = scope.spawn(|| {
                LazyLock::force(&PAGE_FILES);
                Self::with_font_folders(folders)
            });
            let result = work();
            (result, engine.join().expect("font indexing does not panic"))
        })
    }

    /// Runs `check` while a second core makes the engine for `folders`; once `check` names
    /// the brief's template through the callback it is given, that core parses the
    /// template's typst files, then makes ready the faces they name ([`Fonts::warm`]) and
    /// faults in the calling thread's heap ahead of the compile ([`budget::HeapMark`]).
    /// The page library every template imports is parsed by whichever thread is free first:
    /// this one once `check` is done (the second core's part, the engine and the template,
    /// takes longer than checking a brief), else the second core before it warms the faces.
    /// Then runs `rest` with what `check` returned, the engine, and the template parsed
    /// (`None` if `check` named none, or the engine could not be made), while the faces may
    /// still be being made.
    pub fn beside_then<T, R>(
        folders: &[PathBuf],
        check: impl FnOnce(&mut dyn FnMut(&Template)) -> T,
        rest: impl FnOnce(T, Result<&Engine, AppError>, Option<Compiled>) -> R,
    ) -> R {
        let made: OnceLock<Engine> = OnceLock::new();
        let heap = budget::HeapMark::here();
        let outcome = std::thread::scope(|scope| {
            let (ready_tx, ready_rx) = mpsc::channel::<Result<(), AppError>>();
            let (template_tx, template_rx) = mpsc::channel::<Unparsed>();
            let (parsed_tx, parsed_rx) = mpsc::channel::<Compiled>();
            let made = &made;
            scope.spawn(move || {
                let engine = match Self::with_font_folders(folders) {
                    Ok(engine) => made.get_or_init(|| engine),
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let Ok(unparsed) = template_rx.recv() else {
                    return;
                };
                let compiled = unparsed.parse();
                let mut texts: Vec<Source> = compiled.sources.values().cloned().collect();
                let _ = parsed_tx.send(compiled);
                texts.extend(PAGE_FILES.0.values().cloned());
                engine.fonts.warm(texts.iter().map(Source::text));
                // Then the heap the compile and the export will write: a build 0.966 of
                // without (300 alternated pairs), after the faces rather than before them.
                heap.fault_in(budget::FAULT_AHEAD);
            });
            let mut sent = false;
            let result = check(&mut |template| {
                sent = template_tx.send(Unparsed::of(template)).is_ok();
            });
            drop(template_tx);
            LazyLock::force(&PAGE_FILES);
            let engine = ready_rx
                .recv()
                .expect("font indexing does not panic")
                .map(|()| made.get().expect("made before it is ready"));
            let compiled = if sent { parsed_rx.recv().ok() } else { None };
            rest(result, engine, compiled)
        });
        // Made once per process, the engine lasts as long as the process: the system reclaims
        // it at exit, rather than the fonts and the library being freed piece by piece.
        std::mem::forget(made);
        outcome
    }

    /// The fonts.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }
}

/// A template's files, parsed for typst: sources by id, raw bytes by id.
pub struct Compiled {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    /// The template folder's name in diagnostics, such as `templates/background-note`.
    pub display_root: String,
}

impl Compiled {
    /// Parses a template's typst files. The template folder is the root `/`.
    pub fn new(template: &Template) -> Self {
        Unparsed::of(template).parse()
    }

    /// The name diagnostics give a file of this template.
    pub fn display_name(&self, id: FileId) -> String {
        let path = id.vpath().get_without_slash();
        let contract = id.vpath().get_with_slash();
        if contract == DATA_PATH {
            "the brief's data".into()
        } else if contract == COPY_PATH {
            "the copy's recipient".into()
        } else if in_page_library(id) {
            format!("the page library {PAGE_LIBRARY}, {path}")
        } else {
            format!("{}/{path}", self.display_root)
        }
    }

    /// The source text of one of the template's typst files, or of the page library's.
    pub fn source(&self, id: FileId) -> Option<&Source> {
        self.sources.get(&id).or_else(|| PAGE_FILES.0.get(&id))
    }
}

/// A template's files taken out of its [`Template`], to be parsed into a [`Compiled`] on another
/// core while the brief is still being checked.
pub struct Unparsed {
    files: Vec<(String, Bytes)>,
    entry: String,
    display_root: String,
}

impl Unparsed {
    /// The files of `template` (built-in ones are borrowed from the binary, not copied).
    pub fn of(template: &Template) -> Self {
        let files = template
            .files
            .iter()
            .map(|(path, bytes)| {
                let bytes = match bytes {
                    Cow::Borrowed(data) => Bytes::new(*data),
                    Cow::Owned(data) => Bytes::new(data.clone()),
                };
                (path.clone(), bytes)
            })
            .collect();
        Self {
            files,
            entry: template.manifest.entry.clone(),
            display_root: template.display_root.clone(),
        }
    }

    /// Parses the typst files. The template folder is the root `/`.
    pub fn parse(self) -> Compiled {
        let (mut sources, files) = parse(
            &VirtualRoot::Project,
            self.files
                .iter()
                .map(|(path, bytes)| (path.as_str(), bytes.clone())),
        );
        let main = project_id(WRAPPER_PATH);
        let wrapper = format!(
            "#include \"/{entry}\"\n\
             #let brief-build = json(\"{DATA_PATH}\").build\n\
             #if brief-build.attach != none {{\n\
             \x20 pdf.attach(brief-build.attach, read(\"{SOURCE_PATH}\", encoding: none),\n\
             \x20   relationship: \"source\", mime-type: \"application/yaml\",\n\
             \x20   description: \"The brief this document was made from (brief extract writes it out)\")\n\
             }}\n",
            entry = self.entry
        );
        sources.insert(main, Source::new(main, wrapper));
        Compiled {
            main,
            sources,
            files,
            display_root: self.display_root,
        }
    }
}

/// One compile's view: the shared engine, a template, one brief's data and a fixed date.
///
/// Cloning is cheap (the files are shared, not copied), and a clone serves the very same
/// bytes, so typst's caches see the same data file: a batch clones one world per copy and
/// gives each its own [`COPY_PATH`] with [`BriefWorld::with_copy`].
#[derive(Clone)]
pub struct BriefWorld<'a> {
    engine: &'a Engine,
    template: &'a Compiled,
    data: Bytes,
    source: Bytes,
    copy: Bytes,
    today: Option<Datetime>,
    /// Files the brief names (images), by their virtual path's id, with where the brief
    /// names them.
    extra: HashMap<FileId, (Image, Bytes)>,
    /// Keywords put first in the compiled document's metadata, whatever the template sets:
    /// the security marking.
    keywords: Vec<String>,
}

impl<'a> BriefWorld<'a> {
    /// A world that compiles `template` over `data` (the JSON a template reads from
    /// [`DATA_PATH`]). `today` is what `datetime.today()` returns: never the clock.
    pub fn new(
        engine: &'a Engine,
        template: &'a Compiled,
        data: Vec<u8>,
        source: Vec<u8>,
        today: Option<Datetime>,
    ) -> Self {
        Self {
            engine,
            template,
            data: Bytes::new(data),
            source: Bytes::new(source),
            copy: Bytes::new(NO_COPY),
            today,
            extra: HashMap::new(),
            keywords: Vec::new(),
        }
    }

    /// Serves `bytes` as the brief's `image`, at its virtual path.
    pub fn with_image(mut self, image: &Image, bytes: Bytes) -> Self {
        if let Ok(vpath) = VirtualPath::new(&image.virtual_path) {
            let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
            self.extra.insert(id, (image.clone(), bytes));
        }
        self
    }

    /// Puts `keywords` first in the metadata of every document compiled in this world (the
    /// PDF's /Keywords and its XMP, which typst keeps in step).
    pub fn with_keywords(mut self, keywords: Vec<String>) -> Self {
        self.keywords = keywords;
        self
    }

    /// The keywords [`BriefWorld::with_keywords`] gave.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// Serves `source` as the merged brief attached to the PDF ([`SOURCE_PATH`]).
    pub fn with_source(mut self, source: Vec<u8>) -> Self {
        self.source = Bytes::new(source);
        self
    }

    /// Makes this a personalized copy: `copy` is the JSON served at [`COPY_PATH`].
    pub fn with_copy(mut self, copy: Vec<u8>) -> Self {
        self.copy = Bytes::new(copy);
        self
    }

    /// The name diagnostics give a file the brief named, if `id` is one.
    pub fn display_name(&self, id: FileId) -> Option<String> {
        self.image(id).map(|image| image.host.display().to_string())
    }

    /// The brief's image served as `id`, if it is one.
    pub fn image(&self, id: FileId) -> Option<&Image> {
        self.extra.get(&id).map(|(image, _)| image)
    }
}

impl World for BriefWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        self.template.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.template.source(id) {
            Some(source) => Ok(source.clone()),
            None => match self.file(id) {
                Ok(_) => Err(FileError::NotSource),
                Err(error) => Err(error),
            },
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root()
            && *spec != *PAGE_SPEC
        {
            return Err(FileError::Other(Some(
                format!(
                    "packages cannot be downloaded ({spec}); the only package brief serves is its page library {PAGE_LIBRARY}: copy other packages' files into the template folder and import them by path"
                )
                .into(),
            )));
        }
        // The contract's paths read the same files in the template and in the page library.
        let path = id.vpath().get_with_slash();
        match path {
            DATA_PATH => return Ok(self.data.clone()),
            SOURCE_PATH => return Ok(self.source.clone()),
            COPY_PATH => return Ok(self.copy.clone()),
            _ => {}
        }
        if in_page_library(id) {
            return PAGE_FILES.1.get(&id).cloned().ok_or_else(|| {
                FileError::Other(Some(
                    format!("the page library {PAGE_LIBRARY} has no file `{path}`").into(),
                ))
            });
        }
        if let Some((_, bytes)) = self.extra.get(&id) {
            return Ok(bytes.clone());
        }
        self.template.files.get(&id).cloned().ok_or_else(|| {
            FileError::Other(Some(
                format!("the template has no file `{}`", id.vpath().get_with_slash()).into(),
            ))
        })
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
