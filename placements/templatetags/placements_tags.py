from django import template

from cases.pupils.services import current_school
from placements.commissioning.views import pupil_movements

register = template.Library()


@register.inclusion_tag("placements/_pupil_movements.html", takes_context=True)
def pupil_placements(context, pupil):
    """The case file's placements and moves section, scoped to the user looking at it."""
    user = context["request"].user
    membership = user.membership_or_none()
    school = current_school(pupil)
    at_their_school = school is not None and getattr(membership, "school_id", None) == school.pk
    return {
        **pupil_movements(user, pupil),
        "pupil": pupil,
        "can_place": user.has_perm("placements.add_placement")
        and (user.has_perm("placements.change_pupilmove") or at_their_school),
        "can_move": user.has_perm("placements.add_pupilmove")
        and school is not None
        and (user.has_perm("placements.change_pupilmove") or at_their_school),
        "school_notifying": membership is not None and membership.school_id is not None,
    }
