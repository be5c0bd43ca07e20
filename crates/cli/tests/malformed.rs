//! Bad input: one clear line per problem, the batch goes on, exit status 1.

use std::io::Write;

use crate::util::*;

const GOOD_LINE: &str = r#"{"date": "2011-12-01", "title": "Kim Yong Nam Meets Lao Ambassador", "url": "http://www.kcna.co.jp/item/2011/201112/2011-12-01ee.html", "paragraphs": ["Kim Yong Nam, president of the Presidium of the DPRK Supreme People's Assembly, met and had a talk with outgoing Lao Ambassador to the DPRK Chaleune Warinthrasak at the Mansudae Assembly Hall Thursday."]}"#;

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn page(headline: &str, body: &str) -> String {
    format!("{headline}\n\nApril 26, 2023\n\n{body}\n\n2023 © All rights reserved.\n")
}

#[test]
fn every_bad_input_gets_one_line_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    // Binary junk.
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(inp.join("junk.bin"), &junk).unwrap();
    // Truncated gzip: three good lines, cut in the middle of the stream.
    let lines: String = (1..=400)
        .map(|i| {
            GOOD_LINE
                .replace("Lao Ambassador", &format!("Lao Ambassador {i}"))
                .replace("Thursday", &format!("Thursday {i}"))
                + "\n"
        })
        .collect();
    let full = gz(lines.as_bytes());
    std::fs::write(inp.join("truncated.jsonl.gz"), &full[..full.len() / 2]).unwrap();
    // Latin-1 and UTF-16 text pages must be decoded, not rejected.
    let latin = page(
        "Café Opens in Pyongyang",
        "The new café at the Taedong River opened on Tuesday, serving crème brûlée to visitors from across the city and beyond.",
    );
    let latin1: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(inp.join("latin1.txt"), latin1).unwrap();
    let utf16 = page(
        "Delegation Arrives in Pyongyang",
        "A government delegation of the Republic of Belarus arrived in Pyongyang on Tuesday for a goodwill visit to the country.",
    );
    let mut u16b = vec![0xFF, 0xFE];
    for unit in utf16.encode_utf16() {
        u16b.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(inp.join("utf16.txt"), u16b).unwrap();
    // A 50 MB single line followed by a good line.
    let mut huge = Vec::with_capacity(50 * 1024 * 1024 + 1000);
    huge.extend_from_slice(b"{\"title\": \"x\", \"body\": \"");
    huge.resize(50 * 1024 * 1024, b'a');
    huge.extend_from_slice(b"\"}\n");
    huge.extend_from_slice(GOOD_LINE.replace("Lao", "Cuban").as_bytes());
    huge.push(b'\n');
    std::fs::write(inp.join("huge.jsonl"), huge).unwrap();
    // Empty file.
    std::fs::write(inp.join("empty.txt"), b"").unwrap();
    // JSON of the wrong shape, and not JSON at all, between good lines.
    let wrong = format!(
        "{}\n[1, 2, 3]\n{{\"foo\": 1}}\nnot json at all\n{}\n",
        GOOD_LINE.replace("Lao", "Vietnamese"),
        GOOD_LINE.replace("Lao", "Syrian")
    );
    std::fs::write(inp.join("wrong.jsonl"), wrong).unwrap();

    let data = dir.path().join("data");
    let r = annalist(&data, &["ingest", inp.to_str().unwrap()]);
    assert_eq!(r.status, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let err_lines: Vec<&str> = r.stderr.lines().collect();
    let has = |needle: &str| err_lines.iter().any(|l| l.contains(needle));
    assert!(has("junk.bin: "), "binary junk not reported:\n{}", r.stderr);
    assert!(has("truncated.jsonl.gz"), "truncated gzip not reported:\n{}", r.stderr);
    assert!(has("huge.jsonl:1: "), "50 MB line not reported with its line:\n{}", r.stderr);
    assert!(has("empty.txt: "), "empty file not reported:\n{}", r.stderr);
    assert!(
        has("wrong.jsonl:2: ") && has("wrong.jsonl:3: ") && has("wrong.jsonl:4: "),
        "wrong-shape JSON:\n{}",
        r.stderr
    );
    for l in &err_lines {
        assert!(l.contains(": "), "not a `path[:line]: reason` line: {l}");
    }
    assert!(!has("latin1.txt") && !has("utf16.txt"), "decodable text was rejected:\n{}", r.stderr);
    assert!(r.stdout.contains("failed "), "{}", r.stdout);

    // What could be read was stored.
    let list = annalist_ok(&data, &["list", "--limit", "1000"], 0);
    for want in
        ["Café Opens in Pyongyang", "Delegation Arrives in Pyongyang", "Kim Yong Nam Meets Lao Ambassador"]
    {
        assert!(list.stdout.contains(want), "missing {want:?} in:\n{}", list.stdout);
    }
    let stats: serde_json::Value =
        serde_json::from_str(&annalist_ok(&data, &["stats", "--json"], 0).stdout).unwrap();
    let articles = stats["articles"].as_i64().unwrap();
    // latin1 + utf16 + huge.jsonl's good line + 2 good wrong.jsonl lines + some of the truncated file.
    assert!(articles >= 6, "{stats:#}");

    // Nothing half-written: a second run adds nothing and fails the same way.
    let again = annalist(&data, &["ingest", inp.to_str().unwrap()]);
    assert_eq!(again.status, 1);
    assert!(again.stdout.contains("new 0,"), "{}", again.stdout);
}

#[test]
fn missing_path_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let r = annalist(&dir.path().join("data"), &["ingest", dir.path().join("nope.txt").to_str().unwrap()]);
    assert_eq!(r.status, 1);
    assert!(r.stderr.contains("nope.txt: "), "{}", r.stderr);
}

#[test]
fn library_warnings_stay_in_the_log() {
    // Text inside a table but outside its cells makes html5ever warn ("foster
    // parenting not implemented"): not something the user can act on.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("table.html");
    std::fs::write(
        &page,
        "<html><head><title>Table Page</title></head><body><table><tr><td>cell</td></tr>\
         stray words in the table<b>bold</b></table><p>The delegation arrived in Pyongyang on Monday \
         by air and was welcomed at the airport by officials.</p></body></html>",
    )
    .unwrap();
    let run = |log: Option<&str>| {
        let mut c = std::process::Command::new(bin());
        c.arg("--data").arg(dir.path().join(format!("data-{}", log.unwrap_or("default"))));
        c.args(["ingest", "--quiet", page.to_str().unwrap()]);
        c.env_remove("ANNALIST_LOG");
        if let Some(l) = log {
            c.env("ANNALIST_LOG", l);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let quiet = run(None);
    assert!(!quiet.contains("foster"), "a library warning reached the terminal: {quiet}");
    // The log has it when asked for.
    let logged = run(Some("warn"));
    assert!(logged.contains("foster parenting"), "ANNALIST_LOG=warn shows library warnings: {logged}");
}
