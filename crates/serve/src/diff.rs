//! Word differences between two stored versions of an article, as escaped HTML.
//!
//! The text of a version is its headline and its paragraphs (as `annalist show
//! --versions` diffs them, by line); here the diff is by word, so a changed word in a
//! long paragraph shows as that word. The markup is maud's: every token is escaped,
//! only `<ins>`/`<del>` are added.

use std::time::Duration;

use annalist_store::VersionRecord;
use similar::{Algorithm, ChangeTag, TextDiff};

use maud::{Markup, html};

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
    pub html: Markup,
    /// Words (not whitespace) added and removed.
    pub inserted: usize,
    pub deleted: usize,
}

pub fn word_diff(old: &str, new: &str) -> WordDiff {
    let diff =
        TextDiff::configure().algorithm(Algorithm::Patience).timeout(DIFF_TIMEOUT).diff_words(old, new);
    let (mut runs, mut inserted, mut deleted) = (Vec::new(), 0, 0);
    // Runs of one tag are joined so a changed phrase is one <ins>, not one per word.
    let mut run: Option<(ChangeTag, String)> = None;
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
                runs.extend(run.take());
                run = Some((tag, token.to_string()));
            }
        }
    }
    runs.extend(run);
    let html = html! {
        @for (tag, text) in &runs {
            @match tag {
                ChangeTag::Equal => (text),
                ChangeTag::Delete => del { (text) },
                ChangeTag::Insert => ins { (text) },
            }
        }
    };
    WordDiff { html, inserted, deleted }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_words_and_escapes_them() {
        let d =
            word_diff("Kim met <b>Putin</b> on Monday.", "Kim met <i>Putin</i> on Tuesday in Vladivostok.");
        assert_eq!(d.deleted, 2, "{}", d.html.0);
        assert!(d.html.0.starts_with("Kim met "), "{}", d.html.0);
        assert!(d.html.0.contains("<del>&lt;b&gt;Putin&lt;/b&gt;</del>"), "{}", d.html.0);
        assert!(d.html.0.contains("<ins>&lt;i&gt;Putin&lt;/i&gt;</ins>"), "{}", d.html.0);
        assert!(d.html.0.contains("<ins>Tuesday in Vladivostok.</ins>"), "{}", d.html.0);
        assert!(!d.html.0.contains("<b>") && !d.html.0.contains("<i>"), "{}", d.html.0);
        assert_eq!(d.inserted, 4, "{}", d.html.0);
    }

    #[test]
    fn equal_texts_have_no_changes() {
        let d = word_diff("same words\n\nhere", "same words\n\nhere");
        assert_eq!((d.inserted, d.deleted), (0, 0));
        assert_eq!(d.html.0, "same words\n\nhere");
    }
}
