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
}
