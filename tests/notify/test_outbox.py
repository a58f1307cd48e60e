"""The outbox, through the real Notify client against the local Notify server: a message is
sent once however often its task runs, even when the worker dies after Notify took it; Notify's
5xx is tried again, further apart each time; a permanent failure shows on the record and gives
the lead officer a task; a transaction rolled back sends nothing."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.casework.models import Task
from cases.notices import services
from cases.notices.models import Message
from cases.notices.services import message_send, messages_check, messages_retry
from cases.referrals.services import referral_request_info, referral_submit
from organisations.models import User
from tests.cases.test_referrals import complete
from tests.factories import PupilFactory, enrol
from tests.notify.local import fail_next, received
from tests.panels.test_panels import approve, run_meeting

pytestmark = pytest.mark.django_db


def _decide(setup, capture, senco_email):
    referral, item = run_meeting(setup)
    setup["senco"].email = senco_email
    setup["senco"].save(update_fields=["email"])
    with capture(execute=True):
        approve(setup, item)
    return referral, Message.objects.get(kind="panel_decision", to_user=setup["senco"])


def test_a_decision_sends_exactly_one_message_however_often_its_task_runs(
    setup,
    django_capture_on_commit_callbacks,
):
    referral, message = _decide(setup, django_capture_on_commit_callbacks, "senco@example.org")
    # The task ran once as the decision committed; run twice more, it finds nothing to send.
    assert message_send(str(message.pk)) == "nothing to send"
    assert message_send(str(message.pk)) == "nothing to send"
    (sent,) = received(message)
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING
    assert str(message.notify_id) == sent["id"]
    assert sent["recipient"] == "senco@example.org"
    assert sent["personalisation"]["subject"].startswith("AP panel decision from")
    assert referral.pupil.legal_last_name not in sent["personalisation"]["body"]


def test_a_worker_killed_after_notify_took_the_message_does_not_send_it_again(
    setup,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    real_send = services._send

    def send_then_die(client, message):
        real_send(client, message)
        raise SystemExit("worker killed")  # after Notify took it, before the row is marked

    monkeypatch.setattr(services, "_send", send_then_die)
    with pytest.raises(SystemExit):
        _decide(setup, django_capture_on_commit_callbacks, "killed@example.org")
    monkeypatch.setattr(services, "_send", real_send)
    # The first message's send reached Notify; the worker died before marking it.
    told = list(Message.objects.all())
    (sent,) = received(*told)
    message = next(m for m in told if str(m.pk) == sent["reference"])
    # The dying worker's transaction rolled back: the row still waits to be sent...
    assert message.status == Message.Status.QUEUED and message.notify_id is None
    # ...and the task run again finds Notify's message by its reference instead of sending.
    assert message_send(str(message.pk)) == "found sent"
    (sent,) = received(message)
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING and str(message.notify_id) == sent["id"]


def test_a_notify_5xx_is_tried_again_further_apart_each_time_and_sent_once(
    setup,
    django_capture_on_commit_callbacks,
    time_machine,
):
    fail_next("flaky@example.org", 500, 2)
    first_try = timezone.now()
    time_machine.move_to(first_try, tick=False)
    _, message = _decide(setup, django_capture_on_commit_callbacks, "flaky@example.org")
    message.refresh_from_db()
    # Notify answered 500: nothing recorded as sent; tried again in 1 minute.
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert message.next_try_at == first_try + timedelta(minutes=1)
    assert "500" in message.last_error
    messages_retry(now=first_try + timedelta(seconds=59))
    message.refresh_from_db()
    assert message.attempts == 1  # not due yet
    # A minute on, the sweeper queues it (run at once here): a second 500, then 2 minutes' wait.
    second_try = first_try + timedelta(minutes=1)
    time_machine.move_to(second_try, tick=False)
    messages_retry(now=second_try)
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_try_at == second_try + timedelta(minutes=2)
    messages_retry(now=second_try + timedelta(minutes=1))
    message.refresh_from_db()
    assert message.attempts == 2
    third_try = second_try + timedelta(minutes=2)
    time_machine.move_to(third_try, tick=False)
    messages_retry(now=third_try)
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING and message.attempts == 3
    assert len(received(message)) == 1


def test_a_permanent_failure_shows_on_the_record_and_gives_the_lead_officer_a_task(
    setup,
    django_capture_on_commit_callbacks,
    client,
    sign_in,
):
    # Notify's own test address for an inbox that does not exist.
    referral, message = _decide(
        setup, django_capture_on_commit_callbacks, "perm-fail@simulator.notify"
    )
    assert message.status == Message.Status.SENDING
    with django_capture_on_commit_callbacks(execute=True):
        counts = messages_check()
    assert counts["final"] >= 1
    message.refresh_from_db()
    assert message.status == Message.Status.PERMANENT_FAILURE and message.failure_alerted
    referral.refresh_from_db()
    lead = referral.lead_officer
    assert lead is not None
    (task,) = Task.objects.filter(source=Task.Source.MESSAGE)
    assert task.owner_user == lead and task.pupil == referral.pupil
    assert task.due_on == timezone.localdate()
    assert "perm-fail@simulator.notify" in task.title
    # Checked again, the failure makes no second task.
    messages_check()
    assert Task.objects.filter(source=Task.Source.MESSAGE).count() == 1
    # The referral's page shows the message and its status to the officer.
    sign_in(lead)
    page = client.get(reverse("cases:referral_detail", args=[referral.pk])).content.decode()
    assert "Messages sent" in page
    assert "Not delivered: the address was refused" in page


def test_nothing_is_sent_from_a_transaction_rolled_back(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    senco, officer = world["users"]["school_staff"], world["users"]["la_officer"]
    User.objects.filter(pk=senco.pk).update(email="rolled-back@example.org")
    senco.refresh_from_db()
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    from cases.referrals.services import referral_start

    referral = complete(referral_start(pupil=pupil, by=senco), senco)
    referral = referral_submit(referral=referral, by=senco)

    class Undone(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undone),
        transaction.atomic(),
    ):
        referral_request_info(
            referral=referral, by=officer, question="Attendance?", version=referral.version
        )
        assert Message.objects.filter(kind="referral_more_info").count() == 1
        raise Undone
    assert callbacks == []
    assert not Message.objects.filter(kind="referral_more_info").exists()
    # Done for real, the same step sends one message.
    with django_capture_on_commit_callbacks(execute=True):
        referral_request_info(
            referral=referral, by=officer, question="Attendance?", version=referral.version
        )
    (message,) = Message.objects.filter(kind="referral_more_info")
    assert [r["recipient"] for r in received(message)] == ["rolled-back@example.org"]


def test_without_a_notify_key_messages_wait_and_say_why(
    setup,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.NOTIFY_API_KEY = ""
    _, message = _decide(setup, django_capture_on_commit_callbacks, "nokey@example.org")
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert "NOTIFY_API_KEY is not set" in message.last_error
    assert message.next_try_at is not None
