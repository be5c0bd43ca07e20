//! The trigger patterns: per event type, the phrases that state it, the rule each is
//! named by, where its actor and target stand, and its CAMEO code.

use std::sync::LazyLock;

use annalist_model::EventType;
use regex::Regex;

/// Where actor and target are found relative to the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    /// Actor is the sentence subject, target follows the trigger.
    Subject,
    /// Actor follows "from" in the trigger; target is the subject.
    FromAfter,
    /// "… between A and B": A is the actor, B the target.
    Between,
    /// Actor is the subject; there is no target (receptions).
    NoTarget,
    /// Passive without agent ("a reception was given"): actor after "by", else the
    /// host state.
    Passive,
    /// A phrase attached to the visitor ("…, on a visit to the DPRK"): the actor is the
    /// nearest named person before it, not the sentence subject.
    Nearest,
    /// "the visiting delegation of X (led by Y)": X (or Y) visits the outlet's state.
    Attributive,
    /// "A letter to Y was adopted (at the meeting)": the target follows "to"; the actor
    /// is whoever held the meeting, the last named subject.
    Adopted,
}

pub(super) struct Trigger {
    pub re: Regex,
    pub kind: EventType,
    pub rule: &'static str,
    pub dir: Dir,
    pub cameo: &'static str,
    /// Words one of which a sentence must contain for the trigger to be tried (a cheap
    /// test before the regex; empty: always tried). Each match of `re` contains one.
    pub needs: &'static [&'static str],
    /// `needs` as bits of [`NEEDS`] (0: always tried).
    pub mask: u128,
}

/// The words each trigger needs (see [`Trigger::needs`]), by rule, for the triggers
/// that do not say so themselves: a word that every match of the rule's regex contains.
fn needs_of(rule: &str) -> &'static [&'static str] {
    match rule {
        "message_received_from" | "received_visitor" => &["received"],
        "message_sent" => &["send", "sent", "forwarded", "dispatched"],
        "message_in" => &["message", "letter", "telegram", "reply", "massage"],
        "message_presented" => &["presented", "presents", "presenting", "handed", "delivered"],
        "congratulated" | "praise_congratulating" => &["congratulat"],
        "praise_utterance" => &[
            "support",
            "praise",
            "celebration",
            "hailing",
            "lauding",
            "extolling",
            "eulogizing",
            "acclaiming",
        ],
        "message_came_from" => &["came", "arrived", "poured"],
        "talks_held" => &["talks", "negotiations", "consultations"],
        "message_presented_with" => &["presented"],
        "message_sent_by" => &["sent", "forwarded", "dispatched", "addressed", "presented"],
        "letter_adopted" => &["adopted"],
        "condolences_expressed" => &["condolence"],
        "greetings_extended" => &["congratulation", "greeting"],
        "visiting_delegation" | "visit_on_a_visit" | "visit" => &["visit"],
        "visit_left_for" => &["left"],
        "visit_here" => &["here", "Pyongyang"],
        "visit_home" => &["home"],
        "visit_arrived" => &["arrived"],
        "visit_returned" => &["home"],
        "visit_presence" => &["invitation"],
        "talks_held_between" => &["between"],
        "talks_with" => &["with"],
        "met" => &["met", "meet"],
        "credentials_received" => &["credentials"],
        "agreement_signed_between" => &["signed"],
        "agreement_signed" => &["signed", "concluded"],
        "ratification_exchanged" => &["ratification"],
        "ratified" => &["ratified"],
        "reception_hosted" => &["reception", "banquet", "dinner", "luncheon"],
        "reception_given_passive" => &["reception", "banquet"],
        "relations_established" => &["diplomatic"],
        "praise" => &[
            "prais",
            "laud",
            "hail",
            "extoll",
            "eulogiz",
            "acclaim",
            "admir",
            "spoke",
            "tribute",
            "appreciat",
            "speak",
            "expressed",
        ],
        "criticism_purpose" => &[
            "denounc", "condemn", "flay", "flail", "slam", "accus", "chid", "censur", "blast", "assail",
            "decr", "lambast", "castigat", "rebuk", "critici", "deplor", "ridicul", "protest", "slash",
            "strike", "lash", "hit out",
        ],
        "criticism_nominal" => &["denunciation", "condemnation"],
        "criticism_reported" => &["charged", "deplored", "denounced", "condemned", "accused", "lamented"],
        "criticism" => &[
            "flail",
            "struck",
            "stroke",
            "slash",
            "denounc",
            "condemn",
            "flay",
            "accus",
            "rebuk",
            "critici",
            "slammed",
            "lambasted",
            "censured",
            "blasted",
            "decried",
            "castigated",
            "assailed",
            "ridiculed",
            "chid",
            "deplor",
            "lashed",
            "rapped",
            "branded",
            "hit out",
            "protested",
            "termed",
            "ridicul",
            "slam",
            "blast",
            "lambast",
            "censur",
            "castigat",
            "decr",
            "assail",
            "derid",
        ],
        _ => &[],
    }
}

/// Every word some trigger needs, matched in one pass over a sentence (ASCII case
/// insensitive, as the triggers are).
pub(super) static NEEDS: LazyLock<(aho_corasick::AhoCorasick, Vec<&'static str>)> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = Vec::new();
    for t in TRIGGERS.iter() {
        for w in t.needs {
            if !words.contains(w) {
                words.push(w);
            }
        }
    }
    assert!(words.len() <= 128, "too many trigger words");
    let ac = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .expect("trigger words");
    (ac, words)
});

/// The bits of [`NEEDS`] whose words occur in `sent`.
pub(super) fn needs_present(sent: &str) -> u128 {
    let mut bits = 0u128;
    for m in NEEDS.0.find_overlapping_iter(sent) {
        bits |= 1u128 << m.pattern().as_usize();
    }
    bits
}

pub(super) fn t(re: &str, kind: EventType, rule: &'static str, dir: Dir, cameo: &'static str) -> Trigger {
    // ASCII word boundaries: a Unicode \b makes the fast engines give up on any text
    // with a curly quote or a dash, and English trigger words need no more
    let re = re.replace(r"\b", r"(?-u:\b)");
    Trigger {
        re: Regex::new(&format!("(?i){re}")).expect(rule),
        kind,
        rule,
        dir,
        cameo,
        needs: needs_of(rule),
        mask: 0,
    }
}

/// A trigger tried only in sentences that contain one of `needs`.
fn needing(needs: &'static [&'static str], tr: Trigger) -> Trigger {
    Trigger { needs, ..tr }
}

pub(super) static TRIGGERS: LazyLock<Vec<Trigger>> = LazyLock::new(|| {
    use Dir::*;
    use EventType::*;
    let mut v = vec![
        t(
            r"\breceived\b[^;]{0,80}?\b(?:messages?|massages?|letters?|greetings|telegrams?|floral\s+baskets?|baskets?\s+of\s+flowers|repl(?:y|ies)|congratulations|condolences)\b[^;]{0,100}?\bfrom\b",
            Message,
            "message_received_from",
            FromAfter,
            "051",
        ),
        t(
            r"\b(?:sent|sends|send|sending|forwarded|dispatched)\b[^;]{0,60}?\b(?:messages?|massages?|letters?|greetings|telegrams?|floral\s+baskets?|baskets?\s+of\s+flowers|wreaths?|congratulations|condolences|cards?|repl(?:y|ies))\b",
            Message,
            "message_sent",
            Subject,
            "051",
        ),
        // passives: "a floral basket was sent to Y by X", "a message of greeting sent by X
        // (to Y)", "a letter to Y was adopted"
        needing(
            &["was", "were"],
            t(
                r"\b(?:message|messages|letter|greetings|telegram|floral\s+baskets?|wreaths?|reply|congratulations)\b[^;]{0,40}?\b(?:was|were)\s+(?:sent|forwarded|dispatched|addressed|presented|laid)\s+(?:to|before)\b[^;]*?\b(?:by|from|in\s+the\s+(?:joint\s+)?names?\s+of)\b",
                Message,
                "message_sent_to_by",
                FromAfter,
                "051",
            ),
        ),
        t(
            r"\b(?:messages?|letters?|greetings|telegrams?|floral\s+baskets?|wreaths?|repl(?:y|ies))\b[^;]{0,40}?\b(?:sent|forwarded|dispatched|addressed|presented)\s+by\b",
            Message,
            "message_sent_by",
            FromAfter,
            "051",
        ),
        t(
            r"\b(?:letter|message)\s+to\b[^;]{0,120}?\b(?:was|were)\s+adopted\b",
            Message,
            "letter_adopted",
            Adopted,
            "051",
        ),
        // floral tributes: "presented wreaths and floral baskets before the portrait of Y"
        // (a basket already named, "laid the basket", is the sender's message)
        needing(
            &["wreath", "basket", "bouquet", "flower"],
            t(
                r"\b(?:presented|laid|placed|offered|presenting|laying)\s+(?:a\s+|an\s+|their\s+|his\s+|her\s+|its\s+)?(?:(?:large|big|huge|beautiful)\s+)?(?:wreaths?|floral\s+baskets?|(?:bouquets|flowers)\b[^;]{0,40}?\bbefore)\b",
                Message,
                "floral_tribute",
                Subject,
                "051",
            ),
        ),
        // "X, in a message to Y, …", "In a message to Y, X …"
        t(
            r"\bin\s+(?:a|an|the|his|her|its|their)\s+(?:[A-Za-z-]+\s+){0,3}?(?:message|massage|letter|telegram|reply)\s+(?:sent\s+|addressed\s+)?to\b",
            Message,
            "message_in",
            Subject,
            "051",
        ),
        // "Floral baskets also came from A, B and C"
        t(
            r"\b(?:messages?|letters?|greetings|floral\s+baskets?|wreaths?|congratulations|telegrams?)\s+(?:of\s+[a-z]+\s+)?(?:also\s+)?(?:came|arrived|poured\s+in)\s+from\b",
            Message,
            "message_came_from",
            FromAfter,
            "051",
        ),
        // "Y was presented with a floral basket by X"
        t(
            r"\b(?:was|were)\s+presented\s+with\s+(?:a\s+|an\s+)?(?:[A-Za-z-]+\s+){0,2}?(?:floral\s+baskets?|wreaths?|messages?|letters?)\b[^;]*?\bby\b",
            Message,
            "message_presented_with",
            FromAfter,
            "051",
        ),
        t(
            r"\b(?:expressed|expressing|extended|conveyed)\b[^;]{0,40}?\bcondolences?\b",
            Message,
            "condolences_expressed",
            Subject,
            "018",
        ),
        t(
            r"\b(?:extended|conveyed)\b[^;]{0,30}?\b(?:congratulations|greetings)\b",
            Message,
            "greetings_extended",
            Subject,
            "051",
        ),
        // a call on a person is a meeting, not a visit: before the visit patterns
        needing(
            &["courtesy"],
            t(
                r"\b(?:paid|pays|paying)\s+(?:a\s+|an\s+)?(?:[A-Za-z-]+\s+)?courtesy\s+(?:call|visit)s?\s+(?:on|to)\b",
                Meeting,
                "courtesy_call",
                Subject,
                "040",
            ),
        ),
        needing(
            &["credentials"],
            t(
                r"\b(?:presented|presents|presenting)\s+(?:his\s+|her\s+|the\s+|their\s+)?(?:letters?\s+of\s+)?credentials\s+to\b",
                Meeting,
                "credentials_presented",
                Subject,
                "040",
            ),
        ),
        // a message handed over in person: "X presented a letter to Y", "X presented to Y
        // a floral basket" (not a letter of credentials: a meeting, above)
        t(
            r"\b(?:presented|presents|presenting|handed\s+over|delivered)\s+(?:to\s+[^.;,]{0,80}?\s+)?(?:a|an|the|his|her|its|their)\s+(?:[\w-]+\s+){0,2}?(?:letters?|messages?|floral\s+baskets?|baskets?\s+of\s+flowers)\b",
            Message,
            "message_presented",
            Subject,
            "051",
        ),
        // congratulations as a verb: "X congratulated Y on …", "a statement congratulating
        // Y", "Y was congratulated by X"
        // an utterance made public in support or praise of Y: "issued a joint statement on
        // Nov. 25 in support of Y", "posted an article hailing Y" (not a message or letter
        // of support, which is that message)
        t(
            r"\b(?:statements?|bulletins?|articles?|write-ups?|editorials?|commentar(?:y|ies)|declarations?|resolutions?|communiques?)\b[^;]{0,80}?\b(?:in\s+(?:full\s+|strong\s+|firm\s+|active\s+|warm\s+)?(?:support|praise|celebration)\s+of|hailing|lauding|extolling|eulogizing|acclaiming)\b",
            Praise,
            "praise_utterance",
            Subject,
            "051",
        ),
        // a public statement or article congratulating Y is praise in public, not a message
        // sent
        t(
            r"\b(?:statements?|articles?|write-ups?|editorials?|commentar(?:y|ies)|communiques?)\b[^;]{0,60}?\bcongratulating\b",
            Praise,
            "praise_congratulating",
            Subject,
            "051",
        ),
        t(r"\b(?:congratulated|congratulates|congratulating)\b", Message, "congratulated", Subject, "051"),
        t(r"\b(?:the|a|an|its|their)\s+visiting\b", Visit, "visiting_delegation", Attributive, "042"),
        t(
            r"\bon\s+(?:a|an|his|her|their|its)\s+(?:[\w-]+\s+){0,3}?visit\s+(?:to|here)\b",
            Visit,
            "visit_on_a_visit",
            Nearest,
            "042",
        ),
        t(
            r"\bleft\s+(?:here|for|[A-Z]\w+)\b[^;]{0,40}?\b(?:to\s+visit|for)\b",
            Visit,
            "visit_left_for",
            Subject,
            "042",
        ),
        t(
            r"\b(?:visited|visits|paid\s+(?:a|an|his|her|their|my|our|its)\s+(?:[\w-]+\s+){0,3}?visit(?:s)?\s+to|made\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?visit\s+to|visiting\s+(?:the\s+)?[A-Z])",
            Visit,
            "visit",
            Subject,
            "042",
        ),
        t(r"\b(?:arrived|arriving|left|leaving)\s+(?:here|Pyongyang)\b", Visit, "visit_here", Subject, "042"),
        // "returned home on Monday after attending the meeting in Beijing": the visit was
        // to where the meeting was
        t(
            r"\b(?:returned|came\s+back|came)\s+home\b[^;]*?\bafter\s+(?:attending|visiting|participating\s+in|taking\s+part\s+in|a\s+visit\s+to|its\s+visit\s+to|his\s+visit\s+to|her\s+visit\s+to|their\s+visit\s+to)\b",
            Visit,
            "visit_returned",
            Subject,
            "042",
        ),
        // "the delegation of X led by Y went back home by air on Friday" (no "after
        // visiting Z"): a foreign side's visit to the host state ends
        t(
            r"\b(?:went|came|returned|left)\s+(?:back\s+)?(?:for\s+)?home\b",
            Visit,
            "visit_home",
            Subject,
            "042",
        ),
        // "X is in Pyongyang at the invitation of Y": a visit stated as a presence
        t(
            r"\b(?:is|are)\s+(?:now\s+|currently\s+)?in\s+(?-i:[A-Z])[\w-]+(?:\s+(?-i:[A-Z])[\w-]+)?\s+at\s+the\s+invitation\s+of\b",
            Visit,
            "visit_presence",
            Subject,
            "042",
        ),
        t(r"\barrived\s+(?:in|at)\b", Visit, "visit_arrived", Subject, "042"),
        t(r"\btalks\s+(?:were|was)\s+held\s+between\b", Meeting, "talks_held_between", Between, "046"),
        t(
            r"\b(?:had|held)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,3}?(?:talks?|meeting|conversation|summit)\b(?:\s+and\s+talks)?[^;]{0,30}?\bwith\b",
            Meeting,
            "talks_with",
            Subject,
            "046",
        ),
        // "A and B held talks in Beijing": the sides are the subject's
        t(
            r"\b(?:held|had)\s+(?:[A-Za-z-]+\s+){0,3}?(?:talks|negotiations|consultations)\b",
            Meeting,
            "talks_held",
            Subject,
            "046",
        ),
        t(r"\b(?:met|meets)\b", Meeting, "met", Subject, "040"),
        t(
            r"\b(?:received|accepted)\s+(?:the\s+|his\s+|her\s+)?(?:letters?\s+of\s+)?credentials\s+from\b",
            Meeting,
            "credentials_received",
            Subject,
            "040",
        ),
        // "X received Y (and had a talk with …)": a call on X; not "received a gift from"
        t(
            r"\breceived\s+(?:and\s+had\s+a\s+(?:[\w-]+\s+)?talk\s+with\s+)?(?:the\s+|a\s+|an\s+)?(?:(?-i:[A-Z])|(?:[\w-]+\s+){0,4}?(?:delegation|delegates|ambassador|envoy|minister|officials?|group|troupe|party|guests?|visitors?|president|premier|chairman|secretary|representatives?)\b)",
            Meeting,
            "received_visitor",
            Subject,
            "040",
        ),
        t(
            r"\b(?:treaty|declaration|agreement|accord|protocol|memorandum)\b[^;]{0,220}?\b(?:was|were)\s+signed\s+between\b",
            Agreement,
            "agreement_signed_between",
            Between,
            "057",
        ),
        t(
            r"\b(?:signed|concluded)\b[^;]{0,120}?\b(?:treaty|declaration|agreement|accord|protocol|memorandum|communique|contract)\b",
            Agreement,
            "agreement_signed",
            Subject,
            "057",
        ),
        t(
            r"\b(?:exchange\s+of\s+(?:the\s+)?(?:instruments\s+of\s+ratification|ratification\s+instruments)|ratification\s+instruments\b[^;]{0,120}?\bexchanged)\b[^;]{0,80}?\bbetween\b",
            Ratification,
            "ratification_exchanged",
            Between,
            "057",
        ),
        t(r"\bratified\b", Ratification, "ratified", Subject, "057"),
        t(
            r"\b(?:hosted|gave|arranged|provided|threw|held)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,2}?(?:reception|banquet|dinner|luncheon)\b",
            Reception,
            "reception_hosted",
            NoTarget,
            "017",
        ),
        t(
            r"\b(?:reception|banquet)\s+(?:was|were)\s+(?:given|hosted|arranged|held|provided|thrown)\b",
            Reception,
            "reception_given_passive",
            Passive,
            "017",
        ),
        t(
            r"\b(?:established|set\s+up|forged)\s+diplomatic\s+(?:relations|ties)\b",
            RelationsEstablished,
            "relations_established",
            Subject,
            "054",
        ),
        t(
            r"\b(?:praised|praising|lauded|lauding|hailed|hailing|extolled|extolling|eulogized|eulogizing|acclaimed|admired|(?:spoke|speak|speaks)\s+highly\s+of|paid\s+(?:[\w-]+\s+)?tribute\s+to|(?:highly\s+)?appreciat(?:ed|es|ing)|expressed\s+(?:\w+\s+){0,2}?(?:support|solidarity|sympathy)|expressed\s+(?:the\s+|his\s+|her\s+)?belief)\b",
            Praise,
            "praise",
            Subject,
            "051",
        ),
        // the reporting clause closing the sentence: "CONTENT, he charged.", "…, the
        // statement deplored." (the speaker after the comma; the side denounced in the
        // content)
        t(
            r",\s+(?:the\s+)?(?:[\w'-]+\s+){0,3}?(?:he|she|it|they|statement|commentary|article|editorial|paper|newspaper|speakers?|participants|spokes(?:man|woman|person)|[A-Z][\w'-]+)\s+(?:also\s+|further\s+|bitterly\s+|strongly\s+)?(?:charged|deplored|denounced|condemned|accused|lamented)\W*$",
            Criticism,
            "criticism_reported",
            Subject,
            "111",
        ),
        // an act done to denounce: "issued a commentary on Nov. 1 to denounce Y", "held a
        // press conference to chide Y" (a purpose clause of an act that took place)
        t(
            r"\b(?:statements?|commentar(?:y|ies)|press\s+(?:conference|release)|news\s+conference|conference|rall(?:y|ies)|meetings?|articles?|editorials?|declarations?|resolutions?|demonstrations?|protests?|sit-ins?|memorandums?|bulletins?|speech(?:es)?|letters?|petitions?|appeals?|communiques?)\b[^;]*?\bto\s+(?:strongly\s+|bitterly\s+|sharply\s+)?(?:denounce|condemn|flay|flail|slam|accuse|chide|censure|blast|assail|decry|lambaste|castigate|rebuke|criticize|criticise|deplore|ridicule|protest\s+against|slash\s+at|strike\s+out\s+at|lash\s+out\s+at|hit\s+out\s+at)\b",
            Criticism,
            "criticism_purpose",
            Subject,
            "111",
        ),
        // "made public a statement in denunciation of Y"
        t(
            r"\bin\s+(?:strong\s+|bitter\s+)?(?:denunciation|condemnation)\s+of\b",
            Criticism,
            "criticism_nominal",
            Subject,
            "111",
        ),
        // protests: "staged a demonstration in Baghdad, demanding the withdrawal of the U.S.
        // troops"
        needing(
            &["demonstration", "rall", "protest", "picket", "sit-in"],
            t(
                r"\b(?:staged|held|waged|launched|organized|organised)\s+(?:a\s+|an\s+)?(?:[A-Za-z-]+\s+){0,3}?(?:demonstrations?|rall(?:y|ies)|protests?|pickets?|sit-ins?)\b[^;]*?\b(?:demanding|against|denouncing|condemning|protesting|in\s+protest\s+against|accusing)\b",
                Criticism,
                "protest",
                Subject,
                "111",
            ),
        ),
        t(
            r"\b(?:denounced|denouncing|denounces|condemned|condemning|condemns|flayed|flaying|accused|accusing|rebuked|rebuking|criticized|criticised|criticizing|criticising|slammed|lambasted|censured|blasted|decried|castigated|assailed|ridiculed|chided|chiding|chides|deplored|deploring|deplores|lashed\s+out\s+at|rapped|branded|hit\s+out\s+at|protested\s+against|termed|ridicules|ridiculing|slams|slamming|blasts|blasting|flays|lambastes|lambasting|censures|censuring|accuses|rebukes|castigates|castigating|decries|decrying|assails|assailing|criticizes|criticises|derided|derides|deriding|flailed|flailing|flails|(?:struck|stroke|strikes|striking|slashed|slashing|slashes|lashing|lashes)\s+(?:out\s+)?at)\b",
            Criticism,
            "criticism",
            Subject,
            "111",
        ),
    ];
    // the bits of each trigger's words, in the order NEEDS numbers them
    let mut words: Vec<&'static str> = Vec::new();
    for t in v.iter_mut() {
        for w in t.needs {
            let i = words.iter().position(|x| x == w).unwrap_or_else(|| {
                words.push(w);
                words.len() - 1
            });
            t.mask |= 1u128 << i;
        }
    }
    v
});
