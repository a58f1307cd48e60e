"""Signing in through DfE Sign-in or a council's identity provider (organisations.identity), and
signing out of both the service and the provider."""

import logging
import time
from urllib.parse import urlencode

from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc.errors import JoseError as JoseRfcError
from requests import RequestException

from organisations.identity import (
    SignInRefused,
    client,
    council_groups,
    dfe_roles,
    identity_sign_in,
    provider_mfa_device,
    providers,
    used_mfa,
)
from organisations.views.sign_in import PENDING_NEXT, PENDING_SINCE, PENDING_USER, _safe_next

logger = logging.getLogger("approvision.sign_in")

# Kept in the session for signing out of the provider too (RP-initiated logout).
PROVIDER_KEY = "identity_provider"
ID_TOKEN = "identity_provider_id_token"


def _provider(key: str):
    found = providers().get(key)
    if found is None:
        raise Http404
    return found


@method_decorator(login_not_required, name="dispatch")
class ProviderSignInView(View):
    """Off to the provider, with a state, a nonce and a PKCE challenge kept in the session."""

    def get(self, request, provider):
        found = _provider(provider)
        request.session[PENDING_NEXT] = _safe_next(request, request.GET.get("next"))
        callback = request.build_absolute_uri(
            reverse("organisations:provider_callback", args=[found.key])
        )
        return client(found).authorize_redirect(request, callback)


def _refused(request, words: str, ask: str, status: int = 403):
    return render(
        request,
        "organisations/sign_in_refused.html",
        {"words": words, "ask": ask},
        status=status,
    )


@method_decorator(login_not_required, name="dispatch")
class ProviderCallbackView(View):
    """Back from the provider: the code exchanged and the ID token checked (signature, issuer,
    audience, expiry, nonce; the state against the session), then who the person is here."""

    def get(self, request, provider):
        found = _provider(provider)
        try:
            token = client(found).authorize_access_token(request)
            claims = token.get("userinfo") or {}
            if found.key == "dfe":
                roles = dfe_roles(claims)
            else:
                roles = council_groups(found, claims, token.get("access_token", ""))
        except (AuthlibBaseError, JoseRfcError, KeyError) as error:
            logger.warning("Sign-in through %s refused: %s", found.key, type(error).__name__)
            return _refused(
                request,
                "Signing in did not complete, or took too long.",
                "Start again from the sign-in page.",
                status=400,
            )
        except RequestException:
            logger.warning("%s's API did not answer", found.key)
            return _refused(
                request,
                f"{'DfE Sign-in' if found.key == 'dfe' else 'Your council'} did not say what you "
                "may do in approvision.",
                "Try again in a few minutes.",
                status=503,
            )
        try:
            user = identity_sign_in(found, claims, roles)
        except SignInRefused as refused:
            return _refused(request, refused.words, refused.ask)
        next_url = request.session.pop(PENDING_NEXT, None) or reverse(settings.LOGIN_REDIRECT_URL)
        if used_mfa(claims):
            login(request, user, backend="organisations.backends.MemberBackend")
            otp_login(request, provider_mfa_device(user, found))
            request.session["session_started"] = int(time.time())
            request.session[PROVIDER_KEY] = found.key
            request.session[ID_TOKEN] = token.get("id_token", "")
            return redirect(next_url)
        # The provider used no second factor: ours, as after a password.
        session = request.session
        session.cycle_key()
        session[PENDING_USER] = user.pk
        session[PENDING_SINCE] = int(time.time())
        session[PENDING_NEXT] = next_url
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("organisations:sign_in_code")
        return redirect("organisations:sign_in_setup")


class SignOutView(View):
    """Sign out here, and of the identity provider too when signed in through one."""

    def post(self, request):
        key, id_token = request.session.get(PROVIDER_KEY), request.session.get(ID_TOKEN)
        logout(request)
        found = providers().get(key) if key else None
        if found is None:
            return redirect(settings.LOGOUT_REDIRECT_URL or "organisations:sign_in")
        metadata = client(found).load_server_metadata()
        end = metadata.get("end_session_endpoint")
        if not end:
            return redirect("organisations:signed_out")
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": request.build_absolute_uri(
                    reverse("organisations:signed_out")
                ),
            }
        )
        return redirect(f"{end}?{query}")


@method_decorator(login_not_required, name="dispatch")
class SignedOutView(TemplateView):
    template_name = "organisations/signed_out.html"
