"""A subject access export (UK GDPR Art. 15): everything held about a pupil, as a zip holding a
readable PDF, the same as JSON, and the documents uploaded about them."""

import io
import json
import zipfile
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import FileField
from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import PupilRead
from cases.pupils.models import PUPIL_LA_COPIES
from rights.records import NOT_PERSONAL_DATA, history_model, label, pupil_models, records_of

# Never exported: secrets and the machinery of other records, not data about the child.
# Secrets; and the copies of the pupil's LA and home LA that exclusions and referrals keep for
# their scope (the pupil's own record gives them).
HIDDEN_FIELDS = {"password", "key_hash", "history_user", *PUPIL_LA_COPIES}


def _value(record, field):
    value = getattr(record, field.attname)
    if field.choices and value not in (None, ""):
        return getattr(record, f"get_{field.name}_display")()
    if isinstance(field, FileField):
        return value.name if value else ""
    return value


def _row(record) -> dict:
    return {
        field.name: _value(record, field)
        for field in record._meta.concrete_fields
        if field.name not in HIDDEN_FIELDS
    }


def _titles(model) -> dict:
    return {
        field.name: str(field.verbose_name).capitalize()
        for field in model._meta.concrete_fields
        if field.name not in HIDDEN_FIELDS
    }


def subject_access_records(pupil) -> list[dict]:
    """Each model's records about the pupil, with their history, nearest to the pupil first."""
    sections = []
    for model, paths in pupil_models():
        if label(model) in NOT_PERSONAL_DATA:
            continue
        records = list(model._base_manager.filter(records_of(model, paths, [pupil.pk])).distinct())
        history = []
        historical = history_model(model)
        if historical is not None and records:
            history = [
                {
                    **_row(row),
                    "changed_at": row.history_date,
                    "change": row.get_history_type_display(),
                    "changed_by": str(row.history_user) if row.history_user_id else "",
                }
                for row in historical.objects.filter(id__in=[r.pk for r in records])
                .select_related("history_user")
                .order_by("history_date")
            ]
        sections.append(
            {
                "model": label(model),
                "title": str(model._meta.verbose_name_plural).capitalize(),
                "columns": _titles(model),
                "records": [_row(record) for record in records],
                "history": history,
                "files": [
                    getattr(record, field.name)
                    for record in records
                    for field in model._meta.concrete_fields
                    if isinstance(field, FileField) and getattr(record, field.name)
                ],
            }
        )
    return sections


def _access_log(pupil) -> list[dict]:
    return [
        {
            "at": read.at,
            "role": read.role,
            "organisation": read.organisation,
            "what": read.get_action_display(),
        }
        for read in PupilRead.objects.filter(pupil_ids__contains=[pupil.pk]).order_by("at")[:5000]
    ]


def subject_access_export(pupil, *, by) -> bytes:
    """The zip: subject-access.pdf, subject-access.json and documents/ (as uploaded)."""
    from weasyprint import HTML

    sections = subject_access_records(pupil)
    made_at = timezone.now()
    access_log = _access_log(pupil)
    document = {
        "made_at": made_at,
        "made_by": by.get_username(),
        "pupil": pupil.pk,
        "records": {s["model"]: s["records"] for s in sections},
        "history": {s["model"]: s["history"] for s in sections if s["history"]},
        "access_log": access_log,
        "not_included": NOT_PERSONAL_DATA,
    }
    html = render_to_string(
        "rights/subject_access_pdf.html",
        {
            "pupil": pupil,
            "sections": [
                {
                    **s,
                    "rows": [
                        [(s["columns"][k], _shown(v)) for k, v in r.items()] for r in s["records"]
                    ],
                }
                for s in sections
                if s["records"]
            ],
            "access_log": access_log,
            "made_at": made_at,
            "by": by,
        },
    )
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.pdf", pdf)
        archive.writestr(
            "subject-access.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2)
        )
        for section in sections:
            for stored in section["files"]:
                with stored.open("rb") as handle:
                    archive.writestr(f"documents/{stored.name}", handle.read())
    return buffer.getvalue()


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
