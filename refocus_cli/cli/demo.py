"""`refocus demo`: a realistic programme in a fresh database, its outputs, and a tour."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.core.programme import DEFAULT_REGION, DEFAULT_TIMEZONE
from refocus_cli.services.context import opened


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
    from refocus_cli.core import demo as demo_core
    from refocus_cli.core.dates import local_today, zone
    from refocus_cli.core.errors import InvalidInput
    from refocus_cli.readers.manual import load_curriculum
    from refocus_cli.services.context import system_clock
    from refocus_cli.store import demo as demo_store

    today = local_today(system_clock, zone(DEFAULT_TIMEZONE))
    plan = demo_core.build(scale, seed, today)
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out} is a file: give a folder for the demo's files")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot make the folder {out}: {exc.strerror}") from None
    curriculum = load_curriculum(manual)
    with opened(db, create=True) as store:
        counts = demo_store.write(
            store, plan, DEFAULT_REGION, DEFAULT_TIMEZONE, curriculum, today, seed
        )
        files = _outputs(store, plan, out, manual)
    if as_json:
        print_json({"db": str(db), "out": str(out), **{k: str(v) for k, v in files.items()},
                    **counts})  # fmt: skip
        return
    _tour(plan, counts, files, db)


def _outputs(store, plan, out: Path, manual) -> dict[str, Path]:
    """The files a coordinator would look at first: roster, calendar, pack, report."""
    from refocus_cli.cli.calendars import calendar_bytes
    from refocus_cli.cli.reports import steering_data
    from refocus_cli.render.documents import render
    from refocus_cli.render.files import write_atomically
    from refocus_cli.render.report import render_report
    from refocus_cli.render.sheets import write_roster_csv
    from refocus_cli.services import manual as manual_service
    from refocus_cli.store import demo as demo_store
    from refocus_cli.store import documents

    files = {"roster": out / "roster.csv", "calendar": out / "calendar.ics"}
    write_roster_csv(files["roster"], plan.roster)
    data, _count = calendar_bytes(
        store, manual, "cohort", plan.cohorts[0][0], alarm="1d", with_attendees=False,
        organiser=None, drop=False,
    )  # fmt: skip
    write_atomically(files["calendar"], data)
    # The first cohort's first workshop: held, so its pack has certificates too.
    first = demo_store.first_held_workshop(store, plan.cohorts[0][0])
    if first is not None:
        files["pack"] = out / f"pack-session-{first}.pdf"
        curriculum = manual_service.curriculum(store, manual)
        view = documents.session_view(store, curriculum, str(first), need_people=False)
        write_atomically(files["pack"], render("pack.typ.j2", view, "pdf"))
    files["report"] = out / "report.html"
    write_atomically(files["report"], render_report(steering_data(store, manual, None, None)))
    return files


def _tour(plan, counts: dict, files: dict[str, Path], db: Path) -> None:
    db_flag = "" if db == DEFAULT_DB else f" --db {db}"
    first_team = plan.cohorts[0][1][0]
    lines = [
        f'Built "{plan.name}" in {db}: it started on {plan.start} and is under way.',
        f"  {counts['teams']} teams on {len({t[1] for t in plan.teams})} sites, "
        f"{counts['staff']} staff; since the start {counts['movers']} moved team, "
        f"{counts['leavers']} left and {counts['disbanded']} team disbanded",
        f"  {counts['trainers']} trainers ({counts['lived_experience_trainers']} with lived "
        f"experience, each with a spell of leave), {counts['venues']} venues",
        f"  {counts['cohorts']} cohort{'s' if counts['cohorts'] != 1 else ''} planned through "
        f"all four stages: {counts['sessions']} "
        f"sessions, {counts['held']} already held with {counts['marks']:,} attendance marks",
        "Files in " + str(files["roster"].parent) + ":",
        f"  {files['roster'].name:<24} the roster it imported (a CSV to copy for your own)",
        f"  {files['calendar'].name:<24} {plan.cohorts[0][0]}'s sessions for any calendar app",
    ]
    if "pack" in files:
        lines.append(
            f"  {files['pack'].name:<24} a printed session pack: agenda, notes, handouts, "
            "register, evaluation, certificates"
        )
    lines += [
        f"  {files['report'].name:<24} the steering-group report: open it in a browser",
        "Try next:",
        f"  refocus progress{db_flag}                  where every team stands",
        f"  refocus report participation{db_flag}      the trial's implementation scale",
        f"  refocus sessions --cohort WAVE1 --from {plan.start}{db_flag}",
        f'  refocus staff list --team "{first_team}"{db_flag}',
        f"  refocus catchup{db_flag}                   who missed training and why",
        f"  refocus attend ID --all-present --except NAME{db_flag}   record a register",
    ]
    message("\n".join(lines))
