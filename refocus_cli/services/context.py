"""Opening the database for a use case, with the clock and the person acting."""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from refocus_cli.core.dates import in_range, parse_date
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.text import ACTOR, clean_text

if TYPE_CHECKING:
    from refocus_cli.store.database import Store as Store  # re-exported for cli annotations


_chosen_actor: str | None = None


def system_clock() -> datetime:
    """Now, as an aware UTC datetime; `REFOCUS_NOW` (ISO-8601) fixes it for tests and demos."""
    fixed = os.environ.get("REFOCUS_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.strip())
        except ValueError:
            raise InvalidInput(
                f"$REFOCUS_NOW {fixed[:40]!r} is not an ISO date and time: set it like "
                "2027-01-04T09:00:00Z, or unset it to use the clock"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        in_range(moment.date(), "$REFOCUS_NOW")
        return moment.astimezone(UTC)
    return datetime.now(UTC)


def set_actor(name: str | None) -> None:
    """Remember --actor (or $REFOCUS_ACTOR) for this invocation, checked as all text is:
    it is written to the audit log and shown by `refocus audit`."""
    global _chosen_actor
    checked = clean_text(name, "--actor (or $REFOCUS_ACTOR)", ACTOR) if name else ""
    _chosen_actor = checked or None


def actor() -> str:
    """Who is acting: --actor, else $REFOCUS_ACTOR, else the operating-system user."""
    if _chosen_actor:
        return _chosen_actor
    try:
        user = getpass.getuser()  # from $LOGNAME, $USER, ... or the password database
    except (KeyError, OSError):
        return "unknown"
    return clean_text(user, "your user name (say who you are with --actor)", ACTOR) or "unknown"


@contextlib.contextmanager
def opened(path: Path, *, create: bool = False) -> Iterator[Store]:
    """The store at `path`, closed when the command is done."""
    from refocus_cli.store.database import explain_database_error, open_store

    store = open_store(path, system_clock, actor(), create=create)
    try:
        yield store
    except sqlite3.DatabaseError as exc:
        raise explain_database_error(exc, path) from None
    finally:
        store.close()


def stored_at_once(store: Store, dry_run: bool = False) -> contextlib.AbstractContextManager[None]:
    """The write transaction a plan is made and stored in (none for a dry run).

    Planning reads the whole diary; were it read outside the transaction, two plans
    made at once could both be stored, booking teams and trainers twice.
    """
    return contextlib.nullcontext() if dry_run else store.write()


def effective_date(store: Store, on: str | None) -> date:
    """The date typed with --on, else today in the programme's time zone."""
    return parse_date(on, "--on") if on is not None else store.today()
