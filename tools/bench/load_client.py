#!/usr/bin/env python3
"""HTTP load for the benchmarks wrk cannot do (asyncio, one request per connection).
  load_client.py stream URL [--requests 30] [--header 'Name: value']... [--body JSON]
      N streamed chat completions one after another: time to the first content event and the
      gaps between content events, as "ttft_p50 ttft_p99 gap_p50 gap_p99" in ms.
  load_client.py burst URL --concurrency 2000 --body JSON [--pid PID]
      that many requests at once, each on its own connection ("{n}" in the body becomes the
      request's number, so no two are alike): "ok=… statuses=… wall_s=…
      p50_s=… p99_s=… threads_peak=… rss_peak_mb=…" (threads and RSS of --pid, sampled).
"""
import argparse
import asyncio
import collections
import time
import urllib.parse


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def request_bytes(url, body, headers):
    parts = urllib.parse.urlsplit(url)
    lines = ["POST %s HTTP/1.1" % (parts.path or "/"), "Host: %s" % parts.netloc, "Connection: close",
             "Content-Type: application/json", "Content-Length: %d" % len(body)] + headers
    return parts.hostname, parts.port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def one_stream(url, body, headers):
    host, port, request = request_bytes(url, body, headers)
    reader, writer = await asyncio.open_connection(host, port)
    started = time.perf_counter()
    writer.write(request)
    content_times, pending = [], b""
    while True:
        data = await reader.read(65536)
        if not data:
            break
        now = time.perf_counter()
        pending += data
        *events, pending = pending.split(b"\n\n")
        content_times += [now for piece in events if b'"content"' in piece]
    writer.close()
    if not content_times:
        raise SystemExit("load_client: no content events from %s" % url)
    ttft = (content_times[0] - started) * 1000
    gaps = [(b - a) * 1000 for a, b in zip(content_times, content_times[1:])]
    return ttft, gaps


async def stream(options):
    ttfts, gaps = [], []
    for _ in range(options.requests):
        ttft, request_gaps = await one_stream(options.url, options.body.encode(), options.header)
        ttfts.append(ttft)
        gaps += request_gaps
    print("%.2f %.2f %.2f %.2f" % (percentile(ttfts, 0.5), percentile(ttfts, 0.99),
                                   percentile(gaps, 0.5), percentile(gaps, 0.99)))


def sample(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            fields = dict(line.split(":", 1) for line in status)
        return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return 0, 0.0


async def one_request(url, body, headers):
    host, port, request = request_bytes(url, body, headers)
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request)
        answer = await reader.read()
        writer.close()
        status = int(answer[9:12]) if answer.startswith(b"HTTP/1.1 ") else 0
    except (ConnectionError, OSError):
        status = 0
    return status, time.perf_counter() - started


async def burst(options):
    peak = [0, 0.0]
    done = asyncio.Event()

    async def watch():
        while not done.is_set():
            threads, rss = sample(options.pid) if options.pid else (0, 0.0)
            peak[0], peak[1] = max(peak[0], threads), max(peak[1], rss)
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch())
    started = time.perf_counter()
    results = await asyncio.gather(*[one_request(options.url, options.body.replace("{n}", str(n)).encode(),
                                                 options.header) for n in range(options.concurrency)])
    wall = time.perf_counter() - started
    done.set()
    await watcher
    statuses = collections.Counter(status for status, _ in results)
    ok = [seconds for status, seconds in results if status == 200]
    print("ok=%d statuses=%s wall_s=%.2f p50_s=%.2f p99_s=%.2f threads_peak=%d rss_peak_mb=%.1f" % (
        len(ok), ",".join("%d:%d" % item for item in sorted(statuses.items())), wall,
        percentile(ok, 0.5), percentile(ok, 0.99), peak[0], peak[1]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["stream", "burst"])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=2000)
    parser.add_argument("--body", default='{"model":"bench","stream":true,"messages":[{"role":"user","content":"hi"}]}')
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--pid", type=int, default=0)
    options = parser.parse_args()
    asyncio.run(stream(options) if options.mode == "stream" else burst(options))


main()
