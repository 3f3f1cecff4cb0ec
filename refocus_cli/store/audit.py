"""The audit log: who changed what, when, from what to what."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from refocus_cli.store.database import Store

# Entries about one member of staff: their record, their memberships, their marks, and
# the team merges and disbands that moved them.
ABOUT_STAFF = """(
    (entity IN ('staff', 'membership') AND entity_id = :staff)
    OR (entity = 'attendance' AND json_extract(new, '$.staff_id') = :staff)
    OR (entity = 'team' AND (
        EXISTS (SELECT 1 FROM json_each(audit.new, '$.staff_moved') WHERE value = :staff)
        OR EXISTS (SELECT 1 FROM json_each(audit.new, '$.staff_released') WHERE value = :staff)))
)"""
# Entries about someone else, whose text is theirs even where a name is shared.
ABOUT_OTHER_STAFF = (
    "(entity IN ('staff', 'membership') AND entity_id IS NOT NULL AND entity_id != :staff)"
)
# Free text elsewhere (reasons, notes) that names the person; visitors' marks are left.
MENTIONS_STAFF = (
    f"(NOT {ABOUT_OTHER_STAFF} AND entity != 'attendance' "
    "AND (refocus_mentions(old) OR refocus_mentions(new)))"
)
BY_STAFF = "refocus_names(actor)"
CONCERNING_STAFF = f"({ABOUT_STAFF} OR {MENTIONS_STAFF} OR {BY_STAFF})"
ABOUT_TEAM = """(
    (entity = 'team' AND entity_id = :team)
    OR (entity = 'team' AND json_extract(new, '$.into') = :team_name)
    OR (entity IN ('staff', 'membership') AND (json_extract(old, '$.team') = :team_name
        OR json_extract(new, '$.team') = :team_name))
    OR (entity IN ('session', 'attendance')
        AND entity_id IN (SELECT session_id FROM session_team WHERE team_id = :team))
    OR (entity = 'session' AND json_extract(old, '$.team_id') = :team)
    OR (entity = 'cohort'
        AND entity_id IN (SELECT cohort_id FROM cohort_team WHERE team_id = :team))
)"""
ABOUT_SESSION = "(entity IN ('session', 'attendance') AND entity_id = :session)"


def change_id(store: Store) -> int:
    """The number of the change the entries written through `store` belong to: every
    entry one command writes shares it, so the command can be undone as a whole. Given
    at the first entry, inside its write transaction (so no two commands get the same)."""
    if store.change_id is None:
        row = store.db.execute("SELECT coalesce(max(change_id), 0) + 1 FROM audit").fetchone()
        store.change_id = int(row[0])
    return store.change_id


def start_change(store: Store) -> None:
    """Begin a new change on an open store: for programs that make several changes
    through one store, each to be undone on its own."""
    store.change_id = None


def record(
    store: Store,
    action: str,
    entity: str,
    entity_id: int | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> int:
    """Append one entry; call inside the write transaction that makes the change. Its id."""
    entry_id = store.db.execute(
        "INSERT INTO audit (at, actor, action, entity, entity_id, old, new, change_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            store.now(),
            store.actor,
            action,
            entity,
            entity_id,
            _dump(old),
            _dump(new),
            change_id(store),
        ],
    ).lastrowid
    assert entry_id is not None  # an INSERT always gives a row id
    return entry_id


def record_many(
    store: Store,
    changes: Iterable[tuple[str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Append many entries (action, entity, id, old, new) at once, for bulk writes."""
    now, actor, change = store.now(), store.actor, change_id(store)
    store.db.conn.executemany(
        "INSERT INTO audit (at, actor, action, entity, entity_id, old, new, change_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (now, actor, action, entity, entity_id, _dump(old), _dump(new), change)
            for action, entity, entity_id, old, new in changes
        ],
    )


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def identity_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word, any-case matches of a person's name or email, as typed or as stored
    in JSON (where non-ASCII letters are escaped)."""
    forms = set()
    for word in words:
        if word:
            forms.add(word)
            forms.add(json.dumps(word)[1:-1])
    if not forms:
        return None
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _register_identity(store: Store, pattern: re.Pattern[str] | None, words: list[str]) -> None:
    exact = {word.casefold() for word in words if word}
    store.db.conn.create_function(
        "refocus_mentions",
        1,
        lambda text: bool(pattern and text and pattern.search(text)),
        deterministic=True,
    )
    store.db.conn.create_function(
        "refocus_names",
        1,
        lambda text: bool(text) and text.strip().casefold() in exact,
        deterministic=True,
    )


@dataclass(frozen=True)
class AuditRow:
    """One entry of the log as stored: `at` in UTC, `old` and `new` read from JSON."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    old: Any
    new: Any
    change_id: int | None = None  # the command it was part of (None before schema m006)
    undone_by: int | None = None  # the entry of the undo that reversed it


def log(
    store: Store,
    *,
    session_id: int | None = None,
    staff: dict[str, Any] | None = None,
    team: dict[str, Any] | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> tuple[list[AuditRow], int]:
    """The latest `limit` entries (all if None) matching every filter, oldest first; and
    how many matched in all. `since` is a stored UTC timestamp."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if session_id is not None:
        where.append(ABOUT_SESSION)
        params["session"] = session_id
    if staff is not None:
        words = [w for w in (staff["name"], staff["email"]) if w]
        _register_identity(store, identity_pattern(words), words)
        where.append(CONCERNING_STAFF)
        params["staff"] = staff["id"]
    if team is not None:
        where.append(ABOUT_TEAM)
        params.update(team=team["id"], team_name=team["name"])
    if since is not None:
        where.append("at >= :since")
        params["since"] = since
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    total = store.db.execute(f"SELECT count(*) FROM audit{clause}", params).fetchone()[0]
    tail = f" LIMIT {int(limit)}" if limit and limit < total else ""
    rows = store.db.execute(
        f"SELECT {ROW_COLUMNS} FROM audit{clause} ORDER BY id DESC{tail}", params
    ).fetchall()
    rows.reverse()
    return [row_of(row) for row in rows], total


ROW_COLUMNS = "id, at, actor, action, entity, entity_id, old, new, change_id, undone_by"


def row_of(row: tuple[Any, ...]) -> AuditRow:
    """An entry from the columns ROW_COLUMNS names."""
    entry_id, at, actor, action, entity, about, old, new, change, undone_by = row
    return AuditRow(
        entry_id, at, actor, action, entity, about, _loaded(old), _loaded(new), change, undone_by
    )


def _loaded(text: str | None) -> Any:
    return json.loads(text) if text else None


def about_staff(store: Store, person: dict[str, Any]) -> list[AuditRow]:
    """Every entry that concerns one member of staff, oldest first."""
    return log(store, staff=person)[0]


NAMED = {
    "staff": "SELECT id, name FROM staff",
    "team": "SELECT id, name FROM team",
    "trainer": "SELECT id, name FROM trainer",
    "cohort": "SELECT id, name FROM cohort",
    "venue": "SELECT id, name FROM venue",
    "session": "SELECT id, module FROM session",
}


def names(store: Store, kind: str) -> dict[int, str]:
    """The name of every record of a kind the log refers to by id (a session's module)."""
    return dict(store.db.execute(NAMED[kind]).fetchall())


def scrub(
    store: Store,
    staff_id: int,
    words: list[str],
    placeholder: str,
    role: str,
) -> int:
    """Replace a person's name and email with `placeholder` wherever the log holds them,
    and the role in entries about them with `role`; returns how many entries changed.
    Call inside the write transaction of the erasure."""
    pattern = identity_pattern(words)
    _register_identity(store, pattern, words)
    replace = _replacer(pattern, placeholder)
    folded = {word.casefold() for word in words}
    changes = []
    for row in store.rows(
        f"SELECT id, entity, entity_id, actor, old, new FROM audit WHERE {CONCERNING_STAFF}",
        {"staff": staff_id},
    ):
        fields = {"old": row["old"], "new": row["new"]}
        staff_entry = row["entity"] in ("staff", "membership") and row["entity_id"] is not None
        theirs = staff_entry and row["entity_id"] == staff_id
        if theirs or not staff_entry:  # another person's entry keeps their own words
            for column, text in fields.items():
                if text is not None:
                    value = json.loads(text)
                    scrubbed = _walk(value, replace, role if theirs else None)
                    fields[column] = text if scrubbed == value else _dump(scrubbed)
        actor = placeholder if row["actor"].strip().casefold() in folded else row["actor"]
        if (fields["old"], fields["new"], actor) != (row["old"], row["new"], row["actor"]):
            changes.append((fields["old"], fields["new"], actor, row["id"]))
    store.db.conn.executemany("UPDATE audit SET old = ?, new = ?, actor = ? WHERE id = ?", changes)
    return len(changes)


def _replacer(pattern: re.Pattern[str] | None, placeholder: str) -> Callable[[str], str]:
    if pattern is None:
        return lambda text: text
    return lambda text: pattern.sub(placeholder, text)


def _walk(value: Any, replace: Callable[[str], str], role: str | None, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, replace, role, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, replace, role, key) for item in value]
    if not isinstance(value, str) or key == "visitor":
        return value
    if key == "role" and role is not None:
        return role
    return replace(value)
