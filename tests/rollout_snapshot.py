"""The rollout database as the stateful test sees it: read straight from the SQLite file,
read-only, with no refocus code, so that what it checks does not rest on what it tests.

Times are shown as the programme's wall clock (Europe/London), as people see them.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/London")
# Every table but the audit log (checked on its own) and the migrations' bookkeeping.
CONTENT_TABLES = (
    "programme",
    "closure",
    "team",
    "staff",
    "membership",
    "trainer",
    "trainer_stage",
    "trainer_unavailable",
    "venue",
    "cohort",
    "cohort_team",
    "session",
    "session_team",
    "session_trainer",
    "session_invitee",
    "session_cohort",
    "module_override",
    "attendance",
)


def local(stamp: str) -> datetime:
    """A stored UTC timestamp as naive wall-clock time in the programme's zone."""
    return datetime.fromisoformat(stamp).astimezone(ZONE).replace(tzinfo=None)


@dataclass(frozen=True)
class Session:
    """One session row with its links."""

    id: int
    cohort_id: int | None
    kind: str
    stage: str
    module: str
    occurrence: int
    group: int
    start: datetime  # local, naive
    end: datetime
    status: str
    sequence: int
    venue_id: int | None
    expected: int
    teams: tuple[int, ...]
    trainers: tuple[int, ...]  # lead first
    invitees: frozenset[int]

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def place(self) -> tuple[int | None, str, int, int]:
        """The place in its cohort's plan it fills (cohort, module, group, occurrence)."""
        return (self.cohort_id, self.module, self.group, self.occurrence)

    def overlaps(self, other: Session) -> bool:
        return self.start < other.end and other.start < self.end

    def looks(self) -> tuple[Any, ...]:
        """What a calendar shows of it: when, where, who delivers it, for whom, its status."""
        return (self.start, self.end, self.venue_id, self.trainers, self.teams, self.status)

    def label(self) -> str:
        kind = " catch-up" if self.kind == "catch-up" else ""
        return (
            f"session {self.id} ({self.module}{kind} #{self.occurrence} g{self.group}, "
            f"{self.start:%a %Y-%m-%d %H:%M}-{self.end:%H:%M}, {self.status})"
        )


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    status: str
    ended_on: date | None


@dataclass(frozen=True)
class Trainer:
    id: int
    name: str
    lived_experience: bool
    stages: frozenset[str]


@dataclass(frozen=True)
class Membership:
    staff_id: int
    team_id: int
    start: date
    end: date | None  # the first day they are no longer in the team

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class AuditRow:
    id: int
    action: str
    entity: str
    entity_id: int | None


MarkKey = tuple[int, int | None, str | None]  # session, staff id or None, visitor or None


@dataclass(frozen=True)
class Snapshot:
    """Everything the invariants look at, as one moment of the database."""

    now: datetime  # local, naive
    programme_start: date | None
    notice_days: int
    sessions: dict[int, Session]
    marks: dict[MarkKey, str]
    teams: dict[int, Team]
    staff_left: dict[int, date | None]
    staff_names: dict[int, str]
    memberships: tuple[Membership, ...]
    trainers: dict[int, Trainer]
    away: dict[int, frozenset[date]]
    venues: dict[int, int]  # capacity by id
    cohorts: dict[int, str]
    cohort_teams: frozenset[tuple[int, int]]  # (cohort, team)
    closures: frozenset[date]
    audit_count: int
    audit_last: int
    fingerprint: str

    @property
    def today(self) -> date:
        return self.now.date()

    def scheduled(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.status == "scheduled"]

    def standing(self) -> list[Session]:
        """Sessions still in the diary (scheduled or held)."""
        return [s for s in self.sessions.values() if s.status != "cancelled"]

    def marks_of(self, session_id: int) -> dict[MarkKey, str]:
        return {key: status for key, status in self.marks.items() if key[0] == session_id}


class Reader:
    """A read-only connection to the rollout's database file."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self) -> None:
        self.conn.close()

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def snapshot(self, now: datetime) -> Snapshot:
        """The database as it is now (`now` an aware datetime), read in one transaction."""
        self.conn.execute("BEGIN")
        try:
            return self._read(now.astimezone(ZONE).replace(tzinfo=None))
        finally:
            self.conn.execute("COMMIT")

    def _read(self, now: datetime) -> Snapshot:
        links: dict[str, dict[int, list[int]]] = {}
        for table, column, order in (
            ("session_team", "team_id", "team_id"),
            ("session_trainer", "trainer_id", "role = 'lived-experience', trainer_id"),
            ("session_invitee", "staff_id", "staff_id"),
        ):
            found: dict[int, list[int]] = defaultdict(list)
            for session_id, linked in self.rows(
                f"SELECT session_id, {column} FROM {table} ORDER BY session_id, {order}"
            ):
                found[session_id].append(linked)
            links[table] = found
        sessions = {
            row[0]: Session(
                id=row[0],
                cohort_id=row[1],
                kind=row[2],
                stage=row[3],
                module=row[4],
                occurrence=row[5],
                group=row[6],
                start=local(row[7]),
                end=local(row[8]),
                status=row[9],
                sequence=row[10],
                venue_id=row[11],
                expected=row[12],
                teams=tuple(links["session_team"].get(row[0], ())),
                trainers=tuple(links["session_trainer"].get(row[0], ())),
                invitees=frozenset(links["session_invitee"].get(row[0], ())),
            )
            for row in self.rows(
                "SELECT id, cohort_id, kind, stage, module, occurrence, group_no, start_utc, "
                "end_utc, status, sequence, venue_id, expected FROM session"
            )
        }
        stages: dict[int, set[str]] = defaultdict(set)
        for trainer_id, stage in self.rows("SELECT trainer_id, stage FROM trainer_stage"):
            stages[trainer_id].add(stage)
        away: dict[int, set[date]] = defaultdict(set)
        for trainer_id, first, last in self.rows(
            "SELECT trainer_id, from_date, to_date FROM trainer_unavailable"
        ):
            day, until = date.fromisoformat(first), date.fromisoformat(last)
            while day <= until:
                away[trainer_id].add(day)
                day += timedelta(days=1)
        audit_count, audit_last = self.rows("SELECT count(*), coalesce(max(id), 0) FROM audit")[0]
        start, notice_days = self.rows("SELECT start_date, notice_days FROM programme")[0]
        return Snapshot(
            now=now,
            programme_start=_day(start),
            notice_days=notice_days,
            sessions=sessions,
            marks={
                (session_id, staff_id, visitor): status
                for session_id, staff_id, visitor, status in self.rows(
                    "SELECT session_id, staff_id, visitor, status FROM attendance"
                )
            },
            teams={
                row[0]: Team(row[0], row[1], row[2], _day(row[3]))
                for row in self.rows("SELECT id, name, status, ended_on FROM team")
            },
            staff_left={row[0]: _day(row[1]) for row in self.rows("SELECT id, left_on FROM staff")},
            staff_names=dict(self.rows("SELECT id, name FROM staff")),
            memberships=tuple(
                Membership(row[0], row[1], date.fromisoformat(row[2]), _day(row[3]))
                for row in self.rows(
                    "SELECT staff_id, team_id, start_date, end_date FROM membership"
                )
            ),
            trainers={
                row[0]: Trainer(row[0], row[1], bool(row[2]), frozenset(stages[row[0]]))
                for row in self.rows("SELECT id, name, lived_experience FROM trainer")
            },
            away={trainer_id: frozenset(days) for trainer_id, days in away.items()},
            venues=dict(self.rows("SELECT id, capacity FROM venue")),
            cohorts=dict(self.rows("SELECT id, name FROM cohort")),
            cohort_teams=frozenset(self.rows("SELECT cohort_id, team_id FROM cohort_team")),
            closures=frozenset(
                date.fromisoformat(row[0]) for row in self.rows("SELECT date FROM closure")
            ),
            audit_count=audit_count,
            audit_last=audit_last,
            fingerprint=self._fingerprint(),
        )

    def _fingerprint(self) -> str:
        """A digest of every row of every table but the audit log."""
        digest = hashlib.sha256()
        for table in CONTENT_TABLES:
            # Sorted by content: a link deleted and written again unchanged is no change.
            for row in sorted(repr(row) for row in self.rows(f"SELECT * FROM {table}")):
                digest.update(f"{table}:{row}".encode())
        return digest.hexdigest()

    def audit_since(self, after: int) -> list[AuditRow]:
        """The audit entries written after entry `after`."""
        return [
            AuditRow(*row)
            for row in self.rows(
                "SELECT id, action, entity, entity_id FROM audit WHERE id > ? ORDER BY id",
                (after,),
            )
        ]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
