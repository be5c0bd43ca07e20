//! Filing an uploaded capture (`POST /api/v1/ingest`): the bytes are kept under
//! `DATA/uploads/` under a cleaned name, then filed from there exactly as
//! `annalist ingest` files a file, so that the provenance of what they become is a
//! file that exists and `reprocess` replays it like any other.

use std::path::{Path, PathBuf};

use annalist_store::Store;
use annalist_understand::Kb;
use anyhow::Context;

use crate::{Collect, Indexer, Options, Report, ingest_paths};

/// What an upload became.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Upload {
    /// Where the bytes are kept (the provenance path of the units).
    pub path: PathBuf,
    #[serde(flatten)]
    pub report: Report,
    /// The problems met, one `location: reason` line each.
    pub problems: Vec<String>,
}

/// A safe file name from what the client called its upload: the last path part,
/// only ASCII letters, digits, `.`, `-` and `_`, no leading dot, at most 100
/// characters; `upload` when nothing is left.
pub fn clean_upload_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let kept = kept.trim_start_matches('.');
    if kept.is_empty() { "upload".to_string() } else { kept.to_string() }
}

/// Keeps `bytes` as `DATA/uploads/<time>-<clean name>` and files them into the
/// archive in `data`. The index is brought up to date unless another process holds
/// its writer (an ingest beside the server), which then indexes the upload itself.
pub fn file_upload(data: &Path, kb: &Kb, name: &str, bytes: &[u8], opts: &Options) -> anyhow::Result<Upload> {
    let dir = annalist_model::Layout::new(data).uploads();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let stamp = jiff::Timestamp::now().as_nanosecond();
    let path = dir.join(format!("{stamp}-{}", clean_upload_name(name)));
    std::fs::write(&path, bytes).with_context(|| format!("keeping the upload as {}", path.display()))?;
    let mut store = Store::open(data)?;
    let mut index = Indexer::open(data, &store)?;
    let problems = Collect::default();
    let report =
        ingest_paths(&mut store, Some(kb), Some(&mut index), std::slice::from_ref(&path), opts, &problems)?;
    index.index.close_writer()?;
    Ok(Upload { path, report, problems: problems.lines() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_are_cleaned() {
        assert_eq!(clean_upload_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_upload_name("C:\\tmp\\a b.txt"), "ab.txt");
        assert_eq!(clean_upload_name(".hidden"), "hidden");
        assert_eq!(clean_upload_name("???"), "upload");
        assert_eq!(clean_upload_name(&"x".repeat(500)).len(), 100);
    }

    #[test]
    fn an_upload_is_kept_and_filed() {
        let dir = tempfile::tempdir().unwrap();
        let kb = Kb::builtin().unwrap();
        let page = "Kim Jong Un Meets Delegation\n\nPyongyang, May 3 (KCNA) -- Kim Jong Un met a delegation \
                    of the Lao People's Revolutionary Party in Pyongyang on Tuesday.\n";
        let up = file_upload(dir.path(), &kb, "../page.txt", page.as_bytes(), &Options::default()).unwrap();
        assert!(up.path.starts_with(dir.path().join("uploads")), "{}", up.path.display());
        assert!(up.path.to_string_lossy().ends_with("-page.txt"));
        assert_eq!(std::fs::read(&up.path).unwrap(), page.as_bytes());
        assert_eq!(up.report.tally.new, 1, "{up:?}");
        assert!(up.problems.is_empty());
        // The same bytes again: nothing new.
        let again = file_upload(dir.path(), &kb, "page.txt", page.as_bytes(), &Options::default()).unwrap();
        assert_eq!(again.report.tally.duplicates + again.report.tally.unchanged, 1, "{again:?}");
        let junk = file_upload(dir.path(), &kb, "junk.bin", &[0u8, 159, 146, 150, 0, 0], &Options::default())
            .unwrap();
        assert_eq!(junk.problems.len(), 1, "{junk:?}");
    }
}
