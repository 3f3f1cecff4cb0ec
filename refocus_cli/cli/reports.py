"""`refocus progress`, `refocus report ...` and `refocus export csv|json ...`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_json, print_table
from refocus_cli.core.errors import InvalidInput
from refocus_cli.render.files import write_atomically
from refocus_cli.services.context import effective_date, opened

if TYPE_CHECKING:
    from refocus_cli.core.measures import Implementation
    from refocus_cli.store.database import Store

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


def _measure(
    store: Store, manual: Path | None, on: str | None, cohort: str | None = None
) -> tuple[Implementation, set[int] | None]:
    from refocus_cli.services import manual as manual_service
    from refocus_cli.store import measures

    team_ids = None
    if cohort is not None:
        from refocus_cli.store.cohorts import team_ids_of

        team_ids = team_ids_of(store, cohort)
    as_of = effective_date(store, on)
    impl = measures.implementation(store, manual_service.curriculum(store, manual), as_of)
    return impl, team_ids


def _report(db: Path, manual: Path | None, on: str | None, cohort: str | None, build) -> dict:
    """One report's data: the measures as of `on`, narrowed to a cohort if given."""
    with opened(db) as store:
        impl, team_ids = _measure(store, manual, on, cohort)
        return build(impl, team_ids)


def progress_data(impl: Implementation, team_ids: set[int] | None) -> dict[str, Any]:
    from refocus_cli.core.measure_records import progress_records

    return {"as_of": impl.facts.as_of.isoformat(), "teams": progress_records(impl, team_ids)}


def _progress_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Progress flattened to one row per team and stage, for CSV."""
    return [
        {"team": team["name"], "cohort": team["cohort"], **stage}
        for team in data["teams"]
        for stage in team["stages"]
    ]


def progress(
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Where every team stands, stage by stage: sessions held, attendance, reach, risks."""
    from refocus_cli.core.programme import STAGES

    data = _report(db, manual, on, cohort, progress_data)
    if cohort is not None:
        data["cohort"] = cohort
    if as_json:
        print_json(data)
        return
    flat = _progress_rows(data)
    if as_csv:
        from refocus_cli.cli.output import print_csv

        keys = ["team", "cohort", *data["teams"][0]["stages"][0].keys()] if flat else ["team"]
        print_csv(flat, [(k, k) for k in keys])
        return
    if not data["teams"]:
        message("No teams to report on: add teams and schedule a cohort first.")
        return
    rows = []
    for team in data["teams"]:
        name = team["name"]
        if team["status"] != "active":
            name += f" ({team['status']} {team['ended_on']})"
        row = {"team": name, "cohort": team["cohort"] or "-"}
        for stage in team["stages"]:
            if not stage["planned"] and not stage["cancelled"]:
                row[stage["stage"]] = "-"
                continue
            cell = f"{stage['held']}/{stage['planned']} held"
            if stage["held"]:
                cell += f"\natt {_pct(stage['attendance'])}"
            if stage["reach"] is not None:
                cell += f"\nreach {_pct(stage['reach'])}"
            if stage["awaiting_register"]:
                cell += f"\n{stage['awaiting_register']} no register"
            row[stage["stage"]] = cell
        row["flags"] = len(team["flags"]) or ""
        rows.append(row)
    columns = [("team", "Team"), ("cohort", "Cohort")]
    columns += [(key, key.replace("-", " ").capitalize()) for key in STAGES]
    columns.append(("flags", "Risks"))
    print_table(rows, columns, title=f"Progress as of {data['as_of']}")
    risky = [team for team in data["teams"] if team["flags"]]
    if risky:
        print("\nTeams at risk:")
        for team in risky:
            print(f"  {team['name']}: " + "; ".join(team["flags"]))
    print(
        "\natt: share of expected staff who came to held sessions; reach: share of the team's "
        "staff keeping up with the stage so far. See `refocus report participation` for the "
        "method."
    )


def participation_data(impl: Implementation, team_ids: set[int] | None) -> dict[str, Any]:
    from refocus_cli.core.measure_records import participation_records, team_score_records
    from refocus_cli.core.measures import METHOD

    staff = participation_records(impl)
    median = impl.median
    if team_ids is not None:
        names = {impl.facts.teams[i].name for i in team_ids if i in impl.facts.teams}
        staff = [row for row in staff if row["team"] in names]
        median = impl.split_within(team_ids)
    return {
        "as_of": impl.facts.as_of.isoformat(),
        "median": median,
        "staff": staff,
        "teams": team_score_records(impl, team_ids),
        "method": METHOD,
    }


STAFF_TABLE_LIMIT = 500  # more rows than anyone reads in a terminal


def _staff_rows(staff: list[dict]) -> tuple[list[dict], list[tuple[str, str]]]:
    from refocus_cli.core.programme import STRATEGIES

    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "team": r["team"],
            "left_on": r["left_on"],
            **r["strategies"],
            "score": r["score"],
        }
        for r in staff
    ]
    columns = [("id", "id"), ("name", "name"), ("team", "team"), ("left_on", "left")]
    columns += [(s, s) for s in STRATEGIES] + [("score", "score")]
    return rows, columns


@report_app.command("participation")
def participation(
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Each person's participation (0-6), team scores over stayers, and the median split."""
    from refocus_cli.cli.output import print_csv

    data = _report(db, manual, on, cohort, participation_data)
    if as_json:
        print_json(data)
        return
    rows, columns = _staff_rows(data["staff"])
    if as_csv:
        print_csv(rows, columns)
        return
    if len(rows) > STAFF_TABLE_LIMIT:
        message(
            f"{len(rows):,} staff: their rows are left out of this table; "
            "use --csv or --json (or `refocus export csv participation`) for them."
        )
        rows = []
    short = {
        "information-session": "Info",
        "working-practices-training": "WP",
        "coaching-training": "Coach",
        "manager-reflection": "Mgr refl",
        "team-reflection": "Team refl",
        "supervision-reflection": "Sup refl",
    }
    if rows:
        print_table(
            [{k: ("✓" if v == 1 and k in short else v) for k, v in r.items()} for r in rows],
            [(k, short.get(k, h.capitalize())) for k, h in columns],
            title=f"Participation as of {data['as_of']}",
        )
    print_table(
        [
            {
                **t,
                "score": "-" if t["score"] is None else f"{t['score']:.2f}",
                "implementation": t["implementation"] or t["why_unscored"],
            }
            for t in data["teams"]
        ],
        [
            ("name", "Team"),
            ("stayers", "Stayers"),
            ("score", "Team score"),
            ("implementation", "Implementation"),
        ],
        title="Teams (median split)",
    )
    median = "-" if data["median"] is None else f"{data['median']:.2f}"
    print(f"Median team score: {median}\n")
    print(data["method"])


def milestones_data(impl: Implementation, team_ids: set[int] | None) -> dict[str, Any]:
    from refocus_cli.core.measure_records import milestone_records

    return {
        "as_of": impl.facts.as_of.isoformat(),
        "milestones": milestone_records(impl, team_ids),
    }


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
    from refocus_cli.cli.output import print_csv

    data = _report(db, manual, on, cohort, milestones_data)
    if as_json:
        print_json(data)
        return
    if as_csv:
        print_csv(data["milestones"], MILESTONE_COLUMNS)
        return
    if not data["milestones"]:
        message("No team has sessions yet: schedule a cohort first.")
        return
    print_table(
        [
            {**m, "proportion": _pct(m["proportion"]), "completed": m["completed"] or "-"}
            for m in data["milestones"]
        ],
        MILESTONE_COLUMNS,
        title=f"Milestones as of {data['as_of']} (in the manner of the Stages of "
        "Implementation Completion)",
    )


def steering_data(
    store: Store, manual: Path | None, on: str | None, cohort: str | None
) -> dict[str, Any]:
    """Everything the steering-group page shows, measured once."""
    impl, team_ids = _measure(store, manual, on, cohort)
    return {
        "programme": store.programme()["name"],
        "cohort": cohort,
        "progress": progress_data(impl, team_ids),
        "participation": participation_data(impl, team_ids),
        "milestones": milestones_data(impl, team_ids),
    }


@report_app.command("html")
def html(
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")],
    cohort: CohortArg = None,
    on: AsOfOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """One self-contained HTML page for a steering group: timelines, charts, tables, risks."""
    from refocus_cli.render.report import render_report

    with opened(db) as store:
        data = steering_data(store, manual, on, cohort)
    page = render_report(data)
    write_atomically(output, page)
    message(f"Wrote {output} ({len(data['progress']['teams'])} teams).")


EXPORTS = ("sessions", "attendance", "staff", "teams", "participation", "progress", "milestones")
WhatArg = Annotated[str, typer.Argument(help=f"What to export: {', '.join(EXPORTS)}.")]
OutOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="File to write [default: standard output].")
]


def _export_rows(store: Store, what: str, manual: Path | None, on: str | None) -> list[dict]:
    from refocus_cli.services import manual as manual_service

    if what not in EXPORTS:
        raise InvalidInput(f"cannot export {what!r}: choose one of {', '.join(EXPORTS)}")
    if what in ("participation", "progress", "milestones"):
        impl, _ = _measure(store, manual, on)
        if what == "participation":
            return _staff_rows(participation_data(impl, None)["staff"])[0]
        if what == "progress":
            return _progress_rows(progress_data(impl, None))
        return milestones_data(impl, None)["milestones"]
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


def _csv_text(rows: list[dict]) -> str:
    import io

    from refocus_cli.cli.output import write_csv

    buffer = io.StringIO()
    write_csv(buffer, rows, [(key, key) for key in (rows[0] if rows else {})])
    return buffer.getvalue()


def _export(fmt: str, what: str, output: Path | None, manual, on, db) -> None:
    import json

    with opened(db) as store:
        rows = _export_rows(store, what, manual, on)
    text = (
        _csv_text(rows)
        if fmt == "csv"
        else json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    if output is None:
        print(text, end="")
    else:
        write_atomically(output, text)
        message(f"Wrote {len(rows)} {what} rows to {output}.")


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
