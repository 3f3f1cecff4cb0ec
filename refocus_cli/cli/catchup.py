"""`refocus catchup`: staff who missed a stage, and catch-up sessions that mix teams."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.services.context import opened


def catchup(
    team: Annotated[str | None, typer.Option("--team", help="Only this team (id or name).")] = None,
    schedule: Annotated[
        bool, typer.Option("--schedule", help="Plan catch-up sessions for them, mixing teams.")
    ] = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List staff who missed training their team has had (joined late, moved, absent)."""
    from refocus_cli.services import catchup as catchup_service

    with opened(db) as store:
        result = catchup_service.catch_up(store, team, manual, schedule=schedule)
    found, planned = result.missed, result.scheduled
    rows = [
        {
            "staff_id": g.staff_id,
            "name": g.name,
            "team": g.team,
            "stage": g.stage,
            "module": g.module,
            "reason": g.reason,
        }
        for g in found
    ]
    if as_json:
        print_json(
            {
                "missed": rows,
                "scheduled": [
                    {"id": p.id, "module": p.module, "start": p.start, "people": p.people}
                    for p in planned
                ],
            }
        )
        return
    emit(
        rows,
        [
            ("staff_id", "Id"),
            ("name", "Name"),
            ("team", "Team"),
            ("stage", "Stage"),
            ("module", "Module"),
            ("reason", "Why"),
        ],
        as_csv=as_csv,
        title="Staff who missed training",
        empty="Nobody has missed training their team has had.",
    )
    if planned:
        message(
            f"Planned {len(planned)} catch-up sessions for {len(found)} missed modules: "
            "see `refocus sessions`."
        )
    elif found and not as_csv:
        message("Plan catch-up sessions for them with `refocus catchup --schedule`.")
