"""Per-user API limit (429 with Retry-After beyond it), counted in PostgreSQL."""

from rest_framework.throttling import BaseThrottle

from audit.services import rate_limit_hit


class PerUserApiThrottle(BaseThrottle):
    def allow_request(self, request, view):
        if not request.user.is_authenticated:
            return True
        self.wait_seconds = rate_limit_hit(user_id=request.user.pk, scope="api")
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds
