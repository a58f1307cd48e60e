"""Provider details and due diligence. A lapsed check blocks new placements until renewed."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from approvision.records import Refused
from organisations.models import ProviderOrganisation, User
from providers.models import DueDiligence, ProviderProfile


def provider_profile(provider: ProviderOrganisation) -> ProviderProfile | None:
    """The provider's details, or None until something about it has been recorded."""
    return ProviderProfile.objects.filter(provider=provider).first()


@transaction.atomic
def due_diligence_record(
    *,
    provider: ProviderOrganisation,
    by: User,
    kind: str,
    confirmed_on: date,
    expires_on: date,
    detail: str = "",
) -> DueDiligence:
    """Record a check (or its renewal). Commissioners keep safeguarding duties for the providers
    they use (domain.md section 4): the checks are confirmed, dated and expire."""
    if confirmed_on > timezone.localdate():
        raise Refused("The date it was confirmed cannot be in the future", field="confirmed_on")
    if expires_on <= confirmed_on:
        raise Refused("It must expire after the date it was confirmed", field="expires_on")
    profile, _ = ProviderProfile.objects.get_or_create(provider=provider)
    return DueDiligence.objects.create(
        profile=profile,
        kind=kind,
        confirmed_on=confirmed_on,
        expires_on=expires_on,
        detail=detail.strip(),
        recorded_by=by,
    )


def due_diligence_current(profile: ProviderProfile | None) -> dict[str, DueDiligence | None]:
    """The latest item of each required kind (from prefetched items when there are some)."""
    latest: dict[str, DueDiligence | None] = dict.fromkeys(DueDiligence.REQUIRED)
    for item in profile.due_diligence.all() if profile else []:
        best = latest.get(item.kind)
        if best is None or item.expires_on > best.expires_on:
            latest[item.kind] = item
    return latest


def placement_blockers(profile: ProviderProfile | None, on: date | None = None) -> list[str]:
    """Why no new placement may be made with this provider today, in plain words; none if it may."""
    on = on or timezone.localdate()
    reasons = []
    for kind, item in due_diligence_current(profile).items():
        label = DueDiligence.Kind(kind).label
        if item is None:
            reasons.append(f"{label}: none recorded")
        elif item.expires_on < on:
            reasons.append(f"{label}: lapsed on {item.expires_on:%-d %B %Y}")
    return reasons
