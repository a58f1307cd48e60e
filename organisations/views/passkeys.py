"""Passkeys: adding one to your account, removing one, and signing in with one.

The ceremonies are django-otp-webauthn's views (and its scripts, which run under our strict
Content-Security-Policy: they are files from our own origin and put no inline script or style on
the page). What changes here is who may use them (organisations.passkeys) and how a sign-in ends:
as one with a code does (organisations.views.sign_in.sign_in_complete).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from organisations.passkeys import passkey_refusal, passkey_remove
from organisations.views.sign_in import PENDING_NEXT, pending_user, sign_in_complete


class PasskeyRefused(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "passkey_refused"


class _MayRegister:
    def check_can_register(self):
        refusal = passkey_refusal(user=self.get_user())
        if refusal:
            raise PasskeyRefused(detail=refusal)


class RegisterBeginView(_MayRegister, BeginCredentialRegistrationView):
    pass


class RegisterCompleteView(_MayRegister, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        # The account page reloads to list it (static/js/app.js) and says so.
        messages.success(self.request, "Passkey added: you can sign in with it now")
        return response


class _SignInCeremony:
    """Anyone may start: after their password (the passkey must then be theirs), or with the
    passkey alone (the authenticator must then verify the person: the library asks for it)."""

    def get_user(self):
        return pending_user(self.request)


@method_decorator(login_not_required, name="dispatch")
class SignInBeginView(_SignInCeremony, BeginCredentialAuthenticationView):
    pass


@method_decorator(login_not_required, name="dispatch")
class SignInCompleteView(_SignInCeremony, CompleteCredentialAuthenticationView):
    next_url = ""

    def complete_auth(self, device):
        refusal = passkey_refusal(user=device.user)
        if refusal:
            raise PasskeyRefused(detail=refusal)
        # Where they were going: kept from the password step, else the page's own ?next=.
        from_password_step = self.request.session.get(PENDING_NEXT)
        self.next_url = sign_in_complete(self.request, user=device.user, device=device)
        if not from_password_step:
            self.next_url = self.get_redirect_url() or self.next_url

    def get_success_url(self):
        return self.next_url


js_catalog = login_not_required(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]))


class PasskeyRemoveView(View):
    """Remove one of your own passkeys (another's is not found)."""

    def post(self, request, pk):
        device = getattr(request.user, "otp_device", None)
        this_session = isinstance(device, WebAuthnCredential) and device.pk == pk
        try:
            passkey = passkey_remove(user=request.user, pk=pk)
        except WebAuthnCredential.DoesNotExist:
            raise Http404 from None
        if this_session:
            # This session was verified with it: it stays signed in on the authenticator app,
            # which every local account has, rather than ending under them.
            otp_login(request, TOTPDevice.objects.filter(user=request.user, confirmed=True).first())
        messages.success(request, f"{passkey.name} removed: it no longer signs you in")
        return redirect(f"{reverse('organisations:account')}#passkeys")
