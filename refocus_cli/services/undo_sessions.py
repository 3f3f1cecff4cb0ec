"""Reversing changes to sessions and registers: a move, a cancel, an assignment, a
restore, a replan, a register recorded, cleared or a visitor renamed.

Each reversal checks the record still stands as the entry left it (else a later change
depends on it, and the undo is refused saying so), puts back what the entry says it
was, and says what it did. Sessions put back in the diary are checked against it once
the whole change is reversed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from refocus_cli.core.vocabulary import AttendanceStatus, SessionStatus
from refocus_cli.services.undo_context import Refused, Step, Undoing
from refocus_cli.store import sessions
from refocus_cli.store import undo_writes as writes
from refocus_cli.store.audit import AuditRow
from refocus_cli.store.session_changes import set_trainers, standing_in, teams_gone
from refocus_cli.store.undo_writes import SessionNow


def _session(undoing: Undoing, entry: AuditRow, *status: SessionStatus) -> SessionNow:
    """The session an entry is about, refused unless it exists and has one of `status`."""
    found = writes.session_now(undoing.store, entry.entity_id)
    if found is None:
        raise Refused(f"session {entry.entity_id} is no longer on record")
    if status and found.status not in status:
        raise Refused(f"session {found.id} is {found.status} now")
    return found


def _local(undoing: Undoing, stored: str) -> str:
    return f"{sessions.to_local(stored, undoing.store.tz()):%Y-%m-%d %H:%M}"


def _utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).isoformat(timespec="seconds")


def _same_moment(stored: str, audited: Any) -> bool:
    return isinstance(audited, str) and datetime.fromisoformat(stored) == datetime.fromisoformat(
        audited
    )


def uncancel(undoing: Undoing, entry: AuditRow) -> Step:
    """A cancelled session back in the diary, unless another stands in for it now or a
    team of it has ended."""
    found = _session(undoing, entry, SessionStatus.CANCELLED)
    session = sessions.get(undoing.store, str(found.id))
    other = standing_in(undoing.store, session)
    if other is not None:
        raise Refused(
            f"session {other['id']} ({_local(undoing, other['start_utc'])}) now stands in for "
            f"session {found.id}: undo or cancel that first"
        )
    day = datetime.fromisoformat(session["start"]).date()
    gone = teams_gone(undoing.store, found.id, day)
    if gone:
        raise Refused(f"team {gone[0]['name']} of session {found.id} has ended or left its cohort")
    writes.set_session(undoing.store, found.id, {"status": SessionStatus.SCHEDULED, "note": ""})
    undoing.check_in_diary(found.id)
    return Step(
        f"session {found.id} ({session['module']}, {_local(undoing, found.start_utc)}) "
        "back in the diary",
        {"status": SessionStatus.CANCELLED},
        {"status": SessionStatus.SCHEDULED},
    )


def recancel(undoing: Undoing, entry: AuditRow) -> Step:
    """A restored session cancelled again, unless it has been recorded since."""
    found = _session(undoing, entry, SessionStatus.SCHEDULED)
    writes.set_session(undoing.store, found.id, {"status": SessionStatus.CANCELLED})
    return Step(
        f"session {found.id} cancelled again",
        {"status": SessionStatus.SCHEDULED},
        {"status": SessionStatus.CANCELLED},
    )


def unmove(undoing: Undoing, entry: AuditRow) -> Step:
    """A moved session back at its old time, while that time is still to come."""
    found = _session(undoing, entry, SessionStatus.SCHEDULED)
    old, new = entry.old or {}, entry.new or {}
    if not _same_moment(found.start_utc, new.get("start")):
        raise Refused(f"session {found.id} has moved again since")
    start = datetime.fromisoformat(old["start"])
    if start <= undoing.now():
        raise Refused(
            f"session {found.id} was at {start:%Y-%m-%d %H:%M} before, which has passed: "
            "move it with `refocus session move`"
        )
    writes.set_session(
        undoing.store,
        found.id,
        {"start_utc": _utc(old["start"]), "end_utc": _utc(old["end"]), "note": ""},
    )
    undoing.check_in_diary(found.id)
    return Step(
        f"session {found.id} back at {start:%Y-%m-%d %H:%M} "
        f"(from {_local(undoing, found.start_utc)})",
        {"start": sessions.to_local(found.start_utc, undoing.store.tz()).isoformat()},
        {"start": old["start"], "end": old["end"]},
    )


def unassign(undoing: Undoing, entry: AuditRow) -> Step:
    """A session's earlier trainers and venue back."""
    found = _session(undoing, entry, SessionStatus.SCHEDULED)
    old, new = entry.old or {}, entry.new or {}
    _staffed_as(undoing, found, new)
    return _staff(undoing, found, old["trainers"], old.get("venue"))


def _staffed_as(undoing: Undoing, found: SessionNow, audited: dict[str, Any]) -> None:
    """Refuse unless a session has the trainers and venue an entry gave it."""
    venue = undoing.name("venue", found.venue_id) if found.venue_id else None
    if list(found.trainer_ids) != list(audited.get("trainers", [])) or venue != audited.get(
        "venue"
    ):
        raise Refused(f"session {found.id}'s trainers or venue have changed since")


def _staff(undoing: Undoing, found: SessionNow, trainers: list[int], venue: str | None) -> Step:
    """Give a session these trainers (ids) and venue (by name)."""
    gone = [t for t in trainers if undoing.name("trainer", t) == f"trainer {t}"]
    if gone:
        raise Refused(f"trainer {gone[0]} of session {found.id} is no longer on record")
    venue_id = writes.venue_id_named(undoing.store, venue)
    if venue and venue_id is None:
        raise Refused(f"venue {venue} is no longer on record under that name")
    set_trainers(undoing.store, found.id, trainers)
    writes.set_session(undoing.store, found.id, {"venue_id": venue_id})
    undoing.check_in_diary(found.id)
    names = ", ".join(undoing.name("trainer", t) for t in trainers) or "no trainer"
    return Step(
        f"session {found.id} back with {names}{' at ' + venue if venue else ''}",
        {"trainers": list(found.trainer_ids), "venue": _venue(undoing, found)},
        {"trainers": trainers, "venue": venue},
    )


def _venue(undoing: Undoing, found: SessionNow) -> str | None:
    return undoing.name("venue", found.venue_id) if found.venue_id else None


def unreplan(undoing: Undoing, entry: AuditRow) -> Step:
    """A session a replan added taken away again, or one it changed put back."""
    old, new = entry.old, entry.new or {}
    if old is None or "replaces" in old:
        found = _session(undoing, entry, SessionStatus.SCHEDULED)
        if found.marks:
            raise Refused(f"session {found.id} has marks recorded: clear them first")
        writes.delete_session(undoing.store, found.id)
        return Step(f"session {found.id}, added by the replan, taken away", new, None)
    found = _session(undoing, entry, SessionStatus.SCHEDULED)
    if not _same_moment(found.start_utc, new.get("start")):
        raise Refused(f"session {found.id} has moved again since")
    _staffed_as(undoing, found, new)
    length = datetime.fromisoformat(found.end_utc) - datetime.fromisoformat(found.start_utc)
    start = datetime.fromisoformat(old["start"])
    if start <= undoing.now():
        raise Refused(f"session {found.id} was at {start:%Y-%m-%d %H:%M} before, which has passed")
    end = (start + length).isoformat(timespec="seconds")
    writes.set_session(
        undoing.store, found.id, {"start_utc": old["start"], "end_utc": end}, calendar=False
    )
    step = _staff(undoing, found, old["trainers"], old.get("venue"))
    return Step(
        f"session {found.id} back at {_local(undoing, old['start'])}: {step.words}",
        {"start": found.start_utc, **(step.old or {})},
        {"start": old["start"], **(step.new or {})},
    )


def relink(undoing: Undoing, entry: AuditRow) -> Step:
    """A team a session went on without (it ended, or left the cohort) back on it."""
    found = _session(undoing, entry, SessionStatus.SCHEDULED)
    team_id = int((entry.old or {})["team_id"])
    writes.link_team(undoing.store, found.id, team_id)
    writes.set_session(undoing.store, found.id, {})
    undoing.check_in_diary(found.id)
    return Step(
        f"team {undoing.name('team', team_id)} back on session {found.id}",
        {"team_id": None},
        {"team_id": team_id},
    )


def reinvite(undoing: Undoing, entry: AuditRow) -> Step:
    """Someone a leaving took off a catch-up session invited to it again."""
    found = _session(undoing, entry, SessionStatus.SCHEDULED)
    staff_id = int((entry.old or {})["staff_id"])
    writes.invite(undoing.store, found.id, staff_id)
    writes.set_session(undoing.store, found.id, {})
    return Step(
        f"{undoing.name('staff', staff_id)} invited to session {found.id} again",
        {"staff_id": None},
        {"staff_id": staff_id},
    )


def unhold(undoing: Undoing, entry: AuditRow) -> Step:
    """A session a register made held back as it was, once its marks are gone."""
    found = _session(undoing, entry, SessionStatus.HELD)
    was = SessionStatus((entry.old or {}).get("status", SessionStatus.SCHEDULED))
    writes.set_session(
        undoing.store, found.id, {"status": was}, calendar=was == SessionStatus.CANCELLED
    )

    def unmarked() -> str | None:
        # Checked once the change's own marks are gone: any left came later.
        left = writes.session_now(undoing.store, found.id)
        if left is not None and left.marks:
            return f"session {found.id} has marks recorded by later changes"
        return None

    undoing.later_checks.append(unmarked)
    return Step(f"session {found.id} {was} again", {"status": SessionStatus.HELD}, {"status": was})


def rehold(undoing: Undoing, entry: AuditRow) -> Step:
    """A session whose emptied register took it back from held, held again."""
    was = SessionStatus((entry.new or {}).get("status", SessionStatus.SCHEDULED))
    found = _session(undoing, entry, was)
    writes.set_session(
        undoing.store,
        found.id,
        {"status": SessionStatus.HELD},
        calendar=was == SessionStatus.CANCELLED,
    )
    return Step(f"session {found.id} held again", {"status": was}, {"status": SessionStatus.HELD})


def _who(undoing: Undoing, mark: dict[str, Any]) -> str:
    if mark.get("visitor"):
        return f"visitor {mark['visitor']}"
    return undoing.name("staff", mark.get("staff_id"))


def _by(entry: AuditRow) -> tuple[str | None, str | None]:
    """Who recorded a mark an entry changed, and when (entries before refocus kept them
    give neither)."""
    old = entry.old or {}
    return old.get("recorded_by"), old.get("recorded_at")


def unmark(undoing: Undoing, entry: AuditRow) -> Step:
    """A mark a register recorded taken away, or a corrected one put back."""
    new, before = entry.new or {}, (entry.old or {}).get("status")
    session_id, who = entry.entity_id or 0, _who(undoing, new)
    now = writes.mark(undoing.store, session_id, new.get("staff_id"), new.get("visitor"))
    if now != new.get("status"):
        raise Refused(f"{who}'s mark at session {session_id} has changed since")
    status = AttendanceStatus(before) if before else None
    writes.set_mark(
        undoing.store, session_id, new.get("staff_id"), new.get("visitor"), status, _by(entry)
    )
    return Step(
        f"{who}'s mark at session {session_id}: {now} → {before or 'none'}",
        {"status": now},
        {"staff_id": new.get("staff_id"), "visitor": new.get("visitor"), "status": before},
    )


def unclear(undoing: Undoing, entry: AuditRow) -> Step:
    """A mark cleared from a register put back."""
    new, before = entry.new or {}, (entry.old or {}).get("status")
    session_id, who = entry.entity_id or 0, _who(undoing, new)
    if writes.mark(undoing.store, session_id, new.get("staff_id"), new.get("visitor")):
        raise Refused(f"{who} has a mark at session {session_id} again")
    if new.get("staff_id") and not writes.staff_left_on(undoing.store, new["staff_id"])[0]:
        raise Refused(f"staff {new['staff_id']} is no longer on record")
    writes.set_mark(
        undoing.store,
        session_id,
        new.get("staff_id"),
        new.get("visitor"),
        AttendanceStatus(str(before)),
        _by(entry),
    )
    return Step(
        f"{who}'s mark at session {session_id} back: {before}",
        {"status": None},
        {"staff_id": new.get("staff_id"), "visitor": new.get("visitor"), "status": before},
    )


def unrename(undoing: Undoing, entry: AuditRow) -> Step:
    """A visitor renamed on a register given their earlier name back."""
    old, new = entry.old or {}, entry.new or {}
    session_id = entry.entity_id or 0
    if writes.mark(undoing.store, session_id, None, new.get("visitor")) is None:
        raise Refused(f"visitor {new.get('visitor')} is no longer on session {session_id}")
    if writes.mark(undoing.store, session_id, None, old.get("visitor")) is not None:
        raise Refused(f"visitor {old.get('visitor')} is on session {session_id} again")
    writes.rename_visitor(undoing.store, session_id, new["visitor"], old["visitor"])
    return Step(
        f"visitor {new['visitor']} at session {session_id} back to {old['visitor']}",
        {"visitor": new["visitor"], "status": new.get("status")},
        {"staff_id": None, "visitor": old["visitor"], "status": new.get("status")},
    )
