"""Reversing changes to people and records: a staff move or leave, people added (one, or a
roster's rows), a merge or disband, an edit, a team put in or taken out of a cohort,
trainer leave, reopened closure days, and records added and not yet used.

As for sessions, each reversal checks the record still stands as the entry left it,
puts back what the entry says it was, and says what it did.
"""

from __future__ import annotations

from typing import Any

from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.services.undo_context import Refused, Step, Undoing
from refocus_cli.store import edits
from refocus_cli.store import undo_setup as setup
from refocus_cli.store import undo_writes as writes
from refocus_cli.store.audit import AuditRow
from refocus_cli.store.trainers import set_stages
from refocus_cli.store.undo_writes import Membership


def _person(undoing: Undoing, staff_id: int | None) -> tuple[int, str]:
    if staff_id is None or not writes.staff_left_on(undoing.store, staff_id)[0]:
        raise Refused(f"staff {staff_id} is no longer on record")
    return staff_id, undoing.name("staff", staff_id)


def _current(memberships: list[Membership]) -> Membership | None:
    return next((m for m in memberships if m.end_date is None), None)


def _ended(
    memberships: list[Membership], team: str | None, on: str, why: str, rejoins: bool = True
) -> Membership:
    """The membership of `team` an undone change ended on `on` (for `why`); unless it was
    cut short of a later end (`rejoins` False), its team must be active to run on in."""
    found = next(
        (m for m in memberships if (m.team, m.end_date, m.end_reason) == (team, on, why)), None
    )
    if found is None:
        raise Refused(f"the membership of {team} that ended on {on} has changed since")
    if rejoins and found.team_status != TeamStatus.ACTIVE:
        raise Refused(f"team {team} has been {found.team_status} since: it cannot be rejoined")
    return found


def _put_back(
    undoing: Undoing,
    staff_id: int,
    held: list[Membership],
    old: dict[str, Any],
    on: str,
    why: str,
) -> None:
    """The membership a move or leaving ended on `on` runs on again, or, if it was due to
    end later (a merge, disband or move dated after), ends on that later day again; the
    memberships a later merge gave, which the change took away, come back."""
    for later in old.get("later", ()):
        writes.insert_membership(
            undoing.store, staff_id, later["team"], later["from"], later["until"], later["reason"]
        )
    if not old.get("team"):
        return
    if old.get("until"):
        ended = _ended(held, old["team"], on, why, rejoins=False)
        writes.restore_membership(undoing.store, ended.id, None, old["until"], old.get("reason"))
    else:
        writes.reopen_membership(undoing.store, _ended(held, old["team"], on, why).id)


def unmove_member(undoing: Undoing, entry: AuditRow) -> Step:
    """A person moved to another team back in the team they left."""
    staff_id, name = _person(undoing, entry.entity_id)
    old, new = entry.old or {}, entry.new or {}
    on = str(new.get("on"))
    held = writes.memberships(undoing.store, staff_id)
    joined = _current(held)
    if joined is None or (joined.team, joined.start_date) != (new.get("team"), on):
        raise Refused(f"{name} is no longer in {new.get('team')} from {on}")
    writes.delete_membership(undoing.store, joined.id)
    _put_back(undoing, staff_id, held, old, on, "moved")
    return Step(
        f"{name} back in {old.get('team') or 'no team'} (not moving to {joined.team} on {on})",
        {"team": joined.team},
        {"team": old.get("team")},
    )


def unleave(undoing: Undoing, entry: AuditRow) -> Step:
    """A person recorded as leaving back in their team."""
    staff_id, name = _person(undoing, entry.entity_id)
    old, new = entry.old or {}, entry.new or {}
    left_on = str(new.get("left_on"))
    if writes.staff_left_on(undoing.store, staff_id)[1] != left_on:
        raise Refused(f"{name}'s leaving date has changed since")
    held = writes.memberships(undoing.store, staff_id)
    if _current(held) is not None:
        raise Refused(f"{name} is in a team again")
    writes.set_left_on(undoing.store, staff_id, None)
    _put_back(undoing, staff_id, held, old, left_on, "left")
    return Step(
        f"{name} back in {old.get('team') or 'no team'} (not leaving on {left_on})",
        {"left_on": left_on},
        {"left_on": None},
    )


def unadd_staff(undoing: Undoing, entry: AuditRow) -> Step:
    """A person added (by hand or from a roster) taken off the record, while nothing
    stands on it: no marks, no catch-up invitations, no further memberships."""
    staff_id, name = _person(undoing, entry.entity_id)
    found = writes.staff_uses(undoing.store, staff_id)
    if found["marks"] or found["invitations"] or found["memberships"] > 1:
        raise Refused(
            f"{name} has {found['marks']} marks, {found['invitations']} catch-up invitations "
            f"and {found['memberships']} memberships on record since being added"
        )
    writes.delete_staff(undoing.store, staff_id)
    return Step(f"{name} (staff {staff_id}) taken off the record", entry.new, None)


def unimport(undoing: Undoing, entry: AuditRow) -> Step:
    """The teams a roster import created taken away (its people are, entry by entry)."""
    made = list((entry.new or {}).get("teams_created") or [])
    for team_name in made:
        team = writes.team_named(undoing.store, team_name)
        if team is None:
            continue
        if setup.uses(undoing.store, "team", team["id"]):
            raise Refused(f"team {team_name}, created by the import, is in use since")
        setup.delete(undoing.store, "team", team["id"])
    source = (entry.new or {}).get("source", "the roster")
    told = f"; teams {', '.join(made)} taken away" if made else ""
    return Step(f"import of {source} undone{told}", entry.new, None)


def unupdate_staff(undoing: Undoing, entry: AuditRow) -> Step:
    """An email or clinical flag a roster import filled in taken back."""
    staff_id, name = _person(undoing, entry.entity_id)
    old = dict(entry.old or {})
    new = {k: v for k, v in (entry.new or {}).items() if k != "source"}
    if writes.values(undoing.store, "staff", staff_id, list(new)) != new:
        raise Refused(f"{name}'s {', '.join(new)} changed since")
    writes.set_values(undoing.store, "staff", staff_id, old)
    return Step(f"{name}'s {', '.join(old)} back as before the import", new, old)


def unend_team(undoing: Undoing, entry: AuditRow) -> Step:
    """A merged or disbanded team active again, its people back in it (and out of the
    team a merge moved them to); a move or leaving it cut short is dated as before."""
    new = entry.new or {}
    team_id, on = entry.entity_id or 0, str(new.get("on"))
    team = undoing.name("team", team_id)
    now = writes.team_named(undoing.store, team)
    if now is None or (now["status"], now["ended_on"]) != (new.get("status"), on):
        raise Refused(f"team {team} is no longer {new.get('status')} on {on}")
    people = new.get("staff_moved") or new.get("staff_released") or []
    later = {int(due["staff_id"]): due for due in new.get("due_later") or []}
    why = "merged" if entry.action == "merge" else "disbanded"
    for staff_id in people:
        name = undoing.name("staff", staff_id)
        held = writes.memberships(undoing.store, staff_id)
        due = later.get(staff_id)
        if entry.action == "merge":
            _out_of_merged_team(undoing, held, str(new.get("into")), on, due, name)
        elif due is None and (joined := _current(held)) is not None:
            raise Refused(f"{name} is in team {joined.team} since the disband")
        ended = next((m for m in held if (m.team_id, m.end_date, m.end_reason) == (
            team_id, on, why)), None)  # fmt: skip
        if ended is None:
            raise Refused(f"{name}'s membership of {team} has changed since")
        if due is None:
            writes.reopen_membership(undoing.store, ended.id)
        else:
            writes.restore_membership(undoing.store, ended.id, None, due["until"], due["reason"])
    writes.reactivate_team(undoing.store, team_id)
    return Step(
        f"team {team} active again, with {len(people)} people back in it",
        {"status": new.get("status")},
        {"status": TeamStatus.ACTIVE},
    )


def _out_of_merged_team(
    undoing: Undoing,
    held: list[Membership],
    into: str,
    on: str,
    due: dict[str, Any] | None,
    name: str,
) -> None:
    """Take back the membership of `into` a merge started on `on`: removed, or, for
    someone who was due to move into it later, starting on that later day again."""
    joined = next((m for m in held if (m.team, m.start_date) == (into, on)), None)
    if joined is None or (due is None and joined.end_date is not None):
        raise Refused(f"{name} is no longer in {into} from {on}")
    if due is None or (joined.end_date, joined.end_reason) == (due["until"], due["reason"]):
        writes.delete_membership(undoing.store, joined.id)
    else:
        writes.restore_membership(
            undoing.store, joined.id, due["until"], joined.end_date, joined.end_reason
        )


def unedit(undoing: Undoing, entry: AuditRow) -> Step:
    """Edited fields back as they were, while they still have the edited values."""
    table, record_id = entry.entity, entry.entity_id or 0
    old = dict(entry.old or {})
    new = {k: v for k, v in (entry.new or {}).items() if k in old}
    fields = [field for field in old if field != "stages"]
    what = f"{table} {undoing.name(table, record_id)}" if table != "programme" else table
    if table not in writes.EDITED:
        raise Refused(f"edits of a {table} cannot be undone")
    if writes.values(undoing.store, table, record_id, fields) != {f: new[f] for f in fields}:
        raise Refused(f"{what} has been edited again since")
    _may_go_back(undoing, table, record_id, old, new)
    writes.set_values(undoing.store, table, record_id, {f: old[f] for f in fields})
    updated = [int(i) for i in (entry.new or {}).get("sessions_updated", [])]
    edits.bump(undoing.store, updated)
    told = "; ".join(f"{f.replace('_', ' ')} {_shown(new[f])} → {_shown(old[f])}" for f in old)
    return Step(f"{what}: {told}", new, old)


def _may_go_back(
    undoing: Undoing, table: str, record_id: int, old: dict[str, Any], new: dict[str, Any]
) -> None:
    """Refuse an edit whose old values the records since would not allow: a name or email
    taken, a stage or the lived-experience flag a booking needs, seats a session needs."""
    _still_unique(undoing, table, record_id, old)
    if "stages" in old:
        _stages_back(undoing, record_id, old["stages"], new["stages"])
    if table == "venue" and "capacity" in old:
        _seats_enough(undoing, record_id, int(old["capacity"]))
    if table == "trainer" and old.get("lived_experience") is False:
        _not_co_delivering(undoing, record_id)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return "none" if value in (None, "") else str(value)


def _still_unique(undoing: Undoing, table: str, record_id: int, old: dict[str, Any]) -> None:
    """Refuse giving back a name or email another record has taken since."""
    for field in ("name", "email"):
        unique = (table in ("team", "venue") and field == "name") or (
            table in ("staff", "trainer") and field == "email"
        )
        if (
            unique
            and old.get(field)
            and writes.name_taken(undoing.store, table, field, old[field], record_id)
        ):
            raise Refused(f"another {table} has the {field} {old[field]} now")


def _stages_back(undoing: Undoing, trainer_id: int, old: list[str], new: list[str]) -> None:
    """Give a trainer their earlier stages back, unless sessions to come need one they
    would lose."""
    if sorted(writes.trainer_stages(undoing.store, trainer_id)) != sorted(new):
        raise Refused(f"trainer {undoing.name('trainer', trainer_id)}'s stages changed since")
    lost = set(new) - set(old)
    needing = [
        row
        for row in edits.trainer_sessions_ahead(undoing.store, trainer_id)
        if row["stage"] in lost
    ]
    if needing:
        raise Refused(
            f"trainer {undoing.name('trainer', trainer_id)} is booked on session "
            f"{needing[0]['id']} ({needing[0]['stage']}) since"
        )
    set_stages(undoing.store, trainer_id, old)


def _seats_enough(undoing: Undoing, venue_id: int, capacity: int) -> None:
    crowded = [
        row
        for row in edits.venue_sessions_ahead(undoing.store, venue_id)
        if row["expected"] > capacity
    ]
    if crowded:
        raise Refused(
            f"session {crowded[0]['id']} expects {crowded[0]['expected']} at venue "
            f"{undoing.name('venue', venue_id)}, which seated {capacity} before"
        )


def _not_co_delivering(undoing: Undoing, trainer_id: int) -> None:
    booked = [
        row
        for row in edits.trainer_sessions_ahead(undoing.store, trainer_id)
        if row["role"] == "lived-experience"
    ]
    if booked:
        raise Refused(
            f"trainer {undoing.name('trainer', trainer_id)} co-delivers session "
            f"{booked[0]['id']} as a lived-experience trainer since"
        )
