"""How many feed requests `refocus feeds serve` answers: 1,000 feeds, 50 clients at once.

    python benchmarks/feeds_load.py [--db FILE | --scale trust|national] [--feeds 1000]
                                    [--clients 50] [--rounds 5]

Uses the database given (e.g. a national demo built beforehand), else builds
`refocus demo --scale SCALE` with the clock fixed. Starts the installed `refocus feeds
serve` on a free port of 127.0.0.1 (a real process, which also makes the feeds), takes
up to --feeds of them, and polls them from --clients threads, each keeping its own
HTTP/1.1 connection (as calendar clients and a reverse proxy do):

  first fetch       every feed once (each rendered from the database: the cold cost)
  unconditional     every feed --rounds times, gzip accepted (served from the cache)
  conditional       the same with If-None-Match: 304, nothing rendered or sent
  after a change    one `session cancel`, then every feed once more conditionally
                    (every ETag changed: each feed renders again)

Prints throughput and p50/p95 latency per phase. The clients run on the same machine
and compete with the server for its cores. Always exits 0: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _timing import print_table, refocus_executable

FIXED_NOW = "2027-01-04T09:00:00+00:00"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _poll(
    port: int, paths: list[str], clients: int, headers_for
) -> tuple[float, list[float], Counter]:
    """Fetch every path once from `clients` threads; (seconds, latencies, statuses)."""
    work = iter(enumerate(paths))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                item = next(work, None)
            if item is None:
                break
            index, path = item
            started = time.perf_counter()
            connection.request("GET", path, headers=headers_for(index, path))
            answer = connection.getresponse()
            answer.read()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                statuses[answer.status] += 1
                if answer.status == 200:
                    etags[path] = answer.getheader("ETag")
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


etags: dict[str, str] = {}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _row(name: str, result: tuple[float, list[float], Counter]) -> list[object]:
    seconds, latencies, statuses = result
    shown = ", ".join(f"{count}×{status}" for status, count in sorted(statuses.items()))
    return [
        name,
        len(latencies),
        f"{seconds:.2f}",
        f"{len(latencies) / seconds:.0f}",
        f"{_percentile(latencies, 0.5) * 1000:.1f}",
        f"{_percentile(latencies, 0.95) * 1000:.1f}",
        shown,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="an existing refocus database")
    parser.add_argument("--scale", default="trust", choices=["small", "trust", "national"])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    refocus = refocus_executable()
    env = {**os.environ, "REFOCUS_NOW": FIXED_NOW, "NO_COLOR": "1"}
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "demo.db"
            subprocess.run(
                [refocus, "demo", "--scale", args.scale, "--out", folder, "--db", str(db)],
                check=True, capture_output=True, env=env,
            )  # fmt: skip
        port = _port()
        server = subprocess.Popen(
            [refocus, "feeds", "serve", "--port", str(port), "--db", str(db)],
            stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        try:
            server.stderr.readline()  # "Serving N feeds ..." once it listens
            listed = json.loads(
                subprocess.run(
                    [refocus, "feeds", "list", "--json", "--db", str(db)],
                    check=True, capture_output=True, env=env,
                ).stdout
            )  # fmt: skip
            paths = [feed["path"] for feed in listed][: args.feeds]
            plain: dict[str, str] = {}
            gzip = {"Accept-Encoding": "gzip"}
            rows = [_row("first fetch", _poll(port, paths, args.clients, lambda i, p: plain))]
            again = paths * args.rounds
            rows.append(_row("unconditional", _poll(port, again, args.clients, lambda i, p: gzip)))
            known = dict(etags)
            conditional = {**gzip}

            def asked(_index: int, path: str) -> dict[str, str]:
                return {**conditional, "If-None-Match": known[path]}

            rows.append(_row("conditional", _poll(port, again, args.clients, asked)))
            sessions = json.loads(
                subprocess.run(
                    [refocus, "sessions", "--json", "--db", str(db)],
                    check=True, capture_output=True, env=env,
                ).stdout
            )  # fmt: skip
            movable = next(s for s in reversed(sessions) if s["status"] == "scheduled")
            subprocess.run(
                [refocus, "session", "cancel", str(movable["id"]), "--db", str(db)],
                check=True, capture_output=True, env=env,
            )  # fmt: skip
            rows.append(_row("after a change", _poll(port, paths, args.clients, asked)))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print_table(
        ["phase", "requests", "seconds", "req/s", "p50 ms", "p95 ms", "answers"],
        rows,
        title=(
            f"refocus feeds serve: {len(paths)} feeds, {args.clients} clients, "
            f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
        ),
    )


if __name__ == "__main__":
    main()
