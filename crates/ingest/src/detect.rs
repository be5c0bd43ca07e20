//! Recognising what a file holds from its first bytes (and, as a tie-breaker, its name).

/// What the start of a (possibly compressed) stream looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// No bytes at all.
    Empty,
    /// A gzip stream (possibly several members, as in `.warc.gz`).
    Gzip,
    /// A zstd frame.
    Zstd,
    /// Bytes that are not text.
    Binary,
    /// A WARC file.
    Warc,
    /// JSON Lines.
    JsonLines,
    /// Delimited records with a header line; the delimiter byte.
    Csv(u8),
    /// An HTML page.
    Html,
    /// A plain-text page.
    Text,
    /// A JSON Lines or CSV dataset in UTF-16 (with a byte-order mark).
    Utf16Dataset,
}

/// Whether a CSV header names one of the article fields of [`crate::fields`], which
/// marks the file as a dataset of articles.
pub fn is_known_field(name: &str) -> bool {
    crate::fields::ALL.iter().any(|names| names.contains(&name))
}

/// Detect the kind of a stream from its first bytes (up to a few KiB) and its file name.
pub fn detect(prefix: &[u8], name: &str) -> Detected {
    if prefix.is_empty() {
        return Detected::Empty;
    }
    if prefix.starts_with(&[0x1f, 0x8b]) {
        return Detected::Gzip;
    }
    if prefix.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Detected::Zstd;
    }
    let name = name.to_ascii_lowercase();
    let stem = name.trim_end_matches(".gz").trim_end_matches(".zst").trim_end_matches(".zstd");
    // UTF-16 with a BOM: a dataset is transcoded to UTF-8 as it streams (its units
    // are lines); a page is kept as it is and decoded when extracted.
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(prefix)
        && enc != encoding_rs::UTF_8
    {
        let (s, _) = enc.decode_without_bom_handling(&prefix[bom..]);
        return match detect(s.as_bytes(), &name) {
            Detected::JsonLines | Detected::Csv(_) => Detected::Utf16Dataset,
            Detected::Html => Detected::Html,
            _ => Detected::Text,
        };
    }
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    if is_binary_bytes(body) {
        return Detected::Binary;
    }
    if body.starts_with(b"WARC/1.") || body.starts_with(b"WARC/0.") {
        return Detected::Warc;
    }
    let first_line =
        body.split(|b| *b == b'\n').map(|l| l.trim_ascii()).find(|l| !l.is_empty()).unwrap_or(b"");
    if first_line.starts_with(b"{") {
        return Detected::JsonLines;
    }
    if looks_html(body) {
        return Detected::Html;
    }
    if stem.ends_with(".tsv") || stem.ends_with(".tab") || stem.ends_with(".csv") {
        let default = if stem.ends_with(".csv") { b',' } else { b'\t' };
        // The delimiter the header line uses most.
        let best = [b',', b'\t', b';']
            .into_iter()
            .map(|d| (first_line.iter().filter(|b| **b == d).count(), d))
            .max_by_key(|(n, d)| (*n, *d == default));
        return Detected::Csv(match best {
            Some((n, d)) if n > 0 => d,
            _ => default,
        });
    }
    if let Some(d) = csv_header_delimiter(first_line) {
        return Detected::Csv(d);
    }
    if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        return Detected::JsonLines;
    }
    Detected::Text
}

/// Whether an HTML start (`<!doctype html`, `<html`, `<head`, `<body`) appears near the start.
pub fn looks_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let trimmed = lower.trim_ascii_start();
    if trimmed.starts_with(b"<?xml") || trimmed.starts_with(b"<!--") || trimmed.starts_with(b"<") {
        for marker in [&b"<!doctype html"[..], b"<html", b"<head", b"<body"] {
            if memchr::memmem::find(&lower, marker).is_some() {
                return true;
            }
        }
    }
    false
}

/// The delimiter when `line` is a header of known field names separated by commas,
/// tabs or semicolons (at least two cells, at least one known name).
fn csv_header_delimiter(line: &[u8]) -> Option<u8> {
    if line.len() > 4096 {
        return None;
    }
    let line = std::str::from_utf8(line).ok()?;
    for d in [',', '\t', ';'] {
        let cells: Vec<&str> = line.split(d).collect();
        if cells.len() < 2 {
            continue;
        }
        let known = cells
            .iter()
            .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
            .filter(|c| is_known_field(c))
            .count();
        let plausible = cells.iter().all(|c| c.trim().len() <= 64 && !c.trim().is_empty());
        if known >= 1 && plausible {
            return Some(d as u8);
        }
    }
    None
}

/// NUL bytes, or more than 10% control bytes, in the first bytes of an (undecoded) stream.
fn is_binary_bytes(b: &[u8]) -> bool {
    let b = &b[..b.len().min(8192)];
    if memchr::memchr(0, b).is_some() {
        return true;
    }
    let control =
        b.iter().filter(|&&c| (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0c)) || c == 0x7f).count();
    control * 10 > b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content() {
        assert_eq!(detect(b"", "x"), Detected::Empty);
        assert_eq!(detect(&[0x1f, 0x8b, 8, 0], "x.txt"), Detected::Gzip);
        assert_eq!(detect(&[0x28, 0xb5, 0x2f, 0xfd, 1], "x"), Detected::Zstd);
        assert_eq!(detect(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "a.bin"), Detected::Warc);
        assert_eq!(detect(b"\n  {\"title\": 1}\n", "a.txt"), Detected::JsonLines);
        assert_eq!(detect(b"<!DOCTYPE html><html>", "a.txt"), Detected::Html);
        assert_eq!(detect(b"  <html lang=en>", "a"), Detected::Html);
        assert_eq!(detect(b"title,date,body\nA,2011-12-01,B\n", "a.txt"), Detected::Csv(b','));
        assert_eq!(detect(b"a\tb\n", "a.tsv"), Detected::Csv(b'\t'));
        assert_eq!(detect(b"hed;when;copy\n", "a.csv"), Detected::Csv(b';'));
        assert_eq!(detect(b"x\n", "a.csv"), Detected::Csv(b','));
        assert_eq!(
            detect(b"May 22, 2025May 22, 2025\nKCNA Ministry of Foreign Affairs (EN)\n", "000.txt"),
            Detected::Text
        );
        assert_eq!(detect(b"\x00\x01\x02ELF", "a.txt"), Detected::Binary);
        assert_eq!(detect(b"\xFF\xFE<\x00h\x00t\x00m\x00l\x00>\x00", "a"), Detected::Html);
    }
}
