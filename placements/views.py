from datetime import date, timedelta

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
from cases.models import Pupil
from organisations.models import ProviderOrganisation
from organisations.roles import Role
from placements.access import provider_only
from placements.forms import (
    AnswerForm,
    EndForm,
    FilterForm,
    FollowUpForm,
    MoveForm,
    MoveReviewForm,
    PlacementForm,
    PlanForm,
    PlanUpdateForm,
    ReturnForm,
    ReviewForm,
)
from placements.models import (
    ALL_SESSIONS,
    SESSIONS,
    AttendanceCode,
    Placement,
    PupilMove,
    ReintegrationPlan,
)
from placements.services import (
    alert_conditions,
    alerts,
    attendance_record,
    follow_up_due,
    follow_up_record,
    marks_summary,
    move_record,
    move_review,
    placement_answer,
    placement_end,
    placement_notify,
    placement_offer,
    reintegration_plan_record,
    reintegration_update,
    return_submit,
    review_record,
    week_start,
)


def _placement(user, pk) -> Placement:
    return get_object_or_404(
        Placement.objects.visible_to(user).select_related(
            "pupil__la", "provider", "school", "referral"
        ),
        pk=pk,
    )


def _la_ids(user) -> list[int]:
    membership = user.membership_or_none()
    if membership is None:
        return []
    if membership.role == Role.PROVIDER_STAFF:
        return [membership.provider.la_id]
    return list(membership.la_ids())


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
        placement = _placement(user, kwargs["pk"])
        audit_pupil_read(
            request=self.request,
            pupil_ids=[placement.pupil_id],
            action=PupilRead.Action.VIEW_PLACEMENT,
        )
        plan = (
            ReintegrationPlan.objects.filter(placement=placement)
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
            and membership.role in (Role.LA_OFFICER, Role.PROVIDER_STAFF),
            "review_overdue": placement.review_overdue(today),
            "threshold": placement.pupil.la.attendance_threshold,
        }


class _PlacementFormView(PermissionRequiredMixin, FormView):
    """A form about one placement, that calls one service and goes back to the placement."""

    template_name = "placements/form.html"
    heading = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.placement = _placement(request.user, kwargs["pk"])
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


class AnswerView(_PlacementFormView):
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


class EndView(_PlacementFormView):
    permission_required = "placements.change_placement"
    form_class = EndForm
    heading = "End the placement"
    success_message = "The placement has ended"

    def check(self, user):
        if user.role not in (Role.LA_OFFICER, Role.PROVIDER_STAFF):
            raise PermissionDenied
        if user.role == Role.PROVIDER_STAFF:
            provider_only(user, self.placement)

    def act(self, data):
        placement_end(placement=self.placement, by=self.request.user, **data)


class ReturnView(_PlacementFormView):
    permission_required = "placements.add_providerreturn"
    form_class = ReturnForm
    heading = "Send a return"
    success_message = "Return sent"

    def check(self, user):
        provider_only(user, self.placement)

    def get_initial(self):
        return {"period": "week", "period_start": week_start(timezone.localdate())}

    def act(self, data):
        return_submit(placement=self.placement, by=self.request.user, **data)


class ReviewView(_PlacementFormView):
    permission_required = "placements.add_review"
    form_class = ReviewForm
    heading = "Record a review"
    success_message = "Review recorded"

    def get_initial(self):
        first = self.placement.reviews.first()
        since = first.held_on if first else self.placement.start_date
        possible, attended = marks_summary(self.placement, since, timezone.localdate())
        initial = {**super().get_initial(), "held_on": timezone.localdate()}
        if possible:
            initial["attendance_percent"] = round(100 * attended / possible, 1)
        return initial

    def act(self, data):
        self.review = review_record(placement=self.placement, by=self.request.user, **data)

    def back_url(self):
        review = getattr(self, "review", None)
        if review is not None and review.decision == "reintegrate":
            return reverse("placements:plan_add", args=[self.placement.pk])
        return super().back_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "review", None) is not None and self.review.decision == "reintegrate":
            messages.info(self.request, "Now record the reintegration plan")
        return response


class PlanAddView(_PlacementFormView):
    permission_required = "placements.add_reintegrationplan"
    form_class = PlanForm
    heading = "Reintegration plan"
    success_message = "Reintegration plan recorded"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "la_ids": [self.placement.pupil.la_id]}

    def get_initial(self):
        return {"school": self.placement.school_id}

    def act(self, data):
        reintegration_plan_record(
            placement=self.placement,
            by=self.request.user,
            school=data["school"],
            target_date=data["target_date"],
            steps=data["steps"],
        )


def _plan(placement) -> ReintegrationPlan:
    return get_object_or_404(ReintegrationPlan, placement=placement)


class PlanUpdateView(_PlacementFormView):
    permission_required = "placements.change_reintegrationplan"
    form_class = PlanUpdateForm
    heading = "Update the reintegration plan"
    success_message = "Reintegration plan updated"

    def get_initial(self):
        plan = _plan(self.placement)
        return {
            "status": plan.status,
            "returned_on": plan.returned_on,
            "outcome": plan.outcome,
            "version": plan.version,
        }

    def act(self, data):
        reintegration_update(plan=_plan(self.placement), by=self.request.user, **data)


class FollowUpView(_PlacementFormView):
    permission_required = "placements.add_followup"
    form_class = FollowUpForm
    heading = "Record a follow-up"
    success_message = "Follow-up recorded"

    def get_initial(self):
        return {}

    def act(self, data):
        follow_up_record(
            plan=_plan(self.placement),
            by=self.request.user,
            weeks=data["weeks"],
            held=data["held"] == "yes",
            notes=data["notes"],
        )


class AttendanceView(PermissionRequiredMixin, TemplateView):
    """A week's register: a DfE code for each session of the placement's pattern."""

    permission_required = "placements.add_attendancemark"
    template_name = "placements/attendance.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.placement = _placement(request.user, kwargs["pk"])
            provider_only(request.user, self.placement)
        return super().dispatch(request, *args, **kwargs)

    def week(self) -> date:
        try:
            day = date.fromisoformat(self.request.GET.get("week") or self.request.POST["week"])
        except (KeyError, ValueError):
            day = timezone.localdate()
        return week_start(day)

    def rows(self, monday: date, posted=None):
        placement = self.placement
        existing = {
            (m.day, m.session): m.code
            for m in placement.marks.filter(day__gte=monday, day__lte=monday + timedelta(days=4))
        }
        today = timezone.localdate()
        last = placement.last_day
        rows = []
        for offset, day_key in enumerate(["mon", "tue", "wed", "thu", "fri"]):
            day = monday + timedelta(days=offset)
            cells = []
            for half in ("am", "pm"):
                name = f"{day.isoformat()}_{half}"
                open_ = (
                    f"{day_key}_{half}" in placement.sessions
                    and placement.start_date <= day <= today
                    and (last is None or day <= last)
                )
                value = posted.get(name, "") if posted is not None else existing.get((day, half))
                cells.append({"name": name, "open": open_, "value": value or "", "half": half})
            rows.append({"day": day, "cells": cells})
        return rows

    def get_context_data(self, **kwargs):
        monday = kwargs.pop("monday", None) or self.week()
        return {
            **super().get_context_data(**kwargs),
            "placement": self.placement,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7)
            if monday + timedelta(days=7) <= timezone.localdate()
            else None,
            "rows": kwargs.get("rows") or self.rows(monday),
            "codes": AttendanceCode.choices,
        }

    def post(self, request, *args, **kwargs):
        monday = self.week()
        valid = set(AttendanceCode.values)
        marks, errors = {}, []
        for row in self.rows(monday):
            for cell in row["cells"]:
                code = request.POST.get(cell["name"], "")
                if not cell["open"] or not code:
                    continue
                if code not in valid:
                    errors.append(f"Select a code for {row['day']:%A %-d %B}")
                    continue
                marks[(row["day"], cell["half"])] = code
        if not errors and not marks:
            errors.append("Select a code for at least one session")
        if not errors:
            try:
                saved = attendance_record(placement=self.placement, by=request.user, marks=marks)
            except Refused as error:
                errors.append(str(error))
            else:
                messages.success(
                    request,
                    f"Attendance saved for {saved} session{'s' if saved != 1 else ''} "
                    f"in the week beginning {monday:%-d %B %Y}",
                )
                return redirect(f"{request.path}?week={monday.isoformat()}")
        context = self.get_context_data(
            monday=monday, rows=self.rows(monday, posted=request.POST), **kwargs
        )
        context["errors"] = errors
        return self.render_to_response(context, status=400)


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
        return redirect("placements:detail", pk=placement.pk)


# ---------------------------------------------------------------------------------------------
# Managed moves and off-site directions


class MoveListView(PermissionRequiredMixin, ListView):
    permission_required = "placements.view_pupilmove"
    paginate_by = 25
    template_name = "placements/move_list.html"

    def get_queryset(self):
        return (
            PupilMove.objects.visible_to(self.request.user)
            .select_related("pupil", "from_school", "to_school", "to_provider")
            .order_by(
                Case(When(outcome="", then=0), default=1), "next_review_due", "-start_date", "pk"
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_pupil_read(
            request=self.request,
            pupil_ids=[m.pupil_id for m in context["object_list"]],
            action=PupilRead.Action.LIST,
        )
        context["today"] = timezone.localdate()
        return context


def _move(user, pk) -> PupilMove:
    return get_object_or_404(
        PupilMove.objects.visible_to(user).select_related(
            "pupil", "from_school", "to_school", "to_provider"
        ),
        pk=pk,
    )


class MoveDetailView(PermissionRequiredMixin, FormView):
    permission_required = "placements.view_pupilmove"
    template_name = "placements/move_detail.html"
    form_class = MoveReviewForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.move = _move(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def can_review(self):
        user = self.request.user
        return user.has_perm("placements.change_pupilmove") or (
            user.has_perm("placements.add_pupilmove")
            and getattr(user.membership_or_none(), "school_id", None) == self.move.from_school_id
        )

    def get_initial(self):
        return {"version": self.move.version, "held_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        audit_pupil_read(
            request=self.request, pupil_ids=[self.move.pupil_id], action=PupilRead.Action.VIEW_MOVE
        )
        return {
            **super().get_context_data(**kwargs),
            "move": self.move,
            "reviews": self.move.reviews.select_related("by"),
            "can_review": self.can_review() and not self.move.outcome,
            "today": timezone.localdate(),
        }

    def post(self, request, *args, **kwargs):
        if not self.can_review():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            move_review(move=self.move, by=self.request.user, **form.cleaned_data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Review recorded")
        return redirect("placements:move_detail", pk=self.move.pk)


class MoveAddView(PermissionRequiredMixin, FormView):
    permission_required = "placements.add_pupilmove"
    form_class = MoveForm
    template_name = "placements/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "la_ids": [self.pupil.la_id]}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pupil": self.pupil,
            "heading": "Record a managed move or off-site direction",
            "back_url": reverse("cases:pupil_detail", args=[self.pupil.pk]),
            "back_text": f"Back to {self.pupil.name}",
        }

    def form_valid(self, form):
        try:
            move = move_record(pupil=self.pupil, by=self.request.user, **form.cleaned_data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{move.get_kind_display()} recorded")
        return redirect("placements:move_detail", pk=move.pk)


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
