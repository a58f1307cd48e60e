import re

from crispy_forms_gds.layout import (
    Field,
    Fieldset,
    Fixed,
    Fluid,
    Size,
    Submit,
)
from django import forms
from django.contrib.auth import forms as auth_forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from organisations.models import (
    LocalAuthority,
    NonSchoolDay,
    ProviderOrganisation,
    School,
    Trust,
    User,
)
from organisations.roles import LA_ROLES, ROLE_ORGANISATION_FIELD, Role

INVALID_CREDENTIALS = "Enter a correct username and password"


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        max_length=256,
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("password", field_width=Fixed.TWENTY),
            Submit("submit", "Sign in"),
        )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        help_text="The 6-digit code shown in the app, for example 123456",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "Enter the code as 6 digits, like 123456",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, submit_label="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("code", field_width=Fixed.FIVE), Submit("submit", submit_label)
        )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)


class UserAddForm(forms.Form):
    """An LA administrator adds a user: who they are, their role and their organisation."""

    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter a last name"})
    email = forms.EmailField(
        label="Email address",
        # A TextInput typed "email": crispy-forms-gds marks errors only on TextInput and friends.
        widget=forms.TextInput(
            attrs={"input_type": "email", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    username = forms.RegexField(
        regex=r"^[\w.@+-]{3,150}$",
        help_text="What they will sign in with: letters, numbers and . @ + - _ only",
        error_messages={
            "required": "Enter a username",
            "invalid": "Enter a username of 3 or more letters, numbers or . @ + - _",
        },
    )
    job_title = forms.CharField(max_length=100, required=False, label="Job title (optional)")
    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )
    school = ModelChoiceField(
        queryset=School.objects.none(), required=False, help_text="For school staff"
    )
    trust = ModelChoiceField(
        queryset=Trust.objects.none(), required=False, help_text="For trust leads"
    )
    provider = ModelChoiceField(
        queryset=ProviderOrganisation.objects.none(),
        required=False,
        help_text="For provider staff. Local authority roles join your local authority.",
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["school"].queryset = School.objects.visible_to(by).order_by("name")
        self.fields["trust"].queryset = Trust.objects.visible_to(by).order_by("name")
        self.fields["provider"].queryset = ProviderOrganisation.objects.visible_to(by).order_by(
            "name"
        )
        for name in ("school", "trust", "provider"):
            self.fields[name].empty_label = f"Select a {name}"
            # An error message for people, not SQL (ruff's S608 mistakes "Select ... from").
            self.fields[name].error_messages["invalid_choice"] = f"Select a {name} from the list"  # noqa: S608 # nosec B608
        self.helper = gds_helper(
            Field.text("first_name", field_width=Fixed.TWENTY),
            Field.text("last_name", field_width=Fixed.TWENTY),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            # Not a conditional reveal: GOV.UK Frontend marks those radios with aria-expanded,
            # which ARIA does not allow on a radio (govuk-frontend issue 979), and every page
            # here must pass axe with no exceptions.
            Field.radios("role"),
            Fieldset(
                Field.select("school"),
                Field.select("trust"),
                Field.select("provider"),
                legend="Where they work",
                legend_size=Size.SMALL,
            ),
            Submit("submit", "Add user"),
        )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken: choose another")
        return username

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role:
            field = ROLE_ORGANISATION_FIELD[Role(role)]
            if field == "la":
                cleaned["organisation"] = self.by.membership.la
            elif cleaned.get(field) is None:
                if field not in self.errors:
                    self.add_error(field, f"Select the {field} they work for")
            else:
                cleaned["organisation"] = cleaned[field]
        return cleaned


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters. A few unrelated words make a strong password you can remember."
        )
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages["password_incorrect"] = "Your current password is not right"
        self.error_messages["password_mismatch"] = "The two new passwords do not match"
        self.helper = gds_helper(
            Field.text("old_password", field_width=Fixed.TWENTY),
            Field.text("new_password1", field_width=Fixed.TWENTY),
            Field.text("new_password2", field_width=Fixed.TWENTY),
            Submit("submit", "Change password"),
        )


class TermForm(forms.Form):
    start = date_field("First day")
    end = date_field("Last day")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("start"), Field("end"), Submit("submit", "Save dates"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "The last day must be after the first day")
        return cleaned


class NonSchoolDayForm(forms.Form):
    date = date_field("Date")
    kind = forms.ChoiceField(
        label="Type of day",
        choices=NonSchoolDay.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of day"},
    )
    description = forms.CharField(max_length=200, required=False, label="Description (optional)")
    school = ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        label="School (optional)",
        help_text="Leave blank for every school in the local authority",
        empty_label="Every school",
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.helper = gds_helper(
            Field("date"),
            Field.radios("kind"),
            Field.text("description", field_width=Fluid.TWO_THIRDS),
            Field.select("school"),
            Submit("submit", "Add day"),
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day.weekday() >= 5:
            raise forms.ValidationError("Choose a weekday: weekends are never school days")
        return day


DISTRICT = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")


class LocalAuthoritySettingsForm(forms.ModelForm):
    """The LA's own rules where the law leaves them to it."""

    class Meta:
        model = LocalAuthority
        fields = [
            "full_time_hours",
            "review_interval_weeks",
            "attendance_threshold",
            "caseload_grace_days",
            "pex_quota",
            "pex_quota_charge",
            "inset_days_are_school_days",
            "postcode_neighbours",
            "council_roles",
            "retain_pupil_records_to_age",
            "retain_sen_records_to_age",
        ]
        labels = {"inset_days_are_school_days": "INSET days count as school days in deadlines"}
        help_texts = {
            "inset_days_are_school_days": (
                "Not recommended: a school day is a day with a session for pupils (Education Act "
                "1996 s579), so counting INSET days brings deadlines forward"
            ),
            "retain_pupil_records_to_age": "Records are deleted after this birthday (usually 25)",
            "retain_sen_records_to_age": (
                "For a pupil who has ever had special educational needs (usually 31)"
            ),
        }
        error_messages = {
            field: {
                "required": "Enter a number",
                "invalid": "Enter a number",
                "min_value": "Enter %(limit_value)s or more",
                "max_value": "Enter %(limit_value)s or fewer",
            }
            for field in (
                "full_time_hours",
                "review_interval_weeks",
                "attendance_threshold",
                "caseload_grace_days",
                "retain_pupil_records_to_age",
                "retain_sen_records_to_age",
            )
        }

    def clean_postcode_neighbours(self):
        text = self.cleaned_data["postcode_neighbours"]
        for number, line in enumerate(text.splitlines(), start=1):
            district, colon, others = line.partition(":")
            if line.strip() and (not colon or not DISTRICT.fullmatch(district.strip().upper())):
                raise forms.ValidationError(
                    f"Line {number} must be a district, a colon, then the districts next to it, "
                    "like NM4: NM3, NM5"
                )
            for other in re.split(r"[\s,;]+", others.strip()):
                if other and not DISTRICT.fullmatch(other.upper()):
                    raise forms.ValidationError(
                        f"Line {number}: {other} is not a postcode district, like NM3"
                    )
        return text.strip()

    def clean_council_roles(self):
        text = self.cleaned_data["council_roles"]
        allowed = sorted(role.value for role in LA_ROLES)
        for number, line in enumerate(text.splitlines(), start=1):
            group, equals, role = line.partition("=")
            if line.strip() and (not equals or not group.strip() or role.strip() not in allowed):
                raise forms.ValidationError(
                    f"Line {number} must be a group, an equals sign and one of "
                    f"{', '.join(allowed)}, like AP-Officers = la_officer"
                )
        return text.strip()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("full_time_hours", field_width=Fixed.FIVE),
            Field.text("review_interval_weeks", field_width=Fixed.FIVE),
            Field.text("attendance_threshold", field_width=Fixed.FIVE),
            Field.text("caseload_grace_days", field_width=Fixed.FIVE),
            Field.text("pex_quota", field_width=Fixed.FIVE),
            Field.text("pex_quota_charge", field_width=Fixed.TEN),
            Field.checkbox("inset_days_are_school_days"),
            Field.textarea("postcode_neighbours", rows=4),
            Field.textarea("council_roles", rows=3),
            Field.text("retain_pupil_records_to_age", field_width=Fixed.FIVE),
            Field.text("retain_sen_records_to_age", field_width=Fixed.FIVE),
            Submit("save", "Save the settings"),
        )
