"""The weekly panel: schedule, agenda, pack, live decisions, minutes; with the rules they keep."""

import shutil
import subprocess
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvision.records import Refused, StaleVersion
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_record
from cases.notices.models import Message
from cases.referrals.models import Referral
from cases.referrals.services import (
    evidence_add,
    referral_accept,
    referral_start,
    referral_submit,
    referral_update,
)
from demo.organisations import DemoContext, load
from organisations.models import LocalAuthority, ProviderOrganisation, User
from organisations.roles import Role
from panels.models import AgendaItem, Decision, PanelMeeting, PanelMember, PanelSeries
from panels.services.agenda import agenda_build, agenda_item_move, pack_issue
from panels.services.decisions import decision_record
from panels.services.meetings import (
    attendance_record,
    conflicts_declare,
    meeting_start,
    panel_meetings_schedule,
    quorate,
)
from panels.services.minutes import minutes_amend, minutes_approve
from tests.cases.test_referrals import ANSWERS, PDF
from tests.factories import PupilFactory, enrol, make_member, ready_provider
from tests.notify.local import received


@pytest.fixture
def setup(db, settings, tmp_path, today):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = DemoContext()
    load(context, var_dir=tmp_path)
    la = context.las["929"]
    series = PanelSeries.objects.create(
        la=la, weekday=3, start_time=time(13), cutoff_days_before=7, cutoff_time=time(12)
    )
    today = timezone.localdate()
    meeting = PanelMeeting.objects.create(
        la=la,
        series=series,
        date=today + timedelta(days=2),
        start_time=time(13),
        cutoff=timezone.now() + timedelta(hours=1),
        quorum=2,
    )
    chair = User.objects.get(username="panel")
    officer = User.objects.get(username="officer")
    senco = User.objects.get(username="senco")
    PanelMember.objects.create(meeting=meeting, user=chair, role=PanelMember.Role.CHAIR)
    school_rep = make_member(
        Role.SCHOOL_STAFF, context.schools["Harbridge Academy"], username="rep"
    )
    PanelMember.objects.create(meeting=meeting, user=school_rep, role=PanelMember.Role.SCHOOL_REP)
    provider = ProviderOrganisation.objects.get(name__startswith="The Harbridge Centre")
    ready_provider(provider, by=officer)
    return {
        "la": la,
        "series": series,
        "meeting": meeting,
        "chair": chair,
        "officer": officer,
        "senco": senco,
        "rep": school_rep,
        "school": context.schools["Harbridge Academy"],
        "provider": provider,
        "today": today,
    }


def accepted_referral(setup, n=0):
    pupil = PupilFactory(la=setup["la"], legal_first_name=f"Referred{n}")
    enrol(pupil, setup["school"])
    referral = referral_start(pupil=pupil, by=setup["senco"])
    referral = referral_update(
        referral=referral, by=setup["senco"], version=referral.version, **ANSWERS
    )
    referral = referral_submit(referral=referral, by=setup["senco"])
    return referral_accept(referral=referral, by=setup["officer"], version=referral.version)


def excluded_permanently(setup, **pupil):
    """A pupil of the school permanently excluded three days ago (its 6th-day check is due)."""
    excluded = PupilFactory(la=setup["la"], **pupil)
    enrol(excluded, setup["school"])
    return exclusion_record(
        by=setup["senco"],
        pupil=excluded,
        school=setup["school"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=setup["today"] - timedelta(days=3),
        reasons=["PA"],
        decided_by="Head",
    )


def test_meetings_follow_the_term_time_calendar(setup):
    made = panel_meetings_schedule(
        series=setup["series"], first=date(2026, 10, 1), last=date(2026, 11, 30)
    )
    dates = [m.date for m in made]
    assert date(2026, 10, 29) not in dates  # half-term
    assert date(2026, 10, 22) in dates and date(2026, 11, 5) in dates
    assert all(d.weekday() == 3 for d in dates)
    meeting = next(m for m in made if m.date == date(2026, 11, 5))
    assert meeting.cutoff == timezone.make_aware(datetime(2026, 10, 29, 12))
    # Scheduling again makes nothing new.
    assert (
        panel_meetings_schedule(
            series=setup["series"], first=date(2026, 10, 1), last=date(2026, 11, 30)
        )
        == []
    )


def test_the_agenda_builds_itself_and_only_once(setup):
    referral = accepted_referral(setup)
    pex = excluded_permanently(setup)
    added = agenda_build(meeting=setup["meeting"])
    kinds = {(i.kind, i.referral_id) for i in added}
    assert (AgendaItem.Kind.REFERRAL, referral.pk) in kinds
    # Every new permanent exclusion comes for its 6th-day check.
    assert (AgendaItem.Kind.PEX_CHECK, None) in {(i.kind, i.referral_id) for i in added}
    assert any(i.exclusion_id == pex.pk for i in added)
    assert agenda_build(meeting=setup["meeting"]) == []


def test_a_referral_accepted_after_the_cutoff_waits_for_the_next_panel(setup):
    meeting = setup["meeting"]
    meeting.cutoff = timezone.now() - timedelta(days=1)
    meeting.save()
    accepted_referral(setup)
    assert not any(i.referral_id for i in agenda_build(meeting=meeting))


def test_the_officer_reorders_until_the_pack_is_issued_then_it_is_fixed(setup):
    accepted_referral(setup, 1)
    accepted_referral(setup, 2)
    items = agenda_build(meeting=setup["meeting"])
    agenda_item_move(item=items[1], up=True)
    order = list(setup["meeting"].items.values_list("pk", flat=True))
    assert order[:2] == [items[1].pk, items[0].pk]
    meeting = pack_issue(meeting=setup["meeting"], by=setup["officer"])
    assert meeting.pack.read(5) == b"%PDF-"
    with pytest.raises(Refused):
        agenda_item_move(item=items[0], up=True)


EARLY = "Brought forward: the chair is away on the day"


def run_meeting(setup):
    referral = accepted_referral(setup)
    agenda_build(meeting=setup["meeting"])
    pack_issue(meeting=setup["meeting"], by=setup["officer"])
    # The meeting is in two days: an officer starts it early, with the reason.
    meeting_start(meeting=setup["meeting"], by=setup["officer"], early_reason=EARLY)
    return referral, AgendaItem.objects.get(referral=referral)


def approve(setup, item, **overrides):
    start = timezone.localdate() + timedelta(days=7)
    fields = {
        "item": item,
        "by": setup["chair"],
        "version": item.version,
        "outcome": "approve",
        "reason": "Needs a small setting for a term",
        "provider": setup["provider"],
        "tier": "tier_2",
        "start_date": start,
        "hours_per_week": Decimal("20"),
        "first_review_date": start + timedelta(days=35),
        "planned_end": start + timedelta(weeks=12),
    }
    return decision_record(**{**fields, **overrides})


def test_approving_a_placement_decides_the_referral_and_tells_school_and_provider(
    setup, django_capture_on_commit_callbacks
):
    referral, item = run_meeting(setup)
    setup["senco"].email = "senco@example.org"
    setup["senco"].save()
    provider_staff = User.objects.get(username="provider")
    with django_capture_on_commit_callbacks(execute=True):
        decision = approve(setup, item)
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECIDED
    assert "Placement approved with The Harbridge Centre" in referral.outcome
    # One message each to the referrer and the provider's staff, through the local Notify;
    # neither names the pupil.
    told = Message.objects.filter(kind="panel_decision", about_id=referral.pk)
    assert {m.to_address for m in told} >= {"senco@example.org", provider_staff.email}
    sent = received(*told)
    assert sorted(r["recipient"] for r in sent) == sorted(m.to_address for m in told)
    assert all(m.status == Message.Status.SENDING for m in told)
    for row in sent:
        assert referral.pupil.legal_first_name not in row["personalisation"]["body"]
        assert referral.pupil.legal_last_name not in row["personalisation"]["body"]
    assert decision.item.status == AgendaItem.Status.DECIDED


def test_a_meeting_starts_on_its_date_or_early_only_by_an_officer_with_a_reason(setup):
    accepted_referral(setup)
    meeting = setup["meeting"]  # two days from today
    agenda_build(meeting=meeting)
    pack_issue(meeting=meeting, by=setup["officer"])
    with pytest.raises(Refused, match="only a local authority officer can start the meeting"):
        meeting_start(meeting=meeting, by=setup["chair"], early_reason=EARLY)
    with pytest.raises(Refused, match="give the reason") as no_reason:
        meeting_start(meeting=meeting, by=setup["officer"], early_reason="  ")
    assert no_reason.value.field == "early_reason"
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.PACK_ISSUED
    with time_machine.travel(meeting.date, tick=False):
        meeting_start(meeting=meeting, by=setup["chair"])
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.IN_PROGRESS


def test_an_incomplete_approval_names_every_missing_answer_at_once(setup):
    _, item = run_meeting(setup)
    with pytest.raises(Refused) as error:
        approve(setup, item, provider=None, tier="", hours_per_week=None)
    assert set(error.value.errors) == {"provider", "tier", "hours_per_week"}
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"start_date": date(2020, 1, 6)}, "start_date"),
        ({"provider": None}, "provider"),
        ({"hours_per_week": None}, "hours_per_week"),
        ({"first_review_date": date(2020, 1, 1)}, "first_review_date"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_saved(setup, overrides, field):
    referral, item = run_meeting(setup)
    with pytest.raises(Refused) as error:
        approve(setup, item, **overrides)
    assert error.value.field == field
    assert not Decision.objects.exists()
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED


def test_a_stale_second_save_of_the_same_item_is_refused(setup):
    _, item = run_meeting(setup)
    approve(setup, item)
    with pytest.raises((StaleVersion, Refused)):
        decision_record(
            item=item,
            by=setup["officer"],
            version=item.version,
            outcome="decline",
            reason="Second opinion",
        )
    assert Decision.objects.get().outcome == "approve"


def test_a_member_from_the_referring_school_cannot_take_part(setup):
    _, item = run_meeting(setup)
    conflicts_declare(item=item, by=setup["chair"], member_ids=set())
    assert [c.member.user for c in item.conflicts.all()] == [setup["rep"]]
    # Unticking them does not lift it.
    conflicts_declare(item=item, by=setup["chair"], member_ids=set())
    assert item.conflicts.count() == 1


def test_quorum_needs_enough_members_present_with_the_chair(setup):
    meeting = setup["meeting"]
    members = {m.user.username: m.pk for m in meeting.members.select_related("user")}
    attendance_record(meeting=meeting, by=setup["chair"], present={members["rep"]})
    assert not quorate(meeting)
    attendance_record(meeting=meeting, by=setup["chair"], present=set(members.values()))
    assert quorate(meeting)


def test_minutes_lock_when_approved_and_corrections_are_amendments(setup):
    run_meeting(setup)
    meeting = setup["meeting"]
    with pytest.raises(Refused, match="Every item needs a decision"):
        minutes_approve(meeting=meeting, by=setup["chair"])
    for pending in meeting.items.filter(status="pending"):
        decision_record(
            item=pending,
            by=setup["chair"],
            version=pending.version,
            outcome="noted",
            reason="Provision confirmed from the 6th day",
        )
    with pytest.raises(Refused, match="Only the chair"):
        minutes_approve(meeting=meeting, by=setup["officer"])
    # The meeting's date is two days away: approving now needs the reason.
    with pytest.raises(Refused, match="give the reason to approve the minutes") as early:
        minutes_approve(meeting=meeting, by=setup["chair"])
    assert early.value.field == "early_reason"
    version = minutes_approve(meeting=meeting, by=setup["chair"], early_reason=EARLY)
    assert version.pdf.read(5) == b"%PDF-" and "Decisions" in version.html
    # The PDF names who approved the minutes and when.
    approver = setup["chair"].display_name
    when = timezone.localtime(version.approved_at)
    assert f"Approved by {approver}, chair, on {when:%-d %B %Y} at {when:%H:%M}" in version.html
    assert EARLY in version.html
    meeting.refresh_from_db()
    assert meeting.locked
    with pytest.raises(Refused):
        minutes_approve(meeting=meeting, by=setup["chair"])
    minutes_amend(
        meeting=meeting, by=setup["chair"], text="Item 2: the provider is The Harbridge Centre"
    )
    assert meeting.amendments.count() == 1


def test_pages_are_scoped_to_meeting_members_and_officers(setup, sign_in):
    url = reverse("panels:meeting", args=[setup["meeting"].pk])
    assert sign_in(setup["officer"]).get(url).status_code == 200
    assert sign_in(setup["chair"]).get(url).status_code == 200
    other_member = make_member(Role.PANEL_MEMBER, setup["la"], username="notonthispanel")
    assert sign_in(other_member).get(url).status_code == 404
    assert sign_in(setup["senco"]).get(url).status_code == 403


@pytest.mark.parametrize("page", ["panels:meeting", "panels:live"])
def test_agenda_and_live_pages_run_the_same_queries_for_5_and_40_items(setup, sign_in, page):
    meeting = setup["meeting"]
    for n in range(5):
        accepted_referral(setup, n)
    agenda_build(meeting=meeting)
    pack_issue(meeting=meeting, by=setup["officer"])
    meeting_start(meeting=meeting, by=setup["officer"], early_reason=EARLY)
    client = sign_in(setup["chair"])
    url = reverse(page, args=[meeting.pk])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    position = meeting.items.count()
    for n in range(35):
        referral = accepted_referral(setup, 100 + n)
        position += 1
        AgendaItem.objects.create(
            meeting=meeting,
            kind="referral",
            referral=referral,
            title=f"Referral {n}",
            position=position,
        )
    assert meeting.items.count() >= 40
    assert count() == few


def test_the_agenda_page_holds_the_same_queries_for_5_and_40_items_of_every_kind(setup, sign_in):
    """The page an officer reorders (agenda open, one form a row) reads the rows narrowly
    (for_agenda_rows): nothing it shows may come from a column it did not load."""
    meeting = setup["meeting"]
    client = sign_in(setup["officer"])
    url = reverse("panels:meeting", args=[meeting.pk])

    def add(n):
        """n permanent exclusions' 6th-day checks and n referrals."""
        position = meeting.items.count()
        for i in range(n):
            k = position + i
            about = (
                ("pex_check", "exclusion", excluded_permanently(setup, legal_first_name=f"Ex{k}")),
                ("referral", "referral", accepted_referral(setup, 200 + k)),
            )
            for kind, field, record in about:
                AgendaItem.objects.create(
                    meeting=meeting, kind=kind, title=f"{kind} {k}", position=k + 1,
                    **{field: record},
                )  # fmt: skip

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.text

    add(3)
    client.get(url)
    few, text = count()
    # Each row's statutory date and its referral's reason are drawn from what was loaded.
    assert "Full-time provision from the 6th day due by" in text
    assert f": {Referral.Reason(ANSWERS['reason']).label}" in text
    add(17)
    assert meeting.items.count() == 40
    many, text = count()
    assert many == few
    assert text.count('name="item"') == 40  # one form a row


def test_the_officer_moves_and_removes_agenda_items_one_form_a_row(setup, sign_in):
    meeting = setup["meeting"]
    referrals = [accepted_referral(setup, n) for n in range(3)]
    agenda_build(meeting=meeting)
    first, second, third = (AgendaItem.objects.get(referral=r) for r in referrals)
    client = sign_in(setup["officer"])
    url = reverse("panels:agenda_change", args=[meeting.pk])
    page = reverse("panels:meeting", args=[meeting.pk])

    def order():
        return list(meeting.items.order_by("position", "pk").values_list("pk", flat=True))

    assert order() == [first.pk, second.pk, third.pk]
    # A plain form (no script): the button pressed says which change; back to the page.
    moved = client.post(url, {"item": third.pk, "change": "up"})
    assert moved.status_code == 302 and moved.url == page
    assert order() == [first.pk, third.pk, second.pk]
    client.post(url, {"item": first.pk, "change": "down"})
    assert order() == [third.pk, first.pk, second.pk]
    # The first cannot go higher: nothing changes.
    client.post(url, {"item": third.pk, "change": "up"})
    assert order() == [third.pk, first.pk, second.pk]
    # Through htmx a move is followed in place (the redirect); a removal reloads the whole page,
    # where its message shows.
    assert (
        client.post(url, {"item": first.pk, "change": "up"}, HTTP_HX_REQUEST="true").status_code
        == 302
    )
    assert order() == [first.pk, third.pk, second.pk]
    removed = client.post(url, {"item": second.pk, "change": "remove"}, HTTP_HX_REQUEST="true")
    assert removed.status_code == 200 and removed["HX-Redirect"] == page
    assert order() == [first.pk, third.pk]
    assert f"Removed: {second.title}" in client.get(page).text
    # Anything else is not found, not a 500: another change, an item that is no number, an item
    # of another meeting.
    for bad in (
        {"item": first.pk, "change": "sideways"},
        {"item": "1 OR 1=1", "change": "up"},
        {"item": "²", "change": "up"},
        {"item": "9" * 40, "change": "up"},
        {"item": "", "change": "up"},
        {"change": "up"},
        {"item": first.pk},
    ):
        assert client.post(url, bad).status_code == 404, bad
    other = PanelMeeting.objects.create(
        la=setup["la"],
        date=meeting.date + timedelta(days=7),
        start_time=time(13),
        cutoff=meeting.cutoff + timedelta(days=7),
    )
    assert (
        client.post(
            reverse("panels:agenda_change", args=[other.pk]), {"item": first.pk, "change": "up"}
        ).status_code
        == 404
    )
    # Who may not: a school's staff (no permission), another LA's officer (not found).
    assert sign_in(setup["senco"]).post(url, {"item": first.pk, "change": "up"}).status_code == 403
    stranger = make_member(
        Role.LA_OFFICER, LocalAuthority.objects.exclude(pk=setup["la"].pk)[0], username="elsewhere"
    )
    assert sign_in(stranger).post(url, {"item": first.pk, "change": "up"}).status_code == 404
    # Once the pack is issued the order is fixed: said on the page, nothing moved.
    pack_issue(meeting=meeting, by=setup["officer"])
    client = sign_in(setup["officer"])
    refused = client.post(url, {"item": third.pk, "change": "up"}, HTTP_HX_REQUEST="true")
    assert refused["HX-Redirect"] == page
    assert "the agenda can no longer change" in client.get(page).text
    assert order() == [first.pk, third.pk]


def test_officers_add_a_one_off_meeting_and_its_members(setup, sign_in):
    client = sign_in(setup["officer"])
    day = timezone.localdate() + timedelta(days=10)
    bad = client.post(
        reverse("panels:meeting_add"),
        {
            "date_0": day.day,
            "date_1": day.month,
            "date_2": day.year,
            "start_time": "25:00",
            "cutoff_date_0": day.day,
            "cutoff_date_1": day.month,
            "cutoff_date_2": day.year,
            "cutoff_time": "12:00",
            "quorum": 3,
        },
    )
    assert "Enter a time like 13:00" in bad.text
    response = client.post(
        reverse("panels:meeting_add"),
        {
            "date_0": day.day,
            "date_1": day.month,
            "date_2": day.year,
            "start_time": "10:00",
            "location": "Online",
            "cutoff_date_0": day.day - 3 if day.day > 3 else day.day,
            "cutoff_date_1": day.month,
            "cutoff_date_2": day.year,
            "cutoff_time": "12:00",
            "quorum": 3,
        },
    )
    meeting = PanelMeeting.objects.get(location="Online")
    assert response.url == reverse("panels:meeting", args=[meeting.pk])
    added = client.post(
        reverse("panels:member_add", args=[meeting.pk]),
        {"user": setup["chair"].pk, "role": "chair"},
    )
    assert added.status_code == 302
    assert meeting.members.get().role == "chair"
    again = client.post(
        reverse("panels:member_add", args=[meeting.pk]),
        {"user": setup["rep"].pk, "role": "chair"},
    )
    assert "already has a chair" in again.text


def test_the_school_years_weekly_meetings_are_added_on_term_dates(setup, sign_in):
    client = sign_in(setup["officer"])
    before = PanelMeeting.objects.count()
    client.post(reverse("panels:schedule"))
    added = PanelMeeting.objects.filter(series=setup["series"]).exclude(pk=setup["meeting"].pk)
    assert PanelMeeting.objects.count() > before
    assert all(m.date.weekday() == 3 for m in added)


def _pdf_text(path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed by scripts/setup.sh --test"
    text = subprocess.run([pdftotext, path, "-"], capture_output=True, check=True, text=True)
    return " ".join(text.stdout.split())


def test_the_pack_shows_each_pupils_history_and_flags_a_statutory_date_before_the_meeting(
    setup, sign_in, today
):
    officer, senco, school = setup["officer"], setup["senco"], setup["school"]
    pupil = PupilFactory(
        la=setup["la"], legal_first_name="Robin", sen_status="K", primary_need="SEMH"
    )
    enrol(pupil, school)
    exclusion_record(
        by=senco, pupil=pupil, school=school, kind=Exclusion.Kind.SUSPENSION, start_date=today,
        end_date=today, sessions=2, reasons=["VA"], decided_by="Head",
    )  # fmt: skip
    referral = referral_start(pupil=pupil, by=senco)
    referral = referral_update(referral=referral, by=senco, version=referral.version, **ANSWERS)
    evidence_add(referral=referral, by=senco, name="behaviour-log.pdf", content=PDF)
    referral = referral_submit(referral=referral, by=senco)
    referral_accept(
        referral=referral, by=officer, version=referral.version, note="Urgent: two suspensions"
    )
    # The officer's triage page shows the history too (and not the referral itself as "other").
    page = sign_in(officer).get(reverse("cases:referral_detail", args=[referral.pk]))
    shown = " ".join(page.content.decode().split())
    assert "SEN support; primary need: Social, emotional and mental health" in shown
    assert "Suspension from Harbridge Academy, 1 school day:" in shown
    assert "No other referrals" in shown and "No placements" in shown

    pex = excluded_permanently(setup, legal_first_name="Sky")
    sixth_day = pex.deadlines.get(kind="la_provision").due_on
    meeting = setup["meeting"]
    # The meeting falls the day after the 6th-day provision was due: the check comes too late.
    meeting.date = sixth_day + timedelta(days=1)
    meeting.save()
    agenda_build(meeting=meeting)
    check = meeting.items.get(exclusion=pex)
    assert check.late
    assert not meeting.items.get(referral=referral).late  # a referral has no statutory date
    agenda = " ".join(sign_in(officer).get(reverse("panels:meeting", args=[meeting.pk])).content
                      .decode().split())  # fmt: skip
    due = f"{sixth_day.day} {sixth_day:%B %Y}"
    assert "Late</strong><br>" in agenda.replace("</strong> <br>", "</strong><br>")
    assert f"Full-time provision from the 6th day due by {due}, before this meeting" in agenda

    pack_issue(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    text = _pdf_text(meeting.pack.path)
    assert f"{due} LATE: before this meeting" in text
    assert (
        f"Late: full-time provision from the 6th day was due by {due}, before this meeting" in text
    )
    assert "behaviour-log.pdf" in text and "Urgent: two suspensions" in text
    assert "SEN support; primary need: Social, emotional and mental health" in text
    assert "Permanent exclusion from Harbridge Academy" in text  # Sky's own history
    assert f"{today.day} {today:%B %Y}: Suspension from Harbridge Academy" in text


def test_the_school_sees_which_panel_its_referral_goes_to_and_then_the_decision(setup, sign_in):
    referral = accepted_referral(setup)
    meeting = setup["meeting"]  # planned, its cut-off an hour after the referral was accepted
    day = f"{meeting.date.day} {meeting.date:%B %Y}"
    senco = sign_in(setup["senco"])
    listed = " ".join(senco.get(reverse("cases:referral_list")).content.decode().split())
    assert f'<span class="govuk-body-s">Panel on {day}</span>' in listed
    detail = senco.get(reverse("cases:referral_detail", args=[referral.pk])).content.decode()
    assert f"Panel on {day}" in detail
    run_meeting(setup)
    item = meeting.items.get(referral=referral)
    approve(setup, item)
    referral.refresh_from_db()
    listed = senco.get(reverse("cases:referral_list")).content.decode()
    assert referral.outcome and referral.outcome in listed
