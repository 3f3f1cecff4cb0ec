"""Returned evaluation forms: the only SQL about them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from refocus_cli.core.demo_outcomes import TRAINING_STAGES
from refocus_cli.core.documents import EVALUATION_ITEMS, EVALUATION_QUESTIONS
from refocus_cli.core.evaluations import Form, ReturnedForm
from refocus_cli.core.vocabulary import ATTENDED, SessionKind
from refocus_cli.store import audit
from refocus_cli.store.database import Store

ITEM_KEYS = tuple(key for key, _ in EVALUATION_ITEMS)
ANSWER_KEYS = tuple(key for key, _ in EVALUATION_QUESTIONS)
WRITE_FORM = (
    "INSERT OR REPLACE INTO evaluation_form "
    "(session_id, form, ratings, will_do, better, recorded_by, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _form(number: int, ratings: str, will_do: str, better: str) -> Form:
    given = json.loads(ratings)
    return Form(number, tuple(given.get(key) for key in ITEM_KEYS), (will_do, better))


def _row(session_id: int, form: Form, actor: str, now: str) -> tuple[Any, ...]:
    ratings = json.dumps(dict(zip(ITEM_KEYS, form.ratings, strict=True)))
    will_do, better = form.answers
    return (session_id, form.number, ratings, will_do, better, actor, now)


def forms_of(store: Store, session_id: int) -> dict[int, Form]:
    """The forms recorded for a session, by number."""
    return {
        row[0]: _form(*row)
        for row in store.db.execute(
            "SELECT form, ratings, will_do, better FROM evaluation_form WHERE session_id = ?",
            [session_id],
        )
    }


def printable_forms(store: Store, session_id: int) -> int:
    """The most evaluation forms the session's pack could have printed: it numbers one
    per person expected (at least one), and who is expected may shrink after printing (a
    leaving dated before the session, a move, a team taken off it, someone taken off a
    catch-up), so a trainer may hold forms numbered higher than the pack would print
    today. Refocus does not record printing, so the bound counts everyone who could have
    been expected: for a catch-up, its invitees and everyone taken off it; otherwise
    everyone on one of its teams (or teams taken off it) at any time up to its day,
    whatever the module's audience or the team's groups. Never lower than what the pack
    prints now, so no printed number is refused; a number above it was mistyped."""
    kind, start = store.db.execute(
        "SELECT kind, start_utc FROM session WHERE id = ?", [session_id]
    ).fetchone()
    taken_off = (
        "SELECT json_extract(old, '$.{}') FROM audit "
        "WHERE entity = 'session' AND entity_id = ? AND action = '{}'"
    )
    if kind == SessionKind.CATCH_UP:
        sql = (
            "SELECT count(*) FROM (SELECT staff_id FROM session_invitee WHERE session_id = ? "
            f"UNION {taken_off.format('staff_id', 'uninvite')})"
        )
        params: list[Any] = [session_id, session_id]
    else:
        day = datetime.fromisoformat(start).astimezone(store.tz()).date().isoformat()
        sql = (
            "SELECT count(DISTINCT staff_id) FROM membership WHERE start_date <= ? AND team_id "
            "IN (SELECT team_id FROM session_team WHERE session_id = ? "
            f"UNION {taken_off.format('team_id', 'unlink')})"
        )
        params = [day, session_id, session_id]
    (count,) = store.db.execute(sql, params).fetchone()
    return max(1, int(count))


def write_forms(
    store: Store,
    session_id: int,
    source: str,
    added: Sequence[Form],
    replaced: Sequence[tuple[Form, Form]],
) -> None:
    """Insert new forms and replace changed ones, with one audit entry naming the forms
    changed, what they said before and who recorded them when, and when these were
    recorded (inside the caller's write transaction): enough for undo to put them back."""
    now, actor = store.now(), store.actor
    stamps = form_stamps(store, session_id) if replaced else {}
    forms: Iterable[Form] = [*added, *(new for _, new in replaced)]
    store.db.conn.executemany(WRITE_FORM, [_row(session_id, form, actor, now) for form in forms])
    audit.record(
        store,
        "evaluate",
        "session",
        session_id,
        {"replaced": [_audited(old, stamps[old.number]) for old, _ in replaced]}
        if replaced
        else None,
        {
            "file": source,
            "added": [f.number for f in added],
            "changed": [n.number for _, n in replaced],
            "recorded_at": now,
        },
    )


def _audited(form: Form, stamp: tuple[str, str]) -> dict[str, Any]:
    recorded_by, recorded_at = stamp
    return {
        "form": form.number,
        "ratings": dict(zip(ITEM_KEYS, form.ratings, strict=True)),
        **dict(zip(ANSWER_KEYS, form.answers, strict=True)),
        "recorded_by": recorded_by,
        "recorded_at": recorded_at,
    }


def form_stamps(store: Store, session_id: int) -> dict[int, tuple[str, str]]:
    """Who recorded each of a session's forms and when, by number."""
    return {
        row[0]: (row[1], row[2])
        for row in store.db.execute(
            "SELECT form, recorded_by, recorded_at FROM evaluation_form WHERE session_id = ?",
            [session_id],
        )
    }


def take_back_forms(
    store: Store, session_id: int, added: Sequence[int], before: Sequence[dict[str, Any]]
) -> None:
    """Undo an import of forms (inside the undo's transaction; audited by the undo):
    the forms it added deleted, the forms it replaced put back as an audit entry kept
    them, with who recorded them and when."""
    store.db.conn.executemany(
        "DELETE FROM evaluation_form WHERE session_id = ? AND form = ?",
        [(session_id, number) for number in added],
    )
    store.db.conn.executemany(
        WRITE_FORM,
        [
            _row(session_id, _form_kept(kept), kept["recorded_by"], kept["recorded_at"])
            for kept in before
        ],
    )


def _form_kept(kept: dict[str, Any]) -> Form:
    """A form as its audit entry keeps it (see _audited)."""
    ratings = tuple(kept["ratings"].get(key) for key in ITEM_KEYS)
    return Form(kept["form"], ratings, tuple(kept.get(key) or "" for key in ANSWER_KEYS))


def returned(store: Store, stage: str | None, trainer_id: int | None) -> list[ReturnedForm]:
    """Every form recorded, with its session, for a stage or a trainer's sessions."""
    clauses: list[str] = []
    params: list[str | int] = []
    if stage is not None:
        clauses.append("s.stage = ?")
        params.append(stage)
    if trainer_id is not None:
        clauses.append("s.id IN (SELECT session_id FROM session_trainer WHERE trainer_id = ?)")
        params.append(trainer_id)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    tz = store.tz()
    found = []
    for session_id, module, stage_key, start, number, ratings, will_do, better in store.db.execute(
        "SELECT s.id, s.module, s.stage, s.start_utc, f.form, f.ratings, f.will_do, f.better "
        f"FROM evaluation_form f JOIN session s ON s.id = f.session_id {where} "
        "ORDER BY s.start_utc, s.id, f.form",
        params,
    ):
        day = datetime.fromisoformat(start).astimezone(tz).date().isoformat()
        found.append(
            ReturnedForm(
                session_id, module, stage_key, day, _form(number, ratings, will_do, better)
            )
        )
    return found


def attended_at_training(store: Store) -> dict[int, int]:
    """Held training sessions (workshop, working practices, coaching): how many came."""
    attended = sorted(ATTENDED)
    return dict(
        store.db.execute(
            "SELECT a.session_id, count(*) FROM attendance a "
            "JOIN session s ON s.id = a.session_id WHERE s.status = 'held' "
            f"AND s.stage IN ({', '.join('?' * len(TRAINING_STAGES))}) "
            f"AND a.status IN ({', '.join('?' * len(attended))}) GROUP BY a.session_id",
            [*TRAINING_STAGES, *attended],
        ).fetchall()
    )


def write_demo_forms(store: Store, forms: Sequence[tuple[int, Form]]) -> None:
    """The demo's returned forms, in one statement (inside its transaction)."""
    now = store.now()
    store.db.conn.executemany(
        "INSERT INTO evaluation_form "
        "(session_id, form, ratings, will_do, better, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [_row(session_id, form, "demo", now) for session_id, form in forms],
    )
    audit.record(store, "demo", "evaluation", None, None, {"forms": len(forms)})
