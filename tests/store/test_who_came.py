"""Who came to each session, as every implementation report reads it: from the index of
the attended marks (m013), the same as the registers say after corrections."""

from __future__ import annotations

from collections import defaultdict

import pytest
from attending import first, start_planned

from refocus_cli.core.vocabulary import ATTENDED
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
