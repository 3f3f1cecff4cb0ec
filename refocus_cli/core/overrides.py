"""A programme's own numbers for a module, laid over the manual's defaults."""

from __future__ import annotations

from dataclasses import replace

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.errors import InvalidInput

# What a programme may change about a module without editing the manual, and the
# largest sensible value of each.
OVERRIDABLE = {"duration_minutes": 600, "sessions": 52, "spacing_days": 365, "max_group": 200}


def with_overrides(curriculum: Curriculum, overrides: dict[str, dict[str, int]]) -> Curriculum:
    """The curriculum with a programme's own durations, counts, spacing and group sizes."""
    if not overrides:
        return curriculum
    modules = []
    for module in curriculum.modules:
        changes = overrides.get(module.key, {})
        check_override(curriculum, module.key, changes)
        modules.append(
            replace(
                module,
                duration_minutes=changes.get("duration_minutes", module.duration_minutes),
                sessions=changes.get("sessions", module.sessions),
                spacing_days=changes.get("spacing_days", module.spacing_days),
                max_group=changes.get("max_group", module.max_group),
            )
        )
    return replace(curriculum, modules=tuple(modules))


def check_override(curriculum: Curriculum, key: str, changes: dict[str, int]) -> None:
    """Refuse an override that is out of range or would not fit the working day."""
    module = curriculum.module(key)
    for field, value in changes.items():
        if field not in OVERRIDABLE:
            raise InvalidInput(f"{field} cannot be overridden: use one of {', '.join(OVERRIDABLE)}")
        lowest = 0 if field == "spacing_days" else 1
        if not lowest <= value <= OVERRIDABLE[field]:
            raise InvalidInput(
                f"{key}: {field} {value} is out of range ({lowest} to {OVERRIDABLE[field]})"
            )
    duration = changes.get("duration_minutes", module.duration_minutes)
    hours = curriculum.working_hours
    if (
        module.start_time.hour * 60 + module.start_time.minute + duration
        > hours.day_end.hour * 60 + hours.day_end.minute
    ):
        raise InvalidInput(
            f"{key}: {duration} minutes from {module.start_time:%H:%M} runs past the end of the "
            f"working day ({hours.day_end:%H:%M}): choose a shorter duration"
        )
