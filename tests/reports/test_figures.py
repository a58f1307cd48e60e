"""Every figure on the director's dashboard equals a count made here from the records; no
suppressed cell can be recovered from what is shown."""

import itertools
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cases.exclusions.models import Exclusion
from organisations.models import LocalAuthority, School
from placements.commissioning.models import Placement
from reports.figures import SUPPRESSED, Table, la_figures
from tests.factories import PupilFactory, SchoolFactory, enrol

pytestmark = pytest.mark.django_db


def _check_against_records(la, year):
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    figures = la_figures(la, year)
    schools = School.objects.filter(la=la)
    counted = Exclusion.objects.filter(
        school__la=la, start_date__gte=first, start_date__lte=last
    ).exclude(state="cancelled")
    on_roll = schools.aggregate(n=Sum("pupils_on_roll"))["n"] or 0
    headline = figures["headline"]
    assert headline["on_roll"] == on_roll
    assert headline["suspensions"] == counted.exclude(kind="PERM").count()
    assert headline["permanent"] == counted.filter(kind="PERM").count()
    for row in figures["by_school"].rows:
        school = schools.get(name=row[0])
        mine = counted.filter(school=school)
        assert row[1] == mine.exclude(kind="PERM").count(), row
        assert row[2] == mine.filter(kind="PERM").count(), row
    assert sum(r[1] for r in figures["by_reason"].rows) == counted.count()
    assert sum(m["count"] for m in figures["months"]) == counted.exclude(kind="PERM").count()
    running = Placement.objects.filter(pupil__la=la, state__in=["active", "accepted"])
    assert figures["ap"]["running"] == running.count()
    assert figures["ap"]["part_time"] == running.filter(part_time=True).count()
    costs = {r[0]: r[1] for r in figures["costs"].rows}
    assert sum(costs.values()) == running.count()
    # Trusts add up to the schools; each trust's row is its schools' rows.
    for row in figures["by_trust"].rows:
        if row[0] == "Maintained schools":
            mine = counted.filter(school__trust__isnull=True)
        else:
            mine = counted.filter(school__trust__name=row[0])
        assert row[1] == mine.exclude(kind="PERM").count(), row
    placements = Placement.objects.filter(pupil__la=la).exclude(state__in=["declined", "withdrawn"])
    in_year = placements.filter(start_date__lte=last).exclude(ended_on__lt=first)
    assert figures["ap"]["in_year"] == in_year.count()
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
    ended = placements.filter(state="ended", ended_on__gte=first, ended_on__lte=last)
    assert figures["post16"].total[1] == ended.exclude(destination="").count()
    assert figures["ap"]["ended"] == ended.count()
    return figures


def test_the_directors_figures_are_the_demo_records_counted(db):
    call_command("load_demo", "--scale", "0.05", "--quiet-accounts")
    la = LocalAuthority.objects.get(code="929")
    figures = _check_against_records(la, 2026)
    assert figures["headline"]["suspensions"] > 0
    for value in figures.values():
        if isinstance(value, Table):
            shown = value.suppressed()
            assert not _recoverable(value), value.title
            for raw, row in zip(value.rows, shown.rows, strict=True):
                for c, cell in enumerate(raw[1:], start=1):
                    if (
                        cell in (1, 2)
                        and c not in value.rate_of
                        and value.title != ("Capacity against demand")
                    ):
                        assert row[c] == SUPPRESSED, (value.title, raw)
    # And last year's too (the demo has a year of exclusions).
    _check_against_records(la, 2025)


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
    figures = _check_against_records(la, 2026)
    row = next(r for r in figures["by_school"].rows if r[0] == "Counting High")
    assert row[1:4] == [6, 1, 500]
    assert str(row[4]) == "1.20"


def _recoverable(table: Table) -> bool:
    """Could a hidden count be worked out from what is shown? Hidden cells are known to be 1 or
    2 unless one of them is a larger (secondary) one; with the total shown, hidden cells that are
    all small can be solved whenever there is only one, or their sum pins them (all 1s or 2s)."""
    shown = table.suppressed()
    for c in range(1, len(shown.columns)):
        skip = c in table.rate_of or c in table.keep
        if skip or shown.total is None or shown.total[c] == SUPPRESSED:
            continue
        hidden = [r for r, row in enumerate(shown.rows) if row[c] == SUPPRESSED]
        if not hidden:
            continue
        if all(table.rows[r][c] in (1, 2) for r in hidden):
            return True
    # A total of 1 or 2 must itself be hidden.
    if table.total is not None:
        for c in range(1, len(shown.columns)):
            counted = c not in table.rate_of and c not in table.keep
            if counted and table.total[c] in (1, 2) and shown.total[c] != SUPPRESSED:
                return True
    return False


@pytest.mark.parametrize(
    "values",
    [
        [1, 5, 9, 30],
        [2, 2, 7, 0],
        [1, 0, 0, 12],
        [3, 4, 5, 6],
        [1, 2, 1, 40],
    ],
)
def test_no_suppressed_cell_can_be_recovered_from_a_total(values):
    table = Table(
        "Test",
        ["Label", "Count"],
        [[f"Row {n}", v] for n, v in enumerate(values)],
        total=["Total", sum(values)],
    )
    shown = table.suppressed()
    for original, row in zip(values, shown.rows, strict=True):
        if original in (1, 2):
            assert row[1] == SUPPRESSED
    assert not _recoverable(table)


def test_rates_made_from_suppressed_counts_are_suppressed_and_two_dimensions_hold():
    rows = [
        [name, a, b, 100, None]
        for name, (a, b) in zip("ABCD", itertools.product([1, 8], [0, 2]), strict=False)
    ]
    table = Table(
        "Test",
        ["School", "S", "P", "Pupils", "Rate"],
        rows,
        total=["T", 18, 4, 400, None],
        rate_of={4: 1},
    )
    shown = table.suppressed()
    for row in shown.rows:
        if row[1] == SUPPRESSED:
            assert row[4] == SUPPRESSED
    assert not _recoverable(table)


def test_off_rolling_signals_count_leavers_after_a_suspension(world):
    from datetime import timedelta

    from cases.pupils.models import Enrolment
    from reports.figures import off_rolling

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
    table = off_rolling([school], date(2026, 9, 1), date(2027, 8, 31))
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
