"""The pupil list of a whole large LA counts no further than the cap, and says so; where the
database keeps the LA's count (cases.pupils.counts) it says how many there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvision import paging
from tests.factories import PupilFactory, enrol


@pytest.fixture
def five_pupils(world):
    for _ in range(5):
        enrol(PupilFactory(la=world["home"]), world["academy"])


def test_the_pupil_list_says_more_than_the_cap_and_counts_exactly_below_it(
    world, five_pupils, sign_in, client, monkeypatch
):
    # The academy's staff: their scope is counted, no further than the cap.
    sign_in(world["users"]["school_staff"])
    # Five pupils, under a cap of 10: counted exactly.
    monkeypatch.setattr(paging, "CAP", 10)
    assert "5 pupils." in client.get("/pupils/").content.decode()
    # Over a cap of 3: "more than 3", the first 3 listed, and a way to find the rest.
    monkeypatch.setattr(paging, "CAP", 3)
    response = client.get("/pupils/")
    page = response.content.decode()
    assert "More than 3 pupils: the first 3 are listed. Search by name or UPN" in page
    assert len(response.context["object_list"]) == 3
    assert response.context["page_obj"].paginator.num_pages == 1


def test_an_las_whole_list_gives_its_kept_count_past_the_cap_without_counting(
    world, five_pupils, sign_in, client, monkeypatch
):
    sign_in(world["users"]["la_officer"])
    monkeypatch.setattr(paging, "CAP", 3)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/pupils/")
    # The LA's five pupils, from the kept count: the first 3 listed.
    assert "5 pupils: the first 3 are listed. Search by name or UPN" in response.text
    assert not [q for q in captured if "COUNT(*)" in q["sql"]]
    assert response.context["page_obj"].paginator.num_pages == 1
    # A search is counted (no further than the cap).
    searched = client.get("/pupils/?q=Testcase").text
    assert "More than 3 pupils match “Testcase”: the first 3 are listed" in searched
