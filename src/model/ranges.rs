//! Ranges of dates printed the way each locale writes them: the days of a meeting ("June 2–6,
//! 2017", "2–6 June 2017", "2 au 6 juin 2017", "2017년 6월 2–6일"), months and years.
//! They are built on [`Locale`]'s own parts of a date (its order of day, month and year, its
//! month names and day numbers), so a locale added there prints its ranges too.

use chrono::{Datelike, NaiveDate};
use serde_json::{Value as Json, json};

use crate::model::dates::{PartialDate, Precision};
use crate::model::locale::{DateOrder, Language, Locale};

/// The days from `first` to `last` (inclusive) as the locale writes a range, naming the
/// month and year once where both days share them. One day is printed as that day. The order
/// of day, month and year is the locale's ([`DateOrder`]); French joins with "au" ("du 2 au 6
/// juin" without its "du", which a heading or a footer leaves out).
pub fn days(locale: Locale, first: NaiveDate, last: NaiveDate) -> String {
    let (y1, m1, d1) = (first.year(), first.month(), first.day());
    let (y2, m2, d2) = (last.year(), last.month(), last.day());
    if first == last {
        return locale.day(y1, m1, d1);
    }
    let (same_year, same_month) = (y1 == y2, y1 == y2 && m1 == m2);
    let (n1, n2) = (locale.month_name(m1), locale.month_name(m2));
    let (a, b) = (locale.day_number(d1), locale.day_number(d2));
    let whole = |y, m, d| locale.day(y, m, d);
    let french = locale.language() == Language::Fr;
    match locale.conventions().order {
        DateOrder::MonthDay if same_month => format!("{n1} {a}–{b}, {y1}"),
        DateOrder::MonthDay if same_year => format!("{n1} {a} – {n2} {b}, {y1}"),
        DateOrder::MonthDay => format!("{} – {}", whole(y1, m1, d1), whole(y2, m2, d2)),
        DateOrder::DayMonth if french && same_month => format!("{a} au {b} {n1} {y1}"),
        DateOrder::DayMonth if french && same_year => format!("{a} {n1} au {b} {n2} {y1}"),
        DateOrder::DayMonth if french => {
            format!("{} au {}", whole(y1, m1, d1), whole(y2, m2, d2))
        }
        DateOrder::DayMonth if same_month => format!("{a}–{b} {n1} {y1}"),
        DateOrder::DayMonth if same_year => format!("{a} {n1} – {b} {n2} {y1}"),
        DateOrder::DayMonth => format!("{} – {}", whole(y1, m1, d1), whole(y2, m2, d2)),
        // "2017년 6월 2–6일": the day's unit said once, after the last day.
        DateOrder::YearMonthDay if same_month => format!("{} {n1} {d1}–{b}", locale.year(y1)),
        DateOrder::YearMonthDay if same_year => format!("{} {n1} {a}–{n2} {b}", locale.year(y1)),
        DateOrder::YearMonthDay => format!("{}–{}", whole(y1, m1, d1), whole(y2, m2, d2)),
    }
}

/// The months from `first` to `last` as the locale writes a range: "June–August 2024",
/// "juin à août 2024", "2024년 6–8월".
pub fn months(locale: Locale, first: NaiveDate, last: NaiveDate) -> String {
    let (y1, m1, y2, m2) = (first.year(), first.month(), last.year(), last.month());
    if (y1, m1) == (y2, m2) {
        return locale.month(y1, m1);
    }
    let (n1, n2) = (locale.month_name(m1), locale.month_name(m2));
    match locale.language() {
        Language::En if y1 == y2 => format!("{n1}–{n2} {y1}"),
        Language::En => format!("{} – {}", locale.month(y1, m1), locale.month(y2, m2)),
        Language::Fr if y1 == y2 => format!("{n1} à {n2} {y1}"),
        Language::Fr => format!("{} à {}", locale.month(y1, m1), locale.month(y2, m2)),
        Language::Ko if y1 == y2 => format!("{y1}년 {m1}–{m2}월"),
        Language::Ko => format!("{}–{}", locale.month(y1, m1), locale.month(y2, m2)),
    }
}

/// A range of two dates written at the same precision; dates of different precisions are
/// joined whole ("2024 – June 2025").
pub fn dates(locale: Locale, first: &PartialDate, last: &PartialDate) -> String {
    match (first.precision, last.precision) {
        (Precision::Day, Precision::Day) => days(locale, first.date, last.date),
        (Precision::Month, Precision::Month) => months(locale, first.date, last.date),
        (Precision::Year, Precision::Year) if first.date.year() == last.date.year() => {
            locale.year(first.date.year())
        }
        (Precision::Year, Precision::Year) if locale.language() == Language::Ko => {
            format!("{}–{}년", first.date.year(), last.date.year())
        }
        (Precision::Year, Precision::Year) => {
            format!("{}–{}", first.date.year(), last.date.year())
        }
        _ => {
            let joiner = if locale.language() == Language::Fr {
                " au "
            } else {
                " – "
            };
            format!(
                "{}{joiner}{}",
                first.format_in(locale),
                last.format_in(locale)
            )
        }
    }
}

/// A date field's value: one date (`2017-06-02`), or a range written as ISO 8601 writes one,
/// `FIRST/LAST` (`2017-06-02/2017-06-06`), both ends included.
pub fn parse(text: &str) -> Result<(PartialDate, Option<PartialDate>), String> {
    let text = text.trim();
    let Some((a, b)) = text.split_once('/') else {
        return PartialDate::parse(text).map(|d| (d, None));
    };
    let first = PartialDate::parse(a)?;
    let last = PartialDate::parse(b)?;
    if last.date < first.date {
        return Err(format!(
            "`{text}` is not a range of dates (it ends before it starts)"
        ));
    }
    Ok((first, (last != first).then_some(last)))
}

/// The structured value a template receives for a date or a range: the first date's parts
/// (`iso` is the range as written), its `text` the whole range in the brief's language, and
/// `end` the last date (`none` for one date).
pub fn to_json(first: &PartialDate, last: Option<&PartialDate>, locale: Locale) -> Json {
    let mut value = first.to_json(locale);
    if let Some(last) = last {
        value["iso"] = json!(format!("{}/{}", first.iso(), last.iso()));
        value["text"] = json!(dates(locale, first, last));
    }
    value["end"] = last.map_or(Json::Null, |l| l.to_json(locale));
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A meeting of several days, in each locale's order and words.
    #[test]
    fn days_in_each_locale() {
        let (a, b) = (day(2017, 6, 2), day(2017, 6, 6));
        assert_eq!(days(Locale::EnCa, a, b), "June 2–6, 2017");
        assert_eq!(days(Locale::EnUs, a, b), "June 2–6, 2017");
        assert_eq!(days(Locale::EnGb, a, b), "2–6 June 2017");
        assert_eq!(days(Locale::EnAu, a, b), "2–6 June 2017");
        assert_eq!(days(Locale::FrFr, a, b), "2 au 6 juin 2017");
        assert_eq!(days(Locale::FrCa, a, b), "2 au 6 juin 2017");
        assert_eq!(days(Locale::KoKr, a, b), "2017년 6월 2–6일");
        assert_eq!(days(Locale::EnCa, a, a), "June 2, 2017");
        assert_eq!(days(Locale::FrCa, day(2017, 6, 1), b), "1er au 6 juin 2017");
    }

    /// Across a month's end and a year's end, both names are given.
    #[test]
    fn days_across_months_and_years() {
        let (a, b) = (day(2017, 5, 30), day(2017, 6, 2));
        assert_eq!(days(Locale::EnCa, a, b), "May 30 – June 2, 2017");
        assert_eq!(days(Locale::FrCa, a, b), "30 mai au 2 juin 2017");
        assert_eq!(days(Locale::EnGb, a, b), "30 May – 2 June 2017");
        assert_eq!(days(Locale::KoKr, a, b), "2017년 5월 30일–6월 2일");
        let (a, b) = (day(2017, 12, 30), day(2018, 1, 2));
        assert_eq!(
            days(Locale::EnCa, a, b),
            "December 30, 2017 – January 2, 2018"
        );
        assert_eq!(
            days(Locale::FrCa, a, b),
            "30 décembre 2017 au 2 janvier 2018"
        );
        assert_eq!(days(Locale::KoKr, a, b), "2017년 12월 30일–2018년 1월 2일");
    }

    #[test]
    fn months_and_years() {
        let (a, b) = (day(2024, 6, 1), day(2024, 8, 1));
        assert_eq!(months(Locale::EnCa, a, b), "June–August 2024");
        assert_eq!(months(Locale::FrCa, a, b), "juin à août 2024");
        assert_eq!(months(Locale::KoKr, a, b), "2024년 6–8월");
        let y = |t| PartialDate::parse(t).unwrap();
        assert_eq!(dates(Locale::EnCa, &y("2015"), &y("2017")), "2015–2017");
        assert_eq!(dates(Locale::KoKr, &y("2015"), &y("2017")), "2015–2017년");
    }

    #[test]
    fn ranges_are_read_as_iso_writes_them() {
        let (first, last) = parse("2017-06-02/2017-06-06").unwrap();
        let value = to_json(&first, last.as_ref(), Locale::FrCa);
        assert_eq!(value["text"], "2 au 6 juin 2017");
        assert_eq!(value["iso"], "2017-06-02/2017-06-06");
        assert_eq!(value["day"], 2);
        assert_eq!(value["end"]["day"], 6);
        assert_eq!(
            parse("2017-06-06/2017-06-02").unwrap_err(),
            "`2017-06-06/2017-06-02` is not a range of dates (it ends before it starts)"
        );
        assert_eq!(parse("2017-06-02").unwrap().1, None);
        assert_eq!(to_json(&first, None, Locale::EnCa)["end"], Json::Null);
    }
}
