//! Small text helpers: slugs, ASCII folding, sentence boundaries, word boundaries.

use unicode_normalization::UnicodeNormalization;

/// The id convention of the annotation guide: lower case, ASCII-folded, apostrophes
/// dropped, every other run of non-alphanumerics turned into one `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`') {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The largest char boundary of `s` at or below `i`.
pub fn floor_char(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether byte `i` of `s` is at a word boundary on its left side.
pub fn boundary_before(s: &str, i: usize) -> bool {
    s[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

/// Whether byte `i` of `s` is at a word boundary on its right side.
pub fn boundary_after(s: &str, i: usize) -> bool {
    s[i..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREV: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "col", "gen", "lt",
    "maj", "mt", "dr", "mr", "mrs", "ms", "st", "no", "jr", "prof", "rev", "vs", "capt", "adm", "sgt", "gov",
    "sen", "rep", "messrs", "c.c", "u.s", "u.n", "u.k", "d.p.r.k",
];

/// Sentence spans `(start, end)` (byte offsets) of a body. Paragraph breaks always end a
/// sentence; a `.`/`!`/`?` ends one when followed by space and an upper-case letter or a
/// quote, unless it closes an abbreviation or an initial.
pub fn sentences(body: &str) -> Vec<(usize, usize)> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let push = |out: &mut Vec<(usize, usize)>, s: usize, e: usize| {
        let t = &body[s..e];
        let lead = t.len() - t.trim_start().len();
        let trail = t.len() - t.trim_end().len();
        if e - trail > s + lead {
            out.push((s + lead, e - trail));
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            push(&mut out, start, i);
            start = i + 1;
        } else if matches!(c, b'.' | b'!' | b'?') {
            // look past closing quotes/brackets and spaces
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b'"' | b')' | b'\'') {
                j += 1;
            }
            if j < b.len() && b[j] == b',' {
                // KCNA's ".," glitch: treat as a boundary too
                j += 1;
            }
            let ws = j;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j > ws && j < b.len() && (b[j].is_ascii_uppercase() || b[j] == b'"') && c == b'.' {
                // abbreviation check: the word before the full stop
                let w_start =
                    body[..i].rfind(|ch: char| ch.is_whitespace() || ch == '(').map(|p| p + 1).unwrap_or(0);
                let word = body[w_start..i].to_ascii_lowercase();
                let initial = word.len() == 1 && word.chars().all(|ch| ch.is_ascii_alphabetic());
                if !initial && !ABBREV.contains(&word.as_str()) {
                    push(&mut out, start, ws);
                    start = j;
                }
            } else if j > ws && j < b.len() && c != b'.' {
                push(&mut out, start, ws);
                start = j;
            }
        }
        i += 1;
    }
    push(&mut out, start, b.len());
    out
}

/// Whether `before` ends with "led by" or "headed by" and at most eight words (a
/// title: "headed by Commander of the district"), just before a name.
pub(crate) fn led_by(before: &str) -> bool {
    if !before.ends_with(char::is_whitespace) {
        return false;
    }
    let mut words = before.split_whitespace().rev();
    for _ in 0..=8 {
        let Some(w) = words.next() else { return false };
        if !w.chars().all(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '.' | '-')) {
            return false;
        }
        if w == "by" {
            return words.next().is_some_and(|v| v == "led" || v == "headed");
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Workers’ Party of Korea"), "workers-party-of-korea");
        assert_eq!(slug("S. R. Nathan"), "s-r-nathan");
        assert_eq!(slug("Girma Wolde-Giorgis"), "girma-wolde-giorgis");
        assert_eq!(slug("Brasília"), "brasilia");
        assert_eq!(
            slug("National Social Federation \"For the Union and Union's Communist Party\""),
            "national-social-federation-for-the-union-and-unions-communist-party"
        );
    }

    #[test]
    fn sentence_split_respects_abbreviations() {
        let b = "Col. Gen. Ri Thae Chol left on Dec. 7. He arrived. S. R. Nathan met U.S. officials.\n\nNew para.";
        let s: Vec<&str> = sentences(b).iter().map(|&(a, e)| &b[a..e]).collect();
        assert_eq!(
            s,
            vec![
                "Col. Gen. Ri Thae Chol left on Dec. 7.",
                "He arrived.",
                "S. R. Nathan met U.S. officials.",
                "New para."
            ]
        );
    }
}
