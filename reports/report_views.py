"""The report archive, asking for a report, its progress, downloads, and CSV exports."""

import uuid

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from approvision.forms import gds_helper
from approvision.spreadsheets import csv_writer
from audit.limits import export_limited
from audit.models import PupilRead
from audit.services import audit_pupil_read
from organisations.models import LocalAuthority
from reports.access import figures_scope
from reports.figure_views import chosen_period
from reports.figures import TABLES, la_figures_recent, period_options, published
from reports.models import LA_REPORT_ROLES, Report
from reports.services import report_pupil_ids, report_request


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which report",
        widget=forms.RadioSelect,
        choices=[
            (Report.Kind.BOARD, "Board report (PDF): figures, charts and tables for a period"),
            (
                Report.Kind.MONITORING,
                "Monitoring report (PDF): deadlines, drift, overdue reviews, attendance, "
                "provider checks (this month so far)",
            ),
        ],
        error_messages={"required": "Select which report you want"},
    )
    period = forms.ChoiceField(
        label="Period (board report)",
        required=False,  # none given: this school year to date, the first offered
        error_messages={"invalid_choice": "Select a period from the list"},
    )
    key = forms.CharField(widget=forms.HiddenInput, min_length=32, max_length=32)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {p.key: p for p in options}
        self.fields["period"].choices = [(p.key, p.label) for p in options]
        self.helper = gds_helper(
            Field.radios("kind", legend_size="m"),
            Field.select("period"),
            Field("key"),
            Submit("produce", "Produce the report"),
        )


def _la(user) -> LocalAuthority:
    membership = user.membership_or_none()
    if membership is None or membership.role not in LA_REPORT_ROLES:
        raise PermissionDenied
    return get_object_or_404(LocalAuthority.objects.visible_to(user), pk=membership.la_id)


class ReportListView(PermissionRequiredMixin, ListView):
    """The archive of reports this user may see; LA staff can ask for one."""

    permission_required = "reports.view_report"
    paginate_by = 25
    template_name = "reports/report_list.html"

    def get_queryset(self):
        return Report.objects.visible_to(self.request.user).select_related("requested_by")

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ReportRequestForm(
            initial={"kind": Report.Kind.BOARD, "key": uuid.uuid4().hex},
            options=period_options(timezone.localdate()),
        )
        return {
            **super().get_context_data(**kwargs),
            "can_request": self.request.user.has_perm("reports.add_report"),
            "form": form,
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("reports.add_report"):
            raise PermissionDenied
        la = _la(request.user)
        today = timezone.localdate()
        form = ReportRequestForm(request.POST, options=period_options(today))
        if not form.is_valid():
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data(form=form), status=400)
        kind = form.cleaned_data["kind"]
        if kind == Report.Kind.BOARD:
            period = form.options.get(form.cleaned_data["period"]) or next(
                iter(form.options.values())
            )
            start, end = period.first, period.last
            title = f"Board report, {period.label}"
        else:
            start, end = today.replace(day=1), today
            title = f"Monitoring report, {today:%B %Y} so far"
        report, _ = report_request(
            kind=kind,
            la=la,
            key=f"request:{request.user.pk}:{form.cleaned_data['key']}",
            by=request.user,
            period_start=start,
            period_end=end,
            title=title,
        )
        return redirect("reports:detail", pk=report.pk)


class ReportDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "reports.view_report"

    def get_template_names(self):
        if self.request.htmx:
            return ["reports/_report_progress.html"]
        return ["reports/report_detail.html"]

    def get_context_data(self, **kwargs):
        report = get_object_or_404(Report.objects.visible_to(self.request.user), pk=kwargs["pk"])
        return {**super().get_context_data(**kwargs), "report": report}


class ReportDownloadView(PermissionRequiredMixin, View):
    permission_required = "reports.view_report"

    @export_limited
    def get(self, request, pk):
        report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
        if report.status != Report.Status.DONE:
            raise Http404
        # Every download is on record; a panel pack's with the pupils on its agenda.
        audit_pupil_read(
            request=request,
            pupil_ids=report_pupil_ids(report),
            action=PupilRead.Action.DOWNLOAD_PDF,
        )
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=f"{report.kind}-{report.period_start:%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )


class TableExportView(PermissionRequiredMixin, View):
    """A table of the figures page as CSV, for the period chosen, exactly as on the page."""

    permission_required = "reports.view_figures"

    @export_limited
    def get(self, request, table):
        scope = figures_scope(request.user)
        if scope is None:
            raise PermissionDenied
        if table not in TABLES:
            raise Http404
        period, _ = chosen_period(request)
        figures = la_figures_recent(
            scope.la, period, scope=scope.key, schools=scope.schools, full=scope.whole_la
        )
        if table not in figures:
            raise Http404
        shown = published(figures, own=scope.own)[table]
        audit_pupil_read(request=request, pupil_ids=[], action=PupilRead.Action.EXPORT)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table}-{period.key}.csv"'
        writer = csv_writer(response)
        writer.writerow(shown.columns)
        for row in shown.rows:
            writer.writerow(["" if cell is None else cell for cell in row])
        if shown.total:
            writer.writerow(["" if cell is None else cell for cell in shown.total])
        return response
