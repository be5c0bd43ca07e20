//! Kill -9 at random moments: the next run opens the store and completes it, and
//! the result equals an uninterrupted run.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// A small deterministic PRNG so the kill points are reproducible.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Every article a query finds (the first 10,000), sorted.
fn search_ids(data: &Path, q: &str) -> Vec<i64> {
    let out = annalist_ok(data, &["search", q, "--json", "--limit", "10000"], 0).stdout;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<i64> =
        v["hits"].as_array().unwrap().iter().map(|h| h["article"].as_i64().unwrap()).collect();
    ids.sort();
    ids
}

/// Start an ingest and SIGKILL it after `delay`; true if it was still running.
fn kill_after(data: &Path, args: &[&str], delay: Duration) -> bool {
    let mut child = Command::new(bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap(); // SIGKILL on Unix
    }
    child.wait().unwrap();
    killed
}

#[test]
fn killed_ingests_resume_to_the_uninterrupted_store() {
    let dir = tempfile::tempdir().unwrap();
    // A quarter of the 2011 corpus keeps the 20+ crash rounds quick while spanning
    // several batches; the seeds add teasers, stubs and text pages.
    let part = dir.path().join("kcna_2011_part.jsonl.gz");
    {
        let src = flate2::read::GzDecoder::new(
            std::fs::File::open(shared().join("corpora/kcna_2011.jsonl.gz")).unwrap(),
        );
        let mut out =
            flate2::write::GzEncoder::new(std::fs::File::create(&part).unwrap(), flate2::Compression::fast());
        for line in std::io::BufReader::new(src).lines().take(3000) {
            writeln!(out, "{}", line.unwrap()).unwrap();
        }
        out.finish().unwrap();
    }
    let seeds = shared().join("seeds");
    let args = ["ingest", "--quiet", seeds.to_str().unwrap(), part.to_str().unwrap()];

    let clean = dir.path().join("clean");
    let t0 = Instant::now();
    annalist_ok(&clean, &args, 0);
    let full_ms = t0.elapsed().as_millis() as u64;
    let want = logical_dump(&clean);
    let articles = annalist_ok(&clean, &["stats", "--json"], 0).stdout;
    let articles =
        serde_json::from_str::<serde_json::Value>(&articles).unwrap()["articles"].as_u64().unwrap();
    // A match-all query (only an exclusion) and a few phrases.
    let probes =
        ["-zzqqxx", "\"kim jong il\"", "\"message of greeting\" published:2011-06..", "reception OR banquet"];
    assert_eq!(search_ids(&clean, probes[0]).len() as u64, articles);

    let mut rng = Lcg(0x5eed_2026);
    let mut kills = 0;
    let mut round = 0;
    // Kill moments are drawn over `span`; when a run finishes before its moment (runs
    // get faster once files are cached, or the reference run was slowed by load), the
    // span shrinks, so the test reaches 20 real kills whatever the machine's speed.
    let mut span = (full_ms * 9 / 10).max(20);
    while kills < 20 {
        assert!(round < 80, "could not kill 20 runs mid-way in 80 rounds ({kills})");
        let data = dir.path().join(format!("crashed-{round}"));
        if kill_after(&data, &args, Duration::from_millis(rng.next() % span)) {
            kills += 1;
        } else {
            span = (span * 2 / 3).max(10);
        }
        // Every third round, crash the resuming run too.
        if round % 3 == 0 {
            if kill_after(&data, &args, Duration::from_millis(rng.next() % (span / 2).max(5))) {
                kills += 1;
            } else {
                span = (span * 2 / 3).max(10);
            }
        }
        if data.join("annalist.db").exists() {
            annalist_ok(&data, &["stats"], 0);
        }
        annalist_ok(&data, &args, 0);
        assert!(
            logical_dump(&data) == want,
            "round {round}: resumed store differs from the uninterrupted one"
        );
        // The index answers as the store says: every article once, and the same hits
        // as the uninterrupted run's index.
        for q in &probes {
            assert_eq!(search_ids(&data, q), search_ids(&clean, q), "round {round}: index disagrees on {q}");
        }
        std::fs::remove_dir_all(&data).unwrap();
        round += 1;
    }
}
