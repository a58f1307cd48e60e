"""The bases of the rates: which census counts are held for the LA's schools, importing them
from the DfE's published file, and the LA's own count of children looked after."""

from datetime import date

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView

from approvision.forms import ModelChoiceField, date_field, gds_helper
from organisations.import_views import CsvImportView
from organisations.models import LocalAuthority, School
from reports.models import RollCount
from reports.roll_import import (
    COLUMNS,
    looked_after_record,
    roll_counts_record,
)


def _la(user) -> LocalAuthority:
    return get_object_or_404(
        LocalAuthority.objects.visible_to(user), pk=user.membership_or_none().la_id
    )


class LookedAfterForm(forms.Form):
    census_date = date_field("Date of the count", hint="For example, 15 1 2026")
    pupils = forms.IntegerField(
        label="Children looked after of school age",
        min_value=0,
        max_value=100_000,
        error_messages={
            "required": "Enter how many children of school age the local authority looks after",
            "invalid": "Enter a whole number",
            "min_value": "The number cannot be less than 0",
            "max_value": "The number must be 100,000 or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].widget.attrs["inputmode"] = "numeric"
        self.helper = gds_helper(
            Field("census_date"), Field.text("pupils", field_width=5), Submit("save", "Save")
        )

    def clean_census_date(self):
        day = self.cleaned_data["census_date"]
        if not date(2000, 1, 1) <= day <= timezone.localdate():
            raise forms.ValidationError("The date of the count must be between 2000 and today")
        return day


def _count_field(label: str) -> forms.IntegerField:
    field = forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10_000,
        error_messages={
            "invalid": f"{label}: enter a whole number",
            "min_value": f"{label}: the number cannot be less than 0",
            "max_value": f"{label}: the number must be 10,000 or fewer",
        },
    )
    field.widget.attrs["inputmode"] = "numeric"
    return field


class SchoolCountsForm(forms.Form):
    """One school's census counts, typed in from its census return (blank: not held)."""

    school = ModelChoiceField(queryset=School.objects.none(), label="School")
    census_date = date_field("Census day", hint="For example, 15 1 2026")

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        for key in COLUMNS:
            self.fields[key] = _count_field(RollCount.Characteristic(key).label)
        self.helper = gds_helper(
            Field.select("school"),
            Field("census_date"),
            *[Field.text(key, field_width=5) for key in COLUMNS],
            Submit("save", "Save the counts"),
        )

    def clean_census_date(self):
        day = self.cleaned_data["census_date"]
        if not date(2000, 1, 1) <= day <= timezone.localdate():
            raise forms.ValidationError("The census day must be between 2000 and today")
        return day

    def clean(self):
        cleaned = super().clean()
        counts = {k: cleaned.get(k) for k in COLUMNS if cleaned.get(k) is not None}
        if not counts and not self.errors:
            raise forms.ValidationError("Enter at least one count")
        everyone = counts.get(RollCount.Characteristic.ALL)
        if everyone is not None:
            for key, value in counts.items():
                if value > everyone:
                    self.add_error(key, f"{self.fields[key].label}: more than all pupils")
        cleaned["counts"] = counts
        return cleaned


class SchoolCountsView(PermissionRequiredMixin, FormView):
    """An officer types in one school's census counts (from its census return)."""

    permission_required = "reports.add_rollcount"
    template_name = "reports/bases_enter.html"
    form_class = SchoolCountsForm

    def get_form_kwargs(self):
        la = _la(self.request.user)
        return {
            **super().get_form_kwargs(),
            "schools": School.objects.filter(la=la).order_by("name"),
        }

    def form_valid(self, form):
        school = form.cleaned_data["school"]
        roll_counts_record(
            la=_la(self.request.user),
            school=school,
            census_date=form.cleaned_data["census_date"],
            counts=form.cleaned_data["counts"],
            source=f"Entered by {self.request.user.display_name}",
        )
        messages.success(self.request, f"{school.name}'s census counts are saved")
        return redirect("reports:bases")


class BasesView(PermissionRequiredMixin, FormView):
    """Which census counts are held, day by day, and how many schools each covers."""

    permission_required = "reports.view_rollcount"
    template_name = "reports/bases.html"
    form_class = LookedAfterForm

    def get_context_data(self, **kwargs):
        la = _la(self.request.user)
        counts = RollCount.objects.visible_to(self.request.user).filter(la=la)
        held = {}
        for row in (
            counts.filter(school__isnull=False)
            .values("census_date", "characteristic")
            .annotate(schools=Count("school"))
        ):
            held.setdefault(row["census_date"], {})[row["characteristic"]] = row["schools"]
        labels = dict(RollCount.Characteristic.choices)
        return {
            **super().get_context_data(**kwargs),
            "school_count": School.objects.filter(la=la).count(),
            "days": [
                (day, [(labels[key], held[day].get(key, 0)) for key in COLUMNS])
                for day in sorted(held, reverse=True)
            ],
            "looked_after": counts.filter(school__isnull=True).order_by("-census_date")[:5],
            "can_change": self.request.user.has_perm("reports.add_rollcount"),
        }

    def form_valid(self, form):
        if not self.request.user.has_perm("reports.add_rollcount"):
            return self.handle_no_permission()
        looked_after_record(
            la=_la(self.request.user),
            census_date=form.cleaned_data["census_date"],
            pupils=form.cleaned_data["pupils"],
            by=self.request.user,
        )
        messages.success(self.request, "The count of children looked after is saved")
        return redirect("reports:bases")


class BasesImportView(PermissionRequiredMixin, CsvImportView):
    """An LA officer or administrator loads the census counts of the LA's schools: checked and
    imported by a worker (reports/roll_import.py)."""

    permission_required = "reports.add_rollcount"
    template_name = "reports/bases_import.html"
    kind = "roll_counts"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "columns": COLUMNS}
