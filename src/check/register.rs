//! The register of briefing notes: one row per checked note (tracking number, English and
//! French titles, addressee, date, action asked for, marking), for the monthly disclosure list
//! of notes and an office's tracking sheet, as CSV or JSON.

use serde_json::{Value as Json, json};

use crate::input::yaml::{Node, Value};
use crate::model::brief::Brief;
use crate::model::locale::Language;
use crate::model::marking::Marking;

/// The columns, in order, as the CSV's header row and the JSON's keys name them.
pub const COLUMNS: [&str; 8] = [
    "tracking",
    "title_en",
    "title_fr",
    "to",
    "date",
    "action",
    "classification",
    "file",
];

/// One note's row; a value the note does not give is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The values, one per [`COLUMNS`] entry.
    pub values: Vec<String>,
}

impl Row {
    /// The row of a checked brief. Titles are read from the merged tree, so a note written in
    /// one language still gives the title it keeps for the other; the date is ISO
    /// (`2025-11-24`), the marking in English capitals (`PROTECTED B`).
    pub fn of(brief: &Brief) -> Self {
        let text = |key: &str| {
            brief
                .fields
                .get(key)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let date = brief
            .fields
            .get("date")
            .and_then(|d| d.get("iso"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let marking = Marking::of(&brief.fields)
            .map(|m| m.lines(Language::En).join(" / "))
            .unwrap_or_default();
        Self {
            values: vec![
                text("tracking"),
                title(brief, Language::En),
                title(brief, Language::Fr),
                text("to"),
                date,
                text("action"),
                marking,
                brief.path.display().to_string(),
            ],
        }
    }

    /// The row as a JSON object keyed by [`COLUMNS`].
    pub fn to_json(&self) -> Json {
        let map = COLUMNS
            .iter()
            .zip(&self.values)
            .map(|(k, v)| ((*k).to_string(), json!(v)))
            .collect();
        Json::Object(map)
    }
}

/// The title in `language`: the brief's per-language entry, or its one title when the brief
/// is written in that language.
fn title(brief: &Brief, language: Language) -> String {
    let Some(entry) = brief.root.get("title") else {
        return String::new();
    };
    let scalar = |node: &Node| match &node.value {
        Value::Scalar(s) => Some(crate::text::fold(&s.text)),
        _ => None,
    };
    match &entry.node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|e| e.key == language.code())
            .and_then(|e| scalar(&e.node))
            .unwrap_or_default(),
        _ if brief.language == language => scalar(&entry.node).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Rows as CSV (RFC 4180: a header row, fields quoted when they hold a comma, a quote or a
/// line break, lines ended with CRLF).
pub fn to_csv(rows: &[Row]) -> String {
    let line = |values: &mut dyn Iterator<Item = &str>| {
        let fields: Vec<String> = values
            .map(|v| {
                if v.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v.to_string()
                }
            })
            .collect();
        fields.join(",") + "\r\n"
    };
    let mut out = line(&mut COLUMNS.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.values.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let row = Row {
            values: vec![
                "BN-1".into(),
                "Trade, and \"security\"".into(),
                "".into(),
                "Minister".into(),
                "2025-11-24".into(),
                "decision".into(),
                "SECRET".into(),
                "a.yaml".into(),
            ],
        };
        assert_eq!(
            to_csv(&[row]).lines().nth(1),
            Some(
                "BN-1,\"Trade, and \"\"security\"\"\",,Minister,2025-11-24,decision,SECRET,a.yaml"
            )
        );
    }
}
