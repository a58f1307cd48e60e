"""Pupils and school rolls: one record per UPN per LA, every removal from a roll with its reason
(off-rolling is watched for), changes versioned and stale edits refused (security bar)."""

import re
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, save_versioned
from approvision.text import refuse_hidden_controls
from cases.pupils.identifiers import upn_normalise, upn_temporary
from cases.pupils.models import LA_PUPIL_ROLES, Enrolment, Pupil
from organisations.calendar import school_year_of
from organisations.models import School, User

# A UK postcode, as written with its space (the check is the shape, not that it exists).
POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}")


class DuplicatePupil(Refused):
    def __init__(self, existing: Pupil):
        super().__init__("A pupil with this UPN already exists", field="upn")
        self.existing = existing


# Names are shown in page titles and lists: none may carry hidden control characters.
NAME_FIELDS = ["legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name"]
NAME_LABELS = {
    "legal_first_name": "First name",
    "legal_last_name": "Last name",
    "preferred_first_name": "Preferred first name",
    "preferred_last_name": "Preferred last name",
}


@transaction.atomic
def pupil_create(*, by: User, school: School, joined_on: date, upn: str, **details) -> Pupil:
    """Add a pupil on a school's roll. One record per UPN per LA (security bar: no duplicates)."""
    refuse_hidden_controls(details, NAME_FIELDS, NAME_LABELS)
    upn = upn_normalise(upn)
    existing = Pupil.objects.filter(la_id=school.la_id, upn=upn).first()
    if existing is not None:
        raise DuplicatePupil(existing)
    pupil = Pupil(la_id=school.la_id, upn=upn, **details)
    _refuse_need_without_sen(pupil)
    _refuse_implausible_dates(pupil, joined_on=joined_on)
    pupil.save()
    Enrolment.objects.create(pupil=pupil, school=school, joined_on=joined_on)
    return pupil


def school_with_urn(urn: str) -> School | None:
    """Any school in the DfE register we hold, by URN: a child's last school may be in another
    LA. The register is public (Get Information about Schools), so no scoping applies."""
    return School.objects.filter(urn=urn.strip()).first()


@transaction.atomic
def pupil_create_unplaced(
    *,
    by: User,
    la,
    upn: str = "",
    arrived_on: date | None = None,
    home_postcode: str,
    last_school: School | None = None,
    last_school_elsewhere: str = "",
    **details,
) -> Pupil:
    """Record a child without a school place (Fair Access exists for them): new to the area, from
    another LA or from abroad, with where they live, their last school and when they arrived. A
    child with no UPN gets a temporary one from the LA until a school or the DfE gives theirs."""
    membership = by.membership_or_none()
    if membership is None or membership.role not in LA_PUPIL_ROLES or membership.la_id != la.pk:
        raise Refused("Only the local authority's officers record a child without a school")
    refuse_hidden_controls(details, NAME_FIELDS, NAME_LABELS)
    if not home_postcode.strip():
        raise Refused("Enter the postcode where they live, like NM4 8JW", field="home_postcode")
    today = timezone.localdate()
    if last_school is not None and last_school_elsewhere.strip():
        raise Refused(
            "Give their last school once: from the list, or written in if it is not there",
            field="last_school_elsewhere",
        )
    if upn:
        upn = upn_normalise(upn)
        existing = Pupil.objects.filter(la=la, upn=upn).first()
        if existing is not None:
            raise DuplicatePupil(existing)
    else:
        with connection.cursor() as cursor:  # one temporary UPN given at a time in an LA
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7021, la.pk])
        upn = upn_temporary(
            la.code,
            school_year_of(today),
            lambda candidate: Pupil.objects.filter(la=la, upn=candidate).exists(),
        )
    pupil = Pupil(
        la=la,
        upn=upn,
        home_postcode=home_postcode,
        arrived_on=arrived_on,
        last_school=last_school,
        last_school_elsewhere=last_school_elsewhere,
        **details,
    )
    _refuse_need_without_sen(pupil)
    _refuse_implausible_dates(pupil)
    _refuse_wrong_whereabouts(pupil)
    pupil.save()
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


# Where they live and where they came from: corrected like the rest (a wrong postcode would send
# Fair Access to the wrong schools).
PUPIL_WHEREABOUTS_FIELDS = ["home_postcode", "arrived_on", "last_school_elsewhere"]


@transaction.atomic
def pupil_update(*, pupil: Pupil, by: User, version: int, **changes) -> Pupil:
    """Change a pupil's details, refusing an edit made from a stale copy (the version seen)."""
    refuse_hidden_controls(changes, NAME_FIELDS, NAME_LABELS)
    locked = lock_current(Pupil.objects, pupil.pk, version)
    for name in [*PUPIL_EDITABLE_FIELDS, *PUPIL_WHEREABOUTS_FIELDS]:
        if name in changes:
            setattr(locked, name, changes[name])
    _refuse_need_without_sen(locked)
    if "date_of_birth" in changes:
        _refuse_implausible_dates(locked)
    _refuse_wrong_whereabouts(locked)
    return save_versioned(locked, by=by)


def _refuse_wrong_whereabouts(pupil: Pupil) -> None:
    """A postcode of the right shape (kept in capitals with its space), an arrival neither in the
    future nor before birth: for adding a child without a school and for every correction."""
    postcode = " ".join((pupil.home_postcode or "").upper().split())
    if postcode and not POSTCODE.fullmatch(postcode):
        raise Refused("Enter the postcode where they live, like NM4 8JW", field="home_postcode")
    pupil.home_postcode = postcode
    pupil.last_school_elsewhere = (pupil.last_school_elsewhere or "").strip()
    if pupil.arrived_on is not None:
        if pupil.arrived_on > timezone.localdate():
            raise Refused("The date they arrived must be today or in the past", field="arrived_on")
        if pupil.arrived_on < pupil.date_of_birth:
            raise Refused("The date they arrived is before they were born", field="arrived_on")


def _refuse_implausible_dates(pupil: Pupil, *, joined_on: date | None = None) -> None:
    """A date of birth of a child of school age (2 to 20 this year), and a school joined
    after birth and not in the future: for the page, the API and the import alike."""
    today = timezone.localdate()
    born = pupil.date_of_birth
    if not date(today.year - 20, 1, 1) <= born <= date(today.year - 2, 12, 31):
        raise Refused(
            "The date of birth must be of a child of school age "
            f"(born between {today.year - 20} and {today.year - 2})",
            field="date_of_birth",
        )
    if joined_on is not None:
        if joined_on > today:
            raise Refused("The date they joined must be today or in the past", field="joined_on")
        if joined_on < date(born.year + 2, born.month, 1):
            raise Refused(
                "The date they joined is before the pupil was 2: check it and the date of birth",
                field="joined_on",
            )


def _refuse_need_without_sen(pupil: Pupil) -> None:
    # The rule of the check constraint pupil_primary_need_only_with_sen, in words, for the page,
    # the API and the import alike.
    if pupil.primary_need and pupil.sen_status == "N":
        raise Refused("A primary need is recorded only for pupils with SEN", field="primary_need")


def current_school(pupil: Pupil) -> School | None:
    """The school whose roll the pupil is on now (the open enrolment), or None."""
    enrolment = pupil.enrolments.filter(left_on__isnull=True).select_related("school").first()
    return enrolment.school if enrolment else None
