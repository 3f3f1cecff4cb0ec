"""The audit log told in plain words: who changed what, when, from what to what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from refocus_cli.core.dates import day_start_utc, iso_utc
from refocus_cli.store import audit, sessions, teams
from refocus_cli.store.database import Store
from refocus_cli.store.staff import find_staff


@dataclass(frozen=True)
class AuditEntry:
    """One change: when (local time), who, what it was about, and old → new in words."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    subject: str  # what the entry is about, by name
    old: Any
    new: Any
    change: str  # old → new, key by key, with names for ids and local times
    change_id: int | None = None  # the command it was part of; undo takes a change whole
    undone_by: int | None = None  # the undo entry that reversed it

    def as_record(self) -> dict[str, Any]:
        """The entry as printed with --json."""
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "subject": self.subject,
            "old": self.old,
            "new": self.new,
            "change": self.change,
            "change_id": self.change_id,
            "undone_by": self.undone_by,
        }


@dataclass(frozen=True)
class AuditLog:
    """The latest entries asked for, oldest first, and how many matched in all."""

    entries: list[AuditEntry]
    total: int


def log(
    store: Store,
    *,
    session: str | None = None,
    staff: str | None = None,
    team: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> AuditLog:
    """The latest `limit` entries (all if None) about a session, a person and a team
    (as typed), from the start of a day in the programme's time zone."""
    filters: dict[str, Any] = {}
    if session is not None:
        filters["session_id"] = sessions.get(store, session)["id"]
    if staff is not None:
        filters["staff"] = find_staff(store, staff)
    if team is not None:
        filters["team"] = teams.find_team(store, team)
    if since is not None:
        filters["since"] = iso_utc(day_start_utc(since, store.tz()))
    rows, total = audit.log(store, limit=limit, **filters)
    return AuditLog(told(store, rows), total)


def about_staff(store: Store, person: dict[str, Any]) -> list[AuditEntry]:
    """Every entry that concerns one member of staff (a record from find_staff), oldest first."""
    return told(store, audit.about_staff(store, person))


def told(store: Store, rows: list[audit.AuditRow]) -> list[AuditEntry]:
    """Entries with local times, what they are about, and the change in plain words."""
    tz = store.tz()
    names = _Names(store)
    return [
        AuditEntry(
            row.id,
            datetime.fromisoformat(row.at).astimezone(tz).isoformat(),
            row.actor,
            row.action,
            row.entity,
            row.entity_id,
            names.subject(row.entity, row.entity_id),
            row.old,
            row.new,
            _change(row.entity, row.old, row.new, names, tz),
            row.change_id,
            row.undone_by,
        )
        for row in rows
    ]


class _Names:
    """Names for the ids an entry holds, looked up once per kind."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, dict[int, str]] = {}

    def of(self, kind: str, entity_id: Any) -> str:
        if kind not in self.cache:
            self.cache[kind] = audit.names(self.store, kind)
        return self.cache[kind].get(entity_id, f"{kind} {entity_id}")

    def subject(self, entity: str, entity_id: int | None) -> str:
        if entity_id is None:
            return entity
        if entity in ("staff", "membership"):
            return f"{self.of('staff', entity_id)} (staff {entity_id})"
        if entity in ("session", "attendance"):
            return f"session {entity_id} ({self.of('session', entity_id)})"
        if entity in audit.NAMED:
            return f"{self.of(entity, entity_id)} ({entity} {entity_id})"
        return f"{entity} {entity_id}"


PEOPLE_KEYS = {"staff_moved": "staff", "staff_released": "staff", "staff_id": "staff"}
ID_KEYS = {**PEOPLE_KEYS, "trainers": "trainer", "team_id": "team"}


def _change(entity: str, old: Any, new: Any, names: _Names, tz: tzinfo) -> str:
    """`old → new`, key by key, with ids turned into names and times into local ones."""
    if entity == "attendance" and isinstance(new, dict):
        return _mark_change(old if isinstance(old, dict) else {}, new, names)
    old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
    parts = []
    for key in [*old, *(k for k in new if k not in old)]:
        label = key.replace("_", " ")
        before = _plain(key, old.get(key), names, tz)
        after = _plain(key, new.get(key), names, tz)
        if key in old and key in new:
            if before != after:
                parts.append(f"{label} {before} → {after}")
        elif key in new:
            if new[key] not in (None, "", []):
                parts.append(f"{label} {after}")
        else:
            parts.append(f"{label} was {before}")
    return "; ".join(parts)


def _mark_change(old: dict[str, Any], new: dict[str, Any], names: _Names) -> str:
    """A mark recorded, corrected (`absent → present`), cleared, or a visitor renamed."""
    if old.get("visitor") and old["visitor"] != new.get("visitor"):
        return f"visitor {old['visitor']} → {new.get('visitor')}"
    who = (
        f"visitor {new['visitor']}"
        if new.get("visitor")
        else names.of("staff", new.get("staff_id"))
    )
    after = new.get("status") or "cleared"
    return f"{who}: {old['status']} → {after}" if old.get("status") else f"{who}: {after}"


_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _plain(key: str, value: Any, names: _Names, tz: tzinfo) -> str:
    if value is None or value == "":
        return "none"
    if key in ID_KEYS:
        items = value if isinstance(value, list) else [value]
        return ", ".join(names.of(ID_KEYS[key], item) for item in items) or "none"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, str) and _TIMESTAMP.match(value):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"
    return str(value)
