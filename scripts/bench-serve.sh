#!/usr/bin/env bash
# Load test of `annalist serve` (docs/BENCHMARKS.md, "Serve: load"): wrk on loopback,
# 64 connections for 30 s, over the URL mix of scripts/serve-mix.lua, on the 2011
# KCNA corpus. Passes (exit 0) with zero errors and p99 <= 50 ms.
#
#   cargo build --release
#   scripts/bench-serve.sh [DATA_DIR]
#
# Without DATA_DIR it files ../shared/corpora/kcna_2011.jsonl.gz into a temporary
# archive first. Environment: ANNALIST (the binary; default
# ${CARGO_TARGET_DIR:-target}/release/annalist), CONNECTIONS (64), DURATION (30s),
# THREADS (wrk threads, 2). Needs wrk and curl (Debian: apt-get install wrk curl).
# Not part of the test suite: it takes the machine for half a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${ANNALIST:-${CARGO_TARGET_DIR:-target}/release/annalist}
connections=${CONNECTIONS:-64}
duration=${DURATION:-30s}
threads=${THREADS:-2}
[ -x "$bin" ] || { echo "bench-serve: no $bin (cargo build --release first, or set ANNALIST)" >&2; exit 2; }
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench-serve: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done

tmp=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

data=${1:-}
if [ -z "$data" ]; then
  data=$tmp/data
  echo "== filing the 2011 corpus into $data"
  "$bin" --data "$data" ingest --quiet ../shared/corpora/kcna_2011.jsonl.gz
fi

"$bin" --data "$data" serve --addr 127.0.0.1:0 2>"$tmp/serve.log" &
server=$!
url=
for _ in $(seq 600); do
  url=$(sed -n 's|^annalist: serving .* on \(http://[0-9.:]*\)/.*|\1|p' "$tmp/serve.log")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 2; }
  sleep 0.1
done
[ -n "$url" ] || { echo "bench-serve: the server did not start" >&2; cat "$tmp/serve.log" >&2; exit 2; }
echo "== server $url (pid $server)"

# Every URL of the mix must answer 200 before it is measured.
paths=$(sed -n 's|^  "\(/[^"]*\)",$|\1|p' scripts/serve-mix.lua)
for p in $paths; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url$p")
  if [ "$code" != 200 ]; then echo "bench-serve: $p answered $code" >&2; exit 1; fi
done
echo "== $(echo "$paths" | wc -l) URLs answer 200; warming up"
wrk -t2 -c8 -d3s -s scripts/serve-mix.lua "$url" >/dev/null

echo "== machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "== $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t"$threads" -c"$connections" -d"$duration" --timeout 5s --latency -s scripts/serve-mix.lua "$url" | tee "$tmp/wrk.out"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== server peak RSS: $(sed -n 's/^VmHWM:\s*//p' "/proc/$server/status")"
grep -q '^verdict       PASS' "$tmp/wrk.out"
