from django.conf import settings


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
        limit = settings.APPROVISION_MAX_REQUEST_BYTES
        if request.path.endswith("/import/"):
            limit = settings.APPROVISION_MAX_IMPORT_BYTES
        if length > limit:
            from organisations.views.pages import error_page

            return error_page(request, "413.html", 413)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL byte in the path or the query string is never meant: answer 400 before any view,
    query or log row meets it (PostgreSQL text cannot hold one), and audit the refusal with the NUL
    written as its escape. Hardening finding 4."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            from audit.services import audit_denial
            from organisations.views.pages import error_page

            audit_denial(request=request, status=400)
            return error_page(request, "400.html", 400)
        return self.get_response(request)
