//! Polite HTTP: per-host spacing and concurrency, robots.txt, conditional GET,
//! timeouts, a body cap, retries with exponential backoff and full jitter on 5xx,
//! 429 and network errors (never on other 4xx), and redirects followed by hand so
//! that each hop is checked against robots.txt and archived.
//!
//! Every response this module receives is handed to the caller's `archive`
//! callback before anything else is done with it ("every response is archived").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LOCATION};
use tokio::sync::Semaphore;
use url::Url;

use crate::config::FetchConfig;

/// What a response is, for the archive and the ingester.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Feed,
    Listing,
    Article,
    Robots,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Feed => "feed",
            Role::Listing => "listing",
            Role::Article => "article",
            Role::Robots => "robots",
        }
    }
}

/// One HTTP response, whole.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL that answered (after redirects).
    pub url: Url,
    pub status: u16,
    pub reason: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub date: jiff::Timestamp,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a fetch produced no usable response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("robots.txt of {host} disallows {url}")]
    Disallowed { host: String, url: String },
    #[error("body over the {limit_mib} MiB limit")]
    TooLarge { limit_mib: u64 },
    #[error("more than {0} redirects (a loop?)")]
    Redirects(usize),
    #[error("redirect without a usable Location")]
    BadRedirect,
    #[error("timed out")]
    Timeout,
    #[error("{0}")]
    Network(String),
}

/// Conditional-GET validators from an earlier response.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Spacing and concurrency for one host.
struct Gate {
    slots: Semaphore,
    next: tokio::sync::Mutex<Instant>,
}

struct Robots {
    fetched: Instant,
    ttl: Duration,
    /// `None`: allow everything (no robots.txt).
    rules: Option<texting_robots::Robot>,
    /// robots.txt unreachable or 5xx: disallow everything until it is fetched again.
    deny_all: bool,
}

pub struct Fetcher {
    client: reqwest::Client,
    cfg: FetchConfig,
    gates: Mutex<HashMap<String, Arc<Gate>>>,
    robots: tokio::sync::Mutex<HashMap<String, Robots>>,
    /// Counters for status and tests.
    pub stats: Mutex<FetchStats>,
}

#[derive(Debug, Default, Clone)]
pub struct FetchStats {
    pub requests: u64,
    pub retries: u64,
    pub disallowed: u64,
}

pub type Archive<'a> = &'a dyn Fn(&Response, Role);

fn host_key(u: &Url) -> String {
    format!("{}://{}:{}", u.scheme(), u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(0))
}

impl Fetcher {
    pub fn new(cfg: &FetchConfig) -> anyhow::Result<Fetcher> {
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(cfg.timeout.0)
            .connect_timeout(cfg.connect_timeout.0)
            .pool_max_idle_per_host(1)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        Ok(Fetcher {
            client,
            cfg: cfg.clone(),
            gates: Mutex::new(HashMap::new()),
            robots: tokio::sync::Mutex::new(HashMap::new()),
            stats: Mutex::new(FetchStats::default()),
        })
    }

    fn gate(&self, u: &Url) -> Arc<Gate> {
        let mut g = self.gates.lock().expect("gates lock");
        g.entry(host_key(u))
            .or_insert_with(|| {
                Arc::new(Gate {
                    slots: Semaphore::new(self.cfg.per_host_concurrency.max(1)),
                    next: tokio::sync::Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// GET `url` (with `validators` when given), following redirects, checking
    /// robots.txt before every hop. Non-2xx answers are responses, not errors; 5xx,
    /// 429 and network failures are retried first.
    pub async fn get(
        &self,
        url: &Url,
        role: Role,
        validators: &Validators,
        archive: Archive<'_>,
    ) -> Result<Response, FetchError> {
        let mut current = url.clone();
        for _hop in 0..=self.cfg.max_redirects {
            if !self.allowed(&current, archive).await {
                self.stats.lock().expect("stats").disallowed += 1;
                return Err(FetchError::Disallowed {
                    host: current.host_str().unwrap_or("").to_string(),
                    url: current.to_string(),
                });
            }
            let resp = self.get_with_retries(&current, validators).await?;
            archive(&resp, role);
            if (300..400).contains(&resp.status) && resp.status != 304 {
                let next = resp.header(LOCATION.as_str()).and_then(|l| current.join(l).ok());
                match next {
                    Some(n) if matches!(n.scheme(), "http" | "https") => {
                        current = n;
                        continue;
                    }
                    _ => return Err(FetchError::BadRedirect),
                }
            }
            return Ok(resp);
        }
        Err(FetchError::Redirects(self.cfg.max_redirects))
    }

    async fn get_with_retries(&self, url: &Url, v: &Validators) -> Result<Response, FetchError> {
        let mut attempt = 0u32;
        loop {
            let result = self.get_once(url, v).await;
            let retry = match &result {
                Ok(r) => r.status >= 500 || r.status == 429,
                Err(FetchError::Timeout | FetchError::Network(_)) => true,
                Err(_) => false,
            };
            if !retry || attempt >= self.cfg.retries {
                return result;
            }
            attempt += 1;
            self.stats.lock().expect("stats").retries += 1;
            // Exponential backoff with full jitter; a Retry-After in seconds is honoured
            // when it asks for longer (bounded by backoff_max).
            let cap = self.cfg.backoff.0.saturating_mul(1 << attempt.min(16)).min(self.cfg.backoff_max.0);
            let mut wait = cap.mul_f64(fastrand::f64());
            if let Ok(r) = &result
                && let Some(s) = r.header("retry-after").and_then(|s| s.trim().parse::<u64>().ok())
            {
                wait = wait.max(Duration::from_secs(s).min(self.cfg.backoff_max.0));
            }
            tracing::debug!(%url, attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn get_once(&self, url: &Url, v: &Validators) -> Result<Response, FetchError> {
        let gate = self.gate(url);
        let _slot = gate.slots.acquire().await.map_err(|_| FetchError::Network("shutting down".into()))?;
        {
            let mut next = gate.next.lock().await;
            let now = Instant::now();
            if *next > now {
                tokio::time::sleep(*next - now).await;
            }
            *next = Instant::now() + self.cfg.per_host_interval.0;
        }
        self.stats.lock().expect("stats").requests += 1;
        let mut headers = HeaderMap::new();
        if let Some(e) = v.etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(IF_NONE_MATCH, e);
        }
        if let Some(lm) = v.last_modified.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(IF_MODIFIED_SINCE, lm);
        }
        let mut resp = self.client.get(url.clone()).headers(headers).send().await.map_err(net_error)?;
        let limit = self.cfg.max_body_mib << 20;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge { limit_mib: self.cfg.max_body_mib });
        }
        let status = resp.status();
        let version = format!("{:?}", resp.version());
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let final_url = resp.url().clone();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(net_error)? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge { limit_mib: self.cfg.max_body_mib });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            url: final_url,
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            version,
            headers,
            body,
            date: jiff::Timestamp::now(),
        })
    }

    /// Whether robots.txt of `url`'s host lets us fetch it (fetching and archiving
    /// robots.txt when it is not known or too old).
    async fn allowed(&self, url: &Url, archive: Archive<'_>) -> bool {
        if url.path() == "/robots.txt" {
            return true;
        }
        let key = host_key(url);
        let mut robots = self.robots.lock().await;
        let fresh = robots.get(&key).is_some_and(|r| r.fetched.elapsed() < r.ttl);
        if !fresh {
            let robots_url = url.join("/robots.txt").expect("a valid absolute path");
            let r = match self.get_with_retries(&robots_url, &Validators::default()).await {
                Ok(resp) => {
                    archive(&resp, Role::Robots);
                    match resp.status {
                        200..=299 => Robots {
                            fetched: Instant::now(),
                            ttl: self.cfg.robots_ttl.0,
                            rules: texting_robots::Robot::new(&self.cfg.user_agent, &resp.body).ok(),
                            deny_all: false,
                        },
                        // No robots.txt (4xx): everything is allowed (RFC 9309 2.3.1.3).
                        400..=499 => Robots {
                            fetched: Instant::now(),
                            ttl: self.cfg.robots_ttl.0,
                            rules: None,
                            deny_all: false,
                        },
                        // Unreachable (5xx): assume complete disallow, ask again soon.
                        _ => Robots {
                            fetched: Instant::now(),
                            ttl: self.cfg.robots_ttl.0.min(Duration::from_secs(600)),
                            rules: None,
                            deny_all: true,
                        },
                    }
                }
                Err(_) => Robots {
                    fetched: Instant::now(),
                    ttl: self.cfg.robots_ttl.0.min(Duration::from_secs(600)),
                    rules: None,
                    deny_all: true,
                },
            };
            robots.insert(key.clone(), r);
        }
        let r = &robots[&key];
        if r.deny_all {
            return false;
        }
        r.rules.as_ref().is_none_or(|rules| rules.allowed(url.as_str()))
    }
}

fn net_error(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        // The innermost cause says what happened (connection refused, reset …).
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg = s.to_string();
            src = s.source();
        }
        FetchError::Network(msg)
    }
}
