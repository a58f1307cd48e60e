from datetime import date

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Hidden, Size, Submit
from django import forms
from django.utils import timezone

from approvision.forms import ModelChoiceField
from cases.identifiers import upn_normalise, upn_validator
from cases.models import (
    Deadline,
    Enrolment,
    Exclusion,
    ExclusionReason,
    FairAccessGroup,
    Pupil,
    Referral,
)
from organisations.forms import date_field, gds_helper
from organisations.models import LocalAuthority, School


def _details_layout():
    """The questions about the pupil, shared by adding and changing them."""
    return [
        Fieldset(
            Field.text("legal_first_name", field_width=Fixed.TWENTY),
            Field.text("legal_last_name", field_width=Fixed.TWENTY),
            Field.text("preferred_first_name", field_width=Fixed.TWENTY),
            Field.text("preferred_last_name", field_width=Fixed.TWENTY),
            legend="Name",
            legend_size=Size.MEDIUM,
        ),
        Field("date_of_birth"),
        Field.radios("sex", inline=True),
        Field.select("ethnicity"),
        Field.radios("sen_status"),
        Field.select("primary_need"),
        Field.radios("social_care"),
        Fieldset(
            Field.checkbox("free_school_meals"),
            Field.checkbox("looked_after"),
            Field.checkbox("youth_justice"),
            legend="Other circumstances",
            legend_size=Size.SMALL,
        ),
        Field.select("home_la"),
    ]


class PupilForm(forms.Form):
    upn = forms.CharField(
        label="UPN (unique pupil number)",
        max_length=20,
        help_text="13 characters, on the pupil's record in your school's information system",
        error_messages={"required": "Enter the pupil's UPN"},
        validators=[upn_validator],
    )
    legal_first_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter their legal first name"}
    )
    legal_last_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter their legal last name"}
    )
    preferred_first_name = forms.CharField(
        max_length=100, required=False, label="Preferred first name (optional)"
    )
    preferred_last_name = forms.CharField(
        max_length=100, required=False, label="Preferred last name (optional)"
    )
    date_of_birth = date_field("Date of birth", hint="For example, 14 6 2012")
    sex = forms.ChoiceField(
        choices=Pupil.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their sex"},
    )
    ethnicity = forms.ChoiceField(
        choices=Pupil.Ethnicity.choices, initial=Pupil.Ethnicity.NOBT, label="Ethnicity"
    )
    sen_status = forms.ChoiceField(
        choices=Pupil.SenStatus.choices,
        widget=forms.RadioSelect,
        initial=Pupil.SenStatus.NONE,
        label="Special educational needs",
    )
    primary_need = forms.ChoiceField(
        choices=[("", "None recorded"), *Pupil.PrimaryNeed.choices],
        required=False,
        label="Primary need (optional)",
        help_text="Only for pupils with SEN support or an EHC plan",
    )
    social_care = forms.ChoiceField(
        choices=Pupil.SocialCare.choices,
        widget=forms.RadioSelect,
        initial=Pupil.SocialCare.NONE,
        label="Children's social care",
    )
    free_school_meals = forms.BooleanField(required=False, label="Eligible for free school meals")
    looked_after = forms.BooleanField(required=False, label="Looked after by a local authority")
    youth_justice = forms.BooleanField(required=False, label="Involved with youth justice services")
    home_la = ModelChoiceField(
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        label="Home local authority (optional)",
        help_text="Only if they live in a different local authority from their school",
        empty_label="The same as the school's",
    )
    school = ModelChoiceField(
        queryset=School.objects.none(),
        label="School",
        error_messages={"required": "Select the school whose roll they are on"},
    )
    joined_on = date_field("Date they joined the school", hint="For example, 1 9 2024")

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"
        # A school's staff add pupils to their own school: no question to ask. The queryset still
        # refuses any other school posted in its place.
        only = schools.first() if schools.count() == 1 else None
        self.helper = gds_helper(
            Field.text("upn", field_width=Fixed.TWENTY),
            *_details_layout(),
            Hidden("school", only.pk) if only else Field.select("school"),
            Field("joined_on"),
            Submit("submit", "Add pupil"),
        )

    def clean_upn(self):
        return upn_normalise(self.cleaned_data["upn"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born and not (date(today.year - 20, 1, 1) <= born <= date(today.year - 2, 12, 31)):
            raise forms.ValidationError("The date of birth must be of a child of school age")
        return born

    def clean_joined_on(self):
        joined = self.cleaned_data["joined_on"]
        if joined and joined > timezone.localdate():
            raise forms.ValidationError("The date they joined must be today or in the past")
        return joined

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("primary_need") and cleaned.get("sen_status") == Pupil.SenStatus.NONE:
            self.add_error("primary_need", "A primary need is recorded only for pupils with SEN")
        return cleaned


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
            Field.textarea("note"),
            Field("version"),
            Submit("submit", "Save"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Exclusion.State.REVIEW_OUTCOME and not cleaned.get("outcome"):
            self.add_error("outcome", "Select what the review panel decided")
        return cleaned


class DeadlineFilterForm(forms.Form):
    WHEN = [
        ("overdue", "Overdue"),
        ("today", "Due today"),
        ("week", "Due in the next 7 days"),
        ("open", "All open"),
    ]
    when = forms.ChoiceField(choices=WHEN, required=False, label="Due")
    school = ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="All schools"
    )
    kind = forms.ChoiceField(
        choices=[("", "All types"), *Deadline.Kind.choices], required=False, label="Type"
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"


class PupilEditForm(PupilForm):
    """The pupil's details; the UPN, school and roll are changed elsewhere."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, schools=School.objects.none(), **kwargs)
        for name in ("upn", "school", "joined_on"):
            del self.fields[name]
        self.helper = gds_helper(
            *_details_layout(),
            Field("version"),
            Submit("submit", "Save changes"),
        )


class LeaveSchoolForm(forms.Form):
    left_on = date_field("Date they left the roll")
    reason = forms.ChoiceField(
        label="Why did they leave?",
        choices=[
            (value, label)
            for value, label in Enrolment.LeavingReason.choices
            if value != Enrolment.LeavingReason.PERMANENTLY_EXCLUDED
        ]
        + [(Enrolment.LeavingReason.PERMANENTLY_EXCLUDED, "Permanently excluded")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why they left"},
    )
    to_school = ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        label="The school they moved to (optional)",
        help_text="Only when they moved to another school in this local authority",
        empty_label="Not a school here",
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = schools
        self.helper = gds_helper(
            Field("left_on"),
            Field.radios("reason"),
            Field.select("to_school"),
            Submit("submit", "Record that they left"),
        )

    def clean(self):
        cleaned = super().clean()
        moved = cleaned.get("reason") == Enrolment.LeavingReason.MOVED_SCHOOL
        if cleaned.get("to_school") and not moved:
            self.add_error("to_school", "Choose a school only when they moved to another school")
        left_on = cleaned.get("left_on")
        if left_on and left_on > timezone.localdate():
            self.add_error("left_on", "The date they left must be today or in the past")
        return cleaned


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


# ---------------------------------------------------------------------------------------------
# Fair Access


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
