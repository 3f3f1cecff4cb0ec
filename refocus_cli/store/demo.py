"""Writing a made-up demo programme into a fresh database, in one transaction."""

from __future__ import annotations

from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.demo import DemoProgramme
from refocus_cli.core.roster import RosterPlan
from refocus_cli.store import (
    cohorts,
    planning,
    programme,
    sessions,
    staff,
    teams,
    trainers,
    venues,
)
from refocus_cli.store.database import Store


def write(
    store: Store, demo: DemoProgramme, region: str, timezone: str, curriculum: Curriculum
) -> dict[str, int]:
    """Create the programme, its people, turnover and plans; returns counts of what was made."""
    with store.write():
        programme.create(store, demo.name, timezone, region, demo.start)
        teams.add_many(store, demo.teams)
        staff.import_roster(store, RosterPlan(to_add=demo.roster), "demo roster")
        for trainer in demo.trainers:
            trainers.add(
                store, trainer.name, trainer.email, trainer.lived_experience, trainer.stages
            )
            if trainer.leave:
                trainers.unavailable(store, trainer.email, *trainer.leave, "annual leave")
        for name, capacity, site in demo.venues:
            venues.add(store, name, capacity, site)
        for name, team_names in demo.cohorts:
            cohorts.create(store, name, team_names)
        for email, team, on in demo.movers:
            staff.move(store, email, team, on)
        for email, on in demo.leavers:
            staff.leave(store, email, on)
        if demo.disbanded:
            teams.disband(store, *demo.disbanded)
        planned = 0
        for name, _ in demo.cohorts:
            result = planning.plan_cohort(store, name, demo.start, curriculum)
            sessions.save_plan(store, result.cohort["id"], result.plan.sessions)
            planned += len(result.plan.sessions)
    return {
        "sessions": planned,
        "teams": len(demo.teams),
        "staff": len(demo.roster),
        "trainers": len(demo.trainers),
        "lived_experience_trainers": sum(t.lived_experience for t in demo.trainers),
        "venues": len(demo.venues),
        "cohorts": len(demo.cohorts),
        "movers": len(demo.movers),
        "leavers": len(demo.leavers),
        "disbanded": 1 if demo.disbanded else 0,
    }
