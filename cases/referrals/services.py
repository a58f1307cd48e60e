"""AP referrals from a school to the LA: the draft, its evidence, submission (consent required),
the LA's triage (more information, signposting, acceptance to panel) and withdrawal. Every move
goes through Referral.MOVES and leaves a ReferralEvent for the history both sides see."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from approvision.records import (
    Refused,
    StorageUnavailable,
    check_move,
    lock_current,
    save_versioned,
    transition,
)
from approvision.storage import is_storage_outage
from cases.casework.services import lead_first
from cases.notices import events as notices
from cases.pupils.models import Pupil
from cases.pupils.services import current_school
from cases.referrals.models import EvidenceDocument, Referral, ReferralEvent
from cases.referrals.uploads import upload_check
from organisations.models import User

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
    """Change the answers of a draft (or a referral being answered), refusing a stale copy; a
    submitted referral can no longer be changed."""
    locked = lock_current(Referral.objects, referral.pk, version)
    if not locked.is_editable:
        raise Refused("This referral has been submitted: it can no longer be changed")
    for name in REFERRAL_FIELDS:
        if name in answers:
            setattr(locked, name, answers[name])
    if locked.state == Referral.State.DRAFT and not locked.consent_given:
        locked.consent_given_by = locked.consent_given_by.strip()
    return save_versioned(locked, by=by)


def referral_move(referral: Referral, to: str, *, by: User, message: str = "") -> Referral:
    """Move a locked referral to its next state (Referral.MOVES), with the event the school and the
    LA see in its history. Called by the referral services and the panel's decision."""
    check_move(referral, to)
    if to != Referral.State.SUBMITTED:
        # The officer who triages a referral nobody leads takes it on.
        lead_first(record=referral, by=by)
    ReferralEvent.objects.create(
        referral=referral, from_state=referral.state, to_state=to, message=message, by=by
    )
    now = timezone.now()
    changes = {}
    if to == Referral.State.SUBMITTED and referral.submitted_at is None:
        changes["submitted_at"] = now
    if to == Referral.State.ACCEPTED:
        changes["accepted_at"] = now
    return transition(referral, to, by=by, reason=message, **changes)


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
    """The LA asks the school for more information; the referral waits for the answer."""
    if not question.strip():
        raise Refused("Say what information you need", field="message")
    moved = referral_move(
        _locked_referral(referral, version), Referral.State.MORE_INFO, by=by, message=question
    )
    notices.referral_more_info(moved)
    return moved


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
    """The LA signposts the school elsewhere (another service or support) with its reason; the
    referral closes."""
    if not reason.strip():
        raise Refused("Say where the school is signposted to, and why", field="message")
    moved = referral_move(
        _locked_referral(referral, version), Referral.State.SIGNPOSTED, by=by, message=reason
    )
    notices.referral_signposted(moved)
    return moved


@transaction.atomic
def referral_accept(*, referral: Referral, by: User, version: int, note: str = "") -> Referral:
    """The LA accepts the referral to the panel: it goes on the next agenda whose cut-off is after
    this (panels.services.agenda)."""
    return referral_move(
        _locked_referral(referral, version),
        Referral.State.ACCEPTED,
        by=by,
        message=note or "Accepted to the panel",
    )


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User, reason: str, version: int) -> Referral:
    """The school withdraws the referral, with its reason."""
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
    try:
        document.file.save("evidence", ContentFile(content), save=False)
    except Exception as error:
        if is_storage_outage(error):
            # Nothing kept: the record is made only once its file is stored.
            raise StorageUnavailable(field="file") from error
        raise
    document.save()
    return document


@transaction.atomic
def evidence_remove(*, document: EvidenceDocument, by: User) -> None:
    """Remove an uploaded document, and its file, while the referral is still a draft."""
    if not document.referral.is_editable:
        raise Refused("Documents can only be removed while the referral is a draft")
    storage, path = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(path))
