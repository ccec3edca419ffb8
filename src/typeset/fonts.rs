//! Fonts: the faces embedded in the binary (typst's own and those the built-in templates ship),
//! plus any from `--font-path`. Faces are indexed once and parsed only when typst asks for them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value as Json;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
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

/// The fonts a compile may use, indexed in a [`FontBook`].
pub struct Fonts {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
}

impl Fonts {
    /// The embedded fonts only: the same set on every machine, so output never depends on it.
    pub fn embedded() -> Self {
        let mut fonts = Fonts {
            book: LazyHash::new(FontBook::new()),
            slots: Vec::new(),
        };
        for data in typst_assets::fonts().chain(crate::model::template::builtin_fonts()) {
            fonts.add(Bytes::new(data));
        }
        fonts
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
