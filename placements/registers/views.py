from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from approvision.records import Refused
from placements.access import provider_only
from placements.commissioning.views import PlacementFormView, placement_for
from placements.registers.forms import ReturnForm
from placements.registers.models import AttendanceCode
from placements.registers.services import (
    attendance_record,
    return_submit,
    week_start,
)


class ReturnView(PlacementFormView):
    permission_required = "placements.add_providerreturn"
    form_class = ReturnForm
    heading = "Send a return"
    success_message = "Return sent"

    def check(self, user):
        provider_only(user, self.placement)

    def get_initial(self):
        return {"period": "week", "period_start": week_start(timezone.localdate())}

    def act(self, data):
        return_submit(placement=self.placement, by=self.request.user, **data)


class AttendanceView(PermissionRequiredMixin, TemplateView):
    """A week's register: a DfE code for each session of the placement's pattern."""

    permission_required = "placements.add_attendancemark"
    template_name = "placements/attendance.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.placement = placement_for(request.user, kwargs["pk"])
            provider_only(request.user, self.placement)
        return super().dispatch(request, *args, **kwargs)

    def week(self) -> date:
        try:
            day = date.fromisoformat(self.request.GET.get("week") or self.request.POST["week"])
        except (KeyError, ValueError):
            day = timezone.localdate()
        return week_start(day)

    def rows(self, monday: date, posted=None):
        placement = self.placement
        existing = {
            (m.day, m.session): m.code
            for m in placement.marks.filter(day__gte=monday, day__lte=monday + timedelta(days=4))
        }
        today = timezone.localdate()
        last = placement.last_day
        rows = []
        for offset, day_key in enumerate(["mon", "tue", "wed", "thu", "fri"]):
            day = monday + timedelta(days=offset)
            cells = []
            for half in ("am", "pm"):
                name = f"{day.isoformat()}_{half}"
                open_ = (
                    f"{day_key}_{half}" in placement.sessions
                    and placement.start_date <= day <= today
                    and (last is None or day <= last)
                )
                value = posted.get(name, "") if posted is not None else existing.get((day, half))
                cells.append({"name": name, "open": open_, "value": value or "", "half": half})
            rows.append({"day": day, "cells": cells})
        return rows

    def get_context_data(self, **kwargs):
        monday = kwargs.pop("monday", None) or self.week()
        return {
            **super().get_context_data(**kwargs),
            "placement": self.placement,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7)
            if monday + timedelta(days=7) <= timezone.localdate()
            else None,
            "rows": kwargs.get("rows") or self.rows(monday),
            "codes": AttendanceCode.choices,
        }

    def post(self, request, *args, **kwargs):
        monday = self.week()
        valid = set(AttendanceCode.values)
        marks, errors = {}, []
        for row in self.rows(monday):
            for cell in row["cells"]:
                code = request.POST.get(cell["name"], "")
                if not cell["open"] or not code:
                    continue
                if code not in valid:
                    errors.append(f"Select a code for {row['day']:%A %-d %B}")
                    continue
                marks[(row["day"], cell["half"])] = code
        if not errors and not marks:
            errors.append("Select a code for at least one session")
        if not errors:
            try:
                saved = attendance_record(placement=self.placement, by=request.user, marks=marks)
            except Refused as error:
                errors.append(str(error))
            else:
                messages.success(
                    request,
                    f"Attendance saved for {saved} session{'s' if saved != 1 else ''} "
                    f"in the week beginning {monday:%-d %B %Y}",
                )
                return redirect(f"{request.path}?week={monday.isoformat()}")
        context = self.get_context_data(
            monday=monday, rows=self.rows(monday, posted=request.POST), **kwargs
        )
        context["errors"] = errors
        return self.render_to_response(context, status=400)
