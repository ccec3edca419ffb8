//! `brief schema`: the JSON Schema of a template's fields, for editors.

use crate::cli::args::SchemaArgs;
use crate::cli::context::Context;
use crate::diag::Files;

/// Runs `brief schema`; returns the exit code.
pub fn run(ctx: &Context, args: &SchemaArgs) -> u8 {
    let mut files = Files::default();
    match super::templates::load(&args.template, args.templates.as_deref(), &mut files) {
        Ok(template) => {
            let schema = crate::check::schema::schema(&template);
            let mut text = serde_json::to_string_pretty(&schema).expect("JSON values serialize");
            text.push('\n');
            ctx.print(text.as_bytes())
        }
        Err(failure) => ctx.report(&files, failure),
    }
}
