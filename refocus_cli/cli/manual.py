"""`refocus manual …`: the curriculum from `manual/`, its modules and their content."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from refocus_cli.cli.options import DEFAULT_DB, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import emit, message, print_csv, print_json, print_record
from refocus_cli.core.vocabulary import Audience

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import JustifyMethod

    from refocus_cli.core.curriculum import Curriculum, Module

app = typer.Typer(
    help="The curriculum: stages, modules and what each module teaches.", no_args_is_help=True
)

AUDIENCE_LABELS: dict[str, str] = {
    Audience.WHOLE_TEAM: "whole team",
    Audience.CLINICAL: "clinical staff",
    Audience.MANAGERS: "team managers",
    Audience.MIXED_TEAMS: "mixed teams",
}
RUN_BY = {
    "trainer": "a REFOCUS trainer",
    "team": "the team's own people (no trainer booked)",
}
WHERE = {"booked": "a booked venue", "team-base": "the team's own base (no room booked)"}
LIST_COLUMNS = [
    ("stage", "Stage"),
    ("module", "Module"),
    ("title", "Title"),
    ("length", "Sessions × length"),
    ("spacing", "Spacing"),
    ("audience_label", "Audience"),
    ("max_group", "Max group"),
    ("co_delivered", "Co-delivered"),
    ("strategy", "Strategy"),
]
CSV_COLUMNS = [
    (key, key)
    for key in (
        "stage",
        "module",
        "order",
        "title",
        "sessions",
        "duration_minutes",
        "spacing_days",
        "audience",
        "max_group",
        "co_delivered",
        "facilitator",
        "venue",
        "strategy",
        "start_time",
        "end_time",
    )
]


@app.command("list")
def list_modules(
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """List the stages and every module: sessions, length, spacing, audience, strategy."""
    curriculum = _curriculum(manual, db)
    rows = [module.as_record() for module in curriculum.modules]
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, CSV_COLUMNS)
        return
    emit(
        [
            {
                "stage": stage.key,
                "title": stage.title,
                "modules": len(curriculum.modules_of(stage.key)),
                "in_order": stage.modules_in_order,
                "gap": _days(stage.gap_after_days),
            }
            for stage in curriculum.stages
        ],
        [
            ("stage", "Stage"),
            ("title", "Title"),
            ("modules", "Modules"),
            ("in_order", "One after another"),
            ("gap", "Gap before next stage"),
        ],
        title="Stages, in rollout order",
    )
    emit(
        [_display(module) for module in curriculum.modules],
        LIST_COLUMNS,
        title="Modules",
        optional=("stage", "co_delivered", "strategy"),
    )
    hours = curriculum.working_hours
    message(
        f"Working hours {hours.day_start:%H:%M}–{hours.day_end:%H:%M}. "
        f"Read from {curriculum.directory} (its README.md says how to edit it)."
    )


@app.command("show")
def show(
    module: Annotated[str, typer.Argument(help="Module key, as `refocus manual list` shows.")],
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Show a module: its numbers, aims, key messages, activities, prompts and notes."""
    curriculum = _curriculum(manual, db)
    found = curriculum.module(module.strip().lower())
    if as_json:
        print_json(
            {
                **found.as_record(),
                "stage_title": curriculum.stage(found.stage).title,
                **found.content.as_record(),
            }
        )
        return
    _print_module(curriculum, found)


def _curriculum(manual: Path | None, db: Path) -> Curriculum:
    """The manual, with the programme's own numbers when there is a database to read them from."""
    from refocus_cli.services import manual as manual_service

    if not db.is_file():
        return manual_service.base_curriculum(manual)
    from refocus_cli.services.context import opened

    with opened(db) as store:
        return manual_service.curriculum(store, manual)


@app.command("set")
def set_numbers(
    module: Annotated[str, typer.Argument(help="Module key, as `refocus manual list` shows.")],
    duration: Annotated[int | None, typer.Option("--duration", help="Minutes per session.")] = None,
    sessions: Annotated[int | None, typer.Option("--sessions", help="Sessions per team.")] = None,
    spacing: Annotated[
        int | None, typer.Option("--spacing", help="Minimum days between sessions.")
    ] = None,
    max_group: Annotated[int | None, typer.Option("--max-group", help="Largest group.")] = None,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Give this programme its own durations, session counts, spacing or group size."""
    from refocus_cli.services import manual as manual_service
    from refocus_cli.services.context import opened

    changes = manual_service.numbers(duration, sessions, spacing, max_group)
    key = manual_service.module_key(module, manual)
    with opened(db) as store:
        manual_service.set_numbers(store, key, changes, manual)
    message(
        f"{key} for this programme: "
        + ", ".join(f"{f} {v}" for f, v in changes.items())
        + ". Plans made from now on use them."
    )


@app.command("reset")
def reset(
    module: Annotated[str, typer.Argument(help="Module key.")],
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Go back to the manual's numbers for a module."""
    from refocus_cli.services import manual as manual_service
    from refocus_cli.services.context import opened

    key = manual_service.module_key(module, manual)
    with opened(db) as store:
        dropped = manual_service.reset(store, key)
    message(f"{key} uses the manual's numbers again ({dropped} overrides removed).")


def _display(module: Module) -> dict[str, Any]:
    return {
        **module.as_record(),
        "length": f"{module.sessions} × {duration_text(module.duration_minutes)}",
        "spacing": _days(module.spacing_days),
        "audience_label": AUDIENCE_LABELS[module.audience],
    }


def duration_text(minutes: int) -> str:
    """Minutes as people say them: 45 min, 3 h 30 min, 7 h."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _days(days: int) -> str:
    return "none" if days == 0 else f"{days} day" if days == 1 else f"{days} days"


def _print_module(curriculum: Curriculum, module: Module) -> None:
    """A module laid out for reading at a terminal."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from refocus_cli.core.programme import STRATEGY_TITLES

    console = Console(highlight=False)
    content = module.content
    stage = curriculum.stage(module.stage)
    apart = f", at least {_days(module.spacing_days)} apart" if module.spacing_days else ""
    console.print(f"[bold]{escape(module.title)}[/bold]")
    print_record(
        {
            "module": module.key,
            "stage": f"{stage.title} ({stage.key}), module {module.order} "
            f"of {len(curriculum.modules_of(stage.key))}",
            "sessions": f"{module.sessions} × {duration_text(module.duration_minutes)}{apart}",
            "time": f"{module.start_time:%H:%M}–{module.end_time:%H:%M}",
            "audience": f"{AUDIENCE_LABELS[module.audience]}, groups of up to {module.max_group}",
            "co_delivered": "yes: a lived-experience trainer delivers it beside the trainer"
            if module.co_delivered
            else "no",
            "run_by": RUN_BY[module.facilitator],
            "venue": WHERE[module.venue],
            "strategy": f"{STRATEGY_TITLES[module.strategy]} ({module.strategy})",
            "chime": ", ".join(process.title() for process in content.chime) or "none named",
        },
        [
            ("module", "Module"),
            ("stage", "Stage"),
            ("sessions", "Sessions"),
            ("time", "Usual time"),
            ("audience", "Audience"),
            ("co_delivered", "Co-delivered"),
            ("run_by", "Run by"),
            ("venue", "Where"),
            ("strategy", "Counts toward"),
            ("chime", "CHIME"),
        ],
    )

    def bullets(heading: str, items: tuple[str, ...]) -> None:
        if not items:
            return
        console.print(f"\n[bold]{heading}[/bold]")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for item in items:
            grid.add_row(" •", escape(item))
        console.print(grid)

    bullets("Aims", content.aims)
    bullets("Key messages", content.key_messages)
    activities = Table(
        title="Activities", title_justify="left", title_style="bold", header_style="bold"
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        ("Min", "right"),
        ("Activity", "left"),
    )
    for header, justify in columns:
        activities.add_column(header, justify=justify, no_wrap=header != "Activity")
    activities.add_column("What happens", ratio=1)
    for number, activity in enumerate(content.activities, start=1):
        activities.add_row(
            str(number), str(activity.minutes), escape(activity.title), escape(activity.description)
        )
    console.print()
    console.print(activities)
    console.print(
        f"{content.activity_minutes} of {module.duration_minutes} minutes planned; "
        "the rest is for breaks."
    )
    bullets("Reflection prompts", content.reflection_prompts)
    bullets("Reflection prompts without a caseload", content.reflection_prompts_without_caseload)
    bullets("What to bring", content.what_to_bring)
    bullets("Facilitator notes", content.facilitator_notes)
    message(f"Content read from {curriculum.content_path(module.key)}")
