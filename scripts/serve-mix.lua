-- wrk script for the `annalist serve` load test (docs/BENCHMARKS.md, "Serve").
-- Every request takes the next of these 22 URLs (API searches and pages over the
-- 2011 KCNA corpus), each thread starting at a different place in the list.
-- At the end it prints p50/p90/p99/p99.9 latency, throughput and every kind of error.
-- Run it through scripts/bench-serve.sh, which checks each URL answers 200 first.

local paths = {
  "/api/v1/search?q=putin",
  "/api/v1/search?q=%22kim+jong+il%22&limit=20",
  "/api/v1/search?q=treaty+friendship&sort=date",
  "/api/v1/search?q=nuclear+published%3A2011-06",
  "/api/v1/search?q=%28message+OR+letter%29+AND+russia&offset=10",
  "/search?q=putin",
  "/search?q=%22comrades-in-arms%22",
  "/search?q=delegation&outlet=KCNA&sort=date",
  "/search?q=imperialists&since=2011-03&until=2011-05",
  "/articles/17",
  "/articles/2500",
  "/articles/6000",
  "/api/v1/articles/11000",
  "/timeline/prk/rus",
  "/timeline/prk/chn?page=2",
  "/entities/vladimir-putin",
  "/api/v1/events?dyad=prk-rus&limit=20",
  "/api/v1/events?type=visit&limit=50&offset=50",
  "/api/v1/timeline/prk/chn?limit=100",
  "/trends?t1=%22comrades-in-arms%22&t2=friendship&by=month",
  "/api/v1/trends?terms=putin%7Cchina&by=month",
  "/api/v1/stats",
}

local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = (id * 7) % #paths + 1
  non2xx = 0
end

function request()
  local path = paths[counter]
  counter = counter % #paths + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format("urls          %d\n", #paths))
  io.write(string.format("requests      %d in %.1f s: %.0f requests/s\n",
    summary.requests, secs, summary.requests / secs))
  io.write(string.format("latency ms    p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
  io.write(string.format("errors        non-2xx %d, connect %d, read %d, write %d, timeout %d\n",
    bad, e.connect, e.read, e.write, e.timeout))
  local ok = bad == 0 and e.connect + e.read + e.write + e.timeout + e.status == 0
    and latency:percentile(99) <= 50000
  io.write(string.format("verdict       %s (zero errors and p99 <= 50 ms)\n", ok and "PASS" or "FAIL"))
end
