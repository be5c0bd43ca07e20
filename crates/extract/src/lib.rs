//! Turning one capture into an article.
//!
//! This crate owns the reading of a single [`Unit`] (from `annalist-ingest`) into an
//! [`Article`]: headline, outlet, publication and capture dates, URL, body paragraphs
//! without site chrome, the teasers a page lists after its article, and the language
//! detected from the text. It knows the layouts of mirror text pages ([`text_page`]
//! rules), dataset records (JSON Lines and CSV with common field names, overridable by a
//! [`FieldMap`]), HTML pages (main-content scoring and metadata) and WARC responses.
//!
//! It does no I/O and never panics on any input: a capture it cannot read gives an
//! [`ExtractError`] whose `Display` is a one-line reason.

mod dates;
mod depth;
mod html;
mod lang;
mod record;
mod text_page;

use std::collections::HashMap;

use annalist_ingest::{InputKind, Unit, decode_text, looks_html};
use annalist_model::Article;
use serde_json::Value;

pub use annalist_model::{DateEvidence, DateSource};
pub use dates::{Numeric, date_line, parse_date, url_date};
pub use html::extract_html;
pub use lang::detect_language;
pub use record::outlet_for_url;
pub use text_page::{extract_text_page, read_text_page};

/// Overrides of which dataset column holds which article field, as given by
/// `--map field=column` (fields: title, published, body, url, language, outlet, captured).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    columns: HashMap<String, String>,
}

impl FieldMap {
    /// The article fields a map may name.
    pub const FIELDS: &[&str] = &["title", "published", "body", "url", "language", "outlet", "captured"];

    /// Parse `field=column` specs. `date` is accepted for `published`, `text` and
    /// `paragraphs` for `body`, `lang` for `language`.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<FieldMap, String> {
        let mut map = FieldMap::default();
        for spec in specs {
            let spec = spec.as_ref();
            let (field, column) =
                spec.split_once('=').ok_or_else(|| format!("--map wants field=column, got {spec:?}"))?;
            map.insert(field, column)?;
        }
        Ok(map)
    }

    /// Set the column for `field`.
    pub fn insert(&mut self, field: &str, column: &str) -> Result<(), String> {
        let field = match field.trim().to_ascii_lowercase().as_str() {
            "date" | "published" => "published",
            "text" | "paragraphs" | "body" => "body",
            "lang" | "language" => "language",
            f if Self::FIELDS.contains(&f) => f,
            f => {
                return Err(format!("unknown field {f:?} in --map (known: {})", Self::FIELDS.join(", ")));
            }
        }
        .to_string();
        let column = column.trim();
        if column.is_empty() {
            return Err(format!("--map {field}= names no column"));
        }
        self.columns.insert(field, column.to_string());
        Ok(())
    }

    /// The column mapped to `field`, if any.
    pub fn column(&self, field: &str) -> Option<&str> {
        self.columns.get(field).map(String::as_str)
    }
}

/// How to extract.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Column overrides for dataset records.
    pub field_map: FieldMap,
}

/// Why a unit gave no article. `Display` is a one-line reason for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The record or page holds neither a headline nor any body text.
    #[error("{0}")]
    NoContent(String),
    /// The unit is not what its kind says (not JSON, not a CSV row …).
    #[error("{0}")]
    Malformed(String),
}

/// Extract the article of one unit.
pub fn extract(unit: &Unit, opts: &ExtractOptions) -> Result<Article, ExtractError> {
    match unit.provenance.kind {
        InputKind::JsonLines => extract_json_line(&unit.raw, &opts.field_map),
        InputKind::Csv => extract_csv_row(&unit.raw, &opts.field_map),
        InputKind::TextPage => {
            let (text, _) = decode_text(&unit.raw, unit.meta.charset.as_deref());
            page_result(extract_text_page(&text))
        }
        InputKind::Html => {
            let (text, _) = decode_text(&unit.raw, unit.meta.charset.as_deref());
            let mut art = extract_html(&text);
            date_from_url(&mut art);
            page_result(art)
        }
        InputKind::Warc => {
            let hint = unit.meta.charset.as_deref().or(unit.meta.content_type.as_deref());
            let (text, _) = decode_text(&unit.raw, hint);
            let is_html = unit
                .meta
                .content_type
                .as_deref()
                .map(|ct| ct.to_ascii_lowercase().contains("html"))
                .unwrap_or(false)
                || looks_html(text.as_bytes());
            let mut art = if is_html { extract_html(&text) } else { extract_text_page(&text) };
            if art.outlet.is_none() {
                // The page's own outlet line first, then what the capturing tool was told.
                art.outlet = unit.meta.outlet.clone();
            }
            if let Some(u) = &unit.meta.url {
                art.url = Some(u.clone());
                if art.outlet.is_none() {
                    art.outlet = outlet_for_url(u).map(str::to_string);
                }
            }
            if let Some(f) = &unit.meta.fetched {
                art.captured = parse_date(f, Numeric::Unambiguous).or(art.captured);
            }
            date_from_url(&mut art);
            from_container(&mut art, &unit.meta);
            page_result(art)
        }
    }
}

/// The date in the article's URL (`…/20160824-34ee.html`, Rodong's base64 keys) when
/// the page itself gave none: evidence ranked below every date the page shows.
fn date_from_url(art: &mut Article) {
    if art.published.is_none()
        && let Some(url) = art.url.as_deref()
        && let Some(d) = url_date(url)
    {
        art.published = Some(d);
        art.published_evidence = Some(DateEvidence::new(DateSource::Url, url));
    }
}

/// What the capturing tool said about the page, below everything the page and its
/// URL say: the feed item's date, then the response's `Last-Modified` (the day the
/// server last changed the page: only a last resort); the feed item's title when the
/// page shows no headline.
fn from_container(art: &mut Article, meta: &annalist_ingest::UnitMeta) {
    if art.published.is_none() {
        let found = [
            (DateSource::FeedItem, meta.feed_published.as_deref()),
            (DateSource::LastModified, meta.last_modified.as_deref()),
        ]
        .into_iter()
        .find_map(|(source, text)| {
            let text = text?;
            Some((parse_date(text, Numeric::Unambiguous)?, source, text))
        });
        if let Some((d, source, text)) = found {
            art.published = Some(d);
            art.published_evidence = Some(DateEvidence::new(source, text));
        }
    }
    if art.title.is_none() {
        art.title = meta.feed_title.clone().filter(|t| !t.trim().is_empty());
    }
}

/// A page article, with its language, or an error when it holds nothing.
fn page_result(mut art: Article) -> Result<Article, ExtractError> {
    if art.title.is_none() && art.paragraphs.is_empty() {
        return Err(ExtractError::NoContent("page has no headline and no body text".into()));
    }
    if art.language.is_none() {
        art.language = if art.paragraphs.is_empty() {
            art.title.as_deref().and_then(detect_language)
        } else {
            detect_language(&record::paragraphs_sample(&art.paragraphs))
        };
    }
    Ok(art)
}

/// Extract one JSON Lines record.
pub fn extract_json_line(raw: &[u8], map: &FieldMap) -> Result<Article, ExtractError> {
    let parsed: Result<Value, _> = match std::str::from_utf8(raw) {
        Ok(s) => serde_json::from_str(s),
        Err(_) => serde_json::from_str(&decode_text(raw, None).0),
    };
    let value = parsed.map_err(|e| ExtractError::Malformed(format!("not JSON: {e}")))?;
    match &value {
        Value::Object(obj) => record::extract_record(&record::Record::from_object(obj), map),
        _ => Err(ExtractError::NoContent(format!(
            "JSON line is not an object: no title or body field (expected one of {})",
            annalist_ingest::fields::title_or_body_names()
        ))),
    }
}

/// Extract one CSV row given as `header line \n row` (as ingest yields it).
pub fn extract_csv_row(raw: &[u8], map: &FieldMap) -> Result<Article, ExtractError> {
    let (text, _) = decode_text(raw, None);
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|d| header_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| ExtractError::Malformed(format!("bad CSV header: {e}")))?.clone();
    let row = rdr
        .records()
        .next()
        .ok_or_else(|| ExtractError::Malformed("CSV unit has no row".into()))?
        .map_err(|e| ExtractError::Malformed(format!("bad CSV row: {e}")))?;
    let mut obj = serde_json::Map::new();
    for (h, v) in headers.iter().zip(row.iter()) {
        let h = h.trim().trim_start_matches('\u{feff}');
        if !obj.contains_key(h) {
            obj.insert(h.to_string(), Value::String(v.to_string()));
        }
    }
    record::extract_record(&record::Record::from_object(&obj), map).map_err(|e| match e {
        ExtractError::NoContent(m) => ExtractError::NoContent(m.replace("JSON object", "CSV row")),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use annalist_ingest::UnitMeta;
    use annalist_model::Provenance;

    use super::*;

    fn warc_page(html: &str, meta: UnitMeta) -> Article {
        let unit = Unit {
            provenance: Provenance {
                path: "x.warc".into(),
                line: None,
                record: Some(1),
                kind: InputKind::Warc,
            },
            raw: html.as_bytes().to_vec(),
            meta: UnitMeta { content_type: Some("text/html".into()), ..meta },
        };
        extract(&unit, &ExtractOptions::default()).unwrap()
    }

    const BODY: &str = "<p>The delegation arrived in the capital on Monday and was met at the station.</p>";

    #[test]
    fn the_page_outranks_its_url_which_outranks_the_feed_and_the_server() {
        let meta = UnitMeta {
            url: Some("http://news.test/item/2016/201608/news24/20160824-34ee.html".into()),
            feed_published: Some("2016-08-25T08:00:00".into()),
            last_modified: Some("Fri, 26 Aug 2016 10:00:00 GMT".into()),
            feed_title: Some("Feed Headline".into()),
            ..UnitMeta::default()
        };
        let page = format!(
            "<html><head><meta name=\"date\" content=\"2016-08-23\"></head><body><h1>Own</h1>{BODY}</body></html>"
        );
        let a = warc_page(&page, meta.clone());
        assert_eq!(a.published.unwrap().to_string(), "2016-08-23");
        assert_eq!(a.published_evidence.unwrap().source, DateSource::MetaTag);
        assert_eq!(a.title.as_deref(), Some("Own"));
        let bare = format!("<html><body>{BODY}</body></html>");
        let a = warc_page(&bare, meta.clone());
        assert_eq!(a.published.unwrap().to_string(), "2016-08-24");
        assert_eq!(a.published_evidence.unwrap().source, DateSource::Url);
        // The feed item's title stands in for a missing headline.
        assert_eq!(a.title.as_deref(), Some("Feed Headline"));
        let a = warc_page(&bare, UnitMeta { url: Some("http://news.test/a.html".into()), ..meta.clone() });
        assert_eq!(a.published.unwrap().to_string(), "2016-08-25");
        assert_eq!(a.published_evidence.unwrap().source, DateSource::FeedItem);
        let a = warc_page(&bare, UnitMeta { url: None, feed_published: None, ..meta });
        assert_eq!(a.published.unwrap().to_string(), "2016-08-26");
        let e = a.published_evidence.unwrap();
        assert_eq!((e.source, e.text.as_str()), (DateSource::LastModified, "Fri, 26 Aug 2016 10:00:00 GMT"));
    }
}
