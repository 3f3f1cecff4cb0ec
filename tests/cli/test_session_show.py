"""`session show` leads with what people need (what, when, where, who, status, counts);
the calendar's UUID and sequence only with --verbose or --json; a group only where the
team is split. The small demo is built once for the module."""

from __future__ import annotations

import pytest
from conftest import invoke

from refocus_cli.core.display import show_span

NOW = "2026-12-01T09:00:00+00:00"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("session-show")
    env = {"REFOCUS_NOW": NOW, "REFOCUS_DB": str(folder / "demo.db")}
    assert invoke(["demo", "--out", str(folder / "files")], env=env).exit_code == 0

    def run(*args: str):
        done = invoke(list(args), env=env)
        assert done.exit_code == 0, (args, done.stderr)
        return done

    return run


def _labels(shown: str) -> list[str]:
    return [line.split("  ")[0].strip() for line in shown.splitlines() if line.strip()]


def test_people_first_and_the_calendar_fields_only_when_asked(demo):
    held = next(s for s in demo("sessions", "--json").json() if s["status"] == "held")
    shown = demo("session", "show", str(held["id"])).stdout
    labels = _labels(shown)
    expected = [
        f"Session {held['id']}",
        "When",
        "Where",
        "Team" if len(held["teams"]) == 1 else "Teams",
    ]
    expected += [*(["Group"] if "Group" in labels else []), "Trainers", "Status", "Expected"]
    assert labels[: len(expected) + 1] == [*expected, "Attended"]
    assert show_span(held["start"], held["end"]) in shown
    assert held["uuid"] not in shown and "sequence" not in shown.lower()
    verbose = demo("session", "show", str(held["id"]), "--verbose").stdout
    assert held["uuid"] in verbose and "Calendar sequence" in verbose


def test_a_group_is_shown_only_for_a_split_team(demo):
    sessions = demo("sessions", "--json").json()
    by_meeting: dict[tuple, list[dict]] = {}
    for s in sessions:
        if s["kind"] != "catch-up" and len(s["teams"]) == 1:
            key = (s["module"], s["occurrence"], s["teams"][0])
            by_meeting.setdefault(key, []).append(s)
    split = next(group for group in by_meeting.values() if len(group) == 2)
    whole = next(group[0] for group in by_meeting.values() if len(group) == 1)
    first, second = sorted(split, key=lambda s: s["group"])
    assert "1 of 2 (the team is split)" in demo("session", "show", str(first["id"])).stdout
    assert "2 of 2 (the team is split)" in demo("session", "show", str(second["id"])).stdout
    assert "Group" not in demo("session", "show", str(whole["id"])).stdout
