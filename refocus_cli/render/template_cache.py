"""Compiled templates kept in memory, so one process compiles each template once.

Jinja compiles a template's source to Python every time a new environment loads it,
and refocus makes a new environment for each document it renders: a run that renders
many (a pack per person, a demo, the test suite) compiled the same sources again and
again. The cache is keyed by the environment's options (which change the code Jinja
generates) and by the template's file; an entry is used only when the source is
byte-for-byte the one it was compiled from (Jinja compares a SHA-1 of it). Nothing is
written to disk.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache, held in a dictionary."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored when the source has changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_CACHES: dict[tuple[tuple[str, Hashable], ...], MemoryBytecodeCache] = {}


def compiled_templates(kind: type, options: Mapping[str, Hashable]) -> MemoryBytecodeCache:
    """The cache shared by every environment of this class made with these options."""
    key = (("class", f"{kind.__module__}.{kind.__qualname__}"), *sorted(options.items()))
    return _CACHES.setdefault(key, MemoryBytecodeCache())
