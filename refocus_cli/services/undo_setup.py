"""Reversing changes to how a rollout is set up: teams put in or taken out of a cohort,
trainer leave recorded or taken back, closure days reopened, and teams, venues,
trainers or cohorts added and not used since."""

from __future__ import annotations

from refocus_cli.services.undo_context import Refused, Step, Undoing
from refocus_cli.store import undo_setup as setup
from refocus_cli.store import undo_writes as writes
from refocus_cli.store.audit import AuditRow


def unadd_teams(undoing: Undoing, entry: AuditRow) -> Step:
    """Teams put in a cohort taken out again, while nothing is planned for them there."""
    cohort_id = entry.entity_id or 0
    names = list((entry.new or {}).get("teams") or [])
    for name in names:
        team = writes.team_named(undoing.store, name)
        if team is None:
            raise Refused(f"team {name} is no longer on record under that name")
        if setup.planned_in_cohort(undoing.store, cohort_id, team["id"]):
            raise Refused(
                f"sessions are planned for team {name} in cohort "
                f"{undoing.name('cohort', cohort_id)} since"
            )
        setup.take_out_of_cohort(undoing.store, cohort_id, team["id"])
    return Step(
        f"{', '.join(names)} out of cohort {undoing.name('cohort', cohort_id)} again",
        entry.new,
        None,
    )


def unremove_team(undoing: Undoing, entry: AuditRow) -> Step:
    """A team taken out of a cohort put back in it (its sessions are put back entry by
    entry)."""
    cohort_id = entry.entity_id or 0
    name = str((entry.old or {}).get("team"))
    team = writes.team_named(undoing.store, name)
    if team is None:
        raise Refused(f"team {name} is no longer on record under that name")
    on = str((entry.new or {}).get("on"))
    if setup.left_cohort_on(undoing.store, cohort_id, team["id"]) != on:
        raise Refused(f"team {name}'s place in cohort {undoing.name('cohort', cohort_id)} "
                      "has changed since")  # fmt: skip
    elsewhere = setup.cohort_of(undoing.store, team["id"])
    if elsewhere is not None:
        raise Refused(f"team {name} is in cohort {elsewhere} since")
    setup.stay_in_cohort(undoing.store, cohort_id, team["id"])
    return Step(f"{name} back in cohort {undoing.name('cohort', cohort_id)}", entry.new, entry.old)


def unrecord_leave(undoing: Undoing, entry: AuditRow) -> Step:
    """Trainer leave recorded (by hand, or by cancelling a session as unavailable) taken
    back."""
    new = entry.new or {}
    period = setup.leave_period(undoing.store, int(new.get("period") or 0))
    if period is None:
        raise Refused(
            f"{undoing.name('trainer', entry.entity_id)}'s leave from {new.get('from')} "
            "is no longer on record as it was"
        )
    setup.delete_leave(undoing.store, period["id"])
    return Step(
        f"{undoing.name('trainer', entry.entity_id)} no longer unavailable from "
        f"{period['from_date']} to {period['to_date']}",
        new,
        None,
    )


def unavailable_again(undoing: Undoing, entry: AuditRow) -> Step:
    """Trainer leave taken back (whole, or trimmed by `trainer available`) recorded again."""
    trainer_id, old = entry.entity_id or 0, entry.old or {}
    name = undoing.name("trainer", trainer_id)
    if "from" in old:  # a whole period taken back when a cancellation was undone
        setup.add_leave(undoing.store, trainer_id, old["from"], old["to"], old.get("reason", ""))
        return Step(f"{name} unavailable again from {old['from']} to {old['to']}", None, old)
    first, _, last = str(old.get("unavailable", "")).partition(" to ")
    parts = [str(words).partition(" to ") for words in (entry.new or {}).get("unavailable") or []]
    periods = setup.leave_between(undoing.store, trainer_id, [(p[0], p[2] or p[0]) for p in parts])
    if len(periods) != len(parts):
        raise Refused(f"{name}'s leave has changed since")
    if not periods:
        raise Refused(
            f"`trainer available` took all of {name}'s leave from {first} and does not "
            "record its reason: record it again with `refocus trainer unavailable`"
        )
    for period in periods:
        setup.delete_leave(undoing.store, period["id"])
    setup.add_leave(undoing.store, trainer_id, first, last or first, periods[0]["reason"])
    return Step(f"{name} unavailable again {old.get('unavailable')}", entry.new, old)


def reclose(undoing: Undoing, entry: AuditRow) -> Step:
    """Closure days opened again closed again, with their reasons."""
    closed = [str(day) for day in (entry.old or {}).get("closed") or []]
    for text in closed:
        day, _, reason = text.partition(": ")
        setup.reclose(undoing.store, day, reason)
    return Step(f"{len(closed)} days closed again", entry.new, entry.old)


def unadd(undoing: Undoing, entry: AuditRow) -> Step:
    """A team, venue, trainer or cohort added taken off the record, while nothing uses it."""
    kind, record_id = entry.entity, entry.entity_id or 0
    name = undoing.name(kind, record_id)
    if not setup.exists(undoing.store, kind, record_id):
        raise Refused(f"{kind} {record_id} is no longer on record")
    if setup.uses(undoing.store, kind, record_id):
        raise Refused(f"{kind} {name} is in use since it was added")
    setup.delete(undoing.store, kind, record_id)
    return Step(f"{kind} {name} taken off the record", entry.new, None)


def unretire(undoing: Undoing, entry: AuditRow) -> Step:
    """A trainer or venue retired (past sessions name it) back on the programme."""
    kind, record_id = entry.entity, entry.entity_id or 0
    on = (entry.new or {}).get("removed_on")
    if setup.removed_on(undoing.store, kind, record_id) != on:
        raise Refused(f"{kind} {undoing.name(kind, record_id)} is no longer retired as it was")
    setup.unretire(undoing.store, kind, record_id)
    return Step(
        f"{kind} {undoing.name(kind, record_id)} back on the programme",
        {"removed_on": on},
        {"removed_on": None},
    )
