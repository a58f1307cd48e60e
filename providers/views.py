from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView

from approvision.forms import show_refusal
from approvision.records import Refused
from organisations.models import ProviderOrganisation
from providers.forms import DueDiligenceForm, SiteForm
from providers.models import DueDiligence
from providers.services import (
    due_diligence_current,
    due_diligence_record,
    placement_blockers,
    provider_profile,
    provider_site_add,
    registration_warning,
)


def _provider(user, pk) -> ProviderOrganisation:
    return get_object_or_404(ProviderOrganisation.objects.visible_to(user), pk=pk)


class ProviderListView(PermissionRequiredMixin, ListView):
    permission_required = "providers.view_providerprofile"
    paginate_by = 25
    template_name = "providers/provider_list.html"

    def get_queryset(self):
        return (
            ProviderOrganisation.objects.visible_to(self.request.user)
            .select_related("profile")
            .prefetch_related("profile__due_diligence")
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "provider": provider,
                "profile": getattr(provider, "profile", None),
                "blockers": placement_blockers(getattr(provider, "profile", None)),
            }
            for provider in context["object_list"]
        ]
        return context


class ProviderDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "providers.view_providerprofile"
    template_name = "providers/provider_detail.html"

    def get_context_data(self, **kwargs):
        provider = _provider(self.request.user, kwargs["pk"])
        profile = provider_profile(provider)
        today = timezone.localdate()
        current = due_diligence_current(profile)
        return {
            **super().get_context_data(**kwargs),
            "profile": profile,
            "provider": provider,
            "checks": [
                {
                    "label": DueDiligence.Kind(kind).label,
                    "item": item,
                    "status": item.status(today) if item else "missing",
                }
                for kind, item in current.items()
            ],
            "blockers": placement_blockers(profile, today),
            "history": profile.due_diligence.select_related("recorded_by") if profile else [],
            "can_record": self.request.user.has_perm("providers.add_duediligence"),
            "sites": provider.sites.all(),
            "can_add_site": self.request.user.has_perm("providers.add_providersite"),
            "registration_warning": registration_warning(provider, today),
        }


class DueDiligenceAddView(PermissionRequiredMixin, FormView):
    permission_required = "providers.add_duediligence"
    form_class = DueDiligenceForm
    template_name = "providers/due_diligence_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.provider = _provider(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "provider": self.provider}

    def form_valid(self, form):
        try:
            item = due_diligence_record(
                provider=self.provider, by=self.request.user, **form.cleaned_data
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Recorded: {item}")
        return redirect("providers:detail", pk=self.provider.pk)


class SiteAddView(PermissionRequiredMixin, FormView):
    permission_required = "providers.add_providersite"
    form_class = SiteForm
    template_name = "providers/site_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            self.provider = _provider(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "provider": self.provider}

    def form_valid(self, form):
        try:
            site = provider_site_add(
                provider=self.provider, by=self.request.user, **form.cleaned_data
            )
        except Refused as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Site added: {site.name}")
        return redirect("providers:detail", pk=self.provider.pk)
