"""Measurement windows and the scores recorded in them: the only SQL of outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from refocus_cli.core.measure_defs import Window, WindowKind
from refocus_cli.core.vocabulary import ATTENDED
from refocus_cli.store import audit
from refocus_cli.store.database import Store
from refocus_cli.store.lookup import new_uuid

if TYPE_CHECKING:  # the demo's types: the reports that import this module need none
    from refocus_cli.core.demo_outcomes import CohortSpan, SimulatedScores, TeamFacts

WINDOW_SELECT = (
    "SELECT w.id, w.kind, w.start_date, w.end_date, w.cohort_id, c.name AS cohort "
    "FROM measure_window w LEFT JOIN cohort c ON c.id = w.cohort_id"
)


def _window(row: Sequence[Any]) -> Window:
    return Window(
        id=row[0],
        kind=WindowKind(row[1]),
        start=date.fromisoformat(row[2]),
        end=date.fromisoformat(row[3]),
        cohort_id=row[4],
        cohort=row[5],
    )


def windows(store: Store) -> list[Window]:
    """Every window, in date order."""
    return [
        _window(row)
        for row in store.db.execute(f"{WINDOW_SELECT} ORDER BY w.start_date, w.kind, w.id")
    ]


def add_window(store: Store, window: Window) -> int:
    """Store a window (inside the caller's write transaction), audited; its id."""
    cursor = store.db.execute(
        "INSERT INTO measure_window (uuid, kind, cohort_id, start_date, end_date, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            new_uuid(),
            str(window.kind),
            window.cohort_id,
            window.start.isoformat(),
            window.end.isoformat(),
            store.now(),
        ],
    )
    window_id = int(cursor.lastrowid or 0)
    audit.record(
        store, "add", "measure_window", window_id, None, _audited(replace(window, id=window_id))
    )
    return window_id


def remove_window(store: Store, window: Window) -> None:
    """Delete a window (inside the caller's write transaction), audited with its calendar
    id and creation time, so that undo can put it back as the calendars knew it."""
    uuid, created_at = store.db.execute(
        "SELECT uuid, created_at FROM measure_window WHERE id = ?", [window.id]
    ).fetchone()
    store.db.execute("DELETE FROM measure_window WHERE id = ?", [window.id])
    kept = {**_audited(window), "uuid": uuid, "created_at": created_at}
    audit.record(store, "remove", "measure_window", window.id, kept, None)


def _audited(window: Window) -> dict[str, Any]:
    return {**window.as_record(), "cohort_id": window.cohort_id}


def staff_scores(store: Store, measure: str, window: WindowKind) -> dict[int, float]:
    """The staff-level scores of a measure in a window, by staff id."""
    return dict(
        store.db.execute(
            "SELECT staff_id, score FROM staff_score WHERE measure = ? AND window_kind = ?",
            [measure, str(window)],
        ).fetchall()
    )


def team_scores(store: Store, measure: str, window: WindowKind) -> dict[int, tuple[int, float]]:
    """The team-level results (n, mean) of a measure in a window, by team id."""
    return {
        team_id: (n, mean)
        for team_id, n, mean in store.db.execute(
            "SELECT team_id, n, mean FROM team_score WHERE measure = ? AND window_kind = ?",
            [measure, str(window)],
        )
    }


@dataclass(frozen=True)
class ScoreWrite:
    """What one import writes: new rows, rows whose score changed (with the old one)."""

    measure: str
    window: WindowKind
    source: str
    added: Sequence[tuple[Any, ...]]  # (id, score) or (id, n, mean)
    replaced: Sequence[tuple[tuple[Any, ...], tuple[Any, ...]]]  # (old row, new row)
    recorded_at: str  # stamped on every row written, and kept in the audit entry


def write_staff_scores(store: Store, write: ScoreWrite) -> None:
    """Insert or replace staff-level scores in one statement, with one audit entry."""
    rows = [*write.added, *(new for _, new in write.replaced)]
    stamps = _stamps(store, "staff_score", "staff_id", write)
    store.db.conn.executemany(
        "INSERT OR REPLACE INTO staff_score "
        "(measure, window_kind, staff_id, score, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        _stamped(store, write, rows),
    )
    _audit(store, write, ("staff_id", "score"), stamps)


def write_team_scores(store: Store, write: ScoreWrite) -> None:
    """Insert or replace team-level results (n, mean), with one audit entry."""
    rows = [*write.added, *(new for _, new in write.replaced)]
    stamps = _stamps(store, "team_score", "team_id", write)
    store.db.conn.executemany(
        "INSERT OR REPLACE INTO team_score "
        "(measure, window_kind, team_id, n, mean, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        _stamped(store, write, rows),
    )
    _audit(store, write, ("team_id", "n", "mean"), stamps)


def _stamped(
    store: Store, write: ScoreWrite, rows: Iterable[tuple[Any, ...]]
) -> Iterable[tuple[Any, ...]]:
    actor, measure, window = store.actor, write.measure, str(write.window)
    return ((measure, window, *row, actor, write.recorded_at) for row in rows)


def _stamps(store: Store, table: str, key: str, write: ScoreWrite) -> dict[Any, tuple[str, str]]:
    """Who recorded each score an import replaces, and when: undo puts them back too."""
    if not write.replaced:
        return {}
    return {
        row[0]: (row[1], row[2])
        for row in store.db.execute(
            f"SELECT {key}, recorded_by, recorded_at FROM {table} "
            "WHERE measure = ? AND window_kind = ?",
            [write.measure, str(write.window)],
        )
    }


def _audit(
    store: Store, write: ScoreWrite, names: tuple[str, ...], stamps: dict[Any, tuple[str, str]]
) -> None:
    """One entry per import: the rows it added and every score it replaced (with who
    recorded it and when), and when it recorded them, so that undo can put them back."""
    audit.record(
        store,
        "record",
        "score",
        None,
        None,
        {
            "measure": write.measure,
            "window": str(write.window),
            "file": write.source,
            "added": len(write.added),
            "replaced": [
                {
                    "old": {
                        **dict(zip(names, old, strict=True)),
                        **dict(zip(("recorded_by", "recorded_at"), stamps[old[0]], strict=True)),
                    },
                    "new": dict(zip(names, new, strict=True)),
                }
                for old, new in write.replaced
            ],
            "added_rows": [dict(zip(names, row, strict=True)) for row in write.added],
            "recorded_at": write.recorded_at,
        },
    )


def score_listing(
    store: Store, measure: str | None, window: WindowKind | None, team_id: int | None
) -> list[dict[str, Any]]:
    """Recorded scores, staff-level and team-level, with names, filtered as asked. A
    staff score is shown with the person's latest team."""
    where, params = _filters(measure, window)
    staff_rows = store.rows(
        "SELECT s.measure, s.window_kind AS window, 'staff' AS level, p.id AS staff_id, "
        "p.name AS staff, t.id AS team_id, t.name AS team, 1 AS n, s.score AS mean "
        "FROM staff_score s JOIN staff p ON p.id = s.staff_id "
        "LEFT JOIN team t ON t.id = (SELECT m.team_id FROM membership m "
        "WHERE m.staff_id = p.id ORDER BY m.start_date DESC, m.id DESC LIMIT 1) "
        f"{where}",
        params,
    )
    team_rows = store.rows(
        "SELECT s.measure, s.window_kind AS window, 'team' AS level, NULL AS staff_id, "
        "NULL AS staff, t.id AS team_id, t.name AS team, s.n, s.mean "
        f"FROM team_score s JOIN team t ON t.id = s.team_id {where}",
        params,
    )
    rows = [*team_rows, *staff_rows]
    if team_id is not None:
        rows = [row for row in rows if row["team_id"] == team_id]
    return sorted(
        rows,
        key=lambda r: (r["measure"], r["window"] != "baseline", (r["team"] or "").lower(),
                       (r["staff"] or "").lower()),
    )  # fmt: skip


def _filters(measure: str | None, window: WindowKind | None) -> tuple[str, list[str]]:
    clauses, params = [], []
    if measure is not None:
        clauses.append("s.measure = ?")
        params.append(measure)
    if window is not None:
        clauses.append("s.window_kind = ?")
        params.append(str(window))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def team_names(store: Store) -> list[tuple[int, str]]:
    """Every team, as a file of team results may name it: (id, name)."""
    return [(row[0], row[1]) for row in store.db.execute("SELECT id, name FROM team")]


def cohort_teams(store: Store, cohort_id: int) -> set[int]:
    """The ids of a cohort's teams (those that left it too: their scores still count)."""
    return {
        row[0]
        for row in store.db.execute(
            "SELECT team_id FROM cohort_team WHERE cohort_id = ?", [cohort_id]
        )
    }


def cohort_staff(store: Store, cohort_id: int) -> set[int]:
    """The ids of everyone who has been on one of a cohort's teams."""
    return {
        row[0]
        for row in store.db.execute(
            "SELECT DISTINCT m.staff_id FROM membership m "
            "JOIN cohort_team ct ON ct.team_id = m.team_id WHERE ct.cohort_id = ?",
            [cohort_id],
        )
    }


def all_staff_scores(store: Store) -> dict[str, dict[WindowKind, dict[int, float]]]:
    """Every staff-level score: by measure, window and staff id (a national programme
    has tens of thousands: each window's are read as (staff id, score) pairs straight
    into a dict)."""
    found: dict[str, dict[WindowKind, dict[int, float]]] = {}
    kinds = {str(kind): kind for kind in WindowKind}
    for measure, window in store.conn.execute(
        "SELECT DISTINCT measure, window_kind FROM staff_score"
    ).fetchall():
        found.setdefault(measure, {})[kinds[window]] = dict(
            store.conn.execute(
                "SELECT staff_id, score FROM staff_score WHERE measure = ? AND window_kind = ?",
                [measure, window],
            ).fetchall()
        )
    return found


def all_team_scores(store: Store) -> dict[str, dict[WindowKind, dict[int, tuple[int, float]]]]:
    """Every team-level result (n, mean): by measure, window and team id."""
    found: dict[str, dict[WindowKind, dict[int, tuple[int, float]]]] = {}
    kinds = {str(kind): kind for kind in WindowKind}
    for measure, window, team_id, n, mean in store.conn.execute(
        "SELECT measure, window_kind, team_id, n, mean FROM team_score"
    ):
        found.setdefault(measure, {}).setdefault(kinds[window], {})[team_id] = (n, mean)
    return found


# -- the demo's simulated outcomes ------------------------------------------------------


def demo_spans(store: Store) -> list[CohortSpan]:
    """Each cohort with planned sessions: the day of its first, and of its last session
    of support for practice change (else its last), for its default windows."""
    from refocus_cli.core.demo_outcomes import CohortSpan

    return [
        CohortSpan(cohort_id, name, date.fromisoformat(first[:10]), date.fromisoformat(last[:10]))
        for cohort_id, name, first, last in store.db.execute(
            "SELECT c.id, c.name, min(s.start_utc), "
            "coalesce(max(CASE WHEN s.stage = 'practice-change' THEN s.start_utc END), "
            "max(s.start_utc)) "
            "FROM session s JOIN cohort c ON c.id = s.cohort_id GROUP BY c.id ORDER BY c.id"
        )
    ]


def demo_teams(store: Store, today: date) -> list[TeamFacts]:
    """Each team with sessions: its share of expected places taken so far, and its
    stayers (on the team from its first session to `today` without a break)."""
    from refocus_cli.core.demo_outcomes import TeamFacts

    first_days = dict(
        store.db.execute(
            "SELECT st.team_id, substr(min(s.start_utc), 1, 10) FROM session_team st "
            "JOIN session s ON s.id = st.session_id GROUP BY st.team_id"
        ).fetchall()
    )
    shares = dict(
        store.db.execute(
            "SELECT st.team_id, avg(a.status IN (?, ?, ?)) "
            "FROM attendance a JOIN session_team st ON st.session_id = a.session_id "
            "WHERE a.staff_id IS NOT NULL GROUP BY st.team_id",
            sorted(ATTENDED),
        ).fetchall()
    )
    stayers: dict[int, list[int]] = {team_id: [] for team_id in first_days}
    for staff_id, team_id, start, end in store.db.execute(
        "SELECT staff_id, team_id, start_date, end_date FROM membership"
    ):
        first = first_days.get(team_id)
        if first is not None and start <= first and (end is None or end > today.isoformat()):
            stayers[team_id].append(staff_id)
    return [
        TeamFacts(team_id, shares.get(team_id) or 0.0, tuple(sorted(stayers[team_id])))
        for team_id in sorted(first_days)
    ]


def write_demo(store: Store, windows: Sequence[Window], scores: SimulatedScores) -> None:
    """The demo's windows and scores in a few bulk statements (inside its transaction)."""
    now = store.now()
    store.db.conn.executemany(
        "INSERT INTO measure_window (uuid, kind, cohort_id, start_date, end_date, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (new_uuid(), str(w.kind), w.cohort_id, w.start.isoformat(), w.end.isoformat(), now)
            for w in windows
        ],
    )
    store.db.conn.executemany(
        "INSERT INTO team_score (measure, window_kind, team_id, n, mean, recorded_by, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, 'demo', ?)",
        [(m, w, *row, now) for (m, w), rows in scores.team.items() for row in rows],
    )
    store.db.conn.executemany(
        "INSERT INTO staff_score (measure, window_kind, staff_id, score, recorded_by, "
        "recorded_at) VALUES (?, ?, ?, ?, 'demo', ?)",
        [(m, w, *row, now) for (m, w), rows in scores.staff.items() for row in rows],
    )
    audit.record(
        store,
        "demo",
        "score",
        None,
        None,
        {
            "windows": len(windows),
            "team_results": sum(len(rows) for rows in scores.team.values()),
            "staff_scores": sum(len(rows) for rows in scores.staff.values()),
        },
    )


def scores_of(store: Store, staff_id: int) -> list[dict[str, Any]]:
    """One person's staff-level scores, for a subject access request."""
    return store.rows(
        "SELECT measure, window_kind AS window, score, recorded_by, recorded_at "
        "FROM staff_score WHERE staff_id = ? ORDER BY measure, window_kind DESC",
        [staff_id],
    )
