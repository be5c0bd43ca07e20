//! Several processes on one archive: two ingests creating it at once, and readers
//! (a server, `annalist search`, uploads) while an ingest of the 2011 corpus holds
//! the index writer. Nobody fails with a lock error; nothing is lost.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{annalist, annalist_ok, bin, http, logical_dump, shared, start_server};

#[test]
fn two_ingests_creating_one_archive_at_once_both_finish_and_agree_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = shared().join("seeds");
    let clean = dir.path().join("clean");
    annalist_ok(&clean, &["ingest", "--quiet", seeds.to_str().unwrap()], 0);

    for round in 0..3 {
        let data = dir.path().join(format!("race{round}"));
        // Both start on an empty directory: each must create the archive or find it
        // created, and one of them waits for (or defers to) the other's writers.
        let spawn = |what: &std::path::Path| {
            Command::new(bin())
                .arg("--data")
                .arg(&data)
                .args(["ingest", "--quiet"])
                .arg(what)
                .env("ANNALIST_LOG", "error")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn(&seeds);
        let b = spawn(&seeds);
        for (name, child) in [("first", a), ("second", b)] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: the {name} ingest failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The next reader catches the index up; the archive is the one a single run makes.
        annalist_ok(&data, &["search", "Pyongyang"], 0);
        assert_eq!(logical_dump(&data), logical_dump(&clean), "round {round}");
        let check = annalist(&data, &["check", "--quick"]);
        assert_eq!(check.status, 0, "round {round}:\n{}", check.stdout);
    }
}

#[test]
fn serve_search_and_uploads_work_while_an_ingest_of_the_corpus_runs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seeds = shared().join("seeds");
    annalist_ok(&data, &["ingest", "--quiet", seeds.to_str().unwrap()], 0);
    let corpus = shared().join("corpora/kcna_2011.jsonl.gz");
    let mut ingest = Command::new(bin())
        .arg("--data")
        .arg(&data)
        .args(["ingest", "--quiet"])
        .arg(&corpus)
        .env("ANNALIST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the ingest has filed something past the seeds.
    let start = Instant::now();
    loop {
        let s: serde_json::Value =
            serde_json::from_str(&annalist_ok(&data, &["stats", "--json"], 0).stdout).unwrap();
        if s["articles"].as_u64().unwrap_or(0) > 100 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the ingest filed nothing: {s}");
        assert!(ingest.try_wait().unwrap().is_none(), "the ingest ended before the readers could start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let token = "concurrent-test-token";
    let (_server, base) = start_server(&data, &["--token", token]).unwrap();
    let (status, body) = http(&base, "GET", "/api/v1/search?q=Putin", &[], b"");
    assert_eq!(status, 200, "{body}");
    let s = annalist(&data, &["search", "Putin"]);
    assert_eq!(s.status, 0, "{}\n{}", s.stdout, s.stderr);
    assert!(!s.stdout.is_empty());
    let page = "Zanzibar Orchestra Visits\n\nThe Zanzibar Taarab Orchestra arrived in Pyongyang on Tuesday for a visit.\n\n\
                The orchestra will perform at the Moranbong Theatre during its stay here.\n";
    let auth = format!("Authorization: Bearer {token}");
    let (status, body) = http(&base, "POST", "/api/v1/ingest?name=zanzibar.txt", &[&auth], page.as_bytes());
    assert!((200..300).contains(&status), "upload during the ingest: {status}\n{body}");
    let still_running = ingest.try_wait().unwrap().is_none();
    let out = ingest.wait_with_output().unwrap();
    assert!(out.status.success(), "the ingest failed:\n{}", String::from_utf8_lossy(&out.stderr));
    // The upload is filed and (once the writer is free) found.
    let start = Instant::now();
    loop {
        let (status, body) = http(&base, "GET", "/api/v1/search?q=Zanzibar", &[], b"");
        let total = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["total"].as_u64());
        if status == 200 && total == Some(1) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{status}\n{body}");
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(still_running, "the ingest ended before the upload: the test proved nothing; use a bigger input");
}
