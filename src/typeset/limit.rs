//! Page limits: a brief's `page-limit` (a field its template declares, with the template's
//! default), checked against the pages a compile made, and the error that says by how much a
//! document runs over and what landed on the first page past the limit.

use typst::foundations::{Element, Selector};
use typst::introspection::{Introspector, Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::model::HeadingElem;
use typst::pdf::ArtifactElem;
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, Span};
use crate::model::brief::Brief;
use crate::text::{fold, plural};

/// The field a brief gives its page limit in.
pub const FIELD: &str = "page-limit";

/// How many words of the first page over the limit an error quotes.
const QUOTED_WORDS: usize = 12;

/// A brief's page limit and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLimit {
    /// The most pages the document may have.
    pub pages: usize,
    /// Where the limit was written: the brief, a layer, `--set`, or the template's default.
    pub span: Span,
    /// Whether the limit is the template's default.
    pub default: bool,
}

/// The page limit of a checked brief: its `page-limit` field, when its template declares one
/// and it has a value.
pub fn of(brief: &Brief) -> Option<PageLimit> {
    let pages = brief.fields.get(FIELD)?.as_u64()?;
    let origin = brief.origins.iter().find(|o| o.path == FIELD)?;
    Some(PageLimit {
        pages: usize::try_from(pages).ok()?,
        span: origin.span,
        default: origin.default,
    })
}

/// What a brief's document is called in messages: its template's name in words, such as
/// `the briefing note`.
pub fn document_name(brief: &Brief) -> String {
    format!("the {}", brief.template.manifest.name.replace('-', " "))
}

/// Checks that `document`, typeset from `brief`, keeps to the brief's page limit. `what` names
/// the document in the error: `the note`, `the French edition`, `the copy for Ana Lee`.
pub fn enforce(document: &PagedDocument, brief: &Brief, what: &str) -> Result<(), Diagnostic> {
    let Some(limit) = of(brief) else {
        return Ok(());
    };
    let count = document.pages().len();
    if count <= limit.pages {
        return Ok(());
    }
    let over = count - limit.pages;
    let first_over = limit.pages + 1;
    let mut diagnostic = Diagnostic::error(
        Some(limit.span),
        format!(
            "{what} runs to {count} pages, {over} page{} over its limit of {}",
            plural(over),
            limit.pages,
        ),
    )
    .with_field(FIELD);
    let words = first_words(document, first_over);
    diagnostic = diagnostic.with_note(match &words {
        Some(words) => format!("page {first_over} begins “{words}”"),
        None => format!("page {first_over} has no text"),
    });
    // A heading the page begins with is named by the words already.
    if let Some((heading, page)) = first_heading_from(document, first_over)
        && !(page == first_over && words.is_some_and(|w| w.starts_with(&heading)))
    {
        diagnostic = diagnostic.with_note(format!(
            "the first heading past the limit is “{heading}” (page {page})"
        ));
    }
    let hint = if limit.default {
        format!(
            "shorten the text by {over} page{}, or give `{FIELD}: {count}` if the house rules allow a longer document",
            plural(over)
        )
    } else {
        format!(
            "shorten the text by {over} page{}, or raise `{FIELD}` to {count}",
            plural(over)
        )
    };
    Err(diagnostic.with_hint(hint))
}

/// The first heading placed on page `from` or later, with its page.
fn first_heading_from(document: &PagedDocument, from: usize) -> Option<(String, usize)> {
    let introspector = document.introspector();
    let selector = Selector::Elem(Element::of::<HeadingElem>(), None);
    introspector
        .query(&selector)
        .iter()
        .filter_map(|heading| {
            let page = introspector.position(heading.location()?)?.page.get();
            let body = &heading.to_packed::<HeadingElem>()?.body;
            (page >= from).then(|| (fold(&body.plain_text()), page))
        })
        .find(|(text, _)| !text.is_empty())
}

/// The first words of the body of page `number` (1-based): the running header and footer,
/// the background and the foreground are artifacts (typst-layout's pages::run) and are left
/// out.
fn first_words(document: &PagedDocument, number: usize) -> Option<String> {
    let page = document.pages().get(number - 1)?;
    let mut text = String::new();
    collect_text(&page.frame, &mut Vec::new(), &mut text);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut quoted = words[..words.len().min(QUOTED_WORDS)].join(" ");
    if words.len() > QUOTED_WORDS {
        quoted.push('…');
    }
    Some(quoted)
}

/// Appends the text of `frame` outside artifacts to `out`, in the order it was laid out;
/// `artifacts` holds the artifacts open at this point.
fn collect_text(frame: &Frame, artifacts: &mut Vec<Location>, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Tag(Tag::Start(content, _)) if content.is::<ArtifactElem>() => {
                artifacts.extend(content.location());
            }
            FrameItem::Tag(Tag::End(location, ..)) => {
                artifacts.retain(|open| open != location);
            }
            FrameItem::Group(group) => collect_text(&group.frame, artifacts, out),
            FrameItem::Text(text) if artifacts.is_empty() => {
                out.push(' ');
                out.push_str(&text.text);
            }
            _ => {}
        }
    }
}
