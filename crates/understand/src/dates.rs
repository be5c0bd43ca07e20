//! Date expressions and their resolution against the publication date.
//!
//! [`find_dates`] lists every date expression of a body with its byte span: absolute
//! ("August 4, 2001", "15/08/2022", "in April 2019", "2019"), relative to the
//! publication date ("Tuesday", "Dec. 7", "in June this year", "last year",
//! "twenty-three years ago", "yesterday"), anaphoric ("on the same day") and spans
//! ("between April 24 and 26 in 2019", "from May 2 to 12").
//!
//! Month names, weekday numbers and Juche years come from the shared vocabulary of
//! [`annalist_model::date`]; the forms of running text, what a date without a year
//! means and the names that look like dates ("the June 15 Joint Declaration") are
//! decided here.

use std::sync::LazyLock;

use annalist_model::date::{self, MONTH_PATTERN, calendar_date, month_number};
use annalist_model::{Date, PartialDate};
use jiff::ToSpan;
use regex::Regex;

use crate::lexicon::DATED_NAME_HEADS;

/// One date expression found in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct DateExpr {
    pub start: usize,
    pub end: usize,
    pub date: PartialDate,
    /// Last day of a span.
    pub date_end: Option<PartialDate>,
    /// Needed the publication date (or an inferred one) to resolve.
    pub relative: bool,
    /// Whether the text gives a year of its own (absolute dates).
    pub explicit_year: bool,
}

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTH_PATTERN;
    let pat = format!(
        r"(?x)
        (?P<span>(?:between|from)\s+(?P<sm1>{m})\s+(?P<sd1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:and|to|till|until)\s+(?:(?P<sm2>{m})\s+)?(?P<sd2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?:in\s+)?(?P<sy>1[89]\d\d|20\d\d)(?-u:\b))?)
        |(?P<dash>(?P<dm>{m})\s+(?P<dd1>\d{{1,2}})\s*[-–]\s*(?P<dd2>\d{{1,2}})(?-u:\b)(?:,?\s+(?P<dy>1[89]\d\d|20\d\d)(?-u:\b))?)
        |(?P<md>(?P<mm>{m})\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<my>1[89]\d\d|20\d\d)(?-u:\b))?(?P<mthis>\s+(?:this|last)\s+year)?)
        |(?P<dm2>(?-u:\b)(?P<dm2_d>\d{{1,2}})\s+(?P<dm2_m>{m})(?:,?\s+(?P<dm2_y>1[89]\d\d|20\d\d))?(?-u:\b))
        |(?P<slash>(?-u:\b)(?P<sl_d>\d{{1,2}})/(?P<sl_m>\d{{1,2}})/(?P<sl_y>\d{{4}})(?-u:\b))
        |(?P<iso>(?-u:\b)(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>\d\d)-(?P<iso_d>\d\d)(?-u:\b))
        |(?P<my2>(?-u:\b)(?:in|of|since|until|by|during|from|early|late|mid-?|and|to)\s+(?P<my2_m>{m})(?:\s+(?P<my2_y>1[89]\d\d|20\d\d)(?-u:\b)|(?P<my2_this>\s+this\s+year)|(?P<my2_last>\s+last\s+year))?)
        |(?P<wd>(?-u:\b)(?:(?:last|this)\s+)?(?P<wd_n>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b))
        |(?P<yest>(?-u:\b)(?:yesterday|today)(?-u:\b))
        |(?P<same>(?-u:\b)(?:on\s+)?the\s+same\s+day(?-u:\b))
        |(?P<ago>(?-u:\b)(?P<ago_n>\d{{1,3}}|(?:[a-z]+-)?[a-z]+)\s+years\s+ago(?-u:\b))
        |(?P<juche>(?-u:\b)Juche\s+(?P<juche_n>\d{{1,3}})(?-u:\b)(?:\s*\((?P<juche_y>\d{{4}})\))?)
        |(?P<thisyear>(?-u:\b)(?:this|last|the\s+same)\s+year(?-u:\b))
        |(?P<year>(?-u:\b)(?P<year_pre>in|of|since|until|till|by|from|to|and|year|early|late|mid-?|between|before|after|during|the\s+new\s+year|the)?\s*\(?(?P<year_y>1[89]\d\d|20\d\d)(?-u:\b)(?P<year_post>\s*[-–]\s*\d)?)
        "
    );
    Regex::new(&pat).expect("date regex")
});

/// Whether the text right after a month-day makes it part of a name.
fn names_after(rest: &str) -> bool {
    let Some(rest) = rest.strip_prefix(' ') else { return false };
    let w = rest.split([' ', ',', '.', ';', ':', '"', ')']).next().unwrap_or("");
    let w = w.trim_end_matches(['\'', '\u{2019}']);
    DATED_NAME_HEADS.contains(&w) || DATED_NAME_HEADS.iter().any(|h| h.strip_suffix("'s") == Some(w))
}

/// Parses "23", "twenty-three", "five" (up to ninety-nine).
pub fn parse_number(s: &str) -> Option<i32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] =
        ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    let s = s.to_ascii_lowercase();
    let mut parts = s.split('-');
    let a = parts.next()?;
    let b = parts.next();
    if let Some(u) = UNITS.iter().position(|x| *x == a) {
        return b.is_none().then_some(u as i32);
    }
    let t = TENS.iter().position(|x| *x == a && !x.is_empty())? as i32 * 10;
    match b {
        None => Some(t),
        Some(b) => UNITS[1..10].iter().position(|x| *x == b).map(|u| t + u as i32 + 1),
    }
}

/// The date of a month and day written without a year, as a report published on
/// `anchor` means it: this year, or last year when that would be over a month ahead.
pub fn resolve_month_day(anchor: Date, month: i8, day: i8) -> Option<Date> {
    let d = Date::new(anchor.year(), month, day).ok()?;
    if d > anchor.checked_add(45.days()).ok()? {
        Date::new(anchor.year() - 1, month, day).ok()
    } else {
        Some(d)
    }
}

/// The most recent given weekday on or before `anchor`.
pub fn resolve_weekday(anchor: Date, weekday: i8) -> Date {
    let cur = anchor.weekday().to_monday_one_offset();
    let back = (cur - weekday).rem_euclid(7) as i64;
    anchor.checked_sub(back.days()).unwrap_or(anchor)
}

fn pd_day(y: i16, m: i8, d: i8) -> Option<PartialDate> {
    Date::new(y, m, d).ok().map(PartialDate::day)
}

/// Finds the date expressions of `body`, resolving relative ones against `anchor`
/// (the publication date, given or inferred). Expressions that need an anchor are
/// left out when there is none.
pub fn find_dates(body: &str, anchor: Option<Date>) -> Vec<DateExpr> {
    let mut out: Vec<DateExpr> = Vec::new();
    for c in DATE_RE.captures_iter(body) {
        let whole = c.get(0).expect("match");
        // a date inside a quoted name ("May 24 step") is not a date of the text
        if body[..whole.start()].ends_with(['"', '\u{201C}']) {
            continue;
        }
        let m = Match { c: &c, body, anchor, start: whole.start(), end: whole.end() };
        if let Some(e) = m.read(out.last()) {
            out.push(e);
        }
    }
    out
}

/// One match of [`DATE_RE`], read as the form whose group matched.
struct Match<'c, 't> {
    c: &'c regex::Captures<'t>,
    body: &'t str,
    anchor: Option<Date>,
    start: usize,
    end: usize,
}

impl Match<'_, '_> {
    fn g(&self, n: &str) -> Option<&str> {
        self.c.name(n).map(|m| m.as_str())
    }

    fn num(&self, n: &str) -> Option<i32> {
        self.g(n).and_then(|s| s.parse::<i32>().ok())
    }

    fn month(&self, n: &str) -> Option<i8> {
        month_number(self.g(n).unwrap_or(""))
    }

    /// The year of a month and day: the one written, else the anchor's reading of it
    /// (then relative).
    fn year_for(&self, y: Option<i32>, m: i8, d: i8) -> Option<(i16, bool)> {
        match y {
            Some(y) => Some((y as i16, false)),
            None => self.anchor.and_then(|a| resolve_month_day(a, m, d)).map(|x| (x.year(), true)),
        }
    }

    /// An expression of the whole match; `relative` dates give no year of their own.
    fn expr(&self, date: PartialDate, date_end: Option<PartialDate>, relative: bool) -> DateExpr {
        DateExpr { start: self.start, end: self.end, date, date_end, relative, explicit_year: !relative }
    }

    /// An expression whose span starts at group `n` (not at the preposition before it).
    fn expr_from(&self, n: &str, date: PartialDate, relative: bool) -> DateExpr {
        let start = self.c.name(n).map(|x| x.start()).unwrap_or(self.start);
        DateExpr { start, ..self.expr(date, None, relative) }
    }

    /// The previous date expression, for anaphoric ones ("on the same day").
    fn read(&self, prev: Option<&DateExpr>) -> Option<DateExpr> {
        if self.g("span").is_some() {
            let m1 = self.month("sm1");
            self.days(m1, self.g("sm2").and_then(month_number).or(m1), ("sd1", "sd2"), "sy")
        } else if self.g("dash").is_some() {
            let m = self.month("dm");
            self.days(m, m, ("dd1", "dd2"), "dy")
        } else if self.g("md").is_some() {
            self.month_day()
        } else if self.g("dm2").is_some() {
            self.day_month()
        } else if self.g("slash").is_some() {
            self.numeric(("sl_y", "sl_m", "sl_d"))
        } else if self.g("iso").is_some() {
            self.numeric(("iso_y", "iso_m", "iso_d"))
        } else if self.g("my2").is_some() {
            self.month_year()
        } else if let Some(w) = self.g("wd_n") {
            let a = self.anchor?;
            let day = resolve_weekday(a, date::weekday_number(w).unwrap_or(7));
            Some(self.expr(PartialDate::day(day), None, true))
        } else if let Some(w) = self.g("yest") {
            let a = self.anchor?;
            let d = if w == "today" { a } else { a.checked_sub(1.day()).unwrap_or(a) };
            Some(self.expr(PartialDate::day(d), None, true))
        } else if self.g("same").is_some() {
            // anaphoric: the previous date expression
            let prev = prev?;
            Some(DateExpr { relative: prev.relative, ..self.expr(prev.date, prev.date_end, true) })
        } else if self.g("ago").is_some() {
            let a = self.anchor?;
            let n = self.g("ago_n").and_then(parse_number)?;
            Some(self.expr(PartialDate::year(a.year() - n as i16), None, true))
        } else if self.g("juche").is_some() {
            let y = match self.num("juche_y") {
                Some(y) => y,
                None => date::juche_to_gregorian(self.num("juche_n")? as i16).into(),
            };
            Some(self.expr(PartialDate::year(y as i16), None, false))
        } else if let Some(t) = self.g("thisyear") {
            let y = if t.contains("same") {
                prev?.date.year
            } else {
                self.anchor?.year() - t.starts_with("last") as i16
            };
            Some(self.expr(PartialDate::year(y), None, true))
        } else if self.g("year").is_some() {
            self.bare_year()
        } else {
            None
        }
    }

    /// "between April 24 and 26 (in 2019)", "from May 2 to 12", "June 3-5, 2019": the
    /// days of groups `d` in months `m1`, `m2`, of the year in group `y` or the anchor's.
    fn days(&self, m1: Option<i8>, m2: Option<i8>, d: (&str, &str), y: &str) -> Option<DateExpr> {
        let (m1, m2, d1, d2) = (m1?, m2?, self.num(d.0)?, self.num(d.1)?);
        let (y, rel) = self.year_for(self.num(y), m1, d1 as i8)?;
        let (a, b) = (pd_day(y, m1, d1 as i8)?, pd_day(y, m2, d2 as i8)?);
        Some(self.expr(a, Some(b), rel))
    }

    /// "August 4, 2001", "Dec. 7", "June 19 this year".
    fn month_day(&self) -> Option<DateExpr> {
        let m = self.month("mm")?;
        let d = self.num("md_d").filter(|d| (1..=31).contains(d))?;
        if self.num("my").is_none() && self.g("mthis").is_none() && names_after(&self.body[self.end..]) {
            return None; // "the June 15 Joint Declaration", "the February 8 Vinalon Complex"
        }
        // "May 1" is a date, but "May" alone is a modal verb; handled by the regex.
        let this = self.g("mthis").map(|s| s.contains("last"));
        let (y, rel) = match (self.num("my"), this, self.anchor) {
            (Some(y), _, _) => Some((y as i16, false)),
            (None, Some(last), Some(a)) => Some((a.year() - last as i16, true)),
            (None, None, _) => self.year_for(None, m, d as i8),
            _ => None,
        }?;
        Some(self.expr(pd_day(y, m, d as i8)?, None, rel))
    }

    /// "9 September 1948", "4 August".
    fn day_month(&self) -> Option<DateExpr> {
        let m = self.month("dm2_m")?;
        let d = self.num("dm2_d").filter(|d| (1..=31).contains(d))?;
        let (y, rel) = self.year_for(self.num("dm2_y"), m, d as i8)?;
        Some(self.expr(pd_day(y, m, d as i8)?, None, rel))
    }

    /// "15/08/2022", "2022-08-15": the groups of year, month and day.
    fn numeric(&self, (y, m, d): (&str, &str, &str)) -> Option<DateExpr> {
        let (y, m, d) = (self.num(y)?, self.num(m)?, self.num(d)?);
        Some(self.expr(PartialDate::day(calendar_date(y, m, d)?), None, false))
    }

    /// "in April 2019", "in June this year", "since March".
    fn month_year(&self) -> Option<DateExpr> {
        let m = self.month("my2_m")?;
        let (this, last) = (self.g("my2_this").is_some(), self.g("my2_last").is_some());
        // "May" alone is too ambiguous (modal verb) without a year.
        let (y, rel) = if let Some(y) = self.num("my2_y") {
            (y as i16, false)
        } else {
            let a = self.anchor?;
            if self.g("my2_m") == Some("May") && !this && !last {
                return None;
            }
            let y = if last {
                a.year() - 1
            } else if this || m <= a.month() {
                a.year()
            } else {
                a.year() - 1
            };
            (y, true)
        };
        // keep the span on the month words, not the preposition
        Some(self.expr_from("my2_m", PartialDate::month(y, m), rel))
    }

    /// "in 2019", "(2019)", "2019.": a year, unless a range of life years or an occasion.
    fn bare_year(&self) -> Option<DateExpr> {
        if self.g("year_post").is_some() {
            return None; // "1942-2011": a range of life years, not an event date
        }
        let pre = self.g("year_pre");
        if pre.is_some_and(|p| p.ends_with("year")) && pre != Some("year") {
            return None; // "the new year 2025": an occasion, not a date
        }
        let prev_char = self.body[..self.start].chars().next_back();
        if pre.is_none() && !matches!(prev_char, Some('(') | Some(',') | None) {
            // a bare number: only a year when followed by punctuation
            let next = self.body[self.end..].chars().next();
            if !matches!(next, Some('.') | Some(',') | Some(')') | None) {
                return None;
            }
        }
        let y = self.num("year_y")?;
        Some(self.expr_from("year_y", PartialDate::year(y as i16), false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn one(text: &str, anchor: &str) -> (String, Option<String>) {
        let v = find_dates(text, Some(d(anchor)));
        assert!(!v.is_empty(), "no date in {text:?}");
        (v[0].date.to_string(), v[0].date_end.map(|x| x.to_string()))
    }

    #[test]
    fn absolute_forms() {
        assert_eq!(one("Date: 15/08/2022 |", "2025-01-01").0, "2022-08-15");
        assert_eq!(one("on August 4, 2001 when", "2024-08-04").0, "2001-08-04");
        assert_eq!(one("in Vladivostok in April 2019, in", "2024-08-04").0, "2019-04");
        assert_eq!(one("at the 2019 meeting", "2022-08-15").0, "2019");
        assert_eq!(one("on 9 September 1948.", "2022-08-15").0, "1948-09-09");
    }

    #[test]
    fn relative_forms() {
        // 2011-11-08 was a Tuesday
        assert_eq!(one("left here on Tuesday to", "2011-11-08").0, "2011-11-08");
        assert_eq!(one("at the Hall on Wednesday", "2011-11-09").0, "2011-11-09");
        assert_eq!(one("met him Monday.", "2011-11-09").0, "2011-11-07");
        assert_eq!(one("visited the embassy on Dec. 23 and", "2011-12-26").0, "2011-12-23");
        assert_eq!(one("on Sept. 6 and", "2011-09-11").0, "2011-09-06");
        assert_eq!(one("on Dec. 30 last", "2025-01-02").0, "2024-12-30");
        assert_eq!(one("in June this year.", "2024-08-04").0, "2024-06");
        assert_eq!(one("On June 19 this year in", "2024-08-04").0, "2024-06-19");
        assert_eq!(one("this year", "2024-08-04").0, "2024");
        assert_eq!(one("last year", "2024-08-04").0, "2023");
        assert_eq!(one("It was twenty-three years ago from now", "2024-08-04").0, "2001");
        assert_eq!(one("5 years ago", "2024-08-04").0, "2019");
        assert_eq!(one("yesterday", "2024-08-04").0, "2024-08-03");
        assert_eq!(one("Juche 91 (2002)", "2024-08-04").0, "2002");
        assert_eq!(one("in Juche 100", "2024-08-04").0, "2011");
    }

    #[test]
    fn spans_and_lists() {
        assert_eq!(
            one("between April 24 and 26 in 2019 and", "2023-04-26"),
            ("2019-04-24".into(), Some("2019-04-26".into()))
        );
        assert_eq!(
            one("from May 2 to 12 and", "2025-05-14"),
            ("2025-05-02".into(), Some("2025-05-12".into()))
        );
        let v = find_dates("visited Russia again in 2002 and 2011 respectively", None);
        let ys: Vec<String> = v.iter().map(|e| e.date.to_string()).collect();
        assert_eq!(ys, vec!["2002", "2011"]);
        let v = find_dates("left on Tuesday. They came back home on the same day.", Some(d("2011-11-08")));
        assert_eq!(v[1].date.to_string(), "2011-11-08");
        // no anchor: relative dates are left out
        assert!(find_dates("on Tuesday", None).is_empty());
        assert!(find_dates("The bier showed 1942-2011 in gold", None).is_empty());
    }

    #[test]
    fn month_days_inside_names() {
        let a = Some(d("2011-08-25"));
        assert!(find_dates("the June 15 Joint Declaration", a).is_empty());
        assert!(find_dates("the June 15 North-South Joint Declaration", a).is_empty());
        assert!(find_dates("the February 8 Vinalon Complex", a).is_empty());
        assert!(find_dates("under the pretext of the May 24 step", a).is_empty());
        // a real date before a capitalised word stays a date
        assert_eq!(one("on June 15 Kim Jong Il visited", "2011-08-25").0, "2011-06-15");
        assert_eq!(one("on August 29, 2011 Joint", "2011-08-25").0, "2011-08-29");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("twenty-three"), Some(23));
        assert_eq!(parse_number("seventy"), Some(70));
        assert_eq!(parse_number("five"), Some(5));
        assert_eq!(parse_number("twenty-x"), None);
    }
}
