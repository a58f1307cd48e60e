"""The caseload (an officer's own, and the team's for the officer who allocates) and the lead
officer of each piece of work."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.casework.access import la_of, lead_candidates, may_allocate
from cases.casework.caseload import UNALLOCATED, caseload_page, team_counts
from cases.casework.forms import LeadForm
from cases.casework.models import LeadChange
from cases.casework.registry import WORK_KINDS
from cases.casework.services import lead_assign


def _audit(request, rows) -> None:
    if rows:
        audit_pupil_read(
            request=request, pupil_ids=[r["pupil"].pk for r in rows], action=PupilRead.Action.LIST
        )


class CaseloadView(PermissionRequiredMixin, TemplateView):
    """My caseload: the open work I lead, soonest due first."""

    permission_required = "cases.view_leadchange"
    template_name = "cases/caseload.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = caseload_page(user, user, self.request.GET.get("page"))
        _audit(self.request, page.object_list)
        return {
            **super().get_context_data(**kwargs),
            "page_obj": page,
            "team": False,
            "today": timezone.localdate(),
        }


class TeamCaseloadView(PermissionRequiredMixin, TemplateView):
    """The team: how much each officer leads, the unallocated work, and one officer's list."""

    permission_required = "cases.view_leadchange"
    template_name = "cases/caseload.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        officers = list(lead_candidates(user.membership.la_id))
        counts, unallocated = team_counts(user)
        chosen = self.request.GET.get("officer") or UNALLOCATED
        officer = next((o for o in officers if str(o.pk) == chosen), None)
        if officer is None and chosen != UNALLOCATED:
            raise Http404
        page = caseload_page(user, officer or UNALLOCATED, self.request.GET.get("page"))
        _audit(self.request, page.object_list)
        return {
            **super().get_context_data(**kwargs),
            "page_obj": page,
            "team": True,
            "officers": [(o, counts.get(o.pk, 0)) for o in officers],
            "unallocated": unallocated,
            "chosen": officer,
            "today": timezone.localdate(),
        }


class LeadView(PermissionRequiredMixin, FormView):
    """Allocate a piece of work, or hand it over with a reason; its handovers so far."""

    permission_required = "cases.add_leadchange"
    form_class = LeadForm
    template_name = "cases/lead_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            kind = WORK_KINDS.get(kwargs["work"])
            if kind is None:
                raise Http404
            self.kind = kind
            self.record = get_object_or_404(
                kind.model.objects.visible_to(request.user).select_related("pupil"),
                pk=kwargs["pk"],
            )
            if not may_allocate(request.user, self.record):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": lead_candidates(la_of(self.record))}

    def get_initial(self):
        return {"to": self.record.lead_officer_id}

    def get_context_data(self, **kwargs):
        changes = LeadChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.kind.model),
            object_id=self.record.pk,
        ).select_related("from_officer", "to_officer", "by")
        return {
            **super().get_context_data(**kwargs),
            "kind": self.kind,
            "record": self.record,
            "url": self.kind.url(self.record),
            "changes": changes,
        }

    def form_valid(self, form):
        to = form.cleaned_data["to"]
        try:
            lead_assign(
                record=self.record, to=to, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        words = f"{to.display_name} now leads" if to else "Nobody leads"
        messages.success(self.request, f"{words} this {self.kind.label.lower()}")
        return redirect(self.kind.url(self.record))
