"""What a checked roster is made of: its rows, what is on record, and the plan to write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

# The first release's guess from a job title (migration m006 applies the same words to
# everyone on record then). Staff added without a clinical flag still get it, marked as
# guessed, so `refocus staff list --clinical-guessed` shows whom to check.
NOT_CLINICAL_TITLES = ("admin", "reception", "secretar", "clerk")


def guess_clinical(role: str) -> bool:
    """Whether a job title sounds clinical, by the first release's rule: a guess to check."""
    lowered = role.lower()
    return not any(word in lowered for word in NOT_CLINICAL_TITLES)


@dataclass(frozen=True)
class RosterEntry:
    """One roster row, checked: who, in which team, from when."""

    row: int
    name: str
    team: str
    email: str | None
    role: str
    manager: bool
    start: date
    clinical_given: bool | None = None  # None: no clinical column, or a blank cell

    @property
    def clinical(self) -> bool:
        """Whether they are clinical: as the roster says, else guessed from the job title."""
        return guess_clinical(self.role) if self.clinical_given is None else self.clinical_given

    @property
    def clinical_guessed(self) -> bool:
        """Whether `clinical` is a guess from the job title."""
        return self.clinical_given is None

    def as_record(self) -> dict[str, object]:
        """The row as printed by a dry run (dates in ISO-8601)."""
        return {
            "row": self.row,
            "name": self.name,
            "team": self.team,
            "email": self.email,
            "role": self.role,
            "manager": self.manager,
            "start": self.start.isoformat(),
            "clinical": self.clinical,
            "clinical_guessed": self.clinical_guessed,
        }


@dataclass(frozen=True)
class KnownPerson:
    """A member of staff on record, as a roster row is compared with them."""

    name: str
    team: str | None
    staff_id: int


@dataclass(frozen=True)
class EndedTeam:
    """A team that takes no staff any more: merged into another, or disbanded."""

    name: str
    ended_on: date
    merged_into: str | None = None

    def what_became_of_it(self) -> str:
        """The end of a row's problem, saying what to give instead."""
        if self.merged_into:
            return (
                f"was merged into {self.merged_into} on {self.ended_on}: use {self.merged_into!r}"
            )
        return f"was disbanded on {self.ended_on}: give these staff an active team"


@dataclass(frozen=True)
class RosterContext:
    """What checking a roster needs to know about the teams and staff on record.

    Team keys are folded as typed names are (`core.people.folded`: case, accents and
    extra spaces aside), the others lower-cased: `teams` maps active teams to their
    names as recorded, `ended_teams` the merged and disbanded ones to what became of
    them, `by_email`
    the emails of staff on record to who they are, and `without_email` each
    (name, team) of current staff who have no email to their ids. `clinical_guessed`
    holds the ids of staff whose clinical flag is still a guess.
    """

    teams: Mapping[str, str] = field(default_factory=dict)
    ended_teams: Mapping[str, EndedTeam] = field(default_factory=dict)
    by_email: Mapping[str, KnownPerson] = field(default_factory=dict)
    without_email: Mapping[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    clinical_guessed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class EmailToAdd:
    """A row that gives an email to the one person on record of that name and team."""

    staff_id: int
    entry: RosterEntry


@dataclass(frozen=True)
class ClinicalToSet:
    """A row that says whether someone on record, whose flag is a guess, is clinical."""

    staff_id: int
    entry: RosterEntry


@dataclass(frozen=True)
class RosterPlan:
    """What an import would do: staff to add, rows already on record, teams to create,
    emails and clinical flags to record for people already there."""

    to_add: list[RosterEntry] = field(default_factory=list)
    unchanged: list[RosterEntry] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)
    emails_added: list[EmailToAdd] = field(default_factory=list)
    clinical_set: list[ClinicalToSet] = field(default_factory=list)
    # Imported with --allow-duplicate-names: the names that would otherwise refuse it.
    duplicate_names: list[str] = field(default_factory=list)
