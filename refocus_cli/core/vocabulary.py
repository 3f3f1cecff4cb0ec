"""The fixed words refocus stores and compares: one StrEnum per vocabulary.

Each member equals the string stored in the database and printed in `--json`, so a
member can be written, compared and serialised wherever the bare string was.
"""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    """Where a session stands."""

    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class SessionKind(StrEnum):
    """Why a session exists: the cohort's plan, or catching up people who missed one."""

    PLANNED = "planned"
    CATCH_UP = "catch-up"


class AttendanceStatus(StrEnum):
    """A mark on a register."""

    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left-early"
    EXCUSED = "excused"
    ABSENT = "absent"


# Marks that count as having taken part in a session.
ATTENDED: frozenset[AttendanceStatus] = frozenset(
    {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY}
)


class Audience(StrEnum):
    """Who a module's sessions are for; the scheduler groups people by this."""

    WHOLE_TEAM = "whole-team"
    CLINICAL = "clinical"
    MANAGERS = "managers"
    MIXED_TEAMS = "mixed-teams"


class Strategy(StrEnum):
    """The six implementation strategies of the trial's participation scale, in its order."""

    INFORMATION_SESSION = "information-session"
    WORKING_PRACTICES_TRAINING = "working-practices-training"
    COACHING_TRAINING = "coaching-training"
    MANAGER_REFLECTION = "manager-reflection"
    TEAM_REFLECTION = "team-reflection"
    SUPERVISION_REFLECTION = "supervision-reflection"


class TeamStatus(StrEnum):
    """A team's standing: still going, merged into another, or disbanded."""

    ACTIVE = "active"
    MERGED = "merged"
    DISBANDED = "disbanded"
