//! Dataset records (JSON Lines objects and CSV rows) → articles.

use std::collections::HashMap;

use annalist_model::{Article, DateEvidence, DateSource};
use serde_json::Value;

use crate::dates::{Numeric, parse_date};
use crate::{ExtractError, FieldMap, detect_language};

pub(crate) use annalist_ingest::fields::{
    BODY as BODY_NAMES, DATE as DATE_NAMES, LANGUAGE as LANG_NAMES, OUTLET as OUTLET_NAMES,
    TITLE as TITLE_NAMES, URL as URL_NAMES,
};

/// A record's fields by lower-case name (first occurrence wins).
pub(crate) struct Record<'a> {
    fields: HashMap<String, &'a Value>,
}

impl<'a> Record<'a> {
    pub(crate) fn from_object(map: &'a serde_json::Map<String, Value>) -> Self {
        let mut fields = HashMap::with_capacity(map.len());
        for (k, v) in map {
            fields.entry(k.to_lowercase()).or_insert(v);
        }
        Record { fields }
    }

    /// The first present, non-null, non-empty field among the mapped column (if the
    /// field map names one) or `names`.
    fn get(&self, map: &FieldMap, field: &str, names: &[&str]) -> Option<&'a Value> {
        if let Some(col) = map.column(field) {
            return self.fields.get(&col.to_lowercase()).copied().filter(|v| !is_empty(v));
        }
        names.iter().filter_map(|n| self.fields.get(*n).copied()).find(|v| !is_empty(v))
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A scalar as text.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("name").or_else(|| o.get("@value")).and_then(as_text),
        _ => None,
    }
}

/// Whether a paragraph holds any text (not only punctuation, symbols and whitespace).
fn has_text(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Clean one paragraph of scraping debris, conservatively: trim, and drop a leading
/// `, ` left by a scraper that split a list. Text is otherwise kept verbatim.
fn clean_paragraph(p: &str) -> Option<String> {
    let mut s = p.trim();
    if let Some(rest) = s.strip_prefix(',')
        && rest.starts_with(char::is_whitespace)
    {
        s = rest.trim_start();
    }
    has_text(s).then(|| s.to_string())
}

/// Split a body string into paragraphs: on blank lines, or on single newlines when it
/// has no blank lines.
pub(crate) fn split_paragraphs(body: &str) -> Vec<String> {
    let body = body.replace("\r\n", "\n");
    let blank_mode = body
        .split('\n')
        .collect::<Vec<_>>()
        .windows(3)
        .any(|w| !w[0].trim().is_empty() && w[1].trim().is_empty() && !w[2].trim().is_empty());
    let mut out = Vec::new();
    if blank_mode {
        let mut cur: Vec<&str> = Vec::new();
        for l in body.split('\n') {
            if l.trim().is_empty() {
                if !cur.is_empty() {
                    out.extend(clean_paragraph(&cur.join("\n")));
                    cur.clear();
                }
            } else {
                cur.push(l.trim_end());
            }
        }
        if !cur.is_empty() {
            out.extend(clean_paragraph(&cur.join("\n")));
        }
    } else {
        out.extend(body.split('\n').filter_map(clean_paragraph));
    }
    out
}

fn paragraphs_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => split_paragraphs(s),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => clean_paragraph(s),
                Value::Object(o) => {
                    o.get("text").or_else(|| o.get("body")).and_then(Value::as_str).and_then(clean_paragraph)
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The outlet a URL's host implies, for hosts that publish one outlet only.
pub fn outlet_for_url(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split(['/', '?', '#']).next()?;
    let host = host_port.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    let host = host.trim_start_matches("www.");
    let path = &rest[host_port.len()..];
    const TABLE: &[(&str, &str)] = &[
        ("kcna.co.jp", "KCNA"),
        ("kcna.kp", "KCNA"),
        ("rodong.rep.kp", "Rodong Sinmun"),
        ("pyongyangtimes.com.kp", "The Pyongyang Times"),
        ("vok.rep.kp", "Voice of Korea"),
        ("naenara.com.kp", "Naenara"),
        ("uriminzokkiri.com", "Uriminzokkiri"),
    ];
    for (h, o) in TABLE {
        if host == *h || host.ends_with(&format!(".{h}")) {
            return Some(o);
        }
    }
    if host == "mfa.gov.kp" || host.ends_with(".mfa.gov.kp") {
        return Some(if path.starts_with("/en") {
            "Ministry of Foreign Affairs (EN)"
        } else {
            "Ministry of Foreign Affairs"
        });
    }
    None
}

/// Build an article from a record.
pub(crate) fn extract_record(rec: &Record, map: &FieldMap) -> Result<Article, ExtractError> {
    let title = rec.get(map, "title", TITLE_NAMES).and_then(as_text);
    let paragraphs = rec
        .get(map, "body", BODY_NAMES)
        .or_else(|| rec.get(map, "paragraphs", &["paragraphs"]))
        .map(paragraphs_of)
        .unwrap_or_default();
    if title.is_none() && paragraphs.is_empty() {
        return Err(ExtractError::NoContent(format!(
            "JSON object has no title or body field (expected one of {})",
            annalist_ingest::fields::title_or_body_names()
        )));
    }
    let published_text = rec.get(map, "published", DATE_NAMES).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let published = published_text.as_deref().and_then(|s| parse_date(s, Numeric::Unambiguous));
    let published_evidence =
        published.and(published_text).map(|t| DateEvidence::new(DateSource::RecordField, t));
    let captured = rec
        .get(map, "captured", &["captured", "fetched", "crawled", "retrieved"])
        .and_then(as_text)
        .and_then(|s| parse_date(&s, Numeric::Unambiguous));
    let url = rec.get(map, "url", URL_NAMES).and_then(as_text);
    let language_label =
        rec.get(map, "language", LANG_NAMES).and_then(as_text).or_else(|| match rec.fields.get("english") {
            Some(Value::Bool(true)) => Some("en".to_string()),
            _ => None,
        });
    let outlet = rec
        .get(map, "outlet", OUTLET_NAMES)
        .and_then(as_text)
        .or_else(|| url.as_deref().and_then(outlet_for_url).map(str::to_string));
    let language = match paragraphs.first() {
        Some(_) => detect_language(&paragraphs_sample(&paragraphs)),
        None => title.as_deref().and_then(detect_language),
    };
    Ok(Article {
        title,
        outlet,
        published,
        published_evidence,
        captured,
        url,
        language,
        language_label,
        paragraphs,
        teasers: Vec::new(),
    })
}

/// The first ~1 KiB of the body, for language detection without copying it all.
pub(crate) fn paragraphs_sample(paragraphs: &[String]) -> String {
    let mut s = String::new();
    for p in paragraphs {
        if s.len() > 1200 {
            break;
        }
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(p);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_cleaning() {
        assert_eq!(clean_paragraph(" , "), None);
        assert_eq!(clean_paragraph(""), None);
        assert_eq!(clean_paragraph(",  The party").as_deref(), Some("The party"));
        assert_eq!(clean_paragraph("\"We will\"").as_deref(), Some("\"We will\""));
        assert_eq!(clean_paragraph("Kim Jong Un , President").as_deref(), Some("Kim Jong Un , President"));
    }

    #[test]
    fn body_splitting() {
        assert_eq!(split_paragraphs("a\nb\n\nc"), vec!["a\nb", "c"]);
        assert_eq!(split_paragraphs("a\nb\nc"), vec!["a", "b", "c"]);
        assert_eq!(split_paragraphs("one"), vec!["one"]);
    }

    #[test]
    fn hosts() {
        assert_eq!(outlet_for_url("http://www.kcna.co.jp/item/2011/x.html"), Some("KCNA"));
        assert_eq!(outlet_for_url("http://kcna.kp/en/article/1"), Some("KCNA"));
        assert_eq!(outlet_for_url("https://rodong.rep.kp/en/"), Some("Rodong Sinmun"));
        assert_eq!(outlet_for_url("https://example.com/kcna.co.jp"), None);
        assert_eq!(outlet_for_url("garbage"), None);
    }
}
