//! The analyst's questions from the command line: entities by name, timelines with
//! filters and formats, trends, one grammar for dates and states, and lists that say
//! what they show. Each error case checks the exit status and the message.

use crate::util::*;

#[test]
fn entities_are_found_by_name_and_alias_with_counts() {
    let data = full_store();
    let out = annalist_ok(data, &["entities", "kim", "--limit", "3"], 0).stdout;
    let rows: Vec<&str> = out.lines().skip(1).take(3).collect();
    assert!(rows[0].starts_with("kim-jong-il "), "{out}");
    assert!(out.contains("3 of "), "says how many it shows of how many: {out}");
    // An alias the knowledge base records ("Putin" for Vladimir Vladimirovich Putin).
    let json = annalist_ok(data, &["entities", "putin", "--json"], 0).stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let hits = v["entities"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["id"] == "vladimir-putin" && h["articles"].as_i64() > Some(0)), "{json}");
    assert_eq!(v["total"].as_u64(), Some(hits.len() as u64));
    let none = annalist(data, &["entities", "zzqx-nobody"]);
    assert_eq!(none.status, 1, "{}", none.stdout);
}

#[test]
fn entity_by_name_or_id_with_suggestions() {
    let data = full_store();
    let by_name = annalist_ok(data, &["entity", "Kim Yong Nam"], 0).stdout;
    assert!(by_name.starts_with("Kim Yong Nam  (kim-yong-nam)"), "{by_name}");
    let by_alias = annalist_ok(data, &["entity", "putin"], 0).stdout;
    assert!(by_alias.contains("(vladimir-putin)"), "{by_alias}");
    let typo = annalist(data, &["entity", "Kim Yong Num"]);
    assert_eq!(typo.status, 1);
    assert!(typo.stderr.contains("did you mean kim-yong-nam"), "{}", typo.stderr);
}

#[test]
fn timelines_take_dates_types_formats_and_state_names() {
    let data = full_store();
    let lines =
        annalist_ok(data, &["timeline", "prk", "Russia", "--type", "visit", "--format", "jsonl"], 0).stdout;
    assert!(!lines.trim().is_empty());
    for l in lines.lines() {
        let e: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(e["type"], "visit", "{l}");
        let pair = [e["actor_country"].as_str(), e["target_country"].as_str()];
        assert!(pair.contains(&Some("rus")) || pair.contains(&Some("prk")), "{l}");
    }
    let all = annalist_ok(data, &["timeline", "prk", "chn"], 0).stdout;
    let may = annalist_ok(data, &["timeline", "prk", "china", "--since", "2011-05", "--until", "2011-05"], 0)
        .stdout;
    let count = |s: &str| {
        s.lines().next().unwrap().split_whitespace().rev().nth(1).unwrap().parse::<usize>().unwrap()
    };
    assert!(count(&may) < count(&all), "{}\n{}", may.lines().next().unwrap(), all.lines().next().unwrap());
    let csv = annalist_ok(data, &["timeline", "prk", "chn", "--format", "csv"], 0).stdout;
    assert!(csv.starts_with("id,date,date_end,type,actor"), "{csv}");
    assert_eq!(csv.lines().count() - 1, count(&all));
    let bad = annalist(data, &["timeline", "prk", "chx"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("chn (China)"), "{}", bad.stderr);
    let bad = annalist(data, &["timeline", "prk", "chn", "--since", "2011-13"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("--since 2011-13: expected a date"), "{}", bad.stderr);
}

#[test]
fn events_read_states_by_code_or_name_and_refuse_unknown_ones() {
    let data = full_store();
    let by_code = annalist_ok(data, &["events", "--dyad", "prk-chn"], 0).stdout;
    let by_name = annalist_ok(data, &["events", "--dyad", "prk-china"], 0).stdout;
    assert!(!by_code.is_empty());
    assert_eq!(by_code, by_name);
    let bad = annalist(data, &["events", "--dyad", "prk-xx"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stdout.is_empty() && bad.stderr.contains("--dyad prk-xx"), "{}", bad.stderr);
    let bad = annalist(data, &["events", "--type", "visits"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("one of message, visit"), "{}", bad.stderr);
}

#[test]
fn trends_by_month_add_up_to_trends_by_year() {
    let data = full_store();
    let csv = |by: &str| {
        let out = annalist_ok(data, &["trends", "comrades-in-arms", "--by", by, "--format", "csv"], 0).stdout;
        let mut rows = out.lines();
        assert_eq!(rows.next(), Some("period,articles,comrades-in-arms (n),comrades-in-arms per 1000"));
        rows.map(|r| r.split(',').map(String::from).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    let years = csv("year");
    let months = csv("month");
    let in_2011: u64 =
        months.iter().filter(|r| r[0].starts_with("2011-")).map(|r| r[2].parse::<u64>().unwrap()).sum();
    let y2011 = years.iter().find(|r| r[0] == "2011").expect("a 2011 row");
    assert!(in_2011 > 0);
    assert_eq!(y2011[2].parse::<u64>().unwrap(), in_2011);
    // Without a range, the table runs from the first to the last period a term occurs in.
    assert_ne!(months.first().unwrap()[2], "0");
    assert_ne!(months.last().unwrap()[2], "0");
    let table = annalist_ok(data, &["trends", "comrades-in-arms"], 0).stdout;
    assert!(table.contains("per 1,000 articles"), "{table}");
    let bad = annalist(data, &["trends", "x", "--since", "2011-xx"]);
    assert_eq!(bad.status, 2);
    let too_many = annalist(data, &["trends", "a", "b", "c", "d", "e", "f"]);
    assert_eq!(too_many.status, 2, "{}", too_many.stderr);
}

#[test]
fn list_takes_years_and_months_and_says_what_it_shows() {
    let data = full_store();
    let may = annalist_ok(
        data,
        &["list", "--since", "2011-05", "--until", "2011-05", "--json", "--limit", "5000"],
        0,
    );
    let rows: Vec<serde_json::Value> = may.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["published"].as_str().is_some_and(|d| d.starts_with("2011-05-"))));
    let page = annalist_ok(data, &["list", "--since", "2011", "--limit", "3"], 0).stdout;
    assert!(page.contains("3 shown from 0; more: --offset 3"), "{page}");
    let none = annalist_ok(data, &["list", "--since", "2031"], 0).stdout;
    assert!(none.contains("No articles match"), "{none}");
    let bad = annalist(data, &["list", "--since", "May 2011"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("--since May 2011: expected a date"), "{}", bad.stderr);
}

#[test]
fn alert_lists_keep_states_as_codes_and_refuse_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    annalist_ok(&data, &["alert", "add", "pair", "--dyad", "prk-China"], 0);
    let listed = annalist_ok(&data, &["alert", "list"], 0).stdout;
    assert!(listed.contains("\"prk-chn\""), "{listed}");
    let bad = annalist(&data, &["alert", "add", "bad", "--dyad", "prk-chx"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("chn (China)"), "{}", bad.stderr);
    let listed = annalist_ok(&data, &["alert", "list"], 0).stdout;
    assert!(!listed.contains("\"bad\""), "{listed}");
}

#[test]
fn stats_say_what_they_count() {
    let data = full_store();
    let text = annalist_ok(data, &["stats"], 0).stdout;
    assert!(text.contains("merged (one per real event"), "{text}");
    let v: serde_json::Value =
        serde_json::from_str(&annalist_ok(data, &["stats", "--json"], 0).stdout).unwrap();
    let events = annalist_ok(data, &["events"], 0).stdout;
    let merged = events.lines().count();
    assert_eq!(v["merged_events"].as_u64(), Some(merged as u64));
    // The distribution of reports per merged event adds up to the merged events, and
    // the largest one listed is the largest `annalist events` gives.
    assert!(text.contains("per merged event: 1: "), "{text}");
    let in_buckets: u64 =
        v["reports_per_event"].as_array().unwrap().iter().map(|b| b["events"].as_u64().unwrap()).sum();
    assert_eq!(in_buckets, merged as u64);
    let most = events
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["reports"].as_array().unwrap().len())
        .max()
        .unwrap();
    if most > 1 {
        assert_eq!(v["largest_events"][0]["reports"].as_u64(), Some(most as u64));
    }
}

#[test]
fn one_way_to_cite_show_takes_an_id_or_a_source_and_timelines_cite_articles() {
    let data = full_store();
    // The timeline's locator opens the article it was filed into, as its id does.
    let t = annalist_ok(data, &["timeline", "prk", "rus", "--type", "message"], 0).stdout;
    let cite = t.lines().find(|l| l.trim_start().starts_with('#')).expect("a cited article");
    let id = cite.trim_start()[1..].split_whitespace().next().unwrap().to_string();
    assert!(cite.contains('“') && cite.contains(", KCNA, 2011-"), "headline, outlet and date: {cite}");
    let src_line = t.lines().find(|l| l.trim_start().starts_with("sources: ")).unwrap();
    let locator = src_line.trim_start().trim_start_matches("sources: ").split_whitespace().next().unwrap();
    let by_locator = annalist_ok(data, &["show", locator], 0).stdout;
    assert!(by_locator.starts_with('#'), "{by_locator}");
    let by_id = annalist_ok(data, &["show", &format!("#{id}")], 0).stdout;
    assert!(by_id.starts_with(&format!("#{id} ")), "{by_id}");
    let missing = annalist(data, &["show", "no-such-file.txt"]);
    assert_eq!(missing.status, 1);
    assert!(missing.stderr.contains("source locator"), "{}", missing.stderr);
}
