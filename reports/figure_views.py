"""The figures page: a chosen period's figures for the user's scope, beside the same days a year
earlier, the local authority and England; charts drawn from the tables shown beside them."""

from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from approvision.forms import gds_helper
from reports.access import figures_scope
from reports.figures import period_for, period_options
from reports.presentation import figures_context


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label="Period", error_messages={"invalid_choice": "Select a period from the list"}
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in options]
        self.helper = gds_helper(Field.select("period"), Submit("show", "Show these figures"))
        self.helper.form_method = "get"
        self.helper.form_action = reverse("reports:figures")


def chosen_period(request):
    """The period the request asks for (`?period=`), its form, and the default when it names
    none or an unknown one (the form then says so)."""
    today = timezone.localdate()
    options = period_options(today)
    form = PeriodForm({"period": request.GET.get("period") or options[0].key}, options=options)
    period = period_for(form.cleaned_data["period"], today) if form.is_valid() else options[0]
    return period, form


class FiguresView(PermissionRequiredMixin, TemplateView):
    """Figures for a chosen period: the LA's as published, or a school's or trust's own."""

    permission_required = "reports.view_figures"

    template_name = "reports/figures.html"

    def get_context_data(self, **kwargs):
        scope = figures_scope(self.request.user)
        if scope is None:
            raise PermissionDenied
        period, form = chosen_period(self.request)
        return {
            **super().get_context_data(**kwargs),
            **figures_context(scope, period),
            "form": form,
        }
