"""Passkeys (WebAuthn, through django-otp-webauthn) for local accounts, beside the authenticator
app.

A passkey is a second factor after the password, or on its own: the authenticator then proves
the person too (user verification: a fingerprint, a face or the device's PIN), so it is two
factors in one. Someone who signs in through DfE Sign-in or their council's provider has no
passkey here: their provider checks them, and a passkey would let them in without the checks
made at each sign-in through it (a moved school, a withdrawn role).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from organisations.models import User


class PasskeyHelper(WebAuthnHelper):
    """The library's helper, with the host taken from the request where `make run` and the tests
    serve on any loopback port, and each passkey named by the day it was added."""

    def _host(self) -> str:
        return self.request.get_host().rsplit(":", 1)[0]

    def get_relying_party_domain(self) -> str:
        if settings.PASSKEY_HOST_FROM_REQUEST:
            return self._host()
        return super().get_relying_party_domain()

    def get_allowed_origins(self) -> list[str]:
        if settings.PASSKEY_HOST_FROM_REQUEST:
            return [f"{self.request.scheme}://{self.request.get_host()}"]
        return super().get_allowed_origins()

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = f"Passkey added {timezone.localdate():%-d %B %Y}"
        return device


def passkeys_allowed(*, user: User) -> bool:
    """Local accounts only: not someone who signs in through an identity provider."""
    return not user.identities.exists()


def passkeys_of(*, user: User):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


@transaction.atomic
def passkey_remove(*, user: User, pk: int) -> WebAuthnCredential:
    """Remove one of your own passkeys (another's is not found). The authenticator app stays, so
    nobody can remove their last way in."""
    passkey = passkeys_of(user=user).select_for_update().filter(pk=pk).first()
    if passkey is None:
        raise WebAuthnCredential.DoesNotExist
    passkey.delete()
    return passkey


def passkey_refusal(*, user: User) -> str | None:
    """Why this person may not use a passkey here, in words for them, or None."""
    if not passkeys_allowed(user=user):
        return (
            "You sign in through your organisation's sign-in, so you cannot use a passkey "
            "here. Your organisation's sign-in may offer one."
        )
    if not user.is_active:
        return "This account is disabled. Ask your local authority's administrator."
    return None
