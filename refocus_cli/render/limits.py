"""Limits on the whole process while untrusted work runs: a deadline and a memory cap.

They back up the sandbox's own checks (render/sandbox.py): whatever a template finds to
loop over or build, it stops at the deadline or gets a MemoryError instead of the
machine's memory.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def time_limit(seconds: float, refusal: type[Exception], grace: float = 0.0) -> Iterator[None]:
    """Stop a render at the deadline, wherever it is (an alarm signal, so only on the
    main thread; elsewhere the budget's ticks in calls and loops stop it). `grace` lets
    those ticks, which know the template's line, stop it first."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise refusal(f"the template took longer than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds + grace)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


MEMORY_HEADROOM = 1 << 30  # bytes a render may add to the process (1 GiB)


@contextmanager
def memory_limit() -> Iterator[None]:
    """Cap the process's address space while a template renders, so a template that
    builds something huge gets a MemoryError instead of the machine's memory (where the
    operating system allows it: Linux)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + MEMORY_HEADROOM
    if any(limit != resource.RLIM_INFINITY and limit < cap for limit in (soft, hard)):
        yield  # already capped tighter
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
