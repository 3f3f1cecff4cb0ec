"""A long run of the rollout state machine (tests/rollout_machine.py): random years of a
rollout played through the services, every invariant checked after every step.

    python benchmarks/rollout_soak.py [--examples 500] [--steps 60] [--survey]

CI plays a few examples (tests/test_rollout_stateful.py, under a minute); this plays as
many as asked. By default it stops at the first broken invariant and prints the
shrunk steps that break it, as refocus commands. With --survey it never stops: it
plays every example and lists each kind of breakage it met, with the shortest steps
that showed it.

It ends with tables of the steps played (done, refused), what they did to the diary,
and how many times each invariant was checked (and, with --survey, found broken).
Exits 1 when an invariant broke, else 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _timing import print_table  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402
from rollout_driver import TALLY, Rollout  # noqa: E402
from rollout_machine import RolloutMachine  # noqa: E402

# Each kind of breakage (the invariant, and its message with the numbers taken out),
# with the first message and the shortest steps that showed it.
BROKEN: dict[str, tuple[str, list[str]]] = {}
BROKEN_COUNT: Counter[str] = Counter()


class SurveyRollout(Rollout):
    """A rollout noting broken rules instead of failing at the first."""

    def check(self, name: str) -> None:
        problems = self.problems(name)
        if problems:
            BROKEN_COUNT[name] += 1
        for problem in problems:
            kind = f"{name}: {re.sub(r'[0-9]+', 'N', problem)}"
            if kind not in BROKEN or len(self.history) < len(BROKEN[kind][1]):
                BROKEN[kind] = (problem, list(self.history))


class SurveyMachine(RolloutMachine):
    """The rollout machine playing surveying rollouts."""

    rollout_class = SurveyRollout


def play(examples: int, steps: int, survey: bool) -> str | None:
    """Play the machine; the failure's report when an invariant broke (not in a survey)."""
    phases = [Phase.generate] if survey else [Phase.generate, Phase.shrink]
    chosen = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(SurveyMachine if survey else RolloutMachine, settings=chosen)
    except AssertionError as failure:
        return str(failure)
    return None


def report_survey() -> None:
    """Each kind of breakage met, with the shortest steps that showed it."""
    for kind, (problem, history) in sorted(BROKEN.items(), key=lambda item: len(item[1][1])):
        print(f"\n## {kind.split(':')[0]}: {problem}\nSteps to reproduce:")
        print("\n".join(history))


def report_tables(seconds: float) -> None:
    """The steps played, what they did, and the invariants checked."""
    steps = sorted({key[1] for key in TALLY if key[0] == "step"})
    print_table(
        ["step", "done", "refused"],
        [[s, TALLY["step", s, "done"], TALLY["step", s, "refused"]] for s in steps]
        + [
            [
                "all steps",
                sum(v for k, v in TALLY.items() if k[0] == "step" and k[2] == "done"),
                sum(v for k, v in TALLY.items() if k[0] == "step" and k[2] == "refused"),
            ]
        ],
        title="\nSteps played",
    )
    print_table(
        ["change to the diary or registers", "count"],
        sorted([k[1], v] for k, v in TALLY.items() if k[0] == "made"),
        title="\nWhat the steps did",
    )
    names = sorted({key[1] for key in TALLY if key[0] == "invariant"})
    print_table(
        ["invariant", "checked", "broken"],
        [[n, TALLY["invariant", n], BROKEN_COUNT[n]] for n in names],
        title="\nInvariants",
    )
    print(f"\n{sum(TALLY[('invariant', n)] for n in names)} checks in {seconds:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="rollouts to play")
    parser.add_argument("--steps", type=int, default=60, help="steps at most in each")
    parser.add_argument(
        "--survey", action="store_true", help="play every example; list each kind of breakage"
    )
    args = parser.parse_args()
    started = perf_counter()
    failure = play(args.examples, args.steps, args.survey)
    seconds = perf_counter() - started
    if failure:
        print(failure)
    if args.survey:
        report_survey()
    report_tables(seconds)
    return 1 if failure or BROKEN else 0


if __name__ == "__main__":
    sys.exit(main())
