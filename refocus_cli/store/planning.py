"""What planning reads from the database: teams, trainers, venues, working days, a stored plan."""

from __future__ import annotations

from datetime import date, timedelta

from refocus_cli.core.repair import OnRecord
from refocus_cli.core.rollout import PlannedSession, TeamIn, TrainerIn, VenueIn
from refocus_cli.core.vocabulary import SessionStatus, TeamStatus
from refocus_cli.core.workdays import WorkCalendar, work_calendar
from refocus_cli.store import sessions
from refocus_cli.store.database import Store


def cohort_teams(store: Store, cohort_id: int) -> list[TeamIn]:
    """A cohort's active teams with their current staff and managers, in name order."""
    rows = store.rows(
        "SELECT t.id, t.name, t.site, "
        "(SELECT count(*) FROM membership m WHERE m.team_id = t.id AND m.end_date IS NULL) "
        "AS staff, "
        "(SELECT count(*) FROM membership m JOIN staff s ON s.id = m.staff_id "
        " WHERE m.team_id = t.id AND m.end_date IS NULL AND s.is_manager) AS managers "
        "FROM cohort_team ct JOIN team t ON t.id = ct.team_id "
        "WHERE ct.cohort_id = ? AND t.status = ? AND ct.left_on IS NULL "
        "ORDER BY t.name COLLATE NOCASE, t.id",
        [cohort_id, TeamStatus.ACTIVE],
    )
    return [TeamIn(r["id"], r["name"], r["site"], r["staff"], r["managers"]) for r in rows]


def teams_by_id(store: Store, cohort_id: int | None = None) -> dict[int, TeamIn]:
    """Every team with its site and the day it ends, if it does (for a cohort's plan, a
    team that leaves the cohort ends for it that day); no head counts (a stored plan's
    groups are already made)."""
    return {
        r["id"]: TeamIn(
            r["id"],
            r["name"],
            r["site"],
            0,
            0,
            date.fromisoformat(r["ended_on"]) if r["ended_on"] else None,
        )
        for r in store.rows(
            "SELECT t.id, t.name, t.site, CASE WHEN ct.left_on IS NOT NULL "
            "AND (t.ended_on IS NULL OR ct.left_on < t.ended_on) THEN ct.left_on "
            "ELSE t.ended_on END AS ended_on "
            "FROM team t LEFT JOIN cohort_team ct ON ct.team_id = t.id AND ct.cohort_id = ?",
            [cohort_id],
        )
    }


def team_names(store: Store) -> dict[int, str]:
    """Every team's name, by id."""
    return {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM team")}


def trainer_names(store: Store) -> dict[int, str]:
    """Every trainer's name, by id."""
    return {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM trainer")}


def venue_names(store: Store) -> dict[int, str]:
    """Every venue's name, by id."""
    return {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM venue")}


def trainer_inputs(store: Store) -> list[TrainerIn]:
    """Trainers as the scheduler sees them: stages delivered and days away."""
    stages: dict[int, set[str]] = {}
    for row in store.rows("SELECT trainer_id, stage FROM trainer_stage"):
        stages.setdefault(row["trainer_id"], set()).add(row["stage"])
    away: dict[int, set[date]] = {}
    for row in store.rows("SELECT trainer_id, from_date, to_date FROM trainer_unavailable"):
        first, last = date.fromisoformat(row["from_date"]), date.fromisoformat(row["to_date"])
        days = away.setdefault(row["trainer_id"], set())
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return [
        TrainerIn(
            r["id"],
            r["name"],
            frozenset(stages.get(r["id"], ())),
            bool(r["lived_experience"]),
            frozenset(away.get(r["id"], ())),
        )
        for r in store.rows(
            "SELECT id, name, lived_experience FROM trainer WHERE removed_on IS NULL ORDER BY id"
        )
    ]


def venue_inputs(store: Store) -> list[VenueIn]:
    """Every venue with its site and capacity, in id order."""
    return [
        VenueIn(r["id"], r["name"], r["site"], r["capacity"])
        for r in store.rows(
            "SELECT id, name, site, capacity FROM venue WHERE removed_on IS NULL ORDER BY id"
        )
    ]


def calendar_from(store: Store, first: date, last: date | None = None) -> WorkCalendar:
    """Working days from `first`, for three years or to `last` if that is later."""
    closures = [date.fromisoformat(r["date"]) for r in store.rows("SELECT date FROM closure")]
    years = max(3, (last.year - first.year + 1) if last else 0)
    return work_calendar(store.programme()["region"], closures, first, years)


def programme_start(store: Store) -> date | None:
    """The day the programme starts, if one was given."""
    start = store.programme()["start_date"]
    return date.fromisoformat(start) if start else None


def plan_on_record(store: Store, cohort_id: int) -> list[OnRecord]:
    """A cohort's stored sessions, cancelled ones too, in time order; times local and naive."""
    tz = store.tz()
    where, params = "WHERE s.cohort_id = ?", [cohort_id]
    teams, trainers = sessions.links(store, where, params)
    return [
        OnRecord(
            row["id"],
            SessionStatus(row["status"]),
            PlannedSession(
                module=row["module"],
                stage=row["stage"],
                strategy=row["strategy"],
                occurrence=row["occurrence"],
                group=row["group_no"],
                team_ids=tuple(teams.get(row["id"], ())),
                expected=row["expected"],
                start=sessions.to_local(row["start_utc"], tz).replace(tzinfo=None),
                end=sessions.to_local(row["end_utc"], tz).replace(tzinfo=None),
                trainer_ids=tuple(trainers.get(row["id"], ())),
                venue_id=row["venue_id"],
            ),
        )
        for row in store.rows(
            "SELECT s.id, s.status, s.stage, s.module, s.strategy, s.occurrence, s.group_no, "
            f"s.start_utc, s.end_utc, s.venue_id, s.expected FROM session s {where} "
            "ORDER BY s.start_utc, s.id",
            params,
        )
    ]
