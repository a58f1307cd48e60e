"""What the DfE's returns need to know of a placement beyond its terms: the primary reason it was
commissioned and every site the pupil attends (Arranging alternative provision, February 2025:
commissioners record each site). docs/dfe-formats.md describes the codes."""

from django.db import transaction

from approvision.records import Refused
from cases.exclusions.models import Exclusion
from cases.pupils.models import Pupil
from cases.referrals.models import Referral
from organisations.models import User
from placements.access import may_record_placement_details
from placements.commissioning.models import Placement, PlacementReason
from placements.commissioning.services import placement_locked
from providers.models import ProviderSite


def reason_from_referral(referral: Referral | None) -> str:
    """The census reason a panel placement can take from its referral, where the referral
    settles it; otherwise blank, and the AP census check asks for it. A permanent exclusion
    outranks every other reason (the DfE's guidance on the item)."""
    if referral is None:
        return ""
    pupil: Pupil = referral.pupil
    excluded = (
        Exclusion.objects.filter(pupil=pupil, kind=Exclusion.Kind.PERMANENT)
        .exclude(state=Exclusion.State.CANCELLED)
        .exists()
    )
    if excluded:
        return PlacementReason.PERMANENT_EXCLUSION
    if referral.reason == Referral.Reason.EXCLUSION:
        return PlacementReason.BEHAVIOUR
    if referral.reason == Referral.Reason.MID_YEAR_ARRIVAL:
        return PlacementReason.AWAITING_PLACE
    if referral.reason == Referral.Reason.NO_SPECIALIST_PROVISION and pupil.sen_status == "E":
        return PlacementReason.EHC_PLAN
    return ""


def open_sites(placement: Placement):
    return ProviderSite.objects.filter(provider_id=placement.provider_id, closed_on__isnull=True)


@transaction.atomic
def placement_details_record(
    *, placement: Placement, by: User, version: int, reason: str, sites: list[ProviderSite]
) -> Placement:
    placement = placement_locked(placement, version)
    if not may_record_placement_details(by, placement):
        raise Refused("Only the local authority, the provider or the commissioning school can")
    if reason not in PlacementReason.values:
        raise Refused("Select the primary reason for the placement", field="reason")
    allowed = set(open_sites(placement).values_list("pk", flat=True)) | set(
        placement.sites.values_list("pk", flat=True)
    )
    if any(site.pk not in allowed for site in sites):
        raise Refused("Select sites of this placement's provider", field="sites")
    placement.reason = reason
    placement.version += 1
    placement.save(update_fields=["reason", "version"])
    placement.sites.set(sites)
    return placement
