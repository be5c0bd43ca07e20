//! The tantivy schema, the analysers, and the mapping of an [`IndexDoc`] to a tantivy document.
//!
//! One tantivy document per article. Fields:
//!
//! | field       | indexed as                         | stored | fast | used for |
//! |-------------|------------------------------------|--------|------|----------|
//! | `article`   | i64 term                           | yes    | yes  | upsert/delete by article, hit id |
//! | `text`      | `annalist` analyser, positions     | no     | no   | bare words/phrases (title + body as two values) |
//! | `grams`     | `annalist_grams`, positions        | no     | no   | exact phrases of `text` |
//! | `title`     | `annalist` analyser, positions     | yes    | no   | `title:` filter, display |
//! | `title_grams` | `annalist_grams`, positions      | no     | no   | exact phrases of `title` |
//! | `body`      | not indexed                        | yes    | no   | snippets |
//! | `outlet`    | `annalist_raw` (exact, lowercased) | yes    | raw  | `outlet:` filter, facet by outlet |
//! | `lang`      | `annalist_raw`                     | yes    | no   | `lang:` filter |
//! | `entity`    | `annalist_raw`, multi-valued       | no     | no   | `entity:` filter |
//! | `type`      | `annalist_raw`, multi-valued       | no     | no   | `type:` filter |
//! | `source`    | not indexed, multi-valued          | yes    | no   | hit sources |
//! | `published` | i64 `yyyymmdd`                     | yes    | yes  | date ranges, date sort, facet by year |
//! | `published_month`, `published_year` | i64 `yyyymm`, `yyyy` | no | no | date ranges ([`crate::date_filter`]) |
//!
//! Title and body are indexed together in `text` (as two values, so a phrase never spans
//! the boundary) so that a bare word is a single term query rather than a disjunction
//! over two fields: that keeps block-WAND pruning for top-k by relevance.
//!
//! Exact phrases are the expensive queries of a positional index: `"kim il sung"` is in
//! a third of KCNA articles, and an exact count means checking positions in every one.
//! So word bigrams and trigrams made only of *common* words ([`crate::common_words`])
//! are indexed as terms too (`grams`, `title_grams`, at the position of their first
//! word): a phrase of two or three common words is a single term (count from the doc
//! frequency, top-k by block-WAND); a longer phrase of common words is a phrase query
//! over the trigrams that cover it (`"central committee of the workers' party"` is
//! `central committee of`, `the workers s` and `workers s party` at offsets 0, 3 and 4),
//! whose posting lists and positions are a fraction of the words'; in a phrase with rarer
//! words, the grams covering its runs of common words are required terms that narrow the
//! documents whose word positions must be checked. A phrase with a rarer word is cheap
//! anyway (the rare word's short posting list drives it).
//! Restricting grams to common words keeps their vocabulary small (~70k distinct grams
//! in the 2011 corpus instead of millions) and their postings cheap to write.

use tantivy::schema::{Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};
use tantivy::{TantivyDocument, Term};

use annalist_model::Date;

use crate::IndexDoc;
use crate::common_words::is_common;

/// Bumped whenever the schema or the analysers change: an index written with another
/// version is wiped and rebuilt on open (the index is derived data).
pub const FORMAT_VERSION: u32 = 5;

/// The analyser for free text: split on non-alphanumerics, lowercase, ASCII-fold.
pub const TEXT_ANALYZER: &str = "annalist";
/// The analyser for exact keyword fields: the whole value, lowercased.
pub const RAW_ANALYZER: &str = "annalist_raw";
/// Word bigrams and trigrams of the free-text analyser's tokens.
pub const SHINGLE_ANALYZER: &str = "annalist_grams";
/// Tokens longer than this (in bytes) are dropped (hostile input: megabyte "words").
pub const MAX_TOKEN_LEN: usize = 80;

/// Handles to every field of the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    pub article: Field,
    pub text: Field,
    pub grams: Field,
    pub title: Field,
    pub title_grams: Field,
    pub body: Field,
    pub outlet: Field,
    pub lang: Field,
    pub entity: Field,
    pub event_type: Field,
    pub source: Field,
    pub published: Field,
    /// `yyyymm` and `yyyy` of `published` (indexed only): coarse terms for date ranges.
    pub published_month: Field,
    pub published_year: Field,
}

/// Field names as used with fast-field readers.
pub const F_ARTICLE: &str = "article";
pub const F_OUTLET: &str = "outlet";
pub const F_PUBLISHED: &str = "published";

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let shingle_indexing = TextFieldIndexing::default()
        .set_tokenizer(SHINGLE_ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_indexing = TextFieldIndexing::default()
        .set_tokenizer(TEXT_ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let raw_indexing =
        TextFieldIndexing::default().set_tokenizer(RAW_ANALYZER).set_index_option(IndexRecordOption::Basic);

    let article = b.add_i64_field(F_ARTICLE, INDEXED | STORED | tantivy::schema::FAST);
    let text = b.add_text_field("text", TextOptions::default().set_indexing_options(text_indexing.clone()));
    let grams =
        b.add_text_field("grams", TextOptions::default().set_indexing_options(shingle_indexing.clone()));
    let title =
        b.add_text_field("title", TextOptions::default().set_indexing_options(text_indexing).set_stored());
    let title_grams =
        b.add_text_field("title_grams", TextOptions::default().set_indexing_options(shingle_indexing));
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
    let published_month = b.add_i64_field("published_month", INDEXED);
    let published_year = b.add_i64_field("published_year", INDEXED);
    let schema = b.build();
    (
        schema,
        Fields {
            article,
            text,
            grams,
            title,
            title_grams,
            body,
            outlet,
            lang,
            entity,
            event_type,
            source,
            published,
            published_month,
            published_year,
        },
    )
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
    index.tokenizers().register(SHINGLE_ANALYZER, ShingleTokenizer::default());
}

/// Emits, at the position of each token of the free-text analyser, the bigram and the
/// trigram starting there when all their words are common (words joined by a space;
/// never across a dropped long token).
#[derive(Clone)]
pub struct ShingleTokenizer {
    inner: TextAnalyzer,
    /// The texts of the common words, one after the other (rare words are never part
    /// of a shingle, so their text is not kept: no allocation per token).
    words: String,
    spans: Vec<Span>,
}

/// One token of the inner analyser.
#[derive(Clone, Copy)]
struct Span {
    /// Byte range in `words` (empty for a rare word).
    start: usize,
    end: usize,
    common: bool,
    position: usize,
    offset_from: usize,
    offset_to: usize,
}

impl Default for ShingleTokenizer {
    fn default() -> Self {
        ShingleTokenizer { inner: text_analyzer(), words: String::new(), spans: Vec::new() }
    }
}

/// The token stream of [`ShingleTokenizer`].
pub struct ShingleStream<'a> {
    words: &'a str,
    spans: &'a [Span],
    i: usize,
    /// 2 or 3: the shingle length to emit next at `i`.
    n: usize,
    token: Token,
}

impl Tokenizer for ShingleTokenizer {
    type TokenStream<'a> = ShingleStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ShingleStream<'a> {
        self.words.clear();
        self.spans.clear();
        let mut stream = self.inner.token_stream(text);
        while let Some(t) = stream.next() {
            let common = is_common(&t.text);
            let start = self.words.len();
            if common {
                self.words.push_str(&t.text);
            }
            self.spans.push(Span {
                start,
                end: self.words.len(),
                common,
                position: t.position,
                offset_from: t.offset_from,
                offset_to: t.offset_to,
            });
        }
        ShingleStream { words: &self.words, spans: &self.spans, i: 0, n: 2, token: Token::default() }
    }
}

/// Joins the texts of consecutive-position tokens into a shingle.
pub fn shingle_text<'t>(words: impl Iterator<Item = &'t str>, out: &mut String) {
    out.clear();
    for (k, w) in words.enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
}

impl TokenStream for ShingleStream<'_> {
    fn advance(&mut self) -> bool {
        while self.i < self.spans.len() {
            let (i, n) = (self.i, self.n);
            if n == 2 {
                self.n = 3;
            } else {
                self.n = 2;
                self.i += 1;
            }
            let Some(window) = self.spans.get(i..i + n) else {
                continue;
            };
            if !window.iter().all(|s| s.common)
                || window.windows(2).any(|w| w[1].position != w[0].position + 1)
            {
                continue;
            }
            let words = self.words;
            shingle_text(window.iter().map(|s| &words[s.start..s.end]), &mut self.token.text);
            self.token.position = window[0].position;
            self.token.offset_from = window[0].offset_from;
            self.token.offset_to = window[n - 1].offset_to;
            self.token.position_length = n;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
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
    doc.add_text(fields.grams, &d.title);
    doc.add_text(fields.grams, &d.body);
    doc.add_text(fields.title, &d.title);
    doc.add_text(fields.title_grams, &d.title);
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
        let k = date_key(p);
        doc.add_i64(fields.published, k);
        doc.add_i64(fields.published_month, k / 100);
        doc.add_i64(fields.published_year, k / 10_000);
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

    #[test]
    fn shingles_are_bigrams_and_trigrams() {
        let mut t = ShingleTokenizer::default();
        let mut s = t.token_stream("Kim Il Sung's xylophone of the");
        let mut got = Vec::new();
        while let Some(tok) = s.next() {
            got.push((tok.position, tok.text.clone()));
        }
        assert_eq!(
            got,
            [
                (0, "kim il".to_string()),
                (0, "kim il sung".to_string()),
                (1, "il sung".to_string()),
                (1, "il sung s".to_string()),
                (2, "sung s".to_string()),
                (5, "of the".to_string()),
            ]
        );
    }
}
