//! Hostile and careless input costs bounded time, memory and disk: a FIFO among the
//! inputs, a million worthless lines, a decompression bomb, a full disk; and what it
//! reports stays readable (collapsed past a limit, one line per problem).

use std::io::Write;

use crate::util::{annalist, annalist_ok};

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| {
                    let m = e.metadata().unwrap();
                    if m.is_dir() { dir_size(&e.path()) } else { m.len() }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn a_fifo_among_the_inputs_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let fifo = inp.join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid C path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::fs::write(
        inp.join("page.txt"),
        "Delegation Arrives\n\nA delegation arrived here on Monday by air.\n",
    )
    .unwrap();
    let t = std::time::Instant::now();
    let r = annalist(&dir.path().join("data"), &["ingest", inp.to_str().unwrap(), fifo.to_str().unwrap()]);
    assert!(t.elapsed() < std::time::Duration::from_secs(30), "{:?}", t.elapsed());
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    let fifo_lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains("pipe: ")).collect();
    assert_eq!(fifo_lines.len(), 2, "{}", r.stderr);
    assert!(fifo_lines.iter().all(|l| l.contains("named pipe")), "{}", r.stderr);
    assert!(r.stdout.contains("new 1"), "{}", r.stdout);
}

#[test]
fn worthless_lines_cost_little_disk_and_few_lines_of_output() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    // 300,000 copies of one worthless record, and 3,000 distinct worthless records.
    let mut f = std::io::BufWriter::new(std::fs::File::create(inp.join("empty.jsonl")).unwrap());
    for _ in 0..300_000 {
        f.write_all(b"{}\n").unwrap();
    }
    drop(f);
    let distinct: String = (0..3_000).map(|i| format!("{{\"n\": {i}}}\n")).collect();
    std::fs::write(inp.join("distinct.jsonl"), distinct).unwrap();
    let data = dir.path().join("data");
    let r = annalist(&data, &["ingest", inp.to_str().unwrap()]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    // At most 20 lines per file, then one line saying how many more.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(lines.len() <= 2 * 21, "{} lines:\n{}", lines.len(), r.stderr);
    assert!(lines.iter().any(|l| l.contains("distinct.jsonl: … and 2980 more problems")), "{}", r.stderr);
    assert!(r.stdout.contains("repeats: 299996"), "{}", r.stdout);
    assert!(r.stdout.contains("2000 failed units beyond the first 1000"), "{}", r.stdout);
    assert!(dir_size(&data) < 8 << 20, "{} bytes", dir_size(&data));
    // The counts are kept, and a second run counts nothing twice.
    let stats = |d: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&annalist_ok(d, &["stats", "--json"], 0).stdout).unwrap()
    };
    let s = stats(&data);
    assert_eq!((s["repeats"].as_i64(), s["dropped_failures"].as_i64()), (Some(299_996), Some(2_000)), "{s}");
    assert_eq!(s["failed_sources"], 1004, "{s}");
    annalist(&data, &["ingest", inp.to_str().unwrap()]);
    assert_eq!(stats(&data)["repeats"], s["repeats"]);
    assert_eq!(stats(&data)["dropped_failures"], s["dropped_failures"]);
}

#[test]
fn a_decompression_bomb_stops_early() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    // ~600 MB of one record, gzipped to under 1 MB (more than 200×).
    let line = b"{\"title\": \"Same\", \"body\": \"the same record again and again\"}\n".repeat(1000);
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(inp.join("bomb.jsonl.gz")).unwrap(),
        flate2::Compression::best(),
    );
    for _ in 0..10_000 {
        gz.write_all(&line).unwrap();
    }
    gz.finish().unwrap();
    let t = std::time::Instant::now();
    let r = annalist(&dir.path().join("data"), &["ingest", inp.to_str().unwrap()]);
    assert!(t.elapsed() < std::time::Duration::from_secs(60), "{:?}", t.elapsed());
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("decompression bomb"), "{}", r.stderr);
    assert!(r.stdout.contains("new 1"), "{}", r.stdout);
}

#[test]
fn a_full_disk_stops_cleanly_and_the_next_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seeds = crate::util::shared().join("seeds");
    // More free space asked for than any disk has: the first batch is refused.
    let r = annalist(&data, &["ingest", "--min-free-mib", "1000000000", seeds.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("free on the disk holding") && r.stderr.contains("resume"), "{}", r.stderr);
    let again = annalist_ok(&data, &["ingest", seeds.to_str().unwrap()], 0);
    assert!(again.stdout.contains("new 5"), "{}", again.stdout);
}

#[test]
fn a_newline_in_a_file_name_keeps_problems_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    std::fs::write(inp.join("bad\nname.jsonl"), "not json\n").unwrap();
    let r = annalist(&dir.path().join("data"), &["ingest", inp.to_str().unwrap()]);
    assert_eq!(r.status, 1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(lines[0].contains("bad\\nname.jsonl:1: not JSON"), "{}", r.stderr);
}
