//! Hostile HTML: extraction stays linear in time and bounded in memory.

use std::time::{Duration, Instant};

use annalist_extract::extract_html;

/// Debug builds run the parser several times slower; the bound is for release builds,
/// as CI runs the tests.
fn budget(release: Duration) -> Duration {
    if cfg!(debug_assertions) { release * 8 } else { release }
}

#[test]
fn nesting_200k_levels_deep_is_read_in_time() {
    let depth = 200_000;
    let page = format!(
        "<html><head><title>Deep</title></head><body>{}<p>The only paragraph of the page, deep inside.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    assert!(page.len() > 2_000_000);
    let t = Instant::now();
    let a = extract_html(&page);
    let took = t.elapsed();
    eprintln!("200,000 levels ({} bytes): {took:?}", page.len());
    assert!(took < budget(Duration::from_secs(2)), "{took:?}");
    assert_eq!(a.title.as_deref(), Some("Deep"));
    assert_eq!(a.paragraphs, vec!["The only paragraph of the page, deep inside."]);
}

#[test]
fn unclosed_and_mixed_nesting_is_read_in_time() {
    // Unclosed inline elements and blocks, and half a million tiny elements.
    let page = format!(
        "<html><body>{}<p>After the noise comes the article text itself.</p>{}</body></html>",
        "<span><b><i><blockquote>".repeat(30_000),
        "<a>x</a>".repeat(500_000)
    );
    let t = Instant::now();
    let a = extract_html(&page);
    let took = t.elapsed();
    eprintln!("mixed ({} bytes): {took:?}", page.len());
    assert!(took < budget(Duration::from_secs(6)), "{took:?}");
    assert!(a.paragraphs.iter().any(|p| p.contains("After the noise")), "{:?}", a.paragraphs.first());
}

#[test]
fn huge_attribute_lists_are_read_in_time() {
    let attrs: String = (0..200_000).map(|i| format!(" data-a{i}=\"v{i}\"")).collect();
    let page =
        format!("<html><body><div{attrs}><p>Text of a page with a very long tag.</p></div></body></html>");
    let t = Instant::now();
    let a = extract_html(&page);
    let took = t.elapsed();
    eprintln!("attributes ({} bytes): {took:?}", page.len());
    assert!(took < budget(Duration::from_secs(3)), "{took:?}");
    assert_eq!(a.paragraphs, vec!["Text of a page with a very long tag."]);
}
