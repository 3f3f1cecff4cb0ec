"""Properties of roster checking and CSV decoding, over generated rosters and bytes."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from refocus_cli.core.errors import FileProblems, InvalidInput
from refocus_cli.core.people import folded
from refocus_cli.core.roster import (
    COLUMNS,
    FALSE_WORDS,
    TRUE_WORDS,
    KnownPerson,
    RosterContext,
    check_roster,
)
from refocus_cli.core.tabular import Table, parse_csv

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEAMS = ["North CMHT", "South CMHT", "Hillview EIP", "Équipe Rétablissement"]
ACTIVE_TEAMS = {folded(team): team for team in TEAMS}  # keyed as typed names are compared
ON_RECORD = RosterContext(teams=ACTIVE_TEAMS)
DEFAULT_START = date(2027, 1, 4)
OPTIONAL = ["email", "role", "manager", "start"]


def tidy(text: str) -> str:
    return " ".join(text.split())


# Letters from the scripts staff names come in, with the marks, punctuation and
# odd spaces (no-break, ideographic) that pasted names carry. A fixed alphabet
# keeps generation fast; Unicode at large is covered by the parse_csv tests.
NAME_LETTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "áéíóúàèëïöüñçøåæßłŁžščćńőűğışİÀÉÍÓÚÑÇØÅÆŽŠČ"
    "αβγδΑΒΓΔабвгдАБВГДאבגדابتث中文名字日本語한국어"
    "\u0301\u0308'’-.,()&/"
)
NAME_ALPHABET = st.sampled_from(NAME_LETTERS + " \u00a0\u2009\u3000\t")
names = st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=40).filter(
    lambda text: tidy(text) != "" and not tidy(text).isdigit()
)
EMAIL_LETTERS = "".join(ch for ch in NAME_LETTERS if ch.isalnum())
email_parts = st.text(alphabet=st.sampled_from(EMAIL_LETTERS), min_size=1, max_size=12)
roles = st.text(alphabet=NAME_ALPHABET, max_size=30).map(tidy)
tlds = st.sampled_from(["org", "uk", "example", "nhs"])
teams = st.sampled_from(TEAMS)
team_spacing = st.sampled_from([" ", "  "])
manager_words = st.sampled_from(sorted(TRUE_WORDS | FALSE_WORDS))
start_dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def cased(draw, word: str) -> str:
    """`word` with each letter in a random case."""
    flips = draw(st.integers(0, 2 ** len(word) - 1))
    return "".join(ch.upper() if flips >> i & 1 else ch for i, ch in enumerate(word))


@st.composite
def headers_for(draw, column: str) -> str:
    """A header cell a roster might use for `column`, e.g. 'Full Name' or 'E-mail'."""
    spelling = draw(st.sampled_from(COLUMNS[column]))
    decorated = draw(cased(spelling))
    cut = draw(st.integers(0, len(decorated)))
    joiner = draw(st.sampled_from(["", " ", "-", "_"]))
    return decorated[:cut] + joiner + decorated[cut:]


@st.composite
def person(draw, index: int, typed_name: str) -> dict:
    """One valid row's values, as typed in the sheet, and what check_roster should make of them."""
    team = draw(teams)
    typed_team = draw(cased(team)).replace(" ", draw(team_spacing))
    email = None
    if draw(st.booleans()):
        local, domain = draw(email_parts), draw(email_parts)
        tld = draw(tlds)
        email = f"{local}.{index}@{domain}.{tld}"
    typed_email = draw(cased(email)) if email else ""
    role = draw(roles)
    manager_word = draw(manager_words)
    start = draw(start_dates)
    if start is None:
        typed_start = ""
    else:
        typed_start = draw(
            st.sampled_from(
                [
                    start.isoformat(),
                    f"{start.day:02d}/{start.month:02d}/{start.year}",
                    f"{start.day}/{start.month}/{start.year}",
                ]
            )
        )
    return {
        "typed": {
            "name": typed_name,
            "team": typed_team,
            "email": typed_email,
            "role": role,
            "manager": draw(cased(manager_word)),
            "start": typed_start,
        },
        "expected": (
            tidy(typed_name),
            team,
            typed_email.lower() or None,
            role,
            manager_word in TRUE_WORDS,
            start or DEFAULT_START,
        ),
    }


@st.composite
def rosters(draw, all_columns: bool = False, min_rows: int = 1) -> tuple[Table, list[tuple]]:
    """A valid roster as a Table (columns in any order, blank rows skipped) and its entries."""
    optional = OPTIONAL if all_columns else draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    columns = draw(st.permutations(["name", "team", "notes", *optional]))
    headers = ["Notes" if column == "notes" else draw(headers_for(column)) for column in columns]
    # A valid roster names each person once (two of one name are refused without
    # --allow-duplicate-names: tests/core/test_roster_names.py).
    typed_names = draw(
        st.lists(names, min_size=min_rows, max_size=8, unique_by=lambda name: folded(tidy(name)))
    )
    people = [draw(person(index, name)) for index, name in enumerate(typed_names)]
    gaps = draw(st.lists(st.integers(1, 3), min_size=len(people), max_size=len(people)))
    rows, expected, row_number = [], [], 1
    for someone, gap in zip(people, gaps, strict=True):
        row_number += gap
        typed = {**someone["typed"], "notes": "anything at all"}
        rows.append((row_number, [typed[column] for column in columns]))
        name, team, email, role, manager, start = someone["expected"]
        expected.append(
            (
                row_number,
                name,
                team,
                email if "email" in columns else None,
                role if "role" in columns else "",
                manager if "manager" in columns else False,
                start if "start" in columns else DEFAULT_START,
            )
        )
    return Table("roster.csv", headers, rows), expected


def _is(header: str, column: str) -> bool:
    """Whether a header cell names `column`, as check_roster reads headers."""
    key = "".join(ch for ch in header.lower() if "a" <= ch <= "z")
    return key in COLUMNS.get(column, ())


def entries(plan_part) -> list[tuple]:
    return [(e.row, e.name, e.team, e.email, e.role, e.manager, e.start) for e in plan_part]


@SETTINGS
@given(rosters())
def test_a_valid_roster_checks_and_keeps_every_row_in_order(roster):
    table, expected = roster
    plan = check_roster(table, ON_RECORD, DEFAULT_START)
    assert entries(plan.to_add) == expected
    assert plan.unchanged == [] and plan.new_teams == []


@SETTINGS
@given(rosters())
def test_checking_a_roster_already_on_record_adds_no_one(roster):
    table, expected = roster
    first = check_roster(table, ON_RECORD, DEFAULT_START)
    by_email = {
        e.email: KnownPerson(e.name, e.team, staff_id)
        for staff_id, e in enumerate(first.to_add, start=1)
        if e.email
    }
    without_email = {
        (e.name.lower(), e.team.lower()): (staff_id,)
        for staff_id, e in enumerate(first.to_add, start=1)
        if not e.email
    }
    on_record = RosterContext(ACTIVE_TEAMS, by_email=by_email, without_email=without_email)
    again = check_roster(table, on_record, DEFAULT_START)
    assert again.to_add == []
    assert entries(again.unchanged) == expected


DEFECTS = {
    "empty name": ("name", "   ", "staff name cannot be empty"),
    "digits-only name": ("name", "12345", "is only digits"),
    "unknown team": ("team", "Nowhere Team", "unknown team 'Nowhere Team'"),
    "empty team": ("team", "", "team is empty"),
    "malformed email": ("email", "ann.lee.example.org", "is not an email address"),
    "email with a space": ("email", "ann lee@example.org", "is not an email address"),
    "impossible date": ("start", "31/02/2026", "is not a date"),
    "month 13": ("start", "2026-13-01", "is not a date"),
    "words for a date": ("start", "next Monday", "is not a date"),
    "start before 2000": ("start", "31/12/1999", "is outside the years 2000–2100"),
    "escape in a role": ("role", "\x1b[2Jnurse", "role contains control characters"),
    "manager maybe": ("manager", "maybe", "is not yes or no"),
    "role too long": ("role", "r" * 201, "role is 201 characters long"),
    "email on record": ("email", "taken@example.org", "already belongs to Someone Else (id 99)"),
    "email twice": ("email", None, "is also on row"),
}


@SETTINGS
@given(rosters(all_columns=True, min_rows=2), st.sampled_from(sorted(DEFECTS)), st.data())
def test_one_defect_in_one_row_is_reported_against_that_row(roster, defect, data):
    table, _ = roster
    column, bad_value, words = DEFECTS[defect]
    position = table.headers.index(next(h for h in table.headers if _is(h, column)))
    target = data.draw(st.integers(0, len(table.rows) - 1), label="row with the defect")
    rows = [(number, list(cells)) for number, cells in table.rows]
    reported = rows[target][0]
    if defect == "email twice":
        other = data.draw(
            st.integers(0, len(rows) - 1).filter(lambda i: i != target), label="other row"
        )
        rows[other][1][position] = rows[target][1][position] = "shared@example.org"
        reported = max(rows[target][0], rows[other][0])
    else:
        rows[target][1][position] = bad_value
    known = {"taken@example.org": KnownPerson("Someone Else", "North CMHT", 99)}

    with pytest.raises(FileProblems) as raised:
        check_roster(
            Table("roster.csv", table.headers, rows),
            RosterContext(ACTIVE_TEAMS, by_email=known),
            DEFAULT_START,
        )
    assert len(raised.value.problems) == 1, raised.value.problems
    problem = raised.value.problems[0]
    assert problem.startswith(f"row {reported}: ") and words in problem, problem
    assert "nothing was imported" in str(raised.value)


@SETTINGS
@given(rosters(), st.sampled_from(["name", "team"]))
def test_a_missing_required_column_is_reported_on_row_1(roster, column):
    table, _ = roster
    keep = [i for i, header in enumerate(table.headers) if not _is(header, column)]
    headers = [table.headers[i] for i in keep]
    rows = [(number, [cells[i] for i in keep]) for number, cells in table.rows]
    with pytest.raises(FileProblems) as raised:
        check_roster(Table("roster.csv", headers, rows), ON_RECORD, DEFAULT_START)
    assert raised.value.problems == [
        f"row 1: missing required column {column!r} (found columns: "
        + ", ".join(repr(h) for h in headers)
        + ")"
    ]


@SETTINGS
@given(
    rosters(),
    st.sampled_from(["12", "0042", "٣", "T" * 201]),
    st.data(),
)
def test_create_teams_refuses_names_team_add_refuses(roster, bad_team, data):
    table, _ = roster
    position = next(i for i, header in enumerate(table.headers) if _is(header, "team"))
    target = data.draw(st.integers(0, len(table.rows) - 1), label="row with the bad team")
    rows = [(number, list(cells)) for number, cells in table.rows]
    rows[target][1][position] = bad_team
    with pytest.raises(FileProblems) as raised:
        check_roster(Table("roster.csv", table.headers, rows), ON_RECORD, DEFAULT_START, True)
    [problem] = raised.value.problems
    assert problem.startswith(f"row {rows[target][0]}: team name "), problem


@SETTINGS
@given(rosters(), st.lists(names, min_size=1, max_size=4), st.data())
def test_create_teams_makes_each_new_team_once(roster, new_teams, data):
    table, expected = roster
    new_teams = [tidy(team) for team in new_teams]
    assume(not any(folded(team) in ACTIVE_TEAMS for team in new_teams))
    position = next(i for i, header in enumerate(table.headers) if _is(header, "team"))
    rows = []
    for number, cells in table.rows:
        cells = list(cells)
        cells[position] = data.draw(st.sampled_from(new_teams + TEAMS), label="team")
        rows.append((number, cells))
    plan = check_roster(Table("roster.csv", table.headers, rows), ON_RECORD, DEFAULT_START, True)
    named = [cells[position] for _, cells in rows]
    first_spelling: dict[str, str] = {}
    for team in named:
        if folded(team) not in ACTIVE_TEAMS:
            first_spelling.setdefault(folded(team), team)
    assert plan.new_teams == sorted(first_spelling.values())
    assert [e.team for e in plan.to_add] == [
        ACTIVE_TEAMS.get(folded(team)) or first_spelling[folded(team)] for team in named
    ]
    assert [e.row for e in plan.to_add] == [row for row, *_ in expected]


# --- parse_csv ---------------------------------------------------------------

CSV_PIECES = [b",", b";", b"\t", b'"', b'""', b"\n", b"\r\n", b"\r", b" ", b"a", b"Name"]
CSV_PIECES += [b"\xc3\xa9", b"\xe9", b"\xef\xbb\xbf", b"\x81", b"\x00", b"\xff\xfe"]


def _check_table_shape(table: Table) -> None:
    numbers = [number for number, _ in table.rows]
    assert numbers == sorted(set(numbers)) and all(number >= 2 for number in numbers)
    for _, cells in [(1, table.headers), *table.rows]:
        assert all(cell == cell.strip() for cell in cells)
    assert all(any(cells) for _, cells in table.rows)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.lists(st.sampled_from(CSV_PIECES), max_size=60).map(b"".join))
def test_parse_csv_raises_only_invalid_input_on_any_bytes(data):
    try:
        table = parse_csv(data, "fuzz.csv")
    except InvalidInput as exc:
        assert str(exc).startswith("fuzz.csv")
        return
    _check_table_shape(table)


def _cp1252_alphabet() -> list[str]:
    alphabet = []
    for byte in range(1, 256):
        try:
            alphabet.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            continue
    return alphabet


CP1252 = _cp1252_alphabet()
ALPHABETS = {
    # NUL makes a file binary; a byte-order mark is only ever the file's first character.
    "utf-8": st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufeff"),
    "utf-8-sig": st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufeff"),
    "cp1252": st.sampled_from(CP1252),
}
# Header words that need no quoting whatever the separator.
HEADER_WORD = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()-/."
    ),
    max_size=15,
)


@st.composite
def written_tables(draw):
    """A table saved by Python's csv module, with what parse_csv should read back."""
    encoding = draw(st.sampled_from(sorted(ALPHABETS)))
    # Separators, quotes and line breaks turn up often, to exercise quoting.
    cell = st.text(alphabet=st.sampled_from(',;\t" \r\n') | ALPHABETS[encoding], max_size=12)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quote_all = draw(st.booleans())
    header = draw(st.lists(cell if quote_all else HEADER_WORD, min_size=2, max_size=6))
    assume(any(text.strip() for text in header))
    body = draw(st.lists(st.lists(cell, max_size=6), max_size=8))
    leading_blank_lines = draw(st.integers(0, 2))

    line_end = draw(st.sampled_from(["\r\n", "\n"]))
    if line_end == "\n":
        # Python 3.11's writer quotes only the characters of its own line end, so
        # a lone \r in an unquoted cell would be a line break in what it writes.
        assume(not any("\r" in text for text in [*header, *sum(body, [])]))
    out = io.StringIO(newline="")
    writer = csv.writer(
        out,
        delimiter=delimiter,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator=line_end,
    )
    for _ in range(leading_blank_lines):
        writer.writerow([])
    writer.writerow(header)
    writer.writerows(body)
    text = out.getvalue()
    data = text.encode(encoding)
    if encoding == "cp1252":
        # Windows-1252 bytes that also happen to be valid UTF-8 are read as UTF-8, as
        # they must be; such text ("Ã©") is not what a roster holds.
        try:
            assume(data.decode("utf-8-sig") == text)
        except UnicodeDecodeError:
            pass

    first = leading_blank_lines + 1
    expected_rows = [
        (first + offset, [text.strip() for text in row])
        for offset, row in enumerate(body, start=1)
        if any(text.strip() for text in row)
    ]
    return data, [text.strip() for text in header], expected_rows


@settings(max_examples=200, deadline=None)
@given(written_tables())
@example(  # commas inside quoted cells of a semicolon file are not separators
    (
        b'"Surname, first, middle";Team\r\n"Lee, Ann, B";North\r\n',
        ["Surname, first, middle", "Team"],
        [(2, ["Lee, Ann, B", "North"])],
    )
)
@example(  # a cell with a line break is one row; a blank line is one row
    (
        b'Name,Notes\r\nAnn,"two\r\nlines"\r\n\r\nBob,x\r\n',
        ["Name", "Notes"],
        [(2, ["Ann", "two\r\nlines"]), (4, ["Bob", "x"])],
    )
)
def test_parse_csv_reads_back_what_csv_wrote_with_spreadsheet_row_numbers(written):
    data, headers, rows = written
    table = parse_csv(data, "roster.csv")
    assert table.headers == headers
    assert table.rows == rows


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("abcdeé ÅŁ'-"), min_size=1, max_size=10), min_size=1),
    st.sampled_from([",", ";", "\t"]),
    st.data(),
)
def test_a_quote_left_open_is_reported_on_its_row_not_swallowed(people, delimiter, data):
    target = data.draw(st.integers(0, len(people) - 1), label="row with the open quote")
    opened = ['"' + name if index == target else name for index, name in enumerate(people)]
    lines = [f"Name{delimiter}Team"] + [f"{name}{delimiter}North CMHT" for name in opened]
    with pytest.raises(InvalidInput, match=f"^roster.csv row {target + 2}: .* never closed"):
        parse_csv("\r\n".join(lines).encode(), "roster.csv")
