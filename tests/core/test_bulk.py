"""core.bulk: the collector paused for bulk work, and objects kept to the end of the
console script's process (which ends without freeing them: cli.app.main)."""

from __future__ import annotations

import gc

import pytest

from refocus_cli.core import bulk


@pytest.fixture
def console(monkeypatch):
    """As in the console script: objects are kept until the process ends."""
    monkeypatch.setattr(bulk, "kept_until_exit", [])
    yield bulk
    gc.enable()


@bulk.without_gc
def _collector_on() -> bool:
    return gc.isenabled()


def test_the_collector_is_paused_for_bulk_work_and_back_after_it():
    assert gc.isenabled()
    assert _collector_on() is False
    assert gc.isenabled()


def test_outside_the_console_script_nothing_is_kept():
    value = object()
    assert bulk.outlive(value) is value
    assert bulk.kept_until_exit is None


def test_the_console_script_keeps_what_outlives_its_command(console):
    report = {"teams": list(range(3))}
    assert console.outlive(report) is report
    assert console.kept_until_exit == [report]


def test_once_objects_are_kept_the_collector_stays_paused(console):
    assert _collector_on() is False
    assert gc.isenabled()  # nothing kept yet: back on
    console.outlive(object())
    assert _collector_on() is False
    assert not gc.isenabled()  # its next pass would go over all that is kept, for nothing
