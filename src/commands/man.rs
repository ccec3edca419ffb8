//! `brief man`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief man`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!("{}", AppError::new("`brief man` is not finished yet"));
    1
}
