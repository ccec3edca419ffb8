//! Checks and derived values of a programme, a brief whose template declares `days`, each
//! with its `sessions`: an item that ends before it starts or runs all day and has times (an
//! error), two items in the same room at overlapping times (a warning), and the programme's `dates`, when the template
//! declares them and the brief leaves them out, taken from the first and last day.

use serde_json::Value as Json;

use crate::check::Checked;
use crate::diag::{Diagnostic, Span};
use crate::input::yaml::{Node, Value};
use crate::model::dates::PartialDate;
use crate::model::locale::Locale;
use crate::model::ranges;
use crate::model::template::Template;

/// Adds a programme's problems to a checked brief and fills in its `dates`. Runs only on a
/// brief of the right shape (the checker's errors say enough until then), and only when the
/// template declares `days`.
pub fn review(root: &Node, template: &Template, checked: &mut Checked) {
    if checked.has_errors() || !template.manifest.fields.contains_key("days") {
        return;
    }
    let Some(Value::List(days)) = root.get("days").map(|e| &e.node.value) else {
        return;
    };
    let locale = crate::check::brief_locale(root, template);
    let mut problems = Vec::new();
    for (d, day) in days.iter().enumerate() {
        let Some(Value::List(items)) = day.get("sessions").map(|e| &e.node.value) else {
            continue;
        };
        let data = &checked.data["days"][d]["sessions"];
        let mut timed = Vec::new();
        for (s, item) in items.iter().enumerate() {
            let value = &data[s];
            if value["all-day"] == Json::Bool(true)
                && let Some((key, entry)) = ["start", "end"]
                    .iter()
                    .find_map(|k| item.get(k).map(|e| (k, e)))
            {
                problems.push(
                    Diagnostic::error(
                        Some(entry.key_span),
                        format!("an item that runs all day has no `{key}`"),
                    )
                    .with_field(format!("days[{d}].sessions[{s}].{key}"))
                    .with_hint("take out its times, or `all-day: true`"),
                );
                continue;
            }
            let (Some(start), end) = (minutes(&value["start"]), minutes(&value["end"])) else {
                continue;
            };
            let path = format!("days[{d}].sessions[{s}]");
            if let Some(end) = end
                && end < start
            {
                let span = item.get("end").map_or(item.span, |e| e.node.span);
                problems.push(
                    Diagnostic::error(
                        Some(span),
                        format!(
                            "this item ends at {}, before it starts at {}",
                            text(&value["end"]),
                            text(&value["start"])
                        ),
                    )
                    .with_field(format!("{path}.end"))
                    .with_hint("check both times; an item past midnight belongs to the next day"),
                );
                continue;
            }
            if let Some(room) = value["room"].as_str() {
                timed.push(Timed {
                    index: s,
                    room: crate::text::fold(room).to_lowercase(),
                    start,
                    // An item without an end takes up its start only.
                    end: end.unwrap_or(start),
                    span: item.get("room").map_or(item.span, |e| e.node.span),
                    title: value["title"].as_str().unwrap_or("").to_string(),
                });
            }
        }
        for (j, later) in timed.iter().enumerate() {
            let clash = timed[..j].iter().find(|earlier| {
                earlier.room == later.room
                    && (later.start < earlier.end && earlier.start < later.end
                        || later.start == earlier.start)
            });
            if let Some(earlier) = clash {
                let room = data[later.index]["room"].as_str().unwrap_or("");
                problems.push(
                    Diagnostic::warning(
                        Some(later.span),
                        format!(
                            "“{}” and “{}” are both in {room} at the same time",
                            earlier.title, later.title
                        ),
                    )
                    .with_field(format!("days[{d}].sessions[{}].room", later.index))
                    .with_note(format!(
                        "days[{d}].sessions[{}] is there from {}",
                        earlier.index,
                        span_text(&data[earlier.index])
                    ))
                    .with_hint("give one of them another room, or other times"),
                );
            }
        }
    }
    let has_errors = problems.iter().any(Diagnostic::is_error);
    checked.problems.extend(problems);
    checked
        .problems
        .sort_by_key(|p| p.span.map(|s| (s.file, s.start)));
    if !has_errors && template.manifest.fields.contains_key("dates") {
        fill_dates(&mut checked.data, locale);
    }
}

/// An item with a time and a room, for the check of rooms.
struct Timed {
    index: usize,
    room: String,
    start: u32,
    end: u32,
    span: Span,
    title: String,
}

/// A checked time's minutes since midnight; `None` for no time.
fn minutes(time: &Json) -> Option<u32> {
    Some(time["hour"].as_u64()? as u32 * 60 + time["minute"].as_u64()? as u32)
}

fn text(time: &Json) -> &str {
    time["text"].as_str().unwrap_or("")
}

/// When an item takes place, as the brief's language prints it: "09:00–10:15", or its start.
fn span_text(item: &Json) -> String {
    match item["end"]["text"].as_str() {
        Some(end) => format!("{} to {end}", text(&item["start"])),
        None => text(&item["start"]).to_string(),
    }
}

/// Sets `dates`, when the brief leaves it out, to the range from the first day's date to the
/// last day's (the end of a day written as a range).
fn fill_dates(data: &mut Json, locale: Locale) {
    if !data["dates"].is_null() {
        return;
    }
    let Some(days) = data["days"].as_array() else {
        return;
    };
    let date_of = |value: &Json| {
        let iso = value["iso"].as_str()?;
        PartialDate::parse(iso.split('/').next().unwrap_or(iso)).ok()
    };
    let first = days.first().and_then(|d| date_of(&d["date"]));
    let last = days.last().and_then(|d| {
        let date = &d["date"];
        if date["end"].is_null() {
            date_of(date)
        } else {
            date_of(&date["end"])
        }
    });
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let last = (last.date > first.date).then_some(last);
    data["dates"] = ranges::to_json(&first, last.as_ref(), locale);
}
