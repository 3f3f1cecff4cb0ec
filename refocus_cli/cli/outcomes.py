"""`refocus report outcomes`: baseline and follow-up by team, high against low."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from refocus_cli.cli.options import DEFAULT_DB, CohortOpt, CsvOpt, DbOpt, JsonOpt, ManualOpt
from refocus_cli.cli.output import message, print_csv, print_json, print_table
from refocus_cli.cli.participation_table import say, wrapped
from refocus_cli.cli.reports import SplitOnOpt, SupervisionOpt, TiesOpt, UnfinishedOpt
from refocus_cli.core.bulk import without_gc
from refocus_cli.core.measure_split import DEFAULT_TIE_RULE
from refocus_cli.services.context import opened

if TYPE_CHECKING:
    from refocus_cli.core.outcomes import MeasureOutcome, OutcomesView

TEAM_COLUMNS = [
    ("team", "Team"),
    ("implementation", "Impl."),
    ("baseline", "Baseline"),
    ("follow_up", "Follow-up"),
    ("change", "Change"),
    ("n", "n"),
]
CSV_COLUMNS = [
    ("measure", "measure"),
    ("team", "team"),
    ("cohort", "cohort"),
    ("implementation", "implementation"),
    ("baseline", "baseline"),
    ("follow_up", "follow_up"),
    ("change", "change"),
    ("n_baseline", "n_baseline"),
    ("n_follow_up", "n_follow_up"),
]


@without_gc
def report_outcomes(
    cohort: CohortOpt = None,
    on: SplitOnOpt = None,
    ties: TiesOpt = DEFAULT_TIE_RULE,
    include_unfinished: UnfinishedOpt = False,
    supervision_reflection: SupervisionOpt = True,
    manual: ManualOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Baseline and follow-up means per team, the change, and the difference in mean
    change between high- and low-implementation teams with its 95 % interval."""
    from refocus_cli.services import reports
    from refocus_cli.services.outcomes import outcomes_report

    comparing = reports.Comparing(ties, include_unfinished, supervision_reflection)
    with opened(db) as store:
        view = outcomes_report(store, on=on, cohort=cohort, manual=manual, comparing=comparing)
    if as_json:
        print_json(view.as_record())
    elif as_csv:
        print_csv(view.rows(), CSV_COLUMNS)
    else:
        _print(view)


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    value = value + 0.0 if round(value, 2) else 0.0  # no "-0.00"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _team_row(team: Any) -> dict[str, Any]:
    n = (
        str(team.n_baseline)
        if team.n_baseline == team.n_follow_up
        else (f"{team.n_baseline}/{team.n_follow_up}")
    )
    return {
        "team": team.team,
        "implementation": team.implementation or "-",
        "baseline": _number(team.baseline),
        "follow_up": _number(team.follow_up),
        "change": _number(team.change, signed=True),
        "n": n,
    }


def _summary(result: MeasureOutcome) -> list[str]:
    """The groups' mean changes, the difference between them and the measure's range."""
    lines = []
    for group in result.groups:
        spread = "" if group.sd_change is None else f", SD {group.sd_change:.2f}"
        lines.append(
            f"{group.level}: {group.teams} team{'' if group.teams == 1 else 's'}, mean change "
            f"{_number(group.mean_change, signed=True)}{spread}"
        )
    diff = result.difference
    if diff is None:
        lines.append("difference: needs teams with a change in both groups")
    elif diff.low is None or diff.high is None:
        lines.append(f"difference high − low: {diff.estimate:+.2f} (no interval: {diff.why_none})")
    else:
        lines.append(
            f"difference high − low: {diff.estimate:+.2f} "
            f"(95 % interval {diff.low:+.2f} to {diff.high:+.2f}; Welch, df {diff.df:.1f})"
        )
    direction = "higher" if result.measure.higher_is_better else "lower"
    lines.append(f"({result.measure.range_text}; {direction} is better)")
    return lines


def _print(view: OutcomesView) -> None:
    """The report on a terminal, its sentences wrapped to its width (see say)."""
    say(f"Outcomes; teams compared as of {view.split_date}")
    say(f"{view.high} high- and {view.low} low-implementation teams.")
    for result in view.measures:
        print()
        if not result.teams:
            say(f"{result.measure.name} ({result.measure.key}): no scores recorded.")
            continue
        print_table(
            [_team_row(team) for team in result.teams],
            TEAM_COLUMNS,
            title=f"{result.measure.name} ({result.measure.key}, {result.measure.level}-level)",
        )
        for line in _summary(result):
            say(line, indent="  ")
        for warning in result.warnings:
            message(wrapped(f"Warning: {warning}"))
    for warning in view.warnings:
        message(wrapped(f"Warning: {warning}"))
    for paragraph in view.method:
        print()
        say(paragraph)
