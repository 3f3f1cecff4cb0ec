"""`refocus measure ...`: the measures a programme records, the windows it records them
in, importing scores and listing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refocus_cli.core.dates import parse_date
from refocus_cli.core.errors import Conflict, FileProblems, InvalidInput, NotFound
from refocus_cli.core.measure_defs import (
    MeasureDef,
    MeasureLevel,
    Measures,
    Window,
    WindowKind,
    overlapping,
    window_kind,
)
from refocus_cli.readers.measures import load_measures
from refocus_cli.store import outcomes
from refocus_cli.store.database import Store

# What checks a file of scores is imported by the commands that import one: the outcomes
# report, which reads the definitions alone, never loads it.
if TYPE_CHECKING:
    from refocus_cli.core.measure_import import CheckedScores
    from refocus_cli.core.tabular import Table


def measures(manual: Path | None = None) -> Measures:
    """The measures of the manual in use, checked."""
    return load_measures(manual)


def _cohort(store: Store, ref: str | None) -> tuple[int | None, str | None]:
    if ref is None:
        return None, None
    from refocus_cli.store.cohorts import find_cohort

    row = find_cohort(store, ref)
    return row["id"], row["name"]


def add_window(store: Store, kind: str, start: str, end: str, cohort: str | None = None) -> Window:
    """A new window, refused when it overlaps another of the same kind and scope."""
    window_type = window_kind(kind)
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if last < first:
        raise InvalidInput(f"--to {last} is before --from {first}: give the days in order")
    with store.write():
        cohort_id, cohort_name = _cohort(store, cohort)
        window = Window(0, window_type, first, last, cohort_id, cohort_name)
        return _add(store, window)


def _add(store: Store, window: Window) -> Window:
    clash = overlapping(window, outcomes.windows(store))
    if clash is not None:
        raise Conflict(
            f"a {window.kind} window for {window.scope} already covers {clash.start} to "
            f"{clash.end} (window {clash.id}): change the dates, or remove it first with "
            f"`refocus measure window remove {clash.id}`"
        )
    window_id = outcomes.add_window(store, window)
    return Window(window_id, window.kind, window.start, window.end, window.cohort_id, window.cohort)


def add_windows(store: Store, windows: list[Window], *, dry_run: bool = False) -> list[Window]:
    """Several windows at once (the defaults `schedule` offers), inside the caller's
    transaction; a window overlapping one already there is skipped, not refused. On a
    dry run, the windows that would be added (nothing is written)."""
    added = []
    existing = outcomes.windows(store)
    for window in windows:
        if overlapping(window, existing) is None:
            stored = window if dry_run else _add(store, window)
            existing.append(stored)
            added.append(stored)
    return added


def windows(store: Store) -> list[Window]:
    """Every window, in date order."""
    return outcomes.windows(store)


def remove_window(store: Store, window_id: str) -> Window:
    """Remove a window by its id; scores recorded stay (they belong to the kind)."""
    from refocus_cli.core.people import record_id

    with store.write():
        wanted = record_id(window_id.strip())
        found = next((w for w in outcomes.windows(store) if w.id == wanted), None)
        if found is None:
            raise NotFound(f"no window with id {window_id!r}: see `refocus measure window list`")
        outcomes.remove_window(store, found)
        return found


@dataclass(frozen=True)
class ScoreImport:
    """What an import did: rows added, changed (replacing the score before) and unchanged."""

    measure: str
    window: WindowKind
    level: MeasureLevel
    added: int
    replaced: int
    unchanged: int

    def as_record(self) -> dict[str, Any]:
        """The import as `--json` shows it."""
        return {
            "measure": self.measure,
            "window": str(self.window),
            "level": str(self.level),
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
        }


def _window_for(store: Store, kind: WindowKind, cohort_id: int | None) -> Window:
    """A window of the kind: for the cohort given, its own or a programme-wide one;
    without a cohort, any."""
    found = [
        w
        for w in outcomes.windows(store)
        if w.kind == kind and (cohort_id is None or w.cohort_id in (cohort_id, None))
    ]
    if not found:
        raise NotFound(
            f"no {kind} window to record scores in: add one with `refocus measure window add "
            f"{kind} --from DATE --to DATE`, or let `refocus schedule` add it"
        )
    return found[0]


def import_scores(
    store: Store,
    path: Path,
    measure_key: str,
    window: str,
    *,
    cohort: str | None = None,
    manual: Path | None = None,
) -> ScoreImport:
    """Record a file of scores, all or nothing: staff-level rows by person, team-level
    rows by team with n and mean. Importing the same file again changes nothing; a
    changed score replaces the one before (audited with both)."""
    from refocus_cli.readers.sheets import read_table

    measure = measures(manual).get(measure_key)
    kind = window_kind(window)
    table = read_table(path)
    with store.write():
        cohort_id, _ = _cohort(store, cohort)
        _window_for(store, kind, cohort_id)
        checked = _checked(store, table, measure, kind, cohort_id)
        if checked.problems:
            raise FileProblems(table.source, checked.shown_problems(), "nothing was recorded")
        if checked.added or checked.replaced:
            write = outcomes.ScoreWrite(
                measure.key, kind, table.source, checked.added, checked.replaced, store.now()
            )
            if measure.level is MeasureLevel.STAFF:
                outcomes.write_staff_scores(store, write)
            else:
                outcomes.write_team_scores(store, write)
    return ScoreImport(
        measure.key,
        kind,
        measure.level,
        len(checked.added),
        len(checked.replaced),
        checked.unchanged,
    )


def _checked(
    store: Store, table: Table, measure: MeasureDef, kind: WindowKind, cohort_id: int | None
) -> CheckedScores:
    from refocus_cli.core.measure_import import check_scores
    from refocus_cli.core.people import Candidate, Directory
    from refocus_cli.store.registers import staff_candidates

    allowed = None
    if measure.level is MeasureLevel.STAFF:
        directory = Directory(staff_candidates(store))
        existing: Any = outcomes.staff_scores(store, measure.key, kind)
        if cohort_id is not None:
            allowed = outcomes.cohort_staff(store, cohort_id)
    else:
        directory = Directory(
            (Candidate(i, name) for i, name in outcomes.team_names(store)), emails=False
        )
        existing = outcomes.team_scores(store, measure.key, kind)
        if cohort_id is not None:
            allowed = outcomes.cohort_teams(store, cohort_id)
    return check_scores(table, measure, directory, allowed, existing)


def listing(
    store: Store,
    *,
    measure: str | None = None,
    window: str | None = None,
    team: str | None = None,
    manual: Path | None = None,
) -> list[dict[str, Any]]:
    """Recorded scores, filtered by measure, window and team."""
    defined = measures(manual)  # a bad --manual is refused, filtered or not
    key = defined.get(measure).key if measure is not None else None
    kind = window_kind(window) if window is not None else None
    team_id = None
    if team is not None:
        from refocus_cli.store.teams import find_team

        team_id = find_team(store, team)["id"]
    return outcomes.score_listing(store, key, kind, team_id)


def milestones(
    store: Store,
    *,
    cohort: str | None = None,
    team: str | None = None,
    trainer: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Window]:
    """The windows a diary filtered like `refocus sessions` shows as milestones: those
    the calendar of each owner named (cohort, team, trainer) shows, as
    services.calendars.Milestones chooses them, meeting the dates."""
    from refocus_cli.core.calendar import shown_windows
    from refocus_cli.store import calendar

    shown = outcomes.windows(store)
    for kind, ref in (("cohort", cohort), ("team", team), ("trainer", trainer)):
        if ref is not None:
            owner = calendar.owner_id(store, kind, ref)
            scopes = calendar.window_scopes(store, kind, owner).get(owner, [])
            shown = [window for window, _ in shown_windows(shown, scopes)]
    return [
        w
        for w in shown
        if (since is None or w.end >= since) and (until is None or w.start <= until)
    ]
