"""Who may record a pupil's exclusions: the school whose roll they are on, its trust, or the LA."""

from cases.pupils.access import works_with_school
from cases.pupils.models import Pupil
from cases.pupils.services import current_school
from organisations.models import School


def recording_school(user, pupil: Pupil) -> School | None:
    """The school whose roll the pupil is on, if this user may record its exclusions of them
    (the school itself, its trust, or the LA); otherwise None."""
    school = current_school(pupil)
    return school if works_with_school(user, school) else None
