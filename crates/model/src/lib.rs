//! The shared vocabulary of annalist.
//!
//! This crate owns the plain data types that flow between the pipeline stages
//! (ingest → extract → store → understand → index → serve) and nothing else: no I/O,
//! no parsing of pages, no storage. [`Layout`] names the data directory's paths
//! without touching them. Every other crate depends on it; it depends on no
//! other annalist crate.
//!
//! [`date`] also holds the written-date vocabulary both extraction and understanding
//! read dates with: month and weekday names, month numbers, Juche years.

mod article;
pub mod date;
mod layout;
mod tally;
mod understanding;

pub use article::{
    Article, ArticleStatus, DateEvidence, DateSource, InputKind, Provenance, Teaser, UnitMeta,
};
pub use date::{Date, PartialDate, PartialDateError};
pub use layout::Layout;
pub use tally::Tally;
pub use understanding::{EntityKind, Event, EventStatus, EventType, Mention, Understanding};

/// Normalise text for comparison and hashing: Unicode compatibility forms folded
/// (curly quotes and dashes to ASCII), whitespace collapsed, trimmed, lower-cased.
///
/// `s` with control characters (a newline in a file name) written as escapes
/// (`\n`), so that a location in a message always stays on its one line.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// This is the normalisation used for exact-duplicate detection and for matching
/// teasers to articles, so two mirrors that differ only in typography compare equal.
pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut push = |out: &mut String, ch: char, is_space: bool| {
        if is_space {
            pending_space = !out.is_empty();
            return;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if ch.is_ascii() {
            out.push(ch.to_ascii_lowercase());
        } else {
            out.extend(ch.to_lowercase());
        }
    };
    for ch in s.chars() {
        // ASCII first (nearly all of the text): the same answers as the general
        // branch — Unicode White_Space in ASCII is \t \n \x0B \x0C \r and space —
        // without the Unicode tables. (Fingerprints are persisted: the output must
        // not change, which the tests below hold.)
        if ch.is_ascii() {
            let space = matches!(ch, '\t' | '\n' | '\x0B' | '\x0C' | '\r' | ' ');
            let ch = if ch == '`' { '\'' } else { ch };
            push(&mut out, ch, space);
            continue;
        }
        let ch = match ch {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{00A0}' | '\u{2000}'..='\u{200B}' | '\u{202F}' | '\u{3000}' => ' ',
            c => c,
        };
        push(&mut out, ch, ch.is_whitespace());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_typography_and_space() {
        assert_eq!(normalize_text("  Korea\u{2019}s  \u{201C}Big\u{201D}\n\tDay "), "korea's \"big\" day");
        assert_eq!(normalize_text(""), "");
        assert_eq!(normalize_text("A\u{00A0}B"), "a b");
        assert_eq!(normalize_text("a\x0Bb\x0C`c`"), "a b 'c'");
    }

    /// The normalisation before the ASCII fast path, kept as the reference.
    fn reference(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pending_space = false;
        for ch in s.chars() {
            let ch = match ch {
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' | '`' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                '\u{00A0}' | '\u{2000}'..='\u{200B}' | '\u{202F}' | '\u{3000}' => ' ',
                c => c,
            };
            if ch.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.extend(ch.to_lowercase());
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_path_equals_the_reference(s in "(?s).{0,64}") {
            proptest::prop_assert_eq!(normalize_text(&s), reference(&s));
        }

        #[test]
        fn fast_path_equals_the_reference_on_every_ascii_byte(v in proptest::collection::vec(0u8..128, 0..64)) {
            let s = String::from_utf8(v).unwrap();
            proptest::prop_assert_eq!(normalize_text(&s), reference(&s));
        }
    }
}
