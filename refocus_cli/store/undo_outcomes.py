"""Undoing outcome records: the scores one import wrote put back as they were, and a
measurement window added or removed taken back. Each write happens inside the undo's
transaction and is audited by the undo itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from refocus_cli.store.audit import ROW_COLUMNS, AuditRow, row_of
from refocus_cli.store.database import Store
from refocus_cli.store.undo import STANDING


@dataclass(frozen=True)
class ScoreTable:
    """Where one level of scores is kept: its table, the column naming whose score it
    is, and the columns of the score itself."""

    table: str
    key: str
    values: tuple[str, ...]

    def columns(self) -> tuple[str, ...]:
        """Every column an audit entry keeps of a score, stamps last."""
        return (self.key, *self.values, "recorded_by", "recorded_at")


STAFF_SCORES = ScoreTable("staff_score", "staff_id", ("score",))
TEAM_SCORES = ScoreTable("team_score", "team_id", ("n", "mean"))


def score_table(row: Mapping[str, Any]) -> ScoreTable:
    """The table a score as an audit entry keeps it belongs to (a person's or a team's)."""
    return STAFF_SCORES if "staff_id" in row else TEAM_SCORES


def scores(
    store: Store, where: ScoreTable, measure: str, window: str, ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """The scores of a measure in a window now, for these people or teams, by id."""
    wanted = set(ids)
    columns = where.columns()
    return {
        row[0]: dict(zip(columns, row, strict=True))
        for row in store.db.execute(
            f"SELECT {', '.join(columns)} FROM {where.table} WHERE measure = ? AND window_kind = ?",
            [measure, window],
        )
        if row[0] in wanted
    }


def put_scores_back(
    store: Store,
    where: ScoreTable,
    measure: str,
    window: str,
    added: Sequence[int],
    before: Sequence[Mapping[str, Any]],
) -> None:
    """The scores an import added deleted, and those it replaced put back as they were
    (values, who recorded them and when)."""
    store.db.conn.executemany(
        f"DELETE FROM {where.table} WHERE measure = ? AND window_kind = ? AND {where.key} = ?",
        [(measure, window, record) for record in added],
    )
    columns = where.columns()
    store.db.conn.executemany(
        f"INSERT OR REPLACE INTO {where.table} (measure, window_kind, {', '.join(columns)}) "
        f"VALUES (?, ?, {', '.join('?' for _ in columns)})",
        [(measure, window, *(row[column] for column in columns)) for row in before],
    )


def later_imports(store: Store, after: int, measure: str, window: str) -> list[AuditRow]:
    """Score imports of the same measure and window after entry `after`, still standing,
    oldest first."""
    return [
        row_of(row)
        for row in store.db.execute(
            f"SELECT {ROW_COLUMNS} FROM audit WHERE id > ? AND {STANDING} "
            "AND action = 'record' AND entity = 'score' "
            "AND json_extract(new, '$.measure') = ? AND json_extract(new, '$.window') = ? "
            "ORDER BY id",
            [after, measure, window],
        )
    ]


def window_row(store: Store, window_id: int) -> dict[str, Any] | None:
    """A measurement window as stored, or None."""
    return store.one("SELECT * FROM measure_window WHERE id = ?", [window_id])


def delete_window(store: Store, window_id: int) -> None:
    """Take a window away."""
    store.db.execute("DELETE FROM measure_window WHERE id = ?", [window_id])


def insert_window(store: Store, kept: Mapping[str, Any]) -> None:
    """Put a removed window back with its id, calendar id and creation time (as the
    audit entry of its removal keeps them)."""
    store.db.execute(
        "INSERT INTO measure_window (id, uuid, kind, cohort_id, start_date, end_date, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            kept["id"],
            kept["uuid"],
            kept["kind"],
            kept["cohort_id"],
            kept["from"],
            kept["to"],
            kept["created_at"],
        ],
    )


def scores_since(store: Store, kind: str, since: str, cohort_id: int | None) -> int:
    """How many scores of a window kind were recorded at or after `since` (for a cohort:
    of its teams and of people who have been on them)."""
    team_scope, staff_scope, scope = "", "", []
    if cohort_id is not None:
        team_scope = " AND team_id IN (SELECT team_id FROM cohort_team WHERE cohort_id = ?)"
        staff_scope = (
            " AND staff_id IN (SELECT m.staff_id FROM membership m "
            "JOIN cohort_team ct ON ct.team_id = m.team_id WHERE ct.cohort_id = ?)"
        )
        scope = [cohort_id]
    (teams,) = store.db.execute(
        f"SELECT count(*) FROM team_score WHERE window_kind = ? AND recorded_at >= ?{team_scope}",
        [kind, since, *scope],
    ).fetchone()
    (staff,) = store.db.execute(
        f"SELECT count(*) FROM staff_score WHERE window_kind = ? AND recorded_at >= ?{staff_scope}",
        [kind, since, *scope],
    ).fetchone()
    return int(teams) + int(staff)


def cohort_exists(store: Store, cohort_id: int) -> bool:
    """Whether a cohort is still on record."""
    return store.one("SELECT 1 AS found FROM cohort WHERE id = ?", [cohort_id]) is not None
