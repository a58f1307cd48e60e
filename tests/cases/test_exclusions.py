"""Recording exclusions, their clocks, and the one way their state changes."""

import threading
from datetime import date

import pytest
from django.db import connection

from approvision.records import Refused, StaleVersion
from cases.exclusions.models import Deadline, Exclusion
from cases.exclusions.services import (
    deadline_mark_met,
    exclusion_transition,
    pupil_suspension_days,
)
from cases.pupils.services import DuplicatePupil, pupil_create
from demo.organisations import DemoContext, load
from organisations.models import School, User
from tests.factories import PupilFactory, enrol, make_upn, record_exclusion


def record(demo, **fields):
    given = {"by": demo["senco"], "pupil": demo["pupil"], "school": demo["school"], **fields}
    return record_exclusion(**given)


def due(exclusion):
    return {d.kind: d.due_on for d in exclusion.deadlines.all()}


def test_a_permanent_exclusion_starts_the_la_provision_and_board_clocks(demo):
    pex = record(
        demo,
        kind=Exclusion.Kind.PERMANENT,
        end_date=None,
        sessions=None,
        parents_notified_on=date(2026, 10, 20),
    )
    assert pex.state == Exclusion.State.BOARD_REVIEW_DUE
    assert due(pex) == {
        # 21, 22, 23 Oct; half-term; 2 Nov INSET; 3, 4, 5 Nov.
        Deadline.Kind.LA_PROVISION: date(2026, 11, 5),
        # 15 school days after notice on 20 October, the INSET day on 2 November not counted.
        Deadline.Kind.BOARD_REVIEW: date(2026, 11, 18),
    }
    rule = pex.deadlines.get(kind=Deadline.Kind.LA_PROVISION).rule
    assert "6th consecutive school day" in rule and "s19(3A)" in rule


def test_a_short_suspension_starts_no_clock(demo):
    assert due(record(demo)) == {}


def test_a_suspension_over_five_days_gives_the_school_a_sixth_day_duty(demo):
    long = record(demo, start_date=date(2026, 11, 9), end_date=date(2026, 11, 17), sessions=14)
    assert long.days == 7
    assert due(long) == {Deadline.Kind.SCHOOL_PROVISION: date(2026, 11, 16)}


def test_more_than_15_days_in_a_term_needs_the_board(demo):
    first = record(demo, start_date=date(2026, 11, 9), end_date=date(2026, 11, 27), sessions=30)
    assert first.state == Exclusion.State.NOTIFIED  # 15 days: not more than 15
    third = record(demo, start_date=date(2026, 11, 30), end_date=date(2026, 11, 30), sessions=2)
    assert third.state == Exclusion.State.BOARD_REVIEW_DUE
    assert Deadline.Kind.BOARD_REVIEW in due(third)


def test_a_missed_public_exam_needs_the_board(demo):
    exclusion = record(demo, misses_public_exam=True)
    assert exclusion.state == Exclusion.State.BOARD_REVIEW_DUE


def test_representations_for_6_to_15_days_give_the_board_50_school_days(demo):
    exclusion = record(demo, start_date=date(2026, 11, 9), end_date=date(2026, 11, 17), sessions=12)
    moved = exclusion_transition(
        exclusion=exclusion,
        to=Exclusion.State.BOARD_REVIEW_DUE,
        by=demo["senco"],
        on=date(2026, 11, 16),
        version=exclusion.version,
    )
    assert moved.representations_on == date(2026, 11, 16)
    assert Deadline.Kind.BOARD_REPRESENTATIONS in due(moved)


def test_the_review_clocks_follow_the_permanent_exclusion_through_its_states(demo):
    senco = demo["senco"]
    pex = record(demo, kind=Exclusion.Kind.PERMANENT, end_date=None, sessions=None)
    pex = exclusion_transition(
        exclusion=pex, to="upheld", by=senco, on=date(2026, 11, 12), version=pex.version
    )
    assert pex.deadlines.get(kind=Deadline.Kind.BOARD_REVIEW).met_on == date(2026, 11, 12)
    assert due(pex)[Deadline.Kind.REVIEW_REQUEST] == date(2026, 12, 3)
    pex = exclusion_transition(
        exclusion=pex, to="review_requested", by=senco, on=date(2026, 11, 20), version=pex.version
    )
    assert due(pex)[Deadline.Kind.REVIEW_PANEL] == date(2026, 12, 11)
    pex = exclusion_transition(
        exclusion=pex,
        to="review_outcome",
        by=senco,
        on=date(2026, 12, 10),
        outcome="quash",
        version=pex.version,
    )
    # 10 school days after 10 December, across the Christmas holiday and a 4 January INSET day.
    assert due(pex)[Deadline.Kind.RECONSIDERATION] == date(2027, 1, 8)
    assert list(pex.events.values_list("to_state", flat=True)) == [
        "notified",
        "board_review_due",
        "upheld",
        "review_requested",
        "review_outcome",
    ]


def test_an_illegal_move_is_refused_and_changes_nothing(demo):
    exclusion = record(demo)
    with pytest.raises(Refused, match="cannot become"):
        exclusion_transition(
            exclusion=exclusion,
            to=Exclusion.State.UPHELD,
            by=demo["senco"],
            on=date(2026, 10, 22),
            version=exclusion.version,
        )
    exclusion.refresh_from_db()
    assert exclusion.state == Exclusion.State.NOTIFIED
    assert exclusion.events.count() == 1


def test_only_a_permanent_exclusion_goes_to_independent_review(demo):
    exclusion = record(demo, misses_public_exam=True)
    exclusion = exclusion_transition(
        exclusion=exclusion,
        to="upheld",
        by=demo["senco"],
        on=date(2026, 10, 30),
        version=exclusion.version,
    )
    assert not exclusion.can_move_to(Exclusion.State.REVIEW_REQUESTED)


def test_a_stale_version_is_refused(demo):
    exclusion = record(demo)
    exclusion_transition(
        exclusion=exclusion, to="cancelled", by=demo["senco"], on=date(2026, 10, 21), version=1
    )
    with pytest.raises(StaleVersion):
        exclusion_transition(
            exclusion=exclusion,
            to="board_review_due",
            by=demo["senco"],
            on=date(2026, 10, 21),
            version=1,
        )


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_exclusion_at_once_one_wins_one_is_told(tmp_path):
    load(DemoContext(), var_dir=tmp_path)
    school = School.objects.get(name="Kelmscott High School")
    pupil = PupilFactory(la=school.la)
    enrol(pupil, school)
    senco = User.objects.get(username="senco")
    exclusion = record({"school": school, "pupil": pupil, "senco": senco})
    outcomes = []

    def attempt(to):
        try:
            exclusion_transition(
                exclusion=exclusion, to=to, by=senco, on=date(2026, 10, 22), version=1
            )
            outcomes.append("ok")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(to,)) for to in ("cancelled", "board_review_due")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert Exclusion.objects.get(pk=exclusion.pk).version == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reasons": []}, "reason_1"),
        ({"reasons": ["DB", "DB"]}, "reason_2"),
        ({"reasons": ["PD"]}, "reason_1"),  # a legacy code: imports only
        ({"end_date": date(2026, 10, 20)}, "end_date"),
        ({"end_date": None}, "end_date"),
        ({"sessions": 9}, "sessions"),
    ],
)
def test_bad_exclusions_are_refused_and_nothing_is_saved(demo, fields, field):
    with pytest.raises(Refused) as error:
        record(demo, **fields)
    assert error.value.field == field
    assert not Exclusion.objects.exists()


def test_legacy_reason_codes_are_accepted_on_import(demo):
    assert record(demo, reasons=["PD", "OT"], allow_legacy_reasons=True).reasons == ["PD", "OT"]


def test_suspension_days_count_across_schools_towards_the_cap(demo):
    record(demo, start_date=date(2026, 11, 9), end_date=date(2026, 11, 13), sessions=10)
    other = School.objects.get(name="Castleton Community College")
    record(demo, school=other, kind=Exclusion.Kind.LUNCHTIME, start_date=date(2026, 11, 16))
    assert pupil_suspension_days(demo["pupil"], 2026) == 5.5


def test_provision_deadlines_are_marked_met_by_hand_and_stay_met(demo):
    pex = record(demo, kind=Exclusion.Kind.PERMANENT, end_date=None, sessions=None)
    provision = pex.deadlines.get(kind=Deadline.Kind.LA_PROVISION)
    deadline_mark_met(deadline=provision, on=date(2026, 11, 4), by=demo["senco"])
    exclusion_transition(
        exclusion=pex, to="upheld", by=demo["senco"], on=date(2026, 11, 12), version=pex.version
    )
    assert pex.deadlines.get(kind=Deadline.Kind.LA_PROVISION).met_on == date(2026, 11, 4)
    with pytest.raises(Refused):
        deadline_mark_met(
            deadline=pex.deadlines.get(kind=Deadline.Kind.REVIEW_REQUEST),
            on=date(2026, 11, 4),
            by=demo["senco"],
        )


def test_a_duplicate_upn_in_the_same_la_is_refused_with_the_existing_record(demo):
    with pytest.raises(DuplicatePupil) as error:
        pupil_create(
            by=demo["senco"],
            school=demo["school"],
            joined_on=date(2026, 9, 1),
            upn=demo["pupil"].upn.lower(),
            legal_first_name="Same",
            legal_last_name="Child",
            date_of_birth=date(2012, 1, 1),
            sex="F",
        )
    assert error.value.existing == demo["pupil"]


def test_the_same_upn_may_be_held_by_another_la(demo):
    southvale = School.objects.get(name="Ashcombe High School")
    pupil = pupil_create(
        by=demo["senco"],
        school=southvale,
        joined_on=date(2026, 9, 1),
        upn=make_upn("929", 999),
        legal_first_name="Moved",
        legal_last_name="South",
        date_of_birth=date(2012, 1, 1),
        sex="F",
    )
    assert pupil.la == southvale.la


def test_year_group_follows_the_31_august_rule(demo):
    pupil = demo["pupil"]
    pupil.date_of_birth = date(2011, 9, 1)  # the oldest in the year
    assert pupil.year_group(date(2026, 9, 1)) == 10
    pupil.date_of_birth = date(2012, 8, 31)  # the youngest
    assert pupil.year_group(date(2026, 9, 1)) == 10
    pupil.date_of_birth = date(2012, 9, 1)
    assert pupil.year_group_label(date(2026, 9, 1)) == "Year 9"
