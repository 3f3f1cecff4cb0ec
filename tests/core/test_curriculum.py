"""The curriculum in `manual/`: the shipped one is right, and every broken copy is named."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest

from refocus_cli.core.curriculum import CHIME_PROCESSES
from refocus_cli.core.errors import InvalidInput, ManualProblem, NotFound
from refocus_cli.core.programme import STAGE_TITLES, STAGES, STRATEGIES
from refocus_cli.readers.manual import load_curriculum
from refocus_cli.resources import manual_dir

WORKING_PRACTICES = ("values-and-preferences", "strengths", "goal-striving")


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


# The shipped manual ------------------------------------------------------------------


def test_the_four_stages_in_rollout_order(curriculum):
    assert tuple(stage.key for stage in curriculum.stages) == STAGES
    assert {stage.key: stage.title for stage in curriculum.stages} == STAGE_TITLES
    gaps = [stage.gap_after_days for stage in curriculum.stages]
    assert gaps[:3] == [7, 14, 7] and gaps[3] == 0
    assert curriculum.stage("working-practices").gap_after == timedelta(days=14)


def test_the_workshop_is_one_co_delivered_whole_team_day(curriculum):
    (workshop,) = curriculum.modules_of("workshop")
    assert workshop.sessions == 1 and workshop.audience == "whole-team"
    assert workshop.co_delivered and workshop.facilitator == "trainer"
    assert workshop.duration >= timedelta(hours=6)
    assert workshop.strategy == "information-session"


def test_three_separate_working_practices_modules_about_weekly_in_order(curriculum):
    modules = curriculum.modules_of("working-practices")
    assert tuple(module.key for module in modules) == WORKING_PRACTICES
    assert [module.order for module in modules] == [1, 2, 3]
    for module in modules:
        assert module.sessions == 1 and module.spacing_days == 7
        assert module.duration <= timedelta(hours=4)  # a half-day
        assert module.strategy == "working-practices-training"
    assert curriculum.stage("working-practices").modules_in_order
    assert curriculum.prerequisites("values-and-preferences") == ()
    assert curriculum.prerequisites("goal-striving") == ("values-and-preferences", "strengths")


def test_coaching_follows_in_mixed_team_groups(curriculum):
    (coaching,) = curriculum.modules_of("coaching")
    assert STAGES.index("coaching") == STAGES.index("working-practices") + 1
    assert coaching.audience == "mixed-teams" and coaching.max_group == 16
    assert coaching.sessions > 1 and coaching.strategy == "coaching-training"


def test_practice_change_has_the_three_kinds_of_reflection_side_by_side(curriculum):
    modules = curriculum.modules_of("practice-change")
    assert {module.strategy for module in modules} == {
        "team-reflection",
        "manager-reflection",
        "supervision-reflection",
    }
    assert not curriculum.stage("practice-change").modules_in_order
    assert all(curriculum.prerequisites(module.key) == () for module in modules)
    assert curriculum.module("manager-reflection").audience == "managers"
    # Over the following months: each recurs, spread across most of a year.
    for module in modules:
        assert module.sessions > 1
        assert 180 <= (module.sessions - 1) * module.spacing_days <= 365


def test_every_strategy_is_served_and_every_chime_process_is_named(curriculum):
    assert {module.strategy for module in curriculum.modules} == set(STRATEGIES)
    for strategy in STRATEGIES:
        assert curriculum.strategy_modules(strategy)
    named = {process for module in curriculum.modules for process in module.content.chime}
    assert named == set(CHIME_PROCESSES)


def test_every_module_has_content_that_fits_its_time(curriculum):
    hours = curriculum.working_hours
    assert (hours.day_start, hours.day_end) == (time(9), time(17))
    assert len(curriculum.modules) == 8
    for module in curriculum.modules:
        content = module.content
        assert content.aims and content.key_messages and content.reflection_prompts
        assert content.facilitator_notes and content.activities
        assert 0 < content.activity_minutes <= module.duration_minutes, module.key
        assert hours.day_start <= module.start_time and module.end_time <= hours.day_end
        assert curriculum.content_path(module.key).is_file()


def test_lookups_and_records(curriculum):
    strengths = curriculum.module("strengths")
    assert strengths.stage == "working-practices"
    assert strengths.duration == timedelta(minutes=210) and strengths.spacing == timedelta(7)
    assert strengths.end_time == time(13, 0)
    record = strengths.as_record()
    assert record["module"] == "strengths" and record["start_time"] == "09:30"
    assert strengths.content.as_record()["activities"][0].keys() == {
        "title",
        "minutes",
        "description",
    }
    with pytest.raises(NotFound, match="no module 'nope': the modules are recovery-workshop, "):
        curriculum.module("nope")
    with pytest.raises(NotFound, match="no stage 'nope'"):
        curriculum.modules_of("nope")
    with pytest.raises(dataclasses.FrozenInstanceError):
        strengths.sessions = 2


def test_refocus_manual_points_at_an_edited_copy(tmp_path, monkeypatch):
    copy = _copy(tmp_path)
    _set(copy, "strengths", "max_group", "12")
    monkeypatch.setenv("REFOCUS_MANUAL", str(copy))
    assert load_curriculum().module("strengths").max_group == 12
    assert load_curriculum(manual_dir()).module("strengths").max_group == 20


def test_the_curriculum_module_stays_pure():
    code = (
        "import sys, refocus_cli.readers.manual as c; c.load_curriculum(); "
        "print(sorted({'typer', 'rich', 'sqlite_utils', 'jinja2', 'sqlite3'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


# Broken copies -----------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(manual_dir(), tmp_path / "manual"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def _set(manual: Path, key: str, field: str, value: str | None) -> None:
    """Change (or with None remove, or add) one field of one [[module]] in curriculum.toml."""
    path = manual / "curriculum.toml"
    head, *blocks = path.read_text().split("[[module]]")
    (index,) = [i for i, block in enumerate(blocks) if f'\nkey = "{key}"\n' in block]
    line = f"{field} = {value}\n" if value is not None else ""
    block, found = re.subn(rf"(?m)^{field} = .*\n", line, blocks[index])
    blocks[index] = block if found else block.replace(f'key = "{key}"\n', f'key = "{key}"\n{line}')
    path.write_text("[[module]]".join([head, *blocks]))


def _fails(manual: Path, *expected: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        load_curriculum(manual)
    assert isinstance(caught.value, ManualProblem)
    text = str(caught.value)
    assert "\n" not in text
    for fragment in expected:
        assert fragment in text, text
    return text


CURRICULUM = "manual/curriculum.toml: "


@pytest.mark.parametrize(
    ("key", "field", "value", "expected"),
    [
        ("strengths", "colour", '"blue"', "module[strengths].colour is not a known field"),
        (
            "coaching-for-recovery",
            "max_group",
            None,
            "module[coaching-for-recovery].max_group is missing",
        ),
        (
            "coaching-for-recovery",
            "sessions",
            '"three"',
            "sessions must be a positive whole number",
        ),
        ("coaching-for-recovery", "sessions", "true", "sessions must be a positive whole number"),
        ("coaching-for-recovery", "sessions", "2.5", "sessions must be a positive whole number"),
        ("strengths", "duration_minutes", "0", "strengths].duration_minutes must be a positive"),
        ("strengths", "max_group", "-3", "max_group must be a positive whole number"),
        ("strengths", "order", "0", "order must be a positive whole number"),
        ("strengths", "spacing_days", "-1", "spacing_days must be a whole number, 0 or more"),
        ("strengths", "stage", '"coachin"', "stage is 'coachin': use one of workshop,"),
        ("strengths", "audience", '"everyone"', "audience is 'everyone': use one of whole-team,"),
        ("strengths", "strategy", '"training"', "strategy is 'training': use one of information-"),
        ("strengths", "facilitator", '"nobody"', "facilitator is 'nobody'"),
        ("strengths", "venue", '"outdoors"', "venue is 'outdoors'"),
        ("strengths", "co_delivered", '"yes"', "co_delivered must be true or false"),
        ("strengths", "title", '"  "', "title must be non-empty text"),
        (
            "strengths",
            "start_time",
            '"9.30"',
            'start_time must be a time of day in quotes, as "HH:MM"',
        ),
        ("strengths", "start_time", '"25:00"', "strengths].start_time must be a time of day"),
        ("strengths", "start_time", "930", "strengths].start_time must be a time of day"),
        (
            "strengths",
            "start_time",
            '"08:30"',
            "start_time 08:30 is before working_hours.day_start",
        ),
        (
            "recovery-workshop",
            "start_time",
            '"15:00"',
            "duration_minutes 420 from start_time 15:00 runs past working_hours.day_end (17:00)",
        ),
        ("strengths", "order", "1", "order 1 is also module 'values-and-preferences'"),
        ("strengths", "key", '"goal-striving"', "'goal-striving' is used by two modules"),
        ("strengths", "key", '"Strengths Module"', "must be lower-case letters and digits"),
        ("supervision-reflection", "co_delivered", "true", 'needs facilitator = "trainer"'),
    ],
)
def test_a_bad_module_field_names_the_file_and_field(tmp_path, key, field, value, expected):
    manual = _copy(tmp_path)
    _set(manual, key, field, value)
    text = _fails(manual, expected)
    assert text.startswith(CURRICULUM)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('day_end = "17:00"', 'day_end = "08:00"', "working_hours.day_end must be later"),
        ('day_start = "09:00"', 'day_start = "9am"', "working_hours.day_start must be a time"),
        ('day_start = "09:00"\n', "", "working_hours.day_start is missing"),
        ("[working_hours]", "[hours]", "hours is not a known field"),
        ("gap_after_days = 14", "gap_after_days = -7", "stage[2].gap_after_days must be a whole"),
        (
            'key = "coaching"\n',
            'key = "working-practices"\n',
            "stage[3].key 'working-practices' appears twice",
        ),
        ('key = "coaching"\n', 'key = "mentoring"\n', "stage[3].key is 'mentoring': use one of"),
        (
            "modules_in_order = false",
            'modules_in_order = "no"',
            "stage[4].modules_in_order must be true or false",
        ),
        (
            'key = "workshop"\ntitle',
            'key = "workshop"\nlength = 1\ntitle',
            "stage[1].length is not a known field",
        ),
        ("[working_hours]", "[[working_hours]", "is not valid TOML"),
        (
            'title = "Supervision reflection"',
            'title = "Supervision reflection',
            "is not valid TOML",
        ),
    ],
)
def test_a_bad_curriculum_file_names_the_field(tmp_path, old, new, expected):
    manual = _copy(tmp_path)
    _replace(manual / "curriculum.toml", old, new)
    assert _fails(manual, expected).startswith(CURRICULUM)


def test_toml_syntax_errors_give_the_line(tmp_path):
    manual = _copy(tmp_path)
    _replace(manual / "curriculum.toml", "[working_hours]", "[working_hours")
    assert re.search(r"line \d+", _fails(manual, CURRICULUM, "is not valid TOML"))


def test_stages_must_all_be_there_in_rollout_order(tmp_path):
    manual = _copy(tmp_path)
    path = manual / "curriculum.toml"
    text = path.read_text()
    first = text.index('[[stage]]\nkey = "workshop"')
    second = text.index('[[stage]]\nkey = "working-practices"')
    third = text.index('[[stage]]\nkey = "coaching"')
    path.write_text(text[:first] + text[second:third] + text[first:second] + text[third:])
    _fails(manual, CURRICULUM, "stage entries must come in rollout order: workshop, working-")
    path.write_text(text[:third] + text[text.index('[[stage]]\nkey = "practice-change"') :])
    _fails(manual, CURRICULUM, "stage 'coaching' is missing")


def test_a_stage_without_modules(tmp_path):
    manual = _copy(tmp_path)
    _set(manual, "coaching-for-recovery", "stage", '"working-practices"')
    _set(manual, "coaching-for-recovery", "order", "4")
    _fails(manual, CURRICULUM, "none for stage 'coaching'")


def test_a_missing_manual_folder(tmp_path):
    _fails(tmp_path / "nowhere", "nowhere: is not a folder")


STRENGTHS = "manual/modules/strengths.toml: "


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "minutes = 20\n",
            "minutes = 0\n",
            "activities[1].minutes must be a positive whole number",
        ),
        (
            "minutes = 25\n",
            "minutes = 0\n",
            "activities[3].minutes must be a positive whole number",
        ),
        (
            "minutes = 45\n",
            "minutes = 100\n",
            "activities add up to 230 minutes, more than the module's 210",
        ),
        (
            "minutes = 45\n",
            'minutes = "45"\n',
            "activities[4].minutes must be a positive whole number",
        ),
        ('title = "Spotting strengths"\n', "", "activities[3].title is missing"),
        (
            'title = "Spotting strengths"\n',
            'title = "Spotting strengths"\nnotes = ""\n',
            "activities[3].notes is not a known field",
        ),
        (
            'chime = ["hope", "identity", "empowerment"]',
            'chime = ["hope", "hopefulness"]',
            "chime[2] is 'hopefulness': use one of connectedness,",
        ),
        (
            'chime = ["hope", "identity", "empowerment"]',
            'chime = ["hope", "hope"]',
            "chime names a process twice",
        ),
        (
            'chime = ["hope", "identity", "empowerment"]',
            'chime = "hope"',
            "chime must be a list of text",
        ),
        (
            'chime = ["hope", "identity", "empowerment"]',
            "chime = []\nhandouts = []",
            "handouts is not a known field",
        ),
        ("aims = [", "goals = [", "goals is not a known field"),
        ("what_to_bring = [", "bring = [", "bring is not a known field"),
        ('chime = ["hope", "identity", "empowerment"]\n', "", "chime is missing"),
        (
            "reflection_prompts = [\n",
            "reflection_prompts = [\n    3,\n",
            "reflection_prompts[1] must be non-empty text",
        ),
        ("[[activities]]", "[[activity]]", "activity is not a known field"),
        ("aims = [", "aims = [[", "is not valid TOML"),
    ],
)
def test_a_bad_content_file_names_the_file_and_field(tmp_path, old, new, expected):
    manual = _copy(tmp_path)
    path = manual / "modules" / "strengths.toml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    assert _fails(manual, expected).startswith(STRENGTHS)


def test_the_whole_message_for_a_bad_activity(tmp_path):
    manual = _copy(tmp_path)
    path = manual / "modules" / "strengths.toml"
    head, *activities = path.read_text().split("[[activities]]")
    activities[1] = re.sub(r"minutes = \d+", "minutes = -5", activities[1])
    path.write_text("[[activities]]".join([head, *activities]))
    text = _fails(manual)
    assert text == f"{STRENGTHS}activities[2].minutes must be a positive whole number"


WITHOUT_CASELOAD = re.compile(r"(?s)reflection_prompts_without_caseload = \[.*?\n\]\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[3]", "reflection_prompts_without_caseload[1] must be non-empty text"),
        ('["Think of a service user", "  "]', "reflection_prompts_without_caseload[2] must be"),
        ('"Think of a service user"', "reflection_prompts_without_caseload must be a list of text"),
    ],
)
def test_a_bad_prompt_without_a_caseload_names_the_file_and_field(tmp_path, value, expected):
    manual = _copy(tmp_path)
    path = manual / "modules" / "strengths.toml"
    text, found = WITHOUT_CASELOAD.subn(
        f"reflection_prompts_without_caseload = {value}\n", path.read_text()
    )
    assert found == 1
    path.write_text(text)
    assert _fails(manual, expected).startswith(STRENGTHS + expected)


def test_prompts_without_a_caseload_are_optional_and_reach_the_record(tmp_path, curriculum):
    shipped = curriculum.module("strengths").content
    assert "caseload" in " ".join(shipped.reflection_prompts)
    without = shipped.as_record()["reflection_prompts_without_caseload"]
    assert without and "caseload" not in " ".join(without)
    assert curriculum.module("team-reflection").content.reflection_prompts_without_caseload == ()
    manual = _copy(tmp_path)
    path = manual / "modules" / "strengths.toml"
    path.write_text(WITHOUT_CASELOAD.sub("", path.read_text()))
    content = load_curriculum(manual).module("strengths").content
    assert content.reflection_prompts_without_caseload == ()
    assert content.as_record()["reflection_prompts_without_caseload"] == []


def test_empty_activities_and_aims_are_refused(tmp_path):
    manual = _copy(tmp_path)
    path = manual / "modules" / "team-reflection.toml"
    text = path.read_text()
    path.write_text(text[: text.index("[[activities]]")] + "activities = []\n")
    _fails(manual, "manual/modules/team-reflection.toml: activities needs at least one")
    path.write_text(re.sub(r"(?s)aims = \[.*?\n\]", "aims = []", text))
    _fails(manual, "manual/modules/team-reflection.toml: aims must list at least one entry")


def test_a_missing_or_stray_content_file(tmp_path):
    manual = _copy(tmp_path)
    content = manual / "modules" / "goal-striving.toml"
    content.rename(manual / "modules" / "goal-setting.toml")
    _fails(manual, "manual/modules/goal-striving.toml: is missing: module 'goal-striving'")
    _set(manual, "goal-striving", "key", '"goal-setting"')
    assert load_curriculum(manual).module("goal-setting").order == 3
    (manual / "modules" / "old-notes.toml").write_text("aims = []\n")
    _fails(manual, "manual/modules/old-notes.toml: belongs to no module")


def test_unreadable_text_is_refused(tmp_path):
    manual = _copy(tmp_path)
    (manual / "modules" / "strengths.toml").write_bytes("aims = ['caf\xe9']".encode("latin-1"))
    _fails(manual, STRENGTHS, "UTF-8")
