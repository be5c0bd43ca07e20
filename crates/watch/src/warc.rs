//! Writing WARC 1.1 files: one gzip member per record (so any record can be read on
//! its own and a torn tail is cut off cleanly), rotated past a size, never appended
//! to after a restart. `annalist ingest` reads them back (crates/ingest).
//!
//! Hand-written rather than taken from a crate: the format is a header block and a
//! payload, and we need control of the annalist extension headers
//! (`Annalist-Role`, `Annalist-Source`, `Annalist-Outlet`) and of durability.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::fetch::{Response, Role};

/// One record as written: which file, its 1-based number there, and the gzip member.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub record: u64,
    pub member: Vec<u8>,
}

pub struct WarcWriter {
    dir: PathBuf,
    max_bytes: u64,
    current: Option<Current>,
    counter: u64,
}

struct Current {
    path: PathBuf,
    file: File,
    bytes: u64,
    records: u64,
}

/// Extra WARC headers written by the watcher.
#[derive(Debug, Clone, Default)]
pub struct Tags<'a> {
    pub source: Option<&'a str>,
    pub outlet: Option<&'a str>,
    /// What the feed item that linked an article page said about it.
    pub feed_published: Option<&'a str>,
    pub feed_title: Option<&'a str>,
}

impl WarcWriter {
    /// Write into `dir`; before anything else, cut a torn last record (a crash
    /// mid-write) off the newest file.
    pub fn open(dir: &Path, max_bytes: u64) -> anyhow::Result<WarcWriter> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let files = warc_files(dir)?;
        if let Some(last) = files.last() {
            repair(last)?;
        }
        Ok(WarcWriter { dir: dir.to_path_buf(), max_bytes, current: None, counter: 0 })
    }

    /// Archive an HTTP response.
    pub fn response(&mut self, r: &Response, role: Role, tags: &Tags) -> anyhow::Result<Written> {
        let mut block = Vec::with_capacity(r.body.len() + 512);
        let version = match r.version.as_str() {
            "HTTP/2.0" => "HTTP/2",
            v => v,
        };
        write!(block, "{version} {} {}\r\n", r.status, r.reason)?;
        for (k, v) in &r.headers {
            // The body is stored de-chunked, so a Transfer-Encoding header would lie.
            if k.eq_ignore_ascii_case("transfer-encoding") {
                continue;
            }
            write!(block, "{k}: {}\r\n", clean(v))?;
        }
        block.extend_from_slice(b"\r\n");
        block.extend_from_slice(&r.body);
        let mut headers = vec![
            ("WARC-Type", "response".to_string()),
            ("WARC-Target-URI", r.url.to_string()),
            ("WARC-Date", warc_date(r.date)),
            ("Content-Type", "application/http; msgtype=response".to_string()),
            ("Annalist-Role", role.as_str().to_string()),
        ];
        push_tags(&mut headers, tags);
        self.write_record(headers, &block)
    }

    /// Archive a note that the page at `url` is gone at source.
    pub fn gone(
        &mut self,
        url: &str,
        reason: &str,
        at: jiff::Timestamp,
        tags: &Tags,
    ) -> anyhow::Result<Written> {
        let block = serde_json::to_vec(&serde_json::json!({"reason": reason, "url": url}))?;
        let mut headers = vec![
            ("WARC-Type", "metadata".to_string()),
            ("WARC-Target-URI", url.to_string()),
            ("WARC-Date", warc_date(at)),
            ("Content-Type", "application/json".to_string()),
            ("Annalist-Role", "gone".to_string()),
        ];
        push_tags(&mut headers, tags);
        self.write_record(headers, &block)
    }

    fn write_record(&mut self, mut headers: Vec<(&str, String)>, block: &[u8]) -> anyhow::Result<Written> {
        self.counter += 1;
        let id_seed = format!("{}|{}|{}", headers[1].1, headers[2].1, self.counter);
        let h = blake3::hash(id_seed.as_bytes()).to_hex();
        let id =
            format!("<urn:uuid:{}-{}-{}-{}-{}>", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]);
        headers.insert(1, ("WARC-Record-ID", id));
        headers.push(("Content-Length", block.len().to_string()));
        let mut rec = Vec::with_capacity(block.len() + 512);
        rec.extend_from_slice(b"WARC/1.1\r\n");
        for (k, v) in &headers {
            write!(rec, "{k}: {}\r\n", clean(v))?;
        }
        rec.extend_from_slice(b"\r\n");
        rec.extend_from_slice(block);
        rec.extend_from_slice(b"\r\n\r\n");
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&rec)?;
        let member = gz.finish()?;

        if self.current.as_ref().is_none_or(|c| c.bytes > 0 && c.bytes + member.len() as u64 > self.max_bytes)
        {
            self.rotate()?;
        }
        let cur = self.current.as_mut().expect("rotate opened a file");
        cur.file.write_all(&member).with_context(|| format!("writing {}", cur.path.display()))?;
        // Durable before anything refers to it (the store, the watcher's state).
        cur.file.sync_data()?;
        cur.bytes += member.len() as u64;
        cur.records += 1;
        Ok(Written { path: cur.path.clone(), record: cur.records, member })
    }

    fn rotate(&mut self) -> anyhow::Result<()> {
        let stamp = jiff::Timestamp::now().strftime("%Y%m%d%H%M%S").to_string();
        let mut n = 0;
        let path = loop {
            let p = self.dir.join(format!("annalist-{stamp}-{n:03}.warc.gz"));
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        self.current = Some(Current { path, file, bytes: 0, records: 0 });
        Ok(())
    }
}

fn push_tags(headers: &mut Vec<(&str, String)>, tags: &Tags) {
    if let Some(s) = tags.source {
        headers.push(("Annalist-Source", s.to_string()));
    }
    if let Some(o) = tags.outlet {
        headers.push(("Annalist-Outlet", o.to_string()));
    }
    if let Some(p) = tags.feed_published {
        headers.push(("Annalist-Feed-Published", p.to_string()));
    }
    if let Some(t) = tags.feed_title {
        headers.push(("Annalist-Feed-Title", t.to_string()));
    }
}

/// Header values on one line (a hostile server could send CR/LF in a header value).
fn clean(v: &str) -> String {
    v.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect()
}

fn warc_date(t: jiff::Timestamp) -> String {
    // Whole microseconds, as WARC 1.1 allows; enough to order a poll's responses.
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The watcher's WARC files in `dir`, oldest first (their names sort by time).
pub fn warc_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("annalist-") && n.ends_with(".warc.gz"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    v.sort();
    Ok(v)
}

/// Truncate `path` after its last complete gzip member, and return how many
/// complete members (records) it holds.
pub fn repair(path: &Path) -> anyhow::Result<u64> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut rest: &[u8] = &data;
    let mut good = 0usize;
    let mut records = 0u64;
    while !rest.is_empty() {
        let mut dec = flate2::bufread::GzDecoder::new(rest);
        let mut sink = Vec::new();
        if dec.read_to_end(&mut sink).is_err() {
            break;
        }
        let left = dec.into_inner();
        if left.len() == rest.len() {
            break;
        }
        good += rest.len() - left.len();
        records += 1;
        rest = left;
    }
    if good < data.len() {
        tracing::warn!(file = %path.display(), kept = good, cut = data.len() - good, "cutting a torn WARC record");
        let f = OpenOptions::new().write(true).open(path)?;
        f.set_len(good as u64)?;
        f.sync_all()?;
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(url: &str, body: &str) -> Response {
        Response {
            url: url.parse().unwrap(),
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("content-type".into(), "text/html; charset=euc-kr".into())],
            body: body.as_bytes().to_vec(),
            date: "2026-11-23T10:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn records_rotate_and_torn_tails_are_cut() {
        let dir = tempfile::tempdir().unwrap();
        // Sizes are of gzip members: bodies that do not compress away.
        let mut rng = fastrand::Rng::with_seed(7);
        let mut noise = || -> String { (0..300).map(|_| rng.alphanumeric()).collect() };
        let limit = 900;
        let mut w = WarcWriter::open(dir.path(), limit).unwrap();
        let tags = Tags { source: Some("s"), outlet: Some("KCNA"), ..Tags::default() };
        let a = w.response(&resp("http://x.test/a", &noise()), Role::Article, &tags).unwrap();
        let b = w.response(&resp("http://x.test/b", &noise()), Role::Article, &tags).unwrap();
        let c =
            w.gone("http://x.test/a", "HTTP 404", "2026-11-24T00:00:00Z".parse().unwrap(), &tags).unwrap();
        let (sa, sb, sc) = (a.member.len() as u64, b.member.len() as u64, c.member.len() as u64);
        assert!(sa + sb > limit && sb + sc <= limit, "member sizes {sa} {sb} {sc} do not test rotation");
        assert_eq!(a.record, 1);
        assert_ne!(a.path, b.path, "rotated past the size limit");
        assert_eq!((b.path.clone(), b.record, c.record), (c.path.clone(), 1, 2));
        drop(w);
        // A torn write: half a member at the end of the newest file.
        let mut f = OpenOptions::new().append(true).open(&c.path).unwrap();
        f.write_all(&a.member[..a.member.len() / 2]).unwrap();
        drop(f);
        let w = WarcWriter::open(dir.path(), limit).unwrap();
        drop(w);
        assert_eq!(repair(&c.path).unwrap(), 2);
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(File::open(&c.path).unwrap()).read_to_string(&mut text).unwrap();
        assert!(text.contains("Annalist-Role: gone"), "{text}");
        assert!(text.contains("WARC-Type: metadata"));
        assert_eq!(warc_files(dir.path()).unwrap().len(), 2);
    }

    #[test]
    fn header_values_cannot_inject_lines() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::open(dir.path(), 1 << 20).unwrap();
        let mut r = resp("http://x.test/a", "body");
        r.headers.push(("x-evil".into(), "a\r\nWARC-Type: resource".into()));
        let rec = w.response(&r, Role::Article, &Tags::default()).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&rec.member[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text.matches("WARC-Type").count(), 2, "{text}");
        assert!(text.contains("x-evil: a  WARC-Type: resource\r\n"));
    }
}
