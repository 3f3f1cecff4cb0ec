"""Finding a person from what was typed: one rule for ids, emails and names."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from refocus_cli.core.errors import Ambiguous, InvalidInput, NotFound
from refocus_cli.core.people import (
    LARGEST_ID,
    By,
    Candidate,
    Directory,
    Unknown,
    did_you_mean,
    folded,
    read_as,
    record_id,
)

STAFF = [
    Candidate(1, "Siobhán Kelly", "siobhan.kelly@nhs.example", "North CMHT"),
    Candidate(2, "Ann Lee", "ann@nhs.example", "North CMHT"),
    Candidate(3, "Ann Lee", None, "South CMHT"),
    Candidate(4, "Zoë Adams", "zoe@nhs.example", "South CMHT"),
    Candidate(5, "Zoe Adams", None, "East CMHT"),
    Candidate(6, "Łukasz Okafor", None, "East CMHT"),
    Candidate(7, "Zoé Adams", None, "West CMHT"),
]


def _found(typed: str) -> list[int]:
    return [candidate.id for candidate in Directory(STAFF).match(typed).found]


@pytest.mark.parametrize(
    ("typed", "ids"),
    [
        ("1", [1]),
        (" 4 ", [4]),
        ("99", []),
        ("siobhan.kelly@NHS.example", [1]),
        ("siobhan kelly", [1]),  # no accent, no capitals
        ("  SIOBHÁN   Kelly ", [1]),  # extra spaces
        ("ann lee", [2, 3]),
        # Typed exactly as one of them is on record: that one.
        ("Zoë Adams", [4]),
        ("zoe ADAMS", [5]),
        ("Zoé Adams", [7]),
        ("Zöe Adams", [4, 5, 7]),
        ("Łukasz Okafor", [6]),
        ("nobody", []),
    ],
)
def test_ids_emails_and_names_ignoring_case_accents_and_spaces(typed, ids):
    assert _found(typed) == ids


def test_digits_are_an_id_only_when_sqlite_can_hold_them():
    assert read_as("²") is By.ID and record_id("²") is None and _found("²") == []
    assert record_id(str(LARGEST_ID)) == LARGEST_ID
    assert record_id(str(LARGEST_ID + 1)) is None


def test_an_at_sign_is_a_name_for_records_without_emails():
    teams = Directory([Candidate(7, "Team @ Hill")], emails=False)
    assert read_as("Team @ Hill", emails=False) is By.NAME
    assert teams.resolve("team @ hill", kind="team").id == 7


def test_an_ambiguous_name_lists_the_candidates():
    with pytest.raises(Ambiguous) as caught:
        Directory(STAFF).resolve("Ann Lee", kind="staff")
    assert str(caught.value) == (
        "'Ann Lee' matches 2 staff records: Ann Lee (id 2, North CMHT), "
        "Ann Lee (id 3, South CMHT); name one by its id"
    )


def test_an_unknown_name_suggests_the_closest():
    with pytest.raises(Unknown) as caught:
        Directory(STAFF).resolve("Siobhan Kely", kind="staff", hint=": see `refocus staff list`")
    assert str(caught.value) == (
        "no staff with name 'Siobhan Kely' (did you mean 'Siobhán Kelly'?): "
        "see `refocus staff list`"
    )
    assert caught.value.suggestions == ("Siobhán Kelly",)
    assert isinstance(caught.value, NotFound)


def test_an_unknown_id_suggests_nothing():
    with pytest.raises(Unknown, match=r"^no staff with id '99'$"):
        Directory(STAFF).resolve("99", kind="staff")


def test_an_empty_reference_is_refused():
    with pytest.raises(InvalidInput, match="staff cannot be empty"):
        Directory(STAFF).resolve("   ", kind="staff")


def test_suggestions_read_as_english():
    assert did_you_mean([]) == ""
    assert did_you_mean(["A"]) == "did you mean 'A'?"
    assert did_you_mean(["A", "B", "C"]) == "did you mean 'A', 'B' or 'C'?"


def _accented(name: str) -> str:
    """`name` with an acute accent on every vowel, as a person might have it on record."""
    return unicodedata.normalize("NFC", "".join(c + "\u0301" if c in "aeiou" else c for c in name))


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).filter(
    lambda name: name.strip()
)


@settings(max_examples=150, deadline=None)
@given(st.lists(names, min_size=1, max_size=12, unique_by=folded), st.data())
def test_everyone_is_found_by_id_email_and_name_however_typed(people, data):
    candidates = [
        Candidate(index + 1, _accented(name), f"person{index}@nhs.example")
        for index, name in enumerate(people)
    ]
    directory = Directory(candidates)
    for person, plain in zip(candidates, people, strict=True):
        assert directory.resolve(str(person.id), kind="staff") == person
        assert directory.resolve(person.email.upper(), kind="staff") == person
        typed = data.draw(st.sampled_from([plain, plain.upper(), f"  {plain}  ", person.name]))
        assert directory.resolve(typed, kind="staff") == person


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
@example("𝜜")  # a mathematical capital alpha: NFKD gives "Α", which still has a case
def test_folding_is_idempotent_and_ignores_spacing(text):
    assert folded(folded(text)) == folded(text)
    assert folded(f"  {text}  ") == folded("\t".join(text.split())) == folded(text)
    assert not any(unicodedata.combining(char) for char in folded(text))
