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
    """

    @wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return paused
