//! Calendar values written in briefs: dates at year, month or day precision, times of day and
//! date-times, parsed with chrono and formatted for print at the precision they were given.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::{Value as Json, json};

use crate::model::locale::{Locale, MONTHS_EN, MONTHS_FR};

/// How much of a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// `2015`
    Year,
    /// `2024-06`
    Month,
    /// `2025-12-08`
    Day,
}

impl Precision {
    fn name(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
            Self::Day => "day",
        }
    }
}

/// A date known to a year, a month or a day. Missing parts are stored as 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    /// The first day the date can mean.
    pub date: NaiveDate,
    /// How much of it was written.
    pub precision: Precision,
}

/// The first year a date may have; the last is 9999, the most four digits write.
pub const MIN_YEAR: i32 = 1000;

/// What a date field accepts, for error notes.
pub const DATE_FORMS: &str =
    "a date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2024-06 or 2025-12-08)";

/// The hint of a time that cannot be read: every form a time field accepts, by clock.
pub const TIME_HINT: &str = "write a time as 09:30 or 9:30 (24-hour clock), 9:30am, 9:30 a.m. or 2 pm (12-hour clock), or 14h30 or 14 h (French)";

/// What a date-time field accepts, for error notes.
pub const DATETIME_FORMS: &str =
    "a date and time written YYYY-MM-DDTHH:MM or YYYY-MM-DD HH:MM (such as 2025-12-08 09:30)";

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says what is wrong with the date.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, digits: usize| -> Option<u32> {
            (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
        };
        let bad = || format!("`{text}` is not a date");
        let year = parts.first().and_then(|y| number(y, 4)).ok_or_else(bad)? as i32;
        let month = match parts.get(1) {
            None => None,
            Some(m) => Some(number(m, 2).ok_or_else(bad)?),
        };
        let day = match parts.get(2) {
            None => None,
            Some(d) => Some(number(d, 2).ok_or_else(bad)?),
        };
        if parts.len() > 3 {
            return Err(bad());
        }
        // Four digits hold the years 0000 to 9999, but PDF dates, typst's and the calendar
        // people mean in a brief start at 1000: an earlier year is a typo (`0205` for 2025).
        if year < MIN_YEAR {
            return Err(format!(
                "`{text}` is out of range (a year is written from {MIN_YEAR} to 9999)"
            ));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("`{text}` is not a date (there is no month {m})"));
        }
        let precision = match (month, day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        };
        let (m, d) = (month.unwrap_or(1), day.unwrap_or(1));
        let date = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| {
            let days = days_in_month(year, m);
            format!(
                "`{text}` is not a date ({} {year} has {days} days)",
                crate::model::locale::MONTHS_EN[(m - 1) as usize]
            )
        })?;
        Ok(Self { date, precision })
    }

    /// The date as printed in English at its precision: "2015", "June 2024", "December 8, 2025".
    pub fn format(&self) -> String {
        self.format_in(Locale::EnCa)
    }

    /// The date as printed in a language at its precision: "8 décembre 2025", "2024년 6월".
    pub fn format_in(&self, locale: Locale) -> String {
        let (year, month, day) = (self.date.year(), self.date.month(), self.date.day());
        match self.precision {
            Precision::Year => locale.year(year),
            Precision::Month => locale.month(year, month),
            Precision::Day => locale.day(year, month, day),
        }
    }

    /// The date as written, in ISO 8601 at its precision.
    pub fn iso(&self) -> String {
        match self.precision {
            Precision::Year => self.date.format("%Y").to_string(),
            Precision::Month => self.date.format("%Y-%m").to_string(),
            Precision::Day => self.date.format("%Y-%m-%d").to_string(),
        }
    }

    /// The structured value a template receives; `text` is printed in the brief's language,
    /// held on one line where a typesetter would (see [`crate::model::locale::tie_dates`]).
    pub fn to_json(&self, locale: Locale) -> Json {
        json!({
            "iso": self.iso(),
            "year": self.date.year(),
            "month": (self.precision >= Precision::Month).then(|| self.date.month()),
            "day": (self.precision >= Precision::Day).then(|| self.date.day()),
            "precision": self.precision.name(),
            "text": crate::model::locale::tie_dates(&self.format_in(locale)),
        })
    }
}

/// What a date written another way than ISO 8601 can be rewritten as, for an error's hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion {
    /// The date can only mean this: `2026-04-16`.
    One(String),
    /// Day and month could be either way round (`04/05/2026`): day first, then month first.
    Either(String, String),
}

impl Suggestion {
    /// The hint an error gives: "did you mean `2026-04-16`?", or both readings of an
    /// ambiguous date.
    pub fn hint(&self, written: &str) -> String {
        match self {
            Suggestion::One(iso) => format!("did you mean `{iso}`?"),
            Suggestion::Either(day_first, month_first) => format!(
                "`{}` could be read day first or month first: write `{day_first}` or `{month_first}`",
                written.trim()
            ),
        }
    }
}

/// The ISO form of a date written another way: with a month's name in English or French
/// ("April 16, 2026", "16 avril 2026", "1er mars 2025", "Apr. 2024", "Monday, December 8,
/// 2025"), or in numbers with the year written in full ("16/04/2026", "2026/4/16",
/// "16.04.2026", "04/2026"). `None` when the text is not such a date or names no real day; both
/// readings when day and month could be swapped.
pub fn suggest_iso(text: &str) -> Option<Suggestion> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '/' | '.' | '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() || words.len() > 4 {
        return None;
    }
    // A year before 1000 is out of range whichever way it is written: nothing to suggest.
    let day_of = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d)
            .filter(|_| y >= MIN_YEAR)
            .map(|date| date.format("%Y-%m-%d").to_string())
    };
    let month_of =
        |y: i32, m: u32| ((1..=12).contains(&m) && y >= MIN_YEAR).then(|| format!("{y:04}-{m:02}"));
    let months: Vec<u32> = words.iter().filter_map(|w| month_number(w)).collect();
    if !months.is_empty() {
        // A month's name: the other words are a year, a day and perhaps a weekday.
        let (mut year, mut day, mut month) = (None, None, None);
        for word in &words {
            if let Some(m) = month_number(word) {
                month = month.or(Some(m));
            } else if WEEKDAYS.iter().any(|w| word.starts_with(w))
                || ["le", "the", "of"].contains(&word.as_str())
            {
                // A weekday or a filler word says nothing about the date.
            } else if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
                year = word.parse::<i32>().ok();
            } else {
                let digits = word.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h', 'e']);
                let ordinal = &word[digits.len()..];
                let known = ["", "st", "nd", "rd", "th", "er"].contains(&ordinal);
                let n = digits
                    .parse::<u32>()
                    .ok()
                    .filter(|_| known && digits.len() <= 2)?;
                day = Some(n);
            }
        }
        let (year, month) = (year?, month?);
        if months.len() > 1 {
            return None;
        }
        return match day {
            Some(d) => day_of(year, month, d).map(Suggestion::One),
            None => month_of(year, month).map(Suggestion::One),
        };
    }
    let numbers: Vec<(u32, usize)> = words
        .iter()
        .map(|w| {
            (w.bytes().all(|b| b.is_ascii_digit()) && w.len() <= 4)
                .then(|| w.parse().ok().map(|n| (n, w.len())))
                .flatten()
        })
        .collect::<Option<_>>()?;
    match numbers.as_slice() {
        [(y, 4), (m, 1..=2), (d, 1..=2)] => day_of(*y as i32, *m, *d).map(Suggestion::One),
        [(a, 1..=2), (b, 1..=2), (y, 4)] => {
            let day_first = day_of(*y as i32, *b, *a);
            let month_first = day_of(*y as i32, *a, *b);
            match (day_first, month_first) {
                (Some(x), Some(y)) if x != y => Some(Suggestion::Either(x, y)),
                (Some(x), _) | (None, Some(x)) => Some(Suggestion::One(x)),
                (None, None) => None,
            }
        }
        [(m, 1..=2), (y, 4)] | [(y, 4), (m, 1..=2)] => month_of(*y as i32, *m).map(Suggestion::One),
        _ => None,
    }
}

/// Weekday names (English and French) a date may begin with, by their first letters.
const WEEKDAYS: [&str; 14] = [
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "lun", "mar", "mer", "jeu", "ven", "sam",
    "dim",
];

/// The month a word names in English or French, whole or abbreviated to three letters or more
/// ("apr", "sept", "févr"); `None` for any other word and for an abbreviation two months share
/// ("jui": juin or juillet).
fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.');
    let mut found: Vec<u32> = Vec::new();
    for table in [&MONTHS_EN, &MONTHS_FR] {
        for (i, name) in table.iter().enumerate() {
            let name = name.to_lowercase();
            if name == word {
                return Some(i as u32 + 1);
            }
            if word.chars().count() >= 3
                && name.starts_with(word)
                && !found.contains(&(i as u32 + 1))
            {
                found.push(i as u32 + 1);
            }
        }
    }
    match found.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
}

/// Parses a time of day as people write it: `9:00`, `09:00` and `09:00:00` on a 24-hour
/// clock; `2:00pm`, `2 pm`, `11:15 a.m.` on a 12-hour clock (hours 1 to 12); `14h00`, `14h`
/// and `14 h 30` as French writes it. A full stop may stand for the colon (`9.30am`). The
/// error says what is wrong: an hour or minute out of range, a 24-hour time with `am` or
/// `pm`, or an hour alone, which could mean the morning or the evening.
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    let text = text.trim();
    let bad = |why: &str| {
        if why.is_empty() {
            format!("`{text}` is not a time of day")
        } else {
            format!("`{text}` is not a time of day ({why})")
        }
    };
    let lower = text.to_lowercase();
    // A 12-hour clock's half of the day, written last: `am`, `a.m.`, `AM`, `pm`, `p.m.`.
    let (clock, half) = match lower
        .strip_suffix("a.m.")
        .or_else(|| lower.strip_suffix("am"))
    {
        Some(rest) => (rest.trim_end(), Some(false)),
        None => match lower
            .strip_suffix("p.m.")
            .or_else(|| lower.strip_suffix("pm"))
        {
            Some(rest) => (rest.trim_end(), Some(true)),
            None => (lower.as_str(), None),
        },
    };
    let digits = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())?
    };
    // The hour, the minutes (two digits) and the seconds, as written.
    let (hour, minute, second, french) = if let Some((h, m)) = clock.split_once('h') {
        let (h, m) = (h.trim(), m.trim());
        let minute = if m.is_empty() {
            Some(0)
        } else if m.len() == 2 {
            digits(m, 2)
        } else {
            None
        };
        match (digits(h, 2), minute) {
            (Some(h), Some(m)) => (h, m, 0, true),
            _ => return Err(bad("")),
        }
    } else {
        let parts: Vec<&str> = clock.split([':', '.']).collect();
        let hour = digits(parts[0], 2).ok_or_else(|| bad(""))?;
        let two = |p: Option<&&str>| p.filter(|p| p.len() == 2).and_then(|p| digits(p, 2));
        match parts.len() {
            1 if half.is_some() => (hour, 0, 0, false),
            1 => {
                return Err(bad(&format!(
                    "an hour alone could be the morning or the evening: write {hour}:00, or {hour} am or {hour} pm"
                )));
            }
            2 | 3 => {
                let minute = two(parts.get(1)).ok_or_else(|| bad("the minutes take two digits"))?;
                let second = match parts.get(2) {
                    Some(_) => {
                        two(parts.get(2)).ok_or_else(|| bad("the seconds take two digits"))?
                    }
                    None => 0,
                };
                (hour, minute, second, false)
            }
            _ => return Err(bad("")),
        }
    };
    if minute > 59 || second > 59 {
        return Err(bad("minutes and seconds run to 59"));
    }
    let hour = match half {
        Some(_) if french => return Err(bad("`h` is for a 24-hour clock: leave out am or pm")),
        Some(_) if hour > 12 => {
            return Err(bad(&format!(
                "{hour} o'clock is on a 24-hour clock: leave out am or pm"
            )));
        }
        Some(_) if hour == 0 => return Err(bad("a 12-hour clock runs from 1 to 12")),
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
        None if hour > 23 => return Err(bad(&format!("there is no hour {hour}"))),
        None => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, second).ok_or_else(|| bad(""))
}

/// The structured value of a time of day; `text` is printed in the brief's language.
pub fn time_to_json(time: NaiveTime, locale: Locale) -> Json {
    json!({
        "iso": time.format("%H:%M").to_string(),
        "hour": time.hour(),
        "minute": time.minute(),
        "text": locale.time(time.hour(), time.minute()),
    })
}

/// Parses a date-time `YYYY-MM-DDTHH:MM[:SS]` (a space may stand for the `T`).
pub fn parse_datetime(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    let Some((date, time)) = text.split_once(['T', ' ']) else {
        return Err(format!("`{text}` is not a date and time"));
    };
    let date = PartialDate::parse(date)?;
    if date.precision != Precision::Day {
        return Err(format!(
            "`{text}` is not a date and time (the date needs a day)"
        ));
    }
    Ok(date.date.and_time(parse_time(time)?))
}

/// The structured value of a date-time; `text` is printed in the brief's language.
pub fn datetime_to_json(value: NaiveDateTime, locale: Locale) -> Json {
    let date = PartialDate {
        date: value.date(),
        precision: Precision::Day,
    };
    json!({
        "iso": value.format("%Y-%m-%dT%H:%M").to_string(),
        "date": date.to_json(locale),
        "time": time_to_json(value.time(), locale),
        "text": locale.date_and_time(
            &date.format_in(locale),
            &locale.time(value.hour(), value.minute()),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_at_the_precision_written() {
        assert_eq!(PartialDate::parse("2015").unwrap().format(), "2015");
        assert_eq!(PartialDate::parse("2024-06").unwrap().format(), "June 2024");
        assert_eq!(
            PartialDate::parse("2025-12-08").unwrap().format(),
            "December 8, 2025"
        );
    }

    #[test]
    fn impossible_dates_say_why() {
        assert_eq!(
            PartialDate::parse("2025-02-30").unwrap_err(),
            "`2025-02-30` is not a date (February 2025 has 28 days)"
        );
        assert_eq!(
            PartialDate::parse("2024-02-30").unwrap_err(),
            "`2024-02-30` is not a date (February 2024 has 29 days)"
        );
        assert_eq!(
            PartialDate::parse("2025-13").unwrap_err(),
            "`2025-13` is not a date (there is no month 13)"
        );
        assert_eq!(
            PartialDate::parse("June 2024").unwrap_err(),
            "`June 2024` is not a date"
        );
        assert_eq!(
            PartialDate::parse("2025-1-8").unwrap_err(),
            "`2025-1-8` is not a date"
        );
        // Years before 1000 are refused, whatever the precision.
        for early in ["0000-01-01", "0999", "0205-06"] {
            assert_eq!(
                PartialDate::parse(early).unwrap_err(),
                format!("`{early}` is out of range (a year is written from 1000 to 9999)")
            );
        }
        assert!(PartialDate::parse("1000-01-01").is_ok());
        assert!(PartialDate::parse("9999-12-31").is_ok());
    }

    /// A date written with a month's name or in numbers gets its ISO form; one that could be
    /// read either way gets both.
    #[test]
    fn suggestions_for_dates_written_otherwise() {
        let one = |s: &str| Some(Suggestion::One(s.to_string()));
        assert_eq!(suggest_iso("April 16, 2026"), one("2026-04-16"));
        assert_eq!(suggest_iso("16/04/2026"), one("2026-04-16"));
        assert_eq!(suggest_iso("04/16/2026"), one("2026-04-16"));
        assert_eq!(suggest_iso("16 avril 2026"), one("2026-04-16"));
        assert_eq!(suggest_iso("1er mars 2025"), one("2025-03-01"));
        assert_eq!(suggest_iso("Monday, December 8, 2025"), one("2025-12-08"));
        assert_eq!(suggest_iso("16th of April 2026"), one("2026-04-16"));
        assert_eq!(suggest_iso("Sept. 3 2025"), one("2025-09-03"));
        assert_eq!(suggest_iso("June 2024"), one("2024-06"));
        assert_eq!(suggest_iso("2026/4/16"), one("2026-04-16"));
        assert_eq!(suggest_iso("16.04.2026"), one("2026-04-16"));
        assert_eq!(suggest_iso("05/05/2026"), one("2026-05-05"));
        assert_eq!(
            suggest_iso("04/05/2026"),
            Some(Suggestion::Either("2026-05-04".into(), "2026-04-05".into()))
        );
        // No real day, a two-digit year, or not a date at all: nothing to suggest.
        assert_eq!(suggest_iso("February 30, 2026"), None);
        assert_eq!(suggest_iso("16/04/26"), None);
        assert_eq!(suggest_iso("next Tuesday"), None);
        assert_eq!(suggest_iso("jui 2024"), None);
        assert_eq!(suggest_iso("soon"), None);
    }

    /// Every form a time can be written in, on each clock.
    #[test]
    fn times_as_people_write_them() {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        for (text, time) in [
            ("09:30", at(9, 30)),
            ("9:30", at(9, 30)),
            ("9:00", at(9, 0)),
            ("14:00", at(14, 0)),
            ("00:00", at(0, 0)),
            ("09:30:15", NaiveTime::from_hms_opt(9, 30, 15).unwrap()),
            ("2:00pm", at(14, 0)),
            ("2:00 PM", at(14, 0)),
            ("2 pm", at(14, 0)),
            ("2pm", at(14, 0)),
            ("11:15am", at(11, 15)),
            ("11:15 a.m.", at(11, 15)),
            ("3:45 p.m.", at(15, 45)),
            ("12 pm", at(12, 0)),
            ("12:30 am", at(0, 30)),
            ("9.30am", at(9, 30)),
            ("14h00", at(14, 0)),
            ("14h", at(14, 0)),
            ("9 h 30", at(9, 30)),
            ("9h05", at(9, 5)),
        ] {
            assert_eq!(parse_time(text), Ok(time), "{text}");
        }
    }

    /// Each refusal says why.
    #[test]
    fn impossible_and_ambiguous_times_say_why() {
        for (text, why) in [
            (
                "25:00",
                "`25:00` is not a time of day (there is no hour 25)",
            ),
            (
                "24:30",
                "`24:30` is not a time of day (there is no hour 24)",
            ),
            (
                "9:60",
                "`9:60` is not a time of day (minutes and seconds run to 59)",
            ),
            (
                "9:5",
                "`9:5` is not a time of day (the minutes take two digits)",
            ),
            (
                "13:00pm",
                "`13:00pm` is not a time of day (13 o'clock is on a 24-hour clock: leave out am or pm)",
            ),
            (
                "0:30 am",
                "`0:30 am` is not a time of day (a 12-hour clock runs from 1 to 12)",
            ),
            (
                "9",
                "`9` is not a time of day (an hour alone could be the morning or the evening: write 9:00, or 9 am or 9 pm)",
            ),
            ("14h5", "`14h5` is not a time of day"),
            ("noonish", "`noonish` is not a time of day"),
            ("", "`` is not a time of day"),
        ] {
            assert_eq!(parse_time(text).unwrap_err(), why, "{text}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("09:30").unwrap(),
            NaiveTime::from_hms_opt(9, 30, 0).unwrap()
        );
        assert_eq!(
            parse_time("25:00").unwrap_err(),
            "`25:00` is not a time of day (there is no hour 25)"
        );
        assert!(parse_datetime("2025-12-08 09:30").is_ok());
        assert!(parse_datetime("2025-12 09:30").is_err());
    }

    #[test]
    fn text_is_in_the_briefs_language() {
        let date = PartialDate::parse("2025-12-08").unwrap();
        // Held on one line: no-break spaces.
        assert_eq!(
            date.to_json(Locale::FrCa)["text"],
            "8\u{a0}décembre\u{a0}2025"
        );
        assert_eq!(
            date.to_json(Locale::KoKr)["text"],
            "2025년\u{a0}12월\u{a0}8일"
        );
        assert_eq!(date.to_json(Locale::EnCa)["text"], "December\u{a0}8, 2025");
        assert_eq!(date.to_json(Locale::KoKr)["iso"], "2025-12-08");
        let when = parse_datetime("2025-12-08 09:30").unwrap();
        assert_eq!(
            datetime_to_json(when, Locale::FrCa)["text"],
            "8 décembre 2025 à 9\u{a0}h\u{a0}30"
        );
        assert_eq!(
            datetime_to_json(when, Locale::EnCa)["text"],
            "December 8, 2025, 09:30"
        );
    }

    #[test]
    fn orders_by_first_day() {
        assert!(PartialDate::parse("2024").unwrap() < PartialDate::parse("2024-06").unwrap());
    }
}
