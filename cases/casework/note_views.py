"""A pupil's case notes (read, written, corrected by their author) and their one timeline."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from audit.models import PupilRead
from audit.services import audit_pupil_read
from cases.casework.access import may_edit_note, may_restrict_notes
from cases.casework.forms import NoteForm
from cases.casework.models import CaseNote
from cases.casework.registry import EVENT_SOURCES
from cases.casework.services import NOTE_FIELDS, note_add, note_edit
from cases.casework.timeline import timeline
from cases.pupils.models import Pupil


def _pupil(user, pk) -> Pupil:
    return get_object_or_404(Pupil.objects.visible_to(user), pk=pk)


class NotesView(PermissionRequiredMixin, FormView):
    """The notes on a pupil, newest first, and a form to add one (if the role writes notes)."""

    permission_required = "cases.view_casenote"
    form_class = NoteForm
    template_name = "cases/notes.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.pupil = _pupil(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "may_restrict": may_restrict_notes(self.request.user)}

    def get_context_data(self, **kwargs):
        user = self.request.user
        notes = CaseNote.objects.visible_to(user).filter(pupil=self.pupil).select_related("author")
        page = Paginator(notes, 20).get_page(self.request.GET.get("page"))
        audit_pupil_read(
            request=self.request, pupil_ids=[self.pupil.pk], action=PupilRead.Action.VIEW_NOTES
        )
        return {
            **super().get_context_data(**kwargs),
            "pupil": self.pupil,
            "page_obj": page,
            "can_write": user.has_perm("cases.add_casenote"),
            "editable": {n.pk for n in page.object_list if may_edit_note(user, n)},
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.add_casenote"):
            return redirect("cases:notes", pk=self.pupil.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            note_add(
                pupil=self.pupil,
                by=self.request.user,
                kind=data["kind"],
                happened_on=data["happened_on"],
                text=data["text"],
                restricted=data.get("restricted", False),
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Note added to {self.pupil.name}'s case file")
        return redirect("cases:notes", pk=self.pupil.pk)


class NoteEditView(PermissionRequiredMixin, FormView):
    """The author corrects their note; each earlier wording stays in its history."""

    permission_required = "cases.change_casenote"
    form_class = NoteForm
    template_name = "cases/note_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.note = get_object_or_404(
                CaseNote.objects.visible_to(request.user).select_related("pupil"), pk=kwargs["pk"]
            )
            if not may_edit_note(request.user, self.note):
                messages.error(request, "Only the note's author can correct it")
                return redirect("cases:notes", pk=self.note.pupil_id)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "may_restrict": may_restrict_notes(self.request.user),
            "button": "Save the correction",
        }

    def get_initial(self):
        return {
            **{name: getattr(self.note, name) for name in NOTE_FIELDS},
            "version": self.note.version,
        }

    def get_context_data(self, **kwargs):
        audit_pupil_read(
            request=self.request, pupil_ids=[self.note.pupil_id], action=PupilRead.Action.VIEW_NOTES
        )
        return {
            **super().get_context_data(**kwargs),
            "note": self.note,
            "pupil": self.note.pupil,
            "versions": self.note.history.select_related("history_user")[:20],
        }

    def form_valid(self, form):
        data = form.cleaned_data
        changes = {name: data[name] for name in NOTE_FIELDS if name in data}
        try:
            note_edit(note=self.note, by=self.request.user, version=data["version"], **changes)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Note corrected: the earlier wording is kept")
        return redirect(f"{reverse('cases:notes', args=[self.note.pupil_id])}#note-{self.note.pk}")


class TimelineView(PermissionRequiredMixin, TemplateView):
    """Everything about the pupil from every app, newest first, filterable by kind, paged."""

    permission_required = "cases.view_pupil"
    template_name = "cases/timeline.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pupil = _pupil(user, kwargs["pk"])
        audit_pupil_read(
            request=self.request, pupil_ids=[pupil.pk], action=PupilRead.Action.VIEW_CASE_FILE
        )
        chosen = {k for k in self.request.GET.getlist("kind") if k in EVENT_SOURCES}
        events, hidden = timeline(user, pupil, chosen or None)
        page = Paginator(events, 50).get_page(self.request.GET.get("page"))
        page.object_list = [
            {"when": e.when, "label": EVENT_SOURCES[e.kind].label, "text": e.text, "href": e.href}
            for e in page.object_list
        ]
        return {
            **super().get_context_data(**kwargs),
            "pupil": pupil,
            "page_obj": page,
            "hidden": hidden,
            "kinds": [(key, source.label, key in chosen) for key, source in EVENT_SOURCES.items()],
            "chosen": chosen,
        }
