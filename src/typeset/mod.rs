//! Typesetting: compiles a [`BriefWorld`] into a document, exports it as PDF, and turns typst's
//! diagnostics into ours, pointing into the template's files.
//!
//! Around it, in this folder: the typst world and its shared engine ([`world`]), the data and
//! images a compile is given ([`prepare`]), fonts ([`fonts`]), pictures of pages ([`preview`]),
//! grayscale images ([`grayscale`]), page limits ([`limit`]) and PDF files exported apart joined
//! into one ([`join`]).

pub mod budget;
pub mod contrast;
pub mod fonts;
pub mod grayscale;
pub mod join;
pub mod limit;
pub mod prepare;
pub mod preview;
pub mod world;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic, SourceResult, Warned};
use typst::foundations::{Datetime, Smart};
use typst::introspection::{Location, PagedPosition, Tag};
use typst::layout::{Frame, FrameItem, FrameParent, GroupItem};
use typst::model::Destination;
use typst::model::Document as _;
use typst::pdf::AttachElem;
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::{PagedDocument, PagedIntrospector};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Diagnostic, FileKey, Files, Span};
use crate::model::brief::Image;
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
    let Document {
        document,
        mut warnings,
    } = compile(world, compiled, files)?;
    warnings.extend(contrast::warnings(&document));
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
    let result = {
        let _deadline = budget::arm_compile(&format!("the template {}", compiled.display_root));
        typst::compile::<PagedDocument>(world)
    };
    let mut warnings: Vec<Diagnostic> = result.warnings.iter().map(|d| mapper.convert(d)).collect();
    match result.output {
        Ok(document) => Ok(Document {
            document: with_keywords(document, world),
            warnings,
        }),
        Err(errors) => {
            let mut all: Vec<Diagnostic> = errors.iter().map(|d| mapper.convert(d)).collect();
            all.append(&mut warnings);
            Err(all)
        }
    }
}

/// Compiles several worlds side by side (parts of a handout are independent) and maps each
/// one's errors and warnings as [`compile`] does. Results are in the order given.
///
/// As many threads as there are cores take the worlds in the order given, each the next one
/// when it is done, so the first (a handout's note, its longest part) is compiled from the
/// start on a core of its own. A thread for every world made them share the cores, and the
/// note, which finishes last, shared them longest: a handout took 1.08-1.13x as long (two
/// runs of 60 alternated pairs, `brief handout` of the example).
pub fn compile_many(
    worlds: &[(&BriefWorld<'_>, &Compiled)],
    files: &mut Files,
) -> Vec<Result<Document, Vec<Diagnostic>>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, worlds.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Warned<SourceResult<PagedDocument>>>>> =
        worlds.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((world, compiled)) = worlds.get(i) else {
                break;
            };
            let _deadline = budget::arm_compile(&format!("the template {}", compiled.display_root));
            let result = typst::compile::<PagedDocument>(*world);
            *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        };
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(budget::TYPESETTING_STACK)
                    .spawn_scoped(scope, work)
                    .expect("a thread for the compile")
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    let results = slots.into_iter().map(|slot| {
        slot.into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .expect("every world was compiled")
    });
    results
        .zip(worlds)
        .map(|(result, pair)| {
            let mut mapper = Mapper::new(&[*pair], files);
            let mut warnings: Vec<Diagnostic> =
                result.warnings.iter().map(|d| mapper.convert(d)).collect();
            match result.output {
                Ok(document) => Ok(Document {
                    document: with_keywords(document, pair.0),
                    warnings,
                }),
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

/// The document with the world's keywords (the security marking) first in its metadata.
fn with_keywords(mut document: PagedDocument, world: &BriefWorld<'_>) -> PagedDocument {
    if !world.keywords().is_empty() {
        let info = document.info_mut();
        let mut keywords: Vec<_> = world.keywords().iter().map(|k| k.as_str().into()).collect();
        for keyword in info.keywords.drain(..) {
            if !keywords.contains(&keyword) {
                keywords.push(keyword);
            }
        }
        info.keywords = keywords;
    }
    document
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
/// them when a footnote or heading reads the same in both, as every copy of one template
/// and data does. Two things are done to each part's pages so that the parts stay apart:
///
/// - links inside a part (a footnote mark to its note, a citation to its source) are
///   resolved against the part's own pages into page-and-point destinations, so they never
///   jump into another part;
/// - every element of part `k` after the first is given an identity of its own
///   ([`part_location`]), in its start and end tags and wherever a frame names it as its
///   logical parent (a footnote's note at the foot of the page, a placed figure, a table cell
///   broken across pages). Those are what the PDF's tag tree and outline are built from, so
///   PDF/UA tags and bookmarks of the joined document tell the parts apart whatever they say.
pub fn concat(documents: Vec<PagedDocument>) -> PagedDocument {
    let info = documents
        .first()
        .map(|d| d.info().clone())
        .unwrap_or_default();
    let mut pages = Vec::new();
    let mut offset = 0;
    for (part, document) in documents.iter().enumerate() {
        let introspector = document.introspector();
        for page in document.pages() {
            let mut page = page.clone();
            if part > 0 || has_location_links(&page.frame) {
                page.frame = rebase(&page.frame, introspector, offset, part);
            }
            pages.push(page);
        }
        offset += document.pages().len();
    }
    PagedDocument::new(pages.into_iter().collect(), info)
}

/// The identity an element with `location` has in part `part` of a joined document: its own
/// in the first part, a variant of it in the others.
///
/// Variants are numbered down from `usize::MAX` because typst numbers its own variants up
/// from 1 (a footnote's note is `variant(1)` of its mark, a bibliography's entries
/// `variant(k + 1)`): part 1's footnote mark must not become part 0's note.
pub fn part_location(location: Location, part: usize) -> Location {
    if part == 0 {
        location
    } else {
        location.variant(usize::MAX - part)
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

/// A copy of `frame` for part `part` of a joined document: its links to locations point at
/// the position of their target in the pages `introspector` knows, counted from page
/// `offset + 1` of the whole document; past the first part, its elements have the
/// identities [`part_location`] gives them and its attached files are left out (the joined
/// file carries the first part's: the editions and copies of one brief attach the same one).
fn rebase(frame: &Frame, introspector: &PagedIntrospector, offset: usize, part: usize) -> Frame {
    let mut dropped = HashSet::new();
    rebase_in(frame, introspector, offset, part, &mut dropped)
}

fn rebase_in(
    frame: &Frame,
    introspector: &PagedIntrospector,
    offset: usize,
    part: usize,
    dropped: &mut HashSet<Location>,
) -> Frame {
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
            FrameItem::Tag(Tag::Start(content, _)) if part > 0 && content.is::<AttachElem>() => {
                dropped.extend(content.location());
                continue;
            }
            FrameItem::Tag(Tag::Start(content, flags)) if part > 0 => {
                let mut content = content.clone();
                if let Some(location) = content.location() {
                    content.set_location(part_location(location, part));
                }
                FrameItem::Tag(Tag::Start(content, *flags))
            }
            FrameItem::Tag(Tag::End(location, _, _)) if dropped.contains(location) => continue,
            FrameItem::Tag(Tag::End(location, key, flags)) if part > 0 => {
                FrameItem::Tag(Tag::End(part_location(*location, part), *key, *flags))
            }
            FrameItem::Group(group) if part > 0 || has_location_links(&group.frame) => {
                FrameItem::Group(GroupItem {
                    frame: rebase_in(&group.frame, introspector, offset, part, dropped),
                    parent: group.parent.map(|parent| FrameParent {
                        location: part_location(parent.location, part),
                        ..parent
                    }),
                    ..group.clone()
                })
            }
            other => other.clone(),
        };
        out.push(*point, item);
    }
    out
}

/// A copy of a merged print file and what follows it, so that the next copy starts on a new
/// sheet when the file is printed on both sides: the copy alone when it has an even number of
/// pages, else the copy and `pad`, a one-page document (the `blank-page` template typeset with
/// the copy's marking, see [`crate::jobs::handout::pad_page`]) put in as a document of its own
/// so that [`concat`] gives its elements identities of their own. Should the copy's last page
/// be another size than the pad's, the pad's content is moved to keep its top right corner
/// (where the marking is) at the top right. Without `pad`, the blank page is empty.
pub fn pad_to_even(document: PagedDocument, pad: Option<&PagedDocument>) -> Vec<PagedDocument> {
    let Some(last) = document
        .pages()
        .last()
        .filter(|_| document.pages().len() % 2 == 1)
    else {
        return vec![document];
    };
    let size = last.frame.size();
    let blank = match pad.and_then(|p| p.pages().first().map(|page| (p, page))) {
        Some((pad, page)) if page.frame.size() == size => pad.clone(),
        Some((pad, page)) => {
            let mut frame = typst::layout::Frame::hard(size);
            let dx = size.x - page.frame.size().x;
            frame.push_frame(typst::layout::Point::with_x(dx), page.frame.clone());
            let page = typst_layout::Page {
                frame,
                ..page.clone()
            };
            PagedDocument::new([page].into_iter().collect(), pad.info().clone())
        }
        None => {
            let page = typst_layout::Page {
                frame: typst::layout::Frame::hard(size),
                bleed: last.bleed,
                fill: last.fill.clone(),
                numbering: None,
                supplement: typst::foundations::Content::empty(),
                number: last.number + 1,
            };
            PagedDocument::new([page].into_iter().collect(), document.info().clone())
        }
    };
    vec![document, blank]
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

    /// The brief's image that the file `id` is, if it is one.
    fn image(&self, id: FileId) -> Option<Image> {
        self.worlds
            .iter()
            .find_map(|(world, _)| world.image(id).cloned())
    }

    fn convert(&mut self, source: &SourceDiagnostic) -> Diagnostic {
        let span = self.span(source.span);
        // An error inside one of the brief's images (an SVG typst cannot draw) is reported at
        // the brief's line that names the image, with the place inside the image as a note.
        if let Some(image) = source.span.id().and_then(|id| self.image(id))
            && source.severity == TypstSeverity::Error
        {
            let message = source.message.as_str();
            let why = message
                .strip_prefix("failed to parse SVG (")
                .and_then(|m| m.strip_suffix(')'))
                .map_or_else(
                    || format!("cannot be placed ({message})"),
                    |m| format!("is not a readable SVG file ({m})"),
                );
            let mut diagnostic = image.problem(&why);
            if let Some(span) = span {
                let (line, column) = self.files.line_column(span.file, span.start);
                diagnostic.notes.insert(
                    0,
                    format!("in {}:{line}:{column}", self.files.name(span.file)),
                );
            }
            return diagnostic;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Abs, Frame, FrameItem, Point, Size};

    /// A one-page document of `size` with a 10pt square `at`.
    fn one_page(size: Size, at: Option<Point>) -> PagedDocument {
        let mut frame = Frame::hard(size);
        if let Some(at) = at {
            let square = typst::visualize::Geometry::Rect(Size::splat(Abs::pt(10.0)))
                .filled(typst::visualize::Color::BLACK);
            frame.push(
                at,
                FrameItem::Shape(square, typst::syntax::Span::detached()),
            );
        }
        let page = typst_layout::Page {
            frame,
            bleed: Default::default(),
            fill: typst::foundations::Smart::Auto,
            numbering: None,
            supplement: typst::foundations::Content::empty(),
            number: 1,
        };
        PagedDocument::new([page].into_iter().collect(), Default::default())
    }

    /// Where the first square of a page lies, looking inside groups.
    fn square(frame: &Frame, offset: Point) -> Option<Point> {
        frame.items().find_map(|(at, item)| match item {
            FrameItem::Shape(..) => Some(offset + *at),
            FrameItem::Group(group) => square(&group.frame, offset + *at),
            _ => None,
        })
    }

    #[test]
    fn an_odd_copy_gets_the_pad_and_an_even_one_nothing() {
        let letter = Size::new(Abs::pt(612.0), Abs::pt(792.0));
        let pad = one_page(letter, Some(Point::new(Abs::pt(540.0), Abs::pt(30.0))));
        let padded = pad_to_even(one_page(letter, None), Some(&pad));
        assert_eq!(padded.len(), 2);
        assert_eq!(
            square(&padded[1].pages()[0].frame, Point::zero()),
            Some(Point::new(Abs::pt(540.0), Abs::pt(30.0)))
        );
        let two = concat(vec![one_page(letter, None), one_page(letter, None)]);
        assert_eq!(pad_to_even(two, Some(&pad)).len(), 1);
        // Without a pad, an empty page of the last page's size.
        let padded = pad_to_even(one_page(letter, None), None);
        assert_eq!(padded[1].pages()[0].frame.size(), letter);
        assert_eq!(padded[1].pages()[0].frame.items().count(), 0);
    }

    #[test]
    fn a_pad_of_another_size_keeps_its_top_right_corner() {
        // A landscape copy and a portrait pad: the pad takes the copy's size, its marking
        // as far from the right edge as it was.
        let portrait = Size::new(Abs::pt(612.0), Abs::pt(792.0));
        let landscape = Size::new(Abs::pt(792.0), Abs::pt(612.0));
        let pad = one_page(portrait, Some(Point::new(Abs::pt(540.0), Abs::pt(30.0))));
        let padded = pad_to_even(one_page(landscape, None), Some(&pad));
        let page = &padded[1].pages()[0];
        assert_eq!(page.frame.size(), landscape);
        assert_eq!(
            square(&page.frame, Point::zero()),
            Some(Point::new(Abs::pt(720.0), Abs::pt(30.0)))
        );
    }
}
