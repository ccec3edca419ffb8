//! Typographic quotes and apostrophes: straight `"` and `'` written in a brief turned into the
//! language's marks (“ ” ‘ ’ in English and Korean, « » in French), as typst does in markup but
//! never in strings from data. The tables and the rules follow typst's own (typst-library
//! 0.15, `text/smartquote.rs`), with two additions for prose typed on a keyboard: a quote
//! followed by a space or punctuation closes what is open (French writers type `" mot "`), and
//! an elided year (`'90s`) takes an apostrophe.

use crate::model::locale::Language;

/// Written in place of a straight quote the writer kept on purpose (`\"` or `\'`), so that
/// [`Quoter`] leaves it straight: U+E000 and U+E001, private-use characters no text holds.
pub const KEPT_DOUBLE: char = '\u{e000}';
/// See [`KEPT_DOUBLE`]: a kept `'`.
pub const KEPT_SINGLE: char = '\u{e001}';

/// The marks of a language: (single open, single close, double open, double close).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotes {
    single: (&'static str, &'static str),
    double: (&'static str, &'static str),
    /// Whether the double marks hold their own no-break spaces (French « »), so that spaces the
    /// writer typed inside them are dropped.
    spaced: bool,
}

impl Quotes {
    /// The marks a language prints: typst's table for `en`, `fr` and `ko` (English marks for
    /// Korean, as South Korean usage has them).
    pub fn of(language: Language) -> Self {
        match language {
            Language::Fr => Quotes {
                single: ("“", "”"),
                double: ("«\u{a0}", "\u{a0}»"),
                spaced: true,
            },
            Language::En | Language::Ko => Quotes {
                single: ("‘", "’"),
                double: ("“", "”"),
                spaced: false,
            },
        }
    }

    fn open(&self, double: bool) -> &'static str {
        if double { self.double.0 } else { self.single.0 }
    }

    fn close(&self, double: bool) -> &'static str {
        if double { self.double.1 } else { self.single.1 }
    }
}

/// Turns the straight quotes of one paragraph into typographic ones. The quoter is fed the
/// paragraph's texts in order ([`Quoter::text`]), with what comes between them that it must
/// not change ([`Quoter::skip`]: code, a citation, a note mark), so that a quote opened before
/// a bold word closes after it.
#[derive(Debug, Clone)]
pub struct Quoter {
    quotes: Quotes,
    /// The quotes open, innermost last: `true` for a double one.
    open: Vec<bool>,
    /// The character before the next one, across texts.
    before: Option<char>,
}

/// U+FFFC OBJECT REPLACEMENT CHARACTER: what stands before a quote after code or a mark.
const OBJECT: char = '\u{fffc}';

impl Quoter {
    /// A quoter for a paragraph in `language`.
    pub fn new(language: Language) -> Self {
        Quoter {
            quotes: Quotes::of(language),
            open: Vec::new(),
            before: None,
        }
    }

    /// Notes that something the quoter does not change comes next: code, a citation or note
    /// mark (`None`, an object), or a line break (`Some(" ")`).
    pub fn skip(&mut self, text: Option<&str>) {
        self.before = Some(text.and_then(|t| t.chars().last()).unwrap_or(OBJECT));
    }

    /// `text` with its quotes made typographic; kept quotes ([`KEPT_DOUBLE`]) come out
    /// straight.
    pub fn text(&mut self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + 8);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let after = chars.get(i + 1).copied();
            match c {
                '"' | '\'' => {
                    let double = c == '"';
                    let (mark, opened) = self.quote(double, after, &chars[i + 1..]);
                    if self.quotes.spaced && double {
                        if opened {
                            // `" mot "`: the mark brings its own space.
                            while chars.get(i + 1) == Some(&' ') {
                                i += 1;
                            }
                        } else if mark == self.quotes.close(true) {
                            while out.ends_with(' ') {
                                out.pop();
                            }
                        }
                    }
                    out.push_str(mark);
                    self.before = mark.chars().last();
                }
                KEPT_DOUBLE | KEPT_SINGLE => {
                    let straight = if c == KEPT_DOUBLE { '"' } else { '\'' };
                    out.push(straight);
                    self.before = Some(straight);
                }
                c => {
                    out.push(c);
                    self.before = Some(c);
                }
            }
            i += 1;
        }
        out
    }

    /// The mark for a quote, and whether it opens a quotation.
    fn quote(&mut self, double: bool, after: Option<char>, rest: &[char]) -> (&'static str, bool) {
        let opened = self.open.last().copied();
        let before = self.before.unwrap_or(' ');
        let ends = after.is_none_or(|a| a.is_whitespace() || ".,;:!?)]}…".contains(a));
        // After a number, a prime (5′11″), unless a quotation of this kind is open.
        if before.is_numeric() && opened != Some(double) {
            return (if double { "″" } else { "′" }, false);
        }
        if !double {
            // Within a word or after one, with no single quotation open: an apostrophe
            // (l’OTAN, China’s, the members’).
            if opened != Some(false) && (before.is_alphabetic() || before == OBJECT) {
                return ("’", false);
            }
            // An elided year or number: ’90s, ’25.
            let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 2 && rest.get(2).is_none_or(|c| !c.is_ascii_digit()) {
                return ("’", false);
            }
        }
        let after_opening = before.is_whitespace() || matches!(before, '(' | '[' | '{' | '—' | '–');
        if opened == Some(double) && (!after_opening || ends) {
            self.open.pop();
            return (self.quotes.close(double), false);
        }
        // A quote followed by a space or punctuation cannot open anything: close the quotation
        // of the other kind, or print it as a closing mark.
        if ends && !after_opening {
            return (self.quotes.close(double), false);
        }
        self.open.push(double);
        (self.quotes.open(double), true)
    }
}

/// `text` (one paragraph) with typographic quotes in `language`.
pub fn quote(text: &str, language: Language) -> String {
    Quoter::new(language).text(text)
}

/// A literal text with `\"` and `\'` marked as kept straight ([`KEPT_DOUBLE`]), the backslash
/// dropped, as in Markdown.
pub fn mark_kept(text: &str) -> String {
    text.replace("\\\"", &KEPT_DOUBLE.to_string())
        .replace("\\'", &KEPT_SINGLE.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_quotes_and_apostrophes() {
        assert_eq!(
            quote(
                r#"the "extraordinary measures" of China's 'new era'"#,
                Language::En
            ),
            "the “extraordinary measures” of China’s ‘new era’"
        );
        assert_eq!(
            quote("\"A 'nested' quote.\"", Language::En),
            "“A ‘nested’ quote.”"
        );
        assert_eq!(
            quote("the members' votes", Language::En),
            "the members’ votes"
        );
        assert_eq!(quote("in the '90s", Language::En), "in the ’90s");
        assert_eq!(quote("(\"quoted\")", Language::En), "(“quoted”)");
        assert_eq!(quote("5'11\" tall", Language::En), "5′11″ tall");
        assert_eq!(
            quote("a \u{e000}straight\u{e000} one", Language::En),
            "a \"straight\" one"
        );
    }

    #[test]
    fn french_guillemets_with_no_break_spaces() {
        assert_eq!(
            quote(r#"le "Partenariat" et l'OTAN"#, Language::Fr),
            "le «\u{a0}Partenariat\u{a0}» et l’OTAN"
        );
        // Spaces typed inside the quotes give way to the no-break ones.
        assert_eq!(
            quote(r#"dit " la feuille de route "."#, Language::Fr),
            "dit «\u{a0}la feuille de route\u{a0}»."
        );
        assert_eq!(
            quote(r#""Il a dit 'oui'.""#, Language::Fr),
            "«\u{a0}Il a dit “oui”.\u{a0}»"
        );
    }

    /// A quotation opened in one text closes in the next, as across a bold word.
    #[test]
    fn quotes_span_texts() {
        let mut quoter = Quoter::new(Language::En);
        let a = quoter.text("He said \"");
        let b = quoter.text("never");
        let c = quoter.text("\" twice.");
        assert_eq!(format!("{a}{b}{c}"), "He said “never” twice.");
        let mut quoter = Quoter::new(Language::En);
        quoter.text("see ");
        quoter.skip(None);
        assert_eq!(quoter.text("'s value"), "’s value");
    }

    #[test]
    fn kept_quotes_in_literal_text() {
        assert_eq!(mark_kept(r#"a \"b\" c"#), "a \u{e000}b\u{e000} c");
        assert_eq!(quote(&mark_kept(r"it\'s"), Language::En), "it's");
    }
}
