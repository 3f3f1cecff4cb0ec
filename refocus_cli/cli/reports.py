"""`refocus progress`, `refocus report ...` and `refocus export csv|json ...`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_csv, print_json, print_table
from refocus_cli.core.exports import EXPORTS
from refocus_cli.core.vocabulary import TeamStatus
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.core.measure_participation import ParticipationView
    from refocus_cli.core.measure_records import ProgressView, StageRow, TeamProgressRow

report_app = typer.Typer(help="Implementation reports: participation, milestones, HTML.")
export_app = typer.Typer(help="Export sessions, attendance, staff, teams and reports.")

AsOfOpt = Annotated[
    str | None,
    typer.Option("--on", help="Report as of this date, YYYY-MM-DD [default: today]."),
]
CohortArg = Annotated[
    str | None, typer.Argument(help="Only this cohort (id or name).", show_default=False)
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
        title=f"Progress as of {view.as_of.isoformat()}",
    )
    risky = [team for team in view.teams if team.flags]
    if risky:
        print("\nTeams at risk:")
        for team in risky:
            print(f"  {team.name}: " + "; ".join(team.flags))
    print(
        "\natt: share of expected staff who came to held sessions; reach: share of the team's "
        "staff keeping up with the stage so far. See `refocus report participation` for the "
        "method."
    )


def progress(
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Where every team stands, stage by stage: sessions held, attendance, reach, risks."""
    from refocus_cli.services import reports

    with opened(db) as store:
        view = reports.progress(store, on=on, cohort=cohort, manual=manual)
    if as_json:
        print_json(view.as_record())
    elif as_csv:
        flat = view.flat()
        print_csv(flat, [(key, key) for key in (flat[0] if flat else ["team"])])
    elif not view.teams:
        message("No teams to report on: add teams and schedule a cohort first.")
    else:
        _print_progress(view)


STAFF_TABLE_LIMIT = 500  # more rows than anyone reads in a terminal
SHORT_STRATEGIES = {
    "information-session": "Info",
    "working-practices-training": "WP",
    "coaching-training": "Coach",
    "manager-reflection": "Mgr refl",
    "team-reflection": "Team refl",
    "supervision-reflection": "Sup refl",
}


def _mark(value: int | None) -> str:
    """A strategy in the table: engaged, did not, or does not apply to this person."""
    return "–" if value is None else "✓" if value else "✗"


def _score(share: float | None, engaged: int, applicable: int) -> str:
    return "–" if share is None else f"{share:.0%} {engaged}/{applicable}"


def _print_people(view: ParticipationView) -> None:
    """Each person's strategies and score, unless too many for a terminal."""
    if len(view.staff) > STAFF_TABLE_LIMIT:
        message(
            f"{len(view.staff):,} staff: their rows are left out of this table; "
            "use --csv or --json (or `refocus export csv participation`) for them."
        )
        return
    if not view.staff:
        return
    anyone_left = any(person.left_on for person in view.staff)
    print_table(
        [
            {
                "id": person.id,
                "name": person.name,
                "team": person.team,
                "left_on": person.left_on.isoformat() if person.left_on else "",
                **{s: _mark(v) for s, v in person.strategies.items()},
                "score": _score(person.score, person.engaged, person.applicable),
            }
            for person in view.staff
        ],
        [
            ("id", "Id"),
            ("name", "Name"),
            ("team", "Team"),
            *([("left_on", "Left")] if anyone_left else []),
            *SHORT_STRATEGIES.items(),
            ("score", "Score"),
        ],
        title=f"Participation as of {view.as_of.isoformat()} "
        "(✓ engaged, ✗ did not, – does not apply)",
    )


def _print_teams(view: ParticipationView) -> None:
    """Team scores and levels, then each team's engagement strategy by strategy."""
    print_table(
        [
            {
                "name": team.name,
                "stayers": team.stayers,
                "score": _pct(team.score),
                "implementation": team.implementation or team.why_unscored,
            }
            for team in view.teams
        ],
        [
            ("name", "Team"),
            ("stayers", "Stayers"),
            ("score", "Team score"),
            ("implementation", "Implementation"),
        ],
        title="Teams (median split)",
    )
    scored = [team for team in view.teams if team.score is not None]
    if scored:
        print_table(
            [
                {
                    "name": team.name,
                    **{
                        s: f"{row.engaged}/{row.applicable}" if row.applicable else "–"
                        for s, row in team.strategies.items()
                    },
                }
                for team in scored
            ],
            [("name", "Team"), *SHORT_STRATEGIES.items()],
            title="Stayers engaged / stayers it applies to, by strategy",
        )


def _print_participation(view: ParticipationView) -> None:
    """People (unless too many for a terminal), team scores, the median and the method."""
    _print_people(view)
    _print_teams(view)
    print(f"Median team score: {_pct(view.median)}\n")
    print(view.method)


@report_app.command("participation")
def participation(
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Each person's share of the strategies that apply to them, team scores over stayers
    with engagement by strategy, and the median split."""
    from refocus_cli.core.measure_participation import PARTICIPANT_COLUMNS
    from refocus_cli.services import reports

    with opened(db) as store:
        view = reports.participation(store, on=on, cohort=cohort, manual=manual)
    if as_json:
        print_json(view.as_record())
    elif as_csv:
        print_csv([person.table_row() for person in view.staff], PARTICIPANT_COLUMNS)
    else:
        _print_participation(view)


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


@report_app.command("milestones")
def milestones(
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """For each team and stage: began, completed, days spent, share of activities delivered."""
    from refocus_cli.services import reports

    with opened(db) as store:
        view = reports.milestones(store, on=on, cohort=cohort, manual=manual)
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
                {**m, "proportion": _pct(m["proportion"]), "completed": m["completed"] or "-"}
                for m in records
            ],
            MILESTONE_COLUMNS,
            title=f"Milestones as of {view.as_of.isoformat()} (in the manner of the Stages of "
            "Implementation Completion)",
        )


@report_app.command("html")
def html(
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")],
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """One self-contained HTML page for a steering group: timelines, charts, tables, risks."""
    from refocus_cli.services import reports

    with opened(db) as store:
        report = reports.write_html(store, output, on=on, cohort=cohort, manual=manual)
    message(f"Wrote {output} ({len(report.progress.teams)} teams).")


WhatArg = Annotated[str, typer.Argument(help=f"What to export: {', '.join(EXPORTS)}.")]
OutOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="File to write [default: standard output].")
]


def _export(
    fmt: str, what: str, output: Path | None, manual: Path | None, on: str | None, db: Path
) -> None:
    from refocus_cli.services import reports

    with opened(db) as store:
        done = reports.export(store, what, fmt, output, on=on, manual=manual)
    if output is None:
        print(done.text, end="")
    else:
        message(f"Wrote {done.rows} {what} rows to {output}.")


@export_app.command("csv")
def export_csv(
    what: WhatArg,
    output: OutOpt = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Export as CSV; cells starting =, +, - or @ are neutralised for spreadsheets."""
    _export("csv", what, output, manual, on, db)


@export_app.command("json")
def export_json(
    what: WhatArg,
    output: OutOpt = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Export as JSON (a list of records with stable keys)."""
    _export("json", what, output, manual, on, db)
