//! Fingerprints for duplicate detection: exact hashes of normalised text, a 64-bit
//! SimHash over word shingles for near-duplicate candidates, and shingle Jaccard
//! similarity to confirm them.

use annalist_model::normalize_text;

/// Words per shingle.
const SHINGLE: usize = 3;
/// Number of 16-bit bands a 64-bit SimHash is split into; two fingerprints within
/// Hamming distance 3 share at least one band exactly (pigeonhole).
pub const BANDS: u32 = 4;

/// Hex blake3 of raw bytes: the content address of a blob.
pub fn blob_hash(raw: &[u8]) -> String {
    blake3::hash(raw).to_hex().to_string()
}

/// Hex blake3 of normalised text (what versions held before schema 6, see [`TextKey`]).
#[cfg(test)]
pub fn text_hash(parts: &[&str]) -> String {
    let normalized: Vec<String> = parts.iter().map(|p| normalize_text(p)).collect();
    let parts: Vec<&str> = normalized.iter().map(String::as_str).collect();
    normalized_hash(&parts)
}

/// [`text_hash`] of parts already passed through [`normalize_text`] (a text
/// fingerprinted three ways is normalised once).
#[cfg(test)]
pub fn normalized_hash(parts: &[&str]) -> String {
    normalized_blake3(parts).to_hex().to_string()
}

fn normalized_blake3(parts: &[&str]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"\x1f");
    }
    h.finalize()
}

/// Bytes of a [`TextKey`].
pub const TEXT_KEY_BYTES: usize = 16;

/// The key under which a version's normalised text (title + body, or body alone) is
/// looked up: the first 128 bits of its [`normalized_hash`], stored as a BLOB (schema
/// 6). Sixteen bytes instead of 64 hex characters make the two indexes on these keys a
/// quarter of the size, and so the random reads an insert makes into them at a million
/// articles fewer; 128 bits keep an accidental collision out of reach (the birthday
/// bound is 2^64 texts).
pub type TextKey = [u8; TEXT_KEY_BYTES];

/// [`TextKey`] of parts already passed through [`normalize_text`].
pub fn normalized_key(parts: &[&str]) -> TextKey {
    let mut k = [0u8; TEXT_KEY_BYTES];
    k.copy_from_slice(&normalized_blake3(parts).as_bytes()[..TEXT_KEY_BYTES]);
    k
}

/// [`TextKey`] of raw parts (normalised here).
pub fn text_key(parts: &[&str]) -> TextKey {
    let normalized: Vec<String> = parts.iter().map(|p| normalize_text(p)).collect();
    let parts: Vec<&str> = normalized.iter().map(String::as_str).collect();
    normalized_key(&parts)
}

/// Lower-case hex of a [`TextKey`] (as the filing keys spell it).
pub fn key_hex(k: &TextKey) -> String {
    k.iter().map(|b| format!("{b:02x}")).collect()
}

/// Words of normalised text with punctuation trimmed.
fn words(normalized: &str) -> Vec<&str> {
    normalized
        .split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// FNV-1a, 64 bit. Written out because the fingerprints are persisted and so need a
/// hash whose output is fixed by definition (std's `DefaultHasher` is not).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.as_bytes().iter().chain(std::iter::once(&b' ')) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The distinct hashes of a text's word shingles, sorted ascending: a sorted vector
/// rather than a hash set because it is built once per article on the ingest hot path
/// (sorting a few hundred integers costs less than hashing each into a set) and
/// compared only by [`jaccard`], a linear merge.
pub type Shingles = Vec<u64>;

/// Hashes of the word shingles of a text (a text shorter than a shingle is one shingle).
pub fn shingles(text: &str) -> Shingles {
    normalized_shingles(&normalize_text(text))
}

/// [`shingles`] of a text already passed through [`normalize_text`].
pub fn normalized_shingles(normalized: &str) -> Shingles {
    let w = words(normalized);
    if w.is_empty() {
        return Vec::new();
    }
    if w.len() < SHINGLE {
        return vec![fnv1a(&w)];
    }
    let mut sh: Shingles = w.windows(SHINGLE).map(fnv1a).collect();
    sh.sort_unstable();
    sh.dedup();
    sh
}

/// Charikar SimHash of a shingle set.
pub fn simhash(sh: &[u64]) -> u64 {
    let mut acc = [0i32; 64];
    for h in sh {
        // Mix once more so that shingle hashes sharing high bits spread out.
        let x = splitmix(*h);
        for (bit, slot) in acc.iter_mut().enumerate() {
            *slot += if x >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    acc.iter().enumerate().fold(0u64, |v, (bit, &c)| if c > 0 { v | 1 << bit } else { v })
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The band keys of a fingerprint: `(band number << 16) | 16-bit band value`.
pub fn bands(simhash: u64) -> [i64; BANDS as usize] {
    let mut out = [0i64; BANDS as usize];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = ((i as i64) << 16) | ((simhash >> (16 * i)) & 0xffff) as i64;
    }
    out
}

/// Jaccard similarity of two shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    // Both sorted and distinct (see [`Shingles`]): count the common hashes by merging.
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// The first normalised characters of a text, used to match lede-only teasers to
/// the articles they announce. `None` for texts too short to be distinctive.
pub fn lede_key(text: &str) -> Option<String> {
    const LEN: usize = 48;
    let n = normalize_text(text);
    if n.chars().count() < LEN {
        return None;
    }
    Some(n.chars().take(LEN).collect())
}

/// Normalised title used to match teasers and revisions.
pub fn title_key(title: &str) -> Option<String> {
    let n = normalize_text(title);
    (!n.is_empty()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typographic_variants_hash_equal() {
        assert_eq!(text_hash(&["Korea\u{2019}s  day"]), text_hash(&["korea's day"]));
        assert_ne!(text_hash(&["a", "b"]), text_hash(&["ab"]));
    }

    #[test]
    fn near_duplicates_are_close_and_strangers_far() {
        let a = "Kim Yong Nam, president of the Presidium of the DPRK Supreme People's Assembly, sent a message of greeting to S. R. Nathan, president of Singapore, on Monday on its 46th national day. Kim in the message wished for the prosperity of Singapore, expressing the belief that the relations of friendship and cooperation between the two countries would continue to develop.";
        let b = a.replace("continue to develop", "continue to develop and grow");
        let c = "A total of 297 people were confirmed dead and two people were missing in the floods that have inundated the upper part of Thailand for almost three months.";
        let (sa, sb, sc) = (shingles(a), shingles(&b), shingles(c));
        assert!(jaccard(&sa, &sb) > 0.8);
        assert!(jaccard(&sa, &sc) < 0.1);
        let d = (simhash(&sa) ^ simhash(&sb)).count_ones();
        let e = (simhash(&sa) ^ simhash(&sc)).count_ones();
        assert!(d < e, "near {d} far {e}");
    }

    #[test]
    fn normalised_once_equals_normalised_each_time() {
        let (t, b) = ("Kim\u{2019}s  Message", "A   delegation\nof the\tCPC arrived.");
        let (nt, nb) = (normalize_text(t), normalize_text(b));
        assert_eq!(normalized_hash(&[&nt, &nb]), text_hash(&[t, b]));
        assert_eq!(normalized_shingles(&nb), shingles(b));
        // Fixed by definition: a change here would orphan every stored fingerprint.
        assert_eq!(
            text_hash(&["korea's day"]),
            "9df779dae5ee4f42722563927cb6dcab75b3e5443ec713f9340064dfb259215e"
        );
    }

    #[test]
    fn shingles_are_sorted_distinct_and_jaccard_counts_them_once() {
        let sh = shingles("the party and the people the party and the people of the country");
        assert!(sh.windows(2).all(|w| w[0] < w[1]), "sorted and distinct: {sh:?}");
        // "the party and", "party and the", "and the people", "the people the",
        // "people the party", "the people of", "people of the", "of the country"
        assert_eq!(sh.len(), 8);
        assert_eq!(jaccard(&sh, &sh), 1.0);
        let half = shingles("the party and the people");
        assert_eq!(half.len(), 3);
        assert!((jaccard(&sh, &half) - 3.0 / 8.0).abs() < 1e-9);
        assert_eq!(jaccard(&half, &sh), jaccard(&sh, &half));
        assert_eq!(jaccard(&[], &[]), 1.0);
        assert_eq!(jaccard(&half, &[]), 0.0);
    }

    #[test]
    fn text_keys_are_the_hash_prefix_the_migration_takes() {
        // Schema 6 turns stored hex hashes into keys with unhex(substr(hash, 1, 32)):
        // a key computed now must equal that of the same text filed before.
        let hex = text_hash(&["korea's day"]);
        assert_eq!(key_hex(&text_key(&["Korea\u{2019}s  day"])), hex[..32]);
        assert_ne!(text_key(&["a", "b"]), text_key(&["ab"]));
    }

    #[test]
    fn bands_partition_the_fingerprint() {
        let b = bands(0x1234_5678_9abc_def0);
        assert_eq!(b[0], 0xdef0);
        assert_eq!(b[3], (3 << 16) | 0x1234);
    }

    #[test]
    fn lede_keys_need_length() {
        assert!(lede_key("short").is_none());
        let t = "The Russian Ambassador to the DPRK hosted a reception at the Club";
        assert_eq!(lede_key(t), lede_key(&format!("{t} on October 11 with many guests")));
    }
}
