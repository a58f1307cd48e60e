from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Size, Submit
from django import forms

from approvision.forms import gds_helper
from cases.referrals.models import Referral


class ReferralForm(forms.Form):
    """The referral in sections. A draft may be saved half-done; submitting needs every answer."""

    reason = forms.ChoiceField(
        label="Why are you referring this pupil?",
        choices=Referral.Reason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    needs = forms.CharField(
        label="The pupil's needs",
        help_text="Learning, SEN, health, social and emotional needs, and what helps",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )
    interventions = forms.CharField(
        label="Interventions tried and their impact",
        help_text=(
            "What the school has done (the graduated response), for how long, and what changed"
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )
    attendance_percent = forms.DecimalField(
        label="Attendance this school year (%) (optional)",
        min_value=0,
        max_value=100,
        decimal_places=1,
        required=False,
        error_messages={
            "invalid": "Enter attendance as a number, like 82.5",
            "min_value": "Attendance must be between 0 and 100",
            "max_value": "Attendance must be between 0 and 100",
            "max_decimal_places": "Give attendance to one decimal place at most",
        },
    )
    risk_assessment = forms.CharField(
        label="Risk assessment",
        help_text="Risks to the pupil and to others, and how they are managed",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )
    pupil_voice = forms.CharField(
        label="The pupil's views (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    parent_voice = forms.CharField(
        label="The parent or carer's views (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    provision_requested = forms.ChoiceField(
        label="What provision are you asking for?",
        choices=Referral.Provision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_given = forms.BooleanField(
        label="The parent or carer consents to this referral and to sharing this information "
        "with the panel and any provider it commissions",
        required=False,
    )
    consent_given_by = forms.CharField(
        label="Name of the person who gave consent", max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("reason", legend_size=Size.MEDIUM),
            Fieldset(
                Field.textarea("needs"),
                Field.textarea("interventions"),
                legend="Needs and what has been tried",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("attendance_percent", field_width=Fixed.FIVE),
                Field.textarea("risk_assessment"),
                legend="Attendance and risk",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("pupil_voice"),
                Field.textarea("parent_voice"),
                legend="Voices",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("provision_requested", legend_size=Size.MEDIUM),
            Fieldset(
                Field.checkbox("consent_given"),
                Field.text("consent_given_by", field_width=Fluid.TWO_THIRDS),
                legend="Consent",
                legend_size=Size.MEDIUM,
            ),
            Field("version"),
            Submit("save", "Save and check your answers"),
            Submit("draft", "Save as draft", css_class="govuk-button--secondary"),
        )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Add an evidence document",
        help_text="A PDF, Word document or image, smaller than 10 MB: reports, plans, letters",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("file"), Submit("upload", "Upload", css_class="govuk-button--secondary")
        )


class ReferralMessageForm(forms.Form):
    """What a triage step or an answer says: required where the step needs a reason."""

    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, label: str, hint: str = "", submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = label
        self.fields["message"].help_text = hint
        self.helper = gds_helper(
            Field.textarea("message"), Field("version"), Submit("submit", submit)
        )
