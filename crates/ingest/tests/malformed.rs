//! Malformed and hostile inputs: each gives a one-line error for people, never a panic,
//! and good units around a bad one are still read.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use annalist_ingest::{FileSummary, InputError, InputKind, ReadOptions, Unit, discover, read_file};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read(p: &Path) -> (Vec<Unit>, Vec<String>, Result<FileSummary, InputError>) {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    let res = read_file(p, &ReadOptions::default(), &mut |u| {
        match u {
            Ok(u) => units.push(u),
            Err(e) => errors.push(e.to_string()),
        }
        ControlFlow::Continue(())
    });
    (units, errors, res)
}

#[test]
fn empty_file() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "empty.jsonl", b"");
    let (u, _, res) = read(&p);
    assert!(u.is_empty());
    assert_eq!(res.unwrap_err().to_string(), format!("{}: empty file", p.display()));
}

#[test]
fn binary_junk() {
    let d = tempfile::tempdir().unwrap();
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    let p = write(d.path(), "junk.txt", &junk);
    let (u, _, res) = read(&p);
    assert!(u.is_empty());
    assert_eq!(res.unwrap_err().to_string(), format!("{}: binary data, not a text capture", p.display()));
}

#[test]
fn truncated_gzip_keeps_lines_read() {
    let d = tempfile::tempdir().unwrap();
    let mut data = Vec::new();
    for i in 0..2000 {
        writeln!(data, r#"{{"title": "Item {i}", "body": "Body number {i} with some words {}"}}"#, i * 31)
            .unwrap();
    }
    let gz = gzip(&data);
    let p = write(d.path(), "cut.jsonl.gz", &gz[..gz.len() / 2]);
    let (u, errs, res) = read(&p);
    assert!(errs.is_empty(), "{errs:?}");
    assert!(!u.is_empty() && u.len() < 2000);
    let e = res.unwrap_err().to_string();
    assert_eq!(e, format!("{}: truncated gzip stream after {} lines", p.display(), u.len()));
}

#[test]
fn huge_line_is_skipped_and_reading_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..50 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\n{\"title\": \"Good\", \"body\": \"After the big one.\"}\n").unwrap();
    }
    let (u, errs, res) = read(&p);
    res.unwrap();
    assert_eq!(errs, vec![format!("{}:1: line is 52428800 bytes, over the 16 MiB limit", p.display())]);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].provenance.line, Some(2));
}

#[test]
fn malformed_and_wrong_shape_json() {
    let d = tempfile::tempdir().unwrap();
    let p =
        write(d.path(), "bad.jsonl", b"{\"title\": \"ok\"}\n{oops\n[1, 2]\n42\n\n{\"title\": \"also ok\"}\n");
    let (u, errs, res) = read(&p);
    res.unwrap();
    assert_eq!(u.len(), 2);
    assert_eq!(u[1].provenance.line, Some(6));
    assert_eq!(errs.len(), 3);
    assert!(errs[0].starts_with(&format!("{}:2: not JSON: ", p.display())), "{}", errs[0]);
    assert!(errs[1].starts_with(&format!("{}:3: ", p.display())));
    assert!(errs[1].contains("no title or body field (expected one of title, headline"));
    assert!(errs[2].contains("a number"));
    for e in &errs {
        assert!(!e.contains('\n'));
    }
}

#[test]
fn latin1_page_is_read_not_rejected() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "latin1.txt", b"Caf\xe9 in Pyongyang\n\nThe caf\xe9 opened.\n");
    let (u, _, res) = read(&p);
    res.unwrap();
    assert_eq!(u[0].meta.charset.as_deref(), Some("windows-1252"));
    assert_eq!(u[0].provenance.kind, InputKind::TextPage);
}

#[test]
fn missing_paths_and_discovery() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("b/c")).unwrap();
    std::fs::create_dir_all(d.path().join(".hidden")).unwrap();
    write(d.path(), "b/c/2.txt", b"x");
    write(d.path(), "b/1.txt", b"x");
    write(d.path(), "a.txt", b"x");
    write(d.path(), ".secret", b"x");
    write(d.path(), ".hidden/h.txt", b"x");
    let missing = d.path().join("nope");
    let (files, errs) = discover(&[d.path().to_path_buf(), missing.clone()]);
    let names: Vec<String> =
        files.iter().map(|f| f.strip_prefix(d.path()).unwrap().display().to_string()).collect();
    assert_eq!(names, vec!["a.txt", "b/1.txt", "b/c/2.txt"]);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].to_string(), format!("{}: no such file or directory", missing.display()));
}

#[test]
fn csv_line_numbers_and_raw_rows() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "rows.csv",
        b"title,date,body\r\nFirst,2011-12-01,\"multi\nline body\"\r\nSecond,2011-12-02,plain\r\n",
    );
    let (u, errs, res) = read(&p);
    res.unwrap();
    assert!(errs.is_empty());
    assert_eq!(u.len(), 2);
    assert_eq!(u[0].provenance.line, Some(2));
    assert_eq!(u[1].provenance.line, Some(4));
    assert_eq!(u[0].raw, b"title,date,body\nFirst,2011-12-01,\"multi\nline body\"");
    assert_eq!(u[1].raw, b"title,date,body\nSecond,2011-12-02,plain");
}

#[test]
fn stop_early() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "three.jsonl", b"{\"title\":\"a\"}\n{\"title\":\"b\"}\n{\"title\":\"c\"}\n");
    let mut n = 0;
    let s = read_file(&p, &ReadOptions::default(), &mut |_| {
        n += 1;
        if n == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    })
    .unwrap();
    assert_eq!(n, 2);
    assert!(s.stopped);
}

#[test]
fn decompression_bomb_is_bounded() {
    let d = tempfile::tempdir().unwrap();
    let zeros = vec![b'{'; 4 << 20];
    let p = write(d.path(), "bomb.jsonl.gz", &gzip(&zeros));
    let opts = ReadOptions { max_unit_bytes: 1 << 20, max_file_bytes: 1 << 20, ..ReadOptions::default() };
    let res = read_file(&p, &opts, &mut |_| ControlFlow::Continue(()));
    let e = res.unwrap_err().to_string();
    assert!(e.contains("over the 1 MiB limit"), "{e}");
}
