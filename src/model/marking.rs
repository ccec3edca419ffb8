//! Security markings: the levels of the Government of Canada's security policy (Protected
//! A/B/C for sensitive non-national-interest information, Confidential, Secret and Top Secret
//! for classified information), their names in English and French, and the marking a brief's
//! `classification` and `caveat` fields give its document.

use serde_json::{Value as Json, json};

use crate::model::locale::Language;

/// The field a brief gives its level in.
pub const FIELD: &str = "classification";

/// The field of the optional caveat line, such as "Canadian Eyes Only".
pub const CAVEAT: &str = "caveat";

/// A security level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Unclassified: may be released.
    Unclassified,
    /// Protected A: injury to a person or organization outside the national interest.
    ProtectedA,
    /// Protected B: serious injury.
    ProtectedB,
    /// Protected C: extremely grave injury.
    ProtectedC,
    /// Confidential: injury to the national interest.
    Confidential,
    /// Secret: serious injury to the national interest.
    Secret,
    /// Top Secret: exceptionally grave injury to the national interest.
    TopSecret,
}

impl Level {
    /// Every level, lowest first: the `choices` of a `classification` field.
    pub const ALL: [Level; 7] = [
        Level::Unclassified,
        Level::ProtectedA,
        Level::ProtectedB,
        Level::ProtectedC,
        Level::Confidential,
        Level::Secret,
        Level::TopSecret,
    ];

    /// How a brief writes it: `protected-b`.
    pub fn id(self) -> &'static str {
        match self {
            Level::Unclassified => "unclassified",
            Level::ProtectedA => "protected-a",
            Level::ProtectedB => "protected-b",
            Level::ProtectedC => "protected-c",
            Level::Confidential => "confidential",
            Level::Secret => "secret",
            Level::TopSecret => "top-secret",
        }
    }

    /// The level a brief names, if it is one.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.id() == id)
    }

    /// The marking printed on the page, in `language`: English and French are the languages
    /// the policy names its levels in; an edition in another language prints the English
    /// marking, as the Canadian documents it goes with do.
    pub fn label(self, language: Language) -> &'static str {
        let french = language == Language::Fr;
        match self {
            Level::Unclassified if french => "NON CLASSIFIÉ",
            Level::Unclassified => "UNCLASSIFIED",
            Level::ProtectedA if french => "PROTÉGÉ A",
            Level::ProtectedA => "PROTECTED A",
            Level::ProtectedB if french => "PROTÉGÉ B",
            Level::ProtectedB => "PROTECTED B",
            Level::ProtectedC if french => "PROTÉGÉ C",
            Level::ProtectedC => "PROTECTED C",
            Level::Confidential if french => "CONFIDENTIEL",
            Level::Confidential => "CONFIDENTIAL",
            Level::Secret => "SECRET",
            Level::TopSecret if french => "TRÈS SECRET",
            Level::TopSecret => "TOP SECRET",
        }
    }
}

/// The marking of a document: its level and caveat line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marking {
    /// The level.
    pub level: Level,
    /// The caveat line, as the brief gives it in this edition's language.
    pub caveat: Option<String>,
}

impl Marking {
    /// The marking of a checked brief's `fields`: none when its template declares no
    /// `classification` or the brief gives none.
    pub fn of(fields: &Json) -> Option<Self> {
        let level = fields
            .get(FIELD)
            .and_then(Json::as_str)
            .and_then(Level::from_id)?;
        let caveat = fields
            .get(CAVEAT)
            .and_then(Json::as_str)
            .filter(|c| !c.trim().is_empty())
            .map(str::to_string);
        Some(Self { level, caveat })
    }

    /// Whether the marking is above UNCLASSIFIED: such a document leaves out what is never
    /// printed (the merged brief attached to the PDF) unless asked.
    pub fn is_sensitive(&self) -> bool {
        self.level > Level::Unclassified
    }

    /// The lines printed, in `language`: the level, then the caveat in capitals.
    pub fn lines(&self, language: Language) -> Vec<String> {
        let mut lines = vec![self.level.label(language).to_string()];
        if let Some(caveat) = &self.caveat {
            lines.push(caveat.to_uppercase());
        }
        lines
    }

    /// What templates read as `data.build.marking`.
    pub fn to_json(&self, language: Language) -> Json {
        json!({
            "level": self.level.id(),
            "text": self.level.label(language),
            "caveat": self.caveat.as_ref().map(|c| c.to_uppercase()),
            "sensitive": self.is_sensitive(),
        })
    }

    /// The higher of two markings (the first when they are equal): a handout bundle carries
    /// the highest marking of its parts on every page.
    pub fn higher(self, other: Self) -> Self {
        if other.level > self.level {
            other
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_has_an_english_and_a_french_name() {
        assert_eq!(Level::ProtectedB.label(Language::En), "PROTECTED B");
        assert_eq!(Level::ProtectedB.label(Language::Fr), "PROTÉGÉ B");
        assert_eq!(Level::Unclassified.label(Language::Fr), "NON CLASSIFIÉ");
        assert_eq!(Level::TopSecret.label(Language::Fr), "TRÈS SECRET");
        assert_eq!(Level::Secret.label(Language::Ko), "SECRET");
        for level in Level::ALL {
            assert_eq!(Level::from_id(level.id()), Some(level));
        }
    }

    #[test]
    fn only_unclassified_is_not_sensitive() {
        let marking = |level| Marking {
            level,
            caveat: None,
        };
        assert!(!marking(Level::Unclassified).is_sensitive());
        assert!(marking(Level::ProtectedA).is_sensitive());
        assert_eq!(
            marking(Level::Secret)
                .higher(marking(Level::ProtectedB))
                .level,
            Level::Secret
        );
    }
}
