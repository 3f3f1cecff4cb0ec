"""`refocus init` and how the database file is chosen."""

from __future__ import annotations

import stat


def test_init_creates_a_private_database(cli, env_setup):
    result = cli(
        "init",
        "Southside Trust REFOCUS 2027",
        "--tz",
        "Europe/London",
        "--region",
        "england",
        "--start",
        "2027-01-11",
        "--json",
    )
    assert result.exit_code == 0, result
    record = result.json()
    assert record["name"] == "Southside Trust REFOCUS 2027"
    assert (record["timezone"], record["region"], record["start_date"]) == (
        "Europe/London",
        "england",
        "2027-01-11",
    )
    assert len(record["uuid"]) == 36
    assert stat.S_IMODE(env_setup.stat().st_mode) == 0o600


def test_init_honours_db_option_over_environment(cli, tmp_path, env_setup):
    other = tmp_path / "elsewhere.db"
    assert cli("init", "Elsewhere", "--db", str(other)).exit_code == 0
    assert other.exists() and not env_setup.exists()
    assert cli("db", "path", "--db", str(other)).stdout.strip() == str(other.resolve())


def test_init_refuses_an_existing_file(cli, env_setup):
    assert cli("init", "First").exit_code == 0
    before = env_setup.read_bytes()
    again = cli("init", "Second")
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: ") and "already exists" in again.stderr
    assert env_setup.read_bytes() == before


def test_init_bad_values_create_nothing(cli, env_setup):
    for args, words in [
        (["--tz", "Mars/Olympus"], "unknown time zone"),
        (["--region", "atlantis"], "unknown region"),
        (["--start", "2027-02-30"], "not a valid date"),
        (["--start", "11/01/2027"], "YYYY-MM-DD"),
    ]:
        result = cli("init", "Trust", *args)
        assert result.exit_code == 1, (args, result)
        assert result.stderr.startswith("Error: ") and words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not env_setup.exists()


def test_region_accepts_the_four_nations(cli, tmp_path):
    for number, region in enumerate(["england", "Wales", "scotland", "Northern Ireland"]):
        result = cli(
            "init", "T", "--region", region, "--db", str(tmp_path / f"{number}.db"), "--json"
        )
        assert result.exit_code == 0, result
        assert result.json()["region"] == region.lower().replace(" ", "-")


def test_commands_without_a_database_say_how_to_make_one(cli):
    result = cli("team", "list")
    assert result.exit_code == 1
    assert "refocus init" in result.stderr


def test_database_path_that_is_a_directory(cli, tmp_path):
    result = cli("team", "list", "--db", str(tmp_path))
    assert result.exit_code == 1
    assert "is a directory" in result.stderr


def test_unwritable_location_for_init(cli, tmp_path):
    result = cli("init", "T", "--db", str(tmp_path / "missing-folder" / "x.db"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot create")
