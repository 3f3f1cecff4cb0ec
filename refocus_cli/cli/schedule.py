"""`refocus schedule`: plan all four stages for a cohort's teams."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli import output
from refocus_cli.cli.options import (
    DEFAULT_DB,
    CohortArg,
    CohortOpt,
    DbOpt,
    JsonOpt,
    ManualOpt,
    needed_cohort,
    note_positional_cohort,
)
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.core.display import show_day, show_moment, show_period
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.planning import CohortPlan, CohortRepair

STAGE_MARKS = {"workshop": "W", "working-practices": "P", "coaching": "C", "practice-change": "R"}
# Why each default measurement window falls where it does, as `schedule` says it.
WINDOW_WHY = {
    "baseline": "the month before the first session: the trial measured about a month before",
    "follow-up": "the month after the last reflection session: a refocus default",
}
LONG_PLAN = 150  # sessions; longer plans are summarised by stage instead of listed


def schedule(
    cohort: CohortArg = None,
    cohort_option: CohortOpt = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day to plan from [default: today].")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan without storing it.")
    ] = False,
    no_windows: Annotated[
        bool,
        typer.Option(
            "--no-windows",
            help="Do not add the default baseline and follow-up measurement windows.",
        ),
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Plan every session of all four stages for a cohort: trainers, venues, dates; and
    a baseline window the month before it, a follow-up window the month after it."""
    from refocus_cli.core.dates import parse_date
    from refocus_cli.services import planning

    first = parse_date(start, "--start") if start is not None else None
    with opened(db) as store:
        result = planning.schedule(
            store,
            needed_cohort(cohort, cohort_option),
            first,
            manual,
            dry_run=dry_run,
            windows=not no_windows,
        )
    note_positional_cohort(cohort, cohort_option, "schedule")
    rows = plan_rows(result)
    if as_json:
        print_json(
            {
                "cohort": result.cohort,
                "dry_run": dry_run,
                "notes": result.plan.notes,
                "sessions": rows,
                "windows": [window.as_record() for window in result.windows],
            }
        )
        return
    for note in result.plan.notes:
        message(f"Note: {note}")
    if len(rows) <= LONG_PLAN:
        emit(
            [
                {**row, "date": show_day(row["date"]), "time": row["time"].replace("-", "–")}
                for row in rows
            ],
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
            optional=("stage", "trainers", "venue"),
        )
    else:
        emit(
            stage_summary(rows),
            [("stage", "Stage"), ("sessions", "Sessions"), ("first", "First"), ("last", "Last")],
            title=f"Plan for {result.cohort} ({len(rows)} sessions)",
        )
    print_timeline(result)
    for window in result.windows:
        message(
            f"{'Would add' if dry_run else 'Added'} a {window.kind} window "
            f"{show_period(window.start, window.end)} ({WINDOW_WHY[window.kind]}; "
            "see `refocus measure window list`)."
        )
    finish = result.plan.finish()
    verb = "Would store" if dry_run else "Stored"
    message(
        f"{verb} {len(rows)} sessions for {len(result.teams)} teams, "
        f"{show_period(result.plan.start, finish)}."
    )
    if dry_run:
        message(f"Nothing was written. Run `refocus schedule --cohort {result.cohort}` to keep it.")


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
    # The measurement windows added with the plan are milestones on a line of their own.
    windows = [(w.start, w.end, "b" if w.kind == "baseline" else "f") for w in result.windows]
    start = min([result.plan.start, *(begin for begin, _, _ in windows)])
    first = start - timedelta(days=start.weekday())
    last = max([*(planned.day for planned in result.plan.sessions), *(e for _, e, _ in windows)])
    weeks = (last - first).days // 7 + 1
    lines: dict[int, list[str]] = {team_id: ["·"] * weeks for team_id in result.teams}
    for planned in result.plan.sessions:
        week = (planned.start.date() - first).days // 7
        for team_id in planned.team_ids:
            lines[team_id][week] = STAGE_MARKS.get(planned.stage, "?")
    measures = [" "] * weeks
    for begin, end, mark in windows:
        for week in range((begin - first).days // 7, (end - first).days // 7 + 1):
            measures[week] = mark
    width = max(len(name) for name in [*result.teams.values(), "Measures"])
    message(
        f"{'Week of':<{width}}  {show_day(first)} (one character a week; "
        "W workshop, P working practices, C coaching, R reflection"
        + ("; b baseline, f follow-up measurement window)" if windows else ")")
    )
    for team_id, name in result.teams.items():
        message(f"{name:<{width}}  {''.join(lines[team_id])}")
    if windows:
        message(f"{'Measures':<{width}}  {''.join(measures).rstrip()}")


def replan(
    cohort: CohortArg = None,
    cohort_option: CohortOpt = None,
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
        repair = planning.replan(
            store,
            needed_cohort(cohort, cohort_option),
            manual,
            dry_run=dry_run,
        )
    note_positional_cohort(cohort, cohort_option, "replan")
    rows = repair_rows(repair)
    if as_json:
        print_json({"cohort": repair.cohort, "dry_run": dry_run, "changes": rows})
        return
    if not rows:
        message(f"Nothing to repair in {repair.cohort}: every session still fits.")
        return
    emit(
        [table_row(row) for row in rows],
        [
            ("id", "Id"),
            ("module", "Module"),
            ("teams", "Teams"),
            ("date", "Date"),
            ("trainers", "Trainers"),
            ("venue", "Venue"),
            ("why", "Why"),
        ],
        title=f"Repairs to {repair.cohort}",
    )
    message(summary(repair, rows, dry_run))


def summary(repair: CohortRepair, rows: list[dict[str, Any]], dry_run: bool) -> str:
    """One line: how many sessions changed (how many kept their date), were added or cancelled."""
    same_date = sum(
        1 for row in rows if not row["new"] and not {"date", "cancelled"} & set(row["changed"])
    )
    words = ("Would change", "add", "cancel") if dry_run else ("Changed", "added", "cancelled")
    line = (
        f"{words[0]} {_sessions(repair.moved)} ({same_date} on the same date), {words[1]} "
        f"{repair.added} (in place of cancelled ones, or for teams new to the cohort)"
    )
    if repair.cancelled:
        line += f", {words[2]} {repair.cancelled} (their teams end first)"
    return line + "; held sessions stay."


def _sessions(count: int) -> str:
    return f"{count} session" if count == 1 else f"{count} sessions"


def repair_rows(repair: CohortRepair) -> list[dict[str, Any]]:
    """Each change of a repair as a record: what changed, from and to, with names."""
    return [
        {
            "id": change.session_id,
            "new": change.new,
            "replaces": change.replaces,
            "module": change.module,
            "occurrence": change.occurrence,
            "teams": list(change.teams),
            "changed": change.changed(),
            "from": _when(change.before),
            "to": _when(change.after),
            "trainers_from": list(change.trainers_before),
            "trainers": list(change.trainers),
            "venue_from": change.venue_before,
            "venue": change.venue,
            "why": change.why,
        }
        for change in repair.changes
    ]


def table_row(row: dict[str, Any]) -> dict[str, Any]:
    """A change as a table row: each of date, trainers and venue as it was → as it is."""
    session = str(row["id"])
    if row["new"]:
        session += " (new)" if row["replaces"] is None else f" (new, for {row['replaces']})"
    return {
        "id": session,
        "module": f"{row['module']} ({row['occurrence']})",
        "teams": row["teams"],
        # On a terminal, where the column is narrow, the new time goes under the old.
        "date": _from_to(_shown(row["from"]), _shown(row["to"]) or "cancelled").replace(
            " → ", "\n→ " if output.on_terminal() else " → "
        ),
        "trainers": _from_to(", ".join(row["trainers_from"]), ", ".join(row["trainers"])),
        "venue": _from_to(row["venue_from"] or "", row["venue"] or ""),
        "why": row["why"],
    }


def _from_to(before: str | None, after: str) -> str:
    """`after` alone when nothing changed (or nothing came before), else `before → after`."""
    return after if not before or before == after else f"{before} → {after}"


def _shown(when: str | None) -> str | None:
    """A time of the repair as people read it, with its weekday."""
    return show_moment(when) if when is not None else None


def _when(moment: datetime | None) -> str | None:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else None
