//! Date expressions and their resolution against the publication date.
//!
//! [`find_dates`] lists every date expression of a body with its byte span: absolute
//! ("August 4, 2001", "15/08/2022", "in April 2019", "2019"), relative to the
//! publication date ("Tuesday", "Dec. 7", "in June this year", "last year",
//! "twenty-three years ago", "yesterday"), anaphoric ("on the same day") and spans
//! ("between April 24 and 26 in 2019", "from May 2 to 12").

use std::sync::LazyLock;

use annalist_model::{Date, PartialDate};
use jiff::ToSpan;
use regex::Regex;

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

const MONTH: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept\.?|Sep\.|Oct\.?|Nov\.?|Dec\.?)";

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTH;
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

/// Head words that make a month-day before them part of a name ("June 15 Joint
/// Declaration", "May 24 step", "April 25 Sports Club", "August 15 Liberation").
const NAME_HEADS: &[&str] = &[
    "Joint",
    "North-South",
    "South-North",
    "Declaration",
    "Statement",
    "Agreement",
    "step",
    "measure",
    "measures",
    "Vinalon",
    "Sports",
    "House",
    "Popular",
    "Children's",
    "Independence",
    "Kwangju",
    "International",
    "General",
    "Art",
    "Prize",
    "National",
    "Factory",
    "Consumer",
    "All-Korean",
    "Youth",
    "Reunification",
    "Uprising",
    "Science",
    "Movement",
    "Incident",
    "Stadium",
    "Machine",
    "Works",
    "Complex",
    "Club",
    "Hall",
    "Park",
    "Street",
    "Film",
    "Mine",
    "Farm",
    "Cooperative",
    "People's",
    "Revolutionary",
    "Inter-Korean",
    "Architectural",
    "Jiktong",
    "Ryongbuk",
    "Liberation",
    "Publishing",
    "Enterprise",
    "Plant",
];

/// Whether the text right after a month-day makes it part of a name.
fn names_after(rest: &str) -> bool {
    let Some(rest) = rest.strip_prefix(' ') else { return false };
    let w = rest.split([' ', ',', '.', ';', ':', '"', ')']).next().unwrap_or("");
    let w = w.trim_end_matches(['\'', '\u{2019}']);
    NAME_HEADS.contains(&w) || NAME_HEADS.iter().any(|h| h.strip_suffix("'s") == Some(w))
}

/// Month number of a month name or abbreviation.
pub fn month_number(s: &str) -> Option<i8> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    let n = match &s[..s.len().min(3)] {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
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

fn weekday_number(s: &str) -> i8 {
    match &s[..3] {
        "Mon" => 1,
        "Tue" => 2,
        "Wed" => 3,
        "Thu" => 4,
        "Fri" => 5,
        "Sat" => 6,
        _ => 7,
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
        let (start, end) = (whole.start(), whole.end());
        // a date inside a quoted name ("May 24 step") is not a date of the text
        if body[..start].ends_with(['"', '\u{201C}']) {
            continue;
        }
        let g = |n: &str| c.name(n).map(|m| m.as_str());
        let num = |n: &str| g(n).and_then(|s| s.parse::<i32>().ok());
        let mut e = DateExpr {
            start,
            end,
            date: PartialDate::year(0),
            date_end: None,
            relative: false,
            explicit_year: true,
        };
        let year_for = |y: Option<i32>, m: i8, d: i8| -> Option<(i16, bool)> {
            match y {
                Some(y) => Some((y as i16, false)),
                None => anchor.and_then(|a| resolve_month_day(a, m, d)).map(|x| (x.year(), true)),
            }
        };
        if g("span").is_some() {
            let m1 = month_number(g("sm1").unwrap_or(""));
            let m2 = g("sm2").and_then(month_number).or(m1);
            let (Some(m1), Some(m2), Some(d1), Some(d2)) = (m1, m2, num("sd1"), num("sd2")) else {
                continue;
            };
            let Some((y, rel)) = year_for(num("sy"), m1, d1 as i8) else {
                continue;
            };
            let (Some(a), Some(b)) = (pd_day(y, m1, d1 as i8), pd_day(y, m2, d2 as i8)) else {
                continue;
            };
            e.date = a;
            e.date_end = Some(b);
            e.relative = rel;
            e.explicit_year = !rel;
        } else if g("dash").is_some() {
            let Some(m) = month_number(g("dm").unwrap_or("")) else {
                continue;
            };
            let (Some(d1), Some(d2)) = (num("dd1"), num("dd2")) else {
                continue;
            };
            let Some((y, rel)) = year_for(num("dy"), m, d1 as i8) else {
                continue;
            };
            let (Some(a), Some(b)) = (pd_day(y, m, d1 as i8), pd_day(y, m, d2 as i8)) else {
                continue;
            };
            e.date = a;
            e.date_end = Some(b);
            e.relative = rel;
            e.explicit_year = !rel;
        } else if g("md").is_some() {
            let Some(m) = month_number(g("mm").unwrap_or("")) else {
                continue;
            };
            let Some(d) = num("md_d").filter(|d| (1..=31).contains(d)) else {
                continue;
            };
            if num("my").is_none() && g("mthis").is_none() && names_after(&body[end..]) {
                continue; // "the June 15 Joint Declaration", "the February 8 Vinalon Complex"
            }
            // "May 1" is a date, but "May" alone is a modal verb; handled by the regex.
            let this = g("mthis").map(|s| s.contains("last"));
            let year = match (num("my"), this, anchor) {
                (Some(y), _, _) => Some((y as i16, false)),
                (None, Some(last), Some(a)) => Some((a.year() - last as i16, true)),
                (None, None, _) => year_for(None, m, d as i8),
                _ => None,
            };
            let Some((y, rel)) = year else { continue };
            let Some(p) = pd_day(y, m, d as i8) else {
                continue;
            };
            e.date = p;
            e.relative = rel;
            e.explicit_year = !rel;
        } else if g("dm2").is_some() {
            let Some(m) = month_number(g("dm2_m").unwrap_or("")) else {
                continue;
            };
            let Some(d) = num("dm2_d").filter(|d| (1..=31).contains(d)) else {
                continue;
            };
            let Some((y, rel)) = year_for(num("dm2_y"), m, d as i8) else {
                continue;
            };
            let Some(p) = pd_day(y, m, d as i8) else {
                continue;
            };
            e.date = p;
            e.relative = rel;
            e.explicit_year = !rel;
        } else if g("slash").is_some() {
            let (Some(d), Some(m), Some(y)) = (num("sl_d"), num("sl_m"), num("sl_y")) else {
                continue;
            };
            let Some(p) = pd_day(y as i16, m as i8, d as i8) else {
                continue;
            };
            e.date = p;
        } else if g("iso").is_some() {
            let (Some(d), Some(m), Some(y)) = (num("iso_d"), num("iso_m"), num("iso_y")) else {
                continue;
            };
            let Some(p) = pd_day(y as i16, m as i8, d as i8) else {
                continue;
            };
            e.date = p;
        } else if g("my2").is_some() {
            let Some(m) = month_number(g("my2_m").unwrap_or("")) else {
                continue;
            };
            // "May" alone is too ambiguous (modal verb) without a year.
            let y = if let Some(y) = num("my2_y") {
                y as i16
            } else {
                let Some(a) = anchor else { continue };
                if g("my2_m") == Some("May") && g("my2_this").is_none() && g("my2_last").is_none() {
                    continue;
                }
                e.relative = true;
                e.explicit_year = false;
                if g("my2_last").is_some() {
                    a.year() - 1
                } else if g("my2_this").is_some() || m <= a.month() {
                    a.year()
                } else {
                    a.year() - 1
                }
            };
            // keep the span on the month words, not the preposition
            e.start = c.name("my2_m").map(|x| x.start()).unwrap_or(start);
            e.date = PartialDate::month(y, m);
        } else if let Some(w) = g("wd_n") {
            let Some(a) = anchor else { continue };
            e.date = PartialDate::day(resolve_weekday(a, weekday_number(w)));
            e.relative = true;
            e.explicit_year = false;
        } else if let Some(w) = g("yest") {
            let Some(a) = anchor else { continue };
            let d = if w == "today" { a } else { a.checked_sub(1.day()).unwrap_or(a) };
            e.date = PartialDate::day(d);
            e.relative = true;
            e.explicit_year = false;
        } else if g("same").is_some() {
            // anaphoric: the previous date expression
            let Some(prev) = out.last() else { continue };
            e.date = prev.date;
            e.date_end = prev.date_end;
            e.relative = prev.relative;
            e.explicit_year = false;
        } else if g("ago").is_some() {
            let Some(a) = anchor else { continue };
            let Some(n) = g("ago_n").and_then(parse_number) else {
                continue;
            };
            e.date = PartialDate::year(a.year() - n as i16);
            e.relative = true;
            e.explicit_year = false;
        } else if g("juche").is_some() {
            let y = match num("juche_y") {
                Some(y) => y,
                None => match num("juche_n") {
                    Some(n) => 1911 + n,
                    None => continue,
                },
            };
            e.date = PartialDate::year(y as i16);
        } else if let Some(t) = g("thisyear") {
            if t.contains("same") {
                let Some(prev) = out.last() else { continue };
                e.date = PartialDate::year(prev.date.year);
            } else {
                let Some(a) = anchor else { continue };
                e.date = PartialDate::year(a.year() - t.starts_with("last") as i16);
            }
            e.relative = true;
            e.explicit_year = false;
        } else if g("year").is_some() {
            if g("year_post").is_some() {
                continue; // "1942-2011": a range of life years, not an event date
            }
            let pre = g("year_pre");
            if pre.is_some_and(|p| p.ends_with("year")) && pre != Some("year") {
                continue; // "the new year 2025": an occasion, not a date
            }
            let prev_char = body[..start].chars().next_back();
            if pre.is_none() && !matches!(prev_char, Some('(') | Some(',') | None) {
                // a bare number: only a year when followed by punctuation
                let next = body[end..].chars().next();
                if !matches!(next, Some('.') | Some(',') | Some(')') | None) {
                    continue;
                }
            }
            let Some(y) = num("year_y") else { continue };
            e.start = c.name("year_y").map(|x| x.start()).unwrap_or(start);
            e.date = PartialDate::year(y as i16);
        } else {
            continue;
        }
        out.push(e);
    }
    out
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
