"""The per-user export limit: beyond it, a 429 page (security bar G24)."""

from functools import wraps

from django.http import HttpResponse
from django.template import loader

from audit.services import rate_limit_hit


def export_limited(view_method):
    """Wrap a view's get/post: count the export against the user's hourly allowance."""

    @wraps(view_method)
    def wrapped(self, request, *args, **kwargs):
        wait = rate_limit_hit(user_id=request.user.pk, scope="export")
        if wait is not None:
            body = loader.get_template("429.html").render({"minutes": max(1, wait // 60)})
            return HttpResponse(body, status=429, headers={"Retry-After": str(wait)})
        return view_method(self, request, *args, **kwargs)

    return wrapped
