"""`refocus evaluate SESSION --from FILE` and `refocus report evaluations`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from refocus_cli.cli.options import DEFAULT_DB, DbOpt, JsonOpt
from refocus_cli.cli.output import message, print_json, print_table
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.core.evaluations import EvaluationsView


def evaluate(
    session: Annotated[str, typer.Argument(help="Session id (see `refocus sessions`).")],
    source: Annotated[
        Path,
        typer.Option(
            "--from",
            help="The returned forms typed up, .csv or .xlsx: a form column (as printed, "
            "e.g. 12-3) and one column per statement and question (by key or as printed).",
        ),
    ],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Record a session's returned evaluation forms (anonymous: one row per numbered
    form, numbered as its pack printed them), all or nothing; the same forms again
    change nothing, and `refocus undo` puts them back as they were."""
    from refocus_cli.services.evaluations import record_forms

    with opened(db) as store:
        done = record_forms(store, session, source)
    if as_json:
        print_json(done.as_record())
    else:
        message(
            f"Session {done.session_id}: {done.added} forms added, {done.replaced} corrected, "
            f"{done.unchanged} unchanged."
        )


def report_evaluations(
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only this stage's sessions (its key).")
    ] = None,
    trainer: Annotated[
        str | None, typer.Option("--trainer", help="Only sessions this trainer delivers.")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Per statement of the evaluation form, how many forms gave each rating; and every
    written answer, with its session."""
    from refocus_cli.services.evaluations import report

    with opened(db) as store:
        view = report(store, stage=stage, trainer=trainer)
    if as_json:
        print_json(view.as_record())
    elif not view.forms:
        message("No evaluation forms recorded yet: type them up and run `refocus evaluate`.")
    else:
        _print(view)


def _print(view: EvaluationsView) -> None:
    scope = [f"stage {view.stage}"] if view.stage else []
    scope += [f"trainer {view.trainer}"] if view.trainer else []
    title = f"Evaluations: {view.forms} forms from {view.sessions} sessions"
    title += f" ({', '.join(scope)})" if scope else ""
    points = list(view.items[0].as_record()["counts"]) if view.items else []
    rows = []
    for item in view.items:
        record = item.as_record()
        rows.append(
            {
                "statement": item.statement,
                **record["counts"],
                "blank": item.blank,
                "mean": "-" if item.mean is None else f"{item.mean:.1f}",
            }
        )
    columns = [("statement", "Statement"), *((p, p) for p in points)]
    print_table(rows, [*columns, ("blank", "Blank"), ("mean", "Mean")], title=title)
    question = None
    for comment in view.comments:
        if comment.question != question:
            question = comment.question
            print(f"\n{question}")
        print(
            f"  - {comment.text}  (session {comment.session_id}, {comment.module}, {comment.day})"
        )
