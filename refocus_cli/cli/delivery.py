"""`refocus session delivered` and `refocus report delivery`: who delivered held sessions
and what they covered, and how faithfully each stage was delivered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.services.delivery import DeliveryRecorded, DeliveryReport

DeliveredByOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--delivered-by",
        "--by",
        help="A trainer who delivered it (name, email or id); repeat for each "
        "[default: the planned trainers].",
    ),
]
CoveredOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--covered",
        help="A part of the module's agenda that was covered, by number (1, 2, …) or "
        "title; repeat for each. See `refocus manual show MODULE`.",
    ),
]
CoveredAllOpt = Annotated[
    bool, typer.Option("--covered-all", help="Every part of the module's agenda was covered.")
]

REPORT_COLUMNS = [
    ("stage", "Stage"),
    ("team", "Team"),
    ("held", "Held"),
    ("as_planned", "As planned"),
    ("co_delivered", "Co-delivered"),
    ("fully_covered", "All parts"),
    ("not_said", "No record"),
]


def delivered(
    session: Annotated[str, typer.Argument(help="The session's id (see `refocus sessions`).")],
    delivered_by: DeliveredByOpt = None,
    covered: CoveredOpt = None,
    covered_all: CoveredAllOpt = False,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record who delivered a held session and which parts of its agenda were covered."""
    from refocus_cli.services import delivery

    with opened(db) as store:
        recorded = delivery.record_delivery(
            store, session, delivered_by, covered, covered_all, manual
        )
    if as_json:
        print_json(recorded_record(recorded))
        return
    message(recorded_text(recorded))


def recorded_text(recorded: DeliveryRecorded) -> str:
    """What was recorded, in a sentence or two."""
    who = " and ".join(recorded.delivered_by) or "nobody named"
    text = f"Session {recorded.session_id} ({recorded.module}) delivered by {who}"
    text += "" if recorded.as_planned else " (not as planned)"
    if recorded.covered is None:
        return text + "; what was covered is not recorded."
    missed = [p for p in recorded.parts if p not in recorded.covered]
    if not missed:
        return text + f"; all {len(recorded.parts)} parts covered."
    return (
        text
        + f"; {len(recorded.covered)} of {len(recorded.parts)} parts covered, not: "
        + ("; ".join(missed) + ".")
    )


def recorded_record(recorded: DeliveryRecorded) -> dict[str, Any]:
    """What was recorded, for --json."""
    return {
        "session": recorded.session_id,
        "module": recorded.module,
        "delivered_by": list(recorded.delivered_by),
        "as_planned": recorded.as_planned,
        "covered": None if recorded.covered is None else list(recorded.covered),
        "parts": list(recorded.parts),
    }


def report_delivery(
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Fidelity of delivery per stage and team: held sessions delivered by the trainers
    planned, co-delivered by a lived-experience trainer where the curriculum asks for it,
    and with every part of the agenda covered."""
    from refocus_cli.services import delivery

    with opened(db) as store:
        report = delivery.delivery_report(store, manual)
    rows = _report_rows(report, numbers=as_json or as_csv)
    if as_json:
        print_json({"rows": rows, "method": METHOD})
        return
    emit(
        rows,
        REPORT_COLUMNS,
        as_csv=as_csv,
        empty="No session has been held yet.",
        optional=["not_said"],
    )
    if not as_csv and rows:
        message(METHOD)


METHOD = (
    "Shares of held sessions. As planned: delivered by the trainers booked (a session with "
    "no delivery record counts as delivered by them). Co-delivered: of the sessions whose "
    "module the curriculum says is co-delivered, those with a lived-experience trainer "
    "among those who delivered it. All parts: of the sessions whose coverage was recorded, "
    "those covering every activity of the module (manual/modules/). These are refocus's "
    "fidelity measures, not the trial's."
)


def _report_rows(report: DeliveryReport, *, numbers: bool) -> list[dict[str, Any]]:
    from refocus_cli.core.delivery import share

    rows = []
    for row in report.rows:
        tally = row.tally
        figures = {
            "as_planned": share(tally.as_planned, tally.held),
            "co_delivered": share(tally.co_delivered, tally.co_delivery_asked),
            "fully_covered": share(tally.fully_covered, tally.coverage_recorded),
        }
        record: dict[str, Any] = {
            "stage": row.stage,
            "team": "All teams" if row.team_id is None else report.team_names.get(row.team_id),
            "held": tally.held,
            "not_said": tally.held - tally.delivery_recorded,
        }
        if numbers:
            record |= figures | {
                "delivery_recorded": tally.delivery_recorded,
                "co_delivery_asked": tally.co_delivery_asked,
                "coverage_recorded": tally.coverage_recorded,
                "missed_parts": dict(tally.missed_parts),
            }
        else:
            record |= {
                key: "–" if value is None else f"{value:.0f}%" for key, value in figures.items()
            }
        rows.append(record)
    return rows
