"""Reversing outcome records: a score import (the scores it added taken away, those it
replaced put back), a session's evaluation forms typed up (likewise), and a measurement
window added or removed. Each is refused when what it wrote has changed since."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from refocus_cli.core.measure_defs import Window, WindowKind, overlapping
from refocus_cli.services.undo_context import Refused, Step, Undoing
from refocus_cli.store import evaluations, outcomes
from refocus_cli.store import undo_outcomes as kept
from refocus_cli.store.audit import AuditRow


def unrecord_scores(undoing: Undoing, entry: AuditRow) -> Step:
    """The scores of one import put back as they were before it, while every score it
    wrote still stands as it left it."""
    new = entry.new if isinstance(entry.new, dict) else {}
    if "recorded_at" not in new:
        raise Refused(
            "it was recorded before refocus kept which scores an import added: put the "
            "scores right with another `refocus measure import`"
        )
    measure, window = str(new["measure"]), str(new["window"])
    added: list[dict[str, Any]] = list(new.get("added_rows") or [])
    replaced: list[dict[str, Any]] = list(new.get("replaced") or [])
    written = added + [row["new"] for row in replaced]
    where = kept.score_table(written[0])
    now = kept.scores(undoing.store, where, measure, window, (r[where.key] for r in written))
    for row in written:
        record = row[where.key]
        stands = now.get(record)
        if (
            stands is None
            or any(stands[c] != row[c] for c in where.values)
            or (stands["recorded_at"] != new["recorded_at"])
        ):
            who = undoing.name("staff" if where.key == "staff_id" else "team", record)
            raise Refused(
                f"{who}'s {measure} {window} score has changed since{_by_later(undoing, entry)}: "
                "that import is undone first (only whoever made it can), or put the scores "
                "right with another `refocus measure import`"
            )
    kept.put_scores_back(
        undoing.store,
        where,
        measure,
        window,
        [row[where.key] for row in added],
        [row["old"] for row in replaced],
    )
    what = {"measure": measure, "window": window, "file": new.get("file")}
    return Step(
        f"the {measure} {window} scores from {new.get('file')} taken back: {len(added):,} "
        f"removed, {len(replaced):,} put back as they were",
        {**what, "added": len(added), "replaced": len(replaced)},
        {**what, "removed": len(added), "put_back": len(replaced)},
    )


def _by_later(undoing: Undoing, entry: AuditRow) -> str:
    """Who changed a measure's scores in a window after `entry`, and when, if an import did."""
    new = entry.new or {}
    later = kept.later_imports(undoing.store, entry.id, new["measure"], new["window"])
    if not later:
        return ""
    when = datetime.fromisoformat(later[0].at).astimezone(undoing.store.tz())
    return f" (an import by {later[0].actor}, {when:%Y-%m-%d %H:%M})"


def unevaluate(undoing: Undoing, entry: AuditRow) -> Step:
    """A session's forms put back as they were before one import of them, while every
    form it wrote still stands as it left it."""
    session_id = entry.entity_id or 0
    new = entry.new if isinstance(entry.new, dict) else {}
    if "recorded_at" not in new:
        raise Refused(
            "it was recorded before refocus kept when each form was typed up: put the forms "
            "right with another `refocus evaluate`"
        )
    added = [int(number) for number in new.get("added") or []]
    changed = [int(number) for number in new.get("changed") or []]
    stamps = evaluations.form_stamps(undoing.store, session_id)
    for number in added + changed:
        if stamps.get(number) != (entry.actor, new["recorded_at"]):
            raise Refused(
                f"form {session_id}-{number} has changed since: undo that first, or put the "
                "forms right with another `refocus evaluate`"
            )
    before = list((entry.old or {}).get("replaced") or [])
    evaluations.take_back_forms(undoing.store, session_id, added, before)
    return Step(
        f"session {session_id}'s evaluation forms from {new.get('file')} taken back: "
        f"{len(added):,} removed, {len(changed):,} put back as they were",
        entry.new,
        entry.old,
    )


def unadd_window(undoing: Undoing, entry: AuditRow) -> Step:
    """A window added taken away again, while no score of its kind (for its scope) has
    been recorded since."""
    window_id = entry.entity_id or 0
    added = entry.new if isinstance(entry.new, dict) else {}
    row = kept.window_row(undoing.store, window_id)
    if row is None or (row["kind"], row["start_date"], row["end_date"], row["cohort_id"]) != (
        added.get("kind"),
        added.get("from"),
        added.get("to"),
        added.get("cohort_id"),
    ):
        raise Refused(f"window {window_id} has changed or been removed since")
    since = kept.scores_since(undoing.store, row["kind"], entry.at, row["cohort_id"])
    if since:
        raise Refused(
            f"{since} {row['kind']} score{'s were' if since > 1 else ' was'} recorded since "
            "it was added: undo those imports first, or keep the window"
        )
    kept.delete_window(undoing.store, window_id)
    return Step(f"{_window_words(added)} taken away", added, None)


def unremove_window(undoing: Undoing, entry: AuditRow) -> Step:
    """A window removed put back as it was (its id and calendar id too), unless another
    window of the same kind and scope covers its days since."""
    removed = entry.old if isinstance(entry.old, dict) else {}
    if "uuid" not in removed:
        raise Refused(
            "it was removed before refocus kept a window's calendar id: add it again with "
            "`refocus measure window add`"
        )
    cohort_id = removed.get("cohort_id")
    if cohort_id is not None and not kept.cohort_exists(undoing.store, cohort_id):
        raise Refused(f"cohort {removed.get('cohort')} is no longer on record")
    if kept.window_row(undoing.store, int(removed["id"])) is not None:
        raise Refused(f"window id {removed['id']} is another window's since")
    window = Window(
        int(removed["id"]),
        WindowKind(removed["kind"]),
        date.fromisoformat(removed["from"]),
        date.fromisoformat(removed["to"]),
        cohort_id,
        removed.get("cohort"),
    )
    clash = overlapping(window, outcomes.windows(undoing.store))
    if clash is not None:
        raise Refused(
            f"a {clash.kind} window for {clash.scope} covers {clash.start} to {clash.end} "
            f"since (window {clash.id})"
        )
    kept.insert_window(undoing.store, removed)
    return Step(f"{_window_words(removed)} back", None, removed)


def _window_words(window: dict[str, Any]) -> str:
    scope = f"cohort {window['cohort']}" if window.get("cohort") else "the programme"
    return f"the {window.get('kind')} window {window.get('from')} to {window.get('to')} for {scope}"
