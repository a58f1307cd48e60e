"""The demo LA's panel: a term of past meetings with decisions and minutes, an upcoming meeting
with a full agenda, and referrals at every stage of triage. Loaded once; deterministic."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approvision.records import transition
from cases.pupils.models import Enrolment, Pupil
from cases.referrals.models import Referral, ReferralEvent
from cases.referrals.services import referral_move, referral_start, referral_update
from demo.cases import NAMED_PUPILS
from demo.organisations import DemoContext
from demo.placements import from_decision
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import ProviderOrganisation, User
from organisations.roles import Role
from organisations.services import membership_set
from panels.models import AgendaItem, Decision, PanelMeeting, PanelMember, PanelSeries
from panels.services.agenda import agenda_build
from panels.services.meetings import panel_meetings_schedule
from panels.services.minutes import minutes_approve

NEEDS = [
    "Social, emotional and mental health needs; anxiety in large groups; masks difficulties "
    "until late in the day.",
    "Speech, language and communication needs; frequent conflict with peers at unstructured times.",
    "Autistic; sensory overload in corridors; refuses to enter lessons after transitions.",
    "Low literacy (reading age 9); disengaged; persistent disruption in core subjects.",
]
INTERVENTIONS = [
    "Key adult and daily check-ins for a term; reduced timetable for 4 weeks (with parents' "
    "agreement, reviewed fortnightly); small improvement in attendance, none in behaviour.",
    "Educational psychologist assessment; in-school nurture group for 6 weeks; mentoring from the "
    "youth service. Incidents fell, then rose again after the Easter holiday.",
    "Pastoral support plan; CAMHS referral (waiting); sessions with the school counsellor.",
]
RISKS = [
    "Low risk to others; risk of self-harm managed with the safety plan shared with the family.",
    "Medium risk: two incidents of physical aggression this term; none with a trusted adult.",
]
PANEL_PEOPLE = [
    ("james.whitfield", "James", "Whitfield", "Youth justice service manager"),
    ("anita.desai", "Anita", "Desai", "SEND team manager"),
    ("mark.holloway", "Mark", "Holloway", "Education welfare officer"),
]


def _people(context: DemoContext) -> dict:
    """Panel members without sign-in accounts of their own in the demo (unusable passwords)."""
    people = {}
    for username, first, last, title in PANEL_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_unusable_password()
            user.save()
            membership_set(
                user=user, role=Role.PANEL_MEMBER, organisation=context.las["929"], job_title=title
            )
        people[username] = user
    return people


def _referral(rng, pupil, school, referrer, *, accepted_at, state=Referral.State.ACCEPTED):
    submitted = accepted_at - timedelta(days=rng.randint(2, 9))
    referral = Referral.objects.create(
        pupil=pupil,
        school=school,
        referrer=referrer,
        reason=rng.choice(["exclusion", "exclusion", "early_support", "health", "reintegration"]),
        needs=rng.choice(NEEDS),
        interventions=rng.choice(INTERVENTIONS),
        attendance_percent=Decimal(rng.randint(55, 92)),
        risk_assessment=rng.choice(RISKS),
        pupil_voice="Says school is 'too loud' and wants somewhere smaller for a while.",
        parent_voice="Wants support that gets them back into a full timetable.",
        provision_requested=rng.choice(["tier_2", "tier_2", "tier_1", "tier_3"]),
        consent_given=True,
        consent_given_by="Parent (by phone, confirmed in writing)",
        state=state,
        submitted_at=submitted,
        accepted_at=accepted_at
        if state in (Referral.State.ACCEPTED, Referral.State.DECIDED)
        else None,
        created_at=submitted - timedelta(days=3),
    )
    steps = [("", "draft", submitted - timedelta(days=3)), ("draft", "submitted", submitted)]
    if referral.accepted_at:
        steps.append(("submitted", "accepted", accepted_at))
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral=referral,
            from_state=a,
            to_state=b,
            at=at,
            by=referrer,
            message="Accepted to the panel" if b == "accepted" else "",
        )
        for a, b, at in steps
    )
    return referral


def _pupils_at(rng, la_code: str, count: int):
    enrolments = list(
        Enrolment.objects.filter(
            left_on__isnull=True,
            pupil__la__code=la_code,
            school__phase__in=["secondary", "all_through"],
        )
        .exclude(pupil__referrals__isnull=False)
        .exclude(pupil__placements__isnull=False)
        # Not the named pupils whose stories the journeys tell.
        .exclude(pupil__legal_last_name__in=NAMED_PUPILS)
        .select_related("pupil", "school")
        .order_by("pk")[:400]
    )
    rng.shuffle(enrolments)
    return enrolments[:count]


PAST_REASONS = {
    "approve": "A smaller setting for a time-limited period, with a plan back to school.",
    "decline": "The school's support is not yet exhausted: the panel asks for a further "
    "half-term of the pastoral support plan.",
    "defer": "Waiting for the educational psychologist's report.",
    "signpost": "Signposted to the early help team and the school's outreach offer (tier 1).",
    "noted": "Full-time provision from the 6th day confirmed at the PRU.",
}


def _decide_in_the_past(rng, meeting, item, chair, providers, *, starts_from=None) -> None:
    """A past decision as it was made then (a placement starting after that meeting; from
    `starts_from` at the latest meeting, so some placements are still to start on any day)."""
    outcome = rng.choices(["approve", "decline", "defer", "signpost"], weights=[6, 1, 1, 1])[0]
    if item.referral is None:
        outcome = "noted"
    fields = {"reason": PAST_REASONS[outcome]}
    if outcome == "approve":
        start = meeting.date + timedelta(days=rng.randint(4, 11))
        if starts_from is not None:
            start = max(start, starts_from)
        fields.update(
            # Most go to the PRU, whose head is a demo account.
            provider=rng.choice(providers[:1] * 4 + providers),
            planned_end=start + timedelta(weeks=rng.choice([8, 10, 12, 18])),
            tier=rng.choice(["tier_2", "tier_2", "tier_3"]),
            start_date=start,
            hours_per_week=Decimal(rng.choice([15, 20, 25])),
            outcomes_sought="Attendance above 90%; a reintegration plan by the first review.",
            first_review_date=start + timedelta(days=42),
        )
    decided_at = timezone.make_aware(datetime.combine(meeting.date, time(14)))
    decision = Decision.objects.create(
        item=item,
        outcome=outcome,
        decided_by=chair,
        decided_at=decided_at,
        **fields,
    )
    transition(item, AgendaItem.Status.DECIDED, by=chair)
    if outcome == "approve":
        _placement_for(rng, decision, chair)
    if item.referral_id and outcome != "defer":
        referral = item.referral
        referral.outcome = f"{decision.get_outcome_display()}: {decision.reason}"
        referral_move(referral, Referral.State.DECIDED, by=chair, message=referral.outcome)


def _placement_for(rng, decision, chair) -> None:
    referral = decision.item.referral
    from_decision(
        rng,
        decision,
        pupil=referral.pupil,
        school=referral.school,
        referral=referral,
        by=chair,
        today=timezone.localdate(),
    )


@transaction.atomic
def load(context: DemoContext, *, var_dir: Path) -> None:
    la = context.las["929"]
    if PanelSeries.objects.filter(la=la).exists():
        # Loaded before placements existed: give its approvals the placements they made.
        rng = random.Random(6929)
        for decision in Decision.objects.filter(
            item__meeting__la=la, outcome=Decision.Outcome.APPROVE, placement__isnull=True
        ).select_related("item__referral__pupil__la", "item__referral__school", "provider"):
            _placement_for(rng, decision, context.users["panel"])
        return
    rng = random.Random(4929)
    today = timezone.localdate()
    people = _people(context)
    chair, officer = context.users["panel"], context.users["officer"]
    pru_head = context.users["provider"]
    series = PanelSeries.objects.create(
        la=la,
        weekday=3,
        start_time=time(13),
        location="County Hall, Committee Room 2",
        cutoff_days_before=7,
        cutoff_time=time(12),
        quorum=3,
    )
    meetings = panel_meetings_schedule(
        series=series,
        first=date(school_year_of(today), 9, 1),
        last=today + timedelta(days=21),
    )
    # The PRU first; not the provider whose DBS confirmation has lapsed.
    providers = sorted(
        ProviderOrganisation.objects.filter(la=la).exclude(name="Riverside Farm Education"),
        key=lambda p: (not p.name.startswith("The Harbridge Centre"), p.name),
    )
    past = [m for m in meetings if m.date < today]
    if context.scale < 1:
        past = past[-2:]
    senco_school = context.schools["Harbridge Academy"]
    for meeting in meetings:
        PanelMember.objects.create(meeting=meeting, user=chair, role=PanelMember.Role.CHAIR)
        PanelMember.objects.create(meeting=meeting, user=pru_head, role=PanelMember.Role.PRU_HEAD)
        for person in people.values():
            PanelMember.objects.create(meeting=meeting, user=person, role=PanelMember.Role.MEMBER)
    for meeting in past:
        for enrolment in _pupils_at(rng, "929", rng.randint(2, 4)):
            _referral(
                rng,
                enrolment.pupil,
                enrolment.school,
                officer,
                accepted_at=meeting.cutoff - timedelta(days=rng.randint(1, 5)),
            )
        agenda_build(meeting=meeting)
        transition(
            meeting,
            PanelMeeting.Status.PACK_ISSUED,
            by=officer,
            pack_issued_at=meeting.cutoff + timedelta(days=2),
        )
        transition(meeting, PanelMeeting.Status.IN_PROGRESS, by=officer)
        members = list(meeting.members.all())
        absent = rng.choice(members[2:])
        for member in members:
            member.attended = member.pk != absent.pk
            member.save(update_fields=["attended"])
        # The latest meeting's placements start on the LA's 3rd school day from today (after a
        # holiday, when the term starts again): some are offered and not yet begun.
        starts_from = (
            SchoolCalendar.for_la(la).nth_school_day_after(today, 3).date
            if meeting == past[-1]
            else None
        )
        for item in meeting.items.select_related("referral", "exclusion"):
            _decide_in_the_past(rng, meeting, item, chair, providers, starts_from=starts_from)
        minutes_approve(meeting=meeting, by=chair)
    # The next meeting: a full agenda ready for its pack.
    upcoming = next((m for m in meetings if m.date >= today), None)
    if upcoming is not None:
        for enrolment in _pupils_at(rng, "929", 4):
            _referral(
                rng,
                enrolment.pupil,
                enrolment.school,
                officer,
                accepted_at=upcoming.cutoff - timedelta(days=rng.randint(1, 4)),
            )
        agenda_build(meeting=upcoming)
    # Referrals waiting for the officer, and one where the LA has asked the school something.
    waiting = _pupils_at(rng, "929", 3)
    for enrolment in waiting[:2]:
        _referral(
            rng,
            enrolment.pupil,
            enrolment.school,
            officer,
            accepted_at=timezone.now(),
            state=Referral.State.SUBMITTED,
        )
    if len(waiting) > 2:
        asked = _referral(
            rng,
            waiting[2].pupil,
            waiting[2].school,
            officer,
            accepted_at=timezone.now(),
            state=Referral.State.SUBMITTED,
        )
        referral_move(
            asked,
            Referral.State.MORE_INFO,
            by=officer,
            message="Please send the latest attendance certificate and the EP report.",
        )
    # The demo SENCO has a draft under way for Tia Barker, on the SENCO's school's roll (a
    # generated pupil elsewhere may share her name), made through the services as a SENCO would.
    tia = Pupil.objects.filter(
        legal_first_name="Tia",
        legal_last_name="Barker",
        enrolments__school=senco_school,
        enrolments__left_on__isnull=True,
    ).first()
    if tia is not None:
        senco = context.users["senco"]
        draft = referral_start(pupil=tia, by=senco)
        referral_update(
            referral=draft,
            by=senco,
            version=draft.version,
            reason="exclusion",
            needs="Suspended three times this term; near the 45-day limit.",
        )
