"""Who came to each session, as every implementation report reads it: from the index of
the attended marks (m013), the same as the registers say after corrections, and with
everything else the report reads, from one state of the database."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date

import pytest
from attending import first, start_planned

from refocus_cli.core.vocabulary import ATTENDED
from refocus_cli.readers.manual import load_curriculum
from refocus_cli.services.context import system_clock
from refocus_cli.store import measures
from refocus_cli.store.database import open_store


@pytest.fixture
def planned(cli, monkeypatch, env_setup, from_template):
    return start_planned(cli, monkeypatch, env_setup, from_template)


def test_who_came_is_read_from_the_index_and_follows_corrections(cli, planned):
    north = first(planned["sessions"], "recovery-workshop", "North CMHT")["id"]
    south = first(planned["sessions"], "recovery-workshop", "South CMHT")["id"]
    for args in (
        (north, "--present", "Nia North", "--late", "Ned North", "--excused", "Nell North"),
        (north, "--absent", "Noor North", "--visitor", "Pat Service-User"),
        (south, "--all-present", "--except", "Sol South"),
        # Corrections: Nia leaves the attended marks, Nell joins them.
        (north, "--absent", "Nia North", "--left-early", "Nell North"),
    ):
        assert cli("attend", str(args[0]), *args[1:]).exit_code == 0, args
    store = open_store(planned["db"], system_clock, "tester")
    try:
        registers: dict[int, set[int]] = defaultdict(set)
        for session_id, staff_id, status in store.db.execute(
            "SELECT session_id, staff_id, status FROM attendance WHERE staff_id IS NOT NULL"
        ):
            if status in ATTENDED:
                registers[session_id].add(staff_id)
        came = measures._came(store)
        plan = [row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {measures.CAME}")]
    finally:
        store.close()
    assert {session: set(ids) for session, ids in came.items()} == registers
    assert all(len(ids) == len(set(ids)) for ids in came.values())
    assert [len(registers[north]), len(registers[south])] == [2, 3]  # Ned, Nell; all but Sol
    # The index, not a sort of every mark: what keeps national reports quick.
    assert any("attendance_came" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_the_facts_are_read_from_one_state_of_the_database(cli, planned):
    """A register recorded by someone else while the reports read (here: between their
    query of the sessions and their query of who came) is left out of that report, not
    half in it."""
    session = first(planned["sessions"], "recovery-workshop", "North CMHT")["id"]
    staff = {p["name"]: p["id"] for p in cli("staff", "list", "--json").json()}
    store = open_store(planned["db"], system_clock, "tester")
    other = sqlite3.connect(planned["db"], isolation_level=None)

    def someone_records_a_register(statement: str) -> None:
        if statement.startswith("SELECT id, stage, module") and not other.in_transaction:
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO attendance (session_id, staff_id, status, recorded_by, "
                "recorded_at) VALUES (?, ?, 'present', 'other', '2027-01-20T10:00:00Z')",
                [session, staff["Nia North"]],
            )
            other.execute("UPDATE session SET status = 'held' WHERE id = ?", [session])
            other.execute("COMMIT")

    curriculum = load_curriculum()
    try:
        store.db.conn.set_trace_callback(someone_records_a_register)
        during = measures.load_facts(store, curriculum, date(2027, 3, 1))
        store.db.conn.set_trace_callback(None)
        after = measures.load_facts(store, curriculum, date(2027, 3, 1))
    finally:
        store.close()
        other.close()
    assert session not in during.came
    assert next(s for s in during.sessions if s.id == session).status == "scheduled"
    assert after.came[session] == [staff["Nia North"]]
    assert next(s for s in after.sessions if s.id == session).status == "held"
