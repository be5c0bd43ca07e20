//! Dates as pages and datasets write them: date lines, datelines, Juche trailers,
//! calendar lines and dates in URLs. Month names, month numbers and Juche years are
//! read with the shared vocabulary of [`annalist_model::date`]; what counts as a date
//! line and which year a dateline's month and day fall in are decided here.

use std::sync::LazyLock;

use annalist_model::Date;
use annalist_model::date::{self, calendar_date, juche_to_gregorian, month_number, named_month_date};
use regex::Regex;

/// Month names and abbreviations in any case (the shared table's pattern for date lines).
const MONTH: &str = date::MONTH_PATTERN_ANY_CASE;
const WEEKDAY: &str = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s*)";

/// One written date: `May 22, 2025`, `22 May 2025`, `2025-05-22`, `2025/05/22`, `15/08/2022`.
fn date_pattern() -> String {
    format!(
        r"(?:{WEEKDAY}?{MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?\.?,?\s*\d{{4}}|{WEEKDAY}?\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}})"
    )
}

static MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)^{WEEKDAY}?({MONTH})\s*(\d{{1,2}})(?:st|nd|rd|th)?\.?,?\s*(\d{{4}})")).unwrap()
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

/// Whether a page's date is in a year pages are dated in (not a misread number).
fn plausible(d: &Date) -> bool {
    (1800..=2200).contains(&d.year())
}

fn make(y: &str, m: i8, d: &str) -> Option<Date> {
    calendar_date(y.parse().ok()?, m.into(), d.parse().ok()?).filter(plausible)
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
        return named_month_date(&c[3], &c[1], &c[2]).filter(plausible);
    }
    if let Some(c) = DMY.captures(s) {
        return named_month_date(&c[3], &c[2], &c[1]).filter(plausible);
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

/// `Juche108(2019)`, `Juche 104 (2015)`: the Juche year with its Gregorian year.
static JUCHE_WITH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bjuche\s*\d{1,3}\s*\((\d{4})\)").unwrap());
/// A time of day after a date: `- 6:29 AM`, ` 7:32`, `, 09:30 KST`.
static TRAILING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[-–|,]?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[a-z]{2,5}\)?)?\s*$")
        .unwrap()
});

/// A second, later stamp after the date: `Written: 2024-01-30 09:47:14Updated: 2024-01-30
/// 09:54:46`, `May 3, 2021 | Last updated May 4, 2021`. The first date is the page's.
static TRAILING_UPDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(.{6,}?\d)\s*[|,;·]?\s*(?:last\s+)?(?:updated|modified|edited)\b.{0,60}$").unwrap()
});

/// A label and a time of day before a date: `Post date : `, `Published on `,
/// `All News 10:05 `, `10:05 `. The label words are at most three, and without a
/// time only the known labels count (else a headline ending in a date would be one).
static LEADING_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[•·▪*]\s*)?(?:(?:by\s*)?(?:post(?:ed)?(?:\s+date)?|published|publication\s+date|released|issued|updated|written|date)(?:\s+on)?\s*[:：]?\s*|(?:[A-Z][\w&'’-]*\)?\s+){0,3}\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?\s+)?,?\s*)").unwrap()
});
/// `Juche112(2023) / 1 / 8 /`: a Juche-year date with its Gregorian year, then month and day.
static JUCHE_SLASHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*juche\s*\d{1,3}\s*\((\d{4})\)\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]?\s*$")
        .unwrap()
});

/// The date when the whole line is a date (or one date printed twice), possibly with a
/// time of day before or after it, a label before it (`Post date : …`), or its year
/// written the Juche way (`June 20, Juche108(2019)`, `Juche112(2023) / 1 / 8 /`).
/// Numeric dates read day first, as the mirrors write them; see [`date_line_as`].
pub fn date_line(line: &str) -> Option<Date> {
    date_line_as(line, Numeric::DayFirst)
}

/// [`date_line`] with numeric dates read as `numeric` says (`Unambiguous` for pages of
/// unknown convention, where `10/08/2024` is no date at all).
pub fn date_line_as(line: &str, numeric: Numeric) -> Option<Date> {
    if line.len() > 80 {
        return None;
    }
    if let Some(c) = JUCHE_SLASHED.captures(line) {
        return make(&c[1], c[2].parse().ok()?, &c[3]);
    }
    let line = JUCHE_WITH_YEAR.replace_all(line, "$1");
    let line = TRAILING_UPDATE.replace(&line, "$1");
    let line = TRAILING_TIME.replace(&line, "");
    let line = LEADING_LABEL.replace(&line, "");
    let c = DATE_LINE.captures(&line)?;
    let first = parse_date(&c[1], numeric)?;
    if let Some(second) = c.get(2) {
        // Two different dates on one line is not a date line.
        if parse_date(second.as_str(), numeric)? != first {
            return None;
        }
    }
    Some(first)
}

/// A dateline opening an article's first paragraph: `Pyongyang, August 24 (KCNA) -- `,
/// `SEOUL, Oct. 8 (Yonhap) -- `, `SEOUL (Reuters) - `, `SEOUL, May 27. /TASS/. `,
/// `[SEOUL] `. Its place and date are metadata, not body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dateline {
    /// Bytes of the line the dateline takes (the body starts after them).
    pub len: usize,
    /// Month and day, when the dateline gives them (the year comes from elsewhere).
    pub month_day: Option<(i8, i8)>,
    /// The agency named in it (`KCNA`, `Yonhap`, `Reuters`, `TASS`).
    pub agency: Option<String>,
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    // Place: one to four capitalised words (any case), then an optional date, then the
    // agency in parentheses or slashes, then a dash or a full stop.
    Regex::new(&format!(
        r"^\s*(?:[A-Z][A-Za-z.'’-]*(?:[ -][A-Z][A-Za-z.'’-]*){{0,3}})(?:,?\s*((?i:{MONTH}))\s*(\d{{1,2}})\.?)?\s*(?:\(([A-Z][A-Za-z-]{{1,20}}(?: [A-Z][A-Za-z-]{{1,20}})?)\)|/([A-Z][A-Za-z-]{{1,20}})/\.?)\s*(?:--|—|–|-|:)?\s*"
    ))
    .unwrap()
});
/// `June 2 (UPI) -- `: a dateline with the date and the agency but no place.
static PLACELESS_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*((?i:{MONTH}))\s*(\d{{1,2}})\s*\(([A-Z][A-Za-z-]{{1,20}}(?: [A-Z][A-Za-z-]{{1,20}})?)\)\s*(?:--|—|–|-)\s*"
    ))
    .unwrap()
});
/// `(Yonhap) -- `: a dateline with only the agency.
static AGENCY_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\(([A-Z][A-Za-z-]{1,20}(?: [A-Z][A-Za-z-]{1,20})?)\)\s*(?:--|—|–|-)\s+").unwrap()
});
static BRACKET_DATELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\[[A-Z][A-Z .'-]{1,30}\]\s+").unwrap());

/// `PYONGYANG. KAZINFORM - `: a place in capitals, a full stop, the agency in capitals.
static CAPS_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[A-Z][A-Z'’-]+(?:[ -][A-Z][A-Z'’-]+){0,3}\.\s+([A-Z]{3,20})\s*(?:--|—|–|-)\s+").unwrap()
});

/// The dateline at the start of `line`, if it opens with one.
pub(crate) fn dateline(line: &str) -> Option<Dateline> {
    if let Some(c) = CAPS_DATELINE.captures(line) {
        return Some(Dateline { len: c.get(0)?.end(), month_day: None, agency: Some(c[1].to_string()) });
    }
    if let Some(m) = BRACKET_DATELINE.find(line) {
        return Some(Dateline { len: m.end(), month_day: None, agency: None });
    }
    if let Some(c) = AGENCY_DATELINE.captures(line) {
        return Some(Dateline { len: c.get(0)?.end(), month_day: None, agency: Some(c[1].to_string()) });
    }
    if let Some(c) = PLACELESS_DATELINE.captures(line) {
        let month_day = Some((month_number(&c[1])?, c[2].parse().ok()?));
        return Some(Dateline { len: c.get(0)?.end(), month_day, agency: Some(c[3].to_string()) });
    }
    let c = DATELINE.captures(line)?;
    let whole = c.get(0)?;
    let agency = c.get(3).or(c.get(4)).map(|m| m.as_str().to_string());
    // A bare "Word (Word)" with neither a date nor a dash is a sentence, not a dateline.
    let has_date = c.get(1).is_some();
    let dashed = line[..whole.end()].trim_end().ends_with(['-', '—', '–', '.', ':']);
    if !has_date && !dashed {
        return None;
    }
    let month_day = match (c.get(1), c.get(2)) {
        (Some(m), Some(d)) => Some((month_number(m.as_str())?, d.as_str().parse().ok()?)),
        _ => None,
    };
    Some(Dateline { len: whole.end(), month_day, agency })
}

/// `(Juche113.10.8.)`, `www.kcna.kp (Juche113.10.8.)`: the Juche-dated trailer of
/// KCNA, VOK and Rodong pages (Juche year = Gregorian year − 1911).
static JUCHE_TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:www\.)?[a-z0-9.-]+\.[a-z]{2,}\s*)?\(\s*(?:juche\s*(\d{1,3})|((?:19|20)\d{2}))\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?\s*\)\s*$").unwrap()
});

/// The date a Juche trailer line gives.
pub(crate) fn juche_trailer(line: &str) -> Option<Date> {
    let c = JUCHE_TRAILER.captures(line)?;
    // The Juche year, or (kcna.kp since 2024: `www.kcna.kp (2025.10.21.)`) the Gregorian one.
    let y = match (c.get(1), c.get(2)) {
        (Some(j), _) => juche_to_gregorian(j.as_str().parse().ok()?),
        (None, Some(g)) => g.as_str().parse().ok()?,
        _ => return None,
    };
    Date::new(y, c[3].parse().ok()?, c[4].parse().ok()?).ok()
}

/// `calendar>>August 24. 2016 Juche 105`: the date line heading kcna.co.jp pages.
static CALENDAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*calendar\s*>>\s*(.*?)(?:\s*juche\s*\d{1,3})?\s*\|?\s*$").unwrap());

/// The date of a calendar line.
pub(crate) fn calendar_line(line: &str) -> Option<Date> {
    let c = CALENDAR.captures(line)?;
    parse_date(&c[1], Numeric::DayFirst)
}

/// The day `month_day` falls on in the year that puts it last on or before `reference`
/// (two days' grace, for time zones), within a year of it.
pub(crate) fn resolve_month_day(month_day: (i8, i8), reference: Date) -> Option<Date> {
    let (m, d) = month_day;
    let limit = reference.checked_add(jiff::Span::new().days(2)).ok()?;
    [reference.year(), reference.year() - 1]
        .into_iter()
        .filter_map(|y| Date::new(y, m, d).ok())
        .find(|c| *c <= limit)
}

/// A date in a URL's path: `/2016/08/24/`, `20160824-34ee.html`, `2016-08-24`, or a
/// base64 key whose text holds one (Rodong Sinmun's `?MTVAMjAyNC0wNi0xMC1IMDA0QA==`
/// reads `15@2024-06-10-H004@`). `None` when the URL holds no whole date.
pub fn url_date(url: &str) -> Option<Date> {
    static SLASHED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$|[^\d])").unwrap());
    static COMPACT_IN_PATH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})(\d{2})(\d{2})(?:[^\d]|$)").unwrap());
    static DASHED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[^\d]|$)").unwrap());
    let (path_only, query) = url_path(url);
    let ymd = |c: regex::Captures| -> Option<Date> {
        Date::new(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?).ok()
    };
    for re in [&*SLASHED, &*DASHED, &*COMPACT_IN_PATH] {
        if let Some(d) = re.captures(path_only).and_then(ymd) {
            return Some(d);
        }
    }
    // A query value that opens with the day and goes on with a serial number
    // (`view.php?ud=20181119000381`): only a run of 8 to 16 digits, so that other ids
    // are not read as dates.
    for value in query.split('&').filter_map(|kv| kv.split_once('=').map(|(_, v)| v)) {
        if (8..=16).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_digit())
            && let Some(d) = make(&value[..4], value[4..6].parse().ok()?, &value[6..8])
        {
            return Some(d);
        }
    }
    for key in query.split(['&', '=']).filter(|k| k.len() >= 16) {
        if let Some(text) = base64_text(key)
            && let Some(d) = DASHED.captures(&text).and_then(ymd)
        {
            return Some(d);
        }
    }
    None
}

/// A URL's path (from the first `/` after the host) and its query string.
fn url_path(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path.split_once('?').unwrap_or((path, ""))
}

/// The year and month of a URL whose path names only those (`/2019/06/slug_17.html`, as
/// blogs file their posts): the month the post went up, when no whole date is there.
pub fn url_month(url: &str) -> Option<(i16, i8)> {
    static YEAR_MONTH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"/((?:19|20)\d{2})/(\d{1,2})/[^/\d][^/]*$").unwrap());
    if url_date(url).is_some() {
        return None;
    }
    let (path, _) = url_path(url);
    let c = YEAR_MONTH.captures(path.split('#').next().unwrap_or(""))?;
    let (y, m): (i16, i8) = (c[1].parse().ok()?, c[2].parse().ok()?);
    ((1..=12).contains(&m)).then_some((y, m))
}

/// Standard or URL-safe base64 decoded, when it decodes to printable ASCII.
fn base64_text(s: &str) -> Option<String> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches(['=', '%']).trim_end_matches("3D");
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s.as_bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out.iter().all(|b| b.is_ascii_graphic() || *b == b' ').then(|| String::from_utf8(out).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines_with_labels_times_and_juche_years() {
        let l = |s: &str| date_line(s).map(|d| d.to_string());
        assert_eq!(l("10:05 October 10, 2023").as_deref(), Some("2023-10-10"));
        assert_eq!(l("Latest Stories 09:41 May 3, 2021").as_deref(), Some("2021-05-03"));
        assert_eq!(l("Post date : 2021-03-04").as_deref(), Some("2021-03-04"));
        assert_eq!(l("Published on 4 March 2021").as_deref(), Some("2021-03-04"));
        assert_eq!(l("Juche110(2021) / 3 / 4 /").as_deref(), Some("2021-03-04"));
        // A headline that ends in a date is not a date line.
        assert_eq!(l("Talks Held in Beijing May 3, 2021"), None);
        assert_eq!(l("Meeting Opens 09:41 May 3, 2021 Session"), None);
    }

    #[test]
    fn a_dateline_without_a_place() {
        let d = dateline("March 9 (AFP) -- The leader of the country said").unwrap();
        assert_eq!((d.month_day, d.agency.as_deref()), (Some((3, 9)), Some("AFP")));
        assert_eq!(
            &"March 9 (AFP) -- The leader of the country said"[d.len..],
            "The leader of the country said"
        );
        assert!(dateline("March 9 (AFP) said the leader").is_none());
    }

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
    fn dates_in_urls() {
        let u = |s: &str| url_date(s).map(|d| d.to_string());
        assert_eq!(
            u("http://www.kcna.co.jp/item/2015/201503/news03/20150303-12ee.html").as_deref(),
            Some("2015-03-03")
        );
        assert_eq!(u("https://news.test/2019/10/10/some-story/").as_deref(), Some("2019-10-10"));
        assert_eq!(u("https://news.test/story-2021-02-03.html").as_deref(), Some("2021-02-03"));
        // "15@2023-04-05-H001@" in base64.
        assert_eq!(
            u("http://rodong.test/en/index.php?MTVAMjAyMy0wNC0wNS1IMDAxQA==").as_deref(),
            Some("2023-04-05")
        );
        assert_eq!(u("https://news.test/2019/10/some-story/"), None);
        assert_eq!(u("https://news.test/a?id=12345678901234567890"), None);
        assert_eq!(u("https://news.test/item/870687"), None);
        // A query value that opens with the day, then a serial number.
        assert_eq!(u("https://paper.test/view.php?sec=1&ud=20170305000122").as_deref(), Some("2017-03-05"));
        assert_eq!(u("https://paper.test/view.php?ud=20171305000122"), None);
        assert_eq!(u("https://paper.test/view.php?page=2017"), None);
    }

    #[test]
    fn year_and_month_in_blog_urls() {
        assert_eq!(url_month("https://blog.test/2018/03/kfa-statement-on-talks_21.html"), Some((2018, 3)));
        assert_eq!(url_month("https://news.test/2018/03/05/story/"), None);
        assert_eq!(url_month("https://news.test/2018/13/story.html"), None);
        assert_eq!(url_month("https://news.test/archive/2018/03/"), None);
    }

    #[test]
    fn datelines_and_trailers() {
        let dl = |s: &str| dateline(s);
        let a = dl("Pyongyang, August 24 (KCNA) -- The meeting opened.").unwrap();
        assert_eq!(a.month_day, Some((8, 24)));
        assert_eq!(a.agency.as_deref(), Some("KCNA"));
        assert_eq!(&"Pyongyang, August 24 (KCNA) -- The meeting opened."[a.len..], "The meeting opened.");
        let b = dl("SEOUL, Oct. 8 (Yonhap) -- A text.").unwrap();
        assert_eq!((b.month_day, b.agency.as_deref()), (Some((10, 8)), Some("Yonhap")));
        let c = dl("SEOUL (Reuters) - A text.").unwrap();
        assert_eq!((c.month_day, c.agency.as_deref()), (None, Some("Reuters")));
        let d = dl("MOSCOW, May 27. /TASS/. A text.").unwrap();
        assert_eq!((d.month_day, d.agency.as_deref()), (Some((5, 27)), Some("TASS")));
        assert_eq!(dl("[HANOI] A text.").map(|x| x.len), Some(8));
        let e = dl("ASTANA. NEWSWIRE - A text.").unwrap();
        assert_eq!((e.month_day, e.agency.as_deref()), (None, Some("NEWSWIRE")));
        // A full stop after the place, the month abbreviated; the agency alone.
        let f = dl("MOSCOW. Mar 4 (Newswire) - A text.").unwrap();
        assert_eq!((f.month_day, f.agency.as_deref()), (Some((3, 4)), Some("Newswire")));
        let g = dl("(Yonhap) -- A text.").unwrap();
        assert_eq!((g.month_day, g.agency.as_deref(), g.len), (None, Some("Yonhap"), 12));
        assert_eq!(dl("(Yonhap) said so."), None);
        assert_eq!(dl("Kim Jong Un (centre) waved."), None);
        assert_eq!(dl("The delegation left."), None);
        assert_eq!(juche_trailer("(Juche113.10.8.)").map(|d| d.to_string()).as_deref(), Some("2024-10-08"));
        assert_eq!(
            juche_trailer("www.kcna.kp (Juche114.1.2.)").map(|d| d.to_string()).as_deref(),
            Some("2025-01-02")
        );
        assert_eq!(juche_trailer("It was Juche 113."), None);
        assert_eq!(
            calendar_line("calendar>>March 3. 2015 Juche 104 |").map(|d| d.to_string()).as_deref(),
            Some("2015-03-03")
        );
        let r = |md, s: &str| resolve_month_day(md, s.parse().unwrap()).map(|d| d.to_string());
        assert_eq!(r((3, 3), "2015-03-05").as_deref(), Some("2015-03-03"));
        assert_eq!(r((12, 30), "2016-01-02").as_deref(), Some("2015-12-30"));
        assert_eq!(r((3, 6), "2015-03-05").as_deref(), Some("2015-03-06"));
    }

    #[test]
    fn date_lines() {
        let l = |s| date_line(s).map(|d| d.to_string());
        // Labelled stamps, a later "Updated" stamp after the first, a bullet, a credit's
        // tail before the time.
        assert_eq!(
            l("Written: 2019-04-02 10:11:12Updated: 2019-04-03 08:00:00").as_deref(),
            Some("2019-04-02")
        );
        assert_eq!(l("ByPublished : Mar. 4, 2015 - 10:20").as_deref(), Some("2015-03-04"));
        assert_eq!(
            l("Published : Mar. 4, 2015 - 10:20 | Updated : Mar. 5, 2015").as_deref(),
            Some("2015-03-04")
        );
        assert_eq!(l("  • Posted 04 Mar 2015 10:20").as_deref(), Some("2015-03-04"));
        assert_eq!(l("Agency) 10:20, March 4, 2015").as_deref(), Some("2015-03-04"));
        assert_eq!(l("Talks Updated May 3, 2021"), None);
        assert_eq!(l("Wed, Mar 04, 2015 - 6:29 AM").as_deref(), Some("2015-03-04"));
        assert_eq!(l("04/03/2015 7:32").as_deref(), Some("2015-03-04"));
        assert_eq!(l("March 4, Juche104(2015)").as_deref(), Some("2015-03-04"));
        assert_eq!(l("Friday, 13 March 2015").as_deref(), Some("2015-03-13"));
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
