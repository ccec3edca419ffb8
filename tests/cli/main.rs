//! End-to-end tests: the real `brief` binary run in temporary folders, and the library
//! typesetting in-process. One module per feature; fixtures live in tests/fixtures/.

mod build;
mod errors;
mod help;
mod literal;
mod new;
mod output;
mod schema;
mod template_errors;
mod templates;
mod util;
