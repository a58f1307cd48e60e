"""Other systems follow an exclusion's clocks and record the steps after it through the API, by
the same service as the pages (issue 16).

The test world has no term dates, so every count is an estimate: weekdays that are not bank
holidays, not in August and not 24 December - 1 January. Today is Monday 11 January 2027.
"""

from datetime import date

import pytest

from cases.exclusions.models import Exclusion
from tests.factories import PupilFactory, enrol, record_exclusion


@pytest.fixture
def pex(world, today):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    return record_exclusion(
        by=world["users"]["school_staff"],
        pupil=pupil,
        school=world["academy"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2026, 11, 16),
        end_date=None,
        parents_notified_on=date(2026, 11, 16),
    )


def clocks(answer):
    return {c["kind"]: c for c in answer.json()["clocks"]}


def test_an_exclusion_is_read_with_its_clocks(world, pex, api):
    answer = api(world["users"]["la_officer"]).get(f"/api/v1/exclusions/{pex.pk}/")
    assert answer.status_code == 200
    got = clocks(answer)
    # From Mon 16 Nov: 16, 17, 18, 19, 20 (5), Mon 23 Nov (6th).
    assert got["la_provision"]["due_on"] == "2026-11-23"
    # 15 after notice on 16 Nov: 17-20 (4), 23-27 (9), 30 Nov - 4 Dec (14), Mon 7 Dec (15).
    assert got["board_review"]["due_on"] == "2026-12-07"
    assert got["board_review"]["estimated"] is True  # no term dates entered
    assert got["board_review"]["met_on"] is None
    assert "SI 2012/1033" in got["board_review"]["rule"]
    assert answer["ETag"] == f'"{pex.pk}-{pex.version}"'
    # The list stays light: no clocks there.
    listed = api(world["users"]["la_officer"]).get("/api/v1/exclusions/")
    assert "clocks" not in listed.json()["results"][0]


def test_the_boards_decision_and_its_posted_notice_are_recorded_through_the_api(world, pex, api):
    client = api(world["users"]["school_staff"])
    url = f"/api/v1/exclusions/{pex.pk}/steps/"
    given = {
        "to": "upheld",
        "on": "2026-12-03",
        "notice_sent_on": "2026-12-04",
        "notice_method": "post",
    }
    assert client.post(url, given, format="json").status_code == 428  # no If-Match
    stale = client.post(url, given, format="json", HTTP_IF_MATCH=f'"{pex.pk}-99"')
    assert stale.status_code == 412
    answer = client.post(url, given, format="json", HTTP_IF_MATCH=f'"{pex.pk}-{pex.version}"')
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["state"] == "upheld" and body["board_decided_on"] == "2026-12-03"
    # Posted Fri 4 Dec: given on the 2nd working day after, Tue 8 Dec. 15 (estimated) school
    # days after: 9-11 (3), 14-18 (8), 21-23 (11), [24 Dec - 1 Jan], 4, 5, 6 (14), Thu 7 Jan.
    assert body["board_notice_given_on"] == "2026-12-08"
    window = clocks(answer)["review_request"]
    assert window["due_on"] == "2027-01-07" and window["estimated"] is True
    assert clocks(answer)["board_review"]["met_on"] == "2026-12-03"
    assert answer["ETag"] == f'"{pex.pk}-{pex.version + 1}"'
    # Then the parents apply for a review, as they may: its panel's clock starts.
    applied = client.post(
        url,
        {"to": "review_requested", "on": "2027-01-06"},
        format="json",
        HTTP_IF_MATCH=answer["ETag"],
    )
    assert applied.status_code == 200
    assert clocks(applied)["review_request"]["met_on"] == "2027-01-06"
    assert "review_panel" in clocks(applied)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"to": "upheld", "on": "2027-02-01"}, "on"),  # in the future
        ({"to": "upheld", "on": "2026-11-01"}, "on"),  # before the exclusion
        ({"to": "upheld", "on": "2026-12-03", "notice_sent_on": "2026-12-01"}, "notice_method"),
        (
            {
                "to": "upheld",
                "on": "2026-12-03",
                "notice_sent_on": "2026-12-01",
                "notice_method": "post",
            },
            "notice_sent_on",
        ),
        ({"to": "review_outcome", "on": "2026-12-03"}, None),  # not a move it can make now
        ({"to": "nonsense", "on": "2026-12-03"}, "to"),
    ],
)
def test_a_bad_step_is_a_400_naming_the_field_and_changes_nothing(world, pex, api, given, field):
    client = api(world["users"]["la_officer"])
    answer = client.post(
        f"/api/v1/exclusions/{pex.pk}/steps/",
        given,
        format="json",
        HTTP_IF_MATCH=f'"{pex.pk}-{pex.version}"',
    )
    assert answer.status_code == 400
    if field:
        assert field in answer.json(), answer.json()
    pex.refresh_from_db()
    assert pex.state == Exclusion.State.BOARD_REVIEW_DUE and pex.board_decided_on is None


def test_only_those_who_may_change_exclusions_record_steps_and_only_their_own(world, pex, api):
    headers = {"HTTP_IF_MATCH": f'"{pex.pk}-{pex.version}"'}
    given = {"to": "upheld", "on": "2026-12-03"}
    url = f"/api/v1/exclusions/{pex.pk}/steps/"
    # A director reads figures, not exclusions; a school that cannot see it gets 404.
    assert api(world["users"]["director"]).post(
        url, given, format="json", **headers
    ).status_code in (
        403,
        404,
    )
    other = api(world["users"]["other_school_staff"]).post(url, given, format="json", **headers)
    assert other.status_code == 404
    pex.refresh_from_db()
    assert pex.state == Exclusion.State.BOARD_REVIEW_DUE
