//! Admission control over real sockets: what a hostile client can hold of the server
//! (connections, half-sent headers, unauthenticated upload bodies, slow searches) is
//! bounded, and every refusal has the API's error shape.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{app_with, archive};

/// A server on a free loopback port, in the background; answers its address.
fn start(
    data: &std::path::Path,
    token: Option<&str>,
    tune: impl FnOnce(&mut annalist_serve::Options),
) -> String {
    let app = app_with(data, token, tune);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            annalist_serve::serve_listener(l, app, std::future::pending()).await.unwrap();
        });
    });
    addr
}

/// Sends `head` (and nothing more) and reads the answer until the server closes or
/// `wait` passes; answers the text and how long it took.
fn exchange(addr: &str, head: &str, wait: Duration) -> (String, Duration) {
    let t = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&out);
                // One whole answer with a body is enough.
                if let Some((h, b)) = text.split_once("\r\n\r\n")
                    && let Some(len) = h.lines().find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_string)
                    })
                    && b.len() >= len.trim().parse::<usize>().unwrap_or(usize::MAX)
                {
                    break;
                }
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), t.elapsed())
}

fn status(reply: &str) -> u16 {
    reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

const BIG_UPLOAD: &str = "POST /api/v1/ingest?name=x.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 16000000\r\n";

#[test]
fn uploads_are_refused_before_their_body_is_read() {
    let dir = archive();
    // Read-only: refused at once, whatever the body would be.
    let ro = start(dir.path(), None, |_| {});
    let (r, took) = exchange(
        &ro,
        &format!("{BIG_UPLOAD}Authorization: Bearer whatever123\r\n\r\n"),
        Duration::from_secs(5),
    );
    assert_eq!(status(&r), 403, "{r}");
    assert!(r.contains("\"error\""), "{r}");
    assert!(took < Duration::from_secs(2), "answered in {took:?}");
    // Writable, but no token or a wrong one: refused at once too.
    let rw = start(dir.path(), Some("secret-token"), |_| {});
    let (r, took) = exchange(&rw, &format!("{BIG_UPLOAD}\r\n"), Duration::from_secs(5));
    assert_eq!(status(&r), 401, "{r}");
    assert!(took < Duration::from_secs(2), "answered in {took:?}");
    let (r, _) = exchange(
        &rw,
        &format!("{BIG_UPLOAD}Authorization: Bearer wrong-token!\r\n\r\n"),
        Duration::from_secs(5),
    );
    assert_eq!(status(&r), 403, "{r}");
    // The right token, and a body that never comes: cut off at the body timeout.
    let slow = start(dir.path(), Some("secret-token"), |o| o.body_timeout = Duration::from_millis(500));
    let (r, took) = exchange(
        &slow,
        &format!("{BIG_UPLOAD}Authorization: Bearer secret-token\r\n\r\nsome"),
        Duration::from_secs(10),
    );
    assert_eq!(status(&r), 408, "{r}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn slow_headers_keep_nobody_out_and_are_cut() {
    let dir = archive();
    let addr = start(dir.path(), None, |o| {
        o.max_connections = 4;
        o.max_heads = 8;
        o.header_timeout = Duration::from_millis(1500);
    });
    // Eight clients that never finish their headers fill the head pool...
    let mut slow: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"GET /api/v1/stats HTTP/1.1\r\nHo").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    // ...yet a person's requests are answered at once: the oldest slow ones make room.
    for _ in 0..3 {
        let (r, took) = exchange(
            &addr,
            "GET /api/v1/stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            Duration::from_secs(3),
        );
        assert_eq!(status(&r), 200, "{r}");
        assert!(took < Duration::from_secs(1), "{took:?}");
    }
    // The first slow ones were dropped to make room.
    slow[0].set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    assert_eq!(slow[0].read(&mut [0u8; 64]).unwrap_or(0), 0);
    // The header timeout closes the rest.
    std::thread::sleep(Duration::from_millis(1800));
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut buf = [0u8; 512];
        let n = s.read(&mut buf).unwrap_or(0);
        assert_eq!(n, 0, "a slow client still connected: {}", String::from_utf8_lossy(&buf[..n]));
    }
    // A head larger than the limit is refused with 431.
    let huge = format!("GET / HTTP/1.1\r\nHost: t\r\nX-Pad: {}\r\n\r\n", "a".repeat(40_000));
    let (r, _) = exchange(&addr, &huge, Duration::from_secs(3));
    assert_eq!(status(&r), 431, "{r}");
}

#[test]
fn serving_connections_are_capped() {
    let dir = archive();
    let addr = start(dir.path(), None, |o| o.max_connections = 2);
    // Two kept-alive connections hold both serving slots...
    let held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"GET /api/v1/stats HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let n = s.read(&mut [0u8; 4096]).unwrap();
            assert!(n > 0);
            s
        })
        .collect();
    // ...so a third is told to come back, at once.
    let (r, took) = exchange(&addr, "GET /api/v1/stats HTTP/1.1\r\nHost: t\r\n\r\n", Duration::from_secs(3));
    assert_eq!(status(&r), 503, "{r}");
    assert!(r.to_ascii_lowercase().contains("retry-after"), "{r}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    let (r, _) = exchange(
        &addr,
        "GET /api/v1/stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        Duration::from_secs(3),
    );
    assert_eq!(status(&r), 200, "{r}");
}

#[test]
fn searches_out_of_time_answer_503_and_errors_keep_one_shape() {
    let dir = archive();
    let addr = start(dir.path(), None, |o| o.query_time = Duration::ZERO);
    let get = |path: &str| {
        exchange(
            &addr,
            &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
            Duration::from_secs(5),
        )
        .0
    };
    let r = get("/api/v1/search?q=%22kim%20putin%22~5");
    assert_eq!(status(&r), 503, "{r}");
    assert!(r.to_ascii_lowercase().contains("retry-after: 1"), "{r}");
    assert!(r.contains("\"error\"") && r.contains("time"), "{r}");
    let r = get("/api/v1/trends?terms=kim");
    assert_eq!(status(&r), 503, "{r}");
    // The router's and the layers' own refusals: JSON under /api/, pages elsewhere.
    let r = get("/api/v1/ingest");
    assert_eq!(status(&r), 405, "{r}");
    assert!(r.contains("application/json") && r.contains("\"error\""), "{r}");
    let r = get("/api/v1/search?q=kim&limit=-1");
    assert_eq!(status(&r), 400, "{r}");
    assert!(r.contains("\"error\""), "{r}");
    let r = get("/no/such/page");
    assert_eq!(status(&r), 404, "{r}");
    assert!(r.contains("text/html"), "{r}");
}

#[test]
fn a_query_error_on_the_search_page_is_a_400_that_keeps_the_form() {
    let dir = archive();
    let addr = start(dir.path(), None, |_| {});
    let (r, _) = exchange(
        &addr,
        "GET /search?q=%22unbalanced HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_eq!(status(&r), 400, "{r}");
    assert!(r.contains("<form") && r.contains("column"), "{r}");
}
