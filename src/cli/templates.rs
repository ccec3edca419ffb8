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

/// The listing: one template a line, name, description and origin in aligned columns.
pub fn table(registry: &Registry) -> String {
    let rows: Vec<[String; 3]> = registry
        .list()
        .into_iter()
        .map(|t| {
            let origin = match t.origin {
                Origin::BuiltIn => "built-in".to_string(),
                Origin::Folder(dir) => dir.display().to_string(),
            };
            [t.name, t.description, origin]
        })
        .collect();
    let name_width = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let description_width = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for [name, description, origin] in rows {
        out.push_str(&format!(
            "{name:<name_width$}  {description:<description_width$}  {origin}\n"
        ));
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
