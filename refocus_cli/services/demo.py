"""`refocus demo`: a realistic programme months under way, built through the same
services the commands use, with the files a coordinator would look at first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from refocus_cli.core import demo as demo_core
from refocus_cli.core.calendar import SessionChoice
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.dates import local_today, zone
from refocus_cli.core.demo import DemoCounts, DemoProgramme
from refocus_cli.core.errors import InvalidInput
from refocus_cli.core.programme import DEFAULT_REGION, DEFAULT_TIMEZONE
from refocus_cli.services import calendars, documents, reports
from refocus_cli.services import manual as manual_service
from refocus_cli.services.context import system_clock
from refocus_cli.store import demo as demo_store
from refocus_cli.store.database import Store


@dataclass(frozen=True)
class DemoSetup:
    """A demo planned but not yet written: the programme, the day it is built on, the
    folder for its files and the manual it follows."""

    plan: DemoProgramme
    today: date
    seed: int
    out: Path
    curriculum: Curriculum
    manual: Path | None = None


def prepare(scale: str, seed: int, out: Path, manual: Path | None = None) -> DemoSetup:
    """Plan a demo of this scale (small, trust or national) and make its folder, before
    any database is touched: a bad scale, folder or manual leaves nothing behind."""
    today = local_today(system_clock, zone(DEFAULT_TIMEZONE))
    plan = demo_core.build(scale, seed, today)
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out} is a file: give a folder for the demo's files")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot make the folder {out}: {exc.strerror}") from None
    return DemoSetup(plan, today, seed, out, manual_service.base_curriculum(manual), manual)


@dataclass(frozen=True)
class DemoFiles:
    """The files a coordinator would look at first; no pack until a workshop is held."""

    roster: Path
    calendar: Path
    pack: Path | None
    report: Path

    def as_record(self) -> dict[str, str]:
        """The files by name, as `refocus demo --json` prints them."""
        record = {"roster": str(self.roster), "calendar": str(self.calendar)}
        if self.pack is not None:
            record["pack"] = str(self.pack)
        record["report"] = str(self.report)
        return record


@dataclass(frozen=True)
class Demo:
    """A demo built: its programme, what was made, and its files."""

    plan: DemoProgramme
    counts: DemoCounts
    files: DemoFiles


def _write(store: Store, setup: DemoSetup) -> DemoCounts:
    """The programme, its plans (made when it started, with the teams as they were), the
    turnover since and registers for the sessions already past, in one transaction."""
    from refocus_cli.services.delivery import fill_demo as fill_delivery
    from refocus_cli.services.outcomes import fill_demo
    from refocus_cli.services.planning import plan_cohort
    from refocus_cli.store import sessions

    plan = setup.plan
    with store.write():
        demo_store.write_organisation(store, plan, DEFAULT_REGION, DEFAULT_TIMEZONE)
        planned = 0
        for name, _ in plan.cohorts:
            made = plan_cohort(store, name, plan.start, setup.curriculum, allow_past=True)
            sessions.save_plan(store, made.cohort_id, made.plan.sessions)
            planned += len(made.plan.sessions)
        demo_store.write_turnover(store, plan)
        marks, held = demo_store.simulate_registers(
            store, setup.curriculum, setup.today, setup.seed
        )
        fill_demo(store, setup.seed, setup.today)
        fill_delivery(store, setup.curriculum, setup.seed)
    return DemoCounts(
        sessions=planned,
        teams=len(plan.teams),
        staff=len(plan.roster),
        trainers=len(plan.trainers),
        lived_experience_trainers=sum(t.lived_experience for t in plan.trainers),
        venues=len(plan.venues),
        cohorts=len(plan.cohorts),
        movers=len(plan.movers),
        leavers=len(plan.leavers),
        disbanded=1 if plan.disbanded else 0,
        held=held,
        marks=marks,
    )


def build(store: Store, setup: DemoSetup) -> Demo:
    """Write the demo into a fresh database, then its roster, calendar, a session pack
    and the steering-group report into its folder."""
    from refocus_cli.render.sheets import write_roster_csv

    plan, out, manual = setup.plan, setup.out, setup.manual
    counts = _write(store, setup)
    first_cohort = plan.cohorts[0][0]
    roster = out / "roster.csv"
    write_roster_csv(roster, plan.roster)
    calendar = out / "calendar.ics"
    options = calendars.CalendarOptions(alarm="1d")
    calendars.export_ics(store, calendar, SessionChoice("cohort", first_cohort), options, manual)
    # The first cohort's first workshop: held, so its pack has certificates too.
    pack = None
    first = demo_store.first_held_workshop(store, first_cohort)
    if first is not None:
        pack = out / f"pack-session-{first}.pdf"
        documents.write_pack(store, str(first), output=pack, manual=manual, need_people=False)
    report = out / "report.html"
    reports.write_html(store, report, manual=manual)
    return Demo(plan, counts, DemoFiles(roster, calendar, pack, report))
