//! End-to-end tests: the real `brief` binary run in temporary folders, and the library
//! typesetting in-process. One module per feature; fixtures live in tests/fixtures/.

mod agenda;
mod bilingual;
mod build;
mod contract;
mod copies;
mod errors;
mod handout;
mod hardening;
mod help;
mod hostile;
mod images;
mod layers;
mod literal;
mod locales;
mod margins;
mod markdown;
mod new;
mod output;
mod page_limit;
mod previews;
mod props;
mod revisions;
mod rich_blocks;
mod schema;
mod standards;
mod template_errors;
mod templates;
mod typography;
mod util;
mod validation;
mod warnings;
mod watch;
