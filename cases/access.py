"""Who may change which case records, beyond seeing them (`visible_to`): one place for the
pages and the API, so both refuse the same things."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cases.models import Pupil
from cases.services import current_school
from organisations.models import School
from organisations.roles import Role


def works_with_school(user, school: School | None) -> bool:
    """Whether a school is one this user works with: its own staff, its trust or its LA."""
    return school is not None and School.objects.visible_to(user).filter(pk=school.pk).exists()


def recording_school(user, pupil: Pupil) -> School | None:
    """The school whose roll the pupil is on, if this user may record its exclusions of them
    (the school itself, its trust, or the LA); otherwise None."""
    school = current_school(pupil)
    return school if works_with_school(user, school) else None


def pupil_the_user_may_change(user, pk) -> Pupil:
    """LA staff change their LA's pupils; a school only those on its roll now."""
    pupil = get_object_or_404(Pupil.objects.visible_to(user), pk=pk)
    membership = user.membership_or_none()
    at_school = membership and membership.role in (Role.SCHOOL_STAFF, Role.TRUST_LEAD)
    if at_school and not works_with_school(user, current_school(pupil)):
        raise PermissionDenied
    return pupil


def is_referrers_school(user, referral) -> bool:
    membership = user.membership_or_none()
    return membership is not None and membership.school_id == referral.school_id
