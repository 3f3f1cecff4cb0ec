"""`refocus demo`: a realistic programme in a fresh database, and a tour of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.context import opened
from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json
from refocus_cli.core.programme import DEFAULT_REGION, DEFAULT_TIMEZONE


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
    """Build a realistic demo programme in a new database and show where to go next."""
    from refocus_cli.core import demo as demo_core
    from refocus_cli.core.curriculum import load_curriculum
    from refocus_cli.core.dates import local_today, system_clock, zone
    from refocus_cli.core.errors import InvalidInput
    from refocus_cli.render.sheets import write_roster_csv
    from refocus_cli.store import demo as demo_store

    plan = demo_core.build(scale, seed, local_today(system_clock, zone(DEFAULT_TIMEZONE)))
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out} is a file: give a folder for the demo's files")
    with opened(db, create=True) as store:
        counts = demo_store.write(
            store, plan, DEFAULT_REGION, DEFAULT_TIMEZONE, load_curriculum(manual)
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        roster = out / "roster.csv"
        write_roster_csv(roster, plan.roster)
    except OSError as exc:
        raise InvalidInput(f"cannot write the demo's files in {out}: {exc.strerror}") from None
    if as_json:
        print_json({"db": str(db), "out": str(out), "roster": str(roster), **counts})
        return
    db_flag = "" if db == DEFAULT_DB else f" --db {db}"
    message(
        f'Built "{plan.name}" in {db}, starting {plan.start}:\n'
        f"  {counts['teams']} teams on {len({t[1] for t in plan.teams})} sites, "
        f"{counts['staff']} staff ({counts['movers']} moved team, {counts['leavers']} left, "
        f"{counts['disbanded']} team disbanded)\n"
        f"  {counts['trainers']} trainers ({counts['lived_experience_trainers']} with lived "
        f"experience, each with a spell of leave), {counts['venues']} venues, "
        f"{counts['cohorts']} cohorts, each planned through all four stages: "
        f"{counts['sessions']} sessions\n"
        f"  The roster it imported, as a CSV you can copy: {roster}\n"
        "Try next:\n"
        f"  refocus team list{db_flag}\n"
        f"  refocus cohort show WAVE1{db_flag}\n"
        f"  refocus sessions --cohort WAVE1{db_flag}\n"
        f"  refocus session cancel 1 --reason 'trainer ill'{db_flag}  then  "
        f"refocus replan WAVE1{db_flag}\n"
        f'  refocus staff list --team "{plan.teams[0][0]}"{db_flag}\n'
        f"  refocus trainer list{db_flag}\n"
        f"  refocus db check{db_flag}"
    )
