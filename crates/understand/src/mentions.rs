//! Entity mentions: knowledge-base names (one Aho-Corasick pass), people the KB does
//! not know (KCNA's "Name, title of …", "Title Name", "led by Name" and Korean name
//! shapes), generic organisations and places (capitalised spans with a head noun),
//! roles resolved by date ("the Russian president"), and the outlet's own state
//! ("our Republic").

use std::collections::HashMap;
use std::sync::LazyLock;

use annalist_model::{Date, EntityKind, Mention};
use regex::Regex;

use crate::kb::Kb;
use crate::text::{boundary_after, boundary_before, floor_char, slug};

/// Korean family names as KCNA romanises them.
const KOREAN_SURNAMES: &[&str] = &[
    "Kim", "Ri", "Pak", "Choe", "Jang", "Kang", "Jon", "O", "U", "Ju", "Mun", "Yang", "Thae", "Hyon", "Yun",
    "Jong", "Ro", "Ku", "Kung", "Pyon", "Nam", "Han", "Hong", "Song", "Paek", "Sin", "Ryu", "Chae", "Cha",
    "Ho", "Hwang", "Tong", "Kye", "Son", "Jo", "Sim", "Ok", "An", "Min", "Rim", "Kwon", "So", "Ko", "Im",
    "Ra", "Pae", "Ryom", "Kil", "Myong", "Ryang", "Jin", "Chon", "Hyang", "Chu", "Yu", "Sok", "Wang", "Kwak",
    "Ryo", "Tak", "Ma", "Pong", "Maeng", "Yon", "Ju", "Om", "Il", "Chang", "Kye", "Sung", "Kal", "Pyo",
    "Chi", "Hae",
];

/// Capitalised words that open a sentence or a title but are not part of a name.
const LEAD_STRIP: &[&str] = &[
    "The",
    "A",
    "An",
    "Then",
    "Also",
    "And",
    "But",
    "Meanwhile",
    "On",
    "In",
    "At",
    "When",
    "After",
    "Before",
    "During",
    "While",
    "Upon",
    "Present",
    "Comrade",
    "Respected",
    "Great",
    "Dear",
    "Beloved",
    "Leader",
    "General",
    "Secretary",
    "President",
    "Vice-President",
    "Premier",
    "Vice-Premier",
    "Vice",
    "Prime",
    "Minister",
    "Foreign",
    "Deputy",
    "First",
    "Executive",
    "Chairman",
    "Chairwoman",
    "Vice-Chairman",
    "Ambassador",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Presidium",
    "Member",
    "Col.",
    "Gen.",
    "Lt.",
    "Maj.",
    "Marshal",
    "Vice-Marshal",
    "Colonel",
    "Major",
    "Lieutenant",
    "Admiral",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "Professor",
    "Sheikh",
    "Emir",
    "Sultan",
    "Secretary-General",
    "Chief",
    "Director",
    "Commander",
    "Supreme",
    "Honorary",
    "Head",
    "Senior",
    "Charge",
    "Envoy",
    "Consul",
    "Governor",
    "Mayor",
    "Speaker",
    "Chancellor",
    "Excellency",
    "His",
    "Her",
    "Madame",
    "Madam",
    "Father",
    "Bishop",
    "Archbishop",
    "Cardinal",
    "Pope",
    "Sir",
    "Lord",
    "Hero",
    "Eternal",
    "Crown",
    "Grand",
    "Generalissimo",
    "Yes",
    "No",
    "If",
    "As",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "He",
    "She",
    "They",
    "We",
    "I",
    "Our",
    "Its",
    "Their",
    "His",
    "Speaking",
    "Noting",
    "Referring",
    "Recalling",
    "Saying",
    "Expressing",
    "Stressing",
    "Present",
    "Seen",
    "Among",
    "Today",
    "Yesterday",
    "Earlier",
    "Later",
];

/// Tokens among [`LEAD_STRIP`] that are titles of a person (evidence of a name after).
const PERSON_TITLES: &[&str] = &[
    "Comrade",
    "Leader",
    "General",
    "Secretary",
    "President",
    "Vice-President",
    "Premier",
    "Vice-Premier",
    "Minister",
    "Chairman",
    "Chairwoman",
    "Vice-Chairman",
    "Ambassador",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Member",
    "Col.",
    "Gen.",
    "Lt.",
    "Maj.",
    "Marshal",
    "Vice-Marshal",
    "Colonel",
    "Major",
    "Lieutenant",
    "Admiral",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "Professor",
    "Sheikh",
    "Emir",
    "Sultan",
    "Secretary-General",
    "Director",
    "Commander",
    "Envoy",
    "Consul",
    "Governor",
    "Mayor",
    "Speaker",
    "Chancellor",
    "Madame",
    "Madam",
    "Bishop",
    "Archbishop",
    "Cardinal",
    "Pope",
    "Sir",
    "Lord",
    "Generalissimo",
    "Head",
];

/// Head nouns of organisation names.
const ORG_HEADS: &[&str] = &[
    "Confederation",
    "Unions",
    "Parties",
    "Associations",
    "Organizations",
    "Organisations",
    "Party",
    "Committee",
    "Commission",
    "Association",
    "Ministry",
    "Embassy",
    "University",
    "Army",
    "Assembly",
    "Council",
    "Federation",
    "Union",
    "League",
    "Society",
    "Front",
    "Agency",
    "Institute",
    "Group",
    "Department",
    "Bureau",
    "Cabinet",
    "Forces",
    "Force",
    "Mill",
    "Factory",
    "Works",
    "Complex",
    "Company",
    "Corporation",
    "Bank",
    "Organization",
    "Organisation",
    "Foundation",
    "Academy",
    "Secretariat",
    "Office",
    "Presidium",
    "Movement",
    "Conference",
    "Government",
    "Navy",
    "Guards",
    "Consulate",
    "Parliament",
    "Congress",
    "Court",
    "Senate",
    "School",
    "College",
    "Troupe",
    "Ensemble",
    "Centre",
    "Center",
    "Service",
    "Enterprise",
    "Network",
    "Alliance",
    "Coalition",
    "Club",
    "Council",
    "Board",
    "Team",
    "Cooperative",
    "Farm",
    "Mine",
    "Plant",
    "Station",
    "Newspaper",
    "Radio",
    "Television",
    "News",
    "Times",
    "Review",
    "Daily",
    "Post",
    "Herald",
    "Tribune",
    "Leadership",
    "Bloc",
    "Khural",
    "Duma",
    "Sejm",
    "Majlis",
    "Hospital",
    "Institution",
    "Command",
    "Headquarters",
    "Staff",
    "Directorate",
    "Administration",
    "Authority",
];

/// Head nouns of place names.
const PLACE_HEADS: &[&str] = &[
    "Hall",
    "Palace",
    "Hill",
    "Square",
    "Spaceport",
    "Cosmodrome",
    "Province",
    "Mt.",
    "Mount",
    "Mountain",
    "Mountains",
    "Islets",
    "Island",
    "Islands",
    "Street",
    "Park",
    "Stadium",
    "Tower",
    "Cemetery",
    "Site",
    "Airport",
    "Bridge",
    "Monument",
    "Museum",
    "Theatre",
    "Theater",
    "House",
    "Peninsula",
    "River",
    "Sea",
    "Ocean",
    "Strait",
    "Port",
    "Harbour",
    "Harbor",
    "Valley",
    "Lake",
    "Region",
    "County",
    "City",
    "Town",
    "District",
    "Village",
    "Statue",
    "Memorial",
    "Gate",
    "Arch",
    "Pavilion",
    "Garden",
    "Gardens",
    "Zoo",
    "Resort",
    "Bay",
    "Base",
];

/// Capitalised words that can never be part of a person's name.
const NOT_NAME: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Juche",
    "Songun",
    "Korea",
    "Korean",
    "Koreans",
    "DPRK",
    "Day",
    "Year",
    "New",
    "National",
    "International",
    "Central",
    "People's",
    "Republic",
    "State",
    "Prize",
    "Order",
    "Medal",
    "Kimilsungia",
    "Kimjongilia",
    "Idea",
    "Socialist",
    "Communist",
    "Democratic",
    "Revolutionary",
    "Anniversary",
    "Birthday",
    "Lunar",
    "West",
    "East",
    "North",
    "South",
    "Western",
    "Eastern",
    "Northern",
    "Southern",
    "Ltd",
    "Inc",
];

/// Words that, as the next capitalised word, make a name part of something else
/// ("Kim Il Sung Prize", "Kim Il Sung Square").
const NAME_CONTINUERS: &[&str] = &[
    "Prize",
    "Order",
    "Medal",
    "University",
    "Square",
    "Street",
    "Stadium",
    "Foundation",
    "Youth",
    "Socialist",
    "Military",
    "Political",
    "Higher",
    "Institute",
    "Peak",
    "Bridge",
    "Statue",
    "Award",
    "Badge",
    "Museum",
    "Library",
    "Hall",
    "Memorial",
    "Era",
    "Chair",
    "Revolutionary",
    "Kimilsungia",
    "Kimjongilia",
    "Birthplace",
    "Flower",
    "Art",
    "School",
];

static TITLE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*,\s*(?:the\s+|a\s+|an\s+|its\s+|his\s+|her\s+)?(?:[A-Z][\w'’.-]*\s+){0,3}(?:first\s+|vice\s+|deputy\s+|executive\s+|senior\s+|acting\s+|honorary\s+|permanent\s+|managing\s+|former\s+|chief\s+|general\s+)*(?:president|vice-president|premier|vice-premier|prime\s+minister|minister|vice-minister|minister-councilor|minister-counsellor|chairman|chairwoman|chairperson|vice-chairman|vice-chairwoman|secretary|secretary-general|general\s+secretary|member|ambassador|director|head|deputy|chief|king|queen|leader|counselor|counsellor|councilor|charge|spokesman|spokeswoman|spokesperson|consul|consul-general|governor|mayor|speaker|representative|envoy|editor|editor-in-chief|professor|rector|commander|founder|coordinator|attache|attaché|officer|manager|lecturer|researcher|journalist|writer|correspondent|delegate|daughter|son|wife|widow|husband|chancellor|emperor|sultan|emir|minister|marshal|colonel|general|lieutenant|captain|vice|national|bishop|patriarch)\b",
    )
    .expect("title regex")
});

static BEFORE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:led|headed|accompanied|received|hosted|greeted|welcomed)\s+by|\b(?:daughter|son|wife|widow|family|husband)\s+of|\b(?:message|letter|greetings?|condolences|congratulations|telegram|card|gift|basket|wreath)\b[^.;]{0,60}?\b(?:to|from)|\b(?:ambassador|envoy|consul|charge\s+d['’]\s*affaires)\b[^,.;]{0,50}?)\s+$",
    )
    .expect("before-name regex")
});

static OUR_STATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[Oo]ur\s+(?:Republic|country|socialist\s+country|state|homeland)\b").expect("our regex")
});

static ROLE_AFTER_COUNTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s+(?P<t>[Pp]resident|[Pp]remier|[Pp]rime\s+[Mm]inister|[Aa]mbassador|[Ff]oreign\s+[Mm]inister|[Kk]ing|[Cc]hairman)\b(?:\s+to\s+(?:the\s+)?(?P<to>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*))?",
    )
    .expect("role regex")
});

static ROLE_BEFORE_COUNTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<pre>(?:^|[.;:]\s+|\b(?:the|from|by|and|with|to)\s+))(?P<t>[Pp]resident|[Pp]remier|[Pp]rime\s+[Mm]inister|[Kk]ing|[Ff]oreign\s+[Mm]inister)\s+of\s+(?:the\s+)?$",
    )
    .expect("role regex")
});

static HONORIFIC_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<h>(?:(?:[Rr]espected|[Gg]reat|[Dd]ear|[Bb]eloved|[Ee]ternal)\s+)?(?:Comrade|[Ll]eader|General\s+Secretary|President|Premier|Chairman|Marshal|Supreme\s+Commander|Generalissimo|Commander|Vice-President|First\s+Vice-President|Presidium\s+Member|Col\.\s+Gen\.|Gen\.|King|Ambassador))\s+$",
    )
    .expect("honorific regex")
});

static HONORIFIC_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*,\s*(?P<h>(?:[Gg]eneral\s+[Ss]ecretary|[Pp]resident|[Cc]hairman|[Pp]remier|[Ss]upreme\s+[Cc]ommander|[Ff]irst\s+[Ss]ecretary|[Vv]ice-[Cc]hairman|[Mm]inister|[Ff]oreign\s+[Mm]inister)[^,;.]{0,80}?)(?:,|;|\.|$| and\s+[a-z])")
        .expect("honorific regex")
});

/// A word token of the body.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    s: &'a str,
    start: usize,
    end: usize,
}

fn tokens(body: &str) -> Vec<Tok<'_>> {
    let b = body.as_bytes();
    let mut out = Vec::with_capacity(body.len() / 5);
    let mut i = 0;
    while i < b.len() {
        let c = body[i..].chars().next().expect("char");
        if c.is_alphanumeric() {
            let start = i;
            let mut j = i;
            for (k, ch) in body[i..].char_indices() {
                if ch.is_alphanumeric() || ch == '-' || ch == '\'' || ch == '’' || ch == '.' {
                    j = i + k + ch.len_utf8();
                } else {
                    break;
                }
            }
            // trailing punctuation that is not part of the word
            let mut end = j;
            while end > start {
                let last = body[..end].chars().next_back().expect("char");
                if last == '-' || last == '\'' || last == '’' {
                    end -= last.len_utf8();
                } else {
                    break;
                }
            }
            if body[start..end].ends_with('.') {
                let w = &body[start..end - 1];
                let keep = w.chars().count() == 1
                    || w.contains('.')
                    || matches!(
                        w,
                        "Col"
                            | "Gen"
                            | "Lt"
                            | "Maj"
                            | "Mt"
                            | "Dr"
                            | "Mr"
                            | "Mrs"
                            | "Ms"
                            | "St"
                            | "Prof"
                            | "Jr"
                            | "Sr"
                    );
                if !keep {
                    end -= 1;
                }
            }
            out.push(Tok { s: &body[start..end], start, end });
            i = j.max(i + c.len_utf8());
        } else {
            i += c.len_utf8();
        }
    }
    out
}

const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Titles and ranks that stand before a name or an "of" phrase ("Chairman of the
/// Central Committee", "Vice-Marshal … Kim Yong Chun"). They become attributes of the
/// person, never part of an entity id.
const TITLE_WORDS: &[&str] = &[
    "Comrade",
    "Chairman",
    "Chairwoman",
    "Chairperson",
    "Vice-Chairman",
    "Vice-Chairwoman",
    "President",
    "Vice-President",
    "Premier",
    "Vice-Premier",
    "Minister",
    "Vice-Minister",
    "Secretary",
    "Secretary-General",
    "Director",
    "Director-General",
    "Marshal",
    "Vice-Marshal",
    "Commander",
    "Commander-in-Chief",
    "Chief",
    "Ambassador",
    "Professor",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Mr",
    "Mrs",
    "Dr",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Sheikh",
    "Colonel",
    "Lieutenant",
    "Captain",
    "Admiral",
    "Vice-Admiral",
    "Col.",
    "Gen.",
    "Lt.",
    "Maj.",
    "Editor-in-Chief",
    "Spokesman",
];

/// Words that qualify a following title ("First Vice-Chairman", "Prime Minister",
/// "General Secretary", "Supreme Commander"); alone they open ordinary names.
const TITLE_MODIFIERS: &[&str] = &[
    "First",
    "Vice",
    "Deputy",
    "Senior",
    "Executive",
    "Acting",
    "Honorary",
    "Emeritus",
    "Prime",
    "Foreign",
    "General",
    "Supreme",
    "Permanent",
    "Former",
    "Respected",
    "Great",
    "Dear",
    "Beloved",
    "Leader",
];

/// How many tokens at the start of `st` are a title ("Vice-Marshal", "General
/// Secretary", "First Vice-Premier"); 0 when it does not open with one.
fn is_title(w: &str) -> bool {
    TITLE_WORDS.iter().any(|t| t.eq_ignore_ascii_case(w))
}

fn title_run(st: &[Tok<'_>]) -> usize {
    let mut a = 0;
    let mut j = 0;
    while j < st.len() {
        if is_title(st[j].s) {
            j += 1;
            a = j;
        } else if TITLE_MODIFIERS.contains(&st[j].s) {
            j += 1;
        } else {
            break;
        }
    }
    a
}

/// A capitalised token that ends (or cannot open) an organisation or place name: a
/// weekday, or a month that is not the start of a dated name ("February 8 Vinalon
/// Complex", "June 15 Joint Declaration").
fn breaks_name(body: &str, toks: &[Tok<'_>], k: usize) -> bool {
    let w = toks[k].s;
    if WEEKDAYS.contains(&w) {
        return true;
    }
    if MONTHS.contains(&w) {
        let spaced = |a: usize| toks.get(a + 1).is_some_and(|n| &body[toks[a].end..n.start] == " ");
        let num = spaced(k)
            && toks.get(k + 1).is_some_and(|t| t.s.len() <= 2 && t.s.bytes().all(|b| b.is_ascii_digit()));
        let cap = spaced(k + 1)
            && toks.get(k + 2).is_some_and(|t| {
                is_cap(t.s) && !WEEKDAYS.contains(&t.s) && !MONTHS.contains(&t.s) && t.s != "Juche"
            });
        return !(num && cap);
    }
    false
}

fn is_cap(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

fn name_like(s: &str) -> bool {
    if NOT_NAME.contains(&s) || ORG_HEADS.contains(&s) || PLACE_HEADS.contains(&s) {
        return false;
    }
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest: String = chars.collect();
    if rest == "." {
        return true; // initial
    }
    if rest.is_empty() {
        return s == "O" || s == "U"; // Korean one-letter surnames
    }
    // mostly lower case after the first letter (allow Al-Assad, McDonald, O'Neil)
    let upper = rest.chars().filter(|c| c.is_uppercase()).count();
    let digits = rest.chars().any(|c| c.is_ascii_digit());
    !digits && upper <= 2 && !rest.ends_with('.') && rest.chars().any(char::is_lowercase)
}

/// Whether only spaces separate two byte positions.
fn only_space(body: &str, a: usize, b: usize) -> bool {
    a <= b && body[a..b].chars().all(|c| c == ' ') && b - a <= 2
}

/// Everything found in one body.
pub(crate) struct Found {
    pub mentions: Vec<Mention>,
}

/// Finds the mentions of `body`. `anchor` is the date used to resolve roles.
#[cfg(test)]
pub(crate) fn find(kb: &Kb, body: &str, outlet_state: Option<&str>, anchor: Option<Date>) -> Found {
    let mut f = find_inner(kb, body, outlet_state);
    finish(kb, body, &mut f, outlet_state, anchor);
    f
}

fn find_inner(kb: &Kb, body: &str, outlet_state: Option<&str>) -> Found {
    let mut ms: Vec<Mention> = Vec::new();
    // 1. knowledge-base names
    for m in kb.ac.find_iter(body) {
        let (s, e) = (m.start(), m.end());
        if !boundary_before(body, s) || !boundary_after(body, e) {
            continue;
        }
        let p = kb.patterns[m.pattern().as_usize()];
        let text = &body[s..e];
        if p.exact_case && text != kb.pattern_text[m.pattern().as_usize()] {
            continue;
        }
        if p.cap_first && !is_cap(text) {
            continue;
        }
        let ent = kb.entity_at(p.entity);
        if ent.kind == EntityKind::Person {
            // "Kim Il Sung Prize", "Kim Il Sung University": part of another name
            let next = body[e..].trim_start_matches(' ');
            let next_word = next.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            if e < body.len() && body.as_bytes()[e] == b' ' && NAME_CONTINUERS.contains(&next_word) {
                continue;
            }
            if text.split(' ').count() == 1 && next.starts_with(|c: char| c.is_uppercase()) {
                // a lone surname followed by another capitalised word is someone else
                let nw = next_word;
                if name_like(nw) && !LEAD_STRIP.contains(&nw) && body.as_bytes()[e] == b' ' {
                    continue;
                }
            }
        }
        ms.push(Mention {
            id: ent.id.clone(),
            kind: ent.kind,
            country: ent.country.clone(),
            surface: text.to_string(),
            start: s,
            end: e,
            attributes: Vec::new(),
            known: true,
        });
    }
    // "our Republic" → the outlet's state
    if let Some(st) = outlet_state {
        for m in OUR_STATE.find_iter(body) {
            if ms.iter().any(|x| x.start < m.end() && m.start() < x.end) {
                continue;
            }
            ms.push(Mention {
                id: st.to_string(),
                kind: EntityKind::Country,
                country: Some(st.to_string()),
                surface: m.as_str().to_string(),
                start: m.start(),
                end: m.end(),
                attributes: Vec::new(),
                known: true,
            });
        }
    }
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));

    let toks = tokens(body);
    // 2. generic organisations and places
    let generic = generic_names(kb, body, &toks, &ms, outlet_state);
    // 3. people the KB does not know
    let people = unknown_people(kb, body, &toks, &ms, &generic, outlet_state);
    ms.extend(generic);
    ms.extend(people);
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    Found { mentions: ms }
}

/// Adds the role mentions resolved on `anchor`, harmonises spellings and collects
/// honorifics. Called once per body, after the anchor date is known.
pub(crate) fn finish(kb: &Kb, body: &str, f: &mut Found, outlet_state: Option<&str>, anchor: Option<Date>) {
    let ms = &mut f.mentions;
    if let Some(a) = anchor {
        let roles = role_mentions(kb, body, ms, a, outlet_state);
        ms.extend(roles);
    }
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    harmonise_spellings(kb, ms);
    for m in ms.iter_mut().filter(|m| m.kind == EntityKind::Person) {
        m.attributes = honorifics(body, m.start, m.end);
    }
}

/// Mentions without date-dependent roles (see [`finish`]).
pub(crate) fn find_base(kb: &Kb, body: &str, outlet_state: Option<&str>) -> Found {
    find_inner(kb, body, outlet_state)
}

/// Byte ranges covered by mentions, for overlap checks.
fn overlaps(ms: &[Mention], s: usize, e: usize) -> bool {
    ms.iter().any(|m| m.start < e && s < m.end)
}

fn country_in(ms: &[Mention], s: usize, e: usize) -> Option<String> {
    ms.iter().filter(|m| m.start >= s && m.end <= e).find_map(|m| m.country.clone())
}

/// Generic organisation and place names: capitalised spans (with "of", "the", "for",
/// "and" between capitalised words) containing a head noun.
fn generic_names(
    kb: &Kb,
    body: &str,
    toks: &[Tok<'_>],
    kbm: &[Mention],
    outlet_state: Option<&str>,
) -> Vec<Mention> {
    const CONNECT: &[&str] = &["of", "the", "for", "and", "on", "in", "de", "del", "la", "des", "du"];
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_cap(toks[i].s) || breaks_name(body, toks, i) {
            i += 1;
            continue;
        }
        // grow a span
        let mut j = i; // last capitalised token included
        let mut k = i + 1;
        while k < toks.len() {
            let gap = &body[toks[k - 1].end..toks[k].start];
            // "Communist Workers' Party": a plural possessive inside the name
            // ("Workers' Party of Korea", a known name, is the knowledge base's)
            let possessive = (gap == "' " || gap == "\u{2019} ")
                && is_cap(toks[k - 1].s)
                && toks[k - 1].s.ends_with('s')
                && !kbm.iter().any(|m| m.start <= toks[k - 1].start && toks[k - 1].end <= m.end);
            let gap_ok = gap == " "
                || gap == "-"
                || possessive
                || (toks[k - 1].s == "C.C." && gap == ", ")
                || (gap == " (" && is_cap(toks[k].s));
            if !gap_ok {
                break;
            }
            if is_cap(toks[k].s) {
                if breaks_name(body, toks, k) {
                    break; // "… Army on Wednesday", "… Assembly in March"
                }
                if gap == " (" {
                    // "(Communist)" after a head noun belongs to the name; acronyms do not
                    let close = body[toks[k].end..].starts_with(')');
                    let acronym = toks[k].s.chars().all(|c| !c.is_lowercase());
                    if !close || acronym {
                        break;
                    }
                }
                j = k;
                k += 1;
            } else if CONNECT.contains(&toks[k].s)
                || (toks[k].s.chars().all(|c| c.is_ascii_digit())
                    && toks.get(k + 1).is_some_and(|n| is_cap(n.s)))
            {
                k += 1;
            } else {
                break;
            }
        }
        let span_toks = &toks[i..=j];
        i = j + 1;
        // strip leading function words and "DPRK"
        let mut a = 0;
        while a < span_toks.len()
            && matches!(span_toks[a].s, "The" | "A" | "An" | "DPRK" | "In" | "On" | "At" | "Also" | "Then")
        {
            a += 1;
        }
        let st = &span_toks[a..];
        if st.len() < 2 {
            continue;
        }
        emit_generic(kb, body, st, kbm, outlet_state, &mut out, 0);
    }
    // "Vietnamese embassy", "DPRK embassy in Brasilia"
    for m in kbm.iter().filter(|m| m.kind == EntityKind::Country) {
        let rest = &body[m.end..];
        let Some(after) = rest.strip_prefix(" embassy") else {
            continue;
        };
        if !boundary_after(body, m.end + 8) {
            continue;
        }
        let mut end = m.end + 8;
        let mut name = format!("{} embassy", m.surface);
        if let Some(place) = kbm
            .iter()
            .find(|p| p.kind == EntityKind::Place && p.start == m.end + 8 + 4 && after.starts_with(" in "))
        {
            end = place.end;
            name = format!("{name} in {}", place.surface);
        }
        if overlaps(&out, m.start, end) {
            continue;
        }
        // "the DPRK embassy" after "the DPRK embassy in Phnom Penh": the same embassy
        let mut id = slug(&name);
        if end == m.end + 8 {
            let prefix = format!("{id}-in-");
            if let Some(full) = out.iter().find(|o| o.id.starts_with(&prefix)) {
                id = full.id.clone();
            }
        }
        out.push(Mention {
            id,
            kind: EntityKind::Organization,
            country: m.country.clone(),
            surface: body[m.start..end].to_string(),
            start: m.start,
            end,
            attributes: Vec::new(),
            known: false,
        });
    }
    out
}

fn emit_generic(
    kb: &Kb,
    body: &str,
    st: &[Tok<'_>],
    kbm: &[Mention],
    outlet_state: Option<&str>,
    out: &mut Vec<Mention>,
    depth: u8,
) {
    // trim trailing connectors
    let mut n = st.len();
    while n > 0 && !is_cap(st[n - 1].s) {
        n -= 1;
    }
    // "… of the Cambodian" (government): a trailing demonym is not part of the name
    while n > 2
        && kbm.iter().any(|m| {
            m.kind == EntityKind::Country
                && m.start <= st[n - 1].start
                && st[n - 1].end <= m.end
                && !m.surface.contains(' ')
                && kb.entity(&m.id).is_some_and(|x| x.demonyms.contains(&m.surface))
        })
    {
        n -= 1;
        while n > 0 && !is_cap(st[n - 1].s) {
            n -= 1;
        }
    }
    let st = &st[..n];
    if st.len() < 2 || depth > 6 {
        return;
    }
    // a title opening the span is not part of a name: read what it governs
    // ("Chairman of the X" → X; "President Kim Il Sung and the Y" → the rest)
    let a = title_run(st);
    if a > 0 {
        let mut q = a;
        while q < st.len() && matches!(st[q].s, "of" | "the" | "and") {
            q += 1;
        }
        if q < st.len() {
            emit_generic(kb, body, &st[q..], kbm, outlet_state, out, depth + 1);
        }
        return;
    }
    let person_at = |s: usize| kbm.iter().find(|m| m.kind == EntityKind::Person && m.start == s);
    // a known person opening the span and joined to the rest by a connector
    // ("Kim Il Sung and the Kuwait-DPRK Friendship Association", "… in Hamhung City")
    if let Some(p) = person_at(st[0].start) {
        let mut q = st.iter().position(|t| t.start >= p.end).unwrap_or(st.len());
        if q < st.len() && matches!(st[q].s, "and" | "in" | "on" | "at" | "of" | "for") {
            while q < st.len() && !is_cap(st[q].s) {
                q += 1;
            }
            emit_generic(kb, body, &st[q..], kbm, outlet_state, out, depth + 1);
            return;
        }
    }
    // a known person closing the span in apposition ("… Defence Commission Kim Jong
    // Il", "… Association and Kim Yong Nam"); "Centenary of Birth of Kim Il Sung" keeps it
    if let Some(p) = kbm
        .iter()
        .find(|m| m.kind == EntityKind::Person && m.end == st[st.len() - 1].end && m.start > st[0].start)
        && let Some(mut p0) = st.iter().position(|t| t.start == p.start)
    {
        while p0 > 0 && (is_title(st[p0 - 1].s) || TITLE_MODIFIERS.contains(&st[p0 - 1].s)) {
            p0 -= 1;
        }
        let prev = if p0 > 0 { st[p0 - 1].s } else { "" };
        if !matches!(prev, "of" | "for" | "After" | "Named" | "the") {
            emit_generic(kb, body, &st[..p0], kbm, outlet_state, out, depth + 1);
            return;
        }
    }
    // two names coordinated ("the X Mill and the Y Mill", "X and the Secretary-General of
    // Y"): each is its own entity
    let has_head = |x: &[Tok<'_>]| x.iter().any(|t| ORG_HEADS.contains(&t.s) || PLACE_HEADS.contains(&t.s));
    if let Some(p) = st.iter().position(|t| t.s == "and")
        && p > 0
    {
        let mut q = p + 1;
        while q < st.len() && st[q].s == "the" {
            q += 1;
        }
        let (left, right) = (&st[..p], &st[q..]);
        if !right.is_empty() && (title_run(right) > 0 || (has_head(left) && has_head(right))) {
            emit_generic(kb, body, left, kbm, outlet_state, out, depth + 1);
            emit_generic(kb, body, right, kbm, outlet_state, out, depth + 1);
            return;
        }
    }
    let head_org = st.iter().any(|t| ORG_HEADS.contains(&t.s));
    let head_place = st.iter().rposition(|t| PLACE_HEADS.contains(&t.s));
    let last_org = st.iter().rposition(|t| ORG_HEADS.contains(&t.s));
    let first_head_org = st.len() > 2 && ORG_HEADS.contains(&st[0].s) && st[1].s == "of";
    let kind = match (last_org, head_place) {
        _ if first_head_org => EntityKind::Organization,
        (Some(o), Some(p)) if p > o => EntityKind::Place,
        (Some(_), _) => EntityKind::Organization,
        (None, Some(_)) => EntityKind::Place,
        _ => return,
    };
    let _ = head_org;
    // a name in apposition after the head ("… Friendship Group Eddie Kekana"): the
    // organisation ends at its head
    if kind == EntityKind::Organization
        && let Some(lh) = last_org
        && st.len() - lh > 2
        && st[lh + 1..].iter().all(|t| name_like(t.s) && !is_title(t.s))
    {
        emit_generic(kb, body, &st[..=lh], kbm, outlet_state, out, depth + 1);
        return;
    }
    let head_tok = match kind {
        EntityKind::Place => head_place.map(|p| st[p]),
        _ => last_org.map(|p| st[p]),
    };
    if let Some(h) = head_tok
        && kbm.iter().any(|m| {
            matches!(m.kind, EntityKind::Country | EntityKind::Place) && m.start <= h.start && h.end <= m.end
        })
    {
        return;
    }
    let (s, e) = (st[0].start, st[st.len() - 1].end);
    let e = if body[e..].starts_with(')') { e + 1 } else { e };
    let surface = &body[s..e];
    // the knowledge base already knows exactly this name
    if kbm.iter().any(|m| m.start == s && m.end == e) {
        return;
    }
    // a KB person or state that covers the whole span is not an organisation
    if kbm.iter().any(|m| m.start <= s && m.end >= e) {
        return;
    }
    let id_text = surface
        .replace("C.C., the ", "Central Committee of the ")
        .replace("C.C., ", "Central Committee of the ")
        .replace("C.C. of the ", "Central Committee of the ");
    let id = slug(&id_text);
    // "… of Korean Residents in Japan": an organisation is of the state it is in
    let located = kbm
        .iter()
        .filter(|m| m.start >= s && m.end <= e && m.kind == EntityKind::Country)
        .find(|m| body[..m.start].ends_with(" in "))
        .and_then(|m| m.country.clone())
        .or_else(|| {
            // KCNA writes the ROK lower-case: "the south Korean Confederation of …"
            let w = &body[floor_char(body, s.saturating_sub(6))..s];
            (st[0].s == "Korean" && w.eq_ignore_ascii_case("south ")).then(|| "kor".to_string())
        })
        .or_else(|| {
            // "south Korean Confederation …": a demonym that opens the name
            kbm.iter()
                .find(|m| m.kind == EntityKind::Country && m.start < s && m.end > s)
                .and_then(|m| m.country.clone())
        });
    let country = if kind == EntityKind::Organization {
        located.or_else(|| country_in(kbm, s, e)).or_else(|| {
            // nearest state named before it in the sentence, else the outlet's
            let sent_start = body[..s].rfind(['.', '\n']).map_or(0, |p| p + 1);
            kbm.iter()
                .rev()
                .filter(|m| m.end <= s && m.start >= sent_start)
                .find_map(|m| m.country.clone())
                .or_else(|| outlet_state.map(String::from))
        })
    } else {
        country_in(kbm, s, e).or_else(|| {
            kbm.iter()
                .find(|m| m.kind == EntityKind::Place && m.start >= s && m.end <= e)
                .and_then(|m| kb.entity(&m.id).and_then(|x| x.country.clone()))
        })
    };
    if !out.iter().any(|m| m.start == s && m.end == e) {
        out.push(Mention {
            id,
            kind,
            country,
            surface: surface.to_string(),
            start: s,
            end: e,
            attributes: Vec::new(),
            known: false,
        });
    }
    // nested: "A of (the) B" where B is itself a name
    if let Some(p) = st.iter().position(|t| t.s == "of") {
        let mut q = p + 1;
        while q < st.len() && st[q].s == "the" {
            q += 1;
        }
        if q < st.len() {
            emit_generic(kb, body, &st[q..], kbm, outlet_state, out, depth + 1);
        }
    } else if let Some(p) = st.iter().position(|t| t.s == "C.C.") {
        // "… of the C.C., the Communist Party of China"
        let mut q = p + 1;
        while q < st.len() && st[q].s == "the" {
            q += 1;
        }
        if q < st.len() {
            emit_generic(kb, body, &st[q..], kbm, outlet_state, out, depth + 1);
        }
    }
}

/// "German Ambassador to the DPRK Gerhard Thiedemann": the state after "to" is where
/// the title is held; the person is of the state named before the title.
fn sender_state<'m>(body: &str, kbm: &'m [Mention], m: &'m Mention) -> &'m Mention {
    let pre = body[..m.start].trim_end_matches("the ").trim_end();
    if !pre.ends_with(" to") {
        return m;
    }
    let to_at = pre.len() - 3;
    kbm.iter()
        .rev()
        .find(|x| x.kind == EntityKind::Country && x.end <= to_at && x.end + 40 >= to_at)
        .filter(|x| {
            body[x.end..to_at].split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase))
        })
        .unwrap_or(m)
}

/// People the knowledge base does not know.
fn unknown_people(
    kb: &Kb,
    body: &str,
    toks: &[Tok<'_>],
    kbm: &[Mention],
    generic: &[Mention],
    outlet_state: Option<&str>,
) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_cap(toks[i].s) || overlaps(kbm, toks[i].start, toks[i].end) {
            i += 1;
            continue;
        }
        // a run of capitalised tokens separated by single spaces, outside KB mentions
        let mut j = i;
        while j + 1 < toks.len()
            && only_space(body, toks[j].end, toks[j + 1].start)
            && is_cap(toks[j + 1].s)
            && !overlaps(kbm, toks[j + 1].start, toks[j + 1].end)
        {
            j += 1;
        }
        let run = &toks[i..=j];
        i = j + 1;
        let mut a = 0;
        let mut titles: Vec<&str> = Vec::new();
        while a < run.len() && (LEAD_STRIP.contains(&run[a].s) || is_title(run[a].s)) {
            titles.push(run[a].s);
            a += 1;
        }
        // "… of its Supreme Council Vasile Orleanu": the name is the run's name-like tail
        let tail = run[a..].iter().rposition(|t| !name_like(t.s)).map_or(a, |p| a + p + 1);
        let name = &run[tail..];
        if name.len() < 2 || name.len() > 5 || !name.iter().all(|t| name_like(t.s)) {
            continue;
        }
        let (s, e) = (name[0].start, name[name.len() - 1].end);
        if overlaps(generic, s, e) {
            continue;
        }
        // the run must end the capitalised sequence (not "Kim Chaek University")
        let after = &body[e..];
        let next_word =
            after.trim_start_matches(' ').split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        if after.starts_with(' ') && NAME_CONTINUERS.contains(&next_word) {
            continue;
        }
        let korean = (name.len() == 3 || name.len() == 2)
            && KOREAN_SURNAMES.contains(&name[0].s)
            && name[1..].iter().all(|t| t.s.len() <= 6 && !t.s.contains('-'));
        let korean_evidence = korean && name.len() == 3;
        let titled = titles.iter().any(|t| PERSON_TITLES.contains(t) || is_title(t));
        let before = &body[floor_char(body, s.saturating_sub(80))..s];
        let titled_after = TITLE_AFTER.is_match(after);
        let led_by = BEFORE_NAME.is_match(before) || crate::text::led_by(before);
        // directly after a state's name or demonym and a title ("Venezuelan President X")
        let after_demonym =
            a > 0 && kbm.iter().any(|m| m.kind == EntityKind::Country && m.end + 1 == run[0].start);
        if !(korean_evidence || titled || titled_after || led_by || after_demonym) {
            continue;
        }
        let surface = &body[s..e];
        // country: demonym/state right before, the title after, Korean shape, context
        let demonym_before = kbm
            .iter()
            .rev()
            .find(|m| m.end <= s && m.end + 40 >= s && m.kind == EntityKind::Country)
            .filter(|m| {
                let gap = &body[m.end..s];
                gap.split(' ')
                    .filter(|w| !w.is_empty())
                    .all(|w| LEAD_STRIP.contains(&w) || w.chars().next().is_some_and(char::is_uppercase))
            })
            .map(|m| sender_state(body, kbm, m))
            .and_then(|m| m.country.clone());
        let title_country = if titled_after { title_window_country(body, e, kbm, generic) } else { None };
        let context_country = || {
            let sent_start = body[..s].rfind(['.', '\n']).map_or(0, |p| p + 1);
            out.iter()
                .chain(kbm.iter())
                .chain(generic.iter())
                .filter(|m| m.end <= s && m.start >= sent_start && m.country.is_some())
                .max_by_key(|m| m.end)
                .and_then(|m| m.country.clone())
        };
        let foreign_after = || {
            let rest_end = body[e..].find(['.', ';', ',', '\n']).map_or(body.len(), |p| e + p);
            kbm.iter()
                .filter(|m| m.start >= e && m.end <= rest_end && m.kind == EntityKind::Country)
                .filter_map(|m| m.country.clone())
                .find(|c| Some(c.as_str()) != outlet_state)
        };
        let country = demonym_before
            .or(title_country)
            .or_else(|| korean.then(|| outlet_state.unwrap_or("prk").to_string()))
            .or_else(|| context_country().filter(|c| Some(c.as_str()) != outlet_state))
            .or_else(foreign_after)
            .or_else(context_country)
            .or_else(|| outlet_state.map(String::from));
        let _ = kb;
        out.push(Mention {
            id: slug(surface),
            kind: EntityKind::Person,
            country,
            surface: surface.to_string(),
            start: s,
            end: e,
            attributes: Vec::new(),
            known: false,
        });
    }
    out
}

/// The state named in the title after a name: ", president of Guyana",
/// ", Chinese ambassador to the DPRK" (the demonym, not the host state).
fn title_window_country(body: &str, e: usize, kbm: &[Mention], generic: &[Mention]) -> Option<String> {
    let rest = &body[e..];
    // the appositive: from the comma after the name to the next comma (not "C.C.,")
    let mut cut = rest.len().min(200);
    let mut seen_comma = false;
    for (k, ch) in rest.char_indices() {
        if k >= 200 {
            break;
        }
        if matches!(ch, ';' | '\n') || (ch == '.' && !rest[..k].ends_with("C.C")) {
            cut = k;
            break;
        }
        if ch == ',' {
            if !seen_comma {
                seen_comma = true;
                continue;
            }
            if rest[..k].ends_with("C.C.") {
                continue;
            }
            cut = k;
            break;
        }
    }
    let (ws, we) = (e, e + cut);
    let mut cands: Vec<&Mention> = kbm
        .iter()
        .chain(generic.iter())
        .filter(|m| m.start >= ws && m.end <= we && m.country.is_some())
        .collect();
    cands.sort_by_key(|m| m.start);
    cands
        .into_iter()
        .find(|m| {
            let pre = body[..m.start].trim_end();
            !(pre.ends_with(" to") || pre.ends_with(" to the") || pre.ends_with("in"))
        })
        .and_then(|m| m.country.clone())
}

/// "the Russian president", "Russian Ambassador to the DPRK", "President of Russia":
/// the KB person holding that role on `anchor`.
fn role_mentions(
    kb: &Kb,
    body: &str,
    ms: &[Mention],
    anchor: Date,
    outlet_state: Option<&str>,
) -> Vec<Mention> {
    let mut out = Vec::new();
    for m in ms.iter().filter(|m| m.kind == EntityKind::Country) {
        let Some(state) = m.country.as_deref() else {
            continue;
        };
        // Demonym/state + title, not followed by a name
        if let Some(c) = ROLE_AFTER_COUNTRY.captures(&body[m.end..]) {
            let t = c.name("t").expect("t");
            let tail_end = m.end + c.get(0).expect("0").end();
            let to_state = c.name("to").and_then(|to| {
                let abs = m.end + to.start();
                ms.iter()
                    .find(|x| x.start == abs && x.kind == EntityKind::Country)
                    .and_then(|x| x.country.clone())
            });
            let after_title = &body[m.end + t.end()..];
            let named_after = {
                let w: &str = after_title.trim_start_matches(' ').split(' ').next().unwrap_or("");
                after_title.starts_with(' ') && name_like(w)
            } || ms
                .iter()
                .any(|x| x.kind == EntityKind::Person && x.start >= tail_end && x.start <= tail_end + 1);
            if named_after {
                continue;
            }
            let title = t.as_str().to_lowercase().replace(char::is_whitespace, " ");
            let to = if title == "ambassador" {
                to_state.or_else(|| outlet_state.map(String::from))
            } else {
                None
            };
            if to.as_deref() == Some(state) {
                continue;
            }
            let end = if title == "ambassador" { tail_end } else { m.end + t.end() };
            if let Some(p) = kb.role_holder(&title, state, to.as_deref(), anchor) {
                let start = if body[..m.start].ends_with("the ") { m.start - 4 } else { m.start };
                out.push(Mention {
                    id: p.id.clone(),
                    kind: EntityKind::Person,
                    country: p.country.clone(),
                    surface: body[start..end].to_string(),
                    start,
                    end,
                    attributes: vec![title.clone()],
                    known: true,
                });
            }
            continue;
        }
        // Title of (the) State, not in apposition to a name
        let before = &body[floor_char(body, m.start.saturating_sub(40))..m.start];
        if let Some(c) = ROLE_BEFORE_COUNTRY.captures(before) {
            let t = c.name("t").expect("t");
            let title = t.as_str().to_lowercase().replace(char::is_whitespace, " ");
            let start = m.start - before.len() + t.start();
            if let Some(p) = kb.role_holder(&title, state, None, anchor) {
                if ms.iter().any(|x| x.kind == EntityKind::Person && x.end <= start && x.end + 3 >= start) {
                    continue;
                }
                out.push(Mention {
                    id: p.id.clone(),
                    kind: EntityKind::Person,
                    country: p.country.clone(),
                    surface: body[start..m.end].to_string(),
                    start,
                    end: m.end,
                    attributes: vec![title],
                    known: true,
                });
            }
        }
    }
    out
}

/// A person written under a spelling variant in this body is exported under that
/// spelling throughout (the guide's "slug of the full name as the outlet writes it").
fn harmonise_spellings(kb: &Kb, ms: &mut [Mention]) {
    let mut written: HashMap<String, String> = HashMap::new();
    for m in ms.iter().filter(|m| m.kind == EntityKind::Person && m.known) {
        if let Some(e) = kb.entity(&m.id) {
            let is_name = e.names.iter().any(|n| n.eq_ignore_ascii_case(&m.surface));
            if is_name && m.surface.contains(' ') {
                written.entry(e.canonical_id().to_string()).or_insert_with(|| m.id.clone());
            }
        }
    }
    for m in ms.iter_mut().filter(|m| m.kind == EntityKind::Person && m.known) {
        if let Some(e) = kb.entity(&m.id)
            && let Some(w) = written.get(e.canonical_id())
        {
            m.id = w.clone();
        }
    }
}

/// Honorifics and titles around a person mention.
fn honorifics(body: &str, s: usize, e: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = s.saturating_sub(48);
    while !body.is_char_boundary(from) {
        from += 1;
    }
    if let Some(c) = HONORIFIC_BEFORE.captures(&body[from..s]) {
        out.push(c["h"].to_string());
    }
    if let Some(c) = HONORIFIC_AFTER.captures(&body[e..]) {
        out.push(c["h"].trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(String, Option<String>)> {
        let kb = Kb::builtin().unwrap();
        let f = find(&kb, text, Some("prk"), Some("2011-11-09".parse().unwrap()));
        let mut v: Vec<(String, Option<String>)> =
            f.mentions.iter().map(|m| (m.id.clone(), m.country.clone())).collect();
        v.dedup();
        v
    }

    fn has(v: &[(String, Option<String>)], id: &str, c: Option<&str>) -> bool {
        v.iter().any(|(i, cc)| i == id && cc.as_deref() == c)
    }

    #[test]
    fn kb_names_demonyms_and_case() {
        let v = ids(
            "The DPRK-Russia friendship forged in the anti-Japanese war. Let us go. The US and the U.S. met.",
        );
        assert!(has(&v, "prk", Some("prk")));
        assert!(has(&v, "rus", Some("rus")));
        assert!(has(&v, "jpn", Some("jpn")));
        assert!(has(&v, "usa", Some("usa")));
    }

    #[test]
    fn unknown_people_from_titles() {
        let v =
            ids("Kim Yong Nam received a message of condolences from Donald Ramotar, president of Guyana.");
        assert!(has(&v, "donald-ramotar", Some("guy")), "{v:?}");
        let v = ids(
            "A delegation of the Korean People's Internal Security Forces led by Col. Gen. Ri Thae Chol left here.",
        );
        assert!(has(&v, "ri-thae-chol", Some("prk")), "{v:?}");
        let v = ids(
            "Present there were Liu Hongcai, Chinese ambassador to the DPRK, and Kim Song Gi, vice-minister of Foreign Affairs.",
        );
        assert!(has(&v, "liu-hongcai", Some("chn")), "{v:?}");
        assert!(has(&v, "kim-song-gi", Some("prk")), "{v:?}");
        let v =
            ids("He met Frederick Musiiwa Makamure Shava, Zimbabwean ambassador to the DPRK, at the hall.");
        assert!(has(&v, "frederick-musiiwa-makamure-shava", Some("zwe")), "{v:?}");
        let v = ids("It was sent to S. R. Nathan, president of Singapore, on Monday.");
        assert!(has(&v, "s-r-nathan", Some("sgp")), "{v:?}");
    }

    #[test]
    fn plural_possessives_and_embassies() {
        let v = ids("In a joint statement the Communist Workers' Party of Belarus said that it was so.");
        assert!(has(&v, "communist-workers-party-of-belarus", Some("blr")), "{v:?}");
        // a lower-case possessive does not join two names
        let v = ids("The Communist Party of Cuba and the workers' Union of Cuba");
        assert!(!v.iter().any(|(id, _)| id.contains("workers")), "{v:?}");
        let v = ids(
            "He sent a basket to the DPRK embassy in Phnom Penh. A delegation visited the DPRK embassy on Sept. 6.",
        );
        assert!(has(&v, "dprk-embassy-in-phnom-penh", Some("prk")), "{v:?}");
        assert!(!v.iter().any(|(id, _)| id == "dprk-embassy"), "{v:?}");
    }

    #[test]
    fn generic_organisations_and_places() {
        let v = ids(
            "Talks were held between the Central Committee of the Fatherland Front of Vietnam and others.",
        );
        assert!(has(&v, "central-committee-of-the-fatherland-front-of-vietnam", Some("vnm")), "{v:?}");
        assert!(has(&v, "fatherland-front-of-vietnam", Some("vnm")), "{v:?}");
        let v = ids("A delegation of the Party for Free Motherland of Brazil visited Mangyong Hill.");
        assert!(has(&v, "party-for-free-motherland-of-brazil", Some("bra")), "{v:?}");
        assert!(v.iter().any(|(i, _)| i == "mangyong-hill"), "{v:?}");
        let v = ids("He visited the DPRK embassy in Brasilia on Dec. 23.");
        assert!(has(&v, "dprk-embassy-in-brasilia", Some("prk")), "{v:?}");
    }

    #[test]
    fn roles_resolve_by_date() {
        let kb = Kb::builtin().unwrap();
        let body = "Kim Jong Il received a message from Russian President D. Medvedev. The message wished the Russian president good health.";
        let f = find(&kb, body, Some("prk"), Some("2011-04-15".parse().unwrap()));
        assert!(f.mentions.iter().filter(|m| m.id == "dmitri-medvedev").count() == 2);
        let body = "The Russian Ambassador to the DPRK hosted a reception. Russian Ambassador Alexandr Matsegora made a speech.";
        let f = find(&kb, body, Some("prk"), Some("2024-10-11".parse().unwrap()));
        assert_eq!(f.mentions[0].id, "alexandr-matsegora", "{:?}", f.mentions);
        let body = "Alexander Matsegora, charge d'affaires of the Russian embassy here, hosted a reception. The Russian Ambassador spoke.";
        let f = find(&kb, body, Some("prk"), Some("2015-10-11".parse().unwrap()));
        assert!(
            f.mentions.iter().filter(|m| m.kind == EntityKind::Person).all(|m| m.id == "alexander-matsegora")
        );
    }

    #[test]
    fn honorifics_are_kept_as_attributes() {
        let kb = Kb::builtin().unwrap();
        let body =
            "Respected Comrade Kim Jong Un, President of the State Affairs of the DPRK, sent a message.";
        let f = find(&kb, body, Some("prk"), None);
        let m = f.mentions.iter().find(|m| m.id == "kim-jong-un").unwrap();
        assert_eq!(m.surface, "Kim Jong Un");
        assert_eq!(m.attributes, vec!["Respected Comrade", "President of the State Affairs of the DPRK"]);
    }

    #[test]
    fn ids_never_absorb_weekdays_months_or_titles() {
        let v = ids("The Mongolian Writers Union on Tuesday issued a call. \
             The Peace Farm Cooperative in October harvested rice. \
             Workers of the May 9 Paper Mill and the Hamhung Textile Mill met Friday. \
             Present were Vice-Chairman of the Central Committee of the Farmers Union of Korea and \
             the Secretary-General of the Nepal Peace Society.");
        let all: Vec<&str> = v.iter().map(|(i, _)| i.as_str()).collect();
        for id in &all {
            for bad in ["tuesday", "october", "friday", "vice-chairman", "secretary-general"] {
                assert!(!id.split('-').collect::<Vec<_>>().join("-").contains(bad), "{id} in {all:?}");
            }
        }
        assert!(all.contains(&"mongolian-writers-union"), "{all:?}");
        assert!(all.contains(&"peace-farm-cooperative"), "{all:?}");
        assert!(all.contains(&"may-9-paper-mill"), "{all:?}");
        assert!(all.contains(&"nepal-peace-society"), "{all:?}");
        assert!(all.iter().any(|i| i.starts_with("central-committee-of-the-farmers-union")), "{all:?}");
    }

    #[test]
    fn a_person_in_apposition_is_not_part_of_an_organisation() {
        let v = ids("A wreath was laid by Kim Yong Nam and the Ecuadorian Friendship Society. \
             It was sent by the Chairman of the National Defence Commission Kim Jong Il.");
        let all: Vec<&str> = v.iter().map(|(i, _)| i.as_str()).collect();
        assert!(all.contains(&"ecuadorian-friendship-society"), "{all:?}");
        assert!(all.contains(&"national-defence-commission"), "{all:?}");
        assert!(!all.iter().any(|i| i.contains("kim-jong-il") && *i != "kim-jong-il"), "{all:?}");
    }

    #[test]
    fn organisations_take_the_state_they_are_of() {
        let v = ids(
            "Members of the south Korean Confederation of Farmers Unions met the Union of Korean Teachers in Japan.",
        );
        assert!(has(&v, "korean-confederation-of-farmers-unions", Some("kor")), "{v:?}");
        assert!(has(&v, "union-of-korean-teachers-in-japan", Some("jpn")), "{v:?}");
    }

    #[test]
    fn an_ambassador_is_of_the_state_before_the_title() {
        let v = ids("Swedish Ambassador to the DPRK Lars Bergstrom hosted a reception on Thursday.");
        assert!(has(&v, "lars-bergstrom", Some("swe")), "{v:?}");
    }
}
