//! Browser tests: the real `annalist serve`, on the seeds and the 2011 corpus, seen
//! through Debian's headless chromium, driven over WebDriver (chromedriver) with
//! fantoccini. What a person would do: search and see highlighted hits, open the
//! seed 000 article (two dates, one event), follow the DPRK–Russia timeline to the
//! 2019 Vladivostok summit, compare two phrases on the trends page; the home page,
//! a pair picked through the timeline form, the entity index's search and a
//! search's CSV download; and a hostile capture whose markup must stay text in the
//! browser.
//!
//! Needs /usr/bin/chromedriver and /usr/bin/chromium (`.ci/run` installs them;
//! `ANNALIST_CHROMEDRIVER` / `ANNALIST_CHROMIUM` point elsewhere). Without them the
//! tests fail when `CI` is set and are skipped with a notice otherwise. Screenshots
//! (PNG) are written to `target/browser-screenshots/` (`ANNALIST_SCREENSHOTS`
//! overrides), kept by CI as artifacts.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::util::*;

/// Longest time one browser test may take before it fails (not hangs).
const TEST_TIMEOUT: Duration = Duration::from_secs(240);

/// chromedriver and chromium, or `None` (after a notice) when they are missing
/// outside CI. In CI a missing browser is a failure, never a silent skip.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let path = |var: &str, default: &str| PathBuf::from(std::env::var_os(var).unwrap_or(default.into()));
    let driver = path("ANNALIST_CHROMEDRIVER", "/usr/bin/chromedriver");
    let chromium = path("ANNALIST_CHROMIUM", "/usr/bin/chromium");
    let missing: Vec<String> =
        [&driver, &chromium].iter().filter(|p| !p.is_file()).map(|p| p.display().to_string()).collect();
    if missing.is_empty() {
        return Some((driver, chromium));
    }
    let msg = format!(
        "the browser tests need {} (Debian packages chromium and chromium-driver; .ci/run installs them)",
        missing.join(" and ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}; CI is set, so this is a failure, not a skip");
    }
    eprintln!("NOTICE: browser test skipped: {msg}");
    None
}

/// chromedriver on a free loopback port, answering.
fn start_driver(driver: &Path) -> Result<(Proc, u16)> {
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut proc = spawn(
            Command::new(driver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok((proc, port));
            }
            if proc.child.try_wait()?.is_some() {
                break; // the port was taken meanwhile: try another
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    bail!("chromedriver ({}) did not start", driver.display())
}

/// A headless chromium session. The flags keep an offline chromium from waiting on
/// connections it cannot make (updates, sync, QUIC).
async fn connect(port: u16, chromium: &Path, profile: &Path) -> Result<Client> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let caps = json!({"goog:chromeOptions": {"binary": chromium, "args": args}});
    let serde_json::Value::Object(caps) = caps else { unreachable!() };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .context("starting a chromium session through chromedriver")
}

/// Where screenshots go: `target/browser-screenshots/`.
fn screenshot_dir() -> PathBuf {
    let dir = match std::env::var_os("ANNALIST_SCREENSHOTS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("browser-screenshots"),
    };
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(c: &Client, name: &str) -> Result<()> {
    let png = c.screenshot().await?;
    ensure!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}: the screenshot is not a PNG");
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, &png)?;
    eprintln!("screenshot: {} ({} bytes)", path.display(), png.len());
    Ok(())
}

/// Run `check` in a chromium session against `annalist serve` on `data`: start
/// the server and chromedriver, always close the session, and fail (not hang)
/// after [`TEST_TIMEOUT`].
fn with_browser<F>((driver, chromium): (PathBuf, PathBuf), data: &Path, check: F)
where
    F: AsyncFnOnce(&Client, &str) -> Result<()>,
{
    let (_server, base) = start_server(data, &[]).unwrap();
    let (_driver, port) = start_driver(&driver).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let outcome = rt.block_on(async {
        let client = connect(port, &chromium, profile.path()).await?;
        let r = tokio::time::timeout(TEST_TIMEOUT, check(&client, &base)).await;
        let _ = client.close().await;
        r.map_err(|_| anyhow::anyhow!("the browser test took longer than {TEST_TIMEOUT:?}"))?
    });
    if let Err(e) = outcome {
        panic!("browser test failed: {e:#}");
    }
}

/// Text of every element matching `css`.
async fn texts(c: &Client, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await? {
        out.push(e.text().await?);
    }
    Ok(out)
}

/// Wait for an element on the page that follows a click or a form submission.
async fn wait_for(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    match c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(css)).await {
        Ok(e) => Ok(e),
        Err(e) => {
            let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            Err(e).with_context(|| format!("no {css} on {url}"))
        }
    }
}

/// Type into the labelled inputs of the page's form and press its button.
async fn fill_and_submit(c: &Client, fields: &[(&str, &str)]) -> Result<()> {
    for (name, value) in fields {
        let input = c.find(Locator::Css(&format!("form.search [name='{name}']"))).await?;
        input.clear().await?;
        input.send_keys(value).await?;
    }
    submit(c).await
}

/// Press the form's button and wait until the browser has loaded the page it leads to.
async fn submit(c: &Client) -> Result<()> {
    let before = c.current_url().await?;
    c.find(Locator::Css("form.search button")).await?.click().await?;
    let start = Instant::now();
    loop {
        let ready = c.execute("return document.readyState", vec![]).await?;
        if c.current_url().await? != before && ready == "complete" {
            return Ok(());
        }
        ensure!(start.elapsed() < Duration::from_secs(30), "the form did not lead anywhere from {before}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `<td>` beside the `<th>` named `label` in the article's fact table.
async fn fact(c: &Client, label: &str) -> Result<String> {
    for row in c.find_all(Locator::Css("main table tr")).await? {
        let Ok(th) = row.find(Locator::Css("th")).await else { continue };
        if th.text().await? == label {
            return Ok(row.find(Locator::Css("td")).await?.text().await?);
        }
    }
    bail!("no {label} row in the article's table")
}

#[test]
fn browser_search_article_timeline_trends() {
    let Some(tools) = browser() else { return };
    with_browser(tools, full_store(), async |c, base| {
        // 1. A search from the form: hits with the words highlighted.
        c.goto(&format!("{base}/")).await?;
        fill_and_submit(c, &[("q", "putin treaty")]).await?;
        wait_for(c, ".hit").await?;
        let marks = texts(c, ".hit .snippet mark").await?;
        ensure!(!marks.is_empty(), "no highlighted words in the hits");
        ensure!(
            marks.iter().all(|m| ["putin", "treaty"].iter().any(|w| m.to_lowercase().contains(w))),
            "highlighted words other than the query's: {marks:?}"
        );
        let meta = c.find(Locator::Css("main p.meta")).await?.text().await?;
        ensure!(meta.contains("results"), "no result count: {meta}");
        screenshot(c, "search").await?;

        // 2. The seed 000 article, found as a person would: its headline, its day.
        fill_and_submit(
            c,
            &[
                ("q", "title:\"Congratulatory Message to President of Russian Federation\""),
                ("since", "2022-08-15"),
                ("until", "2022-08-15"),
            ],
        )
        .await?;
        let hits = c.find_all(Locator::Css(".hit h3 a")).await?;
        ensure!(hits.len() == 1, "{} hits for the seed 000 headline on its day", hits.len());
        hits[0].click().await?;
        wait_for(c, ".body").await?;
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        ensure!(h1.contains("Sends Congratulatory Message to President of Russian Federation"), "{h1}");
        // Two dates: what the page says it was published, and when the mirror captured it.
        ensure!(fact(c, "Published").await? == "2022-08-15", "published: {}", fact(c, "Published").await?);
        ensure!(fact(c, "Captured").await? == "2025-05-22", "captured: {}", fact(c, "Captured").await?);
        // Its event: Kim Jong Un's Liberation Day message to Putin, with its evidence.
        let events = texts(c, ".event").await?;
        let message = events
            .iter()
            .find(|e| e.starts_with("message") && e.contains("2022-08-15"))
            .with_context(|| format!("no message event dated 2022-08-15: {events:?}"))?;
        ensure!(message.contains("Kim Jong Un") && message.contains("Putin"), "{message}");
        ensure!(message.contains("sent a message of greetings to Vladimir Vladimirovich Putin"), "{message}");
        ensure!(c.find(Locator::Css(".event mark")).await.is_ok(), "the evidence is not highlighted");
        screenshot(c, "article-seed-000").await?;

        // 3. The DPRK–Russia timeline: the 2019 Vladivostok summit with its three reports.
        c.goto(&format!("{base}/timeline/prk/rus")).await?;
        wait_for(c, "svg.chart circle").await?;
        let mut summit_dot = None;
        for d in c.find_all(Locator::Css("svg.chart a")).await? {
            // "2019-04-24..2019-04-26 meeting (3 reports)": the dates the event spans.
            let title = d.find(Locator::Css("title")).await?.html(true).await?;
            let (dates, rest) = title.split_once(' ').unwrap_or_default();
            let (first, last) = dates.split_once("..").unwrap_or((dates, dates));
            if rest.starts_with("meeting") && first <= "2019-04-25" && "2019-04-25" <= last {
                ensure!(summit_dot.is_none(), "two meetings on 2019-04-25 on the time axis");
                summit_dot = d.attr("href").await?;
            }
        }
        let href = summit_dot.context("no meeting spanning 2019-04-25 on the time axis")?;
        // The dot leads to the event in the list, on whichever page holds it.
        let (page, anchor) = href.split_once('#').context("a dot links to an event anchor")?;
        if !page.is_empty() {
            c.goto(&format!("{base}{page}")).await?;
        }
        let event = wait_for(c, &format!("div.event[id='{anchor}']")).await?;
        let text = event.text().await?;
        ensure!(text.contains("meeting Kim Jong Un → Vladimir Vladimirovich Putin"), "{text}");
        ensure!(text.contains("2019-04-24..2019-04-26"), "{text}");
        let reports = event.find_all(Locator::Css("li")).await?;
        ensure!(reports.len() == 3, "{} reports of the 2019 summit, expected 3: {text}", reports.len());
        ensure!(text.contains("Vladivostok"), "the evidence names the summit's place: {text}");
        for r in &reports {
            let link = r.find(Locator::Css("a[href^='/articles/']")).await?;
            ensure!(link.attr("href").await?.is_some(), "a report without its article link");
        }
        c.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(&event)?]).await?;
        screenshot(c, "timeline-prk-rus-2019").await?;
        // The same event from the form, narrowed to the month.
        c.goto(&format!("{base}/timeline/prk/rus")).await?;
        fill_and_submit(c, &[("since", "2019-04"), ("until", "2019-04")]).await?;
        wait_for(c, "div.event").await?;
        let mut ids = Vec::new();
        for e in c.find_all(Locator::Css("div.event")).await? {
            ids.extend(e.attr("id").await?);
        }
        ensure!(ids.iter().any(|i| i == anchor), "April 2019's events {ids:?} lack {anchor}");
        screenshot(c, "timeline-2019-04").await?;

        // 4. Trends of two phrases: a chart with one line each, a legend, a table.
        c.goto(&format!("{base}/trends")).await?;
        fill_and_submit(c, &[("t1", "\"comrades-in-arms\""), ("t2", "friendship")]).await?;
        wait_for(c, "svg.chart polyline").await?;
        c.find(Locator::Css("select[name='by']")).await?.select_by_value("year").await?;
        submit(c).await?;
        wait_for(c, "svg.chart polyline").await?;
        let lines = c.find_all(Locator::Css("svg.chart polyline")).await?;
        ensure!(lines.len() == 2, "{} lines for two phrases", lines.len());
        let legend = c.find(Locator::Css(".legend")).await?.text().await?;
        ensure!(legend.contains("\"comrades-in-arms\"") && legend.contains("friendship"), "{legend}");
        let years = texts(c, "table tr td:first-child").await?;
        ensure!(years.iter().any(|y| y == "2011"), "no 2011 row in the trends table: {years:?}");
        let (w, h) = {
            let svg = c.find(Locator::Css("svg.chart")).await?;
            let r = svg.rectangle().await?;
            (r.2, r.3)
        };
        ensure!(w > 300.0 && h > 100.0, "the chart is drawn too small to read: {w}×{h}");
        screenshot(c, "trends").await?;
        let csv = c.find(Locator::Css("a[href^='/trends.csv?']")).await?.attr("href").await?;
        ensure!(csv.is_some_and(|h| h.contains("by=year")), "no CSV link for the same comparison");
        Ok(())
    });
}

#[test]
fn browser_home_pairs_entities_csv() {
    let Some(tools) = browser() else { return };
    with_browser(tools, full_store(), async |c, base| {
        // 1. The home page: counts, latest events, active pairs, recent articles.
        c.goto(&format!("{base}/")).await?;
        let counts = wait_for(c, "ul.counts").await?.text().await?;
        ensure!(counts.contains("articles") && counts.contains("merged events"), "{counts}");
        ensure!(!texts(c, "main .event").await?.is_empty(), "no latest events on the home page");
        let pairs = texts(c, "ul.pairs li a").await?;
        ensure!(pairs.iter().any(|p| p.contains("Russia")), "no pair with Russia among {pairs:?}");
        ensure!(!texts(c, "ul.recent li a").await?.is_empty(), "no recent articles");
        screenshot(c, "home").await?;

        // 2. A pair picked through the form: by code and by name.
        c.find(Locator::Css("header nav a[href='/timeline']")).await?.click().await?;
        wait_for(c, "form.search [name='a']").await?;
        screenshot(c, "timeline-picker").await?;
        fill_and_submit(c, &[("a", "prk"), ("b", "Russia")]).await?;
        wait_for(c, "svg.chart circle").await?;
        let url = c.current_url().await?;
        ensure!(url.path() == "/timeline/prk/rus", "the picker led to {url}");
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        ensure!(h1.contains("timeline"), "{h1}");
        screenshot(c, "timeline-picked").await?;
        // An unknown state: the error page with a suggestion.
        c.goto(&format!("{base}/timeline")).await?;
        fill_and_submit(c, &[("a", "prk"), ("b", "chx")]).await?;
        let err = wait_for(c, "p.error").await?.text().await?;
        ensure!(err.contains("did you mean") && err.contains("China"), "{err}");
        screenshot(c, "timeline-picker-unknown").await?;

        // 3. The entity index and its search.
        c.find(Locator::Css("header nav a[href='/entities']")).await?.click().await?;
        wait_for(c, "table.entities").await?;
        let meta = c.find(Locator::Css("main p.meta")).await?.text().await?;
        ensure!(meta.contains(" of ") && meta.contains("shown"), "{meta}");
        screenshot(c, "entities").await?;
        fill_and_submit(c, &[("q", "putin")]).await?;
        wait_for(c, "table.entities").await?;
        let names = texts(c, "table.entities td:first-child a").await?;
        ensure!(names.iter().any(|n| n.contains("Putin")), "no Putin among {names:?}");
        screenshot(c, "entities-putin").await?;
        c.find(Locator::Css("table.entities a[href='/entities/vladimir-putin']")).await?.click().await?;
        wait_for(c, "svg.chart polyline").await?;
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        ensure!(h1.contains("Putin"), "{h1}");
        screenshot(c, "entity-putin").await?;

        // 4. A search's CSV download and its feed, for the same search.
        c.goto(&format!("{base}/search")).await?;
        fill_and_submit(c, &[("q", "putin treaty")]).await?;
        wait_for(c, ".hit").await?;
        let href = c.find(Locator::Css("a[href^='/search.csv?']")).await?.attr("href").await?;
        let href = href.context("the CSV link has an address")?;
        ensure!(href.contains("q=putin%20treaty"), "the CSV link lacks the search: {href}");
        let feed = c.find(Locator::Css("a[href^='/feeds/search?']")).await?.attr("href").await?;
        ensure!(feed.is_some_and(|f| f.contains("q=putin%20treaty")), "no feed link for the search");
        screenshot(c, "search-downloads").await?;
        let (status, csv) = http(base, "GET", &href, &[], b"");
        ensure!(status == 200, "{href}: {status} {csv}");
        ensure!(csv.starts_with("rank,id,published,outlet,title,url,score\n"), "{csv}");
        let meta = c.find(Locator::Css("main p.meta")).await?.text().await?;
        let total: usize = meta.split(' ').next().unwrap_or("").parse().unwrap_or(0);
        ensure!(csv.lines().count() == total.min(10_000) + 1, "{} CSV lines for {meta}", csv.lines().count());
        Ok(())
    });
}

/// A capture whose headline and body hold markup that would run if it were not
/// escaped, and a dataset record whose URL is a `javascript:` link. Every payload
/// would set `window.__pwned` or the document's title.
const HOSTILE: &str = "May 22, 2025May 22, 2025\nKCNA Ministry of Foreign Affairs (EN)\n\n\
<script>window.__pwned='headline';document.title='PWNED'</script> Hostile Headline Hosts Reception\n\n\
Date: 15/08/2022 | Source: Ministry of Foreign Affairs (EN) | Read original version at source\n\n\
Kim Jong Un sent a message of greetings to Vladimir Putin, President of the Russian Federation, on August 15 \
<script>window.__pwned='body';document.title='PWNED'</script> in a hostile paragraph.\n\n\
A picture <img src=x onerror=\"window.__pwned='img';document.title='PWNED'\"> was shown to the hostile \
delegation, with <svg onload=\"window.__pwned='svg'\"></svg> and <iframe src=\"javascript:parent.__pwned='frame'\"></iframe> beside it.\n\n\
Read <a href=\"javascript:window.__pwned='link';document.title='PWNED'\">more</a> or \
<a href=' JaVaScRiPt:window.__pwned=1'>this</a> hostile words here, in a paragraph long enough to be kept.\n";

#[test]
fn browser_hostile_capture_is_inert() {
    let Some(tools) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("hostile.txt");
    std::fs::write(&capture, HOSTILE).unwrap();
    let record = json!({
        "title": "<img src=x onerror=\"window.__pwned='title'\"> Hostile Record",
        "url": "javascript:window.__pwned='url';document.title='PWNED'",
        "date": "2011-08-08",
        "paragraphs": ["A hostile record <script>window.__pwned='record'</script> whose link is a script URL, \
                        in a paragraph long enough to be kept as body text."]
    });
    let dataset = dir.path().join("hostile.jsonl");
    std::fs::write(&dataset, format!("{record}\n")).unwrap();
    let data = dir.path().join("data");
    annalist_ok(&data, &["ingest", "--quiet", capture.to_str().unwrap(), dataset.to_str().unwrap()], 0);
    with_browser(tools, &data, async |c, base| {
        // The two articles, reached through the search page's links.
        c.goto(&format!("{base}/search?q=title%3Ahostile")).await?;
        wait_for(c, ".hit").await?;
        let (mut capture_page, mut record_page) = (None, None);
        for a in c.find_all(Locator::Css(".hit h3 a")).await? {
            let (text, href) = (a.text().await?, a.attr("href").await?);
            if text.contains("Hostile Headline") {
                capture_page = href;
            } else if text.contains("Hostile Record") {
                ensure!(
                    text.starts_with("<img src=x onerror="),
                    "the record's headline is shown as text: {text}"
                );
                record_page = href;
            }
        }
        let capture_page = capture_page.context("the hostile capture is found")?;
        let record_page = record_page.context("the hostile record is found")?;
        screenshot(c, "hostile-search").await?;
        // What each page must show as text, character for character.
        let pages: Vec<(String, Vec<&str>)> = vec![
            (
                "/search?q=title%3Ahostile".into(),
                vec!["<img src=x onerror=\"window.__pwned='title'\"> Hostile Record"],
            ),
            ("/search?q=script".into(), vec![]),
            ("/search?q=%22%3E%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E".into(), vec![]),
            ("/trends?t1=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E&by=year".into(), vec![]),
            ("/timeline/prk/rus".into(), vec![]),
            (
                capture_page.clone(),
                vec![
                    "<script>window.__pwned='body';document.title='PWNED'</script> in a hostile paragraph",
                    "A picture <img src=x onerror=\"window.__pwned='img';document.title='PWNED'\"> was shown",
                    "<a href=\"javascript:window.__pwned='link';document.title='PWNED'\">more</a>",
                ],
            ),
            (
                record_page.clone(),
                vec!["A hostile record <script>window.__pwned='record'</script> whose link"],
            ),
        ];
        for (path, shown) in &pages {
            c.goto(&format!("{base}{path}")).await?;
            wait_for(c, "main").await?;
            // Give an image error or a load handler the time to fire, were there one.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let state = c
                .execute(
                    "return {
                        pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
                        title: document.title,
                        scripts: document.scripts.length,
                        handlers: document.querySelectorAll('[onerror],[onload],[onclick]').length,
                        embeds: document.querySelectorAll('img, iframe, object, embed, main svg svg').length,
                        scriptLinks: Array.from(document.querySelectorAll('a[href]'))
                            .filter(a => a.protocol === 'javascript:').map(a => a.getAttribute('href')),
                        text: document.querySelector('main').innerText,
                    };",
                    vec![],
                )
                .await?;
            ensure!(state["pwned"].is_null(), "{path}: a payload ran: window.__pwned = {}", state["pwned"]);
            // A payload would make the title exactly PWNED (the headline itself may say it).
            let title = state["title"].as_str().unwrap_or("");
            ensure!(
                title != "PWNED" && title.ends_with(" · annalist"),
                "{path}: a payload set the title: {title}"
            );
            ensure!(state["scripts"] == 0, "{path}: {} script elements", state["scripts"]);
            ensure!(state["handlers"] == 0, "{path}: elements with event handlers");
            ensure!(state["embeds"] == 0, "{path}: article markup became elements");
            let links = &state["scriptLinks"];
            ensure!(links.as_array().is_some_and(|a| a.is_empty()), "{path}: live javascript: links {links}");
            let text = state["text"].as_str().unwrap_or("");
            for s in shown {
                ensure!(text.contains(s), "{path}: not shown as text: {s}\n--- page text:\n{text}");
            }
        }
        c.goto(&format!("{base}{capture_page}")).await?;
        wait_for(c, ".body").await?;
        screenshot(c, "hostile-capture").await?;
        // The record's javascript: URL is shown, but not as a link.
        c.goto(&format!("{base}{record_page}")).await?;
        wait_for(c, ".body").await?;
        let original = fact(c, "Original").await?;
        ensure!(
            original.starts_with("javascript:window.__pwned='url'"),
            "the URL is shown as text: {original}"
        );
        ensure!(
            c.find_all(Locator::Css("main table a")).await?.is_empty(),
            "the javascript: URL became a link"
        );
        screenshot(c, "hostile-record").await?;
        Ok(())
    });
}
