"""Every figure on the director's dashboard equals a count made here from the records; no
suppressed cell can be recovered from what is shown."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cases.exclusions.models import Exclusion
from organisations.models import LocalAuthority, School
from placements.commissioning.models import Placement
from reports.figures import la_figures, period_for, school_year_period
from reports.figures.periods import Period
from tests.factories import PupilFactory, SchoolFactory, enrol

pytestmark = pytest.mark.django_db


def _check_against_records(la, period: Period):
    first, last = period.first, period.last
    figures = la_figures(la, period)
    schools = School.objects.filter(la=la)
    counted = Exclusion.objects.filter(
        school__la=la, start_date__gte=first, start_date__lte=last
    ).exclude(state="cancelled")
    headline = figures["headline"]
    assert headline["suspensions"] == counted.exclude(kind="PERM").count()
    assert headline["permanent"] == counted.filter(kind="PERM").count()
    table = figures["by_school"]
    trusts = {row[0]: row for r, row in enumerate(table.rows) if r in table.group_rows}
    for r, row in enumerate(table.rows):
        if r in table.group_rows:
            continue
        school = schools.get(name=row[0])
        mine = counted.filter(school=school)
        assert row[1] == mine.exclude(kind="PERM").count(), row
        assert row[3] == mine.filter(kind="PERM").count(), row
    # Each trust's row adds up its schools; the total adds up the trusts.
    for group, members in table.groups:
        for c in (1, 3, 5):
            assert table.rows[group][c] == sum(table.rows[m][c] for m in members)
    assert table.total[1] == sum(row[1] for row in trusts.values()) == headline["suspensions"]
    assert table.total[5] == headline["on_roll"]
    assert sum(r[1] for r in figures["by_reason"].rows) == counted.count()
    assert sum(r[1] for r in figures["by_month"].rows) == headline["suspensions"]
    started = Placement.objects.filter(pupil__la=la, start_date__lte=last).exclude(
        state__in=["declined", "withdrawn", "offered"]
    )
    running = started.exclude(ended_on__lte=last)
    assert figures["ap"]["running"] == running.count()
    assert figures["ap"]["part_time"] == running.filter(part_time=True).count()
    assert sum(r[1] for r in figures["costs"].rows) == running.count()
    assert figures["ap"]["in_period"] == started.exclude(ended_on__lt=first).count()
    from cases.fair_access.models import FairAccessAllocation
    from placements.reintegration.models import FollowUp

    allocations = FairAccessAllocation.objects.filter(
        school__la=la, allocated_on__gte=first, allocated_on__lte=last
    )
    assert figures["fair_access"]["accepted"] == allocations.filter(answer="accepted").count()
    assert figures["fair_access"]["refused"] == allocations.filter(answer="refused").count()
    follow_ups = FollowUp.objects.filter(
        plan__placement__pupil__la=la, recorded_on__gte=first, recorded_on__lte=last
    )
    for row, weeks in zip(figures["reintegration"].rows, (6, 12), strict=True):
        assert row[1] == follow_ups.filter(weeks=weeks, held=True).count()
        assert row[2] == follow_ups.filter(weeks=weeks, held=False).count()
    ended = Placement.objects.filter(
        pupil__la=la, state="ended", ended_on__gte=first, ended_on__lte=last
    )
    assert figures["post16"].total[1] == ended.exclude(destination="").count()
    assert figures["ap"]["ended"] == ended.count()
    return figures


def test_the_directors_figures_are_the_demo_records_counted(db):
    from django.utils import timezone

    call_command("load_demo", "--scale", "0.05", "--quiet-accounts")
    la = LocalAuthority.objects.get(code="929")
    today = timezone.localdate()
    figures = _check_against_records(la, period_for(None, today))
    # The demo's latest January census before today is the base (15 January 2026 on 1 December
    # 2026): its headcounts are the schools' pupils on roll, 15,070 in all.
    from demo.reports import last_census_year
    from reports.census import school_census_day

    latest = school_census_day(last_census_year(today), "spring")
    assert figures["base"].census_date == latest
    assert (
        figures["headline"]["on_roll"]
        == School.objects.filter(la=la).aggregate(n=Sum("pupils_on_roll"))["n"]
    )
    # And last year's, a whole school year (the demo has a year of exclusions).
    _check_against_records(la, school_year_period(2025, today))


def test_the_figures_count_generated_records(world):
    la = world["home"]
    school = SchoolFactory(la=la, name="Counting High", pupils_on_roll=500)
    for n in range(7):
        pupil = PupilFactory(la=la)
        enrol(pupil, school)
        Exclusion.objects.create(
            pupil=pupil,
            school=school,
            kind="PERM" if n == 0 else "FIXD",
            reasons=["PA" if n % 2 else "VB"],
            start_date=date(2026, 10, 1 + n),
            sessions=None if n == 0 else 2,
            decided_by="Head",
            recorded_by=world["users"]["la_officer"],
        )
    figures = _check_against_records(la, school_year_period(2026, date(2027, 8, 31)))
    row = next(r for r in figures["by_school"].rows if r[0] == "Counting High")
    # No census held: the rate is per 100 of the 500 pupils on roll the school records.
    assert row[1] == 6 and row[3] == 1 and row[5] == 500
    assert str(row[2]) == "1.20"  # 6 / 500 x 100


def test_off_rolling_signals_count_leavers_after_a_suspension(world):
    from datetime import timedelta

    from cases.pupils.models import Enrolment
    from reports.figures.counts import off_rolling

    la = world["home"]
    school = SchoolFactory(la=la, name="Watched High")
    for reason, suspended_days_before in [
        ("ehe", 30),
        ("cme", 100),
        ("ehe", 400),
        ("moved_school", 10),
        ("ehe", None),
    ]:
        pupil = PupilFactory(la=la)
        left = date(2026, 11, 1)
        Enrolment.objects.create(
            pupil=pupil,
            school=school,
            joined_on=date(2024, 9, 1),
            left_on=left,
            leaving_reason=reason,
        )
        if suspended_days_before is not None:
            Exclusion.objects.create(
                pupil=pupil,
                school=school,
                kind="FIXD",
                reasons=["PA"],
                start_date=left - timedelta(days=suspended_days_before),
                sessions=2,
                decided_by="Head",
                recorded_by=world["users"]["la_officer"],
            )
    table = off_rolling([school], school_year_period(2026, date(2027, 8, 31)))
    # Home education 30 days after a suspension, and missing education 100 days after: 2.
    assert table.rows == [["Watched High", 2]]


def test_the_directors_dashboard_takes_the_same_queries_for_more_records(world, sign_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(world["users"]["director"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            school = SchoolFactory(la=world["home"], pupils_on_roll=300)
            pupil = PupilFactory(la=world["home"])
            enrol(pupil, school)
            Exclusion.objects.create(
                pupil=pupil,
                school=school,
                kind="FIXD",
                reasons=["PA"],
                start_date=date(2026, 10, 5),
                sessions=2,
                decided_by="Head",
                recorded_by=world["users"]["la_officer"],
            )

    add(2)
    queries()
    few = queries()
    add(10)
    assert queries() == few
