"""`refocus staff import`: whole rosters from CSV or Excel, all of it or none of it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

GOOD_CSV = (
    "Full name,Team,Email,Job title,Manager,Start date\n"
    "Siobhán Kelly,North CMHT,S.Kelly@nhs.example,team manager,yes,01/09/2026\n"
    "Zoë Adams,North CMHT,z.adams@nhs.example,nurse,no,2026-10-01\n"
    "Łukasz Nowak,South CMHT,l.nowak@nhs.example,social worker,,\n"
    "Priya Patel,south cmht,,psychiatrist,Y,\n"
)

# What `staff list --json` shows after GOOD_CSV is imported with --start 2026-12-01:
# (name, team, email, role, manager, since), ordered by team then name (Ł sorts after P).
GOOD_STAFF = [
    ("Siobhán Kelly", "North CMHT", "s.kelly@nhs.example", "team manager", True, "2026-09-01"),
    ("Zoë Adams", "North CMHT", "z.adams@nhs.example", "nurse", False, "2026-10-01"),
    ("Priya Patel", "South CMHT", None, "psychiatrist", True, "2026-12-01"),
    ("Łukasz Nowak", "South CMHT", "l.nowak@nhs.example", "social worker", False, "2026-12-01"),
]


def staff_rows(cli) -> list[tuple]:
    listed = cli("staff", "list", "--json")
    assert listed.exit_code == 0, listed
    return [
        (p["name"], p["team"], p["email"], p["role"], p["manager"], p["since"])
        for p in listed.json()
    ]


def snapshot(cli) -> tuple[list, list]:
    """Everything an import could change, as the user sees it."""
    staff = cli("staff", "list", "--all", "--json")
    teams = cli("team", "list", "--json")
    assert staff.exit_code == 0 and teams.exit_code == 0, (staff, teams)
    return staff.json(), teams.json()


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def assert_refused(result, *problems: str) -> None:
    """Exit 1, each problem on its own indented line, then one `Error: ` line, no traceback."""
    assert result.exit_code == 1, result
    lines = result.stderr.rstrip("\n").split("\n")
    assert lines[-1].startswith("Error: "), result
    assert [line.strip() for line in lines[:-1]] == list(problems), result
    assert all(line.startswith("  ") for line in lines[:-1]), result
    assert "Traceback" not in result.stdout + result.stderr, result


@pytest.fixture
def roster_db(programme):
    """The two-team programme with one person already on record: Dana Reid (id 1)."""
    added = programme(
        "staff",
        "add",
        "Dana Reid",
        "--team",
        "North CMHT",
        "--email",
        "dana.reid@nhs.example",
        "--start",
        "2026-01-05",
    )
    assert added.exit_code == 0, added
    return programme


def test_a_good_csv_imports_every_person(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", GOOD_CSV)
    done = programme("staff", "import", roster, "--start", "2026-12-01", "--json")
    assert done.exit_code == 0, done
    assert done.json() == {
        "source": "roster.csv",
        "dry_run": False,
        "added": 4,
        "unchanged": 0,
        "emails_added": 0,
        "clinical_set": 0,
        "teams_created": 0,
        "duplicate_names": [],
    }
    assert staff_rows(programme) == GOOD_STAFF


def test_a_person_on_record_without_an_email_gains_it_rather_than_a_twin(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", GOOD_CSV)
    programme("staff", "import", roster, "--start", "2026-12-01")
    # The next month's roster has Priya's email; her record gets it, no second Priya.
    again = write(
        tmp_path,
        "again.csv",
        GOOD_CSV.replace(",,psychiatrist", ",p.patel@nhs.example,psychiatrist"),
    )
    done = programme("staff", "import", again, "--json")
    assert done.exit_code == 0, done
    assert (done.json()["added"], done.json()["emails_added"], done.json()["unchanged"]) == (
        0,
        1,
        3,
    )
    rows = staff_rows(programme)
    assert [r for r in rows if r[0] == "Priya Patel"] == [
        ("Priya Patel", "South CMHT", "p.patel@nhs.example", "psychiatrist", True, "2026-12-01")
    ]
    audit = programme("audit", "--staff", "p.patel@nhs.example", "--json").json()
    assert any(
        e["action"] == "update" and e["new"]["email"] == "p.patel@nhs.example" for e in audit
    )


def test_rows_without_a_start_date_start_today(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", "Name,Team\nAnn Lee,North CMHT\n")
    done = programme("staff", "import", roster)
    assert done.exit_code == 0, done
    assert "Imported 1 staff from roster.csv" in done.stderr
    assert staff_rows(programme) == [("Ann Lee", "North CMHT", None, "", False, "2027-01-04")]


def test_a_good_xlsx_imports_the_same(programme, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Full name", "Team", "Email", "Job title", "Manager", "Start date"])
    sheet.append(
        ["Siobhán Kelly", "North CMHT", "S.Kelly@nhs.example", "team manager", 1, date(2026, 9, 1)]
    )
    sheet.append(
        ["Zoë Adams", "North CMHT", "z.adams@nhs.example", "nurse", 0, datetime(2026, 10, 1)]
    )
    sheet.append([])  # a blank row, as people leave between groups
    sheet.append(["Łukasz Nowak", "South CMHT", "l.nowak@nhs.example", "social worker", None, None])
    sheet.append(["Priya Patel", "south cmht", None, "psychiatrist", "Y", None])
    assert sheet["F2"].is_date and sheet["E2"].data_type == "n"
    path = tmp_path / "roster.xlsx"
    workbook.save(path)

    done = programme("staff", "import", str(path), "--start", "2026-12-01", "--json")
    assert done.exit_code == 0, done
    assert done.json()["added"] == 4
    assert staff_rows(programme) == GOOD_STAFF


def test_xlsx_problems_name_the_sheet_row(programme, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Team", "Start"])
    sheet.append(["Ann Lee", "North CMHT", date(2026, 9, 1)])
    sheet.append([])
    sheet.append(["Bob Gray", "Nowhere", "next week"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    before = snapshot(programme)

    refused = programme("staff", "import", str(path))
    assert_refused(
        refused,
        "row 4: unknown team 'Nowhere': add it with `refocus team add` "
        "or import with --create-teams",
        "row 4: start date 'next week' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
    )
    assert snapshot(programme) == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_excel_encodings_keep_names_intact(programme, tmp_path, encoding):
    # Excel writes "CSV UTF-8" with a byte-order mark, plain "CSV" in Windows-1252,
    # both with CRLF line ends.
    text = (
        "Name,Team,Email\r\n"
        "Siobhán Ní Bhriain,North CMHT,siobhan@nhs.example\r\n"
        "Zoë Müller,South CMHT,zoe@nhs.example\r\n"
    )
    roster = write(tmp_path, "roster.csv", text, encoding)
    done = programme("staff", "import", roster, "--start", "2026-12-01")
    assert done.exit_code == 0, done
    assert staff_rows(programme) == [
        ("Siobhán Ní Bhriain", "North CMHT", "siobhan@nhs.example", "", False, "2026-12-01"),
        ("Zoë Müller", "South CMHT", "zoe@nhs.example", "", False, "2026-12-01"),
    ]


def test_stray_spaces_and_blank_lines_are_not_errors(programme, tmp_path):
    text = (
        "\n"
        "  Name , Team ,  Email  , Manager \n"
        "  Ann   Lee ,  North CMHT ,  Ann.Lee@nhs.example , YES \n"
        "\n"
        "   \n"
        ",,,\n"
        "Bob Gray,South  CMHT,,  no\n"
        "\n"
    )
    roster = write(tmp_path, "roster.csv", text)
    done = programme("staff", "import", roster, "--start", "2026-12-01", "--json")
    assert done.exit_code == 0, done
    assert done.json()["added"] == 2
    assert staff_rows(programme) == [
        ("Ann Lee", "North CMHT", "ann.lee@nhs.example", "", True, "2026-12-01"),
        ("Bob Gray", "South CMHT", None, "", False, "2026-12-01"),
    ]


def test_semicolon_delimited_csv_imports(programme, tmp_path):
    # Excel in much of Europe saves CSV with semicolons; a quoted comma in the
    # header must not make the file look comma-separated.
    text = (
        'Name;Team;Start;"Notes (free text, optional, short, one line)"\n'
        'Ann Lee;North CMHT;02/03/2026;"prefers mornings, part time"\n'
        "Bob Gray;South CMHT;2026-04-01;\n"
    )
    roster = write(tmp_path, "roster.csv", text)
    done = programme("staff", "import", roster)
    assert done.exit_code == 0, done
    assert staff_rows(programme) == [
        ("Ann Lee", "North CMHT", None, "", False, "2026-03-02"),
        ("Bob Gray", "South CMHT", None, "", False, "2026-04-01"),
    ]


def test_row_numbers_are_the_rows_a_spreadsheet_shows(programme, tmp_path):
    # A quoted cell with a line break is still one spreadsheet row; a blank line is one.
    text = 'Name,Team,Notes\nAnn Lee,North CMHT,"first line\nsecond line"\n\nBob Gray,Nowhere,\n'
    roster = write(tmp_path, "roster.csv", text)
    refused = programme("staff", "import", roster)
    assert_refused(
        refused,
        "row 4: unknown team 'Nowhere': add it with `refocus team add` "
        "or import with --create-teams",
    )


def test_a_quote_left_open_is_refused_rather_than_swallowing_the_rows_after_it(programme, tmp_path):
    # Read as one cell, row 3 would import "Ann Lee North CMHT,Bob Gray" and lose Bob.
    text = 'Team,Name\nSouth CMHT,Cara Dunn\nNorth CMHT,"Ann Lee\nNorth CMHT,Bob Gray\n'
    roster = write(tmp_path, "roster.csv", text)
    before = snapshot(programme)
    refused = programme("staff", "import", roster)
    assert_refused(refused)
    assert "Error: roster.csv row 3: a cell opens a quote" in refused.stderr
    assert snapshot(programme) == before


ROW_PROBLEMS = {
    "missing name column": (
        "Team,Email\nNorth CMHT,ann@nhs.example\n",
        ["row 1: missing required column 'name' (found columns: 'Team', 'Email')"],
    ),
    "missing team column": (
        "Name,Email\nAnn Lee,ann@nhs.example\n",
        ["row 1: missing required column 'team' (found columns: 'Name', 'Email')"],
    ),
    "unknown team": (
        "Name,Team\nAnn Lee,North CMHT\nBob Gray,Hillview EIP\n",
        [
            "row 3: unknown team 'Hillview EIP': add it with `refocus team add` "
            "or import with --create-teams"
        ],
    ),
    "duplicate email in the file": (
        "Name,Team,Email\nAnn Lee,North CMHT,ann@nhs.example\nAnn Lee,South CMHT,ANN@nhs.example\n",
        ["row 3: email ann@nhs.example is also on row 2"],
    ),
    "email of another person on record": (
        "Name,Team,Email\nAnn Lee,North CMHT,ann@nhs.example\n"
        "Dana Read,South CMHT,Dana.Reid@nhs.example\n",
        [
            "row 3: email dana.reid@nhs.example already belongs to Dana Reid (id 1) "
            "in team North CMHT: use `refocus staff move` for a change of team"
        ],
    ),
    "malformed email": (
        "Name,Team,Email\nAnn Lee,North CMHT,ann.lee.nhs.example\nBob Gray,South CMHT,\n",
        ["row 2: email 'ann.lee.nhs.example' is not an email address: use name@example.org"],
    ),
    "malformed date": (
        "Name,Team,Start\nAnn Lee,North CMHT,2026-01-01\nBob Gray,South CMHT,31/02/2026\n",
        ["row 3: start date '31/02/2026' is not a date: use YYYY-MM-DD or DD/MM/YYYY"],
    ),
    "bad manager value": (
        "Name,Team,Manager\nAnn Lee,North CMHT,maybe\nBob Gray,South CMHT,yes\n",
        ["row 2: manager 'maybe' is not yes or no"],
    ),
    "header only": (
        "Name,Team,Email\n\n",
        ["the file has a header but no staff rows"],
    ),
}


@pytest.mark.parametrize("case", ROW_PROBLEMS, ids=list(ROW_PROBLEMS))
def test_bad_rows_are_refused_and_nothing_is_written(roster_db, tmp_path, case):
    text, problems = ROW_PROBLEMS[case]
    roster = write(tmp_path, "roster.csv", text)
    before = snapshot(roster_db)
    refused = roster_db("staff", "import", roster)
    assert_refused(refused, *problems)
    assert "nothing was imported" in refused.stderr
    assert refused.stdout == ""
    assert snapshot(roster_db) == before


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def _damaged_xlsx(folder: Path) -> Path:
    """A real workbook whose sheet XML was cut short, as a failed download leaves it."""
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Name", "Team"])
    workbook.active.append(["Ann Lee", "North CMHT"])
    whole = folder / "whole.xlsx"
    workbook.save(whole)
    damaged = folder / "damaged.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return damaged


FILE_PROBLEMS = {
    "empty file": (lambda d: d / "roster.csv", b"", "is empty"),
    "only blank lines": (lambda d: d / "roster.csv", b"\r\n  \r\n\r\n", "is empty"),
    "binary file named .csv": (lambda d: d / "roster.csv", _png(), "is not a text file"),
    "neither utf-8 nor windows-1252": (
        lambda d: d / "roster.csv",
        b"Name,Team\n\x81\x8d\x8f,North CMHT\n",
        "is neither UTF-8 nor Windows-1252",
    ),
    "text file named .xlsx": (
        lambda d: d / "roster.xlsx",
        b"Name,Team\nAnn Lee,North CMHT\n",
        "is not a readable Excel workbook",
    ),
    "old .xls workbook": (
        lambda d: d / "roster.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "is an old .xls workbook: save it as .xlsx or .csv",
    ),
    "damaged .xlsx": (_damaged_xlsx, None, "is not a readable Excel workbook"),
    "a directory": (lambda d: d, None, "is a directory"),
    "a missing file": (lambda d: d / "nowhere.csv", None, "no file at"),
}


@pytest.mark.parametrize("case", FILE_PROBLEMS, ids=list(FILE_PROBLEMS))
def test_unreadable_files_are_refused_with_one_error_line(roster_db, tmp_path, case):
    where, content, words = FILE_PROBLEMS[case]
    folder = tmp_path / "in"
    folder.mkdir()
    path = where(folder)
    if content is not None:
        path.write_bytes(content)
    before = snapshot(roster_db)
    refused = roster_db("staff", "import", str(path))
    assert_refused(refused)
    assert words in refused.stderr, refused
    assert snapshot(roster_db) == before


def test_every_problem_in_every_row_is_reported_and_nothing_imported(roster_db, tmp_path):
    text = (
        "Name,Team,Email,Manager,Start\n"  # row 1
        "Ann Lee,North CMHT,ann@nhs.example,yes,2026-09-01\n"  # row 2: fine
        "Bob Gray,Nowhere,bob@nhs.example,no,\n"  # row 3
        "\n"  # row 4: blank
        "Cara Dunn,South CMHT,cara-at-nhs,perhaps,2026-13-01\n"  # row 5: three problems
        ",North CMHT,ann@nhs.example,,\n"  # row 6: two problems
        "Dan Ode,South CMHT,dana.reid@nhs.example,,\n"  # row 7
        "Eve Hart,South CMHT,eve@nhs.example,no,2026-10-01\n"  # row 8: fine
    )
    roster = write(tmp_path, "roster.csv", text)
    before = snapshot(roster_db)
    refused = roster_db("staff", "import", roster, "--create-teams")
    assert_refused(
        refused,
        "row 5: email 'cara-at-nhs' is not an email address: use name@example.org",
        "row 5: manager 'perhaps' is not yes or no",
        "row 5: start date '2026-13-01' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
        "row 6: staff name cannot be empty",
        "row 6: email ann@nhs.example is also on row 2",
        "row 7: email dana.reid@nhs.example already belongs to Dana Reid (id 1) "
        "in team North CMHT: use `refocus staff move` for a change of team",
    )
    assert "roster.csv has 6 problems" in refused.stderr
    # --create-teams was given, yet the team named on row 3 was not created either.
    assert snapshot(roster_db) == before


def test_dry_run_reports_and_writes_nothing(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", GOOD_CSV + "Tom Price,Hillview EIP,,,,\n")
    before = snapshot(programme)
    checked = programme("staff", "import", roster, "--dry-run", "--create-teams", "--json")
    assert checked.exit_code == 0, checked
    assert checked.json() == {
        "source": "roster.csv",
        "dry_run": True,
        "added": 0,
        "would_add": 5,
        "unchanged": 0,
        "would_add_emails": 0,
        "would_set_clinical": 0,
        "teams_created": 0,
        "would_create_teams": ["Hillview EIP"],
        "duplicate_names": [],
    }
    assert snapshot(programme) == before

    shown = programme("staff", "import", roster, "--dry-run", "--create-teams")
    assert shown.exit_code == 0, shown
    assert "Siobhán Kelly" in shown.stdout and "Tom Price" in shown.stdout
    assert "Dry run: 5 to add, 0 already on record; would create teams: Hillview EIP" in (
        shown.stderr
    )
    assert snapshot(programme) == before


def test_create_teams_adds_the_missing_ones(programme, tmp_path):
    text = (
        "Name,Team\n"
        "Ann Lee,Hillview EIP\n"
        "Bob Gray,hillview  eip\n"
        "Cara Dunn,North CMHT\n"
        "Dan Ode,Rehab Unit\n"
    )
    roster = write(tmp_path, "roster.csv", text)
    done = programme("staff", "import", roster, "--create-teams", "--start", "2026-12-01", "--json")
    assert done.exit_code == 0, done
    assert (done.json()["added"], done.json()["teams_created"]) == (4, 2)
    teams = {t["name"]: t for t in programme("team", "list", "--json").json()}
    assert sorted(teams) == ["Hillview EIP", "North CMHT", "Rehab Unit", "South CMHT"]
    assert teams["Hillview EIP"]["status"] == "active"
    assert [(p[0], p[1]) for p in staff_rows(programme)] == [
        ("Ann Lee", "Hillview EIP"),
        ("Bob Gray", "Hillview EIP"),
        ("Cara Dunn", "North CMHT"),
        ("Dan Ode", "Rehab Unit"),
    ]


def test_create_teams_refuses_team_names_team_add_would_refuse(programme, tmp_path):
    # A team called "12" would be read as the id 12 by every later command.
    roster = write(tmp_path, "roster.csv", f"Name,Team\nAnn Lee,12\nBob Gray,{'T' * 201}\n")
    before = snapshot(programme)
    refused = programme("staff", "import", roster, "--create-teams")
    assert_refused(
        refused,
        "row 2: team name '12' is only digits, which would be read as an id: add a word",
        "row 3: team name is 201 characters long: keep it under the limit of 200 characters",
    )
    assert snapshot(programme) == before


def test_importing_the_same_roster_again_adds_no_one(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", GOOD_CSV)
    first = programme("staff", "import", roster, "--start", "2026-12-01", "--json")
    assert first.exit_code == 0 and first.json()["added"] == 4, first
    after_first = snapshot(programme)

    again = programme("staff", "import", roster, "--start", "2026-12-01", "--json")
    assert again.exit_code == 0, again
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 4)
    told = programme("staff", "import", roster)
    assert told.exit_code == 0, told
    assert "Imported 0 staff from roster.csv; 4 already on record" in told.stderr
    assert snapshot(programme) == after_first


def test_an_ambiguous_name_lists_every_candidate(programme, tmp_path):
    text = (
        "Name,Team,Email\n"
        "J. Smith,North CMHT,jane.smith@nhs.example\n"
        "J. Smith,South CMHT,john.smith@nhs.example\n"
    )
    roster = write(tmp_path, "roster.csv", text)
    assert programme("staff", "import", roster).exit_code == 0
    ids = {p["team"]: p["id"] for p in programme("staff", "list", "--json").json()}
    before = snapshot(programme)

    moved = programme("staff", "move", "J. Smith", "--to", "South CMHT")
    assert moved.exit_code == 1, moved
    assert moved.stderr.startswith("Error: 'J. Smith' matches 2 staff records"), moved
    assert f"J. Smith (id {ids['North CMHT']}, North CMHT)" in moved.stderr
    assert f"J. Smith (id {ids['South CMHT']}, South CMHT)" in moved.stderr
    assert "Traceback" not in moved.stdout + moved.stderr
    assert snapshot(programme) == before


def test_acceptance_a_coordinator_fixes_a_windows_roster(cli, sh, tmp_path):
    """The installed command, a cp1252 file from Excel: refused with rows named, then fixed."""
    assert cli("init", "Southside Trust", "--start", "2027-01-11").exit_code == 0
    assert cli("team", "add", "Riverside CMHT").exit_code == 0
    header = "Full name;Team;Email;Manager;Start date\r\n"
    good = "Siobhán Kelly;Riverside CMHT;s.kelly@nhs.example;yes;01/09/2026\r\n"
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        (
            header + good + "Zoë Adams;Hillview EIP;z.adams@nhs.example;no;2026-10-01\r\n"
            "Łukasz Nowak;Riverside CMHT;S.Kelly@nhs.example;;\r\n"
        ).encode("utf-8-sig")
    )
    refused = sh("staff", "import", str(roster))
    assert refused.returncode == 1, refused
    assert "Traceback" not in refused.stdout + refused.stderr
    assert refused.stderr.splitlines() == [
        "  row 3: unknown team 'Hillview EIP': add it with `refocus team add` "
        "or import with --create-teams",
        "  row 4: email s.kelly@nhs.example is also on row 2",
        "Error: roster.csv has 2 problems (listed above); nothing was imported: "
        "fix them and run the command again",
    ]
    assert cli("staff", "list", "--json").json() == []

    roster.write_bytes(
        (header + good + "Zoë Adams;Riverside CMHT;z.adams@nhs.example;no;2026-10-01\r\n").encode(
            "cp1252"
        )
    )
    done = sh("staff", "import", str(roster))
    assert done.returncode == 0, done.stderr
    assert "Imported 2 staff from roster.csv" in done.stderr
    staff = cli("staff", "list", "--json").json()
    assert [(p["name"], p["manager"], p["since"]) for p in staff] == [
        ("Siobhán Kelly", True, "2026-09-01"),
        ("Zoë Adams", False, "2026-10-01"),
    ]


def test_rosters_naming_merged_or_disbanded_teams_say_what_became_of_them(programme, tmp_path):
    programme("team", "add", "East CMHT")
    programme("team", "merge", "South CMHT", "--into", "North CMHT", "--on", "2027-01-04")
    programme("team", "disband", "East CMHT", "--on", "2027-01-04")
    roster = tmp_path / "old-teams.csv"
    roster.write_text("name,team\nAnn Lee,South CMHT\nBob Gray,East CMHT\n")
    for extra in ([], ["--create-teams"]):
        result = programme("staff", "import", str(roster), *extra)
        assert result.exit_code == 1, result
        assert "row 2: team 'South CMHT' was merged into North CMHT" in result.stderr
        assert "use 'North CMHT'" in result.stderr
        assert "row 3: team 'East CMHT' was disbanded on 2027-01-04" in result.stderr
        assert "UNIQUE" not in result.stderr
    assert programme("staff", "list", "--all", "--json").json() == []


TWICE = "name,team\nAnn Lee,North CMHT\nBo Gray,North CMHT\nann  lee,North CMHT\n"


def test_a_name_twice_in_one_team_is_refused_unless_allowed(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", TWICE)
    before = snapshot(programme)
    assert_refused(
        programme("staff", "import", roster),
        "row 4: North CMHT already has someone called ann lee (row 2): if they are two "
        "people, import with --allow-duplicate-names; if one, remove the row",
    )
    assert snapshot(programme) == before
    allowed = programme("staff", "import", roster, "--allow-duplicate-names", "--json")
    assert allowed.exit_code == 0, allowed
    warning = (
        "row 4: ann lee (North CMHT) was imported as a different person from the ann lee "
        "in North CMHT (row 2); name them by id or email from now on"
    )
    assert allowed.json()["added"] == 3 and allowed.json()["duplicate_names"] == [warning]
    assert allowed.stderr.strip() == f"Warning: {warning}"
    assert [row[0] for row in staff_rows(programme)] == ["Ann Lee", "ann lee", "Bo Gray"]


def test_the_same_roster_again_finds_no_duplicates(programme, tmp_path):
    roster = write(tmp_path, "roster.csv", GOOD_CSV)
    assert programme("staff", "import", roster).exit_code == 0
    again = programme("staff", "import", roster, "--json")
    assert again.exit_code == 0, again
    assert (again.json()["added"], again.json()["duplicate_names"]) == (0, [])
