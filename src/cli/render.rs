//! What `brief build` and `brief watch` share: the files a build writes (`-o`, `--format`,
//! `--pages`, `--ppi`) and how they are named in what the command says.

use std::path::Path;

use crate::cli::args::{OutputFormat, RenderArgs};
use crate::error::AppError;
use crate::output::Output;
use crate::typeset::preview::{PictureFormat, PictureOptions, Plan};

/// Pixels per inch of PNG pictures unless `--ppi` says otherwise: a letter page is then 1224 by
/// 1584 pixels, sharp on a laptop screen and small enough to attach to an e-mail.
pub const DEFAULT_PPI: u32 = 144;

/// The output plan from the command line.
pub fn plan(brief: &Path, output: Option<&Output>, render: &RenderArgs) -> Result<Plan, AppError> {
    let mut formats = Vec::new();
    for format in &render.formats {
        let picture = match format {
            OutputFormat::Pdf => continue,
            OutputFormat::Png => PictureFormat::Png,
            OutputFormat::Svg => PictureFormat::Svg,
        };
        if !formats.contains(&picture) {
            formats.push(picture);
        }
    }
    if render.ppi.is_some() && !formats.contains(&PictureFormat::Png) {
        return Err(
            AppError::usage("--ppi sets the size of PNG pictures, but none are asked for")
                .with_hint("add --format png"),
        );
    }
    let options = PictureOptions {
        formats,
        ppi: render.ppi.unwrap_or(DEFAULT_PPI) as f32,
    };
    Plan::new(
        brief,
        output,
        render.formats.contains(&OutputFormat::Pdf),
        options,
        render.pages.clone(),
    )
}

/// The files written, in a few words: `note.pdf, note-1.png, note-2.png`, or for many pages
/// `note.pdf, note-01.png … note-12.png`.
pub fn describe_files(files: &[(Output, Vec<u8>)]) -> String {
    let names: Vec<String> = files.iter().map(|(o, _)| o.to_string()).collect();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < names.len() {
        let ext = |n: &str| n.rsplit_once('.').map(|(_, e)| e.to_string());
        let mut j = i + 1;
        while j < names.len() && ext(&names[j]) == ext(&names[i]) {
            j += 1;
        }
        if j - i > 3 {
            parts.push(format!("{} … {}", names[i], names[j - 1]));
        } else {
            parts.extend(names[i..j].iter().cloned());
        }
        i = j;
    }
    parts.join(", ")
}
