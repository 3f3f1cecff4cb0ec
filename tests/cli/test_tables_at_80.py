"""Every list command on an 80-column terminal, and piped: nothing a person types back
(an id, a module key) and no date is ever cut, and no line is wider than the terminal.

The small demo (four teams, seven months under way: held and cancelled sessions,
movers, leavers, a disbanded team, catch-ups) is built once for the module.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import invoke
from rich.cells import cell_len

from refocus_cli.cli import output

WIDTH = 80
# The demo starts seven months before "now": it is well under way on this day.
NOW = "2026-12-01T09:00:00+00:00"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_START = re.compile(r"\b\d{4}-[\d-]*")
WEEKDAY_DAY = re.compile(
    r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"( \d{4})?"
)
LIST_COMMANDS = [
    ("sessions", "--from", "2026-11-01", "--to", "2026-12-31"),
    ("staff", "list", "--all"),
    ("team", "list"),
    ("trainer", "list"),
    ("venue", "list"),
    ("cohort", "list"),
    ("closure", "list"),
    ("manual", "list"),
    ("audit", "--limit", "40"),
    ("catchup",),
    ("progress",),
    ("report", "participation", "--include-unfinished"),
    ("report", "milestones"),
    ("measure", "list"),
    ("measure", "window", "list"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The small demo's database, with a closure so `closure list` has rows."""
    folder = tmp_path_factory.mktemp("demo-80")
    db = str(folder / "demo.db")
    env = {"REFOCUS_NOW": NOW, "REFOCUS_DB": db}
    built = invoke(["demo", "--out", str(folder / "files")], env=env)
    assert built.exit_code == 0, built.stderr
    closed = invoke(["closure", "add", "--from", "2027-08-02", "--to", "2027-08-13"], env=env)
    assert closed.exit_code == 0, closed.stderr
    return env


def _run(args, env, *, terminal: bool, monkeypatch) -> str:
    monkeypatch.setattr(output, "on_terminal", lambda: terminal)
    done = invoke(list(args), env={**env, "COLUMNS": str(WIDTH)})
    assert done.exit_code == 0, (args, done.stderr)
    assert done.stdout.strip(), args
    return done.stdout


def _keys(data) -> set[str]:
    """Ids and module/stage keys in a command's JSON, as people type them back."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in {"id", "module", "staff_id", "session"} and value is not None:
                found.add(str(value))
            found |= _keys(value)
    elif isinstance(data, list):
        for value in data:
            found |= _keys(value)
    return found


@pytest.mark.parametrize("args", LIST_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_a_list_at_80_columns_cuts_no_date_id_or_key(args, demo, monkeypatch):
    shown = _run(args, demo, terminal=True, monkeypatch=monkeypatch)
    lines = shown.splitlines()
    too_wide = [line for line in lines if cell_len(line) > WIDTH]  # accents combine
    assert not too_wide, too_wide
    assert "…" not in shown
    for date in DATE_START.findall(shown):
        assert ISO_DAY.fullmatch(date) or re.fullmatch(r"\d{4}", date), (date, args)
    if args[0] == "sessions":
        assert len(WEEKDAY_DAY.findall(shown)) >= 10
    if args[0] in {"audit", "closure", "measure"}:
        return  # their ids are not typed back: found by session, person, team or day
    words = set(re.findall(r"[\w-]+", shown))
    listing = _run([*args, "--json"], demo, terminal=True, monkeypatch=monkeypatch)
    missing = {key for key in _keys(json.loads(listing)) if key not in words}
    assert not missing, (args, sorted(missing)[:10])


@pytest.mark.parametrize("args", LIST_COMMANDS[:9], ids=lambda args: " ".join(args[:2]))
def test_a_piped_list_is_plain_text_at_full_width(args, demo, monkeypatch):
    shown = _run(args, demo, terminal=False, monkeypatch=monkeypatch)
    assert not set(shown) & set("┃━│─┏┡…"), args
    rules = [line for line in shown.splitlines() if line and set(line) <= {"-", " "}]
    assert rules and "  " in rules[0], args  # a header underlined column by column


def test_the_outcomes_report_at_80_columns_wraps_at_spaces_and_keeps_keys_whole(demo, monkeypatch):
    args = ["report", "outcomes", "--include-unfinished"]
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    done = invoke(args, env={**demo, "COLUMNS": str(WIDTH)})
    assert done.exit_code == 0, done.stderr
    assert "Warning: " in done.stderr  # the demo's few teams draw warnings
    for text in (done.stdout, done.stderr):
        too_wide = [line for line in text.splitlines() if cell_len(line) > WIDTH]
        assert not too_wide, too_wide
    measures = invoke([*args, "--json"], env=demo).json()["measures"]
    for shown in (done.stdout, done.stderr):
        words = set(re.findall(r"[\w-]+", shown))
        assert {m["measure"]["key"] for m in measures} <= words  # qpr-total, not qpr- total
    assert "--follow-up" in done.stdout.split()
