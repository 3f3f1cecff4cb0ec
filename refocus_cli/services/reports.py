"""Reports: the implementation measures as of a date, for every team or one cohort's;
the steering-group page; exports of the programme's records as CSV or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.exports import EXPORT_FORMATS, EXPORTS
from refocus_cli.core.measure_participation import ParticipationView, participation_view
from refocus_cli.core.measure_records import (
    MilestonesView,
    ProgressView,
    SteeringReport,
    milestones_view,
    progress_view,
)
from refocus_cli.core.measures import Implementation
from refocus_cli.services import manual as manual_service
from refocus_cli.services.context import effective_date
from refocus_cli.store import measures
from refocus_cli.store.database import Store


def _measure(
    store: Store, on: str | None, cohort: str | None, manual: Path | None
) -> tuple[Implementation, set[int] | None]:
    """The measures as of `on` (today if None), and a cohort's team ids if one is named."""
    team_ids = None
    if cohort is not None:
        from refocus_cli.store.cohorts import team_ids_of

        team_ids = team_ids_of(store, cohort)
    as_of = effective_date(store, on)
    impl = measures.implementation(store, manual_service.curriculum(store, manual), as_of)
    return impl, team_ids


def progress(
    store: Store, *, on: str | None = None, cohort: str | None = None, manual: Path | None = None
) -> ProgressView:
    """Where every team (or a cohort's) stands, stage by stage."""
    impl, team_ids = _measure(store, on, cohort, manual)
    return progress_view(impl, team_ids, cohort)


def participation(
    store: Store, *, on: str | None = None, cohort: str | None = None, manual: Path | None = None
) -> ParticipationView:
    """Each person's participation, team scores and the median split."""
    impl, team_ids = _measure(store, on, cohort, manual)
    return participation_view(impl, team_ids)


def milestones(
    store: Store, *, on: str | None = None, cohort: str | None = None, manual: Path | None = None
) -> MilestonesView:
    """Each team's stages: began, completed, days spent, share delivered."""
    impl, team_ids = _measure(store, on, cohort, manual)
    return milestones_view(impl, team_ids)


def steering_report(
    store: Store, *, on: str | None = None, cohort: str | None = None, manual: Path | None = None
) -> SteeringReport:
    """Everything the steering-group page shows, measured once."""
    impl, team_ids = _measure(store, on, cohort, manual)
    return SteeringReport(
        programme=store.programme()["name"],
        cohort=cohort,
        progress=progress_view(impl, team_ids),
        participation=participation_view(impl, team_ids),
        milestones=milestones_view(impl, team_ids),
    )


def write_html(
    store: Store,
    output: Path,
    *,
    on: str | None = None,
    cohort: str | None = None,
    manual: Path | None = None,
) -> SteeringReport:
    """Write the steering-group page to `output`; returns what it shows."""
    from refocus_cli.render.files import write_atomically
    from refocus_cli.render.report import render_report

    report = steering_report(store, on=on, cohort=cohort, manual=manual)
    write_atomically(output, render_report(report))
    return report


@dataclass(frozen=True)
class Export:
    """An export: what was exported, how many rows, and the text (CSV or JSON)."""

    what: str
    rows: int
    text: str


def _export_rows(
    store: Store, what: str, on: str | None, manual: Path | None
) -> list[dict[str, Any]]:
    if what not in EXPORTS:
        raise InvalidInput(f"cannot export {what!r}: choose one of {', '.join(EXPORTS)}")
    if what == "participation":
        return [row.table_row() for row in participation(store, on=on, manual=manual).staff]
    if what == "progress":
        return progress(store, on=on, manual=manual).flat()
    if what == "milestones":
        return [m.as_record() for m in milestones(store, on=on, manual=manual).milestones]
    # --on and --manual shape only the report exports, but a bad one is refused for all.
    effective_date(store, on)
    manual_service.curriculum(store, manual)
    if what == "sessions":
        from refocus_cli.store import sessions

        return sessions.listing(store)
    if what == "attendance":
        from refocus_cli.store import attendance

        return attendance.export_rows(store)
    if what == "staff":
        from refocus_cli.store import staff

        return staff.listing(store, include_left=True)
    from refocus_cli.store import teams

    return teams.listing(store)


def export(
    store: Store,
    what: str,
    fmt: str,
    output: Path | None = None,
    *,
    on: str | None = None,
    manual: Path | None = None,
) -> Export:
    """Sessions, attendance, staff, teams or a report as CSV or JSON text, written to
    `output` when one is given."""
    from refocus_cli.render.sheets import csv_text

    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"cannot export as {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    rows = _export_rows(store, what, on, manual)
    if fmt == "csv":
        text = csv_text(rows, [(key, key) for key in (rows[0] if rows else {})])
    else:
        text = json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n"
    if output is not None:
        from refocus_cli.render.files import write_atomically

        write_atomically(output, text)
    return Export(what, len(rows), text)
