//! Plain-text captures of article pages: mirrors, the outlets' own sites, friendship
//! blogs and the foreign press.
//!
//! The reading follows the structure such pages share, not any one site's template:
//!
//! * **Header** (optional): a first line that is a date is the page's own date →
//!   `captured` (mirror headers print it twice, `July 05, 2025Jul 05, 2025`; blogs print
//!   the post's day, `Thursday, May 14, 2015`); a `KCNA …` line right below it is the
//!   mirror's section (→ outlet). A calendar line (`calendar>>August 24. 2016 Juche 105`)
//!   is the outlet's own issue date → `published`.
//! * **Body start**: the first paragraph that opens with a dateline (`Pyongyang, August
//!   24 (KCNA) -- `, `SEOUL, Oct. 8 (Yonhap) -- `, `SEOUL (Reuters) - `, `[SEOUL] `),
//!   unless long prose comes before it; else the first line of prose (a sentence of a
//!   dozen words or more). The dateline itself is metadata: its month and day, and its
//!   agency as outlet.
//! * **Headline**: the nearest headline-like line above the body start, passing over
//!   meta lines (`Date: dd/mm/yyyy | Source: …`), bylines (`By …`, `By | June 27, 2014 |
//!   No Comments`), date lines, captions (an image's alt text and caption printed one
//!   after the other, `… in this photo released …`), banners and menu items. Lines above
//!   it are site chrome (site names, taglines, menus).
//! * **Body**: paragraphs separated by blank lines, or by line ends where a line ends a
//!   sentence (captures often keep one paragraph a line); chrome lines are dropped:
//!   banners, bylines, captions, image credits, `(Reporting by …)`, trailers (`-0-`,
//!   `(Juche113.10.8.)`, `www.kcna.kp (Juche113.10.8.)`), credit lines (`(Rodong Sinmun -
//!   December 10, 2019)`, a closing `(Yonhap)`).
//! * **End**: a teaser section (`More From <outlet>`, `Related …`, `More Articles`), a
//!   copyright line, or the blog furniture after an article (`Leave a Reply`, `No
//!   comments`, `Previous Post`, `Full story:`, `Published by`).
//! * **Publication date**, best evidence first: the meta line's `Date:`; the calendar
//!   line; a credit line's date; the Juche trailer; a date line below the headline, a
//!   byline's date or "This article was written on …"; the dateline's month and day in
//!   the year that puts it last on or before the page's own date; the capture tool's
//!   `date YYYY-MM-DD` note; a lone date line closing the article. A dateline whose day
//!   differs from a date of the lower kinds (a blog's own post date) wins over it.
//!   [`read_text_page`] says which evidence gave the date.
//! * **Teasers** after a section line: each a headline (often printed twice), a
//!   truncated lede, a date and the lede again, or only lede, date, lede.

use std::sync::LazyLock;

use annalist_model::{Article, Date, DateEvidence, DateSource, Teaser};
use regex::Regex;

use crate::dates::{
    Numeric, calendar_line, date_line, dateline, juche_trailer, parse_date, resolve_month_day, url_date,
    url_month,
};

/// A line that opens a list of teasers; group 1 names the outlet for `More From …`.
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:more\s+from\s+(.+?)|more\s+(?:articles|stories|news)|related(?:\s+(?:articles|stories|news|posts|content))?|latest(?:\s+(?:articles|stories|news))?|(?:see|read)\s+also|you\s+may\s+also\s+like|recommended(?:\s+(?:articles|stories))?)\s*:?$").unwrap()
});
/// A copyright line (ends the page).
pub(crate) static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?:©|\(c\)|copyright\b|all rights reserved)|.*\ball rights reserved\.?$)").unwrap()
});
/// Blog and comment furniture that follows an article (ends it).
static AFTER_ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:leave a (?:reply|comment)|no comments?:?|\d+ comments?:?|(?:previous|next) (?:post|article)\b.{0,80}|full story:?|published by|posted by\b.{0,60}|share this:?|like this:?|about the author|to write your feedbacks?|comments?:?|post a comment|%d bloggers like this:?|(?:categor(?:y|ies)|tags|filed under)\s*:.{0,300})$").unwrap()
});
/// Banner and button lines that are site chrome wherever they appear.
static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[\w .&'’-]{1,40}\bis hiring[!.]?|read (?:the )?original(?: version)?(?: at source)?\.?|advertisement|sponsored(?: content)?|subscribe(?: now| today)?(?: to .{0,40})?|sign up .{0,60}|log ?in(?: to .{0,40})?|share(?: this(?: article| story)?)?:?|print(?: this)?|e-?mail|tweet|(?:back|go) to top|(?:click|tap) here .{0,60}|clik here to view\.?|image may be nsfw\.?|skip to (?:main )?content|view (?:original|source)|photo:?|\[?(?:image|photo|video)\]?|you are here|accessibility links|breaking news|all news|settings|quantcast|viewing all articles|browse latest.{0,40}|.{0,40}\bshare button|x|close|top \d+ stories|go top.{0,20})$").unwrap()
});
/// `Date: 15/08/2022 | Source: Ministry of Foreign Affairs (EN) | Read original version at source`.
static META_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(date|published|posted|written|source|by|author|updated)\s*:\s*(.*?)\s*$").unwrap()
});
/// Where a second field starts on the same part (`Source:Xinhua Published: 2018/2/28 0:16:45`).
static NEXT_META_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s(?:date|published|posted|written|source|author|updated)\s*:").unwrap()
});
/// `By Pak Yon and Kim Pyong Jin`, `By | June 27, 2014 | No Comments`.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^by(?:\s+|\s*\|)").unwrap());
/// A caption: the picture is named, or an agency credit closes it.
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\((?:\d{1,2}(?:st|nd|rd|th)\s+(?:from\s+)?)?(?:left|right|l|r|c|center|centre)\)|\(photos?:|\b(?:in )?this (?:undated )?(?:file )?(?:photo|picture|image|still image)\b|\bphoto (?:released|shows|taken (?:on|in|at|by|from))\b|\|\s*image:|\b[A-Z]{3,}/[A-Z]{3,}\.?$|^processed with \w+\.?$)").unwrap()
});
/// `Image credit: …`, `Photo: …`.
static IMAGE_CREDIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:image|photo|picture)s?\s*(?:credits?|source)?\s*:").unwrap());
/// `(Reporting by …; Editing by …)`.
static REPORTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\((?:additional )?(?:reporting|writing|editing|compiled|translated)\b.*\)$").unwrap()
});
/// `(Rodong Sinmun - December 10, 2019)`: who published it and when.
static CREDIT_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(\s*([A-Z][^()]{1,60}?)\s+[-–—,]\s+([^()]{6,40})\)$").unwrap());
/// `This article was written on 24 Nov 2009, and is filed under …`.
static WRITTEN_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:this (?:article|entry|post|story) was )?(?:written|posted|published|originally published)(?: on| in [^,]{1,40}? on)\s+(.+)$").unwrap()
});
/// The capture tool's note of the page's date before its text: ` date 2022-02-22 …`.
static CAPTURE_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)(?:\s+|$)").unwrap());
/// The page's URL as the first line of a capture (`https://…`, `URL: https://…`,
/// `Mirrored from https://…`): the page's address, not its headline.
static URL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:url|link|source|original|(?:mirrored|archived|captured|copied) from)\s*:?\s*)?(https?://\S+)\s*$").unwrap()
});
/// A closing agency credit: `… Korean Peninsula. (Yonhap)`, `… on Thursday. REUTERS`.
static CLOSING_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([.!?"”’])(?:\s*\(([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)\)|\s+([A-Z]{2,10}))\s*$"#).unwrap()
});
/// A reporter's sign-off: an e-mail address alone on its line, or `(END)`.
static SIGN_OFF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\(\s*end\s*\)\s*/?)$").unwrap());
/// A line naming an organisation or a publication and nothing else: a credit
/// (`Korean Central News Agency of DPRK via Korea News Service (KNS)`), a site's name
/// (`Korean Friendship Association`), a byline's paper (`The Pyongyang Times`).
static ORG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Z][\w'’.&-]*\s+(?:(?:of|the|for|and|via|de|du)\s+)*){0,10}(?:Association|Agency|Service|Committee|Society|Times|News|Sinmun|Press|Network|Federation|Institute|Cent(?:er|re)|Council|League|Bureau|Broadcasting|Television|Radio)(?:\s*\([A-Z]{2,8}\))?\.?$").unwrap()
});
/// A heading that opens the next item of a page of several (`Peerlessly brilliant commander ::`).
static NEXT_ITEM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\S.{1,150}?)\s*::$").unwrap());
/// A Juche trailer closing the last paragraph: `… of the KPA. -0- (Juche113.1.7.)`.
static INLINE_TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:-0-\s*)?((?:(?:www\.)?[a-z0-9.-]+\.[a-z]{2,}\s*)?\(\s*(?:juche\s*\d{1,3}|(?:19|20)\d{2})\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.?\s*\))\s*$").unwrap()
});
/// `-0-` closing KCNA copy.
static END_MARK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*-0-\s*$").unwrap());

/// What the header says.
#[derive(Default, Debug)]
struct Meta {
    published: Option<Date>,
    outlet: Option<String>,
}

/// Parse a meta line (`Date: … | Source: …`); `None` when the line is not one.
fn meta_line(line: &str) -> Option<Meta> {
    let mut meta = Meta::default();
    let mut any = false;
    let parts = line.split('|').flat_map(|part| {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(NEXT_META_FIELD.find_iter(part).map(|m| m.start()))
            .chain(std::iter::once(part.len()))
            .collect();
        starts.windows(2).map(|w| &part[w[0]..w[1]]).collect::<Vec<_>>()
    });
    for part in parts {
        let part = part.trim();
        if part.is_empty() || BANNER.is_match(part) {
            continue;
        }
        let c = META_FIELD.captures(part)?;
        any = true;
        let value = c[2].trim();
        match c[1].to_ascii_lowercase().as_str() {
            "date" | "published" | "posted" | "written" => {
                meta.published = meta
                    .published
                    .or_else(|| parse_date(value, Numeric::DayFirst))
                    .or_else(|| date_line(value));
            }
            "source" if !value.is_empty() => meta.outlet = Some(value.to_string()),
            _ => {}
        }
    }
    any.then_some(meta)
}

/// A byline, and the date it carries (`By | June 27, 2014 | No Comments`).
fn byline(line: &str) -> Option<Option<Date>> {
    if !BYLINE.is_match(line) || line.split_whitespace().count() > 14 || line.ends_with(['.', '?', '!']) {
        return None;
    }
    Some(line.split('|').find_map(|p| date_line(p.trim())))
}

fn is_chrome(line: &str) -> bool {
    BANNER.is_match(line) || COPYRIGHT.is_match(line) && line.len() < 120
}

fn is_terminator(line: &str) -> bool {
    SECTION.is_match(line) || (COPYRIGHT.is_match(line) && line.len() < 120) || AFTER_ARTICLE.is_match(line)
}

/// Whether `line` can be a headline: short, not a sentence fragment ending in a comma.
fn headline_like(line: &str) -> bool {
    let n = line.chars().count();
    (2..=250).contains(&n) && !line.ends_with([',', ';', ':']) && !is_chrome(line)
}

/// A menu item or bullet of chrome: `• Facebook`, `• -2`.
fn menu_item(line: &str) -> bool {
    let t = line.trim_start_matches(['•', '·', '*', '›', '»']).trim();
    t.len() < line.len() && t.split_whitespace().count() <= 3
}

fn words(line: &str) -> usize {
    line.split_whitespace().count()
}

fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with(['.', '?', '!', ':', ';', '"', '”', '’', ')', '…']) || END_MARK.is_match(t)
}

/// A line of prose: a sentence long enough that it cannot be a headline or chrome.
fn prose(line: &str) -> bool {
    let w = words(line);
    // A question of a dozen words is as likely a headline as a sentence.
    w >= 12 && ((ends_sentence(line) && !line.trim_end().ends_with('?')) || w >= 20)
}

/// Whether most words of a line are capitalised, as headlines in title case are.
fn title_case(line: &str) -> bool {
    let ws: Vec<&str> = line.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).collect();
    let caps =
        ws.iter().filter(|w| w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)).count();
    caps * 3 >= ws.len() * 2
}

/// A standfirst printed as a quotation right below the headline (`"As a young girl, I …"`).
fn quoted_standfirst(line: &str) -> bool {
    let t = line.trim();
    let inner = t.strip_prefix(['"', '“']).and_then(|r| r.strip_suffix(['"', '”']));
    inner.is_some_and(|r| !r.is_empty() && !r.contains(['"', '“', '”']))
}

/// A headline with a menu's breadcrumb printed before it on the same line, set apart
/// by a run of spaces or a tab (`News     Spokesman for … answers …`): the headline.
fn without_breadcrumb(line: &str) -> &str {
    let gap = line.find("   ").or_else(|| line.find('\t'));
    match gap {
        Some(g) if words(&line[..g]) <= 3 => {
            let rest = line[g..].trim();
            if headline_like(rest) && words(rest) >= 3 { rest } else { line }
        }
        _ => line,
    }
}

/// Compare lines ignoring case, spacing and closing punctuation.
fn same_text(a: &str, b: &str) -> bool {
    let k = |s: &str| {
        s.trim()
            .trim_end_matches(['.', '!', '?'])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    k(a) == k(b)
}

/// A publication date found on the page and the line it was read from; the page's
/// date is the best of them (by [`DateSource`] order).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    date: Date,
    source: DateSource,
    line: String,
}

/// Extract an article from a plain-text page.
pub fn extract_text_page(text: &str) -> Article {
    read_text_page(text).0
}

/// Extract an article from a plain-text page, with the evidence for its publication date.
pub fn read_text_page(text: &str) -> (Article, Option<DateEvidence>) {
    // Table chrome: lines of `|` only are blank; a trailing `|` is dropped.
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| {
            let t = l.trim_end();
            let stripped = t.trim_end_matches(|c: char| c == '|' || c.is_whitespace());
            if stripped.trim_start_matches(|c: char| c == '|' || c.is_whitespace()).is_empty() {
                String::new()
            } else if stripped.len() < t.len() {
                stripped.to_string()
            } else {
                t.to_string()
            }
        })
        .collect();
    let n = lines.len();
    let mut evidence: Vec<Found> = Vec::new();
    let note = |ev: &mut Vec<Found>, date: Option<Date>, source: DateSource, line: &str| {
        if let Some(date) = date {
            ev.push(Found { date, source, line: line.trim().to_string() });
        }
    };

    // The page's URL on the first line (a capture tool or a person noted where the text
    // came from): the page's address, and its date the last evidence of all.
    let mut page_url: Option<String> = None;
    if let Some(first) = lines.iter().position(|l| !l.trim().is_empty())
        && let Some(c) = URL_LINE.captures(&lines[first])
    {
        let url = c[1].to_string();
        if let Some(d) = url_date(&url) {
            note(&mut evidence, Some(d), DateSource::Url, &url);
        }
        page_url = Some(url);
        lines[first].clear();
    }
    // The capture tool's date note before the text.
    if let Some(first) = lines.iter().position(|l| !l.trim().is_empty())
        && let Some(c) = CAPTURE_NOTE.captures(&lines[first])
    {
        let d = parse_date(&c[1], Numeric::Unambiguous);
        note(&mut evidence, d, DateSource::CaptureNote, &c[0]);
        let rest = lines[first][c.get(0).map_or(0, |m| m.end())..].to_string();
        // What follows the note on its line is the page's first text; a word or two
        // there is the site's name (`News from Japan`), not a headline.
        lines[first] = if words(&rest) <= 2 { String::new() } else { rest };
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let next_nonblank = |mut i: usize| {
        while i < n && lines[i].trim().is_empty() {
            i += 1;
        }
        i
    };
    let mut art = Article { url: page_url, ..Article::default() };
    let mut section_outlet: Option<String> = None;

    // Where the article ends: the first teaser section, copyright line or blog furniture.
    let end = (0..n).find(|&i| is_terminator(lines[i].trim())).unwrap_or(n);

    // Header: the page's own date, the mirror's section, the outlet's calendar line.
    let mut i = next_nonblank(0);
    if i < end && calendar_line(lines[i]).is_some() {
        note(&mut evidence, calendar_line(lines[i]), DateSource::CalendarLine, lines[i]);
        i += 1;
    } else if i < end
        && let Some(d) = date_line(lines[i])
    {
        art.captured = Some(d);
        i += 1;
        if i < end
            && let Some(rest) = lines[i].trim().strip_prefix("KCNA ")
        {
            // The mirror's section line.
            section_outlet = Some(rest.trim().to_string()).filter(|r| !r.is_empty());
            i += 1;
        }
    }
    let header_end = i;

    // Where the body starts: a dateline, unless long prose comes first; else prose.
    let kind = |l: &str| -> LineKind { classify(l.trim()) };
    let first_prose =
        (header_end..end).find(|&j| kind(lines[j]) == LineKind::Prose && !quoted_standfirst(lines[j]));
    let first_dateline = (header_end..end).find(|&j| {
        let t = lines[j].trim();
        dateline(t)
            .is_some_and(|d| d.len < t.len() && (d.month_day.is_some() || d.agency.is_some() || d.len > 0))
            && kind(t) != LineKind::Meta
    });
    let long_prose_before =
        |d: usize| (header_end..d).any(|j| kind(lines[j]) == LineKind::Prose && words(lines[j]) >= 40);
    let body_start = match (first_dateline, first_prose) {
        (Some(d), _) if !long_prose_before(d) => Some(d),
        (_, Some(p)) => Some(p),
        (d, None) => d,
    }
    .or_else(|| short_page_body_start(&lines, header_end, end, art.captured.is_some()));

    // Header zone lines: meta, bylines, dates; the headline is the nearest candidate.
    let zone_end = body_start.unwrap_or(end);
    let mut meta_outlet = None;
    let mut candidates: Vec<usize> = Vec::new();
    let mut j = header_end;
    while j < zone_end {
        let t = lines[j].trim();
        match kind(t) {
            LineKind::Meta => {
                if let Some(m) = meta_line(t) {
                    note(&mut evidence, m.published, DateSource::MetaLine, t);
                    meta_outlet = meta_outlet.or(m.outlet);
                }
            }
            LineKind::Byline(d) | LineKind::Date(d) => note(&mut evidence, d, DateSource::DateLine, t),
            LineKind::Written(d) => note(&mut evidence, d, DateSource::DateLine, t),
            LineKind::Calendar(d) => note(&mut evidence, d, DateSource::CalendarLine, t),
            LineKind::Headline | LineKind::Prose
                if headline_like(t) && !quoted_standfirst(t) && !caption_pair(&lines, j, zone_end) =>
            {
                candidates.push(j)
            }
            _ => {}
        }
        j += 1;
    }
    let short: Vec<usize> = candidates.iter().copied().filter(|&c| words(lines[c]) <= 20).collect();
    let pool = if short.is_empty() { &candidates } else { &short };
    let no_stop: Vec<usize> = pool.iter().copied().filter(|&c| !lines[c].trim().ends_with('.')).collect();
    let pool = if no_stop.is_empty() { pool } else { &no_stop };
    // A credit, site name or paper's name between the headline and the body names who
    // published it; it is the headline only when nothing else can be.
    let no_org: Vec<usize> = pool.iter().copied().filter(|&c| !ORG_LINE.is_match(lines[c].trim())).collect();
    let pool = if no_org.is_empty() { pool } else { &no_org };
    // A headline with a longer standfirst below it: the standfirst is not the headline.
    let title_line = match pool[..] {
        [.., above, last]
            if words(lines[last]) >= 12
                && words(lines[above]) * 3 <= words(lines[last]) * 2
                && !title_case(lines[last])
                && !lines[last].trim_end().ends_with('?') =>
        {
            Some(above)
        }
        _ => pool.last().copied(),
    };
    art.title = title_line.map(|c| without_breadcrumb(lines[c].trim()).to_string());
    let _ = i;

    // Body.
    let mut dl_month_day = None;
    let mut dl_agency = None;
    let mut closing_credit = None;
    let mut credit_outlet = None;
    // A `Source: …` line inside or after the body credits the wire the text came from;
    // the dateline's agency (who wrote this copy) outranks it.
    let mut body_source = None;
    let mut closing_dates: Vec<(usize, Date)> = Vec::new();
    let mut next_items: Vec<Teaser> = Vec::new();
    let mut next_item_day: Option<(i8, i8)> = None;
    if let Some(bs) = body_start {
        let mut paras: Vec<String> = Vec::new();
        let mut cur: Vec<String> = Vec::new();
        let blank_mode = lines[bs..end].iter().any(|l| l.trim().is_empty());
        let flush = |cur: &mut Vec<String>, paras: &mut Vec<String>| {
            if !cur.is_empty() {
                let p = cur.join("\n");
                let p = END_MARK.replace(&p, "").trim_end().to_string();
                if p.chars().any(char::is_alphanumeric) && paras.last().is_none_or(|l| !same_text(l, &p)) {
                    paras.push(p);
                }
                cur.clear();
            }
        };
        let last_text = lines.iter().rposition(|l| !l.trim().is_empty());
        let mut tail_at_capture_end = false;
        let mut last_push: Option<usize> = None;
        let mut stripped: String;
        for (k, raw) in lines.iter().enumerate().take(end).skip(bs) {
            let mut t = raw.trim();
            if t.is_empty() {
                flush(&mut cur, &mut paras);
                continue;
            }
            // The next item of a page of several: a `… ::` heading, or a lone headline
            // over a dateline once the article has a paragraph.
            let lone = blank_mode && k > 0 && lines[k - 1].trim().is_empty();
            // The month and day of a dateline on the next line of text.
            let next_dated = || {
                let nx = next_nonblank(k + 1);
                (nx < end).then(|| dateline(lines[nx].trim()).and_then(|d| d.month_day)).flatten()
            };
            if !paras.is_empty() && cur.is_empty() {
                if let Some(c) = NEXT_ITEM.captures(t) {
                    next_items.push(Teaser { title: Some(c[1].trim().to_string()), ..Teaser::default() });
                    break;
                }
                if lone
                    && words(t) <= 20
                    && headline_like(t)
                    && !ends_sentence(t)
                    && dateline(t).is_none()
                    && kind(t) == LineKind::Headline
                    && let Some(md) = next_dated()
                {
                    next_items.push(Teaser { title: Some(t.to_string()), ..Teaser::default() });
                    next_item_day = Some(md);
                    break;
                }
            }
            // A Juche trailer at the end of the last paragraph's line.
            if let Some(m) = INLINE_TRAILER.captures(t)
                && let Some(whole) = m.get(0)
                && whole.start() > 0
                && let Some(d) = juche_trailer(&m[1])
            {
                note(&mut evidence, Some(d), DateSource::JucheTrailer, &m[1]);
                stripped = t[..whole.start()].to_string();
                t = stripped.as_str();
            }

            if k == bs
                && let Some(d) = dateline(t)
            {
                dl_month_day = d.month_day;
                dl_agency = d.agency;
                t = t[d.len..].trim_start();
            }
            match kind(t) {
                LineKind::Meta => {
                    if let Some(m) = meta_line(t) {
                        note(&mut evidence, m.published, DateSource::MetaLine, t);
                        body_source = body_source.or(m.outlet);
                    }
                    continue;
                }
                LineKind::Trailer(d) => {
                    note(&mut evidence, d, DateSource::JucheTrailer, t);
                    continue;
                }
                LineKind::Credit(outlet, d) => {
                    note(&mut evidence, d, DateSource::CreditLine, t);
                    credit_outlet = credit_outlet.or(Some(outlet));
                    continue;
                }
                LineKind::Written(d) => {
                    note(&mut evidence, d, DateSource::DateLine, t);
                    continue;
                }
                LineKind::Date(Some(d)) => {
                    closing_dates.push((k, d));
                    continue;
                }
                LineKind::Chrome | LineKind::Byline(_) | LineKind::Calendar(_) | LineKind::Date(None) => {
                    continue;
                }
                LineKind::Headline | LineKind::Prose if caption_pair(&lines, k, end) => continue,
                _ => {}
            }
            cur.push(t.to_string());
            // The capture's last text, right after body text with nothing skipped between.
            if Some(k) == last_text {
                tail_at_capture_end =
                    last_push.is_some_and(|p| lines[p + 1..k].iter().all(|l| l.trim().is_empty()));
            }
            last_push = Some(k);
            let next_is_dateline =
                lines.get(k + 1).is_some_and(|l| dateline(l.trim()).is_some_and(|d| d.month_day.is_some()));
            if !blank_mode || ends_sentence(t) || next_is_dateline {
                flush(&mut cur, &mut paras);
            }
        }
        flush(&mut cur, &mut paras);
        // Short lines after the last sentence are the site's furniture, not body -- unless
        // the capture stops there in mid-sentence (an excerpt, a page cut short): a
        // fragment of prose that ends the whole text is the article's last words.
        let cut_prose = |p: &str| {
            const SMALL: &[&str] =
                &["and", "the", "for", "with", "from", "our", "all", "more", "about", "this"];
            let lower_word = p.split_whitespace().any(|w| {
                w.chars().next().is_some_and(char::is_lowercase)
                    && w.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && !SMALL.contains(&w)
            });
            p.trim_end().ends_with(',') || (words(p) >= 3 && lower_word)
        };
        let keep_tail = end == n && tail_at_capture_end && paras.last().is_some_and(|p| cut_prose(p));
        while !keep_tail
            && paras.len() > 1
            && paras.last().is_some_and(|p| words(p) < 12 && !ends_sentence(p))
        {
            paras.pop();
        }
        // A closing agency credit: `… (Yonhap)`.
        if let Some(last) = paras.last_mut()
            && let Some(c) = CLOSING_CREDIT.captures(last)
        {
            // An agency in capitals is named as it writes itself: `REUTERS` → `Reuters`,
            // an acronym (`AFP`) as it is.
            closing_credit = c.get(2).map(|m| m.as_str().to_string()).or_else(|| {
                let caps = c.get(3)?.as_str();
                Some(if caps.len() <= 4 {
                    caps.to_string()
                } else {
                    caps[..1].to_string() + &caps[1..].to_ascii_lowercase()
                })
            });
            let cut = c.get(1).map_or(last.len(), |m| m.end());
            last.truncate(cut);
        }
        art.paragraphs = paras;
    }
    // A headline printed again as the first body line is not body.
    if art.title.is_some() && art.paragraphs.first().map(|p| p.trim()) == art.title.as_deref() {
        art.paragraphs.remove(0);
    }
    // A date line among the article's last lines closes it.
    if let Some(&(_, d)) = closing_dates.last() {
        note(&mut evidence, Some(d), DateSource::ClosingDate, &d.to_string());
    }

    // Teaser sections; the next items of a page of several come first.
    art.teasers = next_items;
    let mut more_from: Option<String> = None;
    let mut full_story: Option<String> = None;
    let mut k = end;
    while k < n {
        let t = lines[k].trim();
        if COPYRIGHT.is_match(t) && t.len() < 120 {
            break;
        }
        if full_story.is_none() && t.trim_end_matches(':').eq_ignore_ascii_case("full story") {
            let nx = next_nonblank(k + 1);
            full_story = lines.get(nx).map(|l| l.trim().to_string()).filter(|l| (1..=5).contains(&words(l)));
        }
        if let Some(c) = SECTION.captures(t) {
            if more_from.is_none() {
                more_from = c.get(1).map(|m| m.as_str().trim().to_string());
            }
            let start = k + 1;
            let mut stop = start;
            while stop < n && !is_terminator(lines[stop].trim()) {
                stop += 1;
            }
            parse_teasers(&lines[start..stop], &mut art.teasers);
            k = stop;
        } else {
            k += 1;
        }
    }

    art.outlet = meta_outlet
        .or(more_from)
        .or(section_outlet)
        .or(credit_outlet)
        .or(dl_agency)
        .or(body_source)
        .or(closing_credit)
        .or(full_story);

    // The publication date: the best evidence; a dateline's day corrects a lower kind,
    // and the calendar line of a relay (kcna.co.jp posts KCNA's copy up to a few days
    // after the dispatch): the dateline is the original outlet's own day.
    evidence.sort_by_key(|e| e.source as u8);
    let mut best = evidence.into_iter().next();
    if let Some(md) = dl_month_day {
        let relay_lag = |e: &Found| {
            e.source == DateSource::CalendarLine
                && resolve_month_day(md, e.date)
                    .is_some_and(|d| d < e.date && e.date.since(d).is_ok_and(|s| s.get_days() <= 3))
        };
        match &best {
            Some(e) if (e.source as u8) < DateSource::DateLine as u8 && !relay_lag(e) => {}
            Some(e) if (e.date.month(), e.date.day()) == md => {}
            _ => {
                // Failing any date, a blog URL's year and month (`/2019/06/slug.html`):
                // the post went up within that month.
                let url_month_end = art
                    .url
                    .as_deref()
                    .and_then(url_month)
                    .and_then(|(y, m)| Some(Date::new(y, m, 1).ok()?.last_of_month()));
                let reference = best.as_ref().map(|e| e.date).or(art.captured).or(url_month_end);
                if let Some(r) = reference
                    && let Some(d) = resolve_month_day(md, r)
                {
                    best = Some(Found {
                        date: d,
                        source: DateSource::Dateline,
                        line: format!("dateline {:02}-{:02}, page date {r}", md.0, md.1),
                    });
                }
            }
        }
    }
    art.published = best.as_ref().map(|e| e.date);
    // The next item's dateline, dated by this page's date.
    if let (Some(md), Some(p)) = (next_item_day, art.published)
        && let Some(t) = art.teasers.first_mut()
    {
        t.date = resolve_month_day(md, p);
    }
    art.published_evidence = best.map(|e| DateEvidence::new(e.source, e.line));
    let evidence = art.published_evidence.clone();
    (art, evidence)
}

/// Where the body of a page without prose starts (short notes, one-line items): after a
/// headline that stands alone (a blank line or a date follows it) and the meta and date
/// lines below it.
fn short_page_body_start(lines: &[&str], from: usize, end: usize, header_seen: bool) -> Option<usize> {
    let next_nonblank = |mut i: usize| {
        while i < end && lines[i].trim().is_empty() {
            i += 1;
        }
        i
    };
    let mut i = next_nonblank(from);
    if i >= end {
        return None;
    }
    let dated = |l: &str| meta_line(l).is_some() || date_line(l).is_some();
    let mut titled = false;
    if !dated(lines[i]) {
        let cand = lines[i].trim();
        let after = next_nonblank(i + 1);
        let blank_follows = i + 1 < end && lines[i + 1].trim().is_empty();
        let date_follows = after < end && dated(lines[after]);
        let longer_follows = after < end && lines[after].trim().len() > cand.len();
        titled = headline_like(cand)
            && (date_follows
                || (header_seen && blank_follows)
                || (blank_follows && longer_follows && !cand.ends_with(['.', '"', '”'])));
        if titled {
            i += 1;
        }
    }
    loop {
        let j = next_nonblank(i);
        if j >= end {
            return None;
        }
        if meta_line(lines[j]).is_some() || (titled && date_line(lines[j]).is_some()) {
            i = j + 1;
        } else {
            return Some(j);
        }
    }
}

/// What one line of a page is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LineKind {
    Blank,
    Meta,
    Byline(Option<Date>),
    Date(Option<Date>),
    Calendar(Option<Date>),
    Written(Option<Date>),
    Trailer(Option<Date>),
    Credit(String, Option<Date>),
    Chrome,
    Headline,
    Prose,
}

fn classify(t: &str) -> LineKind {
    if t.is_empty() {
        return LineKind::Blank;
    }
    if let Some(d) = calendar_line(t) {
        return LineKind::Calendar(Some(d));
    }
    if meta_line(t).is_some() {
        return LineKind::Meta;
    }
    if let Some(d) = date_line(t) {
        return LineKind::Date(Some(d));
    }
    if let Some(d) = juche_trailer(t) {
        return LineKind::Trailer(Some(d));
    }
    if let Some(d) = byline(t) {
        return LineKind::Byline(d);
    }
    if let Some(c) = CREDIT_LINE.captures(t)
        && let Some(d) = date_line(c[2].trim())
    {
        return LineKind::Credit(c[1].trim().to_string(), Some(d));
    }
    if let Some(c) = WRITTEN_ON.captures(t)
        && t.len() < 200
    {
        let date_part = c[1].split([',', ';']).take(2).collect::<Vec<_>>();
        let d = date_line(date_part[0].trim())
            .or_else(|| date_part.get(1).and_then(|_| date_line(&date_part.join(","))))
            .or_else(|| parse_date(c[1].trim(), Numeric::Unambiguous));
        if d.is_some() {
            return LineKind::Written(d);
        }
    }
    if is_chrome(t)
        || menu_item(t)
        || IMAGE_CREDIT.is_match(t)
        || REPORTING.is_match(t)
        || CAPTION.is_match(t)
        || SIGN_OFF.is_match(t)
        || t == "-0-"
    {
        return LineKind::Chrome;
    }
    if prose(t) { LineKind::Prose } else { LineKind::Headline }
}

/// An image's alt text and its caption printed one after the other: two neighbouring
/// lines with the same words that differ as written (a closing stop, the case).
fn caption_pair(lines: &[&str], j: usize, end: usize) -> bool {
    let t = lines[j].trim();
    let near = |k: usize| {
        let o = lines[k].trim();
        !o.is_empty() && o != t && same_text(o, t)
    };
    let mut prev = j;
    while prev > 0 && lines[prev - 1].trim().is_empty() {
        prev -= 1;
    }
    let mut next = j + 1;
    while next < end && lines[next].trim().is_empty() {
        next += 1;
    }
    (prev > 0 && near(prev - 1)) || (next < end && near(next))
}

/// Parse teaser items: `[headline, headline again,] lede, date, lede again`.
fn parse_teasers(lines: &[&str], out: &mut Vec<Teaser>) {
    let items: Vec<&str> =
        lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty() && !is_chrome(l)).collect();
    let mut pending: Vec<&str> = Vec::new();
    let mut i = 0;
    let push = |mut t: Teaser, out: &mut Vec<Teaser>| {
        // A teaser that opens with a dateline is a lede, not a headline.
        if let Some(title) = t.title.as_deref()
            && let Some(d) = dateline(title)
            && d.len < title.len()
            && t.lede.is_none()
        {
            t.lede = Some(title[d.len..].trim().to_string());
            t.title = None;
        }
        if out.last() != Some(&t) {
            out.push(t);
        }
    };
    while i < items.len() {
        let Some(date) = date_line(items[i]) else {
            pending.push(items[i]);
            i += 1;
            continue;
        };
        let doubled = pending.windows(2).any(|w| w[0] == w[1]);
        let mut pre: Vec<&str> = Vec::new();
        for p in pending.drain(..) {
            if pre.last() != Some(&p) {
                pre.push(p);
            }
        }
        let repeated_after = items.get(i + 1).is_some_and(|next| Some(next) == pre.last());
        i += 1;
        if repeated_after {
            i += 1;
        }
        // Lines before the first real teaser that do not fit are dropped with it.
        let teaser = match pre.len() {
            0 => continue,
            // A lone line is a lede when printed again after the date, or when it is too
            // long for a headline and not printed twice before it.
            1 if !doubled && (repeated_after || pre[0].chars().count() > 110) => {
                Teaser { title: None, lede: Some(pre[0].to_string()), date: Some(date), url: None }
            }
            1 => Teaser { title: Some(pre[0].to_string()), lede: None, date: Some(date), url: None },
            _ => {
                // Extra lines before the headline (leftovers) are not part of this teaser;
                // the headline is the line printed twice, else the first.
                let title_idx = pre.len() - 2;
                Teaser {
                    title: Some(pre[title_idx].to_string()),
                    lede: Some(pre[pre.len() - 1].to_string()),
                    date: Some(date),
                    url: None,
                }
            }
        };
        push(teaser, out);
    }
    // Headlines listed without dates; a line after a headline printed twice is its lede.
    let mut prev: Option<&str> = None;
    let mut doubled = false;
    for p in pending {
        let lede = doubled && prev != Some(p) && words(p) >= 12;
        if prev != Some(p) && !lede && headline_like(p) && p.len() <= 200 {
            push(Teaser { title: Some(p.to_string()), ..Teaser::default() }, out);
        }
        doubled = prev == Some(p);
        prev = Some(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<annalist_model::Date> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn mirror_header_and_meta_line() {
        let page = "May 22, 2025May 22, 2025\nKCNA Ministry of Foreign Affairs (EN)\n\nA Headline\n\nDate: 15/08/2022 | Source: Ministry of Foreign Affairs (EN) | Read original version at source\n\nNK News is hiring\n\nFirst para.\n\nSecond para.  \n\nMore From Ministry of Foreign Affairs (EN)\n\nT1\n\nT1\n\nLede one\n\nMay 21, 2025\n\nLede one\n\nMore Articles";
        let a = extract_text_page(page);
        assert_eq!(a.captured, date("2025-05-22"));
        assert_eq!(a.title.as_deref(), Some("A Headline"));
        assert_eq!(a.published, date("2022-08-15"));
        assert_eq!(a.outlet.as_deref(), Some("Ministry of Foreign Affairs (EN)"));
        assert_eq!(a.paragraphs, vec!["First para.", "Second para."]);
        assert_eq!(a.teasers.len(), 1);
        assert_eq!(a.teasers[0].title.as_deref(), Some("T1"));
        assert_eq!(a.teasers[0].lede.as_deref(), Some("Lede one"));
        assert_eq!(a.teasers[0].date, date("2025-05-21"));
    }

    #[test]
    fn headline_then_date_then_copyright() {
        let a = extract_text_page(
            "Big landmark\n\nApril 26, 2023\n\nPara one.\n\nPara two.\n\n\n2023 © All rights reserved.",
        );
        assert_eq!(a.title.as_deref(), Some("Big landmark"));
        assert_eq!(a.published, date("2023-04-26"));
        assert_eq!(a.captured, None);
        assert_eq!(a.outlet, None);
        assert_eq!(a.paragraphs, vec!["Para one.", "Para two."]);
    }

    #[test]
    fn headerless_lines_with_lede_teasers() {
        let a = extract_text_page(
            "The ambassador hosted a reception on October 11.\nPresent there were officials.\nMore From KCNA\nLede A, cut\nDecember 18, 2024\nLede A, cut\nLede B\nDecember 17, 2024\nLede B\nMore Articles",
        );
        assert_eq!(a.title, None);
        assert_eq!(a.published, None);
        assert_eq!(a.outlet.as_deref(), Some("KCNA"));
        assert_eq!(a.paragraphs.len(), 2);
        assert_eq!(a.teasers.len(), 2);
        assert_eq!(a.teasers[0].title, None);
        assert_eq!(a.teasers[0].lede.as_deref(), Some("Lede A, cut"));
        assert_eq!(a.teasers[1].date, date("2024-12-17"));
    }

    #[test]
    fn single_capture_date_and_banner_dropped() {
        let a = extract_text_page(
            "February 05, 2025\nKCNA Rodong Sinmun\n\nHeadline Here\n\nNK News is hiring\n\nBody text.",
        );
        assert_eq!(a.captured, date("2025-02-05"));
        assert_eq!(a.outlet.as_deref(), Some("Rodong Sinmun"));
        assert_eq!(a.paragraphs, vec!["Body text."]);
    }

    #[test]
    fn chrome_patterns() {
        for l in [
            "NK News is hiring",
            "2023 © All rights reserved.",
            "© 2024 KCNA Watch",
            "Copyright 2011 KCNA",
            "Read original version at source",
            "Advertisement",
        ] {
            assert!(is_chrome(l), "{l}");
        }
        for l in ["More Articles", "More From Rodong Sinmun", "Related Articles"] {
            assert!(is_terminator(l), "{l}");
        }
        assert!(!is_chrome("The DPRK is hiring no one."));
    }

    #[test]
    fn headline_list_without_dates() {
        let a = extract_text_page(
            "Title\n\nBody one.\n\nRelated Articles\n\nOther headline\n\nOther headline\n\nThird headline",
        );
        let titles: Vec<_> = a.teasers.iter().map(|t| t.title.clone().unwrap()).collect();
        assert_eq!(titles, vec!["Other headline", "Third headline"]);
    }
}
