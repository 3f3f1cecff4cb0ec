"""The browser tests skip without Chromium on a developer's machine and fail in CI."""

from __future__ import annotations

import browser
import pytest


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(browser, "PLACES", ())
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("REFOCUS_REQUIRE_BROWSER", raising=False)


def test_without_chromium_a_browser_test_skips_with_the_reason(no_chromium):
    assert browser.find_chromium() is None
    with pytest.raises(pytest.skip.Exception, match="no Chromium on PATH"):
        browser.chromium()


@pytest.mark.parametrize("variable", [("CI", "true"), ("REFOCUS_REQUIRE_BROWSER", "1")])
def test_without_chromium_a_browser_test_fails_where_the_browser_is_required(
    no_chromium, monkeypatch, variable
):
    monkeypatch.setenv(*variable)
    with pytest.raises(pytest.fail.Exception, match="needs the browser tests"):
        browser.chromium()


def test_chromium_on_path_is_found_first(no_chromium, tmp_path, monkeypatch):
    program = tmp_path / "chromium-browser"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert browser.find_chromium() == program
