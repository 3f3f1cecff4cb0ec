"""`refocus schedule`: plan all four stages for a cohort's teams."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.planning import CohortPlan, CohortRepair

STAGE_MARKS = {"workshop": "W", "working-practices": "P", "coaching": "C", "practice-change": "R"}
LONG_PLAN = 150  # sessions; longer plans are summarised by stage instead of listed


def schedule(
    cohort: Annotated[str, typer.Argument(help="Cohort id or name.")],
    start: Annotated[
        str | None, typer.Option("--start", help="First day to plan from [default: today].")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan without storing it.")
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Plan every session of all four stages for a cohort: trainers, venues, dates."""
    from refocus_cli.core.dates import parse_date
    from refocus_cli.services import planning

    first = parse_date(start, "--start") if start is not None else None
    with opened(db) as store:
        result = planning.schedule(store, cohort, first, manual, dry_run=dry_run)
    rows = plan_rows(result)
    if as_json:
        print_json(
            {
                "cohort": result.cohort,
                "dry_run": dry_run,
                "notes": result.plan.notes,
                "sessions": rows,
            }
        )
        return
    for note in result.plan.notes:
        message(f"Note: {note}")
    if len(rows) <= LONG_PLAN:
        emit(
            rows,
            [
                ("date", "Date"),
                ("time", "Time"),
                ("stage", "Stage"),
                ("module", "Module"),
                ("teams", "Teams"),
                ("trainers", "Trainers"),
                ("venue", "Venue"),
            ],
            title=f"Plan for {result.cohort}",
        )
    else:
        emit(
            stage_summary(rows),
            [("stage", "Stage"), ("sessions", "Sessions"), ("first", "First"), ("last", "Last")],
            title=f"Plan for {result.cohort} ({len(rows)} sessions)",
        )
    print_timeline(result)
    finish = result.plan.finish()
    verb = "Would store" if dry_run else "Stored"
    message(
        f"{verb} {len(rows)} sessions for {len(result.teams)} teams, "
        f"{result.plan.start} to {finish}."
    )
    if dry_run:
        message(f"Nothing was written. Run `refocus schedule {result.cohort}` to keep it.")


def plan_rows(result: CohortPlan) -> list[dict[str, Any]]:
    """The plan's sessions as rows, with names for ids."""
    rows = []
    for planned in result.plan.sessions:
        rows.append(
            {
                "date": planned.start.date().isoformat(),
                "time": f"{planned.start:%H:%M}-{planned.end:%H:%M}",
                "stage": planned.stage,
                "module": planned.module,
                "occurrence": planned.occurrence,
                "group": planned.group,
                "teams": [result.teams[i] for i in planned.team_ids],
                "trainers": [result.trainers[i] for i in planned.trainer_ids],
                "venue": result.venues.get(planned.venue_id) if planned.venue_id else None,
                "expected": planned.expected,
            }
        )
    return rows


def stage_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per stage: how many sessions, the first and last day."""
    summary: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = summary.setdefault(
            row["stage"],
            {"stage": row["stage"], "sessions": 0, "first": row["date"], "last": row["date"]},
        )
        entry["sessions"] += 1
        entry["last"] = max(entry["last"], row["date"])
    return list(summary.values())


def print_timeline(result: CohortPlan) -> None:
    """One line per team, one character per week: which stage it is in."""
    if not result.plan.sessions:
        return
    first = result.plan.start - timedelta(days=result.plan.start.weekday())
    last = max(planned.day for planned in result.plan.sessions)
    weeks = (last - first).days // 7 + 1
    lines: dict[int, list[str]] = {team_id: ["·"] * weeks for team_id in result.teams}
    for planned in result.plan.sessions:
        week = (planned.start.date() - first).days // 7
        for team_id in planned.team_ids:
            lines[team_id][week] = STAGE_MARKS.get(planned.stage, "?")
    width = max(len(name) for name in result.teams.values())
    message(
        f"{'Week of':<{width}}  {first.isoformat()} (one character a week; "
        "W workshop, P working practices, C coaching, R reflection)"
    )
    for team_id, name in result.teams.items():
        message(f"{name:<{width}}  {''.join(lines[team_id])}")


def replan(
    cohort: Annotated[str, typer.Argument(help="Cohort id or name.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would move without storing it.")
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Repair a cohort's plan after cancellations or new unavailability; print what moved."""
    from refocus_cli.services import planning

    with opened(db) as store:
        repair = planning.replan(store, cohort, manual, dry_run=dry_run)
    rows = repair_rows(repair)
    if as_json:
        print_json({"cohort": repair.cohort, "dry_run": dry_run, "changes": rows})
        return
    if not rows:
        message(f"Nothing to repair in {repair.cohort}: every session still fits.")
        return
    emit(
        rows,
        [
            ("id", "Id"),
            ("module", "Module"),
            ("teams", "Teams"),
            ("from", "From"),
            ("to", "To"),
            ("trainers", "Trainers"),
            ("why", "Why"),
        ],
        title=f"Repairs to {repair.cohort}",
    )
    verb = "Would move" if dry_run else "Moved"
    message(
        f"{verb} {repair.moved} sessions and {'would add' if dry_run else 'added'} "
        f"{repair.added} in place of cancelled ones; held sessions stay."
    )


def repair_rows(repair: CohortRepair) -> list[dict[str, Any]]:
    """Each change of a repair as a row: from and to as typed, with names."""
    return [
        {
            "id": change.session_id,
            "module": change.module,
            "occurrence": change.occurrence,
            "teams": list(change.teams),
            "from": f"{change.before:%Y-%m-%d %H:%M}" if change.before else None,
            "to": f"{change.after:%Y-%m-%d %H:%M}",
            "trainers": list(change.trainers),
            "why": change.why,
        }
        for change in repair.changes
    ]
