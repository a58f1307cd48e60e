"""The large-LA generator, at a small size: what it makes, deterministic for a seed."""

import pytest
from django.core.management import call_command

from cases.models import Exclusion, FairAccessCase, Pupil
from organisations.models import LocalAuthority
from placements.models import Placement, ProviderReturn
from reports.figures import la_figures

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


def test_the_generator_makes_a_realistic_la_the_same_way_for_a_seed():
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
    figures = la_figures(LocalAuthority.objects.get(code="990"), 2025)
    assert figures["headline"]["suspensions"] > 0
    # A second run with the same code changes nothing.
    call_command("generate_la", *ARGS, "--seed", "7", "--code", "990")
    assert _summary("990") == first
