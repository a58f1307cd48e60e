"""One way through every CSV import: upload, then a page that follows the Celery worker's check
(with progress), shows a report by row, and imports what was checked once the person confirms
(organisations/import_jobs.py)."""

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from approvision.forms import gds_helper
from approvision.records import Refused
from organisations.import_jobs import KINDS, import_job_apply, import_job_start
from organisations.models import ImportJob, LocalAuthority

MAX_IMPORT_BYTES = 15 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )

    def __init__(
        self, *args, max_bytes: int = MAX_IMPORT_BYTES, button: str = "Check the file", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.helper = gds_helper(Field("file"), Submit("check", button))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is {upload.size / 1048576:.0f} MB: split it into files of at most "
                f"{self.max_bytes // 1048576} MB"
            )
        return upload


class CsvImportView(FormView):
    """Subclasses say which import they start (`kind`, registered in organisations.import_jobs);
    the kind's `extras` name the form's optional further files."""

    form_class = ImportForm
    kind = ""

    def get_form_kwargs(self):
        kind = KINDS[self.kind]
        return {**super().get_form_kwargs(), "max_bytes": kind.max_bytes, "button": kind.button}

    def form_valid(self, form):
        kind = KINDS[self.kind]
        upload = form.cleaned_data["file"]
        files = {"": upload.read()}
        for name in kind.extras:
            extra = form.cleaned_data.get(name)
            files[name] = extra.read() if extra else b""
        la_id = self.request.user.membership.la_ids()[0]
        job = import_job_start(
            kind=self.kind,
            by=self.request.user,
            la=LocalAuthority.objects.get(pk=la_id),
            file_name=upload.name or "",
            files=files,
        )
        return redirect("organisations:import_job", pk=job.pk)

    def get_context_data(self, **kwargs):
        recent = ImportJob.objects.visible_to(self.request.user).filter(kind=self.kind)[:5]
        return {
            **super().get_context_data(**kwargs),
            "max_mb": KINDS[self.kind].max_bytes // 1048576,
            "recent": recent,
        }


class ImportJobView(TemplateView):
    """An import's page: its progress while a worker reads it (updating by itself), then the
    report by row, and the button that imports it; the person who uploaded it only."""

    template_name = "organisations/import_job.html"

    def job(self) -> ImportJob:
        return get_object_or_404(
            ImportJob.objects.visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_template_names(self):
        if self.request.htmx:
            return ["organisations/_import_job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        job = self.job()
        kind = KINDS.get(job.kind)
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "kind": kind,
            "start_url": reverse(kind.start_url) if kind else "",
            "done_url": reverse(kind.done_url) if kind else "",
            "checked": job.result or None,
            "applied": job.status == ImportJob.Status.DONE,
        }

    def post(self, request, *args, **kwargs):
        job = self.job()
        try:
            import_job_apply(job=job, by=request.user)
        except Refused as refused:
            context = self.get_context_data(**kwargs)
            context["refused"] = str(refused)
            return self.render_to_response(context, status=400)
        return redirect("organisations:import_job", pk=job.pk)


class SchoolImportForm(ImportForm):
    """The register's establishments file, and optionally its groups file for trusts' names."""

    groups = forms.FileField(
        label="Groups file (optional)",
        help_text="allgroupsdata.csv from the same download: trusts' names by Group UID",
        required=False,
        error_messages={"empty": "The groups file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "Establishments file"
        self.helper = gds_helper(Field("file"), Field("groups"), Submit("check", "Check the files"))

    def clean_groups(self):
        upload = self.cleaned_data.get("groups")
        if upload and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The groups file is too large: split it")
        return upload
