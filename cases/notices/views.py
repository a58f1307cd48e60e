"""A person's messages and how they are told; the LA administrators' view of the local Notify
(in development only)."""

import json
import urllib.request

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import FormView, ListView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from cases.notices.forms import PreferencesForm
from cases.notices.models import Message, NoticeChannel, NoticePreference
from cases.notices.services import notice_channel_save, preferences_save
from organisations.roles import LA_ROLES, Role

SHOWS = {"mine": "Sent to me", "all": "Everything the service sent"}


class MessageListView(LoginRequiredMixin, ListView):
    paginate_by = 25
    template_name = "cases/message_list.html"

    def get_queryset(self):
        user = self.request.user
        self.may_see_all = user.role in LA_ROLES
        show = self.request.GET.get("show")
        self.show = show if show in SHOWS and self.may_see_all else "mine"
        found = Message.objects.visible_to(user).select_related("to_user")
        if self.show == "mine":
            found = found.filter(to_user=user)
        self.status = self.request.GET.get("status", "")
        if self.status == "failed":
            found = found.filter(status__in=Message.FAILED)
        return found.order_by("-created_at", "pk")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "show": self.show,
            "shows": SHOWS if self.may_see_all else {},
            "status": self.status,
            "local_notify": settings.NOTIFY_LOCAL_PAGE and self.request.user.role == Role.LA_ADMIN,
        }


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "cases/message_settings.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        current = dict(
            NoticePreference.objects.filter(user=self.request.user).values_list("kind", "mode")
        )
        return {**super().get_form_kwargs(), "current": current, "role": self.request.user.role}

    def get_initial(self):
        channel = NoticeChannel.objects.filter(user=self.request.user).first()
        if channel is None:
            return {"channel": "email"}
        return {"channel": "text" if channel.by_text else "email", "mobile": channel.mobile}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                notice_channel_save(
                    user=self.request.user,
                    by_text=data.pop("channel") == "text",
                    mobile=data.pop("mobile"),
                )
                preferences_save(user=self.request.user, modes=data)
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        form.cleaned_data = data
        daily = sum(1 for mode in data.values() if mode == "daily")
        off = sum(1 for mode in data.values() if mode == "off")
        kinds = "kind of message" if daily == 1 else "kinds of message"
        messages.success(
            self.request,
            f"Saved: {daily} {kinds} in your daily summary, {off} turned off, "
            "the rest sent at once",
        )
        return redirect("cases:message_settings")


class LocalNotifyView(LoginRequiredMixin, TemplateView):
    """What the local GOV.UK Notify received: for an LA administrator, under `make run` only."""

    template_name = "cases/local_notify.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.NOTIFY_LOCAL_PAGE:
            raise PermissionDenied
        if request.user.is_authenticated and request.user.role != Role.LA_ADMIN:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        url = settings.NOTIFY_BASE_URL.rstrip("/") + "/_local/messages"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 # nosec B310 (the local server)
                received = json.load(response)["messages"]
            unreachable = False
        except OSError:
            received, unreachable = [], True
        for row in received:
            row["personalisation"] = json.loads(row.get("personalisation") or "{}")
        return {
            **super().get_context_data(**kwargs),
            "received": list(reversed(received))[:200],
            "total": len(received),
            "unreachable": unreachable,
            "base_url": settings.NOTIFY_BASE_URL,
        }
