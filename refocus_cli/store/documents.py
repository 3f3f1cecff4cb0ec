"""The facts a handout or session pack prints: the session, its people and their marks."""

from __future__ import annotations

from refocus_cli.core.branding import Logo
from refocus_cli.core.curriculum import Curriculum
from refocus_cli.core.documents import PARTS, Branding, DocumentView, Person, document_view
from refocus_cli.core.errors import InvalidInput
from refocus_cli.store import attendance, programme, sessions
from refocus_cli.store.database import Store


def _branding(store: Store) -> tuple[Branding, dict[str, bytes]]:
    """What certificates print for the organisation, and the logo file to give Typst."""
    row = programme.current(store)
    kept = programme.logo(store)
    logo = Logo(*kept) if kept else None
    branding = Branding(
        organisation=row.get("organisation") or "",
        signatory=row.get("signatory") or "",
        signatory_role=row.get("signatory_role") or "",
        logo=logo.file_name() if logo else "",
    )
    return branding, ({logo.file_name(): logo.data} if logo else {})


def module_view(store: Store, curriculum: Curriculum, key: str) -> DocumentView:
    """A handout's view of a module, for no session in particular."""
    module = curriculum.module(key.strip().lower())
    return document_view(
        store.programme()["name"],
        module,
        curriculum.stage(module.stage).title,
        generated=store.today().isoformat(),
    )


def session_view(
    store: Store,
    curriculum: Curriculum,
    ref: str,
    parts: tuple[str, ...] = PARTS,
    *,
    need_people: bool = True,
) -> DocumentView:
    """A session's pack view; refuses a session nobody is expected at when people matter."""
    session = sessions.get(store, ref)
    module = curriculum.module(session["module"])
    people = attendance.expected(store, session, module.audience, include_attended=True)
    if need_people and not people and {"handouts", "register"} & set(parts):
        raise InvalidInput(
            f"nobody is expected at session {session['id']} (its teams have no staff on "
            f"{session['start'][:10]}): add staff, or print --only cover,notes,evaluation"
        )
    marks = [
        Person(m["staff_id"], m["name"], "", "", m["status"])
        for m in attendance.marks_of(store, session["id"])
    ]
    branding, files = _branding(store)
    return document_view(
        store.programme()["name"],
        module,
        curriculum.stage(module.stage).title,
        session=session,
        people=[
            Person(
                p["id"],
                p["name"],
                p["role"] or "",
                p["team"] or "",
                clinical=bool(p["clinical"]),
            )
            for p in people
        ],
        marks=marks,
        parts=parts,
        generated=store.today().isoformat(),
        branding=branding,
        files=files,
    )


def stage_session_ids(store: Store, cohort_ref: str, stage: str) -> list[int]:
    """The ids of a cohort's sessions of a stage that are not cancelled, in time order."""
    from refocus_cli.core.programme import STAGES
    from refocus_cli.store.cohorts import find_cohort

    if stage not in STAGES:
        raise InvalidInput(f"--stage {stage!r}: choose one of {', '.join(STAGES)}")
    cohort = find_cohort(store, cohort_ref)
    return [
        row[0]
        for row in store.db.execute(
            "SELECT id FROM session WHERE (cohort_id = ? OR id IN "
            "(SELECT session_id FROM session_cohort WHERE cohort_id = ?)) "
            "AND stage = ? AND status != 'cancelled' ORDER BY start_utc, id",
            [cohort["id"], cohort["id"], stage],
        )
    ]
