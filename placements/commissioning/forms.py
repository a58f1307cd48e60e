from crispy_forms_gds.layout import Field, Fixed, Size, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from organisations.models import ProviderOrganisation
from placements.commissioning.models import Placement, PlacementReason
from placements.fields import hours_field, sessions_field, text_field, version_field
from providers.models import ProviderSite


class PlacementForm(forms.Form):
    """An officer arranging a placement, or a school telling the LA about AP it commissioned."""

    provider = ModelChoiceField(
        queryset=ProviderOrganisation.objects.none(),
        empty_label="Select a provider",
        error_messages={"required": "Select the provider"},
    )
    tier = forms.ChoiceField(
        choices=Placement.Tier.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the tier"},
    )
    reason = forms.ChoiceField(
        label="Primary reason for the placement",
        help_text="Why it was commissioned, not what the pupil needs: a permanent exclusion "
        "comes before a health need. The DfE's census asks for it.",
        choices=PlacementReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the primary reason for the placement"},
    )
    start_date = date_field("Start date")
    planned_end = date_field(
        "Planned end",
        required=False,
        hint="Needed for a part-time timetable. For example, 1 9 2026",
    )
    hours_per_week = hours_field()
    sessions = sessions_field()
    funding = forms.ChoiceField(
        label="Who pays",
        choices=Placement.Funding.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who pays"},
    )
    weekly_cost = forms.DecimalField(
        label="Cost a week in pounds (optional)",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text="Left blank, it is worked out from the provider's price",
        error_messages={"invalid": "Enter the cost as a number, like 650"},
    )
    dual_registered = forms.BooleanField(
        label="The pupil is dual registered (also on the provider's roll)", required=False
    )
    outcomes_sought = text_field("Outcomes sought (optional)", required=False, rows=2)
    capacity_override_reason = text_field(
        "Reason to place over capacity (only if the provider is full)", required=False, rows=2
    )

    def __init__(self, *args, la_ids, school_notifying=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = ProviderOrganisation.objects.filter(
            la_id__in=la_ids
        ).order_by("name")
        layout = [
            Field.select("provider"),
            Field.radios("tier"),
            Field.radios("reason", small=True),
            Field("start_date"),
            Field("planned_end"),
            Field.text("hours_per_week", field_width=Fixed.FIVE),
            Field.checkboxes("sessions", small=True),
            Field.radios("funding"),
            Field.text("weekly_cost", field_width=Fixed.TEN),
            Field.checkbox("dual_registered"),
            Field.textarea("outcomes_sought"),
        ]
        if school_notifying:
            del self.fields["capacity_override_reason"]
            self.fields["funding"].choices = [
                (Placement.Funding.SCHOOL, Placement.Funding.SCHOOL.label),
                (Placement.Funding.DEVOLVED, Placement.Funding.DEVOLVED.label),
            ]
            submit = Submit("save", "Tell the local authority")
        else:
            layout.append(Field.textarea("capacity_override_reason"))
            submit = Submit("save", "Offer the placement")
        self.helper = gds_helper(*layout, submit)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Will you take this placement?",
        choices=[("accept", "Accept it"), ("decline", "Decline it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept the placement"},
    )
    sessions = sessions_field()
    reason = text_field("Reason for declining (if you decline)", required=False, rows=2)
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("answer", legend_size=Size.MEDIUM),
            Field.checkboxes("sessions", small=True),
            Field.textarea("reason"),
            Field("version"),
            Submit("save", "Send the answer"),
        )


class EndForm(forms.Form):
    ended_on = date_field("Last day of the placement")
    reason = forms.ChoiceField(
        label="Why it ended",
        choices=Placement.EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the placement ended"},
    )
    destination = forms.ChoiceField(
        label="Post-16 destination (Year 11 leavers)",
        choices=[("", "Select a destination"), *Placement.Destination.choices],
        required=False,
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("ended_on"),
            Field.radios("reason"),
            Field.select("destination"),
            Field("version"),
            Submit("save", "End the placement", css_class="govuk-button--warning"),
        )


class FilterForm(forms.Form):
    q = forms.CharField(label="Pupil's name or UPN", required=False, max_length=100)
    state = forms.ChoiceField(
        label="Status",
        choices=[("", "Running or offered"), *Placement.State.choices, ("all", "All")],
        required=False,
    )
    alert = forms.CharField(required=False, widget=forms.HiddenInput)


class DetailsForm(forms.Form):
    """The placement's primary reason and the provider's sites the pupil attends."""

    reason = PlacementForm.base_fields["reason"]
    sites = forms.ModelMultipleChoiceField(
        label="Sites the pupil attends",
        help_text="Every site, not only the provider's main address",
        queryset=ProviderSite.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = version_field()

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites
        layout = [Field.radios("reason", small=True)]
        if sites.exists():
            layout.append(Field.checkboxes("sites", small=True))
        else:
            del self.fields["sites"]
        self.helper = gds_helper(*layout, Field("version"), Submit("save", "Save"))
