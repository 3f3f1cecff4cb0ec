"""`refocus progress`, `refocus report ...` and `refocus export csv|json ...`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import (
    DEFAULT_DB,
    CohortArg,
    CohortOpt,
    CsvOpt,
    DbOpt,
    JsonOpt,
    ManualOpt,
    note_positional_cohort,
    pick_cohort,
)
from refocus_cli.cli.output import message, print_csv, print_json, print_table
from refocus_cli.cli.participation_table import say
from refocus_cli.core.bulk import without_gc
from refocus_cli.core.display import show_day
from refocus_cli.core.exports import EXPORTS
from refocus_cli.core.measure_split import DEFAULT_TIE_RULE, TieRule
from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.render.files import check_output, is_standard_output, where
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.core.measure_records import ProgressView, StageRow, TeamProgressRow
    from refocus_cli.services.export_filters import ExportFilter

# The report commands run with the collector paused from start to end (core/bulk.py):
# a national report's facts and figures are a million-odd objects with no reference
# cycles, freed as usual when the command returns; resuming it in between made its next
# passes walk them all, a fifth of the time.
report_app = typer.Typer(help="Implementation reports: participation, milestones, HTML.")
export_app = typer.Typer(help="Export sessions, attendance, staff, teams and reports.")

AsOfOpt = Annotated[
    str | None,
    typer.Option("--on", help="Report as of this date, YYYY-MM-DD [default: today]."),
]
SplitOnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="Compare teams as of this date, YYYY-MM-DD [default: the programme's follow-up "
        "date once it has come (`refocus programme set --follow-up`), else today].",
    ),
]
TiesOpt = Annotated[
    TieRule,
    typer.Option(
        "--ties",
        help="Where teams tied at the median go: split-by-rank keeps tied teams together in "
        "the half that leaves the groups nearest in size; low or high put them there.",
    ),
]
SupervisionOpt = Annotated[
    bool,
    typer.Option(
        "--supervision-reflection/--no-supervision-reflection",
        help="Score supervision reflection, a strategy of the manual's 1st edition (the "
        "trial's) whose vehicle, the supervision form, the 2nd edition dropped.",
    ),
]
UnfinishedOpt = Annotated[
    bool,
    typer.Option(
        "--include-unfinished",
        help="Also compare teams that have not finished the four stages (an interim look; "
        "warned when they are at different stages).",
    ),
]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _stage_cell(stage: StageRow) -> str:
    """A stage in the progress table: sessions held, attendance, reach, registers due."""
    if not stage.planned and not stage.cancelled:
        return "-"
    cell = f"{stage.held}/{stage.planned} held"
    if stage.held:
        cell += f"\natt {_pct(stage.attendance)}"
    if stage.reach is not None:
        cell += f"\nreach {_pct(stage.reach)}"
    if stage.awaiting_register:
        cell += f"\n{stage.awaiting_register} no register"
    return cell


def _progress_row(team: TeamProgressRow) -> dict[str, Any]:
    name = team.name
    if team.status != TeamStatus.ACTIVE:
        name += f" ({team.status} {team.ended_on})"
    elif team.scheduled:
        name += f" ({team.scheduled})"
    row: dict[str, Any] = {"team": name, "cohort": team.cohort or "-"}
    row.update({stage.stage: _stage_cell(stage) for stage in team.stages})
    row["flags"] = len(team.flags) or ""
    return row


def _print_progress(view: ProgressView) -> None:
    """The progress table, the teams at risk, and what the figures mean."""
    from refocus_cli.core.programme import STAGES

    columns = [("team", "Team"), ("cohort", "Cohort")]
    columns += [(key, key.replace("-", " ").capitalize()) for key in STAGES]
    columns.append(("flags", "Risks"))
    print_table(
        [_progress_row(team) for team in view.teams],
        columns,
        title=f"Progress as of {show_day(view.as_of)}",
    )
    risky = [team for team in view.teams if team.flags]
    if risky:
        print("\nTeams at risk:")
        for team in risky:
            say(f"{team.name}: " + "; ".join(team.flags), indent="  ")
    print()
    say(
        "held/planned counts sessions: a team split into groups has one per group "
        "(`report milestones` counts planned activities instead)."
    )
    say(
        "att: share of expected staff who came to held sessions; reach: share of the team's "
        "staff keeping up with the stage so far. See `refocus report participation` for the "
        "method."
    )


@without_gc
def progress(
    cohort: CohortArg = None,
    cohort_option: CohortOpt = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Where every team stands, stage by stage: sessions held, attendance, reach, risks."""
    from refocus_cli.services import reports

    with opened(db) as store:
        view = reports.progress(
            store, on=on, cohort=pick_cohort(cohort, cohort_option), manual=manual
        )
    if as_json:
        print_json(view.as_record())
    elif as_csv:
        flat = view.flat()
        print_csv(flat, [(key, key) for key in (flat[0] if flat else ["team"])])
    elif not view.teams:
        message("No teams to report on: add teams and schedule a cohort first.")
    else:
        _print_progress(view)
    note_positional_cohort(cohort, cohort_option, "progress")


@report_app.command("participation")
@without_gc
def participation(
    cohort: CohortArg = None,
    cohort_option: CohortOpt = None,
    on: SplitOnOpt = None,
    ties: TiesOpt = DEFAULT_TIE_RULE,
    include_unfinished: UnfinishedOpt = False,
    supervision_reflection: SupervisionOpt = True,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Each person's share of the strategies that apply to them, team scores over stayers
    with engagement by strategy, and the median split of the comparable teams."""
    from refocus_cli.cli.participation_table import print_participation
    from refocus_cli.core.measure_participation import PARTICIPANT_COLUMNS
    from refocus_cli.services import reports

    comparing = reports.Comparing(ties, include_unfinished, supervision_reflection)
    with opened(db) as store:
        view = reports.participation(
            store,
            on=on,
            cohort=pick_cohort(cohort, cohort_option),
            manual=manual,
            comparing=comparing,
        )
    if as_json:
        print_json(view.as_record())
    elif as_csv:
        print_csv([person.table_row() for person in view.staff], PARTICIPANT_COLUMNS)
    else:
        print_participation(view)
    note_positional_cohort(cohort, cohort_option, "report participation")


MILESTONE_COLUMNS = [
    ("team", "Team"),
    ("stage", "Stage"),
    ("began", "Began"),
    ("completed", "Completed"),
    ("days", "Days"),
    ("delivered", "Delivered"),
    ("planned", "Planned"),
    ("proportion", "Share delivered"),
]
# People see what was delivered as "11 of 22 (50%)", so the table fits 80 columns.
MILESTONE_TABLE = [*MILESTONE_COLUMNS[:5], ("delivered", "Delivered")]


@report_app.command("milestones")
@without_gc
def milestones(
    cohort: CohortArg = None,
    cohort_option: CohortOpt = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """For each team and stage: began, completed, days spent, share of activities delivered."""
    from refocus_cli.services import reports

    with opened(db) as store:
        view = reports.milestones(
            store,
            on=on,
            cohort=pick_cohort(cohort, cohort_option),
            manual=manual,
        )
    note_positional_cohort(cohort, cohort_option, "report milestones")
    if as_json:
        print_json(view.as_record())
        return
    records = [m.as_record() for m in view.milestones]
    if as_csv:
        print_csv(records, MILESTONE_COLUMNS)
    elif not records:
        message("No team has sessions yet: schedule a cohort first.")
    else:
        print_table(
            [
                {
                    **m,
                    "completed": m["completed"] or "–",
                    "delivered": f"{m['delivered']} of {m['planned']} ({_pct(m['proportion'])})",
                }
                for m in records
            ],
            MILESTONE_TABLE,
            title=f"Milestones as of {show_day(view.as_of)} (in the manner of the Stages of "
            "Implementation Completion)",
        )
        print()
        say(
            "Delivered counts planned activities: one per module and session number, "
            "however many groups a team is split into (`progress` counts sessions instead)."
        )


@report_app.command("html")
@without_gc
def html(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="HTML file to write, or - for standard output.")
    ] = Path("-"),
    cohort: CohortArg = None,
    cohort_option: CohortOpt = None,
    on: AsOfOpt = None,
    ties: TiesOpt = DEFAULT_TIE_RULE,
    include_unfinished: UnfinishedOpt = False,
    supervision_reflection: SupervisionOpt = True,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """One self-contained HTML page for a steering group: timelines, charts, tables, risks,
    the split of the comparable teams and where every figure comes from."""
    from refocus_cli.services import reports

    comparing = reports.Comparing(ties, include_unfinished, supervision_reflection)
    check_output(output)
    with opened(db) as store:
        report = reports.write_html(
            store,
            output,
            on=on,
            cohort=pick_cohort(cohort, cohort_option),
            manual=manual,
            comparing=comparing,
        )
    message(
        f"Wrote the steering-group page to {where(output)} ({len(report.progress.teams)} teams)."
    )
    note_positional_cohort(cohort, cohort_option, "report html")


WhatArg = Annotated[str, typer.Argument(help=f"What to export: {', '.join(EXPORTS)}.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="File to write, or - [default: standard output]."),
]


TeamOpt = Annotated[str | None, typer.Option("--team", help="Only this team (id or name).")]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="Sessions and attendance from this date, YYYY-MM-DD."),
]
ToOpt = Annotated[
    str | None, typer.Option("--to", help="Sessions and attendance to this date, YYYY-MM-DD.")
]


@dataclass(frozen=True)
class _Narrowed:
    """The filters of an export, as typed."""

    cohort: str | None
    team: str | None
    since: str | None
    until: str | None

    def parsed(self) -> ExportFilter:
        from refocus_cli.core.dates import parse_date
        from refocus_cli.services.export_filters import ExportFilter

        return ExportFilter(
            self.cohort,
            self.team,
            parse_date(self.since, "--from") if self.since is not None else None,
            parse_date(self.until, "--to") if self.until is not None else None,
        )


@without_gc
def _export(
    fmt: str,
    what: str,
    output: Path | None,
    manual: Path | None,
    on: str | None,
    db: Path,
    narrowed: _Narrowed,
) -> None:
    from refocus_cli.services import reports

    if output is not None:
        check_output(output)
    chosen = narrowed.parsed()
    with opened(db) as store:
        done = reports.export(store, what, fmt, output, on=on, manual=manual, chosen=chosen)
    if output is None:
        print(done.text, end="")
    elif not is_standard_output(output):
        message(f"Wrote {done.rows} {what} rows to {output}.")


@export_app.command("csv")
def export_csv(
    what: WhatArg,
    output: OutOpt = None,
    cohort: CohortOpt = None,
    team: TeamOpt = None,
    since: FromOpt = None,
    until: ToOpt = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Export as CSV; cells starting =, +, - or @ are neutralised for spreadsheets."""
    _export("csv", what, output, manual, on, db, _Narrowed(cohort, team, since, until))


@export_app.command("json")
def export_json(
    what: WhatArg,
    output: OutOpt = None,
    cohort: CohortOpt = None,
    team: TeamOpt = None,
    since: FromOpt = None,
    until: ToOpt = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Export as JSON (a list of records with stable keys)."""
    _export("json", what, output, manual, on, db, _Narrowed(cohort, team, since, until))
