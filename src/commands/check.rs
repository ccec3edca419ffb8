//! `brief check`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief check`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!("{}", AppError::new("`brief check` is not finished yet"));
    1
}
