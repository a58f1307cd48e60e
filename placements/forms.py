from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Size, Submit
from django import forms

from approvision.forms import ModelChoiceField
from organisations.forms import date_field, gds_helper
from organisations.models import ProviderOrganisation, School
from placements.models import (
    SESSIONS,
    Placement,
    ProviderReturn,
    PupilMove,
    ReintegrationPlan,
    Review,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label, *, required=True, rows=3, hint="", max_length=5000):
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )
    field.error_messages["required"] = f"Enter {label[0].lower()}{label[1:]}"
    return field


def _hours(label="Hours a week"):
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


def _sessions():
    return forms.MultipleChoiceField(
        label="Sessions the pupil attends",
        choices=SESSIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _version():
    return forms.IntegerField(widget=forms.HiddenInput)


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
    start_date = date_field("Start date")
    planned_end = date_field(
        "Planned end",
        required=False,
        hint="Needed for a part-time timetable. For example, 1 9 2026",
    )
    hours_per_week = _hours()
    sessions = _sessions()
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
    outcomes_sought = _text("Outcomes sought (optional)", required=False, rows=2)
    capacity_override_reason = _text(
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
    sessions = _sessions()
    reason = _text("Reason for declining (if you decline)", required=False, rows=2)
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("answer", legend_size=Size.MEDIUM),
            Field.checkboxes("sessions", small=True),
            Field.textarea("reason"),
            Field("version"),
            Submit("save", "Send the answer"),
        )


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
        label="Sessions possible (optional)",
        required=False,
        min_value=0,
        max_value=200,
        help_text="Leave blank to use the attendance you recorded",
        error_messages={"invalid": "Enter a whole number", "min_value": "Enter 0 or more"},
    )
    sessions_attended = forms.IntegerField(
        label="Sessions attended (optional)",
        required=False,
        min_value=0,
        max_value=200,
        error_messages={"invalid": "Enter a whole number", "min_value": "Enter 0 or more"},
    )
    progress = _text("Progress against the outcomes sought")
    pupil_voice = _text("What the pupil says (optional)", required=False, rows=2)
    below_threshold_reason = _text(
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
    progress = _text("Progress made")
    pupil_voice = _text("What the pupil said")
    parent_voice = _text("What the parent or carer said")
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
    notes = _text("Other notes (optional)", required=False, rows=2)
    version = _version()

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
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("ended_on"),
            Field.radios("reason"),
            Field.select("destination"),
            Field("version"),
            Submit("save", "End the placement", css_class="govuk-button--warning"),
        )


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
    outcome = _text("Outcome (optional)", required=False, rows=2)
    version = _version()

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
    notes = _text("Notes (optional)", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("weeks"),
            Field.radios("held", inline=True),
            Field.textarea("notes"),
            Submit("save", "Record the follow-up"),
        )


class MoveForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of move?",
        choices=PupilMove.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of move"},
    )
    start_date = date_field("Start date")
    to_school = ModelChoiceField(
        label="School (a managed move, or an off-site direction to a school)",
        queryset=School.objects.none(),
        required=False,
        empty_label="Select a school",
    )
    to_provider = ModelChoiceField(
        label="Provider (an off-site direction)",
        queryset=ProviderOrganisation.objects.none(),
        required=False,
        empty_label="Select a provider",
    )
    home_school_consent_on = date_field("Home school agreed on (managed move)", required=False)
    receiving_school_consent_on = date_field(
        "Receiving school agreed on (managed move)", required=False
    )
    parent_consent_on = date_field("Parents agreed on (managed move)", required=False)
    notice_given_on = date_field(
        "Written notice given to parents on (off-site direction)", required=False
    )

    def __init__(self, *args, la_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = School.objects.filter(la_id__in=la_ids).order_by("name")
        self.fields["to_provider"].queryset = ProviderOrganisation.objects.filter(
            la_id__in=la_ids
        ).order_by("name")
        self.helper = gds_helper(
            Field.radios("kind"),
            Field("start_date"),
            Field.select("to_school"),
            Field.select("to_provider"),
            Field("home_school_consent_on"),
            Field("receiving_school_consent_on"),
            Field("parent_consent_on"),
            Field("notice_given_on"),
            Submit("save", "Record the move"),
        )


class MoveReviewForm(forms.Form):
    held_on = date_field("Date of the review")
    notes = _text("What the review found")
    outcome = forms.ChoiceField(
        label="Outcome (only when the move ends)",
        choices=[("", "Not yet: it continues"), *PupilMove.Outcome.choices],
        required=False,
    )
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("held_on"),
            Field.textarea("notes"),
            Field.select("outcome"),
            Field("version"),
            Submit("save", "Record the review"),
        )


class FilterForm(forms.Form):
    q = forms.CharField(label="Pupil's name or UPN", required=False, max_length=100)
    state = forms.ChoiceField(
        label="Status",
        choices=[("", "Running or offered"), *Placement.State.choices, ("all", "All")],
        required=False,
    )
    alert = forms.CharField(required=False, widget=forms.HiddenInput)
