"""The demo providers' details and due diligence: most current, one lapsing, one lapsed."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from demo.organisations import DemoContext
from providers.models import DueDiligence, ProviderProfile
from providers.services import provider_site_add

# (name, approved list, Ofsted grade, primary places, secondary places, price a week)
PROFILES = {
    "The Harbridge Centre (secondary PRU)": (True, "2", 0, 48, Decimal("0")),
    "Castleton Primary Support Centre (PRU)": (True, "2", 16, 0, Decimal("0")),
    "Pathways Alternative Education": (True, "", 0, 20, Decimal("950")),
    "Wexley Vocational Skills Centre": (True, "3", 0, 30, Decimal("1100")),
    "Bright Futures Online Learning": (True, "", 10, 40, Decimal("420")),
    "Marden College": (True, "2", 0, 25, Decimal("780")),
    "Oakhurst Home Tuition Service": (True, "", 8, 12, Decimal("600")),
    "Riverside Farm Education": (False, "", 0, 10, Decimal("850")),
}
# Where each teaches: (site name, address, postcode); the PRU and the farm on two sites.
SITES = {
    "The Harbridge Centre (secondary PRU)": [
        ("Main centre", "14 Mill Lane, Harbridge", "NM1 4HC"),
        ("Key Stage 4 annexe", "2 Station Road, Harbridge", "NM1 7KS"),
    ],
    "Castleton Primary Support Centre (PRU)": [
        ("Castleton", "Church Street, Castleton", "NM4 2CS")
    ],
    "Pathways Alternative Education": [("Pathways", "Unit 3, Bridge Estate, Northmoor", "NM2 3PA")],
    "Wexley Vocational Skills Centre": [("Wexley", "Forge Road, Wexley", "NM6 1WV")],
    "Marden College": [("Marden campus", "College Road, Marden", "SV2 4MC")],
    "Riverside Farm Education": [
        ("Riverside Farm", "Riverside Farm, Long Lane, Ashby", "NM8 2RF"),
        ("Ashby community garden", "Green Street, Ashby", "NM8 1AG"),
    ],
}


@transaction.atomic
def load(context: DemoContext, *, var_dir: Path) -> None:
    if ProviderProfile.objects.exists():
        return
    today = timezone.localdate()
    recorder = context.users["officer"]
    for name, sites in SITES.items():
        for site, address, postcode in sites:
            provider_site_add(
                provider=context.providers[name],
                by=recorder,
                name=site,
                address=address,
                postcode=postcode,
            )
    for name, (approved, grade, primary, secondary, price) in PROFILES.items():
        provider = context.providers[name]
        profile = ProviderProfile.objects.create(
            provider=provider,
            on_approved_list=approved,
            ofsted_grade=grade,
            primary_places=primary,
            secondary_places=secondary,
            price_per_week=price or None,
        )
        for number, kind in enumerate(DueDiligence.REQUIRED):
            confirmed = today - timedelta(days=60 + 30 * number)
            expires = confirmed + timedelta(days=365)
            if name == "Riverside Farm Education" and kind == DueDiligence.Kind.STAFF_CHECKS:
                confirmed, expires = today - timedelta(days=400), today - timedelta(days=35)
            if name == "Pathways Alternative Education" and kind == DueDiligence.Kind.INSURANCE:
                expires = today + timedelta(days=12)
            DueDiligence.objects.create(
                profile=profile,
                kind=kind,
                confirmed_on=confirmed,
                expires_on=expires,
                detail="Confirmed by letter from the provider's head",
                recorded_by=recorder,
            )
