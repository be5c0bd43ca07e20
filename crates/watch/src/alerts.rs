//! Watch lists: which changed articles and events match, one alert per
//! (list, article) or (list, real event) ever, and delivery through the outbox to
//! stdout, a JSON Lines file and a webhook.

use std::io::Write;
use std::path::Path;

use annalist_index::Index;
use annalist_model::{EventType, Understanding};
use annalist_store::Store;
use annalist_understand::{Kb, dyad, merge};
use serde_json::{Value, json};

use crate::config::{AlertConfig, WatchSpec};
use crate::state::State;

/// (key, watch name, payload JSON) for every match among `articles`.
pub fn evaluate(
    store: &Store,
    index: &Index,
    kb: &Kb,
    watches: &[WatchSpec],
    articles: &[i64],
) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for w in watches {
        let pairs = match w.state_pairs(kb) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(watch = %w.name, "{e:#}");
                continue;
            }
        };
        let mut candidates: Vec<i64> = articles.to_vec();
        if let Some(q) = &w.query {
            let budget = std::sync::Arc::new(annalist_index::Budget::standard());
            candidates = match index.matching_within(q, &candidates, &budget) {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(watch = %w.name, "query does not run: {e}");
                    continue;
                }
            };
        }
        for id in candidates {
            let Some(a) = store.article(id)? else { continue };
            if a.status != annalist_model::ArticleStatus::Full {
                continue;
            }
            let und = a.understanding.clone().unwrap_or_else(empty);
            if !w.entities.is_empty()
                && !und.mentions.iter().any(|m| w.entities.iter().any(|e| e.eq_ignore_ascii_case(&m.id)))
            {
                continue;
            }
            let article = json!({
                "id": a.id, "title": a.display_title, "outlet": a.outlet, "published": a.published,
                "url": a.url, "gone_at": a.gone_at,
            });
            if !w.on_events() {
                out.push((
                    format!("{}|article:{id}", w.name),
                    w.name.clone(),
                    json!({"watch": w.name, "kind": "article", "article": article}).to_string(),
                ));
                continue;
            }
            let doc = a.sources.first().map(|s| s.doc.clone()).unwrap_or_default();
            for e in &und.events {
                if !w.event_types.is_empty()
                    && !w.event_types.iter().any(|t| EventType::parse(t) == Some(e.kind))
                {
                    continue;
                }
                if !pairs.is_empty() {
                    let (x, y) = dyad(e);
                    let hit = pairs.iter().any(|(p, q)| {
                        let (p, q) = (Some(p.as_str()), Some(q.as_str()));
                        (x == p && y == q) || (x == q && y == p)
                    });
                    if !hit {
                        continue;
                    }
                }
                // The id of the real event (type, dyad, date, place), shared by every
                // article that reports it: one alert however many report it.
                let canonical = merge(&[(id, doc.clone(), e.clone())]);
                let ev_id = canonical.first().map(|c| c.id.clone()).unwrap_or_default();
                out.push((
                    format!("{}|{ev_id}", w.name),
                    w.name.clone(),
                    json!({
                        "watch": w.name, "kind": "event", "event_id": ev_id,
                        "event": {
                            "type": e.kind.as_str(), "actor": e.actor, "actor_country": e.actor_country,
                            "target": e.target, "target_country": e.target_country,
                            "date": e.date.map(|d| d.to_string()), "place": e.place,
                            "evidence": e.evidence,
                        },
                        "article": article,
                    })
                    .to_string(),
                ));
            }
        }
    }
    Ok(out)
}

fn empty() -> Understanding {
    Understanding { mentions: Vec::new(), events: Vec::new(), published_inferred: None }
}

/// Deliver every alert not yet taken by each configured sink; sinks that are not
/// configured count as done. The webhook is only tried when `webhook_ok`; alerts it
/// does not take stay pending. Returns whether the webhook failed.
pub async fn deliver(
    state: &State,
    cfg: &AlertConfig,
    data: &Path,
    client: &reqwest::Client,
    webhook_ok: bool,
) -> anyhow::Result<bool> {
    let pending = state.pending_alerts()?;
    if pending.is_empty() {
        return Ok(false);
    }
    let jsonl_path = cfg.jsonl.as_ref().map(|p| if p.is_absolute() { p.clone() } else { data.join(p) });
    // Once the webhook failed (after its retries), the other alerts wait for the next
    // round instead of each waiting out the retries against a receiver that is down.
    let mut webhook_down = !webhook_ok;
    let mut failed = false;
    for a in pending {
        if !a.stdout_done {
            if cfg.stdout {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{}", a.payload)?;
                out.flush()?;
            }
            state.alert_done(&a.key, "stdout")?;
        }
        if !a.jsonl_done {
            if let Some(p) = &jsonl_path {
                let mut f = std::fs::OpenOptions::new().create(true).append(true).open(p)?;
                f.write_all(format!("{}\n", a.payload).as_bytes())?;
                f.sync_data()?;
            }
            state.alert_done(&a.key, "jsonl")?;
        }
        if !a.webhook_done {
            match &cfg.webhook {
                None => state.alert_done(&a.key, "webhook")?,
                Some(_) if webhook_down => {}
                Some(url) => match post(client, url, &a.key, &a.payload, cfg.webhook_retries).await {
                    Ok(()) => state.alert_done(&a.key, "webhook")?,
                    Err(e) => {
                        tracing::warn!(alert = %a.key, "webhook: {e}");
                        state.alert_failed(&a.key, &e)?;
                        webhook_down = true;
                        failed = true;
                    }
                },
            }
        }
    }
    Ok(failed)
}

/// POST one alert, retrying 5xx, 429 and network errors with backoff.
async fn post(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    payload: &str,
    retries: u32,
) -> Result<(), String> {
    let body: Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
    let mut attempt = 0;
    loop {
        let res = client
            .post(url)
            .header("content-type", "application/json")
            // Lets a receiver drop a repeat (after a crash between POST and bookkeeping).
            .header("idempotency-key", key)
            .body(body.to_string())
            .send()
            .await;
        let (retry, err) = match res {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) => {
                (r.status().is_server_error() || r.status().as_u16() == 429, format!("HTTP {}", r.status()))
            }
            Err(e) => (true, e.to_string()),
        };
        if !retry || attempt >= retries {
            return Err(err);
        }
        attempt += 1;
        let wait =
            std::time::Duration::from_millis(200 << attempt.min(8)).mul_f64(0.5 + fastrand::f64() / 2.0);
        tokio::time::sleep(wait).await;
    }
}
