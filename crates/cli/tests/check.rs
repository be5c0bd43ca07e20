//! `annalist check` finds each kind of injected damage (index garbage, a damaged
//! raw capture, zeroed database pages), says what to do, and `--repair` mends what
//! can be mended; readers meanwhile answer without crashing.

use std::path::{Path, PathBuf};

use crate::util::{annalist, annalist_ok, shared};

/// A copy of the seeds at an absolute path (so a blob can be restored from it),
/// ingested into `DIR/data`.
fn seeded(dir: &Path) -> (PathBuf, PathBuf) {
    let inp = dir.join("in");
    std::fs::create_dir(&inp).unwrap();
    for e in std::fs::read_dir(shared().join("seeds")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), inp.join(e.file_name())).unwrap();
        }
    }
    let data = dir.join("data");
    annalist_ok(&data, &["ingest", "--quiet", inp.to_str().unwrap()], 0);
    (inp, data)
}

/// The articles a search finds, in order.
fn hits(data: &Path, q: &str) -> Vec<i64> {
    let v: serde_json::Value =
        serde_json::from_str(&annalist_ok(data, &["search", q, "--json"], 0).stdout).unwrap();
    v["hits"].as_array().unwrap().iter().map(|h| h["article"].as_i64().unwrap()).collect()
}

fn check_json(data: &Path, args: &[&str], want: i32) -> serde_json::Value {
    let mut all = vec!["check", "--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&annalist_ok(data, &all, want).stdout).unwrap()
}

#[test]
fn a_sound_archive_checks_ok() {
    let dir = tempfile::tempdir().unwrap();
    let (_, data) = seeded(dir.path());
    let v = check_json(&data, &[], 0);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["articles"], v["indexed"], "{v}");
    assert!(v["blobs_checked"].as_u64().unwrap() >= 5, "{v}");
    let plain = annalist_ok(&data, &["check"], 0);
    assert!(plain.stdout.contains("database     ok"), "{}", plain.stdout);
}

/// Overwrites the largest index file whose name ends in `ext` (any, when empty)
/// with garbage; with `keep_footer`, only 16 bytes in its middle (the file
/// usually still opens, and only its checksum tells).
fn garble_index(data: &Path, ext: &str, keep_footer: bool) -> PathBuf {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(data.join("index"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| (e.metadata().unwrap().len(), e.path()))
        .filter(|(_, p)| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            !name.ends_with(".json") && !name.starts_with('.') && name.ends_with(ext)
        })
        .collect();
    files.sort();
    let (len, path) = files.pop().expect("index files");
    let mut bytes = std::fs::read(&path).unwrap();
    let range = if keep_footer { len / 2..(len / 2 + 16).min(len) } else { 0..len };
    for i in range {
        bytes[i as usize] = (i.wrapping_mul(2_654_435_761) >> 13) as u8;
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn index_garbage_is_found_and_readers_neither_crash_nor_lose_results() {
    let dir = tempfile::tempdir().unwrap();
    let (_, data) = seeded(dir.path());
    let before = hits(&data, "Putin");
    assert!(!before.is_empty());
    garble_index(&data, "", false);
    let r = annalist(&data, &["check"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("search index PROBLEM"), "{}", r.stdout);
    assert!(r.stdout.contains("annalist check --repair"), "{}", r.stdout);
    // Readers on the damaged index: an error line or an answer, never a panic. (An
    // index that no longer opens is rebuilt from the store by the first reader.)
    for q in ["Putin", "\"Kim Jong Un\"", "\"message to\"~5", "friend*"] {
        let s = annalist(&data, &["search", q]);
        assert_ne!(s.status, 101, "search {q} panicked:\n{}", s.stderr);
        assert!(!s.stderr.contains("panicked"), "search {q}:\n{}", s.stderr);
    }
    annalist_ok(&data, &["check", "--repair"], 0);
    assert_eq!(check_json(&data, &[], 0)["ok"], true);
    assert_eq!(hits(&data, "Putin"), before);
}

#[test]
fn index_damage_only_a_checksum_tells_is_found_and_repair_rebuilds() {
    for ext in [".pos", ".idx", ".store"] {
        let dir = tempfile::tempdir().unwrap();
        let (_, data) = seeded(dir.path());
        let before = hits(&data, "Putin");
        let file = garble_index(&data, ext, true);
        let v = check_json(&data, &[], 1);
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        // Named by its checksum, or (when tantivy cannot even open it) found unreadable.
        assert!(
            v["index_damaged_files"].to_string().contains(&name) || v["index_unreadable"] == true,
            "{ext}: {v}"
        );
        let fixed = annalist_ok(&data, &["check", "--repair"], 0);
        assert!(fixed.stdout.contains("rebuilt from the archive"), "{ext}: {}", fixed.stdout);
        assert_eq!(check_json(&data, &[], 0)["ok"], true, "{ext}");
        assert_eq!(hits(&data, "Putin"), before, "{ext}");
    }
}

/// Replaces the stored bytes of one raw capture (the first by hash) with garbage
/// that does not decompress; answers the hash.
fn damage_a_blob(data: &Path) -> String {
    let db = rusqlite::Connection::open(data.join("annalist.db")).unwrap();
    let hash: String =
        db.query_row("SELECT hash FROM blobs ORDER BY hash LIMIT 1", [], |r| r.get(0)).unwrap();
    db.execute("UPDATE blobs SET zdata = x'00112233445566778899' WHERE hash = ?1", [&hash]).unwrap();
    hash
}

#[test]
fn a_damaged_capture_is_found_reprocess_goes_on_and_repair_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, data) = seeded(dir.path());
    let hash = damage_a_blob(&data);
    let v = check_json(&data, &[], 1);
    assert_eq!(v["damaged_blobs"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["damaged_blobs"][0]["hash"], hash.as_str());
    // reprocess skips the damaged capture with one line and does the rest.
    let r = annalist(&data, &["reprocess"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(lines[0].contains("damaged"), "{}", r.stderr);
    let fixed = check_json(&data, &["--repair"], 0);
    assert_eq!(fixed["damaged_blobs"][0]["restored"], true, "{fixed}");
    assert_eq!(check_json(&data, &[], 0)["ok"], true);
    annalist_ok(&data, &["reprocess"], 0);
}

#[test]
fn a_damaged_capture_whose_file_is_gone_gets_advice() {
    let dir = tempfile::tempdir().unwrap();
    let (inp, data) = seeded(dir.path());
    damage_a_blob(&data);
    std::fs::remove_dir_all(&inp).unwrap();
    let r = annalist(&data, &["check", "--repair"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("raw captures PROBLEM"), "{}", r.stdout);
    assert!(
        r.stdout.contains("what to do:") && r.stdout.contains("ingest those files again"),
        "{}",
        r.stdout
    );
}

#[test]
fn zeroed_database_pages_are_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (_, data) = seeded(dir.path());
    let db = data.join("annalist.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    assert!(bytes.len() > 6 * page, "{} bytes", bytes.len());
    // Zero pages 3 to 5 (page 1 holds the header and schema).
    for b in &mut bytes[2 * page..5 * page] {
        *b = 0;
    }
    std::fs::write(&db, bytes).unwrap();
    let r = annalist(&data, &["check"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("database     PROBLEM"), "{}", r.stdout);
    assert!(r.stdout.contains("restore it from a backup"), "{}", r.stdout);
    assert_ne!(annalist(&data, &["stats"]).status, 101);
}

#[test]
fn a_server_on_a_damaged_index_answers_no_500_and_rebuilds_it() {
    for ext in [".pos", ".term", ".idx"] {
        let dir = tempfile::tempdir().unwrap();
        let (_, data) = seeded(dir.path());
        garble_index(&data, ext, true);
        let (_server, base) = crate::util::start_server(&data, &[]).unwrap();
        let paths = [
            "/api/v1/search?q=Putin",
            "/api/v1/search?q=%22Kim+Jong+Un%22",
            "/search?q=%22message+to%22~5",
            "/api/v1/trends?terms=friendship&by=month",
            "/feeds/search?q=Putin",
            "/",
        ];
        for p in paths {
            let (status, body) = crate::util::http(&base, "GET", p, &[], b"");
            assert!(status != 500 && status != 0, "{ext}: GET {p} → {status}\n{body}");
        }
        // The rebuild runs in the background: search answers again within a while.
        let start = std::time::Instant::now();
        loop {
            let (status, body) =
                crate::util::http(&base, "GET", "/api/v1/search?q=%22Kim+Jong+Un%22", &[], b"");
            let total =
                serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["total"].as_u64());
            if status == 200 && total.unwrap_or(0) > 0 && annalist(&data, &["check", "--quick"]).status == 0 {
                break;
            }
            assert!(start.elapsed() < std::time::Duration::from_secs(120), "{ext}: {status}\n{body}");
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    }
}
