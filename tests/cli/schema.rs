//! `brief schema`: the JSON Schema of a template accepts what the checker accepts and rejects
//! what it rejects, validated here by an independent JSON Schema implementation.

use serde_json::Value as Json;

use crate::util::{brief, example, root, run};

fn schema_of(template: &str) -> Json {
    let (output, stderr) = run(brief(&root()).args(["schema", template]));
    assert!(output.status.success(), "brief schema failed: {stderr}");
    serde_json::from_slice(&output.stdout).expect("brief schema prints JSON")
}

fn validator(template: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema_of(template)).expect("a valid draft 2020-12 schema")
}

/// A YAML brief as the JSON value a YAML editor hands its validator.
fn example_as_json() -> Json {
    let text = std::fs::read_to_string(example()).unwrap();
    serde_yaml::from_str(&text).expect("the example brief is YAML")
}

fn errors(validator: &jsonschema::Validator, brief: &Json) -> Vec<String> {
    validator
        .iter_errors(brief)
        .map(|e| e.to_string())
        .collect()
}

/// The README's example brief is valid against `brief schema background-note`.
#[test]
fn example_brief_is_valid_against_its_schema() {
    let validator = validator("background-note");
    let brief = example_as_json();
    assert_eq!(errors(&validator, &brief), Vec::<String>::new());
}

/// An unknown field, a wrong type and a bad enum choice are each rejected.
#[test]
fn broken_briefs_are_rejected() {
    let validator = validator("background-note");
    let mut unknown = example_as_json();
    unknown["titel"] = "Defence Co-operation".into();
    let mut wrong_type = example_as_json();
    wrong_type["milestones-after"] = "after the first section".into();
    let mut bad_enum = example_as_json();
    bad_enum["paper"] = "letterr".into();
    let mut bad_date = example_as_json();
    bad_date["event"]["date"] = "December 8, 2025".into();
    let mut nested_unknown = example_as_json();
    nested_unknown["event"]["room"] = "Hall A".into();
    let mut missing = example_as_json();
    missing.as_object_mut().unwrap().remove("title");
    for (what, brief) in [
        ("an unknown field", unknown),
        ("a wrong type", wrong_type),
        ("a bad enum choice", bad_enum),
        ("a bad date", bad_date),
        ("an unknown nested field", nested_unknown),
        ("a missing required field", missing),
    ] {
        assert!(!validator.is_valid(&brief), "{what} is rejected");
    }
}

/// The schema is a JSON Schema 2020-12 document that names and describes the template.
#[test]
fn schema_describes_the_template() {
    let schema = schema_of("background-note");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["title"], "background-note");
    assert_eq!(
        schema["properties"]["event"]["anyOf"][0]["properties"]["date"]["description"],
        "When it takes place"
    );
    assert_eq!(schema["properties"]["lang"]["default"], "en-CA");
}

/// An unknown template is an error with a suggestion, exit 1, and nothing on standard output.
#[test]
fn unknown_template_is_an_error() {
    let (output, stderr) = run(brief(&root()).args(["schema", "background-notes"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains("there is no template named `background-notes`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `background-note`?"),
        "{stderr}"
    );
}
