//! PDF standards a document is made to meet: the ones a template declares as its default
//! (`pdf-standard:` in its manifest) and what the command line asks for, put together.

use serde::{Deserialize, Serialize};

/// A PDF standard a brief can be built to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Standard {
    /// PDF/A-2b, for archives: self-contained, no attachments.
    #[serde(rename = "a-2b")]
    A2b,
    /// PDF/A-3b, for archives, attachments allowed.
    #[serde(rename = "a-3b")]
    A3b,
    /// PDF/UA-1, accessible: tagged, in reading order, with alt text and a language.
    #[serde(rename = "ua-1")]
    Ua1,
}

impl Standard {
    /// The name briefs, manifests and `--pdf-standard` use.
    pub fn name(self) -> &'static str {
        match self {
            Standard::A2b => "a-2b",
            Standard::A3b => "a-3b",
            Standard::Ua1 => "ua-1",
        }
    }

    /// Whether it is one of the PDF/A standards (which exclude each other).
    pub fn is_archival(self) -> bool {
        matches!(self, Standard::A2b | Standard::A3b)
    }
}

/// What one `--pdf-standard` value asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// `none`: not the template's default standards; only the ones named beside it.
    None,
    /// One standard, on top of the template's default.
    Standard(Standard),
}

/// The standards a build meets: the template's `default` with every standard `asked` for
/// added, or, when `none` is among them, only the standards named beside it.
///
/// So with a built-in template (default `ua-1`) nothing asked is PDF/UA-1, `a-2b` is PDF/A-2b
/// and PDF/UA-1 together, `none` is a plain PDF and `none,a-2b` PDF/A-2b alone. An archival
/// standard asked for replaces an archival default (PDF/A-2b and PDF/A-3b exclude each
/// other). The order is fixed (archival first) whatever the order asked.
pub fn resolve(asked: &[Asked], default: &[Standard]) -> Vec<Standard> {
    let named: Vec<Standard> = asked
        .iter()
        .filter_map(|a| match a {
            Asked::None => None,
            Asked::Standard(s) => Some(*s),
        })
        .collect();
    let mut all = named.clone();
    if !asked.contains(&Asked::None) {
        let archival_asked = named.iter().any(|s| s.is_archival());
        all.extend(
            default
                .iter()
                .filter(|s| !(archival_asked && s.is_archival())),
        );
    }
    let order = [Standard::A2b, Standard::A3b, Standard::Ua1];
    order.into_iter().filter(|s| all.contains(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Standard::*;

    #[test]
    fn nothing_asked_is_the_default() {
        assert_eq!(resolve(&[], &[Ua1]), vec![Ua1]);
        assert_eq!(resolve(&[], &[]), Vec::<Standard>::new());
    }

    #[test]
    fn a_standard_asked_adds_to_the_default() {
        assert_eq!(resolve(&[Asked::Standard(A2b)], &[Ua1]), vec![A2b, Ua1]);
        assert_eq!(resolve(&[Asked::Standard(Ua1)], &[Ua1]), vec![Ua1]);
        assert_eq!(resolve(&[Asked::Standard(A2b)], &[]), vec![A2b]);
    }

    #[test]
    fn none_drops_the_default() {
        assert_eq!(resolve(&[Asked::None], &[Ua1]), Vec::<Standard>::new());
        assert_eq!(
            resolve(&[Asked::None, Asked::Standard(A2b)], &[Ua1]),
            vec![A2b]
        );
    }

    #[test]
    fn an_archival_standard_replaces_an_archival_default() {
        assert_eq!(
            resolve(&[Asked::Standard(A3b)], &[A2b, Ua1]),
            vec![A3b, Ua1]
        );
    }

    #[test]
    fn both_archival_standards_asked_stay_for_typst_to_refuse() {
        assert_eq!(
            resolve(&[Asked::Standard(A2b), Asked::Standard(A3b)], &[]),
            vec![A2b, A3b]
        );
    }
}
