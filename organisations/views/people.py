from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvision.forms import show_refusal
from approvision.records import Refused
from organisations.forms import PasswordChangeForm, UserAddForm
from organisations.models import (
    User,
)
from organisations.passkeys import passkeys_allowed, passkeys_of
from organisations.services import (
    api_token_revoke,
    user_add,
    user_change_password,
    user_reset_password,
    user_reset_second_factor,
    user_set_active,
)
from organisations.views.pages import SearchMixin


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
        user = self.request.user
        passkeys = list(passkeys_of(user=user))
        context["devices"] = [*TOTPDevice.objects.filter(user=user, confirmed=True), *passkeys]
        context["passkeys_allowed"] = passkeys_allowed(user=user)
        context["passkeys"] = passkeys
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
            show_refusal(form, error)
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
        "Reset their authenticator app and passkeys",
        "Use this when they have lost their phone or laptop. They will be signed out, their "
        "passkeys removed, and the next time they sign in they will set up an authenticator app "
        "again.",
        lambda by, person: user_reset_second_factor(by=by, user=person),
        "Authenticator app and passkeys reset",
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
        user_change_password(
            user=self.request.user,
            password=form.cleaned_data["new_password1"],
            session_key=self.request.session.session_key,
        )
        # Keep this session signed in (Django ends the others when the password changes).
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "Your password has been changed")
        return redirect(self.success_url)
