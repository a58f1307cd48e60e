from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from approvision.records import Refused
from organisations.calendar import long_date
from placements.access import provider_only
from placements.commissioning.models import Placement
from placements.commissioning.views import PlacementFormView, placement_for
from placements.registers.forms import RegisterFilterForm, ReturnForm
from placements.registers.models import (
    NOT_POSSIBLE_CODES,
    PRESENT_CODES,
    AttendanceCode,
    AttendanceMark,
)
from placements.registers.services import (
    HALVES,
    attendance_record,
    expected_on,
    marks_summary,
    register_day,
    register_gaps,
    return_submit,
    week_start,
)
from providers.models import ProviderSite

CODES = {value.upper(): value for value in AttendanceCode.values}


def read_code(typed: str) -> str | None:
    """A typed code, in any case and with spaces, as the register stores it (None: not a code)."""
    typed = typed.strip().upper()
    if typed in ("", "-"):
        return ""
    return CODES.get(typed)


def read_register(rows, errors: list) -> list:
    """(row, cell, code) for each open session with a code typed; a cell whose text is not a code
    gets its error (kept as typed), and so does a register with nothing in it."""
    found = []
    for row in rows:
        for cell in row["cells"]:
            if not cell["open"]:
                continue
            code = read_code(cell["value"])
            if code is None:
                cell["error"] = f"Enter a DfE attendance code for {cell['label']}, like / or I"
                errors.append({"id": f"id_{cell['name']}", "text": cell["error"]})
            elif code:
                found.append((row, cell, code))
    if not errors and not found:
        errors.append({"id": "register", "text": "Enter a code for at least one session"})
    return found


def last_weekday(day: date) -> date:
    """The day itself, or the Friday before a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


class ReturnView(PlacementFormView):
    permission_required = "placements.add_providerreturn"
    form_class = ReturnForm
    heading = "Send a return"
    success_message = "Return sent"

    def check(self, user):
        provider_only(user, self.placement)

    def get_initial(self):
        try:
            day = date.fromisoformat(self.request.GET.get("week", ""))
        except ValueError:
            day = timezone.localdate()
        return {"period": "week", "period_start": week_start(min(day, timezone.localdate()))}

    def get_context_data(self, **kwargs):
        """What the register says for the last few weeks: the return counts from it."""
        placement, weeks = self.placement, []
        sent = {r.period_start for r in placement.returns.all()}
        monday = week_start(timezone.localdate())
        while len(weeks) < 4 and monday + timedelta(days=4) >= placement.start_date:
            possible, attended = marks_summary(placement, monday, monday + timedelta(days=4))
            weeks.append(
                {
                    "monday": monday,
                    "possible": possible,
                    "attended": attended,
                    "percent": round(100 * attended / possible) if possible else None,
                    "gaps": len(register_gaps(placement, monday, monday + timedelta(days=4))),
                    "sent": monday in sent,
                }
            )
            monday -= timedelta(days=7)
        return {
            **super().get_context_data(**kwargs),
            "register_weeks": weeks,
            "above_form": "placements/_register_weeks.html",
        }

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
        for offset in range(5):
            day = monday + timedelta(days=offset)
            cells = []
            for half, half_words in HALVES:
                name = f"{day.isoformat()}_{half}"
                open_ = day <= today and expected_on(placement, day, half)
                if day < placement.start_date:
                    why = "Before the placement"
                elif last is not None and day > last:
                    why = "After the placement"
                elif not expected_on(placement, day, half):
                    why = "Not in the timetable"
                else:
                    why = "Not yet"
                value = posted.get(name, "") if posted is not None else existing.get((day, half))
                cells.append(
                    {
                        "name": name,
                        "open": open_,
                        "value": value or "",
                        "half": half,
                        "why": why,
                        "label": f"{day:%A} {day.day} {day:%B}, {half_words}",
                    }
                )
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
        rows = self.rows(monday, posted=request.POST)
        marks, errors = {}, []
        for row, cell, code in read_register(rows, errors):
            marks[(row["day"], cell["half"])] = code
        if not errors:
            try:
                saved = attendance_record(placement=self.placement, by=request.user, marks=marks)
            except Refused as error:
                errors.append({"id": "register", "text": str(error)})
            else:
                messages.success(
                    request,
                    f"Attendance saved for {saved} session{'s' if saved != 1 else ''} "
                    f"in the week beginning {long_date(monday)}",
                )
                return redirect(f"{request.path}?week={monday.isoformat()}")
        context = self.get_context_data(monday=monday, rows=rows, **kwargs)
        context["errors"] = errors
        return self.render_to_response(context, status=400)


class DayRegisterView(PermissionRequiredMixin, TemplateView):
    """A class's register for one day in one form: every pupil the provider expects that day,
    present ("/") unless another code is typed, each typed code checked before anything is saved."""

    permission_required = "placements.add_attendancemark"
    template_name = "placements/register_day.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            membership = request.user.membership_or_none()
            if membership is None or membership.provider_id is None:
                raise PermissionDenied
            self.sites = ProviderSite.objects.visible_to(request.user).filter(
                closed_on__isnull=True
            )
        return super().dispatch(request, *args, **kwargs)

    def choose(self, query):
        today = last_weekday(timezone.localdate())
        form = RegisterFilterForm(
            query if "day_0" in query else None,
            sites=self.sites,
            initial={"day": self.day_from_link(query) or today},
        )
        if form.is_bound and form.is_valid():
            day, site, year = (form.cleaned_data[k] for k in ("day", "site", "year"))
            if day > timezone.localdate():
                form.add_error("day", "The register can only be taken for today or a day past")
                day = today
        else:
            day, site, year = form.initial["day"], None, None
            if query.get("site"):
                site = (
                    self.sites.filter(pk=query["site"]).first() if query["site"].isdigit() else None
                )
            if query.get("year", "").isdigit():
                year = int(query["year"])
        return form, day, site, year

    @staticmethod
    def day_from_link(query) -> date | None:
        try:
            day = date.fromisoformat(query.get("day", ""))
        except ValueError:
            return None
        return min(day, timezone.localdate())

    def placements(self, day, site, year):
        found = (
            Placement.objects.visible_to(self.request.user)
            .filter(state__in=(Placement.State.ACTIVE, Placement.State.ENDED))
            .covering(day)
            .select_related("pupil")
            .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
        )
        if site is not None:
            found = found.filter(sites=site)
        return [
            p
            for p in found
            if any(expected_on(p, day, half) for half, _ in HALVES)
            and (year is None or p.pupil.year_group(day) == year)
        ]

    def rows(self, day, placements, posted=None):
        marks = {
            (placement_id, session): code
            for placement_id, session, code in AttendanceMark.objects.filter(
                placement__in=placements, day=day
            ).values_list("placement_id", "session", "code")
        }
        rows = []
        for placement in placements:
            cells = []
            for half, half_words in HALVES:
                name = f"p{placement.pk}_{half}"
                recorded = marks.get((placement.pk, half))
                open_ = expected_on(placement, day, half)
                if posted is not None:
                    value = posted.get(name, "")
                else:
                    value = recorded or ("/" if open_ else "")
                cells.append(
                    {
                        "name": name,
                        "half": half,
                        "open": open_,
                        "value": value,
                        "label": f"{placement.pupil.name}, {half_words}",
                    }
                )
            unsaved = not any(marks.get((placement.pk, h)) for h, _ in HALVES)
            rows.append({"placement": placement, "cells": cells, "unsaved": unsaved})
        return rows

    def get_context_data(self, **kwargs):
        form, day, site, year = kwargs.pop("chosen")
        placements = kwargs.pop("placements", None)
        if placements is None:
            placements = self.placements(day, site, year)
        rows = kwargs.pop("rows", None) or self.rows(day, placements)
        previous = day - timedelta(days=3 if day.weekday() == 0 else 1)
        following = day + timedelta(days=3 if day.weekday() == 4 else 1)
        keep = {"site": site.pk if site else "", "year": year or ""}
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "day": day,
            "keep": keep,
            "previous": previous,
            "following": following if following <= timezone.localdate() else None,
            "rows": rows,
            "codes": AttendanceCode.choices,
            "monday": week_start(day),
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(chosen=self.choose(request.GET)))

    def post(self, request, *args, **kwargs):
        _form, day, site, year = chosen = self.choose(request.GET)
        placements = self.placements(day, site, year)
        rows = self.rows(day, placements, posted=request.POST)
        marks, errors = {}, []
        for row, cell, code in read_register(rows, errors):
            marks.setdefault(row["placement"], {})[cell["half"]] = code
        if not errors:
            try:
                saved = register_day(by=request.user, day=day, marks=marks)
            except Refused as error:
                errors.append({"id": "register", "text": str(error)})
            else:
                absent = sum(
                    code not in PRESENT_CODES | NOT_POSSIBLE_CODES
                    for halves in marks.values()
                    for code in halves.values()
                )
                messages.success(
                    request,
                    f"Register saved for {day:%A} {long_date(day)}: {saved} "
                    f"session{'s' if saved != 1 else ''} for {len(marks)} "
                    f"pupil{'s' if len(marks) != 1 else ''}, {absent} not present",
                )
                return redirect(request.get_full_path())
        context = self.get_context_data(chosen=chosen, placements=placements, rows=rows)
        context["errors"] = errors
        return self.render_to_response(context, status=400)
