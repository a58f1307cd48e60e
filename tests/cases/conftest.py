import pytest

from cases.referrals.services import referral_start
from tests.factories import PupilFactory, enrol


@pytest.fixture
def referral(world, settings, tmp_path):
    """A SENCO's draft referral of a pupil on the academy's roll; uploads go to tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    return referral_start(pupil=pupil, by=world["users"]["school_staff"])
