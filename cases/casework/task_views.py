"""Tasks: a person's own and their organisation's, overdue ones, and marking one done."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from approvision.records import Refused
from cases.casework.access import may_complete_task
from cases.casework.models import Task
from cases.casework.services import task_done

SHOWS = {
    "mine": "Mine and my organisation's",
    "overdue": "Overdue",
    "open": "All open",
    "done": "Done",
}


class TaskListView(PermissionRequiredMixin, ListView):
    permission_required = "cases.view_task"
    paginate_by = 25
    template_name = "cases/task_list.html"

    def get_queryset(self):
        user, today = self.request.user, timezone.localdate()
        self.show = (
            self.request.GET.get("show") if self.request.GET.get("show") in SHOWS else "mine"
        )
        tasks = Task.objects.visible_to(user).for_list()
        if self.show == "mine":
            return tasks.owned_by(user).open()
        if self.show == "overdue":
            return tasks.overdue(today)
        if self.show == "done":
            return tasks.filter(state=Task.State.DONE).order_by("-done_at", "-pk")
        return tasks.open()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        return {
            **context,
            "show": self.show,
            "shows": SHOWS,
            "today": timezone.localdate(),
            "completable": {t.pk for t in context["object_list"] if may_complete_task(user, t)},
        }


class TaskStepView(PermissionRequiredMixin, View):
    """Mark a task done: its owner (or anyone at the owning school or provider) or an officer."""

    permission_required = "cases.change_task"

    def get(self, request, pk, step):
        return redirect("cases:task_list")

    def post(self, request, pk, step):
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
        try:
            if step == "done":
                task_done(task=task, by=request.user)
                messages.success(request, f"Done: {task.title}")
            else:
                raise Http404
        except Refused as error:
            messages.error(request, str(error))
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("cases:task_list")
