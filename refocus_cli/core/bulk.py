"""Help for bulk work (national registers and measures): pure Python, no I/O."""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with the cyclic garbage collector paused.

    Reading a 300,000-row register, or measuring a national programme, builds
    hundreds of thousands of small objects and no reference cycles; the collector's
    repeated passes over them free nothing and cost a fifth to a quarter of the time.
    Reference counting still frees everything as usual.

    Once the console script keeps objects until it ends (see outlive), the collector
    stays paused: its next pass would go over everything made while it was paused (all
    in its youngest generation) and free nothing, about 0.15 s for a national report.
    """

    @wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if not kept_until_exit:
                gc.enable()

    return paused


# Objects kept, until the process ends, by a command run as the console script (which
# ends without freeing anything: see cli/app.main); None in any other process.
kept_until_exit: list[object] | None = None


def outlive(value: R) -> R:
    """`value`, kept until the process ends when it is the console script's (freeing a
    national report's several hundred thousand objects takes about 60 ms, just before
    the process that made them ends anyway); left to reference counting otherwise."""
    if kept_until_exit is not None:
        kept_until_exit.append(value)
    return value
