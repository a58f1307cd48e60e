from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from approvision.records import Refused
from organisations.calendar import school_year_of
from organisations.forms import (
    LocalAuthoritySettingsForm,
    NonSchoolDayForm,
    TermForm,
)
from organisations.import_views import CsvImportView
from organisations.models import (
    LocalAuthority,
    NonSchoolDay,
    School,
    Term,
)
from organisations.services import (
    non_school_day_add,
    non_school_day_remove,
    term_dates_set,
)


class _CalendarMixin(PermissionRequiredMixin):
    """Term dates belong to the administrator's LA; its schools' own dates too."""

    @property
    def la(self) -> LocalAuthority:
        return self.request.user.membership.la


class CalendarView(_CalendarMixin, TemplateView):
    permission_required = "organisations.view_term"
    template_name = "organisations/calendar.html"

    def get_context_data(self, **kwargs):
        la = self.la
        years = sorted(
            set(Term.objects.filter(la=la).values_list("school_year", flat=True)), reverse=True
        )
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = school_year_of(today)
        if years and year not in years:
            year = years[0] if school_year_of(today) not in years else school_year_of(today)
        return {
            **super().get_context_data(**kwargs),
            "la": la,
            "years": years,
            "year": year,
            "year_label": f"{year}/{(year + 1) % 100:02d}",
            "terms": Term.objects.filter(la=la, school__isnull=True, school_year=year),
            "days": NonSchoolDay.objects.filter(
                la=la,
                date__gte=date(year, 8, 1),
                date__lte=date(year + 1, 8, 31),
            ).select_related("school"),
            "school_terms": Term.objects.filter(la=la, school__isnull=False, school_year=year)
            .select_related("school")
            .order_by("school__name", "start"),
            "can_edit": self.request.user.has_perm("organisations.change_term"),
        }


class TermEditView(_CalendarMixin, FormView):
    permission_required = "organisations.change_term"
    template_name = "organisations/term_form.html"
    form_class = TermForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.term = get_object_or_404(Term.objects.filter(la=self.la), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"start": self.term.start, "end": self.term.end}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "term": self.term}

    def form_valid(self, form):
        term_dates_set(
            term=self.term, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
        messages.success(self.request, f"{self.term} saved. Deadlines will be recounted.")
        return redirect(f"{reverse('organisations:calendar')}?year={self.term.school_year}")


class NonSchoolDayAddView(_CalendarMixin, FormView):
    permission_required = "organisations.add_nonschoolday"
    template_name = "organisations/non_school_day_form.html"
    form_class = NonSchoolDayForm

    def get_form_kwargs(self):
        schools = School.objects.filter(la=self.la).order_by("name")
        return {**super().get_form_kwargs(), "schools": schools}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            day = non_school_day_add(
                la=self.la,
                school=data["school"],
                day=data["date"],
                kind=data["kind"],
                description=data["description"],
            )
        except Refused as error:
            form.add_error("date", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{day} added. Deadlines will be recounted.")
        return redirect(f"{reverse('organisations:calendar')}?year={school_year_of(day.date)}")


class NonSchoolDayDeleteView(_CalendarMixin, View):
    permission_required = "organisations.delete_nonschoolday"

    def post(self, request, pk):
        day = get_object_or_404(NonSchoolDay.objects.filter(la=self.la), pk=pk)
        year = school_year_of(day.date)
        non_school_day_remove(day=day)
        messages.success(request, f"{day} removed. Deadlines will be recounted.")
        return redirect(f"{reverse('organisations:calendar')}?year={year}")


class CalendarImportView(_CalendarMixin, CsvImportView):
    """Term dates from a CSV file: checked by a worker, and imported straight away if the file
    has no problems (organisations/import_kinds.py)."""

    permission_required = "organisations.add_term"
    template_name = "organisations/calendar_import.html"
    kind = "term_dates"


class LocalAuthoritySettingsView(PermissionRequiredMixin, FormView):
    """An LA administrator sets the LA's own rules: full time, review interval, thresholds."""

    permission_required = "organisations.change_localauthority"
    form_class = LocalAuthoritySettingsForm
    template_name = "organisations/la_settings.html"

    def get_form_kwargs(self):
        la = get_object_or_404(
            LocalAuthority.objects.visible_to(self.request.user),
            pk=self.request.user.membership.la_id,
        )
        return {**super().get_form_kwargs(), "instance": la}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Settings saved")
        return redirect("organisations:la_settings")
