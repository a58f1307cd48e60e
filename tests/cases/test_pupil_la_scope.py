"""An exclusion's and a referral's pupil LA and home LA are copied onto the row by the database
(cases 0015), so an LA's lists read those tables alone. Whatever writes the row, they match the
pupil; when the pupil's home LA changes, their records move with it."""

from datetime import date

import pytest

from cases.exclusions.models import Exclusion
from cases.pupils.services import pupil_update
from cases.referrals.models import Referral
from tests.factories import PupilFactory, enrol, record_exclusion


@pytest.fixture
def excluded(world, referral):
    """The referral's pupil (on the academy's roll in the home LA), with one suspension."""
    pupil = referral.pupil
    exclusion = record_exclusion(
        by=world["users"]["school_staff"], pupil=pupil, school=world["academy"]
    )
    return pupil, exclusion, referral


def columns(record):
    record.refresh_from_db()
    return record.pupil_la_id, record.pupil_home_la_id


def test_a_service_written_record_carries_its_pupils_las(world, excluded):
    _, exclusion, referral = excluded
    assert columns(exclusion) == (world["home"].pk, None)
    assert columns(referral) == (world["home"].pk, None)


def test_a_pupils_new_home_la_moves_their_records_into_its_officers_lists(world, excluded):
    pupil, exclusion, referral = excluded
    officer, other_officer = world["users"]["la_officer"], world["users"]["other_la_officer"]
    assert not Exclusion.objects.visible_to(other_officer).filter(pk=exclusion.pk).exists()
    assert not Referral.objects.visible_to(other_officer).filter(pk=referral.pk).exists()

    # They move to live in the other LA, still at the academy: that LA arranges PEX provision.
    pupil_update(pupil=pupil, by=officer, version=pupil.version, home_la=world["other"])
    assert columns(exclusion) == (world["home"].pk, world["other"].pk)
    assert columns(referral) == (world["home"].pk, world["other"].pk)
    for user in (officer, other_officer):
        assert Exclusion.objects.visible_to(user).filter(pk=exclusion.pk).exists()
        assert Referral.objects.visible_to(user).filter(pk=referral.pk).exists()

    # And back: the other LA sees them no more.
    pupil.refresh_from_db()
    pupil_update(pupil=pupil, by=officer, version=pupil.version, home_la=None)
    assert columns(exclusion) == (world["home"].pk, None)
    assert not Exclusion.objects.visible_to(other_officer).filter(pk=exclusion.pk).exists()
    assert not Referral.objects.visible_to(other_officer).filter(pk=referral.pk).exists()


def test_a_bulk_insert_and_a_save_from_a_stale_copy_get_the_pupils_las_too(world, excluded):
    """The generator's bulk_create sends no LA; an instance made before the insert holds none
    and a full save() sends that NULL back: the database fills both from the pupil."""
    _, exclusion, _ = excluded
    pupil = PupilFactory(la=world["other"], home_la=world["home"])
    enrol(pupil, world["foreign"])
    row = Exclusion(
        pupil=pupil,
        school=world["foreign"],
        kind="PERM",
        start_date=date(2026, 10, 21),
        reasons=["PA"],
        decided_by="Head",
        recorded_by=world["users"]["other_la_officer"],
    )
    (made,) = Exclusion.objects.bulk_create([row])
    assert columns(made) == (world["other"].pk, world["home"].pk)

    stale = Exclusion.objects.get(pk=exclusion.pk)
    stale.pupil_la_id = stale.pupil_home_la_id = None
    stale.save()
    assert columns(stale) == (world["home"].pk, None)


def test_the_la_scope_reads_the_rows_alone(world):
    """No join to the pupils table: in a region that join read every LA's pupils."""
    officer = world["users"]["la_officer"]
    for queryset in (Exclusion.objects.visible_to(officer), Referral.objects.visible_to(officer)):
        assert '"cases_pupil"' not in str(queryset.query)
