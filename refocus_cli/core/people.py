"""Finding a person, or any named record, from what someone typed: an id, an email or a name.

One rule for every command and every register: a reference made only of digits is an
id; one with an @ is an email (for records that have one); anything else is a name,
compared ignoring case, accents and extra spaces. A name several records share is
refused with the candidates listed; a name nobody has suggests the closest ones.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from refocus_cli.core.errors import Ambiguous, InvalidInput, NotFound

LARGEST_ID = 2**63 - 1  # SQLite's largest integer
SUGGESTIONS = 3


def record_id(text: str) -> int | None:
    """The id `text` spells (ASCII digits SQLite can hold), else None."""
    if text.isascii() and text.isdigit() and int(text) <= LARGEST_ID:
        return int(text)
    return None


# Letters NFKD does not take apart into a plain letter and an accent, as people write
# them on a keyboard without them ("Łukasz" is typed "Lukasz").
TRANSLITERATED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d",
     "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE", "ı": "i"}
)  # fmt: skip


def folded(text: str) -> str:
    """`text` as names are compared: without case, accents or extra spaces."""
    text = text.casefold()
    if not text.isascii():
        # Twice, as Unicode's compatibility caseless match does: NFKD can turn a letter
        # casefold left alone into one with a case ("𝜜", a mathematical capital alpha,
        # into "Α"), and casefold can give letters NFKD takes apart.
        text = _unaccented(_unaccented(text).casefold())
    return " ".join(text.split())


def _unaccented(text: str) -> str:
    # NFKD splits "á" into "a" and a combining accent, which is then dropped.
    return "".join(
        char
        for char in unicodedata.normalize("NFKD", text.translate(TRANSLITERATED))
        if not unicodedata.combining(char)
    )


def email_key(text: str) -> str:
    """`text` as emails are compared: without case or spaces at either end."""
    return " ".join(text.split()).casefold()


class By(StrEnum):
    """How a reference names a record."""

    ID = "id"
    EMAIL = "email"
    NAME = "name"


def read_as(text: str, *, emails: bool = True) -> By:
    """Whether `text` is an id (digits), an email (has an @, where records have one) or a name."""
    text = text.strip()
    if text.isdigit():
        return By.ID
    if emails and "@" in text:
        return By.EMAIL
    return By.NAME


@dataclass(frozen=True)
class Candidate:
    """A record a reference may name; `detail` tells apart people who share a name."""

    id: int
    name: str
    email: str | None = None
    detail: str = ""

    def described(self) -> str:
        """`Name (id 4, detail)`, as candidates are listed."""
        return f"{self.name} (id {self.id}{', ' + self.detail if self.detail else ''})"


@dataclass(frozen=True)
class Match:
    """What a reference (spaces collapsed) was read as, and every record it names."""

    typed: str
    by: By
    found: tuple[Candidate, ...]


def listed(candidates: Iterable[Candidate]) -> str:
    """Candidates as an error lists them: `Ann Lee (id 3, North), Ann Lee (id 9, South)`."""
    return ", ".join(candidate.described() for candidate in candidates)


def did_you_mean(names: Iterable[str]) -> str:
    """`did you mean 'A' or 'B'?`, or nothing when there is nothing close."""
    quoted = [repr(name) for name in names]
    if not quoted:
        return ""
    choice = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"did you mean {choice}?"


class Unknown(NotFound):
    """A reference that names no record; `suggestions` are the closest on record."""

    def __init__(self, message: str, suggestions: tuple[str, ...]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class Directory:
    """Records indexed by id, email and folded name, so that each reference is found in
    constant time however many records there are (a national register has 300,000 rows)."""

    def __init__(self, candidates: Iterable[Candidate], *, emails: bool = True) -> None:
        self.emails = emails
        self._by_id: dict[int, Candidate] = {}
        self._by_email: dict[str, list[Candidate]] = {}
        self._by_name: dict[str, list[Candidate]] = {}
        # Registers repeat the same few thousand names many times over.
        self._seen: dict[str, Match] = {}
        for candidate in candidates:
            self._by_id[candidate.id] = candidate
            if candidate.email:
                self._by_email.setdefault(email_key(candidate.email), []).append(candidate)
            self._by_name.setdefault(folded(candidate.name), []).append(candidate)

    def match(self, typed: str) -> Match:
        """Every record `typed` names (none, one or several)."""
        seen = self._seen.get(typed)
        if seen is None:
            seen = self._seen[typed] = self._match(" ".join(typed.split()))
        return seen

    def _match(self, text: str) -> Match:
        by = read_as(text, emails=self.emails)
        if by is By.ID:
            number = record_id(text)
            one = self._by_id.get(number) if number is not None else None
            return Match(text, by, (one,) if one else ())
        if by is By.EMAIL:
            return Match(text, by, tuple(self._by_email.get(email_key(text), ())))
        found = self._by_name.get(folded(text), [])
        if len(found) > 1:
            # "Zoë Adams" names Zoë, not Zoe Adams, when both are on record.
            exact = [c for c in found if " ".join(c.name.casefold().split()) == text.casefold()]
            found = exact if len(exact) == 1 else found
        return Match(text, by, tuple(found))

    def closest(self, typed: str, count: int = SUGGESTIONS) -> tuple[str, ...]:
        """The names (or emails) on record nearest to an unknown `typed`, nearest first."""
        by = read_as(typed, emails=self.emails)
        if by is By.ID:
            return ()
        if by is By.EMAIL:
            near = difflib.get_close_matches(email_key(typed), self._by_email, count)
            return tuple(self._by_email[email][0].email or email for email in near)
        near = difflib.get_close_matches(folded(typed), self._by_name, count)
        return tuple(self._by_name[name][0].name for name in near)

    def resolve(self, typed: str, *, kind: str, hint: str = "") -> Candidate:
        """The one record `typed` names; else an error saying what to type instead.

        `kind` names the records in messages ("staff", "team"); `hint` ends them
        (": see `refocus team list`").
        """
        found = self.match(typed)
        if not found.typed:
            raise InvalidInput(f"{kind} cannot be empty: give an id or a name{hint}")
        if len(found.found) == 1:
            return found.found[0]
        if found.found:
            raise Ambiguous(
                f"{found.typed!r} matches {len(found.found)} {kind} records: "
                f"{listed(found.found)}; name one by its id"
            )
        near = self.closest(typed)
        suggestion = f" ({did_you_mean(near)})" if near else ""
        raise Unknown(f"no {kind} with {found.by} {found.typed!r}{suggestion}{hint}", near)
