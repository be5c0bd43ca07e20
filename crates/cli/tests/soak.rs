//! A bounded soak of the real server on loopback: held-open unauthenticated
//! uploads and slow-header connections (slowloris) run for a fixed time beside a
//! person's searches, which must keep being answered, quickly, while the server's
//! resident memory stays bounded and returns afterwards.
//!
//! CI runs it small (`ANNALIST_SOAK_SECS` 15, `ANNALIST_SOAK_SLOW` 2000,
//! `ANNALIST_SOAK_UPLOADS` 300); `scripts/hostile-load.py` measures the issue's
//! 20,000 slow connections from two processes (one process may not hold them all).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::util::{full_store, http, rss, start_server};

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn hostile_clients_leave_the_server_answering_people_in_bounded_memory() {
    let secs = knob("ANNALIST_SOAK_SECS", 15);
    let slow_n = knob("ANNALIST_SOAK_SLOW", 2000) as usize;
    let uploads_n = knob("ANNALIST_SOAK_UPLOADS", 300) as usize;
    let data = full_store();
    let (server, base) = start_server(data, &[]).unwrap();
    let pid = server.child.id();
    let addr = base.trim_start_matches("http://").to_string();
    let baseline = rss(pid).0;

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Uploads without a token, 16 MB announced, the body sent slowly and held open.
    let uploaders = {
        let (addr, stop) = (addr.clone(), stop.clone());
        std::thread::spawn(move || {
            let head =
                "POST /api/v1/ingest?name=x.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 16777216\r\n\r\n";
            let mut held: Vec<TcpStream> = Vec::new();
            let mut refused = 0;
            let chunk = vec![b'x'; 64 << 10];
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                while held.len() < uploads_n {
                    let Ok(mut s) = TcpStream::connect(&addr) else { break };
                    s.set_nonblocking(true).unwrap();
                    let _ = s.write(head.as_bytes());
                    held.push(s);
                }
                // Keep pushing body bytes; count those the server has closed.
                held.retain_mut(|s| {
                    let mut b = [0u8; 512];
                    match s.read(&mut b) {
                        Ok(0) => false,
                        Ok(_) => {
                            refused += 1;
                            false
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => s.write(&chunk).is_ok(),
                        Err(_) => false,
                    }
                });
                std::thread::sleep(Duration::from_millis(100));
            }
            refused
        })
    };
    // Slow headers: a byte each second per connection, reopened when cut.
    let slowloris = {
        let (addr, stop) = (addr.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut conns: Vec<TcpStream> = Vec::new();
            let mut opened = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                while conns.len() < slow_n && t.elapsed() < Duration::from_millis(500) {
                    let Ok(mut s) = TcpStream::connect(&addr) else { break };
                    s.set_nonblocking(true).unwrap();
                    let _ = s.write(b"GET /api/v1/stats HTTP/1.1\r\nX-Slow: ");
                    conns.push(s);
                    opened += 1;
                }
                conns.retain_mut(|s| s.write(b"a").is_ok());
                std::thread::sleep(Duration::from_millis(500));
            }
            opened
        })
    };
    std::thread::sleep(Duration::from_secs(2));

    let started = Instant::now();
    let mut times = Vec::new();
    let mut peak = 0;
    while started.elapsed() < Duration::from_secs(secs) {
        let t = Instant::now();
        let (status, body) = http(&base, "GET", "/api/v1/search?q=Putin&limit=5", &[], b"");
        times.push(t.elapsed());
        assert_eq!(status, 200, "a person's search during the soak: {status}\n{body}");
        peak = peak.max(rss(pid).0);
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let refused_uploads = uploaders.join().unwrap();
    let slow_opened = slowloris.join().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let (after, hwm) = rss(pid);
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    eprintln!(
        "soak: {secs} s, {uploads_n} held uploads ({refused_uploads} answered and closed), {slow_n} slow-header \
         connections ({slow_opened} opened); {} searches: p50 {:?} p99 {:?} max {:?}; server RSS {} MB before, \
         peak {} MB (high-water {} MB), {} MB after",
        times.len(),
        p(0.5),
        p(0.99),
        times[times.len() - 1],
        baseline >> 20,
        peak >> 20,
        hwm >> 20,
        after >> 20
    );
    assert!(hwm <= 512 << 20, "server high-water RSS {} MB", hwm >> 20);
    // Loose in CI (other tests share the two cores); docs/BENCHMARKS.md has the
    // quiet-machine figures.
    assert!(p(0.99) <= Duration::from_secs(1), "p99 {:?}", p(0.99));
}
