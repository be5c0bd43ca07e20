//! Entity mentions: knowledge-base names (one Aho-Corasick pass), people the KB does
//! not know (KCNA's "Name, title of …", "Title Name", "led by Name" and Korean name
//! shapes), generic organisations and places (capitalised spans with a head noun),
//! roles resolved by date ("the Russian president"), and the outlet's own state
//! ("our Republic").
//!
//! This module runs the passes in order and owns what they share; each pass is a
//! module of its own: [`tokens`] (word tokens and word classes), [`known`] (KB
//! matching), [`orgs`] and [`people`] (guessing the names the KB does not know) and
//! [`roles`] (roles resolved by date, honorifics). The word lists are in
//! [`crate::lexicon`].

mod known;
mod orgs;
mod people;
mod roles;
mod tokens;

use annalist_model::{Date, EntityKind, Mention};

use crate::kb::Kb;
use tokens::tokens;

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
    // 1. knowledge-base names, "our Republic"
    let mut ms = known::kb_mentions(kb, body, outlet_state);
    let toks = tokens(body);
    // 2. generic organisations and places
    let generic = orgs::generic_names(kb, body, &toks, &ms, outlet_state);
    // 3. people the KB does not know
    let people = people::unknown_people(body, &toks, &ms, &generic, outlet_state);
    ms.extend(generic);
    ms.extend(people);
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    // 4. people named again by their family name alone
    let again = people::surname_mentions(body, &toks, &ms);
    if !again.is_empty() {
        ms.extend(again);
        ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    }
    Found { mentions: ms }
}

/// Adds the role mentions resolved on `anchor`, harmonises spellings and collects
/// honorifics. Called once per body, after the anchor date is known.
pub(crate) fn finish(kb: &Kb, body: &str, f: &mut Found, outlet_state: Option<&str>, anchor: Option<Date>) {
    let ms = &mut f.mentions;
    if let Some(a) = anchor {
        let roles = roles::role_mentions(kb, body, ms, a, outlet_state);
        ms.extend(roles);
    }
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    known::harmonise_spellings(kb, ms);
    for m in ms.iter_mut().filter(|m| m.kind == EntityKind::Person) {
        m.attributes = roles::honorifics(body, m.start, m.end);
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

/// The state of the first mention within `s..e` that has one.
fn country_in(ms: &[Mention], s: usize, e: usize) -> Option<String> {
    ms.iter().filter(|m| m.start >= s && m.end <= e).find_map(|m| m.country.clone())
}

/// A mention of `body[start..end]`, without attributes.
fn mention(
    kind: EntityKind,
    id: String,
    country: Option<String>,
    body: &str,
    (start, end): (usize, usize),
    known: bool,
) -> Mention {
    Mention {
        id,
        kind,
        country,
        surface: body[start..end].to_string(),
        start,
        end,
        attributes: Vec::new(),
        known,
    }
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
    fn coordinated_people_share_the_state_of_the_last_title() {
        let v = ids(
            "Pak Ui Chun met and had talks with Jorge Perez, first deputy minister, and Pedro Soto, vice-minister of Foreign Affairs of Chile, on Monday.",
        );
        assert!(has(&v, "jorge-perez", Some("chl")), "{v:?}");
        assert!(has(&v, "pedro-soto", Some("chl")), "{v:?}");
    }

    #[test]
    fn organisations_of_no_state_and_of_the_state_they_are_in() {
        let v = ids(
            "The World Federation of Democratic Youth praised it. The Movement for Democracy in south Korea met.",
        );
        assert!(has(&v, "world-federation-of-democratic-youth", None), "{v:?}");
        assert!(has(&v, "movement-for-democracy", Some("kor")), "{v:?}");
    }

    #[test]
    fn organisations_of_the_state_named_after_them() {
        // KCNA writes the ROK lower-case, so "of south Korea" is not part of the name
        let v = ids("A spokesman for the Labor Party of south Korea issued a commentary.");
        assert!(has(&v, "labor-party", Some("kor")), "{v:?}");
        // an apposition of common nouns that says where it is
        let v =
            ids("Kim Jin Su, floor leader of the Unity Party, an opposition party in south Korea, said so.");
        assert!(has(&v, "unity-party", Some("kor")), "{v:?}");
        assert!(has(&v, "kim-jin-su", Some("kor")), "{v:?}");
        // "ex-president of the U.S.": a title with its state
        let v =
            ids("Kim Jong Un received a message from Thomas Miller, ex-president of the U.S., on Monday.");
        assert!(has(&v, "thomas-miller", Some("usa")), "{v:?}");
    }

    #[test]
    fn an_abbreviated_month_ends_a_name() {
        let v = ids("The foundation of Lima Korean School on Oct. 5 was marked.");
        assert!(v.iter().any(|(i, _)| i == "lima-korean-school"), "{v:?}");
    }

    #[test]
    fn a_person_named_again_by_the_family_name() {
        let v = ids("Xi Jinping met Vladimir Putin on Monday. Xi said that Putin was right.");
        let xi = v.iter().filter(|(i, _)| i == "xi-jinping").count();
        let putin = v.iter().filter(|(i, _)| i == "vladimir-putin").count();
        assert!(xi >= 1 && putin >= 1, "{v:?}");
        let kb = Kb::builtin().unwrap();
        let f = find(
            &kb,
            "Xi Jinping met Vladimir Putin on Monday. Xi said that Putin was right.",
            Some("prk"),
            None,
        );
        assert_eq!(f.mentions.iter().filter(|m| m.id == "xi-jinping").count(), 2, "{:?}", f.mentions);
        assert_eq!(f.mentions.iter().filter(|m| m.id == "vladimir-putin").count(), 2, "{:?}", f.mentions);
        // a family name two people share names neither
        let f = find(&kb, "Kim Jong Un and Kim Yo Jong came. Kim spoke.", Some("prk"), None);
        assert!(!f.mentions.iter().any(|m| m.surface == "Kim"), "{:?}", f.mentions);
    }

    #[test]
    fn an_ambassador_is_of_the_state_before_the_title() {
        let v = ids("Swedish Ambassador to the DPRK Lars Bergstrom hosted a reception on Thursday.");
        assert!(has(&v, "lars-bergstrom", Some("swe")), "{v:?}");
    }
}
