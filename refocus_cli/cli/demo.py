"""`refocus demo`: a realistic programme in a fresh database, its outputs, and a tour."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.demo import Demo


def demo(
    scale: Annotated[
        str, typer.Option("--scale", help="small (4 teams), trust (30) or national (1,000).")
    ] = "small",
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "refocus-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same programme.")] = 1,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Build a realistic programme months under way (turnover, a disbanded team, registers
    for past sessions), with its calendar, a session pack and the steering-group report."""
    from refocus_cli.services import demo as demo_service

    setup = demo_service.prepare(scale, seed, out, manual)
    with opened(db, create=True) as store:
        built = demo_service.build(store, setup)
    if as_json:
        print_json(
            {"db": str(db), "out": str(out), **built.files.as_record(), **built.counts.as_record()}
        )
        return
    _tour(built, db)


def _tour(built: Demo, db: Path) -> None:
    plan, counts, files = built.plan, built.counts, built.files
    db_flag = "" if db == DEFAULT_DB else f" --db {db}"
    first_team = plan.cohorts[0][1][0]
    lines = [
        f'Built "{plan.name}" in {db}: it started on {plan.start} and is under way.',
        f"  {counts.teams} teams on {len({t[1] for t in plan.teams})} sites, "
        f"{counts.staff} staff; since the start {counts.movers} moved team, "
        f"{counts.leavers} left and {counts.disbanded} team disbanded",
        f"  {counts.trainers} trainers ({counts.lived_experience_trainers} with lived "
        f"experience, each with a spell of leave), {counts.venues} venues",
        f"  {counts.cohorts} cohort{'s' if counts.cohorts != 1 else ''} planned through "
        f"all four stages: {counts.sessions} "
        f"sessions, {counts.held} already held with {counts.marks:,} attendance marks",
        "Files in " + str(files.roster.parent) + ":",
        f"  {files.roster.name:<24} the roster it imported (a CSV to copy for your own)",
        f"  {files.calendar.name:<24} {plan.cohorts[0][0]}'s sessions for any calendar app",
    ]
    if files.pack is not None:
        lines.append(
            f"  {files.pack.name:<24} a printed session pack: agenda, notes, handouts, "
            "register, evaluation, certificates"
        )
    lines += [
        f"  {files.report.name:<24} the steering-group report: open it in a browser",
        "Try next:",
        f"  refocus progress{db_flag}                  where every team stands",
        f"  refocus report participation{db_flag}      the trial's implementation scale",
        f"  refocus sessions --cohort WAVE1 --from {plan.start}{db_flag}",
        f'  refocus staff list --team "{first_team}"{db_flag}',
        f"  refocus catchup{db_flag}                   who missed training and why",
        f"  refocus attend ID --all-present --except NAME{db_flag}   record a register",
        f"  refocus report outcomes --include-unfinished{db_flag}   baseline against "
        "follow-up, high against low implementation (the demo's scores are simulated, "
        "follow-ups included, so the report has something to show)",
        f"  refocus report evaluations --stage workshop{db_flag}   what the returned "
        "evaluation forms say",
        f"  refocus report delivery{db_flag}           who delivered the held sessions and "
        "what they covered (simulated too)",
    ]
    message("\n".join(lines))
