"""The one text check every way in uses: what it refuses, what it keeps, how it says so."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refocus_cli.core import text
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.text import ACTOR, FREE_TEXT, LINE, NAME, clean_email, clean_name, clean_text

HIDDEN = {
    "escape": ("a\x1b[2Jb", "U+001B, a control character"),
    "bell": ("a\x07b", "U+0007"),
    "delete": ("a\x7fb", "U+007F"),
    "C1 control": ("a\x9bb", "U+009B"),
    "right-to-left override": ("invoice\u202etxt.exe", "U+202E, a bidirectional-text control"),
    "left-to-right embedding": ("a\u202ab", "U+202A"),
    "pop directional": ("a\u202cb", "U+202C"),
    "first strong isolate": ("a\u2068b", "U+2068"),
    "pop isolate": ("a\u2069b", "U+2069"),
    "right-to-left mark": ("a\u200fb", "U+200F"),
    "zero-width space": ("Ann\u200bLee", "U+200B, an invisible formatting character"),
    "byte-order mark": ("\ufeffAnn", "U+FEFF"),
    "soft hyphen": ("An\u00adn", "U+00AD"),
    "private use": ("a\ue000b", "U+E000, a private-use character"),
    "lone surrogate": ("a\udc80b", "U+DC80, a lone surrogate"),
    "unassigned": ("a\U000e0080b", "U+E0080"),
}


@pytest.mark.parametrize("case", HIDDEN.values(), ids=HIDDEN.keys())
def test_hidden_characters_are_refused_naming_the_field_the_character_and_what_to_do(case):
    value, said = case
    with pytest.raises(InvalidInput) as raised:
        clean_text(value, "--role")
    message = str(raised.value)
    assert message.startswith("--role contains control characters or hidden formatting: ")
    assert said in message and message.endswith("; remove it")
    assert "\x1b" not in message and "\u202e" not in message  # never echoed raw


@pytest.mark.parametrize("check", [clean_name, clean_text])
def test_names_and_text_refuse_them_too(check):
    with pytest.raises(InvalidInput, match=r"U\+202E"):
        check("Ann\u202eLee", "staff")


def test_joiners_that_spell_names_are_kept():
    assert clean_name("مهر\u200cنوش", "staff") == "مهر\u200cنوش"  # Persian: ZWNJ
    assert clean_text("👩\u200d⚕️ nurse", "--role") == "👩\u200d⚕️ nurse"  # emoji: ZWJ


def test_spaces_tabs_and_line_breaks_in_one_line_fields_become_one_space():
    assert clean_text("  senior\tnurse\r\n(band 6)\u00a0 ", "--role") == "senior nurse (band 6)"


def test_free_text_keeps_its_line_breaks_and_refuses_the_rest():
    assert clean_text(" Good day. \r\n\r\nMore  please\n", "comments", FREE_TEXT) == (
        "Good day.\n\nMore please"
    )
    with pytest.raises(InvalidInput, match=r"U\+001B"):
        clean_text("fine\n\x1b[1m", "comments", FREE_TEXT)


@pytest.mark.parametrize("kind", [NAME, LINE, ACTOR, FREE_TEXT])
def test_each_kind_of_field_is_bounded_at_its_limit(kind):
    assert clean_text("x" * kind.limit, "field", kind) == "x" * kind.limit
    with pytest.raises(InvalidInput) as raised:
        clean_text("x" * (kind.limit + 1), "field", kind)
    assert str(raised.value) == (
        f"field is {kind.limit + 1:,} characters long: "
        f"keep it under the limit of {kind.limit} characters"
    )


def test_a_huge_value_is_refused_by_its_length_alone():
    huge = "\x1b" * 10_000_000  # no character of it needs looking at
    with pytest.raises(InvalidInput, match="10,000,000 characters long"):
        clean_text(huge, "--actor", ACTOR)


def test_the_limits_are_documented_in_one_place():
    documented = text.__doc__ or ""
    for limit in ("names 200", "actor 100", "free text 4,000", "email 254"):
        assert limit in documented
    assert (NAME.limit, LINE.limit, ACTOR.limit, FREE_TEXT.limit) == (200, 200, 100, 4000)
    assert text.LONGEST_EMAIL == 254


def test_email_syntax_and_its_254_character_limit():
    assert clean_email("  Ann.Lee@NHS.example ") == "ann.lee@nhs.example"
    assert clean_email("") is None and clean_email(None) is None
    local = "a" * 64
    longest = f"{local}@{'b' * (254 - 64 - 1 - 4)}.org"
    assert len(longest) == 254 and clean_email(longest) == longest
    with pytest.raises(InvalidInput, match="email is 255 characters long"):
        clean_email("c" + longest)
    with pytest.raises(InvalidInput, match="is 3,000 characters long"):
        clean_email("a" * 2988 + "@example.org")
    for bad in ("ann", "ann@nhs", "ann lee@nhs.example", "a@b@c.org", "ann@nhs.example."):
        with pytest.raises(InvalidInput, match="is not an email address: use name@example.org"):
            clean_email(bad)
    with pytest.raises(InvalidInput, match=r"U\+202E"):
        clean_email("ann\u202e@nhs.example")


@given(st.text())
def test_whatever_is_accepted_is_printable_tidy_and_bounded(value):
    try:
        tidy = clean_text(value, "field")
    except InvalidInput as exc:
        assert str(exc).startswith("field ") and "\n" not in str(exc)
        return
    assert len(tidy) <= LINE.limit and tidy == " ".join(tidy.split())
    assert all(char.isprintable() or char in "\u200c\u200d" for char in tidy)
