"""The report archive, asking for a report, its progress, downloads, and CSV exports."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from approvision.spreadsheets import csv_writer
from audit.limits import export_limited
from audit.models import PupilRead
from audit.services import audit_pupil_read
from organisations.calendar import school_year_of
from organisations.models import LocalAuthority
from reports.figures import la_figures_recent
from reports.models import LA_REPORT_ROLES, Report
from reports.services import report_pupil_ids, report_request, term_of

EXPORTABLE = (
    "by_reason",
    "by_school",
    "by_trust",
    "costs",
    "reintegration",
    "post16",
    "capacity",
    "disproportionality",
    "off_rolling",
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
        return {
            **super().get_context_data(**kwargs),
            "can_request": self.request.user.has_perm("reports.add_report"),
            "request_key": uuid.uuid4().hex,
            "kinds": [Report.Kind.BOARD, Report.Kind.MONITORING],
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("reports.add_report"):
            raise PermissionDenied
        la = _la(request.user)
        kind = request.POST.get("kind", "")
        key = request.POST.get("key", "")
        if kind not in (Report.Kind.BOARD, Report.Kind.MONITORING) or len(key) != 32:
            messages.error(request, "Select which report you want")
            return redirect("reports:list")
        today = timezone.localdate()
        if kind == Report.Kind.BOARD:
            start, end, term = term_of(today)
            title = f"Board report, {term} (asked for on {today:%-d %B %Y})"
        else:
            start, end = today.replace(day=1), today
            title = f"Monitoring report, {today:%B %Y} so far"
        report, _ = report_request(
            kind=kind,
            la=la,
            key=f"request:{request.user.pk}:{key}",
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
    """A dashboard table as CSV, suppressed exactly as on the page."""

    permission_required = "reports.view_report"

    @export_limited
    def get(self, request, table):
        if table not in EXPORTABLE:
            raise Http404
        la = _la(request.user)
        figures = la_figures_recent(la, school_year_of(timezone.localdate()))
        shown = figures[table].suppressed()
        audit_pupil_read(request=request, pupil_ids=[], action=PupilRead.Action.EXPORT)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
        writer = csv_writer(response)
        writer.writerow(shown.columns)
        for row in shown.rows:
            writer.writerow(["" if cell is None else cell for cell in row])
        if shown.total:
            writer.writerow(["" if cell is None else cell for cell in shown.total])
        return response
