from crispy_forms_gds.layout import Field, Fixed, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from cases.fair_access.models import FairAccessGroup
from organisations.models import School


class FairAccessOpenForm(forms.Form):
    groups = forms.MultipleChoiceField(
        label="Which groups is the child in?",
        help_text="Select all that apply. Fair Access is only for children in these groups.",
        choices=FairAccessGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unplaced_since = date_field("Date the child became unplaced")
    applications_tried = forms.CharField(
        label="In-year applications made, and what happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say which in-year applications were made"},
    )
    home_district = forms.CharField(
        label="Home postcode district",
        help_text="The first part of the postcode, for example NM4",
        max_length=4,
        error_messages={"required": "Enter the home postcode district"},
    )
    parental_preference = forms.CharField(
        label="Parental preference (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    referred_on = date_field("Date referred to Fair Access")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.checkboxes("groups", small=True),
            Field("unplaced_since"),
            Field.textarea("applications_tried"),
            Field.text("home_district", field_width=Fixed.FIVE),
            Field.textarea("parental_preference"),
            Field("referred_on"),
            Submit("save", "Open the case"),
        )


class FairAccessAgreeForm(forms.Form):
    agreed_on = date_field("Date the panel agreed to consider it")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("agreed_on"), Field("version"), Submit("agree", "Start the 20-day clock")
        )


class FairAccessAllocateForm(forms.Form):
    school = ModelChoiceField(
        label_field="name",
        label="School asked to admit the child",
        queryset=School.objects.none(),
        empty_label="Select a school",
        error_messages={"required": "Select the school"},
    )
    reason = forms.CharField(
        label="Reason for choosing it (if it is not the first recommended)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, la, **kwargs):
        super().__init__(*args, **kwargs)
        # Every school of the LA is offered: choosing one of the wrong phase is refused, with why.
        self.fields["school"].queryset = School.objects.filter(la=la, is_open=True).order_by("name")
        self.helper = gds_helper(
            Field.select("school"),
            Field.textarea("reason"),
            Field("version"),
            Submit("allocate", "Allocate the place"),
        )


class FairAccessAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Will the school admit the child?",
        choices=[("accept", "Yes, admit the child"), ("refuse", "No, refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the school admits the child"},
    )
    start_date = date_field("Start date (if admitting)", required=False)
    refusal_reason = forms.CharField(
        label="Reason for refusing (if refusing)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("answer"),
            Field("start_date"),
            Field.textarea("refusal_reason"),
            Field("version"),
            Submit("answer_submit", "Send the answer"),
        )


class FairAccessDirectionForm(forms.Form):
    directed = forms.ChoiceField(
        label="Was the school directed to admit the child?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the school was directed"},
    )
    decided_on = date_field("Date of the decision")
    start_date = date_field("Start date (if directed)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("directed", inline=True),
            Field("decided_on"),
            Field("start_date"),
            Field("version"),
            Submit("decide", "Record the decision"),
        )


class FairAccessStartForm(forms.Form):
    started_on = date_field("Date the child started")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("started_on"), Field("version"), Submit("start", "Record the start")
        )
