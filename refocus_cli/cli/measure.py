"""`refocus measure …`: measurement windows, importing scores, listing them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_json
from refocus_cli.services.context import opened

app = typer.Typer(
    help="Outcome measures: windows for baseline and follow-up, importing and listing scores.",
    no_args_is_help=True,
)
window_app = typer.Typer(
    help="When baseline and follow-up scores are collected.", no_args_is_help=True
)
app.add_typer(window_app, name="window")

KindArg = Annotated[str, typer.Argument(help="baseline or follow-up.")]
CohortOpt = Annotated[
    str | None,
    typer.Option("--cohort", help="Only this cohort (id or name) [default: the whole programme]."),
]
WindowOpt = Annotated[str, typer.Option("--window", help="baseline or follow-up.")]
MeasureOpt = Annotated[
    str,
    typer.Option("--measure", help="The measure's key in manual/measures.toml, e.g. qpr-total."),
]

WINDOW_COLUMNS = [
    ("id", "Id"),
    ("kind", "Window"),
    ("from", "From"),
    ("to", "To"),
    ("cohort", "Cohort"),
]
SCORE_COLUMNS = [
    ("measure", "Measure"),
    ("window", "Window"),
    ("level", "Level"),
    ("team", "Team"),
    ("staff", "Staff"),
    ("n", "n"),
    ("mean", "Score or mean"),
]


@window_app.command("add")
def add_window(
    kind: KindArg,
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")],
    cohort: CohortOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add a baseline or follow-up window; one overlapping another of its kind is refused."""
    from refocus_cli.services import measures

    with opened(db) as store:
        window = measures.add_window(store, kind, start, end, cohort)
    if as_json:
        print_json(window.as_record())
    else:
        message(
            f"Added {window.kind} window {window.id} for {window.scope}: "
            f"{window.start} to {window.end}."
        )


@window_app.command("list")
def list_windows(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """List the measurement windows, in date order."""
    from refocus_cli.services import measures

    with opened(db) as store:
        windows = measures.windows(store)
    emit(
        [{**w.as_record(), "cohort": w.cohort or "(all)"} if not (as_json or as_csv)
         else w.as_record() for w in windows],
        WINDOW_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No windows yet: add one with `refocus measure window add baseline --from "
        "DATE --to DATE`, or schedule a cohort.",
    )  # fmt: skip


@window_app.command("remove")
def remove_window(
    window: Annotated[str, typer.Argument(help="The window's id (see `measure window list`).")],
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Remove a window; the scores recorded stay."""
    from refocus_cli.services import measures

    with opened(db) as store:
        removed = measures.remove_window(store, window)
    message(f"Removed {removed.kind} window {removed.id} ({removed.start} to {removed.end}).")


@app.command("import")
def import_scores(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file of scores.")],
    measure: MeasureOpt,
    window: WindowOpt,
    cohort: CohortOpt = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record scores, all or nothing: staff-level measures one row per person (person or
    id/email/name, score); service-user measures one row per team (team, n, mean).
    `refocus undo` puts the scores back as they were."""
    from refocus_cli.services import measures

    with opened(db) as store:
        done = measures.import_scores(store, file, measure, window, cohort=cohort, manual=manual)
    if as_json:
        print_json(done.as_record())
        return
    rows = "people" if done.level == "staff" else "teams"
    message(
        f"Recorded {done.measure} at {done.window}: {done.added} {rows} added, "
        f"{done.replaced} changed, {done.unchanged} unchanged."
    )


@app.command("list")
def list_scores(
    measure: Annotated[str | None, typer.Option("--measure", help="Only this measure.")] = None,
    window: Annotated[str | None, typer.Option("--window", help="Only this window.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team.")] = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List the scores recorded: team results (n, mean) and staff scores."""
    from refocus_cli.services import measures

    with opened(db) as store:
        rows = measures.listing(store, measure=measure, window=window, team=team, manual=manual)
    if not (as_json or as_csv):
        rows = [{**row, "staff": row["staff"] or "-", "team": row["team"] or "-"} for row in rows]
    emit(
        rows,
        SCORE_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        empty="No scores recorded yet: import some with `refocus measure import`.",
    )


@app.command("measures")
def list_measures(manual: ManualOpt = None, as_json: JsonOpt = False) -> None:
    """The measures a programme can record (manual/measures.toml), with their ranges."""
    from refocus_cli.services import measures

    found = measures.measures(manual).measures
    emit(
        [{**m.as_record(), "range": m.range_text} for m in found],
        [("key", "Key"), ("name", "Measure"), ("level", "Level"), ("range", "Range"),
         ("higher_is_better", "Higher is better")],
        as_json=as_json,
    )  # fmt: skip
