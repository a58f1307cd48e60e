from crispy_forms_gds.layout import Field, Fixed, Submit
from django import forms

from approvision.forms import date_field, gds_helper
from placements.fields import text_field
from placements.registers.models import ProviderReturn


class ReturnForm(forms.Form):
    period = forms.ChoiceField(
        label="Which return?",
        choices=ProviderReturn.Period.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select weekly or half-termly"},
    )
    period_start = date_field(
        "First day of the period", hint="For a week, its Monday. For example, 2 3 2026"
    )
    period_end = date_field("Last day of the period (half-termly returns)", required=False)
    sessions_possible = forms.IntegerField(
        label="Sessions possible (only if you kept no register)",
        required=False,
        min_value=0,
        max_value=200,
        help_text="Leave both blank: the return counts the sessions from your register",
        error_messages={"invalid": "Enter a whole number", "min_value": "Enter 0 or more"},
    )
    sessions_attended = forms.IntegerField(
        label="Sessions attended (only if you kept no register)",
        required=False,
        min_value=0,
        max_value=200,
        error_messages={"invalid": "Enter a whole number", "min_value": "Enter 0 or more"},
    )
    progress = text_field("Progress against the outcomes sought")
    pupil_voice = text_field("What the pupil says (optional)", required=False, rows=2)
    below_threshold_reason = text_field(
        "Reason attendance is low (if it is below the threshold)", required=False, rows=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("period", inline=True),
            Field("period_start"),
            Field("period_end"),
            Field.text("sessions_possible", field_width=Fixed.FIVE),
            Field.text("sessions_attended", field_width=Fixed.FIVE),
            Field.textarea("progress"),
            Field.textarea("pupil_voice"),
            Field.textarea("below_threshold_reason"),
            Submit("save", "Send the return"),
        )

    def clean(self):
        data = super().clean()
        given = [data.get("sessions_possible"), data.get("sessions_attended")]
        if given.count(None) == 1:
            self.add_error(
                "sessions_attended" if given[1] is None else "sessions_possible",
                "Enter both sessions possible and attended, or neither",
            )
        return data


class RegisterFilterForm(forms.Form):
    """Which day's register, and which class: a site, a year group, or everyone."""

    day = date_field("Day", hint="For example, 11 1 2027")
    site = forms.ModelChoiceField(
        label="Site", queryset=None, required=False, empty_label="All sites"
    )
    year = forms.TypedChoiceField(
        label="Year group",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "All year groups"), *[(y, f"Year {y}") for y in range(1, 14)]],
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.helper = gds_helper(
            Field("day"),
            Field.select("site"),
            Field.select("year"),
            Submit("show", "Show the register", css_class="govuk-button--secondary"),
        )
        self.helper.form_method = "get"
