#!/usr/bin/env python3
"""Hostile load on a running `annalist serve` (loopback), for docs/BENCHMARKS.md.

Holds UPLOADS unauthenticated uploads announcing 16 MB each (the body trickled in,
reopened when the server closes them) and SLOW slow-header connections (a byte a
second, reopened when cut), spread over PROCS processes because one process may
not hold 20,000 sockets under a 20,000-descriptor limit; meanwhile one client
sends a person's searches (a fresh connection each, 20 a second) and records their
latency, and the server's RSS is sampled from /proc.

    scripts/hostile-load.py --base http://127.0.0.1:8080 --pid PID \
        [--slow 20000] [--uploads 300] [--secs 60] [--procs 2]

Prints one JSON line of figures; exits 1 if a person's search failed or the
server's RSS passed --rss-mb, or p99 passed --p99-ms.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import socket
import sys
import time


def rss(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) // 1024
    return out


async def slow_conn(host, port, stop, counts):
    while not stop.is_set():
        try:
            r, w = await asyncio.open_connection(host, port)
        except OSError:
            counts["connect_failed"] += 1
            await asyncio.sleep(0.5)
            continue
        counts["opened"] += 1
        try:
            w.write(b"GET /api/v1/stats HTTP/1.1\r\nX-Slow: ")
            while not stop.is_set():
                await asyncio.sleep(1.0)
                w.write(b"a")
                await w.drain()
                if r.at_eof():
                    break
        except (OSError, ConnectionError):
            pass
        counts["cut"] += 1
        w.close()


async def upload_conn(host, port, stop, counts):
    head = b"POST /api/v1/ingest?name=x.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 16777216\r\n\r\n"
    chunk = b"x" * 65536
    while not stop.is_set():
        try:
            r, w = await asyncio.open_connection(host, port)
        except OSError:
            counts["connect_failed"] += 1
            await asyncio.sleep(0.5)
            continue
        counts["opened"] += 1
        try:
            w.write(head)
            while not stop.is_set():
                w.write(chunk)
                await asyncio.wait_for(w.drain(), 5)
                await asyncio.sleep(0.2)
                if r.at_eof() or len(r._buffer) > 0:
                    counts["answered"] += 1
                    break
        except (OSError, ConnectionError, asyncio.TimeoutError):
            pass
        w.close()


def attacker(host, port, slow, uploads, secs, q):
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
    counts = {"opened": 0, "cut": 0, "answered": 0, "connect_failed": 0}

    async def main():
        stop = asyncio.Event()
        tasks = []
        for i in range(slow):
            tasks.append(asyncio.create_task(slow_conn(host, port, stop, counts)))
            if i % 500 == 499:
                await asyncio.sleep(0.05)
        for _ in range(uploads):
            tasks.append(asyncio.create_task(upload_conn(host, port, stop, counts)))
        await asyncio.sleep(secs)
        stop.set()
        await asyncio.wait(tasks, timeout=5)

    asyncio.run(main())
    q.put(counts)


def get(host, port, path):
    t = time.monotonic()
    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.monotonic() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--slow", type=int, default=20000)
    ap.add_argument("--uploads", type=int, default=300)
    ap.add_argument("--secs", type=float, default=60)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--path", default="/api/v1/search?q=Putin&limit=5")
    ap.add_argument("--rss-mb", type=int, default=512)
    ap.add_argument("--p99-ms", type=float, default=100)
    a = ap.parse_args()
    host, port = a.base.removeprefix("http://").rstrip("/").split(":")
    port = int(port)
    before = rss(a.pid)
    q = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=attacker,
            args=(host, port, a.slow // a.procs, a.uploads // a.procs, a.secs + 5, q),
        )
        for _ in range(a.procs)
    ]
    for p in procs:
        p.start()
    time.sleep(5)  # let the attack build up
    times, bad, peak = [], 0, 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < a.secs:
        try:
            status, took = get(host, port, a.path)
        except OSError:
            status, took = 0, 30.0
        times.append(took)
        if status != 200:
            bad += 1
        peak = max(peak, rss(a.pid)["VmRSS"])
        time.sleep(0.05)
    counts = [q.get() for _ in procs]
    for p in procs:
        p.join()
    time.sleep(3)
    after = rss(a.pid)
    times.sort()
    pct = lambda f: round(1000 * times[min(len(times) - 1, int(len(times) * f))], 1)
    out = {
        "slow": a.slow,
        "uploads": a.uploads,
        "secs": a.secs,
        "searches": len(times),
        "failed_searches": bad,
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * times[-1], 1),
        "rss_mb_before": before["VmRSS"],
        "rss_mb_peak_sampled": peak,
        "rss_mb_high_water": after["VmHWM"],
        "rss_mb_after": after["VmRSS"],
        "attackers": counts,
    }
    print(json.dumps(out))
    ok = bad == 0 and out["rss_mb_high_water"] <= a.rss_mb and out["p99_ms"] <= a.p99_ms
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
