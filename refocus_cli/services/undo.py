"""`refocus undo`: the last change a person made, reversed when that is safe.

A change is everything one command wrote (its audit entries share a change id). Its
entries are reversed newest first, each putting back what the entry says the record
was, in one transaction. The undo is refused, saying why, when an entry cannot be
reversed, when a later change by someone else depends on it (the same session, person
or record changed since), or when putting it back breaks a rule of the diary. Each
reversal is audited, and the entry it reverses is marked as undone by it; an undo is
never undone itself, so a second undo reverses the change before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from refocus_cli.core.errors import Conflict, NotFound
from refocus_cli.services import audit as audit_service
from refocus_cli.services import delivery, undo_outcomes, undo_records, undo_sessions, undo_setup
from refocus_cli.services import manual as manual_service
from refocus_cli.services.undo_context import Refused, Step, Undoing, subjects
from refocus_cli.store import audit, undo_writes
from refocus_cli.store import undo as undo_store
from refocus_cli.store.audit import AuditRow
from refocus_cli.store.database import Store

Reversal = Callable[[Undoing, AuditRow], Step]
REVERSALS: dict[tuple[str, str], Reversal] = {
    ("move", "session"): undo_sessions.unmove,
    ("cancel", "session"): undo_sessions.uncancel,
    ("assign", "session"): undo_sessions.unassign,
    ("restore", "session"): undo_sessions.recancel,
    ("replan", "session"): undo_sessions.unreplan,
    ("unlink", "session"): undo_sessions.relink,
    ("uninvite", "session"): undo_sessions.reinvite,
    ("held", "session"): undo_sessions.unhold,
    ("clear", "session"): undo_sessions.rehold,
    ("attend", "attendance"): undo_sessions.unmark,
    ("deliver", "session"): delivery.undeliver,
    ("clear", "attendance"): undo_sessions.unclear,
    ("rename-visitor", "attendance"): undo_sessions.unrename,
    ("move", "membership"): undo_records.unmove_member,
    ("leave", "membership"): undo_records.unleave,
    ("add", "staff"): undo_records.unadd_staff,
    ("import", "staff"): undo_records.unimport,
    ("update", "staff"): undo_records.unupdate_staff,
    ("merge", "team"): undo_records.unend_team,
    ("disband", "team"): undo_records.unend_team,
    **{("edit", kind): undo_records.unedit for kind in undo_writes.EDITED},
    ("add-teams", "cohort"): undo_setup.unadd_teams,
    ("remove-team", "cohort"): undo_setup.unremove_team,
    ("unavailable", "trainer"): undo_setup.unrecord_leave,
    ("available", "trainer"): undo_setup.unavailable_again,
    ("open", "closure"): undo_setup.reclose,
    ("add", "team"): undo_setup.unadd,
    ("add", "venue"): undo_setup.unadd,
    ("add", "trainer"): undo_setup.unadd,
    ("create", "cohort"): undo_setup.unadd,
    ("retire", "trainer"): undo_setup.unretire,
    ("retire", "venue"): undo_setup.unretire,
    ("record", "score"): undo_outcomes.unrecord_scores,
    ("evaluate", "session"): undo_outcomes.unevaluate,
    ("add", "measure_window"): undo_outcomes.unadd_window,
    ("remove", "measure_window"): undo_outcomes.unremove_window,
}
# Why the other changes cannot be undone, and what to do instead.
CANNOT = {
    "schedule": "a schedule records how many sessions it planned, not which: cancel the "
    "ones not wanted with `refocus session cancel`",
    "catch-up": "a catch-up booking records how many sessions it planned, not which: cancel "
    "them with `refocus session cancel`",
    "forget": "a forgotten person's details are erased for good",
    "close": "`closure add` does not record which of its days were closed already: open "
    "the days with `refocus closure remove`",
    "override": "`manual set` does not record the values it replaced: set them again",
    "reset": "`manual reset` does not record the values it replaced: set them again",
    "remove": "a removed record is gone with its id and calendar links: add it again",
    "demo": "the demo fills a new database: make another with `refocus demo`",
    "import": "a bulk import of teams records how many, not which",
    "send": "an email cannot be unsent: put the session right and run `refocus invite` again",
}


@dataclass(frozen=True)
class Undone:
    """A change undone (or, before confirmation, to be undone): which, whose, when, what
    it was, and what undoing it does, entry by entry."""

    change_id: int
    actor: str
    at: str  # local, ISO-8601
    what: str
    steps: tuple[str, ...]
    applied: bool


def preview(store: Store, manual: Path | None = None) -> Undone:
    """What undoing the acting person's last change would do; nothing is written (the
    reversal is made and rolled back, so every check is the real one)."""
    change_id = _last_change(store)
    _curriculum_readable(store, manual)
    try:
        with store.write():
            raise _RolledBack(_reverse(store, change_id, manual, applied=False))
    except _RolledBack as done:
        return done.undone
    finally:
        audit.start_change(store)  # the rolled-back number is not this command's


def undo(store: Store, change_id: int | None = None, manual: Path | None = None) -> Undone:
    """Undo the acting person's last change, in one transaction; with `change_id`, only
    if that is still their last (the one they were shown)."""
    _curriculum_readable(store, manual)
    with store.write():
        last = _last_change(store)
        if change_id is not None and last != change_id:
            raise Conflict(
                f"your last change is no longer change {change_id}: run `refocus undo` again "
                "to see what it would undo now"
            )
        return _reverse(store, last, manual, applied=True)


def _curriculum_readable(store: Store, manual: Path | None) -> None:
    """Refuse a curriculum folder that cannot be read, whether or not this undo needs it."""
    if manual is not None:
        manual_service.curriculum(store, manual)


class _RolledBack(Exception):
    """Carries a previewed reversal out of the transaction it is rolled back in."""

    def __init__(self, undone: Undone) -> None:
        super().__init__("previewed")
        self.undone = undone


def _last_change(store: Store) -> int:
    """The acting person's last change still standing; refused when there is none."""
    entry = undo_store.last_entry(store, store.actor)
    if entry is None:
        other = undo_store.last_entry(store)
        if other is None:
            raise NotFound("nothing to undo: no change is on record")
        raise NotFound(
            f"nothing to undo: {store.actor} has made no change that is still standing, and "
            f"only whoever made a change can undo it (the latest was made by {other.actor}; "
            "--actor or REFOCUS_ACTOR says who you are)"
        )
    if entry.change_id is None:
        raise Conflict(
            f"your last change ({entry.action} of {entry.entity}, {entry.at[:16]} UTC) was "
            "made before refocus grouped the entries of each command, so undo cannot tell "
            "what belonged with it: put it right with the command for it"
        )
    return entry.change_id


def _reverse(store: Store, change_id: int, manual: Path | None, *, applied: bool) -> Undone:
    """Reverse one change's entries, newest first, saying what each reversal did."""
    entries = undo_store.change(store, change_id)
    what = _described(store, entries)
    first = audit_service.told(store, entries[:1])[0]
    try:
        _refuse_what_cannot_be_undone(entries)
        _refuse_what_later_changes_need(store, entries)
        undoing = Undoing(store, manual)
        steps = []
        for entry in reversed(entries):
            step = REVERSALS.get((entry.action, entry.entity), _stored_by_replan)(undoing, entry)
            undo_store.record_undo(store, entry, step.old, step.new)
            if step.words:
                steps.append(step.words)
        problems = [problem for check in undoing.later_checks if (problem := check())]
        if problems:
            raise Refused("; ".join(dict.fromkeys(problems)))
    except Refused as exc:
        raise Conflict(f"change {change_id} ({what}) cannot be undone: {exc}") from None
    return Undone(change_id, first.actor, first.at, what, tuple(steps), applied)


def _stored_by_replan(undoing: Undoing, entry: AuditRow) -> Step:
    """The sessions a replan added, stored as a plan is: each is taken away by its own
    replan entry, so this one has nothing left to do."""
    return Step("", entry.new, None)


def _refuse_what_cannot_be_undone(entries: Sequence[AuditRow]) -> None:
    replanned = any(entry.action == "replan" for entry in entries)
    # The demo's own reason first: its other entries would only tell half the story.
    for entry in sorted(entries, key=lambda entry: entry.action != "demo"):
        if entry.action == "schedule" and replanned:
            continue
        if (entry.action, entry.entity) not in REVERSALS:
            why = CANNOT.get(entry.action, f"refocus cannot undo {entry.action} of {entry.entity}")
            raise Refused(why)


def _refuse_what_later_changes_need(store: Store, entries: Sequence[AuditRow]) -> None:
    """Refuse when a later change (not undone) is about the same sessions, people or
    records: it may rest on this one."""
    keys: list[tuple[str, int]] = []
    staff: list[int] = []
    for entry in entries:
        found, people = subjects(entry)
        keys += found
        staff += people
        if entry.action == "import":
            for name in (entry.new or {}).get("teams_created") or []:
                team = undo_writes.team_named(store, name)
                if team is not None:
                    keys.append(("team", team["id"]))
    later = undo_store.later_about(store, entries[-1].id, keys, staff)
    if later:
        (first,) = audit_service.told(store, later[:1])
        when = datetime.fromisoformat(first.at)
        raise Refused(
            f"{first.subject} has changed since ({first.action} by {first.actor}, "
            f"{when:%Y-%m-%d %H:%M}): only {first.actor} can undo that, and it comes first"
        )


def _described(store: Store, entries: Sequence[AuditRow]) -> str:
    """A change in a few words: its actions and what they were about."""
    told = audit_service.told(store, list(entries[:50]))
    kinds = list(dict.fromkeys(f"{entry.action} {entry.subject}" for entry in told))
    more = len(entries) - len(told) + max(0, len(kinds) - 3)
    return "; ".join(kinds[:3]) + (f"; and {more} more" if more > 0 else "")
