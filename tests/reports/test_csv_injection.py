"""Every CSV the service writes neutralises a cell a spreadsheet would run as a formula (OWASP CSV
injection; hardening finding 1): names planted by anyone who can name a pupil or a school come out
as text."""

import csv
import io

import pytest
from django.urls import reverse

from approvision.spreadsheets import neutralised
from cases.pupils.models import Pupil
from organisations.models import ProviderOrganisation, School, Trust, User
from placements.commissioning.models import Placement
from reports.figures import TABLES
from tests.factories import offer

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTabbed=1+1",
    "\r=1+1",
]


def _cells(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_each_formula_start_is_neutralised_and_figures_stay_figures():
    for payload in PAYLOADS:
        assert neutralised(payload) == "'" + payload
    assert neutralised("Smith") == "Smith"
    assert neutralised(-2) == -2 and neutralised(None) == ""


def test_the_census_extract_writes_planted_pupil_names_as_text(placed, sign_in, today):
    # An LA-funded placement starting on the fixed today (11 January 2027) is in the January
    # 2027 census, the one the page offers first.
    Pupil.objects.filter(pk=placed["pupil"].pk).update(
        legal_last_name=PAYLOADS[0], legal_first_name=PAYLOADS[1]
    )
    placed["provider"].urn = "140001"
    placed["provider"].save()
    placement = offer(placed, start_date=today, reason="behaviour")
    Placement.objects.filter(pk=placement.pk).update(state=Placement.State.ACTIVE)
    rows = _cells(sign_in(placed["officer"]).get(reverse("reports:ap_census"), {"download": 1}))
    assert [row[1:3] for row in rows[1:]] == [["'" + PAYLOADS[0], "'" + PAYLOADS[1]]]
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


@pytest.mark.parametrize("table", TABLES)
def test_every_dashboard_table_writes_planted_names_as_text(demo, sign_in, table):
    # Every name an LA administrator or an import can set (schools, trusts, providers) is planted.
    for model in (School, Trust, ProviderOrganisation):
        for n, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(name=f"{PAYLOADS[n % len(PAYLOADS)]} {n}")
    rows = _cells(
        sign_in(User.objects.get(username="director")).get(reverse("reports:export", args=[table]))
    )
    assert len(rows) > 1
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    if table == "by_school":
        names = [row[0] for row in rows[1:] if row[0] not in ("All schools", "Schools in no trust")]
        assert names and all(name.startswith("'") for name in names)
