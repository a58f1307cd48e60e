import uuid

from audit.models import PupilRead


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
