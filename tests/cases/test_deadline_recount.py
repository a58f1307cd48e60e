"""The nightly recount of open deadlines (cases.tasks.deadlines_refresh): a batch of exclusions
at a time, no query a row, and nothing written when nothing is counted differently.

Dates counted by hand from the demo LA's term dates (see test_statutory_clocks.py):
autumn 2 ends Fri 18 Dec 2026; Christmas 21 Dec - 1 Jan; Mon 4 Jan 2027 is an INSET day.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.exclusions import services
from cases.exclusions.models import Deadline, Exclusion
from cases.tasks import deadlines_refresh
from organisations.models import School, Term
from tests.factories import LocalAuthorityFactory, PupilFactory, enrol, record_exclusion

K = Deadline.Kind


def permanent(demo, pupil, first):
    return record_exclusion(
        by=demo["senco"],
        pupil=pupil,
        school=demo["school"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=first,
        end_date=None,
    )


def test_term_dates_entered_later_turn_an_estimate_into_the_counted_day(demo):
    # Without 2026/27's term dates, a permanent exclusion from Wed 16 Dec 2026 is estimated on
    # weekdays: 16 (1), 17, 18, 21, 22 (5), Wed 23 Dec (6th day: the LA's provision).
    terms = list(
        Term.objects.filter(school_year=2026).values("la_id", "school_id", "name", "start", "end")
    )
    Term.objects.filter(school_year=2026).delete()
    pex = permanent(demo, demo["pupil"], date(2026, 12, 16))
    estimate = pex.deadlines.get(kind=K.LA_PROVISION)
    assert (estimate.due_on, estimate.estimated) == (date(2026, 12, 23), True)

    # The dates are entered: 16, 17, 18 Dec (3), [Christmas; 4 Jan INSET], 5, 6 Jan (5),
    # Thursday 7 January 2027 (6th).
    Term.objects.bulk_create([Term(school_year=2026, **t) for t in terms])
    assert deadlines_refresh() >= 1
    counted = pex.deadlines.get(kind=K.LA_PROVISION)
    assert (counted.pk, counted.due_on, counted.estimated) == (
        estimate.pk,
        date(2027, 1, 7),
        False,
    )


def _recount_queries():
    with CaptureQueriesContext(connection) as queries:
        deadlines_refresh()
    return [q["sql"] for q in queries.captured_queries]


def test_the_recount_asks_the_same_queries_for_two_exclusions_as_for_six(demo, monkeypatch):
    # One batch holds them all (a batch of 500 costs the same few queries as a batch of 2).
    monkeypatch.setattr(services, "RECOUNT_BATCH", 10_000)

    # The more at schools the fewer were not at: their calendars are read with the batch's.
    others = School.objects.filter(la=demo["school"].la).exclude(pk=demo["school"].pk)[:4]
    assert len(others) == 4

    def exclude_more(schools, first):
        for school in schools:
            pupil = PupilFactory(la=school.la)
            enrol(pupil, school)
            record_exclusion(
                by=demo["senco"], pupil=pupil, school=school, kind=Exclusion.Kind.PERMANENT,
                start_date=first, end_date=None,
            )  # fmt: skip

    exclude_more([demo["school"]] * 2, date(2026, 12, 16))
    deadlines_refresh()
    fewer = _recount_queries()
    exclude_more(others, date(2026, 12, 16))
    deadlines_refresh()
    more = _recount_queries()
    assert len(more) == len(fewer)
    # Nothing was counted differently the second time: nothing written.
    assert not [sql for sql in more if sql.split()[0] in ("INSERT", "UPDATE", "DELETE")]


def test_a_clock_that_no_longer_runs_is_removed_and_a_met_one_kept(demo):
    # A permanent exclusion cancelled behind the service's back (as a restore might leave it):
    # the recount removes its open LA provision deadline; one marked met stays on the record.
    pex = permanent(demo, demo["pupil"], date(2026, 12, 16))
    other = PupilFactory(la=demo["school"].la)
    enrol(other, demo["school"])
    kept = permanent(demo, other, date(2026, 12, 16))
    Deadline.objects.filter(exclusion=kept).update(met_on=date(2027, 1, 7))
    Exclusion.objects.filter(pk__in=[pex.pk, kept.pk]).update(state=Exclusion.State.CANCELLED)
    deadlines_refresh()
    assert not pex.deadlines.exists()
    # Its deadlines are all met: the recount no longer reads it, and they stay.
    assert kept.deadlines.filter(met_on=date(2027, 1, 7)).exists()


@pytest.mark.parametrize("one_la", [True, False])
def test_the_recount_of_one_la_leaves_the_others_alone(demo, one_la):
    pex = permanent(demo, demo["pupil"], date(2026, 12, 16))
    Deadline.objects.filter(exclusion=pex).update(due_on=date(2027, 3, 1))
    la_id = LocalAuthorityFactory(code="938").pk if one_la else None
    deadlines_refresh(la_id=la_id)
    due_on = pex.deadlines.get(kind=K.LA_PROVISION).due_on
    # Recounted only when its own LA (or every LA) is: 6th day Thu 7 January 2027 as above.
    assert due_on == (date(2027, 3, 1) if one_la else date(2027, 1, 7))
