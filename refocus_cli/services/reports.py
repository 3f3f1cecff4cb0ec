"""Reports: the implementation measures as of a date, for every team or one cohort's;
the steering-group page; exports of the programme's records as CSV or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refocus_cli.core.bulk import outlive
from refocus_cli.core.dates import parse_date
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.exports import EXPORT_FORMATS, EXPORTS
from refocus_cli.core.measure_participation import (
    ParticipationView,
    SplitOptions,
    participants,
    participation_view,
    pooled_attendance,
)
from refocus_cli.core.measure_split import DEFAULT_TIE_RULE, SplitDate, TieRule, split_date
from refocus_cli.core.measures import Implementation
from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.vocabulary import Strategy
from refocus_cli.services import manual as manual_service
from refocus_cli.services.context import effective_date
from refocus_cli.store import measures
from refocus_cli.store.database import Store

# Each report's view models are imported by the report that makes them: a command
# loads only its own.
if TYPE_CHECKING:
    from refocus_cli.core.measure_records import MilestonesView, ProgressView, SteeringReport
    from refocus_cli.services.export_filters import ExportFilter


def _team_ids(store: Store, cohort: str | None) -> set[int] | None:
    """A cohort's team ids, if one is named."""
    if cohort is None:
        return None
    from refocus_cli.store.cohorts import team_ids_of

    return team_ids_of(store, cohort)


def _measure(
    store: Store,
    as_of: date,
    manual: Path | None,
    scale: tuple[str, ...] = STRATEGIES,
    *,
    register: bool = True,
) -> Implementation:
    """The measures as of a date, scoring the strategies of `scale` (over the plan
    alone, the register left unread, with `register` False)."""
    curriculum = manual_service.curriculum(store, manual)
    facts = measures.load_facts(store, curriculum, as_of, register=register)
    return outlive(Implementation(facts, scale))


def _split_date(store: Store, on: str | None) -> SplitDate:
    """The day teams are compared on: --on, else the follow-up date once come, else today."""
    follow_up = store.programme().get("follow_up_date")
    return split_date(
        parse_date(on, "--on") if on is not None else None,
        date.fromisoformat(follow_up) if follow_up else None,
        store.today(),
    )


def progress(
    store: Store, *, on: str | None = None, cohort: str | None = None, manual: Path | None = None
) -> ProgressView:
    """Where every team (or a cohort's) stands, stage by stage."""
    from refocus_cli.core.measure_records import progress_view

    team_ids = _team_ids(store, cohort)
    return progress_view(_measure(store, effective_date(store, on), manual), team_ids, cohort)


@dataclass(frozen=True)
class Comparing:
    """How `report participation` compares teams: the tie rule, whether teams that have
    not finished the four stages are compared too (an interim look), and whether
    supervision reflection (a 1st-edition strategy) is scored."""

    ties: TieRule = DEFAULT_TIE_RULE
    include_unfinished: bool = False
    supervision_reflection: bool = True

    @property
    def scale(self) -> tuple[str, ...]:
        """The strategies scored."""
        if self.supervision_reflection:
            return STRATEGIES
        return tuple(s for s in STRATEGIES if s != Strategy.SUPERVISION_REFLECTION)

    def options(self, day: SplitDate) -> SplitOptions:
        """The split options for comparing teams on `day`."""
        return SplitOptions(day, self.ties, self.include_unfinished)


def participation(
    store: Store,
    *,
    on: str | None = None,
    cohort: str | None = None,
    manual: Path | None = None,
    comparing: Comparing = Comparing(),
) -> ParticipationView:
    """Each person's participation and the teams' scores as of the day teams are compared
    on (see _split_date), split at the median of the comparable teams."""
    team_ids = _team_ids(store, cohort)
    day = _split_date(store, on)
    impl = _measure(store, day.day, manual, comparing.scale)
    return participation_view(impl, team_ids, comparing.options(day), cohort)


def milestones(
    store: Store, *, on: str | None = None, cohort: str | None = None, manual: Path | None = None
) -> MilestonesView:
    """Each team's stages: began, completed, days spent, share delivered."""
    from refocus_cli.core.measure_records import milestones_view

    team_ids = _team_ids(store, cohort)
    # Milestones count planned and held sessions: who came does not change them.
    impl = _measure(store, effective_date(store, on), manual, register=False)
    return milestones_view(impl, team_ids)


def steering_report(
    store: Store,
    *,
    on: str | None = None,
    cohort: str | None = None,
    manual: Path | None = None,
    comparing: Comparing = Comparing(),
) -> SteeringReport:
    """Everything the steering-group page shows: progress and milestones as of `on`
    (today by default), participation as of the day teams are compared on."""
    from refocus_cli.core.measure_records import SteeringReport, milestones_view, progress_view

    team_ids = _team_ids(store, cohort)
    impl = _measure(store, effective_date(store, on), manual, comparing.scale)
    day = _split_date(store, on)
    same_day = day.day == impl.facts.as_of
    compared = impl if same_day else impl.as_of(day.day)
    view = participation_view(compared, team_ids, comparing.options(day), cohort)
    return SteeringReport(
        programme=store.programme()["name"],
        cohort=cohort,
        progress=progress_view(impl, team_ids),
        participation=view,
        milestones=milestones_view(impl, team_ids),
        attendance=view.attendance if same_day else pooled_attendance(participants(impl, team_ids)),
    )


def write_html(
    store: Store,
    output: Path,
    *,
    on: str | None = None,
    cohort: str | None = None,
    manual: Path | None = None,
    comparing: Comparing = Comparing(),
) -> SteeringReport:
    """Write the steering-group page to `output`; returns what it shows."""
    from refocus_cli.render.files import write_atomically
    from refocus_cli.render.report import render_report
    from refocus_cli.services import measures as measures_service
    from refocus_cli.services.outcomes import outcomes_of

    defined = measures_service.measures(manual)
    with store.reading():  # every part of the page from one state of the database
        report = steering_report(store, on=on, cohort=cohort, manual=manual, comparing=comparing)
        outcomes = outcomes_of(store, report.participation, comparing.ties, defined)
        windows = measures_service.milestones(store, cohort=cohort)
    write_atomically(output, render_report(report, outcomes, windows))
    return report


@dataclass(frozen=True)
class Export:
    """An export: what was exported, how many rows, and the text (CSV or JSON)."""

    what: str
    rows: int
    text: str


def _export_rows(
    store: Store, what: str, on: str | None, manual: Path | None, cohort: str | None
) -> list[dict[str, Any]]:
    if what not in EXPORTS:
        raise InvalidInput(f"cannot export {what!r}: choose one of {', '.join(EXPORTS)}")
    if what == "participation":
        view = participation(store, on=on, cohort=cohort, manual=manual)
        return [row.table_row() for row in view.staff]
    if what == "progress":
        return progress(store, on=on, cohort=cohort, manual=manual).flat()
    if what == "milestones":
        reached = milestones(store, on=on, cohort=cohort, manual=manual)
        return [m.as_record() for m in reached.milestones]
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
    chosen: ExportFilter | None = None,
) -> Export:
    """Sessions, attendance, staff, teams or a report as CSV or JSON text, narrowed to
    the rows `chosen` keeps, written to `output` when one is given."""
    from refocus_cli.render.sheets import csv_text
    from refocus_cli.services.export_filters import ExportFilter, kept

    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"cannot export as {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    chosen = chosen or ExportFilter()
    rows = kept(store, what, _export_rows(store, what, on, manual, chosen.cohort), chosen)
    if fmt == "csv":
        text = csv_text(rows, [(key, key) for key in (rows[0] if rows else {})])
    else:
        from refocus_cli.render.json_text import json_bytes

        text = json_bytes(rows, indent=True).decode()
    if output is not None:
        from refocus_cli.render.files import write_atomically

        write_atomically(output, text)
    return Export(what, len(rows), text)
