"""Changes to stored sessions beyond a move or a cancel: a repaired plan written back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from refocus_cli.core.repair import Repair
from refocus_cli.core.rollout import PlannedSession, SessionKey
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.sessions import booked, save_plan, to_utc, write_cancel


def apply_repair(store: Store, cohort_id: int, repair: Repair) -> None:
    """Write a repaired plan: changed sessions keep their id and UUID and their SEQUENCE
    rises; new ones are added; those the repair cancels are cancelled. Each is audited
    old → new."""
    tz, now = store.tz(), store.now()

    def shown(planned: PlannedSession) -> dict[str, Any]:
        return {
            "start": to_utc(planned.start, tz),
            "trainers": list(planned.trainer_ids),
            "venue": planned.venue_id,
        }

    with store.write():
        for change in repair.moved:
            after = change.after
            store.db.execute(
                "UPDATE session SET start_utc = ?, end_utc = ?, venue_id = ?, "
                "sequence = sequence + 1, updated_at = ?, note = 'replanned' WHERE id = ?",
                [to_utc(after.start, tz), to_utc(after.end, tz), after.venue_id, now, change.id],
            )
            _set_trainers(store, change.id, after.trainer_ids)
            audit.record(
                store,
                "replan",
                "session",
                change.id,
                shown(change.before),
                {**shown(after), "reason": repair.why(after)},
            )
        for dropped in repair.dropped:
            write_cancel(store, dropped.id, dropped.why)
        if not repair.added:
            return
        first = save_plan(store, cohort_id, repair.added)
        ids = list(repair.replaces.values())
        marks = ", ".join("?" for _ in ids)
        replaced = {
            b.id: {
                "start": to_utc(b.start, tz),
                "trainers": list(b.trainer_ids),
                "venue": b.venue_id,
            }
            for b in (booked(store, f"WHERE s.id IN ({marks})", ids) if ids else [])
        }
        for offset, added in enumerate(repair.added):
            cancelled_id = repair.replaces.get(SessionKey.of(added))
            audit.record(
                store,
                "replan",
                "session",
                first + offset,
                {**replaced[cancelled_id], "replaces": cancelled_id}
                if cancelled_id is not None
                else None,
                {**shown(added), "reason": repair.why(added)},
            )


def _set_trainers(store: Store, session_id: int, trainer_ids: Sequence[int]) -> None:
    """A session's trainers, the lead first, then the lived-experience co-trainer."""
    store.db.execute("DELETE FROM session_trainer WHERE session_id = ?", [session_id])
    store.db.conn.executemany(
        "INSERT INTO session_trainer (session_id, trainer_id, role) VALUES (?, ?, ?)",
        [
            (session_id, trainer_id, "lived-experience" if n else "lead")
            for n, trainer_id in enumerate(trainer_ids)
        ],
    )
