"""Who may do what to a placement beyond seeing it (`visible_to`): one place for the pages, the
API and the services. Only its provider answers, keeps the register and sends returns; the LA's
officers and the provider may end it."""

from django.core.exceptions import PermissionDenied

from organisations.roles import Role


def is_placements_provider(user, placement) -> bool:
    """Staff of the provider the placement is with: they answer it, keep its register and send
    its returns."""
    membership = user.membership_or_none()
    return membership is not None and membership.provider_id == placement.provider_id


def provider_only(user, placement):
    """For the pages and the API: anyone else is refused outright (403)."""
    if not is_placements_provider(user, placement):
        raise PermissionDenied


def may_end_placement(user, placement) -> bool:
    """The LA's officers, or the provider's own staff."""
    membership = user.membership_or_none()
    if membership is None:
        return False
    if membership.role == Role.PROVIDER_STAFF:
        return membership.provider_id == placement.provider_id
    return membership.role == Role.LA_OFFICER


def may_record_placement_details(user, placement) -> bool:
    """Its reason and sites: the LA's officers, the provider (who knows where it teaches), and the
    school for a placement it commissioned itself (it returns that one in its census)."""
    membership = user.membership_or_none()
    if membership is None:
        return False
    if membership.role == Role.SCHOOL_STAFF:
        return placement.source == "school" and membership.school_id == placement.school_id
    return may_end_placement(user, placement)
