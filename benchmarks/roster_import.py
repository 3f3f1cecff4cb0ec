"""How long `refocus staff import` takes for a national-scale roster.

    python benchmarks/roster_import.py [--runs 5] [--seed 2027]

Generates a roster CSV of 15,000 staff across 1,000 teams (the same file for a
given seed), builds once a template database holding the 1,000 teams and no
staff, then for each run copies the template and times `refocus staff import
roster.csv` end to end in a subprocess: what a user waits for, start-up
included. Target: under 3 seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from _timing import median, print_table, refocus_executable, run_once

STAFF = 15_000
TEAMS = 1_000
TARGET_SECONDS = 3.0

AREAS = (
    "Lambeth", "Southwark", "Lewisham", "Croydon", "Bromley", "Greenwich", "Hackney",
    "Camden", "Islington", "Haringey", "Barnet", "Enfield", "Ealing", "Brent", "Harrow",
    "Hounslow", "Merton", "Sutton", "Kingston", "Richmond", "Bexley", "Havering",
    "Redbridge", "Newham", "Tower Hamlets", "Waltham Forest", "Westminster", "Wandsworth",
    "Hillingdon", "Barking", "Leeds", "Bradford", "Sheffield", "Manchester", "Salford",
    "Liverpool", "Newcastle", "Gateshead", "Bristol", "Plymouth",
)  # fmt: skip
SECTORS = ("North", "South", "East", "West", "Central")
KINDS = (
    ("Community Mental Health Team", "CMHT"),
    ("Early Intervention in Psychosis", "EIP"),
    ("Assertive Outreach Team", "AOT"),
    ("Crisis Resolution and Home Treatment", "CRHT"),
    ("Rehabilitation and Recovery Team", "rehab"),
    ("Older Adults CMHT", "CMHT"),
    ("Support and Recovery Team", "CMHT"),
    ("Personality Disorder Service", "specialist"),
    ("Perinatal Mental Health Team", "specialist"),
    ("Forensic Community Team", "forensic"),
)
FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Emily", "Hannah", "Chloe",
    "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Thomas", "James", "William", "Daniel",
    "Mohammed", "Aisha", "Fatima", "Yusuf", "Priya", "Anjali", "Ravi", "Sanjay", "Deepa", "Arjun",
    "Chidi", "Ngozi", "Oluwaseun", "Adaeze", "Kwame", "Ama", "Tendai", "Wei", "Mei", "Hiroshi",
    "Aoife", "Niamh", "Rhys", "Sean", "Siobhan", "Zoe", "Jose", "Anna", "Peter", "Sarah",
)  # fmt: skip
ACCENTED_FIRST_NAMES = (
    "Zoë", "Siobhán", "Seán", "Łukasz", "Małgorzata", "José", "Inês", "Renée", "Björn", "Søren",
    "François", "Hélène", "Ayşe", "Çağla", "Nguyễn Thị", "Dóra", "Eilís",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Patel", "Khan", "Ahmed", "Ali", "Hussain", "Begum", "Shah",
    "Singh", "Kaur", "Okafor", "Adeyemi", "Mensah", "Osei", "Chen", "Wang", "Kim", "O'Brien",
    "O'Connor", "Murphy", "Nowak", "Kowalczyk", "Smith-Jones", "Clarke-Okoye", "Van der Merwe",
)  # fmt: skip
ACCENTED_SURNAMES = (
    "Ó Súilleabháin", "Mac Giolla Phádraig", "Wiśniewski", "Müller", "Schäfer", "García",
    "Fernández", "Gonçalves", "Şahin", "Yılmaz", "Lefèvre", "Brontë", "Åberg", "Nguyễn",
)  # fmt: skip
# Each part of a name is accented this often: about one name in eight overall.
ACCENTED_SHARE = 0.065
ROLES = (
    ("care coordinator", 30),
    ("nurse", 20),
    ("support worker", 14),
    ("social worker", 10),
    ("occupational therapist", 8),
    ("psychologist", 7),
    ("psychiatrist", 7),
    ("peer support worker", 4),
)
MANAGER_ROLE = "team manager"
HEADER = ("Name", "Team", "Email", "Role", "Manager", "Start date")
EARLIEST_START = date(2012, 1, 1)
LATEST_START = date(2026, 12, 31)


def team_names(rng: random.Random) -> list[tuple[str, str, str]]:
    """TEAMS distinct (name, site, kind) triples."""
    every = [
        (f"{area} {sector} {title}", area, kind)
        for area in AREAS
        for sector in SECTORS
        for title, kind in KINDS
    ]
    return sorted(rng.sample(every, TEAMS))


# Letters NFKD does not split into a base letter and an accent.
UNSPLIT = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ı": "i", "ß": "ss", "Æ": "Ae"})


def _ascii(text: str) -> str:
    """The email-address form of a name part: Łukasz -> lukasz, O'Brien -> obrien."""
    folded = unicodedata.normalize("NFKD", text.translate(UNSPLIT))
    folded = folded.encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _name_part(rng: random.Random, plain: tuple[str, ...], accented: tuple[str, ...]) -> str:
    return rng.choice(accented if rng.random() < ACCENTED_SHARE else plain)


def roster_rows(rng: random.Random, teams: list[tuple[str, str, str]]) -> list[tuple[str, ...]]:
    """STAFF roster rows: one manager per team, the rest spread unevenly over the teams."""
    roles = [role for role, _ in ROLES]
    weights = [weight for _, weight in ROLES]
    span = (LATEST_START - EARLIEST_START).days
    emails: set[str] = set()
    rows = []
    assignments = list(range(TEAMS)) + [rng.randrange(TEAMS) for _ in range(STAFF - TEAMS)]
    for position, team_index in enumerate(assignments):
        first = _name_part(rng, FIRST_NAMES, ACCENTED_FIRST_NAMES)
        surname = _name_part(rng, SURNAMES, ACCENTED_SURNAMES)
        stem = f"{_ascii(first)}.{_ascii(surname)}"
        email, suffix = f"{stem}@nhs.net", 1
        while email in emails:
            suffix += 1
            email = f"{stem}{suffix}@nhs.net"
        emails.add(email)
        manager = position < TEAMS
        start = EARLIEST_START + timedelta(days=rng.randrange(span))
        # Trust exports mix ISO and UK day-first dates; both are accepted.
        when = start.isoformat() if rng.random() < 0.8 else start.strftime("%d/%m/%Y")
        rows.append(
            (
                f"{first} {surname}",
                teams[team_index][0],
                email,
                MANAGER_ROLE if manager else rng.choices(roles, weights)[0],
                "yes" if manager else "no",
                when,
            )
        )
    rng.shuffle(rows)
    return rows


def write_csv(path: Path, rows: list[tuple[str, ...]]) -> None:
    # utf-8-sig: what Excel's "CSV UTF-8" writes.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def build_template(refocus: str, folder: Path, teams: list[tuple[str, str, str]]) -> Path:
    """A database with the programme and TEAMS teams but no staff, as one clean file.

    The teams go in through the store's bulk `add_many` in one child process:
    `staff import --create-teams` would also add the staff we mean to time, and
    1,000 `refocus team add` calls take minutes. Not timed either way.
    """
    work = folder / "work.db"
    run_once([refocus, "init", "Benchmark Trust REFOCUS", "--db", str(work)])
    add_teams = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from refocus_cli.services.context import opened\n"
        "from refocus_cli.store.teams import add_many\n"
        "with opened(Path(sys.argv[1])) as store:\n"
        "    add_many(store, [tuple(team) for team in json.load(sys.stdin)])\n"
    )
    subprocess.run(
        [sys.executable, "-c", add_teams, str(work)], input=json.dumps(teams), text=True, check=True
    )
    template = folder / "template.db"
    run_once([refocus, "db", "backup", str(template), "--db", str(work)])
    return template


def check_import(refocus: str, db: Path, rows: list[tuple[str, ...]]) -> None:
    """Exit with a message unless the database lists exactly the roster's staff."""
    listed = json.loads(
        subprocess.run(
            [refocus, "staff", "list", "--json", "--db", str(db)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    problems = []
    if len(listed) != STAFF:
        problems.append(f"{len(listed)} staff listed, expected {STAFF}")
    if {person["email"] for person in listed} != {row[2] for row in rows}:
        problems.append("the listed emails differ from the roster's")
    if len({person["team"] for person in listed}) != TEAMS:
        problems.append(f"staff are in {len({p['team'] for p in listed})} teams, not {TEAMS}")
    if sum(person["manager"] for person in listed) != TEAMS:
        problems.append("not one manager per team")
    if problems:
        sys.exit("check failed: " + "; ".join(problems))
    print(
        f"Checked once: `refocus staff list --json` lists {len(listed):,} staff in "
        f"{TEAMS:,} teams with {TEAMS:,} managers, the roster's emails exactly."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed imports")
    parser.add_argument("--seed", type=int, default=2027, help="seed for the generated roster")
    options = parser.parse_args()

    refocus = refocus_executable()
    rng = random.Random(options.seed)
    teams = team_names(rng)
    rows = roster_rows(rng, teams)
    with tempfile.TemporaryDirectory(prefix="refocus-bench-") as folder_name:
        folder = Path(folder_name)
        roster = folder / "roster.csv"
        write_csv(roster, rows)
        print(f"refocus: {refocus}")
        print(
            f"roster:  {STAFF:,} staff in {TEAMS:,} teams, seed {options.seed}, "
            f"{roster.stat().st_size / 1e6:.1f} MB CSV"
        )
        template = build_template(refocus, folder, teams)
        runs = []
        for number in range(options.runs):
            db = folder / f"run{number}" / "refocus.db"
            db.parent.mkdir()
            shutil.copy(template, db)
            # Its random names put one name twice in some teams: two people, as in a trust.
            command = [refocus, "staff", "import", str(roster), "--allow-duplicate-names"]
            runs.append(run_once([*command, "--db", str(db)]))
            print(f"  run {number + 1}: {runs[-1].seconds:.2f} s, {runs[-1].peak_mb:.0f} MB")
            if number == 0:
                check_import(refocus, db, rows)
    seconds = [run.seconds for run in runs]
    print()
    print_table(
        ["benchmark", "rows", "median s", "min s", "peak MB", "target", "met"],
        [
            (
                "staff import roster.csv",
                f"{STAFF:,}",
                f"{median(seconds):.2f}",
                f"{min(seconds):.2f}",
                f"{max(run.peak_mb for run in runs):.0f}",
                f"< {TARGET_SECONDS:g} s",
                "yes" if median(seconds) < TARGET_SECONDS else "no",
            )
        ],
        title=f"{options.runs} runs, each into a fresh copy of a database holding the teams:",
    )


if __name__ == "__main__":
    main()
