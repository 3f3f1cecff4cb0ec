"""Trainers: adding, listing and correcting them, their leave, and removing them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from refocus_cli.core.edits import Edited, SessionRef, changes, listed_sessions, wanted
from refocus_cli.core.errors import Conflict, InvalidInput
from refocus_cli.core.periods import Period
from refocus_cli.store import edits, feeds, sessions, trainers
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class Unavailability:
    """Days a trainer cannot deliver, both included."""

    from_date: str
    to_date: str
    reason: str


@dataclass(frozen=True)
class Trainer:
    """A trainer, the stages they deliver (in rollout order) and when they cannot."""

    id: int
    uuid: str
    name: str
    email: str | None
    lived_experience: bool
    stages: list[str]
    unavailable: list[Unavailability]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Trainer:
        """From a trainer as `store.trainers.listing` gives it."""
        periods = [Unavailability(**period) for period in row["unavailable"]]
        return cls(**{**row, "unavailable": periods})

    def as_record(self) -> dict[str, Any]:
        """The trainer as printed with --json."""
        return asdict(self)


def add_trainer(
    store: Store, name: str, email: str | None, lived_experience: bool, stages: list[str]
) -> Trainer:
    """Add a trainer who delivers `stages`; an email may belong to one trainer only."""
    return Trainer.from_row(trainers.add(store, name, email, lived_experience, stages))


def list_trainers(store: Store) -> list[Trainer]:
    """Every trainer by name."""
    return [Trainer.from_row(row) for row in trainers.listing(store)]


def trainer_away(store: Store, ref: str, start: date, end: date, reason: str) -> Trainer:
    """Record that a trainer cannot deliver from `start` to `end`, both days included."""
    return Trainer.from_row(trainers.unavailable(store, ref, start, end, reason))


def _refs(store: Store, rows: list[dict[str, Any]]) -> list[SessionRef]:
    tz = store.tz()
    return [
        SessionRef(row["id"], sessions.to_local(row["start_utc"], tz), row["module"])
        for row in rows
    ]


def edit_trainer(
    store: Store,
    ref: str,
    name: str | None = None,
    email: str | None = None,
    stages: list[str] | None = None,
    lived_experience: bool | None = None,
) -> Edited:
    """Correct a trainer's name, email, stages or lived-experience flag. A stage, or the
    flag, they are booked for on sessions still to come cannot be taken away."""
    asked = wanted(
        {"name": name, "email": email, "stages": stages, "lived_experience": lived_experience},
        "a trainer",
    )
    with store.write():
        trainer = trainers.listing(store, trainers.find_trainer(store, ref)["id"])[0]
        holder = trainers.email_holder(store, email, trainer["id"]) if email else None
        if holder:
            raise Conflict(f"email {email} already belongs to trainer {holder}: give another")
        booked = edits.trainer_sessions_ahead(store, trainer["id"])
        _ensure_still_qualified(store, trainer, asked, booked)
        found = changes(trainer, asked)
        named = any(change.field in ("name", "email") for change in found)
        updated = tuple(row["id"] for row in booked) if named else ()
        if found:
            if "stages" in {change.field for change in found}:
                trainers.set_stages(store, trainer["id"], asked["stages"])
            edits.write(store, "trainer", trainer["id"], found, {"stages": None}, updated)
        return Edited("trainer", trainer["id"], asked.get("name", trainer["name"]), found, updated)


def _ensure_still_qualified(
    store: Store, trainer: dict[str, Any], asked: dict[str, Any], booked: list[dict[str, Any]]
) -> None:
    """Refuse taking away a stage, or the lived-experience flag, that booked sessions need."""
    if "stages" in asked:
        lost = set(trainer["stages"]) - set(asked["stages"])
        needing = [row for row in booked if row["stage"] in lost]
        if needing:
            raise Conflict(
                f"{trainer['name']} is booked to deliver {', '.join(sorted(lost))} on "
                f"{listed_sessions(_refs(store, needing))}: keep the stage, or mark them "
                "unavailable for those days and run `refocus replan --cohort C` first"
            )
    if asked.get("lived_experience") is False:
        needing = [row for row in booked if row["role"] == "lived-experience"]
        if needing:
            raise Conflict(
                f"{trainer['name']} is booked as the lived-experience trainer on "
                f"{listed_sessions(_refs(store, needing))}: mark them unavailable for those "
                "days and run `refocus replan --cohort C` first"
            )


@dataclass(frozen=True)
class Removed:
    """A trainer or venue taken off the record."""

    kind: str
    id: int
    name: str
    kept_for: int = 0  # past sessions that name it: it stays on their record, retired

    def as_record(self) -> dict[str, Any]:
        """The removal as printed with --json."""
        return asdict(self)

    def said(self) -> str:
        """What happened, in plain words."""
        if not self.kept_for:
            return f"Removed {self.kind} {self.name} (id {self.id})."
        return (
            f"Removed {self.kind} {self.name} (id {self.id}) from the programme: kept on the "
            f"record of the {self.kept_for} past or cancelled sessions that name them, never "
            "listed or booked again."
        )


def remove_trainer(store: Store, ref: str) -> Removed:
    """Take a trainer off the record: refused while they are booked on sessions still to
    come (listed), and kept when past sessions name them."""
    with store.write():
        trainer = trainers.find_trainer(store, ref)
        booked = edits.trainer_sessions_ahead(store, trainer["id"])
        if booked:
            raise Conflict(
                f"{trainer['name']} is booked on {listed_sessions(_refs(store, booked))}: "
                f"mark them unavailable (`refocus trainer unavailable {trainer['id']} --from "
                "DATE --to DATE`) and run `refocus replan --cohort C` first"
            )
        delivered = trainers.sessions_on_record(store, trainer["id"])
        if delivered:
            trainers.retire(store, trainer, store.today())
            # Their calendar feed stops now, not at the next `feeds build` or serve.
            feeds.revoke_owner(store, "trainer", trainer["id"])
        else:
            trainers.remove(store, trainer)
        return Removed("trainer", trainer["id"], trainer["name"], delivered)


@dataclass(frozen=True)
class LeaveTaken:
    """Leave taken off a trainer's record: the periods changed and what is left of them."""

    trainer: str
    removed: str
    changed: list[str]
    left: list[str]

    def as_record(self) -> dict[str, Any]:
        """The change as printed with --json."""
        return asdict(self)


def trainer_available(store: Store, ref: str, start: date, end: date) -> LeaveTaken:
    """Take the days `start` to `end` out of a trainer's leave: periods inside are
    removed, periods overlapping an end are trimmed, a period around them is split."""
    if end < start:
        raise InvalidInput(f"--to {end} is before --from {start}: give the period in order")
    taken = Period(start, end)
    with store.write():
        trainer = trainers.find_trainer(store, ref)
        periods = trainers.leave(store, trainer["id"])
        touched = [row for row in periods if _period(row).overlaps(taken)]
        if not touched:
            recorded = ", ".join(_period(row).words() for row in periods) or "none"
            raise InvalidInput(
                f"{trainer['name']} has no leave between {start} and {end} (their leave: "
                f"{recorded}): nothing to remove"
            )
        left: list[Period] = []
        for row in touched:
            rest = _period(row).without(taken)
            trainers.trim_leave(store, trainer["id"], row, rest)
            left.extend(rest)
        return LeaveTaken(
            trainer["name"],
            taken.words(),
            [_period(row).words() for row in touched],
            [period.words() for period in left],
        )


def _period(row: dict[str, Any]) -> Period:
    return Period(date.fromisoformat(row["from_date"]), date.fromisoformat(row["to_date"]))
