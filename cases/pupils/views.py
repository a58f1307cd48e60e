from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import FormView, ListView, TemplateView

from approvision.forms import show_refusal
from approvision.paging import CappedPaginator
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.exclusions.clocks import SUSPENSION_CAP_DAYS, SUSPENSION_WARNING_DAYS
from cases.exclusions.models import Deadline, Exclusion, ExclusionEvent
from cases.exclusions.services import school_year_suspension_totals
from cases.fair_access.models import FairAccessCase
from cases.pupils.access import pupil_the_user_may_change, works_with_school
from cases.pupils.counts import LaCount, scope_kept_count
from cases.pupils.forms import LeaveSchoolForm, PupilEditForm, PupilForm, UnplacedPupilForm
from cases.pupils.history import history_entries
from cases.pupils.models import NAME_ORDER, Pupil
from cases.pupils.services import (
    PUPIL_EDITABLE_FIELDS,
    PUPIL_WHEREABOUTS_FIELDS,
    DuplicatePupil,
    current_school,
    pupil_create,
    pupil_create_unplaced,
    pupil_leave_school,
    pupil_update,
)
from organisations.import_views import CsvImportView
from organisations.models import School
from organisations.roles import Role
from organisations.views.pages import SearchMixin


class PupilListView(PermissionRequiredMixin, SearchMixin, ListView):
    permission_required = "cases.view_pupil"
    paginate_by = 25
    paginator_class = CappedPaginator  # a whole LA's pupils: "more than 10,000"
    template_name = "cases/pupil_list.html"

    def get_queryset(self):
        pupils = Pupil.objects.visible_to(self.request.user).for_list().order_by(*NAME_ORDER)
        return self.searched(pupils)

    def filter_by(self, queryset, q):
        return queryset.search(q)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if not self.search.is_valid() or not self.search.cleaned_data["q"].strip():
            # The whole list: an LA's count is kept by the database, not counted.
            paginator.known_total = scope_kept_count(self.request.user, LaCount.Subject.PUPILS)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_pupil_read(
            request=self.request,
            pupil_ids=[p.pk for p in context["object_list"]],
            action=PupilRead.Action.LIST,
        )
        return context


class PupilCreateView(PermissionRequiredMixin, FormView):
    permission_required = "cases.add_pupil"
    form_class = PupilForm
    template_name = "cases/pupil_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "schools": School.objects.visible_to(self.request.user).filter(is_open=True),
        }

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        school, joined_on = data.pop("school"), data.pop("joined_on")
        try:
            pupil = pupil_create(by=self.request.user, school=school, joined_on=joined_on, **data)
        except DuplicatePupil as duplicate:
            existing = duplicate.existing
            if Pupil.objects.visible_to(self.request.user).filter(pk=existing.pk).exists():
                where = format_html(
                    "A pupil with this UPN is already recorded: "
                    '<a class="govuk-link" href="{}">{}</a>',
                    reverse("cases:pupil_detail", args=[existing.pk]),
                    existing.name,
                )
            else:
                where = (
                    "A pupil with this UPN is already recorded by the local authority, on another "
                    "school's roll. Ask the local authority's inclusion team to move them to yours."
                )
            form.add_error("upn", where)
            return self.form_invalid(form)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{pupil.name} added")
        return redirect("cases:pupil_detail", pk=pupil.pk)


class PupilUnplacedCreateView(PermissionRequiredMixin, FormView):
    """A child without a school place, for Fair Access: the LA's officers record them with where
    they live, their last school and when they arrived, then open the case."""

    permission_required = "cases.add_fairaccesscase"
    form_class = UnplacedPupilForm
    template_name = "cases/pupil_form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "Add a child without a school place",
            "lede": "For a child new to the area, from another local authority or from abroad, "
            "or out of school: once added, open their Fair Access case.",
        }

    def form_valid(self, form):
        membership = self.request.user.membership_or_none()
        try:
            pupil = pupil_create_unplaced(
                by=self.request.user, la=membership.la, **form.cleaned_data
            )
        except DuplicatePupil as duplicate:
            form.add_error(
                "upn",
                format_html(
                    'A child with this UPN is already recorded: <a class="govuk-link" '
                    'href="{}">{}</a>',
                    reverse("cases:pupil_detail", args=[duplicate.existing.pk]),
                    duplicate.existing.name,
                ),
            )
            return self.form_invalid(form)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{pupil.name} added (UPN {pupil.upn}): now open the Fair Access case"
        )
        return redirect("cases:fair_access_open", pk=pupil.pk)


class PupilDetailView(PermissionRequiredMixin, TemplateView):
    """The pupil's case file: details, clocks, and a chronology of everything about them."""

    permission_required = "cases.view_pupil"
    template_name = "cases/pupil_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pupil = get_object_or_404(
            Pupil.objects.visible_to(user).select_related("la", "home_la"), pk=kwargs["pk"]
        )
        audit_pupil_read(
            request=self.request, pupil_ids=[pupil.pk], action=PupilRead.Action.VIEW_CASE_FILE
        )
        enrolments = list(pupil.enrolments.select_related("school"))
        exclusions = list(
            Exclusion.objects.visible_to(user)
            .filter(pupil=pupil)
            .select_related("school", "recorded_by")
            .prefetch_related(
                Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on")),
                Prefetch("events", queryset=ExclusionEvent.objects.select_related("by")),
            )
        )
        today = timezone.localdate()
        # The school whose roll they are on now, from the roll history already read.
        school = next((e.school for e in enrolments if e.left_on is None), None)
        days, here = school_year_suspension_totals(pupil, today, school)
        # Whether the school whose roll they are on is one this user works with.
        school_is_users = works_with_school(user, school)
        return {
            **super().get_context_data(**kwargs),
            "pupil": pupil,
            "school": school,
            "year_group": pupil.year_group_label(today),
            "exclusions": exclusions,
            "open_deadlines": [
                d
                for e in exclusions
                for d in e.deadlines.all()
                if d.met_on is None and not d.lapsed
            ],
            "suspension_days": days,
            "school_days_here": here,
            "cap": SUSPENSION_CAP_DAYS,
            "near_cap": days >= SUSPENSION_WARNING_DAYS,
            "over_cap": days > SUSPENSION_CAP_DAYS,
            "history": history_entries(pupil.history.select_related("history_user")[:30]),
            "can_change": user.has_perm("cases.change_pupil")
            and (user.role not in (Role.SCHOOL_STAFF, Role.TRUST_LEAD) or school_is_users),
            "can_refer": user.has_perm("cases.add_referral")
            and school is not None
            and getattr(user.membership_or_none(), "school_id", None) == school.pk,
            "can_record": user.has_perm("cases.add_exclusion") and school_is_users,
            # The LA is the data controller: its officers answer subject access requests.
            "data_rights": user.role == Role.LA_OFFICER,
            # Fair Access is for a child on no school's roll.
            "can_open_fair_access": user.has_perm("cases.add_fairaccesscase") and school is None,
            "fair_access_cases": FairAccessCase.objects.visible_to(user).filter(pupil=pupil),
            "today": today,
        }


class PupilEditView(PermissionRequiredMixin, FormView):
    permission_required = "cases.change_pupil"
    form_class = PupilEditForm
    template_name = "cases/pupil_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.pupil = pupil_the_user_may_change(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        names = [*PUPIL_EDITABLE_FIELDS, *PUPIL_WHEREABOUTS_FIELDS]
        initial = {name: getattr(self.pupil, name) for name in names}
        return {**initial, "version": self.pupil.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "pupil": self.pupil}

    def form_valid(self, form):
        names = {*PUPIL_EDITABLE_FIELDS, *PUPIL_WHEREABOUTS_FIELDS}
        data = {k: v for k, v in form.cleaned_data.items() if k in names}
        try:
            pupil_update(
                pupil=self.pupil, by=self.request.user, version=form.cleaned_data["version"], **data
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Details saved")
        return redirect("cases:pupil_detail", pk=self.pupil.pk)


class PupilLeaveView(PermissionRequiredMixin, FormView):
    permission_required = "cases.change_pupil"
    form_class = LeaveSchoolForm
    template_name = "cases/pupil_leave.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.pupil = pupil_the_user_may_change(request.user, kwargs["pk"])
            self.school = current_school(self.pupil)
            if self.school is None:
                messages.info(request, "They are not on a school's roll")
                return redirect("cases:pupil_detail", pk=self.pupil.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        schools = School.objects.filter(la_id=self.pupil.la_id, is_open=True).exclude(
            pk=self.school.pk
        )
        return {**super().get_form_kwargs(), "schools": schools.order_by("name")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "pupil": self.pupil, "school": self.school}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            pupil_leave_school(
                pupil=self.pupil,
                on=data["left_on"],
                reason=data["reason"],
                by=self.request.user,
                to_school=data["to_school"],
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Recorded that {self.pupil.name} left {self.school.name}")
        return redirect("cases:pupil_detail", pk=self.pupil.pk)


class PupilImportView(PermissionRequiredMixin, CsvImportView):
    """A school (or the LA) loads pupils and exclusions from its information system's export:
    checked and imported by a worker (cases/pupils/imports.py)."""

    permission_required = ("cases.add_pupil", "cases.add_exclusion")
    template_name = "cases/pupil_import.html"
    kind = "pupils"
