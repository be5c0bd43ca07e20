//! Merged events as CSV: one row per real event, with its reports' documents and the
//! representative report's evidence (what `annalist events --format csv` writes).

use std::io::Write;

use annalist_model::PartialDate;
use annalist_understand::CanonicalEvent;

/// The columns, in order.
pub const EVENT_CSV_COLUMNS: [&str; 15] = [
    "id",
    "date",
    "date_end",
    "type",
    "actor",
    "actor_country",
    "target",
    "target_country",
    "place",
    "occasion",
    "cameo",
    "goldstein",
    "reports",
    "sources",
    "evidence",
];

/// Write `events` as CSV with a header row.
pub fn write_events_csv<W: Write>(w: W, events: &[&CanonicalEvent]) -> Result<(), csv::Error> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record(EVENT_CSV_COLUMNS)?;
    let opt = |d: Option<PartialDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for e in events {
        let ev = &e.event;
        let mut docs: Vec<&str> = e.reports.iter().map(|r| r.doc.as_str()).collect();
        docs.dedup();
        c.write_record([
            e.id.clone(),
            opt(ev.date),
            opt(ev.date_end),
            ev.kind.as_str().to_string(),
            ev.actor.clone().unwrap_or_default(),
            ev.actor_country.clone().unwrap_or_default(),
            ev.target.clone().unwrap_or_default(),
            ev.target_country.clone().unwrap_or_default(),
            ev.place.clone().unwrap_or_default(),
            ev.occasion.clone().unwrap_or_default(),
            ev.cameo.clone(),
            format!("{:.1}", ev.goldstein),
            e.reports.len().to_string(),
            docs.join(" "),
            ev.evidence.clone(),
        ])?;
    }
    c.flush()?;
    Ok(())
}
