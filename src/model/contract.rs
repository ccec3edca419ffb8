//! The template contract: what a template may rely on. It is versioned ([`VERSION`]): the
//! virtual files a template reads (the brief's checked data, the merged brief attached to the
//! PDF, and what differs between personalized copies), the page library served as the package
//! [`PAGE_LIBRARY`], and the manifest's keys. The typst world serves the files and the library;
//! the template linter follows reads of them; docs/templates.md documents every key.
//! A template declares the version it was written for with `contract:` in its manifest.

/// The version of the template contract this `brief` serves.
pub const VERSION: u32 = 2;

/// What each version of the contract changed, oldest first: (version, what changed). A
/// template declaring another version is told what lies between it and [`VERSION`].
pub const HISTORY: &[(u32, &str)] = &[
    (
        1,
        "first versioned contract: /.brief/data.json (fields, build), /.brief/source.yaml, \
         /.brief/copy.json, the page library @brief/page:0.1.0, the manifest keys \
         name, description, entry, document-date, contract and fields",
    ),
    (
        2,
        "security markings and house rules: data.build.marking (level, text, caveat, \
         sensitive); the page library's marking, marking-lines, marking-mark and one-line, \
         its header on one line (a long title cut with an ellipsis); the manifest keys rules, \
         pdf-standard and part; the blank-page template also ends odd copies in merged print \
         files, its marking in its header",
    ),
];

/// What changed after version `from` up to this brief's [`VERSION`] (or, for a template newer
/// than this brief, nothing this brief knows of): the lines of [`HISTORY`] between the two.
pub fn changes_since(from: u32) -> Vec<(u32, &'static str)> {
    HISTORY
        .iter()
        .filter(|(version, _)| *version > from && *version <= VERSION)
        .copied()
        .collect()
}

/// The virtual path where a template finds the brief's checked data, as JSON.
pub const DATA_PATH: &str = "/.brief/data.json";

/// The virtual path of the merged brief, attached to the PDF so it can be extracted again.
pub const SOURCE_PATH: &str = "/.brief/source.yaml";

/// The virtual path of what differs between personalized copies of one brief (who the copy
/// is for), as JSON: `{"recipient": null}` for an ordinary build. Kept apart from
/// [`DATA_PATH`] so that copies share everything typst derived from the brief's data.
pub const COPY_PATH: &str = "/.brief/copy.json";

/// The page library's package, as a template imports it: `#import "@brief/page:0.1.0": *`.
/// Its files are served from the binary; inside it, the paths above read the same files.
pub const PAGE_LIBRARY: &str = "@brief/page:0.1.0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_runs_from_1_to_the_current_version() {
        let versions: Vec<u32> = HISTORY.iter().map(|(v, _)| *v).collect();
        assert_eq!(versions, (1..=VERSION).collect::<Vec<_>>());
        assert!(changes_since(VERSION).is_empty());
        assert_eq!(changes_since(0).len(), HISTORY.len());
    }
}
