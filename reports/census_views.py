"""The DfE returns: a page that checks the return and lists what fails, then the CSV.

The AP census is the LA officers'; the school census AP module is each school's (and the LA
officers', for any of their schools). Downloads are pupil-level: each is in the read audit.
"""

from urllib.parse import urlencode

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from approvision.forms import ModelChoiceField, gds_helper
from approvision.spreadsheets import csv_writer
from audit.limits import export_limited
from audit.models import PupilRead
from audit.services import audit_pupil_read
from organisations.calendar import school_year_of
from organisations.models import School
from organisations.roles import Role
from placements.commissioning.models import Placement
from reports.census import (
    SCHOOL_CENSUSES,
    ap_census,
    ap_census_day,
    school_census,
    school_census_day,
)


def _this_census_year(today) -> int:
    """The January return still to come (or today's)."""
    return today.year if today <= ap_census_day(today.year) else today.year + 1


class ApCensusForm(forms.Form):
    year = forms.TypedChoiceField(label="Census", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (y, f"January {y} (census day {ap_census_day(y):%-d %B %Y})") for y in years
        ]
        self.helper = gds_helper(Field.select("year"), Submit("check", "Check this census"))
        self.helper.form_method = "get"


class SchoolCensusForm(forms.Form):
    school = ModelChoiceField(queryset=School.objects.none(), empty_label=None)
    census = forms.ChoiceField(label="Census")

    def __init__(self, *args, schools, censuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["census"].choices = censuses
        layout = [Field.select("census"), Submit("check", "Check this census")]
        if schools.count() > 1:
            layout.insert(0, Field.select("school"))
        else:
            self.fields["school"].widget = forms.HiddenInput()
        self.helper = gds_helper(*layout)
        self.helper.form_method = "get"


def _csv(request, result, filename) -> HttpResponse:
    audit_pupil_read(
        request=request,
        pupil_ids=[p.pupil_id for p in result.placements],
        action=PupilRead.Action.EXPORT,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(result.columns)
    writer.writerows(result.rows)
    return response


class ApCensusView(PermissionRequiredMixin, TemplateView):
    """The LA's AP census: checked on the page, the rows that pass as CSV (`?download=1`)."""

    permission_required = "placements.change_placement"
    template_name = "reports/ap_census.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role != Role.LA_OFFICER:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @export_limited
    def download(self, request, result, filename):
        # Only the download counts against the user's hourly export allowance, not the check.
        return _csv(request, result, filename)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        latest = _this_census_year(today)
        form = ApCensusForm(
            {"year": latest, **request.GET.dict()}, years=range(latest, latest - 4, -1)
        )
        year = form.cleaned_data["year"] if form.is_valid() else latest
        result = ap_census(placements=Placement.objects.visible_to(request.user), year=year)
        if request.GET.get("download") and form.is_valid():
            return self.download(request, result, f"ap-census-{year}.csv")
        if result.failures:
            audit_pupil_read(
                request=request,
                pupil_ids=[p.pupil_id for p, _ in result.failures],
                action=PupilRead.Action.LIST,
            )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                result=result,
                download_url=f"{request.path}?{urlencode({'year': year, 'download': 1})}",
            )
        )


class SchoolCensusView(PermissionRequiredMixin, TemplateView):
    """A school's AP placements module for one termly census."""

    permission_required = "placements.view_placement"
    template_name = "reports/school_census.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in (
            Role.LA_OFFICER,
            Role.SCHOOL_STAFF,
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @export_limited
    def download(self, request, result, filename):
        return _csv(request, result, filename)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        schools = School.objects.visible_to(request.user).order_by("name")
        school_year = school_year_of(today)
        censuses = [
            (
                f"{year}-{term}",
                f"{term.title()} {school_census_day(year, term):%Y} "
                f"(census day {school_census_day(year, term):%-d %B %Y})",
            )
            for year in (school_year, school_year - 1)
            for term in reversed(list(SCHOOL_CENSUSES))
        ]
        upcoming = next(
            (
                value
                for value, _ in reversed(censuses[:3])
                if school_census_day(school_year, value.split("-")[1]) >= today
            ),
            censuses[0][0],
        )
        first = schools.first()
        form = SchoolCensusForm(
            {"census": upcoming, "school": getattr(first, "pk", ""), **request.GET.dict()},
            schools=schools,
            censuses=censuses,
        )
        if form.is_valid():
            school, census = form.cleaned_data["school"], form.cleaned_data["census"]
        else:
            school, census = first, upcoming
        result = None
        if school is not None:
            year, term = census.split("-")
            result = school_census(
                placements=Placement.objects.visible_to(request.user),
                school=school,
                school_year=int(year),
                term=term,
            )
            if request.GET.get("download") and form.is_valid():
                return self.download(request, result, f"school-census-ap-{school.urn}-{census}.csv")
        return self.render_to_response(
            self.get_context_data(
                form=form,
                result=result,
                school=school,
                download_url=f"{request.path}?"
                + urlencode(
                    {"school": school.pk if school else "", "census": census, "download": 1}
                ),
            )
        )
