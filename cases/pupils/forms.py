from datetime import date

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Hidden, Size, Submit
from django import forms
from django.utils import timezone

from approvision.forms import ModelChoiceField, date_field, gds_helper
from cases.pupils.identifiers import upn_normalise, upn_validator
from cases.pupils.models import Enrolment, Pupil
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
        label_field="name",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        label="Home local authority (optional)",
        help_text="Only if they live in a different local authority from their school",
        empty_label="The same as the school's",
    )
    school = ModelChoiceField(
        label_field="name",
        queryset=School.objects.none(),
        label="School",
        error_messages={"required": "Select the school whose roll they are on"},
    )
    joined_on = date_field("Date they joined the school", hint="For example, 1 9 2024")

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
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


class PupilEditForm(PupilForm):
    """The pupil's details and where they live; the UPN, school and roll are changed elsewhere."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    home_postcode = forms.CharField(
        label="Postcode where they live (optional)", max_length=10, required=False
    )
    arrived_on = date_field(
        "Date they arrived in the area (optional)",
        required=False,
        hint="Only for a child new to the area. For example, 2 11 2026",
    )
    last_school_elsewhere = forms.CharField(
        max_length=200,
        required=False,
        label="Their last school outside the local authority or abroad (optional)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, schools=School.objects.none(), **kwargs)
        for name in ("upn", "school", "joined_on"):
            del self.fields[name]
        self.helper = gds_helper(
            *_details_layout(),
            Fieldset(
                Field.text("home_postcode", field_width=Fixed.TEN),
                Field("arrived_on"),
                Field.text("last_school_elsewhere"),
                legend="Where they live and where they came from",
                legend_size=Size.MEDIUM,
            ),
            Field("version"),
            Submit("submit", "Save changes"),
        )


class UnplacedPupilForm(PupilForm):
    """A child without a school place: new to the area, from another LA or from abroad."""

    home_postcode = forms.CharField(
        label="Postcode where they live",
        max_length=10,
        help_text="For example, NM4 8JW: Fair Access looks for schools near it",
        error_messages={"required": "Enter the postcode where they live"},
    )
    arrived_on = date_field(
        "Date they arrived in the area",
        required=False,
        hint="Leave blank if they have lived here and left a school. For example, 2 11 2026",
    )
    last_school = ModelChoiceField(
        label_field="name",
        queryset=School.objects.order_by("name"),
        required=False,
        label="Their last school, if it is on this list (optional)",
        empty_label="Not on the list, or none",
    )
    last_school_elsewhere = forms.CharField(
        max_length=200,
        required=False,
        label="Their last school outside the local authority or abroad (optional)",
        help_text="Its name and where it is, for example Liceum nr 3, Gdańsk, Poland",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, schools=School.objects.none(), **kwargs)
        for name in ("school", "joined_on"):
            del self.fields[name]
        self.fields["upn"].required = False
        self.fields["upn"].label = "UPN (unique pupil number), if they have one"
        self.fields["upn"].help_text = (
            "Leave blank for a child from abroad: a temporary UPN is given until a school "
            "gives theirs"
        )
        self.helper = gds_helper(
            Field.text("upn", field_width=Fixed.TWENTY),
            *_details_layout(),
            Fieldset(
                Field.text("home_postcode", field_width=Fixed.TEN),
                Field("arrived_on"),
                Field.select("last_school"),
                Field.text("last_school_elsewhere"),
                legend="Where they live and where they came from",
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", "Add the child"),
        )

    def clean_upn(self):
        return upn_normalise(self.cleaned_data["upn"]) if self.cleaned_data["upn"] else ""

    def clean_arrived_on(self):
        arrived = self.cleaned_data["arrived_on"]
        if arrived and arrived > timezone.localdate():
            raise forms.ValidationError("The date they arrived must be today or in the past")
        return arrived


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
        label_field="name",
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
