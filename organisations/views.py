import base64
import sys
import time
from datetime import date
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvision.records import Refused
from organisations.calendar import school_year_of
from organisations.calendar_import import calendar_import_apply, calendar_import_check
from organisations.forms import (
    INVALID_CREDENTIALS,
    CalendarImportForm,
    CodeForm,
    LocalAuthoritySettingsForm,
    NonSchoolDayForm,
    PasswordChangeForm,
    SearchForm,
    SignInForm,
    TermForm,
    UserAddForm,
)
from organisations.import_views import CsvImportView
from organisations.models import (
    LocalAuthority,
    NonSchoolDay,
    School,
    Term,
    User,
)
from organisations.school_import import school_import_apply, school_import_check
from organisations.services import (
    api_token_revoke,
    non_school_day_add,
    non_school_day_remove,
    term_dates_set,
    totp_device_for_setup,
    totp_verify,
    user_add,
    user_change_password,
    user_reset_password,
    user_reset_second_factor,
    user_set_active,
)

PENDING_USER = "sign_in_pending_user"
PENDING_SINCE = "sign_in_pending_since"
PENDING_NEXT = "sign_in_next"
# Between password and code a person has this long before starting again.
PENDING_SECONDS = 5 * 60

ENDED_MESSAGES = {
    "idle": "You were signed out because you had not done anything for 30 minutes.",
    "limit": "You were signed out because you had been signed in for 12 hours.",
}


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@method_decorator(login_not_required, name="dispatch")
class SignInView(FormView):
    """Step 1 of 2: username and password. Nobody is signed in until step 2 checks a code."""

    template_name = "organisations/sign_in.html"
    form_class = SignInForm

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ended_message"] = ENDED_MESSAGES.get(self.request.GET.get("ended", ""))
        return context

    def form_valid(self, form):
        user = authenticate(
            self.request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            # The same words whether the username exists or not (security bar G9).
            form.add_error(None, INVALID_CREDENTIALS)
            return self.form_invalid(form)
        session = self.request.session
        session.cycle_key()
        session[PENDING_USER] = user.pk
        session[PENDING_SINCE] = int(time.time())
        session[PENDING_NEXT] = _safe_next(self.request, self.request.GET.get("next"))
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("organisations:sign_in_code")
        return redirect("organisations:sign_in_setup")


class _PendingSignInMixin:
    """Steps that need a password already checked in this session, in the last 5 minutes."""

    pending_user: User

    def dispatch(self, request, *args, **kwargs):
        session = request.session
        user_id = session.get(PENDING_USER)
        since = session.get(PENDING_SINCE, 0)
        if user_id is None or time.time() - since > PENDING_SECONDS:
            return redirect("organisations:sign_in")
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return redirect("organisations:sign_in")
        self.pending_user = user
        return super().dispatch(request, *args, **kwargs)

    def _check_code(self, form):
        credentials = {"username": self.pending_user.username}
        if AxesProxyHandler.is_locked(self.request, credentials):
            self.request.axes_locked_out = True
            return self.form_invalid(form)
        device = totp_verify(
            user=self.pending_user,
            code=form.cleaned_data["code"],
            request=self.request,
            confirm=self.confirm,
        )
        if device is None:
            form.add_error(
                "code", "The code is not right. Check your app and enter the latest code"
            )
            return self.form_invalid(form)
        return self._complete(device)

    def _complete(self, device):
        request = self.request
        next_url = request.session.get(PENDING_NEXT) or reverse(settings.LOGIN_REDIRECT_URL)
        for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
            request.session.pop(key, None)
        # login() gives the session a new key (ASVS 7.2.4).
        login(request, self.pending_user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, device)
        request.session["session_started"] = int(time.time())
        return redirect(next_url)


@method_decorator(login_not_required, name="dispatch")
class SignInCodeView(_PendingSignInMixin, FormView):
    """Step 2 of 2: the code from the user's authenticator app."""

    template_name = "organisations/sign_in_code.html"
    form_class = CodeForm
    confirm = False

    def form_valid(self, form):
        return self._check_code(form)


@method_decorator(login_not_required, name="dispatch")
class SignInSetupView(_PendingSignInMixin, FormView):
    """First sign-in: set up an authenticator app from a QR code, then prove it with a code."""

    template_name = "organisations/sign_in_setup.html"
    form_class = CodeForm
    confirm = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Set up and sign in"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = totp_device_for_setup(user=self.pending_user)
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(
            buffer.getvalue()
        ).decode("ascii")
        secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        return context

    def form_valid(self, form):
        return self._check_code(form)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: the same for every username, known or not (security bar G9)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/v1/"):
        return JsonResponse(
            {"detail": f"Too many failed attempts. Try again in {minutes} minutes."},
            status=settings.AXES_HTTP_RESPONSE_CODE,
            headers={"Retry-After": str(minutes * 60)},
        )
    return render(
        request,
        "organisations/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class SearchMixin:
    """A list's search box: `?q=` narrows the list through the view's `filter_by(queryset, q)`."""

    def searched(self, queryset):
        self.search = SearchForm(self.request.GET)
        if self.search.is_valid() and (q := self.search.cleaned_data["q"].strip()):
            return self.filter_by(queryset, q)
        return queryset

    def filter_by(self, queryset, q):
        return queryset

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "search": self.search}


class SchoolListView(PermissionRequiredMixin, SearchMixin, ListView):
    permission_required = "organisations.view_school"
    paginate_by = 25

    def get_queryset(self):
        queryset = self.searched(School.objects.visible_to(self.request.user).for_list())
        return queryset.order_by("name", "pk")

    def filter_by(self, queryset, q):
        return queryset.filter(
            Q(name__icontains=q) | Q(urn=q) | Q(laestab=q) | Q(postcode__istartswith=q)
        )


class SchoolDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "organisations.view_school"
    slug_field = "urn"
    slug_url_kwarg = "urn"

    def get_queryset(self):
        return School.objects.visible_to(self.request.user).for_list()


class UserListView(PermissionRequiredMixin, SearchMixin, ListView):
    permission_required = "organisations.view_user"
    paginate_by = 25
    template_name = "organisations/user_list.html"

    def get_queryset(self):
        queryset = self.searched(User.objects.visible_to(self.request.user).for_list())
        return queryset.order_by("last_name", "first_name", "pk")

    def filter_by(self, queryset, q):
        return queryset.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )


class AccountView(TemplateView):
    template_name = "organisations/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["devices"] = TOTPDevice.objects.filter(user=self.request.user, confirmed=True)
        context["tokens"] = self.request.user.api_tokens.all()[:50]
        context["token_days"] = settings.APPROVISION_API_TOKEN_DAYS
        context["now"] = timezone.now()
        return context


class TokenRevokeView(View):
    """Revoke one of your own API tokens (another's is not found)."""

    def post(self, request, pk):
        token = get_object_or_404(request.user.api_tokens.all(), pk=pk)
        api_token_revoke(token=token, by=request.user)
        messages.success(request, f"Token {token.prefix}… revoked: it no longer works")
        return redirect(f"{reverse('organisations:account')}#api-tokens")


@method_decorator(login_not_required, name="dispatch")
class AccessibilityView(TemplateView):
    template_name = "organisations/accessibility.html"


API_ERRORS = {
    403: "You may not do this",
    404: "Not found",
    500: "Something went wrong on our side",
    503: "The service is unavailable. Try again shortly.",
}


def _error(request, template: str, status: int) -> HttpResponse:
    # The API answers in JSON, even for a URL no route matches.
    if request.path.startswith("/api/v1/") and not request.path.startswith("/api/v1/docs/"):
        return JsonResponse({"detail": API_ERRORS[status]}, status=status)
    # Rendered without the request or context processors: an error page must not need the database.
    body = loader.get_template(template).render({"service_name": settings.SERVICE_NAME})
    return HttpResponse(body, status=status)


def error_403(request, exception=None):
    return _error(request, "403.html", 403)


def error_404(request, exception=None):
    return _error(request, "404.html", 404)


def error_500(request):
    # A database that cannot be reached is an outage, not a bug: say so, with a 503.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return _error(request, "503.html", 503)
    return _error(request, "500.html", 500)


SHOWN_PASSWORD = "administrator_one_time_password"


class UserAddView(PermissionRequiredMixin, FormView):
    permission_required = "organisations.add_user"
    template_name = "organisations/user_add.html"
    form_class = UserAddForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "by": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user, password = user_add(
                by=self.request.user,
                username=data["username"],
                role=data["role"],
                organisation=data["organisation"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                job_title=data["job_title"],
            )
        except Refused as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        # Shown once on the next page, then gone: it is never stored anywhere else in clear.
        self.request.session[SHOWN_PASSWORD] = {"user": user.pk, "password": password}
        return redirect("organisations:user_password_shown", pk=user.pk)


class _AdministeredUserMixin(PermissionRequiredMixin):
    permission_required = "organisations.change_user"

    def get_user(self) -> User:
        queryset = User.objects.visible_to(self.request.user).for_list()
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class UserDetailView(_AdministeredUserMixin, TemplateView):
    template_name = "organisations/user_detail.html"

    def get_context_data(self, **kwargs):
        person = self.get_user()
        return {
            **super().get_context_data(**kwargs),
            "person": person,
            "has_device": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
            "is_self": person.pk == self.request.user.pk,
        }


class UserPasswordShownView(_AdministeredUserMixin, TemplateView):
    template_name = "organisations/user_password_shown.html"

    def get(self, request, *args, **kwargs):
        person = self.get_user()
        shown = request.session.pop(SHOWN_PASSWORD, None)
        if not shown or shown["user"] != person.pk:
            return redirect("organisations:user_detail", pk=person.pk)
        return self.render_to_response({"person": person, "password": shown["password"]})


# What each user action says and does. Each asks "are you sure" on GET and acts on POST.
USER_ACTIONS = {
    "disable": (
        "Disable this account",
        "They will be signed out at once and cannot sign in until the account is enabled again.",
        lambda by, person: user_set_active(by=by, user=person, active=False),
        "Account disabled",
    ),
    "enable": (
        "Enable this account",
        "They will be able to sign in again with their password and authenticator app.",
        lambda by, person: user_set_active(by=by, user=person, active=True),
        "Account enabled",
    ),
    "reset-second-factor": (
        "Reset their authenticator app",
        "Use this when they have lost their phone. They will be signed out, and the next time they "
        "sign in they will set up an authenticator app again.",
        lambda by, person: user_reset_second_factor(by=by, user=person),
        "Authenticator app reset",
    ),
    "reset-password": (
        "Give them a new password",
        "They will be signed out, and must choose their own password when they next sign in.",
        lambda by, person: user_reset_password(by=by, user=person),
        None,
    ),
}


class UserActionView(_AdministeredUserMixin, TemplateView):
    template_name = "organisations/user_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in USER_ACTIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        title, explanation, _, _ = USER_ACTIONS[self.kwargs["action"]]
        return {
            **super().get_context_data(**kwargs),
            "person": self.get_user(),
            "title": title,
            "explanation": explanation,
        }

    def post(self, request, *args, **kwargs):
        person = self.get_user()
        _, _, act, done = USER_ACTIONS[kwargs["action"]]
        try:
            result = act(request.user, person)
        except Refused as error:
            messages.error(request, str(error))
            return redirect("organisations:user_detail", pk=person.pk)
        if kwargs["action"] == "reset-password":
            request.session[SHOWN_PASSWORD] = {"user": person.pk, "password": result}
            return redirect("organisations:user_password_shown", pk=person.pk)
        messages.success(request, f"{done} for {person.display_name}")
        return redirect("organisations:user_detail", pk=person.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "organisations/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("organisations:account")

    def form_valid(self, form):
        user_change_password(user=self.request.user, password=form.cleaned_data["new_password1"])
        # Keep this session signed in (Django ends the others when the password changes).
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "Your password has been changed")
        return redirect(self.success_url)


class _CalendarMixin(PermissionRequiredMixin):
    """Term dates belong to the administrator's LA; its schools' own dates too."""

    @property
    def la(self) -> LocalAuthority:
        return self.request.user.membership.la


class CalendarView(_CalendarMixin, TemplateView):
    permission_required = "organisations.view_term"
    template_name = "organisations/calendar.html"

    def get_context_data(self, **kwargs):
        la = self.la
        years = sorted(
            set(Term.objects.filter(la=la).values_list("school_year", flat=True)), reverse=True
        )
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = school_year_of(today)
        if years and year not in years:
            year = years[0] if school_year_of(today) not in years else school_year_of(today)
        return {
            **super().get_context_data(**kwargs),
            "la": la,
            "years": years,
            "year": year,
            "year_label": f"{year}/{(year + 1) % 100:02d}",
            "terms": Term.objects.filter(la=la, school__isnull=True, school_year=year),
            "days": NonSchoolDay.objects.filter(
                la=la,
                date__gte=date(year, 8, 1),
                date__lte=date(year + 1, 8, 31),
            ).select_related("school"),
            "school_terms": Term.objects.filter(la=la, school__isnull=False, school_year=year)
            .select_related("school")
            .order_by("school__name", "start"),
            "can_edit": self.request.user.has_perm("organisations.change_term"),
        }


class TermEditView(_CalendarMixin, FormView):
    permission_required = "organisations.change_term"
    template_name = "organisations/term_form.html"
    form_class = TermForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.term = get_object_or_404(Term.objects.filter(la=self.la), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"start": self.term.start, "end": self.term.end}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "term": self.term}

    def form_valid(self, form):
        term_dates_set(
            term=self.term, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
        messages.success(self.request, f"{self.term} saved. Deadlines will be recounted.")
        return redirect(f"{reverse('organisations:calendar')}?year={self.term.school_year}")


class NonSchoolDayAddView(_CalendarMixin, FormView):
    permission_required = "organisations.add_nonschoolday"
    template_name = "organisations/non_school_day_form.html"
    form_class = NonSchoolDayForm

    def get_form_kwargs(self):
        schools = School.objects.filter(la=self.la).order_by("name")
        return {**super().get_form_kwargs(), "schools": schools}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            day = non_school_day_add(
                la=self.la,
                school=data["school"],
                day=data["date"],
                kind=data["kind"],
                description=data["description"],
            )
        except Refused as error:
            form.add_error("date", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{day} added. Deadlines will be recounted.")
        return redirect(f"{reverse('organisations:calendar')}?year={school_year_of(day.date)}")


class NonSchoolDayDeleteView(_CalendarMixin, View):
    permission_required = "organisations.delete_nonschoolday"

    def post(self, request, pk):
        day = get_object_or_404(NonSchoolDay.objects.filter(la=self.la), pk=pk)
        year = school_year_of(day.date)
        non_school_day_remove(day=day)
        messages.success(request, f"{day} removed. Deadlines will be recounted.")
        return redirect(f"{reverse('organisations:calendar')}?year={year}")


class CalendarImportView(_CalendarMixin, FormView):
    permission_required = "organisations.add_term"
    template_name = "organisations/calendar_import.html"
    form_class = CalendarImportForm

    def form_valid(self, form):
        checked = calendar_import_check(la=self.la, content=form.cleaned_data["file"].read())
        if not checked.ok:
            form.add_error(
                "file", "The file has problems: nothing was imported. See the list below."
            )
            return self.render_to_response(
                self.get_context_data(form=form, problems=checked.errors)
            )
        calendar_import_apply(la=self.la, checked=checked)
        messages.success(
            self.request,
            f"Imported {len(checked.terms)} term{'s' if len(checked.terms) != 1 else ''} and "
            f"{len(checked.days)} non-school day{'s' if len(checked.days) != 1 else ''}",
        )
        return redirect("organisations:calendar")


class LocalAuthoritySettingsView(PermissionRequiredMixin, FormView):
    """An LA administrator sets the LA's own rules: full time, review interval, thresholds."""

    permission_required = "organisations.change_localauthority"
    form_class = LocalAuthoritySettingsForm
    template_name = "organisations/la_settings.html"

    def get_form_kwargs(self):
        la = get_object_or_404(
            LocalAuthority.objects.visible_to(self.request.user),
            pk=self.request.user.membership.la_id,
        )
        return {**super().get_form_kwargs(), "instance": la}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Settings saved")
        return redirect("organisations:la_settings")


class SchoolImportView(PermissionRequiredMixin, CsvImportView):
    """An LA administrator loads or refreshes the LA's schools from the DfE register."""

    permission_required = "organisations.add_school"
    template_name = "organisations/school_import.html"
    kind = "schools"

    def la(self) -> LocalAuthority:
        return LocalAuthority.objects.get(pk=self.request.user.membership.la_id)

    def check(self, content):
        return school_import_check(la=self.la(), content=content)

    def apply(self, content):
        checked = school_import_check(la=self.la(), content=content)
        if checked.ok:
            school_import_apply(la=self.la(), checked=checked)
        return checked

    def done_url(self):
        return reverse("organisations:school_list")
