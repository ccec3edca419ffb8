//! Typesetting: compiles a [`BriefWorld`] into a document, exports it as PDF, and turns typst's
//! diagnostics into ours, pointing into the template's files.
//!
//! Around it, in this folder: the typst world and its shared engine ([`world`]), the data and
//! images a compile is given ([`prepare`]), fonts ([`fonts`]), pictures of pages ([`preview`])
//! and grayscale images ([`grayscale`]).

pub mod fonts;
pub mod grayscale;
pub mod prepare;
pub mod preview;
pub mod world;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::introspection::{Location, PagedPosition, Tag};
use typst::layout::{Frame, FrameItem, GroupItem};
use typst::model::Destination;
use typst::model::Document as _;
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::{PagedDocument, PagedIntrospector};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::typeset::world::{BriefWorld, Compiled};

/// A typeset brief.
pub struct Output {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Warnings typst raised on the way.
    pub warnings: Vec<Diagnostic>,
}

/// A compiled document, before export: the pages can be exported as PDF, rendered as
/// pictures, or put together with other documents' pages (see [`concat()`]).
pub struct Document {
    /// The laid-out pages.
    pub document: PagedDocument,
    /// Warnings typst raised while compiling.
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
    let Document { document, warnings } = compile(world, compiled, files)?;
    let pdf = export_pdf(
        &document,
        &[(world, compiled)],
        files,
        ident,
        timestamp,
        standards,
    )?;
    Ok(Output {
        pdf,
        pages: document.pages().len(),
        warnings,
    })
}

/// Compiles `world` into pages. Errors and warnings point into the template's files (or the
/// brief's data).
pub fn compile(
    world: &BriefWorld<'_>,
    compiled: &Compiled,
    files: &mut Files,
) -> Result<Document, Vec<Diagnostic>> {
    let mut mapper = Mapper::new(&[(world, compiled)], files);
    let result = typst::compile::<PagedDocument>(world);
    let mut warnings: Vec<Diagnostic> = result.warnings.iter().map(|d| mapper.convert(d)).collect();
    match result.output {
        Ok(document) => Ok(Document { document, warnings }),
        Err(errors) => {
            let mut all: Vec<Diagnostic> = errors.iter().map(|d| mapper.convert(d)).collect();
            all.append(&mut warnings);
            Err(all)
        }
    }
}

/// Compiles several worlds at once, one thread each (parts of a handout are independent), and
/// maps each one's errors and warnings as [`compile`] does. Results are in the order given.
pub fn compile_many(
    worlds: &[(&BriefWorld<'_>, &Compiled)],
    files: &mut Files,
) -> Vec<Result<Document, Vec<Diagnostic>>> {
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = worlds
            .iter()
            .map(|(world, _)| scope.spawn(move || typst::compile::<PagedDocument>(*world)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("typst does not panic on a compile"))
            .collect()
    });
    results
        .into_iter()
        .zip(worlds)
        .map(|(result, pair)| {
            let mut mapper = Mapper::new(&[*pair], files);
            let mut warnings: Vec<Diagnostic> =
                result.warnings.iter().map(|d| mapper.convert(d)).collect();
            match result.output {
                Ok(document) => Ok(Document { document, warnings }),
                Err(errors) => {
                    let mut all: Vec<Diagnostic> =
                        errors.iter().map(|d| mapper.convert(d)).collect();
                    all.append(&mut warnings);
                    Err(all)
                }
            }
        })
        .collect()
}

/// Exports pages as PDF. `worlds` are the worlds the pages were compiled in (several when the
/// document puts together the pages of several compiles), so that what the export reports
/// points into the right template.
pub fn export_pdf(
    document: &PagedDocument,
    worlds: &[(&BriefWorld<'_>, &Compiled)],
    files: &mut Files,
    ident: &str,
    timestamp: Option<DateTime<Utc>>,
    standards: &[PdfStandard],
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let standards = PdfStandards::new(standards).map_err(|error| {
        vec![Diagnostic::error(
            None,
            format!(
                "these PDF standards cannot be combined ({})",
                error.message()
            ),
        )]
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("brief {}", env!("CARGO_PKG_VERSION")))),
        timestamp: timestamp.and_then(to_timestamp),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        let mut mapper = Mapper::new(worlds, files);
        errors.iter().map(|d| mapper.convert(d)).collect()
    })
}

/// One document made of the pages of several, in order, with the first one's title, author
/// and language. Used for handouts (parts in sequence), bilingual editions and merged copies.
///
/// Each part was compiled on its own, so an element of one part can have the same location
/// (typst's identity of an element) as an element of another: typst derives it from the
/// element's content and place in the template, and two compiles of one template repeat
/// them when a footnote or heading reads the same in both. Links inside a part (a footnote
/// mark to its note, a citation to its source) are therefore resolved here, against the
/// part's own pages, into page-and-point destinations, so they never jump into another part.
/// Tags for PDF/UA cannot be resolved that way: see [`repeated_elements`].
pub fn concat(documents: Vec<PagedDocument>) -> PagedDocument {
    let info = documents
        .first()
        .map(|d| d.info().clone())
        .unwrap_or_default();
    let mut pages = Vec::new();
    let mut offset = 0;
    for document in &documents {
        let introspector = document.introspector();
        for page in document.pages() {
            let mut page = page.clone();
            if has_location_links(&page.frame) {
                page.frame = resolve_links(&page.frame, introspector, offset);
            }
            pages.push(page);
        }
        offset += document.pages().len();
    }
    PagedDocument::new(pages.into_iter().collect(), info)
}

/// How many elements of `documents` have a location that an element of another of them has
/// too, and are the logical parent of content placed elsewhere (a footnote, whose note sits
/// at the foot of the page): PDF/UA tags of [`concat()`]'s result cannot tell such parents
/// apart. Other repeated elements (a table cell reading `2015` in both editions) are tagged
/// in page order and do no harm.
pub fn repeated_elements(documents: &[PagedDocument]) -> usize {
    let mut first_seen: HashMap<Location, usize> = HashMap::new();
    let mut repeated = HashSet::new();
    let mut parents = HashSet::new();
    for (i, document) in documents.iter().enumerate() {
        for page in document.pages() {
            walk_elements(&page.frame, &mut parents, &mut |location| {
                let first = *first_seen.entry(location).or_insert(i);
                if first != i {
                    repeated.insert(location);
                }
            });
        }
    }
    repeated.intersection(&parents).count()
}

/// Calls `found` with the location of every element in `frame`, and collects the locations
/// that groups name as their logical parent.
fn walk_elements(frame: &Frame, parents: &mut HashSet<Location>, found: &mut impl FnMut(Location)) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Tag(Tag::Start(content, _)) => {
                if let Some(location) = content.location() {
                    found(location);
                }
            }
            FrameItem::Group(group) => {
                if let Some(parent) = &group.parent {
                    parents.insert(parent.location);
                }
                walk_elements(&group.frame, parents, found);
            }
            _ => {}
        }
    }
}

fn has_location_links(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Link(Destination::Location(_), _) => true,
        FrameItem::Group(group) => has_location_links(&group.frame),
        _ => false,
    })
}

/// Something a template reported about its layout, through `metadata` labelled
/// `<brief-report>` (see docs/templates.md): a block kept together that is taller than the
/// page or column it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutReport {
    /// What happened: `too-tall`.
    pub kind: String,
    /// The block's field path, such as `sections[1].blocks[0]`.
    pub path: String,
    /// The block's height, in points.
    pub height: f64,
    /// The room there was, in points.
    pub room: f64,
    /// The page it starts on, from 1.
    pub page: usize,
}

/// The reports a document's template made while it was laid out, in page order.
pub fn layout_reports(document: &PagedDocument) -> Vec<LayoutReport> {
    use typst::foundations::{Label, Selector, Value};
    use typst::introspection::{Introspector, MetadataElem};
    let Some(label) = Label::new(typst::utils::PicoStr::intern("brief-report")) else {
        return Vec::new();
    };
    let introspector = document.introspector();
    let mut reports = Vec::new();
    for content in introspector.query(&Selector::Label(label)) {
        let Some(meta) = content.to_packed::<MetadataElem>() else {
            continue;
        };
        let Value::Dict(dict) = &meta.value else {
            continue;
        };
        let text = |key: &str| match dict.get(key) {
            Ok(Value::Str(s)) => s.to_string(),
            _ => String::new(),
        };
        let number = |key: &str| match dict.get(key) {
            Ok(Value::Float(f)) => *f,
            Ok(Value::Int(i)) => *i as f64,
            _ => 0.0,
        };
        let page = content
            .location()
            .and_then(|l| introspector.position(l))
            .map_or(0, |p| p.page.get());
        let report = LayoutReport {
            kind: text("kind"),
            path: text("path"),
            height: number("height"),
            room: number("room"),
            page,
        };
        // A block measured twice (a table tried whole, then split) reports once.
        if !reports.contains(&report) {
            reports.push(report);
        }
    }
    reports
}

/// A copy of `frame` whose links to locations point at the position of their target in the
/// pages `introspector` knows, counted from page `offset + 1` of the whole document.
fn resolve_links(frame: &Frame, introspector: &PagedIntrospector, offset: usize) -> Frame {
    let mut out = Frame::new(frame.size(), frame.kind());
    if frame.has_baseline() {
        out.set_baseline(frame.baseline());
    }
    for (point, item) in frame.items() {
        let item = match item {
            FrameItem::Link(Destination::Location(location), size) => {
                match introspector.position(*location) {
                    Some(at) => FrameItem::Link(
                        Destination::Position(PagedPosition {
                            page: at.page.saturating_add(offset),
                            point: at.point,
                        }),
                        *size,
                    ),
                    None => item.clone(),
                }
            }
            FrameItem::Group(group) if has_location_links(&group.frame) => {
                FrameItem::Group(GroupItem {
                    frame: resolve_links(&group.frame, introspector, offset),
                    ..group.clone()
                })
            }
            other => other.clone(),
        };
        out.push(*point, item);
    }
    out
}

/// The document with a blank page added when its page count is odd, so that the next document
/// in a duplex print run starts on a new sheet. The blank page has the last page's size.
pub fn pad_to_even(document: PagedDocument) -> PagedDocument {
    let Some(last) = document
        .pages()
        .last()
        .filter(|_| document.pages().len() % 2 == 1)
    else {
        return document;
    };
    let blank = typst_layout::Page {
        frame: typst::layout::Frame::hard(last.frame.size()),
        bleed: last.bleed,
        fill: last.fill.clone(),
        numbering: None,
        supplement: typst::foundations::Content::empty(),
        number: last.number + 1,
    };
    let info = document.info().clone();
    let mut pages: Vec<_> = document.pages().to_vec();
    pages.push(blank);
    PagedDocument::new(pages.into_iter().collect(), info)
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
    worlds: Vec<(&'a BriefWorld<'w>, &'a Compiled)>,
    files: &'a mut Files,
    keys: HashMap<FileId, FileKey>,
}

impl<'a, 'w> Mapper<'a, 'w> {
    fn new(worlds: &[(&'a BriefWorld<'w>, &'a Compiled)], files: &'a mut Files) -> Self {
        Self {
            worlds: worlds.to_vec(),
            files,
            keys: HashMap::new(),
        }
    }

    /// The world whose template or brief has file `id`.
    fn world_of(&self, id: FileId) -> Option<(&'a BriefWorld<'w>, &'a Compiled)> {
        self.worlds
            .iter()
            .copied()
            .find(|(world, compiled)| compiled.source(id).is_some() || world.file(id).is_ok())
    }

    fn key(&mut self, id: FileId) -> Option<FileKey> {
        if let Some(key) = self.keys.get(&id) {
            return Some(*key);
        }
        let (world, compiled) = self.world_of(id)?;
        let text = match compiled.source(id) {
            Some(source) => source.text().to_string(),
            None => String::from_utf8_lossy(&world.file(id).ok()?).into_owned(),
        };
        let name = world
            .display_name(id)
            .unwrap_or_else(|| compiled.display_name(id));
        let key = self.files.add(name, text);
        self.keys.insert(id, key);
        Some(key)
    }

    fn span(&mut self, span: typst::syntax::DiagSpan) -> Option<Span> {
        let id = span.id()?;
        let (world, _) = self.world_of(id)?;
        let range = world.range(span)?;
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
