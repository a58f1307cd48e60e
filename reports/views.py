"""Each role's home page: a dashboard of what needs their attention, scoped by visible_to."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.views.generic import TemplateView

from cases.models import Deadline, Exclusion, FairAccessCase, Referral
from organisations.models import LocalAuthority, ProviderOrganisation, School
from organisations.roles import LA_ROLES, Role
from panels.models import PanelMeeting
from placements.models import Placement, PupilMove
from placements.services import alerts

HOME_SCHOOLS_SHOWN = 20
RECENT_EXCLUSIONS_SHOWN = 10
# "The LA sees each new one on its dashboard at once": new means recorded in the last 14 days.
RECENT_DAYS = 14


class HomeView(TemplateView):
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
        if membership.role in LA_ROLES:
            context["la_summary"] = (
                LocalAuthority.objects.visible_to(user)
                .annotate(
                    school_count=Count("schools", filter=Q(schools__is_open=True), distinct=True),
                    trust_count=Count("schools__trust", distinct=True),
                    provider_count=Count("providers", distinct=True),
                )
                .get(pk=membership.la_id)
            )
        elif membership.role == Role.TRUST_LEAD:
            schools = School.objects.visible_to(user).for_list()
            context["schools"] = schools[:HOME_SCHOOLS_SHOWN]
            context["school_count"] = schools.count()
        elif membership.role == Role.PROVIDER_STAFF:
            context["provider"] = (
                ProviderOrganisation.objects.visible_to(user).select_related("la").first()
            )
        elif membership.role == Role.SCHOOL_STAFF:
            context["school"] = School.objects.visible_to(user).for_list().first()
        if user.has_perm("cases.view_exclusion"):
            since = timezone.now() - timedelta(days=RECENT_DAYS)
            recent = Exclusion.objects.visible_to(user).filter(recorded_at__gte=since)
            if membership.role == Role.SCHOOL_STAFF:
                recent = recent.filter(school_id=membership.school_id)
            context["recent_exclusions"] = recent.for_list().order_by("-recorded_at")[
                :RECENT_EXCLUSIONS_SHOWN
            ]
            context["recent_count"] = recent.count()
            context["recent_days"] = RECENT_DAYS
        if user.has_perm("cases.change_referral"):
            context["triage_count"] = (
                Referral.objects.visible_to(user).filter(state=Referral.State.SUBMITTED).count()
            )
        if user.has_perm("panels.view_panelmeeting"):
            context["next_meetings"] = (
                PanelMeeting.objects.visible_to(user)
                .filter(date__gte=today)
                .annotate(item_count=Count("items"))
                .order_by("date")[:3]
            )
        if user.has_perm("cases.add_referral") and membership.role == Role.SCHOOL_STAFF:
            context["school_referrals"] = (
                Referral.objects.visible_to(user)
                .for_list()
                .exclude(state=Referral.State.WITHDRAWN)
                .order_by("-created_at")[:10]
            )
        if user.has_perm("cases.view_fairaccesscase"):
            cases = FairAccessCase.objects.visible_to(user)
            context["fair_access"] = cases.aggregate(
                waiting_answer=Count("pk", filter=Q(state=FairAccessCase.State.ALLOCATED)),
                to_allocate=Count(
                    "pk",
                    filter=Q(state__in=[FairAccessCase.State.AGREED, FairAccessCase.State.REFUSED]),
                ),
                overdue=Count(
                    "pk",
                    filter=Q(
                        state__in=[FairAccessCase.State.AGREED, FairAccessCase.State.REFUSED],
                        allocation_due__lt=today,
                    ),
                ),
            )
        if user.has_perm("placements.view_placement") and membership.role in (
            Role.LA_OFFICER,
            Role.PROVIDER_STAFF,
            Role.SCHOOL_STAFF,
        ):
            placements = Placement.objects.visible_to(user)
            context["caseload"] = placements.aggregate(
                offered=Count("pk", filter=Q(state=Placement.State.OFFERED)),
                running=Count(
                    "pk", filter=Q(state__in=[Placement.State.ACCEPTED, Placement.State.ACTIVE])
                ),
            )
            context["placement_alerts"] = alerts(
                placements,
                moves=PupilMove.objects.visible_to(user),
                providers=ProviderOrganisation.objects.visible_to(user)
                if membership.role == Role.LA_OFFICER
                else None,
            )
        if user.has_perm("cases.view_deadline"):
            open_deadlines = Deadline.objects.visible_to(user).open()
            context["deadline_counts"] = open_deadlines.aggregate(
                overdue=Count("pk", filter=Q(due_on__lt=today)),
                today=Count("pk", filter=Q(due_on=today)),
                week=Count("pk", filter=Q(due_on__gt=today, due_on__lte=today + timedelta(days=7))),
            )
        return context
