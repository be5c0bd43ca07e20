//! Reading raw captures.
//!
//! This crate owns everything between a path on the command line and a stream of
//! [`Unit`]s: finding the files under the given paths ([`discover`]), detecting what each
//! file holds *by content* (gzip/zstd → decompressed and detected again, WARC, JSON Lines,
//! CSV/TSV, HTML, plain-text pages), splitting datasets into records, character decoding
//! ([`decode_text`]), size limits, and error messages addressed to people
//! ([`InputError`]: `path`, `path:line` or `path#record`, then the reason).
//!
//! It never interprets a capture: turning a unit into an article is `annalist-extract`'s
//! job. Reading is streaming: a dataset of several GiB is read one record at a time, and
//! no single line, record or page above [`ReadOptions::max_unit_bytes`] is ever kept.

/// The dataset column names recognised for each article field (lower case, in order
/// of preference): one table for detecting datasets here and mapping them in extract.
pub mod fields {
    pub const TITLE: &[&str] = &["title", "headline", "head", "heading"];
    pub const DATE: &[&str] = &[
        "date",
        "published",
        "pubdate",
        "datetime",
        "published_at",
        "publish_date",
        "date_published",
        "datepublished",
        "pub_date",
        "timestamp",
        "time",
    ];
    pub const BODY: &[&str] = &[
        "body",
        "text",
        "story",
        "content",
        "article",
        "paragraphs",
        "article_body",
        "articlebody",
        "full_text",
        "fulltext",
    ];
    pub const URL: &[&str] = &["url", "link", "story_link", "href", "source_url", "uri"];
    pub const LANGUAGE: &[&str] = &["language", "lang", "locale"];
    pub const OUTLET: &[&str] =
        &["outlet", "source", "publisher", "agency", "site_name", "site", "newspaper"];
    pub const ALL: &[&[&str]] = &[TITLE, DATE, BODY, URL, LANGUAGE, OUTLET];

    /// "title, headline, …, body, text, …" for error messages.
    pub fn title_or_body_names() -> String {
        TITLE.iter().chain(BODY).copied().collect::<Vec<_>>().join(", ")
    }
}

mod decode;
mod detect;
mod readers;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use annalist_model::Provenance;
pub use annalist_model::{InputKind, UnitMeta};

pub use decode::{decode_text, encoding_for_hint, looks_binary, sniff_meta_charset};
pub use detect::{Detected, detect, is_known_field, looks_html};

/// One capture: a page file, a dataset record, or a WARC response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Where it came from (path, line or record, kind).
    pub provenance: Provenance,
    /// The exact bytes of this unit, enough to re-extract it on its own: a page file's
    /// (decompressed) bytes, a JSON line's bytes, a CSV header line + `\n` + the row's
    /// bytes, or a WARC response's HTTP payload.
    pub raw: Vec<u8>,
    /// What the container said about the unit.
    pub meta: UnitMeta,
}

/// Limits for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Largest single unit (line, record, page) kept; larger ones are reported and skipped.
    pub max_unit_bytes: usize,
    /// Largest (decompressed) file read; reading stops with an error past it.
    pub max_file_bytes: u64,
    /// A compressed file may expand to at most this many times the bytes read from
    /// it (past the first 256 MiB): more is a decompression bomb, and reading stops.
    pub max_expansion: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_unit_bytes: 16 << 20, max_file_bytes: 8 << 30, max_expansion: 200 }
    }
}

/// A problem with the input, for people: `{location}: {reason}` on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// `path`, `path:line` or `path#record`.
    pub location: String,
    /// What is wrong, in plain words.
    pub reason: String,
    /// The unit this error is about, when it is one unit of a dataset whose bytes are
    /// there but do not read as its kind (a JSON line that is not an object): the
    /// pipeline keeps it as a failed unit, so that nothing read is lost.
    pub unit: Option<Box<Unit>>,
}

impl InputError {
    /// An error at `location`.
    pub fn new(location: impl Into<String>, reason: impl Into<String>) -> Self {
        InputError {
            location: annalist_model::escape_controls(&location.into()),
            reason: reason.into(),
            unit: None,
        }
    }

    /// The same error, carrying the unit it is about.
    pub fn with_unit(mut self, unit: Unit) -> Self {
        self.unit = Some(Box::new(unit));
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever the reason contains.
        let reason = self.reason.replace(['\n', '\r'], " ");
        write!(f, "{}: {}", self.location, reason)
    }
}

impl std::error::Error for InputError {}

/// What reading one file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSummary {
    /// The kind of units found (None when the file yielded nothing recognisable).
    pub kind: Option<InputKind>,
    /// `gzip` or `zstd` when the file was compressed (outermost first if nested).
    pub compression: Option<&'static str>,
    /// Units yielded.
    pub units: u64,
    /// Errors yielded (records skipped because of them).
    pub errors: u64,
    /// Records passed over on purpose (WARC requests, metadata, non-text responses).
    pub skipped: u64,
    /// Whether the callback asked to stop early.
    pub stopped: bool,
}

/// Find the files under `paths`: files as given, directories walked recursively in
/// sorted order, hidden files and directories (name starting with `.`) skipped inside
/// directories. Paths that do not exist or cannot be read are reported.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut errors),
            Ok(m) => keep_regular(p, &m, &mut files, &mut errors),
            Err(e) => errors.push(InputError::new(p.display().to_string(), io_reason(&e))),
        }
    }
    (files, errors)
}

/// Regular files are read; a FIFO, a socket or a device is refused (reading one can
/// block forever or never end).
fn keep_regular(p: &Path, m: &std::fs::Metadata, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    if m.is_file() {
        files.push(p.to_path_buf());
        return;
    }
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            "a named pipe (FIFO)"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else {
            "not a regular file"
        }
    };
    #[cfg(not(unix))]
    let what = "not a regular file";
    errors.push(InputError::new(p.display().to_string(), format!("{what}, not a file: skipped")));
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(InputError::new(dir.display().to_string(), io_reason(&e)));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => {
                if e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                children.push(e.path());
            }
            Err(e) => errors.push(InputError::new(dir.display().to_string(), io_reason(&e))),
        }
    }
    children.sort();
    for c in children {
        // Symlinked directories are not followed (no loops); symlinked files are read.
        let is_link_dir =
            std::fs::symlink_metadata(&c).map(|m| m.file_type().is_symlink()).unwrap_or(false) && c.is_dir();
        if is_link_dir {
            continue;
        }
        match std::fs::metadata(&c) {
            Ok(m) if m.is_dir() => walk(&c, files, errors),
            Ok(m) => keep_regular(&c, &m, files, errors),
            Err(e) => errors.push(InputError::new(c.display().to_string(), io_reason(&e))),
        }
    }
}

/// A short reason for an I/O error ("no such file or directory").
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    // "No such file or directory (os error 2)" → "no such file or directory"
    let s = s.split(" (os error").next().unwrap_or(&s).to_string();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => s,
    }
}

/// Read one file, calling `on_unit` for every unit or per-unit error, in file order.
///
/// Returns an error for problems that end the file (cannot open, empty, binary data,
/// truncated compressed stream); units yielded before such an error stay yielded.
/// `on_unit` may return `ControlFlow::Break(())` to stop reading.
pub fn read_file(
    path: &Path,
    opts: &ReadOptions,
    on_unit: &mut dyn FnMut(Result<Unit, InputError>) -> ControlFlow<()>,
) -> Result<FileSummary, InputError> {
    read_file_counted(path, opts, None, on_unit)
}

/// [`read_file`], adding the number of bytes read from the file (before any
/// decompression) to `consumed` as it goes, so a caller can show progress and an
/// estimate of the time left.
pub fn read_file_counted(
    path: &Path,
    opts: &ReadOptions,
    consumed: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    on_unit: &mut dyn FnMut(Result<Unit, InputError>) -> ControlFlow<()>,
) -> Result<FileSummary, InputError> {
    let label = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| InputError::new(&label, io_reason(&e)))?;
    if meta.is_dir() {
        return Err(InputError::new(&label, "is a directory"));
    }
    if !meta.is_file() {
        return Err(InputError::new(&label, "not a regular file (a FIFO, socket or device): skipped"));
    }
    let file = File::open(path).map_err(|e| InputError::new(&label, io_reason(&e)))?;
    match consumed {
        Some(consumed) => read_reader(&label, Counted { inner: file, consumed }, opts, on_unit),
        None => read_reader(&label, file, opts, on_unit),
    }
}

/// A reader that counts the bytes it hands out.
struct Counted<R> {
    inner: R,
    consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Like [`read_file`], for any byte stream; `label` names it in provenance and errors
/// (and its extension is a tie-breaker for detection).
pub fn read_reader(
    label: &str,
    reader: impl Read,
    opts: &ReadOptions,
    on_unit: &mut dyn FnMut(Result<Unit, InputError>) -> ControlFlow<()>,
) -> Result<FileSummary, InputError> {
    readers::read_stream(label, Box::new(reader), opts, on_unit)
}

/// Read units from bytes already in memory (tests, fuzzing, stdin).
pub fn read_bytes(
    label: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    on_unit: &mut dyn FnMut(Result<Unit, InputError>) -> ControlFlow<()>,
) -> Result<FileSummary, InputError> {
    readers::read_stream(label, Box::new(bytes), opts, on_unit)
}

/// Collect every unit and error of a file (convenient for small inputs and tests).
pub fn read_all(
    path: &Path,
    opts: &ReadOptions,
) -> (Vec<Result<Unit, InputError>>, Result<FileSummary, InputError>) {
    let mut out = Vec::new();
    let res = read_file(path, opts, &mut |u| {
        out.push(u);
        ControlFlow::Continue(())
    });
    (out, res)
}

/// `16 MiB`, `8 GiB`, or a byte count.
pub(crate) fn human_size(n: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    if n >= GIB && n.is_multiple_of(GIB) {
        format!("{} GiB", n / GIB)
    } else if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}
