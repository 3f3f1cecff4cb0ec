"""`refocus report participation` on a terminal: people, the teams compared and those
not yet comparable, the tie at the median, warnings, engagement by strategy, the method."""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING

from refocus_cli.cli.output import message, print_table
from refocus_cli.core.display import show_day
from refocus_cli.core.measure_facts import by_strategy

if TYPE_CHECKING:
    from refocus_cli.core.measure_participation import ParticipationView, TeamScoreRow

STAFF_TABLE_LIMIT = 500  # more rows than anyone reads in a terminal
SHORT_STRATEGIES = {
    "information-session": "Info",
    "working-practices-training": "WP",
    "coaching-training": "Coach",
    "manager-reflection": "Mgr refl",
    "team-reflection": "Team refl",
    "supervision-reflection": "Sup refl",
}


def wrapped(text: str, indent: str = "") -> str:
    """A paragraph wrapped to the terminal's width (40 to 100 columns), at spaces only:
    a key or an option a person types back (qpr-total, --follow-up) stays whole."""
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    return textwrap.fill(
        text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def say(text: str, indent: str = "") -> None:
    """A paragraph of the report, wrapped to the terminal's width."""
    print(wrapped(text, indent))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _score_pct(value: float | None) -> str:
    """A team score or median: one decimal, so close scores on either side of the median
    do not look equal."""
    return "–" if value is None else f"{value:.1%}"


def _mark(value: int | None) -> str:
    """A strategy in the table: engaged, did not, or does not apply to this person."""
    return "–" if value is None else "✓" if value else "✗"


def _score(share: float | None, engaged: int, applicable: int) -> str:
    return "–" if share is None else f"{share:.0%} {engaged}/{applicable}"


def _strategy_columns(view: ParticipationView) -> list[tuple[str, str]]:
    """The columns of the strategies scored."""
    return [(s, SHORT_STRATEGIES[s]) for s in view.split.strategies]


def _print_people(view: ParticipationView) -> None:
    """Each person's strategies and score, unless too many for a terminal."""
    if len(view.people) > STAFF_TABLE_LIMIT:
        message(
            f"{len(view.people):,} staff: their rows are left out of this table; "
            "use --csv or --json (or `refocus export csv participation`) for them."
        )
        return
    if not view.people:
        return
    anyone_left = any(person.left_on for person in view.staff)
    print_table(
        [
            {
                "id": person.id,
                "name": person.name,
                "team": person.team,
                "left_on": person.left_on.isoformat() if person.left_on else "",
                **{s: _mark(v) for s, v in by_strategy(person.strategies).items()},
                "score": _score(person.score, person.engaged, person.applicable),
            }
            for person in view.staff
        ],
        [
            ("id", "Id"),
            ("name", "Name"),
            ("team", "Team"),
            *([("left_on", "Left")] if anyone_left else []),
            *_strategy_columns(view),
            ("score", "Score"),
        ],
        title=f"Participation as of {show_day(view.as_of)} "
        "(✓ engaged, ✗ did not, – does not apply)",
        optional=("left_on",),
    )


def _level(team: TeamScoreRow) -> str:
    level = team.implementation or "not split"
    return f"{level} (at the median)" if team.at_median else level


def _print_compared(view: ParticipationView) -> None:
    """The teams in the split, the median, and the teams that tie at it."""
    split = view.split
    scope = f"the teams of cohort {split.cohort}" if split.cohort else "all intervention teams"
    interim = ", teams not finished included (an interim look)" if split.include_unfinished else ""
    say(
        f"Teams compared on {split.date} ({split.date_from}), over {scope}{interim}; "
        f"ties at the median: {split.ties}. {split.compared} compared."
    )
    if view.compared:
        print_table(
            [
                {
                    "name": team.name,
                    "stayers": team.stayers,
                    "score": _score_pct(team.score),
                    "level": _level(team),
                }
                for team in view.compared
            ],
            [
                ("name", "Team"),
                ("stayers", "Stayers"),
                ("score", "Team score"),
                ("level", "Implementation"),
            ],
        )
        median = _score_pct(view.median)
        say(f"Median team score: {median}; {split.high} high, {split.low} low.")
    if split.at_median:
        say(f"At the median ({_score_pct(view.median)}): {', '.join(split.at_median)}.")


def _print_not_compared(view: ParticipationView) -> None:
    """The teams left out of the split, with why."""
    left_out = view.not_compared
    if not left_out:
        return
    print_table(
        [
            {
                "name": team.name,
                "stayers": team.stayers,
                "score": _score_pct(team.score),
                "why": team.why_not_comparable or team.why_unscored,
            }
            for team in left_out
        ],
        [("name", "Team"), ("stayers", "Stayers"), ("score", "Score so far"), ("why", "Why")],
        title=f"Not yet comparable ({len(left_out)})",
    )


def _print_engagement(view: ParticipationView) -> None:
    """Each scored team's engagement, strategy by strategy."""
    scored = [team for team in view.teams if team.score is not None]
    if not scored:
        return
    print_table(
        [
            {
                "name": team.name,
                **{
                    s: f"{row.engaged}/{row.applicable}" if row.applicable else "–"
                    for s, row in team.strategies.items()
                },
            }
            for team in scored
        ],
        [("name", "Team"), *_strategy_columns(view)],
        title="Stayers engaged / stayers it applies to, by strategy",
    )


def _print_method(view: ParticipationView) -> None:
    """The method in paragraphs, then where each figure comes from, grouped by source."""
    from refocus_cli.core.measure_method import PROVENANCE, SOURCES, Source

    heading = {
        Source.TRIAL: "From the trial",
        Source.MANUAL: "From the REFOCUS manual",
        Source.REFOCUS: "refocus defaults",
    }

    method = view.method
    print(method.title)
    for paragraph in method.paragraphs:
        say(paragraph, indent="  ")
        print()
    print("Where each figure comes from")
    for source, about in SOURCES.items():
        figures = "; ".join(row.figure for row in PROVENANCE if row.source == source)
        say(f"{heading[source]}: {figures}. ({about[0].upper()}{about[1:]}.)", indent="  ")
    say(
        "How to change each one: `--json` (method.provenance) or the HTML report "
        "(`refocus report html`).",
        indent="  ",
    )


def print_participation(view: ParticipationView) -> None:
    """The whole report, as a terminal shows it."""
    _print_people(view)
    print()
    _print_compared(view)
    print()
    _print_not_compared(view)
    for warning in view.split.warnings:
        say(f"Warning: {warning}")
    print()
    _print_engagement(view)
    print()
    _print_method(view)
