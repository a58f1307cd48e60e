from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.pupils.models import Pupil
from placements.moves.forms import MoveForm, MoveReviewForm
from placements.moves.models import PupilMove
from placements.moves.services import move_record, move_review


class MoveListView(PermissionRequiredMixin, ListView):
    permission_required = "placements.view_pupilmove"
    paginate_by = 25
    template_name = "placements/move_list.html"

    def get_queryset(self):
        return (
            PupilMove.objects.visible_to(self.request.user)
            .select_related("pupil", "from_school", "to_school", "to_provider")
            .order_by(
                Case(When(outcome="", then=0), default=1), "next_review_due", "-start_date", "pk"
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_pupil_read(
            request=self.request,
            pupil_ids=[m.pupil_id for m in context["object_list"]],
            action=PupilRead.Action.LIST,
        )
        context["today"] = timezone.localdate()
        return context


def _move(user, pk) -> PupilMove:
    return get_object_or_404(
        PupilMove.objects.visible_to(user).select_related(
            "pupil", "from_school", "to_school", "to_provider"
        ),
        pk=pk,
    )


class MoveDetailView(PermissionRequiredMixin, FormView):
    permission_required = "placements.view_pupilmove"
    template_name = "placements/move_detail.html"
    form_class = MoveReviewForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.move = _move(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def can_review(self):
        user = self.request.user
        return user.has_perm("placements.change_pupilmove") or (
            user.has_perm("placements.add_pupilmove")
            and getattr(user.membership_or_none(), "school_id", None) == self.move.from_school_id
        )

    def get_initial(self):
        return {"version": self.move.version, "held_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        audit_pupil_read(
            request=self.request, pupil_ids=[self.move.pupil_id], action=PupilRead.Action.VIEW_MOVE
        )
        return {
            **super().get_context_data(**kwargs),
            "move": self.move,
            "reviews": self.move.reviews.select_related("by"),
            "can_review": self.can_review() and not self.move.outcome,
            "today": timezone.localdate(),
        }

    def post(self, request, *args, **kwargs):
        if not self.can_review():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            move_review(move=self.move, by=self.request.user, **form.cleaned_data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Review recorded")
        return redirect("placements:move_detail", pk=self.move.pk)


class MoveAddView(PermissionRequiredMixin, FormView):
    permission_required = "placements.add_pupilmove"
    form_class = MoveForm
    template_name = "placements/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "la_ids": [self.pupil.la_id]}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pupil": self.pupil,
            "heading": "Record a managed move or off-site direction",
            "back_url": reverse("cases:pupil_detail", args=[self.pupil.pk]),
            "back_text": f"Back to {self.pupil.name}",
        }

    def form_valid(self, form):
        try:
            move = move_record(pupil=self.pupil, by=self.request.user, **form.cleaned_data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{move.get_kind_display()} recorded")
        return redirect("placements:move_detail", pk=move.pk)
