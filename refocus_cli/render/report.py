"""The steering-group HTML report (placeholder until the renderer lands)."""

from __future__ import annotations

import html
import json
from typing import Any


def render_report(data: dict[str, Any]) -> str:
    return "<!doctype html><pre>" + html.escape(json.dumps(data, indent=2, default=str)) + "</pre>"
