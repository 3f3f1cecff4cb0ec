"""Checking a staff roster before anything from it is written.

A roster is all-or-nothing: every problem in every row is collected, and the
import goes ahead only when there are none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from refocus_cli.core.dates import parse_sheet_date
from refocus_cli.core.errors import FileProblems, InvalidInput
from refocus_cli.core.programme import EMAIL, clean_name
from refocus_cli.core.tabular import Table

# Header spellings seen in NHS rosters, after lower-casing and dropping
# everything but letters.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "staffname", "staffmember", "employee", "employeename"),
    "team": ("team", "teamname", "service"),
    "email": ("email", "emailaddress", "mail", "workemail"),
    "role": ("role", "jobtitle", "job", "position", "profession"),
    "manager": ("manager", "ismanager", "teammanager"),
    "start": ("start", "startdate", "started", "joined", "datejoined", "from"),
}
REQUIRED = ("name", "team")

TRUE_WORDS = {"yes", "y", "true", "1", "x", "manager"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RosterEntry:
    row: int
    name: str
    team: str
    email: str | None
    role: str
    manager: bool
    start: date


@dataclass(frozen=True)
class KnownPerson:
    name: str
    team: str | None
    staff_id: int


@dataclass
class RosterPlan:
    """What an import would do: staff to add, rows already on record, teams to create."""

    to_add: list[RosterEntry] = field(default_factory=list)
    unchanged: list[RosterEntry] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)
    # Staff on record without an email whom a row names with one: (staff id, row).
    emails_added: list[tuple[int, RosterEntry]] = field(default_factory=list)


def _key(header: str) -> str:
    return re.sub(r"[^a-z]", "", header.lower())


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column positions by field, and the problems with the header row."""
    positions: dict[str, int] = {}
    problems: list[str] = []
    for index, header in enumerate(headers):
        key = _key(header)
        for column, spellings in COLUMNS.items():
            if key in spellings:
                if column in positions:
                    problems.append(f"row 1: column {header!r} repeats the {column} column")
                else:
                    positions[column] = index
    for column in REQUIRED:
        if column not in positions:
            found = ", ".join(repr(h) for h in headers if h) or "none"
            problems.append(f"row 1: missing required column {column!r} (found columns: {found})")
    return positions, problems


def _manager(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(value)


def check_roster(
    table: Table,
    teams: dict[str, str],
    known_by_email: dict[str, KnownPerson],
    known_by_name_team: set[tuple[str, str]],
    default_start: date,
    create_teams: bool = False,
    ended_teams: dict[str, str] | None = None,
    no_email_ids: dict[tuple[str, str], list[int]] | None = None,
) -> RosterPlan:
    """Validate every row of a roster; raise FileProblems listing them all, or return the plan.

    `teams` maps each active team's lower-cased name to its name as recorded;
    `known_by_email` maps lower-cased emails of staff on record to who they are;
    `known_by_name_team` holds (lower name, lower team) of current staff with no email;
    `ended_teams` maps merged or disbanded teams' lower-cased names to what became of them;
    `no_email_ids` gives the ids behind `known_by_name_team`: a row that names the only
    such person in that team *with* an email gives them that email instead of adding a
    second record for the same person.
    """
    if not table.headers:
        raise InvalidInput(
            f"{table.source} is empty: it needs a header row (name, team, email, role, "
            "manager, start) and one row per person"
        )
    positions, problems = map_columns(table.headers)
    if problems:
        raise FileProblems(table.source, problems)
    if not table.rows:
        raise FileProblems(table.source, ["the file has a header but no staff rows"])

    plan = RosterPlan()
    seen_emails: dict[str, int] = {}
    new_team_names: dict[str, str] = {}

    def cell(cells: list[str], column: str) -> str:
        index = positions.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    for row, cells in table.rows:
        row_problems: list[str] = []
        try:
            name = clean_name(cell(cells, "name"), "staff")
        except InvalidInput as exc:
            row_problems.append(str(exc))
            name = ""
        team_text = " ".join(cell(cells, "team").split())
        team = teams.get(team_text.lower())
        if not team_text:
            row_problems.append("team is empty")
        elif team is None and team_text.lower() in (ended_teams or {}):
            row_problems.append(f"team {team_text!r} {(ended_teams or {})[team_text.lower()]}")
        elif team is None:
            if create_teams:
                # A created team must pass the checks `refocus team add` makes: a
                # team called "12" would otherwise be read as the id 12 ever after.
                try:
                    clean_name(team_text, "team")
                    team = new_team_names.setdefault(team_text.lower(), team_text)
                except InvalidInput as exc:
                    row_problems.append(str(exc))
            else:
                row_problems.append(
                    f"unknown team {team_text!r}: add it with `refocus team add` "
                    "or import with --create-teams"
                )
        email = cell(cells, "email").lower() or None
        if email is not None:
            if not EMAIL.match(email):
                row_problems.append(f"malformed email {email!r}")
            elif email in seen_emails:
                row_problems.append(f"email {email} is also on row {seen_emails[email]}")
            else:
                seen_emails[email] = row
        try:
            manager = _manager(cell(cells, "manager"))
        except ValueError:
            row_problems.append(f"manager {cell(cells, 'manager')!r} is not yes or no")
            manager = False
        start_text = cell(cells, "start")
        start = default_start
        if start_text:
            try:
                start = parse_sheet_date(start_text)
            except ValueError:
                row_problems.append(
                    f"start date {start_text!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY"
                )
        role = " ".join(cell(cells, "role").split())
        if len(role) > 200:
            row_problems.append("role is over 200 characters")

        entry = RosterEntry(row, name, team or team_text, email, role, manager, start)
        if not row_problems:
            known = known_by_email.get(email) if email else None
            if known is not None:
                same = (
                    known.name.lower() == name.lower()
                    and (known.team or "").lower() == (team or "").lower()
                )
                if same:
                    plan.unchanged.append(entry)
                    continue
                where = f"in team {known.team}" if known.team else "with no current team"
                row_problems.append(
                    f"email {email} already belongs to {known.name} (id {known.staff_id}) "
                    f"{where}: use `refocus staff move` for a change of team"
                )
            elif email is None and (name.lower(), (team or "").lower()) in known_by_name_team:
                plan.unchanged.append(entry)
                continue
            elif email is not None:
                ids = (no_email_ids or {}).get((name.lower(), (team or "").lower()), [])
                if len(ids) == 1:
                    plan.emails_added.append((ids[0], entry))
                    continue
        if row_problems:
            problems.extend(f"row {row}: {problem}" for problem in row_problems)
        else:
            plan.to_add.append(entry)

    if problems:
        raise FileProblems(table.source, problems)
    plan.new_teams = sorted(new_team_names.values())
    return plan
