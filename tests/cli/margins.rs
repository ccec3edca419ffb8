//! Printable margins: on every template, paper and binding, nothing a page draws (text,
//! rules, headers, footers, stamps, fold lines) comes within 6 mm of the paper's edge, where
//! office printers cannot print. Checked in-process on the laid-out pages.

use brief::check::load::Sources;
use brief::diag::Files;
use brief::jobs::handout::{self, Handout};
use brief::model::print::{Paper, PrintOverrides};
use brief::typeset::prepare::{self, BuildOptions};
use brief::typeset::world::Compiled;
use typst::layout::{Abs, Frame, FrameItem, Point, Rect, Transform};
use typst_layout::PagedDocument;

use crate::util::{example, root};

/// 6 mm in points.
const EDGE: f64 = 6.0 / 25.4 * 72.0;

/// The smallest distance from anything drawn on the page to the page's edge, and what it is.
fn closest(frame: &Frame) -> (f64, String) {
    let size = frame.size();
    let mut best = (f64::INFINITY, String::new());
    walk(
        frame,
        Transform::identity(),
        &mut |rect: Rect, what: &str| {
            let d = [
                rect.min.x.to_pt(),
                rect.min.y.to_pt(),
                size.x.to_pt() - rect.max.x.to_pt(),
                size.y.to_pt() - rect.max.y.to_pt(),
            ]
            .into_iter()
            .fold(f64::INFINITY, f64::min);
            if d < best.0 {
                best = (d, what.to_string());
            }
        },
    );
    best
}

fn walk(frame: &Frame, ts: Transform, visit: &mut dyn FnMut(Rect, &str)) {
    for (pos, item) in frame.items() {
        let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
        let corners = |rect: Rect| -> Rect {
            let points = [
                rect.min,
                rect.max,
                Point::new(rect.min.x, rect.max.y),
                Point::new(rect.max.x, rect.min.y),
            ]
            .map(|p| p.transform(ts));
            let (mut min, mut max) = (points[0], points[0]);
            for p in points {
                min = Point::new(min.x.min(p.x), min.y.min(p.y));
                max = Point::new(max.x.max(p.x), max.y.max(p.y));
            }
            Rect::new(min, max)
        };
        match item {
            FrameItem::Group(group) => walk(&group.frame, ts.pre_concat(group.transform), visit),
            FrameItem::Text(text) => {
                let bbox = text.bbox();
                if bbox.min.x.to_pt().is_finite() {
                    let what: String = text.text.chars().take(40).collect();
                    visit(corners(bbox), &format!("text `{what}`"));
                }
            }
            FrameItem::Shape(shape, _) => visit(corners(shape.bbox(true)), "a shape"),
            FrameItem::Image(_, size, _) => visit(
                corners(Rect::new(Point::zero(), Point::new(size.x, size.y))),
                "an image",
            ),
            FrameItem::Link(..) | FrameItem::Tag(_) => {}
        }
    }
}

fn assert_printable(document: &PagedDocument, what: &str) {
    assert!(!document.pages().is_empty());
    for (i, page) in document.pages().iter().enumerate() {
        let (distance, item) = closest(&page.frame);
        assert!(
            distance >= EDGE,
            "{what}, page {}: {item} is {distance:.1} pt from the edge (at least {EDGE:.1} pt)",
            i + 1
        );
    }
}

fn handout_pages(brief: &std::path::Path, sets: &[&str], print: PrintOverrides) -> PagedDocument {
    let mut files = Files::default();
    let input = Sources {
        sets: sets.iter().map(|s| s.to_string()).collect(),
        templates: None,
        langs: Vec::new(),
    };
    let engine = brief::typeset::world::Engine::with_font_folders(&[]).unwrap();
    let handout = Handout::load(brief, &input, print, &mut files)
        .unwrap_or_else(|_| panic!("{} loads", brief.display()));
    let plan = handout.plan(&engine, &mut files).ok().unwrap();
    let assembled = handout.assemble(&engine, &plan, &mut files).ok().unwrap();
    assembled.document
}

/// Every part of the example's handout, on every paper, with and without a binding margin,
/// as a draft with a revision stamp and with questions: nothing within 6 mm of the edge.
#[test]
fn handout_parts_keep_clear_of_the_paper_edge() {
    let sets = [
        "status=draft",
        "revision=3",
        "revised=2025-11-30",
        "questions=[Why?, How?]",
    ];
    for paper in [Paper::Letter, Paper::A4, Paper::Legal] {
        for binding_mm in [0.0, 15.0] {
            let print = PrintOverrides {
                paper: Some(paper),
                binding_mm: Some(binding_mm),
            };
            let document = handout_pages(&example(), &sets, print);
            assert_printable(
                &document,
                &format!("handout on {paper:?}, binding {binding_mm} mm"),
            );
        }
    }
    // The Korean example on its own A4 with labelled blank pages.
    let ko = root().join("briefs/canada-korea-defence-2025-ko.yaml");
    let document = handout_pages(
        &ko,
        &["handout.blank-pages=labelled"],
        PrintOverrides::default(),
    );
    assert_printable(&document, "Korean handout");
}

/// The name tents: faces, fold line and the small print at each face's foot.
#[test]
fn name_tents_keep_clear_of_the_paper_edge() {
    for paper in [Paper::Letter, Paper::A4] {
        let mut files = Files::default();
        let print = PrintOverrides {
            paper: Some(paper),
            binding_mm: None,
        };
        let (tents, _, _) = handout::name_tents(&example(), &Sources::default(), print, &mut files)
            .ok()
            .unwrap();
        let engine = brief::typeset::world::Engine::with_font_folders(&[]).unwrap();
        let compiled = Compiled::new(&tents.template);
        let options = BuildOptions {
            print,
            ..BuildOptions::default()
        };
        let prepared = prepare::prepare(&engine, &compiled, &tents, &options, &mut files)
            .ok()
            .unwrap();
        let document = brief::typeset::compile(&prepared.world, &compiled, &mut files)
            .ok()
            .unwrap();
        assert_printable(&document.document, &format!("name tents on {paper:?}"));
    }
}

/// The checker itself finds a page item too close to the edge (so the tests above can fail).
#[test]
fn the_edge_check_sees_an_item_at_the_edge() {
    let mut frame = Frame::soft(typst::layout::Size::new(Abs::pt(612.0), Abs::pt(792.0)));
    let shape =
        typst::visualize::Geometry::Rect(typst::layout::Size::new(Abs::pt(10.0), Abs::pt(10.0)))
            .filled(typst::visualize::Color::BLACK);
    frame.push(
        Point::new(Abs::pt(5.0), Abs::pt(300.0)),
        FrameItem::Shape(shape, typst::syntax::Span::detached()),
    );
    let (distance, _) = closest(&frame);
    assert!((distance - 5.0).abs() < 0.01, "{distance}");
}
