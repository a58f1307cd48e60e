from django.conf import settings
from django.http import HttpResponse
from django.template import loader


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP, Permissions-Policy, and no-store.

    Every signed-in page may show pupil data, so none of them may be kept by a browser or a proxy
    cache (security bar G7).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body over the limit with a 413, before anything reads it (ASVS 5.2.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.APPROVISION_MAX_REQUEST_BYTES:
            body = loader.get_template("413.html").render({"service_name": settings.SERVICE_NAME})
            return HttpResponse(body, status=413)
        return self.get_response(request)
