"""The fixed vocabulary of a REFOCUS programme: stages, regions, roles."""

from __future__ import annotations

import re

from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.vocabulary import Strategy, TeamStatus

_NOT_IN_EMAIL = r"@\s,;<>\x00-\x1f\x7f"  # separators, spaces and control characters
EMAIL = re.compile(rf"^[^{_NOT_IN_EMAIL}]+@[^{_NOT_IN_EMAIL}]+\.[^{_NOT_IN_EMAIL}.]+$")
LONGEST_EMAIL = 254  # RFC 5321

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
# subdivision code the `holidays` package uses for each.
REGIONS: dict[str, str] = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_REGION = "england"

TEAM_STATUSES: tuple[str, ...] = tuple(TeamStatus)


def region_key(text: str) -> str:
    """A holiday region as stored: england, wales, scotland or northern-ireland."""
    key = text.strip().lower().replace(" ", "-").replace("_", "-")
    if key not in REGIONS:
        raise InvalidInput(f"unknown region {text!r}: use one of {', '.join(REGIONS)}")
    return key


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


def clean_name(text: str, what: str, limit: int = 200) -> str:
    """A display name: trimmed, non-empty, printable and of sane length."""
    name = " ".join(text.split())
    if not name:
        raise InvalidInput(f"{what} name cannot be empty")
    if len(name) > limit:
        raise InvalidInput(f"{what} name is {len(name)} characters long: keep it under {limit}")
    if any(not ch.isprintable() for ch in name):
        raise InvalidInput(f"{what} name {name!r} contains control characters: remove them")
    if name.isdigit():
        raise InvalidInput(
            f"{what} name {name!r} is only digits, which would be read as an id: add a word"
        )
    return name


def clean_text(text: str, what: str, limit: int = 200) -> str:
    """Free text typed with an option (a site, a role, a reason): tidied, printable, bounded."""
    tidy = " ".join(text.split())
    if len(tidy) > limit:
        raise InvalidInput(f"{what} is {len(tidy)} characters long: keep it under {limit}")
    if any(not ch.isprintable() for ch in tidy):
        raise InvalidInput(f"{what} {tidy!r} contains control characters: remove them")
    return tidy


def clean_email(text: str | None) -> str | None:
    """An email address as stored (lower case), or None when none was given."""
    if text is None or not text.strip():
        return None
    email = text.strip().lower()
    if len(email) > LONGEST_EMAIL or not EMAIL.match(email):
        raise InvalidInput(f"{text!r} is not an email address: use name@example.org")
    return email
