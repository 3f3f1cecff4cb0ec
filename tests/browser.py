"""Finding a headless Chromium for the tests that draw pages in a real browser.

On a developer's machine without Chromium those tests skip with a one-line reason,
so the README's test command passes with nothing but Python. Where a browser must be
there (CI, whose `.ci/run` installs it, or `REFOCUS_REQUIRE_BROWSER=1`), a missing one
fails the test instead, so a broken install cannot pass as a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# The names Chromium is installed under (Debian, Ubuntu, Fedora, Google's package).
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Where packages put it when it is not on PATH (snap, Flatpak-less installs, macOS).
PLACES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
INSTALL = "install it with `sudo apt-get install chromium` (.ci/run does this in CI)"


def find_chromium(path: str | None = None) -> Path | None:
    """The first Chromium on PATH (or `path`), else at one of the usual places, else None."""
    search = os.environ.get("PATH", "") if path is None else path
    for name in NAMES:
        found = shutil.which(name, path=search)
        if found:
            return Path(found)
    for place in PLACES:
        if os.access(place, os.X_OK):
            return Path(place)
    return None


def browser_required() -> bool:
    """Whether a missing browser fails the tests: in CI, or when asked to."""
    return bool(os.environ.get("CI")) or os.environ.get("REFOCUS_REQUIRE_BROWSER") == "1"


def chromium() -> Path:
    """The Chromium to use; skips the calling test without one, or fails where required."""
    found = find_chromium()
    if found is not None:
        return found
    reason = f"no Chromium on PATH or at the usual places: {INSTALL}"
    if browser_required():
        pytest.fail(f"{reason} (CI or REFOCUS_REQUIRE_BROWSER=1 needs the browser tests)")
    pytest.skip(reason)


def run_headless(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with `args`, its profile in `profile`, offline and quiet."""
    command = [
        str(chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)
