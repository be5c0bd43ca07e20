//! Property tests: no input makes extraction panic, and chrome never reaches the body.

use std::ops::ControlFlow;

use annalist_extract::{ExtractOptions, extract, extract_text_page};
use annalist_ingest::{InputKind, ReadOptions, Unit, UnitMeta, read_bytes};
use annalist_model::Provenance;
use proptest::prelude::*;

fn unit(kind: InputKind, raw: &[u8]) -> Unit {
    Unit {
        provenance: Provenance { path: "p".into(), line: None, record: None, kind },
        raw: raw.to_vec(),
        meta: UnitMeta::default(),
    }
}

const KINDS: [InputKind; 5] =
    [InputKind::TextPage, InputKind::Html, InputKind::JsonLines, InputKind::Csv, InputKind::Warc];

/// Lines a page may be made of: layout lines, chrome, dates, prose.
fn page_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("More Articles".to_string()),
        Just("More From Ministry of Foreign Affairs (EN)".to_string()),
        Just("NK News is hiring".to_string()),
        Just("2023 © All rights reserved.".to_string()),
        Just("May 22, 2025May 22, 2025".to_string()),
        Just("December 18, 2024".to_string()),
        Just("Date: 15/08/2022 | Source: KCNA | Read original version at source".to_string()),
        Just("calendar>>March 3. 2015 Juche 104 |".to_string()),
        Just("Pyongyang, March 3 (KCNA) -- ".to_string()),
        Just("SEOUL (Reuters) - Words follow.".to_string()),
        Just("www.kcna.kp (Juche113.10.8.) -0-".to_string()),
        Just("\"".to_string()),
        Just("“”".to_string()),
        Just("||".to_string()),
        Just("By | June 27, 2014 | No Comments".to_string()),
        Just(" date 2022-02-22 ".to_string()),
        "[A-Z][a-z]{2,8}( [A-Za-z]{1,9}){2,8}",
        "[A-Z][a-z]{2,8}( [a-z]{1,9}){5,20}[.]",
        ".{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for kind in KINDS {
            let _ = extract(&unit(kind, &bytes), &ExtractOptions::default());
        }
        for name in ["x.txt", "x.jsonl", "x.csv", "x.html", "x.warc"] {
            let _ = read_bytes(name, &bytes, &ReadOptions::default(), &mut |u| {
                if let Ok(u) = u {
                    let _ = extract(&u, &ExtractOptions::default());
                }
                ControlFlow::Continue(())
            });
        }
    }

    #[test]
    fn never_panics_on_strings(s in "\\PC{0,600}") {
        for kind in KINDS {
            let _ = extract(&unit(kind, s.as_bytes()), &ExtractOptions::default());
        }
    }

    #[test]
    fn chrome_never_in_paragraphs(lines in proptest::collection::vec(page_line(), 0..40)) {
        let page = lines.join("\n");
        let a = extract_text_page(&page);
        for p in &a.paragraphs {
            for l in p.lines() {
                let l = l.trim();
                prop_assert!(l != "More Articles", "{page:?}");
                prop_assert!(!l.starts_with("More From "), "{page:?}");
                prop_assert!(l != "NK News is hiring", "{page:?}");
                prop_assert!(!l.contains("All rights reserved"), "{page:?}");
                prop_assert!(!l.starts_with("Date: "), "{page:?}");
            }
        }
    }
}
