"""Checking text that people give refocus: one set of rules for every way text enters.

Names, roles, emails, reasons, visitors, `--actor`, roster and register cells all pass
through `clean_text` (or `clean_name` and `clean_email`, which build on it), so a value
refused on the command line is refused in a file too. What is refused, and why:

- control characters (C0, DEL and C1, e.g. ESC): they reach terminals, logs and files and
  can rewrite what a reader sees. Tabs and line breaks count as spaces in one-line fields
  (a cell a spreadsheet wrapped is still one name); free text keeps its line breaks;
- invisible formatting characters (Unicode category Cf): bidirectional embeddings,
  overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks (U+200E, U+200F, U+061C),
  zero-width spaces, soft hyphens and byte-order marks can make one name look like
  another or reverse text on screen. The zero-width joiner and non-joiner (U+200C,
  U+200D) are kept: Persian and Indic names and some emoji need them;
- surrogates, private-use and unassigned code points: no keyboard produces them;
- text longer than its field's limit, counted after spaces are tidied.

The limits, in characters (refocus defaults, chosen well above any real value), are
the `TextKind`s below: names 200; one-line text (role, site, kind, reason, calendar
name) 200; actor 100; free text 4,000; email 254 (RFC 5321).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from refocus_cli.core.errors import InvalidInput


@dataclass(frozen=True)
class TextKind:
    """A kind of field: how long it may be and whether it keeps line breaks."""

    limit: int
    multiline: bool = False


NAME = TextKind(200)  # a person, team, trainer, venue, cohort, programme or visitor
LINE = TextKind(200)  # one line: a role, site, kind, reason, calendar name
ACTOR = TextKind(100)  # who made a change, for the audit log (--actor, $REFOCUS_ACTOR)
FREE_TEXT = TextKind(4000, multiline=True)  # comments on an evaluation form, notes
LONGEST_EMAIL = 254  # RFC 5321's limit on a forward path

_NOT_IN_EMAIL = r"@\s,;<>\x00-\x1f\x7f"  # separators, spaces and control characters
EMAIL = re.compile(rf"^[^{_NOT_IN_EMAIL}]+@[^{_NOT_IN_EMAIL}]+\.[^{_NOT_IN_EMAIL}.]+$")

# Kept although invisible: joiners that spell names in some scripts (and some emoji).
_JOINERS = frozenset("\u200c\u200d")
_WHAT_IT_IS = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character, which can disguise text",
    "Cs": "a lone surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned character",
}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_text(text: str, what: str, kind: TextKind = LINE) -> str:
    """Text as stored: spaces tidied, refused (naming `what`) if too long or if it holds
    a character from the list above. Empty text stays empty."""
    # A huge value is refused before any work is done on it.
    if len(text) > 4 * kind.limit + 100:
        raise _too_long(what, len(text), kind.limit)
    tidy = _tidy(text, kind.multiline)
    if len(tidy) > kind.limit:
        raise _too_long(what, len(tidy), kind.limit)
    if not (tidy.isascii() and tidy.isprintable()):
        _refuse_hidden(tidy, what, kind.multiline)
    return tidy


def clean_name(text: str, what: str, limit: int = NAME.limit) -> str:
    """A display name: trimmed, non-empty, printable, of sane length, not only digits."""
    name = clean_text(text, f"{what} name", TextKind(limit))
    if not name:
        raise InvalidInput(f"{what} name cannot be empty")
    if name.isdigit():
        raise InvalidInput(
            f"{what} name {name!r} is only digits, which would be read as an id: add a word"
        )
    return name


def clean_email(text: str | None, what: str = "email") -> str | None:
    """An email address as stored (lower case), or None when none was given."""
    if text is None or not text.strip():
        return None
    if len(text) > LONGEST_EMAIL + 100:
        raise _too_long(what, len(text), LONGEST_EMAIL)
    email = text.strip().lower()
    if len(email) > LONGEST_EMAIL:
        raise _too_long(what, len(email), LONGEST_EMAIL)
    if not (email.isascii() and email.isprintable()):
        _refuse_hidden(email, what, multiline=False)
    if not EMAIL.match(email):
        raise InvalidInput(f"{what} {_shown(text)} is not an email address: use name@example.org")
    return email


def _tidy(text: str, multiline: bool) -> str:
    if not multiline:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _refuse_hidden(text: str, what: str, multiline: bool) -> None:
    for at, char in enumerate(text, start=1):
        if char.isprintable() or char in _JOINERS or (multiline and char == "\n"):
            continue
        category = unicodedata.category(char)
        if category in ("Zs", "Zl", "Zp"):  # spaces other than " " were tidied already
            continue
        kind = _WHAT_IT_IS.get(category, "a character that is not printable")
        if char in _BIDI:
            kind = "a bidirectional-text control, which can make text read backwards"
        raise InvalidInput(
            f"{what} contains control characters or hidden formatting: "
            f"character {at} is U+{ord(char):04X}, {kind}; remove it"
        )


def _too_long(what: str, length: int, limit: int) -> InvalidInput:
    return InvalidInput(
        f"{what} is {length:,} characters long: keep it under the limit of {limit} characters"
    )


def _shown(text: str) -> str:
    """A value quoted for a message: escaped (repr), and cut short if long."""
    return repr(text) if len(text) <= 60 else f"{text[:57]!r}…"
