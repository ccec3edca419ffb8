//! What a brief and a template are: template manifests and the registry that finds them, the
//! contract a template reads, the checked brief, languages and locales, dates, typographic
//! quotes, paper, and security markings.

pub mod brief;
pub mod contract;
pub mod dates;
pub mod locale;
pub mod marking;
pub mod print;
pub mod quotes;
pub mod ranges;
pub mod standard;
pub mod template;
