from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View

from approvision.records import Refused
from placements.commissioning.views import PlacementFormView, placement_for
from placements.reintegration.forms import FollowUpForm, PlanForm, PlanUpdateForm
from placements.reintegration.models import ReintegrationPlan
from placements.reintegration.services import (
    follow_up_record,
    reintegration_plan_record,
    reintegration_update,
    step_done,
)


class PlanAddView(PlacementFormView):
    permission_required = "placements.add_reintegrationplan"
    form_class = PlanForm
    heading = "Reintegration plan"
    success_message = "Reintegration plan recorded"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "la_ids": [self.placement.pupil.la_id]}

    def get_initial(self):
        return {"school": self.placement.school_id}

    def act(self, data):
        reintegration_plan_record(
            placement=self.placement,
            by=self.request.user,
            school=data["school"],
            target_date=data["target_date"],
            steps=data["steps"],
        )


def _plan(user, placement) -> ReintegrationPlan:
    return get_object_or_404(ReintegrationPlan.objects.visible_to(user), placement=placement)


class PlanUpdateView(PlacementFormView):
    permission_required = "placements.change_reintegrationplan"
    form_class = PlanUpdateForm
    heading = "Update the reintegration plan"
    success_message = "Reintegration plan updated"

    def get_initial(self):
        plan = _plan(self.request.user, self.placement)
        return {
            "status": plan.status,
            "returned_on": plan.returned_on,
            "outcome": plan.outcome,
            "version": plan.version,
        }

    def act(self, data):
        reintegration_update(
            plan=_plan(self.request.user, self.placement), by=self.request.user, **data
        )


class FollowUpView(PlacementFormView):
    permission_required = "placements.add_followup"
    form_class = FollowUpForm
    heading = "Record a follow-up"
    success_message = "Follow-up recorded"

    def get_initial(self):
        return {}

    def act(self, data):
        follow_up_record(
            plan=_plan(self.request.user, self.placement),
            by=self.request.user,
            weeks=data["weeks"],
            held=data["held"] == "yes",
            notes=data["notes"],
            early_reason=data["early_reason"],
        )


class StepDoneView(View):
    """Tick a step of the reintegration plan off, today (one button on the placement's page)."""

    def post(self, request, pk, step):
        if not request.user.has_perm("placements.change_reintegrationplan"):
            raise Http404
        plan = _plan(request.user, placement_for(request.user, pk))
        found = plan.steps.filter(pk=step).first()
        if found is None:
            raise Http404
        try:
            step_done(step=found, by=request.user, on=timezone.localdate())
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Step done: {found.description}")
        return redirect("placements:detail", pk=pk)

    def get(self, request, pk, step):
        return redirect("placements:detail", pk=pk)
