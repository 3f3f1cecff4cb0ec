"""Errors whose message tells the user what to do next.

The CLI turns every `RefocusError` into one line, `Error: <message>`, and exit code 1.
"""

from refocus_cli.core.problem_rows import grouped


class RefocusError(Exception):
    """A problem the user can fix; the message says how."""


class NotFound(RefocusError):
    """Something named on the command line does not exist."""


class Ambiguous(RefocusError):
    """A name matches more than one record."""


class InvalidInput(RefocusError):
    """A value typed or a file given is not acceptable."""


class Conflict(RefocusError):
    """The request contradicts what is already recorded."""


class DatabaseProblem(RefocusError):
    """The database file cannot be used as it is."""


class FileProblems(InvalidInput):
    """A file with one or more problems, each tied to its row; rows with the very same
    problem are listed on one line."""

    def __init__(self, source: str, problems: list[str], nothing: str = "nothing was imported"):
        self.source = source
        self.problems = grouped(problems)
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"{source} has {count} {noun} (listed above); {nothing}: "
            "fix them and run the command again"
        )


class ManualProblem(InvalidInput):
    """A file of the curriculum in `manual/` that cannot be used as written."""
