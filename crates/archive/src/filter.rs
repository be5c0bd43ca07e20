//! What users ask for, parsed once: the filters of `annalist events`, of
//! `/api/v1/events` and of the watcher's alert lists, and the dates they take
//! (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`). Messages name the argument as the front end
//! spells it (`--since 2011-13` in the CLI, `since=2011-13` in a URL).

use annalist_model::{EventType, PartialDate};
use annalist_understand::{EventFilter, Kb};

use crate::QueryError;
use crate::states::parse_dyad_as;

/// How the front end spells its arguments, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// `--name value`
    Flag,
    /// `name=value`
    Param,
}

impl Spelling {
    pub fn label(self, name: &str, value: &str) -> String {
        match self {
            Spelling::Flag => format!("--{name} {value}"),
            Spelling::Param => format!("{name}={value}"),
        }
    }
}

/// A parsed event filter (see [`annalist_understand::EventFilter`] for what it keeps).
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub filter: EventFilter,
}

/// The raw values of an event filter, as given (empty strings count as absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct EventArgs<'a> {
    pub dyad: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
}

impl EventQuery {
    /// Parse `args`: the pair of states through [`crate::parse_dyad`] (unknown codes are
    /// errors), the type among [`EventType::ALL`], the dates as [`parse_date`].
    pub fn parse(kb: &Kb, args: EventArgs<'_>, sp: Spelling) -> Result<EventQuery, QueryError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let dyad = given(args.dyad).map(|d| parse_dyad_as(kb, d, &sp.label("dyad", d))).transpose()?;
        let kind = given(args.kind).map(|k| parse_event_type(k, sp)).transpose()?;
        let since = given(args.since).map(|s| parse_date(s, "since", sp)).transpose()?;
        let until = given(args.until).map(|s| parse_date(s, "until", sp)).transpose()?;
        if let (Some(s), Some(u)) = (since, until)
            && matches!((s.first_day(), u.last_day()), (Some(a), Some(b)) if a > b)
        {
            return Err(QueryError::invalid(format!(
                "{} is after {}: nothing can match",
                sp.label("since", &s.to_string()),
                sp.label("until", &u.to_string())
            )));
        }
        Ok(EventQuery { filter: EventFilter { dyad, kind, since, until, entity: None } })
    }
}

/// An event type by name, or an error listing them.
pub fn parse_event_type(k: &str, sp: Spelling) -> Result<EventType, QueryError> {
    EventType::parse(k.trim()).ok_or_else(|| {
        let all: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        QueryError::invalid(format!("{}: not an event type (one of {})", sp.label("type", k), all.join(", ")))
    })
}

/// A date at year, month or day precision.
pub fn parse_date(s: &str, name: &str, sp: Spelling) -> Result<PartialDate, QueryError> {
    s.trim().parse::<PartialDate>().map_err(|_| {
        QueryError::invalid(format!("{}: expected a date YYYY, YYYY-MM or YYYY-MM-DD", sp.label(name, s)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_grammar_for_filters() {
        let kb = Kb::builtin().unwrap();
        let q = EventQuery::parse(
            &kb,
            EventArgs {
                dyad: Some("prk-Russia"),
                kind: Some("visit"),
                since: Some("2011"),
                until: Some("2011-05"),
            },
            Spelling::Flag,
        )
        .unwrap();
        assert_eq!(q.filter.dyad, Some(("prk".into(), "rus".into())));
        assert_eq!(q.filter.kind, Some(EventType::Visit));
        let e = EventQuery::parse(
            &kb,
            EventArgs { dyad: Some("prk-chx"), ..Default::default() },
            Spelling::Param,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("dyad=prk-chx: ") && e.contains("chn"), "{e}");
        let e = EventQuery::parse(
            &kb,
            EventArgs { since: Some("2011-13"), ..Default::default() },
            Spelling::Flag,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("--since 2011-13: expected a date"), "{e}");
        let e =
            EventQuery::parse(&kb, EventArgs { kind: Some("visits"), ..Default::default() }, Spelling::Flag)
                .unwrap_err()
                .to_string();
        assert!(e.contains("one of message, visit"), "{e}");
        let e = EventQuery::parse(
            &kb,
            EventArgs { since: Some("2012"), until: Some("2011"), ..Default::default() },
            Spelling::Param,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("nothing can match"), "{e}");
    }
}
