//! The streaming readers behind [`crate::read_file`]: decompression, then one reader per kind.

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::ops::ControlFlow;

use annalist_model::{InputKind, Provenance};
use flate2::read::MultiGzDecoder;

use crate::detect::{Detected, detect};
use crate::{
    FileSummary, InputError, ReadOptions, Unit, UnitMeta, decode_text, human_size, io_reason, looks_binary,
};

type OnUnit<'a> = &'a mut dyn FnMut(Result<Unit, InputError>) -> ControlFlow<()>;

/// How far detection looks into a stream.
const PREFIX_BYTES: usize = 8192;
/// Longest WARC/HTTP header line kept.
const MAX_HEADER_LINE: usize = 64 * 1024;

struct Ctx<'a, 'b> {
    label: &'a str,
    opts: &'a ReadOptions,
    summary: FileSummary,
    on_unit: OnUnit<'b>,
}

impl Ctx<'_, '_> {
    fn emit(&mut self, r: Result<Unit, InputError>) -> ControlFlow<()> {
        match &r {
            Ok(_) => self.summary.units += 1,
            Err(_) => self.summary.errors += 1,
        }
        let flow = (self.on_unit)(r);
        if flow.is_break() {
            self.summary.stopped = true;
        }
        flow
    }

    fn prov(&self, kind: InputKind, line: Option<u64>, record: Option<u64>) -> Provenance {
        Provenance { path: self.label.to_string(), line, record, kind }
    }

    fn err(&self, reason: impl Into<String>) -> InputError {
        InputError::new(self.label, reason)
    }

    fn err_at_line(&self, line: u64, reason: impl Into<String>) -> InputError {
        InputError::new(format!("{}:{line}", self.label), reason)
    }

    fn err_at_record(&self, record: u64, reason: impl Into<String>) -> InputError {
        InputError::new(format!("{}#{record}", self.label), reason)
    }

    /// An error that ended the stream after `n` `what`s ("lines", "records").
    fn stream_error(&self, e: &io::Error, n: u64, what: &str) -> InputError {
        if let Some(x) = e.get_ref().and_then(|inner| inner.downcast_ref::<ExpansionExceeded>()) {
            return self.err(format!(
                "the compressed data {x} (a decompression bomb?) after {n} {what}; stopped reading"
            ));
        }
        if e.get_ref().is_some_and(|inner| inner.is::<LimitExceeded>()) {
            return self.err(format!(
                "data is over the {} limit after {n} {what}; stopped reading",
                human_size(self.opts.max_file_bytes)
            ));
        }
        match self.summary.compression {
            Some(c) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.err(format!("truncated {c} stream after {n} {what}"))
            }
            Some(c) => self.err(format!("corrupt {c} stream after {n} {what} ({})", io_reason(e))),
            None => self.err(format!("read error after {n} {what} ({})", io_reason(e))),
        }
    }
}

/// Raised by [`Limited`] when a stream goes past `max_file_bytes`.
#[derive(Debug)]
struct LimitExceeded;
impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("over the file size limit")
    }
}
impl std::error::Error for LimitExceeded {}

/// Raised by [`Limited`] when a compressed stream expands too far.
#[derive(Debug)]
struct ExpansionExceeded(u64);
impl std::fmt::Display for ExpansionExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "expands more than {}×", self.0)
    }
}
impl std::error::Error for ExpansionExceeded {}

/// Decompressed bytes always allowed, whatever the ratio.
const EXPANSION_FLOOR: u64 = 256 << 20;

/// A reader that fails once more than `remaining` bytes were read, or (for a
/// compressed stream) once it has handed out more than `ratio` times the bytes read
/// from the file beneath (decompression bombs).
struct Limited<R> {
    inner: R,
    remaining: u64,
    /// Bytes read from the file itself, when the stream is decompressed, and the ratio.
    raw: Option<(std::sync::Arc<std::sync::atomic::AtomicU64>, u64)>,
    out: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.remaining {
            return Err(io::Error::other(LimitExceeded));
        }
        self.remaining -= n as u64;
        self.out += n as u64;
        if let Some((raw, ratio)) = &self.raw
            && self.out > EXPANSION_FLOOR
            && self.out / ratio.max(&1) > raw.load(std::sync::atomic::Ordering::Relaxed)
        {
            return Err(io::Error::other(ExpansionExceeded(*ratio)));
        }
        Ok(n)
    }
}

/// Counts the bytes read from the file beneath the decompressors.
struct RawCount<R> {
    inner: R,
    n: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for RawCount<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Read up to `n` bytes (fewer only at end of stream).
fn read_prefix(r: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

pub(crate) fn read_stream(
    label: &str,
    reader: Box<dyn Read + '_>,
    opts: &ReadOptions,
    on_unit: OnUnit<'_>,
) -> Result<FileSummary, InputError> {
    let mut ctx = Ctx { label, opts, summary: FileSummary::default(), on_unit };
    let raw_read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut stream: Box<dyn Read + '_> = Box::new(RawCount { inner: reader, n: raw_read.clone() });
    // Nested compression is followed a few levels deep (a .gz of a .zst …), no further.
    for _ in 0..4 {
        let prefix = match read_prefix(&mut stream, PREFIX_BYTES) {
            Ok(p) => p,
            Err(e) => return Err(ctx.stream_error(&e, 0, "lines")),
        };
        let detected = detect(&prefix, label);
        let rest = Cursor::new(prefix).chain(stream);
        match detected {
            Detected::Gzip => {
                ctx.summary.compression.get_or_insert("gzip");
                stream = Box::new(MultiGzDecoder::new(BufReader::new(rest)));
            }
            Detected::Zstd => {
                ctx.summary.compression.get_or_insert("zstd");
                match zstd::stream::read::Decoder::new(rest) {
                    Ok(d) => stream = Box::new(d),
                    Err(e) => return Err(ctx.err(format!("cannot start zstd decoder ({e})"))),
                }
            }
            Detected::Empty => {
                return Err(ctx.err(if ctx.summary.compression.is_some() {
                    "empty file (after decompression)"
                } else {
                    "empty file"
                }));
            }
            Detected::Binary => return Err(ctx.err("binary data, not a text capture")),
            Detected::Utf16Dataset => {
                // Transcode to UTF-8 as it streams, then detect again.
                stream =
                    Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().bom_sniffing(true).build(rest));
            }
            other => {
                let raw = ctx.summary.compression.is_some().then(|| (raw_read.clone(), opts.max_expansion));
                let limited = Limited { inner: rest, remaining: opts.max_file_bytes, raw, out: 0 };
                let mut ctx = ctx;
                let res = match other {
                    Detected::Warc => read_warc(&mut ctx, limited),
                    Detected::JsonLines => read_json_lines(&mut ctx, limited),
                    Detected::Csv(d) => read_csv(&mut ctx, limited, d),
                    Detected::Html => read_page(&mut ctx, limited, InputKind::Html),
                    _ => read_page(&mut ctx, limited, InputKind::TextPage),
                };
                return res.map(|()| ctx.summary);
            }
        }
    }
    Err(ctx.err("compressed more than 4 levels deep"))
}

/// Read one line (without its `\n`) into `buf`, keeping at most `limit` bytes of it and
/// discarding the rest as it streams past. Returns the full length of the line, or `None`
/// at end of stream.
pub(crate) fn read_line_limited<R: BufRead + ?Sized>(
    r: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (chunk, done, used) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], true, i + 1),
            None => (avail, false, avail.len()),
        };
        if buf.len() < limit {
            let take = (limit - buf.len()).min(chunk.len());
            buf.extend_from_slice(&chunk[..take]);
        }
        total += chunk.len() as u64;
        r.consume(used);
        if done {
            return Ok(Some(total));
        }
    }
}

fn over_limit(ctx: &Ctx, what: &str, n: u64) -> String {
    format!("{what} is {n} bytes, over the {} limit", human_size(ctx.opts.max_unit_bytes as u64))
}

fn read_json_lines(ctx: &mut Ctx, stream: impl Read) -> Result<(), InputError> {
    let mut r = BufReader::with_capacity(256 * 1024, stream);
    let mut buf = Vec::new();
    let mut line_no: u64 = 0;
    ctx.summary.kind = Some(InputKind::JsonLines);
    loop {
        let total = match read_line_limited(&mut r, &mut buf, ctx.opts.max_unit_bytes) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(()),
            Err(e) => return Err(ctx.stream_error(&e, line_no, "lines")),
        };
        line_no += 1;
        if total > ctx.opts.max_unit_bytes as u64 {
            let e = ctx.err_at_line(line_no, over_limit(ctx, "line", total));
            if ctx.emit(Err(e)).is_break() {
                return Ok(());
            }
            continue;
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        let mut line: &[u8] = &buf;
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        let unit = Unit {
            provenance: ctx.prov(InputKind::JsonLines, Some(line_no), None),
            raw: line.to_vec(),
            meta: UnitMeta::default(),
        };
        let result = match check_json_object(line) {
            Ok(()) => Ok(unit),
            // Reported, and kept as a failed unit (its bytes are the record as it is).
            Err(reason) => Err(ctx.err_at_line(line_no, reason).with_unit(unit)),
        };
        if ctx.emit(result).is_break() {
            return Ok(());
        }
    }
}

/// Check that a line is one JSON object (its fields are extract's business). Lines that
/// are not UTF-8 are checked after windows-1252 decoding, as extract will read them.
fn check_json_object(line: &[u8]) -> Result<(), String> {
    let decoded;
    let text: &[u8] = match std::str::from_utf8(line) {
        Ok(_) => line,
        Err(_) => {
            decoded = decode_text(line, None).0;
            decoded.as_bytes()
        }
    };
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
        return Err(format!("not JSON: {e}"));
    }
    let what = match text.trim_ascii_start().first() {
        Some(b'{') => return Ok(()),
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    };
    Err(format!(
        "JSON line is {what}, not an object: no title or body field (expected one of {})",
        expected_fields()
    ))
}

/// "title, headline, body, text, …" for messages.
pub fn expected_fields() -> String {
    crate::fields::title_or_body_names()
}

/// A reader that keeps what it has read since `base`, so that the exact bytes of each
/// CSV record can be cut out after the `csv` crate has parsed it.
struct Tee<R> {
    inner: R,
    buf: Vec<u8>,
    base: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

impl<R> Tee<R> {
    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let a = (from.saturating_sub(self.base) as usize).min(self.buf.len());
        let b = (to.saturating_sub(self.base) as usize).clamp(a, self.buf.len());
        &self.buf[a..b]
    }
    fn forget_before(&mut self, pos: u64) {
        let n = (pos.saturating_sub(self.base) as usize).min(self.buf.len());
        self.buf.drain(..n);
        self.base += n as u64;
    }
}

fn trim_newline(mut b: &[u8]) -> &[u8] {
    while let Some((&last, rest)) = b.split_last() {
        if last == b'\n' || last == b'\r' {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn read_csv(ctx: &mut Ctx, stream: impl Read, delimiter: u8) -> Result<(), InputError> {
    ctx.summary.kind = Some(InputKind::Csv);
    let tee = Tee { inner: stream, buf: Vec::new(), base: 0 };
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(false).from_reader(tee);
    let mut rec = csv::ByteRecord::new();
    let mut header: Option<Vec<u8>> = None;
    let mut rows: u64 = 0;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(ioe) = e.kind() {
                    return Err(ctx.stream_error(ioe, rows + 1, "lines"));
                }
                let line = e.position().map_or(rows + 2, |p| p.line());
                if ctx.emit(Err(ctx.err_at_line(line, format!("bad CSV: {e}")))).is_break() {
                    return Ok(());
                }
                continue;
            }
        }
        let start = rec.position().map_or(0, |p| p.byte());
        let mut line = rec.position().map_or(rows + 2, |p| p.line());
        let end = rdr.position().byte();
        let slice = trim_newline(rdr.get_ref().slice(start, end));
        // With CRLF line ends, csv places a record's start before the previous line's
        // `\n`: skip it (and blank lines), counting the lines passed.
        let lead = slice.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        line += slice[..lead].iter().filter(|b| **b == b'\n').count() as u64;
        let bytes = slice[lead..].to_vec();
        rdr.get_mut().forget_before(end);
        let Some(head) = &header else {
            let h = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            header = Some(h.to_vec());
            continue;
        };
        rows += 1;
        let result = if head.len() + bytes.len() + 1 > ctx.opts.max_unit_bytes {
            Err(ctx.err_at_line(line, over_limit(ctx, "row", bytes.len() as u64)))
        } else {
            let mut raw = Vec::with_capacity(head.len() + 1 + bytes.len());
            raw.extend_from_slice(head);
            raw.push(b'\n');
            raw.extend_from_slice(&bytes);
            Ok(Unit {
                provenance: ctx.prov(InputKind::Csv, Some(line), None),
                raw,
                meta: UnitMeta::default(),
            })
        };
        if ctx.emit(result).is_break() {
            return Ok(());
        }
    }
    Ok(())
}

fn read_page(ctx: &mut Ctx, mut stream: impl Read, kind: InputKind) -> Result<(), InputError> {
    ctx.summary.kind = Some(kind);
    let limit = ctx.opts.max_unit_bytes as u64;
    let mut raw = Vec::new();
    if let Err(e) = (&mut stream).take(limit + 1).read_to_end(&mut raw) {
        let lines = memchr::memchr_iter(b'\n', &raw).count() as u64;
        return Err(ctx.stream_error(&e, lines, "lines"));
    }
    if raw.len() as u64 > limit {
        let rest = io::copy(&mut stream, &mut io::sink()).unwrap_or(0);
        let total = raw.len() as u64 + rest;
        return Err(ctx.err(format!("page is {total} bytes, over the {} limit", human_size(limit))));
    }
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ctx.err("empty file (only whitespace)"));
    }
    let (text, enc) = decode_text(&raw, None);
    if looks_binary(&text) {
        return Err(ctx.err("binary data, not a text capture"));
    }
    let unit = Unit {
        provenance: ctx.prov(kind, None, None),
        raw,
        meta: UnitMeta { charset: Some(enc.to_string()), ..UnitMeta::default() },
    };
    let _ = ctx.emit(Ok(unit));
    Ok(())
}

/// Headers of a WARC record or HTTP message: name (as given) and value, in order.
struct Headers(Vec<(String, String)>);

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn parse_header_line(line: &[u8]) -> Option<(String, String)> {
    let colon = memchr::memchr(b':', line)?;
    let name = String::from_utf8_lossy(&line[..colon]).trim().to_string();
    let value = String::from_utf8_lossy(&line[colon + 1..]).trim().to_string();
    Some((name, value))
}

fn read_warc(ctx: &mut Ctx, stream: impl Read) -> Result<(), InputError> {
    ctx.summary.kind = Some(InputKind::Warc);
    let mut r = BufReader::with_capacity(256 * 1024, stream);
    let mut line = Vec::new();
    let mut record: u64 = 0;
    let mut in_garbage = false;
    loop {
        // Version line (blank lines between records are skipped).
        match read_line_limited(&mut r, &mut line, MAX_HEADER_LINE) {
            Ok(None) => return Ok(()),
            Ok(Some(_)) => {}
            Err(e) => return Err(ctx.stream_error(&e, record, "records")),
        }
        let l = line.trim_ascii();
        if l.is_empty() {
            continue;
        }
        if !l.starts_with(b"WARC/") {
            if !in_garbage {
                in_garbage = true;
                let e =
                    ctx.err_at_record(record + 1, "not a WARC record header; skipping to the next record");
                if ctx.emit(Err(e)).is_break() {
                    return Ok(());
                }
            }
            continue;
        }
        in_garbage = false;
        record += 1;
        let mut headers = Headers(Vec::new());
        loop {
            match read_line_limited(&mut r, &mut line, MAX_HEADER_LINE) {
                Ok(None) => {
                    return Err(
                        ctx.err(format!("truncated WARC record {record} (end of data in its headers)"))
                    );
                }
                Ok(Some(_)) => {}
                Err(e) => return Err(ctx.stream_error(&e, record - 1, "records")),
            }
            let l = line.trim_ascii();
            if l.is_empty() {
                break;
            }
            if headers.0.len() < 1000
                && let Some(h) = parse_header_line(l)
            {
                headers.0.push(h);
            }
        }
        let Some(len) = headers.get("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) else {
            return Err(ctx.err_at_record(record, "WARC record has no valid Content-Length"));
        };
        if len > ctx.opts.max_unit_bytes as u64 {
            match io::copy(&mut (&mut r).take(len), &mut io::sink()) {
                Ok(n) if n == len => {}
                Ok(_) => return Err(ctx.err(format!("truncated WARC record {record}"))),
                Err(e) => return Err(ctx.stream_error(&e, record - 1, "records")),
            }
            let e = ctx.err_at_record(record, over_limit(ctx, "record", len));
            if ctx.emit(Err(e)).is_break() {
                return Ok(());
            }
            continue;
        }
        let mut block = Vec::with_capacity(len as usize);
        match (&mut r).take(len).read_to_end(&mut block) {
            Ok(n) if n as u64 == len => {}
            Ok(_) => {
                return Err(ctx
                    .err(format!("truncated WARC record {record} (after {} complete records)", record - 1)));
            }
            Err(e) => return Err(ctx.stream_error(&e, record - 1, "records")),
        }
        let wtype = headers.get("WARC-Type").unwrap_or("").to_ascii_lowercase();
        let url = headers.get("WARC-Target-URI").map(|u| u.trim_matches(['<', '>']).to_string());
        let fetched = headers.get("WARC-Date").map(str::to_string);
        // `annalist watch` marks what each record is. Feeds, listings and robots.txt
        // are archived (every response is) but are not articles; a `gone` note says
        // that the page at the target URI stopped answering or left its listing.
        let role = headers.get("Annalist-Role").map(str::to_ascii_lowercase);
        if matches!(role.as_deref(), Some("feed" | "listing" | "robots")) {
            ctx.summary.skipped += 1;
            continue;
        }
        if wtype == "metadata" && role.as_deref() == Some("gone") {
            let note: serde_json::Value = serde_json::from_slice(&block).unwrap_or_default();
            let reason = note["reason"].as_str().unwrap_or("gone at source").to_string();
            let unit = match url {
                Some(url) => Ok(Unit {
                    provenance: ctx.prov(InputKind::Warc, None, Some(record)),
                    raw: block,
                    meta: UnitMeta {
                        url: Some(url),
                        fetched,
                        content_type: Some("application/json".into()),
                        gone: Some(reason),
                        ..UnitMeta::default()
                    },
                }),
                None => Err(ctx.err_at_record(record, "gone note without a WARC-Target-URI")),
            };
            if ctx.emit(unit).is_break() {
                return Ok(());
            }
            continue;
        }
        let outlet = headers.get("Annalist-Outlet").map(str::to_string);
        let feed_published = headers.get("Annalist-Feed-Published").map(str::to_string);
        let feed_title = headers.get("Annalist-Feed-Title").map(str::to_string);
        let resource = |body: Vec<u8>| Payload {
            body,
            content_type: headers.get("Content-Type").map(str::to_string),
            last_modified: None,
        };
        let result = match wtype.as_str() {
            "response" => {
                let is_http =
                    headers.get("Content-Type").is_none_or(|ct| ct.to_ascii_lowercase().contains("http"))
                        || block.starts_with(b"HTTP/");
                if is_http {
                    http_payload(&block, ctx.opts.max_unit_bytes)
                } else {
                    Ok(Some(resource(block)))
                }
            }
            "resource" => Ok(Some(resource(block))),
            _ => Ok(None),
        };
        let result = match result {
            Ok(Some(p)) if is_textual(p.content_type.as_deref()) => {
                let charset = p
                    .content_type
                    .as_deref()
                    .and_then(crate::encoding_for_hint)
                    .map(|e| e.name().to_string());
                Ok(Unit {
                    provenance: ctx.prov(InputKind::Warc, None, Some(record)),
                    raw: p.body,
                    meta: UnitMeta {
                        url,
                        fetched,
                        charset,
                        content_type: p.content_type,
                        outlet,
                        gone: None,
                        feed_published,
                        feed_title,
                        last_modified: p.last_modified,
                    },
                })
            }
            Ok(_) => {
                ctx.summary.skipped += 1;
                continue;
            }
            Err(reason) => Err(ctx.err_at_record(record, reason)),
        };
        if ctx.emit(result).is_break() {
            return Ok(());
        }
    }
}

/// Whether a content type may hold an article (text, HTML, XHTML; unknown counts).
fn is_textual(ct: Option<&str>) -> bool {
    let Some(ct) = ct else { return true };
    let ct = ct.to_ascii_lowercase();
    ct.is_empty() || ct.starts_with("text/") || ct.contains("html") || ct.contains("xml")
}

/// The body of an HTTP response and what its headers say about it.
struct Payload {
    body: Vec<u8>,
    content_type: Option<String>,
    last_modified: Option<String>,
}

/// The body of an HTTP response message, de-chunked and decompressed, with its
/// content type; `None` for responses that are not 2xx.
fn http_payload(block: &[u8], max: usize) -> Result<Option<Payload>, String> {
    let (head_end, body_start) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => match memchr::memmem::find(block, b"\n\n") {
            Some(i) => (i, i + 2),
            None => return Err("HTTP response without a header end".into()),
        },
    };
    let head = &block[..head_end];
    let mut lines = head.split(|b| *b == b'\n');
    let status_line = lines.next().unwrap_or(b"");
    let status: u16 = std::str::from_utf8(status_line)
        .ok()
        .and_then(|s| s.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    let headers = Headers(lines.filter_map(|l| parse_header_line(l.trim_ascii())).collect());
    let mut body = block[body_start..].to_vec();
    if headers.get("Transfer-Encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
        && let Some(b) = dechunk(&body)
    {
        body = b;
    }
    match headers.get("Content-Encoding").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("gzip" | "x-gzip") => {
            let mut out = Vec::new();
            MultiGzDecoder::new(&body[..])
                .take(max as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("cannot decompress gzip HTTP body ({e})"))?;
            body = out;
        }
        Some("deflate") => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..])
                .take(max as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("cannot decompress deflate HTTP body ({e})"))?;
            body = out;
        }
        Some("identity") | None => {}
        Some(other) => return Err(format!("HTTP body in unsupported encoding {other:?}")),
    }
    if body.len() > max {
        return Err(format!("HTTP body is over the {} limit when decompressed", human_size(max as u64)));
    }
    Ok(Some(Payload {
        body,
        content_type: headers.get("Content-Type").map(str::to_string),
        last_modified: headers.get("Last-Modified").map(str::to_string),
    }))
}

/// Undo HTTP/1.1 chunked transfer coding; `None` when the data is not validly chunked.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let nl = memchr::memchr(b'\n', data)?;
        let size_line = std::str::from_utf8(&data[..nl]).ok()?.trim();
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size {
            return None;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        data = data.strip_prefix(b"\r\n").or_else(|| data.strip_prefix(b"\n")).unwrap_or(data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_line_reader() {
        let data = b"short\nvery long line here\nlast";
        let mut r = BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(5));
        assert_eq!(buf, b"short");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(19));
        assert_eq!(buf, b"very lon");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(4));
        assert_eq!(buf, b"last");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn chunked() {
        assert_eq!(dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").unwrap(), b"hello world");
        assert!(dechunk(b"zz\r\n").is_none());
    }

    #[test]
    fn json_shapes() {
        assert!(check_json_object(br#"{"title": "x"}"#).is_ok());
        assert!(check_json_object(b"[1,2]").unwrap_err().contains("no title or body field"));
        assert!(check_json_object(b"42").unwrap_err().contains("a number"));
        assert!(check_json_object(b"{oops").unwrap_err().starts_with("not JSON: "));
    }
}
