//! Language detection (ISO 639-1) with `whatlang`, which works offline from built-in
//! trigram tables.

use std::collections::HashMap;
use std::sync::LazyLock;

use whatlang::{Lang, Script};

/// How much text is looked at: enough for a reliable guess, bounded for speed.
const SAMPLE_BYTES: usize = 600;

/// Function words of the Latin-script languages met most in these archives (without
/// words that are also Korean name syllables: Il, Un, O, A).
///
/// Hand-written on purpose: whatlang's trigram scoring over all its languages costs
/// ~200 µs per article, too slow for bulk ingest, while counting function words takes a
/// few µs and is very reliable on news prose. whatlang still decides every text the
/// word counts leave open, and all non-Latin scripts.
const STOPWORDS: &[(&str, &str)] = &[
    (
        "en",
        "the of and to in is was that for on with as by at his he it are from which this be has have were an its their will said",
    ),
    (
        "es",
        "el la los las de del que y en una por con para se es al su lo como más fue sus ha han este esta entre sobre",
    ),
    (
        "fr",
        "le la les des du de et en une est que qui pour dans par sur au aux pas avec ce sont ont été cette",
    ),
    (
        "de",
        "der die das und in den von zu mit ist des dem nicht ein eine auf für sich im wurde sind auch als bei",
    ),
    ("pt", "os as de do da dos das que e em um uma para com não por no na ao foi pelo pela seu sua"),
    ("it", "lo la gli le di del della che e è una per con non in al nel sono dei delle alla"),
];

static STOPWORD_INDEX: LazyLock<HashMap<&'static str, Vec<usize>>> = LazyLock::new(|| {
    let mut m: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (i, (_, words)) in STOPWORDS.iter().enumerate() {
        for w in words.split_whitespace() {
            m.entry(w).or_default().push(i);
        }
    }
    m
});

/// Latin-script languages whatlang may choose from when the word counts are unsure.
static LATIN: LazyLock<whatlang::Detector> = LazyLock::new(|| {
    whatlang::Detector::with_allowlist(vec![
        Lang::Eng,
        Lang::Spa,
        Lang::Fra,
        Lang::Deu,
        Lang::Por,
        Lang::Ita,
        Lang::Nld,
        Lang::Pol,
        Lang::Swe,
        Lang::Dan,
        Lang::Nob,
        Lang::Fin,
        Lang::Ces,
        Lang::Ron,
        Lang::Hun,
        Lang::Tur,
        Lang::Ind,
        Lang::Vie,
        Lang::Cat,
        Lang::Lat,
        Lang::Epo,
        Lang::Tgl,
        Lang::Afr,
        Lang::Hrv,
        Lang::Slk,
        Lang::Slv,
        Lang::Lit,
        Lang::Lav,
        Lang::Est,
    ])
});

/// The language by function-word counts, when one language clearly leads.
fn by_stopwords(sample: &str) -> Option<&'static str> {
    let mut counts = [0usize; STOPWORDS.len()];
    let mut words = 0;
    for w in sample.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        words += 1;
        let lower;
        let w = if w.chars().any(char::is_uppercase) {
            lower = w.to_lowercase();
            lower.as_str()
        } else {
            w
        };
        if let Some(langs) = STOPWORD_INDEX.get(w) {
            for &i in langs {
                counts[i] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    let (best, second) = (counts[order[0]], counts[order[1]]);
    // At least 3 hits (2 in a headline-sized text), a fifth of the words, and a clear
    // lead over the runner-up.
    let enough = if words < 12 { 2 } else { 3 };
    (best >= enough && best * 5 >= words && best * 10 >= second * 13).then(|| STOPWORDS[order[0]].0)
}

/// The language of `text` as an ISO 639-1 code ("en", "es", "ko"), or `None` when the
/// text is too short to tell or the guess is unreliable.
pub fn detect_language(text: &str) -> Option<String> {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 12 {
        // Scripts without spaces carry more per character.
        let dense = sample.chars().filter(|c| (*c as u32) >= 0x1100).count();
        if dense < 4 {
            return None;
        }
    }
    let code = match whatlang::detect_script(sample)? {
        Script::Hangul => return Some("ko".into()),
        Script::Hiragana | Script::Katakana => return Some("ja".into()),
        Script::Mandarin => return Some("zh".into()),
        Script::Latin => {
            if let Some(l) = by_stopwords(sample) {
                return Some(l.into());
            }
            // Trigram guesses on a headline's few words are mostly wrong (and slow):
            // short Latin texts the function words cannot decide stay unknown.
            if letters < 60 {
                return None;
            }
            let info = LATIN.detect(sample)?;
            if !info.is_reliable() && info.confidence() < 0.5 {
                return None;
            }
            info.lang().code()
        }
        _ => {
            let info = whatlang::detect(sample)?;
            info.lang().code()
        }
    };
    iso_639_1(code).map(str::to_string)
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
        assert_eq!(
            detect_language("Der Vorsitzende der Partei hat sich mit den Vertretern getroffen und ist nach Berlin gefahren.").as_deref(),
            Some("de")
        );
        assert_eq!(
            detect_language(
                "Le président de la République a reçu les représentants du parti dans la capitale."
            )
            .as_deref(),
            Some("fr")
        );
        assert_eq!(
            detect_language(
                "Председатель партии встретился с представителями правительства в столице страны."
            )
            .as_deref(),
            Some("ru")
        );
    }
}
