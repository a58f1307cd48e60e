from crispy_forms_gds.layout import Field, Fixed, Submit
from django import forms

from approvision.forms import date_field, gds_helper
from placements.commissioning.models import Placement
from placements.fields import text_field, version_field
from placements.reviews.models import Review


class ReviewForm(forms.Form):
    held_on = date_field("Date of the review")
    attendance_percent = forms.DecimalField(
        label="Attendance since the last review (per cent)",
        min_value=0,
        max_value=100,
        decimal_places=1,
        error_messages={
            "required": "Enter the attendance",
            "invalid": "Enter the attendance as a number, like 85",
            "min_value": "Attendance is a percentage from 0 to 100",
            "max_value": "Attendance is a percentage from 0 to 100",
        },
    )
    progress = text_field("Progress made")
    pupil_voice = text_field("What the pupil said")
    parent_voice = text_field("What the parent or carer said")
    decision = forms.ChoiceField(
        label="Decision",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the review's decision"},
    )
    new_planned_end = date_field("New planned end (if extending)", required=False)
    end_reason = forms.ChoiceField(
        label="Why it ends (if ending)",
        choices=[("", "Select a reason"), *Placement.EndReason.choices],
        required=False,
    )
    notes = text_field("Other notes (optional)", required=False, rows=2)
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("held_on"),
            Field.text("attendance_percent", field_width=Fixed.FIVE),
            Field.textarea("progress"),
            Field.textarea("pupil_voice"),
            Field.textarea("parent_voice"),
            Field.radios("decision"),
            Field("new_planned_end"),
            Field.select("end_reason"),
            Field.textarea("notes"),
            Field("version"),
            Submit("save", "Record the review"),
        )
