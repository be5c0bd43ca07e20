//! Snippets: the best fragment of the body (else of the title) with the matched terms in
//! `<mark>…</mark>`, everything else HTML-escaped (article text is hostile).

use std::collections::{BTreeMap, BTreeSet};

use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{Searcher, Term};

use crate::schema::{Fields, text_analyzer};

/// Longest fragment, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// Escapes `& < > " '` for HTML text and attribute contexts.
pub fn escape_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// One hit's snippet, three ways: HTML with `<mark>` (escaped), the plain text, and
/// the matched spans of the plain text as `[start, end)` offsets counted in
/// characters (Unicode scalar values), for clients that highlight themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnippetParts {
    pub html: String,
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

/// Makes snippets for the hits of one query.
pub struct Snippets {
    generator: Option<SnippetGenerator>,
}

impl Snippets {
    /// `terms`: analysed tokens to highlight (rarer terms weigh more in fragment choice).
    pub fn new(searcher: &Searcher, fields: &Fields, terms: &BTreeSet<String>) -> Self {
        if terms.is_empty() {
            return Snippets { generator: None };
        }
        let mut weighted = BTreeMap::new();
        for t in terms {
            let df = searcher.doc_freq(&Term::from_field_text(fields.text, t)).unwrap_or(0);
            weighted.insert(t.clone(), 1.0 / (1.0 + df as f32));
        }
        let generator = SnippetGenerator::new(weighted, text_analyzer(), fields.body, SNIPPET_CHARS);
        Snippets { generator: Some(generator) }
    }

    /// The snippet for one hit: a highlighted body fragment, else a highlighted title,
    /// else the start of the body.
    /// With the plain text and the highlighted spans beside it.
    pub fn parts(&self, title: &str, body: &str) -> SnippetParts {
        if let Some(g) = &self.generator {
            let s = g.snippet(body);
            if !s.is_empty() {
                return parts_of(&s);
            }
            let s = g.snippet(title);
            if !s.is_empty() {
                return parts_of(&s);
            }
        }
        let mut out = String::new();
        let cut = body.char_indices().nth(SNIPPET_CHARS).map_or(body.len(), |(i, _)| i);
        // End on a word boundary when the body is longer than a snippet.
        let head = &body[..cut];
        let head = if cut < body.len() {
            head.rfind(char::is_whitespace).map_or(head, |i| &head[..i])
        } else {
            head
        };
        escape_html(head.trim(), &mut out);
        SnippetParts { html: out, text: head.trim().to_string(), highlights: Vec::new() }
    }
}

fn parts_of(s: &Snippet) -> SnippetParts {
    parts_from(s.fragment(), s.highlighted())
}

/// A fragment and its matched byte ranges as [`SnippetParts`].
fn parts_from(frag: &str, highlighted: &[std::ops::Range<usize>]) -> SnippetParts {
    let mut ranges: Vec<std::ops::Range<usize>> = highlighted.to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(frag.len() + 32);
    let mut highlights = Vec::new();
    let chars = |to: usize| frag[..to].chars().count();
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > frag.len()
            || !frag.is_char_boundary(r.start)
            || !frag.is_char_boundary(r.end)
        {
            continue;
        }
        escape_html(&frag[at..r.start], &mut out);
        out.push_str("<mark>");
        escape_html(&frag[r.start..r.end], &mut out);
        out.push_str("</mark>");
        highlights.push([chars(r.start), chars(r.end)]);
        at = r.end;
    }
    escape_html(&frag[at..], &mut out);
    SnippetParts { html: out, text: frag.to_string(), highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_count_characters_of_the_plain_text() {
        let frag = "Café «Kim» met — Kim again";
        let at = frag.find("Kim").unwrap();
        let kim = at..at + 3;
        let p = parts_from(frag, std::slice::from_ref(&kim));
        assert_eq!(p.text, frag);
        assert_eq!(p.highlights, vec![[6, 9]]);
        let [a, b] = p.highlights[0];
        assert_eq!(p.text.chars().skip(a).take(b - a).collect::<String>(), "Kim");
        assert_eq!(p.html, "Café «<mark>Kim</mark>» met — Kim again");
    }

    #[test]
    fn escapes_everything() {
        let mut s = String::new();
        escape_html(r#"<script>alert("x&y")</script>'"#, &mut s);
        assert_eq!(s, "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;");
    }
}
