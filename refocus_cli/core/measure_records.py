"""The implementation measures as plain records (dicts with stable keys): the same
rows feed JSON, CSV, terminal tables and the HTML report."""

from __future__ import annotations

from datetime import date

from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measures import Implementation
from refocus_cli.core.programme import STRATEGIES


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@without_gc
def progress_records(impl: Implementation, team_ids: set[int] | None = None) -> list[dict]:
    return [
        {
            "id": entry.team.id,
            "name": entry.team.name,
            "cohort": entry.team.cohort,
            "status": entry.team.status,
            "ended_on": _iso(entry.team.ended_on),
            "stages": [
                {
                    "stage": st.stage,
                    "planned": st.planned,
                    "held": st.held,
                    "cancelled": st.cancelled,
                    "awaiting_register": st.awaiting_register,
                    "attendance": _ratio(st.attendance),
                    "reach": _ratio(st.reach),
                    "completed": st.completed,
                    "staff": st.staff,
                    "first": _iso(st.first),
                    "last": _iso(st.last),
                }
                for st in entry.stages
            ],
            "flags": entry.flags,
        }
        for entry in impl.progress
        if team_ids is None or entry.team.id in team_ids
    ]


@without_gc
def participation_records(impl: Implementation) -> list[dict]:
    return [
        {
            "id": row.staff.id,
            "name": row.staff.name,
            "team": row.team,
            "left_on": _iso(row.staff.left_on),
            "score": row.score,
            "strategies": {s: int(row.engaged[s]) for s in STRATEGIES},
            "attended": row.attended,
            "expected": row.expected,
        }
        for row in impl.participation
    ]


@without_gc
def team_score_records(impl: Implementation, team_ids: set[int] | None = None) -> list[dict]:
    return [
        {
            "id": entry.team.id,
            "name": entry.team.name,
            "cohort": entry.team.cohort,
            "stayers": len(entry.stayers),
            "stayer_ids": entry.stayers,
            "score": None if entry.score is None else round(entry.score, 4),
            "implementation": entry.level,
            "why_unscored": entry.why_unscored,
        }
        for entry in impl.team_scores
        if team_ids is None or entry.team.id in team_ids
    ]


@without_gc
def milestone_records(impl: Implementation, team_ids: set[int] | None = None) -> list[dict]:
    return [
        {
            "team_id": m.team.id,
            "team": m.team.name,
            "stage": m.stage,
            "began": _iso(m.began),
            "completed": _iso(m.completed),
            "days": m.days,
            "planned": m.planned,
            "delivered": m.delivered,
            "proportion": _ratio(m.proportion),
        }
        for m in impl.milestones
        if team_ids is None or m.team.id in team_ids
    ]
