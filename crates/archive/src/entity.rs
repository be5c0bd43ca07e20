//! An entity's profile: what the knowledge base says of it, how the archive writes
//! it, how often it is mentioned per year, and the merged events it takes part in.

use annalist_store::{EntitySurface, Store};
use annalist_understand::{EventFilter, Kb, KbEntity, Role};
use serde::Serialize;

use crate::QueryError;
use crate::events::{EventView, MergedEvents};
use crate::states::name;

/// An entity as the CLI, the API and the entity page show it.
#[derive(Debug, Serialize)]
pub struct EntityProfile<'a> {
    pub id: String,
    pub name: String,
    /// Whether the knowledge base knows it (else it was recognised from the text).
    pub known: bool,
    pub kind: Option<String>,
    pub country: Option<String>,
    /// The names the knowledge base gives it, the display name first.
    pub names: Vec<String>,
    pub roles: Vec<RoleView>,
    /// How the archive writes it, most frequent first.
    pub surfaces: Vec<EntitySurface>,
    pub mentions_by_year: Vec<MentionYear>,
    /// Merged events it acts in, is the target of or is the place of.
    pub events_total: usize,
    pub limit: usize,
    pub offset: usize,
    /// `limit` of those events from `offset`, oldest first.
    pub events: Vec<EventView<'a>>,
    /// The knowledge base's record, for renderers.
    #[serde(skip)]
    pub entry: Option<&'a KbEntity>,
}

/// One role the knowledge base records.
#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    pub title: String,
    pub of: Option<String>,
    pub to_state: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl RoleView {
    fn new(r: &Role) -> RoleView {
        RoleView {
            title: r.title.clone(),
            of: r.of.clone(),
            to_state: r.to_state.clone(),
            from: r.from.map(|d| d.to_string()),
            to: r.to.map(|d| d.to_string()),
        }
    }

    /// `from – to`, open ends left blank.
    pub fn span(&self) -> String {
        match (&self.from, &self.to) {
            (Some(f), Some(t)) => format!("{f} – {t}"),
            (Some(f), None) => format!("{f} –"),
            (None, Some(t)) => format!("– {t}"),
            (None, None) => String::new(),
        }
    }
}

/// Mentions in one year of publication (`?` for undated articles).
#[derive(Debug, Clone, Serialize)]
pub struct MentionYear {
    pub year: String,
    /// Articles mentioning the entity.
    pub articles: i64,
    /// Mentions in those articles.
    pub mentions: i64,
}

/// The profile of the entity `id`; [`QueryError::NotFound`] when neither the
/// knowledge base nor the archive knows it.
pub fn entity<'a>(
    kb: &'a Kb,
    store: &Store,
    events: &'a MergedEvents,
    id: &str,
    limit: usize,
    offset: usize,
) -> Result<EntityProfile<'a>, QueryError> {
    let surfaces = store.entity_surfaces(id)?;
    let known = kb.entity(id);
    if known.is_none() && surfaces.is_empty() {
        return Err(QueryError::NotFound(format!("no entity {id} in the knowledge base or the archive")));
    }
    let years = store.entity_mentions_by_year(id)?;
    let filter = EventFilter { entity: Some(id.to_string()), ..Default::default() };
    let mine = events.matching(&filter);
    Ok(EntityProfile {
        id: id.to_string(),
        name: name(kb, id),
        known: known.is_some(),
        kind: known.map(|e| e.kind.as_str().to_string()).or_else(|| surfaces.first().map(|s| s.kind.clone())),
        country: known
            .and_then(|e| e.country.clone())
            .or_else(|| surfaces.first().and_then(|s| s.country.clone())),
        names: known.map(|e| e.names.clone()).unwrap_or_default(),
        roles: known.map(|e| e.roles.iter().map(RoleView::new).collect()).unwrap_or_default(),
        surfaces,
        mentions_by_year: years
            .into_iter()
            .map(|(year, articles, mentions)| MentionYear { year, articles, mentions })
            .collect(),
        events_total: mine.len(),
        limit,
        offset,
        events: mine.into_iter().skip(offset).take(limit).map(|e| events.view(kb, e)).collect(),
        entry: known,
    })
}
