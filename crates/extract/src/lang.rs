//! Language detection (ISO 639-1) with `whatlang`, which works offline from built-in
//! trigram tables.

/// How much text is looked at: enough for a reliable guess, bounded for speed.
const SAMPLE_BYTES: usize = 1200;

/// The language of `text` as an ISO 639-1 code ("en", "es", "ko"), or `None` when the
/// text is too short to tell or the guess is unreliable.
pub fn detect_language(text: &str) -> Option<String> {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    // Scripts without spaces (Korean, Chinese, Japanese) carry more per character.
    let cjk = sample
        .chars()
        .filter(|c| matches!(*c as u32, 0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF))
        .count();
    if letters < 12 && cjk < 4 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    // Short texts: accept only a confident guess.
    if letters < 60 && cjk < 10 && !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    iso_639_1(info.lang().code()).map(str::to_string)
}

/// ISO 639-3 (whatlang's codes) to ISO 639-1.
fn iso_639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "eng" => "en",
        "spa" => "es",
        "kor" => "ko",
        "cmn" => "zh",
        "jpn" => "ja",
        "rus" => "ru",
        "fra" => "fr",
        "deu" => "de",
        "por" => "pt",
        "ita" => "it",
        "ara" => "ar",
        "epo" => "eo",
        "ben" => "bn",
        "ukr" => "uk",
        "kat" => "ka",
        "hin" => "hi",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        "cym" => "cy",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_languages() {
        assert_eq!(
            detect_language("Kim Jong Un, president of the State Affairs, sent a message of greetings to the president of the Russian Federation.").as_deref(),
            Some("en")
        );
        assert_eq!(
            detect_language("El Presidente de la Comisión de Defensa Nacional envió un mensaje de felicitación al presidente de la República.").as_deref(),
            Some("es")
        );
        assert_eq!(
            detect_language("조선민주주의인민공화국 국무위원장 김정은 동지께서 축전을 보내시였다").as_deref(),
            Some("ko")
        );
        assert_eq!(detect_language(""), None);
        assert_eq!(detect_language("Hi"), None);
        assert_eq!(detect_language("12345 678"), None);
    }
}
