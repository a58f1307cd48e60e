"""Data rights pages: the subject access export of a pupil, and legal holds."""

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from approvision.forms import gds_helper
from audit.limits import export_limited
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.pupils.models import Pupil
from organisations.roles import Role
from rights.models import LegalHold
from rights.subject_access import subject_access_export


def _officers_pupil(user, pk) -> Pupil:
    """A pupil of the officer's LA: the LA is the data controller and answers for its records."""
    pupil = get_object_or_404(Pupil.objects.visible_to(user), pk=pk)
    if user.role != Role.LA_OFFICER:
        raise PermissionDenied
    return pupil


class SubjectAccessView(TemplateView):
    template_name = "rights/subject_access.html"

    def get_context_data(self, **kwargs):
        pupil = _officers_pupil(self.request.user, kwargs["pk"])
        return {**super().get_context_data(**kwargs), "pupil": pupil}

    @export_limited
    def post(self, request, pk):
        pupil = _officers_pupil(request.user, pk)
        content = subject_access_export(pupil, by=request.user)
        audit_pupil_read(
            request=request, pupil_ids=[pupil.pk], action=PupilRead.Action.SUBJECT_ACCESS
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{pupil.upn}-{timezone.localdate():%Y-%m-%d}.zip"'
        )
        return response


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Why must these records be kept?",
        help_text="For example, a claim, an inquiry or a safeguarding review",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the records must be kept"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("reason"), Submit("submit", "Place a legal hold"))


class LegalHoldView(FormView):
    template_name = "rights/legal_hold.html"
    form_class = HoldForm

    def dispatch(self, request, *args, **kwargs):
        self.pupil = _officers_pupil(request.user, kwargs["pk"])
        self.hold = LegalHold.objects.active().filter(pupil=self.pupil).first()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pupil": self.pupil,
            "hold": self.hold,
            "past": LegalHold.objects.filter(pupil=self.pupil, lifted_on__isnull=False),
        }

    def post(self, request, *args, **kwargs):
        if self.hold is not None and "lift" in request.POST:
            with transaction.atomic():
                self.hold.lifted_on = timezone.localdate()
                self.hold.lifted_by = request.user
                self.hold.save(update_fields=["lifted_on", "lifted_by"])
            messages.success(request, "Legal hold lifted: the records follow the retention rules")
            return redirect("rights:legal_hold", pk=self.pupil.pk)
        if self.hold is not None:
            return redirect("rights:legal_hold", pk=self.pupil.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                LegalHold.objects.create(
                    pupil=self.pupil,
                    reason=form.cleaned_data["reason"],
                    placed_by=self.request.user,
                )
        except IntegrityError:
            # Someone placed one at the same moment: the pupil is on hold either way.
            return redirect("rights:legal_hold", pk=self.pupil.pk)
        messages.success(self.request, "Legal hold placed: these records will not be deleted")
        return redirect("rights:legal_hold", pk=self.pupil.pk)
