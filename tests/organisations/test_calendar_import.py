from datetime import date

import pytest

from cases.exclusions.models import Deadline, Exclusion
from cases.exclusions.services import exclusion_record
from organisations.calendar import SchoolCalendar
from organisations.calendar_import import calendar_import_apply, calendar_import_check
from organisations.models import NonSchoolDay, Term
from tests.factories import PupilFactory, enrol

HEADER = "school_year,urn,type,name,start,end,description\n"
GOOD = (
    HEADER
    + "2026,,term,autumn_1,2026-09-01,2026-10-23,\n"
    + "2026,,term,autumn_2,02/11/2026,18/12/2026,\n"
    + "2026,,inset,,2026-11-02,,\n"
    + "2026/27,,bank_holiday,,2026-12-24,2026-12-28,Christmas closure\n"
)


def test_a_good_file_is_applied_and_importing_it_again_changes_nothing(world):
    la = world["home"]
    for _ in range(2):
        checked = calendar_import_check(la=la, content=GOOD.encode())
        assert checked.ok, checked.errors
        calendar_import_apply(la=la, checked=checked)
    assert Term.objects.filter(la=la).count() == 2
    # 24-28 December: the weekdays only (24, 25 and 28).
    assert NonSchoolDay.objects.filter(la=la).count() == 4


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_saved(world):
    content = (
        HEADER
        + "2026,,term,autumn_1,2026-09-01,2026-10-23,\n"
        + "twenty,,term,autumn_2,2026-11-02,2026-12-18,\n"
        + "2026,999999,inset,,2026-11-02,,\n"
        + "2026,,term,autumn_9,2026-11-02,2026-12-18,\n"
        + "2026,,holiday,,2026-11-02,,\n"
        + "2026,,term,spring_1,2027-02-30,2027-02-12,\n"
        + "2026,,term,spring_2,2027-03-20,2027-02-22,\n"
        + "2026,,inset,,2028-01-01,,\n"
    )
    checked = calendar_import_check(la=world["home"], content=content.encode())
    assert [row for row, _ in checked.errors] == [3, 4, 5, 6, 7, 8, 9]
    messages = dict(checked.errors)
    assert "school_year must be a year" in messages[3]
    assert "No school with URN 999999" in messages[4]
    assert "autumn_1, autumn_2" in messages[5]
    assert "type must be term" in messages[6]
    assert "is not a date" in messages[7]
    assert "end date is before the start" in messages[8]
    assert "is not in school year 2026/27" in messages[9]
    with pytest.raises(ValueError):
        calendar_import_apply(la=world["home"], checked=checked)
    assert not Term.objects.exists()


def test_a_file_without_the_columns_is_refused(world):
    checked = calendar_import_check(la=world["home"], content=b"a,b\n1,2\n")
    assert "missing: school_year" in checked.errors[0][1]


def test_a_schools_own_inset_day_replaces_the_las(world):
    la, school = world["home"], world["maintained"]
    content = GOOD + f"2026,{school.urn},inset,,2026-10-16,,Own INSET\n"
    calendar_import_apply(la=la, checked=calendar_import_check(la=la, content=content.encode()))
    calendar = SchoolCalendar.for_school(school)
    assert not calendar.is_school_day(date(2026, 10, 16))
    assert calendar.is_school_day(date(2026, 11, 2))  # the LA's INSET day, replaced
    assert not SchoolCalendar.for_school(world["academy"]).is_school_day(date(2026, 11, 2))


def test_changing_term_dates_recounts_open_deadlines(
    world, django_capture_on_commit_callbacks, today
):
    la, school = world["home"], world["maintained"]
    calendar_import_apply(la=la, checked=calendar_import_check(la=la, content=GOOD.encode()))
    pupil = PupilFactory(la=la)
    enrol(pupil, school)
    pex = exclusion_record(
        by=world["users"]["la_officer"],
        pupil=pupil,
        school=school,
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2026, 10, 21),
        reasons=["PA"],
        decided_by="Head",
    )
    provision = pex.deadlines.get(kind=Deadline.Kind.LA_PROVISION)
    assert provision.due_on == date(2026, 11, 5)  # 2 November is INSET
    with_closure = GOOD + "2026,,closure,,2026-11-03,2026-11-04,Flooding\n"
    with django_capture_on_commit_callbacks(execute=True):
        calendar_import_apply(
            la=la, checked=calendar_import_check(la=la, content=with_closure.encode())
        )
    provision.refresh_from_db()
    assert provision.due_on == date(2026, 11, 9)
