"""How the implementation measures are computed, in words, and where each figure comes
from: the REFOCUS trial (as its lead author described the participation scale), the
REFOCUS manual, or refocus's own default. Every report prints this under its figures
(terminal, `--json` `method`, the HTML report's method section)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from refocus_cli.core.measure_split import TIE_RULES, TieRule
from refocus_cli.core.measure_values import Record


class Source(StrEnum):
    """Where a figure or rule comes from."""

    TRIAL = "the trial"
    MANUAL = "the REFOCUS manual"
    REFOCUS = "refocus default"


SOURCES: dict[Source, str] = {
    Source.TRIAL: (
        "the REFOCUS trial (1st edition of the manual), as its lead author described its "
        "participation scale: six strategies, pooled per team over staff who did not move "
        "team and had baseline and follow-up data, split at the median"
    ),
    Source.MANUAL: (
        "the REFOCUS manual, 2nd edition, and the programme's account of it: the "
        "four-stage implementation it recommends and the changes from the 1st edition"
    ),
    Source.REFOCUS: (
        "a choice made by refocus where the trial and the manual are silent: a default "
        "that says how a programme can change it, or that it is fixed in this version"
    ),
}

FIXED = "fixed in this version"


@dataclass(frozen=True)
class Provenance:
    """One figure or rule: what it is, where it comes from, how to change it."""

    figure: str
    rule: str
    source: Source
    change: str

    def as_record(self) -> Record:
        """The row as JSON shows it."""
        return {
            "figure": self.figure,
            "rule": self.rule,
            "source": str(self.source),
            "change": self.change,
        }


PROVENANCE: tuple[Provenance, ...] = (
    Provenance(
        "Six implementation strategies",
        "information session, personal recovery (working-practices) training, coaching "
        "training, team-manager reflection, team reflection, supervision reflection",
        Source.TRIAL,
        FIXED,
    ),
    Provenance(
        "Workshop as the information session",
        "the Recovery and REFOCUS Workshop, added in the 2nd edition, counts toward the "
        "trial's information session",
        Source.REFOCUS,
        "the workshop module's strategy in manual/curriculum.toml",
    ),
    Provenance(
        "Supervision reflection",
        "a 1st-edition strategy the trial scored; its vehicle, the supervision form, was "
        "dropped in the 2nd edition. Scheduled and scored by default",
        Source.TRIAL,
        "--no-supervision-reflection, or take the module out of your copy of the manual",
    ),
    Provenance(
        "The 50 % rule",
        "a person engaged with a strategy if they attended at least one of its sessions "
        "and at least half of those they were expected at",
        Source.REFOCUS,
        FIXED,
    ),
    Provenance(
        "Person score",
        "the share of the strategies that apply to them in which they engaged, with the "
        "count; each strategy weighs the same, as the trial found no defensible weighting "
        "between them, and each team's engagement is shown strategy by strategy",
        Source.REFOCUS,
        FIXED,
    ),
    Provenance(
        "Stayers",
        "on the team without a break from its first session to the date teams are "
        "compared on (the trial: staff who did not move team and had baseline and "
        "follow-up data)",
        Source.TRIAL,
        FIXED,
    ),
    Provenance(
        "Team score",
        "the stayers' scores pooled into one team-level score (refocus pools by the mean)",
        Source.TRIAL,
        FIXED,
    ),
    Provenance(
        "Median split",
        "the compared teams dichotomised at the median of their scores into high and low "
        "implementation",
        Source.TRIAL,
        FIXED,
    ),
    Provenance(
        "Ties at the median",
        "where teams scoring exactly the median go (not published by the trial); "
        "split-by-rank unless another rule is asked for",
        Source.REFOCUS,
        "--ties low|high|split-by-rank",
    ),
    Provenance(
        "When teams are compared",
        "on the follow-up date, over the teams that have finished the four stages (the "
        "trial measured about a month before the intervention and again afterwards)",
        Source.REFOCUS,
        "refocus programme set --follow-up DATE, or --on; --include-unfinished",
    ),
    Provenance(
        "Four stages",
        "workshop, working-practices training, coaching training, support for practice "
        "change, in that order",
        Source.MANUAL,
        FIXED,
    ),
    Provenance(
        "Sessions, durations, spacing, gaps, group sizes",
        "the numbers in manual/curriculum.toml, twelve months of practice-change support "
        "among them",
        Source.REFOCUS,
        "manual/curriculum.toml, or refocus manual set",
    ),
    Provenance(
        "Co-delivery by a lived-experience trainer",
        "the workshop is delivered by a trainer and a lived-experience trainer",
        Source.REFOCUS,
        "co_delivered in manual/curriculum.toml",
    ),
    Provenance(
        "Audiences",
        "managers-only modules expect managers; clinical-only modules expect the staff "
        "recorded as clinical",
        Source.REFOCUS,
        "audience in manual/curriculum.toml; refocus staff edit --clinical/--no-clinical",
    ),
    Provenance(
        "Reach",
        "the share of a team's staff keeping up with a stage (in the manner of RE-AIM)",
        Source.REFOCUS,
        FIXED,
    ),
    Provenance(
        "Milestones",
        "when each stage began and was complete, and the share delivered (in the manner "
        "of the Stages of Implementation Completion)",
        Source.REFOCUS,
        FIXED,
    ),
    Provenance(
        "Risk flags",
        "a manager at under half of the reflection sessions, staff turnover of 30 % or "
        "more, attendance falling 20 points over three sessions, a cancelled session",
        Source.REFOCUS,
        FIXED,
    ),
)

STAYERS_RULE = (
    "Stayers are the staff on a team without a break from its first session to the date "
    "teams are compared on: those who did not move team, as in the trial. The trial also "
    "required baseline and follow-up data: this report does not apply that half of the "
    "rule; `refocus report outcomes` does, once staff-level scores are recorded, and says so."
)


def _sections(ties: TieRule, supervision_reflection: bool) -> tuple[tuple[str, str], ...]:
    scale = (
        "all six"
        if supervision_reflection
        else "five: supervision reflection is left out (--no-supervision-reflection)"
    )
    return (
        (
            "Who is expected",
            "Only sessions recorded as held on or before the report date count (for "
            "participation, the date teams are compared on). A person is "
            "expected at a team session if they were on one of its teams that day and are in "
            "its audience (managers-only modules: managers; clinical-only modules: the staff "
            "recorded as clinical); at a catch-up session if they were invited. The groups of "
            "a big team's session count as one session. Someone who came without being "
            "expected counts as expected too. Attended means present, late or left-early.",
        ),
        (
            "Participation",
            "A strategy applies to a person if they were expected at one or "
            "more of its held sessions; they engaged with it if they attended at least one and "
            "at least half of those they were expected at. A person's score is the share of "
            "the strategies that apply to them in which they engaged (0–100 %), with the "
            "count, so a manager, a clinician and an administrator who each come to "
            "everything they are expected at all score 100 %. A strategy that does not apply "
            f"is shown as –. Strategies scored: {scale}.",
        ),
        (
            "Team score",
            f"The mean score of the team's stayers. {STAYERS_RULE} Each team's "
            "engagement is also shown strategy by strategy: of the stayers a strategy applies "
            "to, how many engaged with it, since no weighting between strategies is defensible.",
        ),
        (
            "Comparison",
            "Teams are compared on the programme's follow-up date (refocus "
            "programme set --follow-up DATE) or the date given with --on, today when neither "
            "is there, over every intervention team of the programme, or a cohort's teams "
            "when one is asked for. Only teams that have finished the four stages by then, "
            "with a register for every session, are compared; the others are listed apart as "
            "not yet comparable, with why. --include-unfinished compares them too, as an "
            "interim look, and warns when the teams compared are at different stages. Teams "
            "that merged or disbanded are measured up to the day before they ended and are "
            "not compared.",
        ),
        (
            "Median split",
            "The compared teams are dichotomised at the median of their scores "
            "into high and low implementation, and the teams scoring exactly the median are "
            f"named. Ties at the median ({ties}): {TIE_RULES[ties]}. A group left empty is "
            "warned about.",
        ),
        (
            "Reach, milestones and risks",
            "Reach is the share of a team's staff on the report date keeping up with a stage: for "
            "every module of it the team has had so far and that is meant for them, at least "
            "half (and at least one) of the sessions held, or a catch-up session. Milestones: "
            "a stage begins on its first held session and is complete when the last of its "
            "planned sessions is held; delivered is the share of planned sessions held. Risk "
            "flags: a manager at under half of the reflection sessions they were expected at, "
            "staff turnover of 30 % or more since the team's first session, attendance at the "
            "last three sessions 20 points or more below the three before, a cancelled session.",
        ),
    )


@dataclass(frozen=True)
class Method:
    """The method as a report prints it: paragraphs, the stayers rule and the provenance
    of every figure."""

    ties: TieRule
    supervision_reflection: bool

    title = "How these figures are computed"

    @property
    def sections(self) -> tuple[tuple[str, str], ...]:
        """The method in words: (heading, paragraph) for each part, no hard line breaks."""
        return _sections(self.ties, self.supervision_reflection)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Each part as one paragraph that starts with its heading."""
        return tuple(f"{heading}. {text}" for heading, text in self.sections)

    def as_record(self) -> Record:
        """The method as `--json` prints it."""
        return {
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "stayers_rule": STAYERS_RULE,
            "ties": TIE_RULES[self.ties],
            "sources": {str(source): text for source, text in SOURCES.items()},
            "provenance": [row.as_record() for row in PROVENANCE],
        }
