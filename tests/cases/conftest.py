import pytest

from cases.referrals.services import referral_start
from demo.organisations import DemoContext, load
from organisations.models import School, User
from tests.factories import PupilFactory, enrol


@pytest.fixture
def referral(world, settings, tmp_path):
    """A SENCO's draft referral of a pupil on the academy's roll; uploads go to tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    return referral_start(pupil=pupil, by=world["users"]["school_staff"])


@pytest.fixture
def demo(db, tmp_path, today):
    """The demo LA loaded on 11 January 2027 (its 2025/26 to 2027/28 term dates, against which
    the clock tests count by hand), and a pupil on Kelmscott High School's roll."""
    load(DemoContext(), var_dir=tmp_path)
    school = School.objects.get(name="Kelmscott High School")
    pupil = PupilFactory(la=school.la)
    enrol(pupil, school)
    return {"school": school, "pupil": pupil, "senco": User.objects.get(username="senco")}
