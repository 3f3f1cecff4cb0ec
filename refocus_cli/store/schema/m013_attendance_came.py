"""m013: who came to each session, read by every implementation report, from an index."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refocus_cli.store.migrations import _run, migration

if TYPE_CHECKING:
    from sqlite_utils import Database


@migration
def m013_attendance_came(db: Database) -> None:
    _run(db, M013)


# The reports read, session by session, the staff marked present, late or left early
# (store/measures.py `_came`): at national scale 260,000 of 300,000 marks. Grouping the
# table's rows by session needs a sort of all of them; this index holds them already in
# session order with nothing else, so the reports read it straight through (0.09 s
# against 0.20 s on the benchmark's national register). Its cost: a bulk register of
# 300,000 rows takes about 8 % longer to record; a session's register, a few rows more.
# The statuses are those of core.vocabulary.ATTENDED, in the order the query names them.
M013 = """
CREATE INDEX attendance_came ON attendance(session_id, staff_id)
    WHERE staff_id IS NOT NULL AND status IN ('late', 'left-early', 'present')
"""
