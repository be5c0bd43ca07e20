//! Plain-text captures of mirror pages.
//!
//! The layout language these pages are written in (see `shared/seeds/`):
//!
//! * **Mirror header** (optional): the first line is the mirror's own page date, printed
//!   once or twice, possibly in two formats (`July 05, 2025Jul 05, 2025`) → `captured`;
//!   the line right below it (no blank between) is the mirror's section
//!   (`KCNA Ministry of Foreign Affairs (EN)`), which is chrome.
//! * **Headline**: the next line, when it stands alone (a blank line or a date/meta line
//!   follows it) and is short enough to be one.
//! * **Meta line**: `Date: dd/mm/yyyy | Source: Outlet | Read original version at source`
//!   → `published` and `outlet`; or a bare date line just below the headline → `published`.
//! * **Body**: paragraphs separated by blank lines, or one per line when the body has
//!   no blank lines; banner lines (`NK News is hiring`) and copyright lines are chrome.
//! * **Teaser sections**: `More From <outlet>` (→ outlet when no `Source:` says it),
//!   `Related …`, `More Articles`: after them come teasers, each a headline (often
//!   printed twice), a truncated lede, a date and the lede again, or only lede, date,
//!   lede. A copyright line ends the page.

use std::sync::LazyLock;

use annalist_model::{Article, Teaser};
use regex::Regex;

use crate::dates::{Numeric, date_line, parse_date};

/// A line that opens a list of teasers; group 1 names the outlet for `More From …`.
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:more\s+from\s+(.+?)|more\s+(?:articles|stories|news)|related(?:\s+(?:articles|stories|news|posts|content))?|latest(?:\s+(?:articles|stories|news))?|(?:see|read)\s+also|you\s+may\s+also\s+like|recommended(?:\s+(?:articles|stories))?)\s*:?$").unwrap()
});
/// A copyright line (ends the page).
pub(crate) static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?:©|\(c\)|copyright\b|all rights reserved)|.*\ball rights reserved\.?$)").unwrap()
});
/// Banner and button lines that are site chrome wherever they appear.
static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[\w .&'’-]{1,40}\bis hiring[!.]?|read (?:the )?original(?: version)?(?: at source)?\.?|advertisement|sponsored(?: content)?|subscribe(?: now| today)?(?: to .{0,40})?|sign up .{0,60}|log ?in(?: to .{0,40})?|share(?: this(?: article| story)?)?:?|print(?: this)?|e-?mail|tweet|(?:back|go) to top|(?:click|tap) here .{0,60}|skip to (?:main )?content|view (?:original|source)|photo:?|\[?(?:image|photo|video)\]?)$").unwrap()
});
/// `Date: 15/08/2022 | Source: Ministry of Foreign Affairs (EN) | Read original version at source`.
static META_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(date|published|posted|source|by|author|updated)\s*:\s*(.*?)\s*$").unwrap()
});

/// What the header says.
#[derive(Default, Debug)]
struct Meta {
    published: Option<annalist_model::Date>,
    outlet: Option<String>,
}

/// Parse a meta line (`Date: … | Source: …`); `None` when the line is not one.
fn meta_line(line: &str) -> Option<Meta> {
    let mut meta = Meta::default();
    let mut any = false;
    for part in line.split('|') {
        let part = part.trim();
        if part.is_empty() || BANNER.is_match(part) {
            continue;
        }
        let c = META_FIELD.captures(part)?;
        any = true;
        let value = c[2].trim();
        match c[1].to_ascii_lowercase().as_str() {
            "date" | "published" | "posted" => {
                meta.published = meta.published.or_else(|| parse_date(value, Numeric::DayFirst));
            }
            "source" if !value.is_empty() => meta.outlet = Some(value.to_string()),
            _ => {}
        }
    }
    any.then_some(meta)
}

fn is_chrome(line: &str) -> bool {
    BANNER.is_match(line) || COPYRIGHT.is_match(line) && line.len() < 120
}

fn is_terminator(line: &str) -> bool {
    SECTION.is_match(line) || (COPYRIGHT.is_match(line) && line.len() < 120)
}

/// Whether `line` can be a headline: short, not a sentence fragment ending in a comma.
fn headline_like(line: &str) -> bool {
    let n = line.chars().count();
    (2..=250).contains(&n) && !line.ends_with([',', ';', ':']) && !is_chrome(line)
}

/// Extract an article from a plain-text page.
pub fn extract_text_page(text: &str) -> Article {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let n = lines.len();
    let next_nonblank = |mut i: usize| {
        while i < n && lines[i].trim().is_empty() {
            i += 1;
        }
        i
    };
    let mut art = Article::default();
    let mut section_outlet: Option<String> = None;

    // Where the article ends: the first teaser section or copyright line.
    let end = (0..n).find(|&i| is_terminator(lines[i].trim())).unwrap_or(n);

    // Mirror header.
    let mut i = next_nonblank(0);
    if i < end
        && let Some(d) = date_line(lines[i])
    {
        art.captured = Some(d);
        i += 1;
        if i < end
            && !lines[i].trim().is_empty()
            && date_line(lines[i]).is_none()
            && meta_line(lines[i]).is_none()
        {
            // The mirror's section line.
            let s = lines[i].trim();
            section_outlet =
                s.strip_prefix("KCNA ").map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
            i += 1;
        }
    }
    let header_seen = art.captured.is_some();

    // Headline.
    i = next_nonblank(i);
    if i < end && meta_line(lines[i]).is_none() && date_line(lines[i]).is_none() {
        let cand = lines[i].trim();
        let after = next_nonblank(i + 1);
        let blank_follows = i + 1 < n && lines[i + 1].trim().is_empty();
        let date_follows =
            after < end && (meta_line(lines[after]).is_some() || date_line(lines[after]).is_some());
        let longer_follows = after < end && lines[after].trim().len() > cand.len();
        let is_title = headline_like(cand)
            && (date_follows
                || (header_seen && blank_follows)
                || (blank_follows && longer_follows && !cand.ends_with(['.', '"', '”'])));
        if is_title {
            art.title = Some(cand.to_string());
            i += 1;
        }
    }

    // Meta lines and the publication date.
    let mut meta_outlet = None;
    loop {
        let j = next_nonblank(i);
        if j >= end {
            i = j;
            break;
        }
        if let Some(m) = meta_line(lines[j]) {
            art.published = art.published.or(m.published);
            meta_outlet = meta_outlet.or(m.outlet);
            i = j + 1;
        } else if art.title.is_some()
            && art.published.is_none()
            && let Some(d) = date_line(lines[j])
        {
            art.published = Some(d);
            i = j + 1;
        } else {
            break;
        }
    }

    // Body.
    let body = &lines[i.min(end)..end];
    let first = body.iter().position(|l| !l.trim().is_empty());
    let last = body.iter().rposition(|l| !l.trim().is_empty());
    if let (Some(a), Some(b)) = (first, last) {
        let body = &body[a..=b];
        let blank_mode = body.iter().any(|l| l.trim().is_empty());
        let mut para: Vec<&str> = Vec::new();
        let flush = |para: &mut Vec<&str>, out: &mut Vec<String>| {
            if !para.is_empty() {
                out.push(para.join("\n"));
                para.clear();
            }
        };
        for l in body {
            let t = l.trim();
            if t.is_empty() {
                flush(&mut para, &mut art.paragraphs);
                continue;
            }
            if is_chrome(t) || meta_line(t).is_some() {
                continue;
            }
            para.push(l);
            if !blank_mode {
                flush(&mut para, &mut art.paragraphs);
            }
        }
        flush(&mut para, &mut art.paragraphs);
    }
    // A headline printed again as the first body line is not body.
    if art.title.is_some() && art.paragraphs.first().map(|p| p.trim()) == art.title.as_deref() {
        art.paragraphs.remove(0);
    }

    // Teaser sections.
    let mut more_from: Option<String> = None;
    let mut k = end;
    while k < n {
        let t = lines[k].trim();
        if COPYRIGHT.is_match(t) && t.len() < 120 {
            break;
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

    art.outlet = meta_outlet.or(more_from).or(section_outlet);
    art
}

/// Parse teaser items: `[headline, headline again,] lede, date, lede again`.
fn parse_teasers(lines: &[&str], out: &mut Vec<Teaser>) {
    let items: Vec<&str> =
        lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty() && !is_chrome(l)).collect();
    let mut pending: Vec<&str> = Vec::new();
    let mut i = 0;
    let push = |t: Teaser, out: &mut Vec<Teaser>| {
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
    // Headlines listed without dates.
    let mut prev: Option<&str> = None;
    for p in pending {
        if prev != Some(p) && headline_like(p) && p.len() <= 200 {
            push(Teaser { title: Some(p.to_string()), ..Teaser::default() }, out);
        }
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
