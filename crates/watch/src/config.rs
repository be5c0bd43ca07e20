//! The watcher's configuration file (`sources.toml`): what to poll, how politely,
//! which watch lists to alert on and where alerts go.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use regex::Regex;
use serde::{Deserialize, Deserializer};

/// A duration written as people write them: `"15m"`, `"1h 30m"`, `"500ms"`, `"30d"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub Duration);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dur, D::Error> {
        let s = String::deserialize(d)?;
        parse_duration(&s).map(Dur).map_err(serde::de::Error::custom)
    }
}

/// Parse `"15m"`, `"2h"`, `"1h 30m"`, `"500ms"`, `"30d"`, `"2w"` (jiff's friendly
/// format; a day is 24 hours here, a week 7 days).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration = match s.trim().parse() {
        Ok(d) => d,
        // jiff reads days and weeks only into a calendar `Span`.
        Err(e) => s
            .trim()
            .parse::<jiff::Span>()
            .and_then(|span| span.to_duration(jiff::SpanRelativeTo::days_are_24_hours()))
            .map_err(|_| format!("{s:?} is not a duration like \"15m\", \"1h 30m\" or \"30d\" ({e})"))?,
    };
    Duration::try_from(d).map_err(|_| format!("{s:?}: a duration cannot be negative"))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub fetch: FetchConfig,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    #[serde(default, rename = "watch")]
    pub watches: Vec<WatchSpec>,
    #[serde(default)]
    pub alerts: AlertConfig,
}

/// Politeness and limits, shared by every source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Sent with every request and matched against robots.txt groups.
    pub user_agent: String,
    /// Least time between two requests to one host.
    pub per_host_interval: Dur,
    /// Requests in flight to one host at most.
    pub per_host_concurrency: usize,
    /// Whole-request limit (connect, headers and body).
    pub timeout: Dur,
    pub connect_timeout: Dur,
    /// Larger bodies are cut off and reported, not archived.
    pub max_body_mib: u64,
    pub max_redirects: usize,
    /// Further attempts after a 5xx, a 429 or a network error (never after other 4xx).
    pub retries: u32,
    /// First backoff; doubled per attempt, with full jitter, up to `backoff_max`.
    pub backoff: Dur,
    pub backoff_max: Dur,
    /// Articles are fetched again after `refetch_min`, then less often as they age
    /// (half their age), but at least every `refetch_max`.
    pub refetch_min: Dur,
    pub refetch_max: Dur,
    /// How long a robots.txt is trusted.
    pub robots_ttl: Dur,
    /// WARC files are rotated past this size.
    pub warc_max_mib: u64,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        let d = |s: u64| Dur(Duration::from_secs(s));
        FetchConfig {
            user_agent: format!("annalist/{} (+https://github.com/annalist)", env!("CARGO_PKG_VERSION")),
            per_host_interval: d(1),
            per_host_concurrency: 2,
            timeout: d(30),
            connect_timeout: d(10),
            max_body_mib: 16,
            max_redirects: 5,
            retries: 3,
            backoff: Dur(Duration::from_millis(500)),
            backoff_max: d(60),
            refetch_min: d(3600),
            refetch_max: d(30 * 86400),
            robots_ttl: d(86400),
            warc_max_mib: 100,
        }
    }
}

/// One outlet to follow: a feed (RSS/Atom) or a listing page with a link pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: String,
    #[serde(default)]
    pub feed: Option<String>,
    #[serde(default)]
    pub listing: Option<String>,
    /// Links on a listing page whose absolute URL matches this are articles.
    #[serde(default, with = "opt_regex")]
    pub link_pattern: Option<Regex>,
    /// Only article URLs matching this are fetched (feeds and listings alike).
    #[serde(default, with = "opt_regex")]
    pub article_pattern: Option<Regex>,
    /// Article URLs matching this are never fetched.
    #[serde(default, with = "opt_regex")]
    pub exclude_pattern: Option<Regex>,
    /// The outlet the pages are attributed to when they do not say.
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default = "default_interval")]
    pub interval: Dur,
    /// New articles fetched per poll at most (the rest wait for the next poll).
    #[serde(default = "default_max_new")]
    pub max_new_per_poll: usize,
}

fn default_interval() -> Dur {
    Dur(Duration::from_secs(15 * 60))
}

fn default_max_new() -> usize {
    200
}

impl SourceConfig {
    /// The feed or listing URL.
    pub fn url(&self) -> &str {
        self.feed.as_deref().or(self.listing.as_deref()).unwrap_or("")
    }

    /// Whether an article URL found on this source should be fetched.
    pub fn wants(&self, url: &str) -> bool {
        self.article_pattern.as_ref().is_none_or(|r| r.is_match(url))
            && !self.exclude_pattern.as_ref().is_some_and(|r| r.is_match(url))
    }
}

/// A watch list: every criterion given must hold. Query and entities select
/// articles; event types and dyads select events (one alert per real event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct WatchSpec {
    pub name: String,
    /// An expression of the search query language (`putin AND treaty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Entity ids (`rus`, `vladimir-putin`): the article mentions any of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// Event types (`message`, `visit`, …): an event of any of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_types: Vec<String>,
    /// Dyads `prk-rus` (either direction): an event between any of these pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dyads: Vec<String>,
}

impl WatchSpec {
    /// Whether this list fires on events (else on articles).
    pub fn on_events(&self) -> bool {
        !self.event_types.is_empty() || !self.dyads.is_empty()
    }

    /// Check the list before it is saved or used: a query that does not parse or an
    /// unknown event type is an error now, not a silent miss later.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.name.trim().is_empty() {
            bail!("a watch list needs a name");
        }
        if self.query.is_none() && self.entities.is_empty() && !self.on_events() {
            bail!("watch list {:?}: give a query, entities, event types or dyads", self.name);
        }
        if let Some(q) = &self.query {
            annalist_index::query::parse(q)
                .map_err(|e| anyhow::anyhow!("watch list {:?}: query {q:?}: {e}", self.name))?;
        }
        for t in &self.event_types {
            if annalist_model::EventType::parse(t).is_none() {
                bail!("watch list {:?}: unknown event type {t:?}", self.name);
            }
        }
        Ok(())
    }

    /// The pairs of states of `dyads`, read with the archive's one parser: an
    /// unknown state code is an error naming the list (with a suggestion), not a
    /// list that never fires.
    pub fn state_pairs(&self, kb: &annalist_understand::Kb) -> anyhow::Result<Vec<(String, String)>> {
        self.dyads
            .iter()
            .map(|d| {
                annalist_archive::parse_dyad(kb, d)
                    .map_err(|e| anyhow::anyhow!("watch list {:?}: dyad {e}", self.name))
            })
            .collect()
    }
}

/// Where alerts go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertConfig {
    /// One JSON line per alert on standard output.
    pub stdout: bool,
    /// Appended, one JSON object per line (relative paths: under the data directory).
    pub jsonl: Option<PathBuf>,
    /// POSTed as JSON, retried with backoff until it answers 2xx.
    pub webhook: Option<String>,
    pub webhook_timeout: Dur,
    pub webhook_retries: u32,
}

impl Default for AlertConfig {
    fn default() -> AlertConfig {
        AlertConfig {
            stdout: true,
            jsonl: None,
            webhook: None,
            webhook_timeout: Dur(Duration::from_secs(10)),
            webhook_retries: 4,
        }
    }
}

mod opt_regex {
    use regex::Regex;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Regex>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| Regex::new(&s).map_err(serde::de::Error::custom)).transpose()
    }
}

impl Config {
    /// Read and check a configuration file.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Config::parse(&text).with_context(|| format!("{}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let c: Config = toml::from_str(text)?;
        c.check()?;
        Ok(c)
    }

    fn check(&self) -> anyhow::Result<()> {
        let mut names = std::collections::HashSet::new();
        for s in &self.sources {
            if !names.insert(s.name.as_str()) {
                bail!("source {:?} is defined twice", s.name);
            }
            match (&s.feed, &s.listing) {
                (Some(_), Some(_)) | (None, None) => {
                    bail!("source {:?}: give either feed = URL or listing = URL", s.name)
                }
                (None, Some(_)) if s.link_pattern.is_none() => {
                    bail!("source {:?}: a listing needs link_pattern (a regex over article URLs)", s.name)
                }
                _ => {}
            }
            let u = url::Url::parse(s.url()).with_context(|| format!("source {:?}: {}", s.name, s.url()))?;
            if !matches!(u.scheme(), "http" | "https") {
                bail!("source {:?}: only http and https URLs can be polled", s.name);
            }
            if s.interval.0 < Duration::from_secs(1) {
                bail!("source {:?}: interval below 1s", s.name);
            }
        }
        let mut watch_names = std::collections::HashSet::new();
        for w in &self.watches {
            w.validate()?;
            if !watch_names.insert(w.name.as_str()) {
                bail!("watch list {:?} is defined twice", w.name);
            }
        }
        if self.fetch.per_host_concurrency == 0 {
            bail!("fetch.per_host_concurrency must be at least 1");
        }
        if let Some(w) = &self.alerts.webhook {
            url::Url::parse(w).with_context(|| format!("alerts.webhook {w:?}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("1h 30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        // The defaults' own units (refetch_max is 30 days) can be written down.
        assert_eq!(parse_duration("30d").unwrap(), Duration::from_secs(30 * 86400));
        assert_eq!(parse_duration("2w 1d").unwrap(), Duration::from_secs(15 * 86400));
        assert!(parse_duration("1 month").is_err(), "months have no fixed length");
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-5m").is_err());
    }

    #[test]
    fn a_config_is_checked_when_read() {
        let ok = Config::parse(
            r#"
            [fetch]
            per_host_interval = "200ms"
            [[source]]
            name = "kcna"
            feed = "http://127.0.0.1:1/rss.xml"
            interval = "5m"
            [[source]]
            name = "rodong"
            listing = "http://127.0.0.1:1/list.html"
            link_pattern = "/article/\\d+"
            [[watch]]
            name = "treaty"
            query = "putin AND treaty"
            [[watch]]
            name = "ru-messages"
            event_types = ["message"]
            dyads = ["prk-rus"]
            [alerts]
            jsonl = "alerts.jsonl"
            "#,
        )
        .unwrap();
        assert_eq!(ok.sources.len(), 2);
        assert_eq!(ok.fetch.per_host_interval.0, Duration::from_millis(200));
        assert!(ok.watches[1].on_events());
        let bad = [
            ("[[source]]\nname='a'\n", "either feed"),
            ("[[source]]\nname='a'\nlisting='http://x/'\n", "link_pattern"),
            ("[[source]]\nname='a'\nfeed='ftp://x/'\n", "http and https"),
            ("[[watch]]\nname='w'\nquery='putin AND ('\n", "query"),
            ("[[watch]]\nname='w'\nevent_types=['hug']\n", "unknown event type"),
            ("[[watch]]\nname='w'\n", "give a query"),
            ("[fetch]\ntimeout='later'\n", "duration"),
            ("[[source]]\nname='a'\nfeed='http://x/'\ncolour='red'\n", "unknown field"),
        ];
        for (text, want) in bad {
            let e = format!("{:#}", Config::parse(text).unwrap_err());
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn the_documented_example_config_is_valid() {
        let c = Config::parse(include_str!("../../../docs/watch.example.toml")).unwrap();
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.watches.len(), 2);
        assert_eq!(c.fetch.refetch_max.0, Duration::from_secs(30 * 86400));
    }
}
