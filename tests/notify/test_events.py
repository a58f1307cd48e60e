"""Who is told what, when: the events that send, the daily reminders counted by hand from the
one `today` (Monday 11 January 2027), and each person's choice of at once, a daily summary or
not at all (a statutory notice cannot be turned off)."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvision.records import Refused
from cases.casework.models import Task
from cases.casework.services import task_add
from cases.notices.forms import PreferencesForm
from cases.notices.letters import letter_send
from cases.notices.models import Letter, Message, NoticePreference
from cases.notices.reminders import reminders_send
from cases.notices.services import notice_channel_save, preferences_save, summaries_send
from cases.referrals.services import (
    referral_request_info,
    referral_signpost,
    referral_start,
    referral_submit,
)
from placements.commissioning.models import Placement
from placements.commissioning.services import placement_answer
from placements.notices import placements_ending, returns_overdue, reviews_overdue
from tests.cases.test_referrals import complete
from tests.factories import PupilFactory, enrol, offer
from tests.notify.local import everyone_addressed, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(placed):
    """Everyone in the world has an e-mail address: username@example.org."""
    everyone_addressed(placed["users"])
    return placed


def _to(kind: str, **filters) -> list[str]:
    return sorted(
        Message.objects.filter(kind=kind, **filters).values_list("to_user__username", flat=True)
    )


@pytest.fixture
def submitted(addressed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    senco = addressed["users"]["school_staff"]
    pupil = PupilFactory(la=addressed["home"])
    enrol(pupil, addressed["academy"])
    referral = complete(referral_start(pupil=pupil, by=senco), senco)
    return referral_submit(referral=referral, by=senco)


def test_a_referrers_steps_are_told_to_them_without_the_pupils_name(addressed, submitted):
    officer, senco = addressed["officer"], addressed["users"]["school_staff"]
    referral = referral_request_info(
        referral=submitted, by=officer, question="Attendance?", version=submitted.version
    )
    (asked,) = Message.objects.filter(kind="referral_more_info")
    assert asked.to_user == senco and asked.about == referral
    assert asked.subject == f"More information is needed on referral {referral.pk}"
    assert f"/referrals/{referral.pk}/" in asked.body
    assert referral.pupil.legal_last_name not in asked.subject + asked.body
    referral = referral_submit(referral=referral, by=senco)
    referral_signpost(referral=referral, by=officer, reason="Early help", version=referral.version)
    assert _to("referral_signposted") == [senco.username]


def test_an_offer_goes_to_the_providers_staff_and_its_acceptance_to_the_lead_officer(addressed):
    placement = offer(addressed)
    assert _to("placement_offered") == [addressed["users"]["provider_staff"].username]
    placement_answer(
        placement=placement,
        by=addressed["users"]["provider_staff"],
        version=placement.version,
        accept=True,
        sessions=["mon_am"],
    )
    # The officer who offered it leads it (lead_first).
    assert _to("placement_accepted") == [addressed["officer"].username]


def test_a_task_given_to_an_organisation_tells_its_staff_but_not_one_set_for_oneself(
    addressed, today
):
    officer = addressed["officer"]
    task_add(
        la=addressed["home"],
        title="Send the timetable",
        due_on=today + timedelta(days=3),
        owner=addressed["academy"],
        source=Task.Source.OFFICER,
        by=officer,
    )
    (told,) = Message.objects.filter(kind="task_assigned")
    assert told.to_user == addressed["users"]["school_staff"]
    # Due Thursday 14 January 2027: three days after Monday the 11th.
    assert told.subject == "A task for you, due 14 January 2027"
    task_add(
        la=addressed["home"],
        title="Ring the school",
        due_on=today,
        owner=officer,
        source=Task.Source.OFFICER,
        by=officer,
    )
    assert Message.objects.filter(kind="task_assigned").count() == 1


@pytest.fixture
def running(addressed, today):
    """A placement running since Monday 4 January 2027, planned to end Friday 22 January, its
    first review due Tuesday 5 January; no return sent."""
    placement = offer(
        addressed,
        start_date=date(2027, 1, 4),
        planned_end=date(2027, 1, 22),
        first_review_date=date(2027, 1, 5),
    )
    placement = placement_answer(
        placement=placement,
        by=addressed["users"]["provider_staff"],
        version=placement.version,
        accept=True,
        sessions=["mon_am"],
    )
    assert placement.state == Placement.State.ACTIVE
    Message.objects.all().delete()  # the offer's and the acceptance's: not what is tested here
    return placement


def test_a_placement_ending_within_two_weeks_is_told_once_to_provider_school_and_lead(
    addressed, running
):
    names = addressed["users"]
    # 11 January: the planned end (22 January) is 11 days away, within 14.
    assert placements_ending(date(2027, 1, 7)) == 0  # 15 days before: not yet
    assert placements_ending(date(2027, 1, 11)) == 1
    expected = [names["provider_staff"], names["school_staff"], addressed["officer"]]
    assert _to("placement_ending") == sorted(user.username for user in expected)
    (first, *_) = Message.objects.filter(kind="placement_ending")
    assert first.subject == f"Placement {running.pk} ends on 22 January 2027"
    assert placements_ending(date(2027, 1, 12)) == 0  # once


def test_a_missing_return_is_told_to_the_provider_then_a_week_on_to_the_lead_officer(
    addressed, running
):
    provider, officer = addressed["users"]["provider_staff"], addressed["officer"]
    # Monday 11 January: last week (from 4 January) has no return: the provider is told.
    assert returns_overdue(date(2027, 1, 11)) == 1
    assert _to("return_overdue") == [provider.username]
    assert returns_overdue(date(2027, 1, 12)) == 0  # once for that week
    # Monday 18 January: the week from 11 January is missing too (the provider is told), and
    # the week from 4 January still is: now the lead officer is told of that one.
    assert returns_overdue(date(2027, 1, 18)) == 2
    lead = Message.objects.get(kind="return_overdue", to_user=officer)
    assert lead.occasion == "return 2027-01-04 lead"
    assert "the week beginning 4 January 2027" in lead.subject
    assert Message.objects.filter(kind="return_overdue", to_user=provider).count() == 2


def test_an_overdue_review_is_told_to_the_provider_then_a_week_on_to_the_lead_officer(
    addressed, running
):
    provider, officer = addressed["users"]["provider_staff"], addressed["officer"]
    # Due Tuesday 5 January. On the 11th it is 6 days late: the provider.
    assert reviews_overdue(date(2027, 1, 11)) == 1
    assert _to("return_overdue") == [provider.username]
    # On the 12th it is 7 days late: the lead officer, once.
    assert reviews_overdue(date(2027, 1, 12)) == 1
    assert reviews_overdue(date(2027, 1, 13)) == 0
    (lead,) = Message.objects.filter(kind="return_overdue", to_user=officer)
    assert lead.subject == f"Review overdue: placement {running.pk}, due 5 January 2027"


def test_a_task_overdue_is_told_the_day_after_it_fell_due_once(addressed, today):
    officer = addressed["officer"]
    task = task_add(
        la=addressed["home"],
        title="Call the parent",
        due_on=date(2027, 1, 8),  # a Friday
        owner=addressed["academy"],
        source=Task.Source.OFFICER,
        by=officer,
    )
    assert reminders_send(date(2027, 1, 8))["tasks_overdue"] == 0  # due today: not late
    assert reminders_send(date(2027, 1, 9))["tasks_overdue"] == 1
    assert reminders_send(date(2027, 1, 9))["tasks_overdue"] == 0
    (late,) = Message.objects.filter(kind="task_overdue")
    assert late.about == task and late.subject == "A task was due on 8 January 2027"


def test_a_daily_summary_carries_what_was_held_and_off_sends_nothing(addressed, submitted):
    officer, senco = addressed["officer"], addressed["users"]["school_staff"]
    preferences_save(
        user=senco, modes={"referral_more_info": "daily", "referral_signposted": "off"}
    )
    referral = referral_request_info(
        referral=submitted, by=officer, question="Attendance?", version=submitted.version
    )
    (held,) = Message.objects.filter(kind="referral_more_info")
    assert held.status == Message.Status.HELD
    referral = referral_submit(referral=referral, by=senco)
    referral_signpost(referral=referral, by=officer, reason="Early help", version=referral.version)
    assert not Message.objects.filter(kind="referral_signposted").exists()
    assert summaries_send() == 1
    (summary,) = Message.objects.filter(kind="digest")
    held.refresh_from_db()
    assert held.status == Message.Status.IN_SUMMARY and held.summary == summary
    assert summary.to_user == senco and summary.status == Message.Status.QUEUED
    assert summary.subject == "Your daily summary from approvision: 1 update"
    assert held.subject in summary.body
    assert summaries_send() == 0  # nothing more held


def test_a_statutory_notice_cannot_be_turned_off(addressed):
    senco = addressed["users"]["school_staff"]
    preferences_save(user=senco, modes={"fair_access_asked": "off", "task_assigned": "off"})
    modes = dict(NoticePreference.objects.filter(user=senco).values_list("kind", "mode"))
    assert modes == {"task_assigned": "off"}
    form = PreferencesForm(current={})
    assert [c for c, _ in form.fields["fair_access_asked"].choices] == ["instant", "daily"]
    assert [c for c, _ in form.fields["task_assigned"].choices] == ["instant", "daily", "off"]
    refused = PreferencesForm({"channel": "email", "fair_access_asked": "off"}, current={})
    assert not refused.is_valid() and "fair_access_asked" in refused.errors


def test_each_person_sees_the_messages_sent_to_them_and_the_la_sees_its_own(
    addressed, submitted, client, sign_in
):
    officer, senco = addressed["officer"], addressed["users"]["school_staff"]
    referral_request_info(
        referral=submitted, by=officer, question="Attendance?", version=submitted.version
    )
    (asked,) = Message.objects.filter(kind="referral_more_info")
    users = addressed["users"]
    assert list(Message.objects.visible_to(senco)) == [asked]
    assert list(Message.objects.visible_to(officer)) == [asked]  # the LA's service sent it
    for other in ("other_la_officer", "other_school_staff", "provider_staff", "trust_lead"):
        assert not Message.objects.visible_to(users[other]).exists(), other
    # The page of one's messages: the SENCO's shows it; another school's does not.
    sign_in(senco)
    assert asked.subject in client.get("/messages/").content.decode()
    sign_in(users["other_school_staff"])
    page = client.get("/messages/?show=all").content.decode()
    assert asked.subject not in page and "No messages" in page


def test_a_person_who_chose_text_messages_is_texted_through_notify(
    addressed, submitted, django_capture_on_commit_callbacks
):
    officer, senco = addressed["officer"], addressed["users"]["school_staff"]
    with pytest.raises(Refused) as refused:
        notice_channel_save(user=senco, by_text=True, mobile="0161 496 0000")  # a landline
    assert refused.value.field == "mobile"
    with pytest.raises(Refused, match="Enter your mobile number"):
        notice_channel_save(user=senco, by_text=True, mobile="")
    notice_channel_save(user=senco, by_text=True, mobile="+44 7700 900982")
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_request_info(
            referral=submitted, by=officer, question="Attendance?", version=submitted.version
        )
    (texted,) = Message.objects.filter(kind="referral_more_info")
    assert texted.channel == Message.Channel.SMS and texted.to_address == "07700900982"
    assert texted.body == (
        f"More information is needed on referral {referral.pk}. "
        f"http://127.0.0.1:8000/referrals/{referral.pk}/"
    )
    (sent,) = received(texted)
    assert sent["type"] == "sms" and sent["recipient"] == "07700900982"
    assert texted.template_id == settings.NOTIFY_TEMPLATES["sms"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_messages_and_letters_pages_ask_the_same_queries_however_many_rows(
    addressed, running, client, sign_in, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer, pupil = addressed["officer"], running.pupil
    sign_in(officer)

    def more(n):
        for i in range(n):
            placements_ending(date(2027, 1, 11) + timedelta(days=i))  # once only: no new rows
            task_add(
                la=addressed["home"],
                title=f"Task {i}",
                due_on=date(2027, 1, 20),
                owner=addressed["academy"],
                source=Task.Source.OFFICER,
                by=officer,
            )
            letter_send(
                kind_key="placement",
                record=running,
                pupil=pupil,
                by=officer,
                recipient="Ms A Parent",
                address="1 High Street\nNorthmoor\nNM1 1AA",
                sent_by=Letter.SentBy.NOTIFY if i % 2 else Letter.SentBy.HAND,
            )

    more(1)
    pages = ["/messages/?show=all", f"/pupils/{pupil.pk}/letters/", f"/placements/{running.pk}/"]
    for url in pages:  # the first visit fills the session's and the content types' caches
        client.get(url)
    few = [_queries(client, url) for url in pages]
    more(8)
    assert Message.objects.count() >= 9 and Letter.objects.count() == 9
    assert [_queries(client, url) for url in pages] == few
