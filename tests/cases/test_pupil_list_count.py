"""The pupil list of a whole large LA counts no further than the cap, and says so."""

from approvision import paging
from tests.factories import PupilFactory, enrol


def test_the_pupil_list_says_more_than_the_cap_and_counts_exactly_below_it(
    world, sign_in, client, monkeypatch
):
    for _ in range(5):
        enrol(PupilFactory(la=world["home"]), world["academy"])
    sign_in(world["users"]["la_officer"])
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
