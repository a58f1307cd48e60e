from datetime import datetime

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_htmx.http import HttpResponseClientRedirect

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.limits import export_limited
from audit.models import PupilRead
from audit.services import audit_pupil_read
from panels.access import is_meetings_officer, runs_meeting
from panels.forms import (
    ActionForm,
    AmendmentForm,
    DecisionForm,
    EarlyForm,
    ItemForm,
    MeetingForm,
    MemberForm,
)
from panels.models import AgendaItem, MinutesVersion, PanelMeeting, PanelMember
from panels.services.agenda import (
    agenda_build,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    pack_issue,
)
from panels.services.decisions import action_add, action_owners, decision_record
from panels.services.meetings import (
    attendance_record,
    conflicts_declare,
    meeting_create,
    meeting_start,
    member_add,
    member_candidates,
    member_remove,
    panel_schedule_term,
    quorate,
)
from panels.services.minutes import ACTION_OWNER, minutes_amend, minutes_approve, minutes_context


def _meeting(user, pk) -> PanelMeeting:
    return get_object_or_404(PanelMeeting.objects.visible_to(user).select_related("la"), pk=pk)


def _item(user, pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.filter(meeting__in=PanelMeeting.objects.visible_to(user))
        .for_agenda()
        .select_related("meeting"),
        pk=pk,
    )


def _audit_items(request, items) -> None:
    pupils = [item.pupil_id for item in items if item.pupil_id is not None]
    if pupils:
        audit_pupil_read(request=request, pupil_ids=pupils, action=PupilRead.Action.LIST)


class MeetingListView(PermissionRequiredMixin, ListView):
    permission_required = "panels.view_panelmeeting"
    paginate_by = 20
    template_name = "panels/meeting_list.html"

    def get_queryset(self):
        today = timezone.localdate()
        self.past = self.request.GET.get("when") == "past"
        meetings = PanelMeeting.objects.visible_to(self.request.user)
        if self.past:
            return meetings.filter(date__lt=today).order_by("-date")
        return meetings.filter(date__gte=today).order_by("date")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "past": self.past,
            "can_manage": self.request.user.has_perm("panels.change_panelmeeting"),
        }


class MeetingDetailView(PermissionRequiredMixin, TemplateView):
    """The meeting: its agenda (built, ordered and edited before the pack), members and papers."""

    permission_required = "panels.view_panelmeeting"
    template_name = "panels/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = _meeting(self.request.user, kwargs["pk"])
        items = list(meeting.items.for_agenda_rows())
        _audit_items(self.request, items)
        item_form = kwargs.get("item_form") or ItemForm()
        item_form.helper.form_action = reverse("panels:item_add", args=[meeting.pk])
        return {
            **super().get_context_data(**kwargs),
            "meeting": meeting,
            "items": items,
            "agenda_url": reverse("panels:agenda_change", args=[meeting.pk]),
            "members": meeting.members.select_related("user"),
            "is_officer": is_meetings_officer(self.request.user, meeting),
            "runs_meeting": runs_meeting(self.request.user, meeting),
            "item_form": item_form,
            "member_form": _member_form(meeting, kwargs.get("member_form")),
            "start_form": _start_form(meeting, kwargs.get("start_form")),
            "minutes": meeting.minutes.all(),
        }


def _start_form(meeting, form=None):
    early = timezone.localdate() < meeting.date
    form = form or EarlyForm(early=early, button="Start the meeting", name="start")
    form.helper.form_action = reverse("panels:step", args=[meeting.pk, "start"])
    return form


def _member_form(meeting, form=None):
    form = form or MemberForm(candidates=member_candidates(meeting))
    form.helper.form_action = reverse("panels:member_add", args=[meeting.pk])
    return form


class MeetingCreateView(PermissionRequiredMixin, FormView):
    permission_required = "panels.change_panelmeeting"
    form_class = MeetingForm
    template_name = "panels/meeting_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        cutoff = timezone.make_aware(datetime.combine(data["cutoff_date"], data["cutoff_time"]))
        try:
            meeting = meeting_create(
                la=self.request.user.membership.la,
                by=self.request.user,
                on=data["date"],
                start_time=data["start_time"],
                cutoff=cutoff,
                location=data["location"],
                quorum=data["quorum"],
            )
        except Refused as error:
            field = {"date": "date", "cutoff": "cutoff_date"}.get(error.field)
            form.add_error(field, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{meeting} added: now add its members")
        return redirect("panels:meeting", pk=meeting.pk)


class ScheduleView(PermissionRequiredMixin, View):
    permission_required = "panels.change_panelmeeting"

    def post(self, request):
        made = panel_schedule_term(la=request.user.membership.la, by=request.user)
        messages.success(
            request, f"{len(made)} meeting{'s' if len(made) != 1 else ''} added for the school year"
        )
        return redirect("panels:meeting_list")


class MemberAddView(PermissionRequiredMixin, View):
    permission_required = "panels.change_panelmeeting"

    def get(self, request, pk):
        return _reload(request, "panels:meeting", pk)

    def post(self, request, pk):
        meeting = _meeting(request.user, pk)
        form = MemberForm(request.POST, candidates=member_candidates(meeting))
        if form.is_valid():
            try:
                member_add(
                    meeting=meeting,
                    by=request.user,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
            except Refused as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['user'].display_name} added")
                return redirect("panels:meeting", pk=pk)
        return _rerender(MeetingDetailView, request, pk=pk, member_form=form)


class MemberRemoveView(PermissionRequiredMixin, View):
    permission_required = "panels.change_panelmeeting"

    def post(self, request, pk):
        member = get_object_or_404(
            PanelMember.objects.filter(
                meeting__in=PanelMeeting.objects.visible_to(request.user)
            ).select_related("meeting", "user"),
            pk=pk,
        )
        try:
            member_remove(member=member, by=request.user)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{member.user.display_name} removed")
        return redirect("panels:meeting", pk=member.meeting_id)


class MeetingStepView(PermissionRequiredMixin, View):
    """Build the agenda, issue the pack, start the meeting: one POST each."""

    permission_required = "panels.view_panelmeeting"

    def get(self, request, pk, step):
        return _reload(request, "panels:meeting", pk)

    def post(self, request, pk, step):
        meeting = _meeting(request.user, pk)
        if not runs_meeting(request.user, meeting):
            raise Http404
        try:
            if step == "build":
                added = agenda_build(meeting=meeting)
                messages.success(
                    request, f"{len(added)} item{'s' if len(added) != 1 else ''} added"
                )
            elif step == "issue":
                pack_issue(meeting=meeting, by=request.user)
                messages.success(request, "Pack issued: members can download it")
            elif step == "start":
                return self.start(request, meeting)
            else:
                raise Http404
        except Refused as error:
            messages.error(request, str(error))
        return redirect("panels:meeting", pk=meeting.pk)

    def start(self, request, meeting):
        early = timezone.localdate() < meeting.date
        form = EarlyForm(request.POST, early=early, button="Start the meeting", name="start")
        if not _early_step(form, meeting_start, meeting=meeting, by=request.user):
            return _rerender(MeetingDetailView, request, pk=meeting.pk, start_form=form)
        return redirect("panels:live", pk=meeting.pk)


def _early_step(form, step, **kwargs) -> bool:
    """Run a step that may come before the meeting's date only with a reason (starting it,
    approving its minutes) with the reason given; False, the refusal on the form, if refused."""
    form.is_valid()
    try:
        step(early_reason=form.cleaned_data.get("early_reason", ""), **kwargs)
    except Refused as error:
        show_refusal(form, error)
        return False
    return True


class ItemAddView(PermissionRequiredMixin, View):
    permission_required = "panels.change_panelmeeting"

    def get(self, request, pk):
        return _reload(request, "panels:meeting", pk)

    def post(self, request, pk):
        meeting = _meeting(request.user, pk)
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                agenda_item_add(meeting=meeting, title=form.cleaned_data["title"])
            except Refused as error:
                form.add_error("title", str(error))
            else:
                return redirect("panels:meeting", pk=meeting.pk)
        return _rerender(MeetingDetailView, request, pk=pk, item_form=form)


class AgendaChangeView(PermissionRequiredMixin, View):
    """Move an agenda item up or down, or take it off. One form a row: the button pressed says
    which ("change") and a hidden field which item."""

    permission_required = "panels.change_panelmeeting"
    CHANGES = ("up", "down", "remove")

    def post(self, request, pk):
        change = request.POST.get("change")
        item_id = request.POST.get("item", "")
        if change not in self.CHANGES or not (
            item_id.isascii() and item_id.isdigit() and len(item_id) <= 18
        ):
            raise Http404
        item = _item(request.user, item_id)
        if item.meeting_id != pk:
            raise Http404
        said = True
        try:
            if change == "remove":
                agenda_item_remove(item=item)
                messages.success(request, f"Removed: {item.title}")
            else:
                agenda_item_move(item=item, up=change == "up")
                said = False
        except Refused as error:
            messages.error(request, str(error))
        if request.htmx and said:
            # A move swaps the agenda in place (htmx); a change with something to say loads the
            # whole page, where its message is shown.
            return HttpResponseClientRedirect(reverse("panels:meeting", args=[pk]))
        return redirect("panels:meeting", pk=pk)


class PackDownloadView(PermissionRequiredMixin, View):
    permission_required = "panels.view_panelmeeting"

    @export_limited
    def get(self, request, pk):
        meeting = _meeting(request.user, pk)
        if not meeting.pack:
            raise Http404
        _audit_items(request, list(meeting.items.for_agenda()))
        return FileResponse(
            meeting.pack.open("rb"),
            as_attachment=True,
            filename=f"panel-pack-{meeting.date:%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )


class LiveView(PermissionRequiredMixin, TemplateView):
    """The chair steps through the agenda. htmx swaps the live region; plain links work too."""

    permission_required = "panels.view_panelmeeting"
    template_name = "panels/live.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        meeting = _meeting(user, kwargs["pk"])
        items = list(meeting.items.for_agenda_rows())
        _audit_items(self.request, items)
        current = None
        wanted = self.request.GET.get("item") or kwargs.get("item_id")
        for item in items:
            if str(item.pk) == str(wanted):
                current = item
        if current is None:
            current = next((i for i in items if i.status == AgendaItem.Status.PENDING), None)
        if current is not None:
            # The agenda is listed from its rows alone; the item being decided is shown whole.
            current = meeting.items.for_agenda_item(current)
        members = list(meeting.members.select_related("user__membership"))
        runs = runs_meeting(user, meeting)
        context = {
            **super().get_context_data(**kwargs),
            "meeting": meeting,
            "items": items,
            "current": current,
            "members": members,
            "quorate": quorate(meeting),
            "runs_meeting": runs,
            "conflicted": {c.member_id for c in current.conflicts.all()} if current else set(),
        }
        if current is not None and runs and meeting.deciding:
            decision_form = kwargs.get("decision_form") or DecisionForm(
                la=meeting.la, initial={"version": current.version}
            )
            decision_form.helper.form_action = reverse("panels:decide", args=[current.pk])
            action_form = kwargs.get("action_form") or ActionForm(
                owners=action_owners(meeting, current)
            )
            action_form.helper.form_action = reverse("panels:action_add", args=[current.pk])
            context["decision_form"], context["action_form"] = decision_form, action_form
        context["actions"] = meeting.actions.select_related(*ACTION_OWNER)
        return context


def _rerender(view_class, request, **kwargs):
    """Show a page again with a form's errors, from a POST that another view handled."""
    view = view_class()
    view.setup(request, **kwargs)
    return view.render_to_response(view.get_context_data(**kwargs))


def _live_again(request, meeting, item, **forms):
    """The live page again with a form's errors. htmx puts the live page's own address in the
    address bar (not the form's POST address), so a reload shows the same item."""
    response = _rerender(LiveView, request, pk=meeting.pk, item_id=item.pk, **forms)
    response["HX-Push-Url"] = f"{reverse('panels:live', args=[meeting.pk])}?item={item.pk}"
    return response


def _reload(request, name, pk):
    """A page shown again with a form's errors keeps the POST address; reloading it (a GET) comes
    back to the page the form is on, never a 405."""
    _meeting(request.user, pk)
    return redirect(name, pk=pk)


def _back_to_live(meeting_id, item_id=None):
    url = reverse("panels:live", args=[meeting_id])
    return redirect(f"{url}?item={item_id}" if item_id else url)


class AttendanceView(PermissionRequiredMixin, View):
    permission_required = "panels.add_decision"

    def post(self, request, pk):
        meeting = _meeting(request.user, pk)
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            attendance_record(meeting=meeting, by=request.user, present=present)
        except Refused as error:
            messages.error(request, str(error))
        return _back_to_live(meeting.pk, request.POST.get("item"))


class ConflictsView(PermissionRequiredMixin, View):
    permission_required = "panels.add_decision"

    def post(self, request, pk):
        item = _item(request.user, pk)
        chosen = {int(v) for v in request.POST.getlist("conflicted") if v.isdigit()}
        try:
            conflicts_declare(item=item, by=request.user, member_ids=chosen)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Declarations of interest recorded")
        return _back_to_live(item.meeting_id, item.pk)


class DecideView(PermissionRequiredMixin, View):
    permission_required = "panels.add_decision"

    def get(self, request, pk):
        item = _item(request.user, pk)
        return _back_to_live(item.meeting_id, item.pk)

    def post(self, request, pk):
        item = _item(request.user, pk)
        meeting = item.meeting
        form = DecisionForm(request.POST, la=meeting.la)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision_record(
                    item=item,
                    by=request.user,
                    version=data["version"],
                    outcome=data["outcome"],
                    reason=data["reason"],
                    provider=data["provider"],
                    tier=data["tier"],
                    start_date=data["start_date"],
                    hours_per_week=data["hours_per_week"],
                    outcomes_sought=data["outcomes_sought"],
                    first_review_date=data["first_review_date"],
                    planned_end=data["planned_end"],
                    capacity_override_reason=data["capacity_override_reason"],
                )
            except Refused as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"Decision recorded: {item.title}")
                return _back_to_live(meeting.pk)
        return _live_again(request, meeting, item, decision_form=form)


class ActionAddView(PermissionRequiredMixin, View):
    permission_required = "panels.add_decision"

    def get(self, request, pk):
        item = _item(request.user, pk)
        return _back_to_live(item.meeting_id, item.pk)

    def post(self, request, pk):
        item = _item(request.user, pk)
        meeting = item.meeting
        form = ActionForm(request.POST, owners=action_owners(meeting, item))
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_add(
                    meeting=meeting,
                    by=request.user,
                    item=item,
                    description=data["description"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
            except Refused as error:
                show_refusal(form, error)
            else:
                messages.success(request, "Action added")
                return _back_to_live(meeting.pk, item.pk)
        return _live_again(request, meeting, item, action_form=form)


class MinutesView(PermissionRequiredMixin, TemplateView):
    permission_required = "panels.view_panelmeeting"
    template_name = "panels/minutes.html"

    def get_context_data(self, **kwargs):
        meeting = _meeting(self.request.user, kwargs["pk"])
        context = minutes_context(meeting)
        _audit_items(self.request, list(context["items"]))
        is_chair = meeting.members.filter(
            user=self.request.user, role=PanelMember.Role.CHAIR
        ).exists()
        return {
            **super().get_context_data(**kwargs),
            **context,
            "draft": render_to_string("panels/_minutes_body.html", context),
            "versions": meeting.minutes.all(),
            "amendments": meeting.amendments.select_related("by"),
            "can_approve": is_chair and not meeting.locked and meeting.deciding,
            "can_amend": meeting.locked and runs_meeting(self.request.user, meeting),
            "amendment_form": kwargs.get("amendment_form") or AmendmentForm(),
            "approve_form": kwargs.get("approve_form") or _approve_form(meeting),
        }

    def post(self, request, pk):
        meeting = _meeting(request.user, pk)
        if "approve" in request.POST:
            form = _approve_form(meeting, request.POST)
            if not _early_step(form, minutes_approve, meeting=meeting, by=request.user):
                return self.render_to_response(self.get_context_data(pk=pk, approve_form=form))
            messages.success(request, "Minutes approved and locked")
            return redirect("panels:minutes", pk=pk)
        form = AmendmentForm(request.POST)
        if form.is_valid():
            try:
                minutes_amend(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
            except Refused as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, "Correction recorded")
                return redirect("panels:minutes", pk=pk)
        return self.render_to_response(self.get_context_data(pk=pk, amendment_form=form))


def _approve_form(meeting, data=None):
    early = timezone.localdate() < meeting.date
    return EarlyForm(data, early=early, button="Approve and lock the minutes", name="approve")


class MinutesPdfView(PermissionRequiredMixin, View):
    permission_required = "panels.view_panelmeeting"

    @export_limited
    def get(self, request, pk):
        version = get_object_or_404(
            MinutesVersion.objects.filter(
                meeting__in=PanelMeeting.objects.visible_to(request.user)
            ).select_related("meeting"),
            pk=pk,
        )
        _audit_items(request, list(version.meeting.items.for_agenda()))
        return FileResponse(
            version.pdf.open("rb"),
            as_attachment=True,
            filename=f"panel-minutes-{version.meeting.date:%Y-%m-%d}-v{version.number}.pdf",
            content_type="application/pdf",
        )
