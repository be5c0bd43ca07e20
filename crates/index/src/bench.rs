//! The search benchmark kit: a deterministic synthetic corpus built from real KCNA text,
//! a fixed query mix, and latency measurement.
//!
//! The corpus is JSON Lines, one article per line:
//! `{"date","title","language","url","outlet","paragraphs":[…]}` — titles from the
//! headline list, bodies mixed from 3–12 paragraphs of random real articles plus a
//! unique reference sentence (so no two bodies are equal), dates spread over
//! 1996–2025, five outlets. The same sources, `n` and seed give the same file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use annalist_model::Date;

use crate::{Index, IndexDoc, IndexError, Result, SearchRequest, Sort};

/// The outlets of the synthetic corpus, with their share (in percent).
pub const OUTLETS: [(&str, u32); 5] = [
    ("KCNA", 45),
    ("Rodong Sinmun", 25),
    ("Minju Joson", 12),
    ("Ministry of Foreign Affairs (EN)", 8),
    ("Voice of Korea", 10),
];

/// A small, fast, deterministic PRNG (SplitMix64): the corpus must not depend on a
/// crate's algorithm changing between versions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// One line of a corpus file (ours, or the shared KCNA corpora: missing fields default).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CorpusLine {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub paragraphs: Vec<String>,
}

/// Opens a file, gunzipping when the name ends in `.gz`.
pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead>> {
    let f = File::open(path).map_err(|e| IndexError::Other(format!("{}: {e}", path.display())))?;
    let r: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, f)))
    } else {
        Box::new(f)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, r)))
}

/// Reads every line of the corpus files: `(titles, paragraphs by language)`.
/// Paragraphs of one language.
type Pool = (String, Vec<String>);

fn read_pools(sources: &[PathBuf]) -> Result<(Vec<String>, Vec<Pool>)> {
    let mut titles = Vec::new();
    let mut paras: HashMap<String, Vec<String>> = HashMap::new();
    for src in sources {
        for line in open_maybe_gz(src)?.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let Ok(l) = serde_json::from_str::<CorpusLine>(&line) else {
                continue;
            };
            if let Some(t) = l.title.filter(|t| !t.trim().is_empty()) {
                titles.push(t);
            }
            let lang = l.language.unwrap_or_else(|| "en".into());
            let pool = paras.entry(lang).or_default();
            pool.extend(l.paragraphs.into_iter().filter(|p| !p.trim().is_empty()));
        }
    }
    let mut paras: Vec<Pool> = paras.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    paras.sort_by(|a, b| a.0.cmp(&b.0));
    if titles.is_empty() || paras.is_empty() {
        return Err(IndexError::Other("the corpus sources hold no titles or no paragraphs".into()));
    }
    Ok((titles, paras))
}

/// Writes a synthetic corpus of `n` articles to `out` (JSON Lines), deterministic from
/// `seed` and the sources (files of `{title, paragraphs, language}` lines, `.gz` or not).
pub fn write_corpus(sources: &[PathBuf], n: usize, out: &Path, seed: u64) -> Result<()> {
    let (titles, paras) = read_pools(sources)?;
    let total_paras: u64 = paras.iter().map(|p| p.1.len() as u64).sum();
    let first = Date::new(1996, 1, 1).expect("valid date");
    let days = first
        .until(Date::new(2025, 12, 31).expect("valid date"))
        .map_err(|e| IndexError::Other(e.to_string()))?
        .get_days() as u64;
    let mut rng = Rng::new(seed);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out)?);
    for i in 0..n {
        // Language in proportion to the paragraphs available in each.
        let mut pick = rng.below(total_paras);
        let (lang, pool) = paras
            .iter()
            .find(|(_, p)| {
                if pick < p.len() as u64 {
                    true
                } else {
                    pick -= p.len() as u64;
                    false
                }
            })
            .expect("pick below the total");
        let mut o = rng.below(100) as u32;
        let outlet = OUTLETS
            .iter()
            .find(|(_, share)| {
                if o < *share {
                    true
                } else {
                    o -= share;
                    false
                }
            })
            .map_or(OUTLETS[0].0, |x| x.0);
        let date = first
            .checked_add(jiff::Span::new().days(rng.below(days + 1) as i64))
            .map_err(|e| IndexError::Other(e.to_string()))?;
        let k = rng.range(3, 12) as usize;
        let mut paragraphs: Vec<String> =
            (0..k).map(|_| pool[rng.below(pool.len() as u64) as usize].clone()).collect();
        let at = rng.below(k as u64 + 1) as usize;
        paragraphs.insert(at, format!("This report is filed under reference A{i:08} of the archive."));
        let title = titles[rng.below(titles.len() as u64) as usize].clone();
        let slug: String =
            outlet.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        let line = CorpusLine {
            date: Some(date.to_string()),
            title: Some(title),
            language: Some(lang.clone()),
            url: Some(format!("http://synthetic.example/{slug}/{date}/{i}.html")),
            outlet: Some(outlet.to_string()),
            paragraphs,
        };
        serde_json::to_writer(&mut w, &line).map_err(|e| IndexError::Other(e.to_string()))?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

/// Maps a corpus line to an index document (`article` is the line number, 1-based).
pub fn corpus_doc(article: i64, l: CorpusLine) -> IndexDoc {
    IndexDoc {
        article,
        title: l.title.unwrap_or_default(),
        body: l.paragraphs.join("\n\n"),
        outlet: l.outlet,
        language: l.language,
        published: l.date.and_then(|d| d.parse().ok()),
        entities: Vec::new(),
        event_types: Vec::new(),
        sources: l.url.into_iter().collect(),
    }
}

/// How indexing a corpus went.
#[derive(Debug, Clone, Serialize)]
pub struct IndexReport {
    pub articles: u64,
    /// Reading, indexing and committing, excluding waiting for background merges.
    pub index_secs: f64,
    /// Including waiting for background merges to finish.
    pub total_secs: f64,
    pub articles_per_sec: f64,
    pub size_bytes: u64,
    pub segments: usize,
}

/// Indexes a corpus file (line `i` becomes article `i`), committing every
/// `commit_every` articles with the line number as watermark, then waits for merges.
pub fn index_corpus(index: &mut Index, corpus: &Path, commit_every: usize) -> Result<IndexReport> {
    let t0 = Instant::now();
    let mut batch = Vec::with_capacity(1024);
    let mut n: i64 = 0;
    let mut since_commit = 0;
    for line in open_maybe_gz(corpus)?.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        let l: CorpusLine = serde_json::from_str(&line)
            .map_err(|e| IndexError::Other(format!("{}:{n}: {e}", corpus.display())))?;
        batch.push(corpus_doc(n, l));
        if batch.len() == 1024 {
            index.upsert(&batch)?;
            since_commit += batch.len();
            batch.clear();
            if since_commit >= commit_every {
                index.commit(n)?;
                since_commit = 0;
            }
        }
    }
    index.upsert(&batch)?;
    index.commit(n)?;
    let index_secs = t0.elapsed().as_secs_f64();
    index.close_writer()?;
    let total_secs = t0.elapsed().as_secs_f64();
    Ok(IndexReport {
        articles: n as u64,
        index_secs,
        total_secs,
        articles_per_sec: n as f64 / index_secs,
        size_bytes: index.size_bytes(),
        segments: index.num_segments(),
    })
}

/// The fixed query mix: single terms, phrases, boolean, prefix, date-filtered,
/// outlet-filtered and proximity queries, in words that occur in the KCNA corpus.
pub fn query_mix() -> Vec<String> {
    [
        // single terms
        "korea",
        "anniversary",
        "imperialists",
        "delegation",
        "cooperation",
        "laos",
        "nuclear",
        "football",
        // several words (implicit AND)
        "kim jong il",
        "congratulatory message president",
        "friendship delegation pyongyang",
        "nuclear war provocation",
        // phrases
        "\"supreme people's assembly\"",
        "\"kim il sung\"",
        "\"korean people's army\"",
        "\"south korean puppet\"",
        "\"central committee of the workers' party\"",
        // boolean
        "china OR russia",
        "(cuba OR vietnam) AND friendship",
        "delegation -china",
        "nuclear NOT weapons",
        "(\"kim jong il\" OR \"kim il sung\") AND anniversary",
        // prefix
        "treat*",
        "congratul* message",
        // date-filtered
        "korea published:2005",
        "anniversary published:2010-01-01..2012-12-31",
        "delegation published:..1999-12-31",
        "nuclear published:2020-06",
        "\"kim jong il\" published:2011..",
        // outlet-filtered
        "outlet:KCNA imperialists",
        "outlet:\"rodong sinmun\" editorial",
        "outlet:\"voice of korea\" army",
        "title:kim outlet:\"minju joson\"",
        // title
        "title:message",
        "title:\"kim jong il\"",
        // proximity
        "\"kim treaty\"~10",
        "\"nuclear united\"~5",
        "\"people army\"~3",
        "\"anniversary founding\"~4",
        "\"delegation left\"~6",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

/// Latency of a query mix.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    pub qps: f64,
    /// Sum of `total` over one round (a sanity check that queries match something).
    pub matches_per_round: u64,
    /// The same percentiles in CPU time of the searching thread (Linux; 0 elsewhere): far
    /// less sensitive than wall time to other processes competing for the cores.
    pub cpu_p50_ms: f64,
    pub cpu_p95_ms: f64,
    pub cpu_p99_ms: f64,
}

/// CPU time consumed by the calling thread, in milliseconds (0 where unsupported).
pub fn thread_cpu_ms() -> f64 {
    #[cfg(target_os = "linux")]
    {
        #[repr(C)]
        struct Timespec {
            sec: i64,
            nsec: i64,
        }
        unsafe extern "C" {
            fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
        }
        const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
        let mut ts = Timespec { sec: 0, nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
        if unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return ts.sec as f64 * 1e3 + ts.nsec as f64 / 1e6;
        }
    }
    0.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1]
}

/// Runs every query once to warm up, then `rounds` times timed, one at a time, asking
/// for the top 10 by relevance without snippets or facets.
pub fn run(index: &Index, queries: &[String], rounds: usize) -> BenchReport {
    let template = SearchRequest {
        query: String::new(),
        limit: 10,
        offset: 0,
        sort: Sort::Relevance,
        facets: false,
        snippets: false,
    };
    run_with(index, queries, rounds, &template)
}

/// [`run`] with the other request settings taken from `template`.
pub fn run_with(index: &Index, queries: &[String], rounds: usize, template: &SearchRequest) -> BenchReport {
    let mut req = template.clone();
    let mut matches = 0u64;
    for q in queries {
        req.query.clone_from(q);
        if let Ok(r) = index.search(&req) {
            matches += r.total as u64;
        }
    }
    let mut lat = Vec::with_capacity(queries.len() * rounds);
    let mut cpu = Vec::with_capacity(queries.len() * rounds);
    let t0 = Instant::now();
    for _ in 0..rounds {
        for q in queries {
            req.query.clone_from(q);
            let c = thread_cpu_ms();
            let t = Instant::now();
            let _ = std::hint::black_box(index.search(&req));
            lat.push(t.elapsed().as_secs_f64() * 1e3);
            cpu.push(thread_cpu_ms() - c);
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let pct = |p: f64| percentile(&lat, p);
    BenchReport {
        queries: lat.len(),
        p50_ms: pct(50.0),
        p95_ms: pct(95.0),
        p99_ms: pct(99.0),
        max_ms: lat.last().copied().unwrap_or(0.0),
        mean_ms: if lat.is_empty() { 0.0 } else { lat.iter().sum::<f64>() / lat.len() as f64 },
        qps: if wall > 0.0 { lat.len() as f64 / wall } else { 0.0 },
        matches_per_round: matches,
        cpu_p50_ms: percentile(&cpu, 50.0),
        cpu_p95_ms: percentile(&cpu, 95.0),
        cpu_p99_ms: percentile(&cpu, 99.0),
    }
}
