//! Starter briefs for `brief new`, generated from a template's manifest: every field in the
//! manifest's order, its description as a comment above it. Required fields get a placeholder
//! the checker accepts (so the starter builds as written); optional fields are commented out,
//! showing their default or an example, ready to be uncommented.

use indexmap::IndexMap;

use crate::input::yaml::{self, ManifestValue, Written};
use crate::model::template::{Field, Kind, Template};

/// The date placeholders use.
pub const PLACEHOLDER_DATE: &str = "2026-01-15";

/// One line of YAML: its indentation and text (empty for a blank line).
#[derive(Debug, Clone)]
struct Line {
    indent: usize,
    text: String,
}

impl Line {
    fn new(indent: usize, text: impl Into<String>) -> Self {
        Self {
            indent,
            text: text.into(),
        }
    }
}

/// A value as written after `key:`: on the same line (`inline`, may be empty), then any
/// lines below it, indented relative to the key.
struct Rendered {
    inline: String,
    block: Vec<Line>,
}

impl Rendered {
    fn inline(text: impl Into<String>) -> Self {
        Self {
            inline: text.into(),
            block: Vec::new(),
        }
    }
}

/// The starter brief of `template`. `template_ref` is what its `template:` line names (the
/// name or folder it was asked for); `build` is the command line that builds it, for the header.
pub fn starter(template: &Template, template_ref: &str, build: &str) -> String {
    let manifest = &template.manifest;
    let mut out = String::new();
    out.push_str(&format!(
        "# A brief for the `{}` template: {}.\n",
        manifest.name,
        manifest.description.trim_end_matches('.')
    ));
    out.push_str(
        "# Replace each TODO; uncomment the optional fields you want (delete the `# `).\n",
    );
    out.push_str(
        "# Any field may be given per language, a value for each edition: `title: {en: ..., fr: ...}`.\n",
    );
    out.push_str(&format!("# Build it with:  {build}\n"));
    out.push_str(&format!("template: {}\n", scalar(template_ref)));
    // The template's rules: fields a rule requires given the starter's own values are written
    // out, and texts a rule wants in several languages are given in each.
    let mut required_by_rules: Vec<&str> = Vec::new();
    for rule in &manifest.rules {
        let applies = rule.when.iter().all(|(key, value)| {
            manifest.fields.get(key).is_some_and(|f| {
                written(f) && f.kind == Kind::Enum && f.choices.first() == Some(value)
            })
        });
        if applies {
            required_by_rules.extend(rule.require.iter().map(String::as_str));
        }
    }
    for (name, field) in &manifest.fields {
        out.push('\n');
        let languages = manifest.rules.iter().find_map(|r| r.languages.get(name));
        let active = written(field) || required_by_rules.contains(&name.as_str());
        let lines = match languages {
            Some(languages) if active => per_language(name, field, languages),
            _ => field_lines(name, field, active),
        };
        for line in lines {
            push_line(&mut out, &line);
        }
    }
    out
}

/// A field written per language, as a rule of the template wants it.
fn per_language(name: &str, field: &Field, languages: &[String]) -> Vec<Line> {
    let mut lines = comment_lines(field);
    lines.push(Line::new(0, format!("{}:", scalar(name))));
    for language in languages {
        let value = placeholder(name, field);
        lines.extend(
            keyed(&scalar(language), value)
                .into_iter()
                .map(|l| Line::new(l.indent + 2, l.text)),
        );
    }
    lines
}

fn push_line(out: &mut String, line: &Line) {
    if !line.text.is_empty() {
        out.push_str(&" ".repeat(line.indent));
        out.push_str(&line.text);
    }
    out.push('\n');
}

/// Whether a field is written out (rather than commented out) in a starter: when the checker
/// needs it, that is when it is required or is a list that needs items.
fn written(field: &Field) -> bool {
    field.required || (field.kind == Kind::List && field.min.is_some_and(|m| m > 0))
}

/// A field's comment and its `key: value` lines; commented out unless `active`.
fn field_lines(name: &str, field: &Field, active: bool) -> Vec<Line> {
    let mut lines = comment_lines(field);
    let value = match (&field.default, active) {
        (Some(default), false) => yaml_value(default),
        _ => placeholder(name, field),
    };
    let mut body = keyed(&scalar(name), value);
    if !active {
        body = comment_out(body);
    }
    lines.extend(body);
    lines
}

/// The field's description and what it takes, as `# ` lines.
fn comment_lines(field: &Field) -> Vec<Line> {
    let description = field.description.as_deref().unwrap_or("").trim();
    let mut notes = Vec::new();
    if field.required {
        notes.push("required".to_string());
    }
    match field.kind {
        Kind::Date if !description.contains("YYYY") => {
            notes.push("YYYY, YYYY-MM or YYYY-MM-DD".into())
        }
        Kind::Time => notes.push("HH:MM".into()),
        Kind::Datetime => notes.push("YYYY-MM-DD HH:MM".into()),
        Kind::Integer => notes.push("a whole number".into()),
        Kind::Number => notes.push("a number".into()),
        Kind::Boolean => notes.push("true or false".into()),
        Kind::Enum => notes.push(format!("one of: {}", field.choices.join(", "))),
        Kind::List => match (field.min, field.max) {
            (Some(min), Some(max)) => notes.push(format!("{min} to {max} items")),
            (Some(min), None) if min > 0 => notes.push(format!("at least {min}")),
            (None, Some(max)) => notes.push(format!("at most {max}")),
            _ => {}
        },
        _ => {}
    }
    if let Some(items) = field.items.as_deref()
        && !items.one_of.is_empty()
    {
        notes.push(format!(
            "each item holds one of: {}",
            items.one_of.join(", ")
        ));
    }
    if let Some(default) = &field.default
        && let Written::Inline(text) = default.written()
        && !text.starts_with(['[', '{'])
    {
        notes.push(format!("default: {text}"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" [{}]", notes.join("; "))
    };
    let mut description_lines: Vec<&str> = description.lines().collect();
    if description_lines.is_empty() {
        if notes.is_empty() {
            return Vec::new();
        }
        description_lines.push("");
    }
    let last = description_lines.len() - 1;
    description_lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let text = if i == last {
                format!("# {line}{notes}")
            } else {
                format!("# {line}")
            };
            Line::new(0, text.replace("#  [", "# ["))
        })
        .collect()
}

/// `key: value`, with the value's block below it.
fn keyed(key: &str, value: Rendered) -> Vec<Line> {
    headed(&format!("{key}:"), value)
}

/// A first line (`key:` or `-`), the value's inline part after it, and its block indented
/// below.
fn headed(head: &str, value: Rendered) -> Vec<Line> {
    let first = if value.inline.is_empty() {
        head.to_string()
    } else {
        format!("{head} {}", value.inline)
    };
    let mut lines = vec![Line::new(0, first)];
    lines.extend(
        value
            .block
            .into_iter()
            .map(|l| Line::new(l.indent + 2, l.text)),
    );
    lines
}

/// Turns lines into comments, keeping their indentation after the `# `.
fn comment_out(lines: Vec<Line>) -> Vec<Line> {
    let base = lines.iter().map(|l| l.indent).min().unwrap_or(0);
    lines
        .into_iter()
        .map(|l| {
            if l.text.is_empty() {
                Line::new(base, "#")
            } else {
                Line::new(base, format!("# {}{}", " ".repeat(l.indent - base), l.text))
            }
        })
        .collect()
}

/// A value the checker accepts for `field`; `label` names it in text placeholders.
fn placeholder(label: &str, field: &Field) -> Rendered {
    match field.kind {
        Kind::Text | Kind::Inline => Rendered::inline(scalar(&format!("TODO: {label}"))),
        Kind::Rich => Rendered {
            inline: "|".into(),
            block: vec![
                Line::new(0, format!("TODO: the first paragraph of {label}.")),
                Line::new(0, ""),
                Line::new(0, "TODO: a second paragraph, after a blank line."),
            ],
        },
        Kind::Date => Rendered::inline(PLACEHOLDER_DATE),
        Kind::Time => Rendered::inline("09:00"),
        Kind::Image => Rendered::inline("TODO-image.png"),
        Kind::Datetime => Rendered::inline(format!("{PLACEHOLDER_DATE} 09:00")),
        Kind::Integer | Kind::Number => Rendered::inline("0"),
        Kind::Boolean => Rendered::inline("false"),
        Kind::Enum => Rendered::inline(scalar(field.choices.first().map_or("", String::as_str))),
        Kind::Url => Rendered::inline("https://example.org/"),
        Kind::Email => Rendered::inline("name@example.org"),
        Kind::Length => Rendered::inline("10pt"),
        Kind::Color => Rendered::inline(scalar("#1f4e79")),
        Kind::Font => Rendered::inline(scalar("Libertinus Serif")),
        Kind::List => {
            let count = field.min.unwrap_or(0).max(1);
            let mut block = Vec::new();
            if let Some(items) = field.items.as_deref() {
                for _ in 0..count {
                    block.extend(list_item(label, items));
                }
            }
            Rendered {
                inline: String::new(),
                block,
            }
        }
        Kind::Record => Rendered {
            inline: String::new(),
            block: record_lines(&field.fields),
        },
        Kind::Map => {
            let mut block = Vec::new();
            if let Some(values) = field.values.as_deref() {
                block = keyed("TODO", placeholder(label, values));
            }
            Rendered {
                inline: String::new(),
                block,
            }
        }
    }
}

/// One `- ` item of a list.
fn list_item(label: &str, items: &Field) -> Vec<Line> {
    let value = placeholder(label, items);
    if items.kind == Kind::Record {
        // The record's lines, the first after the `- `, the rest lined up with it.
        return value
            .block
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    Line::new(l.indent, format!("- {}", l.text))
                } else {
                    Line::new(l.indent + 2, l.text)
                }
            })
            .collect();
    }
    headed("-", value)
}

/// A record's fields: the required ones written, the others commented out. A record with no
/// required field writes its first one, so that it is not empty.
fn record_lines(fields: &IndexMap<String, Field>) -> Vec<Line> {
    let any_required = fields.values().any(|f| f.required);
    fields
        .iter()
        .enumerate()
        .flat_map(|(i, (name, field))| {
            let active = field.required || (!any_required && i == 0);
            field_lines(name, field, active)
        })
        .collect()
}

/// A default value from the manifest, as YAML.
fn yaml_value(value: &ManifestValue) -> Rendered {
    match value.written() {
        Written::Inline(text) => Rendered::inline(text),
        Written::Block(text) => Rendered {
            inline: String::new(),
            block: text.lines().map(|l| Line::new(0, l)).collect(),
        },
    }
}

/// Text as a YAML scalar: plain when that reads back as the same text, double-quoted otherwise.
pub fn scalar(text: &str) -> String {
    yaml::scalar_text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;
    use crate::diag::{self, Files};
    use crate::input::yaml;
    use crate::model::template::Registry;

    fn checked(name: &str) -> (String, Template) {
        let mut files = Files::default();
        let template = Registry::default()
            .load(name, &mut files, None)
            .expect("the built-in template loads");
        (starter(&template, name, "brief build x.yaml"), template)
    }

    /// Every built-in template's starter passes the checker as written.
    #[test]
    fn starters_pass_the_checker() {
        for name in Template::builtin_names() {
            let (text, template) = checked(name);
            let mut files = Files::default();
            let key = files.add("starter.yaml", text.clone());
            let root = yaml::parse(&text, key)
                .unwrap_or_else(|p| panic!("{text}\n{}", diag::render(&files, &p)));
            let result = check::check(&root, &template);
            assert!(
                !result.has_errors(),
                "{text}\n{}",
                diag::render(&files, &result.problems)
            );
        }
    }

    /// The starter names its template and lists fields in manifest order, optional ones commented.
    #[test]
    fn starter_lists_fields_in_manifest_order() {
        let (text, _) = checked("background-note");
        assert!(text.starts_with("# A brief for the `background-note` template"));
        assert!(text.contains("\ntemplate: background-note\n"));
        let title = text.find("\ntitle: \"TODO: title\"\n").expect("title");
        let kicker = text.find("\n# kicker: \"TODO: kicker\"\n").expect("kicker");
        let sections = text.find("\nsections:\n  - # ").expect("sections");
        assert!(title < kicker && kicker < sections);
        assert!(text.contains("\n# paper: letter\n"));
        assert!(text.contains("\n# milestones:\n#   - # When it happened"));
    }

    /// Scalars are written plain unless YAML would read them as something else.
    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("Background Note"), "Background Note");
        assert_eq!(scalar("en-CA"), "en-CA");
        assert_eq!(scalar("TODO: title"), "\"TODO: title\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("2015"), "\"2015\"");
        assert_eq!(scalar("- x"), "\"- x\"");
        assert_eq!(scalar("a \"b\""), "a \"b\"");
        assert_eq!(scalar("#tag"), "\"#tag\"");
    }
}
