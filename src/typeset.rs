//! Typesetting: compiles a [`BriefWorld`] into a document, exports it as PDF, and turns typst's
//! diagnostics into ours, pointing into the template's files.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::world::{BriefWorld, Compiled};

/// A typeset brief.
pub struct Output {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Warnings typst raised on the way.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles `world` and exports the document as PDF.
///
/// `ident` becomes the PDF's /ID (derived from the inputs, so copies differ but rebuilds do
/// not), `timestamp` its creation date, and `standards` the PDF standards it must meet (PDF/A,
/// PDF/UA; typst checks them and reports what fails, such as an image without alt text).
pub fn typeset(
    world: &BriefWorld<'_>,
    compiled: &Compiled,
    files: &mut Files,
    ident: &str,
    timestamp: Option<DateTime<Utc>>,
    standards: &[PdfStandard],
) -> Result<Output, Vec<Diagnostic>> {
    let standards = PdfStandards::new(standards).map_err(|error| {
        vec![Diagnostic::error(
            None,
            format!(
                "these PDF standards cannot be combined ({})",
                error.message()
            ),
        )]
    })?;
    let mut mapper = Mapper {
        world,
        compiled,
        files,
        keys: HashMap::new(),
    };
    let result = typst::compile::<PagedDocument>(world);
    let mut warnings: Vec<Diagnostic> = result.warnings.iter().map(|d| mapper.convert(d)).collect();
    let document = match result.output {
        Ok(document) => document,
        Err(errors) => {
            let mut all: Vec<Diagnostic> = errors.iter().map(|d| mapper.convert(d)).collect();
            all.append(&mut warnings);
            return Err(all);
        }
    };
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("brief {}", env!("CARGO_PKG_VERSION")))),
        timestamp: timestamp.and_then(to_timestamp),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| errors.iter().map(|d| mapper.convert(d)).collect::<Vec<_>>())?;
    Ok(Output {
        pdf,
        pages: document.pages().len(),
        warnings,
    })
}

/// A chrono date-time as typst's.
pub fn to_datetime(at: DateTime<Utc>) -> Option<Datetime> {
    Datetime::from_ymd_hms(
        at.year(),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
}

fn to_timestamp(at: DateTime<Utc>) -> Option<Timestamp> {
    to_datetime(at).map(Timestamp::new_utc)
}

struct Mapper<'a, 'w> {
    world: &'a BriefWorld<'w>,
    compiled: &'a Compiled,
    files: &'a mut Files,
    keys: HashMap<FileId, FileKey>,
}

impl Mapper<'_, '_> {
    fn key(&mut self, id: FileId) -> Option<FileKey> {
        if let Some(key) = self.keys.get(&id) {
            return Some(*key);
        }
        let text = match self.compiled.source(id) {
            Some(source) => source.text().to_string(),
            None => String::from_utf8_lossy(&self.world.file(id).ok()?).into_owned(),
        };
        let name = self
            .world
            .display_name(id)
            .unwrap_or_else(|| self.compiled.display_name(id));
        let key = self.files.add(name, text);
        self.keys.insert(id, key);
        Some(key)
    }

    fn span(&mut self, span: typst::syntax::DiagSpan) -> Option<Span> {
        let id = span.id()?;
        let range = self.world.range(span)?;
        let key = self.key(id)?;
        Some(Span::new(key, range))
    }

    fn convert(&mut self, source: &SourceDiagnostic) -> Diagnostic {
        let span = self.span(source.span);
        let mut diagnostic = match source.severity {
            TypstSeverity::Error => Diagnostic::error(span, source.message.to_string()),
            TypstSeverity::Warning => Diagnostic::warning(span, source.message.to_string()),
        };
        for point in &source.trace {
            let place = self.span(point.span.into()).map(|s| {
                let (line, column) = self.files.line_column(s.file, s.start);
                format!(" at {}:{line}:{column}", self.files.name(s.file))
            });
            diagnostic
                .notes
                .push(format!("{}{}", point.v, place.unwrap_or_default()));
        }
        for hint in &source.hints {
            diagnostic.hints.push(hint.v.to_string());
        }
        diagnostic
    }
}
