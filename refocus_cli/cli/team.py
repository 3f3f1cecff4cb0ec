"""`refocus team …`: teams, merges and disbands."""

from __future__ import annotations

from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, OnOpt
from refocus_cli.cli.output import emit, message, print_json, print_record
from refocus_cli.core.dates import parse_date
from refocus_cli.core.display import show_day
from refocus_cli.core.programme import clean_name, clean_text
from refocus_cli.services.context import effective_date, opened

app = typer.Typer(
    help="Add, list, show and correct teams; merge and disband them.", no_args_is_help=True
)

TEAM_COLUMNS = [
    ("id", "Id"),
    ("name", "Team"),
    ("site", "Site"),
    ("kind", "Kind"),
    ("status", "Status"),
    ("staff", "Staff"),
    ("cohort", "Cohort"),
    ("ended_on", "Ended"),
    ("merged_into", "Merged into"),
    ("scheduled", "Scheduled"),
]
# On a narrow terminal these make room, the last first (`--csv` and `--json` keep them).
NARROW_TEAM_DROPS = ("site", "scheduled", "merged_into", "kind")
TeamArg = Annotated[str, typer.Argument(help="Team id or name.")]
ViewOnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Show teams as on this date, YYYY-MM-DD [default: today]."),
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The team's name.")],
    site: Annotated[str, typer.Option("--site", help="Where the team is based.")] = "",
    kind: Annotated[str, typer.Option("--kind", help="e.g. CMHT, early intervention, rehab.")] = "",
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add a team."""
    from refocus_cli.services.teams import add_team

    with opened(db) as store:
        team = add_team(
            store,
            clean_name(name, "team"),
            clean_text(site, "--site"),
            clean_text(kind, "--kind"),
        )
    if as_json:
        print_json(team.as_record())
    else:
        message(f"Added team {team.name} (id {team.id}).")


@app.command("list")
def list_teams(
    active: Annotated[bool, typer.Option("--active", help="Only teams still active.")] = False,
    on: ViewOnOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List teams as on a day (today unless --on) with their staff count and cohort; a
    later merge or disband shows as scheduled."""
    from refocus_cli.services.teams import list_teams

    day = parse_date(on, "--on") if on is not None else None
    with opened(db) as store:
        found = list_teams(store, include_ended=not active, on=day)
    emit(
        [team.as_record() for team in found],
        TEAM_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No teams yet: add one with `refocus team add NAME`.",
        optional=NARROW_TEAM_DROPS,
    )


@app.command("show")
def show(
    team: TeamArg, on: ViewOnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Show a team as on a day (today unless --on): its staff then, who joins later, and
    everyone who was ever in it, with dates."""
    from refocus_cli.services.teams import show_team

    day = parse_date(on, "--on") if on is not None else None
    with opened(db) as store:
        record = show_team(store, team, day).as_record()
    if as_json:
        print_json(record)
        return
    print_record(
        record,
        [*TEAM_COLUMNS[1:], ("merged_from", "Merged from"), ("merging_in", "Merging in")],
    )
    emit(
        record["members"],
        [
            ("id", "Id"),
            ("name", "Name"),
            ("role", "Role"),
            ("manager", "Manager"),
            ("email", "Email"),
            ("since", "Since"),
            ("scheduled", "Scheduled"),
        ],
        title=f"Staff on {record['on']}",
        empty=f"No staff on {record['on']}.",
    )
    if record["joining"]:
        emit(
            record["joining"],
            [("id", "Id"), ("name", "Name"), ("joins_on", "Joins on"), ("coming_from", "From")],
            title="Joining later",
        )
    emit(
        record["history"],
        [
            ("staff_id", "Id"),
            ("name", "Name"),
            ("start_date", "From"),
            ("end_date", "To"),
            ("end_reason", "Why it ended"),
        ],
        title="Membership history",
        empty="No membership history.",
    )


@app.command("edit")
def edit(
    team: TeamArg,
    name: Annotated[str | None, typer.Option("--name", help="The team's new name.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Where the team is based.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="e.g. CMHT, early intervention, rehab.")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Correct a team's name, site or kind; calendars of its sessions to come follow a rename."""
    from refocus_cli.services.teams import edit_team

    new_name = clean_name(name, "team") if name is not None else None
    new_site = clean_text(site, "--site") if site is not None else None
    new_kind = clean_text(kind, "--kind") if kind is not None else None
    with opened(db) as store:
        edited = edit_team(store, team, new_name, new_site, new_kind)
    if as_json:
        print_json(edited.as_record())
    else:
        message(edited.words())


@app.command("merge")
def merge(
    team: TeamArg,
    into: Annotated[str, typer.Option("--into", help="The team it joins (id or name).")],
    on: OnOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Merge a team into another: its staff move across on the date; history is kept."""
    from refocus_cli.services.teams import merge_teams

    with opened(db) as store:
        day = effective_date(store, on)
        result = merge_teams(store, team, into, day)
        later = day > store.today()
    if as_json:
        print_json(result.as_record())
    else:
        message(
            f"Merged {result.merged} into {result.into} on {show_day(result.on)}: "
            f"{result.staff_moved} staff moved."
            + _sessions_note(result.sessions_cancelled, result.sessions_left)
            + (_UNTIL_THEN if later else "")
        )


@app.command("disband")
def disband(
    team: TeamArg, on: OnOpt = None, db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False
) -> None:
    """Disband a team on a date: memberships end, history is kept."""
    from refocus_cli.services.teams import disband_team

    with opened(db) as store:
        day = effective_date(store, on)
        result = disband_team(store, team, day)
        later = day > store.today()
    if as_json:
        print_json(result.as_record())
    else:
        message(
            f"Disbanded {result.disbanded} on {show_day(result.on)}: {result.staff_released} "
            "staff have no team from then; give them one with `refocus staff move`."
            + _sessions_note(result.sessions_cancelled, result.sessions_left)
            + (_UNTIL_THEN if later else "")
        )


_UNTIL_THEN = " Until then the team shows as active, with the change scheduled."


def _sessions_note(cancelled: int, left: int) -> str:
    parts = []
    if cancelled:
        parts.append(f"{cancelled} of its own sessions from then on cancelled")
    if left:
        parts.append(f"{left} shared sessions go on without it")
    return (" " + "; ".join(parts).capitalize() + ".") if parts else ""
