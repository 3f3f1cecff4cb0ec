"""`refocus audit`: who changed what, when, from what to what."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt
from refocus_cli.cli.output import emit, message
from refocus_cli.core.dates import parse_date
from refocus_cli.core.display import show_moment
from refocus_cli.core.errors import InvalidInput
from refocus_cli.services.context import opened

AUDIT_COLUMNS = [
    ("when", "When"),
    ("actor", "Who"),
    ("action", "Action"),
    ("subject", "What"),
    ("change", "Change"),
]
CSV_COLUMNS = [
    ("id", "Id"),
    ("at", "At"),
    ("actor", "Actor"),
    ("action", "Action"),
    ("entity", "Entity"),
    ("entity_id", "Entity id"),
    ("subject", "Subject"),
    ("change", "Change"),
    ("old", "Old"),
    ("new", "New"),
]
DEFAULT_LIMIT = 100


def audit(
    session: Annotated[
        str | None, typer.Option("--session", help="Only entries about this session (id).")
    ] = None,
    staff: Annotated[
        str | None,
        typer.Option("--staff", help="Only entries about this person (id, email or name)."),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option("--team", help="Only entries about this team, its staff and sessions."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only entries from this date, YYYY-MM-DD.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", help="Show the latest N entries; 0 shows them all.", min=0),
    ] = DEFAULT_LIMIT,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Show the audit log: who changed what and when, old → new."""
    from refocus_cli.services import audit as audit_log

    if as_json and as_csv:
        raise InvalidInput("--json and --csv cannot be combined: choose one")
    with opened(db) as store:
        found = audit_log.log(
            store,
            session=session,
            staff=staff,
            team=team,
            since=parse_date(since, "--since") if since is not None else None,
            limit=limit or None,
        )
        tz = store.tz()
    entries = [entry.as_record() for entry in found.entries]
    if as_csv:
        for entry in entries:
            for key in ("old", "new"):
                entry[key] = (
                    "" if entry[key] is None else json.dumps(entry[key], ensure_ascii=False)
                )
    elif not as_json:
        readable(entries, tz)
    columns = CSV_COLUMNS if as_csv else AUDIT_COLUMNS
    emit(entries, columns, as_json=as_json, as_csv=as_csv, empty="No audit entries to show.")
    if len(entries) < found.total:
        message(
            f"Showing the latest {len(entries)} of {found.total} entries: --limit 0 shows them all."
        )


def readable(entries: list[dict[str, Any]], tz: tzinfo | None = None) -> list[dict[str, Any]]:
    """Entries with `when` for people: the day with its weekday and the time, in the
    programme's time zone `tz` (else as recorded, in UTC)."""
    for entry in entries:
        entry["when"] = show_moment(entry["at"], tz)
    return entries
