//! `brief schema`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief schema`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!("{}", AppError::new("`brief schema` is not finished yet"));
    1
}
