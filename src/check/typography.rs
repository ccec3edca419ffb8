//! Print typography on checked prose: typographic quotes and apostrophes in the language of the
//! edition, and French spacing, applied to the text of text, rich and inline values, never to
//! code, link addresses or the keys of rich-text blocks.

use serde_json::{Map, Value as Json};

use crate::check::markdown;
use crate::model::locale::Locale;
use crate::model::quotes::{self, Quoter};

/// A literal text as printed in `locale`: quotes made typographic (`\"` keeps one straight),
/// then French spacing where the locale has it.
pub fn literal(text: &str, locale: Locale) -> String {
    let quoted = quotes::quote(&quotes::mark_kept(text), locale.language());
    locale.typeset_text(&quoted)
}

/// A rich value (a list of blocks) or an inline value (`{inlines, text}`) as printed in
/// `locale`. Each paragraph, table cell and note is quoted on its own, its texts in order.
pub fn rich(value: Json, locale: Locale) -> Json {
    match value {
        Json::Array(blocks) => Json::Array(blocks.into_iter().map(|b| block(b, locale)).collect()),
        Json::Object(map) if map.contains_key("inlines") && !map.contains_key("kind") => {
            Json::Object(paragraph(map, locale))
        }
        other => other,
    }
}

/// One block: a paragraph's inlines, a list's items, a quote's blocks, a table's cells.
fn block(value: Json, locale: Locale) -> Json {
    let Json::Object(mut map) = value else {
        return value;
    };
    match map.get("kind").and_then(Json::as_str) {
        Some("paragraph") => return Json::Object(paragraph(map, locale)),
        Some("list") => {
            if let Some(Json::Array(items)) = map.remove("items") {
                let items = items.into_iter().map(|item| rich(item, locale)).collect();
                map.insert("items".into(), Json::Array(items));
            }
        }
        Some("quote") => {
            if let Some(blocks) = map.remove("blocks") {
                map.insert("blocks".into(), rich(blocks, locale));
            }
        }
        Some("table") => {
            for key in ["head", "rows"] {
                if let Some(value) = map.remove(key) {
                    map.insert(key.into(), cells(value, locale));
                }
            }
        }
        // Code blocks and rules print as written.
        _ => {}
    }
    Json::Object(map)
}

/// A table's head (a list of cells) or rows (a list of lists of cells), a cell being a list
/// of inlines.
fn cells(value: Json, locale: Locale) -> Json {
    match value {
        Json::Array(items) if items.iter().all(Json::is_array) => {
            let is_rows = items
                .iter()
                .any(|i| i.as_array().is_some_and(|c| c.iter().any(Json::is_array)));
            Json::Array(
                items
                    .into_iter()
                    .map(|item| {
                        if is_rows {
                            cells(item, locale)
                        } else {
                            inlines(item, &mut Quoter::new(locale.language()), locale)
                        }
                    })
                    .collect(),
            )
        }
        other => other,
    }
}

/// A paragraph (or an inline value): its inlines quoted in order, its plain `text` taken
/// again from them.
fn paragraph(mut map: Map<String, Json>, locale: Locale) -> Map<String, Json> {
    if let Some(list) = map.remove("inlines") {
        let list = inlines(list, &mut Quoter::new(locale.language()), locale);
        if map.contains_key("text") {
            let plain = markdown::plain(list.as_array().map_or(&[], |v| v));
            map.insert("text".into(), Json::String(plain));
        }
        map.insert("inlines".into(), list);
    }
    map
}

/// A list of inlines, quoted with one quoter so that a quotation may span them.
fn inlines(value: Json, quoter: &mut Quoter, locale: Locale) -> Json {
    let Json::Array(list) = value else {
        return value;
    };
    Json::Array(
        list.into_iter()
            .map(|inline| {
                let Json::Object(mut map) = inline else {
                    return inline;
                };
                match map.get("kind").and_then(Json::as_str) {
                    Some("text") => {
                        if let Some(Json::String(text)) = map.remove("text") {
                            let quoted = quoter.text(&text);
                            map.insert("text".into(), Json::String(locale.typeset_text(&quoted)));
                        }
                    }
                    Some("emph" | "strong" | "link") => {
                        if let Some(children) = map.remove("inlines") {
                            map.insert("inlines".into(), inlines(children, quoter, locale));
                        }
                    }
                    // Code is an object to the quotes around it: `x`'s takes an apostrophe.
                    Some("code") => quoter.skip(None),
                    Some("note") => {
                        // A note is its own paragraphs, printed elsewhere; its mark is an
                        // object in this one.
                        if let Some(blocks) = map.remove("blocks") {
                            map.insert("blocks".into(), rich(blocks, locale));
                        }
                        quoter.skip(None);
                    }
                    Some("break") => quoter.skip(Some(" ")),
                    _ => quoter.skip(None),
                }
                Json::Object(map)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Quotes in prose become typographic; code spans and link addresses stay as written.
    #[test]
    fn quotes_never_in_code_or_addresses() {
        let blocks = markdown::to_json(
            "He said \"**never**\" and typed `x = \"y\"` at [the \"site\"](https://x.org/?q=\"a\").",
        );
        let out = rich(blocks, Locale::EnCa);
        let inlines = &out[0]["inlines"];
        assert_eq!(inlines[0]["text"], "He said “");
        assert_eq!(inlines[1]["inlines"][0]["text"], "never");
        assert_eq!(inlines[2]["text"], "” and typed ");
        assert_eq!(inlines[3], json!({"kind": "code", "text": "x = \"y\""}));
        assert_eq!(inlines[5]["inlines"][0]["text"], "the “site”");
        assert!(inlines[5]["url"].as_str().unwrap().contains('"'));
        assert_eq!(
            out[0]["text"],
            "He said “never” and typed x = \"y\" at the “site”."
        );
    }

    #[test]
    fn code_blocks_and_french() {
        let blocks = markdown::to_json("\"Oui\" : l'OTAN\n\n```\nx = \"y\" : z\n```\n");
        let out = rich(blocks, Locale::FrCa);
        assert_eq!(out[0]["text"], "«\u{a0}Oui\u{a0}»\u{a0}: l’OTAN");
        assert_eq!(out[1]["text"], "x = \"y\" : z");
    }

    /// A backslash keeps a quote straight, in rich and in literal text.
    #[test]
    fn kept_straight_quotes() {
        let out = rich(markdown::to_json(r#"a 12\" pipe and "this""#), Locale::EnCa);
        assert_eq!(out[0]["text"], "a 12\" pipe and “this”");
        assert_eq!(
            literal(r#"the \"Ottawa\" file"#, Locale::EnCa),
            "the \"Ottawa\" file"
        );
        assert_eq!(
            literal("China's \"plan\"", Locale::FrCa),
            "China’s «\u{a0}plan\u{a0}»"
        );
    }
}
