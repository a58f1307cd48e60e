from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from organisations.calendar import long_date
from placements.commissioning.views import PlacementFormView
from placements.registers.services import marks_summary, register_gaps
from placements.reviews.forms import ReviewForm
from placements.reviews.services import review_record


class ReviewView(PlacementFormView):
    permission_required = "placements.add_review"
    form_class = ReviewForm
    heading = "Record a review"
    success_message = "Review recorded"

    def register_period(self):
        """Since the last review (or the start) to today: the period the pre-fill covers."""
        first = self.placement.reviews.first()
        since = first.held_on if first else self.placement.start_date
        today = timezone.localdate()
        possible, attended = marks_summary(self.placement, since, today)
        gaps = len(register_gaps(self.placement, since, today))
        return since, today, possible, attended, gaps

    def get_initial(self):
        initial = {**super().get_initial(), "held_on": timezone.localdate()}
        _, _, possible, attended, _ = self.register_period()
        if possible:
            initial["attendance_percent"] = round(100 * attended / possible, 1)
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        since, until, possible, attended, gaps = self.register_period()
        since_words = "the last review" if self.placement.reviews.exists() else "the start"
        if possible:
            hint = (
                f"Filled in from the register, {long_date(since)} ({since_words}) to "
                f"{long_date(until)}: {attended} of {possible} sessions attended"
            )
            if gaps:
                hint += f"; {gaps} session{'s' if gaps != 1 else ''} in that time not recorded"
        else:
            hint = (
                f"No register is recorded from {long_date(since)} ({since_words}) to "
                f"{long_date(until)}: enter the attendance the provider reports"
            )
        form.fields["attendance_percent"].help_text = hint + "."
        return form

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
