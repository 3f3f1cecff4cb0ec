"""Write examples/roster.xlsx, the roster the README's walkthrough imports.

Four community mental-health teams of 10 to 15 people (50 in all), as an HR system or a
team manager's spreadsheet would give them: headings as people write them ("Full name",
"Job title", "Start date"), names with accents, one manager per team, a few without an
email, start dates in both the ISO and the UK form. Every name is made up.

Run it from anywhere (needs openpyxl, which refocus installs):

    python examples/make_roster.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HEADINGS = ("Full name", "Team", "Email", "Job title", "Manager", "Start date")

# team: (name, job title, manager?, start date as typed); an email is made from the name
# unless the row says "" (no email on record).
TEAMS: dict[str, list[tuple[str, str, bool, str]]] = {
    "Riverside CMHT": [
        ("Grace Osei", "team manager", True, "2019-04-01"),
        ("Zoë Adams", "nurse", False, "01/09/2026"),
        ("Tomás Byrne", "community psychiatric nurse", False, "2021-06-14"),
        ("Aoife Ní Bhriain", "social worker", False, "2022-01-10"),
        ("Chloé Martin", "occupational therapist", False, "15/03/2020"),
        ("Daniel Price", "support worker", False, "2023-05-02"),
        ("Fatima Rahman", "psychologist", False, "2018-11-19"),
        ("Owen Hughes", "peer support worker", False, "2024-02-05"),
        ("Priya Shah", "psychiatrist", False, "2017-08-07"),
        ("Sam Turner", "support worker", False, "2025-09-01"),
        ("Renée Dubois", "nurse", False, "2020-10-12"),
        ("Ifeoma Eze", "social worker", False, "2021-03-29"),
        ("Mark Ellis", "administrator", False, "2016-07-18"),
        ("Niamh Walsh", "nurse", False, "2022-09-05"),
    ],
    "Hillview EIP": [
        ("Ben Okafor", "team manager", True, "2018-02-12"),
        ("Łukasz Nowak", "social worker", False, "2026-10-01"),
        ("Siân Evans", "care coordinator", False, "2021-01-04"),
        ("José García", "psychiatrist", False, "2019-09-23"),
        ("Hannah Cole", "psychologist", False, "2020-05-11"),
        ("Kwame Mensah", "support worker", False, "2023-11-20"),
        ("Emily Ward", "nurse", False, "12/04/2022"),
        ("Ayşe Yılmaz", "occupational therapist", False, "2024-06-17"),
        ("Liam Foster", "peer support worker", False, "2025-01-13"),
        ("Rhiannon Lloyd", "nurse", False, "2017-03-06"),
        ("Yusuf Ali", "support worker", False, "2022-08-22"),
    ],
    "Northgate CMHT": [
        ("Helen Barker", "team manager", True, "2015-10-05"),
        ("Björn Lindqvist", "psychologist", False, "2020-02-03"),
        ("Małgorzata Wiśniewska", "nurse", False, "2019-07-15"),
        ("Dónal Murphy", "social worker", False, "2021-12-06"),
        ("Amira Haddad", "psychiatrist", False, "2018-04-30"),
        ("Chris Bell", "support worker", False, "2024-09-09"),
        ("Eilidh MacLeod", "occupational therapist", False, "03/01/2023"),
        ("Joel Baptiste", "nurse", False, "2022-02-14"),
        ("Mei Lin", "care coordinator", False, "2020-08-24"),
        ("Nadia Kowalczyk", "peer support worker", False, "2025-04-07"),
        ("Ruth Adeyemi", "nurse", False, "2016-11-28"),
        ("Tom Fletcher", "administrator", False, "2019-01-21"),
        ("Ellie Grant", "support worker", False, "2023-03-13"),
    ],
    "Southbank Rehabilitation": [
        ("Femi Adebayo", "team manager", True, "2017-05-22"),
        ("Clara Jiménez", "occupational therapist", False, "2021-10-18"),
        ("Gareth Rees", "nurse", False, "2019-06-03"),
        ("Hélène Moreau", "psychologist", False, "2022-11-07"),
        ("Imran Hussain", "support worker", False, "2020-03-16"),
        ("Kerry Doyle", "nurse", False, "2023-07-24"),
        ("Marta Kowalska", "social worker", False, "08/02/2021"),
        ("Noah Williams", "peer support worker", False, "2025-05-19"),
        ("Sinéad Farrell", "nurse", False, "2018-09-10"),
        ("Victor Mbeki", "support worker", False, "2024-01-08"),
        ("Lucy Chambers", "psychiatrist", False, "2016-04-25"),
        ("Anil Kapoor", "care coordinator", False, "2022-05-30"),
    ],
}
# People whose email is not on record yet (their rows leave it blank).
NO_EMAIL = {"Łukasz Nowak", "Kwame Mensah", "Noah Williams"}
# The letters an address cannot have, spelt as people spell them in an email.
SPELT = str.maketrans(
    {"ł": "l", "Ł": "L", "ı": "i", "ş": "s", "ö": "o", "é": "e", "è": "e", "ë": "e",
     "á": "a", "í": "i", "ó": "o", "ú": "u", "â": "a", "ç": "c", "ñ": "n", "ś": "s",
     "Ś": "S", "ż": "z", "ę": "e", "ą": "a", "ń": "n", "Ó": "O", "É": "E"}
)  # fmt: skip


def email(name: str) -> str:
    """first initial, dot, last name: "Zoë Adams" → z.adams@nhs.example."""
    parts = name.translate(SPELT).lower().replace("'", "").split()
    return f"{parts[0][0]}.{''.join(parts[1:])}@nhs.example"


def roster_rows() -> list[tuple[str, ...]]:
    """The headings, then one row per person, team by team."""
    rows: list[tuple[str, ...]] = [HEADINGS]
    for team, people in TEAMS.items():
        for name, title, manager, start in people:
            address = "" if name in NO_EMAIL else email(name)
            rows.append((name, team, address, title, "yes" if manager else "", start))
    return rows


def main() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    for row in roster_rows():
        sheet.append(row)
    for column, width in zip("ABCDEF", (24, 26, 30, 28, 9, 12), strict=True):
        sheet.column_dimensions[column].width = width
    # A fixed date, so the file only changes when the people do.
    book.properties.created = book.properties.modified = datetime(2026, 12, 1)
    target = Path(__file__).resolve().parent / "roster.xlsx"
    book.save(target)
    print(f"Wrote {target} ({len(roster_rows()) - 1} people).")


if __name__ == "__main__":
    main()
