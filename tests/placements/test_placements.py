"""Placements: the rules on offering, the caseload a provider sees, returns, reviews, moves."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from approvision.records import Refused
from cases.casework.models import Task
from cases.exclusions.models import Exclusion
from cases.pupils.models import Pupil
from placements.alerts import alerts
from placements.commissioning.models import Placement
from placements.commissioning.services import placement_answer, placement_end, placements_daily
from placements.moves.models import PupilMove
from placements.moves.services import move_record
from placements.registers.models import AttendanceMark, ProviderReturn
from placements.registers.services import attendance_record, return_submit, week_start
from placements.reintegration.services import (
    follow_up_record,
    reintegration_plan_record,
    reintegration_update,
    step_done,
)
from placements.reviews.models import Review
from placements.reviews.services import review_record
from providers.models import DueDiligence
from tests.factories import PupilFactory, enrol, offer

pytestmark = pytest.mark.django_db


def _ago(days):
    return timezone.localdate() - timedelta(days=days)


def test_an_offer_puts_the_pupil_on_the_providers_caseload_and_nobody_elses(placed):
    other_pupil = PupilFactory(la=placed["home"])
    enrol(other_pupil, placed["academy"])
    placement = offer(placed)
    staff = placed["users"]["provider_staff"]
    assert list(Pupil.objects.visible_to(staff)) == [placed["pupil"]]
    assert list(Placement.objects.visible_to(staff)) == [placement]
    # The school whose pupil it is sees it too; another school and the other LA do not.
    assert list(Placement.objects.visible_to(placed["users"]["school_staff"])) == [placement]
    assert not Placement.objects.visible_to(placed["users"]["other_school_staff"]).exists()
    assert not Placement.objects.visible_to(placed["users"]["other_la_officer"]).exists()
    assert not Placement.objects.visible_to(placed["users"]["director"]).exists()
    assert staff.has_perm("cases.view_pupil", placed["pupil"])
    assert not staff.has_perm("cases.view_pupil", other_pupil)


def test_the_provider_sees_the_pupils_history_with_the_offer(placed):
    exclusion = Exclusion.objects.create(
        pupil=placed["pupil"],
        school=placed["academy"],
        kind=Exclusion.Kind.SUSPENSION,
        reasons=["PA"],
        start_date=date(2026, 10, 1),
        sessions=2,
        decided_by="Head",
        recorded_by=placed["users"]["school_staff"],
    )
    staff = placed["users"]["provider_staff"]
    assert not Exclusion.objects.visible_to(staff).exists()
    offer(placed)
    assert list(Exclusion.objects.visible_to(staff)) == [exclusion]


def test_overlapping_placements_over_full_time_are_refused_and_nothing_saved(placed):
    offer(placed, hours_per_week=Decimal("25"))
    with pytest.raises(Refused) as error:
        offer(placed, hours_per_week=Decimal("10"), start_date=timezone.localdate() + timedelta(7))
    assert error.value.field == "hours_per_week"
    assert "35.0 hours a week" in str(error.value)
    assert Placement.objects.count() == 1
    # Two that fit together, and one after the first has ended, are fine.
    offer(placed, hours_per_week=Decimal("7.5"))
    offer(
        placed,
        hours_per_week=Decimal("32.5"),
        start_date=timezone.localdate() + timedelta(weeks=13),
    )
    assert Placement.objects.count() == 3


def test_the_database_itself_refuses_placements_over_full_time(placed):
    first = offer(placed, hours_per_week=Decimal("25"))
    with pytest.raises(IntegrityError, match="over full time"), transaction.atomic():
        Placement.objects.create(
            pupil=first.pupil,
            provider=first.provider,
            source="la",
            tier="tier_2",
            start_date=first.start_date + timedelta(days=3),
            planned_end=first.start_date + timedelta(days=30),
            hours_per_week=Decimal("10"),
            funding="high_needs",
            offered_by=placed["officer"],
        )
    # Stretching a short placement into the dates of another is caught on update too.
    later = offer(
        placed,
        hours_per_week=Decimal("25"),
        start_date=first.planned_end + timedelta(days=1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=later.pk).update(start_date=first.start_date)
    assert Placement.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"planned_end": date(2020, 1, 1)}, "planned_end", "on or after the start"),
        ({"hours_per_week": Decimal("-3")}, "hours_per_week", "more than 0"),
        ({"hours_per_week": Decimal("45")}, "hours_per_week", "40 or fewer"),
        ({"planned_end": None}, "planned_end", "part-time timetable"),
    ],
)
def test_bad_terms_are_refused_with_the_field_and_nothing_saved(placed, overrides, field, words):
    with pytest.raises(Refused) as error:
        offer(placed, **overrides)
    assert error.value.field == field
    assert words in str(error.value)
    assert not Placement.objects.exists()


def test_a_provider_whose_dbs_confirmation_has_lapsed_cannot_take_a_placement(placed):
    DueDiligence.objects.filter(
        profile__provider=placed["provider"], kind=DueDiligence.Kind.STAFF_CHECKS
    ).update(confirmed_on=_ago(400), expires_on=_ago(3))
    with pytest.raises(Refused) as error:
        offer(placed)
    assert error.value.field == "provider"
    assert "DBS and staff checks confirmed: lapsed on" in str(error.value)
    assert not Placement.objects.exists()


def test_over_capacity_needs_an_officers_reason(placed):
    profile = placed["provider"].profile
    profile.secondary_places = 1
    profile.save()
    offer(placed, hours_per_week=Decimal("10"))
    second = PupilFactory(la=placed["home"])
    enrol(second, placed["academy"])
    with pytest.raises(Refused) as error:
        offer({**placed, "pupil": second})
    assert error.value.field == "capacity_override_reason"
    assert "1 of 1 taken" in str(error.value)
    placement = offer({**placed, "pupil": second}, capacity_override_reason="Only suitable place")
    assert placement.capacity_override_reason == "Only suitable place"


def _running(placed, weeks_ago=3):
    placement = offer(placed, start_date=week_start(_ago(7 * weeks_ago)))
    return placement_answer(
        placement=placement,
        by=placed["users"]["provider_staff"],
        version=placement.version,
        accept=True,
        sessions=["mon_am", "mon_pm", "tue_am", "tue_pm", "wed_am"],
    )


def test_only_the_provider_answers_and_only_the_la_or_provider_ends_with_nothing_saved(placed):
    # The services ask placements/access.py as the pages do: a school cannot answer or end.
    placement = offer(placed)
    school = placed["users"]["school_staff"]
    with pytest.raises(Refused, match="Only the provider"):
        placement_answer(
            placement=placement, by=school, version=placement.version, accept=True,
            sessions=["mon_am"],
        )  # fmt: skip
    running = _running({**placed, "pupil": PupilFactory(la=placed["home"])}, weeks_ago=1)
    with pytest.raises(Refused, match="officers or the provider"):
        placement_end(
            placement=running, by=school, version=running.version,
            ended_on=timezone.localdate(), reason=Placement.EndReason.MOVED_ON,
        )  # fmt: skip
    placement.refresh_from_db()
    running.refresh_from_db()
    assert placement.state == Placement.State.OFFERED and placement.answered_by is None
    assert running.state == Placement.State.ACTIVE and running.ended_on is None


def test_accepting_confirms_the_sessions_and_starts_a_placement_already_due(placed):
    placement = _running(placed)
    assert placement.state == Placement.State.ACTIVE
    assert placement.sessions == ["mon_am", "mon_pm", "tue_am", "tue_pm", "wed_am"]
    with pytest.raises(Refused, match="already been answered"):
        placement_answer(
            placement=placement,
            by=placed["users"]["provider_staff"],
            version=placement.version,
            accept=True,
            sessions=["mon_am"],
        )


def test_a_return_uses_the_register_and_only_one_is_allowed_per_period(placed):
    placement = _running(placed)
    monday = week_start(_ago(14))
    staff = placed["users"]["provider_staff"]
    attendance_record(
        placement=placement,
        by=staff,
        marks={
            (monday, "am"): "/",
            (monday, "pm"): "/",
            (monday + timedelta(1), "am"): "L",
            (monday + timedelta(1), "pm"): "I",
            (monday + timedelta(2), "am"): "/",
            (monday + timedelta(2), "pm"): "X",
        },
    )
    fields = {
        "placement": placement,
        "by": staff,
        "period": "week",
        "period_start": monday,
        "period_end": None,
        "sessions_possible": None,
        "sessions_attended": None,
        "progress": "Settled well; reading with an adult daily",
        "below_threshold_reason": "Ill on Tuesday afternoon",
    }
    first = return_submit(**fields)
    # X (not required) is not a possible session; I (illness) is an absence.
    assert (first.sessions_possible, first.sessions_attended) == (5, 4)
    assert first.attendance_percent == 80.0
    with pytest.raises(Refused) as error:
        return_submit(**fields)
    assert error.value.field == "period_start"
    assert "already been sent" in str(error.value)
    assert ProviderReturn.objects.count() == 1


def test_attendance_below_the_threshold_needs_a_reason(placed):
    placement = _running(placed)
    fields = {
        "placement": placement,
        "by": placed["users"]["provider_staff"],
        "period": "week",
        "period_start": week_start(_ago(7)),
        "period_end": None,
        "sessions_possible": 10,
        "sessions_attended": 5,
        "progress": "Hard week",
    }
    with pytest.raises(Refused) as error:
        return_submit(**fields)
    assert error.value.field == "below_threshold_reason"
    assert not ProviderReturn.objects.exists()
    saved = return_submit(**fields, below_threshold_reason="Unwell for two days")
    assert saved.below_threshold_reason == "Unwell for two days"


def test_attendance_cannot_be_recorded_for_days_to_come(placed):
    placement = _running(placed)
    with pytest.raises(Refused, match="has not happened yet"):
        attendance_record(
            placement=placement,
            by=placed["users"]["provider_staff"],
            marks={(timezone.localdate() + timedelta(days=2), "am"): "/"},
        )
    assert not AttendanceMark.objects.exists()


def _review(placed, placement, decision, **extra):
    return review_record(
        placement=placement,
        by=placed["users"]["provider_staff"],
        version=placement.version,
        held_on=timezone.localdate(),
        attendance_percent=Decimal("88"),
        progress="Good progress in maths",
        pupil_voice="Likes the smaller groups",
        parent_voice="Happier at home",
        decision=decision,
        **extra,
    )


def test_reviews_set_the_next_due_date_and_an_extension_moves_the_planned_end(placed):
    placement = _running(placed)
    new_end = placement.planned_end + timedelta(weeks=6)
    _review(placed, placement, Review.Decision.EXTEND, new_planned_end=new_end)
    placement.refresh_from_db()
    assert placement.planned_end == new_end
    assert placement.next_review_due >= timezone.localdate() + timedelta(weeks=6)
    with pytest.raises(Refused) as error:
        _review(placed, placement, Review.Decision.EXTEND, new_planned_end=new_end)
    assert error.value.field == "new_planned_end"


def test_a_review_that_ends_the_placement_ends_it(placed):
    placement = _running(placed)
    _review(placed, placement, Review.Decision.END, end_reason=Placement.EndReason.MOVED_ON)
    placement.refresh_from_db()
    assert placement.state == Placement.State.ENDED
    assert placement.ended_on == timezone.localdate()


def test_reintegration_plan_and_follow_ups(placed):
    placement = _running(placed)
    staff = placed["users"]["provider_staff"]
    plan = reintegration_plan_record(
        placement=placement,
        by=staff,
        school=placed["academy"],
        target_date=timezone.localdate() + timedelta(weeks=2),
        steps=[
            {
                "description": "Visit with key worker",
                "owner": "PRU key worker",
                "due_on": timezone.localdate() + timedelta(days=3),
            }
        ],
    )
    with pytest.raises(Refused, match="once the pupil has returned"):
        follow_up_record(plan=plan, by=staff, weeks=6, held=True)
    plan = reintegration_update(
        plan=plan, by=staff, version=plan.version, status="returned", returned_on=_ago(10)
    )
    with pytest.raises(Refused, match="6-week follow-up is due on"):
        follow_up_record(plan=plan, by=staff, weeks=6, held=True)
    plan = reintegration_update(
        plan=plan, by=staff, version=plan.version, status="returned", returned_on=_ago(43)
    )
    # The follow-ups are the lead officer's tasks, moved with the corrected return date: 43 days
    # ago plus 6 weeks (42 days) is yesterday; plus 12 weeks (84 days) is 41 days from today.
    tasks = list(Task.objects.filter(source=Task.Source.FOLLOW_UP).order_by("due_on"))
    assert [t.due_on for t in tasks] == [_ago(1), _ago(-41)]
    assert {t.owner_user for t in tasks} == {placement.lead_officer} == {placed["officer"]}
    assert follow_up_record(plan=plan, by=staff, weeks=6, held=True).held
    with pytest.raises(Refused, match="has been recorded"):
        follow_up_record(plan=plan, by=staff, weeks=6, held=False)
    # Recording the 6-week follow-up did its task (by whoever recorded it); the 12-week waits.
    tasks = list(Task.objects.filter(source=Task.Source.FOLLOW_UP).order_by("due_on"))
    assert [(t.state, t.done_by) for t in tasks] == [("done", staff), ("open", None)]
    # The school reports the 12-week check early: recorded with the reason, its task done too.
    with pytest.raises(Refused, match="say why it is early") as early:
        follow_up_record(plan=plan, by=staff, weeks=12, held=True)
    assert early.value.field == "early_reason"
    twelve = follow_up_record(
        plan=plan, by=staff, weeks=12, held=True, early_reason="The school reported early"
    )
    assert twelve.notes.endswith("The school reported early")
    assert not Task.objects.filter(source=Task.Source.FOLLOW_UP, state="open").exists()


def test_the_provider_loses_sight_of_the_pupil_after_the_grace_period(placed):
    placement = _running(placed, weeks_ago=10)
    staff = placed["users"]["provider_staff"]
    placement_end(
        placement=placement,
        by=placed["officer"],
        version=placement.version,
        ended_on=_ago(10),
        reason=Placement.EndReason.REINTEGRATED,
    )
    # Within the 30 days' grace they still see the pupil and what they recorded.
    assert Pupil.objects.visible_to(staff).exists()
    assert placements_daily()["revoked"] == 0
    later = timezone.localdate() + timedelta(days=25)
    assert placements_daily(today=later)["revoked"] == 1
    assert not Pupil.objects.visible_to(staff).exists()
    assert not Placement.objects.visible_to(staff).exists()
    # The LA still sees everything.
    assert Placement.objects.visible_to(placed["officer"]).count() == 1


def test_a_year_11_leaver_needs_a_destination(placed):
    year_11 = PupilFactory(la=placed["home"], date_of_birth=date(2011, 1, 10))
    enrol(year_11, placed["academy"])
    placement = offer({**placed, "pupil": year_11}, start_date=_ago(30))
    with pytest.raises(Refused) as error:
        placement_end(
            placement=placement,
            by=placed["officer"],
            version=placement.version,
            ended_on=_ago(1),
            reason=Placement.EndReason.YEAR_11_LEAVER,
        )
    assert error.value.field == "destination"
    ended = placement_end(
        placement=placement,
        by=placed["officer"],
        version=placement.version,
        ended_on=_ago(1),
        reason=Placement.EndReason.YEAR_11_LEAVER,
        destination=Placement.Destination.APPRENTICESHIP,
    )
    assert ended.destination == "apprenticeship"


def test_a_managed_move_needs_every_consent_and_an_off_site_direction_notice(placed):
    start = timezone.localdate() + timedelta(days=14)
    with pytest.raises(Refused) as error:
        move_record(
            pupil=placed["pupil"],
            by=placed["users"]["school_staff"],
            kind=PupilMove.Kind.MANAGED_MOVE,
            start_date=start,
            to_school=placed["other_trust_school"],
            home_school_consent_on=_ago(2),
            receiving_school_consent_on=_ago(1),
        )
    assert error.value.field == "parent_consent_on"
    with pytest.raises(Refused) as error:
        move_record(
            pupil=placed["pupil"],
            by=placed["users"]["school_staff"],
            kind=PupilMove.Kind.OFF_SITE_DIRECTION,
            start_date=start,
            to_provider=placed["provider"],
            notice_given_on=start - timedelta(days=1),
        )
    assert error.value.field == "start_date"
    assert not PupilMove.objects.exists()
    move = move_record(
        pupil=placed["pupil"],
        by=placed["users"]["school_staff"],
        kind=PupilMove.Kind.OFF_SITE_DIRECTION,
        start_date=start,
        to_provider=placed["provider"],
        notice_given_on=start - timedelta(days=7),
    )
    assert move.next_review_due == start + timedelta(days=30)


def test_alerts_count_what_needs_attention(placed):
    placement = _running(placed, weeks_ago=3)
    Placement.objects.filter(pk=placement.pk).update(
        next_review_due=_ago(1), planned_end=_ago(1), part_time=True
    )
    found = {a["key"]: a["count"] for a in alerts(Placement.objects.all())}
    assert found["review_overdue"] == 1
    assert found["part_time_past_end"] == 1
    assert found["past_end"] == 0
    assert found["no_return"] == 1


def test_overdue_and_escalated_reviews_go_on_the_next_panels_agenda_once(placed):
    from datetime import time

    from panels.models import AgendaItem, PanelMeeting
    from panels.services.agenda import agenda_build

    overdue = _running(placed)
    Placement.objects.filter(pk=overdue.pk).update(next_review_due=_ago(2))
    second = PupilFactory(la=placed["home"], legal_first_name="Robin")
    enrol(second, placed["academy"])
    escalated = _running({**placed, "pupil": second})
    _review(placed, escalated, Review.Decision.ESCALATE)

    def meeting(days):
        return PanelMeeting.objects.create(
            la=placed["home"],
            date=timezone.localdate() + timedelta(days=days),
            start_time=time(13),
            cutoff=timezone.now() + timedelta(hours=1),
        )

    agenda_build(meeting=meeting(2))
    items = AgendaItem.objects.filter(kind=AgendaItem.Kind.PLACEMENT_REVIEW)
    assert {(i.placement_id, i.title.split(":")[0]) for i in items} == {
        (overdue.pk, "Review overdue"),
        (escalated.pk, "Escalated by review"),
    }
    agenda_build(meeting=meeting(9))
    assert items.count() == 2


def test_each_role_sees_only_its_own_moves(placed):
    move = move_record(
        pupil=placed["pupil"],
        by=placed["users"]["school_staff"],
        kind=PupilMove.Kind.MANAGED_MOVE,
        start_date=timezone.localdate() + timedelta(days=14),
        to_school=placed["maintained"],
        home_school_consent_on=_ago(2),
        receiving_school_consent_on=_ago(1),
        parent_consent_on=_ago(1),
    )
    users = placed["users"]
    sees = {role: PupilMove.objects.visible_to(user).exists() for role, user in users.items()}
    assert sees == {
        "la_officer": True,
        "la_admin": False,
        "panel_member": True,
        "director": False,
        "school_staff": True,  # the school it moves from
        "trust_lead": True,  # that school's trust
        "provider_staff": False,
        "other_la_officer": False,
        "other_school_staff": True,  # Kelmscott, the school it moves to
    }
    assert list(PupilMove.objects.visible_to(users["other_school_staff"])) == [move]


def test_a_provider_declines_with_a_reason_and_loses_sight_of_the_pupil(placed):
    placement = offer(placed)
    staff = placed["users"]["provider_staff"]
    with pytest.raises(Refused) as error:
        placement_answer(placement=placement, by=staff, version=placement.version, accept=False)
    assert error.value.field == "reason"
    declined = placement_answer(
        placement=placement,
        by=staff,
        version=placement.version,
        accept=False,
        reason="No secondary places until January",
    )
    assert declined.state == Placement.State.DECLINED
    assert declined.decline_reason == "No secondary places until January"
    assert not Pupil.objects.visible_to(staff).exists()


def test_a_reintegration_step_is_ticked_off_once_on_the_day_it_was_done(placed, sign_in):
    placement = _running(placed)
    staff = placed["users"]["provider_staff"]
    today = timezone.localdate()
    plan = reintegration_plan_record(
        placement=placement,
        by=staff,
        school=placed["academy"],
        target_date=today + timedelta(weeks=4),
        steps=[
            {"description": "Visit with key worker", "owner": "Key worker", "due_on": today},
            {"description": "Half days at school", "owner": "SENCO", "due_on": _ago(-14)},
        ],
    )
    visit = plan.steps.get(description="Visit with key worker")
    url = reverse("placements:step_done", args=[placement.pk, visit.pk])
    client = sign_in(staff)
    assert client.post(url).status_code == 302
    visit.refresh_from_db()
    assert visit.done_on == today
    # Ticking it again changes nothing and says when it was done.
    page = client.post(url, follow=True).content.decode()
    assert f"This step was done on {today.day} {today:%B %Y}" in page
    with pytest.raises(Refused) as future:
        step_done(step=plan.steps.get(description="Half days at school"), by=staff, on=_ago(-1))
    assert future.value.field == "done_on"
    assert not plan.steps.filter(done_on__isnull=False).exclude(pk=visit.pk).exists()
    # Ending the placement before the pupil has returned: the officer is warned first.
    target = today + timedelta(weeks=4)
    page = sign_in(placed["officer"]).get(reverse("placements:end", args=[placement.pk]))
    assert (
        f"aims for a return to {placed['academy'].name} by {target.day} {target:%B %Y}"
        in page.content.decode()
    )
    # Outside the placement's scope: not found.
    other = sign_in(placed["users"]["other_la_officer"])
    later = plan.steps.get(description="Half days at school")
    assert (
        other.post(reverse("placements:step_done", args=[placement.pk, later.pk])).status_code
        == 404
    )


def test_a_return_is_counted_from_the_register_never_typed_again(placed, today):
    # The placement expects Monday and Tuesday morning and afternoon and Wednesday morning: five
    # sessions a week (_running).
    placement = _running(placed)
    monday = week_start(_ago(14))
    staff = placed["users"]["provider_staff"]
    attendance_record(
        placement=placement,
        by=staff,
        marks={(monday, "am"): "/", (monday, "pm"): "/", (monday + timedelta(1), "am"): "/"},
    )
    fields = {
        "placement": placement,
        "by": staff,
        "period": "week",
        "period_start": monday,
        "period_end": None,
        "sessions_possible": None,
        "sessions_attended": None,
        "progress": "Settled",
        "below_threshold_reason": "Truanted on Tuesday afternoon",
    }
    # Tuesday afternoon and Wednesday morning are not recorded: the return waits for them.
    with pytest.raises(Refused, match="2 sessions not recorded") as error:
        return_submit(**fields)
    assert "Tuesday" in str(error.value) and "afternoon" in str(error.value)
    attendance_record(
        placement=placement,
        by=staff,
        marks={(monday + timedelta(1), "pm"): "O", (monday + timedelta(2), "am"): "/"},
    )
    # Four present of five possible: a typed "5 of 5" beside that register is refused.
    with pytest.raises(Refused, match="register shows 4 of 5") as error:
        return_submit(**{**fields, "sessions_possible": 5, "sessions_attended": 5})
    assert error.value.field == "sessions_possible"
    assert not ProviderReturn.objects.exists()
    counted = return_submit(**fields)
    assert (counted.sessions_possible, counted.sessions_attended, counted.from_register) == (
        5,
        4,
        True,
    )
    # A week with no register at all may still be returned with the figures the provider kept.
    typed = return_submit(
        **{**fields, "period_start": week_start(_ago(7)), "sessions_possible": 5,
           "sessions_attended": 5}
    )  # fmt: skip
    assert (typed.sessions_possible, typed.sessions_attended, typed.from_register) == (
        5,
        5,
        False,
    )
