"""`refocus audit`: every change to sessions, marks and memberships, with who, when, old, new."""

from __future__ import annotations

import csv
import getpass
import io
import json

import pytest

NOW = "2027-01-04T09:00:00+00:00"  # the fixed clock: Europe/London is on GMT in January
LATER = "2027-02-15T18:00:00+00:00"


def _build_rollout(cli, folder) -> None:
    assert cli("init", "Audit Trust", "--start", "2027-01-11").exit_code == 0
    for team in ("North CMHT", "South CMHT", "East CMHT", "West CMHT"):
        assert cli("team", "add", team).exit_code == 0
    added = cli(
        "--actor", "Ruth Coordinator",
        "staff", "add", "Nia North", "--team", "North CMHT", "--role", "nurse",
        "--email", "nia@nhs.example", "--manager", "--start", "2026-01-01",
    )  # fmt: skip
    assert added.exit_code == 0, added
    roster = folder / "roster.csv"
    roster.write_text(
        "name,team,email,role,start\n"
        "Ned North,North CMHT,ned@nhs.example,psychologist,2026-01-01\n"
        "Sam South,South CMHT,sam@nhs.example,team manager,2026-01-01\n"
        "Sid South,South CMHT,,nurse,2026-01-01\n"
        "Eve East,East CMHT,eve@nhs.example,nurse,2026-01-01\n"
        "Wyn West,West CMHT,wyn@nhs.example,nurse,2026-01-01\n"
    )
    assert cli("staff", "import", str(roster)).exit_code == 0
    cli("trainer", "add", "Ruth Evans")
    cli("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    cli("cohort", "create", "WAVE1", "--team", "North CMHT", "--team", "South CMHT")
    assert cli("schedule", "WAVE1").exit_code == 0


@pytest.fixture
def rollout(cli, tmp_path, from_template):
    """Four teams (two to be merged or disbanded), staff added one by one and by roster."""
    from_template("audit-rollout", lambda: _build_rollout(cli, tmp_path))
    return cli


def _entries(cli, *filters: str) -> list[dict]:
    result = cli("audit", "--limit", "0", *filters, "--json")
    assert result.exit_code == 0, result
    return result.json()


def _one(entries: list[dict], action: str, entity: str, entity_id: int | None) -> dict:
    found = [
        e
        for e in entries
        if (e["action"], e["entity"], e["entity_id"]) == (action, entity, entity_id)
    ]
    assert len(found) == 1, (action, entity, entity_id, entries)
    return found[0]


def test_every_change_to_memberships_sessions_and_marks_is_audited(rollout, monkeypatch):
    cli = rollout
    sessions = cli("sessions", "--json").json()
    workshop = next(s for s in sessions if s["module"] == "recovery-workshop")
    later = [s for s in sessions if s["start"] > "2027-03-01" and s["id"] != workshop["id"]]
    to_move, to_cancel = later[0], later[1]
    changes = [
        ("staff", "move", "Ned North", "--to", "South CMHT", "--on", "2027-01-05"),
        ("staff", "leave", "sam@nhs.example", "--on", "2027-01-06"),
        ("team", "merge", "East CMHT", "--into", "North CMHT", "--on", "2027-01-07"),
        ("team", "disband", "West CMHT", "--on", "2027-01-08"),
        ("session", "move", str(to_move["id"]), "--to", to_move["start"][:10] + " 10:00",
         "--reason", "room double-booked"),
        ("session", "cancel", str(to_cancel["id"]), "--reason", "trainer ill"),
        ("session", "cancel", str(workshop["id"]), "--reason", "snow"),
        ("replan", "WAVE1"),
    ]  # fmt: skip
    for args in changes:
        result = cli(*args)
        assert result.exit_code == 0, (args, result)
    monkeypatch.setenv("REFOCUS_NOW", LATER)
    first = next(s for s in cli("sessions", "--json").json() if s["status"] == "scheduled")
    assert cli("attend", str(first["id"]), "--absent", "Nia North", "--force").exit_code == 0
    corrected = cli(
        "attend", str(first["id"]), "--present", "nia@nhs.example", "--force",
        env={"REFOCUS_ACTOR": None},  # this one from the operating-system user
    )  # fmt: skip
    assert corrected.exit_code == 0, corrected.stderr

    log = _entries(cli)
    assert all(e["at"] in (NOW, "2027-02-15T18:00:00+00:00") for e in log)
    ids = {p["name"]: p["id"] for p in cli("staff", "list", "--all", "--json").json()}
    teams = {t["name"]: t["id"] for t in cli("team", "list", "--json").json()}

    added = _one(log, "add", "staff", ids["Nia North"])
    assert added["actor"] == "Ruth Coordinator" and added["at"] == NOW and added["old"] is None
    assert added["new"] == {
        "name": "Nia North",
        "team": "North CMHT",
        "start": "2026-01-01",
        "role": "nurse",
    }
    imported = _one(log, "add", "staff", ids["Sid South"])
    assert imported["actor"] == "tester"
    assert imported["new"]["team"] == "South CMHT" and imported["new"]["source"] == "roster.csv"

    moved = _one(log, "move", "membership", ids["Ned North"])
    assert (moved["old"], moved["new"]) == (
        {"team": "North CMHT"},
        {"team": "South CMHT", "on": "2027-01-05"},
    )
    assert moved["change"] == "team North CMHT → South CMHT; on 2027-01-05"
    left = _one(log, "leave", "membership", ids["Sam South"])
    assert (left["old"], left["new"]) == ({"team": "South CMHT"}, {"left_on": "2027-01-06"})
    merged = _one(log, "merge", "team", teams["East CMHT"])
    assert merged["new"]["into"] == "North CMHT" and merged["new"]["staff_moved"] == [
        ids["Eve East"]
    ]
    assert "Eve East" in merged["change"]
    disbanded = _one(log, "disband", "team", teams["West CMHT"])
    assert disbanded["old"] == {"status": "active"}
    assert disbanded["new"]["staff_released"] == [ids["Wyn West"]]

    session_move = _one(log, "move", "session", to_move["id"])
    assert session_move["old"]["start"] == to_move["start"]
    assert session_move["new"]["reason"] == "room double-booked"
    assert (
        "start " + to_move["start"][:10] in session_move["change"] and "→" in session_move["change"]
    )
    cancelled = _one(log, "cancel", "session", to_cancel["id"])
    assert (cancelled["old"], cancelled["new"]) == (
        {"status": "scheduled"},
        {"status": "cancelled", "reason": "trainer ill"},
    )
    replanned = [e for e in log if e["action"] == "replan" and e["entity"] == "session"]
    assert replanned and all(e["old"]["start"] != e["new"]["start"] for e in replanned)

    marks = [e for e in log if e["entity"] == "attendance" and e["entity_id"] == first["id"]]
    assert [(m["old"], m["new"]["status"], m["actor"]) for m in marks] == [
        (None, "absent", "tester"),
        (
            {"status": "absent", "recorded_by": "tester", "recorded_at": LATER},
            "present",
            getpass.getuser(),
        ),
    ]
    assert marks[1]["new"]["staff_id"] == ids["Nia North"]
    assert marks[1]["change"] == "Nia North: absent → present"


def test_filters_by_session_person_team_date_and_number(rollout, monkeypatch):
    cli = rollout
    sessions = cli("sessions", "--json").json()
    target = next(s for s in sessions if s["start"] > "2027-03-01" and "North CMHT" in s["teams"])
    cli("session", "cancel", str(target["id"]), "--reason", "Nia North is away")
    cli("staff", "move", "Ned North", "--to", "South CMHT", "--on", "2027-01-05")
    cli("team", "merge", "East CMHT", "--into", "North CMHT", "--on", "2027-01-07")
    monkeypatch.setenv("REFOCUS_NOW", LATER)
    first = sessions[0]
    cli("attend", str(first["id"]), "--present", "Nia North", "--absent", "Ned North", "--force")
    cli("attend", str(first["id"]), "--late", "Ned North", "--force")

    about_session = _entries(cli, "--session", str(first["id"]))
    assert sorted(e["change"] for e in about_session if e["action"] == "attend") == [
        "Ned North: absent",
        "Ned North: absent → late",
        "Nia North: present",
    ]
    # The first register made the session held; that change is audited once.
    held = [e for e in about_session if e["action"] == "held"]
    assert len(held) == 1 and held[0]["old"] == {"status": "scheduled"}

    ned = _entries(cli, "--staff", "ned@nhs.example")
    assert [(e["action"], e["entity"]) for e in ned] == [
        ("add", "staff"),
        ("move", "membership"),
        ("attend", "attendance"),
        ("attend", "attendance"),
    ]
    nia = _entries(cli, "--staff", "Nia North")
    assert ("cancel", "session") in [(e["action"], e["entity"]) for e in nia]  # named there
    eve = _entries(cli, "--staff", "Eve East")
    assert [e["action"] for e in eve] == ["add", "merge"]

    east = _entries(cli, "--team", "East CMHT")
    assert [e["action"] for e in east] == ["add", "add", "merge"]  # the team, Eve, the merge
    north = _entries(cli, "--team", "North CMHT")
    assert {"merge", "move", "cancel", "attend", "schedule"} <= {e["action"] for e in north}

    assert {e["at"] for e in _entries(cli, "--since", "2027-02-15")} == {LATER}
    assert _entries(cli, "--since", "2027-02-16") == []
    combined = _entries(cli, "--staff", "Ned North", "--since", "2027-02-01")
    assert [e["action"] for e in combined] == ["attend", "attend"]

    latest = cli("audit", "--limit", "2", "--json")
    assert [e["id"] for e in latest.json()] == [e["id"] for e in _entries(cli)][-2:]
    assert "--limit 0" in latest.stderr

    table = cli("audit", "--session", str(first["id"]))
    assert table.exit_code == 0 and "Ned North: absent → late" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cli("audit", "--staff", "Ned North", "--csv").stdout)))
    assert list(rows[0]) == "id,at,actor,action,entity,entity_id,subject,change,old,new".split(",")
    assert [json.loads(row["new"])["team"] for row in rows[:2]] == ["North CMHT", "South CMHT"]
    assert rows[1]["change"] == "team North CMHT → South CMHT; on 2027-01-05"


def test_the_installed_command_shows_the_log_in_plain_words(sh, rollout):
    result = sh("audit", "--staff", "Ned North")
    assert result.returncode == 0, result.stderr
    assert "Ned North (staff" in result.stdout and "tester" in result.stdout


def test_audit_refuses_bad_input(rollout):
    cases = [
        (["--session", "999"], "no session with id 999"),
        (["--session", "first"], "is not an id"),
        (["--staff", "Nobody"], "no staff with name 'Nobody'"),
        (["--team", "Nowhere"], "no team with name 'Nowhere'"),
        (["--since", "yesterday"], "not a valid date"),
        (["--json", "--csv"], "choose one"),
    ]
    for args, words in cases:
        result = rollout("audit", *args)
        assert result.exit_code == 1 and words in result.stderr, (args, result)
        assert result.stderr.startswith("Error: ")
    rollout("staff", "add", "Ned North", "--team", "South CMHT")
    ambiguous = rollout("audit", "--staff", "Ned North")
    assert ambiguous.exit_code == 1 and "matches 2 staff records" in ambiguous.stderr
    assert rollout("audit", "--limit", "-1").exit_code == 2


def test_the_entries_one_command_writes_are_one_change(rollout, env_setup):
    from database_rows import query

    first = rollout("sessions", "--json").json()[0]
    rollout("session", "cancel", str(first["id"]), "--reason", "snow")
    rollout("--actor", "Ruth Coordinator", "replan", "WAVE1")
    rows = query(env_setup, "SELECT action, entity, change_id, actor FROM audit ORDER BY id")
    changes: dict[int, set[tuple[str, str]]] = {}
    for action, entity, change, _ in rows:
        assert change is not None
        changes.setdefault(change, set()).add((action, entity))
    # Every command its own change, numbered in the order they were made.
    numbers = [change for _, _, change, _ in rows]
    assert numbers == sorted(numbers) and len(changes) == len(set(numbers))
    imported = next(c for c, kinds in changes.items() if ("import", "staff") in kinds)
    assert changes[imported] == {("import", "staff"), ("add", "staff")}
    assert sum(1 for _, _, c, _ in rows if c == imported) == 1 + 5  # the import and its rows
    last = numbers[-1]
    replanned = {("replan", "session"), ("cancel", "session"), ("schedule", "cohort")}
    assert changes[last] <= replanned
    assert {actor for _, _, c, actor in rows if c == last} == {"Ruth Coordinator"}
