"""What only the provider of a placement may do (answer, register, returns): one place for the
pages and the API."""

from django.core.exceptions import PermissionDenied


def provider_only(user, placement):
    membership = user.membership_or_none()
    if membership is None or membership.provider_id != placement.provider_id:
        raise PermissionDenied
