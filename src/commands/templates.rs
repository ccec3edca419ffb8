//! `brief templates`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief templates`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!("{}", AppError::new("`brief templates` is not finished yet"));
    1
}
