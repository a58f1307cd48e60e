"""Writing the read audit: one row for every read of pupil-level data (who, role, organisation,
which pupils, what, when, from where), never the data itself (security bar)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit.models import Denial, PupilRead


def audit_pupil_read(*, request, pupil_ids, action: str) -> PupilRead:
    """Log one read of pupil-level data: who, in what role and organisation, which pupils, when,
    from where. Called by every view, export and report that shows a pupil's data."""
    user = request.user
    membership = user.membership_or_none() if user.is_authenticated else None
    return PupilRead.objects.create(
        user_id=user.pk,
        username=user.get_username(),
        role=membership.get_role_display() if membership else "",
        organisation=str(membership.organisation) if membership else "",
        pupil_ids=sorted(set(pupil_ids)),
        action=action,
        path=request.path[:500],
        ip_address=request.META.get("REMOTE_ADDR"),
        request_id=request.META.get("HTTP_X_REQUEST_ID", "") or uuid.uuid4().hex,
    )


def _who(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, "", None
    return user, user.get_username(), user.membership_or_none()


def audit_denial(*, request, status: int) -> Denial:
    """Log a refused request (never its body or query string)."""
    user, username, membership = _who(request)
    return Denial.objects.create(
        user_id=user.pk if user else None,
        username=username,
        role=membership.get_role_display() if membership else "",
        organisation=str(membership.organisation) if membership else "",
        method=request.method[:10],
        # A NUL (refused with a 400 by approvision.middleware) cannot be stored in PostgreSQL text.
        path=request.path.replace("\x00", "\\x00")[:500],
        status=status,
        ip_address=request.META.get("REMOTE_ADDR"),
    )


def rate_limit_hit(*, user_id: int, scope: str) -> int | None:
    """Count one request of a user in a scope ("api", "export") in the current fixed window.

    Returns None when within the limit, else the seconds until the window ends. One atomic
    upsert: concurrent requests cannot both slip under the limit.
    """
    limit, seconds = settings.APPROVISION_RATE_LIMITS[scope]
    now = timezone.now()
    epoch = int(now.timestamp())
    start = epoch - epoch % seconds
    window_start = now - timedelta(seconds=epoch - start, microseconds=now.microsecond)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_ratecount (key, window_start, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE SET count = audit_ratecount.count + 1 "
            "RETURNING count",
            [f"{scope}:{user_id}", window_start],
        )
        (count,) = cursor.fetchone()
    if count <= limit:
        return None
    return max(1, start + seconds - epoch)
