//! Arbitrary bytes through ingest detection and extraction, as a text page, an HTML
//! page, a JSON line and a CSV row: nothing may panic.
#![no_main]

use std::ops::ControlFlow;

use annalist_extract::{ExtractOptions, extract};
use annalist_ingest::{ReadOptions, Unit, UnitMeta, read_bytes};
use annalist_model::{InputKind, Provenance};
use libfuzzer_sys::fuzz_target;

fn unit(kind: InputKind, raw: &[u8]) -> Unit {
    Unit {
        provenance: Provenance {
            path: "fuzz".into(),
            line: None,
            record: None,
            kind,
        },
        raw: raw.to_vec(),
        meta: UnitMeta::default(),
    }
}

fuzz_target!(|data: &[u8]| {
    let opts = ExtractOptions::default();
    let read = ReadOptions {
        max_unit_bytes: 1 << 20,
        max_file_bytes: 16 << 20,
    };
    // Detection by content, under names that hint at each kind.
    for name in ["page.txt", "page.html", "data.jsonl", "data.csv", "crawl.warc"] {
        let _ = read_bytes(name, data, &read, &mut |u| {
            if let Ok(u) = u {
                let _ = extract(&u, &opts);
            }
            ControlFlow::Continue(())
        });
    }
    // Each kind directly, whatever detection would say.
    for kind in [InputKind::TextPage, InputKind::Html, InputKind::JsonLines, InputKind::Csv, InputKind::Warc] {
        if let Ok(a) = extract(&unit(kind, data), &opts) {
            assert!(a.paragraphs.iter().all(|p| p.trim() != "More Articles"));
        }
    }
});
