"""Form fields the placement rooms' forms share: text, hours a week, sessions, the version."""

from django import forms

from placements.commissioning.models import SESSIONS

YES_NO = [("yes", "Yes"), ("no", "No")]


def text_field(label, *, required=True, rows=3, hint="", max_length=5000):
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )
    field.error_messages["required"] = f"Enter {label[0].lower()}{label[1:]}"
    return field


def hours_field(label="Hours a week"):
    return forms.DecimalField(
        label=label,
        min_value=0.5,
        max_value=40,
        decimal_places=1,
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "Enter the hours as a number, like 15",
            "min_value": "Hours a week must be more than 0",
            "max_value": "Hours a week must be 40 or fewer",
        },
    )


def sessions_field():
    return forms.MultipleChoiceField(
        label="Sessions the pupil attends",
        choices=SESSIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def version_field():
    return forms.IntegerField(widget=forms.HiddenInput)
