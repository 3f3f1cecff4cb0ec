"""Returned evaluation forms: checking a typed-up file of them, and summarising them.

A session's pack prints one numbered form per expected person ("Form 12-3": session 12,
form 3), with the rated statements and written questions of core/documents.py. The
forms are anonymous: a row of the file is one form, named only by its number, so typing
the same forms up twice changes nothing and a corrected form replaces the one before.
A number higher than any the session's pack could have printed is a typing mistake
(see store/evaluations.py, `printable_forms`, for how high that is).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from refocus_cli.core.documents import EVALUATION_ITEMS, EVALUATION_QUESTIONS, EVALUATION_SCALE
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.tabular import Table
from refocus_cli.core.text import FREE_TEXT, clean_text

FORM = re.compile(r"^(?:form\s*)?(?:(\d+)\s*-\s*)?(\d+)$", re.IGNORECASE)
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Form:
    """One returned form: its number, a rating (or None, left blank) per statement, and
    the written answers (empty when left blank)."""

    number: int
    ratings: tuple[int | None, ...]
    answers: tuple[str, ...]


@dataclass
class CheckedForms:
    """The forms a file gives, sorted into new, changed and unchanged; or its problems."""

    added: list[Form] = field(default_factory=list)
    replaced: list[tuple[Form, Form]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def _columns(headers: list[str]) -> dict[str, int]:
    """Where each field is: a column named by its key or by the words printed on the form."""
    names = {key: key for key, _ in (*EVALUATION_ITEMS, *EVALUATION_QUESTIONS)}
    names |= {_plain(text): key for key, text in (*EVALUATION_ITEMS, *EVALUATION_QUESTIONS)}
    names["form"] = "form"
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = names.get(_plain(header))
        if key is not None and key not in found:
            found[key] = index
    return found


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().strip().rstrip("?").split())


def form_number(text: str, session_id: int, highest: int) -> int | str:
    """The form's number from what was typed ("12-3", "Form 12-3" or "3"), at most
    `highest` (the most forms the session's pack could have printed); else why not."""
    found = FORM.match(text.strip())
    if not found:
        return f"form {text!r} is not a form number: type it as printed, e.g. {session_id}-3"
    if found[1] is not None and int(found[1]) != session_id:
        return f"form {text!r} belongs to session {found[1]}, not {session_id}"
    number = int(found[2])
    if number < 1:
        return f"form {text!r}: the number after the dash runs from 1"
    if number > highest:
        return (
            f"form {text!r} was never printed: session {session_id}'s pack numbers its forms "
            f"{session_id}-1 to {session_id}-{highest} (one per person expected); check the "
            "number on the form"
        )
    return number


def _rating(text: str, key: str) -> int | None | str:
    if not text.strip():
        return None
    low, high = EVALUATION_SCALE
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        return f"{key} {text!r} must be a whole number from {low} to {high}, or blank"
    return int(value)


def check_forms(
    table: Table, session_id: int, existing: Mapping[int, Form], highest: int
) -> CheckedForms:
    """The rows of `table` checked as forms of session `session_id`, each form once,
    numbered from 1 to `highest`."""
    result = CheckedForms()
    columns = _columns(table.headers)
    keys = [key for key, _ in EVALUATION_ITEMS]
    if "form" not in columns or not any(key in columns for key in keys):
        wanted = ", ".join(["form", *keys, *(key for key, _ in EVALUATION_QUESTIONS)])
        result.problems.append(
            f"the header row must have a form column and the form's statements (by key or "
            f"as printed): {wanted}; it has: {', '.join(table.headers) or 'nothing'}"
        )
        return result
    seen: dict[int, int] = {}
    for row, cells in table.rows:
        padded = cells + [""] * (len(table.headers) - len(cells))
        checked = _form(padded, columns, session_id, highest)
        if isinstance(checked, str):
            result.problems.append(f"row {row}: {checked}")
            continue
        if checked.number in seen:
            result.problems.append(
                f"row {row}: form {session_id}-{checked.number} is also on row "
                f"{seen[checked.number]}: type each form once"
            )
            continue
        seen[checked.number] = row
        before = existing.get(checked.number)
        if before is None:
            result.added.append(checked)
        elif before == checked:
            result.unchanged += 1
        else:
            result.replaced.append((before, checked))
    return result


def _form(cells: list[str], columns: dict[str, int], session_id: int, highest: int) -> Form | str:
    number = form_number(cells[columns["form"]], session_id, highest)
    if isinstance(number, str):
        return number
    ratings: list[int | None] = []
    for key, _ in EVALUATION_ITEMS:
        rating = _rating(cells[columns[key]], key) if key in columns else None
        if isinstance(rating, str):
            return rating
        ratings.append(rating)
    answers = []
    for key, _ in EVALUATION_QUESTIONS:
        text = cells[columns[key]] if key in columns else ""
        try:
            answers.append(clean_text(text, key, FREE_TEXT) if text.strip() else "")
        except InvalidInput as exc:
            return str(exc)
    if all(r is None for r in ratings) and not any(answers):
        return f"form {session_id}-{number} is blank: leave it out of the file"
    return Form(number, tuple(ratings), tuple(answers))


# -- the report -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnedForm:
    """A form as the report reads it back, with the session it is about."""

    session_id: int
    module: str
    stage: str
    day: str
    form: Form


@dataclass(frozen=True)
class ItemSummary:
    """One statement: how many forms gave each point of the scale, the mean, and how
    many left it blank."""

    key: str
    statement: str
    counts: tuple[int, ...]
    blank: int

    @property
    def answered(self) -> int:
        """Forms that rated the statement."""
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        """The mean rating, or None when nobody rated it."""
        low = EVALUATION_SCALE[0]
        total = sum((low + i) * n for i, n in enumerate(self.counts))
        return total / self.answered if self.answered else None

    def as_record(self) -> dict[str, Any]:
        """The statement as `--json` shows it."""
        low = EVALUATION_SCALE[0]
        return {
            "key": self.key,
            "statement": self.statement,
            "counts": {str(low + i): n for i, n in enumerate(self.counts)},
            "answered": self.answered,
            "blank": self.blank,
            "mean": None if self.mean is None else round(self.mean, 2),
        }


@dataclass(frozen=True)
class Comment:
    """A written answer, with the question and the session it is about."""

    question: str
    text: str
    session_id: int
    module: str
    day: str
    form: int

    def as_record(self) -> dict[str, Any]:
        """The comment as `--json` shows it."""
        return {
            "question": self.question,
            "text": self.text,
            "session": self.session_id,
            "module": self.module,
            "date": self.day,
            "form": f"{self.session_id}-{self.form}",
        }


@dataclass(frozen=True)
class EvaluationsView:
    """`refocus report evaluations`: per statement distributions, and every comment."""

    stage: str | None
    trainer: str | None
    forms: int
    sessions: int
    items: tuple[ItemSummary, ...]
    comments: tuple[Comment, ...]

    def as_record(self) -> dict[str, Any]:
        """The report as `--json` prints it."""
        return {
            "stage": self.stage,
            "trainer": self.trainer,
            "forms": self.forms,
            "sessions": self.sessions,
            "scale": list(EVALUATION_SCALE),
            "items": [item.as_record() for item in self.items],
            "comments": [comment.as_record() for comment in self.comments],
        }


def evaluations_view(
    returned: Sequence[ReturnedForm], stage: str | None, trainer: str | None
) -> EvaluationsView:
    """The distributions and comments of the forms given."""
    low, high = EVALUATION_SCALE
    items = []
    for index, (key, statement) in enumerate(EVALUATION_ITEMS):
        counts = [0] * (high - low + 1)
        blank = 0
        for entry in returned:
            rating = entry.form.ratings[index] if index < len(entry.form.ratings) else None
            if rating is None:
                blank += 1
            else:
                counts[rating - low] += 1
        items.append(ItemSummary(key, statement, tuple(counts), blank))
    comments = tuple(
        Comment(question, entry.form.answers[i], entry.session_id, entry.module, entry.day,
                entry.form.number)
        for i, (_, question) in enumerate(EVALUATION_QUESTIONS)
        for entry in returned
        if i < len(entry.form.answers) and entry.form.answers[i]
    )  # fmt: skip
    return EvaluationsView(
        stage,
        trainer,
        len(returned),
        len({entry.session_id for entry in returned}),
        tuple(items),
        comments,
    )
