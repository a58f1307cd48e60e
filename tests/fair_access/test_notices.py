"""A Fair Access school is told it is asked to admit, reminded a week before the 20 school days
end, and told of an escalation and of a direction: statutory notices, to its staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.fair_access.services import (
    fair_access_answer,
    fair_access_direction_decided,
    fair_access_escalate,
)
from cases.notices.events import fair_access_reminders
from cases.notices.models import Message
from cases.notices.services import preferences_save
from tests.fair_access.conftest import _allocated
from tests.notify.local import everyone_addressed

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed_fa(fa):
    everyone_addressed(fa["users"])
    return fa


def test_the_school_asked_to_admit_is_told_reminded_and_directed(addressed_fa):
    fa = addressed_fa
    staff = fa["users"]["other_school_staff"]  # Kelmscott High School, maintained
    # Turning the statutory notices off changes nothing.
    preferences_save(user=staff, modes={"fair_access_asked": "off", "fair_access_reminder": "off"})
    case = _allocated(fa, "kelmscott")
    (asked,) = Message.objects.filter(kind="fair_access_asked")
    assert asked.to_user == staff and asked.statutory and asked.status == Message.Status.QUEUED
    assert fa["pupil"].legal_last_name not in asked.subject + asked.body
    due = case.allocation_due
    # A week before the 20 school days end, and not before: once.
    assert fair_access_reminders(due - timedelta(days=8)) == 0
    assert fair_access_reminders(due - timedelta(days=7)) == 1
    assert fair_access_reminders(due - timedelta(days=6)) == 0
    (reminder,) = Message.objects.filter(kind="fair_access_reminder")
    assert reminder.to_user == staff
    assert f"{due:%-d %B %Y}" in reminder.subject
    fair_access_answer(
        case=case, by=staff, version=case.version, accept=False, refusal_reason="Full"
    )
    case.refresh_from_db()
    # Answered: no reminder for a refusal.
    assert fair_access_reminders(due - timedelta(days=5)) == 0
    fair_access_escalate(case=case, by=fa["users"]["la_officer"], version=case.version)
    case.refresh_from_db()
    (escalated,) = Message.objects.filter(kind="fair_access_direction")
    assert escalated.subject == (
        "Fair Access: Northmoor County Council is asked to direct Kelmscott High School to admit"
    )
    fair_access_direction_decided(
        case=case,
        by=fa["users"]["la_officer"],
        version=case.version,
        directed=True,
        decided_on=timezone.localdate(),
        start_date=timezone.localdate() + timedelta(days=7),
    )
    directed = Message.objects.filter(kind="fair_access_direction").order_by("created_at").last()
    assert directed.subject == "Direction to admit: Kelmscott High School"
    # Directed on Monday 11 January 2027 to admit from a week later.
    assert "starting on 18 January 2027" in directed.body
