from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from placements.commissioning.views import PlacementFormView
from placements.registers.services import (
    marks_summary,
)
from placements.reviews.forms import ReviewForm
from placements.reviews.services import review_record


class ReviewView(PlacementFormView):
    permission_required = "placements.add_review"
    form_class = ReviewForm
    heading = "Record a review"
    success_message = "Review recorded"

    def get_initial(self):
        first = self.placement.reviews.first()
        since = first.held_on if first else self.placement.start_date
        possible, attended = marks_summary(self.placement, since, timezone.localdate())
        initial = {**super().get_initial(), "held_on": timezone.localdate()}
        if possible:
            initial["attendance_percent"] = round(100 * attended / possible, 1)
        return initial

    def act(self, data):
        self.review = review_record(placement=self.placement, by=self.request.user, **data)

    def back_url(self):
        review = getattr(self, "review", None)
        if review is not None and review.decision == "reintegrate":
            return reverse("placements:plan_add", args=[self.placement.pk])
        return super().back_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "review", None) is not None and self.review.decision == "reintegrate":
            messages.info(self.request, "Now record the reintegration plan")
        return response
