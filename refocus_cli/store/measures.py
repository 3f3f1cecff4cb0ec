"""The facts the implementation measures are computed from, read in a few bulk queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.catchup import Spell
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.measure_facts import Facts, SessionFact, StaffFact, TeamFact
from refocus_cli.core.vocabulary import ATTENDED
from refocus_cli.store.database import Store

_ATTENDED = ", ".join(f"'{status}'" for status in sorted(ATTENDED))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@without_gc
def load_facts(store: Store, curriculum: Curriculum, as_of: date) -> Facts:
    """The facts the measures need, as of a date, in a few bulk queries."""
    tz = store.tz()
    db = store.db
    cohorts: dict[int, str] = {}
    for team_id, name in db.execute(
        "SELECT ct.team_id, c.name FROM cohort_team ct JOIN cohort c ON c.id = ct.cohort_id "
        "ORDER BY c.id DESC"
    ):
        cohorts[team_id] = name
    teams = {
        row[0]: TeamFact(row[0], row[1], row[2], _day(row[3]), cohorts.get(row[0]))
        for row in db.execute("SELECT id, name, status, ended_on FROM team")
    }
    staff = {
        row[0]: StaffFact(row[0], row[1], bool(row[2]), bool(row[3]), _day(row[4]))
        for row in db.execute("SELECT id, name, is_manager, clinical, left_on FROM staff")
    }
    spells: dict[int, list[Spell]] = defaultdict(list)
    for staff_id, team_id, start, end in db.execute(
        "SELECT staff_id, team_id, start_date, end_date FROM membership"
    ):
        spells[staff_id].append(Spell(team_id, date.fromisoformat(start), _day(end)))
    team_links: dict[int, list[int]] = defaultdict(list)
    for session_id, team_id in db.execute(
        "SELECT session_id, team_id FROM session_team ORDER BY session_id, team_id"
    ):
        team_links[session_id].append(team_id)
    invitees: dict[int, list[int]] = defaultdict(list)
    for session_id, staff_id in db.execute("SELECT session_id, staff_id FROM session_invitee"):
        invitees[session_id].append(staff_id)
    sessions = []
    days: dict[str, date] = {}  # many sessions share a start time
    audiences: dict[str, str] = {}  # and a module
    for row in db.execute(
        "SELECT id, stage, module, strategy, occurrence, kind, status, start_utc FROM session "
        "ORDER BY start_utc, id"
    ):
        day = days.get(row[7])
        if day is None:
            day = days[row[7]] = datetime.fromisoformat(row[7]).astimezone(tz).date()
        audience = audiences.get(row[2])
        if audience is None:
            audience = audiences[row[2]] = curriculum.audience(row[2])
        sessions.append(
            SessionFact(
                id=row[0],
                stage=row[1],
                module=row[2],
                strategy=row[3],
                occurrence=row[4],
                kind=row[5],
                status=row[6],
                day=day,
                team_ids=tuple(team_links.get(row[0], ())),
                audience=audience,
                invitees=tuple(invitees.get(row[0], ())),
            )
        )
    # Only who came counts, read grouped by session: no Python object per mark.
    came = {
        session_id: [int(staff_id) for staff_id in staff_ids.split(",")]
        for session_id, staff_ids in db.execute(
            "SELECT session_id, group_concat(staff_id) FROM attendance "
            f"WHERE staff_id IS NOT NULL AND status IN ({_ATTENDED}) "
            "GROUP BY session_id ORDER BY session_id"
        )
    }
    return Facts(as_of, teams, staff, dict(spells), sessions, came=came)
