//! Fonts: the faces embedded in the binary (typst's own and those the built-in templates ship),
//! plus any from `--font-path`. Faces are indexed once and parsed only when typst asks for them.

use std::path::Path;
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// One face: where its bytes are, and the parsed font once somebody needed it.
struct Slot {
    data: Bytes,
    index: u32,
    font: OnceLock<Option<Font>>,
}

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
        for data in typst_assets::fonts().chain(crate::template::builtin_fonts()) {
            fonts.add(Bytes::new(data));
        }
        fonts
    }

    /// Adds every font file found below `dir`; returns how many faces were added.
    pub fn add_dir(&mut self, dir: &Path) -> std::io::Result<usize> {
        let mut added = 0;
        let mut entries: Vec<_> = std::fs::read_dir(dir)?
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
                added += self.add(Bytes::new(std::fs::read(&path)?));
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

    /// How many faces there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
