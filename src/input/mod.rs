//! Reading the brief's files: text within limits, images checked by what they declare, YAML into trees that remember each value's
//! place, and the layers (`extends`, `--set`) merged into one tree.

pub mod image;
pub mod layers;
pub mod read;
pub mod yaml;
