"""The LA administrator's search of the read audit (audit/ keeps the log; this later app reads
it beside the pupils): who looked at this pupil, and what has this person read."""

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from audit.models import Denial, PupilRead
from cases.pupils.identifiers import upn_normalise
from cases.pupils.models import Pupil


class AuditSearchForm(forms.Form):
    upn = forms.CharField(label="Pupil's UPN", required=False, max_length=20)
    username = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Anything"), *PupilRead.Action.choices]
    )


class AuditSearchView(PermissionRequiredMixin, ListView):
    permission_required = "audit.view_pupilread"
    template_name = "rights/audit_search.html"
    paginate_by = 50

    def get_queryset(self):
        self.form = AuditSearchForm(self.request.GET or None)
        self.pupil = None
        self.not_found = False
        if not self.form.is_valid():
            return PupilRead.objects.none()
        data = self.form.cleaned_data
        la_id = self.request.user.membership.la_id
        if data["upn"]:
            self.pupil = (
                Pupil.objects.filter(upn=upn_normalise(data["upn"]))
                .filter(la_id=la_id)
                .only("pk", "upn")
                .first()
            )
            if self.pupil is None:
                self.not_found = True
                return PupilRead.objects.none()
        # By UPN: every read of that pupil of the administrator's LA, whoever made it; otherwise
        # the reads of the people they administer.
        if self.pupil is not None:
            rows = PupilRead.objects.about(self.pupil.pk)
        else:
            rows = PupilRead.objects.visible_to(self.request.user)
        if data["username"]:
            rows = rows.filter(username__iexact=data["username"])
        if data["action"]:
            rows = rows.filter(action=data["action"])
        return rows.order_by("-at", "-pk")

    def get_context_data(self, **kwargs):
        denials = Denial.objects.visible_to(self.request.user).order_by("-at")[:20]
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "pupil": self.pupil,
            "not_found": self.not_found,
            "searched": self.form.is_bound,
            "denials": denials,
        }
