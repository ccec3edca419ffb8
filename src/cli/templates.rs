//! `brief templates`: every template `brief` can find, what it makes, and where it comes from.

use std::path::Path;

use crate::cli::args::TemplatesArgs;
use crate::cli::context::Context;
use crate::diag::Files;
use crate::error::AppError;
use crate::error::Failure;
use crate::model::template::{Origin, Registry, Template};

/// Runs `brief templates`; returns the exit code.
pub fn run(ctx: &Context, args: &TemplatesArgs) -> u8 {
    let registry = match registry(args.templates.as_deref()) {
        Ok(registry) => registry,
        Err(error) => return ctx.report(&Files::default(), error.into()),
    };
    ctx.print(table(&registry).as_bytes())
}

/// The listing: the templates a writer chooses among, one a line (name, description and
/// origin in aligned columns, the layouts on a line below), then the handout's parts apart.
pub fn table(registry: &Registry) -> String {
    let listed = registry.list();
    let rows: Vec<[String; 3]> = listed
        .iter()
        .map(|t| {
            let origin = match &t.origin {
                Origin::BuiltIn => "built-in".to_string(),
                Origin::Folder(dir) => dir.display().to_string(),
            };
            [t.name.clone(), t.description.clone(), origin]
        })
        .collect();
    let name_width = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let description_width = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for part in [false, true] {
        if part && listed.iter().any(|t| t.part) {
            out.push_str(
                "\nhandout parts (brief handout puts them in; --templates DIR can replace them):\n",
            );
        }
        for (t, [name, description, origin]) in listed.iter().zip(&rows) {
            if t.part != part {
                continue;
            }
            let line = format!("{name:<name_width$}  {description:<description_width$}  {origin}");
            out.push_str(line.trim_end());
            out.push('\n');
            if !t.layouts.is_empty() {
                out.push_str(&format!(
                    "{:name_width$}  layouts: {}\n",
                    "",
                    t.layouts.join(", ")
                ));
            }
        }
    }
    out
}

/// The registry of a command's `--templates DIR`, which must be a folder when given.
pub fn registry(explicit: Option<&Path>) -> Result<Registry, AppError> {
    if let Some(dir) = explicit
        && !dir.is_dir()
    {
        return Err(AppError::new(format!(
            "cannot read the templates folder {} (it is not a folder)",
            dir.display()
        ))
        .with_hint("--templates names a folder holding one folder per template"));
    }
    Ok(Registry::new(explicit, None))
}

/// Loads the template `name` (or folder) of a command's `--templates DIR`.
pub fn load(name: &str, explicit: Option<&Path>, files: &mut Files) -> Result<Template, Failure> {
    let registry = registry(explicit)?;
    Ok(registry.load(name, files, None)?)
}
