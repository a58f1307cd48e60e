from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.notices.models import Message
from cases.pupils.models import Pupil
from organisations.calendar import long_date
from organisations.models import ProviderOrganisation
from organisations.roles import Role
from placements.access import may_end_placement, may_record_placement_details, provider_only
from placements.alerts import alert_conditions, alerts
from placements.commissioning.details import open_sites, placement_details_record
from placements.commissioning.forms import (
    AnswerForm,
    DetailsForm,
    EndForm,
    FilterForm,
    PlacementForm,
)
from placements.commissioning.models import ALL_SESSIONS, SESSIONS, Placement
from placements.commissioning.services import (
    placement_answer,
    placement_end,
    placement_notify,
    placement_offer,
)
from placements.moves.models import PupilMove
from placements.reintegration.models import ReintegrationPlan
from placements.reintegration.services import (
    follow_up_due,
)
from providers.services import registration_warning


def placement_for(user, pk) -> Placement:
    return get_object_or_404(
        Placement.objects.visible_to(user).select_related(
            "pupil__la", "provider", "school", "referral"
        ),
        pk=pk,
    )


def _alert_filter(queryset, key: str, today: date):
    """The live placements one alert is about (the same rule as its count)."""
    condition = alert_conditions(today).get(key)
    if condition is None:
        return queryset
    return queryset.filter(condition, state__in=Placement.LIVE_STATES)


class PlacementListView(PermissionRequiredMixin, ListView):
    """The LA's placements; a provider's caseload; a school's pupils in AP."""

    permission_required = "placements.view_placement"
    paginate_by = 25
    template_name = "placements/placement_list.html"

    def get_queryset(self):
        user = self.request.user
        queryset = Placement.objects.visible_to(user).for_list()
        self.filters = FilterForm(self.request.GET)
        self.filters.is_valid()
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        state = data.get("state") or ""
        alert = data.get("alert") or ""
        if alert:
            queryset = _alert_filter(queryset, alert, timezone.localdate())
        elif state == "":
            queryset = queryset.filter(state__in=Placement.LIVE_STATES)
        elif state != "all":
            queryset = queryset.filter(state=state)
        for word in (data.get("q") or "").split():
            queryset = queryset.filter(
                Q(pupil__legal_first_name__icontains=word)
                | Q(pupil__legal_last_name__icontains=word)
                | Q(pupil__preferred_first_name__icontains=word)
                | Q(pupil__upn__iexact=word)
            )
        # Offers waiting for an answer first, then by start.
        waiting = Case(When(state=Placement.State.OFFERED, then=0), default=1)
        return queryset.order_by(waiting, "-start_date", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        audit_pupil_read(
            request=self.request,
            pupil_ids=[p.pupil_id for p in context["object_list"]],
            action=PupilRead.Action.LIST,
        )
        membership = user.membership_or_none()
        la_view = membership is not None and membership.role in (
            Role.LA_OFFICER,
            Role.PANEL_MEMBER,
        )
        context.update(
            filters=self.filters,
            today=timezone.localdate(),
            is_provider=membership is not None and membership.role == Role.PROVIDER_STAFF,
            alerts=alerts(
                Placement.objects.visible_to(user),
                moves=PupilMove.objects.visible_to(user),
                providers=ProviderOrganisation.objects.visible_to(user) if la_view else None,
            ),
            alert=self.filters.cleaned_data.get("alert", "") if self.filters.is_valid() else "",
        )
        return context


class PlacementDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "placements.view_placement"
    template_name = "placements/placement_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        placement = placement_for(user, kwargs["pk"])
        audit_pupil_read(
            request=self.request,
            pupil_ids=[placement.pupil_id],
            action=PupilRead.Action.VIEW_PLACEMENT,
        )
        plan = (
            ReintegrationPlan.objects.visible_to(user)
            .filter(placement=placement)
            .select_related("school")
            .prefetch_related("steps", "follow_ups")
            .first()
        )
        membership = user.membership_or_none()
        is_provider = membership.role == Role.PROVIDER_STAFF
        running = placement.state in (Placement.State.ACTIVE, Placement.State.ACCEPTED)
        can_review = user.has_perm("placements.add_review") and running
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "placement": placement,
            "pupil": placement.pupil,
            "today": today,
            "sent_messages": Message.objects.sent_about(user, placement),
            "sessions": [label for value, label in SESSIONS if value in placement.sessions],
            "returns": placement.returns.select_related("submitted_by"),
            "reviews": placement.reviews.select_related("held_by"),
            "plan": plan,
            "follow_ups_due": [{"weeks": w, "due": follow_up_due(plan, w)} for w in (6, 12)]
            if plan and plan.returned_on
            else [],
            "can_answer": is_provider and placement.state == Placement.State.OFFERED,
            "can_record": user.has_perm("placements.add_providerreturn")
            and placement.state in (Placement.State.ACTIVE, Placement.State.ENDED),
            "can_review": can_review,
            "can_plan": can_review and plan is None,
            "can_update_plan": user.has_perm("placements.change_reintegrationplan")
            and plan is not None,
            "can_end": user.has_perm("placements.change_placement")
            and placement.state in Placement.LIVE_STATES
            and may_end_placement(user, placement),
            "review_overdue": placement.review_overdue(today),
            "sites": placement.sites.all(),
            "can_record_details": may_record_placement_details(user, placement),
            "threshold": placement.pupil.la.attendance_threshold,
        }


class PlacementFormView(PermissionRequiredMixin, FormView):
    """A form about one placement, that calls one service and goes back to the placement."""

    template_name = "placements/form.html"
    heading = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.placement = placement_for(request.user, kwargs["pk"])
            self.check(request.user)
        return super().dispatch(request, *args, **kwargs)

    def check(self, user):
        """Refuse (403) what the user's role may not do to this placement."""

    def get_initial(self):
        return {"version": self.placement.version}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "placement": self.placement,
            "heading": self.heading,
            "back_url": self.back_url(),
            "back_text": "Back to the placement",
        }

    def back_url(self):
        return reverse("placements:detail", args=[self.placement.pk])

    def form_valid(self, form):
        try:
            self.act(form.cleaned_data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.back_url())

    def act(self, data):
        raise NotImplementedError


class AnswerView(PlacementFormView):
    permission_required = "placements.change_placement"
    form_class = AnswerForm
    heading = "Answer the offer"
    success_message = "Your answer has been sent"

    def check(self, user):
        provider_only(user, self.placement)

    def get_initial(self):
        return {**super().get_initial(), "sessions": self.placement.sessions}

    def act(self, data):
        placement_answer(
            placement=self.placement,
            by=self.request.user,
            version=data["version"],
            accept=data["answer"] == "accept",
            sessions=data["sessions"],
            reason=data["reason"],
        )


class DetailsView(PlacementFormView):
    permission_required = "placements.view_placement"
    form_class = DetailsForm
    heading = "Reason and sites"
    success_message = "The placement's reason and sites are saved"

    def check(self, user):
        if not may_record_placement_details(user, self.placement):
            raise PermissionDenied

    def get_form_kwargs(self):
        sites = open_sites(self.placement) | self.placement.sites.all()
        return {**super().get_form_kwargs(), "sites": sites.distinct().order_by("name")}

    def get_initial(self):
        return {
            **super().get_initial(),
            "reason": self.placement.reason,
            "sites": list(self.placement.sites.all()),
        }

    def act(self, data):
        placement_details_record(
            placement=self.placement,
            by=self.request.user,
            version=data["version"],
            reason=data["reason"],
            sites=list(data.get("sites") or []),
        )


class EndView(PlacementFormView):
    permission_required = "placements.change_placement"
    form_class = EndForm
    heading = "End the placement"
    success_message = "The placement has ended"

    def check(self, user):
        if not may_end_placement(user, self.placement):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        """Warn before a placement ends ahead of its reintegration plan's target date."""
        context = super().get_context_data(**kwargs)
        plan = (
            ReintegrationPlan.objects.visible_to(self.request.user)
            .filter(placement=self.placement)
            .first()
        )
        if plan is not None and plan.status != ReintegrationPlan.Status.RETURNED:
            context["warning"] = (
                f"The reintegration plan aims for a return to {plan.school} by "
                f"{long_date(plan.target_date)}. Ending the placement before the pupil has "
                "returned leaves them without a place: check the plan first."
            )
        return context

    def act(self, data):
        placement_end(placement=self.placement, by=self.request.user, **data)


class PlacementAddView(PermissionRequiredMixin, FormView):
    """An officer arranges a placement for a pupil, or the pupil's school tells the LA of AP it
    commissioned itself."""

    permission_required = "placements.add_placement"
    form_class = PlacementForm
    template_name = "placements/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.pupil = get_object_or_404(
                Pupil.objects.visible_to(request.user).select_related("la"), pk=kwargs["pk"]
            )
            self.school_notifying = request.user.role == Role.SCHOOL_STAFF
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "la_ids": [self.pupil.la_id],
            "school_notifying": self.school_notifying,
        }

    def get_initial(self):
        return {
            "sessions": ALL_SESSIONS,
            "funding": "school" if self.school_notifying else "high_needs",
            "tier": "tier_2",
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pupil": self.pupil,
            "heading": "Tell us about AP you commissioned"
            if self.school_notifying
            else "Arrange a placement",
            "back_url": reverse("cases:pupil_detail", args=[self.pupil.pk]),
            "back_text": f"Back to {self.pupil.name}",
        }

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data["sessions"] = data["sessions"] or list(ALL_SESSIONS)
        try:
            if self.school_notifying:
                placement = placement_notify(pupil=self.pupil, by=self.request.user, **data)
            else:
                placement = placement_offer(
                    pupil=self.pupil, by=self.request.user, source=Placement.Source.LA, **data
                )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Placement recorded with {placement.provider.name}")
        warning = registration_warning(placement.provider)
        if warning:
            messages.warning(self.request, warning)
        return redirect("placements:detail", pk=placement.pk)


def pupil_movements(user, pupil: Pupil) -> dict:
    """The placements and moves of one pupil that this user may see (for the case file)."""
    return {
        "placements": Placement.objects.visible_to(user)
        .filter(pupil=pupil)
        .select_related("provider"),
        "moves": PupilMove.objects.visible_to(user)
        .filter(pupil=pupil)
        .select_related("to_school", "to_provider"),
    }
