//! Reading meaning from article text: knowledge base, entity mentions, date
//! resolution, diplomatic events, event merging.
//!
//! The entry points are [`Kb`] (built once), [`understand`] (one article) and
//! [`merge`] (many articles' events into canonical events).

/// A regular expression compiled once, on first use. Its pattern is the message of
/// the panic should it not compile (every one is compiled by the unit tests).
macro_rules! lazy_regex {
    ($re:expr) => {
        std::sync::LazyLock::new(|| regex::Regex::new($re).expect($re))
    };
}

mod cameo;
mod dates;
mod events;
mod kb;
mod lexicon;
mod mentions;
mod merge;
mod pubdate;
mod text;

use annalist_model::{Article, EntityKind, Understanding};

pub use cameo::{cameo_root, default_code, goldstein, quad_class};
pub use dates::{DateExpr, find_dates};
pub use kb::{Anniversary, Kb, KbEntity, KbError, Role};
pub use merge::{CanonicalEvent, EventFilter, Report, dyad, merge, related_country};
pub use text::{sentences, slug};

/// Reads one article: mentions, events, and a publication date inferred from the
/// body when the article has none. Offsets are byte offsets into `article.body()`.
pub fn understand(kb: &Kb, article: &Article) -> Understanding {
    let body = article.body();
    let outlet_state: Option<String> =
        article.outlet.as_deref().and_then(|o| kb.outlet_country(o)).map(String::from);
    // mentions without roles first: they feed the outlet-state guess and date inference
    let mut found = mentions::find_base(kb, &body, outlet_state.as_deref());
    let outlet_state = outlet_state.or_else(|| most_mentioned_state(&found.mentions));
    let (anchor, published_inferred) = match article.published {
        Some(d) => (Some(d), None),
        None => match pubdate::infer(kb, &body, &found.mentions) {
            Some((d, why)) => (Some(d), Some((d, why))),
            None => (None, None),
        },
    };
    mentions::finish(kb, &body, &mut found, outlet_state.as_deref(), anchor);
    let dates = dates::find_dates(&body, anchor);
    let sents = text::sentences(&body);
    let ctx = events::Ctx {
        kb,
        body: &body,
        sentences: &sents,
        mentions: &found.mentions,
        dates: &dates,
        outlet_state: outlet_state.as_deref(),
        anchor,
        title: article.title.as_deref(),
        anchor_inferred: published_inferred.is_some(),
    };
    let events = events::extract(&ctx);
    Understanding { mentions: found.mentions, events, published_inferred }
}

fn most_mentioned_state(ms: &[annalist_model::Mention]) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for m in ms.iter().filter(|m| m.kind == EntityKind::Country) {
        *counts.entry(m.id.as_str()).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(id, n)| (n, std::cmp::Reverse(id))).map(|(id, _)| id.to_string())
}
