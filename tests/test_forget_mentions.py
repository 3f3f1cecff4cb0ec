"""`staff forget` finds where other records still name the person, whatever the case or
accents, lists them, and with --scrub-mentions replaces them with "[removed]"."""

from __future__ import annotations

import os
import pty
import re
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import refocus_executable

NAME, EMAIL = "Zoë Adams", "zoe.adams@nhs.example"


def _build(cli) -> None:
    assert cli("init", "Mentions Trust", "--start", "2027-01-11").exit_code == 0
    assert cli("team", "add", "North CMHT").exit_code == 0
    steps = [
        ["staff", "add", NAME, "--team", "North CMHT", "--email", EMAIL],
        ["staff", "add", "Bo Diaz", "--team", "North CMHT", "--role", "deputy to ZOE adams"],
        ["staff", "add", "Zoë Adamson", "--team", "North CMHT", "--role", "nurse"],
        ["venue", "add", "Zoë Adams Room", "--capacity", "8"],
        ["closure", "add", "2027-03-01", "--reason", "Zoe Adams's leaving do"],
        ["trainer", "add", "Ruth Evans"],
        ["trainer", "unavailable", "Ruth Evans", "--from", "2027-02-01", "--to", "2027-02-02",
         "--reason", f"covering for {EMAIL.upper()}"],
        ["--actor", "Zoe ADAMS (coordinator)", "team", "add", "South CMHT"],
    ]  # fmt: skip
    for step in steps:
        done = cli(*step)
        assert done.exit_code == 0, (step, done)


@pytest.fixture
def mentioned(cli, from_template, env_setup) -> Path:
    """A programme where Zoë Adams is named in others' role, a venue, reasons, an actor."""
    from_template("forget-mentions", lambda: _build(cli))
    return env_setup


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def _named(db: Path) -> list[tuple[str, str, str]]:
    """Every (table, column, text) that holds her name or email, ignoring case and accents
    (JSON-escaped text read as text): an independent scan of the whole file."""
    wanted = (_plain(NAME), _plain(EMAIL))
    found = []
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
            for row in conn.execute(f"SELECT * FROM '{table}'"):
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str):
                        continue
                    text = _plain(re.sub(r"\\u([0-9a-f]{4})", _unescape, value))
                    for word in wanted:
                        at = text.find(word)
                        end = at + len(word)
                        if at >= 0 and not (end < len(text) and text[end].isalnum()):
                            found.append((table, column, value))
    return found


def test_forget_lists_the_mentions_it_leaves(cli, mentioned):
    result = cli("staff", "forget", NAME, "--yes", "--json")
    assert result.exit_code == 0, result
    record = result.json()
    places = {(m["table"], m["column"], m["row_id"]) for m in record["mentions"]}
    # The reason naming her email exactly was erased already (she became the placeholder);
    # the closure's reason spells her name without the accent, so it is a mention left.
    assert {("staff", "role", 2), ("venue", "name", 1), ("closure", "reason", 1)} <= places
    assert ("trainer_unavailable", "reason", 1) not in places
    assert any(table == "audit" and column == "actor" for table, column, _ in places)
    assert record["mentions_scrubbed"] == 0
    excerpts = {(m["table"], m["column"]): m["excerpt"] for m in record["mentions"]}
    assert excerpts[("staff", "role")] == "deputy to ZOE adams"
    # What it lists is what an independent scan still finds (Zoë Adamson is not her).
    left = {(table, column) for table, column, _ in _named(mentioned)}
    assert left == {(m["table"], m["column"]) for m in record["mentions"]}
    people = cli("staff", "list", "--json").json()
    assert sorted(person["name"] for person in people) == [
        "Bo Diaz",
        "Forgotten person 1",
        "Zoë Adamson",
    ]


def test_forget_says_where_the_mentions_are(cli, mentioned):
    result = cli("staff", "forget", EMAIL, "--yes")
    assert result.exit_code == 0, result
    assert "places in other records still name them" in result.stderr
    assert "  staff.role row 2: deputy to ZOE adams\n" in result.stderr
    assert "  venue.name row 1: Zoë Adams Room\n" in result.stderr
    assert "edit them by hand" in result.stderr


def test_scrub_mentions_replaces_them_in_the_same_transaction(cli, mentioned):
    expected = len(_named(mentioned))
    result = cli("staff", "forget", NAME, "--yes", "--scrub-mentions", "--json")
    assert result.exit_code == 0, result
    record = result.json()
    assert record["mentions"] == [] and record["mentions_scrubbed"] >= 6
    assert _named(mentioned) == []
    people = {p["name"]: p for p in cli("staff", "list", "--json").json()}
    assert people["Bo Diaz"]["role"] == "deputy to [removed]"
    assert people["Zoë Adamson"]["role"] == "nurse"
    assert [v["name"] for v in cli("venue", "list", "--json").json()] == ["[removed] Room"]
    actors = {entry["actor"] for entry in cli("audit", "--json").json()}
    assert "[removed] (coordinator)" in actors
    assert expected > 0


def test_a_scrub_that_would_clash_erases_nothing(cli, mentioned):
    assert cli("venue", "add", "[removed] Room", "--capacity", "4").exit_code == 0
    with sqlite3.connect(mentioned) as conn:
        before = list(conn.iterdump())
    result = cli("staff", "forget", NAME, "--yes", "--scrub-mentions")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: venue.name of row 1 cannot become '[removed] Room'")
    assert "nothing was erased" in result.stderr
    with sqlite3.connect(mentioned) as conn:
        assert list(conn.iterdump()) == before


def test_on_a_terminal_the_mentions_are_shown_before_the_question(mentioned):
    main, other = pty.openpty()
    process = subprocess.Popen(
        [refocus_executable(), "staff", "forget", NAME],
        stdin=other,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(other)
    os.write(main, b"n\n")
    _, err = process.communicate(timeout=60)
    os.close(main)
    said = err.decode()
    assert process.returncode == 1
    assert "would still name them" in said and "--scrub-mentions" in said
    assert said.index("staff.role row 2") < said.index("Erase Zoë Adams (id 1) for good?")
    assert "Nothing was erased" in said
    assert len(_named(mentioned)) > 6  # nothing changed, her own record included


def test_a_namesake_keeps_their_own_name(cli, mentioned):
    assert cli("staff", "add", NAME, "--team", "South CMHT", "--role", "nurse").exit_code == 0
    assert cli("trainer", "add", "zoe adams").exit_code == 0
    assert cli("staff", "add", "Zoë Adams-Lee", "--team", "South CMHT").exit_code == 0
    result = cli("staff", "forget", "1", "--yes", "--scrub-mentions", "--json")
    assert result.exit_code == 0, result
    assert result.json()["namesakes"] == 2
    people = {p["id"]: p["name"] for p in cli("staff", "list", "--json").json()}
    assert people[1] == "Forgotten person 1" and people[4] == NAME
    assert people[5] == "Zoë Adams-Lee"  # a hyphen makes another name
    assert [t["name"] for t in cli("trainer", "list", "--json").json()] == [
        "Ruth Evans",
        "zoe adams",
    ]
    about_her_namesake = cli("audit", "--staff", "4", "--json").json()
    assert about_her_namesake[0]["new"]["name"] == NAME
    said = cli("staff", "forget", "4", "--yes")
    assert said.exit_code == 0
    assert "1 other person on record is also called Zoë Adams: their own" in said.stderr
