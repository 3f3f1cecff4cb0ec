"""The facts the implementation measures are computed from, read in a few bulk queries."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, tzinfo

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.measure_facts import Facts, SessionFact, StaffFact, TeamFact
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import ATTENDED
from refocus_cli.store.database import Store

_ATTENDED = ", ".join(f"'{status}'" for status in sorted(ATTENDED))


class _Days(dict[str, date]):
    """ISO dates parsed once each: thousands of memberships share a start date."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day

    def of(self, text: str | None) -> date | None:
        """The date, or None for no text."""
        return self[text] if text else None


def _links(store: Store, sql: str) -> dict[int, tuple[int, ...]]:
    """(session id, other id) rows as session id -> the other ids, in row order."""
    found: dict[int, list[int]] = defaultdict(list)
    for session_id, other_id in store.conn.execute(sql):
        found[session_id].append(other_id)
    return {session_id: tuple(ids) for session_id, ids in found.items()}


def _sessions(store: Store, curriculum: Curriculum, tz: tzinfo) -> list[SessionFact]:
    """Every session, in time order, with its local day, teams, audience and invitees."""
    teams = _links(
        store, "SELECT session_id, team_id FROM session_team ORDER BY session_id, team_id"
    )
    invitees = _links(store, "SELECT session_id, staff_id FROM session_invitee")
    days: dict[str, date] = {}  # many sessions share a start time
    audiences: dict[str, str] = {}  # and a module
    sessions = []
    for id_, stage, module, strategy, occurrence, kind, status, start in store.conn.execute(
        "SELECT id, stage, module, strategy, occurrence, kind, status, start_utc FROM session "
        "ORDER BY start_utc, id"
    ):
        day = days.get(start)
        if day is None:
            day = days[start] = datetime.fromisoformat(start).astimezone(tz).date()
        audience = audiences.get(module)
        if audience is None:
            audience = audiences[module] = curriculum.audience(module)
        sessions.append(
            SessionFact(
                id_,
                stage,
                module,
                strategy,
                occurrence,
                kind,
                status,
                day,
                teams.get(id_, ()),
                audience,
                invitees.get(id_, ()),
            )
        )
    return sessions


# Who came to each session: the staff marked present, late or left early there, grouped
# by session as a JSON array. Its WHERE is that of the index m013 attendance_came, so
# SQLite reads that index (those marks alone, in session order) instead of sorting them.
CAME = (
    "SELECT session_id, json_group_array(staff_id) FROM attendance "
    f"WHERE staff_id IS NOT NULL AND status IN ({_ATTENDED}) "
    "GROUP BY session_id ORDER BY session_id"
)


def _came(store: Store) -> dict[int, list[int]]:
    """Session id -> the staff who came (see CAME), all the arrays parsed by one
    json.loads (no Python object per mark)."""
    rows = store.conn.execute(CAME).fetchall()
    lists = json.loads(f"[{','.join(row[1] for row in rows)}]")
    return dict(zip((row[0] for row in rows), lists, strict=True))


# A team's cohort as of a day, read last of its rows: one it is in that day (one it is
# not leaving before one it is), else the one it left last (a team taken out of its
# only cohort still shows where it was).
COHORTS = (
    "SELECT ct.team_id, c.name FROM cohort_team ct JOIN cohort c ON c.id = ct.cohort_id "
    "ORDER BY (ct.left_on IS NULL OR ct.left_on > ?), ct.left_on IS NULL, ct.left_on, c.id"
)


@without_gc
def load_facts(
    store: Store, curriculum: Curriculum, as_of: date, *, register: bool = True
) -> Facts:
    """The facts the measures need, as of a date, in a few bulk queries (without who
    came, with `register` False, for measures of the plan alone such as milestones)."""
    with store.reading():  # every fact from one state of the database
        return _load_facts(store, curriculum, as_of, register=register)


def _load_facts(store: Store, curriculum: Curriculum, as_of: date, *, register: bool) -> Facts:
    db = store.conn
    days = _Days()
    cohorts: dict[int, str] = {}
    for team_id, name in db.execute(COHORTS, [as_of.isoformat()]):
        cohorts[team_id] = name  # the last read, as COHORTS orders them
    teams = {
        row[0]: TeamFact(row[0], row[1], row[2], days.of(row[3]), cohorts.get(row[0]))
        for row in db.execute("SELECT id, name, status, ended_on FROM team")
    }
    staff = {
        row[0]: StaffFact(row[0], row[1], bool(row[2]), bool(row[3]), days.of(row[4]))
        for row in db.execute("SELECT id, name, is_manager, clinical, left_on FROM staff")
    }
    spells: dict[int, list[Spell]] = defaultdict(list)
    for staff_id, team_id, start, end in db.execute(
        "SELECT staff_id, team_id, start_date, end_date FROM membership"
    ):
        spells[staff_id].append(Spell(team_id, days[start], days.of(end)))
    sessions = _sessions(store, curriculum, store.tz())
    came = _came(store) if register else {}
    return Facts(as_of, teams, staff, dict(spells), sessions, came=came)
