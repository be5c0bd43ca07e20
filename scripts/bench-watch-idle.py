#!/usr/bin/env python3
"""Idle resource use of `annalist watch` (docs/BENCHMARKS.md, "Watch: idle").

Builds a site of 50 RSS feeds with 5 articles each (real 2011 KCNA articles as HTML),
serves it with `python3 -m http.server` on a free loopback port (it answers 304 to
If-Modified-Since), starts `annalist watch` on it with a 1-minute interval, waits until
the first round has filed everything, then samples VmRSS/VmHWM (/proc/PID/status) and
utime+stime (/proc/PID/stat) every second for SECS seconds (default 130: two re-poll
rounds). Passes (exit 0) when the idle VmRSS stays <= 50 MB.

    cargo build --release
    scripts/bench-watch-idle.py [path/to/annalist]

Not part of the test suite: it takes two minutes and measures, it does not check behaviour.
"""
import gzip
import html
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "annalist")
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "kcna_2011.jsonl.gz")
SOURCES, PER_FEED = 50, 5
SECS = float(os.environ.get("SECS", "130"))
TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def build_site(site, port):
    articles = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            title, body = r.get("title") or "", "\n".join(r.get("paragraphs") or [])
            if title and len(body) > 200:
                articles.append((title, body))
            if len(articles) == SOURCES * PER_FEED:
                break
    for i in range(SOURCES):
        os.makedirs(os.path.join(site, "a", str(i)))
        items = []
        for j in range(PER_FEED):
            title, body = articles[i * PER_FEED + j]
            paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
            with open(os.path.join(site, "a", str(i), f"{j}.html"), "w", encoding="utf-8") as out:
                out.write(f"<html><head><title>{html.escape(title)}</title></head><body>"
                          f"<h1>{html.escape(title)}</h1>{paras}</body></html>")
            items.append(f"<item><title>{html.escape(title)}</title>"
                         f"<link>http://127.0.0.1:{port}/a/{i}/{j}.html</link></item>")
        with open(os.path.join(site, f"feed{i}.xml"), "w", encoding="utf-8") as out:
            out.write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>f{i}</title>'
                      f'{"".join(items)}</channel></rss>')


def proc(pid):
    kv = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status").read().splitlines())
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(f[11]) + int(f[12])) / TCK  # utime + stime (fields 14, 15)
    kb = lambda k: int(kv[k].split()[0])
    return kb("VmRSS"), kb("VmHWM"), cpu


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"bench-watch-idle: no {BIN} (cargo build --release first)")
    tmp = tempfile.mkdtemp(prefix="annalist-idle-")
    site, data, port = os.path.join(tmp, "site"), os.path.join(tmp, "data"), free_port()
    build_site(site, port)
    cfg = os.path.join(tmp, "sources.toml")
    with open(cfg, "w") as out:
        out.write('[fetch]\nper_host_interval = "10ms"\n')
        for i in range(SOURCES):
            out.write(f'\n[[source]]\nname = "feed{i}"\nfeed = "http://127.0.0.1:{port}/feed{i}.xml"\n'
                      f'outlet = "KCNA"\ninterval = "1m"\n')
        out.write('\n[[watch]]\nname = "putin"\nquery = "putin"\n\n[alerts]\nstdout = false\njsonl = "alerts.jsonl"\n')
    http = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                            cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    w = subprocess.Popen([BIN, "--data", data, "watch", "--config", cfg],
                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "watch.err"), "w"))
    try:
        t0, last, stable = time.time(), -1, 0
        while stable < 3 and time.time() - t0 < 120:
            time.sleep(1)
            r = subprocess.run([BIN, "--data", data, "stats", "--json"], capture_output=True, text=True)
            n = json.loads(r.stdout)["articles"] if r.returncode == 0 else 0
            stable, last = (stable + 1 if n == last and n > 0 else 0), n
        rss, hwm, cpu = proc(w.pid)
        print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
        print(f"first round: {last} articles filed in {time.time() - t0:.0f} s; "
              f"VmRSS {rss / 1024:.1f} MB, VmHWM {hwm / 1024:.1f} MB, CPU {cpu:.2f} s")
        samples, t1 = [], time.time()
        while time.time() - t1 < SECS:
            samples.append((time.time() - t1,) + proc(w.pid))
            time.sleep(1)
    finally:
        w.send_signal(2)
        w.wait()
        http.terminate()
    rss = [s[1] for s in samples]
    cpus = [s[3] for s in samples]
    quiet = best = 0
    for a, b in zip(cpus, cpus[1:]):
        quiet = quiet + 1 if b == a else 0
        best = max(best, quiet)
    minute = [s for s in samples if s[0] <= 60.5]
    print(f"idle {SECS:.0f} s ({SECS / 60:.1f} re-poll rounds of {SOURCES} feeds): VmRSS {min(rss) / 1024:.1f}"
          f"-{max(rss) / 1024:.1f} MB, VmHWM {samples[-1][2] / 1024:.1f} MB, CPU {cpus[-1] - cpus[0]:.2f} s "
          f"({minute[-1][3] - minute[0][3]:.2f} s in the first 60 s), longest stretch without a CPU tick {best} s")
    ok = max(rss) <= 50 * 1024
    print(f"verdict: {'PASS' if ok else 'FAIL'} (idle VmRSS <= 50 MB)")
    subprocess.run(["rm", "-rf", tmp])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
