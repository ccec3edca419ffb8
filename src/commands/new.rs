//! `brief new`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief new`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!("{}", AppError::new("`brief new` is not finished yet"));
    1
}
