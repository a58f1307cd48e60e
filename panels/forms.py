from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Size, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from organisations.models import ProviderOrganisation, User
from panels.models import Decision, PanelMember


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="The panel's decision",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's decision"},
    )
    reason = forms.CharField(
        label="Reasons",
        help_text="Recorded in the minutes and sent to the school",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    provider = ModelChoiceField(
        queryset=ProviderOrganisation.objects.none(),
        required=False,
        empty_label="Select a provider",
        label="Provider",
    )
    tier = forms.ChoiceField(
        choices=[("", "Select a tier"), *Decision.Tier.choices], required=False, label="Tier"
    )
    start_date = date_field("Start date", required=False)
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        min_value=0.5,
        max_value=40,
        decimal_places=1,
        required=False,
        error_messages={"invalid": "Enter the hours as a number, like 15"},
    )
    outcomes_sought = forms.CharField(
        label="Outcomes sought (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    planned_end = date_field("Planned end (needed for a part-time timetable)", required=False)
    first_review_date = date_field("First review date", required=False)
    capacity_override_reason = forms.CharField(
        label="Reason to place over capacity (only if the provider is full)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, la, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = ProviderOrganisation.objects.filter(la=la).order_by(
            "name"
        )
        self.helper = gds_helper(
            Field.radios("outcome"),
            Field.textarea("reason"),
            Fieldset(
                Field.select("provider"),
                Field.select("tier"),
                Field("start_date"),
                Field.text("hours_per_week", field_width=Fixed.FIVE),
                Field.textarea("outcomes_sought"),
                Field("planned_end"),
                Field("first_review_date"),
                Field.textarea("capacity_override_reason"),
                legend="For an approved placement",
                legend_size=Size.SMALL,
            ),
            Field("version"),
            Submit("decide", "Record the decision"),
        )


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=500, required=False)
    owner = forms.ChoiceField(label="Who will do it")
    due_on = date_field("Due by")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {key: owner for key, _, owner in owners}
        self.fields["owner"].choices = [
            ("", "Select who will do it"),
            *((key, words) for key, words, _ in owners),
        ]
        self.fields["owner"].error_messages["required"] = "Select who will do it"
        self.fields["owner"].error_messages["invalid_choice"] = "Select who will do it"
        self.helper = gds_helper(
            Field.text("description", field_width=Fluid.FULL),
            Field.select("owner"),
            Field("due_on"),
            Submit("add_action", "Add action", css_class="govuk-button--secondary"),
        )

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class ItemForm(forms.Form):
    title = forms.CharField(label="Add an item of other business", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Submit("add", "Add item", css_class="govuk-button--secondary"),
        )


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label="Correction to the approved minutes",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("text"), Submit("amend", "Record the correction"))


class MeetingForm(forms.Form):
    date = date_field("Date of the meeting")
    start_time = forms.TimeField(
        label="Start time",
        help_text="For example, 13:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 13:00"},
    )
    location = forms.CharField(label="Where (optional)", max_length=200, required=False)
    cutoff_date = date_field("Referrals cut-off date")
    cutoff_time = forms.TimeField(
        label="Referrals cut-off time",
        initial="12:00",
        error_messages={"required": "Enter the cut-off time", "invalid": "Enter a time like 12:00"},
    )
    quorum = forms.IntegerField(
        label="Quorum",
        min_value=1,
        max_value=20,
        initial=3,
        help_text="How many members must be present, with the chair",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("date"),
            Field.text("start_time", field_width=Fixed.FIVE),
            Field.text("location", field_width=Fluid.TWO_THIRDS),
            Field("cutoff_date"),
            Field.text("cutoff_time", field_width=Fixed.FIVE),
            Field.text("quorum", field_width=Fixed.TWO),
            Submit("create", "Add the meeting"),
        )


class MemberForm(forms.Form):
    user = ModelChoiceField(
        queryset=User.objects.none(), label="Person", empty_label="Select a person"
    )
    role = forms.ChoiceField(
        label="Their part",
        choices=PanelMember.Role.choices,
        widget=forms.RadioSelect,
        initial=PanelMember.Role.MEMBER,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.display_name} ({user.membership.get_role_display()}, "
            f"{user.membership.organisation})"
        )
        self.fields["user"].error_messages["required"] = "Select a person"
        self.helper = gds_helper(
            Field.select("user"),
            Field.radios("role", inline=True),
            Submit("add_member", "Add to the panel", css_class="govuk-button--secondary"),
        )


class EarlyForm(forms.Form):
    """The reason to start a meeting, or approve its minutes, before the meeting's date; the
    submit button is the step itself."""

    early_reason = forms.CharField(
        label="Reason to do this before the meeting's date",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, early: bool, button: str, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.textarea("early_reason")] if early else []
        self.helper = gds_helper(*layout, Submit(name, button))
