"""`refocus catchup`: staff who missed a stage, who is booked on a catch-up, and catch-up
sessions that mix teams."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json, print_table
from refocus_cli.core.display import show_day, show_moment
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.catchup import CatchUp

MISSED_COLUMNS = [
    ("staff_id", "Id"),
    ("name", "Name"),
    ("team", "Team"),
    ("stage", "Stage"),
    ("module", "Module"),
    ("reason", "Why"),
]
BOOKED_COLUMNS = [  # "start" is shown to people as "Tue 2 Mar 2027, 10:00"
    ("staff_id", "Id"),
    ("name", "Name"),
    ("team", "Team"),
    ("module", "Module"),
    ("session", "Session"),
    ("start", "Start"),
]


def catchup(
    team: Annotated[str | None, typer.Option("--team", help="Only this team (id or name).")] = None,
    schedule: Annotated[
        bool, typer.Option("--schedule", help="Plan catch-up sessions for them, mixing teams.")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="With --schedule, the first day a catch-up may be on "
            "[default: the programme's notice period after today].",
        ),
    ] = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List staff who missed training their team has had (joined late, moved, absent), and
    who is booked on a catch-up session for it."""
    from refocus_cli.core.dates import parse_date
    from refocus_cli.services import catchup as catchup_service

    first = parse_date(start, "--start") if start is not None else None
    with opened(db) as store:
        result = catchup_service.catch_up(store, team, manual, schedule=schedule, start=first)
    missed, booked = _missed_rows(result), _booked_rows(result)
    if as_json:
        print_json(
            {
                "missed": missed,
                "booked": booked,
                "scheduled": [
                    {"id": p.id, "module": p.module, "start": p.start, "people": p.people}
                    for p in result.scheduled
                ],
            }
        )
        return
    nobody = "Nobody has missed training their team has had."
    if booked and not as_csv:
        nobody = "Everyone who missed training is booked on a catch-up session (below)."
    emit(
        missed,
        MISSED_COLUMNS,
        as_csv=as_csv,
        title="Staff who missed training",
        empty=nobody,
        optional=("team", "stage"),
    )
    if as_csv:
        return
    if booked:
        print_table(
            [
                {**row, "start": show_moment(b.start)}
                for row, b in zip(booked, result.booked, strict=True)
            ],
            BOOKED_COLUMNS,
            title="Booked on catch-up sessions",
        )
    if result.scheduled:
        message(
            f"Planned {len(result.scheduled)} catch-up sessions for {len(result.missed)} missed "
            f"modules, from {show_day(result.start)}: see `refocus sessions`."
        )
    elif missed:
        message("Plan catch-up sessions for them with `refocus catchup --schedule`.")


def _missed_rows(result: CatchUp) -> list[dict[str, Any]]:
    return [
        {
            "staff_id": g.staff_id,
            "name": g.name,
            "team": g.team,
            "stage": g.stage,
            "module": g.module,
            "reason": g.reason,
        }
        for g in result.missed
    ]


def _booked_rows(result: CatchUp) -> list[dict[str, Any]]:
    return [
        {
            "staff_id": b.gap.staff_id,
            "name": b.gap.name,
            "team": b.gap.team,
            "stage": b.gap.stage,
            "module": b.gap.module,
            "session": b.session_id,
            "start": f"{b.start:%Y-%m-%d %H:%M}",
        }
        for b in result.booked
    ]
