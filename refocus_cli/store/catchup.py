"""What finding missed training reads, and writing the catch-up sessions planned for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from refocus_cli.core.catchup import Delivered, Invitation, Person
from refocus_cli.core.rollout import PlannedSession
from refocus_cli.core.spells import Spell
from refocus_cli.core.vocabulary import AttendanceStatus, SessionKind, SessionStatus
from refocus_cli.store import audit, sessions
from refocus_cli.store.database import Store


def current_people(store: Store, day: date, team_id: int | None = None) -> list[Person]:
    """Staff in post on `day` with the team they are in that day (only that team's, if one
    is given): a move, a leaving or a team's ending dated later has not happened yet."""
    where, params = "", list[str | int]([day.isoformat(), day.isoformat()])
    if team_id is not None:
        where = " WHERE t.id = ?"
        params.append(team_id)
    return [
        Person(r["id"], r["name"], r["team_id"], r["team"])
        for r in store.rows(
            "SELECT s.id, s.name, t.id AS team_id, t.name AS team FROM staff s "
            "JOIN membership m ON m.staff_id = s.id AND m.start_date <= ? "
            "AND (m.end_date IS NULL OR m.end_date > ?) "
            f"JOIN team t ON t.id = m.team_id{where} ORDER BY t.name, s.name",
            params,
        )
    ]


def spells(store: Store) -> dict[int, list[Spell]]:
    """Everyone's spells in teams, by staff id."""
    found: dict[int, list[Spell]] = {}
    for r in store.rows("SELECT staff_id, team_id, start_date, end_date FROM membership"):
        found.setdefault(r["staff_id"], []).append(
            Spell(
                r["team_id"],
                date.fromisoformat(r["start_date"]),
                date.fromisoformat(r["end_date"]) if r["end_date"] else None,
            )
        )
    return found


def delivered(store: Store, now: datetime) -> list[Delivered]:
    """Planned sessions that have taken place: held, or over by `now` (local) and not cancelled."""
    tz = store.tz()
    where = "WHERE s.status != ?"
    teams, _ = sessions.links(store, where, [SessionStatus.CANCELLED])
    found = []
    for r in store.rows(
        "SELECT id, stage, module, start_utc, end_utc, status FROM session "
        "WHERE status != ? AND kind = ?",
        [SessionStatus.CANCELLED, SessionKind.PLANNED],
    ):
        end = sessions.to_local(r["end_utc"], tz).replace(tzinfo=None)
        if r["status"] == SessionStatus.HELD or end < now:
            start = sessions.to_local(r["start_utc"], tz).date()
            found.append(
                Delivered(r["id"], r["stage"], r["module"], start, tuple(teams.get(r["id"], ())))
            )
    return found


def invitations(store: Store) -> list[Invitation]:
    """Everyone invited to a catch-up session not cancelled, with their mark on it if any."""
    tz = store.tz()
    return [
        Invitation(
            r["staff_id"],
            r["module"],
            r["session_id"],
            sessions.to_local(r["start_utc"], tz).replace(tzinfo=None),
            AttendanceStatus(r["mark"]) if r["mark"] else None,
        )
        for r in store.rows(
            "SELECT i.staff_id, s.module, s.id AS session_id, s.start_utc, a.status AS mark "
            "FROM session_invitee i JOIN session s ON s.id = i.session_id "
            "LEFT JOIN attendance a ON a.session_id = s.id AND a.staff_id = i.staff_id "
            "WHERE s.status != ?",
            [SessionStatus.CANCELLED],
        )
    ]


def marked_missing(store: Store) -> set[tuple[int, int]]:
    """(staff id, session id) for every mark of absent or excused."""
    return {
        (r[0], r[1])
        for r in store.db.execute(
            "SELECT staff_id, session_id FROM attendance "
            "WHERE staff_id IS NOT NULL AND status IN (?, ?)",
            [AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED],
        )
    }


def save_catch_ups(
    store: Store,
    planned: Sequence[PlannedSession],
    invitees: Mapping[tuple[str, int], Sequence[int]],
) -> int:
    """Store catch-up sessions and who is invited to each, audited; the id of the first."""
    with store.write():
        first = sessions.save_plan(store, None, planned, kind=SessionKind.CATCH_UP)
        for offset, session in enumerate(planned):
            store.db.conn.executemany(
                "INSERT INTO session_invitee (session_id, staff_id) VALUES (?, ?)",
                [
                    (first + offset, staff_id)
                    for staff_id in invitees[(session.module, session.group)]
                ],
            )
            # It belongs to the cohorts of the teams it is for, so cohort filters and
            # calendars show it.
            marks = ", ".join("?" for _ in session.team_ids)
            store.db.execute(
                "INSERT OR IGNORE INTO session_cohort (session_id, cohort_id) "
                f"SELECT ?, cohort_id FROM cohort_team WHERE team_id IN ({marks}) "
                "AND left_on IS NULL",
                [first + offset, *session.team_ids],
            )
        audit.record(store, "catch-up", "session", None, None, {"sessions": len(planned)})
    return first


def withdraw_invitee(store: Store, staff_id: int, on: date) -> list[int]:
    """Take someone who leaves on `on` off the scheduled catch-up sessions from that day,
    each audited; their SEQUENCE rises, as the calendar's attendees and head-count change.
    Call inside the write transaction that records the leaving. Returns the session ids."""
    since = sessions.day_start(on, store.tz())
    booked = [
        row["id"]
        for row in store.rows(
            "SELECT s.id FROM session s JOIN session_invitee i ON i.session_id = s.id "
            "WHERE i.staff_id = ? AND s.status = ? AND s.start_utc >= ? ORDER BY s.id",
            [staff_id, SessionStatus.SCHEDULED, since],
        )
    ]
    now = store.now()
    for session_id in booked:
        store.db.execute(
            "DELETE FROM session_invitee WHERE session_id = ? AND staff_id = ?",
            [session_id, staff_id],
        )
        store.db.execute(
            "UPDATE session SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
            [now, session_id],
        )
        audit.record(
            store, "uninvite", "session", session_id, {"staff_id": staff_id}, {"staff_id": None}
        )
    return booked
