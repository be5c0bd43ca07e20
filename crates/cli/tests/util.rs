//! Helpers shared by the integration tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use anyhow::Context;

/// The `annalist` binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_annalist"))
}

/// `../shared` beside the checkout (tests read shared data in place, never copy it).
pub fn shared() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let cand = dir.join("shared");
        if cand.join("eval").is_dir() && cand.join("seeds").is_dir() {
            return cand;
        }
        if !dir.pop() {
            panic!("no shared/ directory with eval/ and seeds/ above {}", env!("CARGO_MANIFEST_DIR"));
        }
    }
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            status: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Run `annalist --data DATA ARGS…` to completion.
pub fn annalist(data: &Path, args: &[&str]) -> Run {
    Command::new(bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .env("ANNALIST_LOG", "error")
        .output()
        .expect("spawn annalist")
        .into()
}

/// Like [`annalist`] but panics with the output unless the exit status is `want`.
pub fn annalist_ok(data: &Path, args: &[&str], want: i32) -> Run {
    let r = annalist(data, args);
    assert_eq!(
        r.status, want,
        "annalist {args:?} exited {}\nstdout:\n{}\nstderr:\n{}",
        r.status, r.stdout, r.stderr
    );
    r
}

/// Run score.py on GOLD vs PRED and return its `--json` result.
pub fn score(gold: &[PathBuf], pred: &Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let gold_all = dir.path().join("gold.jsonl");
    let mut text = String::new();
    for g in gold {
        text.push_str(&std::fs::read_to_string(g).unwrap());
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    std::fs::write(&gold_all, text).unwrap();
    let out = Command::new("python3")
        .arg(shared().join("eval/score.py"))
        .arg(&gold_all)
        .arg(pred)
        .arg("--json")
        .output()
        .expect("python3 to run score.py");
    assert!(out.status.success(), "score.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("score.py --json output")
}

/// A logical dump of the archive without wall-clock timestamps, for comparing two
/// stores built by different runs.
pub fn logical_dump(data: &Path) -> String {
    let r = annalist_ok(data, &["export", "--format", "jsonl"], 0);
    let mut out = String::new();
    for line in r.stdout.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(sources) = v.get_mut("sources").and_then(|s| s.as_array_mut()) {
            for s in sources {
                s.as_object_mut().unwrap().remove("ingested_at");
            }
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let stats = annalist_ok(data, &["stats", "--json"], 0);
    let mut s: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    s.as_object_mut().unwrap().remove("db_bytes");
    out.push_str(&s.to_string());
    out
}

/// An archive holding the seeds and the 2011 corpus, built once per test process
/// and shared by the tests that only read it.
pub fn full_store() -> &'static Path {
    static STORE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, data) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let seeds = shared().join("seeds");
        let corpus = shared().join("corpora/kcna_2011.jsonl.gz");
        annalist_ok(&data, &["ingest", "--quiet", seeds.to_str().unwrap(), corpus.to_str().unwrap()], 0);
        (dir, data)
    });
    data
}

/// A child process (and the process group it leads) that is killed when dropped.
pub struct Proc {
    pub child: Child,
}

impl Drop for Proc {
    fn drop(&mut self) {
        // The group: chromedriver's chromium and its helpers go with it.
        // SAFETY: kill(2) on the group this test created; no memory is touched.
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn spawn(cmd: &mut Command) -> anyhow::Result<Proc> {
    use std::os::unix::process::CommandExt;
    let child = cmd.process_group(0).spawn().with_context(|| format!("starting {cmd:?}"))?;
    Ok(Proc { child })
}

/// `annalist serve` on `data`, on a port the system picks; answers its base URL
/// once the server says it listens.
pub fn start_server(data: &Path, extra: &[&str]) -> anyhow::Result<(Proc, String)> {
    let mut server = spawn(
        Command::new(bin())
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("ANNALIST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    )?;
    let stderr = server.child.stderr.take().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            match line.split_once(" on http://") {
                Some((_, rest)) if line.starts_with("annalist: serving") => {
                    let _ = tx.send(format!("http://{}", rest.split('/').next().unwrap_or("")));
                }
                _ => eprintln!("annalist serve: {line}"),
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(120))
        .context("annalist serve did not say where it listens within 120 s")?;
    Ok((server, url))
}

/// One HTTP/1.1 request to the server at `base` (`http://host:port`): answers the
/// status and the body. `headers` are extra header lines.
pub fn http(base: &str, method: &str, path: &str, headers: &[&str], body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).expect("connect to the server");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read the answer");
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").map_or(out.len(), |p| p + 4);
    let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let rest = &out[split..];
    let body = if head.contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_vec() };
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(p) = s.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&s[..p]).trim(), 16).unwrap_or(0);
        let rest = &s[p + 2..];
        if n == 0 || rest.len() < n {
            break;
        }
        out.extend_from_slice(&rest[..n]);
        s = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// A process's resident memory now and its high-water mark (`VmRSS`, `VmHWM`), in bytes.
pub fn rss(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
    };
    (kb("VmRSS:").unwrap_or(0) << 10, kb("VmHWM:").unwrap_or(0) << 10)
}
