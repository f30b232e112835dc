"""``perfrules serve`` under a bounded load on loopback, against in-process ``evaluate`` in the same run (issue 15).

    python benchmarks/serve.py                       # 600 requests at each of 1, 8 and 32 clients
    python benchmarks/serve.py --requests 2000 --clients 1 8 32 64

The server is the real command (``perfrules serve --port P``: one uvicorn
worker, one process) on 127.0.0.1; nothing is sent anywhere else. Each client
is a thread holding one keep-alive HTTP/1.1 connection and sending, one after
another, the seed's evaluate request (examples/hunan-2024-general-office: the
spec and the actuals as TOML text, the spec cached by the server after the
first request, the actuals read and checked on every request), until the
fixed number of requests is spent. Every answer must be 200 with total 99 and
grade 优; any other answer is a failed request and the script exits 1.

Printed for each level: requests/s (wall), p50 and p99 latency, the server's
CPU seconds (and per request) and threads, and the ratios to the in-process baselines measured
in this run: (a) ``evaluate(spec, actuals)`` alone, and (b) the work a request
does without HTTP (``loads_actuals`` of the text, ``evaluate``, ``to_document``,
JSON encoding). The server's resident memory (VmRSS) is read after the
warm-up and after each level: it must stay flat (the script exits 1 when it
grows by more than --rss-slack MB over the run). Absolute figures drift with
the machine: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import _proc  # noqa: E402

import perfrules  # noqa: E402

SEED = ROOT / "examples" / "hunan-2024-general-office"
HOST = "127.0.0.1"  # loopback only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _status(pid: int, field: str) -> float:
    """A ``/proc/<pid>/status`` size field in MB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process, all its threads (``/proc/<pid>/stat``)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return statistics.median(walls), statistics.median(cpus)


def _check(status: int, raw: bytes) -> bool:
    if status != 200:
        return False
    doc = json.loads(raw)
    return bool(doc.get("total") == "99" and doc.get("grade") == "优")


def _load(port: int, body: bytes, clients: int, requests: int) -> tuple[list[float], int, float]:
    """Send ``requests`` evaluate requests over ``clients`` connections; latencies (s), failures, wall (s)."""
    lock = threading.Lock()
    left = [requests]
    latencies: list[float] = []
    failures = [0]
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        mine: list[float] = []
        failed = 0
        while True:
            with lock:
                if left[0] == 0:
                    break
                left[0] -= 1
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/evaluate", body=body, headers=headers)
                res = conn.getresponse()
                ok = _check(res.status, res.read())
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            mine.append(time.perf_counter() - t)
            failed += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, failures[0], time.perf_counter() - wall


def _watch_threads(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Keep in ``peak[0]`` the most threads the process had while ``done`` is not set."""
    while not done.wait(0.05):
        peak[0] = max(peak[0], _proc.threads(pid))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=600, help="requests per level (default 600)")
    ap.add_argument(
        "--clients", type=int, nargs="+", default=[1, 8, 32], help="levels (default 1 8 32)"
    )
    ap.add_argument("--repeat", type=int, default=200, help="in-process repetitions (median)")
    ap.add_argument(
        "--rss-slack",
        type=float,
        default=20.0,
        help="the most the server's RSS may grow over the run, MB (default 20)",
    )
    args = ap.parse_args()
    if args.requests < 10 or args.repeat < 3 or min(args.clients) < 1:
        ap.error("--requests ≥ 10, --repeat ≥ 3 and every client count ≥ 1")

    spec_text = (SEED / "spec.toml").read_text(encoding="utf-8")
    actuals_text = (SEED / "actuals.toml").read_text(encoding="utf-8")
    body = json.dumps({"spec": spec_text, "actuals": actuals_text}, ensure_ascii=False).encode()

    # in-process baselines, in this run
    spec = perfrules.loads_spec(spec_text, file=str(SEED / "spec.toml"))
    actuals = perfrules.loads_actuals(actuals_text, spec=spec)
    for _ in range(20):
        perfrules.evaluate(spec, actuals)

    def request_work() -> None:
        a = perfrules.loads_actuals(actuals_text, file="actuals.toml", spec=spec)
        json.dumps(perfrules.to_document(perfrules.evaluate(spec, a)), ensure_ascii=False)

    e_wall, e_cpu = _median(lambda: perfrules.evaluate(spec, actuals), args.repeat)
    r_wall, r_cpu = _median(request_work, args.repeat)

    port = _free_port()
    server = subprocess.Popen(
        [*_proc.perfrules_command(), "serve", "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    err = server.stderr.read().decode() if server.stderr else ""
                    print(f"the server did not start: {err}", file=sys.stderr)
                    return 1
                time.sleep(0.1)
        _, failed, _ = _load(port, body, 4, 100)  # spec cache, code paths, thread pool
        if failed:
            print(f"{failed} warm-up requests failed", file=sys.stderr)
            return 1
        rss_start = _status(server.pid, "VmRSS")
        print(
            f"perfrules serve benchmark (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
            f"one uvicorn worker on {HOST}); {args.requests} requests per level; medians"
        )
        print(
            f"in-process (a) evaluate():          {e_wall * 1e3:8.3f} ms wall  {e_cpu * 1e3:8.3f} ms CPU"
            f"  = {1 / e_wall:8.1f}/s (1 thread)"
        )
        print(
            f"in-process (b) a request's work:    {r_wall * 1e3:8.3f} ms wall  {r_cpu * 1e3:8.3f} ms CPU"
            f"  = {1 / r_wall:8.1f}/s (1 thread; loads_actuals + evaluate + to_document + JSON)"
        )
        print(f"server RSS after warm-up: {rss_start:.1f} MB")
        print(
            f"{'clients':>7} {'req/s':>8} {'÷(a)':>6} {'÷(b)':>6} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'p50÷(a)':>8} {'srv CPU s':>9} {'ms/req':>6} {'÷(b)cpu':>7} {'srv thr':>7} {'failed':>6} "
            f"{'RSS MB':>7}"
        )
        total_failed = 0
        rss_end = rss_start
        for clients in args.clients:
            cpu0 = _cpu_seconds(server.pid)
            peak_threads = [0]
            done = threading.Event()
            watcher = threading.Thread(
                target=_watch_threads, args=(server.pid, done, peak_threads), daemon=True
            )
            watcher.start()
            lat, failed, wall = _load(port, body, clients, args.requests)
            done.set()
            watcher.join()
            cpu = _cpu_seconds(server.pid) - cpu0
            rss_end = _status(server.pid, "VmRSS")
            total_failed += failed
            rate = len(lat) / wall
            p50, p99 = _pct(lat, 0.50), _pct(lat, 0.99)
            print(
                f"{clients:>7} {rate:>8.1f} {rate * e_wall:>6.3f} {rate * r_wall:>6.3f} "
                f"{p50 * 1e3:>8.2f} {p99 * 1e3:>8.2f} {p50 / e_wall:>8.1f} {cpu:>9.2f} "
                f"{cpu / len(lat) * 1e3:>6.2f} {cpu / len(lat) / r_cpu:>7.2f} "
                f"{peak_threads[0]:>7} {failed:>6} {rss_end:>7.1f}"
            )
        growth = rss_end - rss_start
        print(
            f"server RSS: {rss_start:.1f} MB after warm-up → {rss_end:.1f} MB at the end "
            f"({growth:+.1f} MB; peak {_status(server.pid, 'VmHWM'):.1f} MB); "
            f"failed requests: {total_failed}"
        )
        print(
            "ratios: req/s × the in-process median wall seconds (1.0 = the server answers as many "
            "requests per second as one thread does the work in process); p50÷(a) = HTTP latency "
            "over evaluate(); ms/req = the server's CPU per request, ÷(b)cpu = that over the "
            "in-process CPU of a request's work (the cost of HTTP, ASGI and the thread hop)"
        )
        if total_failed:
            print(f"FAIL: {total_failed} requests failed", file=sys.stderr)
            return 1
        if growth > args.rss_slack:
            print(f"FAIL: RSS grew by {growth:.1f} MB (> {args.rss_slack} MB)", file=sys.stderr)
            return 1
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
