//! What the pages share: URL encoding, the event types' colours, and SVG charts.
//!
//! Markup is written with maud's `html!`: HTML in Rust, checked at compile time,
//! and every spliced value is escaped unless it is wrapped in `PreEscaped`. Article
//! text is hostile (captures are untrusted HTML), so escaping is the default rather
//! than something each call site has to remember.

use maud::{Markup, html};

/// Percent-encode a URL query value or path segment (everything but unreserved
/// characters).
pub fn urlenc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The colour of an event type (timeline dots, legends).
pub fn type_colour(t: annalist_model::EventType) -> &'static str {
    use annalist_model::EventType::*;
    match t {
        Message => "#1f77b4",
        Visit => "#2ca02c",
        Meeting => "#17becf",
        Agreement => "#9467bd",
        Ratification => "#8c564b",
        Reception => "#bcbd22",
        RelationsEstablished => "#e377c2",
        Praise => "#ff7f0e",
        Criticism => "#d62728",
    }
}

/// Line colours for up to five series.
const PALETTE: [&str; 5] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

/// A line chart as inline SVG: x = `labels` (periods), one line per series, with
/// axes, tick labels, a y-axis title and a legend. A value that is not a number
/// (NaN) is a period without data: the line stops there and starts again after it.
/// All text is escaped.
pub fn line_chart(labels: &[String], series: &[(String, Vec<f64>)], y_title: &str) -> Markup {
    if labels.is_empty() {
        return html! { p class="muted" { "No data for this period." } };
    }
    let (w, h, left, right, top, bottom) = (900.0, 320.0, 60.0, 20.0, 20.0, 60.0);
    let max = series.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0f64, f64::max);
    let min = series.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0f64, f64::min);
    // Zero is always on the axis; negative values (Goldstein sums) extend it down.
    let (ymin, ymax) = match (min < 0.0, max > 0.0) {
        (false, _) => (0.0, nice(max)),
        (true, false) => (-nice(-min), 0.0),
        (true, true) => (-nice(-min), nice(max)),
    };
    let n = labels.len();
    let x = |i: usize| {
        if n == 1 {
            left + (w - left - right) / 2.0
        } else {
            left + i as f64 * (w - left - right) / (n - 1) as f64
        }
    };
    let y = |v: f64| top + (ymax - v) / (ymax - ymin) * (h - top - bottom);
    let f1 = |v: f64| format!("{v:.1}");
    // x ticks: at most ~12 labels
    let every = n.div_ceil(12).max(1);
    let mid = (top + h - bottom) / 2.0;
    html! {
        svg class="chart" viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(y_title) {
            // y axis, grid and ticks
            @for k in 0..=4 {
                @let v = ymin + (ymax - ymin) * k as f64 / 4.0;
                @let yy = y(v);
                line x1=(left) y1=(f1(yy)) x2=(w - right) y2=(f1(yy))
                    stroke=(if v == 0.0 { "#888" } else { "#eee" }) {}
                text x=(left - 6.0) y=(f1(yy + 4.0)) text-anchor="end" { (fmt_num(v)) }
            }
            line x1=(left) y1=(top) x2=(left) y2=(h - bottom) stroke="#888" {}
            text x="14" y=(mid) transform=(format!("rotate(-90 14 {mid})")) text-anchor="middle" { (y_title) }
            @for (i, l) in labels.iter().enumerate() {
                @if i % every == 0 || i == n - 1 {
                    @let xx = f1(x(i));
                    line x1=(xx) y1=(h - bottom) x2=(xx) y2=(h - bottom + 5.0) stroke="#888" {}
                    text x=(xx) y=(h - bottom + 18.0) text-anchor="end"
                        transform=(format!("rotate(-40 {xx} {})", h - bottom + 18.0)) { (l) }
                }
            }
            @for (k, (name, values)) in series.iter().enumerate() {
                @let colour = PALETTE[k % PALETTE.len()];
                @for run in runs(values) {
                    @let pts: Vec<String> = run.map(|i| format!("{:.1},{:.1}", x(i), y(values[i]))).collect();
                    polyline fill="none" stroke=(colour) stroke-width="2" points=(pts.join(" ")) { title { (name) } }
                }
                @for (i, v) in values.iter().enumerate().filter(|(_, v)| v.is_finite()) {
                    circle cx=(f1(x(i))) cy=(f1(y(*v))) r="3" fill=(colour) {
                        title { (name) " " (labels[i]) ": " (fmt_num(*v)) }
                    }
                }
            }
        }
        p class="legend" {
            @for (k, (name, _)) in series.iter().enumerate() {
                span { (swatch(PALETTE[k % PALETTE.len()])) (name) }
            }
        }
    }
}

/// The index ranges of `values` holding numbers, split where a value is missing.
fn runs(values: &[f64]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, v) in values.iter().enumerate() {
        match (v.is_finite(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..values.len());
    }
    out
}

/// A small square of `colour` (legends, event lists).
pub fn swatch(colour: &str) -> Markup {
    html! {
        svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" { rect width="10" height="10" fill=(colour) {} }
    }
}

/// A round axis maximum at or above `v`.
fn nice(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|&c| c >= v).unwrap_or(10.0 * mag)
}

fn fmt_num(v: f64) -> String {
    if v.fract().abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_take_negative_values_and_escape_labels() {
        let svg = line_chart(&["2019-04".into(), "<b>".into()], &[("<i>".into(), vec![-3.0, 7.0])], "g")
            .into_string();
        assert!(svg.contains(">-5<") && svg.contains(">10<"), "{svg}");
        assert!(!svg.contains("<b>") && !svg.contains("<i>") && svg.contains("&lt;i&gt;"));
    }

    #[test]
    fn lines_break_at_missing_values() {
        let labels: Vec<String> = ["2010", "2011", "2012", "2013"].map(String::from).to_vec();
        let svg = line_chart(&labels, &[("a".into(), vec![1.0, 2.0, f64::NAN, 4.0])], "n").into_string();
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(!svg.contains("NaN"), "{svg}");
        assert_eq!(runs(&[f64::NAN, 1.0, 1.0, f64::NAN, 2.0]), [1..3, 4..5]);
    }

    #[test]
    fn spliced_text_is_escaped_in_content_and_attributes() {
        let hostile = r#"<a href="x" onclick='y'>&</a>"#;
        let page = html! { p title=(hostile) { (hostile) } }.into_string();
        assert_eq!(
            page,
            "<p title=\"&lt;a href=&quot;x&quot; onclick='y'&gt;&amp;&lt;/a&gt;\">\
             &lt;a href=&quot;x&quot; onclick='y'&gt;&amp;&lt;/a&gt;</p>"
        );
    }
}
