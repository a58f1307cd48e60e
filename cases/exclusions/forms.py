from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Size, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from cases.exclusions.models import Deadline, Exclusion, ExclusionReason
from organisations.models import School

REASON_CHOICES = [("", "Select a reason"), *ExclusionReason.choices]


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of exclusion",
        choices=[
            (Exclusion.Kind.SUSPENSION, "Suspension"),
            (Exclusion.Kind.LUNCHTIME, "Lunchtime suspension"),
            (Exclusion.Kind.PERMANENT, "Permanent exclusion"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of exclusion"},
    )
    start_date = date_field("First day")
    end_date = date_field(
        "Last day",
        required=False,
        hint="For a suspension. Leave blank for a permanent or lunchtime exclusion",
    )
    sessions = forms.IntegerField(
        label="Number of half-day sessions",
        required=False,
        min_value=1,
        max_value=90,
        help_text="For a suspension: a whole day is 2 sessions",
        error_messages={
            "invalid": "Enter the number of sessions as a whole number, like 4",
            "min_value": "Enter at least 1 session",
            "max_value": "A suspension can be at most 45 days (90 sessions) in a school year",
        },
    )
    reason_1 = forms.ChoiceField(
        label="Main reason",
        choices=REASON_CHOICES,
        error_messages={"required": "Select the main reason"},
    )
    reason_2 = forms.ChoiceField(
        label="Second reason (optional)", choices=REASON_CHOICES, required=False
    )
    reason_3 = forms.ChoiceField(
        label="Third reason (optional)", choices=REASON_CHOICES, required=False
    )
    decided_by = forms.CharField(
        label="Headteacher who decided",
        max_length=200,
        error_messages={"required": "Enter the name of the headteacher who decided"},
    )
    parents_notified_on = date_field("Date parents were told", required=False)
    misses_public_exam = forms.BooleanField(
        required=False, label="The pupil will miss a public exam or national curriculum test"
    )
    public_exam_on = date_field(
        "Date of the first exam missed",
        required=False,
        hint="The board must try to meet before it. For example, 12 5 2027",
    )
    no_further_exams = forms.BooleanField(
        required=False,
        label="Year 11, and has taken (or missed) every public exam entered for this year",
        help_text="Then neither the school nor the LA must arrange education from the 6th day",
    )
    late_reason = forms.CharField(
        label="Why it is recorded only now (if it started more than a term ago)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind"),
            Field("start_date"),
            Field("end_date"),
            Field.text("sessions", field_width=Fixed.THREE),
            Fieldset(
                Field.select("reason_1"),
                Field.select("reason_2"),
                Field.select("reason_3"),
                legend="Reasons (DfE codes)",
                legend_size=Size.SMALL,
            ),
            Field.text("decided_by", field_width=Fluid.TWO_THIRDS),
            Field("parents_notified_on"),
            Field.checkbox("misses_public_exam"),
            Field("public_exam_on"),
            Field.checkbox("no_further_exams"),
            Field.textarea("late_reason"),
            Submit("submit", "Record exclusion"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if cleaned.get("kind") == Exclusion.Kind.SUSPENSION:
            if end is None and "end_date" not in self.errors:
                self.add_error("end_date", "Enter the last day of the suspension")
            if not cleaned.get("sessions") and "sessions" not in self.errors:
                self.add_error("sessions", "Enter how many half-day sessions it lasts")
        if start and end and end < start:
            self.add_error("end_date", "The last day must be the same as or after the first day")
        reasons = [cleaned.get(f"reason_{i}") for i in (1, 2, 3)]
        chosen = [r for r in reasons if r]
        if len(set(chosen)) != len(chosen):
            self.add_error("reason_2", "Give each reason once")
        cleaned["reasons"] = chosen
        return cleaned


# What the person recording a move sees, for each state an exclusion can move to.
MOVE_LABELS = {
    Exclusion.State.BOARD_REVIEW_DUE: "Parents have made representations to the governing board",
    Exclusion.State.UPHELD: "The governing board upheld the exclusion (declined to reinstate)",
    Exclusion.State.REINSTATED: "The pupil has been reinstated",
    Exclusion.State.REVIEW_REQUESTED: "Parents have applied for an independent review",
    Exclusion.State.REVIEW_OUTCOME: "The independent review panel has decided",
    Exclusion.State.CANCELLED: "The headteacher cancelled the exclusion",
}


class TransitionForm(forms.Form):
    to = forms.ChoiceField(
        label="What has happened?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has happened"},
    )
    on = date_field("Date it happened")
    outcome = forms.ChoiceField(
        label="The panel's decision",
        choices=Exclusion.ReviewOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only when recording the independent review panel's decision",
    )
    notice_sent_on = date_field(
        "Date written notice of the decision was sent",
        required=False,
        hint="When the board upheld a permanent exclusion: the review window counts from it",
    )
    notice_method = forms.ChoiceField(
        label="How the notice was sent",
        choices=Exclusion.NoticeMethod.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="A notice posted first class counts as given on the second working day after",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, exclusion: Exclusion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, MOVE_LABELS[s]) for s in sorted(exclusion.allowed_moves())]
        self.fields["version"].initial = exclusion.version
        self.helper = gds_helper(
            Field.radios("to"),
            Field("on"),
            Field.radios("outcome"),
            *(
                (Field("notice_sent_on"), Field.radios("notice_method"))
                if exclusion.kind == Exclusion.Kind.PERMANENT
                and Exclusion.State.UPHELD in exclusion.allowed_moves()
                else ()
            ),
            Field.textarea("note"),
            Field("version"),
            Submit("submit", "Save"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Exclusion.State.REVIEW_OUTCOME and not cleaned.get("outcome"):
            self.add_error("outcome", "Select what the review panel decided")
        if cleaned.get("notice_sent_on") and not cleaned.get("notice_method"):
            self.add_error("notice_method", "Select how the notice was sent")
        missing_date = not cleaned.get("notice_sent_on") and "notice_sent_on" not in self.errors
        if cleaned.get("notice_method") and missing_date:
            self.add_error("notice_sent_on", "Enter the date the notice was sent")
        return cleaned


class NoticeForm(forms.Form):
    """How and when written notice of the board's decision not to reinstate went to parents."""

    sent_on = date_field("Date the notice was sent")
    method = forms.ChoiceField(
        label="How the notice was sent",
        choices=Exclusion.NoticeMethod.choices,
        widget=forms.RadioSelect,
        help_text="A notice posted first class counts as given on the second working day after",
        error_messages={"required": "Select how the notice was sent"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, exclusion: Exclusion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = exclusion.version
        self.helper = gds_helper(
            Field("sent_on"), Field.radios("method"), Field("version"), Submit("submit", "Save")
        )


class DeadlineFilterForm(forms.Form):
    WHEN = [
        ("overdue", "Overdue"),
        ("today", "Due today"),
        ("week", "Due in the next 7 days"),
        ("open", "All open"),
    ]
    when = forms.ChoiceField(choices=WHEN, required=False, label="Due")
    school = ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label="All schools",
        label_field="name",
    )
    kind = forms.ChoiceField(
        choices=[("", "All types"), *Deadline.Kind.choices], required=False, label="Type"
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"
