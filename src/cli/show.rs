//! `brief show`: the data a template receives after every layer is merged and checked, each
//! value with the file and line that set it.

use serde_json::Value as Json;

use crate::check::load;
use crate::cli::args::ShowArgs;
use crate::cli::context::Context;
use crate::diag::Files;
use crate::error::Failure;
use crate::model::brief::Provenance;
use crate::model::template::Origin;

/// How many characters of a value a full listing prints before `…`.
const SHORT: usize = 48;

/// Runs `brief show`; returns the exit code.
pub fn run(ctx: &Context, args: &ShowArgs) -> u8 {
    let mut files = Files::default();
    match show(args, &mut files) {
        Ok(text) => ctx.print(text.as_bytes()),
        Err(failure) => ctx.report(&files, failure),
    }
}

fn show(args: &ShowArgs, files: &mut Files) -> Result<String, Failure> {
    let brief = load::load(&args.brief, &args.input.sources(), files)?;
    let mut rows: Vec<(String, String)> = Vec::new();
    let template_place = match brief.template_at {
        Some(span) => place(files, span.file, span.start),
        None => "(the default template)".into(),
    };
    let origin = match &brief.template.origin {
        Origin::BuiltIn => String::from("built-in"),
        Origin::Folder(dir) => dir.display().to_string(),
    };
    if args.path.is_none() {
        rows.push((
            format!("template: {} ({origin})", brief.template.manifest.name),
            template_place,
        ));
    }
    let selected: Vec<&Provenance> = brief
        .origins
        .iter()
        .filter(|o| match &args.path {
            None => true,
            Some(p) => {
                o.path == *p
                    || o.path.starts_with(&format!("{p}."))
                    || o.path.starts_with(&format!("{p}["))
            }
        })
        .collect();
    if selected.is_empty()
        && let Some(path) = &args.path
    {
        return Err(crate::error::AppError::new(format!("the brief has no field `{path}`"))
            .with_hint("paths look like `event.date` or `milestones[2].text`; `brief show BRIEF` lists them all")
            .into());
    }
    let full = args.path.is_some();
    for origin in selected {
        let value = render(&origin.value, full);
        let mut at = place(files, origin.span.file, origin.span.start);
        if origin.default {
            at.push_str(" (default)");
        }
        rows.push((format!("{}: {value}", origin.path), at));
    }
    let width = rows
        .iter()
        .map(|(left, _)| left.chars().count())
        .max()
        .unwrap_or(0)
        .min(SHORT + 24);
    let mut out = String::new();
    for (left, right) in rows {
        let pad = width.saturating_sub(left.chars().count());
        out.push_str(&format!("{left}{}  # {right}\n", " ".repeat(pad)));
    }
    Ok(out)
}

fn place(files: &Files, file: usize, byte: usize) -> String {
    let (line, _) = files.line_column(file, byte);
    format!("{}:{line}", files.name(file))
}

/// A checked value on one line: text quoted, dates as written, paragraphs counted.
fn render(value: &Json, full: bool) -> String {
    let text = match value {
        Json::Null => return "null".into(),
        Json::Bool(b) => return b.to_string(),
        Json::Number(n) => return n.to_string(),
        Json::String(s) => s.clone(),
        Json::Array(items) if items.is_empty() => return "[]".into(),
        Json::Object(map) if map.is_empty() => return "{}".into(),
        Json::Object(map) => match map.get("iso").and_then(Json::as_str) {
            Some(iso) => return iso.to_string(),
            // Inline text: what a reader sees.
            None if map.contains_key("inlines") => map["text"].as_str().unwrap_or("").to_string(),
            None => return value.to_string(),
        },
        Json::Array(blocks) => {
            // Rich text: paragraphs.
            let paragraphs: Vec<&str> = blocks
                .iter()
                .filter_map(|b| b.get("text")?.as_str())
                .collect();
            let first = paragraphs.first().copied().unwrap_or("");
            if full {
                return paragraphs
                    .iter()
                    .map(|p| quote(p))
                    .collect::<Vec<_>>()
                    .join("\n    ");
            }
            let suffix = match paragraphs.len() {
                1 => String::new(),
                n => format!(" (+{} paragraph{})", n - 1, if n == 2 { "" } else { "s" }),
            };
            return format!("{}{suffix}", quote(&shorten(first)));
        }
    };
    if full {
        quote(&text)
    } else {
        quote(&shorten(&text))
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= SHORT {
        return text.to_string();
    }
    let cut: String = text.chars().take(SHORT - 1).collect();
    format!("{}…", cut.trim_end())
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}
