from django.conf import settings
from django.urls import reverse

from audit.services import audit_denial

DENIED = {401, 403, 404}


class DenialLogMiddleware:
    """Log every refused request: 401, 403, 404 (how a record outside one's scope answers), and
    an anonymous visitor sent to sign in. Security bar G13."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.sign_in = None

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        status = response.status_code
        if status in DENIED:
            audit_denial(request=request, status=status)
        elif status == 302 and not _signed_in(request):
            if self.sign_in is None:
                self.sign_in = reverse(settings.LOGIN_URL)
            location = response.get("Location", "")
            if location.startswith(self.sign_in) and "next=" in location:
                audit_denial(request=request, status=status)
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
