//! A bound on how deep HTML nests before it reaches the parser.
//!
//! The HTML tree builder checks its stack of open elements for most start tags, so a
//! page nested N levels deep costs O(N²): 200,000 levels (2 MB) would take minutes. No
//! real article nests more than a few dozen levels, so before parsing, one linear scan
//! counts how deep the markup goes; only when it goes deeper than [`MAX_DEPTH`] is the
//! page rewritten with the start tags beyond that depth (and their end tags) left out.
//! Their text stays, inside the deepest kept element. Pages within the bound are parsed
//! exactly as written.

use std::borrow::Cow;

/// Open elements kept; deeper start tags are dropped.
pub(crate) const MAX_DEPTH: usize = 256;

/// Elements that never hold content, or that the parser closes by itself when a sibling
/// starts (an unclosed `<p>` or `<li>` list must not count as nesting).
fn counts_as_nesting(name: &[u8]) -> bool {
    const FLAT: &[&[u8]] = &[
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"option",
        b"tr",
        b"td",
        b"th",
        b"!doctype",
    ];
    !FLAT.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// Raw-text elements: their content is not markup.
fn raw_text(name: &[u8]) -> bool {
    [&b"script"[..], b"style", b"textarea", b"title", b"xmp", b"noscript", b"plaintext"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name))
}

/// Attributes kept on one tag; the parser checks each new attribute against the ones
/// before it, so a tag with hundreds of thousands of them is quadratic too.
pub(crate) const MAX_ATTRIBUTES: usize = 64;

/// One tag found by the scanner.
struct Tag<'a> {
    name: &'a [u8],
    end: bool,
    self_closing: bool,
    /// Byte just past the tag's `>`.
    next: usize,
    /// Where the attribute past [`MAX_ATTRIBUTES`] starts, when the tag has that many.
    cut: Option<usize>,
}

/// The tag starting at `at` (a `<`), or `None` when what follows is text, a comment or a
/// declaration (with the position to continue from).
fn tag_at(b: &[u8], at: usize) -> Result<Tag<'_>, usize> {
    let n = b.len();
    let mut i = at + 1;
    if b[at..].starts_with(b"<!--") {
        let close = memchr::memmem::find(&b[at + 4..], b"-->").map(|p| at + 4 + p + 3).unwrap_or(n);
        return Err(close);
    }
    let end = i < n && b[i] == b'/';
    if end {
        i += 1;
    }
    let start = i;
    while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'!' || b[i] == b'-' || b[i] == b':') {
        i += 1;
    }
    if i == start || !(b[start].is_ascii_alphabetic() || b[start] == b'!') {
        return Err(at + 1);
    }
    let name = &b[start..i];
    // Skip attributes to the closing '>', honouring quotes and counting attributes (a
    // name starts after white space outside quotes).
    let mut quote = 0u8;
    let mut attributes = 0usize;
    let mut cut = None;
    let mut prev_space = false;
    while i < n {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            break;
        } else if c.is_ascii_whitespace() {
            prev_space = true;
            i += 1;
            continue;
        } else if prev_space && c != b'=' && c != b'/' {
            attributes += 1;
            if attributes > MAX_ATTRIBUTES && cut.is_none() {
                cut = Some(i);
            }
        }
        prev_space = false;
        i += 1;
    }
    let self_closing = i > 0 && i < n && b[i - 1] == b'/';
    Ok(Tag { name, end, self_closing, next: (i + 1).min(n), cut })
}

/// Scan the markup; with `out`, copy it leaving out the tags nested beyond `MAX_DEPTH`
/// and the attributes beyond `MAX_ATTRIBUTES`. Returns the deepest nesting seen, or
/// `MAX_DEPTH + 1` when the page needs rewriting.
fn scan(text: &str, mut out: Option<&mut String>) -> usize {
    let b = text.as_bytes();
    let n = b.len();
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut deepest = 0usize;
    let mut pos = 0usize;
    let mut copied = 0usize;
    let mut rewrite_needed = false;
    while let Some(off) = memchr::memchr(b'<', &b[pos..]) {
        let at = pos + off;
        match tag_at(b, at) {
            Err(next) => pos = next,
            Ok(tag) => {
                pos = tag.next;
                let nests = counts_as_nesting(tag.name) && !tag.self_closing;
                let skip = if !nests {
                    false
                } else if tag.end {
                    if dropped > 0 {
                        dropped -= 1;
                        true
                    } else {
                        depth = depth.saturating_sub(1);
                        false
                    }
                } else if depth >= MAX_DEPTH {
                    dropped += 1;
                    true
                } else {
                    depth += 1;
                    deepest = deepest.max(depth);
                    false
                };
                if skip || tag.cut.is_some() {
                    rewrite_needed = true;
                    let Some(o) = out.as_deref_mut() else {
                        return MAX_DEPTH + 1;
                    };
                    match (skip, tag.cut) {
                        (true, _) => o.push_str(&text[copied..at]),
                        (false, Some(cut)) => {
                            o.push_str(&text[copied..cut]);
                            o.push('>');
                        }
                        (false, None) => {}
                    }
                    copied = tag.next;
                }
                if !tag.end && raw_text(tag.name) && !tag.self_closing {
                    // Jump to the element's end tag: its content is not markup.
                    let close = [b"</", tag.name].concat();
                    let rest = &b[pos..];
                    let found = memchr::memchr_iter(b'<', rest).find(|&k| {
                        rest[k..].len() >= close.len()
                            && rest[k..k + close.len()].eq_ignore_ascii_case(&close)
                    });
                    pos = found.map(|k| pos + k).unwrap_or(n);
                }
            }
        }
        if pos >= n {
            break;
        }
    }
    if let Some(o) = out {
        o.push_str(&text[copied.min(n)..]);
    }
    if rewrite_needed { MAX_DEPTH + 1 } else { deepest }
}

/// The page as the parser should see it: unchanged unless it nests deeper than
/// [`MAX_DEPTH`].
pub(crate) fn limit_depth(text: &str) -> Cow<'_, str> {
    if scan(text, None) <= MAX_DEPTH {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    scan(text, Some(&mut out));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_untouched() {
        let page =
            "<html><body><div><p>One<p>Two<ul><li>a<li>b</ul><script>if (a<b) x='<div>'</script></div>";
        assert!(matches!(limit_depth(page), Cow::Borrowed(_)));
        let many_p = "<p>x".repeat(10_000);
        assert!(matches!(limit_depth(&many_p), Cow::Borrowed(_)));
    }

    #[test]
    fn long_attribute_lists_are_cut() {
        let attrs: String = (0..1000).map(|i| format!(" a{i}=\"x>{i}\"")).collect();
        let page = format!("<div{attrs}><p>text</p></div>");
        let out = limit_depth(&page);
        assert_eq!(out.matches(" a").count(), MAX_ATTRIBUTES);
        assert!(out.ends_with("><p>text</p></div>"), "{}", &out[out.len() - 40..]);
        let few = "<div a=1 b='2' c=\"3\"><p>text</p></div>";
        assert!(matches!(limit_depth(few), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_pages_are_cut_at_the_bound() {
        let n = 5_000;
        let page = format!("<body>{}deep text{}</body>", "<div class='x'>".repeat(n), "</div>".repeat(n));
        let out = limit_depth(&page);
        assert_eq!(out.matches("<div").count(), MAX_DEPTH - 1);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH - 1);
        assert!(out.contains("deep text"));
    }
}
