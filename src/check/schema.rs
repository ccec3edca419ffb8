//! The JSON Schema (draft 2020-12) of a template's fields, generated from its manifest so that
//! editors check a brief the way [`crate::check`] does: the same types, forms, required fields
//! and defaults, and no field the template does not declare.
//!
//! Where YAML and JSON disagree, the schema follows what a YAML editor hands its validator: a
//! bare year such as `2015` is an integer there, so a date also accepts an integer; text also
//! accepts a number or `true`, which the checker reads as text. An optional field may be left
//! empty (null), as the checker allows, to take out a default.
//!
//! Any field may be given per language (`{en: ..., fr: ...}`), so each field's schema is
//! `anyOf` its own form and a map of languages to that form; inside one language's value the
//! languages are not given again, as the checker wants.

use serde_json::{Map, Value as Json, json};

use crate::check::RESERVED;
use crate::model::template::{Field, Kind, Template};

/// The JSON Schema dialect the generated schemas declare.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the calendar itself is left to the checker).
pub const DATE_PATTERN: &str = r"^\s*[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?(/[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?\s*$";

/// A time as the checker reads it: `9:30` or `09:30:15` on a 24-hour clock, `9:30am`,
/// `2 pm` or `11:15 a.m.` on a 12-hour clock, `14h30` or `14 h` as French writes it.
pub const TIME_PATTERN: &str = r"^\s*((([01]?[0-9]|2[0-3])[:.][0-5][0-9]([:.][0-5][0-9])?)|((0?[1-9]|1[0-2])([:.][0-5][0-9])?\s*[aApP]\.?[mM]\.?)|(([01]?[0-9]|2[0-3])\s*[hH]\s*([0-5][0-9])?))\s*$";

/// `YYYY-MM-DDTHH:MM[:SS]`, or with a space for the `T`.
pub const DATETIME_PATTERN: &str = r"^\s*[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?\s*$";

/// `http://` or `https://`, a host, no white space.
pub const URL_PATTERN: &str = r"^\s*https?://[^/\s]\S*\s*$";

/// Something `@` a domain with a dot inside it, no white space.
pub const EMAIL_PATTERN: &str = r"^\s*[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]\s*$";

/// The JSON Schema of the briefs of `template`.
pub fn schema(template: &Template) -> Json {
    let manifest = &template.manifest;
    let mut top = record(&manifest.fields, true);
    let properties = top["properties"]
        .as_object_mut()
        .expect("records have properties");
    // brief's own keys come first, as a brief writes them.
    let mut with_reserved = Map::new();
    for key in RESERVED {
        with_reserved.insert(key.to_string(), reserved(key, &manifest.name));
    }
    with_reserved.append(properties);
    top["properties"] = Json::Object(with_reserved);

    let mut root = Map::new();
    root.insert("$schema".into(), json!(DIALECT));
    root.insert("title".into(), json!(manifest.name));
    root.insert("description".into(), json!(manifest.description));
    if let Json::Object(rest) = top {
        root.extend(rest);
    }
    Json::Object(root)
}

/// The schema of a top-level key that belongs to `brief` rather than to the template.
fn reserved(key: &str, template: &str) -> Json {
    match key {
        "template" => json!({
            "description": "The template this brief is written for",
            "type": "string",
            "const": template,
        }),
        "extends" => json!({
            "description": "Briefs whose fields this brief starts from",
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}},
            ],
        }),
        // A key the schema does not know the form of yet: anything, rather than a false error.
        _ => json!({}),
    }
}

/// The schema of a record's fields: every declared field, the required ones, nothing else.
/// `languages`: whether a field may be given per language (not inside one language's value).
fn record(fields: &indexmap::IndexMap<String, Field>, languages: bool) -> Json {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, field) in fields {
        let mut schema = field_schema(field, languages);
        if field.required {
            required.push(json!(name));
        } else {
            allow_null(&mut schema);
        }
        properties.insert(name.clone(), schema);
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Json::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), Json::Array(required));
    }
    out.insert("additionalProperties".into(), json!(false));
    Json::Object(out)
}

/// The schema of one declared field, with its description and default: its own form, or
/// (when `languages`) that form per language.
fn field_schema(field: &Field, languages: bool) -> Json {
    let mut schema = Map::new();
    if let Some(description) = &field.description {
        schema.insert("description".into(), json!(description));
    }
    if languages {
        let one = kind_schema(field, false);
        let per_language: Map<String, Json> = crate::model::locale::Language::ALL
            .iter()
            .map(|l| (l.code().to_string(), one.clone()))
            .collect();
        let what = match field.kind {
            Kind::Text | Kind::Rich | Kind::Inline => "The text per language",
            _ => "The value per language",
        };
        schema.insert(
            "anyOf".into(),
            json!([
                kind_schema(field, true),
                {
                    "type": "object",
                    "description": what,
                    "properties": per_language,
                    "additionalProperties": false,
                    "minProperties": 1,
                },
            ]),
        );
    } else if let Json::Object(body) = kind_schema(field, false) {
        schema.extend(body);
    }
    if let Some(default) = &field.default
        && let Ok(default) = serde_json::to_value(default)
    {
        schema.insert("default".into(), default);
    }
    Json::Object(schema)
}

/// A field's own form; `languages`: whether the fields inside it may be given per language.
fn kind_schema(field: &Field, languages: bool) -> Json {
    match field.kind {
        Kind::Text | Kind::Rich | Kind::Inline => json!({"type": ["string", "number", "boolean"]}),
        Kind::Date => json!({
            "type": ["string", "integer"],
            "pattern": DATE_PATTERN,
            "minimum": 1000,
            "maximum": 9999,
            "examples": ["2015", "2024-06", "2025-12-08"],
        }),
        Kind::Time => {
            json!({"type": "string", "pattern": TIME_PATTERN, "examples": ["09:30", "2:00pm", "14h30"]})
        }
        Kind::Image => json!({
            "type": "string",
            "pattern": "\\.([pP][nN][gG]|[jJ][pP][eE]?[gG]|[gG][iI][fF]|[sS][vV][gG]|[wW][eE][bB][pP])$",
            "examples": ["logo.png"],
        }),
        Kind::Datetime => json!({
            "type": "string",
            "pattern": DATETIME_PATTERN,
            "examples": ["2025-12-08 09:30"],
        }),
        Kind::Integer => {
            let mut out = Map::new();
            out.insert("type".into(), json!("integer"));
            if let Some(min) = field.min {
                out.insert("minimum".into(), json!(min));
            }
            if let Some(max) = field.max {
                out.insert("maximum".into(), json!(max));
            }
            Json::Object(out)
        }
        Kind::Number => json!({"type": "number"}),
        Kind::Boolean => json!({"type": "boolean"}),
        Kind::Enum => json!({"enum": field.choices}),
        Kind::Url => json!({"type": "string", "pattern": URL_PATTERN}),
        Kind::Email => json!({"type": "string", "pattern": EMAIL_PATTERN}),
        Kind::Length => json!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?(pt|mm|cm|in)$",
            "examples": ["10pt", "12mm", "0.75in"],
        }),
        Kind::Color => json!({
            "type": "string",
            "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$",
            "examples": ["#1f4e79"],
        }),
        Kind::Font => json!({"type": "string", "examples": ["Libertinus Serif", "Lato"]}),
        Kind::List => {
            let mut out = Map::new();
            out.insert("type".into(), json!("array"));
            if let Some(items) = &field.items {
                out.insert("items".into(), field_schema(items, languages));
            }
            if let Some(min) = field.min {
                out.insert("minItems".into(), json!(min));
            }
            if let Some(max) = field.max {
                out.insert("maxItems".into(), json!(max));
            }
            Json::Object(out)
        }
        Kind::Record => {
            let mut out = record(&field.fields, languages);
            if !field.one_of.is_empty() {
                // Exactly one of the alternatives, and not left empty.
                let choices: Vec<Json> = field
                    .one_of
                    .iter()
                    .map(|name| json!({"required": [name], "properties": {name: {"not": {"type": "null"}}}}))
                    .collect();
                out["oneOf"] = Json::Array(choices);
            }
            out
        }
        Kind::Map => {
            let values = field
                .values
                .as_deref()
                .map_or(json!({}), |v| field_schema(v, languages));
            json!({"type": "object", "additionalProperties": values})
        }
    }
}

/// Lets an optional field be empty, which the checker reads as "not given".
fn allow_null(schema: &mut Json) {
    let Json::Object(schema) = schema else {
        return;
    };
    match schema.get_mut("type") {
        Some(Json::String(kind)) => {
            let kind = std::mem::take(kind);
            schema.insert("type".into(), json!([kind, "null"]));
        }
        Some(Json::Array(kinds)) => kinds.push(json!("null")),
        _ => {}
    }
    if let Some(Json::Array(choices)) = schema.get_mut("enum") {
        choices.push(Json::Null);
    }
    // A field's own form or its form per language: the first alternative is its own.
    if let Some(Json::Array(alternatives)) = schema.get_mut("anyOf")
        && let Some(first) = alternatives.first_mut()
    {
        allow_null(first);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Files;
    use crate::model::template::Registry;

    fn background_note() -> Json {
        let mut files = Files::default();
        let template = Registry::default()
            .load("background-note", &mut files, None)
            .expect("the built-in template loads");
        schema(&template)
    }

    fn validator(schema: &Json) -> jsonschema::Validator {
        jsonschema::draft202012::new(schema).expect("a valid JSON Schema")
    }

    fn yaml(text: &str) -> Json {
        serde_yaml::from_str(text).expect("YAML")
    }

    const MINIMAL: &str = "
title: A title
organization: An organization
event: {name: Roundtable, date: 2025-12-08, city: Vancouver}
sections:
  - body: Text.
";

    /// The top level names the dialect and template, is closed, and allows every reserved key.
    #[test]
    fn top_level_says_what_the_template_is() {
        let schema = background_note();
        assert_eq!(schema["$schema"], DIALECT);
        assert_eq!(schema["title"], "background-note");
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], json!(["title", "sections"]));
        for key in RESERVED {
            assert!(schema["properties"].get(key).is_some(), "{key} is allowed");
        }
        assert_eq!(schema["properties"]["template"]["const"], "background-note");
    }

    /// Fields keep their descriptions, defaults, choices, list bounds and nested records.
    #[test]
    fn fields_carry_descriptions_defaults_and_bounds() {
        let schema = background_note();
        let properties = &schema["properties"];
        assert_eq!(properties["title"]["description"], "The note's title");
        assert_eq!(properties["lang"]["default"], "en-CA");
        assert_eq!(properties["milestones-after"]["default"], 1);
        assert_eq!(
            properties["paper"]["anyOf"][0]["enum"],
            json!(["letter", "a4", "legal", null])
        );
        assert_eq!(properties["sections"]["anyOf"][0]["minItems"], 1);
        let event = &properties["event"]["anyOf"][0];
        assert_eq!(event["required"], json!(["name", "date"]));
        assert_eq!(event["additionalProperties"], false);
        assert_eq!(
            properties["acronyms"]["anyOf"][0]["additionalProperties"]["anyOf"][0]["type"],
            json!(["string", "number", "boolean"])
        );
    }

    /// Briefs the checker accepts validate, bare YAML years and empty optional fields included.
    #[test]
    fn accepts_what_the_checker_accepts() {
        let schema = background_note();
        let validator = validator(&schema);
        assert!(validator.is_valid(&yaml(MINIMAL)));
        let with_year = format!("{MINIMAL}milestones:\n  - {{date: 2015, text: Signed.}}\n");
        assert!(validator.is_valid(&yaml(&with_year)));
        let with_month = format!("{MINIMAL}date: 2024-06\nkicker:\ntemplate: background-note\n");
        assert!(validator.is_valid(&yaml(&with_month)));
        let per_language = format!("{MINIMAL}purpose: {{en: To inform., fr: Pour informer.}}\n");
        assert!(validator.is_valid(&yaml(&per_language)));
        let bilingual = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/briefs/canada-korea-defence-2025-bilingual.yaml"
        ))
        .unwrap();
        assert!(validator.is_valid(&yaml(&bilingual)));
    }

    /// Any field may be given per language, whatever its kind: a date, a list, a record; inside
    /// one language's value the languages are not given again.
    #[test]
    fn every_field_may_be_given_per_language() {
        let validator = validator(&background_note());
        let event = MINIMAL.replace(
            "event: {name: Roundtable, date: 2025-12-08, city: Vancouver}",
            "event: {name: Roundtable, date: {en: 2025-12-08, fr: 2025-12-09}, city: Vancouver}",
        );
        assert!(validator.is_valid(&yaml(&event)), "a date per language");
        let record = MINIMAL.replace(
            "event: {name: Roundtable, date: 2025-12-08, city: Vancouver}",
            "event: {en: {name: Roundtable, date: 2025-12-08}, fr: {name: Table ronde, date: 2025-12-09}}",
        );
        assert!(validator.is_valid(&yaml(&record)), "a record per language");
        let list = format!(
            "{MINIMAL}milestones: {{en: [{{date: 2015, text: Signed.}}], fr: [{{date: 2015, text: Signé.}}]}}\n"
        );
        assert!(validator.is_valid(&yaml(&list)), "a list per language");
        for (what, extra) in [
            ("a date in an unknown language", "date: {de: 2025-12-08}"),
            (
                "a bad date in one language",
                "date: {en: 2025-12-08, fr: 2025-13}",
            ),
            (
                "languages inside a language",
                "milestones: {en: [{date: 2015, text: {en: Signed.}}]}",
            ),
        ] {
            let brief = yaml(&format!("{MINIMAL}{extra}\n"));
            assert!(!validator.is_valid(&brief), "{what} is rejected");
        }
    }

    /// Unknown fields, bad choices, wrong types, bad dates and missing fields do not validate.
    #[test]
    fn rejects_what_the_checker_rejects() {
        let schema = background_note();
        let validator = validator(&schema);
        for (what, extra) in [
            ("an unknown field", "titel: x"),
            ("a bad enum", "paper: letterr"),
            ("a wrong type", "milestones-after: many"),
            ("a bad date", "date: 2025/12/08"),
            ("a short year", "date: 215"),
            ("another template", "template: agenda"),
            (
                "a text in an unknown language",
                "purpose: {de: Zur Information.}",
            ),
        ] {
            let brief = yaml(&format!("{MINIMAL}{extra}\n"));
            assert!(!validator.is_valid(&brief), "{what} is rejected");
        }
        let missing = yaml("title: x\n");
        assert!(!validator.is_valid(&missing), "missing fields are rejected");
        let empty_list = yaml(&MINIMAL.replace("sections:\n  - body: Text.", "sections: []"));
        assert!(!validator.is_valid(&empty_list), "min items is kept");
    }

    /// The time, date-time, URL, e-mail and date patterns agree with the checker on examples.
    #[test]
    fn scalar_patterns_match_the_checker() {
        let matches = |pattern: &str, text: &str| {
            validator(&json!({"type": "string", "pattern": pattern})).is_valid(&json!(text))
        };
        assert!(matches(TIME_PATTERN, "09:30"));
        assert!(matches(TIME_PATTERN, "23:59:59"));
        assert!(!matches(TIME_PATTERN, "24:00"));
        for time in [
            "9:00",
            "2:00pm",
            "2 pm",
            "11:15 a.m.",
            "14h00",
            "14 h",
            "9 h 30",
        ] {
            assert!(matches(TIME_PATTERN, time), "{time}");
        }
        for time in ["9", "13:00pm", "0:30 am", "9:5", "14h5"] {
            assert!(!matches(TIME_PATTERN, time), "{time}");
        }
        assert!(matches(DATETIME_PATTERN, "2025-12-08 09:30"));
        assert!(matches(DATETIME_PATTERN, "2025-12-08T09:30"));
        assert!(!matches(DATETIME_PATTERN, "2025-12 09:30"));
        assert!(matches(URL_PATTERN, "https://www.asiapacific.ca/"));
        assert!(!matches(URL_PATTERN, "www.asiapacific.ca"));
        assert!(matches(EMAIL_PATTERN, "info@asiapacific.ca"));
        assert!(!matches(EMAIL_PATTERN, "info@localhost"));
        assert!(matches(DATE_PATTERN, "2025-12-08"));
        assert!(!matches(DATE_PATTERN, "2025-13"));
        assert!(matches(DATE_PATTERN, "2017-06-02/2017-06-06"));
        assert!(!matches(DATE_PATTERN, "2017-06-02/"));
        assert!(!matches(DATE_PATTERN, "0000-01-01"));
        assert!(!matches(DATE_PATTERN, "2017-06-02/0999"));
        assert!(!matches(DATETIME_PATTERN, "0999-12-08 09:30"));
    }
}
