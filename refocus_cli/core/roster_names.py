"""Names a roster gives twice: two people, or one person written twice?

refocus finds people by name, so two records of one name in one team make every later
`--present "Ann Lee"` ambiguous, and a person written twice gets two records. A roster
is therefore refused, unless imported with `--allow-duplicate-names`, when a person it
would add has the name (compared without case, accents or extra spaces) of:

- another row of the same team, or a current member of that team on record: two
  people of one name in one team happen, but rarely, so it is for the user to say so;
- a row or a member on record in another team, when either has no email: without
  emails to tell them apart, refocus cannot know one person in two teams (who should
  be moved with `refocus staff move`) from two people. People of one name in two teams
  who each have an email are different people, and are imported without a word.

Rows that describe someone already on record, as they are, are not additions and are
never counted against that record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from refocus_cli.core.people import folded
from refocus_cli.core.roster_plan import RosterContext, RosterEntry, RosterPlan

ALLOW = "--allow-duplicate-names"


@dataclass(frozen=True)
class _Holder:
    """Someone holding a name: a roster row, or a member of staff on record."""

    team: str  # as recorded
    has_email: bool
    row: int | None = None
    staff_id: int | None = None

    def where(self) -> str:
        return f"row {self.row}" if self.row is not None else f"id {self.staff_id} on record"


@dataclass(frozen=True)
class Duplicate:
    """A person a roster would add under a name someone else holds."""

    entry: RosterEntry
    other: _Holder

    @property
    def same_team(self) -> bool:
        return folded(self.other.team) == folded(self.entry.team)

    def problem(self) -> str:
        """Why the import is refused, and what to do."""
        entry, other = self.entry, self.other
        if self.same_team:
            return (
                f"row {entry.row}: {entry.team} already has someone called {entry.name} "
                f"({other.where()}): if they are two people, import with {ALLOW}; "
                "if one, remove the row"
            )
        return (
            f"row {entry.row}: {entry.name} ({entry.team}) has the name of someone in "
            f"{other.team} ({other.where()}), and without an email for each refocus cannot "
            f"tell one person from two: give each their email, import with {ALLOW} if they "
            "are two people, or, for one person, remove the row (`refocus staff move` "
            "changes a team)"
        )

    def warning(self) -> str:
        """What was done instead, with --allow-duplicate-names."""
        entry, other = self.entry, self.other
        return (
            f"row {entry.row}: {entry.name} ({entry.team}) was imported as a different person "
            f"from the {entry.name} in {other.team} ({other.where()}); "
            "name them by id or email from now on"
        )


def duplicate_names(plan: RosterPlan, on_record: RosterContext) -> list[Duplicate]:
    """Each person `plan` would add under a name already taken, by the rules above."""
    holders = _on_record(on_record)
    rows = [*plan.to_add, *plan.unchanged, *(added.entry for added in plan.emails_added)]
    for entry in sorted(rows, key=lambda entry: entry.row):
        holders[folded(entry.name)].append(_Holder(entry.team, entry.email is not None, entry.row))
    adding = {entry.row for entry in plan.to_add}
    found = []
    for entry in plan.to_add:
        # A pair of rows both to be added is reported once, at the later row.
        others = [
            h
            for h in holders[folded(entry.name)]
            if h.row is None or h.row < entry.row or (h.row > entry.row and h.row not in adding)
        ]
        same_team = [h for h in others if folded(h.team) == folded(entry.team)]
        unsure = [h for h in others if entry.email is None or not h.has_email]
        if same_team or unsure:
            found.append(Duplicate(entry, (same_team or unsure)[0]))
    return found


def _on_record(on_record: RosterContext) -> defaultdict[str, list[_Holder]]:
    """Current staff by folded name."""
    holders: defaultdict[str, list[_Holder]] = defaultdict(list)
    for known in on_record.by_email.values():
        if known.team is not None:
            holders[folded(known.name)].append(_Holder(known.team, True, None, known.staff_id))
    for (name, team), ids in on_record.without_email.items():
        shown = on_record.teams.get(team, team)
        for staff_id in ids:
            holders[folded(name)].append(_Holder(shown, False, None, staff_id))
    return holders
