"""Referral pages: a school drafts, uploads and submits; the LA triages."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from approvision.records import Refused, StorageUnavailable
from audit.limits import export_limited
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.casework.history import pupil_histories
from cases.casework.registry import WORK_KINDS
from cases.notices.models import Message
from cases.pupils.models import Pupil
from cases.referrals.access import is_referrers_school, triages_referral
from cases.referrals.forms import EvidenceForm, ReferralForm, ReferralMessageForm
from cases.referrals.models import EvidenceDocument, Referral
from cases.referrals.services import (
    REFERRAL_FIELDS,
    evidence_add,
    evidence_remove,
    referral_accept,
    referral_answer,
    referral_request_info,
    referral_signpost,
    referral_start,
    referral_submit,
    referral_update,
    referral_withdraw,
)
from cases.referrals.uploads import UploadRefused


def _referral(user, pk) -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(user).select_related("pupil", "school", "referrer"), pk=pk
    )


def where_now(referrals) -> None:
    """Say where each referral is, in words beside its status: the panel's decision once made,
    which panel an accepted one goes to (the panels app registers how to tell)."""
    kind = WORK_KINDS.get("referral")
    for referral in referrals:
        if referral.state == Referral.State.DECIDED:
            referral.where_now = referral.outcome
        elif referral.state == Referral.State.ACCEPTED and kind is not None:
            referral.where_now = kind.due_text(referral, getattr(referral, "next_due", None))
        else:
            referral.where_now = ""


def _with_next_due(queryset):
    kind = WORK_KINDS.get("referral")
    return queryset.annotate(next_due=kind.due) if kind is not None else queryset


class ReferralListView(PermissionRequiredMixin, ListView):
    permission_required = "cases.view_referral"
    paginate_by = 25
    template_name = "cases/referral_list.html"
    STATES = ["submitted", "more_info", "accepted", "draft", "decided", "signposted", "withdrawn"]

    def get_queryset(self):
        queryset = _with_next_due(Referral.objects.visible_to(self.request.user).for_list())
        self.state_shown = self.request.GET.get("state", "")
        if self.state_shown in self.STATES:
            queryset = queryset.filter(state=self.state_shown)
        return queryset.order_by("-submitted_at", "-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_pupil_read(
            request=self.request,
            pupil_ids=[r.pupil_id for r in context["object_list"]],
            action=PupilRead.Action.LIST,
        )
        where_now(context["object_list"])
        context["state"] = self.state_shown
        context["states"] = [(s, Referral.State(s).label) for s in self.STATES]
        return context


class ReferralStartView(PermissionRequiredMixin, View):
    permission_required = "cases.add_referral"

    def post(self, request, pk):
        pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
        try:
            referral = referral_start(pupil=pupil, by=request.user)
        except Refused as error:
            messages.error(request, str(error))
            return redirect("cases:pupil_detail", pk=pk)
        return redirect("cases:referral_edit", pk=referral.pk)


class ReferralDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "cases.view_referral"
    template_name = "cases/referral_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        referral = get_object_or_404(
            _with_next_due(Referral.objects.visible_to(user)).select_related(
                "pupil", "school", "referrer"
            ),
            pk=kwargs["pk"],
        )
        where_now([referral])
        audit_pupil_read(
            request=self.request,
            pupil_ids=[referral.pupil_id],
            action=PupilRead.Action.VIEW_REFERRAL,
        )
        own_school = is_referrers_school(user, referral)
        officer = triages_referral(user, referral)
        state = Referral.State
        here = reverse("cases:referral_detail", args=[referral.pk])
        return {
            **super().get_context_data(**kwargs),
            "referral": referral,
            "history": pupil_histories(user, [referral.pupil], leave_out={here})[referral.pupil_id],
            "documents": referral.documents.all(),
            "events": referral.events.select_related("by"),
            "can_edit": own_school and referral.is_editable,
            "can_answer": own_school and referral.state == state.MORE_INFO,
            "can_withdraw": own_school and referral.can_move_to(state.WITHDRAWN),
            "can_triage": officer and referral.state == state.SUBMITTED,
            "can_ask": officer and referral.can_move_to(state.MORE_INFO),
            "sent_messages": Message.objects.sent_about(user, referral),
        }


class ReferralEditView(PermissionRequiredMixin, FormView):
    """The referral's sections, and its evidence documents, while it may be changed."""

    permission_required = "cases.add_referral"
    form_class = ReferralForm
    template_name = "cases/referral_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.referral = _referral(request.user, kwargs["pk"])
            if not is_referrers_school(request.user, self.referral):
                raise Http404
            if not self.referral.is_editable:
                messages.info(request, "This referral has been submitted")
                return redirect("cases:referral_detail", pk=self.referral.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {name: getattr(self.referral, name) for name in REFERRAL_FIELDS}
        return {**initial, "version": self.referral.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence_form = kwargs.get("evidence_form") or EvidenceForm()
        # The page is one form (the template's), so no button can drop what has been typed.
        evidence_form.helper.form_tag = False
        context["form"].helper.form_tag = False
        context.update(
            referral=self.referral,
            documents=self.referral.documents.all(),
            evidence_form=evidence_form,
        )
        return context

    def form_valid(self, form):
        """Save the answers first, whichever button was pressed; then upload, remove, or go on."""
        data = {k: v for k, v in form.cleaned_data.items() if k in REFERRAL_FIELDS}
        try:
            referral_update(
                referral=self.referral,
                by=self.request.user,
                version=form.cleaned_data["version"],
                **data,
            )
        except Refused as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if "upload" in self.request.POST:
            return self._upload()
        if "remove" in self.request.POST:
            return self._remove(self.request.POST["remove"])
        if "draft" in self.request.POST:
            messages.success(
                self.request,
                "Draft saved. You can come back to it at any time."
                if self.referral.state == Referral.State.DRAFT
                else "Your changes are saved. Send your answer to the local authority when "
                "you are ready.",
            )
            return redirect("cases:referral_detail", pk=self.referral.pk)
        return redirect("cases:referral_check", pk=self.referral.pk)

    def form_invalid(self, form):
        if "upload" in self.request.POST or "remove" in self.request.POST:
            messages.error(
                self.request,
                "Nothing was uploaded or removed: correct the answers below first (what you "
                "typed is still here)",
            )
        return super().form_invalid(form)

    def _saved_page(self, evidence_form):
        """The page again with the answers as saved (and their new version)."""
        self.referral.refresh_from_db()
        form = ReferralForm(initial=ReferralEditView.get_initial(self))
        return self.render_to_response(
            self.get_context_data(form=form, evidence_form=evidence_form)
        )

    def _upload(self):
        evidence_form = EvidenceForm(self.request.POST, self.request.FILES)
        if evidence_form.is_valid():
            upload = evidence_form.cleaned_data["file"]
            try:
                document = evidence_add(
                    referral=self.referral,
                    by=self.request.user,
                    name=upload.name,
                    content=upload.read(),
                )
            except (UploadRefused, Refused) as error:
                evidence_form.add_error("file", str(error))
                unavailable = isinstance(error, StorageUnavailable)
            else:
                messages.success(
                    self.request, f"Your answers were saved, and {document.name} uploaded"
                )
                return redirect("cases:referral_edit", pk=self.referral.pk)
        else:
            unavailable = False
        messages.info(self.request, "Your answers were saved; the document was not uploaded")
        response = self._saved_page(evidence_form)
        if unavailable:
            # The page again, answers kept and the file's error on it; a 503 says why to tools.
            response.status_code = 503
            response["Retry-After"] = "60"
        return response

    def _remove(self, document_id):
        document = self.referral.documents.filter(pk=document_id if document_id.isdigit() else 0)
        document = document.first()
        if document is None:
            messages.error(self.request, "Your answers were saved; that document was not found")
        else:
            try:
                evidence_remove(document=document, by=self.request.user)
            except Refused as error:
                messages.error(self.request, f"Your answers were saved; {error}")
            else:
                messages.success(
                    self.request, f"Your answers were saved, and {document.name} removed"
                )
        return redirect("cases:referral_edit", pk=self.referral.pk)


class EvidenceUploadView(ReferralEditView):
    form_class = EvidenceForm

    def get_initial(self):
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs()}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            document = evidence_add(
                referral=self.referral,
                by=self.request.user,
                name=upload.name,
                content=upload.read(),
            )
        except (UploadRefused, Refused) as error:
            form.add_error("file", str(error))
            response = self.form_invalid(form)
            if isinstance(error, StorageUnavailable):
                response.status_code = 503
                response["Retry-After"] = "60"
            return response
        messages.success(self.request, f"{document.name} uploaded")
        return redirect("cases:referral_edit", pk=self.referral.pk)

    def form_invalid(self, form):
        referral_form = ReferralForm(initial=ReferralEditView.get_initial(self))
        context = self.get_context_data(form=referral_form, evidence_form=form)
        return self.render_to_response(context)


class EvidenceRemoveView(PermissionRequiredMixin, View):
    permission_required = "cases.add_referral"

    def post(self, request, pk):
        document = get_object_or_404(
            EvidenceDocument.objects.select_related("referral").filter(
                referral__in=Referral.objects.visible_to(request.user)
            ),
            pk=pk,
        )
        if not is_referrers_school(request.user, document.referral):
            raise Http404
        try:
            evidence_remove(document=document, by=request.user)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{document.name} removed")
        return redirect("cases:referral_edit", pk=document.referral_id)


class EvidenceDownloadView(PermissionRequiredMixin, View):
    """A document, only to those who may see its referral, always as a download (ASVS 5.4)."""

    permission_required = "cases.view_referral"

    @export_limited
    def get(self, request, pk):
        document = get_object_or_404(
            EvidenceDocument.objects.visible_to(request.user).select_related("referral"),
            pk=pk,
        )
        audit_pupil_read(
            request=request, pupil_ids=[document.referral.pupil_id], action=PupilRead.Action.EXPORT
        )
        content_types = {
            "pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "png": "image/png",
            "jpeg": "image/jpeg",
        }
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.name,
            content_type=content_types[document.kind],
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReferralCheckView(PermissionRequiredMixin, TemplateView):
    """Check your answers, then submit."""

    permission_required = "cases.add_referral"
    template_name = "cases/referral_check.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.referral = _referral(request.user, kwargs["pk"])
            if not is_referrers_school(request.user, self.referral):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "referral": self.referral,
            "documents": self.referral.documents.all(),
            "missing": kwargs.get("missing") or {},
        }

    def post(self, request, pk):
        try:
            referral_submit(
                referral=self.referral, by=request.user, version=int(request.POST.get("version", 0))
            )
        except Refused as error:
            missing = self.referral.missing_for_submission() or {"version": str(error)}
            return self.render_to_response(self.get_context_data(missing=missing))
        messages.success(
            request, "Referral submitted. The local authority's inclusion team will look at it."
        )
        return redirect("cases:referral_detail", pk=self.referral.pk)


# Each step: (permission, who may take it, label, hint, button, service, message keyword)
STEPS = {
    "ask": (
        "cases.change_referral",
        "la",
        "What information do you need?",
        "The school sees this and answers it",
        "Ask the school",
        referral_request_info,
        "question",
    ),
    "signpost": (
        "cases.change_referral",
        "la",
        "Where is the school signposted to, and why?",
        "",
        "Signpost elsewhere",
        referral_signpost,
        "reason",
    ),
    "accept": (
        "cases.change_referral",
        "la",
        "Note for the panel (optional)",
        "",
        "Accept to the panel",
        referral_accept,
        "note",
    ),
    "answer": (
        "cases.add_referral",
        "school",
        "Your answer",
        "It goes back to the local authority with the referral",
        "Send answer",
        referral_answer,
        "answer",
    ),
    "withdraw": (
        "cases.add_referral",
        "school",
        "Why are you withdrawing the referral?",
        "",
        "Withdraw referral",
        referral_withdraw,
        "reason",
    ),
}


# What each step's success message says, in words (never a bare "Saved").
STEP_DONE = {
    "ask": "Your question has been sent to {school}",
    "signpost": "The referral is signposted elsewhere; {school} can see why",
    "accept": "Accepted to the panel: it goes on the agenda of the panel shown below",
    "answer": "Your answer has been sent to the local authority with the referral",
    "withdraw": "The referral is withdrawn; the local authority can see why",
}


class ReferralStepView(PermissionRequiredMixin, FormView):
    form_class = ReferralMessageForm
    template_name = "cases/referral_step.html"

    def get_permission_required(self):
        return [STEPS[self.kwargs["step"]][0]] if self.kwargs["step"] in STEPS else ["none"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEPS:
            raise Http404
        if request.user.has_perm(STEPS[kwargs["step"]][0]):
            self.referral = _referral(request.user, kwargs["pk"])
            own_school = is_referrers_school(request.user, self.referral)
            if (STEPS[kwargs["step"]][1] == "school") != own_school:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        _, _, label, hint, button, _, _ = STEPS[self.kwargs["step"]]
        return {**super().get_form_kwargs(), "label": label, "hint": hint, "submit": button}

    def get_initial(self):
        return {"version": self.referral.version}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "referral": self.referral,
            "title": STEPS[self.kwargs["step"]][4],
            "asked": self.referral.events.filter(to_state=Referral.State.MORE_INFO).last(),
        }

    def form_valid(self, form):
        *_, service, keyword = STEPS[self.kwargs["step"]]
        try:
            service(
                referral=self.referral,
                by=self.request.user,
                version=form.cleaned_data["version"],
                **{keyword: form.cleaned_data["message"]},
            )
        except Refused as error:
            form.add_error("message" if error.field == "message" else None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, STEP_DONE[self.kwargs["step"]].format(school=self.referral.school.name)
        )
        return redirect(reverse("cases:referral_detail", args=[self.referral.pk]))
