from django.shortcuts import get_object_or_404

from placements.commissioning.views import PlacementFormView
from placements.reintegration.forms import FollowUpForm, PlanForm, PlanUpdateForm
from placements.reintegration.models import ReintegrationPlan
from placements.reintegration.services import (
    follow_up_record,
    reintegration_plan_record,
    reintegration_update,
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
        )
