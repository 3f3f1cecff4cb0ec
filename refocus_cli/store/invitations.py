"""Invitations by email: who each session's invitation goes to, and what was sent."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from refocus_cli.core.calendar import CalendarSession
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.itip import Attendee, Method, Outgoing, Sent
from refocus_cli.store import audit
from refocus_cli.store.database import Store

SENT_COLUMNS = (
    "session_id, uid, start_utc, person_kind, person_id, recipient, method, sequence, "
    "session_sequence"
)

# The session's UID, not its id: a session taken away (undo) may leave its id to another.
Key = tuple[str, str, int]  # session UID, person kind, person id


def person_id(store: Store, kind: str, ref: str) -> int:
    """The id of the member of staff or trainer `ref` names."""
    if kind == "staff":
        from refocus_cli.store.staff import find_staff

        return int(find_staff(store, ref)["id"])
    from refocus_cli.store.trainers import find_trainer

    return int(find_trainer(store, ref)["id"])


def person_name(store: Store, kind: str, person: int) -> str:
    """The name of a member of staff or trainer by id ("" if they are gone)."""
    table = "staff" if kind == "staff" else "trainer"
    row = store.one(f"SELECT name FROM {table} WHERE id = ?", [person])
    return str(row["name"]) if row else ""


def sent_to(store: Store, kind: str, person: int) -> list[dict[str, Any]]:
    """Every invitation email a person was sent, oldest first (for a subject access
    export); session starts and times sent as stored (UTC)."""
    return store.rows(
        "SELECT session_id, uid, start_utc AS start, method, sequence, recipient, sent_at "
        "FROM invitation WHERE person_kind = ? AND person_id = ? ORDER BY id",
        [kind, person],
    )


def attendees(store: Store, curriculum: Curriculum, session: CalendarSession) -> list[Attendee]:
    """Everyone a session's invitation is for: its trainers, then the staff expected at
    it (its teams' staff in its audience on the day, its group where a team is split, or
    the people a catch-up is for)."""
    from refocus_cli.store.attendance import expected

    trainers = [
        Attendee("trainer", row["id"], row["name"], row["email"])
        for row in store.rows(
            "SELECT t.id, t.name, t.email FROM session_trainer st "
            "JOIN trainer t ON t.id = st.trainer_id WHERE st.session_id = ? "
            "ORDER BY st.role, t.name",
            [session.id],
        )
    ]
    row = {
        "id": session.id,
        "kind": session.kind,
        "module": session.module,
        "occurrence": session.occurrence,
        "start": session.start.isoformat(),
    }
    people = expected(store, row, curriculum.audience(session.module), include_attended=True)
    staff = [Attendee("staff", p["id"], p["name"], p["email"]) for p in people]
    return trainers + staff


def last_sent(
    store: Store, session_ids: Iterable[int] | None = None, person: tuple[str, int] | None = None
) -> dict[Key, Sent]:
    """The last message each person was sent for each session: of the sessions given
    (None: all, including sessions since taken away), to the person given (None:
    everyone)."""
    where, params = [], []
    if session_ids is not None:
        store.db.execute("CREATE TEMP TABLE IF NOT EXISTS invite_chosen (id INTEGER PRIMARY KEY)")
        store.db.execute("DELETE FROM invite_chosen")
        store.db.conn.executemany(
            "INSERT OR IGNORE INTO invite_chosen VALUES (?)", [(i,) for i in session_ids]
        )
        where.append("session_id IN (SELECT id FROM invite_chosen)")
    if person is not None:
        where.append("person_kind = ? AND person_id = ?")
        params += [person[0], person[1]]
    sql = f"SELECT {SENT_COLUMNS} FROM invitation"
    if where:
        sql += " WHERE " + " AND ".join(where)
    latest: dict[Key, Sent] = {}
    for row in store.rows(sql + " ORDER BY id", params):
        latest[(row["uid"], row["person_kind"], row["person_id"])] = _sent(row)
    return latest


def _sent(row: dict[str, Any]) -> Sent:
    return Sent(
        session_id=row["session_id"],
        uid=row["uid"],
        start_utc=row["start_utc"],
        kind=row["person_kind"],
        person_id=row["person_id"],
        recipient=row["recipient"],
        method=Method(row["method"]),
        sequence=row["sequence"],
        session_sequence=row["session_sequence"],
    )


def record_sent(store: Store, message: Outgoing, message_id: str) -> None:
    """Record one message the SMTP server accepted, with its audit entry, at once: a run
    cut short keeps what it sent."""
    values = {
        "session_id": message.session_id,
        "uid": message.uid,
        "start_utc": message.start_utc,
        "person_kind": message.attendee.kind,
        "person_id": message.attendee.id,
        "recipient": message.recipient,
        "method": str(message.method),
        "sequence": message.sequence,
        "session_sequence": message.session_sequence,
        "message_id": message_id,
        "sent_at": store.now(),
    }
    with store.write():
        row_id = store.db.execute(
            f"INSERT INTO invitation ({', '.join(values)}) "
            f"VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        ).lastrowid
        audit.record(
            store,
            "send",
            "invitation",
            row_id,
            None,
            {key: value for key, value in values.items() if key != "sent_at"},
        )
