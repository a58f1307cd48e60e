"""Changes to pupils and exclusions. Each top-level service runs in one transaction."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from approvision.records import Refused, StaleVersion, lock_current
from cases.clocks import RULES, board_review_required, exclusion_clocks
from cases.identifiers import upn_normalise
from cases.models import (
    LEGACY_REASONS,
    Deadline,
    Enrolment,
    EvidenceDocument,
    Exclusion,
    ExclusionEvent,
    ExclusionReason,
    Pupil,
    Referral,
    ReferralEvent,
)
from cases.uploads import upload_check
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import School, User


class DuplicatePupil(Refused):
    def __init__(self, existing: Pupil):
        super().__init__("A pupil with this UPN already exists", field="upn")
        self.existing = existing




@transaction.atomic
def pupil_create(*, by: User, school: School, joined_on: date, upn: str, **details) -> Pupil:
    """Add a pupil on a school's roll. One record per UPN per LA (security bar: no duplicates)."""
    upn = upn_normalise(upn)
    existing = Pupil.objects.filter(la_id=school.la_id, upn=upn).first()
    if existing is not None:
        raise DuplicatePupil(existing)
    pupil = Pupil.objects.create(la_id=school.la_id, upn=upn, **details)
    Enrolment.objects.create(pupil=pupil, school=school, joined_on=joined_on)
    return pupil


@transaction.atomic
def pupil_leave_school(
    *, pupil: Pupil, on: date, reason: str, by: User, to_school: School | None = None
) -> None:
    """Take a pupil off their school's roll, recording why; join the next school if there is one.

    Removals to home education or to no known school shortly after an exclusion are a sign of
    off-rolling (Ofsted), which is why the reason is required.
    """
    current = (
        Enrolment.objects.select_for_update().filter(pupil=pupil, left_on__isnull=True).first()
    )
    if current is None:
        raise Refused("This pupil is not on a school's roll")
    if on < current.joined_on:
        raise Refused("The leaving date cannot be before they joined", field="left_on")
    current.left_on, current.leaving_reason = on, reason
    current.save(update_fields=["left_on", "leaving_reason"])
    if to_school is not None:
        Enrolment.objects.create(pupil=pupil, school=to_school, joined_on=on)


PUPIL_EDITABLE_FIELDS = [
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "sen_status",
    "primary_need",
    "social_care",
    "free_school_meals",
    "looked_after",
    "youth_justice",
    "home_la",
]


@transaction.atomic
def pupil_update(*, pupil: Pupil, by: User, version: int, **changes) -> Pupil:
    """Change a pupil's details, refusing an edit made from a stale copy (the version seen)."""
    locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if locked.version != version:
        raise StaleVersion()
    for name in PUPIL_EDITABLE_FIELDS:
        if name in changes:
            setattr(locked, name, changes[name])
    locked.version += 1
    locked.save()
    return locked


def current_school(pupil: Pupil) -> School | None:
    enrolment = pupil.enrolments.filter(left_on__isnull=True).select_related("school").first()
    return enrolment.school if enrolment else None


def pupil_suspension_days(pupil: Pupil, school_year: int) -> float:
    """Days of suspension this school year across all schools, for the 45-day cap (reg 22)."""
    start = date(school_year, 9, 1)
    total = (
        Exclusion.objects.counting_towards_cap()
        .filter(pupil=pupil, start_date__gte=start, start_date__lt=date(school_year + 1, 9, 1))
        .aggregate(sessions=Sum("sessions"))["sessions"]
    )
    return (total or 0) / 2


def _term_days(exclusion: Exclusion, calendar: SchoolCalendar) -> float:
    """Days of suspension at this school in the term the exclusion starts in, itself included."""
    span = calendar.term_of(exclusion.start_date)
    if exclusion.kind == Exclusion.Kind.PERMANENT:
        return 0
    if span is None:
        return exclusion.days or 0
    same_year = [
        t for t in calendar.terms if t.school_year == span.school_year and t.term == span.term
    ]
    others = (
        Exclusion.objects.counting_towards_cap()
        .filter(pupil_id=exclusion.pupil_id, school_id=exclusion.school_id)
        .exclude(pk=exclusion.pk)
        .filter(start_date__gte=min(t.start for t in same_year))
        .filter(start_date__lte=max(t.end for t in same_year))
        .aggregate(sessions=Sum("sessions"))["sessions"]
    )
    return (exclusion.days or 0) + (others or 0) / 2


def exclusion_deadlines_refresh(*, exclusion: Exclusion, calendar: SchoolCalendar | None = None):
    """Make the stored deadlines match the clocks the exclusion's record now runs.

    A deadline marked met by hand (provision arranged) keeps its date.
    """
    calendar = calendar or SchoolCalendar.for_school(exclusion.school)
    clocks = exclusion_clocks(exclusion, calendar, _term_days(exclusion, calendar))
    existing = {d.kind: d for d in exclusion.deadlines.all()}
    for clock in clocks:
        deadline = existing.pop(clock.kind, None) or Deadline(exclusion=exclusion, kind=clock.kind)
        deadline.la_id = exclusion.pupil.home_la_id or exclusion.pupil.la_id
        deadline.school_id = exclusion.school_id
        deadline.due_on = clock.due.date
        deadline.estimated = clock.due.estimated
        deadline.rule = RULES[clock.kind]
        deadline.met_on = clock.met_on or deadline.met_on
        deadline.save()
    # Clocks that no longer run: gone, unless already met (that stays part of the record).
    for deadline in existing.values():
        if deadline.met_on is None:
            deadline.delete()


def _check_reasons(reasons: list[str], *, allow_legacy: bool) -> list[str]:
    allowed = set(ExclusionReason.values) | (set(LEGACY_REASONS) if allow_legacy else set())
    reasons = [r for r in reasons if r]
    if not 1 <= len(reasons) <= 3:
        raise Refused("Give between 1 and 3 reasons", field="reason_1")
    if len(set(reasons)) != len(reasons):
        raise Refused("Give each reason once", field="reason_2")
    unknown = [r for r in reasons if r not in allowed]
    if unknown:
        raise Refused(f"{unknown[0]} is not a DfE reason code", field="reason_1")
    return reasons


@transaction.atomic
def exclusion_record(
    *,
    by: User,
    pupil: Pupil,
    school: School,
    kind: str,
    start_date: date,
    reasons: list[str],
    decided_by: str,
    end_date: date | None = None,
    sessions: int | None = None,
    parents_notified_on: date | None = None,
    misses_public_exam: bool = False,
    allow_legacy_reasons: bool = False,
) -> Exclusion:
    """Record a suspension or exclusion; the LA sees it at once and its clocks start.

    Every exclusion must be recorded and the LA told of each (exclusions guidance, Sept 2022).
    """
    reasons = _check_reasons(reasons, allow_legacy=allow_legacy_reasons)
    calendar = SchoolCalendar.for_school(school)
    if kind == Exclusion.Kind.PERMANENT:
        end_date, sessions = None, None
    elif kind == Exclusion.Kind.LUNCHTIME:
        end_date, sessions = start_date, 1
    else:
        if end_date is None:
            raise Refused("Enter the last day of the suspension", field="end_date")
        if end_date < start_date:
            raise Refused(
                "The last day must be the same as or after the first day", field="end_date"
            )
        if not sessions:
            raise Refused("Enter how many half-day sessions it lasts", field="sessions")
        most = 2 * calendar.school_days_between(start_date, end_date)
        if sessions > most:
            raise Refused(
                f"That is more sessions than the school holds between those dates ({most})",
                field="sessions",
            )
    exclusion = Exclusion.objects.create(
        pupil=pupil,
        school=school,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        sessions=sessions,
        reasons=reasons,
        decided_by=decided_by,
        parents_notified_on=parents_notified_on,
        misses_public_exam=misses_public_exam,
        recorded_by=by,
    )
    ExclusionEvent.objects.create(
        exclusion=exclusion,
        to_state=Exclusion.State.NOTIFIED,
        happened_on=parents_notified_on or start_date,
        note="Recorded and the local authority told",
        by=by,
    )
    if board_review_required(exclusion, _term_days(exclusion, calendar)):
        _move(
            exclusion,
            Exclusion.State.BOARD_REVIEW_DUE,
            by=by,
            on=exclusion.start_date,
            note="The governing board must consider reinstatement",
        )
    exclusion_deadlines_refresh(exclusion=exclusion, calendar=calendar)
    return exclusion


def _move(
    exclusion: Exclusion,
    to: str,
    *,
    by: User,
    on: date,
    note: str = "",
    outcome: str = "",
    representations: bool = False,
):
    if not exclusion.can_move_to(to):
        raise Refused(
            f"An exclusion that is “{exclusion.get_state_display().lower()}” cannot become "
            f"“{Exclusion.State(to).label.lower()}”"
        )
    S = Exclusion.State
    if to in (S.UPHELD, S.REINSTATED):
        if exclusion.state == S.REVIEW_OUTCOME:
            exclusion.reconsidered_on = on
        else:
            exclusion.board_decided_on = on
    elif to == S.BOARD_REVIEW_DUE and representations:
        exclusion.representations_on = on
    elif to == S.REVIEW_REQUESTED:
        exclusion.review_requested_on = on
    elif to == S.REVIEW_OUTCOME:
        if outcome not in Exclusion.ReviewOutcome.values:
            raise Refused("Select what the review panel decided", field="outcome")
        exclusion.review_decided_on, exclusion.review_outcome = on, outcome
    elif to == S.CANCELLED:
        exclusion.cancelled_on = on
    ExclusionEvent.objects.create(
        exclusion=exclusion,
        from_state=exclusion.state,
        to_state=to,
        happened_on=on,
        note=note,
        by=by,
    )
    exclusion.state = to
    exclusion.version += 1
    exclusion.save()


@transaction.atomic
def exclusion_transition(
    *,
    exclusion: Exclusion,
    to: str,
    by: User,
    on: date,
    version: int,
    note: str = "",
    outcome: str = "",
) -> Exclusion:
    """Move an exclusion to its next state, the one way states change; refuse illegal moves and
    edits made from a stale copy (the version the person saw)."""
    locked = (
        Exclusion.objects.select_for_update(of=("self",))
        .select_related("pupil", "school")
        .get(pk=exclusion.pk)
    )
    if locked.version != version:
        raise StaleVersion()
    if on < locked.start_date:
        raise Refused("The date cannot be before the exclusion started", field="on")
    # A person moving a notified exclusion to board review is recording parents' representations.
    _move(
        locked,
        to,
        by=by,
        on=on,
        note=note,
        outcome=outcome,
        representations=to == Exclusion.State.BOARD_REVIEW_DUE,
    )
    exclusion_deadlines_refresh(exclusion=locked)
    return locked


@transaction.atomic
def deadline_mark_met(*, deadline: Deadline, on: date, by: User) -> None:
    """Record that a duty was done (provision arranged); other deadlines are met by the record."""
    if deadline.kind not in (Deadline.Kind.LA_PROVISION, Deadline.Kind.SCHOOL_PROVISION):
        raise Refused("This deadline is met by recording the decision, not by hand")
    deadline.met_on = on
    deadline.save(update_fields=["met_on"])


def school_year_suspension_days(pupil: Pupil, on: date) -> float:
    return pupil_suspension_days(pupil, school_year_of(on))


# Referrals -----------------------------------------------------------------------------------

REFERRAL_FIELDS = [
    "reason",
    "needs",
    "interventions",
    "attendance_percent",
    "risk_assessment",
    "pupil_voice",
    "parent_voice",
    "provision_requested",
    "consent_given",
    "consent_given_by",
]


@transaction.atomic
def referral_start(*, pupil: Pupil, by: User) -> Referral:
    """A draft referral from the school whose roll the pupil is on."""
    school = current_school(pupil)
    if school is None:
        raise Refused("Only a pupil on a school's roll can be referred")
    referral = Referral.objects.create(pupil=pupil, school=school, referrer=by)
    ReferralEvent.objects.create(
        referral=referral, to_state=Referral.State.DRAFT, message="Draft started", by=by
    )
    return referral


@transaction.atomic
def referral_update(*, referral: Referral, by: User, version: int, **answers) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.version != version:
        raise StaleVersion()
    if not locked.is_editable:
        raise Refused("This referral has been submitted: it can no longer be changed")
    for name in REFERRAL_FIELDS:
        if name in answers:
            setattr(locked, name, answers[name])
    if locked.state == Referral.State.DRAFT and not locked.consent_given:
        locked.consent_given_by = locked.consent_given_by.strip()
    locked.version += 1
    locked.save()
    return locked


def referral_move(referral: Referral, to: str, *, by: User, message: str = "") -> Referral:
    if not referral.can_move_to(to):
        raise Refused(
            f"A referral that is “{referral.get_state_display().lower()}” cannot become "
            f"“{Referral.State(to).label.lower()}”"
        )
    ReferralEvent.objects.create(
        referral=referral, from_state=referral.state, to_state=to, message=message, by=by
    )
    referral.state = to
    referral.version += 1
    now = timezone.now()
    if to == Referral.State.SUBMITTED and referral.submitted_at is None:
        referral.submitted_at = now
    if to == Referral.State.ACCEPTED:
        referral.accepted_at = now
    referral.save()
    return referral




def _locked_referral(referral: Referral, version: int | None) -> Referral:
    return lock_current(Referral.objects.select_related("pupil", "school"), referral.pk, version)


@transaction.atomic
def referral_submit(*, referral: Referral, by: User, version: int | None = None) -> Referral:
    """Send the referral to the LA. Consent to share is required (the checklist refuses without)."""
    locked = _locked_referral(referral, version)
    missing = locked.missing_for_submission()
    if missing:
        field, message = next(iter(missing.items()))
        raise Refused(message, field=field)
    answered = locked.state == Referral.State.MORE_INFO
    return referral_move(
        locked,
        Referral.State.SUBMITTED,
        by=by,
        message="Submitted again with more information" if answered else "Submitted",
    )


@transaction.atomic
def referral_request_info(*, referral: Referral, by: User, question: str, version: int) -> Referral:
    if not question.strip():
        raise Refused("Say what information you need", field="message")
    return referral_move(
        _locked_referral(referral, version), Referral.State.MORE_INFO, by=by, message=question
    )


@transaction.atomic
def referral_answer(*, referral: Referral, by: User, answer: str, version: int) -> Referral:
    """The school answers what the LA asked, and the referral goes back to the LA."""
    locked = _locked_referral(referral, version)
    if locked.state != Referral.State.MORE_INFO:
        raise Refused("Nothing has been asked about this referral")
    if not answer.strip():
        raise Refused("Enter your answer", field="message")
    ReferralEvent.objects.create(
        referral=locked, from_state=locked.state, to_state=locked.state, message=answer, by=by
    )
    return referral_submit(referral=locked, by=by)


@transaction.atomic
def referral_signpost(*, referral: Referral, by: User, reason: str, version: int) -> Referral:
    if not reason.strip():
        raise Refused("Say where the school is signposted to, and why", field="message")
    return referral_move(
        _locked_referral(referral, version), Referral.State.SIGNPOSTED, by=by, message=reason
    )


@transaction.atomic
def referral_accept(*, referral: Referral, by: User, version: int, note: str = "") -> Referral:
    return referral_move(
        _locked_referral(referral, version),
        Referral.State.ACCEPTED,
        by=by,
        message=note or "Accepted to the panel",
    )


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User, reason: str, version: int) -> Referral:
    if not reason.strip():
        raise Refused("Say why the referral is withdrawn", field="message")
    return referral_move(
        _locked_referral(referral, version), Referral.State.WITHDRAWN, by=by, message=reason
    )


@transaction.atomic
def evidence_add(*, referral: Referral, by: User, name: str, content: bytes) -> EvidenceDocument:
    """Keep a document only once it is the kind it claims and the virus scanner passes it."""
    if not referral.is_editable:
        raise Refused("Documents can only be added while the referral is a draft or answering")
    kind, scanned = upload_check(name, content)
    document = EvidenceDocument(
        referral=referral,
        name=name[:200],
        kind=kind,
        size=len(content),
        uploaded_by=by,
        scanner=scanned.scanner,
    )
    document.file.save("evidence", ContentFile(content), save=False)
    document.save()
    return document


@transaction.atomic
def evidence_remove(*, document: EvidenceDocument, by: User) -> None:
    if not document.referral.is_editable:
        raise Refused("Documents can only be removed while the referral is a draft")
    storage, path = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(path))
