//! HTML escaping. Article text is hostile (captures are untrusted HTML): every piece
//! of it goes through [`esc`] before it reaches a page.

/// Escape text for HTML element content and quoted attribute values (the same
/// escaping the index applies to snippets).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    annalist_index::snippet::escape_html(s, &mut out);
    out
}

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
/// axes, tick labels, a y-axis title and a legend. All text is escaped.
pub fn line_chart(labels: &[String], series: &[(String, Vec<f64>)], y_title: &str) -> String {
    if labels.is_empty() {
        return "<p class=\"muted\">No data for this period.</p>".into();
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
    let mut s =
        format!("<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">", esc(y_title));
    // y axis, grid and ticks
    for k in 0..=4 {
        let v = ymin + (ymax - ymin) * k as f64 / 4.0;
        let yy = y(v);
        s.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{}\" y2=\"{yy:.1}\" stroke=\"{}\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - right,
            if v == 0.0 { "#888" } else { "#eee" },
            left - 6.0,
            yy + 4.0,
            fmt_num(v)
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#888\"/><text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">{}</text>",
        h - bottom,
        (top + h - bottom) / 2.0,
        (top + h - bottom) / 2.0,
        esc(y_title)
    ));
    // x ticks: at most ~12 labels
    let every = n.div_ceil(12).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every != 0 && i != n - 1 {
            continue;
        }
        let xx = x(i);
        s.push_str(&format!(
            "<line x1=\"{xx:.1}\" y1=\"{}\" x2=\"{xx:.1}\" y2=\"{}\" stroke=\"#888\"/><text x=\"{xx:.1}\" y=\"{}\" text-anchor=\"end\" transform=\"rotate(-40 {xx:.1} {})\">{}</text>",
            h - bottom,
            h - bottom + 5.0,
            h - bottom + 18.0,
            h - bottom + 18.0,
            esc(l)
        ));
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let pts: Vec<String> =
            values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            esc(name)
        ));
        for (i, v) in values.iter().enumerate() {
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{} {}: {}</title></circle>",
                x(i),
                y(*v),
                esc(name),
                esc(&labels[i]),
                fmt_num(*v)
            ));
        }
    }
    s.push_str("</svg><p class=\"legend\">");
    for (k, (name, _)) in series.iter().enumerate() {
        s.push_str(&format!(
            "<span><svg class=\"swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg>{}</span>",
            PALETTE[k % PALETTE.len()],
            esc(name)
        ));
    }
    s.push_str("</p>");
    s
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
        let svg = line_chart(&["2019-04".into(), "<b>".into()], &[("<i>".into(), vec![-3.0, 7.0])], "g");
        assert!(svg.contains(">-5<") && svg.contains(">10<"), "{svg}");
        assert!(!svg.contains("<b>") && !svg.contains("<i>") && svg.contains("&lt;i&gt;"));
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
