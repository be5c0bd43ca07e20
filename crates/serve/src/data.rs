//! The server's side of the archive's typed queries (`annalist-archive`): the same
//! merged events, filters, states and trends as the CLI, with the archive's errors
//! turned into HTTP answers (invalid → 400, unknown → 404).

use annalist_archive::QueryError;
use annalist_archive::filter::{EventArgs, Spelling};
use annalist_understand::Kb;

use crate::api::ApiError;

pub use annalist_archive::{By, MAX_TERMS, MergedEvents as Events, Periods, Trends, name};
pub use annalist_understand::EventFilter;

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::Invalid(m) => ApiError::bad(m),
            QueryError::NotFound(m) => ApiError::not_found(m),
            QueryError::Search(e) => e.into(),
            QueryError::Store(e) => e.into(),
        }
    }
}

/// The filters of `/api/v1/events` (the same grammar as `annalist events`) from query
/// values: unknown state codes and bad dates are 400s that say what was expected.
pub fn parse_event_filter(
    kb: &Kb,
    dyad: Option<&str>,
    kind: Option<&str>,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<EventFilter, ApiError> {
    let q = annalist_archive::EventQuery::parse(kb, EventArgs { dyad, kind, since, until }, Spelling::Param)?;
    Ok(q.filter)
}

/// A state id or name the knowledge base knows, as its id (else 404).
pub fn resolve_state(kb: &Kb, s: &str) -> Result<String, ApiError> {
    Ok(annalist_archive::resolve_state(kb, s)?)
}
