#!/usr/bin/env python3
"""Replay an analyst-like lookup workload against a VirusTotal-shaped base URL.

The workload looks up the emulator's known sample files (the contents
b"vtrelay-sample-%d" % i) through GET /api/v3/files/{hash}:

- files are picked with a Zipf-like distribution, so a few files are asked
  for again and again and some only once or never;
- each lookup spells the file as MD5, SHA-1 or SHA-256, and some spellings
  are upper-case;
- some lookups come as a burst of concurrent duplicates (several threads ask
  for the same file at the same moment, mostly with the same spelling).

Before the run the emulator's counters are reset (POST /_emulator/reset);
after it the emulator's statistics give the upstream calls the target made.
The report gives the upstream calls, the distinct files requested, the response statuses
and the client-side latency percentiles. Only the Python standard library is used,
and only loopback addresses are accepted as targets.

Usage:
    workload.py --base http://127.0.0.1:8684 --emulator http://127.0.0.1:PORT \
        [--requests 2000] [--files 50] [--seed 1] [--workers 8] [--gzip] [--json FILE]
"""

import argparse
import collections
import gzip
import hashlib
import http.client
import ipaddress
import json
import queue
import random
import sys
import threading
import time
import urllib.parse

SPELLINGS = ("md5", "sha1", "sha256")
# Assumed share of each spelling (an estimate, not measured): SHA-256 most often, then MD5.
SPELLING_WEIGHTS = (0.35, 0.15, 0.50)
UPPER_CASE_SHARE = 0.20
ZIPF_EXPONENT = 1.1
BURST_SHARE = 0.08          # share of events that are bursts of duplicates
BURST_SIZES = (2, 3, 4, 6, 8)
BURST_MIXED_SPELLING_SHARE = 0.25
REQUEST_TIMEOUT_S = 30.0
RUN_DEADLINE_S = 120.0


def sample_hashes(index):
    content = b"vtrelay-sample-%d" % index
    return {
        "md5": hashlib.md5(content).hexdigest(),
        "sha1": hashlib.sha1(content).hexdigest(),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def loopback_url(text):
    parts = urllib.parse.urlsplit(text)
    if parts.scheme != "http" or not parts.hostname:
        raise argparse.ArgumentTypeError("%s: only plain http:// URLs are supported" % text)
    host = parts.hostname
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError:
            raise argparse.ArgumentTypeError("%s: the target must be a loopback address" % text)
    return parts


def build_schedule(rng, total, files):
    """Plan the lookups. Each event is a list of (file index, path) sent together."""
    weights = [1.0 / (rank ** ZIPF_EXPONENT) for rank in range(1, files + 1)]
    order = list(range(files))
    rng.shuffle(order)  # popular files are not simply the lowest indexes
    hashes = [sample_hashes(i) for i in range(files)]

    def spelled(index):
        kind = rng.choices(SPELLINGS, SPELLING_WEIGHTS)[0]
        digest = hashes[index][kind]
        if rng.random() < UPPER_CASE_SHARE:
            digest = digest.upper()
        return "/api/v3/files/" + digest

    events = []
    planned = 0
    while planned < total:
        index = order[rng.choices(range(files), weights)[0]]
        if rng.random() < BURST_SHARE:
            size = min(rng.choice(BURST_SIZES), total - planned)
            first = spelled(index)
            burst = []
            for _ in range(size):
                mixed = rng.random() < BURST_MIXED_SPELLING_SHARE
                burst.append((index, spelled(index) if mixed else first))
            events.append(burst)
            planned += size
        else:
            events.append([(index, spelled(index))])
            planned += 1
    return events, hashes


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies_ms = []
        self.statuses = collections.Counter()
        self.outcomes = collections.Counter()
        self.wrong_bodies = 0
        self.errors = collections.Counter()

    def add(self, latency_ms, status, outcome, body_ok):
        with self.lock:
            self.latencies_ms.append(latency_ms)
            self.statuses[status] += 1
            self.outcomes[outcome or "-"] += 1
            if not body_ok:
                self.wrong_bodies += 1

    def error(self, text):
        with self.lock:
            self.errors[text] += 1


class Client:
    """One keep-alive HTTP/1.1 connection, reopened after any failure."""

    def __init__(self, parts, accept_gzip):
        self.headers = {"Accept": "application/json"}
        if accept_gzip:
            self.headers["Accept-Encoding"] = "gzip"
        self.host = parts.hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.conn = None

    def get(self, path):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
            try:
                self.conn.request("GET", self.prefix + path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                if response.getheader("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                return response.status, response.getheader("X-Cache", ""), body
            except (ConnectionError, http.client.HTTPException):
                # The server may have closed the idle keep-alive connection, so retry once.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def timed_lookup(client, results, hashes, index, path):
    started = time.perf_counter()
    try:
        status, outcome, body = client.get(path)
    except (OSError, http.client.HTTPException, EOFError, gzip.BadGzipFile) as exc:
        results.error(type(exc).__name__)
        client.close()
        return
    latency_ms = (time.perf_counter() - started) * 1000.0
    body_ok = status == 200 and hashes[index]["sha256"].encode() in body
    results.add(latency_ms, status, outcome, body_ok)


def run_burst(parts, accept_gzip, results, hashes, burst, deadline):
    """Send the lookups of one burst at the same moment, one thread and connection each."""
    barrier = threading.Barrier(len(burst))

    def one(index, path):
        client = Client(parts, accept_gzip)
        try:
            barrier.wait(timeout=REQUEST_TIMEOUT_S)
        except threading.BrokenBarrierError:
            pass
        if time.monotonic() < deadline:
            timed_lookup(client, results, hashes, index, path)
        client.close()

    threads = [threading.Thread(target=one, args=item, daemon=True) for item in burst]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT_S * 2)


def run_workload(parts, accept_gzip, events, hashes, workers):
    results = Results()
    pending = queue.Queue()
    for event in events:
        pending.put(event)
    deadline = time.monotonic() + RUN_DEADLINE_S

    def worker():
        client = Client(parts, accept_gzip)
        while time.monotonic() < deadline:
            try:
                event = pending.get_nowait()
            except queue.Empty:
                break
            if len(event) == 1:
                timed_lookup(client, results, hashes, *event[0])
            else:
                run_burst(parts, accept_gzip, results, hashes, event, deadline)
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RUN_DEADLINE_S + REQUEST_TIMEOUT_S * 3)
    return results, time.perf_counter() - started


def emulator_call(parts, method, path):
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError("emulator returned status %d for %s %s" % (response.status, method, path))
        return json.loads(body)
    finally:
        conn.close()


def percentile(sorted_values, share):
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values) - 1, max(0, int(round(share * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, type=loopback_url,
                        help="target base URL, for example http://127.0.0.1:8684 (loopback only)")
    parser.add_argument("--emulator", required=True, type=loopback_url,
                        help="the VirusTotal emulator's base URL, for its counters (loopback only)")
    parser.add_argument("--requests", type=int, default=2000, help="lookups to send (default 2000)")
    parser.add_argument("--files", type=int, default=50, help="distinct sample files, at most 50 (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the schedule (default 1)")
    parser.add_argument("--workers", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--gzip", action="store_true",
                        help="send Accept-Encoding: gzip, as clients built on requests or aiohttp do (default: none)")
    parser.add_argument("--label", default="target", help="name of the target in the report")
    parser.add_argument("--json", help="also write the results as JSON to this file")
    args = parser.parse_args()
    if not 1 <= args.requests <= 100000:
        parser.error("--requests must be between 1 and 100000")
    if not 1 <= args.files <= 50:
        parser.error("--files must be between 1 and 50 (the emulator knows 50 sample files)")
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")

    rng = random.Random(args.seed)
    events, hashes = build_schedule(rng, args.requests, args.files)
    asked = {index for event in events for index, _ in event}
    spellings = {path for event in events for _, path in event}
    bursts = [event for event in events if len(event) > 1]

    emulator_call(args.emulator, "POST", "/_emulator/reset")
    results, wall_s = run_workload(args.base, args.gzip, events, hashes, args.workers)
    stats = emulator_call(args.emulator, "GET", "/_emulator/stats")

    by_file = collections.Counter()
    lookup = {}
    for index, spelled in enumerate(hashes):
        for digest in spelled.values():
            lookup[digest] = index
    other_calls = 0
    for path, count in stats.get("by_path", {}).items():
        digest = path.rsplit("/", 1)[-1].lower()
        if path.lower().startswith("/api/v3/files/") and digest in lookup:
            by_file[lookup[digest]] += count
        else:
            other_calls += count

    latencies = sorted(results.latencies_ms)
    sent = sum(results.statuses.values())
    report = {
        "label": args.label,
        "accept_gzip": args.gzip,
        "requests_planned": args.requests,
        "requests_answered": sent,
        "transport_errors": dict(results.errors),
        "statuses": {str(k): v for k, v in sorted(results.statuses.items())},
        "wrong_bodies": results.wrong_bodies,
        "x_cache": dict(sorted(results.outcomes.items())),
        "distinct_files": len(asked),
        "distinct_spellings": len(spellings),
        "bursts": len(bursts),
        "burst_requests": sum(len(b) for b in bursts),
        "upstream_calls": stats.get("api_calls", 0),
        "upstream_calls_other": other_calls,
        "files_fetched_more_than_once": sum(1 for c in by_file.values() if c > 1),
        "quota_rejections": stats.get("quota_rejections", 0),
        "wall_s": round(wall_s, 3),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 3),
            "p90": round(percentile(latencies, 0.90), 3),
            "p99": round(percentile(latencies, 0.99), 3),
            "max": round(latencies[-1], 3) if latencies else None,
        },
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")

    print("%s at %s%s: %d lookups (%d in %d bursts), %d distinct files, %d spellings"
          % (args.label, args.base.geturl(), " (Accept-Encoding: gzip)" if args.gzip else "", sent, report["burst_requests"], report["bursts"], len(asked), len(spellings)))
    print("  upstream calls %d (files fetched more than once: %d), statuses %s, wrong bodies %d, errors %s"
          % (report["upstream_calls"], report["files_fetched_more_than_once"], report["statuses"],
             results.wrong_bodies, report["transport_errors"] or "none"))
    print("  X-Cache %s" % report["x_cache"])
    print("  latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f; wall %.2f s"
          % (report["latency_ms"]["p50"], report["latency_ms"]["p90"], report["latency_ms"]["p99"],
             report["latency_ms"]["max"] or 0.0, wall_s))
    failed = sent != args.requests or results.errors or results.wrong_bodies
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
