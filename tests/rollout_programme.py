"""The small programme every played rollout starts from, built once per process through
the services, and the clock the rollout's store runs on."""

from __future__ import annotations

import functools
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from refocus_cli.services import organisation, staff, teams, trainers, venues
from refocus_cli.services.context import opened, set_actor

START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # a Monday, a week before the programme
PROGRAMME_START = date(2027, 1, 11)
ACTOR = "rollout-test"
TEAMS = (("North CMHT", 5), ("South CMHT", 7), ("East CMHT", 3), ("West CMHT", 8))
EVERY_STAGE = ("workshop", "working-practices", "coaching", "practice-change")
TRAINERS = (
    ("Ruth Evans", False, EVERY_STAGE),
    ("Sam Price", False, EVERY_STAGE),
    ("Dai Morgan", True, ("workshop", "coaching")),
    ("Ann Lee", False, ("working-practices", "practice-change")),
)
VENUES = (("Hall", 30), ("Annex", 12))


class Clock:
    """A clock the test moves forward by hand; the store asks it what time it is."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def staff_of(team: str, size: int) -> list[tuple[str, str, bool]]:
    """A team's people (name, role, manager): a manager, then nurses and a support worker."""
    site = team.split()[0]
    people = [(f"Manager {site}", "Team manager", True)]
    people += [(f"Nurse {n} {site}", "Community nurse", False) for n in range(1, size - 1)]
    return people + [(f"Support {site}", "Support worker", False)]


def prologue() -> list[str]:
    """The programme as refocus commands, for a failure's steps to reproduce."""
    lines = [
        f"export REFOCUS_DB=rollout.db REFOCUS_ACTOR={ACTOR} REFOCUS_NOW={START:%Y-%m-%dT%H:%MZ}",
        f'refocus init "Rollout" --start {PROGRAMME_START}',
    ]
    for team, size in TEAMS:
        lines.append(f'refocus team add "{team}" --site {team.split()[0]} --kind CMHT')
        lines += [
            f'refocus staff add "{name}" --team "{team}" --role "{role}" --start 2026-06-01'
            + (" --manager" if manager else "")
            for name, role, manager in staff_of(team, size)
        ]
    for name, lived, stages in TRAINERS:
        lived_flag = " --lived-experience" if lived else ""
        lines.append(f'refocus trainer add "{name}"{lived_flag} --stages {",".join(stages)}')
    lines += [f"refocus venue add {name} --capacity {seats}" for name, seats in VENUES]
    return lines


@functools.cache
def base_programme() -> Path:
    """A database with the programme, built once per process (each rollout plays a copy):
    four teams of 3 to 8, four trainers (one with lived experience), two venues."""
    set_actor(ACTOR)
    path = Path(tempfile.mkdtemp(prefix="rollout-base-")) / "rollout.db"
    with opened(path, create=True) as store:
        store.clock = Clock(START)
        organisation.start_programme(store, "Rollout", "Europe/London", "england", PROGRAMME_START)
        for team, size in TEAMS:
            teams.add_team(store, team, team.split()[0], "CMHT")
            for name, role, manager in staff_of(team, size):
                staff.add_staff(store, name, team, role, None, manager, date(2026, 6, 1))
        for name, lived, stages in TRAINERS:
            trainers.add_trainer(store, name, None, lived, list(stages))
        for name, seats in VENUES:
            venues.add_venue(store, name, seats)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one file to copy
    return path


def copy_of_base(folder: Path) -> Path:
    """A fresh copy of the base programme in `folder`."""
    path = folder / "rollout.db"
    shutil.copy(base_programme(), path)
    return path
