"""Who may do what to a placement beyond seeing it (`visible_to`): one place for the pages, the
API and the services. Only its provider answers, keeps the register and sends returns; the LA's
officers and the provider may end it."""

from django.core.exceptions import PermissionDenied

from organisations.roles import Role


def provider_only(user, placement):
    membership = user.membership_or_none()
    if membership is None or membership.provider_id != placement.provider_id:
        raise PermissionDenied


def may_end_placement(user, placement) -> bool:
    membership = user.membership_or_none()
    if membership is None:
        return False
    if membership.role == Role.PROVIDER_STAFF:
        return membership.provider_id == placement.provider_id
    return membership.role == Role.LA_OFFICER
