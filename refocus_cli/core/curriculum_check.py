"""Checking the manual's tables into a `Curriculum`, naming the file and field of every error.

Reading the files is the caller's job (`refocus_cli.readers.manual`): this stays pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import time
from pathlib import Path
from typing import Any

from refocus_cli.core.curriculum import (
    AUDIENCES,
    CHIME_PROCESSES,
    FACILITATORS,
    VENUES,
    Activity,
    Curriculum,
    Module,
    ModuleContent,
    Stage,
    WorkingHours,
)
from refocus_cli.core.manual_fields import KEY, Fields, problem
from refocus_cli.core.programme import STAGES, STRATEGIES

STAGE_FIELDS = ("key", "title", "summary", "gap_after_days", "modules_in_order")
MODULE_FIELDS = (
    "key",
    "stage",
    "title",
    "order",
    "duration_minutes",
    "sessions",
    "spacing_days",
    "audience",
    "max_group",
    "co_delivered",
    "facilitator",
    "venue",
    "strategy",
    "start_time",
)
CONTENT_FIELDS = (
    "aims",
    "key_messages",
    "activities",
    "reflection_prompts",
    "chime",
    "what_to_bring",
    "facilitator_notes",
    "reflection_prompts_without_caseload",
)
# Content fields a module's file may leave out, with the value they then take.
OPTIONAL_CONTENT: dict[str, Any] = {"reflection_prompts_without_caseload": []}
ACTIVITY_FIELDS = ("title", "minutes", "description")
HOURS_FIELDS = ("day_start", "day_end")
TOP_FIELDS = ("working_hours", "stage", "module")


# Reads one module's content table by key; None when the module has no content file.
ReadModule = Callable[[str], dict[str, Any] | None]


def build_curriculum(
    directory: Path,
    top_table: dict[str, Any],
    read_module: ReadModule,
    content_files: Iterable[str],
) -> Curriculum:
    """Check the manual: `curriculum.toml` as a table, each module's content through
    `read_module`, and the names of the content files present (to catch strays).

    Reading the files is the caller's job (`refocus_cli.readers.manual`): this stays pure.
    """
    # Files are named as the person editing them sees them: manual/curriculum.toml.
    label = directory.name
    source = f"{label}/curriculum.toml"
    top = Fields(source, "", top_table, TOP_FIELDS)
    hours = _working_hours(top)
    stages = _stages(top)
    modules: list[Module] = []
    for number, entry in enumerate(top.tables("module"), start=1):
        fields = Fields(source, f"module[{_label(entry, number)}].", entry, MODULE_FIELDS)
        modules.append(_module(fields, stages, hours, modules, label, read_module))
    for stage in stages:
        if not any(module.stage == stage.key for module in modules):
            raise problem(
                source,
                "module",
                f"entries include none for stage {stage.key!r}: "
                f'add a [[module]] with stage = "{stage.key}"',
            )
    _no_stray_content(label, sorted(content_files), {module.key for module in modules})
    modules.sort(key=lambda module: (STAGES.index(module.stage), module.order))
    return Curriculum(tuple(stages), tuple(modules), hours, directory)


def _label(entry: Any, number: int) -> str:
    """A module entry by its key when it has a usable one, else by its place in the file."""
    key = entry.get("key") if isinstance(entry, dict) else None
    return key if isinstance(key, str) and KEY.match(key) else str(number)


def _working_hours(top: Fields) -> WorkingHours:
    fields = Fields(top.source, "working_hours.", top.table["working_hours"], HOURS_FIELDS)
    hours = WorkingHours(fields.clock("day_start"), fields.clock("day_end"))
    if hours.day_end <= hours.day_start:
        raise fields.fail("day_end", "must be later than working_hours.day_start")
    return hours


def _stages(top: Fields) -> list[Stage]:
    stages: list[Stage] = []
    for number, entry in enumerate(top.tables("stage"), start=1):
        fields = Fields(top.source, f"stage[{number}].", entry, STAGE_FIELDS)
        key = fields.choice("key", STAGES)
        if any(stage.key == key for stage in stages):
            raise fields.fail("key", f"{key!r} appears twice: give each stage one [[stage]] entry")
        stages.append(
            Stage(
                key=key,
                title=fields.text("title"),
                summary=fields.text("summary"),
                gap_after_days=fields.whole("gap_after_days", 0),
                modules_in_order=fields.flag("modules_in_order"),
            )
        )
    keys = [stage.key for stage in stages]
    missing = [key for key in STAGES if key not in keys]
    if missing:
        raise problem(top.source, "stage", f"{missing[0]!r} is missing: add a [[stage]] for it")
    if tuple(keys) != STAGES:
        raise problem(
            top.source, "stage", f"entries must come in rollout order: {', '.join(STAGES)}"
        )
    return stages


def _module(
    fields: Fields,
    stages: list[Stage],
    hours: WorkingHours,
    earlier: list[Module],
    label: str,
    read_module: ReadModule,
) -> Module:
    key = fields.key("key")
    if any(module.key == key for module in earlier):
        raise fields.fail("key", f"{key!r} is used by two modules: give each its own key")
    stage = fields.choice("stage", [stage.key for stage in stages])
    order = fields.whole("order", 1)
    clash = next((m for m in earlier if m.stage == stage and m.order == order), None)
    if clash:
        raise fields.fail(
            "order",
            f"{order} is also module {clash.key!r}'s place in stage {stage!r}: "
            "give each module of a stage its own order",
        )
    duration = fields.whole("duration_minutes", 1)
    start_time = fields.clock("start_time")
    if start_time < hours.day_start:
        raise fields.fail("start_time", f"{start_time:%H:%M} is before working_hours.day_start")
    if _minutes(start_time) + duration > _minutes(hours.day_end):
        raise fields.fail(
            "duration_minutes",
            f"{duration} from start_time {start_time:%H:%M} runs past "
            f"working_hours.day_end ({hours.day_end:%H:%M}): start earlier or shorten it",
        )
    co_delivered = fields.flag("co_delivered")
    facilitator = fields.choice("facilitator", FACILITATORS)
    if co_delivered and facilitator != "trainer":
        raise fields.fail(
            "co_delivered",
            'is true, which needs facilitator = "trainer": a lived-experience trainer '
            "co-delivers beside a trainer",
        )
    return Module(
        key=key,
        stage=stage,
        title=fields.text("title"),
        order=order,
        duration_minutes=duration,
        sessions=fields.whole("sessions", 1),
        spacing_days=fields.whole("spacing_days", 0),
        audience=fields.choice("audience", AUDIENCES),
        max_group=fields.whole("max_group", 1),
        co_delivered=co_delivered,
        facilitator=facilitator,
        venue=fields.choice("venue", VENUES),
        strategy=fields.choice("strategy", STRATEGIES),
        start_time=start_time,
        content=_content(label, key, duration, read_module),
    )


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _content(label: str, key: str, duration: int, read_module: ReadModule) -> ModuleContent:
    source = f"{label}/modules/{key}.toml"
    table = read_module(key)
    if table is None:
        raise problem(source, "", f"is missing: module {key!r} in curriculum.toml needs it")
    if isinstance(table, dict):
        table = {**OPTIONAL_CONTENT, **table}
    fields = Fields(source, "", table, CONTENT_FIELDS)
    activities = []
    for number, entry in enumerate(fields.tables("activities"), start=1):
        part = Fields(source, f"activities[{number}].", entry, ACTIVITY_FIELDS)
        activities.append(
            Activity(part.text("title"), part.whole("minutes", 1), part.text("description"))
        )
    total = sum(activity.minutes for activity in activities)
    if total > duration:
        raise fields.fail(
            "activities",
            f"add up to {total} minutes, more than the module's {duration} "
            "(duration_minutes in curriculum.toml): shorten them",
        )
    chime = fields.texts("chime", required=False)
    for number, process in enumerate(chime, start=1):
        if process not in CHIME_PROCESSES:
            raise fields.fail(
                f"chime[{number}]", f"is {process!r}: use one of {', '.join(CHIME_PROCESSES)}"
            )
    if len(set(chime)) != len(chime):
        raise fields.fail("chime", "names a process twice: list each once")
    return ModuleContent(
        aims=fields.texts("aims"),
        key_messages=fields.texts("key_messages"),
        activities=tuple(activities),
        reflection_prompts=fields.texts("reflection_prompts"),
        chime=chime,
        what_to_bring=fields.texts("what_to_bring", required=False),
        facilitator_notes=fields.texts("facilitator_notes"),
        reflection_prompts_without_caseload=fields.texts(
            "reflection_prompts_without_caseload", required=False
        ),
    )


def _no_stray_content(label: str, stems: list[str], keys: set[str]) -> None:
    """A content file no module uses is almost always a renamed key: say so."""
    for stem in stems:
        if stem not in keys:
            raise problem(
                f"{label}/modules/{stem}.toml",
                "",
                f"belongs to no module: curriculum.toml has no module {stem!r}; "
                "rename the file to match a module's key, or remove it",
            )
