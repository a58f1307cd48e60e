"""Telling the LA's administrators when a clock needs term dates nobody has entered yet.

A deadline counted past the term dates entered is an estimate (organisations.calendar): it never
lapses, but it is not a date a council can rely on. Its home page says which school years need
dates, and a daily task e-mails its administrators, at most once a week, until they are entered.
"""

from datetime import date, timedelta

from django.urls import reverse

from cases.exclusions.models import Deadline
from cases.notices.services import notice_send
from organisations.calendar import counting_year_of
from organisations.models import LocalAuthority, Membership, Term
from organisations.roles import Role

REMIND_EVERY = timedelta(days=7)


def term_dates_needed(la: LocalAuthority) -> dict:
    """The school years whose term dates the LA's open clocks need, and how many clocks wait."""
    estimated = Deadline.objects.filter(la=la).open().filter(estimated=True, provisional="")
    dues = list(estimated.values_list("due_on", flat=True))
    entered = set(
        Term.objects.filter(la=la, school__isnull=True).values_list("school_year", flat=True)
    )
    years = sorted({counting_year_of(due) for due in dues} - entered)
    return {"years": years, "clocks": len(dues)}


def school_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def term_dates_remind(today: date) -> int:
    """E-mail each LA's administrators whose clocks need term dates (once a week at most)."""
    sent = 0
    for la in LocalAuthority.objects.all():
        if la.term_dates_reminded_on and today - la.term_dates_reminded_on < REMIND_EVERY:
            continue
        needed = term_dates_needed(la)
        if not needed["clocks"]:
            continue
        admins = [
            m.user
            for m in Membership.objects.filter(la=la, role=Role.LA_ADMIN, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("user_id")
        ]
        if not admins:
            continue
        years = ", ".join(school_year_label(y) for y in needed["years"]) or "coming school years"
        notice_send(
            kind="term_dates",
            to=admins,
            la=la,
            subject="Term dates needed for statutory deadlines",
            body=(
                f"{needed['clocks']} open deadlines of {la.name} are counted past the term dates "
                f"entered, so their dates are estimates. Sign in to approvision and enter the "
                f"term dates for {years} (Administration, Term dates)."
            ),
            path=reverse("organisations:calendar"),
            occasion=f"term dates {today:%Y-%m-%d}",
        )
        LocalAuthority.objects.filter(pk=la.pk).update(term_dates_reminded_on=today)
        sent += 1
    return sent
