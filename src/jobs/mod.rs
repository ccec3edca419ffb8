//! The jobs a command runs: one build (a brief's editions to PDF and pictures), a batch of one
//! job per item on every core, personalized copies, the handout bundle and name tents.

pub mod batch;
pub mod build;
pub mod copies;
pub mod handout;
