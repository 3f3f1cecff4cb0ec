"""A handout's reflection prompts follow who is recorded as clinical: people without a
caseload (an administrator, a receptionist) are not asked about one."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import succeeding
from pypdf import PdfReader

from refocus_cli.core.documents import Person, document_view
from refocus_cli.readers.manual import load_curriculum

TEAM = "Riverside CMHT"
CLINICAL = "Nia Clinician"
NOT_CLINICAL = "Rob Reception"


def _handouts(path: Path) -> dict[str, str]:
    """Each person's handout text (it may run over two pages) by the name it is prepared
    for, with line breaks folded to single spaces."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    handouts = {}
    for part in text.split("Prepared for ")[1:]:
        name = next(n for n in (CLINICAL, NOT_CLINICAL) if part.startswith(n))
        assert name not in handouts, f"two handouts for {name}"
        handouts[name] = part
    return handouts


@pytest.fixture
def strengths_session(cli):
    """A team with one clinical and one non-clinical person, scheduled."""

    ok = succeeding(cli)

    ok("init", "Wording Trust", "--start", "2027-01-11")
    ok("team", "add", TEAM)
    ok("staff", "add", CLINICAL, "--team", TEAM, "--role", "Nurse", "--clinical",
       "--start", "2026-01-01")  # fmt: skip
    ok("staff", "add", NOT_CLINICAL, "--team", TEAM, "--role", "Receptionist",
       "--no-clinical", "--start", "2026-01-01")  # fmt: skip
    ok("trainer", "add", "Ruth Evans")
    ok("trainer", "add", "Dai Morgan", "--lived-experience", "--stages", "workshop,coaching")
    ok("cohort", "create", "WAVE1", "--team", TEAM)
    ok("schedule", "WAVE1")
    sessions = json.loads(ok("sessions", "--json").stdout)
    return next(s for s in sessions if s["module"] == "strengths")


def test_each_persons_handout_is_worded_for_whether_they_hold_a_caseload(
    strengths_session, cli, tmp_path
):
    target = tmp_path / "handouts.pdf"
    done = cli("pack", str(strengths_session["id"]), "--only", "handouts", "-o", str(target))
    assert done.exit_code == 0, done.stderr
    handouts = _handouts(target)
    clinical, other = handouts[CLINICAL], handouts[NOT_CLINICAL]
    assert "Pick someone on my caseload" in clinical
    assert "Think of a service user you spoke with this month" not in clinical
    assert "Think of a service user you spoke with this month" in other
    assert "caseload" not in other.lower()
    # The prompts both share are on both handouts.
    for handout in (clinical, other):
        assert "Which of my own strengths do I rely on at work" in handout


@pytest.mark.parametrize("module", [m.key for m in load_curriculum().modules])
def test_no_shipped_module_asks_someone_without_a_caseload_to_reflect_on_one(module):
    curriculum = load_curriculum()
    view = document_view("Trust", curriculum.module(module), "Stage")
    person = Person(1, "Rob Reception", "Receptionist", TEAM, clinical=False)
    prompts = view.reflection_for(person)
    assert not [line for line in prompts if re.search("caseload|care plan", line, re.I)]
    assert view.reflection_for(Person(2, "Nia", "Nurse", TEAM)) == list(
        view.module["reflection_prompts"]
    )


def test_a_catch_up_pack_words_handouts_by_the_same_flag(strengths_session, cli, tmp_path):
    after = {"REFOCUS_NOW": "2027-06-01T09:00:00+00:00"}
    done = cli(
        "attend",
        str(strengths_session["id"]),
        "--absent",
        CLINICAL,
        "--absent",
        NOT_CLINICAL,
        env=after,
    )
    assert done.exit_code == 0, done.stderr
    done = cli("catchup", "--schedule", "--json", env=after)
    assert done.exit_code == 0, done.stderr
    catch_up = next(s for s in done.json()["scheduled"] if s["module"] == "strengths")
    target = tmp_path / "catch-up.pdf"
    done = cli("pack", str(catch_up["id"]), "--only", "handouts", "-o", str(target), env=after)
    assert done.exit_code == 0, done.stderr
    handouts = _handouts(target)
    assert "caseload" not in handouts[NOT_CLINICAL].lower()
    assert "Pick someone on my caseload" in handouts[CLINICAL]
