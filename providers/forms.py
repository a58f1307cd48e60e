from crispy_forms_gds.layout import Field, Fluid, Submit
from django import forms

from approvision.forms import date_field, gds_helper
from providers.models import DueDiligence


class DueDiligenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which check?",
        choices=DueDiligence.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which check"},
    )
    confirmed_on = date_field("Date it was confirmed")
    expires_on = date_field("Date it expires")
    detail = forms.CharField(
        label="Details (optional)",
        max_length=300,
        required=False,
        help_text="A policy number, the safeguarding lead's name, or what the visit found",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind"),
            Field("confirmed_on"),
            Field("expires_on"),
            Field.text("detail", field_width=Fluid.FULL),
            Submit("save", "Record the check"),
        )
