import re

from crispy_forms_gds.layout import Field, Fixed, Fluid, Submit
from django import forms

from approvision.forms import date_field, gds_helper
from providers.models import DueDiligence

UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}")


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


class SiteForm(forms.Form):
    name = forms.CharField(
        label="Site name",
        max_length=200,
        error_messages={"required": "Enter the site's name"},
    )
    address = forms.CharField(
        label="Address",
        max_length=300,
        help_text="The building and street, and the town",
        error_messages={"required": "Enter the site's address"},
    )
    postcode = forms.CharField(
        label="Postcode", max_length=8, error_messages={"required": "Enter the postcode"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("address", field_width=Fluid.FULL),
            Field.text("postcode", field_width=Fixed.TEN),
            Submit("save", "Add the site"),
        )

    def clean_postcode(self):
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if not UK_POSTCODE.fullmatch(postcode):
            raise forms.ValidationError("Enter a real postcode, like LS1 4AP")
        return postcode
