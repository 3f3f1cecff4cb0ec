"""The fixed vocabulary of a REFOCUS programme: stages, regions, roles."""

from __future__ import annotations

from refocus_cli.core.errors import InvalidInput

# Text checks live in core/text.py; these names stay importable from here.
from refocus_cli.core.text import clean_email as clean_email
from refocus_cli.core.text import clean_name as clean_name
from refocus_cli.core.text import clean_text as clean_text
from refocus_cli.core.vocabulary import Strategy, TeamStatus

# The four stages of the recommended rollout, in the order a team goes through them.
STAGES: tuple[str, ...] = ("workshop", "working-practices", "coaching", "practice-change")

STAGE_TITLES: dict[str, str] = {
    "workshop": "Recovery and REFOCUS Workshop",
    "working-practices": "Working Practices training",
    "coaching": "REFOCUS Coaching for Recovery training",
    "practice-change": "Support for practice change",
}

# The six implementation strategies the trial scored each member of staff on, in
# the order of its participation scale; every module counts toward one of them. The
# trial tested the manual's 1st edition. The 2nd edition added the Recovery and REFOCUS
# Workshop, which refocus counts toward the trial's information session (refocus's
# mapping, not the trial's); it dropped the supervision form, the vehicle of supervision
# reflection, which refocus keeps as an optional strategy (`report participation
# --no-supervision-reflection`, or take the module out of a programme's manual).
STRATEGIES: tuple[str, ...] = tuple(Strategy)

STRATEGY_TITLES: dict[str, str] = {
    "information-session": "Information session (the workshop)",
    "working-practices-training": "Personal recovery (working practices) training",
    "coaching-training": "Coaching training",
    "manager-reflection": "Team-manager reflection sessions",
    "team-reflection": "Team reflection sessions",
    "supervision-reflection": "Supervision reflection (a 1st-edition strategy)",
}

# Holiday regions: the four UK nations, keyed as users type them, with the
# subdivision code the `holidays` package uses for each. Any other country or
# subdivision is stored as its code (core/workdays.py, holiday_region).
REGIONS: dict[str, str] = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_REGION = "england"

TEAM_STATUSES: tuple[str, ...] = tuple(TeamStatus)


def stage_keys(text: str) -> list[str]:
    """A comma-separated list of stage keys, checked and put in rollout order."""
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not wanted:
        raise InvalidInput(f"--stages needs at least one of: {', '.join(STAGES)}")
    unknown = [key for key in wanted if key not in STAGES]
    if unknown:
        raise InvalidInput(
            f"unknown stage {unknown[0]!r}: use a comma-separated list of {', '.join(STAGES)}"
        )
    return [key for key in STAGES if key in wanted]
