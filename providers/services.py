"""Provider details and due diligence. A lapsed check blocks new placements until renewed."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvision.records import Refused
from organisations.models import ProviderOrganisation, User
from providers.models import DueDiligence, ProviderProfile, ProviderSite


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


@transaction.atomic
def provider_site_add(
    *, provider: ProviderOrganisation, by: User, name: str, address: str, postcode: str
) -> ProviderSite:
    """Record a site where the provider teaches (the 2025 AP guidance: commissioners know every
    site a pupil attends)."""
    name = name.strip()
    if ProviderSite.objects.filter(provider=provider, name__iexact=name).exists():
        raise Refused(f"{provider.name} already has a site called {name}", field="name")
    return ProviderSite.objects.create(
        provider=provider, name=name, address=address.strip(), postcode=postcode
    )


# Full-time for the registration test: the DfE treats education of 18 hours a week or more as
# full-time when deciding whether a setting must register (Registration of independent schools,
# DfE, 2019, and its 2023 update); the LA's own full-time hours may be higher.
REGISTRATION_FULL_TIME_HOURS = 18
# A setting giving full-time education to 5 or more pupils of compulsory school age, or to one
# who is looked after or has an EHC plan, must register as an independent school (Education and
# Skills Act 2008 s92; domain.md section 4).
REGISTRATION_PUPILS = 5


def registration_warning(provider: ProviderOrganisation, day: date | None = None) -> str:
    """Why an unregistered provider has reached the point where it must register as an
    independent school, or "" if it has not (or is registered)."""
    if provider.urn:
        return ""
    day = day or timezone.localdate()
    full_time = (
        provider.placements.filter(state="active", start_date__lte=day)
        .exclude(ended_on__lt=day)
        .filter(hours_per_week__gte=REGISTRATION_FULL_TIME_HOURS)
    )
    # Compulsory school age here: Reception's summer term to the end of Year 11, taken as born
    # in the school years of Years 1 to 11 on this day (aged 5 to 15 when the year began).
    latest = date(day.year - (5 if day.month >= 9 else 6), 8, 31)
    earliest = date(latest.year - 11, 9, 1)
    pupils = (
        full_time.filter(pupil__date_of_birth__range=(earliest, latest))
        .values("pupil_id")
        .distinct()
        .count()
    )
    special = full_time.filter(Q(pupil__looked_after=True) | Q(pupil__sen_status="E")).exists()
    if pupils >= REGISTRATION_PUPILS:
        return (
            f"{provider.name} gives full-time education to {pupils} pupils of compulsory school "
            "age: a setting doing so for 5 or more must register as an independent school"
        )
    if special:
        return (
            f"{provider.name} gives full-time education to a looked-after pupil or one with an "
            "EHC plan: a setting doing so must register as an independent school"
        )
    return ""
