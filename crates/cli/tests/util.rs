//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `annalist` binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_annalist"))
}

/// `../shared` beside the checkout (tests read shared data in place, never copy it).
pub fn shared() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let cand = dir.join("shared");
        if cand.join("eval").is_dir() && cand.join("seeds").is_dir() {
            return cand;
        }
        if !dir.pop() {
            panic!("no shared/ directory with eval/ and seeds/ above {}", env!("CARGO_MANIFEST_DIR"));
        }
    }
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            status: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Run `annalist --data DATA ARGS…` to completion.
pub fn annalist(data: &Path, args: &[&str]) -> Run {
    Command::new(bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .env("ANNALIST_LOG", "error")
        .output()
        .expect("spawn annalist")
        .into()
}

/// Like [`annalist`] but panics with the output unless the exit status is `want`.
pub fn annalist_ok(data: &Path, args: &[&str], want: i32) -> Run {
    let r = annalist(data, args);
    assert_eq!(
        r.status, want,
        "annalist {args:?} exited {}\nstdout:\n{}\nstderr:\n{}",
        r.status, r.stdout, r.stderr
    );
    r
}

/// Run score.py on GOLD vs PRED and return its `--json` result.
pub fn score(gold: &[PathBuf], pred: &Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let gold_all = dir.path().join("gold.jsonl");
    let mut text = String::new();
    for g in gold {
        text.push_str(&std::fs::read_to_string(g).unwrap());
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    std::fs::write(&gold_all, text).unwrap();
    let out = Command::new("python3")
        .arg(shared().join("eval/score.py"))
        .arg(&gold_all)
        .arg(pred)
        .arg("--json")
        .output()
        .expect("python3 to run score.py");
    assert!(out.status.success(), "score.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("score.py --json output")
}

/// A logical dump of the archive without wall-clock timestamps, for comparing two
/// stores built by different runs.
pub fn logical_dump(data: &Path) -> String {
    let r = annalist_ok(data, &["export", "--format", "jsonl"], 0);
    let mut out = String::new();
    for line in r.stdout.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(sources) = v.get_mut("sources").and_then(|s| s.as_array_mut()) {
            for s in sources {
                s.as_object_mut().unwrap().remove("ingested_at");
            }
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let stats = annalist_ok(data, &["stats", "--json"], 0);
    let mut s: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    s.as_object_mut().unwrap().remove("db_bytes");
    out.push_str(&s.to_string());
    out
}

/// An archive holding the seeds and the 2011 corpus, built once per test process
/// and shared by the tests that only read it.
pub fn full_store() -> &'static Path {
    static STORE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, data) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let seeds = shared().join("seeds");
        let corpus = shared().join("corpora/kcna_2011.jsonl.gz");
        annalist_ok(&data, &["ingest", "--quiet", seeds.to_str().unwrap(), corpus.to_str().unwrap()], 0);
        (dir, data)
    });
    data
}
