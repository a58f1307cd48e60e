"""Letters to parents about a placement: the placement's details, and the LA's notice of the
education it arranges from the 6th school day of a permanent exclusion (Education and Inspections
Act 2006 s104; SI 2007/1870 regs 6 and 7: where and when the education is, and the days before
it on which the parent must keep the child out of public places; given at least 48 hours before
the education starts unless the parent agrees to less)."""

from datetime import date, timedelta

from cases.exclusions.models import Deadline, Exclusion
from cases.notices.letters import LetterKind, register_letter
from organisations.calendar import SchoolCalendar, long_date
from placements.commissioning.models import SESSIONS, Placement

GONE = (Placement.State.DECLINED, Placement.State.WITHDRAWN)
NOTICE_HOURS = 48

PLACEMENT_HEADING = "((pupil_first_name))'s placement at ((provider))"
PLACEMENT_BODY = """Dear ((parent_name))

I am writing to confirm the arrangements for ((pupil_name))'s education at ((provider)).

* Why: ((reason))
* Where: ((place))
* Starting on: ((start_date))
* Ending on: ((end_date))
* Hours: ((hours)) hours a week, on ((sessions))
* The placement is next reviewed by: ((review_date))

((provider)) provides the education; the school and the local authority keep in touch with it
and review the placement with you. If anything about these arrangements will not work for
((pupil_first_name)), please contact me.

Yours sincerely

((officer_name)), ((la_name))"""

SIXTH_DAY_HEADING = "Education for ((pupil_name)) from the sixth school day of exclusion"
SIXTH_DAY_BODY = """Dear ((parent_name))

((pupil_name)) was permanently excluded from ((school)) from ((exclusion_date)). The local
authority must arrange suitable full-time education for ((pupil_first_name)) from the sixth
school day of the exclusion.

((pupil_first_name))'s education will be provided:

* From: ((first_day))
* At: ((provider)), ((place))
* On: ((sessions))
* Your contact: ((officer_name))

On each of these school days, before the education starts, you must make sure that
((pupil_first_name)) is not in a public place during school hours without a good reason, or you
may be given a penalty notice: ((whereabouts_days)).

From ((first_day)) ((pupil_first_name)) should attend ((provider)) as set out above.

Yours sincerely

((officer_name)), ((la_name))"""


def _date(day) -> str:
    return long_date(day) if day else "to be confirmed"


def _sessions(placement: Placement | None) -> str:
    if placement is None or not placement.sessions:
        return "days to be confirmed"
    labels = [label for value, label in SESSIONS if value in placement.sessions]
    return ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]


def _place(placement: Placement | None) -> str:
    if placement is None:
        return "at an address we will send you"
    site = placement.sites.first() or placement.provider.sites.filter(closed_on=None).first()
    return f"{site.address}, {site.postcode}" if site else "at an address we will send you"


# A placement -------------------------------------------------------------------------------


def _placements(user, pupil) -> list:
    placements = (
        Placement.objects.visible_to(user)
        .filter(pupil=pupil)
        .exclude(state__in=GONE)
        .select_related("provider")
        .order_by("-start_date")
    )
    return [
        (p, f"The placement at {p.provider.name} from {long_date(p.start_date)}")
        for p in placements
    ]


def _placement_values(placement: Placement, today: date) -> dict:
    return {
        "provider": placement.provider.name,
        "reason": placement.get_reason_display() or "as agreed with the school",
        "place": _place(placement),
        "start_date": long_date(placement.start_date),
        "end_date": _date(placement.planned_end),
        "hours": f"{placement.hours_per_week:g}",
        "sessions": _sessions(placement),
        "review_date": _date(placement.next_review_due),
    }


# The 6th-day provision after a permanent exclusion -------------------------------------------


def _exclusions(user, pupil) -> list:
    exclusions = (
        Exclusion.objects.visible_to(user)
        .filter(
            pupil=pupil, kind=Exclusion.Kind.PERMANENT, deadlines__kind=Deadline.Kind.LA_PROVISION
        )
        .exclude(state=Exclusion.State.CANCELLED)
        .select_related("school")
        .order_by("-start_date")
        .distinct()
    )
    return [
        (e, f"Education from the 6th day of the permanent exclusion from {long_date(e.start_date)}")
        for e in exclusions
    ]


def first_day(exclusion: Exclusion) -> date:
    return exclusion.deadlines.get(kind=Deadline.Kind.LA_PROVISION).due_on


def whereabouts_days(exclusion: Exclusion, first: date) -> list[date]:
    """The school days from the first day of exclusion to the day before the education starts:
    the days the parent must keep the child out of public places (EIA 2006 ss103-104)."""
    calendar = SchoolCalendar.for_school(exclusion.school)
    day, days = exclusion.start_date, []
    while day < first:
        if calendar.is_school_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _days_words(days: list[date]) -> str:
    if not days:
        return "none"
    words = [f"{d:%A} {d.day} {d:%B}" for d in days]
    words[-1] += f" {days[-1].year}"
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]


def provision_placement(exclusion: Exclusion) -> Placement | None:
    """The placement that gives the 6th-day education: the first one starting on or after the
    exclusion's first day."""
    return (
        Placement.objects.filter(pupil=exclusion.pupil, start_date__gte=exclusion.start_date)
        .exclude(state__in=GONE)
        .select_related("provider")
        .order_by("start_date", "pk")
        .first()
    )


def _sixth_day_values(exclusion: Exclusion, today: date) -> dict:
    first = first_day(exclusion)
    placement = provision_placement(exclusion)
    return {
        "exclusion_date": long_date(exclusion.start_date),
        "school": exclusion.school.name,
        "first_day": f"{first:%A} {long_date(first)}",
        "provider": placement.provider.name if placement else "a provider we will confirm",
        "place": _place(placement),
        "sessions": _sessions(placement),
        "whereabouts_days": _days_words(whereabouts_days(exclusion, first)),
    }


def _sixth_day_warnings(exclusion: Exclusion, today: date) -> list[str]:
    first = first_day(exclusion)
    warnings = []
    if provision_placement(exclusion) is None:
        warnings.append(
            "No placement is recorded from the 6th day yet: the letter says the place is to be "
            "confirmed, and the law asks for the place to be given."
        )
    # The education starts at the start of its first day: sent on a day less than two days
    # before it, a letter cannot give 48 hours' notice.
    if (first - today).days < NOTICE_HOURS // 24:
        warnings.append(
            f"Sent today, this letter gives less than {NOTICE_HOURS} hours' notice before the "
            f"education starts on {long_date(first)}. SI 2007/1870 regulation 6 asks for at least "
            f"{NOTICE_HOURS} hours, unless the parent agrees to less: record their agreement in "
            "a case note."
        )
    return warnings


def register() -> None:
    register_letter(
        LetterKind(
            key="placement",
            label="A placement's details",
            heading=PLACEMENT_HEADING,
            body=PLACEMENT_BODY,
            fields={
                "provider": "The provider",
                "reason": "Why the placement was made",
                "place": "The address of the site",
                "start_date": "The start",
                "end_date": "The planned end",
                "hours": "Hours a week",
                "sessions": "The sessions attended",
                "review_date": "The next review",
            },
            records=_placements,
            values=_placement_values,
            sample={
                "provider": "The Harbridge Centre",
                "reason": "Permanently excluded",
                "place": "1 Mill Lane, Harbridge, NM1 7QQ",
                "start_date": "18 January 2027",
                "end_date": "9 April 2027",
                "hours": "25",
                "sessions": "Monday morning and Monday afternoon",
                "review_date": "22 February 2027",
            },
        )
    )
    register_letter(
        LetterKind(
            key="sixth_day",
            label="Education from the 6th day of a permanent exclusion",
            heading=SIXTH_DAY_HEADING,
            body=SIXTH_DAY_BODY,
            fields={
                "exclusion_date": "The first day of the exclusion",
                "school": "The school that excluded",
                "first_day": "The first day of the education (the 6th school day)",
                "provider": "The provider",
                "place": "The address of the site",
                "sessions": "The sessions attended",
                "whereabouts_days": "The school days before it, when the child must not be in "
                "a public place",
            },
            records=_exclusions,
            values=_sixth_day_values,
            warnings=_sixth_day_warnings,
            sample={
                "exclusion_date": "4 January 2027",
                "school": "Harbridge Academy",
                "first_day": "Monday 11 January 2027",
                "provider": "The Harbridge Centre",
                "place": "1 Mill Lane, Harbridge, NM1 7QQ",
                "sessions": "Monday morning and Monday afternoon",
                "whereabouts_days": "Monday 4 January, Tuesday 5 January, Wednesday 6 January, "
                "Thursday 7 January and Friday 8 January 2027",
            },
        )
    )
