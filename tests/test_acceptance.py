"""A coordinator's first day, as a user types it.

The set-up runs in-process (`cli`, the same click command the console script calls);
the installed `refocus` command, in a subprocess, proves the error lines and exit
codes a terminal sees, and builds the demo."""

from __future__ import annotations

import json
import stat


def test_a_coordinator_sets_up_a_rollout(cli, sh, tmp_path, env_setup):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Full name,Team,Email,Job title,Manager,Start date\n"
        "Siobhán Kelly,Riverside CMHT,s.kelly@nhs.example,team manager,yes,01/09/2026\n"
        "  Zoë Adams ,Riverside CMHT,z.adams@nhs.example,nurse,no,2026-10-01\n"
        "\n"
        "Łukasz Nowak,Hillview EIP,l.nowak@nhs.example,social worker,,\n",
        encoding="utf-8-sig",
    )
    steps = [
        [
            "init",
            "Southside Trust REFOCUS 2027",
            "--tz",
            "Europe/London",
            "--region",
            "england",
            "--start",
            "2027-01-11",
        ],
        ["team", "add", "Riverside CMHT", "--site", "Riverside", "--kind", "CMHT"],
        ["team", "add", "Hillview EIP", "--site", "Hillview"],
        ["staff", "import", str(roster)],
        ["trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching"],
        ["trainer", "unavailable", "Dai Morgan", "--from", "2027-02-01", "--to", "2027-02-05"],
        ["venue", "add", "Riverside Training Room", "--capacity", "24"],
        ["cohort", "create", "WAVE1", "--team", "Riverside CMHT", "--team", "Hillview EIP"],
        ["staff", "move", "z.adams@nhs.example", "--to", "Hillview EIP", "--on", "2027-01-20"],
    ]
    for args in steps:
        done = cli(*args)
        assert done.exit_code == 0, (args, done.stderr)
    assert stat.S_IMODE(env_setup.stat().st_mode) == 0o600
    staff = cli("staff", "list", "--on", "2027-01-20", "--json").json()
    assert [(p["name"], p["team"], p["since"]) for p in staff] == [
        ("Zoë Adams", "Hillview EIP", "2027-01-20"),
        ("Łukasz Nowak", "Hillview EIP", "2027-01-04"),
        ("Siobhán Kelly", "Riverside CMHT", "2026-09-01"),
    ]
    cohort = cli("cohort", "show", "WAVE1", "--json").json()
    assert cohort["staff"] == 3
    backup = tmp_path / "backup.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # What was set up in-process, the installed command finds as it was left.
    done = sh("team", "list", "--json")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert [t["name"] for t in json.loads(done.stdout)] == ["Hillview EIP", "Riverside CMHT"]
    assert sh("db", "check").returncode == 0


def test_bad_input_gets_one_error_line_and_exit_1(sh):
    assert sh("init", "T").returncode == 0
    for args in (
        ["team", "show", "Nowhere"],
        ["staff", "add", "A", "--team", "Nowhere"],
        ["trainer", "add", "B", "--stages", "juggling"],
        ["init", "Again"],
        ["staff", "import", "no-such-file.csv"],
    ):
        done = sh(*args)
        assert done.returncode == 1, (args, done)
        assert done.stderr.startswith("Error: "), (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_usage_errors_exit_2(sh):
    done = sh("team", "frobnicate")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_demo_builds_a_programme_to_explore(cli, sh, tmp_path):
    done = sh("demo", "--out", str(tmp_path / "demo-files"))
    assert done.returncode == 0, done.stderr
    assert "Try next" in done.stderr
    # The installed command built it; what is in it is read in-process.
    teams = cli("team", "list", "--json").json()
    assert len(teams) == 4 and sum(t["status"] == "disbanded" for t in teams) == 1
    trainers = cli("trainer", "list", "--json").json()
    assert any(t["lived_experience"] for t in trainers)
    assert all(t["unavailable"] for t in trainers)
    roster = (tmp_path / "demo-files" / "roster.csv").read_text().splitlines()
    assert roster[0] == "name,team,email,role,manager,clinical,start" and len(roster) > 40
    # The programme is months under way: sessions held, registers recorded, measures.
    progress = cli("progress", "--json").json()
    held = [s["held"] for t in progress["teams"] for s in t["stages"]]
    assert sum(held) > 20 and any(t["flags"] for t in progress["teams"])
    # Months under way, no team has finished the four stages: none is compared yet.
    participation = cli("report", "participation", "--json").json()
    assert participation["split"]["compared"] == 0
    assert all(
        t["implementation"] is None and t["why_not_comparable"] for t in participation["teams"]
    )
    # An interim look compares the scored teams: split at their median, both groups kept.
    participation = cli("report", "participation", "--include-unfinished", "--json").json()
    scored = [t for t in participation["teams"] if t["score"] is not None]
    assert len(scored) >= 2 and participation["median"] is not None
    median = participation["median"]
    for team in scored:  # the median split; teams at the median go where the tie rule puts them
        if not team["at_median"]:
            assert team["implementation"] == ("high" if team["score"] > median else "low")
    assert {t["implementation"] for t in scored} == {"high", "low"}
    # Its outputs: a calendar, a pack with certificates, the report.
    files = tmp_path / "demo-files"
    assert (files / "calendar.ics").read_text().count("BEGIN:VEVENT") > 50
    pack = next(files.glob("pack-session-*.pdf"))
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(str(pack)).pages]
    assert any("Sign-in register" in p for p in pages)
    assert any("Certificate of attendance" in p for p in pages)
    report = (files / "report.html").read_text(encoding="utf-8")
    assert all(t["name"] in report for t in teams if t["status"] == "active")
    for name in ("calendar.ics", "report.html", pack.name):
        assert name in done.stderr
    again = sh("demo")
    assert again.returncode == 1 and "already exists" in again.stderr
    # The installed command ends the process at once (cli.app.main), keeping a report's
    # objects to the end: what it prints is all there, byte for byte as in-process.
    for args in (
        ("report", "outcomes", "--include-unfinished", "--json"),
        ("report", "participation", "--include-unfinished"),
        ("progress",),
    ):
        installed = sh(*args)
        assert installed.returncode == 0 and installed.stderr == "", (args, installed.stderr)
        assert installed.stdout == cli(*args).stdout, args
