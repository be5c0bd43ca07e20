//! Tokenising: the word tokens of a body (with the full stops that belong to
//! abbreviations and initials) and what kind of word a token is: capitalised,
//! name-like, a title, a word that opens a sentence, a weekday or month that ends a
//! name.

use crate::lexicon::{
    DOTTED_ABBREVIATIONS, LEAD_WORDS, MONTH_ABBREVIATIONS, MONTHS, NOT_NAME, ORG_HEADS, PERSON_TITLES,
    PLACE_HEADS, TITLE_MODIFIERS, TITLE_WORDS, WEEKDAYS,
};

/// A word token of the body.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok<'a> {
    pub s: &'a str,
    pub start: usize,
    pub end: usize,
}

pub(super) fn tokens(body: &str) -> Vec<Tok<'_>> {
    let b = body.as_bytes();
    let mut out = Vec::with_capacity(body.len() / 5);
    let mut i = 0;
    while i < b.len() {
        let c = body[i..].chars().next().expect("char");
        if c.is_alphanumeric() {
            let start = i;
            let mut j = i;
            for (k, ch) in body[i..].char_indices() {
                if ch.is_alphanumeric() || ch == '-' || ch == '\'' || ch == '’' || ch == '.' {
                    j = i + k + ch.len_utf8();
                } else {
                    break;
                }
            }
            // trailing punctuation that is not part of the word
            let mut end = j;
            while end > start {
                let last = body[..end].chars().next_back().expect("char");
                if last == '-' || last == '\'' || last == '’' {
                    end -= last.len_utf8();
                } else {
                    break;
                }
            }
            if body[start..end].ends_with('.') {
                let w = &body[start..end - 1];
                let keep = w.chars().count() == 1 || w.contains('.') || DOTTED_ABBREVIATIONS.contains(&w);
                if !keep {
                    end -= 1;
                }
            }
            out.push(Tok { s: &body[start..end], start, end });
            i = j.max(i + c.len_utf8());
        } else {
            i += c.len_utf8();
        }
    }
    out
}

/// Whether `w` is a title or rank ([`TITLE_WORDS`], any case).
pub(super) fn is_title(w: &str) -> bool {
    TITLE_WORDS.iter().any(|t| t.eq_ignore_ascii_case(w))
}

/// How many tokens at the start of `st` are a title ("Vice-Marshal", "General
/// Secretary", "First Vice-Premier"); 0 when it does not open with one.
pub(super) fn title_run(st: &[Tok<'_>]) -> usize {
    let mut a = 0;
    let mut j = 0;
    while j < st.len() {
        if is_title(st[j].s) {
            j += 1;
            a = j;
        } else if TITLE_MODIFIERS.contains(&st[j].s) {
            j += 1;
        } else {
            break;
        }
    }
    a
}

/// A capitalised token that ends (or cannot open) an organisation or place name: a
/// weekday, or a month that is not the start of a dated name ("February 8 Vinalon
/// Complex", "June 15 Joint Declaration").
pub(super) fn breaks_name(body: &str, toks: &[Tok<'_>], k: usize) -> bool {
    let w = toks[k].s;
    if WEEKDAYS.contains(&w) {
        return true;
    }
    // "… School on Oct. 5": an abbreviated month
    if MONTH_ABBREVIATIONS.contains(&w) && body[toks[k].end..].starts_with('.') {
        return true;
    }
    if MONTHS.contains(&w) {
        let spaced = |a: usize| toks.get(a + 1).is_some_and(|n| &body[toks[a].end..n.start] == " ");
        let num = spaced(k)
            && toks.get(k + 1).is_some_and(|t| t.s.len() <= 2 && t.s.bytes().all(|b| b.is_ascii_digit()));
        let cap = spaced(k + 1)
            && toks.get(k + 2).is_some_and(|t| {
                is_cap(t.s) && !WEEKDAYS.contains(&t.s) && !MONTHS.contains(&t.s) && t.s != "Juche"
            });
        return !(num && cap);
    }
    false
}

pub(super) fn is_cap(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

pub(super) fn name_like(s: &str) -> bool {
    if NOT_NAME.contains(&s)
        || MONTHS.contains(&s)
        || WEEKDAYS.contains(&s)
        || ORG_HEADS.contains(&s)
        || PLACE_HEADS.contains(&s)
    {
        return false;
    }
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest: String = chars.collect();
    if rest == "." {
        return true; // initial
    }
    if rest.is_empty() {
        return s == "O" || s == "U"; // Korean one-letter surnames
    }
    // mostly lower case after the first letter (allow Al-Assad, McDonald, O'Neil)
    let upper = rest.chars().filter(|c| c.is_uppercase()).count();
    let digits = rest.chars().any(|c| c.is_ascii_digit());
    !digits && upper <= 2 && !rest.ends_with('.') && rest.chars().any(char::is_lowercase)
}

/// Whether only spaces separate two byte positions.
pub(super) fn only_space(body: &str, a: usize, b: usize) -> bool {
    a <= b && body[a..b].chars().all(|c| c == ' ') && b - a <= 2
}

/// Whether `w` opens a sentence or a title without being part of a name
/// ([`LEAD_WORDS`] and [`PERSON_TITLES`]).
pub(super) fn lead_word(w: &str) -> bool {
    LEAD_WORDS.contains(&w) || PERSON_TITLES.contains(&w)
}
