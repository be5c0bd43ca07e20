//! Dates as pages and datasets write them.

use std::sync::LazyLock;

use annalist_model::Date;
use regex::Regex;

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
const WEEKDAY: &str = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s*)";

/// One written date: `May 22, 2025`, `22 May 2025`, `2025-05-22`, `2025/05/22`, `15/08/2022`.
fn date_pattern() -> String {
    format!(
        r"(?:{WEEKDAY}?{MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}|{WEEKDAY}?\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}})"
    )
}

static MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)^{WEEKDAY}?({MONTH})\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})")).unwrap()
});
static DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)^{WEEKDAY}?(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH}),?\s+(\d{{4}})")).unwrap()
});
static YMD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})(?:$|[T\s_]|[^\d])").unwrap());
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})([/.])(\d{1,2})([/.])(\d{4})(?:$|[^\d])").unwrap());
static COMPACT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{4})(\d{2})(\d{2})$").unwrap());
/// A whole line that is one date, or the same date printed twice (mirror headers print
/// `May 22, 2025May 22, 2025` or `July 05, 2025Jul 05, 2025`).
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let d = date_pattern();
    Regex::new(&format!(r"(?i)^\s*({d})\s*(?:\|?\s*({d}))?\s*$")).unwrap()
});

fn month_number(m: &str) -> Option<i8> {
    let m = m.trim_end_matches('.').to_ascii_lowercase();
    let idx = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|p| m.starts_with(p))?;
    Some(idx as i8 + 1)
}

fn make(y: &str, m: i8, d: &str) -> Option<Date> {
    let y: i16 = y.parse().ok()?;
    let d: i8 = d.parse().ok()?;
    if !(1800..=2200).contains(&y) {
        return None;
    }
    Date::new(y, m, d).ok()
}

/// How to read `01/02/2011`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeric {
    /// Day first (`dd/mm/yyyy`), as the mirror's `Date:` field writes it.
    DayFirst,
    /// Only when unambiguous (one of the two numbers is over 12, or both equal).
    Unambiguous,
}

/// Parse the date at the start of `s` (ISO dates and datetimes, `Dec 1, 2011`,
/// `1 December 2011`, `Thu, 01 Dec 2011 …`, `2011/12/01`, `20111201`, and `dd/mm/yyyy`
/// as `numeric` says).
pub fn parse_date(s: &str, numeric: Numeric) -> Option<Date> {
    let s = s.trim();
    if let Some(c) = YMD.captures(s) {
        if c[2] != c[4] {
            return None;
        }
        return make(&c[1], c[3].parse().ok()?, &c[5]);
    }
    if let Some(c) = MDY.captures(s) {
        return make(&c[3], month_number(&c[1])?, &c[2]);
    }
    if let Some(c) = DMY.captures(s) {
        return make(&c[3], month_number(&c[2])?, &c[1]);
    }
    if let Some(c) = NUMERIC.captures(s) {
        let a: i8 = c[1].parse().ok()?;
        let b: i8 = c[3].parse().ok()?;
        let (day, month) = match numeric {
            Numeric::DayFirst => (a, b),
            Numeric::Unambiguous if a == b || a > 12 => (a, b),
            Numeric::Unambiguous if b > 12 => (b, a),
            Numeric::Unambiguous => return None,
        };
        return make(&c[5], month, &day.to_string());
    }
    if let Some(c) = COMPACT.captures(s) {
        return make(&c[1], c[2].parse().ok()?, &c[3]);
    }
    None
}

/// The date when the whole line is a date (or one date printed twice).
pub fn date_line(line: &str) -> Option<Date> {
    if line.len() > 80 {
        return None;
    }
    let c = DATE_LINE.captures(line)?;
    let first = parse_date(&c[1], Numeric::DayFirst)?;
    if let Some(second) = c.get(2) {
        // Two different dates on one line is not a date line.
        if parse_date(second.as_str(), Numeric::DayFirst)? != first {
            return None;
        }
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        parse_date(s, Numeric::Unambiguous).map(|d| d.to_string())
    }

    #[test]
    fn formats() {
        assert_eq!(d("2011-12-01").as_deref(), Some("2011-12-01"));
        assert_eq!(d("2011-12-01T09:30:00+09:00").as_deref(), Some("2011-12-01"));
        assert_eq!(d("2011-12-01 09:30").as_deref(), Some("2011-12-01"));
        assert_eq!(d("Dec 1, 2011").as_deref(), Some("2011-12-01"));
        assert_eq!(d("December 01, 2011").as_deref(), Some("2011-12-01"));
        assert_eq!(d("1 December 2011").as_deref(), Some("2011-12-01"));
        assert_eq!(d("Thu, 01 Dec 2011 10:00:00 GMT").as_deref(), Some("2011-12-01"));
        assert_eq!(d("2011/12/01").as_deref(), Some("2011-12-01"));
        assert_eq!(d("20111201").as_deref(), Some("2011-12-01"));
        assert_eq!(d("13/12/2011").as_deref(), Some("2011-12-13"));
        assert_eq!(d("12/13/2011").as_deref(), Some("2011-12-13"));
        assert_eq!(d("01/12/2011"), None);
        assert_eq!(
            parse_date("04/08/2024", Numeric::DayFirst).map(|d| d.to_string()).as_deref(),
            Some("2024-08-04")
        );
        assert_eq!(d("2011-02-30"), None);
        assert_eq!(d("not a date"), None);
        assert_eq!(d("2011-12/01"), None);
    }

    #[test]
    fn date_lines() {
        let l = |s| date_line(s).map(|d| d.to_string());
        assert_eq!(l("May 22, 2025May 22, 2025").as_deref(), Some("2025-05-22"));
        assert_eq!(l("July 05, 2025Jul 05, 2025").as_deref(), Some("2025-07-05"));
        assert_eq!(l("February 05, 2025").as_deref(), Some("2025-02-05"));
        assert_eq!(l("  April 26, 2023 ").as_deref(), Some("2023-04-26"));
        assert_eq!(l("May 22, 2025June 01, 2025"), None);
        assert_eq!(l("On May 22, 2025 he left"), None);
        assert_eq!(l("Housewarming"), None);
    }
}
