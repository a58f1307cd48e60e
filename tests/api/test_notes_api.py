"""Case notes through the API: the same scoping, rules, audit and versions as the page."""

from datetime import timedelta

from audit.models import PupilRead
from cases.casework.models import CaseNote
from cases.casework.services import note_add


def test_a_restricted_note_is_404_to_the_school_and_the_rules_are_the_pages(today, placed, api):
    officer, pupil = placed["officer"], placed["pupil"]
    school = api(placed["users"]["school_staff"])
    la = api(officer)
    restricted = note_add(
        pupil=pupil,
        by=officer,
        kind="phone",
        happened_on=today,
        text="Social worker called",
        restricted=True,
    )
    # The school writes an open note; it may not restrict one; a future date is refused with it.
    written = school.post(
        "/api/v1/case-notes/",
        {"pupil": pupil.pk, "kind": "meeting", "happened_on": str(today), "text": "Met mum"},
        format="json",
    )
    assert written.status_code == 201, written.json()
    assert written.json()["author"] == placed["users"]["school_staff"].get_full_name()
    refused = school.post(
        "/api/v1/case-notes/",
        {
            "pupil": pupil.pk,
            "kind": "phone",
            "happened_on": str(today + timedelta(days=1)),
            "text": "x",
            "restricted": True,
        },
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"happened_on", "restricted"}  # both at once
    assert CaseNote.objects.count() == 2

    assert school.get(f"/api/v1/case-notes/{restricted.pk}/").status_code == 404
    listed = school.get(f"/api/v1/case-notes/?pupil={pupil.pk}").json()["results"]
    assert [row["text"] for row in listed] == ["Met mum"]
    both = la.get(f"/api/v1/case-notes/?pupil={pupil.pk}").json()["results"]
    assert {row["text"] for row in both} == {"Met mum", "Social worker called"}
    # A pupil of another LA is not one to write about.
    foreign = api(placed["users"]["other_la_officer"]).post(
        "/api/v1/case-notes/",
        {"pupil": pupil.pk, "kind": "other", "happened_on": str(today), "text": "x"},
        format="json",
    )
    assert foreign.status_code == 400 and "pupil" in foreign.json()
    # Each read is audited.
    assert PupilRead.objects.filter(action=PupilRead.Action.API_LIST).count() == 2


def test_only_the_author_corrects_a_note_with_the_version_they_read(today, placed, api):
    officer, pupil = placed["officer"], placed["pupil"]
    note = note_add(pupil=pupil, by=officer, kind="visit", happened_on=today, text="Visited")
    url = f"/api/v1/case-notes/{note.pk}/"
    mine = api(officer)
    tag = mine.get(url)["ETag"]
    other = api(placed["users"]["school_staff"])
    assert other.patch(url, {"text": "x"}, format="json", HTTP_IF_MATCH=tag).status_code == 403
    assert mine.patch(url, {"text": "y"}, format="json").status_code == 428
    changed = mine.patch(url, {"text": "Visited the unit"}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = mine.patch(url, {"text": "z"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert [h.text for h in note.history.order_by("history_date")] == [
        "Visited",
        "Visited the unit",
    ]
