"""One way through every CSV import: upload, check (a report by row), then import what was
checked. The checked file waits in private storage, named by a random token, until imported."""

import secrets

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.views.generic import FormView

from approvision.forms import gds_helper

MAX_IMPORT_BYTES = 15 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file"), Submit("check", "Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1048576:.0f} MB: split it into files of at most "
                f"{MAX_IMPORT_BYTES // 1048576} MB"
            )
        return upload


class CsvImportView(FormView):
    """Subclasses say what they import: `kind`, `check(content, **extras)`,
    `apply(content, **extras)`, `done_url`; `extras` names the form's optional further files."""

    form_class = ImportForm
    kind = ""
    extras: tuple[str, ...] = ()

    def _session_key(self):
        return f"import:{self.kind}"

    def form_valid(self, form):
        content = form.cleaned_data["file"].read()
        extras = {
            name: form.cleaned_data[name].read() if form.cleaned_data.get(name) else b""
            for name in self.extras
        }
        checked = self.check(content, **extras)
        token = ""
        if checked.ok and (checked.added or checked.changed):
            token = secrets.token_hex(16)
            default_storage.save(f"imports/{token}.csv", ContentFile(content))
            for name, extra in extras.items():
                default_storage.save(f"imports/{token}-{name}.csv", ContentFile(extra))
            self.request.session[self._session_key()] = token
        return self.render_to_response(
            self.get_context_data(form=form, checked=checked, token=token)
        )

    def post(self, request, *args, **kwargs):
        if "apply" not in request.POST:
            return super().post(request, *args, **kwargs)
        token = request.POST.get("token", "")
        if not token or request.session.get(self._session_key()) != token:
            messages.error(request, "Check the file again before importing it")
            return redirect(request.path)
        name = f"imports/{token}.csv"
        names = {"": name, **{extra: f"imports/{token}-{extra}.csv" for extra in self.extras}}
        try:
            contents = {}
            for key, stored_name in names.items():
                with default_storage.open(stored_name, "rb") as stored:
                    contents[key] = stored.read()
        except FileNotFoundError:
            messages.error(request, "Check the file again before importing it")
            return redirect(request.path)
        result = self.apply(contents.pop(""), **contents)
        if not result.ok:
            # The records changed since the check: show what is wrong now; nothing was kept.
            return self.render_to_response(self.get_context_data(checked=result))
        for stored_name in names.values():
            default_storage.delete(stored_name)
        del request.session[self._session_key()]
        messages.success(
            request,
            f"Imported: {result.added} added, {result.changed} changed, "
            f"{result.unchanged} already up to date",
        )
        return redirect(self.done_url())

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "max_mb": min(MAX_IMPORT_BYTES, settings.APPROVISION_MAX_REQUEST_BYTES) // 1048576,
        }


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
