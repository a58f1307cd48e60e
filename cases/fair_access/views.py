"""Fair Access pages: the cases, one case with its recommendation, each step, and oversight."""

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.fair_access.access import (
    fair_access_step_for,
    may_escalate,
    may_see_oversight,
    sees_as_la,
)
from cases.fair_access.forms import (
    FairAccessAgreeForm,
    FairAccessAllocateForm,
    FairAccessAnswerForm,
    FairAccessDirectionForm,
    FairAccessOpenForm,
    FairAccessStartForm,
)
from cases.fair_access.ledger import (
    fair_shares,
    near_deadline,
    postcode_district,
    reach,
    recommend,
)
from cases.fair_access.models import FairAccessCase
from cases.fair_access.services import (
    fair_access_agree,
    fair_access_allocate,
    fair_access_answer,
    fair_access_direction_decided,
    fair_access_escalate,
    fair_access_open,
    fair_access_start,
)
from cases.notices.models import Message
from cases.pupils.models import Pupil
from organisations.models import LocalAuthority


def _case(user, pk) -> FairAccessCase:
    return get_object_or_404(
        FairAccessCase.objects.visible_to(user).select_related("pupil", "la"), pk=pk
    )


class FairAccessListView(PermissionRequiredMixin, ListView):
    permission_required = "cases.view_fairaccesscase"
    paginate_by = 25
    template_name = "cases/fair_access_list.html"

    def get_queryset(self):
        self.show = self.request.GET.get("show", "open")
        cases = FairAccessCase.objects.visible_to(self.request.user).for_list()
        if self.show != "all":
            cases = cases.filter(state__in=FairAccessCase.OPEN_STATES)
        return cases.order_by("allocation_due", "referred_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_pupil_read(
            request=self.request,
            pupil_ids=[c.pupil_id for c in context["object_list"]],
            action=PupilRead.Action.LIST,
        )
        context.update(show=self.show, today=timezone.localdate())
        return context


class FairAccessOpenView(PermissionRequiredMixin, FormView):
    permission_required = "cases.add_fairaccesscase"
    form_class = FairAccessOpenForm
    template_name = "cases/fair_access_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # A child new to the area: unplaced since they arrived; their district from their home.
        return {
            "referred_on": timezone.localdate(),
            "unplaced_since": self.pupil.arrived_on,
            "home_district": postcode_district(self.pupil.home_postcode),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "Open a Fair Access case",
            "caption": self.pupil.name,
            "back_url": reverse("cases:pupil_detail", args=[self.pupil.pk]),
            "back_text": f"Back to {self.pupil.name}",
        }

    def form_valid(self, form):
        try:
            case = fair_access_open(pupil=self.pupil, by=self.request.user, **form.cleaned_data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Fair Access case opened: it goes on the next panel")
        return redirect("cases:fair_access_detail", pk=case.pk)


def _step_forms(user, case: FairAccessCase, bound=None):
    """The form for the one step this user may take on this case now (access.py), or None."""
    step = fair_access_step_for(user, case)
    initial = {"version": case.version}
    if step == "agree":
        initial["agreed_on"] = timezone.localdate()
        return step, FairAccessAgreeForm(bound, initial=initial)
    if step == "allocate":
        return step, FairAccessAllocateForm(bound, initial=initial, la=case.la)
    if step == "answer":
        return step, FairAccessAnswerForm(bound, initial=initial)
    if step == "direction":
        return step, FairAccessDirectionForm(bound, initial=initial)
    if step == "start":
        allocation = case.allocations.order_by("-allocated_on", "-pk").first()
        initial["started_on"] = allocation.start_date
        return step, FairAccessStartForm(bound, initial=initial)
    return None


class FairAccessDetailView(PermissionRequiredMixin, TemplateView):
    """One case: the child, the clock, who has been asked, and the recommendation with reasons."""

    permission_required = "cases.view_fairaccesscase"
    template_name = "cases/fair_access_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        case = kwargs.get("case") or _case(user, kwargs["pk"])
        audit_pupil_read(
            request=self.request,
            pupil_ids=[case.pupil_id],
            action=PupilRead.Action.VIEW_FAIR_ACCESS,
        )
        membership = user.membership_or_none()
        la_view = sees_as_la(user)
        step = kwargs.get("step_form") or _step_forms(user, case)
        if step:
            step[1].helper.form_action = reverse("cases:fair_access_step", args=[case.pk, step[0]])
        allocations = case.allocations.select_related("school", "allocated_by")
        if not la_view:
            # A school sees its own part, not which other schools were asked.
            allocations = allocations.filter(
                Q(school_id=membership.school_id) | Q(school__trust_id=membership.trust_id)
            )
        return {
            **super().get_context_data(**kwargs),
            "case": case,
            "pupil": case.pupil,
            "today": timezone.localdate(),
            "sent_messages": Message.objects.sent_about(user, case),
            "clock": case.clock(),
            "allocations": allocations,
            "recommendations": recommend(case)
            if la_view and case.state in FairAccessCase.OPEN_STATES
            else [],
            "reach": reach(case) if la_view else None,
            "step": step[0] if step else None,
            "form": step[1] if step else None,
            "can_escalate": may_escalate(user) and case.state == FairAccessCase.State.REFUSED,
            "la_view": la_view,
        }


STEP_MESSAGES = {
    "agree": "The 20-school-day clock has started",
    "allocate": "Place allocated: the school has been asked",
    "answer": "Answer recorded",
    "direction": "Decision recorded",
    "start": "Start recorded: the case is closed",
    "escalate": "Escalated",
}


class FairAccessStepView(FairAccessDetailView):
    """POST one step; on bad input the case page shows again with the form's errors (400)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        case = _case(request.user, kwargs["pk"])
        name = kwargs["step"]
        if name == "escalate":
            if not may_escalate(request.user):
                raise PermissionDenied
            try:
                fair_access_escalate(
                    case=case, by=request.user, version=int(request.POST.get("version", 0))
                )
            except (Refused, ValueError) as error:
                messages.error(request, str(error) or "Try again")
            else:
                messages.success(request, STEP_MESSAGES[name])
            return redirect("cases:fair_access_detail", pk=case.pk)
        step = _step_forms(request.user, case, bound=request.POST)
        if step is None or step[0] != name:
            raise Http404
        form = step[1]
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                self.act(name, case, data)
            except Refused as error:
                show_refusal(form, error)
            else:
                messages.success(request, STEP_MESSAGES[name])
                return redirect("cases:fair_access_detail", pk=case.pk)
        context = self.get_context_data(case=case, step_form=step, pk=case.pk)
        return self.render_to_response(context, status=400)

    def act(self, name, case, data):
        by = self.request.user
        version = data.pop("version")
        if name == "agree":
            fair_access_agree(case=case, by=by, version=version, **data)
        elif name == "allocate":
            fair_access_allocate(case=case, by=by, version=version, **data)
        elif name == "answer":
            fair_access_answer(
                case=case,
                by=by,
                version=version,
                accept=data["answer"] == "accept",
                start_date=data["start_date"],
                refusal_reason=data["refusal_reason"],
            )
        elif name == "direction":
            fair_access_direction_decided(
                case=case,
                by=by,
                version=version,
                directed=data["directed"] == "yes",
                decided_on=data["decided_on"],
                start_date=data["start_date"],
            )
        elif name == "start":
            fair_access_start(case=case, by=by, version=version, **data)


def _tables_key(phases, trusts) -> str:
    """What the shares' tables show, as a digest: the key of their drawn HTML in the cache. The
    tables (600 schools' rows on a large LA) are drawn again only when something in them
    changed, and never shown stale: a different figure is a different key."""
    shown = [
        (
            phase["label"],
            [(r["school"].name, r["taken"], r["share"], r["refused"]) for r in phase["rows"]],
        )
        for phase in phases
    ]
    shown.append([(t["name"], t["taken"], t["share"], t["refused"]) for t in trusts])
    return hashlib.sha256(repr(shown).encode()).hexdigest()


class FairAccessOversightView(PermissionRequiredMixin, TemplateView):
    """Every school's share against its fair share this year, by phase and by trust; and the
    cases past or near their 20 school days."""

    permission_required = "cases.change_fairaccesscase"
    template_name = "cases/fair_access_oversight.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not may_see_oversight(user):
            raise PermissionDenied
        membership = user.membership_or_none()
        la = get_object_or_404(LocalAuthority.objects.visible_to(user), pk=membership.la_id)
        phases = []
        trusts: dict[str, dict] = {}
        for phase in FairAccessCase.Phase:
            rows = fair_shares(la, phase)
            phases.append({"label": phase.label, "rows": rows})
            for row in rows:
                trust = row["school"].trust
                key = trust.name if trust else "Maintained schools"
                entry = trusts.setdefault(
                    key, {"name": key, "taken": 0, "share": 0.0, "refused": 0}
                )
                entry["taken"] += row["taken"]
                entry["share"] += row["share"]
                entry["refused"] += row["refused"]
        for entry in trusts.values():
            entry["share"] = round(entry["share"], 1)
            entry["difference"] = round(entry["taken"] - entry["share"], 1)
        trusts = sorted(trusts.values(), key=lambda t: t["name"])
        cases = FairAccessCase.objects.visible_to(user).for_list()
        return {
            **super().get_context_data(**kwargs),
            "la": la,
            "phases": phases,
            "trusts": trusts,
            "tables_key": _tables_key(phases, trusts),
            "due": near_deadline(cases),
            "today": timezone.localdate(),
            "counts": cases.aggregate(
                open=Count("pk", filter=Q(state__in=FairAccessCase.OPEN_STATES)),
                started=Count("pk", filter=Q(state=FairAccessCase.State.STARTED)),
            ),
        }
