//! The tantivy schema, the analysers, and the mapping of an [`IndexDoc`] to a tantivy document.
//!
//! One tantivy document per article. Fields:
//!
//! | field       | indexed as                         | stored | fast | used for |
//! |-------------|------------------------------------|--------|------|----------|
//! | `article`   | i64 term                           | yes    | yes  | upsert/delete by article, hit id |
//! | `text`      | `annalist` analyser, positions     | no     | no   | bare words/phrases (title + body as two values) |
//! | `title`     | `annalist` analyser, positions     | yes    | no   | `title:` filter, display |
//! | `body`      | not indexed                        | yes    | no   | snippets |
//! | `outlet`    | `annalist_raw` (exact, lowercased) | yes    | raw  | `outlet:` filter, facet by outlet |
//! | `lang`      | `annalist_raw`                     | yes    | no   | `lang:` filter |
//! | `entity`    | `annalist_raw`, multi-valued       | no     | no   | `entity:` filter |
//! | `type`      | `annalist_raw`, multi-valued       | no     | no   | `type:` filter |
//! | `source`    | not indexed, multi-valued          | yes    | no   | hit sources |
//! | `published` | i64 `yyyymmdd`                     | yes    | yes  | date ranges, date sort, facet by year |
//!
//! Title and body are indexed together in `text` (as two values, so a phrase never spans
//! the boundary) so that a bare word is a single term query rather than a disjunction
//! over two fields: that keeps block-WAND pruning for top-k by relevance.

use tantivy::schema::{Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{TantivyDocument, Term};

use annalist_model::Date;

use crate::IndexDoc;

/// Bumped whenever the schema or the analysers change: an index written with another
/// version is wiped and rebuilt on open (the index is derived data).
pub const FORMAT_VERSION: u32 = 1;

/// The analyser for free text: split on non-alphanumerics, lowercase, ASCII-fold.
pub const TEXT_ANALYZER: &str = "annalist";
/// The analyser for exact keyword fields: the whole value, lowercased.
pub const RAW_ANALYZER: &str = "annalist_raw";
/// Tokens longer than this (in bytes) are dropped (hostile input: megabyte "words").
pub const MAX_TOKEN_LEN: usize = 80;

/// Handles to every field of the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    pub article: Field,
    pub text: Field,
    pub title: Field,
    pub body: Field,
    pub outlet: Field,
    pub lang: Field,
    pub entity: Field,
    pub event_type: Field,
    pub source: Field,
    pub published: Field,
}

/// Field names as used with fast-field readers.
pub const F_ARTICLE: &str = "article";
pub const F_OUTLET: &str = "outlet";
pub const F_PUBLISHED: &str = "published";

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_indexing = TextFieldIndexing::default()
        .set_tokenizer(TEXT_ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let raw_indexing =
        TextFieldIndexing::default().set_tokenizer(RAW_ANALYZER).set_index_option(IndexRecordOption::Basic);

    let article = b.add_i64_field(F_ARTICLE, INDEXED | STORED | tantivy::schema::FAST);
    let text = b.add_text_field("text", TextOptions::default().set_indexing_options(text_indexing.clone()));
    let title =
        b.add_text_field("title", TextOptions::default().set_indexing_options(text_indexing).set_stored());
    let body = b.add_text_field("body", TextOptions::default().set_stored());
    let outlet = b.add_text_field(
        F_OUTLET,
        TextOptions::default().set_indexing_options(raw_indexing.clone()).set_stored().set_fast("raw"),
    );
    let lang = b.add_text_field(
        "lang",
        TextOptions::default().set_indexing_options(raw_indexing.clone()).set_stored(),
    );
    let entity =
        b.add_text_field("entity", TextOptions::default().set_indexing_options(raw_indexing.clone()));
    let event_type = b.add_text_field("type", TextOptions::default().set_indexing_options(raw_indexing));
    let source = b.add_text_field("source", TextOptions::default().set_stored());
    let published = b.add_i64_field(F_PUBLISHED, INDEXED | STORED | tantivy::schema::FAST);
    let schema = b.build();
    (schema, Fields { article, text, title, body, outlet, lang, entity, event_type, source, published })
}

/// The free-text analyser (also used by the query parser and the snippet generator).
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The exact-keyword analyser: the whole value as one lowercased token.
pub fn raw_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Registers the analysers on an index (needed after every open: they are not persisted).
pub fn register_analyzers(index: &tantivy::Index) {
    index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
    index.tokenizers().register(RAW_ANALYZER, raw_analyzer());
}

/// Runs the free-text analyser over `text`: `(position, token)` pairs.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(tok) = stream.next() {
        out.push((tok.position, tok.text.clone()));
    }
    out
}

/// A date as the `yyyymmdd` integer stored in `published` (monotonic in the date).
pub fn date_key(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// The inverse of [`date_key`].
pub fn key_date(k: i64) -> Option<Date> {
    let y = i16::try_from(k / 10_000).ok()?;
    let m = i8::try_from((k / 100) % 100).ok()?;
    let d = i8::try_from(k % 100).ok()?;
    Date::new(y, m, d).ok()
}

/// The term that identifies an article's document (for delete-then-add).
pub fn article_term(fields: &Fields, article: i64) -> Term {
    Term::from_field_i64(fields.article, article)
}

/// Maps an [`IndexDoc`] to a tantivy document.
pub fn to_document(fields: &Fields, d: &IndexDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_i64(fields.article, d.article);
    doc.add_text(fields.text, &d.title);
    doc.add_text(fields.text, &d.body);
    doc.add_text(fields.title, &d.title);
    doc.add_text(fields.body, &d.body);
    if let Some(o) = &d.outlet {
        doc.add_text(fields.outlet, o);
    }
    if let Some(l) = &d.language {
        doc.add_text(fields.lang, l);
    }
    for e in &d.entities {
        doc.add_text(fields.entity, e);
    }
    for t in &d.event_types {
        doc.add_text(fields.event_type, t);
    }
    for s in &d.sources {
        doc.add_text(fields.source, s);
    }
    if let Some(p) = d.published {
        doc.add_i64(fields.published, date_key(p));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys_round_trip() {
        let d = Date::new(2011, 6, 30).unwrap();
        assert_eq!(date_key(d), 20110630);
        assert_eq!(key_date(20110630), Some(d));
        assert_eq!(key_date(20111301), None);
    }

    #[test]
    fn analyser_lowercases_and_folds() {
        let mut a = text_analyzer();
        let toks: Vec<String> = analyze(&mut a, "Café KIM-Jong Il's 2011").into_iter().map(|t| t.1).collect();
        assert_eq!(toks, ["cafe", "kim", "jong", "il", "s", "2011"]);
    }
}
