from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from placements.commissioning.models import Placement
from placements.commissioning.services import placement_offer
from tests.factories import PupilFactory, enrol, ready_provider


@pytest.fixture
def placed(world):
    """The world, with its provider ready to place with and a Year 10 pupil at the academy."""
    ready_provider(world["provider"], by=world["users"]["la_officer"])
    pupil = PupilFactory(la=world["home"], legal_first_name="Casey", legal_last_name="Marsh")
    enrol(pupil, world["academy"])
    return {**world, "pupil": pupil, "officer": world["users"]["la_officer"]}


def offer(placed, **overrides) -> Placement:
    start = overrides.pop("start_date", timezone.localdate())
    fields = {
        "pupil": placed["pupil"],
        "provider": placed["provider"],
        "by": placed["officer"],
        "source": Placement.Source.LA,
        "tier": Placement.Tier.TIER_2,
        "start_date": start,
        "planned_end": start + timedelta(weeks=12),
        "hours_per_week": Decimal("25"),
        "funding": Placement.Funding.HIGH_NEEDS,
    }
    return placement_offer(**{**fields, **overrides})
