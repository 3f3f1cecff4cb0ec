"""Changes to stored sessions beyond a move or a cancel: a repaired plan written back, a
session's trainers or venue assigned by hand, a cancellation undone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from refocus_cli.core.repair import Moved, Repair
from refocus_cli.core.rollout import PlannedSession, SessionKey
from refocus_cli.core.vocabulary import SessionKind, SessionStatus
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.planning import venue_names
from refocus_cli.store.sessions import booked, save_plan, to_utc, write_cancel


def apply_repair(store: Store, cohort_id: int, repair: Repair) -> None:
    """Write a repaired plan: changed sessions keep their id and UUID and their SEQUENCE
    rises; new ones are added; those the repair cancels are cancelled. Each is audited
    old → new."""
    tz, now = store.tz(), store.now()
    venues = venue_names(store)

    def shown(start: datetime, trainer_ids: Sequence[int], venue_id: int | None) -> dict[str, Any]:
        return {
            "start": to_utc(start, tz),
            "trainers": list(trainer_ids),
            "venue": venues.get(venue_id) if venue_id else None,
        }

    def planned(session: PlannedSession) -> dict[str, Any]:
        return shown(session.start, session.trainer_ids, session.venue_id)

    with store.write():
        for change in repair.moved:
            after = change.after
            store.db.execute(
                "UPDATE session SET start_utc = ?, end_utc = ?, venue_id = ?, "
                "sequence = sequence + 1, updated_at = ?, note = 'replanned' WHERE id = ?",
                [to_utc(after.start, tz), to_utc(after.end, tz), after.venue_id, now, change.id],
            )
            set_trainers(store, change.id, after.trainer_ids)
            _unlink_ended(store, change)
            audit.record(
                store,
                "replan",
                "session",
                change.id,
                planned(change.before),
                {**planned(after), "reason": repair.why(after)},
            )
        for dropped in repair.dropped:
            write_cancel(store, dropped.id, dropped.why)
        if not repair.added:
            return
        first = save_plan(store, cohort_id, repair.added)
        ids = list(repair.replaces.values())
        marks = ", ".join("?" for _ in ids)
        replaced = {
            b.id: {**shown(b.start, b.trainer_ids, b.venue_id), "replaces": b.id}
            for b in (booked(store, f"WHERE s.id IN ({marks})", ids) if ids else [])
        }
        for offset, added in enumerate(repair.added):
            cancelled_id = repair.replaces.get(SessionKey.of(added))
            audit.record(
                store,
                "replan",
                "session",
                first + offset,
                replaced[cancelled_id] if cancelled_id is not None else None,
                {**planned(added), "reason": repair.why(added)},
            )


def set_trainers(store: Store, session_id: int, trainer_ids: Sequence[int]) -> None:
    """A session's trainers, the lead first, then the lived-experience co-trainer."""
    store.db.execute("DELETE FROM session_trainer WHERE session_id = ?", [session_id])
    store.db.conn.executemany(
        "INSERT INTO session_trainer (session_id, trainer_id, role) VALUES (?, ?, ?)",
        [
            (session_id, trainer_id, "lived-experience" if n else "lead")
            for n, trainer_id in enumerate(trainer_ids)
        ],
    )


def write_assign(
    store: Store,
    session_id: int,
    trainer_ids: Sequence[int],
    venue_id: int | None,
    old: dict[str, Any],
    new: dict[str, Any],
) -> None:
    """Give a session these trainers and this venue; its SEQUENCE rises; audited old → new.
    Call inside the transaction its checks were made in."""
    store.db.execute(
        "UPDATE session SET venue_id = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
        [venue_id, store.now(), session_id],
    )
    set_trainers(store, session_id, trainer_ids)
    audit.record(store, "assign", "session", session_id, old, new)


def leave_recorded_for(store: Store, session_id: int, day: date) -> list[dict[str, Any]]:
    """Trainer leave that cancelling a session as unavailable recorded for its day."""
    return store.rows(
        "SELECT id, trainer_id, from_date, to_date, reason FROM trainer_unavailable "
        "WHERE reason = ? AND from_date = ? AND to_date = ?",
        [f"unavailable for session {session_id}", day.isoformat(), day.isoformat()],
    )


def write_restore(store: Store, session_id: int) -> None:
    """Put a cancelled session back in the diary; its SEQUENCE rises; audited old → new.
    Call inside the transaction its checks were made in."""
    store.db.execute(
        "UPDATE session SET status = ?, sequence = sequence + 1, updated_at = ?, note = ? "
        "WHERE id = ?",
        [SessionStatus.SCHEDULED, store.now(), "restored", session_id],
    )
    audit.record(
        store,
        "restore",
        "session",
        session_id,
        {"status": SessionStatus.CANCELLED},
        {"status": SessionStatus.SCHEDULED},
    )


def take_back_leave(store: Store, leave: Sequence[dict[str, Any]]) -> None:
    """Remove leave periods recorded by a cancellation being undone, audited."""
    for period in leave:
        store.db.execute("DELETE FROM trainer_unavailable WHERE id = ?", [period["id"]])
        audit.record(
            store,
            "available",
            "trainer",
            period["trainer_id"],
            {"from": period["from_date"], "to": period["to_date"], "reason": period["reason"]},
            None,
        )


def standing_in(store: Store, session: dict[str, Any]) -> dict[str, Any] | None:
    """The session not cancelled that now stands in a cancelled one's place: its plan's
    session for the same module, group and occurrence, or for a catch-up, another
    catch-up of the same module for any of the same people."""
    if session["kind"] == SessionKind.CATCH_UP:
        return store.one(
            "SELECT s.id, s.start_utc FROM session s WHERE s.kind = ? AND s.status != ? "
            "AND s.module = ? AND s.id != ? AND s.id IN (SELECT session_id FROM "
            "session_invitee WHERE staff_id IN (SELECT staff_id FROM session_invitee "
            "WHERE session_id = ?)) ORDER BY s.start_utc LIMIT 1",
            [SessionKind.CATCH_UP, SessionStatus.CANCELLED, session["module"], session["id"],
             session["id"]],
        )  # fmt: skip
    return store.one(
        "SELECT s.id, s.start_utc FROM session s JOIN cohort c ON c.id = s.cohort_id "
        "WHERE c.name = ? AND s.kind = ? AND s.status != ? AND s.module = ? AND s.group_no = ? "
        "AND s.occurrence = ? AND s.id != ? ORDER BY s.start_utc LIMIT 1",
        [session["cohort"], SessionKind.PLANNED, SessionStatus.CANCELLED, session["module"],
         session["group"], session["occurrence"], session["id"]],
    )  # fmt: skip


def _unlink_ended(store: Store, change: Moved) -> None:
    """Take off a moved shared session the teams that end before its new day, as ending a
    team takes it off the shared sessions it would otherwise still be in."""
    for team_id in sorted(set(change.before.team_ids) - set(change.after.team_ids)):
        store.db.execute(
            "DELETE FROM session_team WHERE session_id = ? AND team_id = ?", [change.id, team_id]
        )
        audit.record(store, "unlink", "session", change.id, {"team_id": team_id}, {"team_id": None})


def teams_gone(store: Store, session_id: int, day: date) -> list[dict[str, Any]]:
    """Teams of a session that have ended by `day`, or left its cohort."""
    return store.rows(
        "SELECT t.name, t.status, t.ended_on, c.name AS cohort, "
        "(ct.team_id IS NULL AND s.cohort_id IS NOT NULL) AS left_cohort "
        "FROM session_team st JOIN session s ON s.id = st.session_id "
        "JOIN team t ON t.id = st.team_id LEFT JOIN cohort c ON c.id = s.cohort_id "
        "LEFT JOIN cohort_team ct ON ct.cohort_id = s.cohort_id AND ct.team_id = t.id "
        "AND (ct.left_on IS NULL OR ct.left_on > ?) "
        "WHERE st.session_id = ? AND ((t.ended_on IS NOT NULL AND t.ended_on <= ?) "
        "OR (ct.team_id IS NULL AND s.cohort_id IS NOT NULL)) ORDER BY t.name",
        [day.isoformat(), session_id, day.isoformat()],
    )
