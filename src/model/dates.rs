//! Calendar values written in briefs: dates at year, month or day precision, times of day and
//! date-times, parsed with chrono and formatted for print at the precision they were given.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::{Value as Json, json};

use crate::model::locale::Locale;

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

/// What a date field accepts, for error notes.
pub const DATE_FORMS: &str =
    "a date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2024-06 or 2025-12-08)";

/// What a time field accepts, for error notes.
pub const TIME_FORMS: &str =
    "a time of day written HH:MM or HH:MM:SS on a 24-hour clock (such as 09:30)";

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

    /// The structured value a template receives; `text` is printed in the brief's language.
    pub fn to_json(&self, locale: Locale) -> Json {
        json!({
            "iso": self.iso(),
            "year": self.date.year(),
            "month": (self.precision >= Precision::Month).then(|| self.date.month()),
            "day": (self.precision >= Precision::Day).then(|| self.date.day()),
            "precision": self.precision.name(),
            "text": self.format_in(locale),
        })
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

/// Parses a time of day `HH:MM` or `HH:MM:SS`.
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(':').collect();
    let valid = (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        return Err(format!("`{text}` is not a time of day"));
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(99)).collect();
    if n[0] > 23 {
        return Err(format!(
            "`{text}` is not a time of day (there is no hour {})",
            n[0]
        ));
    }
    if n[1] > 59 || n.get(2).is_some_and(|&s| s > 59) {
        return Err(format!(
            "`{text}` is not a time of day (minutes and seconds run to 59)"
        ));
    }
    NaiveTime::from_hms_opt(n[0], n[1], n.get(2).copied().unwrap_or(0))
        .ok_or_else(|| format!("`{text}` is not a time of day"))
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
        assert_eq!(date.to_json(Locale::FrCa)["text"], "8 décembre 2025");
        assert_eq!(date.to_json(Locale::KoKr)["text"], "2025년 12월 8일");
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
