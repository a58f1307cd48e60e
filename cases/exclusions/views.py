from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.exclusions.access import recording_school
from cases.exclusions.forms import DeadlineFilterForm, ExclusionForm, NoticeForm, TransitionForm
from cases.exclusions.models import Deadline, Exclusion, overdue_condition
from cases.exclusions.services import (
    PUBLIC_HEALTH,
    PUBLIC_HEALTH_WARNING,
    deadline_mark_met,
    exclusion_notice_record,
    exclusion_record,
    exclusion_transition,
)
from cases.pupils.history import history_entries
from cases.pupils.models import Pupil
from organisations.models import School


class _ExclusionMixin(PermissionRequiredMixin):
    def get_exclusion(self) -> Exclusion:
        queryset = Exclusion.objects.visible_to(self.request.user).select_related(
            "pupil", "school", "recorded_by"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class ExclusionCreateView(PermissionRequiredMixin, FormView):
    permission_required = "cases.add_exclusion"
    form_class = ExclusionForm
    template_name = "cases/exclusion_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=kwargs["pk"])
        # Only the school whose roll the pupil is on (or the LA) records their exclusions.
        self.school = recording_school(request.user, self.pupil)
        if self.school is None:
            return redirect("cases:pupil_detail", pk=self.pupil.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "pupil": self.pupil, "school": self.school}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            exclusion = exclusion_record(
                by=self.request.user,
                pupil=self.pupil,
                school=self.school,
                kind=data["kind"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                sessions=data.get("sessions"),
                reasons=data["reasons"],
                decided_by=data["decided_by"],
                parents_notified_on=data.get("parents_notified_on"),
                misses_public_exam=data["misses_public_exam"],
                public_exam_on=data.get("public_exam_on"),
                no_further_exams=data["no_further_exams"],
                late_reason=data["late_reason"],
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{exclusion.get_kind_display()} recorded. The local authority can see it now.",
        )
        if PUBLIC_HEALTH in exclusion.reasons:
            messages.warning(self.request, PUBLIC_HEALTH_WARNING)
        return redirect("cases:exclusion_detail", pk=exclusion.pk)


class ExclusionDetailView(_ExclusionMixin, TemplateView):
    permission_required = "cases.view_exclusion"
    template_name = "cases/exclusion_detail.html"

    def get_context_data(self, **kwargs):
        exclusion = self.get_exclusion()
        audit_pupil_read(
            request=self.request,
            pupil_ids=[exclusion.pupil_id],
            action=PupilRead.Action.VIEW_EXCLUSION,
        )
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "exclusion": exclusion,
            "deadlines": exclusion.deadlines.order_by("due_on"),
            "events": exclusion.events.select_related("by"),
            "history": history_entries(exclusion.history.select_related("history_user")[:30]),
            "can_move": user.has_perm("cases.change_exclusion") and bool(exclusion.allowed_moves()),
            "can_record_notice": user.has_perm("cases.change_exclusion")
            and exclusion.kind == Exclusion.Kind.PERMANENT
            and exclusion.state == Exclusion.State.UPHELD
            and exclusion.board_notice_sent_on is None,
            "can_mark_met": user.has_perm("cases.change_deadline"),
            "today": timezone.localdate(),
        }


class _ExclusionStepView(_ExclusionMixin, FormView):
    """A form recording a step after an exclusion: its form is given the exclusion."""

    permission_required = "cases.change_exclusion"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.exclusion = self.get_exclusion()
        if not self.step_open():
            messages.info(request, "This exclusion has no further steps to record")
            return redirect("cases:exclusion_detail", pk=self.exclusion.pk)
        return super().dispatch(request, *args, **kwargs)

    def step_open(self) -> bool:
        return True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exclusion": self.exclusion}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "exclusion": self.exclusion}


class ExclusionTransitionView(_ExclusionStepView):
    form_class = TransitionForm
    template_name = "cases/exclusion_transition.html"

    def step_open(self) -> bool:
        return bool(self.exclusion.allowed_moves())

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            exclusion_transition(
                exclusion=self.exclusion,
                to=data["to"],
                by=self.request.user,
                on=data["on"],
                version=data["version"],
                note=data["note"],
                outcome=data.get("outcome") or "",
                notice_sent_on=data.get("notice_sent_on"),
                notice_method=data.get("notice_method") or "",
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Saved. The deadlines have been updated.")
        return redirect("cases:exclusion_detail", pk=self.exclusion.pk)


class ExclusionNoticeView(_ExclusionStepView):
    """Record the written notice of the board's decision: the review window counts from it."""

    form_class = NoticeForm
    template_name = "cases/exclusion_notice.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            exclusion = exclusion_notice_record(
                exclusion=self.exclusion,
                by=self.request.user,
                version=data["version"],
                sent_on=data["sent_on"],
                method=data["method"],
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Notice recorded: the review window counts from "
            f"{exclusion.board_notice_given_on:%-d %B %Y}.",
        )
        return redirect("cases:exclusion_detail", pk=exclusion.pk)


class DeadlineListView(PermissionRequiredMixin, ListView):
    """What is due today, this week and overdue, for the user's LA or school."""

    permission_required = "cases.view_deadline"
    paginate_by = 50
    template_name = "cases/deadline_list.html"

    def get_queryset(self):
        user = self.request.user
        today = timezone.localdate()
        self.filters = DeadlineFilterForm(
            self.request.GET, schools=School.objects.visible_to(user).order_by("name")
        )
        queryset = Deadline.objects.visible_to(user).open().for_list()
        when = "week"
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            when = data["when"] or "week"
            if data["school"]:
                queryset = queryset.filter(school=data["school"])
            if data["kind"]:
                queryset = queryset.filter(kind=data["kind"])
        self.when = when
        if when == "overdue":
            queryset = queryset.filter(overdue_condition(today))
        elif when == "today":
            queryset = queryset.filter(due_on=today)
        elif when == "week":
            queryset = queryset.filter(due_on__lte=today + timedelta(days=7))
        return queryset.order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        open_deadlines = Deadline.objects.visible_to(self.request.user).open()
        context.update(
            filters=self.filters,
            when=self.when,
            today=today,
            counts={
                "overdue": open_deadlines.filter(overdue_condition(today)).count(),
                "today": open_deadlines.filter(due_on=today).count(),
                "week": open_deadlines.filter(
                    due_on__gt=today, due_on__lte=today + timedelta(days=7)
                ).count(),
            },
            query=self.request.GET.urlencode(),
        )
        return context


class DeadlineMetView(PermissionRequiredMixin, View):
    permission_required = "cases.change_deadline"

    def post(self, request, pk):
        deadline = get_object_or_404(Deadline.objects.visible_to(request.user).open(), pk=pk)
        try:
            deadline_mark_met(deadline=deadline, on=timezone.localdate(), by=request.user)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Recorded: {deadline.get_kind_display().lower()} arranged")
        return redirect("cases:exclusion_detail", pk=deadline.exclusion_id)
