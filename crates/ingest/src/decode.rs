//! Character decoding of captured bytes.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Decode captured bytes to text.
///
/// Order of evidence: a byte-order mark (UTF-8, UTF-16 LE/BE) wins; then bytes that are
/// valid UTF-8 are taken as UTF-8; then the `hint` (a charset label such as `euc-kr`, or a
/// whole content type such as `text/html; charset=EUC-KR`); then an HTML `<meta charset>`
/// or `http-equiv` declaration near the start; and finally windows-1252 (the WHATWG reading
/// of Latin-1), which maps every byte to a character, so nothing is ever replaced silently.
///
/// Returns the text (without BOM) and the name of the encoding used.
pub fn decode_text(bytes: &[u8], hint: Option<&str>) -> (String, &'static str) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (s.into_owned(), enc.name());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_owned(), UTF_8.name());
    }
    let declared = hint.and_then(encoding_for_hint).or_else(|| sniff_meta_charset(bytes));
    if let Some(enc) = declared {
        // A declared UTF-8 that is not valid UTF-8, or a UTF-16 label without a BOM,
        // is not trusted: fall through to windows-1252.
        if enc != UTF_8 && enc.is_ascii_compatible() {
            let (s, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return (s.into_owned(), enc.name());
            }
        }
    }
    let (s, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    (s.into_owned(), WINDOWS_1252.name())
}

/// The encoding a charset label or a content type names (`euc-kr`,
/// `text/html; charset="EUC-KR"`).
pub fn encoding_for_hint(hint: &str) -> Option<&'static Encoding> {
    let lower = hint.to_ascii_lowercase();
    let label = match lower.find("charset=") {
        Some(i) => &lower[i + "charset=".len()..],
        None if lower.contains('/') => return None, // a content type without charset
        None => lower.as_str(),
    };
    let label = label.split([';', ',', ' ']).next().unwrap_or("").trim_matches(|c| c == '"' || c == '\'');
    Encoding::for_label(label.as_bytes())
}

/// The charset an HTML document declares in its first 2 KiB (`<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`).
pub fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset=") {
            let rest = &tag[c + 8..];
            let rest = rest
                .iter()
                .skip_while(|b| **b == b'"' || **b == b'\'')
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(**b, b'-' | b'_' | b':' | b'.'))
                .copied()
                .collect::<Vec<u8>>();
            if let Some(enc) = Encoding::for_label(&rest) {
                return Some(enc);
            }
        }
        from = end;
    }
    None
}

/// Whether decoded text looks like binary data rather than a text capture: a NUL
/// character, or more than 10% control characters (other than tab, newlines, form feed).
pub fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' {
            return true;
        }
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{FFFD}' {
            control += 1;
        }
    }
    total > 0 && control * 10 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_bom() {
        assert_eq!(decode_text("Korea’s".as_bytes(), None), ("Korea’s".into(), "UTF-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(b"abc");
        assert_eq!(decode_text(&b, None).0, "abc");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "Pyongyang’s".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&le, None), ("Pyongyang’s".into(), "UTF-16LE"));
        let mut be = vec![0xFE, 0xFF];
        for u in "DPRK".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode_text(&be, None), ("DPRK".into(), "UTF-16BE"));
    }

    #[test]
    fn latin1_fallback() {
        let (s, enc) = decode_text(b"caf\xe9 Espa\xf1a", None);
        assert_eq!(s, "café España");
        assert_eq!(enc, "windows-1252");
    }

    #[test]
    fn euc_kr_by_hint_and_meta() {
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("조선중앙통신");
        let (s, enc) = decode_text(&bytes, Some("text/html; charset=EUC-KR"));
        assert_eq!((s.as_str(), enc), ("조선중앙통신", "EUC-KR"));
        let mut page = b"<html><head><meta charset=\"euc-kr\"></head><body>".to_vec();
        page.extend_from_slice(&bytes);
        let (s, enc) = decode_text(&page, None);
        assert!(s.ends_with("조선중앙통신"));
        assert_eq!(enc, "EUC-KR");
        let mut page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\">".to_vec();
        page.extend_from_slice(&bytes);
        assert_eq!(decode_text(&page, None).1, "EUC-KR");
    }

    #[test]
    fn binary() {
        assert!(looks_binary("abc\0def"));
        assert!(looks_binary("\x01\x02\x03\x04abc"));
        assert!(!looks_binary("plain text\n\twith tabs\r\n"));
    }
}
