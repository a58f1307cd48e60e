"""Fair Access fixtures: three secondary schools with postcodes and sizes, a primary, a pupil."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.fair_access.services import fair_access_agree, fair_access_allocate, fair_access_open
from tests.factories import PupilFactory, SchoolFactory


@pytest.fixture
def fa(world, today):
    # Today is 11 January 2027 (tests/conftest.py): the ledger counts this school year so far.
    home = world["home"]
    schools = {
        "kelmscott": world["maintained"],
        "harbridge": world["academy"],
        "kestrel": world["other_trust_school"],
    }
    for school, postcode, size in zip(
        schools.values(), ["NM4 2AB", "NM1 7QQ", "NM2 3CD"], [1100, 900, 1000], strict=True
    ):
        school.postcode, school.pupils_on_roll = postcode, size
        school.save()
    # The LA lists which districts are next to each other: all three schools are within reach.
    home.postcode_neighbours = "NM4: NM1, NM2"
    home.save()
    primary = SchoolFactory(la=home, name="Oak Primary", phase="primary", postcode="NM4 1AA")
    pupil = PupilFactory(la=home, legal_first_name="Sam", legal_last_name="Okoro")
    return {**world, "schools": schools, "primary": primary, "pupil": pupil}


def _open(fa, **overrides):
    fields = {
        "pupil": fa["pupil"],
        "by": fa["users"]["la_officer"],
        "groups": ["7", "12"],
        "unplaced_since": timezone.localdate() - timedelta(weeks=6),
        "applications_tried": "Kelmscott High (full); Harbridge Academy (full)",
        "home_district": "nm4",
        "referred_on": timezone.localdate() - timedelta(days=3),
    }
    return fair_access_open(**{**fields, **overrides})


def _agreed(fa):
    case = _open(fa)
    return fair_access_agree(
        case=case, by=fa["users"]["la_officer"], version=case.version, agreed_on=case.referred_on
    )


def _allocated(fa, school_key="harbridge"):
    case = _agreed(fa)
    fair_access_allocate(
        case=case,
        by=fa["users"]["la_officer"],
        version=case.version,
        school=fa["schools"][school_key],
        reason="Chosen by the panel",
    )
    case.refresh_from_db()
    return case
