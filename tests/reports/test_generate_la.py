"""The large-LA generator, at a small size: what it makes, deterministic for a seed."""

from datetime import date

import pytest
from django.core.management import call_command

from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessCase
from cases.pupils.models import Pupil
from organisations.models import LocalAuthority
from organisations.roles import Role
from organisations.services import membership_set
from panels.models import AgendaItem, PanelMeeting
from placements.commissioning.models import Placement
from placements.registers.models import ProviderReturn
from reports.figures import la_figures, school_year_period

pytestmark = pytest.mark.django_db

ARGS = ["--pupils", "4000", "--schools", "20", "--years", "2", "--today", "2026-11-23"]


def _summary(code):
    la = LocalAuthority.objects.get(code=code)
    return (
        la.schools.count(),
        Pupil.objects.filter(la=la, enrolments__isnull=False).distinct().count(),
        Exclusion.objects.filter(school__la=la).count(),
        Placement.objects.filter(pupil__la=la).count(),
        ProviderReturn.objects.filter(placement__pupil__la=la).count(),
        FairAccessCase.objects.filter(la=la).count(),
        sorted(Pupil.objects.filter(la=la).values_list("date_of_birth", flat=True))[:50],
    )


def test_the_generator_makes_a_realistic_la_the_same_way_for_a_seed(django_user_model):
    call_command("generate_la", *ARGS, "--seed", "7", "--code", "990")
    call_command("generate_la", *ARGS, "--seed", "7", "--code", "991")
    first, second = _summary("990"), _summary("991")
    assert first == second
    schools, pupils, exclusions, placements, returns, cases, _ = first
    assert schools == 20
    assert 3500 <= pupils <= 4600
    # About 0.105 suspensions a pupil a year (secondary-weighted), for two years.
    assert 0.08 * 2 * pupils <= exclusions <= 0.2 * 2 * pupils
    assert placements and returns and cases
    whole_year = school_year_period(2025, date(2026, 8, 31))
    figures = la_figures(LocalAuthority.objects.get(code="990"), whole_year)
    assert figures["headline"]["suspensions"] > 0
    # Next week's panel has its agenda; some Fair Access cases wait for a school; a provider's
    # staff see the pupils of its live placements (and only those).
    la = LocalAuthority.objects.get(code="990")
    meeting = PanelMeeting.objects.get(la=la, status=PanelMeeting.Status.PLANNED)
    assert meeting.items.filter(kind=AgendaItem.Kind.REFERRAL).count() == 8
    assert FairAccessCase.objects.filter(la=la, state=FairAccessCase.State.AGREED).exists()
    live = Placement.objects.filter(pupil__la=la, state__in=Placement.LIVE_STATES).first()
    staff = django_user_model.objects.create(username="generated.provider")
    membership_set(user=staff, role=Role.PROVIDER_STAFF, organisation=live.provider)
    seen = set(Pupil.objects.visible_to(staff).values_list("pk", flat=True))
    assert live.pupil_id in seen
    assert seen == set(
        Placement.objects.filter(
            provider=live.provider, state__in=Placement.LIVE_STATES
        ).values_list("pupil_id", flat=True)
    )
    # The generated officer leads its open placements but one in ten, left for the team.
    open_placements = Placement.objects.filter(pupil__la=la, state__in=Placement.LIVE_STATES)
    unled = open_placements.filter(lead_officer__isnull=True).count()
    assert open_placements.filter(lead_officer__username="gen990.officer").exists()
    assert 0 < unled <= open_placements.count() // 10 + 1
    # A second run with the same code changes nothing.
    call_command("generate_la", *ARGS, "--seed", "7", "--code", "990")
    assert _summary("990") == first
