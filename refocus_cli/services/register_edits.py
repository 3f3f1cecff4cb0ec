"""Putting a register right: `attend ID --clear PERSON…` removes marks (a member of staff
or a visitor), `attend ID --rename-visitor OLD --to NEW` corrects a visitor's name.

Both are all-or-nothing (every name is checked before anything is written, in the one
transaction that writes) and idempotent: clearing someone with no mark, or renaming a
visitor already renamed, changes nothing and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from refocus_cli.core.errors import Ambiguous, Conflict, InvalidInput, NotFound
from refocus_cli.core.people import Candidate, Directory, Unknown, did_you_mean, folded, listed
from refocus_cli.core.programme import clean_name
from refocus_cli.core.vocabulary import SessionStatus
from refocus_cli.store import register_edits, sessions
from refocus_cli.store.database import Store
from refocus_cli.store.register_edits import OnRegister
from refocus_cli.store.staff import find_staff


@dataclass(frozen=True)
class Correction:
    """A correction asked of a session's register: marks to clear, or a visitor to rename."""

    session: str | None
    clear: tuple[str, ...] = ()
    rename: str | None = None
    to: str | None = None

    @property
    def asked(self) -> bool:
        """Whether any correction was asked for."""
        return bool(self.clear) or self.rename is not None or self.to is not None


def check(correction: Correction, *, recording: bool) -> None:
    """Refuse a correction whose parts do not go together, saying what to change;
    `recording` says whether marks were given too."""
    what = "--clear" if correction.clear else "--rename-visitor"
    if correction.to is not None and correction.rename is None:
        raise InvalidInput("--to goes with --rename-visitor: add --rename-visitor OLD")
    if correction.rename is not None and correction.to is None:
        raise InvalidInput("--rename-visitor needs the new name: add --to NEW")
    if correction.clear and correction.rename is not None:
        raise InvalidInput(
            "--clear and --rename-visitor go in two commands: run one, then the other"
        )
    if recording:
        raise InvalidInput(f"{what} is used on its own: record marks with another `refocus attend`")
    if correction.session is None:
        raise InvalidInput(f"name the session: refocus attend SESSION_ID {what} ...")


@dataclass(frozen=True)
class Cleared:
    """What clearing marks did: the marks removed, the people named who had none, and the
    session's status where an emptied register took it back from held."""

    session: int
    removed: tuple[OnRegister, ...]
    had_no_mark: tuple[str, ...]
    status_now: SessionStatus | None


def clear(store: Store, session_ref: str, refs: Sequence[str]) -> Cleared:
    """Remove the marks of the people (staff or visitors) named, all or none."""
    with store.write():
        session_id = sessions.get(store, session_ref)["id"]
        register = register_edits.on_register(store, session_id)
        found: dict[tuple[int | None, str | None], OnRegister] = {}
        no_mark, problems = [], []
        for ref in refs:
            try:
                mark = _on_register(store, session_id, register, ref)
            except (NotFound, Ambiguous, InvalidInput) as exc:
                problems.append(f"--clear {ref!r}: {exc}")
                continue
            if isinstance(mark, str):
                no_mark.append(mark)
            else:
                found[(mark.staff_id, mark.visitor)] = mark
        if problems:
            raise InvalidInput("; ".join(problems) + "; nothing was cleared")
        removed = tuple(found.values())
        register_edits.clear(store, session_id, removed)
        status_now = register_edits.unhold_if_empty(store, session_id) if removed else None
    return Cleared(session_id, removed, tuple(dict.fromkeys(no_mark)), status_now)


def _on_register(
    store: Store, session_id: int, register: list[OnRegister], ref: str
) -> OnRegister | str:
    """The mark `ref` names on a register (a visitor by name, staff by id, email or name);
    the person's name where they are on record but have no mark there."""
    typed = " ".join(ref.split())
    if not typed:
        raise InvalidInput("give a name, an email or an id")
    mark = _marked(register, typed)
    if mark is not None:
        return mark
    try:
        return str(find_staff(store, typed)["name"])
    except Unknown as exc:
        past = register_edits.past_visitors(store, session_id)
        gone = [name for name in past if folded(name) == folded(typed)]
        if gone:
            return f"visitor {gone[0]}"  # cleared or renamed before: nothing to do
        raise _nobody(session_id, register, typed, exc.suggestions) from None


def _marked(register: list[OnRegister], typed: str) -> OnRegister | None:
    """The one mark on a register `typed` names: a visitor's name, or a member of staff's
    id, email or name; None where it names nobody there."""
    visitors = [m for m in register if m.visitor is not None and folded(m.visitor) == folded(typed)]
    staff = {m.staff_id: m for m in register if m.staff_id is not None}
    directory = Directory(Candidate(i, m.name, m.email) for i, m in staff.items())
    matched = directory.match(typed).found
    if len(visitors) + len(matched) > 1:
        described = [f"visitor {m.visitor}" for m in visitors] + [listed(matched)]
        raise Ambiguous(
            f"{typed!r} matches {', '.join(d for d in described if d)}: "
            "name a member of staff by id or email"
        )
    if visitors:
        return visitors[0]
    return staff[matched[0].id] if matched else None


def _nobody(
    session_id: int, register: list[OnRegister], typed: str, on_record: tuple[str, ...]
) -> NotFound:
    """The error for a name neither on record nor on the register, with the closest names."""
    visitors = Directory(
        (Candidate(n, m.visitor) for n, m in enumerate(register) if m.visitor), emails=False
    )
    near = did_you_mean((*on_record, *visitors.closest(typed))[:3])
    return NotFound(
        f"no staff member or visitor {typed!r} on record or on session {session_id}'s "
        f"register{' (' + near + ')' if near else ''}: check the spelling "
        f"(`refocus session show {session_id}` lists the register)"
    )


@dataclass(frozen=True)
class Renamed:
    """What renaming a visitor did: the names before and after, and whether it changed."""

    session: int
    old: str
    new: str
    changed: bool


def rename_visitor(store: Store, session_ref: str, old: str, new: str) -> Renamed:
    """Give a visitor on a session's register another name; refused where no visitor has
    the old name, or another already has the new one."""
    new_name = clean_name(new, "visitor")
    with store.write():
        session_id = sessions.get(store, session_ref)["id"]
        visitors = [m for m in register_edits.on_register(store, session_id) if m.visitor]
        mark = _visitor(session_id, visitors, old, new_name)
        if mark is None or mark.visitor == new_name:
            return Renamed(session_id, " ".join(old.split()), new_name, False)
        if any(m.visitor == new_name for m in visitors):
            raise Conflict(
                f"{new_name!r} is on session {session_id}'s register already: remove "
                f"{mark.visitor!r} with --clear instead"
            )
        register_edits.rename_visitor(store, session_id, mark, new_name)
    return Renamed(session_id, mark.visitor or "", new_name, True)


def _visitor(session_id: int, visitors: list[OnRegister], old: str, new: str) -> OnRegister | None:
    """The visitor `old` names (the exact spelling first); None where the register has
    only the new name already (renamed before)."""
    typed = " ".join(old.split())
    exact = [m for m in visitors if m.visitor == typed]
    alike = exact or [m for m in visitors if folded(m.visitor or "") == folded(typed)]
    if len(alike) == 1:
        return alike[0]
    if alike:
        raise Ambiguous(
            f"{typed!r} matches visitors {', '.join(repr(m.visitor) for m in alike)}: "
            "type the name exactly as on the register"
        )
    if any(m.visitor == new for m in visitors):
        return None
    names = ", ".join(repr(m.visitor) for m in visitors) or "none"
    raise NotFound(
        f"no visitor {typed!r} on session {session_id}'s register (its visitors: {names}): "
        "check the spelling"
    )
