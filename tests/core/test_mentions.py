"""Finding and removing a person's name in free text, ignoring case and accents."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from refocus_cli.core.mentions import excerpt, mention_pattern, mention_spans, without_mentions

PATTERN = mention_pattern(["Siobhán Ní Bhriain", "s.nib@nhs.example"])


def test_mentions_ignore_case_accents_and_spacing_but_not_word_edges():
    assert PATTERN is not None
    text = "Cover: SIOBHAN  NI BHRIAIN, or s.NiB@nhs.example; not Siobhán Ní Bhriainová"
    spans = mention_spans(text, PATTERN)
    assert [text[start:end] for start, end in spans] == [
        "SIOBHAN  NI BHRIAIN",
        "s.NiB@nhs.example",
    ]
    assert without_mentions(text, spans) == (
        "Cover: [removed], or [removed]; not Siobhán Ní Bhriainová"
    )


def test_json_escaped_names_are_found():
    assert PATTERN is not None
    text = '{"role": "deputy to Siobh\\u00e1n N\\u00ed Bhriain"}'
    assert without_mentions(text, mention_spans(text, PATTERN)) == '{"role": "deputy to [removed]"}'


def test_an_excerpt_is_one_short_line():
    text = "A long note\nthat goes on and on before it names Siobhán Ní Bhriain and goes on after"
    [span] = mention_spans(text, mention_pattern(["Siobhán Ní Bhriain"]))
    # 25 characters either side, the line break made a space.
    assert excerpt(text, span) == "…n and on before it names Siobhán Ní Bhriain and goes on after"


@given(st.text(), st.text(min_size=1).filter(str.strip))
def test_nothing_is_left_after_removing_the_mentions(text, name):
    assume(not set(name.casefold()) & set("[removed]"))  # the words of the replacement
    pattern = mention_pattern([name])
    assert pattern is not None
    cleaned = without_mentions(text, mention_spans(text, pattern))
    assert mention_spans(cleaned, pattern) == []
