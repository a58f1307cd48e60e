"""Who may change a pupil's record, beyond seeing it (`visible_to`): one place for the pages and
the API, so both refuse the same things."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cases.pupils.models import Pupil
from cases.pupils.services import current_school
from organisations.models import School
from organisations.roles import Role


def works_with_school(user, school: School | None) -> bool:
    """Whether a school is one this user works with: its own staff, its trust or its LA."""
    return school is not None and School.objects.visible_to(user).filter(pk=school.pk).exists()


def pupil_the_user_may_change(user, pk) -> Pupil:
    """LA staff change their LA's pupils; a school only those on its roll now."""
    pupil = get_object_or_404(Pupil.objects.visible_to(user), pk=pk)
    membership = user.membership_or_none()
    at_school = membership and membership.role in (Role.SCHOOL_STAFF, Role.TRUST_LEAD)
    if at_school and not works_with_school(user, current_school(pupil)):
        raise PermissionDenied
    return pupil
