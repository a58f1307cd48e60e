import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse


class SessionLimitsMiddleware:
    """End a session after 30 minutes idle or 12 hours in all (ASVS 7.3.1, 7.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("session_started", now)
            last_seen = request.session.get("session_last_seen", now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_long = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_long:
                logout(request)
                return redirect(
                    f"{reverse('organisations:sign_in')}?ended={'idle' if idle else 'limit'}"
                )
            # Written at most once a minute, so most requests cost no session write.
            if now - last_seen >= 60 or "session_last_seen" not in request.session:
                request.session["session_last_seen"] = now
        return self.get_response(request)


class RequireVerifiedMiddleware:
    """A session is only signed in once its second factor is verified.

    Our sign-in view only calls login() after a TOTP code is accepted; this refuses any other way
    of becoming authenticated without one (security bar G8).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.user.is_verified():
            logout(request)
            return redirect(reverse("organisations:sign_in"))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Someone signed in with a password an administrator gave them must choose their own first."""

    allowed = ("organisations:password_change", "organisations:sign_out")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            match = request.resolver_match
            if match is not None and match.namespace == "api":
                return None  # the API answers for itself, in JSON (api.permissions)
            if match is None or match.view_name not in self.allowed:
                return redirect("organisations:password_change")
        return None
