"""Progress, reach, warning flags and milestones: how far each team has come, stage by
stage (the rules, and where each comes from, are written out in core/measure_method.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_attendance import (
    CANCELLED,
    HELD,
    PLANNED,
    SCHEDULED,
    Attendance,
    engaged,
)
from refocus_cli.core.measure_facts import (
    Milestone,
    SessionFact,
    StageProgress,
    TeamFact,
    TeamProgress,
)
from refocus_cli.core.programme import STAGES
from refocus_cli.core.vocabulary import Strategy, TeamStatus

TURNOVER_THRESHOLD = 0.3  # refocus's own threshold for a warning, not the trial's
FALL_WINDOW = 3  # attendance falling: the last three sessions against the three before
FALL_DROP = 0.2  # ... by twenty percentage points or more
REFLECTION = (Strategy.MANAGER_REFLECTION, Strategy.TEAM_REFLECTION)

# A module a team has had: the staff of its audience, how many of its sessions each
# person came to and to how many of its catch-ups, and the occurrences held so far.
ModuleHad = tuple[set[int], Counter[int], Counter[int], int]


def _by_name(attendance: Attendance) -> list[TeamFact]:
    return sorted(attendance.facts.teams.values(), key=lambda t: (t.name.lower(), t.id))


def _planned(attendance: Attendance, team_id: int) -> list[SessionFact]:
    return [s for s in attendance.by_team.get(team_id, ()) if s.kind == PLANNED]


def _held(sessions: list[SessionFact], as_of: date) -> list[SessionFact]:
    return [s for s in sessions if s.status == HELD and s.day <= as_of]


# -- progress and reach ----------------------------------------------------------------


def _roster_day(team: TeamFact, as_of: date) -> date:
    """The day a team's staff are counted: the report date, or its last day if it ended."""
    if team.ended_on and team.ended_on <= as_of:
        return date.fromordinal(team.ended_on.toordinal() - 1)
    return as_of


def _modules_had(attendance: Attendance, team_id: int) -> dict[str, tuple[str, str, int]]:
    """module -> (stage, audience, occurrences held so far) for a team."""
    as_of = attendance.facts.as_of
    needs: dict[str, tuple[str, str, set[int]]] = {}
    for session in _planned(attendance, team_id):
        stage, audience, occurrences = needs.setdefault(
            session.module, (session.stage, session.audience, set())
        )
        if session.status == HELD and session.day <= as_of:
            occurrences.add(session.occurrence)
    return {m: (st, au, len(occ)) for m, (st, au, occ) in needs.items()}


def _completed(staff_id: int, modules: list[ModuleHad]) -> bool | None:
    """Whether someone has kept up with these modules; None if none is meant for them."""
    relevant = False
    for audience, came_to, caught_up, occurrences in modules:
        if staff_id not in audience:
            continue
        relevant = True
        came = came_to.get(staff_id, 0)
        if not (caught_up.get(staff_id) or (came >= 1 and 2 * came >= occurrences)):
            return False
    return True if relevant else None


def _stage_progress(
    attendance: Attendance,
    team: TeamFact,
    stage: str,
    sessions: list[SessionFact],
    roster: tuple[int, ...],
    had: dict[str, tuple[str, str, int]],
) -> StageProgress:
    """One team's figures for one stage."""
    as_of = attendance.facts.as_of
    in_stage = [s for s in sessions if s.stage == stage]
    # Only modules the team has had so far: reach is keeping up, stage by stage.
    modules = [
        (
            attendance.audience_ids(au),
            attendance.tally("module:" + m).came,
            attendance.tally("catch-up:" + m).came,
            n,
        )
        for m, (st, au, n) in had.items()
        if st == stage and n > 0
    ]
    done = [_completed(staff_id, modules) for staff_id in roster]
    counted = [d for d in done if d is not None]
    dated = [s.day for s in in_stage if s.status != CANCELLED]
    return StageProgress(
        stage=stage,
        planned=len(dated),
        held=len(_held(in_stage, as_of)),
        cancelled=len(in_stage) - len(dated),
        awaiting_register=sum(1 for s in in_stage if s.status == SCHEDULED and s.day < as_of),
        attendance=attendance.stage_attendance(team.id, stage),
        reach=(sum(counted) / len(counted)) if counted and modules else None,
        completed=sum(counted),
        staff=len(counted),
        first=min(dated, default=None),
        last=max(dated, default=None),
    )


@without_gc
def team_progress(attendance: Attendance) -> list[TeamProgress]:
    """Every team with planned sessions (and every active team), stage by stage."""
    result = []
    for team in _by_name(attendance):
        sessions = _planned(attendance, team.id)
        if not sessions and team.status != TeamStatus.ACTIVE:
            continue
        roster = attendance.members(team.id, _roster_day(team, attendance.facts.as_of))
        had = _modules_had(attendance, team.id)
        stages = [
            _stage_progress(attendance, team, stage, sessions, roster, had) for stage in STAGES
        ]
        entry = TeamProgress(team, stages)
        if team.status == TeamStatus.ACTIVE:
            entry.flags = flags(attendance, team, sessions)
        result.append(entry)
    return result


# -- warning flags ---------------------------------------------------------------------


def _manager_flags(attendance: Attendance, team: TeamFact) -> list[str]:
    """Managers who do not come to reflection sessions (or no manager to lead them)."""
    staff = attendance.facts.staff
    reflection = [
        a for a in attendance.team_activities(team.id) if a.session.strategy in REFLECTION
    ]
    managers = [
        s for s in attendance.members(team.id, attendance.facts.as_of) if staff[s].is_manager
    ]
    if reflection and not managers:
        return ["no manager on the team to lead reflection"]
    found = []
    for manager in managers:
        expected = [a for a in reflection if manager in a.expected]
        came = sum(1 for a in expected if manager in a.came)
        if expected and not engaged(came, len(expected)):
            found.append(
                f"manager {staff[manager].name} attended {came} of "
                f"{len(expected)} reflection sessions"
            )
    return found


def _turnover_flag(attendance: Attendance, team: TeamFact) -> str | None:
    """Staff turnover since the team's first session, if it is high."""
    as_of = attendance.facts.as_of
    start = attendance.team_start(team.id)
    if start is None or start > as_of:
        return None
    then = set(attendance.members(team.id, start))
    now = set(attendance.members(team.id, as_of))
    gone = len(then - now)
    if not then or gone / len(then) < TURNOVER_THRESHOLD:
        return None
    return f"staff turnover {gone / len(then):.0%} since {start} ({gone} of {len(then)} gone)"


def _pooled(counts: list[tuple[int, int]]) -> float:
    came = sum(c for c, _ in counts)
    expected = sum(e for _, e in counts)
    return came / expected if expected else 0.0


def _falling_flag(attendance: Attendance, team: TeamFact) -> str | None:
    """Attendance falling: the last few sessions against the few before them, pooled
    over the people expected, so a one-person session weighs as one person."""
    counts = [
        (len(a.came), len(a.expected))
        for a in attendance.team_activities(team.id)
        if a.session.kind == PLANNED
    ]
    if len(counts) < 2 * FALL_WINDOW:
        return None
    recent = _pooled(counts[-FALL_WINDOW:])
    before = _pooled(counts[-2 * FALL_WINDOW : -FALL_WINDOW])
    if before - recent < FALL_DROP:
        return None
    return (
        f"attendance falling: {recent:.0%} at the last {FALL_WINDOW} sessions, "
        f"{before:.0%} at the {FALL_WINDOW} before"
    )


def flags(attendance: Attendance, team: TeamFact, sessions: list[SessionFact]) -> list[str]:
    """The warning signs of a team, given its planned sessions."""
    found = _manager_flags(attendance, team)
    found += [
        flag
        for flag in (_turnover_flag(attendance, team), _falling_flag(attendance, team))
        if flag is not None
    ]
    cancelled = sum(1 for s in sessions if s.status == CANCELLED)
    if cancelled:
        found.append(f"{cancelled} session{'s' if cancelled > 1 else ''} cancelled")
    return found


# -- milestones ------------------------------------------------------------------------


def _stage_milestone(
    team: TeamFact, stage: str, sessions: list[SessionFact], later: list[SessionFact], as_of: date
) -> Milestone | None:
    """When a team began and completed a stage, and how much of it was delivered."""
    in_stage = [s for s in sessions if s.stage == stage]
    # A team that ended part-way planned more than it held: a stage is not complete
    # because the team stopped before the rest of it.
    planned = {(s.module, s.occurrence) for s in in_stage + later if s.stage == stage}
    if not planned:
        return None
    held = _held(in_stage, as_of)
    delivered = {(s.module, s.occurrence) for s in held}
    began = min((s.day for s in held), default=None)
    completed = max(s.day for s in held) if delivered >= planned else None
    days = None if began is None else ((completed or as_of) - began).days
    return Milestone(team, stage, began, completed, days, len(planned), len(delivered))


def milestones(attendance: Attendance) -> list[Milestone]:
    """Each team's stages: began, completed, days spent, share of sessions delivered."""
    as_of = attendance.facts.as_of
    rows = []
    for team in _by_name(attendance):
        sessions = _planned(attendance, team.id)
        if not sessions:
            continue
        later = [s for s in attendance.after_end.get(team.id, ()) if s.kind == PLANNED]
        for stage in STAGES:
            milestone = _stage_milestone(team, stage, sessions, later, as_of)
            if milestone is not None:
                rows.append(milestone)
    return rows
