//! Inferring a missing publication date from the body.

use std::sync::LazyLock;

use annalist_model::date::month_number;
use annalist_model::{Date, EntityKind, Mention};
use jiff::ToSpan;
use regex::Regex;

use crate::dates::{find_dates, resolve_month_day};
use crate::kb::Kb;

static ANNIV: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+(?:(?P<pre>birth|founding)\s+)?anniversary\s+of\s+(?:the\s+)?(?P<what>[^.;]{3,160})"
);

static MONTH_DAY: LazyLock<Regex> = lazy_regex!(
    r"\b(?P<m>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)\s+(?P<d>\d{1,2})\b(?P<y>,?\s+\d{4})?"
);

/// Words before a leader's name in "the Nth birth anniversary of …".
const HONORIFICS: &[&str] = &[
    "Comrade",
    "President",
    "Generalissimo",
    "Chairman",
    "General",
    "Secretary",
    "leader",
    "great",
    "the",
    "Marshal",
];

/// A publication date worked out from the body: the anniversary year (from a known
/// base date) or the latest explicit date, and the latest stated day in that year.
pub(crate) fn infer(kb: &Kb, body: &str, mentions: &[Mention]) -> Option<(Date, String)> {
    // 1. anniversaries with a known base date
    let mut anniv: Option<(Date, String)> = None;
    for c in ANNIV.captures_iter(body) {
        let Ok(n) = c["n"].parse::<i16>() else { continue };
        let what = c.name("what").expect("what");
        let (ws, we) = (what.start(), what.end());
        let base = if what.as_str().to_lowercase().contains("diplomatic") {
            let states: Vec<&str> = mentions
                .iter()
                .filter(|m| m.kind == EntityKind::Country && m.start >= ws && m.end <= we)
                .filter_map(|m| m.country.as_deref())
                .collect();
            let mut found = None;
            for (i, a) in states.iter().enumerate() {
                for b in &states[i + 1..] {
                    if a != b
                        && let Some(d) = kb.relations_date(a, b)
                    {
                        found = Some((d, format!("diplomatic relations {a}–{b} established {d}")));
                    }
                }
            }
            found
        } else if let Some(pre) = c.name("pre") {
            // "the 104th birth anniversary of Comrade Kim Il Sung": the birth of the person
            // named after the honorifics
            let mut rest = what.as_str();
            while let Some((w, r)) = rest.split_once(' ')
                && HONORIFICS.iter().any(|h| h.eq_ignore_ascii_case(w))
            {
                rest = r;
            }
            let pre = pre.as_str().to_lowercase();
            [format!("{pre} of {rest}"), format!("{pre} of president {rest}"), format!("{pre} of the {rest}")]
                .iter()
                .find_map(|p| kb.anniversary_base(p))
                .map(|a| (a.date, format!("{} on {}", a.phrase, a.date)))
        } else {
            kb.anniversary_base(what.as_str()).map(|a| (a.date, format!("{} on {}", a.phrase, a.date)))
        };
        if let Some((d, why)) = base {
            let Some(y) = d.year().checked_add(n) else { continue };
            if let Ok(day) = Date::new(y, d.month(), d.day()) {
                anniv = Some((day, format!("{n}th anniversary of {why} → {y}")));
                break;
            }
        }
    }
    // 2. explicit dates
    let explicit = find_dates(body, None)
        .into_iter()
        .filter(|e| e.explicit_year && e.date.precision() == 2)
        .filter_map(|e| e.date.to_date())
        .max();
    let (anchor, why) = match (anniv, explicit) {
        (Some((d, why)), _) => (d, why),
        (None, Some(d)) => (d, format!("latest explicit date in the body: {d}")),
        _ => return None,
    };
    // the latest stated month-day of that year, up to the anniversary itself
    let limit = anchor.checked_add(7.days()).ok()?;
    let mut best: Option<Date> = None;
    for c in MONTH_DAY.captures_iter(body) {
        if c.name("y").is_some() {
            continue;
        }
        let (Some(m), Ok(d)) = (month_number(&c["m"]), c["d"].parse::<i8>()) else {
            continue;
        };
        if let Some(x) = resolve_month_day(anchor, m, d)
            && x <= limit
            && x.year() == anchor.year()
        {
            best = Some(best.map_or(x, |b| b.max(x)));
        }
    }
    let date = best.unwrap_or(anchor);
    Some((date, format!("no publication date; {why}; latest date the body states in that year: {date}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_birth_anniversary_gives_the_year() {
        let kb = Kb::builtin().unwrap();
        let body = "Kim Jong Un received a message on April 15. It marked the 104th birth anniversary of Comrade Kim Il Sung.";
        let (d, _) = infer(&kb, body, &[]).expect("inferred");
        assert_eq!(d.to_string(), "2016-04-15");
    }
}
