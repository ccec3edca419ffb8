//! Fonts: the faces embedded in the binary (typst's own and those the built-in templates ship),
//! plus any from `--font-path`. The embedded faces' index is made ahead of time (the committed
//! `embedded-fonts.json`), other faces are indexed once, and a face is parsed only when typst
//! asks for it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value as Json;

use serde::Deserialize;
use serde::de::value::SeqDeserializer;
use typst::foundations::Bytes;
use typst::text::{Coverage, Font, FontAxis, FontBook, FontFlags, FontInfo, FontVariant};
use typst::utils::LazyHash;

use crate::diag::{Diagnostic, did_you_mean};
use crate::input::read::read_bounded;
use crate::model::brief::{Brief, Provenance};
use crate::model::template::Kind;
use crate::text::is_invisible;

/// One face: where its bytes are, and the parsed font once somebody needed it.
struct Slot {
    data: Bytes,
    index: u32,
    font: OnceLock<Option<Font>>,
}

/// The largest font file read, in bytes: a collection of every CJK weight is about 120 MB.
pub const MAX_FONT_BYTES: u64 = 256 * 1024 * 1024;

/// The largest font file [`Fonts::warm`] makes ready ahead of need: Latin faces are well
/// under it, a CJK face (4.6 MB for NanumGothic) over it.
pub const WARM_MAX_BYTES: usize = 2 * 1024 * 1024;

/// The fonts a compile may use, indexed in a [`FontBook`].
pub struct Fonts {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
}

/// The index of the embedded faces, made ahead of time from the very files the binary embeds
/// (a test makes it again and compares; `BLESS=1` rewrites it), so that no embedded font is
/// read before typst needs one of its glyphs. Indexing them at start-up took about 20 million
/// instructions, a tenth of a build.
const EMBEDDED_BOOK: &str = include_str!("embedded-fonts.json");

/// What `embedded-fonts.json` holds.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct EmbeddedBook {
    /// The length in bytes of each embedded font file, in the order [`embedded_files`] gives
    /// them: the book is used only for files of exactly these lengths.
    files: Vec<usize>,
    /// Every face, in the order [`FontInfo::new`] finds them.
    faces: Vec<EmbeddedFace>,
}

/// One face of an embedded font file: its [`FontInfo`], field by field.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct EmbeddedFace {
    /// The file it is in: its place in [`EmbeddedBook::files`].
    file: usize,
    /// Its index in the file (a collection has several faces).
    index: u32,
    family: String,
    variant: FontVariant,
    flags: FontFlags,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    axes: Vec<FontAxis>,
    /// The runs of typst's [`Coverage`] (alternately codepoints outside and inside), as
    /// decimal numbers separated by spaces: read several times faster than a JSON array.
    coverage: String,
}

impl EmbeddedFace {
    fn new(file: usize, index: u32, info: FontInfo) -> Self {
        // typst keeps the runs private; they are what a coverage serializes to.
        let runs: Vec<u32> = serde_json::to_value(&info.coverage).map_or(Vec::new(), |runs| {
            serde_json::from_value(runs).unwrap_or_default()
        });
        let coverage = runs
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            file,
            index,
            family: info.family,
            variant: info.variant,
            flags: info.flags,
            axes: info.axes,
            coverage,
        }
    }

    /// The face's info; `None` if the coverage is not a list of numbers.
    fn info(self) -> Option<FontInfo> {
        let runs = self
            .coverage
            .split_ascii_whitespace()
            .map(str::parse::<u32>)
            .collect::<Result<Vec<u32>, _>>()
            .ok()?;
        let runs = SeqDeserializer::<_, serde::de::value::Error>::new(runs.into_iter());
        Some(FontInfo {
            family: self.family,
            variant: self.variant,
            flags: self.flags,
            axes: self.axes,
            coverage: Coverage::deserialize(runs).ok()?,
        })
    }
}

/// The embedded font files: typst's own, then those the built-in templates ship.
fn embedded_files() -> Vec<&'static [u8]> {
    typst_assets::fonts()
        .chain(crate::model::template::builtin_fonts())
        .collect()
}

impl EmbeddedBook {
    /// Indexes `files` the slow way, reading every face.
    fn index(files: &[&[u8]]) -> Self {
        let mut faces = Vec::new();
        for (file, data) in files.iter().enumerate() {
            let mut index = 0;
            while let Some(info) = FontInfo::new(data, index) {
                faces.push(EmbeddedFace::new(file, index, info));
                index += 1;
            }
        }
        Self {
            files: files.iter().map(|data| data.len()).collect(),
            faces,
        }
    }

    /// The book made ahead of time, if it describes `files`: else (a font added or changed
    /// without the book made again, which the tests catch) `None`.
    fn known(files: &[&[u8]]) -> Option<Self> {
        let book: Self = serde_json::from_str(EMBEDDED_BOOK).ok()?;
        let lengths = files.iter().map(|data| data.len());
        let matches = book.files.len() == files.len() && book.files.iter().copied().eq(lengths);
        let in_range = book.faces.iter().all(|face| face.file < files.len());
        (matches && in_range).then_some(book)
    }
}

impl Fonts {
    /// The embedded fonts only: the same set on every machine, so output never depends on it.
    pub fn embedded() -> Self {
        let files = embedded_files();
        let book = EmbeddedBook::known(&files).unwrap_or_else(|| EmbeddedBook::index(&files));
        let data: Vec<Bytes> = files.iter().copied().map(Bytes::new).collect();
        let mut infos = Vec::with_capacity(book.faces.len());
        let mut slots = Vec::with_capacity(book.faces.len());
        for face in book.faces {
            let (file, index) = (face.file, face.index);
            let Some(info) = face.info().or_else(|| FontInfo::new(files[file], index)) else {
                continue;
            };
            infos.push(info);
            slots.push(Slot {
                data: data[file].clone(),
                index,
                font: OnceLock::new(),
            });
        }
        Fonts {
            book: LazyHash::new(FontBook::from_infos(infos)),
            slots,
        }
    }

    /// Adds every font file found below `dir`; returns how many faces were added, or why a
    /// font file could not be read (`cannot read ...`, in words). Each file is read within
    /// [`MAX_FONT_BYTES`], and one that is not a regular file is refused without waiting.
    pub fn add_dir(&mut self, dir: &Path) -> Result<usize, String> {
        let mut added = 0;
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| {
                format!(
                    "cannot read fonts from {} ({})",
                    dir.display(),
                    crate::error::describe_io(&e)
                )
            })?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                added += self.add_dir(&path)?;
                continue;
            }
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if matches!(ext.as_str(), "ttf" | "otf" | "ttc" | "otc") {
                let bytes = read_bounded(&path, MAX_FONT_BYTES).map_err(|e| {
                    format!(
                        "cannot read the font {} ({})",
                        path.display(),
                        e.describe("a font file")
                    )
                })?;
                added += self.add(Bytes::new(bytes));
            }
        }
        Ok(added)
    }

    fn add(&mut self, data: Bytes) -> usize {
        let mut index = 0;
        while let Some(info) = FontInfo::new(&data, index) {
            self.book.push(info);
            self.slots.push(Slot {
                data: data.clone(),
                index,
                font: OnceLock::new(),
            });
            index += 1;
        }
        index as usize
    }

    /// The index of every face.
    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The face at `index` in the book, parsed on first use.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| Font::new(slot.data.clone(), slot.index))
            .clone()
    }

    /// Makes ready, ahead of the compile that will ask for them, every face of the families
    /// that `texts` (a template's typst files) name in a string literal, such as `"Lato"`:
    /// each is parsed and its file hashed, as typst does the first time one of its cached
    /// functions sees a face (about two million instructions a megabyte), so that work is
    /// done here, on another core, while the brief is checked and evaluated. The smallest
    /// files come first; a file over [`WARM_MAX_BYTES`] (a CJK face) is left until a glyph
    /// needs it. A face the compile asks for meanwhile is made once, by whichever comes first.
    pub fn warm<'t>(&self, texts: impl IntoIterator<Item = &'t str>) {
        let mut named: Vec<usize> = Vec::new();
        for text in texts {
            for literal in text.split('"').skip(1).step_by(2) {
                named.extend(self.book.select_family(&literal.to_lowercase()));
            }
        }
        named.retain(|&i| self.slots[i].data.len() <= WARM_MAX_BYTES);
        named.sort_by_key(|&i| (self.slots[i].data.len(), i));
        named.dedup();
        for index in named {
            if let Some(font) = self.font(index) {
                typst::utils::hash128(&font);
            }
        }
    }

    /// Whether some face can print `c`; typst falls back to any face that covers a character,
    /// so a character none covers prints as an empty box, without a word from typst.
    pub fn covers(&self, c: char) -> bool {
        (0..self.slots.len()).any(|i| {
            self.book
                .info(i)
                .is_some_and(|info| info.coverage.contains(c as u32))
        })
    }

    /// A warning for each character of the briefs' fields that no font has (typst would
    /// print it as an empty box, silently), at the first field that has it; a character
    /// missing from several briefs (the editions of one brief, a handout's parts) is reported
    /// once.
    pub fn missing_glyphs<'b>(
        &self,
        briefs: impl IntoIterator<Item = &'b Brief>,
    ) -> Vec<Diagnostic> {
        let mut missing: Vec<Diagnostic> = Vec::new();
        for brief in briefs {
            for warning in self.missing_in(&brief.origins) {
                if !missing.contains(&warning) {
                    missing.push(warning);
                }
            }
        }
        missing
    }

    /// A warning for each character of the brief's values that no face can print, naming the
    /// character and the first field it is in (and how many other fields hold it). Each
    /// distinct character is looked up once, so this costs little even for a long brief.
    fn missing_in(&self, origins: &[Provenance]) -> Vec<Diagnostic> {
        let mut known: HashMap<char, bool> = HashMap::new();
        // (character, first place, how many other fields)
        let mut missing: Vec<(char, &Provenance, usize)> = Vec::new();
        for origin in origins {
            let mut chars = Vec::new();
            strings(&origin.value, &mut |s| chars.extend(s.chars()));
            let mut seen_here = Vec::new();
            for c in chars {
                if is_invisible(c) || seen_here.contains(&c) {
                    continue;
                }
                seen_here.push(c);
                if *known.entry(c).or_insert_with(|| self.covers(c)) {
                    continue;
                }
                match missing.iter_mut().find(|(m, _, _)| *m == c) {
                    Some((_, _, others)) => *others += 1,
                    None => missing.push((c, origin, 0)),
                }
            }
        }
        missing
            .into_iter()
            .map(|(c, origin, others)| {
                let mut warning = Diagnostic::warning(
                    Some(origin.span),
                    format!(
                        "no font has the character U+{:04X} ({c}); it prints as an empty box",
                        c as u32
                    ),
                )
                .with_field(&origin.path);
                if others > 0 {
                    let s = if others == 1 { "" } else { "s" };
                    warning
                        .notes
                        .push(format!("it is also in {others} other field{s}"));
                }
                warning
                    .hints
                    .push("replace it, or add a font that has it with --font-path".into());
                warning
            })
            .collect()
    }

    /// An error for each font family a brief names (a field of type `font`) that no face has,
    /// with the nearest family as "did you mean".
    pub fn unknown_families<'b>(
        &self,
        briefs: impl IntoIterator<Item = &'b Brief>,
    ) -> Vec<Diagnostic> {
        let mut errors: Vec<Diagnostic> = Vec::new();
        for brief in briefs {
            for origin in &brief.origins {
                let Some(family) = origin.value.as_str() else {
                    continue;
                };
                let is_font = brief
                    .template
                    .manifest
                    .field_at(&origin.path)
                    .is_some_and(|f| f.kind == Kind::Font);
                if !is_font || self.book.contains_family(&family.to_lowercase()) {
                    continue;
                }
                let families: Vec<&str> = self.book.families().map(|(name, _)| name).collect();
                let mut error = Diagnostic::error(
                    Some(origin.span),
                    format!("no font has the family `{family}`"),
                )
                .with_field(&origin.path);
                match did_you_mean(family, families.iter().copied()) {
                    Some(near) => error.hints.push(format!("did you mean `{near}`?")),
                    None => error
                        .notes
                        .push(format!("the families are: {}", families.join(", "))),
                }
                error
                    .hints
                    .push("`brief build --font-path DIR` adds the fonts of a folder".into());
                if !errors.contains(&error) {
                    errors.push(error);
                }
            }
        }
        errors
    }

    /// How many faces there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Calls `f` with every string in a checked value, except the machine-readable parts of dates
/// (`iso`, `precision`) and of rich blocks (`kind`), which are never printed.
fn strings(value: &Json, f: &mut impl FnMut(&str)) {
    match value {
        Json::String(s) => f(s),
        Json::Array(items) => items.iter().for_each(|v| strings(v, f)),
        Json::Object(map) => {
            for (key, v) in map {
                if !matches!(key.as_str(), "iso" | "precision" | "kind") {
                    strings(v, f);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK_PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/typeset/embedded-fonts.json"
    );

    /// The book as committed: one face a line, so that a changed font shows as a changed line.
    fn to_text(book: &EmbeddedBook) -> String {
        let files = serde_json::to_string(&book.files).expect("lengths serialize");
        let faces: Vec<String> = book
            .faces
            .iter()
            .map(|face| serde_json::to_string(face).expect("a face serializes"))
            .collect();
        format!(
            "{{\"files\":{files},\"faces\":[\n{}\n]}}\n",
            faces.join(",\n")
        )
    }

    /// The committed book is the one the embedded font files give today.
    #[test]
    fn embedded_book_describes_the_embedded_fonts() {
        let files = embedded_files();
        let fresh = EmbeddedBook::index(&files);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(BOOK_PATH, to_text(&fresh)).expect("the book is writable");
            return;
        }
        let committed: EmbeddedBook =
            serde_json::from_str(EMBEDDED_BOOK).expect("the committed book parses");
        assert!(
            committed == fresh,
            "src/typeset/embedded-fonts.json no longer describes the embedded fonts: run `BLESS=1 cargo test --release --lib fonts::` and commit it"
        );
        assert_eq!(
            to_text(&fresh),
            EMBEDDED_BOOK,
            "the book is written as the test writes it"
        );
        assert!(EmbeddedBook::known(&files).is_some());
    }

    /// A book made for other files (one more, one fewer, one of another length) is not used.
    #[test]
    fn a_book_for_other_files_is_not_used() {
        let files = embedded_files();
        assert!(EmbeddedBook::known(&files[..files.len() - 1]).is_none());
        let mut more = files.clone();
        more.push(files[0]);
        assert!(EmbeddedBook::known(&more).is_none());
        let mut other = files.clone();
        other[0] = &files[0][..files[0].len() - 1];
        assert!(EmbeddedBook::known(&other).is_none());
    }

    /// The fonts made from the book serve every face as parsing its file does, in the
    /// book's order.
    #[test]
    fn fonts_from_the_book_are_the_faces_of_the_files() {
        let fonts = Fonts::embedded();
        let files = embedded_files();
        let parsed: Vec<Font> = files
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        assert_eq!(fonts.len(), parsed.len());
        for (i, expected) in parsed.iter().enumerate() {
            let font = fonts.font(i).expect("every face parses");
            assert_eq!(font.info(), expected.info());
            assert_eq!(fonts.book().info(i), Some(expected.info()));
            assert_eq!(font.index(), expected.index());
        }
    }

    /// Warming makes every face of the families a template names, and only those, leaving
    /// a large CJK file until a glyph needs it.
    #[test]
    fn warming_makes_the_faces_of_the_families_named() {
        let fonts = Fonts::embedded();
        let template = r#"#set text(font: ("Lato", "NanumGothic"), lang: "en")
#let serif = "libertinus serif" // the case of a family does not matter
"#;
        fonts.warm([template, "#text(font: \"No Such Family\")[x]"]);
        let made: Vec<String> = (0..fonts.len())
            .filter(|&i| fonts.slots[i].font.get().is_some())
            .map(|i| fonts.book().info(i).expect("in the book").family.clone())
            .collect();
        let count = |family: &str| made.iter().filter(|f| *f == family).count();
        assert_eq!(count("Lato"), 5, "{made:?}");
        assert_eq!(count("Libertinus Serif"), 6, "{made:?}");
        assert_eq!(count("NanumGothic"), 0, "a large file waits: {made:?}");
        assert_eq!(made.len(), 11, "nothing else is made: {made:?}");
        // A face made ahead serves the compile as one made on demand.
        let lato = fonts
            .book()
            .select("lato", FontVariant::default())
            .expect("Lato");
        assert_eq!(fonts.font(lato).expect("made").info().family, "Lato");
    }
}
