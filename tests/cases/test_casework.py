"""Case work: lead officers and handovers, the caseload, case notes, the timeline, tasks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvision.records import Refused
from cases.casework.caseload import caseload_page
from cases.casework.models import CaseNote, LeadChange, Task
from cases.casework.services import lead_assign, note_add, note_edit, task_add, task_done
from cases.casework.timeline import timeline
from organisations.roles import Role
from tests.factories import PupilFactory, enrol, make_member, offer


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def officers(placed):
    second = make_member(Role.LA_OFFICER, placed["home"], username="second.officer")
    return placed["officer"], second


def test_an_officer_who_offers_a_placement_leads_it_and_a_handover_needs_a_reason(placed, officers):
    first, second = officers
    placement = offer(placed)
    assert placement.lead_officer == first
    with pytest.raises(Refused) as no_reason:
        lead_assign(record=placement, to=second, by=first)
    assert no_reason.value.field == "reason"
    lead_assign(record=placement, to=second, by=first, reason="Going on leave until March")
    placement.refresh_from_db()
    assert placement.lead_officer == second
    handover = LeadChange.objects.filter(object_id=placement.pk).first()
    assert (handover.from_officer, handover.to_officer) == (first, second)
    assert handover.reason == "Going on leave until March"


def test_only_the_las_officers_lead_or_allocate(placed, officers):
    placement = offer(placed)
    school = placed["users"]["school_staff"]
    with pytest.raises(Refused):
        lead_assign(record=placement, to=officers[1], by=school, reason="x")
    other_la = placed["users"]["other_la_officer"]
    with pytest.raises(Refused) as error:
        lead_assign(record=placement, to=other_la, by=officers[0], reason="x")
    assert error.value.field == "to"


def test_the_caseload_lists_an_officers_work_soonest_due_first_in_flat_queries(
    today, placed, officers, sign_in
):
    first, second = officers
    placements = []
    for weeks in (9, 3, 6):
        pupil = PupilFactory(la=placed["home"])
        enrol(pupil, placed["academy"])
        placements.append(
            offer({**placed, "pupil": pupil}, start_date=today + timedelta(weeks=weeks))
        )
    page = caseload_page(first, first, 1)
    # An offered placement is due on its start: 3, 6 then 9 weeks from today.
    assert [row["record"] for row in page.object_list] == [
        placements[1],
        placements[2],
        placements[0],
    ]
    assert caseload_page(second, second, 1).paginator.count == 0
    client = sign_in(first)
    url = reverse("cases:caseload")

    def count():
        return _queries(client, url)

    client.get(url)  # the first request of a session reads more (its session, the caches)
    few = count()
    for _ in range(5):
        pupil = PupilFactory(la=placed["home"])
        enrol(pupil, placed["academy"])
        offer({**placed, "pupil": pupil}, start_date=today + timedelta(weeks=1))
    assert count() == few


def test_the_team_view_shows_unallocated_work_and_allocating_records_it(placed, officers, sign_in):
    first, second = officers
    placement = offer(placed)
    lead_assign(record=placement, to=None, by=first, reason="Back to the team")
    client = sign_in(second)
    page = client.get(reverse("cases:caseload_team"))
    assert placed["pupil"].name in page.content.decode()
    url = reverse("cases:lead", args=["placement", placement.pk])
    response = client.post(url, {"to": second.pk, "reason": ""})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.lead_officer == second
    # A school's staff cannot allocate: the page is not there for them.
    assert sign_in(placed["users"]["school_staff"]).get(url).status_code == 403


def test_a_restricted_note_is_the_las_alone_and_corrections_keep_the_first_wording(
    today, placed, sign_in
):
    officer, pupil = placed["officer"], placed["pupil"]
    note = note_add(
        pupil=pupil,
        by=officer,
        kind="phone",
        happened_on=today,
        text="Social worker called about the family",
        restricted=True,
    )
    open_note = note_add(
        pupil=pupil, by=officer, kind="visit", happened_on=today, text="Visited the academy"
    )
    school = placed["users"]["school_staff"]
    assert set(CaseNote.objects.visible_to(school)) == {open_note}
    page = sign_in(school).get(reverse("cases:notes", args=[pupil.pk])).content.decode()
    assert "Visited the academy" in page and "Social worker" not in page
    assert sign_in(school).get(reverse("cases:note_edit", args=[note.pk])).status_code == 404
    with pytest.raises(Refused) as refused:
        note_add(pupil=pupil, by=school, kind="phone", happened_on=today, text="x", restricted=True)
    assert refused.value.field == "restricted"
    note_edit(note=note, by=officer, version=note.version, text="Social worker called: CP plan")
    assert [h.text for h in note.history.order_by("history_date")] == [
        "Social worker called about the family",
        "Social worker called: CP plan",
    ]
    with pytest.raises(Refused, match="Only the note's author"):
        note_edit(note=open_note, by=placed["users"]["panel_member"], version=None, text="x")


def test_a_note_cannot_be_dated_in_the_future_or_before_birth(today, placed):
    errors = {}
    for day in (
        today + timedelta(days=1),
        placed["pupil"].date_of_birth - timedelta(days=1),
    ):
        with pytest.raises(Refused) as refused:
            note_add(
                pupil=placed["pupil"], by=placed["officer"], kind="other", happened_on=day, text="x"
            )
        errors[day] = refused.value.errors["happened_on"]
    assert sorted(errors.values()) == [
        "The date cannot be before the pupil was born",
        "The date cannot be in the future",
    ]
    assert not CaseNote.objects.exists()


def test_a_panel_action_given_to_the_provider_is_its_task_until_done(today, placed, sign_in):
    provider_staff = placed["users"]["provider_staff"]
    task = task_add(
        la=placed["home"],
        title="Send the induction timetable",
        due_on=today + timedelta(days=7),
        owner=placed["provider"],
        source=Task.Source.PANEL,
        by=placed["officer"],
        pupil=placed["pupil"],
    )
    assert list(Task.objects.visible_to(provider_staff).owned_by(provider_staff).open()) == [task]
    assert not Task.objects.visible_to(placed["users"]["school_staff"]).exists()
    with pytest.raises(Refused):
        task_done(task=task, by=placed["users"]["school_staff"])
    task_done(task=task, by=provider_staff)
    task.refresh_from_db()
    assert task.state == Task.State.DONE and task.done_by == provider_staff


def test_the_timeline_is_flat_in_queries_and_hides_what_the_role_may_not_see(
    today, placed, sign_in
):
    officer, pupil = placed["officer"], placed["pupil"]
    offer(placed)
    note_add(
        pupil=pupil, by=officer, kind="phone", happened_on=today, text="Called", restricted=True
    )
    events, hidden = timeline(officer, pupil)
    kinds = {e.kind for e in events}
    assert {"roll", "placement", "note", "lead"} <= kinds and hidden == []
    school_events, school_hidden = timeline(placed["users"]["school_staff"], pupil)
    assert "note" not in {e.kind for e in school_events}
    assert "Case notes" in school_hidden
    client = sign_in(officer)
    url = reverse("cases:timeline", args=[pupil.pk])

    def count():
        return _queries(client, url)

    client.get(url)  # the first request of a session reads more (its session, the caches)
    few = count()
    # Every source one query (two where its steps are another model's rows gathered apart),
    # plus the page's own: within the 20 every page keeps to.
    assert few <= 20
    for n in range(6):
        note_add(pupil=pupil, by=officer, kind="visit", happened_on=today, text=f"Visit {n}")
    assert count() == few
    only_notes = client.get(url, {"kind": "note"}).content.decode()
    assert "Visit 5" not in only_notes  # the timeline names the note, not its text
    assert only_notes.count("Visit note by") == 6 and "Joined" not in only_notes


def test_notes_are_in_the_subject_access_export_with_their_history_and_go_with_the_pupil(
    today, placed
):
    from rights.retention import _delete_pupil
    from rights.subject_access import subject_access_records

    officer, pupil = placed["officer"], placed["pupil"]
    note = note_add(pupil=pupil, by=officer, kind="visit", happened_on=today, text="Visited")
    note_edit(note=note, by=officer, version=note.version, text="Visited the unit")
    sections = {s["model"]: s for s in subject_access_records(pupil)}
    notes = sections["cases.CaseNote"]
    assert [r["text"] for r in notes["records"]] == ["Visited the unit"]
    assert [h["text"] for h in notes["history"]] == ["Visited", "Visited the unit"]
    _delete_pupil(pupil.pk)
    assert not CaseNote.objects.exists() and not CaseNote.history.exists()


def test_deadline_chasers_go_to_whoever_has_the_duty_once_and_close_when_it_is_met(
    today, placed, officers
):
    from cases.casework.chasers import deadline_chasers
    from cases.exclusions.models import Deadline, Exclusion
    from cases.exclusions.services import exclusion_record

    officer, school, academy = placed["officer"], placed["users"]["school_staff"], placed["academy"]

    def exclude(pupil, kind, **terms):
        return exclusion_record(
            by=school, pupil=pupil, school=academy, kind=kind, reasons=["PA"], decided_by="Head",
            **terms,
        )  # fmt: skip

    # Nobody leads any work for this pupil yet: the LA's 6th-day duty goes to its team.
    unled = exclude(placed["pupil"], Exclusion.Kind.PERMANENT, start_date=today - timedelta(days=3))
    led_pupil = PupilFactory(la=placed["home"])
    enrol(led_pupil, academy)
    offer({**placed, "pupil": led_pupil})  # the officer offering it leads it
    led = exclude(led_pupil, Exclusion.Kind.PERMANENT, start_date=today - timedelta(days=3))
    # 12 sessions (6 days) from today: the school's duty from the 6th day, within the week.
    suspended = PupilFactory(la=placed["home"])
    enrol(suspended, academy)
    suspension = exclude(
        suspended, Exclusion.Kind.SUSPENSION, start_date=today, end_date=today + timedelta(days=7),
        sessions=12,
    )  # fmt: skip

    made = deadline_chasers(today)
    chasers = {t.about_id: t for t in Task.objects.filter(source=Task.Source.DEADLINE)}
    sixth_day = Deadline.Kind.LA_PROVISION
    unled_due = unled.deadlines.get(kind=sixth_day)
    assert chasers[unled_due.pk].owner_la == placed["home"]
    assert chasers[led.deadlines.get(kind=sixth_day).pk].owner_user == officer
    school_due = suspension.deadlines.get(kind=Deadline.Kind.SCHOOL_PROVISION)
    assert chasers[school_due.pk].owner_school == academy
    # Each chaser is due with its deadline; none for a deadline more than a week away.
    window = today + timedelta(days=7)
    for deadline in Deadline.objects.all():
        chased = deadline.pk in chasers
        assert chased == (deadline.due_on <= window and deadline.kind != "review_request")
        if chased:
            assert chasers[deadline.pk].due_on == deadline.due_on
    assert made == {"made": len(chasers), "cancelled": 0}
    # The team's chaser is on every officer's list until one does it.
    for each in officers:
        assert chasers[unled_due.pk] in Task.objects.visible_to(each).owned_by(each)
    assert deadline_chasers(today) == {"made": 0, "cancelled": 0}  # once per deadline
    Deadline.objects.filter(pk=unled_due.pk).update(met_on=today)
    assert deadline_chasers(today) == {"made": 0, "cancelled": 1}
    assert Task.objects.get(pk=chasers[unled_due.pk].pk).state == Task.State.CANCELLED
