//! `brief completions`: being written.

use super::Context;
use crate::error::AppError;

/// Runs `brief completions`; returns the exit code.
pub fn run(_ctx: &Context) -> u8 {
    eprintln!(
        "{}",
        AppError::new("`brief completions` is not finished yet")
    );
    1
}
