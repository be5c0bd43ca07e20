//! CAMEO codes and Goldstein weights for the nine event types.
//!
//! The weights are the Goldstein (1992) scale as distributed with CAMEO 1.1b3 and
//! GDELT 1.0 (`CAMEO.goldsteinscale.txt`); only the codes annalist emits are pinned here.
//! Each value below was checked against a published copy of that file (2026-11-23).

use annalist_model::EventType;

/// (CAMEO code, Goldstein value) pairs from `CAMEO.goldsteinscale.txt`.
const GOLDSTEIN: &[(&str, f32)] = &[
    ("010", 0.0),
    ("017", 0.0),
    ("018", 3.4),
    ("040", 1.0),
    ("042", 1.9),
    ("043", 2.8),
    ("046", 7.0),
    ("051", 3.4),
    ("054", 6.0),
    ("057", 8.0),
    ("110", -2.0),
    ("111", -2.0),
];

/// The default CAMEO code of an event type (ANNOTATION.md's table).
pub fn default_code(t: EventType) -> &'static str {
    match t {
        EventType::Message => "051",
        EventType::Visit => "042",
        EventType::Meeting => "040",
        EventType::Agreement | EventType::Ratification => "057",
        EventType::Reception => "017",
        EventType::RelationsEstablished => "054",
        EventType::Praise => "051",
        EventType::Criticism => "111",
    }
}

/// The Goldstein value of a CAMEO code (0.0 when the code is not pinned).
pub fn goldstein(code: &str) -> f32 {
    GOLDSTEIN.iter().find(|(c, _)| *c == code).map(|p| p.1).unwrap_or(0.0)
}

/// The two-digit root of a CAMEO code ("051" → "05").
pub fn cameo_root(code: &str) -> &str {
    code.get(..2).unwrap_or(code)
}

/// GDELT's quad class of a CAMEO code: 1 verbal cooperation (01–05), 2 material
/// cooperation (06–09), 3 verbal conflict (10–14), 4 material conflict (15–20).
pub fn quad_class(code: &str) -> u8 {
    match cameo_root(code).parse::<u8>().unwrap_or(0) {
        1..=5 => 1,
        6..=9 => 2,
        10..=14 => 3,
        15..=20 => 4,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(cameo_root("051"), "05");
        assert_eq!(quad_class("051"), 1);
        assert_eq!(quad_class("111"), 3);
        assert_eq!(quad_class("057"), 1);
        assert_eq!(goldstein("057"), 8.0);
        assert_eq!(goldstein("111"), -2.0);
        assert_eq!(default_code(EventType::Reception), "017");
    }
}
