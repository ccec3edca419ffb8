//! The template contract: the virtual files a template reads (the brief's checked data, the
//! merged brief attached to the PDF, and what differs between personalized copies) and the
//! page library served as the package [`PAGE_LIBRARY`]. These are what a template of one's own
//! relies on; the typst world serves them and the template linter follows reads of them.

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
