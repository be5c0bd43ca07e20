//! A grammar-based query fuzzer whose oracle is time and memory: every query the
//! grammar generates (words common and rare, phrases, proximity up to the largest
//! slop, prefixes, field filters, dates, boolean nesting, and broken forms of all of
//! them), sent to a real `annalist serve` over the 2011 corpus through search,
//! pages, feeds and trends, is answered or refused within the limit while the
//! server's resident memory stays under the bound.
//!
//! CI runs it for `ANNALIST_FUZZ_SECS` (default 40 s); the 10-minute figures in
//! docs/BENCHMARKS.md come from `ANNALIST_FUZZ_SECS=600`. `ANNALIST_FUZZ_SEED`
//! replays a run.

use std::time::{Duration, Instant};

use crate::util::{full_store, http, rss, start_server};

/// Answer-or-refusal time allowed per request (the server's own query time is set
/// below it, so that a refusal has time to travel).
const LIMIT: Duration = Duration::from_millis(1000);
const QUERY_TIME: &str = "800ms";
/// Resident memory the server may reach.
const RSS_LIMIT: u64 = 512 << 20;

/// The most common words of the corpus (the expensive ones), some names, rare
/// words and words absent from it.
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "for",
    "on",
    "with",
    "is",
    "was",
    "by",
    "at",
    "as",
    "from",
    "that",
    "korea",
    "korean",
    "people",
    "party",
    "dprk",
    "kim",
    "jong",
    "il",
    "un",
    "pyongyang",
    "said",
    "workers",
    "great",
    "leader",
    "national",
    "revolution",
    "south",
    "united",
    "states",
    "general",
    "its",
    "this",
];
const RARE: &[&str] = &[
    "zanzibar",
    "juche",
    "putin",
    "vladivostok",
    "treaty",
    "comrades-in-arms",
    "u.s.",
    "laos",
    "sputnik",
    "qwxyz",
];
const FIELDS: &[&str] = &[
    "outlet:KCNA",
    "outlet:\"Rodong Sinmun\"",
    "lang:en",
    "entity:kim-jong-il",
    "type:message",
    "type:visit",
    "published:2011",
    "published:2011-06",
    "published:2011-06-01..2011-12-31",
    "published:..2011-03",
    "published:2011-13",
    "nosuchfield:x",
    "published:",
];

/// xorshift64*: deterministic, seedable, no dependency for a test generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
}

fn word(r: &mut Rng) -> String {
    match r.below(10) {
        0..=6 => r.pick(COMMON).to_string(),
        7 | 8 => r.pick(RARE).to_string(),
        _ => ["Ünïcödé", "&", "1234", "x".repeat(200).as_str(), "\u{0}", "–", "%", "\\"][r.below(8)]
            .to_string(),
    }
}

fn clause(r: &mut Rng, depth: usize) -> String {
    match r.below(if depth > 3 { 6 } else { 9 }) {
        0 | 1 => word(r),
        2 => {
            let n = 2 + r.below(7);
            format!("\"{}\"", (0..n).map(|_| word(r)).collect::<Vec<_>>().join(" "))
        }
        3 => {
            let n = 2 + r.below(9);
            let slop = [0, 1, 3, 10, 100, 1000, 5000, 99_999_999][r.below(8)];
            format!("\"{}\"~{slop}", (0..n).map(|_| r.pick(COMMON).to_string()).collect::<Vec<_>>().join(" "))
        }
        4 => {
            let w = r.pick(COMMON);
            let k = 1 + r.below(w.len().min(3));
            format!("{}*", &w[..k])
        }
        5 => {
            let f = r.pick(FIELDS);
            if r.chance(30) { format!("title:{}", word(r)) } else { f.to_string() }
        }
        6 => format!("({})", query(r, depth + 1)),
        7 => format!("NOT {}", clause(r, depth + 1)),
        _ => format!("-{}", clause(r, depth + 1)),
    }
}

fn query(r: &mut Rng, depth: usize) -> String {
    let n = 1 + r.below(if depth == 0 { 8 } else { 3 });
    let mut q = clause(r, depth);
    for _ in 1..n {
        q.push_str([" ", " AND ", " OR ", " "][r.below(4)]);
        q.push_str(&clause(r, depth));
    }
    if depth == 0 && r.chance(15) {
        // Break it: drop, duplicate or insert one character.
        let chars: Vec<char> = q.chars().collect();
        let i = r.below(chars.len().max(1));
        let junk = ['"', '(', ')', '*', '~', ':', '-'][r.below(7)];
        let mut out: String = chars[..i.min(chars.len())].iter().collect();
        if r.chance(50) {
            out.push(junk);
        }
        out.extend(chars.iter().skip(i + usize::from(r.chance(50))));
        q = out;
    }
    q
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn every_generated_query_is_answered_or_refused_in_time_and_memory() {
    let secs: u64 = std::env::var("ANNALIST_FUZZ_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed: u64 =
        std::env::var("ANNALIST_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
        });
    let data = full_store();
    let (server, base) = start_server(data, &["--query-time", QUERY_TIME]).unwrap();
    let pid = server.child.id();
    let mut r = Rng(seed);
    let started = Instant::now();
    let (mut n, mut refused, mut timed_out) = (0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, String::new());
    let mut times = Vec::new();
    // The query of the issue first, then the grammar's.
    let mut next = Some(("/api/v1/search?q=".to_string(), "\"the of and to in the\"~1000".to_string()));
    while started.elapsed() < Duration::from_secs(secs) {
        let (path, q) = next.take().unwrap_or_else(|| {
            let q = query(&mut r, 0);
            let path = match r.below(10) {
                0..=4 => "/api/v1/search?q=",
                5 | 6 => "/search?q=",
                7 => "/feeds/search?q=",
                _ => "/api/v1/trends?by=month&terms=",
            };
            let q = if path.contains("trends") {
                (0..1 + r.below(5)).map(|_| query(&mut r, 2)).collect::<Vec<_>>().join("|")
            } else {
                q
            };
            (path.to_string(), q)
        });
        let t = Instant::now();
        let (status, body) = http(&base, "GET", &format!("{path}{}", enc(&q)), &[], b"");
        let took = t.elapsed();
        n += 1;
        times.push(took);
        match status {
            200 => {}
            400 | 413 | 414 => refused += 1,
            503 => timed_out += 1,
            other => panic!("seed {seed}: {path}{q:?} answered {other}\n{body}"),
        }
        assert!(took <= LIMIT, "seed {seed}: {path}{q:?} took {took:?} (status {status})");
        if took > slowest.0 {
            slowest = (took, format!("{path}{q}"));
        }
        let (now, peak) = rss(pid);
        assert!(
            peak <= RSS_LIMIT,
            "seed {seed}: after {path}{q:?} the server's peak RSS is {peak} (now {now})"
        );
    }
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let (now, peak) = rss(pid);
    eprintln!(
        "query fuzz: seed {seed}, {n} requests in {:.0} s: {refused} refused (400), {timed_out} stopped (503); \
         p50 {:?} p99 {:?} max {:?} ({}); server RSS now {} MB, peak {} MB",
        started.elapsed().as_secs_f64(),
        p(0.5),
        p(0.99),
        slowest.0,
        slowest.1,
        now >> 20,
        peak >> 20
    );
    assert!(n > 20, "too few requests ({n}) to mean anything");
}

/// The server process's CPU time so far, in clock ticks (1/100 s on Linux).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let f: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

#[test]
fn a_request_out_of_time_stops_using_the_cpu_at_once() {
    let data = full_store();
    // Ten proximity queries of six very common words, OR'd: well under the cost
    // ceiling on this corpus, and several times the query time to run.
    let words = ["the", "of", "and", "to", "in", "a"];
    let q: Vec<String> = (0..10)
        .map(|i| {
            let mut w = words.to_vec();
            w.rotate_left(i % 6);
            if i >= 6 {
                w.swap(0, 5);
            }
            format!("\"{}\"~1000", w.join(" "))
        })
        .collect();
    let path = format!("/api/v1/search?q={}", enc(&q.join(" OR ")));
    // The budget well below the query's own time (75–100 ms on a quiet 2-core machine,
    // more under load), so that a faster machine still runs out of time.
    let (server, base) = start_server(data, &["--query-time", "25ms"]).unwrap();
    let pid = server.child.id();
    http(&base, "GET", "/api/v1/search?q=Putin", &[], b"");
    let mut after = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let (status, body) = http(&base, "GET", &path, &[], b"");
        let took = t.elapsed();
        assert_eq!(status, 503, "the query finished in time ({took:?}): make it heavier\n{body}");
        // From 100 ms after the answer on, the server is idle.
        std::thread::sleep(Duration::from_millis(100));
        let t0 = cpu_ticks(pid);
        std::thread::sleep(Duration::from_millis(900));
        after.push(cpu_ticks(pid) - t0);
        assert!(took < Duration::from_millis(600), "answered after {took:?}");
    }
    eprintln!("CPU ticks (10 ms) used from 100 ms to 1 s after each 503: {after:?}");
    // The server's own follower wakes every few seconds: allow it a tick or two.
    assert!(after.iter().all(|&t| t <= 3), "the server kept working after answering 503: {after:?} ticks");
}
