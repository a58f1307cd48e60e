import base64
import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.forms import INVALID_CREDENTIALS, CodeForm, SignInForm
from organisations.models import (
    LocalAuthority,
    User,
)
from organisations.passkeys import passkeys_allowed, passkeys_of
from organisations.services import (
    totp_device_for_setup,
    totp_verify,
)

PENDING_USER = "sign_in_pending_user"


PENDING_SINCE = "sign_in_pending_since"


PENDING_NEXT = "sign_in_next"


# Between password and code a person has this long before starting again.
PENDING_SECONDS = 5 * 60


ENDED_MESSAGES = {
    "idle": "You were signed out because you had not done anything for 30 minutes.",
    "limit": "You were signed out because you had been signed in for 12 hours.",
}


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@method_decorator(login_not_required, name="dispatch")
class SignInView(FormView):
    """Step 1 of 2: username and password. Nobody is signed in until step 2 checks a code."""

    template_name = "organisations/sign_in.html"
    form_class = SignInForm

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ended_message"] = ENDED_MESSAGES.get(self.request.GET.get("ended", ""))
        from organisations.identity import providers

        names = dict(LocalAuthority.objects.values_list("code", "name"))
        context["identity_providers"] = [
            {"key": p.key, "la_name": names.get(p.la_code, "")} for p in providers().values()
        ]
        return context

    def form_valid(self, form):
        user = authenticate(
            self.request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            # The same words whether the username exists or not (security bar G9).
            form.add_error(None, INVALID_CREDENTIALS)
            return self.form_invalid(form)
        session = self.request.session
        session.cycle_key()
        session[PENDING_USER] = user.pk
        session[PENDING_SINCE] = int(time.time())
        session[PENDING_NEXT] = _safe_next(self.request, self.request.GET.get("next"))
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("organisations:sign_in_code")
        return redirect("organisations:sign_in_setup")


def pending_user(request) -> User | None:
    """The person whose password this session checked in the last 5 minutes, if any."""
    session = request.session
    user_id = session.get(PENDING_USER)
    since = session.get(PENDING_SINCE, 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def sign_in_complete(request, *, user: User, device) -> str:
    """Sign the person in with the second factor they proved (a code, a passkey); the address to
    go on to."""
    next_url = request.session.get(PENDING_NEXT) or reverse(settings.LOGIN_REDIRECT_URL)
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        request.session.pop(key, None)
    # login() gives the session a new key (ASVS 7.2.4).
    login(request, user, backend="organisations.backends.MemberBackend")
    otp_login(request, device)
    request.session["session_started"] = int(time.time())
    return next_url


class _PendingSignInMixin:
    """Steps that need a password already checked in this session, in the last 5 minutes."""

    pending_user: User

    def dispatch(self, request, *args, **kwargs):
        user = pending_user(request)
        if user is None:
            return redirect("organisations:sign_in")
        self.pending_user = user
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_passkey"] = (
            passkeys_allowed(user=self.pending_user)
            and passkeys_of(user=self.pending_user).exists()
        )
        return context

    def _check_code(self, form):
        credentials = {"username": self.pending_user.username}
        if AxesProxyHandler.is_locked(self.request, credentials):
            self.request.axes_locked_out = True
            return self.form_invalid(form)
        device = totp_verify(
            user=self.pending_user,
            code=form.cleaned_data["code"],
            request=self.request,
            confirm=self.confirm,
        )
        if device is None:
            form.add_error(
                "code", "The code is not right. Check your app and enter the latest code"
            )
            return self.form_invalid(form)
        return redirect(sign_in_complete(self.request, user=self.pending_user, device=device))


@method_decorator(login_not_required, name="dispatch")
class SignInCodeView(_PendingSignInMixin, FormView):
    """Step 2 of 2: the code from the user's authenticator app."""

    template_name = "organisations/sign_in_code.html"
    form_class = CodeForm
    confirm = False

    def form_valid(self, form):
        return self._check_code(form)


@method_decorator(login_not_required, name="dispatch")
class SignInSetupView(_PendingSignInMixin, FormView):
    """First sign-in: set up an authenticator app from a QR code, then prove it with a code."""

    template_name = "organisations/sign_in_setup.html"
    form_class = CodeForm
    confirm = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Set up and sign in"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = totp_device_for_setup(user=self.pending_user)
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(
            buffer.getvalue()
        ).decode("ascii")
        secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        return context

    def form_valid(self, form):
        return self._check_code(form)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: the same for every username, known or not (security bar G9)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/v1/"):
        return JsonResponse(
            {"detail": f"Too many failed attempts. Try again in {minutes} minutes."},
            status=settings.AXES_HTTP_RESPONSE_CODE,
            headers={"Retry-After": str(minutes * 60)},
        )
    return render(
        request,
        "organisations/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
