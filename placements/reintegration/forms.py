from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from organisations.models import School
from placements.fields import YES_NO, text_field, version_field
from placements.reintegration.models import ReintegrationPlan


class PlanForm(forms.Form):
    school = ModelChoiceField(
        label="School the pupil returns to",
        queryset=School.objects.none(),
        empty_label="Select a school",
        error_messages={"required": "Select the school the pupil returns to"},
    )
    target_date = date_field("Target date for the return")

    STEPS = 3

    def __init__(self, *args, la_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(la_id__in=la_ids).order_by("name")
        fieldsets = []
        for n in range(1, self.STEPS + 1):
            self.fields[f"step_{n}_description"] = forms.CharField(
                label="What happens", max_length=300, required=False
            )
            self.fields[f"step_{n}_owner"] = forms.CharField(
                label="Who does it", max_length=150, required=False
            )
            self.fields[f"step_{n}_due_on"] = date_field("Date it is due", required=False)
            fieldsets.append(
                Fieldset(
                    Field.text(f"step_{n}_description", field_width=Fluid.FULL),
                    Field.text(f"step_{n}_owner", field_width=Fluid.TWO_THIRDS),
                    Field(f"step_{n}_due_on"),
                    legend=f"Step {n}" + (" (optional)" if n > 1 else ""),
                    legend_size=Size.SMALL,
                )
            )
        self.helper = gds_helper(
            Field.select("school"),
            Field("target_date"),
            *fieldsets,
            Submit("save", "Record the plan"),
        )

    def clean(self):
        data = super().clean()
        steps = []
        for n in range(1, self.STEPS + 1):
            parts = [data.get(f"step_{n}_{part}") for part in ("description", "owner", "due_on")]
            if not any(parts):
                continue
            for part, value in zip(("description", "owner", "due_on"), parts, strict=True):
                if not value and f"step_{n}_{part}" not in self.errors:
                    words = {"description": "what happens", "owner": "who does it"}
                    self.add_error(
                        f"step_{n}_{part}",
                        f"Enter {words.get(part, 'the date it is due')} for step {n}",
                    )
            steps.append(dict(zip(("description", "owner", "due_on"), parts, strict=True)))
        data["steps"] = steps
        return data


class PlanUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Where the plan stands",
        choices=ReintegrationPlan.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the plan stands"},
    )
    returned_on = date_field("Date the pupil returned (if they have)", required=False)
    outcome = text_field("Outcome (optional)", required=False, rows=2)
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status"),
            Field("returned_on"),
            Field.textarea("outcome"),
            Field("version"),
            Submit("save", "Update the plan"),
        )


class FollowUpForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label="Which follow-up?",
        choices=[(6, "6 weeks after the return"), (12, "12 weeks after the return")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which follow-up"},
    )
    held = forms.ChoiceField(
        label="Has the return held?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the return has held"},
    )
    notes = text_field("Notes (optional)", required=False, rows=2)
    early_reason = text_field(
        "If it is recorded before it is due, why? (for example, the school reported early)",
        required=False,
        rows=2,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("weeks"),
            Field.radios("held", inline=True),
            Field.textarea("notes"),
            Field.textarea("early_reason"),
            Submit("save", "Record the follow-up"),
        )
