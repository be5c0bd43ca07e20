//! `annalist bench ingest --baseline`: the regression guard compares the ingest's
//! time as a ratio to a reference workload with a recorded ratio, and fails only past
//! the tolerance, printing the comparison either way.

use crate::util::*;

fn baseline(dir: &std::path::Path, ratio: f64) -> std::path::PathBuf {
    let p = dir.join(format!("baseline-{ratio}.json"));
    let v = serde_json::json!({"workload": "seeds", "understanding": true, "ratio": ratio,
        "ingest_secs": 1.0, "reference_secs": 1.0, "runs": 1});
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

#[test]
fn the_guard_fails_only_beyond_the_tolerance_and_always_prints_the_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = shared().join("seeds");
    let data = dir.path().join("unused");
    let run = |b: &std::path::Path| {
        annalist(&data, &["bench", "ingest", seeds.to_str().unwrap(), "--baseline", b.to_str().unwrap()])
    };
    // A recorded ratio far above any real one: today is much faster, which passes.
    let ok = run(&baseline(dir.path(), 1e9));
    assert_eq!(ok.status, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("ratio: ingest") && ok.stdout.contains(": ok"), "{}", ok.stdout);
    // A recorded ratio far below: a regression, exit status 1, said so.
    let slow = run(&baseline(dir.path(), 1e-9));
    assert_eq!(slow.status, 1, "{}{}", slow.stdout, slow.stderr);
    assert!(slow.stdout.contains("REGRESSION"), "{}", slow.stdout);
    // Recording writes a baseline the guard reads back.
    let rec = dir.path().join("rec.json");
    annalist_ok(&data, &["bench", "ingest", seeds.to_str().unwrap(), "--record", rec.to_str().unwrap()], 0);
    let back = run(&rec);
    assert!(back.stdout.contains("baseline"), "{}", back.stdout);
    // A baseline of another workload is an error, not a comparison.
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        std::fs::read_to_string(&rec).unwrap().replace("\"seeds\"", "\"kcna_2011.jsonl.gz\""),
    )
    .unwrap();
    let wrong = run(&other);
    assert_eq!(wrong.status, 2, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("recorded for kcna_2011.jsonl.gz"), "{}", wrong.stderr);
}
