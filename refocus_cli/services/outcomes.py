"""`refocus report outcomes`: did it work? Baseline and follow-up scores by team, and
the high- and low-implementation teams compared."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from refocus_cli.core.measure_defs import Measures
from refocus_cli.core.measure_participation import ParticipationView
from refocus_cli.core.measure_split import TieRule
from refocus_cli.core.outcomes import OutcomesView, outcomes_view
from refocus_cli.services import measures as measures_service
from refocus_cli.services import reports
from refocus_cli.store import outcomes
from refocus_cli.store.database import Store

# The participation report's defaults: split-by-rank ties, finished teams, six strategies.
COMPARING = reports.Comparing()


def outcomes_report(
    store: Store,
    *,
    on: str | None = None,
    cohort: str | None = None,
    manual: Path | None = None,
    comparing: reports.Comparing = COMPARING,
) -> OutcomesView:
    """Each team's baseline, follow-up and change on every measure, and the difference
    in mean change between the high and low implementation groups of the participation
    report (as of the day teams are compared on: --on, else the follow-up date)."""
    defined = measures_service.measures(manual)
    with store.reading():  # the scores and the registers they are split by, as of one moment
        view = reports.participation(
            store, on=on, cohort=cohort, manual=manual, comparing=comparing
        )
        return outcomes_of(store, view, comparing.ties, defined)


def outcomes_of(
    store: Store, view: ParticipationView, ties: TieRule, defined: Measures
) -> OutcomesView:
    """The outcomes over a participation report already made (the steering-group page
    has one)."""
    return outcomes_view(
        defined, view, outcomes.all_staff_scores(store), outcomes.all_team_scores(store), ties
    )


def fill_demo(store: Store, seed: int, today: date) -> None:
    """The demo's simulated outcomes, inside its write transaction: each cohort's default
    windows, a baseline and a follow-up for every team (QPR) and every stayer (staff
    recovery-promotion behaviour), and returned forms for held training sessions."""
    from refocus_cli.core import demo_outcomes
    from refocus_cli.store import evaluations

    windows = demo_outcomes.windows(outcomes.demo_spans(store))
    scores = demo_outcomes.scores(outcomes.demo_teams(store, today), seed)
    outcomes.write_demo(store, windows, scores)
    forms = demo_outcomes.forms(evaluations.attended_at_training(store), seed)
    evaluations.write_demo_forms(store, forms)
