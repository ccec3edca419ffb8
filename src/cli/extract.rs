//! `brief extract`: writes out the brief attached to a PDF that `brief build` made, so a
//! handout found in an inbox can be edited and built again.

use std::path::Path;

use lopdf::{Document, Object};

use crate::cli::args::ExtractArgs;
use crate::cli::context::Context;
use crate::diag::Files;
use crate::error::AppError;
use crate::error::Failure;
use crate::input::read::read_bounded;
use crate::output;

/// The largest PDF read: a handout of many parts with photographs stays far below it.
const MAX_PDF: u64 = 256 * 1024 * 1024;

/// The most a decompressed attachment may hold: briefs are far smaller.
const MAX_ATTACHMENT: usize = 16 * 1024 * 1024;

/// Runs `brief extract`; returns the exit code.
pub fn run(ctx: &Context, args: &ExtractArgs) -> u8 {
    let files = Files::default();
    match extract(ctx, args) {
        Ok(code) => code,
        Err(error) => ctx.report(&files, Failure::App(error)),
    }
}

fn extract(ctx: &Context, args: &ExtractArgs) -> Result<u8, AppError> {
    let shown = args.pdf.display();
    let bytes = read_bounded(&args.pdf, MAX_PDF)
        .map_err(|e| AppError::new(format!("cannot read {shown} ({})", e.describe("a PDF"))))?;
    let (name, source) = attached_brief(&bytes).map_err(|why| {
        AppError::new(format!("cannot extract a brief from {shown} ({why})"))
            .with_hint("only PDFs made by `brief build` carry their brief")
    })?;
    match &args.output {
        None => Ok(ctx.print(&source)),
        Some(target) => {
            if target.path().is_some_and(Path::exists) && !args.force {
                return Err(AppError::new(format!("cannot write {target} (it exists)"))
                    .with_hint("add --force to replace it"));
            }
            output::check_target(target, &[Path::new(&args.pdf)])?;
            output::write_atomic(target, &source)?;
            ctx.say(format!("wrote {target} (attached to the PDF as {name})"));
            Ok(0)
        }
    }
}

/// The first YAML file attached to a PDF: its name and bytes.
pub fn attached_brief(pdf: &[u8]) -> Result<(String, Vec<u8>), String> {
    let document = Document::load_mem(pdf).map_err(|e| format!("not a readable PDF: {e}"))?;
    let catalog = document
        .catalog()
        .map_err(|_| "the PDF has no catalog".to_string())?;
    let resolve = |object: &Object| document.dereference(object).map(|(_, o)| o.clone()).ok();
    let names = catalog
        .get(b"Names")
        .ok()
        .and_then(resolve)
        .and_then(|n| {
            n.as_dict()
                .ok()
                .and_then(|d| d.get(b"EmbeddedFiles").ok().cloned())
        })
        .and_then(|o| resolve(&o))
        .ok_or("it has no attached files")?;
    let mut pending = vec![names];
    while let Some(node) = pending.pop() {
        let Ok(dict) = node.as_dict() else { continue };
        if let Ok(kids) = dict.get(b"Kids").and_then(Object::as_array) {
            pending.extend(kids.iter().filter_map(resolve));
        }
        let Ok(pairs) = dict.get(b"Names").and_then(Object::as_array) else {
            continue;
        };
        for pair in pairs.chunks(2) {
            let [name, spec] = pair else { continue };
            let name = lopdf::decode_text_string(name).unwrap_or_default();
            if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
                continue;
            }
            let stream = resolve(spec)
                .and_then(|s| s.as_dict().ok().and_then(|d| d.get(b"EF").ok().cloned()))
                .and_then(|ef| resolve(&ef))
                .and_then(|ef| ef.as_dict().ok().and_then(|d| d.get(b"F").ok().cloned()))
                .and_then(|f| resolve(&f))
                .ok_or_else(|| format!("the attachment {name} has no data"))?;
            let stream = stream
                .as_stream()
                .map_err(|_| format!("the attachment {name} is not a stream"))?;
            let content = if stream.dict.get(b"Filter").is_ok() {
                stream
                    .decompressed_content_with_limit(MAX_ATTACHMENT)
                    .map_err(|e| format!("the attachment {name} cannot be decompressed: {e}"))?
            } else {
                stream.content.clone()
            };
            return Ok((name, content));
        }
    }
    Err("no brief is attached to it".into())
}
