//! House rules a template's manifest states (`rules:`), enforced on a brief after the checker,
//! each failure a located error: fields required when others have given values (a note for
//! decision needs a recommendation), and texts required in several languages (a briefing
//! note's title in both official languages).

use serde_json::Value as Json;

use crate::check::{Checked, brief_locale, is_language_map};
use crate::diag::Diagnostic;
use crate::input::yaml::{Node, Value};
use crate::model::locale::{Language, language_list};
use crate::model::template::{Rule, Template};

/// Adds the failures of `template`'s rules by the brief `root` (checked into `checked`) to its
/// problems.
pub fn enforce(root: &Node, template: &Template, checked: &mut Checked) {
    for rule in &template.manifest.rules {
        requirements(root, template, rule, checked);
        languages(root, template, rule, checked);
    }
    checked
        .problems
        .sort_by_key(|p| p.span.map(|s| (s.file, s.start)));
}

/// Whether a checked value is missing: not given, or given empty.
fn absent(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) => true,
        Some(Json::Array(items)) => items.is_empty(),
        Some(Json::Object(map)) => map.is_empty(),
        Some(_) => false,
    }
}

fn requirements(root: &Node, template: &Template, rule: &Rule, checked: &mut Checked) {
    if rule.require.is_empty() {
        return;
    }
    // The rule applies when every `when` field has its value; it is reported at the first.
    let mut at = None;
    for (field, value) in &rule.when {
        if checked.data.get(field).and_then(Json::as_str) != Some(value.as_str()) {
            return;
        }
        if at.is_none() {
            at = root.get(field).map(|e| e.node.span);
        }
    }
    let at = at.unwrap_or_else(|| template.manifest_span());
    let condition = rule
        .when
        .iter()
        .map(|(k, v)| format!("`{k}: {v}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    for field in &rule.require {
        if !absent(checked.data.get(field)) {
            continue;
        }
        let message = if condition.is_empty() {
            format!("the brief has no `{field}`, which the template requires")
        } else {
            format!("a brief with {condition} must have `{field}`")
        };
        let mut diagnostic = Diagnostic::error(Some(at), message).with_field(field.as_str());
        if let Some(reason) = &rule.reason {
            diagnostic = diagnostic.with_note(format!("the template's rule: {reason}"));
        }
        let hint = match rule.when.keys().next() {
            Some(first) => format!("add `{field}:` to the brief, or change `{first}`"),
            None => format!("add `{field}:` to the brief"),
        };
        checked.problems.push(diagnostic.with_hint(hint));
    }
}

fn languages(root: &Node, template: &Template, rule: &Rule, checked: &mut Checked) {
    for (field, wanted) in &rule.languages {
        let Some(entry) = root.get(field) else {
            // A missing required field is reported by the checker already.
            continue;
        };
        let given: Vec<&str> = if is_language_map(&entry.node) {
            match &entry.node.value {
                Value::Map(entries) => entries.iter().map(|e| e.key.as_str()).collect(),
                _ => Vec::new(),
            }
        } else {
            vec![brief_locale(root, template).language().code()]
        };
        let missing: Vec<&str> = wanted
            .iter()
            .map(String::as_str)
            .filter(|code| !given.contains(code))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let named = |codes: &[&str]| {
            codes
                .iter()
                .filter_map(|c| Language::from_code(c))
                .map(Language::name)
                .collect::<Vec<_>>()
        };
        let given_names = named(&given).join(" and ");
        let wanted_codes: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let mut diagnostic = Diagnostic::error(
            Some(entry.key_span),
            format!(
                "`{field}` is given in {} only; the template requires it in {}",
                if given_names.is_empty() {
                    "no language".to_string()
                } else {
                    given_names
                },
                language_list(&wanted_codes, "and"),
            ),
        )
        .with_field(field.as_str());
        if let Some(reason) = &rule.reason {
            diagnostic = diagnostic.with_note(format!("the template's rule: {reason}"));
        }
        let form = wanted
            .iter()
            .map(|c| format!("{c}: ..."))
            .collect::<Vec<_>>()
            .join(", ");
        checked.problems.push(diagnostic.with_hint(format!(
            "give it per language, as `{field}: {{{form}}}`; a note in one language prints its own and keeps the other for the register"
        )));
    }
}
