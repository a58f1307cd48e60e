"""Letters to parents: an officer writes one from the case, previews and sends it; the pupil's
letters, each downloadable as its tagged PDF; an LA administrator rewords each kind."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.notices.forms import LetterForm, LetterTemplateForm
from cases.notices.letters import (
    COMMON_FIELDS,
    LETTER_KINDS,
    address_lines,
    check_address,
    fill,
    letter_compose,
    letter_send,
    letter_template_save,
    paragraphs,
    unknown_placeholders,
    wording,
)
from cases.notices.models import Letter, LetterTemplate
from cases.pupils.models import Pupil


def _choices(user, pupil) -> tuple[list, dict]:
    """The letters the pupil's records allow: [(key, label)] and {key: (kind, record)}."""
    choices, found = [], {}
    for kind in LETTER_KINDS.values():
        for record, label in kind.records(user, pupil):
            key = f"{kind.key}:{record.pk}"
            choices.append((key, label))
            found[key] = (kind, record)
    return choices, found


LETTERS_PER_PAGE = 25


class LettersView(PermissionRequiredMixin, FormView):
    """A pupil's letters, and a new one: choose, address, preview, send."""

    permission_required = "cases.add_letter"
    template_name = "cases/letters.html"
    form_class = LetterForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.pupil = get_object_or_404(
                Pupil.objects.visible_to(request.user).select_related("la"), pk=kwargs["pk"]
            )
            self.choices, self.found = _choices(request.user, self.pupil)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        last = Letter.objects.visible_to(self.request.user).filter(pupil=self.pupil).first()
        initial = {"recipient": last.recipient, "address": last.address} if last else {}
        if self.request.GET.get("letter") in self.found:
            initial["letter"] = self.request.GET["letter"]
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": self.choices}

    def form_valid(self, form):
        kind, record = self.found[form.cleaned_data["letter"]]
        data = form.cleaned_data
        try:
            check_address(data["recipient"], data["address"])
            if "send" not in self.request.POST:
                return self._preview(form, kind, record)
            letter = letter_send(
                kind_key=kind.key,
                record=record,
                pupil=self.pupil,
                by=self.request.user,
                recipient=data["recipient"],
                address=data["address"],
                sent_by=data["sent_by"],
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        how = (
            "it goes to GOV.UK Notify to be printed and posted"
            if letter.sent_by == Letter.SentBy.NOTIFY
            else "download it to print and post"
        )
        messages.success(self.request, f"Letter saved on the record: {letter.heading}. {how}")
        return redirect("cases:letters", pk=self.pupil.pk)

    def _preview(self, form, kind, record):
        today = timezone.localdate()
        heading, body = letter_compose(
            kind=kind,
            record=record,
            pupil=self.pupil,
            by=self.request.user,
            recipient=form.cleaned_data["recipient"],
            today=today,
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                preview={
                    "heading": heading,
                    "blocks": paragraphs(body),
                    "recipient": form.cleaned_data["recipient"],
                    "address_lines": address_lines(form.cleaned_data["address"]),
                    "date": today,
                    "warnings": kind.warnings(record, today),
                },
            )
        )

    def get_context_data(self, **kwargs):
        letters = Letter.objects.visible_to(self.request.user).filter(pupil=self.pupil)
        audit_pupil_read(
            request=self.request, pupil_ids=[self.pupil.pk], action=PupilRead.Action.VIEW_LETTERS
        )
        # Newest first, 25 a page.
        page = Paginator(
            letters.select_related("created_by", "message"), LETTERS_PER_PAGE
        ).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "pupil": self.pupil,
            "letters": page,
            "page_obj": page,
            "has_choices": bool(self.choices),
        }


class LetterPdfView(PermissionRequiredMixin, TemplateView):
    permission_required = "cases.view_letter"

    def get(self, request, pk):
        letter = get_object_or_404(Letter.objects.visible_to(request.user), pk=pk)
        audit_pupil_read(
            request=request, pupil_ids=[letter.pupil_id], action=PupilRead.Action.DOWNLOAD_PDF
        )
        try:
            handle = letter.pdf.open("rb")
        except FileNotFoundError as missing:
            raise Http404("The letter's PDF is missing") from missing
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"letter-{letter.pk}-{letter.created_at:%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )


class LetterTemplateListView(PermissionRequiredMixin, TemplateView):
    permission_required = "cases.change_lettertemplate"
    template_name = "cases/letter_templates.html"

    def get_context_data(self, **kwargs):
        own = {
            t.kind: t
            for t in LetterTemplate.objects.visible_to(self.request.user).select_related(
                "updated_by"
            )
        }
        return {
            **super().get_context_data(**kwargs),
            "kinds": [(kind, own.get(kind.key)) for kind in LETTER_KINDS.values()],
        }


class LetterTemplateEditView(PermissionRequiredMixin, FormView):
    """Reword one kind of letter, with a preview from a made-up case before saving."""

    permission_required = "cases.change_lettertemplate"
    template_name = "cases/letter_template_form.html"
    form_class = LetterTemplateForm

    def dispatch(self, request, *args, **kwargs):
        self.kind = LETTER_KINDS.get(kwargs["kind"])
        if self.kind is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _la(self):
        return self.request.user.membership.la

    def get_initial(self):
        own = LetterTemplate.objects.visible_to(self.request.user).filter(kind=self.kind.key)
        own = own.first()
        heading, body = wording(self._la(), self.kind)
        return {"heading": heading, "body": body, "version": own.version if own else 0}

    def form_valid(self, form):
        data = form.cleaned_data
        unknown = unknown_placeholders(self.kind, data["heading"], data["body"])
        if unknown:
            form.add_error(
                "body",
                "These are not placeholders this letter can fill: "
                + ", ".join(f"(({name}))" for name in unknown)
                + ". Use one from the list, or remove the brackets",
            )
            return self.form_invalid(form)
        if "save" not in self.request.POST:
            sample = {
                "parent_name": "Ms J Example",
                "pupil_name": "Sam Example",
                "pupil_first_name": "Sam",
                "date": timezone.localdate().strftime("%-d %B %Y"),
                "la_name": self._la().name,
                "officer_name": self.request.user.display_name,
                **self.kind.sample,
            }
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    preview={
                        "heading": fill(data["heading"], sample),
                        "blocks": paragraphs(fill(data["body"], sample)),
                        "recipient": "Ms J Example",
                        "address_lines": [
                            "1 Example Street",
                            "Northmoor",
                            "NM1 1AA",
                        ],
                        "date": timezone.localdate(),
                    },
                )
            )
        try:
            letter_template_save(
                la=self._la(),
                kind=self.kind,
                by=self.request.user,
                heading=data["heading"],
                body=data["body"],
                version=data.get("version") or 0,
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Saved the wording of the letter: {self.kind.label}")
        return redirect("cases:letter_templates")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "kind": self.kind,
            "fields": {**COMMON_FIELDS, **self.kind.fields},
            "back": reverse("cases:letter_templates"),
        }
