"""The curriculum from `manual/`: stages, modules and their teaching content, checked on load.

Everything the scheduler and the handouts know about the programme's shape comes
from here, so every value is checked once, with a message that names the file and
the field, and nothing downstream has to second-guess it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from refocus_cli.core.errors import NotFound
from refocus_cli.core.vocabulary import Audience

# Who a module is for; the scheduler groups people by this.
AUDIENCES: tuple[str, ...] = tuple(Audience)

# Who runs a module's sessions: a REFOCUS trainer, or the team's own people (a
# supervisor, the manager), for whom no trainer is booked.
FACILITATORS: tuple[str, ...] = ("trainer", "team")

# Where: a booked training venue, or the team's own base (no room is booked).
VENUES: tuple[str, ...] = ("booked", "team-base")

# The recovery processes of the CHIME framework.
CHIME_PROCESSES: tuple[str, ...] = ("connectedness", "hope", "identity", "meaning", "empowerment")


@dataclass(frozen=True)
class Stage:
    """One of the four stages of the rollout."""

    key: str
    title: str
    summary: str
    gap_after_days: int  # minimum days from a team finishing this stage to starting the next
    modules_in_order: bool  # True: each module waits for the one before it (plus its spacing)

    @property
    def gap_after(self) -> timedelta:
        return timedelta(days=self.gap_after_days)


@dataclass(frozen=True)
class Activity:
    """One timed part of a session."""

    title: str
    minutes: int
    description: str


@dataclass(frozen=True)
class ModuleContent:
    """What a trainer teaches in a module, from `manual/modules/<key>.toml`."""

    aims: tuple[str, ...]
    key_messages: tuple[str, ...]
    activities: tuple[Activity, ...]
    reflection_prompts: tuple[str, ...]
    chime: tuple[str, ...]
    what_to_bring: tuple[str, ...]
    facilitator_notes: tuple[str, ...]
    # The prompts for people recorded as not clinical (no caseload); empty: the same prompts.
    reflection_prompts_without_caseload: tuple[str, ...] = ()

    @property
    def activity_minutes(self) -> int:
        return sum(activity.minutes for activity in self.activities)

    def as_record(self) -> dict[str, Any]:
        """The content with stable keys, for JSON."""
        return {
            "aims": list(self.aims),
            "key_messages": list(self.key_messages),
            "activities": [
                {"title": a.title, "minutes": a.minutes, "description": a.description}
                for a in self.activities
            ],
            "reflection_prompts": list(self.reflection_prompts),
            "chime": list(self.chime),
            "what_to_bring": list(self.what_to_bring),
            "facilitator_notes": list(self.facilitator_notes),
            "reflection_prompts_without_caseload": list(self.reflection_prompts_without_caseload),
        }


@dataclass(frozen=True)
class Module:
    """A unit of training or reflection that a team (or group) attends."""

    key: str
    stage: str
    title: str
    order: int
    duration_minutes: int
    sessions: int
    spacing_days: int  # minimum days between its sessions, and before the next module in order
    audience: str
    max_group: int
    co_delivered: bool  # needs a lived-experience trainer beside the clinical trainer
    facilitator: str  # trainer or team
    venue: str  # booked or team-base
    strategy: str
    start_time: time
    content: ModuleContent

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def spacing(self) -> timedelta:
        return timedelta(days=self.spacing_days)

    @property
    def end_time(self) -> time:
        """When a session that begins at the usual start time ends."""
        return (datetime.combine(datetime.min, self.start_time) + self.duration).time()

    def as_record(self) -> dict[str, Any]:
        """The module's numbers with stable keys (`module` is its key), for JSON and CSV."""
        return {
            "stage": self.stage,
            "module": self.key,
            "order": self.order,
            "title": self.title,
            "sessions": self.sessions,
            "duration_minutes": self.duration_minutes,
            "spacing_days": self.spacing_days,
            "audience": self.audience,
            "max_group": self.max_group,
            "co_delivered": self.co_delivered,
            "facilitator": self.facilitator,
            "venue": self.venue,
            "strategy": self.strategy,
            "start_time": f"{self.start_time:%H:%M}",
            "end_time": f"{self.end_time:%H:%M}",
        }


@dataclass(frozen=True)
class WorkingHours:
    """The hours sessions may be held in."""

    day_start: time
    day_end: time


@dataclass(frozen=True)
class Curriculum:
    """The whole programme: stages in rollout order, their modules in order, working hours."""

    stages: tuple[Stage, ...]
    modules: tuple[Module, ...]  # stage by stage in rollout order, each stage's in its order
    working_hours: WorkingHours
    directory: Path  # where it was read from

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise NotFound(f"no stage {key!r}: use one of {', '.join(s.key for s in self.stages)}")

    def module(self, key: str) -> Module:
        for module in self.modules:
            if module.key == key:
                return module
        keys = [module.key for module in self.modules]
        near = difflib.get_close_matches(key, keys, 1, 0.5)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise NotFound(f"no module {key!r}: {hint}the modules are {', '.join(keys)}")

    def audience(self, key: str) -> str:
        """Who a module's sessions are for; a session of a module no longer in this
        manual (a custom one, say) is taken to be for the whole team."""
        return next((m.audience for m in self.modules if m.key == key), "whole-team")

    def modules_of(self, stage: str) -> tuple[Module, ...]:
        """A stage's modules in the order a team takes them."""
        self.stage(stage)
        return tuple(module for module in self.modules if module.stage == stage)

    def prerequisites(self, module: str) -> tuple[str, ...]:
        """Modules of the same stage that must be finished before this one starts."""
        this = self.module(module)
        if not self.stage(this.stage).modules_in_order:
            return ()
        return tuple(m.key for m in self.modules_of(this.stage) if m.order < this.order)

    def strategy_modules(self, strategy: str) -> tuple[Module, ...]:
        """The modules whose attendance counts toward an implementation strategy."""
        return tuple(module for module in self.modules if module.strategy == strategy)

    def content_path(self, module: str) -> Path:
        """The file a module's teaching content is read from, for people who edit it."""
        return self.directory / "modules" / f"{self.module(module).key}.toml"
