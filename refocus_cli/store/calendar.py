"""Sessions as calendars need them: selected by cohort, team, trainer or person."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from refocus_cli.core.calendar import CalendarSession, Person, WindowScope
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.store.database import Store

SELECT = """
SELECT s.id, s.uuid, s.stage, s.module, s.occurrence, s.group_no, s.kind, s.start_utc,
       s.end_utc, s.status, s.sequence, s.note, s.created_at, s.updated_at,
       coalesce(c.name, (SELECT group_concat(x.name, ', ') FROM session_cohort sc
                         JOIN cohort x ON x.id = sc.cohort_id WHERE sc.session_id = s.id))
           AS cohort,
       v.name AS venue, v.site AS site
FROM session s LEFT JOIN cohort c ON c.id = s.cohort_id LEFT JOIN venue v ON v.id = s.venue_id
"""


def _selected_ids(store: Store, choice: str, ref: str) -> list[int]:
    """Session ids for a cohort, team or trainer."""
    if choice == "cohort":
        from refocus_cli.store.cohorts import find_cohort

        cohort_id = find_cohort(store, ref)["id"]
        return [
            r[0]
            for r in store.db.execute(
                # catch-up sessions belong to the cohorts of the people they are for
                "SELECT id FROM session WHERE cohort_id = ? "
                "OR id IN (SELECT session_id FROM session_cohort WHERE cohort_id = ?)",
                [cohort_id, cohort_id],
            )
        ]
    if choice == "team":
        from refocus_cli.store.teams import find_team

        team_id = find_team(store, ref)["id"]
        return [
            r[0]
            for r in store.db.execute(
                "SELECT session_id FROM session_team WHERE team_id = ?", [team_id]
            )
        ]
    if choice == "trainer":
        from refocus_cli.store.trainers import find_trainer

        trainer_id = find_trainer(store, ref)["id"]
        return [
            r[0]
            for r in store.db.execute(
                "SELECT session_id FROM session_trainer WHERE trainer_id = ?", [trainer_id]
            )
        ]
    raise ValueError(choice)


def window_stamps(store: Store) -> dict[int, tuple[str, datetime]]:
    """Every measurement window's UUID and when it was made, by its id."""
    return {
        id_: (uuid, datetime.fromisoformat(created))
        for id_, uuid, created in store.db.execute(
            "SELECT id, uuid, created_at FROM measure_window"
        )
    }


# Per kind of calendar owner: (owner id, team named, the cohorts' ids joined by commas,
# first day, first day after); one row per team a team feed, a person's memberships, a
# cohort, or a trainer with the cohorts of the sessions they train.
SCOPES = {
    "cohort": "SELECT id, NULL, id, NULL, NULL FROM cohort WHERE {owner} GROUP BY id",
    "team": "SELECT t.id, t.name, group_concat(ct.cohort_id), NULL, NULL FROM team t "
    "LEFT JOIN cohort_team ct ON ct.team_id = t.id WHERE {owner} GROUP BY t.id",
    "staff": "SELECT m.staff_id, t.name, group_concat(ct.cohort_id), m.start_date, m.end_date "
    "FROM membership m JOIN team t ON t.id = m.team_id "
    "LEFT JOIN cohort_team ct ON ct.team_id = m.team_id WHERE {owner} GROUP BY m.id",
    "trainer": "SELECT st.trainer_id, NULL, group_concat(DISTINCT coalesce(s.cohort_id, "
    "sc.cohort_id)), NULL, NULL FROM session_trainer st JOIN session s ON s.id = st.session_id "
    "LEFT JOIN session_cohort sc ON sc.session_id = s.id WHERE {owner} GROUP BY st.trainer_id",
}
OWNER_COLUMN = {"cohort": "id", "team": "t.id", "staff": "m.staff_id", "trainer": "st.trainer_id"}


def window_scopes(
    store: Store, kind: str, owner_id: int | None = None
) -> dict[int, list[WindowScope]]:
    """Which measurement windows each owner of this kind (or only `owner_id`) has a part
    in, by owner id: see core.calendar.WindowScope."""
    owner = "true" if owner_id is None else f"{OWNER_COLUMN[kind]} = ?"
    found: dict[int, list[WindowScope]] = defaultdict(list)
    for owner_key, team, cohorts, first, until in store.db.execute(
        SCOPES[kind].format(owner=owner), [] if owner_id is None else [owner_id]
    ):
        found[owner_key].append(
            WindowScope(
                team,
                frozenset(int(c) for c in str(cohorts or "").split(",") if c),
                date.fromisoformat(first) if first else None,
                date.fromisoformat(until) if until else None,
            )
        )
    return found


def owner_id(store: Store, kind: str, ref: str) -> int:
    """The id of the cohort, team, trainer or member of staff `ref` names."""
    from refocus_cli.store.cohorts import find_cohort
    from refocus_cli.store.staff import find_staff
    from refocus_cli.store.teams import find_team
    from refocus_cli.store.trainers import find_trainer

    finders = {"cohort": find_cohort, "team": find_team, "staff": find_staff}
    return int(finders.get(kind, find_trainer)(store, ref)["id"])


def session_uuids(store: Store) -> dict[str, int]:
    """Every session's id by its UUID."""
    return dict(store.db.execute("SELECT uuid, id FROM session"))


def staff_session_ids(store: Store, ref: str, curriculum: Curriculum) -> list[int]:
    """The sessions a member of staff is expected at: their teams' while they were in
    them (managers-only and clinical ones only if they are, and only their own group
    where a team is split), and catch-ups they are invited to."""
    from refocus_cli.store.staff import find_staff

    person = find_staff(store, ref)
    ids = {
        r[0]
        for r in store.db.execute(
            "SELECT session_id FROM session_invitee WHERE staff_id = ?", [person["id"]]
        )
    }
    for row in store.rows(
        "SELECT DISTINCT s.id, s.kind, s.module, s.occurrence, s.start_utc FROM session s "
        "JOIN session_team st ON st.session_id = s.id WHERE s.kind = 'planned' AND "
        "st.team_id IN (SELECT team_id FROM membership WHERE staff_id = ?)",
        [person["id"]],
    ):
        if any(p["id"] == person["id"] for p in _expected_at(store, curriculum, row)):
            ids.add(row["id"])
    return sorted(ids)


def calendar_sessions(
    store: Store,
    curriculum: Curriculum,
    choice: str,
    ref: str | None = None,
    with_attendees: bool = False,
) -> list[CalendarSession]:
    """The chosen sessions ("all", or the cohort, team, trainer or staff named by `ref`),
    in time order, with everything an event shows."""
    ids = None
    if choice != "all":
        if ref is None:
            raise ValueError(f"sessions of which {choice}?")
        ids = (
            staff_session_ids(store, ref, curriculum)
            if choice == "staff"
            else _selected_ids(store, choice, ref)
        )
        if not ids:
            return []
    where = links = ""
    if ids is not None:
        store.db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (id INTEGER PRIMARY KEY)")
        store.db.execute("DELETE FROM chosen")
        store.db.conn.executemany("INSERT OR IGNORE INTO chosen VALUES (?)", [(i,) for i in ids])
        where = " WHERE s.id IN (SELECT id FROM chosen)"
        links = " WHERE st.session_id IN (SELECT id FROM chosen)"
    rows = store.rows(SELECT + where + " ORDER BY s.start_utc, s.id")
    teams: dict[int, list[str]] = defaultdict(list)
    for session_id, name in store.db.execute(
        "SELECT st.session_id, t.name FROM session_team st JOIN team t ON t.id = st.team_id"
        + links
        + " ORDER BY t.name COLLATE NOCASE"
    ):
        teams[session_id].append(name)
    trainers: dict[int, list[Person]] = defaultdict(list)
    for session_id, name, email, role in store.db.execute(
        "SELECT st.session_id, t.name, t.email, st.role FROM session_trainer st "
        "JOIN trainer t ON t.id = st.trainer_id" + links + " ORDER BY st.role, t.name"
    ):
        trainers[session_id].append(Person(name, email, role))
    titles = {m.key: m.title for m in curriculum.modules}
    bring = {m.key: m.content.what_to_bring for m in curriculum.modules}
    stage_titles = {s.key: s.title for s in curriculum.stages}
    counts = {m.key: m.sessions for m in curriculum.modules}
    tz = store.tz()
    result = []
    for row in rows:
        attendees: tuple[Person, ...] = ()
        if with_attendees:
            attendees = _attendees(store, row, curriculum)
        result.append(
            CalendarSession(
                id=row["id"],
                uuid=row["uuid"],
                stage=row["stage"],
                stage_title=stage_titles.get(row["stage"], row["stage"]),
                module=row["module"],
                module_title=titles.get(row["module"], row["module"]),
                occurrence=row["occurrence"],
                occurrences=counts.get(row["module"], 1),
                kind=row["kind"],
                start=datetime.fromisoformat(row["start_utc"]).astimezone(tz),
                end=datetime.fromisoformat(row["end_utc"]).astimezone(tz),
                status=row["status"],
                sequence=row["sequence"],
                note=row["note"],
                created=datetime.fromisoformat(row["created_at"]),
                modified=datetime.fromisoformat(row["updated_at"]),
                cohort=row["cohort"],
                venue=row["venue"],
                site=row["site"],
                teams=tuple(teams.get(row["id"], ())),
                trainers=tuple(trainers.get(row["id"], ())),
                what_to_bring=tuple(bring.get(row["module"], ())),
                attendees=attendees,
            )
        )
    return result


def _expected_at(store: Store, curriculum: Curriculum, row: dict[str, Any]) -> list[dict[str, Any]]:
    """Who is expected at a session row (id, kind, module, occurrence, start_utc),
    each group of a split team getting its own share."""
    from refocus_cli.store import attendance

    session = {
        "id": row["id"],
        "kind": row["kind"],
        "module": row["module"],
        "occurrence": row["occurrence"],
        "start": datetime.fromisoformat(row["start_utc"]).astimezone(store.tz()).isoformat(),
    }
    return attendance.expected(
        store, session, curriculum.audience(row["module"]), include_attended=True
    )


def _attendees(store: Store, row: dict[str, Any], curriculum: Curriculum) -> tuple[Person, ...]:
    people = _expected_at(store, curriculum, row)
    return tuple(Person(p["name"], p["email"], "participant") for p in people)
