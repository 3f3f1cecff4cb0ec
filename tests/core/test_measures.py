"""The implementation measures on facts small enough to check by eye."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from refocus_cli.core.measure_facts import Engagement, Facts, SessionFact, StaffFact, TeamFact
from refocus_cli.core.measure_split import TieRule
from refocus_cli.core.measures import Implementation
from refocus_cli.core.programme import STRATEGIES
from refocus_cli.core.spells import Spell

D = date.fromisoformat
AS_OF = D("2027-06-01")


def session(id, module, day, teams, *, strategy=None, stage="working-practices", occurrence=1,
            status="held", kind="planned", audience="whole-team", invitees=()):  # fmt: skip
    return SessionFact(
        id=id,
        stage=stage,
        module=module,
        strategy=strategy or "working-practices-training",
        occurrence=occurrence,
        kind=kind,
        status=status,
        day=D(day),
        team_ids=tuple(teams),
        audience=audience,
        invitees=tuple(invitees),
    )


def facts(sessions, marks, spells, staff=None, teams=None):
    staff = staff or {i: StaffFact(i, f"P{i}", is_manager=False) for i in spells}
    teams = teams or {
        1: TeamFact(1, "One", "active", None, "W"),
        2: TeamFact(2, "Two", "active", None, "W"),
    }
    return Facts(AS_OF, teams, staff, spells, sessions, marks)  # fmt: skip


def whole_year(team):
    return [Spell(team, D("2026-01-01"), None)]


def test_split_groups_of_one_session_count_once_and_half_is_enough():
    # Team 1 split into two groups for values (occurrence 1), plus strengths and goals.
    sessions = [
        session(1, "values", "2027-02-01", [1]),
        session(2, "values", "2027-02-02", [1]),
        session(3, "strengths", "2027-02-08", [1]),
        session(4, "goals", "2027-02-15", [1]),
    ]
    marks = {(1, 10): "present", (2, 10): "absent", (3, 10): "late", (2, 11): "present"}
    impl = Implementation(facts(sessions, marks, {10: whole_year(1), 11: whole_year(1)}))
    rows = {p.staff.id: p for p in impl.participation}
    # Person 10: values (group 1) and strengths of three activities: 2 of 3, engaged.
    assert rows[10].attended_at("working-practices-training") == 2
    assert rows[10].expected_at("working-practices-training") == 3
    assert (rows[10].count, rows[10].applicable, rows[10].share) == (1, 1, 1)
    # Person 11: values (group 2) only: 1 of 3 is under half.
    assert rows[11].attended_at("working-practices-training") == 1
    assert (rows[11].count, rows[11].applicable, rows[11].share) == (0, 1, 0)
    # No other strategy was held: none applies, so none is counted against them.
    assert rows[11].took("coaching-training") is None


def test_excused_and_unmarked_are_not_attendance_and_uninvited_attenders_count():
    sessions = [session(1, "workshop", "2027-02-01", [1], strategy="information-session")]
    marks = {(1, 10): "excused", (1, 30): "present"}  # 30 is in team 2 but came anyway
    spells = {10: whole_year(1), 11: whole_year(1), 30: whole_year(2)}
    rows = {p.staff.id: p for p in Implementation(facts(sessions, marks, spells)).participation}
    assert rows[10].share == 0 and rows[11].share == 0
    assert rows[30].took("information-session") == 1 and rows[30].share == 1


def test_team_scores_use_stayers_and_the_tie_rule_places_ties_at_the_median():
    sessions = [
        session(1, "workshop", "2027-02-01", [1], strategy="information-session"),
        session(2, "workshop", "2027-02-01", [2], strategy="information-session"),
        session(3, "workshop", "2027-02-01", [3], strategy="information-session"),
    ]
    teams = {
        1: TeamFact(1, "One", "active", None, "W"),
        2: TeamFact(2, "Two", "active", None, "W"),
        3: TeamFact(3, "Three", "active", None, "W"),
        4: TeamFact(4, "Gone", "disbanded", D("2027-03-01"), "W"),
    }
    spells = {
        10: whole_year(1),
        11: [Spell(1, D("2027-03-01"), None)],  # joined after the first session: not a stayer
        20: whole_year(2),
        30: whole_year(3),
        40: [Spell(4, D("2026-01-01"), D("2027-03-01"))],
    }
    marks = {(1, 10): "present", (1, 11): "present", (2, 20): "present", (3, 30): "absent"}
    impl = Implementation(facts(sessions, marks, spells, teams=teams))
    scores = {s.team.name: s for s in impl.team_scores}
    assert scores["One"].stayers == [10] and scores["One"].score == 1
    assert scores["Two"].score == 1 and scores["Three"].score == 0
    # Only workshops are planned: no team has finished the four stages.
    assert impl.compare().compared == ()
    assert scores["One"].why_not_comparable.startswith("not finished: nothing planned for")
    # An interim look: scores 1, 1, 0, median 1. Ties low leave no team high (warned);
    # split-by-rank keeps One and Two together, in the high half (2 against 1).
    low = impl.compare(ties=TieRule.LOW, include_unfinished=True)
    assert low.split.median == 1 and low.split.high == frozenset()
    assert low.warnings[0].startswith("no team is high")
    by_rank = impl.compare(include_unfinished=True)
    assert by_rank.split.high == {1, 2} and by_rank.split.low == {3}
    assert by_rank.split.at_median == {1, 2} and by_rank.warnings == ()
    assert scores["Gone"].score is None and scores["Gone"].why_unscored.startswith("disbanded")


def test_reach_counts_half_of_planned_occurrences_or_a_catch_up():
    coaching = [
        session(
            i,
            "coaching",
            f"2027-03-0{i}",
            [1],
            stage="coaching",
            occurrence=i,
            strategy="coaching-training",
        )  # fmt: skip
        for i in (1, 2, 3)
    ]
    catch_up = session(9, "coaching", "2027-04-01", [1], stage="coaching", kind="catch-up",
                       strategy="coaching-training", invitees=[12])  # fmt: skip
    marks = {(1, 10): "present", (2, 10): "present", (1, 11): "present", (9, 12): "present"}
    spells = {10: whole_year(1), 11: whole_year(1), 12: [Spell(1, D("2027-03-20"), None)]}
    impl = Implementation(facts([*coaching, catch_up], marks, spells))
    team = next(p for p in impl.progress if p.team.id == 1)
    stage = next(s for s in team.stages if s.stage == "coaching")
    # 10: 2 of 3 (done); 11: 1 of 3 (not); 12: the catch-up (done).
    assert (stage.completed, stage.staff) == (2, 3)
    assert stage.held == 3 and stage.planned == 3


def test_audiences_and_flags():
    staff = {
        10: StaffFact(10, "Manager", is_manager=True),
        11: StaffFact(11, "Nurse", is_manager=False),
        12: StaffFact(12, "Admin", is_manager=False, clinical=False),
        13: StaffFact(13, "Leaver", is_manager=False),
    }
    spells = {
        10: whole_year(1),
        11: whole_year(1),
        12: whole_year(1),
        13: [Spell(1, D("2026-01-01"), D("2027-03-01"))],
    }
    reflection = [
        session(
            i,
            "team-reflection",
            f"2027-0{i}-10",
            [1],
            stage="practice-change",
            occurrence=i,
            strategy="team-reflection",
        )  # fmt: skip
        for i in range(1, 7)
    ]
    supervision = session(20, "supervision", "2027-05-20", [1], stage="practice-change",
                          strategy="supervision-reflection", audience="clinical")  # fmt: skip
    cancelled = session(21, "team-reflection", "2027-05-25", [1], stage="practice-change",
                        occurrence=7, status="cancelled", strategy="team-reflection")  # fmt: skip
    marks = {}
    for s in reflection:
        marks[(s.id, 11)] = "present"
        marks[(s.id, 12)] = "present" if s.id <= 3 else "absent"
    marks[(1, 10)] = "present"
    impl = Implementation(facts([*reflection, supervision, cancelled], marks, spells, staff))
    rows = {p.staff.id: p for p in impl.participation}
    assert rows[12].expected_at("supervision-reflection") == 0  # recorded as not clinical
    assert rows[11].expected_at("supervision-reflection") == 1
    flags = next(p for p in impl.progress if p.team.id == 1).flags
    # The June session is after the report date: five held reflection sessions.
    assert any("manager Manager attended 1 of 5" in f for f in flags)
    assert not any(f.startswith("staff turnover") for f in flags)  # 1 of 4 gone: under 30 %
    assert any(f.startswith("attendance falling") for f in flags)
    assert "1 session cancelled" in flags


def test_reach_is_keeping_up_with_what_the_team_has_had_so_far():
    # Four team reflections planned; two held by the report date, two still to come.
    sessions = [
        session(
            i,
            "team-reflection",
            f"2027-0{i + 3}-10",
            [1],
            stage="practice-change",
            occurrence=i,
            strategy="team-reflection",
            status="held" if i <= 2 else "scheduled",
        )  # fmt: skip
        for i in (1, 2, 3, 4)
    ]
    sessions.append(session(9, "coaching", "2027-09-01", [1], stage="coaching",
                            status="scheduled", strategy="coaching-training"))  # fmt: skip
    marks = {(1, 10): "present", (2, 11): "absent"}
    spells = {10: whole_year(1), 11: whole_year(1)}
    impl = Implementation(facts(sessions, marks, spells))
    stages = {s.stage: s for s in next(p for p in impl.progress if p.team.id == 1).stages}
    # 10 came to 1 of the 2 held (half: keeping up); 11 to none.
    assert (stages["practice-change"].completed, stages["practice-change"].staff) == (1, 2)
    assert stages["practice-change"].reach == 0.5
    assert stages["coaching"].reach is None  # not begun


def test_a_cohort_is_split_at_its_own_median():
    sessions = [
        session(i, "workshop", "2027-02-01", [i], strategy="information-session")
        for i in (1, 2, 3, 4)
    ]
    teams = {i: TeamFact(i, f"T{i}", "active", None, "A" if i < 3 else "B") for i in (1, 2, 3, 4)}
    spells = {10 * i: whole_year(i) for i in (1, 2, 3, 4)}
    marks = {(1, 10): "present", (3, 30): "present", (4, 40): "present"}  # T2 scores 0
    impl = Implementation(facts(sessions, marks, spells, teams=teams))
    every = impl.compare(include_unfinished=True)  # scores 1, 0, 1, 1: the median is 1
    assert every.split.median == 1
    assert every.split.high == {1, 3, 4} and every.split.low == {2}
    # Cohort A alone (T1 = 1, T2 = 0): its median is 0.5, so T1 is high.
    cohort = impl.compare({1, 2}, include_unfinished=True)
    assert cohort.split.median == Fraction(1, 2)
    assert (cohort.split.level(1), cohort.split.level(2)) == ("high", "low")


def test_team_make_up_does_not_change_the_score_of_a_team_that_comes_to_everything():
    # Team 1: a manager, an administrator and a clinician; team 2: two managers. Each
    # team has a workshop, a managers-only and a clinical-only session, and everyone
    # comes to everything they are expected at.
    staff = {
        10: StaffFact(10, "Manager One", is_manager=True),
        11: StaffFact(11, "Admin One", is_manager=False, clinical=False),
        12: StaffFact(12, "Nurse One", is_manager=False),
        20: StaffFact(20, "Manager Two", is_manager=True),
        21: StaffFact(21, "Manager Three", is_manager=True),
    }
    spells = {i: whole_year(i // 10) for i in staff}
    sessions = []
    for team in (1, 2):
        sessions += [
            session(team * 10, "workshop", "2027-02-01", [team], strategy="information-session"),
            session(
                team * 10 + 1,
                "manager-reflection",
                "2027-03-01",
                [team],
                strategy="manager-reflection",
                audience="managers",
            ),  # fmt: skip
            session(
                team * 10 + 2,
                "supervision",
                "2027-04-01",
                [team],
                strategy="supervision-reflection",
                audience="clinical",
            ),  # fmt: skip
        ]
    impl = Implementation(facts(sessions, {}, spells, staff))
    expected = {p.staff.id: p for p in impl.participation}
    marks = {
        (s.id, person): "present"
        for s in sessions
        for person in staff
        if person // 10 == s.team_ids[0]
        and (s.audience != "managers" or staff[person].is_manager)
        and (s.audience != "clinical" or person != 11)
    }
    impl = Implementation(facts(sessions, marks, spells, staff))
    rows = {p.staff.id: p for p in impl.participation}
    assert expected[11].expected_at("supervision-reflection") == 0  # recorded as not clinical
    assert [(rows[i].count, rows[i].applicable) for i in (10, 11, 12, 20, 21)] == [
        (3, 3), (1, 1), (2, 2), (3, 3), (3, 3),
    ]  # fmt: skip
    scores = {s.team.id: s for s in impl.team_scores}
    assert scores[1].score == scores[2].score == 1
    # Engagement by strategy: who each applies to differs, the shares do not.
    assert scores[1].engagement["manager-reflection"] == Engagement(1, 1)
    assert scores[2].engagement["manager-reflection"] == Engagement(2, 2)
    assert scores[1].engagement["supervision-reflection"] == Engagement(2, 2)
    assert scores[2].engagement["coaching-training"].share is None  # applies to nobody


def test_a_team_is_comparable_once_it_has_finished_the_four_stages_with_every_register():
    def four_stages(team, last_status):
        return [
            session(team * 10 + 1, "workshop", "2027-02-01", [team], stage="workshop",
                    strategy="information-session"),
            session(team * 10 + 2, "values", "2027-02-08", [team]),
            session(team * 10 + 3, "coaching", "2027-03-01", [team], stage="coaching",
                    strategy="coaching-training"),
            session(team * 10 + 4, "team-reflection", "2027-05-20", [team],
                    stage="practice-change", strategy="team-reflection", status=last_status),
        ]  # fmt: skip

    sessions = four_stages(1, "held") + four_stages(2, "scheduled")
    spells = {10: whole_year(1), 20: whole_year(2)}
    marks = {(s.id, 10 * (s.id // 10)): "present" for s in sessions if s.status == "held"}
    del marks[(23, 20)]  # team 2's one member missed coaching: 2 of 3 against 4 of 4
    impl = Implementation(facts(sessions, marks, spells))
    one, two = impl.team_scores
    assert (one.stage, one.why_not_comparable) == ("finished", None)
    # Team 2's last session (2027-05-20) is past but has no register yet.
    assert two.stage == "coaching"
    assert two.why_not_comparable == "not finished: 1 session by 2027-06-01 has no register yet"
    # On 2027-04-01 the reflection session was still to come for both.
    earlier = impl.as_of(D("2027-04-01")).team_scores[0]
    assert earlier.stage == "coaching"
    assert earlier.why_not_comparable == (
        "not finished: in coaching, 1 session to come, the last on 2027-05-20"
    )
    comparison = impl.compare()
    assert comparison.compared == (1,) and comparison.warnings[0].startswith("only one team")
    interim = impl.compare(include_unfinished=True)
    assert interim.split.high == {1} and interim.split.low == {2}
    assert "different stages" in interim.warnings[-1] and "1 finished" in interim.warnings[-1]


def test_clinical_sessions_expect_whoever_is_recorded_as_clinical_whatever_their_title():
    staff = {
        10: StaffFact(10, "Clara Clerk", is_manager=False, clinical=False),  # a clerical officer
        11: StaffFact(11, "Carl Caseload", is_manager=False, clinical=True),  # an administrator
    }
    supervision = session(1, "supervision", "2027-05-20", [1], stage="practice-change",
                          strategy="supervision-reflection", audience="clinical")  # fmt: skip
    impl = Implementation(facts([supervision], {(1, 11): "present"}, {10: whole_year(1),
                                11: whole_year(1)}, staff))  # fmt: skip
    rows = {p.staff.id: p for p in impl.participation}
    assert rows[10].expected_at("supervision-reflection") == 0
    assert rows[10].took("supervision-reflection") is None
    assert rows[11].took("supervision-reflection") == 1


def test_supervision_reflection_can_be_left_off_the_scale():
    sessions = [
        session(1, "workshop", "2027-02-01", [1], strategy="information-session"),
        session(
            2,
            "supervision",
            "2027-05-20",
            [1],
            stage="practice-change",
            strategy="supervision-reflection",
            audience="clinical",
        ),  # fmt: skip
    ]
    scale = tuple(s for s in STRATEGIES if s != "supervision-reflection")
    impl = Implementation(facts(sessions, {(1, 10): "present"}, {10: whole_year(1)}), scale)
    (row,) = impl.participation
    # Expected at supervision and absent: off the scale, it neither counts nor applies.
    assert row.expected_at("supervision-reflection") == 1
    assert row.took("supervision-reflection") is None
    assert (row.count, row.applicable, row.share) == (1, 1, 1)
    assert impl.as_of(D("2027-03-01")).scale == scale
