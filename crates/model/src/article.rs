use serde::{Deserialize, Serialize};

use crate::Date;

/// What kind of input a capture came from, detected by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A mirror page captured as plain text (like `../shared/seeds/`).
    TextPage,
    /// An HTML page.
    Html,
    /// A response record of a WARC file.
    Warc,
    /// One line of a JSON Lines dataset.
    JsonLines,
    /// One row of a CSV dataset.
    Csv,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::TextPage => "text_page",
            InputKind::Html => "html",
            InputKind::Warc => "warc",
            InputKind::JsonLines => "json_lines",
            InputKind::Csv => "csv",
        }
    }

    pub fn parse(s: &str) -> Option<InputKind> {
        Some(match s {
            "text_page" => InputKind::TextPage,
            "html" => InputKind::Html,
            "warc" => InputKind::Warc,
            "json_lines" => InputKind::JsonLines,
            "csv" => InputKind::Csv,
            _ => return None,
        })
    }

    /// Whether units of this kind are records inside a larger dataset file.
    pub fn is_record(self) -> bool {
        matches!(self, InputKind::JsonLines | InputKind::Csv | InputKind::Warc)
    }
}

/// Where one unit of input came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provenance {
    /// The path as given on the command line (or joined under a given directory).
    pub path: String,
    /// 1-based line number for JSON Lines and CSV records (the CSV header is line 1).
    pub line: Option<u64>,
    /// 1-based record number for WARC records.
    pub record: Option<u64>,
    pub kind: InputKind,
}

impl Provenance {
    /// The document name used by the evaluation export: the file name, or
    /// `<file name>#<line>` (`#<record>` for WARC) for a record inside a dataset.
    pub fn doc_name(&self) -> String {
        let name = self.path.rsplit(['/', '\\']).next().unwrap_or(&self.path).to_string();
        match (self.line, self.record) {
            (Some(l), _) => format!("{name}#{l}"),
            (None, Some(r)) => format!("{name}#{r}"),
            _ => name,
        }
    }

    /// `path[:line]` for messages addressed to people (control characters in the
    /// path escaped, so that it fits on one line).
    pub fn display(&self) -> String {
        let path = crate::escape_controls(&self.path);
        match (self.line, self.record) {
            (Some(l), _) => format!("{path}:{l}"),
            (None, Some(r)) => format!("{path}#{r}"),
            _ => path,
        }
    }
}

/// What the container (WARC headers, HTTP headers, decoding) said about a unit.
///
/// Read by ingestion, kept with each source in the store (as this JSON) so that
/// `reprocess` can extract the unit again exactly as it was first read.
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitMeta {
    /// The URL the capture was fetched from (WARC-Target-URI).
    pub url: Option<String>,
    /// When the capture was fetched (WARC-Date, as given).
    pub fetched: Option<String>,
    /// The character encoding the bytes were found to be in (pages), or a declared charset.
    pub charset: Option<String>,
    /// The HTTP or WARC content type.
    pub content_type: Option<String>,
    /// The outlet the capturing tool attributed the page to (`Annalist-Outlet` WARC
    /// header, written by `annalist watch` from its source configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Set when this unit is not a page but a note that the page at `url` was found
    /// gone at source (a `metadata` record with `Annalist-Role: gone`): the reason,
    /// e.g. `HTTP 404` or `removed from listing …`. The unit's bytes are the note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone: Option<String>,
    /// What the feed item that linked the page said (`Annalist-Feed-Published`,
    /// `Annalist-Feed-Title` WARC headers, written by `annalist watch`): evidence for
    /// the article, ranked below what the page itself says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_title: Option<String>,
    /// The HTTP `Last-Modified` header of the page's response, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// Whether the archive holds an article's text or knows it only from a teaser.
/// Stored and serialised as `full` / `stub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    /// Its text was captured.
    Full,
    /// Known only from another page's teaser, until a capture of it fills it in.
    Stub,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Full => "full",
            ArticleStatus::Stub => "stub",
        }
    }

    pub fn parse(s: &str) -> Option<ArticleStatus> {
        Some(match s {
            "full" => ArticleStatus::Full,
            "stub" => ArticleStatus::Stub,
            _ => return None,
        })
    }
}

impl std::fmt::Display for ArticleStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A teaser a page lists after its article: a link to another article.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Teaser {
    /// The teaser's headline; `None` when the page shows only a lede.
    pub title: Option<String>,
    /// The lede (first words of the other article) when the page shows one.
    pub lede: Option<String>,
    pub date: Option<Date>,
    pub url: Option<String>,
}

/// Where a publication date was read, so that a reader can check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    /// A mirror's meta line (`Date: 27/05/2024 | Source: …`).
    MetaLine,
    /// The outlet's calendar line (`calendar>>August 24. 2016 Juche 105`).
    CalendarLine,
    /// A credit line (`(Rodong Sinmun - December 10, 2019)`).
    CreditLine,
    /// The Juche trailer (`(Juche113.10.8.)`, Juche year + 1911).
    JucheTrailer,
    /// A date line below the headline, a byline's date, or "written on …".
    DateLine,
    /// The dateline's month and day, the year from the page's own date.
    Dateline,
    /// A capture tool's `date YYYY-MM-DD` note.
    CaptureNote,
    /// A lone date line closing the article.
    ClosingDate,
    /// A dataset record's date field.
    RecordField,
    /// The page's JSON-LD `datePublished` (or `dateCreated`).
    JsonLd,
    /// A `<meta>` tag (`article:published_time`, `date`, …).
    MetaTag,
    /// A `<time datetime>` element.
    TimeElement,
    /// The date in the article's URL (`…/20160824-34ee.html`, Rodong's article keys).
    Url,
    /// The `pubDate`/`published` of the feed item that linked the page.
    FeedItem,
    /// The HTTP `Last-Modified` header of the page's response.
    LastModified,
}

impl DateSource {
    /// The name shown to people and stored (`calendar-line`, `feed-item`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::MetaLine => "meta-line",
            DateSource::CalendarLine => "calendar-line",
            DateSource::CreditLine => "credit-line",
            DateSource::JucheTrailer => "juche-trailer",
            DateSource::DateLine => "date-line",
            DateSource::Dateline => "dateline",
            DateSource::CaptureNote => "capture-note",
            DateSource::ClosingDate => "closing-date",
            DateSource::RecordField => "record-field",
            DateSource::JsonLd => "json-ld",
            DateSource::MetaTag => "meta-tag",
            DateSource::TimeElement => "time-element",
            DateSource::Url => "url",
            DateSource::FeedItem => "feed-item",
            DateSource::LastModified => "last-modified",
        }
    }
}

/// The evidence of a publication date: its kind and the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateEvidence {
    pub source: DateSource,
    /// The line, field value, tag, URL or header the date was read from (for a
    /// dateline resolved against the page's own date, both).
    pub text: String,
}

impl DateEvidence {
    pub fn new(source: DateSource, text: impl Into<String>) -> Self {
        // Evidence is a citation, not a copy: long lines are cut at a char boundary.
        let mut text: String = text.into().trim().to_string();
        if text.len() > 300 {
            let mut end = 300;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push('…');
        }
        DateEvidence { source, text }
    }
}

/// One article as extraction reads it from one capture.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Article {
    /// The article's own headline; `None` when the page has none (never invented).
    pub title: Option<String>,
    /// The publisher as the page names it ("KCNA", "Ministry of Foreign Affairs (EN)").
    pub outlet: Option<String>,
    /// The day the original outlet published the article.
    pub published: Option<Date>,
    /// Which evidence gave `published` (the line, field, tag or URL it was read from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_evidence: Option<DateEvidence>,
    /// The date the mirror or archive shows for its own page.
    pub captured: Option<Date>,
    /// The original URL when the capture gives one.
    pub url: Option<String>,
    /// Language detected from the text (ISO 639-1), never copied from a label.
    pub language: Option<String>,
    /// The language the source's metadata claimed, kept for reference.
    pub language_label: Option<String>,
    /// Body paragraphs without site chrome, in order.
    pub paragraphs: Vec<String>,
    /// Teasers listed after the article, in page order, each once.
    pub teasers: Vec<Teaser>,
}

impl Article {
    /// The whole body, paragraphs separated by blank lines.
    pub fn body(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// A title for display: the headline, or else the first words of the body
    /// (marked with an ellipsis). Stored apart from `title`, which stays `None`.
    pub fn display_title(&self) -> String {
        if let Some(t) = &self.title {
            return t.clone();
        }
        let first = self.paragraphs.first().map(String::as_str).unwrap_or("");
        let mut words = first.split_whitespace();
        let mut out = String::new();
        for w in words.by_ref().take(12) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        if out.is_empty() {
            return "(untitled)".to_string();
        }
        if words.next().is_some() {
            out.push('…');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_names() {
        let p = Provenance {
            path: "../shared/corpora/kcna_2011.jsonl.gz".into(),
            line: Some(591),
            record: None,
            kind: InputKind::JsonLines,
        };
        assert_eq!(p.doc_name(), "kcna_2011.jsonl.gz#591");
        assert_eq!(p.display(), "../shared/corpora/kcna_2011.jsonl.gz:591");
        let f =
            Provenance { path: "seeds/000.txt".into(), line: None, record: None, kind: InputKind::TextPage };
        assert_eq!(f.doc_name(), "000.txt");
    }

    #[test]
    fn article_status_names() {
        for st in [ArticleStatus::Full, ArticleStatus::Stub] {
            assert_eq!(ArticleStatus::parse(st.as_str()), Some(st));
            assert_eq!(serde_json::to_string(&st).unwrap(), format!("\"{st}\""));
            assert_eq!(serde_json::from_str::<ArticleStatus>(&format!("\"{st}\"")).unwrap(), st);
        }
        assert_eq!(ArticleStatus::parse("gone"), None);
    }

    #[test]
    fn unit_meta_reads_what_older_builds_stored() {
        // Fields added later are absent from older metadata; unknown ones are ignored.
        let m: UnitMeta = serde_json::from_str(r#"{"charset":"utf-8","url":null,"extra":1}"#).unwrap();
        assert_eq!(m, UnitMeta { charset: Some("utf-8".into()), ..Default::default() });
        assert!(serde_json::from_str::<UnitMeta>(r#"{"url":5}"#).is_err());
    }

    #[test]
    fn display_title_falls_back_to_lede() {
        let a = Article {
            paragraphs: vec![
                "The Russian Ambassador to the DPRK hosted a reception at the Club on October 11.".into(),
            ],
            ..Default::default()
        };
        assert_eq!(a.title, None);
        assert_eq!(a.display_title(), "The Russian Ambassador to the DPRK hosted a reception at the Club…");
    }
}
