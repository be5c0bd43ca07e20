//! Word differences between two stored versions of an article, as escaped HTML.
//!
//! The text of a version is its headline and its paragraphs (as `annalist show
//! --versions` diffs them, by line); here the diff is by word, so a changed word in a
//! long paragraph shows as that word. Every token is escaped; only `<ins>`/`<del>`
//! are added.

use std::time::Duration;

use annalist_store::VersionRecord;
use similar::{Algorithm, ChangeTag, TextDiff};

use crate::html::esc;

/// A diff that takes longer than this is approximated (coarser, still correct).
const DIFF_TIMEOUT: Duration = Duration::from_millis(250);

/// The compared text of a version: headline, then one paragraph per block.
pub fn version_text(v: &VersionRecord) -> String {
    let mut s = v.title.clone().unwrap_or_else(|| "(no headline)".into());
    for p in &v.paragraphs {
        s.push_str("\n\n");
        s.push_str(p);
    }
    s
}

/// The rendered difference from `old` to `new`.
pub struct WordDiff {
    /// Escaped HTML: unchanged text as is, `<del>` removed words, `<ins>` added ones.
    pub html: String,
    /// Words (not whitespace) added and removed.
    pub inserted: usize,
    pub deleted: usize,
}

pub fn word_diff(old: &str, new: &str) -> WordDiff {
    let diff =
        TextDiff::configure().algorithm(Algorithm::Patience).timeout(DIFF_TIMEOUT).diff_words(old, new);
    let (mut html, mut inserted, mut deleted) = (String::new(), 0, 0);
    // Runs of one tag are joined so a changed phrase is one <ins>, not one per word.
    let mut run: Option<(ChangeTag, String)> = None;
    let flush = |html: &mut String, run: Option<(ChangeTag, String)>| {
        if let Some((tag, text)) = run {
            match tag {
                ChangeTag::Equal => html.push_str(&esc(&text)),
                ChangeTag::Delete => {
                    html.push_str("<del>");
                    html.push_str(&esc(&text));
                    html.push_str("</del>");
                }
                ChangeTag::Insert => {
                    html.push_str("<ins>");
                    html.push_str(&esc(&text));
                    html.push_str("</ins>");
                }
            }
        }
    };
    for change in diff.iter_all_changes() {
        let (tag, token) = (change.tag(), change.value());
        let is_word = !token.trim().is_empty();
        match tag {
            ChangeTag::Insert if is_word => inserted += 1,
            ChangeTag::Delete if is_word => deleted += 1,
            _ => {}
        }
        match &mut run {
            Some((t, text)) if *t == tag => text.push_str(token),
            _ => {
                flush(&mut html, run.take());
                run = Some((tag, token.to_string()));
            }
        }
    }
    flush(&mut html, run);
    WordDiff { html, inserted, deleted }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_words_and_escapes_them() {
        let d =
            word_diff("Kim met <b>Putin</b> on Monday.", "Kim met <i>Putin</i> on Tuesday in Vladivostok.");
        assert_eq!(d.deleted, 2, "{}", d.html);
        assert!(d.html.starts_with("Kim met "), "{}", d.html);
        assert!(d.html.contains("<del>&lt;b&gt;Putin&lt;/b&gt;</del>"), "{}", d.html);
        assert!(d.html.contains("<ins>&lt;i&gt;Putin&lt;/i&gt;</ins>"), "{}", d.html);
        assert!(d.html.contains("<ins>Tuesday in Vladivostok.</ins>"), "{}", d.html);
        assert!(!d.html.contains("<b>") && !d.html.contains("<i>"), "{}", d.html);
        assert_eq!(d.inserted, 4, "{}", d.html);
    }

    #[test]
    fn equal_texts_have_no_changes() {
        let d = word_diff("same words\n\nhere", "same words\n\nhere");
        assert_eq!((d.inserted, d.deleted), (0, 0));
        assert_eq!(d.html, "same words\n\nhere");
    }
}
