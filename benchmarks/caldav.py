"""How long `refocus publish caldav` takes against a local Radicale, first time and again.

    python benchmarks/caldav.py [--runs 3] [--scale trust]

Builds `refocus demo --scale trust` (30 teams, about 800 sessions; `small` has about
100) with the clock fixed, starts Radicale (the test dependency) on a free port of
127.0.0.1 with its default storage settings, and times the whole command, child
process included:

  first publish      every session PUT into a new calendar (MKCALENDAR first)
  republish          nothing changed: two PROPFINDs, no writes (median of --runs)
  one session        after `refocus session cancel`: one PUT
  export ics         `refocus export ics --all`, for scale: rendering the same sessions

Radicale's own time per PUT grows with the size of the calendar (it checks each new
UID against the others), so the first publish measures the server as much as refocus.
Always exits 0: it reports, it does not fail.
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
import time
from pathlib import Path

from _timing import CommandFailed, median, print_table, refocus_executable, run_once

FIXED_NOW = "2027-01-04T09:00:00+00:00"


def start_radicale(folder: Path) -> tuple[subprocess.Popen, int]:
    """Radicale without passwords on a free port, answering before this returns."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = folder / "radicale.ini"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n"
        f"[rights]\ntype = authenticated\n[storage]\nfilesystem_folder = {folder / 'store'}\n"
        "[web]\ntype = none\n[logging]\nlevel = warning\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("MKCOL", "/bench/")
            if connection.getresponse().status == 201:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("benchmarks: Radicale did not start within 15 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="republish runs (median)")
    parser.add_argument("--scale", default="trust", choices=["small", "trust"])
    args = parser.parse_args()

    refocus = refocus_executable()
    os.environ.update({"REFOCUS_NOW": FIXED_NOW, "NO_COLOR": "1", "REFOCUS_ACTOR": "bench"})
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        db = str(folder / "bench.db")
        subprocess.run(
            [refocus, "demo", "--scale", args.scale, "--db", db, "--out", str(folder / "demo")],
            check=True,
            capture_output=True,
        )
        sessions = json.loads(
            subprocess.run(
                [refocus, "sessions", "--db", db, "--json"], check=True, capture_output=True
            ).stdout
        )
        server, port = start_radicale(folder)
        publish = [refocus, "publish", "caldav", f"http://127.0.0.1:{port}/bench/"]
        publish += ["--calendar", "refocus", "--all", "--db", db]
        try:
            first = run_once(publish)
            again = [run_once(publish) for _ in range(args.runs)]
            check = subprocess.run([*publish, "--json"], check=True, capture_output=True)
            outcome = json.loads(check.stdout)
            subprocess.run(
                [refocus, "session", "cancel", str(sessions[-1]["id"]), "--db", db],
                check=True,
                capture_output=True,
            )
            one = run_once(publish)
            export = run_once([refocus, "export", "ics", "--all", "--db", db, "-o", "-"])
        except CommandFailed as exc:
            sys.exit(f"benchmarks: {exc}")
        finally:
            server.terminate()
            server.wait(timeout=10)

    count = len(sessions)
    per_session = f"{first.seconds / count * 1000:.1f}"
    rows = [
        ("first publish", f"{count} PUT", f"{first.seconds:.2f}", per_session),
        ("republish, no change", "0 writes", f"{median([r.seconds for r in again]):.2f}", "-"),
        ("one session cancelled", "1 PUT", f"{one.seconds:.2f}", "-"),
        ("export ics --all", "-", f"{export.seconds:.2f}", "-"),
    ]  # fmt: skip
    print_table(
        ["case", "writes", "seconds", "ms/session"],
        rows,
        title=f"refocus publish caldav: {count} sessions ({args.scale} demo) to a local Radicale",
    )
    unchanged = outcome["unchanged"]
    sent = len(outcome["created"]) + len(outcome["updated"]) + len(outcome["removed"])
    print(f"\nrepublish reported {unchanged} unchanged and {sent} changes sent.")


if __name__ == "__main__":
    main()
