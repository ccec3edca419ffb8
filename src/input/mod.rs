//! Reading the brief's files: text within limits, YAML into trees that remember each value's
//! place, and the layers (`extends`, `--set`) merged into one tree.

pub mod layers;
pub mod read;
pub mod yaml;
