//! `brief show`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief show`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!("{}", AppError::new("`brief show` is not finished yet"));
    1
}
