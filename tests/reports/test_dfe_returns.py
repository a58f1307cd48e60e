"""The DfE's AP returns: census days, the columns against docs/dfe-formats.md, rows checked by
hand, and the failures listed before export."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from placements.commissioning.models import Placement, PlacementReason
from reports.census import (
    AP_CENSUS_COLUMNS,
    REASON_CODES,
    SCHOOL_CENSUS_COLUMNS,
    SETTING_TYPES,
    ap_census,
    ap_census_day,
    ap_census_period,
    school_census,
    school_census_day,
    school_census_period,
)
from tests.factories import PupilFactory, enrol, offer

DOC = settings.BASE_DIR / "docs" / "dfe-formats.md"


def _doc_table(heading: str) -> list[list[str]]:
    """The rows of the first table under a heading of docs/dfe-formats.md."""
    text = DOC.read_text()
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_census_days_are_the_dfe_thursdays():
    # January 2027: the 1st is a Friday, so Thursdays fall on 7, 14, 21: the third is the 21st.
    assert ap_census_day(2027) == date(2027, 1, 21)
    # 1 October 2026 is a Thursday: the first Thursday. May 2027: 1st a Saturday; 6, 13, 20.
    assert school_census_day(2026, "autumn") == date(2026, 10, 1)
    assert school_census_day(2026, "spring") == date(2027, 1, 21)
    assert school_census_day(2026, "summer") == date(2027, 5, 20)
    # January 2026: the 1st is a Thursday; third Thursday the 15th. The 2027 census covers the
    # year from the day after it.
    assert ap_census_period(2027) == (date(2026, 1, 16), date(2027, 1, 21))
    # The spring return covers the term since the autumn census day (1 October 2026).
    assert school_census_period(2026, "spring") == (date(2026, 10, 2), date(2027, 1, 21))


def test_the_extracts_write_exactly_the_fields_the_doc_lists():
    assert [row[0] for row in _doc_table("AP census")] == AP_CENSUS_COLUMNS
    assert [row[0] for row in _doc_table("School census AP placements module")] == (
        SCHOOL_CENSUS_COLUMNS
    )
    assert "Tier" not in AP_CENSUS_COLUMNS


def test_the_code_sets_are_the_ones_the_doc_lists():
    reasons = {row[0]: row[1] for row in _doc_table("Primary reason codes")}
    assert reasons == {code: PlacementReason(value).label for value, code in REASON_CODES.items()}
    setting = set(re.findall(r"\b([A-Z]{3})\b", " ".join(r[2] for r in _doc_table("AP census"))))
    assert set(SETTING_TYPES.values()) <= setting


@pytest.fixture
def census_world(placed, today):
    """Three LA placements in the year to the January 2027 census, and one by the school."""
    placed["provider"].urn = "140001"
    placed["provider"].save()
    pupil = placed["pupil"]
    pupil.date_of_birth = date(2011, 10, 5)
    pupil.save()
    running = offer(
        placed,
        start_date=date(2026, 11, 2),
        planned_end=date(2027, 3, 26),
        hours_per_week=Decimal("22.5"),
        reason=PlacementReason.PERMANENT_EXCLUSION,
    )
    Placement.objects.filter(pk=running.pk).update(state=Placement.State.ACTIVE)
    return {**placed, "running": running}


def _rows(result):
    return {row[0]: row for row in result.rows}


def test_an_ap_census_row_is_worked_out_by_hand(census_world):
    result = ap_census(placements=Placement.objects.all(), year=2027)
    pupil = census_world["pupil"]
    assert result.failures == []
    # The placement runs past census day (21 January 2027): no leaving date. URN only: a URN
    # leaves UKPRN and setting type blank. PEX for a permanent exclusion; 22.5 hours.
    assert _rows(result)[pupil.upn] == [
        pupil.upn,
        "Marsh",
        "Casey",
        "",
        "2011-10-05",
        "M",
        "NOBT",
        "N",
        "140001",
        "",
        "",
        "PEX",
        "2026-11-02",
        "",
        "22.5",
    ]


def test_a_placement_failing_a_dfe_check_is_listed_and_held_back(census_world, today):
    provider = census_world["provider"]
    provider.urn = ""  # a PRU without its URN cannot be found by the DfE
    provider.save()
    Placement.objects.filter(pk=census_world["running"].pk).update(reason="")
    result = ap_census(placements=Placement.objects.all(), year=2027)
    assert result.rows == []
    [(placement, problems)] = result.failures
    assert placement == census_world["running"]
    assert problems == [
        f"{provider.name} is a pupil referral unit: record its URN",
        "Record the placement's primary reason",
    ]


def test_setting_type_stands_in_only_when_there_is_no_urn_or_ukprn(census_world, today):
    provider = census_world["provider"]
    provider.urn, provider.ukprn, provider.kind = "", "10012345", "tuition"
    provider.save()
    row = _rows(ap_census(placements=Placement.objects.all(), year=2027))[census_world["pupil"].upn]
    assert row[8:11] == ["", "10012345", ""]
    provider.ukprn = ""
    provider.save()
    row = _rows(ap_census(placements=Placement.objects.all(), year=2027))[census_world["pupil"].upn]
    assert row[8:11] == ["", "", "OOT"]


def test_placements_outside_the_census_year_or_never_started_are_not_returned(census_world):
    # Ended 15 January 2026, the day of the 2026 census: last year's return, not this one.
    old = offer(
        census_world,
        pupil=PupilFactory(la=census_world["home"]),
        start_date=date(2025, 11, 3),
        planned_end=date(2026, 1, 15),
        reason=PlacementReason.BEHAVIOUR,
    )
    Placement.objects.filter(pk=old.pk).update(
        state=Placement.State.ENDED, ended_on=date(2026, 1, 15), end_reason="reintegrated"
    )
    offered = offer(
        census_world,
        pupil=PupilFactory(la=census_world["home"]),
        start_date=date(2026, 12, 1),
        reason=PlacementReason.BEHAVIOUR,
    )
    result = ap_census(placements=Placement.objects.all(), year=2027)
    assert old not in result.placements and offered not in result.placements
    assert result.placements == [census_world["running"]]


def _school_placement(world, **fields):
    pupil = PupilFactory(la=world["home"], legal_last_name="Okafor")
    enrolment = enrol(pupil, world["academy"], joined_on=date(2025, 9, 1))
    placement = Placement.objects.create(
        pupil=pupil,
        provider=world["provider"],
        school=world["academy"],
        source=Placement.Source.SCHOOL,
        tier=Placement.Tier.TIER_1,
        start_date=date(2026, 11, 9),
        planned_end=date(2026, 12, 18),
        ended_on=date(2026, 12, 18),
        end_reason="reintegrated",
        hours_per_week=Decimal("6"),
        sessions=["tue_am", "thu_am"],
        part_time=True,
        funding=Placement.Funding.SCHOOL,
        reason=PlacementReason.BEHAVIOUR,
        state=Placement.State.ENDED,
        offered_by=world["users"]["school_staff"],
        **fields,
    )
    return pupil, enrolment, placement


def test_a_school_census_row_is_worked_out_by_hand(census_world):
    pupil, _, _ = _school_placement(census_world)
    result = school_census(
        placements=Placement.objects.all(),
        school=census_world["academy"],
        school_year=2026,
        term="spring",
    )
    assert result.failures == []
    # Ended 18 December 2026, inside the spring period (2 October 2026 to 21 January 2027):
    # its leaving date is written. The provider's URN only (140001). Not dual registered; 2
    # sessions a week, part-time.
    assert result.rows == [
        [
            pupil.upn,
            "Okafor",
            pupil.legal_first_name,
            pupil.date_of_birth.isoformat(),
            "140001",
            "",
            "",
            "2026-11-09",
            "2026-12-18",
            "NR",
            "BEH",
            "PT",
            "2",
        ]
    ]
    # The LA's own placement for the academy's pupil is the LA's return, not the school's.
    assert census_world["running"] not in result.placements


def test_a_leaving_date_after_the_pupil_left_the_school_fails(census_world):
    _, enrolment, placement = _school_placement(census_world)
    enrolment.left_on = date(2026, 12, 4)
    enrolment.leaving_reason = "left_area"
    enrolment.save()
    result = school_census(
        placements=Placement.objects.all(),
        school=census_world["academy"],
        school_year=2026,
        term="spring",
    )
    assert result.rows == []
    assert result.failures == [
        (
            placement,
            [
                "The pupil left the school on 4 December 2026: the placement's leaving date "
                "must be on or before then"
            ],
        )
    ]


def _csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_census_page_lists_failures_and_the_download_holds_the_rest(
    census_world, sign_in, client
):
    from audit.models import PupilRead

    bad = offer(
        census_world,
        pupil=PupilFactory(la=census_world["home"], legal_last_name="Noreason"),
        start_date=date(2026, 12, 7),
    )
    Placement.objects.filter(pk=bad.pk).update(state=Placement.State.ACTIVE)
    officer = census_world["officer"]
    page = sign_in(officer).get(reverse("reports:ap_census"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 placement would fail the DfE's checks" in text
    assert "Record the placement&#x27;s primary reason" in text
    rows = _csv(client.get(reverse("reports:ap_census"), {"year": 2027, "download": 1}))
    assert rows[0] == AP_CENSUS_COLUMNS
    assert [row[0] for row in rows[1:]] == [census_world["pupil"].upn]
    assert PupilRead.objects.filter(username=officer.username, action="export").exists()


@pytest.mark.parametrize("role", ["director", "school_staff", "provider_staff", "la_admin"])
def test_only_la_officers_run_the_ap_census(census_world, sign_in, role):
    response = sign_in(census_world["users"][role]).get(reverse("reports:ap_census"))
    assert response.status_code == 403


def test_another_las_officer_sees_none_of_these_placements(census_world, sign_in, client):
    sign_in(census_world["users"]["other_la_officer"])
    rows = _csv(client.get(reverse("reports:ap_census"), {"year": 2027, "download": 1}))
    assert rows == [AP_CENSUS_COLUMNS]


def test_a_school_returns_only_its_own_placements(census_world, sign_in, client):
    pupil, _, _ = _school_placement(census_world)
    query = {"census": "2026-spring", "download": 1}
    sign_in(census_world["users"]["school_staff"])
    rows = _csv(
        client.get(
            reverse("reports:school_census"), {**query, "school": census_world["academy"].pk}
        )
    )
    assert [row[0] for row in rows[1:]] == [pupil.upn]
    client.logout()
    sign_in(census_world["users"]["other_school_staff"])
    response = client.get(
        reverse("reports:school_census"), {**query, "school": census_world["academy"].pk}
    )
    # Not one of their schools: the form refuses it and shows their own school's return.
    assert response.status_code == 200
    assert pupil.upn not in response.content.decode()


def test_a_census_download_is_written_through_the_safe_writer(census_world, sign_in, client):
    census_world["pupil"].legal_last_name = "=HYPERLINK(1)"
    census_world["pupil"].save()
    sign_in(census_world["officer"])
    rows = _csv(client.get(reverse("reports:ap_census"), {"year": 2027, "download": 1}))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_a_panel_placement_takes_its_reason_from_the_referral(census_world):
    from cases.exclusions.models import Exclusion
    from placements.commissioning.details import reason_from_referral
    from tests.factories import record_exclusion

    class Referral:
        pupil = census_world["pupil"]
        reason = "exclusion"

    assert reason_from_referral(Referral) == PlacementReason.BEHAVIOUR
    record_exclusion(
        pupil=census_world["pupil"],
        kind=Exclusion.Kind.PERMANENT,
        school=census_world["academy"],
        by=census_world["users"]["school_staff"],
        start_date=date(2026, 10, 19),
        end_date=None,
        sessions=None,
    )
    assert reason_from_referral(Referral) == PlacementReason.PERMANENT_EXCLUSION
