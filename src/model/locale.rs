//! The languages a brief can be written in, and what depends on them in Rust: how dates and
//! times are printed, which paper offices use, and French spacing around punctuation.
//!
//! Month names are kept in small tables here rather than taken from chrono's
//! `unstable-locales` feature: three languages need 36 words, and the feature would pull in a
//! generated table of every locale (a larger binary and build) for the same result.

/// A language and region a brief can be written in (the `lang` field).
///
/// What differs between locales is kept in one table, [`Locale::conventions`]: a new locale is
/// a variant, a row there and its tag in [`Locale::ALL`]; formatting code asks the conventions
/// (the order of day and month, the clock, the paper) rather than naming locales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// Canadian English, the default.
    #[default]
    EnCa,
    /// American English.
    EnUs,
    /// British English.
    EnGb,
    /// Australian English.
    EnAu,
    /// Canadian French.
    FrCa,
    /// French of France.
    FrFr,
    /// Korean (South Korea).
    KoKr,
}

/// The order a date at day precision is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// "December 8, 2025" (North American English).
    MonthDay,
    /// "8 December 2025", "8 décembre 2025".
    DayMonth,
    /// "2025년 12월 8일".
    YearMonthDay,
}

/// How a time of day is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// "09:30", "14:00".
    Hours24,
    /// "9:30 AM", "2:00 PM".
    UpperAmPm,
    /// "9:30 am", "2:00 pm" (Australian usage).
    LowerAmPm,
    /// "9 h 30", "14 h" (French).
    French,
}

/// What a locale prints differently: its row in the table of locales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conventions {
    /// The order of day, month and year.
    pub order: DateOrder,
    /// How times are written.
    pub clock: Clock,
    /// Whether offices there print on A4 rather than Letter.
    pub a4: bool,
    /// Whether French spacing applies (no-break spaces before `:;!?` and inside « »).
    pub french_spacing: bool,
}

/// U+00A0 NO-BREAK SPACE.
pub const NBSP: char = '\u{a0}';
/// U+202F NARROW NO-BREAK SPACE.
pub const NNBSP: char = '\u{202f}';

/// The English month names, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The French month names, janvier first.
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A language a brief's text can be given in, per field (`{en: ..., fr: ...}`), and that
/// `--lang` builds an edition in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
    /// Korean.
    Ko,
}

impl Language {
    /// Every language, in the order briefs and reports list them.
    pub const ALL: [Language; 3] = [Language::En, Language::Fr, Language::Ko];

    /// The code a brief writes: `en`, `fr` or `ko`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Ko => "ko",
        }
    }

    /// The language of a code; `None` for a code `brief` does not know.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Its name in English.
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Fr => "French",
            Language::Ko => "Korean",
        }
    }

    /// The locale an edition in this language gets when the brief's own `lang` is in another
    /// language and names no closer region (see [`Locale::for_language`]).
    pub fn usual_locale(self) -> Locale {
        match self {
            Language::En => Locale::EnCa,
            Language::Fr => Locale::FrCa,
            Language::Ko => Locale::KoKr,
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether `code` names a [`Language`].
pub fn is_language(code: &str) -> bool {
    Language::from_code(code).is_some()
}

/// A language named for a reader: `French (fr)`; an unknown code as it is.
pub fn language_name(code: &str) -> String {
    match Language::from_code(code) {
        Some(language) => format!("{} ({code})", language.name()),
        None => format!("`{code}`"),
    }
}

/// Languages named for a reader, joined with commas and a final "or" (`French (fr) or
/// Korean (ko)`) or "and".
pub fn language_list(codes: &[&str], last: &str) -> String {
    let names: Vec<String> = codes.iter().map(|c| language_name(c)).collect();
    match names.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
    }
}

impl Locale {
    /// Every locale, by its tag.
    pub const ALL: [(&'static str, Locale); 7] = [
        ("en-CA", Locale::EnCa),
        ("en-US", Locale::EnUs),
        ("en-GB", Locale::EnGb),
        ("en-AU", Locale::EnAu),
        ("fr-CA", Locale::FrCa),
        ("fr-FR", Locale::FrFr),
        ("ko-KR", Locale::KoKr),
    ];

    /// What this locale prints differently from the others.
    pub fn conventions(self) -> Conventions {
        let (order, clock, a4, french_spacing) = match self {
            Locale::EnCa => (DateOrder::MonthDay, Clock::Hours24, false, false),
            Locale::EnUs => (DateOrder::MonthDay, Clock::UpperAmPm, false, false),
            Locale::EnGb => (DateOrder::DayMonth, Clock::Hours24, true, false),
            Locale::EnAu => (DateOrder::DayMonth, Clock::LowerAmPm, true, false),
            Locale::FrCa => (DateOrder::DayMonth, Clock::French, false, true),
            Locale::FrFr => (DateOrder::DayMonth, Clock::French, true, true),
            Locale::KoKr => (DateOrder::YearMonthDay, Clock::Hours24, true, false),
        };
        Conventions {
            order,
            clock,
            a4,
            french_spacing,
        }
    }

    /// The locale of a tag such as `fr-CA`; `None` for one `brief` does not know.
    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(t, _)| *t == tag.trim())
            .map(|(_, l)| *l)
    }

    /// The language of the locale.
    pub fn language(self) -> Language {
        match self {
            Locale::EnCa | Locale::EnUs | Locale::EnGb | Locale::EnAu => Language::En,
            Locale::FrCa | Locale::FrFr => Language::Fr,
            Locale::KoKr => Language::Ko,
        }
    }

    /// The locale of an edition in `language`: `self` when it is already in that language
    /// (an en-US brief stays en-US in English); else the same region's locale in that
    /// language where there is one that prints on the same paper (fr-FR for an en-GB or en-AU
    /// brief, en-GB for an fr-FR one), so that the editions of one brief share a paper; else
    /// the language's usual locale (fr-CA for fr).
    pub fn for_language(self, language: Language) -> Locale {
        if self.language() == language {
            return self;
        }
        match (self, language) {
            (Locale::EnGb | Locale::EnAu, Language::Fr) => Locale::FrFr,
            (Locale::FrFr, Language::En) => Locale::EnGb,
            _ => language.usual_locale(),
        }
    }

    /// The tag, such as `fr-CA`.
    pub fn tag(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, l)| *l == self)
            .map_or("en-CA", |(t, _)| t)
    }

    /// The name of a month (1 to 12) as printed in a date: "December", "décembre", "12월".
    pub fn month_name(self, month: u32) -> String {
        let m = (month.clamp(1, 12) - 1) as usize;
        match self.language() {
            Language::En => MONTHS_EN[m].to_string(),
            Language::Fr => MONTHS_FR[m].to_string(),
            Language::Ko => format!("{month}월"),
        }
    }

    /// A day of the month as printed before or after the month's name: "8", or "1er" for the
    /// first of the month in French.
    pub fn day_number(self, day: u32) -> String {
        match self.language() {
            Language::Fr if day == 1 => "1er".to_string(),
            Language::Ko => format!("{day}일"),
            _ => day.to_string(),
        }
    }

    /// A date at day precision: "December 8, 2025" (en-CA, en-US), "8 December 2025" (en-GB,
    /// en-AU), "8 décembre 2025", "1er mars 2025", "2025년 12월 8일".
    pub fn day(self, year: i32, month: u32, day: u32) -> String {
        let (name, d) = (self.month_name(month), self.day_number(day));
        match self.conventions().order {
            DateOrder::MonthDay => format!("{name} {d}, {year}"),
            DateOrder::DayMonth => format!("{d} {name} {year}"),
            DateOrder::YearMonthDay => format!("{} {name} {d}", self.year(year)),
        }
    }

    /// A date at month precision: "June 2024", "juin 2024", "2024년 6월".
    pub fn month(self, year: i32, month: u32) -> String {
        let name = self.month_name(month);
        match self.conventions().order {
            DateOrder::YearMonthDay => format!("{} {name}", self.year(year)),
            _ => format!("{name} {year}"),
        }
    }

    /// A year alone: "2015", or "2015년" in Korean.
    pub fn year(self, year: i32) -> String {
        match self.language() {
            Language::Ko => format!("{year}년"),
            _ => year.to_string(),
        }
    }

    /// A time of day: "09:30" (en-CA, en-GB, ko-KR), "9:30 AM" (en-US), "9:30 am" (en-AU),
    /// "9 h 30" (fr-CA, fr-FR; "9 h" on the hour). The spaces are no-break spaces, so a time
    /// never splits across lines.
    pub fn time(self, hour: u32, minute: u32) -> String {
        let h12 = match hour % 12 {
            0 => 12,
            h => h,
        };
        match self.conventions().clock {
            Clock::Hours24 => format!("{hour:02}:{minute:02}"),
            Clock::UpperAmPm => {
                let half = if hour < 12 { "AM" } else { "PM" };
                format!("{h12}:{minute:02}{NBSP}{half}")
            }
            Clock::LowerAmPm => {
                let half = if hour < 12 { "am" } else { "pm" };
                format!("{h12}:{minute:02}{NBSP}{half}")
            }
            Clock::French if minute == 0 => format!("{hour}{NBSP}h"),
            Clock::French => format!("{hour}{NBSP}h{NBSP}{minute:02}"),
        }
    }

    /// A date and a time together: "December 8, 2025, 09:30", "8 December 2025, 09:30",
    /// "8 décembre 2025 à 9 h 30", "2025년 12월 8일 09:30".
    pub fn date_and_time(self, date: &str, time: &str) -> String {
        match self.language() {
            Language::En => format!("{date}, {time}"),
            Language::Fr => format!("{date} à {time}"),
            Language::Ko => format!("{date} {time}"),
        }
    }

    /// Text as it should be printed in this locale: French spacing for fr-CA and fr-FR, and
    /// in every locale the dates written in it held together (see [`tie_dates`]).
    pub fn typeset_text(self, text: &str) -> String {
        if self.conventions().french_spacing {
            tie_dates(&french_spacing(text))
        } else {
            tie_dates(text)
        }
    }
}

/// Dates written in prose kept on one line, as a typesetter would: a no-break space between a
/// day and its month and between a month and its day or year ("8\u{a0}décembre\u{a0}2025",
/// "December\u{a0}8, 2025", "juin\u{a0}2024", "2025년\u{a0}12월\u{a0}8일"). A space after
/// punctuation (the comma in "December 8, 2025") may still break. English month names count
/// when capitalized (so "may" is no month); French ones in either case.
pub fn tie_dates(text: &str) -> String {
    // Every part of a date that ties (a day, a year, `1er`, `12월`) has an ASCII digit: a text
    // without one keeps its spaces, and most texts have none.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut words = text.split(' ');
    let mut word = words.next().unwrap_or_default();
    let mut part = DatePart::of(word);
    for next in words {
        out.push_str(word);
        let after = DatePart::of(next);
        // What follows the word's last letter or digit: a comma or a period allows a break.
        let bare = word.ends_with(|c: char| c.is_alphanumeric());
        let starts = next.starts_with(|c: char| c.is_alphanumeric());
        let tie = bare
            && starts
            && ((part.day && after.month)
                || (part.month && (after.day || after.year))
                || (part.year_or_month && after.month_or_day));
        out.push(if tie { NBSP } else { ' ' });
        (word, part) = (next, after);
    }
    out.push_str(word);
    out
}

/// What one word of a text can be in a date, read once for each word by [`tie_dates`].
struct DatePart {
    day: bool,
    month: bool,
    year: bool,
    /// `2025년`, `12월`.
    year_or_month: bool,
    /// `12월`, `8일`.
    month_or_day: bool,
}

impl DatePart {
    fn of(word: &str) -> Self {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        // A day, a year and a Korean part have an ASCII digit; a month has none.
        if !core.bytes().any(|b| b.is_ascii_digit()) {
            return Self {
                day: false,
                month: is_month(core),
                year: false,
                year_or_month: false,
                month_or_day: false,
            };
        }
        Self {
            day: is_day(core),
            month: false,
            year: is_year(core),
            year_or_month: korean_date_part(core, &['년', '월']),
            month_or_day: korean_date_part(core, &['월', '일']),
        }
    }
}

/// `8`, `31`, `1er`.
fn is_day(word: &str) -> bool {
    word == "1er" || (word.len() <= 2 && word.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)))
}

/// `2025`.
fn is_year(word: &str) -> bool {
    word.len() == 4
        && word
            .parse::<u16>()
            .is_ok_and(|y| (1000..=2999).contains(&y))
}

/// An English month name as written (`December`), or a French one in any case (`décembre`,
/// `Décembre`, `DÉCEMBRE`): the word lowercased is the name, compared letter by letter.
fn is_month(word: &str) -> bool {
    // Every month name is 3 to 9 bytes long and starts with one of these ASCII letters, and
    // the only letters that lowercase to a month's letters (A-Z, É, Û) keep their length in
    // UTF-8: any other word is no month.
    let candidate = (3..=9).contains(&word.len())
        && matches!(
            word.as_bytes()[0].to_ascii_lowercase(),
            b'j' | b'f' | b'm' | b'a' | b's' | b'o' | b'n' | b'd'
        );
    candidate
        && (MONTHS_EN.contains(&word)
            || MONTHS_FR
                .iter()
                .any(|m| word.chars().flat_map(char::to_lowercase).eq(m.chars())))
}

/// `2025년`, `12월`, `8일`: digits and one of `units`.
fn korean_date_part(word: &str, units: &[char]) -> bool {
    word.strip_suffix(units)
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// French spacing (fr-CA and fr-FR), as Canadian French typography (the OQLF's usage) and the
/// Imprimerie nationale's rules agree on it: a no-break space
/// (U+00A0) before `:` and inside « », a narrow no-break space (U+202F) before `;`, `!` and
/// `?`. A plain space already there is replaced; a missing one is added. Web and e-mail
/// addresses, times and ratios (`09:30`, `3:1`) are left as written, and so is punctuation
/// followed by a letter or digit, which is not the end of a phrase.
pub fn french_spacing(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for word in text.split_inclusive(char::is_whitespace) {
        // An address is copied as written; only punctuation after it is spaced.
        let core = word.trim_end().trim_end_matches([':', ';', '!', '?']);
        let rest = if is_address(core) {
            out.push_str(core);
            &word[core.len()..]
        } else {
            word
        };
        let chars: Vec<char> = rest.chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            let next = chars.get(j + 1).copied();
            match c {
                ':' | ';' | '!' | '?' => {
                    let space = if c == ':' { NBSP } else { NNBSP };
                    let ends_phrase = next.is_none_or(|n| !n.is_alphanumeric());
                    if ends_phrase {
                        space_before(&mut out, space);
                    }
                    out.push(c);
                }
                '«' => {
                    out.push(c);
                    match next {
                        Some(n) if n.is_whitespace() => {}
                        // A space at the end of this word is the last char: handled below.
                        _ => out.push(NBSP),
                    }
                }
                '»' => {
                    space_before(&mut out, NBSP);
                    out.push(c);
                }
                c if c.is_whitespace() && out.ends_with('«') => out.push(NBSP),
                c => out.push(c),
            }
        }
    }
    out
}

/// Puts `space` at the end of `out`: replaces a plain space there, adds one after a word, and
/// leaves a no-break space written on purpose, the start of the text, and doubled punctuation
/// (`?!`) alone.
fn space_before(out: &mut String, space: char) {
    match out.chars().last() {
        None => {}
        Some(' ') => {
            out.pop();
            out.push(space);
        }
        Some(last) if last.is_whitespace() || matches!(last, ':' | ';' | '!' | '?' | '«') => {}
        Some(_) => out.push(space),
    }
}

/// Whether a word is (or holds) a web or e-mail address, which punctuation rules must not touch.
fn is_address(word: &str) -> bool {
    word.contains("://")
        || word.starts_with("www.")
        || word.starts_with("mailto:")
        || word
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_each_language() {
        assert_eq!(Locale::EnCa.day(2025, 12, 8), "December 8, 2025");
        assert_eq!(Locale::FrCa.day(2025, 12, 8), "8 décembre 2025");
        assert_eq!(Locale::FrCa.day(2025, 3, 1), "1er mars 2025");
        assert_eq!(Locale::KoKr.day(2025, 12, 8), "2025년 12월 8일");
        assert_eq!(Locale::FrCa.month(2024, 6), "juin 2024");
        assert_eq!(Locale::KoKr.month(2024, 6), "2024년 6월");
        assert_eq!(Locale::KoKr.year(2015), "2015년");
        assert_eq!(Locale::FrCa.year(2015), "2015");
    }

    /// An edition in another language gets that language's usual locale; one in the brief's
    /// own language keeps the brief's region.
    #[test]
    fn edition_locales() {
        assert_eq!(Locale::EnUs.for_language(Language::En), Locale::EnUs);
        assert_eq!(Locale::EnUs.for_language(Language::Fr), Locale::FrCa);
        assert_eq!(Locale::FrCa.for_language(Language::En), Locale::EnCa);
        assert_eq!(Locale::EnCa.for_language(Language::Ko), Locale::KoKr);
        assert_eq!(Language::from_code("de"), None);
        assert_eq!(
            language_list(&["en", "fr", "ko"], "and"),
            "English (en), French (fr) and Korean (ko)"
        );
    }

    /// British and Australian English put the day first; fr-FR prints as fr-CA does.
    #[test]
    fn day_first_locales() {
        assert_eq!(Locale::EnGb.day(2025, 12, 8), "8 December 2025");
        assert_eq!(Locale::EnAu.day(2025, 12, 8), "8 December 2025");
        assert_eq!(Locale::EnGb.month(2024, 6), "June 2024");
        assert_eq!(Locale::FrFr.day(2025, 3, 1), "1er mars 2025");
        assert_eq!(Locale::EnGb.time(14, 5), "14:05");
        assert_eq!(Locale::EnAu.time(14, 5), "2:05\u{a0}pm");
        assert_eq!(Locale::FrFr.time(9, 30), "9\u{a0}h\u{a0}30");
        assert_eq!(
            Locale::EnGb.date_and_time("8 December 2025", "09:30"),
            "8 December 2025, 09:30"
        );
        assert_eq!(
            Locale::FrFr.typeset_text("Note : oui!"),
            "Note\u{a0}: oui\u{202f}!"
        );
        assert_eq!(Locale::EnGb.typeset_text("Note : oui!"), "Note : oui!");
        for (tag, locale) in Locale::ALL {
            assert_eq!(Locale::from_tag(tag), Some(locale));
            assert_eq!(locale.tag(), tag);
        }
    }

    /// The editions of a brief in a European locale stay on European paper.
    #[test]
    fn editions_keep_their_region() {
        assert_eq!(Locale::EnGb.for_language(Language::Fr), Locale::FrFr);
        assert_eq!(Locale::EnAu.for_language(Language::Fr), Locale::FrFr);
        assert_eq!(Locale::FrFr.for_language(Language::En), Locale::EnGb);
        assert_eq!(Locale::FrFr.for_language(Language::Ko), Locale::KoKr);
    }

    #[test]
    fn times_in_each_language() {
        assert_eq!(Locale::EnCa.time(9, 30), "09:30");
        assert_eq!(Locale::EnUs.time(9, 30), "9:30\u{a0}AM");
        assert_eq!(Locale::EnUs.time(0, 5), "12:05\u{a0}AM");
        assert_eq!(Locale::EnUs.time(12, 0), "12:00\u{a0}PM");
        assert_eq!(Locale::FrCa.time(9, 30), "9\u{a0}h\u{a0}30");
        assert_eq!(Locale::FrCa.time(14, 0), "14\u{a0}h");
        assert_eq!(Locale::KoKr.time(9, 5), "09:05");
    }

    #[test]
    fn french_spacing_before_punctuation_and_inside_guillemets() {
        assert_eq!(
            french_spacing("Note : voici; quoi? Oui!"),
            "Note\u{a0}: voici\u{202f}; quoi\u{202f}? Oui\u{202f}!"
        );
        assert_eq!(
            french_spacing("le «Partenariat» et « la feuille de route »"),
            "le «\u{a0}Partenariat\u{a0}» et «\u{a0}la feuille de route\u{a0}»"
        );
        assert_eq!(french_spacing("Vraiment?!"), "Vraiment\u{202f}?!");
        // Already spaced on purpose: left alone.
        assert_eq!(french_spacing("Titre\u{a0}: x"), "Titre\u{a0}: x");
    }

    #[test]
    fn dates_in_prose_are_held_together() {
        assert_eq!(
            tie_dates("on December 8, 2025, in Vancouver"),
            "on December\u{a0}8, 2025, in Vancouver"
        );
        assert_eq!(
            Locale::FrCa.typeset_text("le 8 décembre 2025 : oui (juin 2024)"),
            "le 8\u{a0}décembre\u{a0}2025\u{a0}: oui (juin\u{a0}2024)"
        );
        assert_eq!(tie_dates("1er mai 2025"), "1er\u{a0}mai\u{a0}2025");
        assert_eq!(
            tie_dates("2025년 12월 8일 회의"),
            "2025년\u{a0}12월\u{a0}8일 회의"
        );
        // No month, no tie: "may", a count, a year alone.
        assert_eq!(
            tie_dates("we may 8 times in 2025"),
            "we may 8 times in 2025"
        );
        assert_eq!(tie_dates("8 December"), "8\u{a0}December");
        // French month names in any case; spaces around them kept as written.
        assert_eq!(tie_dates("LE 8 DÉCEMBRE  2025"), "LE 8\u{a0}DÉCEMBRE  2025");
        assert_eq!(tie_dates(" Août 2024 "), " Août\u{a0}2024 ");
        assert_eq!(tie_dates(""), "");
    }

    /// The tie of each pair of words is what reading the pair alone, as the first version did
    /// (lowercasing each word for each French month), decides: texts made of date-like words.
    #[test]
    fn ties_are_decided_word_pair_by_word_pair() {
        fn as_before(text: &str) -> String {
            let words: Vec<&str> = text.split(' ').collect();
            let mut out = String::new();
            for (i, word) in words.iter().enumerate() {
                out.push_str(word);
                let Some(next) = words.get(i + 1) else { break };
                let core = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
                let month = |w: &str| {
                    MONTHS_EN.contains(&w) || MONTHS_FR.iter().any(|m| w.to_lowercase() == *m)
                };
                let (a, b) = (core(word), core(next));
                let tie = word.ends_with(|c: char| c.is_alphanumeric())
                    && next.starts_with(|c: char| c.is_alphanumeric())
                    && ((is_day(&a) && month(&b))
                        || (month(&a) && (is_day(&b) || is_year(&b)))
                        || (korean_date_part(&a, &['년', '월'])
                            && korean_date_part(&b, &['월', '일'])));
                out.push(if tie { NBSP } else { ' ' });
            }
            out
        }
        let words = [
            "8",
            "31",
            "32",
            "1er",
            "2025",
            "2025,",
            "(juin",
            "DÉCEMBRE",
            "Mai",
            "may",
            "May",
            "mars.",
            "2025년",
            "12월",
            "8일",
            "",
            "«",
            "le",
            "0",
            "08",
            "+8",
            "ÉTÉ",
        ];
        let mut seed = 7u32;
        for _ in 0..2_000 {
            let mut text = String::new();
            for i in 0..6 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                if i > 0 {
                    text.push(' ');
                }
                text.push_str(words[(seed >> 16) as usize % words.len()]);
            }
            assert_eq!(tie_dates(&text), as_before(&text), "{text:?}");
        }
    }

    #[test]
    fn french_spacing_leaves_addresses_and_times_alone() {
        let text = "Voir https://example.org/a?b=1 ou info@example.org; à 09:30, ratio 3:1.";
        assert_eq!(
            french_spacing(text),
            "Voir https://example.org/a?b=1 ou info@example.org\u{202f}; à 09:30, ratio 3:1."
        );
    }
}
