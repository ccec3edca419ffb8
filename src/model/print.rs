//! Print settings: the paper size and the binding margin a document is set on, resolved from
//! the command line, the brief, the template and the brief's language, in that order.
//!
//! Templates read the result as `data.build.page` (`paper`: `letter`, `a4` or `legal`;
//! `binding`: the extra inside margin in millimetres, 0 for none), so every part of a handout
//! is set on the same paper whatever each part's own brief says.

use serde_json::{Value as Json, json};

use crate::diag::Diagnostic;
use crate::model::brief::Brief;
use crate::model::locale::Locale;

/// The paper sizes templates are set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// US Letter, 8.5 × 11 in (the default for en-CA, en-US and fr-CA).
    Letter,
    /// ISO A4, 210 × 297 mm (the default for en-GB, en-AU, fr-FR and ko-KR).
    A4,
    /// US Legal, 8.5 × 14 in.
    Legal,
}

impl Paper {
    /// The name briefs and templates use.
    pub fn name(self) -> &'static str {
        match self {
            Paper::Letter => "letter",
            Paper::A4 => "a4",
            Paper::Legal => "legal",
        }
    }

    /// The paper called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "letter" => Some(Paper::Letter),
            "a4" => Some(Paper::A4),
            "legal" => Some(Paper::Legal),
            _ => None,
        }
    }

    /// The paper offices in this locale use: Letter in North America, A4 elsewhere.
    pub fn for_locale(locale: Locale) -> Self {
        if locale.conventions().a4 {
            Paper::A4
        } else {
            Paper::Letter
        }
    }
}

/// The widest binding margin accepted, in millimetres: more would squeeze the text column.
pub const MAX_BINDING_MM: f64 = 40.0;

/// How a length is written, for messages.
pub const LENGTH_FORMS: &str =
    "a length with its unit, such as `10pt`, `12mm`, `1.5cm` or `0.75in`";

/// Reads a length such as `10.5pt`, `12mm`, `1.2cm` or `0.5in`, in points.
pub fn parse_length(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let expected = "write a length with its unit, such as `12mm`, `1.5cm`, `0.5in` or `36pt`";
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{trimmed}` is not a length ({expected})"))?;
    let points = match unit.trim() {
        "pt" => value,
        "mm" => value * 72.0 / 25.4,
        "cm" => value * 720.0 / 25.4,
        "in" => value * 72.0,
        "" => return Err(format!("`{trimmed}` has no unit ({expected})")),
        other => return Err(format!("`{other}` is not a unit of length ({expected})")),
    };
    Ok(points)
}

/// Reads a binding margin such as `12mm`, `1.2cm`, `0.5in` or `36pt`, in millimetres.
pub fn parse_binding(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let mm = parse_length(trimmed)? * 25.4 / 72.0;
    if mm > MAX_BINDING_MM + 1e-9 {
        return Err(format!(
            "a binding margin of `{trimmed}` is wider than {MAX_BINDING_MM} mm, which would squeeze the text"
        ));
    }
    Ok(mm)
}

/// What the command line says about printing; `None` leaves the choice to the brief.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PrintOverrides {
    /// `--paper`.
    pub paper: Option<Paper>,
    /// `--binding`, in millimetres.
    pub binding_mm: Option<f64>,
}

/// The page setup a document is set on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSetup {
    /// The paper.
    pub paper: Paper,
    /// The extra inside margin for binding, in millimetres (0 for none).
    pub binding_mm: f64,
}

impl PageSetup {
    /// What templates read as `data.build.page`.
    pub fn to_json(self) -> Json {
        json!({ "paper": self.paper.name(), "binding": self.binding_mm })
    }
}

/// Resolves the page setup of a checked brief: the command line first, then the brief's
/// `paper` (which holds the template's default when the brief gives none and the template
/// declares one), then the paper of the brief's language. A `binding` field that is not a
/// length is an error at its line.
pub fn resolve(brief: &Brief, overrides: PrintOverrides) -> Result<PageSetup, Vec<Diagnostic>> {
    let from_brief = brief
        .fields
        .get("paper")
        .and_then(Json::as_str)
        .and_then(Paper::from_name);
    let locale = brief
        .fields
        .get("lang")
        .and_then(Json::as_str)
        .and_then(Locale::from_tag)
        .unwrap_or_default();
    let paper = overrides
        .paper
        .or(from_brief)
        .unwrap_or_else(|| Paper::for_locale(locale));
    let binding_mm = match overrides.binding_mm {
        Some(mm) => mm,
        None => match brief.fields.get("binding").and_then(Json::as_str) {
            Some(text) => parse_binding(text).map_err(|message| {
                let span = brief
                    .origins
                    .iter()
                    .find(|o| o.path == "binding")
                    .map(|o| o.span);
                vec![Diagnostic::error(span, message).with_field("binding")]
            })?,
            None => 0.0,
        },
    };
    Ok(PageSetup { paper, binding_mm })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_lengths_in_any_unit() {
        assert_eq!(parse_binding("12mm"), Ok(12.0));
        assert_eq!(parse_binding(" 1.5cm "), Ok(15.0));
        assert_eq!(parse_binding("0.5in"), Ok(12.7));
        assert!((parse_binding("36pt").unwrap() - 12.7).abs() < 1e-9);
        assert!(parse_binding("12").unwrap_err().contains("has no unit"));
        assert!(
            parse_binding("12 furlongs")
                .unwrap_err()
                .contains("not a unit")
        );
        assert!(parse_binding("wide").unwrap_err().contains("not a length"));
        assert!(parse_binding("50mm").unwrap_err().contains("wider than"));
    }

    #[test]
    fn locales_pick_their_office_paper() {
        assert_eq!(Paper::for_locale(Locale::EnCa), Paper::Letter);
        assert_eq!(Paper::for_locale(Locale::EnUs), Paper::Letter);
        assert_eq!(Paper::for_locale(Locale::FrCa), Paper::Letter);
        assert_eq!(Paper::for_locale(Locale::KoKr), Paper::A4);
        assert_eq!(Paper::for_locale(Locale::EnGb), Paper::A4);
        assert_eq!(Paper::for_locale(Locale::EnAu), Paper::A4);
        assert_eq!(Paper::for_locale(Locale::FrFr), Paper::A4);
    }
}
