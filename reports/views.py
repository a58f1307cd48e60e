"""Each role's home page: a dashboard of what needs their attention, scoped by visible_to."""

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.views.generic import TemplateView

from cases.casework.access import may_complete_task
from cases.casework.models import Task, owned_q
from cases.exclusions.models import Deadline, Exclusion, overdue_condition
from cases.exclusions.term_dates import school_year_label, term_dates_needed
from cases.fair_access.models import FairAccessCase
from cases.referrals.models import Referral
from organisations.models import LocalAuthority, ProviderOrganisation, School
from organisations.roles import ROLE_ORGANISATION_FIELD, Role
from panels.models import PanelMeeting
from placements.alerts import alerts
from placements.commissioning.models import Placement
from placements.moves.models import PupilMove
from reports.access import figures_scope
from reports.figure_views import PeriodForm
from reports.figures import (
    SUPPRESSED,
    Table,
    la_figures_recent,
    per_100,
    period_for,
    period_options,
    published,
    school_year_period,
)
from reports.presentation import figures_context

HOME_SCHOOLS_SHOWN = 20
HOME_TASKS_SHOWN = 10
RECENT_EXCLUSIONS_SHOWN = 10
# "The LA sees each new one on its dashboard at once": new means recorded in the last 14 days.
RECENT_DAYS = 14


class HomeView(TemplateView):
    """Each role's home page: its template, and the panels HOME_PANELS gives that role."""

    def get_template_names(self):
        role = self.request.user.role or "none"
        return [f"reports/home/{role}.html", "reports/home/none.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        membership = user.membership_or_none()
        if membership is None:
            return context
        today = timezone.localdate()
        panels = HOME_PANELS.get(membership.role, [])
        counted = [panel for panel in panels if panel in COUNTED_PANELS]
        if counted:
            context.update(_counted(user, membership, today, counted))
        for panel in panels:
            if panel not in COUNTED_PANELS:
                context.update(panel(user, membership, today))
        return context


def _counted(user, membership, today, panels) -> dict:
    """The counting panels, worked out at most HOME_COUNTS_SECONDS ago for everyone with the same
    role, organisation and permissions (what they count depends on nothing else), kept in the
    shared cache: one cache read instead of a dozen counts over the LA's records."""
    organisation = getattr(membership, f"{ROLE_ORGANISATION_FIELD[membership.role]}_id")
    permissions = hashlib.sha256(",".join(sorted(user.get_all_permissions())).encode())
    key = f"home:{membership.role}:{organisation}:{today}:{permissions.hexdigest()[:16]}"
    values = cache.get(key)
    if values is None:
        values = {"home_counted_at": timezone.now()}
        for panel in panels:
            values.update(panel(user, membership, today))
        cache.set(key, values, HOME_COUNTS_SECONDS)
    return values


# The panels of the home pages, one function each: (user, membership, today) -> context. Each
# checks the permission its records need as well, so a panel given to the wrong role shows nothing.


def _la_summary(user, membership, today) -> dict:
    summary = (
        LocalAuthority.objects.visible_to(user)
        .annotate(
            school_count=Count("schools", filter=Q(schools__is_open=True), distinct=True),
            trust_count=Count("schools__trust", distinct=True),
            provider_count=Count("providers", distinct=True),
        )
        .get(pk=membership.la_id)
    )
    return {"la_summary": summary}


def _term_dates_needed(user, membership, today) -> dict:
    needed = term_dates_needed(membership.la)
    return {
        "term_dates_needed": needed,
        "term_dates_years": [school_year_label(y) for y in needed["years"]],
    }


def _trust_schools(user, membership, today) -> dict:
    schools = School.objects.visible_to(user).for_list()
    return {"schools": schools[:HOME_SCHOOLS_SHOWN], "school_count": schools.count()}


def _provider(user, membership, today) -> dict:
    return {"provider": ProviderOrganisation.objects.visible_to(user).select_related("la").first()}


def _school(user, membership, today) -> dict:
    return {"school": School.objects.visible_to(user).for_list().first()}


def _recent(user, membership):
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = Exclusion.objects.visible_to(user).filter(recorded_at__gte=since)
    if membership.role == Role.SCHOOL_STAFF:
        recent = recent.filter(school_id=membership.school_id)
    return recent


def _recent_exclusions(user, membership, today) -> dict:
    """The newest exclusions, at once (never from the cache)."""
    if not user.has_perm("cases.view_exclusion"):
        return {}
    recent = _recent(user, membership)
    return {
        "recent_exclusions": recent.for_list().order_by("-recorded_at")[:RECENT_EXCLUSIONS_SHOWN],
        "recent_days": RECENT_DAYS,
    }


def _recent_count(user, membership, today) -> dict:
    if not user.has_perm("cases.view_exclusion"):
        return {}
    return {"recent_count": _recent(user, membership).count()}


def _triage(user, membership, today) -> dict:
    if not user.has_perm("cases.change_referral"):
        return {}
    submitted = Referral.objects.visible_to(user).filter(state=Referral.State.SUBMITTED)
    return {"triage_count": submitted.count()}


def _next_meetings(user, membership, today) -> dict:
    if not user.has_perm("panels.view_panelmeeting"):
        return {}
    meetings = (
        PanelMeeting.objects.visible_to(user)
        .filter(date__gte=today)
        .annotate(item_count=Count("items"))
        .order_by("date")[:3]
    )
    return {"next_meetings": meetings}


def _school_referrals(user, membership, today) -> dict:
    if not user.has_perm("cases.add_referral"):
        return {}
    referrals = (
        Referral.objects.visible_to(user)
        .for_list()
        .exclude(state=Referral.State.WITHDRAWN)
        .order_by("-created_at")[:10]
    )
    return {"school_referrals": referrals}


def _fair_access(user, membership, today) -> dict:
    if not user.has_perm("cases.view_fairaccesscase"):
        return {}
    to_allocate = [FairAccessCase.State.AGREED, FairAccessCase.State.REFUSED]
    counts = FairAccessCase.objects.visible_to(user).aggregate(
        waiting_answer=Count("pk", filter=Q(state=FairAccessCase.State.ALLOCATED)),
        to_allocate=Count("pk", filter=Q(state__in=to_allocate)),
        overdue=Count("pk", filter=Q(state__in=to_allocate, allocation_due__lt=today)),
    )
    return {"fair_access": counts}


def _placements(user, membership, today) -> dict:
    if not user.has_perm("placements.view_placement"):
        return {}
    placements = Placement.objects.visible_to(user)
    running = [Placement.State.ACCEPTED, Placement.State.ACTIVE]
    return {
        "caseload": placements.aggregate(
            offered=Count("pk", filter=Q(state=Placement.State.OFFERED)),
            running=Count("pk", filter=Q(state__in=running)),
        ),
        "placement_alerts": alerts(
            placements,
            moves=PupilMove.objects.visible_to(user),
            providers=ProviderOrganisation.objects.visible_to(user)
            if membership.role == Role.LA_OFFICER
            else None,
        ),
    }


def _deadlines(user, membership, today) -> dict:
    if not user.has_perm("cases.view_deadline"):
        return {}
    counts = (
        Deadline.objects.visible_to(user)
        .open()
        .aggregate(
            overdue=Count("pk", filter=overdue_condition(today)),
            today=Count("pk", filter=Q(due_on=today)),
            week=Count("pk", filter=Q(due_on__gt=today, due_on__lte=today + timedelta(days=7))),
        )
    )
    return {"deadline_counts": counts}


def _director(user, membership, today) -> dict:
    """The director's dashboard: the LA's figures as published, this school year to date."""
    scope = figures_scope(user)
    if scope is None:
        return {}
    period = period_for(None, today)
    return {
        **figures_context(scope, period),
        "form": PeriodForm({"period": period.key}, options=period_options(today)),
    }


def _accountability(user, membership, today) -> dict:
    """A school's or trust's own figures this school year to date, in full, beside the LA's
    (as published) per 100 pupils on roll."""
    scope = figures_scope(user)
    if scope is None:
        return {"accountability": {}}
    period = period_for(None, today)
    own = la_figures_recent(scope.la, period, scope=scope.key, schools=scope.schools, full=False)
    whole = published(la_figures_recent(scope.la, period, full=False))
    measures = [
        ("Suspensions", "headline", "suspensions"),
        ("Permanent exclusions", "headline", "permanent"),
        ("AP referrals", "ap", "referrals"),
        ("Placements in AP during the period", "ap", "in_period"),
        ("Reintegrations received", "ap", "reintegrations_received"),
        ("Part-time timetables running", "ap", "part_time"),
        ("Fair Access admissions", "fair_access", "accepted"),
        ("Fair Access refusals", "fair_access", "refused"),
    ]
    rows = [
        [
            label,
            own[group][name],
            per_100(own[group][name], own["headline"]["on_roll"]),
            per_100(whole[group][name], whole["headline"]["on_roll"])
            if whole[group][name] != SUPPRESSED
            else SUPPRESSED,
        ]
        for label, group, name in measures
    ]
    table = Table(
        f"Your figures beside the local authority's, {period.label}",
        ["Measure", "Yours", "Yours per 100 pupils", "Local authority per 100 pupils"],
        rows,
    )
    quota = None
    if membership.role == Role.SCHOOL_STAFF and scope.la.pex_quota is not None:
        year = la_figures_recent(
            scope.la,
            school_year_period(period.school_year, today),
            scope=scope.key,
            schools=scope.schools,
            full=False,
        )
        used = year["headline"]["permanent"]
        over = max(0, used - scope.la.pex_quota)
        quota = {
            "quota": scope.la.pex_quota,
            "used": used,
            "over": over,
            "charge": scope.la.pex_quota_charge,
            "due": (scope.la.pex_quota_charge or 0) * over,
        }
    return {
        "accountability": {
            "table": table,
            "on_roll": own["headline"]["on_roll"],
            "on_roll_source": own["headline"]["on_roll_source"],
            "la": scope.la,
            "quota": quota,
            "counted_at": own["counted_at"],
        }
    }


def _officer(user, membership, today) -> dict:
    """The officer's picture of the service: referrals by state, placements by provider and tier."""
    labels = dict(Referral.State.choices)
    states = (
        Referral.objects.visible_to(user)
        .exclude(state__in=[Referral.State.DRAFT, Referral.State.WITHDRAWN])
        .values("state")
        .annotate(n=Count("pk"))
        .order_by("state")
    )
    tiers = dict(Placement.Tier.choices)
    running = (
        Placement.objects.visible_to(user)
        .filter(state__in=[Placement.State.ACTIVE, Placement.State.ACCEPTED])
        .values("provider__name", "tier")
        .annotate(n=Count("pk"))
        .order_by("provider__name", "tier")
    )
    return {
        "referral_states": [(labels[row["state"]], row["n"]) for row in states],
        "placements_by_provider": [
            (row["provider__name"], tiers[row["tier"]], row["n"]) for row in running
        ],
    }


# Which panels each role's home page shows, in the order they are worked out.
def _tasks(user, membership, today) -> dict:
    """The person's own open tasks and their organisation's (a panel action given to the school
    or the provider); for an officer, the LA's overdue tasks and their caseload."""
    if not user.has_perm("cases.view_task"):
        return {}
    tasks = Task.objects.visible_to(user)
    shown = list(tasks.for_list().owned_by(user).open()[:HOME_TASKS_SHOWN])
    officer = user.has_perm("cases.view_leadchange")
    counts = {"mine": len(shown), "overdue": 0}
    # One count for both: how many are the person's (when more than shown) and the LA's overdue.
    if officer or len(shown) == HOME_TASKS_SHOWN:
        counts = tasks.open().aggregate(
            mine=Count("pk", filter=owned_q(user)),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
    return {
        "my_tasks": shown,
        "my_task_count": counts["mine"],
        "completable": {t.pk for t in shown if may_complete_task(user, t)},
        "overdue_tasks": counts["overdue"] if officer else 0,
        "caseload_links": officer,
    }


# Panels that count (or list what a role's organisation holds, like a trust's schools) and may
# be a minute old; the rest (lists of the newest records, the person's own tasks) are live.
COUNTED_PANELS = {
    _la_summary,
    _trust_schools,
    _recent_count,
    _triage,
    _fair_access,
    _placements,
    _deadlines,
    _officer,
}
HOME_COUNTS_SECONDS = 60

HOME_PANELS = {
    Role.LA_OFFICER: [
        _la_summary,
        _recent_exclusions,
        _recent_count,
        _triage,
        _next_meetings,
        _fair_access,
        _placements,
        _officer,
        _deadlines,
        _tasks,
    ],
    Role.LA_ADMIN: [_la_summary, _term_dates_needed],
    Role.PANEL_MEMBER: [
        _la_summary,
        _recent_exclusions,
        _recent_count,
        _next_meetings,
        _fair_access,
        _deadlines,
        _tasks,
    ],
    Role.DIRECTOR: [_la_summary, _director],
    Role.SCHOOL_STAFF: [
        _school,
        _recent_exclusions,
        _recent_count,
        _school_referrals,
        _fair_access,
        _placements,
        _accountability,
        _deadlines,
        _tasks,
    ],
    Role.TRUST_LEAD: [
        _trust_schools,
        _recent_exclusions,
        _recent_count,
        _fair_access,
        _accountability,
        _deadlines,
        _tasks,
    ],
    Role.PROVIDER_STAFF: [_provider, _recent_exclusions, _recent_count, _placements, _tasks],
}
