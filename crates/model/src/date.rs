//! Dates: the calendar day, dates known to the year, month or day ([`PartialDate`]),
//! and the written-date vocabulary shared by extraction and understanding (month and
//! weekday names, month numbers, Juche years).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day (proleptic Gregorian), as used everywhere in annalist.
pub type Date = jiff::civil::Date;

/// A date known to the year, the month or the day: `2019`, `2019-04`, `2019-04-24`.
///
/// Serialised as that ISO string. Orders by year, then month, then day, with a
/// less precise date sorting before a more precise one in the same period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i16,
    pub month: Option<i8>,
    pub day: Option<i8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a date (want YYYY, YYYY-MM or YYYY-MM-DD): {0:?}")]
pub struct PartialDateError(pub String);

impl PartialDate {
    pub fn year(year: i16) -> Self {
        PartialDate { year, month: None, day: None }
    }
    pub fn month(year: i16, month: i8) -> Self {
        PartialDate { year, month: Some(month), day: None }
    }
    pub fn day(d: Date) -> Self {
        PartialDate { year: d.year(), month: Some(d.month()), day: Some(d.day()) }
    }
    /// The full date when day precision is known.
    pub fn to_date(self) -> Option<Date> {
        Date::new(self.year, self.month?, self.day?).ok()
    }
    /// The first day of the period this date names.
    pub fn first_day(self) -> Option<Date> {
        Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)).ok()
    }
    /// The last day of the period this date names.
    pub fn last_day(self) -> Option<Date> {
        match (self.month, self.day) {
            (Some(m), Some(d)) => Date::new(self.year, m, d).ok(),
            (Some(m), None) => Date::new(self.year, m, 1).ok().map(|d| d.last_of_month()),
            _ => Date::new(self.year, 12, 31).ok(),
        }
    }
    /// Whether `other` falls within the period this date names (or vice versa).
    pub fn compatible(self, other: PartialDate) -> bool {
        self.year == other.year
            && (self.month.is_none() || other.month.is_none() || self.month == other.month)
            && (self.day.is_none() || other.day.is_none() || self.day == other.day)
    }
    /// 0 = year, 1 = month, 2 = day.
    pub fn precision(self) -> u8 {
        match (self.month, self.day) {
            (None, _) => 0,
            (Some(_), None) => 1,
            _ => 2,
        }
    }
}

impl From<Date> for PartialDate {
    fn from(d: Date) -> Self {
        PartialDate::day(d)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = PartialDateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PartialDateError(s.to_string());
        let mut parts = s.trim().split('-');
        let y: i16 = parts.next().filter(|p| p.len() == 4).and_then(|p| p.parse().ok()).ok_or_else(err)?;
        let m: Option<i8> = match parts.next() {
            None => None,
            Some(p) => Some(p.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(err)?),
        };
        let d: Option<i8> = match parts.next() {
            None => None,
            Some(p) => Some(p.parse().ok().ok_or_else(err)?),
        };
        if parts.next().is_some() {
            return Err(err());
        }
        let pd = PartialDate { year: y, month: m, day: d };
        if d.is_some() && pd.to_date().is_none() {
            return Err(err());
        }
        Ok(pd)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

// Written dates: the month table and the readings of a date's written parts that both
// extraction (publication date lines) and understanding (dates in running text) use.
// Each crate keeps its own patterns and rules for where a date stands and what a date
// without a year means; the names, numbers and the Juche calendar are read here.

/// The months' names, January first.
pub const MONTH_NAMES: [&str; 12] = [
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

/// The weekdays' names, Monday first (ISO weekday 1).
pub const WEEKDAY_NAMES: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// A month name or abbreviation as a regular expression, in the case running text
/// writes it: capitalised, abbreviations that are also words (`Mar`, `Jun`, `Jul`,
/// `Sep`) only with their full stop. "May" matches the modal verb too; readers of it
/// decide by what follows.
pub const MONTH_PATTERN: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept\.?|Sep\.|Oct\.?|Nov\.?|Dec\.?)";

/// A month name or abbreviation as a regular expression for date lines and metadata,
/// where a month is written in any case and any abbreviation (`DEC`, `sept.`, `jun`):
/// use it inside `(?i)`.
pub const MONTH_PATTERN_ANY_CASE: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

/// The month number (1–12) of a month name or abbreviation, in any case, with or
/// without its full stop: `August`, `Aug.`, `sept`, `DEC`.
pub fn month_number(s: &str) -> Option<i8> {
    let m = s.trim_end_matches('.').to_ascii_lowercase();
    let idx = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|p| m.starts_with(p))?;
    Some(idx as i8 + 1)
}

/// The ISO weekday number (Monday = 1) of a weekday name or its first three letters.
pub fn weekday_number(s: &str) -> Option<i8> {
    let w = s.get(..3)?;
    WEEKDAY_NAMES.iter().position(|n| n[..3].eq_ignore_ascii_case(w)).map(|i| i as i8 + 1)
}

/// The Gregorian year of a year of the Juche calendar (Juche 1 = 1912).
pub fn juche_to_gregorian(juche: i16) -> i16 {
    juche + 1911
}

/// The day written as year, month and day numbers, when it exists in the calendar.
pub fn calendar_date(year: i32, month: i32, day: i32) -> Option<Date> {
    Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The day written as "Month D, YYYY" or "D Month YYYY" gives, from its three written
/// parts (a month name or abbreviation, the day's and the year's digits).
pub fn named_month_date(year: &str, month: &str, day: &str) -> Option<Date> {
    calendar_date(year.parse().ok()?, month_number(month)?.into(), day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_precision() {
        for s in ["2019", "2019-04", "2019-04-24"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
        assert!("2019-02-30".parse::<PartialDate>().is_err());
        assert!("19".parse::<PartialDate>().is_err());
        assert!("2019-13".parse::<PartialDate>().is_err());
    }

    #[test]
    fn periods() {
        let m: PartialDate = "2024-02".parse().unwrap();
        assert_eq!(m.last_day().unwrap().to_string(), "2024-02-29");
        assert!(m.compatible("2024-02-11".parse().unwrap()));
        assert!(!m.compatible("2024-03".parse().unwrap()));
    }

    #[test]
    fn month_and_weekday_names() {
        assert_eq!(month_number("August"), Some(8));
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("DEC"), Some(12));
        assert_eq!(month_number("jun"), Some(6));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Juche"), None);
        for (i, m) in MONTH_NAMES.iter().enumerate() {
            assert_eq!(month_number(m), Some(i as i8 + 1));
        }
        assert_eq!(weekday_number("Tuesday"), Some(2));
        assert_eq!(weekday_number("Sun"), Some(7));
        assert_eq!(weekday_number("Mo"), None);
    }

    #[test]
    fn written_parts_and_juche_years() {
        assert_eq!(
            named_month_date("2001", "Aug.", "4").map(|d| d.to_string()).as_deref(),
            Some("2001-08-04")
        );
        assert_eq!(named_month_date("2011", "February", "30"), None);
        assert_eq!(calendar_date(2024, 2, 29).map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        assert_eq!(calendar_date(2024, 13, 1), None);
        assert_eq!(calendar_date(40000, 1, 1), None);
        assert_eq!(juche_to_gregorian(100), 2011);
        assert_eq!(juche_to_gregorian(113), 2024);
    }
}
