"""Finding a person's name or email inside free text, ignoring case and accents.

Used when a person is forgotten: other people's notes, roles, venue names and the
like may still name them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# How much text to show either side of a mention, so a reader can find it again.
EXCERPT_SIDE = 25
REMOVED = "[removed]"


@dataclass(frozen=True)
class Mention:
    """A place a person is still named: table, column, row id and a piece of the text."""

    table: str
    column: str
    row_id: int
    excerpt: str


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(part for part in decomposed if not unicodedata.combining(part)).casefold()


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` without case or accents, and for each folded character its place in `text`."""
    pieces, origin = [], []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


def mention_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for whole-word mentions of `words` (a name, an email) in folded text, as
    typed or as stored in JSON (where letters outside ASCII are escaped)."""
    forms = set()
    for word in words:
        if word and word.strip():
            for form in (word, json.dumps(word)[1:-1]):
                forms.add(_folded(" ".join(form.split()))[0])
    if not forms:
        return None
    alternatives = "|".join(
        re.escape(form).replace(r"\ ", r"\s+") for form in sorted(forms, key=len, reverse=True)
    )
    # A hyphen joins a name to more of it (Lee-Smith is not Lee); an apostrophe does not.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def mention_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where in `text` the pattern's words are mentioned, as (start, end) of `text`."""
    if text.isascii():
        # The common case, kept fast: without accents, folding only lowers the case and
        # keeps every character where it was.
        return [(match.start(), match.end()) for match in pattern.finditer(text.lower())]
    folded, origin = _folded(text)
    return [
        (origin[match.start()], origin[match.end() - 1] + 1)
        for match in pattern.finditer(folded)
        if match.end() > match.start()
    ]


def without_mentions(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by "[removed]"."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + REMOVED + text[end:]
    return text


def excerpt(text: str, span: tuple[int, int]) -> str:
    """A short, one-line piece of `text` around a mention."""
    start, end = span
    left, right = max(0, start - EXCERPT_SIDE), min(len(text), end + EXCERPT_SIDE)
    piece = " ".join(text[left:right].split())
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")
