"""Checking a staff roster before anything from it is written.

A roster is all-or-nothing: every problem in every row is collected, and the
import goes ahead only when there are none.
"""

from __future__ import annotations

import re
from datetime import date

from refocus_cli.core.dates import parse_sheet_date
from refocus_cli.core.errors import FileProblems, InvalidInput
from refocus_cli.core.people import folded
from refocus_cli.core.roster_names import duplicate_names

# The shapes of a checked roster live in roster_plan; these names stay importable from here.
from refocus_cli.core.roster_plan import ClinicalToSet, EmailToAdd
from refocus_cli.core.roster_plan import EndedTeam as EndedTeam
from refocus_cli.core.roster_plan import KnownPerson as KnownPerson
from refocus_cli.core.roster_plan import RosterContext as RosterContext
from refocus_cli.core.roster_plan import RosterEntry as RosterEntry
from refocus_cli.core.roster_plan import RosterPlan as RosterPlan
from refocus_cli.core.tabular import Table
from refocus_cli.core.text import clean_email, clean_name, clean_text

# Header spellings seen in NHS rosters, after lower-casing and dropping
# everything but letters.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "staffname", "staffmember", "employee", "employeename"),
    "team": ("team", "teamname", "service"),
    "email": ("email", "emailaddress", "mail", "workemail"),
    "role": ("role", "jobtitle", "job", "position", "profession"),
    "manager": ("manager", "ismanager", "teammanager"),
    "start": ("start", "startdate", "started", "joined", "datejoined", "from"),
    "clinical": (
        "clinical",
        "isclinical",
        "clinicalstaff",
        "clinicalrole",
        "caseload",
        "holdscaseload",
        "holdsacaseload",
        "hascaseload",
        "hasacaseload",
    ),
}
REQUIRED = ("name", "team")
# What a problem with a cell calls its column.
LABELS = {"name": "staff name", "team": "team name", "start": "start date"}

TRUE_WORDS = {"yes", "y", "true", "1", "x", "manager"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
CLINICAL_WORDS = {"yes": True, "y": True, "true": True, "1": True, "x": True}
CLINICAL_WORDS |= {"no": False, "n": False, "false": False, "0": False}


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
    on_record: RosterContext,
    default_start: date,
    create_teams: bool = False,
    allow_duplicate_names: bool = False,
) -> RosterPlan:
    """Validate every row of a roster; raise FileProblems listing them all, or return the plan.

    A row that names, with an email, the only person of that name and team on record
    without one gives them that email instead of adding a second record for them. A row
    that says whether someone on record is clinical records it where their flag is a guess.
    A person added under a name already taken is refused (core/roster_names.py says when)
    unless `allow_duplicate_names`; the plan then lists them, for a warning.
    """
    reader = _RowReader(_columns_of(table), on_record, default_start, create_teams)
    plan = RosterPlan()
    problems: list[str] = []
    for row, cells in table.rows:
        entry, row_problems = reader.entry(row, cells)
        if not row_problems:
            if _already_on_record(entry, on_record):
                plan.unchanged.append(entry)
                _note_clinical(entry, on_record, plan)
                continue
            taken = _email_taken(entry, on_record)
            if taken:
                row_problems.append(taken)
            elif (email_to_add := _email_to_add(entry, on_record)) is not None:
                plan.emails_added.append(email_to_add)
                _note_clinical(entry, on_record, plan, email_to_add.staff_id)
                continue
        if row_problems:
            problems.extend(f"row {row}: {problem}" for problem in row_problems)
        else:
            plan.to_add.append(entry)
    if problems:
        raise FileProblems(table.source, problems)
    plan.new_teams.extend(sorted(reader.new_teams.values()))
    duplicates = duplicate_names(plan, on_record)
    if duplicates and not allow_duplicate_names:
        raise FileProblems(table.source, [duplicate.problem() for duplicate in duplicates])
    plan.duplicate_names.extend(duplicate.warning() for duplicate in duplicates)
    return plan


def _note_clinical(
    entry: RosterEntry, on_record: RosterContext, plan: RosterPlan, staff_id: int | None = None
) -> None:
    """Plan to record the clinical flag a row gives someone on record whose flag is a guess."""
    if entry.clinical_guessed:
        return
    if staff_id is None:
        staff_id = _staff_id_on_record(entry, on_record)
    if staff_id is not None and staff_id in on_record.clinical_guessed:
        plan.clinical_set.append(ClinicalToSet(staff_id, entry))


def _staff_id_on_record(entry: RosterEntry, on_record: RosterContext) -> int | None:
    """The id of the one person on record a row describes as they are, if there is one."""
    if entry.email is not None:
        known = on_record.by_email.get(entry.email)
        return known.staff_id if known else None
    ids = on_record.without_email.get(_name_and_team(entry), ())
    return ids[0] if len(ids) == 1 else None


def _columns_of(table: Table) -> dict[str, int]:
    """The column positions of a roster whose header row is usable and has rows under it."""
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
    return positions


def _name_and_team(entry: RosterEntry) -> tuple[str, str]:
    return entry.name.lower(), entry.team.lower()


def _already_on_record(entry: RosterEntry, on_record: RosterContext) -> bool:
    """Whether a row describes someone on record exactly as they are."""
    if entry.email is None:
        return bool(on_record.without_email.get(_name_and_team(entry)))
    known = on_record.by_email.get(entry.email)
    if known is None:
        return False
    return (known.name.lower(), (known.team or "").lower()) == _name_and_team(entry)


def _email_taken(entry: RosterEntry, on_record: RosterContext) -> str | None:
    """The problem with a row whose email belongs to someone else on record, if it does."""
    known = on_record.by_email.get(entry.email) if entry.email else None
    if known is None:
        return None
    where = f"in team {known.team}" if known.team else "with no current team"
    return (
        f"email {entry.email} already belongs to {known.name} (id {known.staff_id}) "
        f"{where}: use `refocus staff move` for a change of team"
    )


def _email_to_add(entry: RosterEntry, on_record: RosterContext) -> EmailToAdd | None:
    """A row giving an email to the one person of its name and team on record without one."""
    if entry.email is None:
        return None
    ids = on_record.without_email.get(_name_and_team(entry), ())
    return EmailToAdd(ids[0], entry) if len(ids) == 1 else None


class _RowReader:
    """Reads a roster's rows one by one into entries, with each row's problems.

    It remembers what earlier rows gave: their emails (each may appear once) and the
    teams they would create.
    """

    def __init__(
        self,
        positions: dict[str, int],
        on_record: RosterContext,
        default_start: date,
        create_teams: bool,
    ) -> None:
        # Where each of COLUMNS is in a row, in their order (name, team, email, role,
        # manager, start, clinical); -1 for a column the roster does not have.
        self.indices = [positions.get(column, -1) for column in COLUMNS]
        self.on_record = on_record
        self.default_start = default_start
        self.create_teams = create_teams
        self.seen_emails: dict[str, int] = {}
        self.new_teams: dict[str, str] = {}

    def entry(self, row: int, cells: list[str]) -> tuple[RosterEntry, list[str]]:
        """The row as an entry, and its problems in column order (none if it is usable)."""
        problems: list[str] = []
        fields, refused = self._texts(cells, problems)
        name_text, team_text, email_text, role, manager_text, start_text, clinical_text = fields
        name = "" if "name" in refused else self._name(name_text, problems)
        team = None if "team" in refused else self._team(team_text, problems)
        email = self._email(row, email_text, problems)
        manager = self._manager(manager_text, problems)
        start = self._start(start_text, problems) if start_text else self.default_start
        clinical = self._clinical(clinical_text, problems)
        entry = RosterEntry(row, name, team or team_text, email, role, manager, start, clinical)
        return entry, problems

    def _texts(self, cells: list[str], problems: list[str]) -> tuple[list[str], set[str]]:
        """The cells of COLUMNS, checked as text and tidied ("" where not given or refused),
        and the columns refused.

        Every cell is checked for hidden characters and length, as `refocus staff add`
        checks its options (the email by `_email`, with the rules for addresses)."""
        texts: list[str] = []
        refused: set[str] = set()
        for column, cell in zip(COLUMNS, self._fields(cells), strict=True):
            try:
                texts.append(
                    cell if column == "email" else clean_text(cell, LABELS.get(column, column))
                )
            except InvalidInput as exc:
                problems.append(str(exc))
                refused.add(column)
                texts.append("")
        return texts, refused

    def _name(self, text: str, problems: list[str]) -> str:
        """The staff name, checked as `refocus staff add` checks it ("" if refused)."""
        try:
            return clean_name(text, "staff")
        except InvalidInput as exc:
            problems.append(str(exc))
            return ""

    def _fields(self, cells: list[str]) -> list[str]:
        """The cells of COLUMNS, in their order, as typed ("" where not given)."""
        count = len(cells)
        return [cells[index] if 0 <= index < count else "" for index in self.indices]

    def _team(self, team_text: str, problems: list[str]) -> str | None:
        """The team as recorded (or as it will be created), else None with a problem."""
        if not team_text:
            problems.append("team is empty")
            return None
        key = folded(team_text)  # as every typed name: case, accents and spaces aside
        team = self.on_record.teams.get(key)
        if team is not None:
            return team
        ended = self.on_record.ended_teams.get(key)
        if ended is not None:
            problems.append(f"team {team_text!r} {ended.what_became_of_it()}")
            return None
        if not self.create_teams:
            problems.append(
                f"unknown team {team_text!r}: add it with `refocus team add` "
                "or import with --create-teams"
            )
            return None
        # A created team must pass the checks `refocus team add` makes: a team
        # called "12" would otherwise be read as the id 12 ever after.
        try:
            clean_name(team_text, "team")
        except InvalidInput as exc:
            problems.append(str(exc))
            return None
        return self.new_teams.setdefault(key, team_text)

    def _email(self, row: int, text: str, problems: list[str]) -> str | None:
        try:
            email = clean_email(text)
        except InvalidInput as exc:
            problems.append(str(exc))
            return None
        if email is None:
            return None
        if email in self.seen_emails:
            problems.append(f"email {email} is also on row {self.seen_emails[email]}")
        else:
            self.seen_emails[email] = row
        return email

    def _manager(self, text: str, problems: list[str]) -> bool:
        try:
            return _manager(text)
        except ValueError:
            problems.append(f"manager {text!r} is not yes or no")
            return False

    def _clinical(self, text: str, problems: list[str]) -> bool | None:
        """The clinical flag a cell gives; None for a blank cell (the job title is guessed from)."""
        word = text.strip().lower()
        if not word:
            return None
        if word not in CLINICAL_WORDS:
            problems.append(f"clinical {text!r} is not yes or no")
            return None
        return CLINICAL_WORDS[word]

    def _start(self, text: str, problems: list[str]) -> date:
        try:
            return parse_sheet_date(text, "start date")
        except InvalidInput as exc:
            problems.append(str(exc))
            return self.default_start
        except ValueError:
            problems.append(f"start date {text!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY")
            return self.default_start
