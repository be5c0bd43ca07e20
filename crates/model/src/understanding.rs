use serde::{Deserialize, Serialize};

use crate::{Date, PartialDate};

/// The four kinds of named thing annalist recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Country,
    Organization,
    Place,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Country => "country",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "person" => EntityKind::Person,
            "country" => EntityKind::Country,
            "organization" | "organisation" => EntityKind::Organization,
            "place" => EntityKind::Place,
            _ => return None,
        })
    }
}

/// One mention of an entity in an article body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Entity id: ISO 3166 alpha-3 (lower case) for states, a slug for the rest.
    pub id: String,
    pub kind: EntityKind,
    /// The state the entity belongs to or acts for (alpha-3), when known.
    pub country: Option<String>,
    /// The text as it appears in the body.
    pub surface: String,
    /// Byte offsets of `surface` in `Article::body()`.
    pub start: usize,
    pub end: usize,
    /// Honorifics and titles found around the mention and stripped from the name
    /// ("Respected Comrade", "President of the State Affairs").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// Whether the knowledge base knows this entity (false: recognised from the text alone).
    pub known: bool,
}

/// The nine event types of the annotation guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Message,
    Visit,
    Meeting,
    Agreement,
    Ratification,
    Reception,
    RelationsEstablished,
    Praise,
    Criticism,
}

impl EventType {
    pub const ALL: [EventType; 9] = [
        EventType::Message,
        EventType::Visit,
        EventType::Meeting,
        EventType::Agreement,
        EventType::Ratification,
        EventType::Reception,
        EventType::RelationsEstablished,
        EventType::Praise,
        EventType::Criticism,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Message => "message",
            EventType::Visit => "visit",
            EventType::Meeting => "meeting",
            EventType::Agreement => "agreement",
            EventType::Ratification => "ratification",
            EventType::Reception => "reception",
            EventType::RelationsEstablished => "relations_established",
            EventType::Praise => "praise",
            EventType::Criticism => "criticism",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
    /// Types whose actor and target may be swapped without changing the event.
    pub fn symmetric(self) -> bool {
        matches!(
            self,
            EventType::Meeting
                | EventType::Agreement
                | EventType::Ratification
                | EventType::RelationsEstablished
        )
    }
}

/// Whether the text says an event happened, or only that it is planned, hoped for
/// or denied. Only `Asserted` events enter timelines and exports by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    #[default]
    Asserted,
    /// Future or planned ("will pay a visit", "is due to arrive").
    Intent,
    /// Negated ("refused to meet").
    Negated,
    /// Conditional or hypothetical.
    Hypothetical,
}

/// One event as one article states it, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub actor: Option<String>,
    pub actor_country: Option<String>,
    pub target: Option<String>,
    pub target_country: Option<String>,
    pub date: Option<PartialDate>,
    pub date_end: Option<PartialDate>,
    /// Entity id of the place, when the text names one.
    pub place: Option<String>,
    pub occasion: Option<String>,
    /// Verbatim fragment of one body sentence that states the event.
    pub evidence: String,
    /// Byte offsets of `evidence` in `Article::body()`.
    pub evidence_start: usize,
    pub evidence_end: usize,
    /// Name of the rule that produced the event.
    pub rule: String,
    /// CAMEO event code (e.g. "051").
    pub cameo: String,
    /// Goldstein scale value for `cameo`.
    pub goldstein: f32,
    /// True when the date needed reasoning beyond the text's own words.
    pub inferred: bool,
    /// How the date was worked out, for people to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    #[serde(default)]
    pub status: EventStatus,
}

/// Everything the understanding stage reads from one article.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Understanding {
    /// Every mention, in body order.
    pub mentions: Vec<Mention>,
    /// Events, in body order.
    pub events: Vec<Event>,
    /// A publication date worked out from the body when the page gives none,
    /// with the reasoning.
    pub published_inferred: Option<(Date, String)>,
}

impl Understanding {
    /// Distinct entities (first mention of each id), in order of first mention.
    pub fn entities(&self) -> Vec<&Mention> {
        let mut seen = std::collections::HashSet::new();
        self.mentions.iter().filter(|m| seen.insert(m.id.as_str())).collect()
    }
}
