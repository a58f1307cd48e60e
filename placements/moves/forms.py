from crispy_forms_gds.layout import Field, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from organisations.models import ProviderOrganisation, School
from placements.fields import text_field, version_field
from placements.moves.models import PupilMove


class MoveForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of move?",
        choices=PupilMove.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of move"},
    )
    start_date = date_field("Start date")
    to_school = ModelChoiceField(
        label_field="name",
        label="School (a managed move, or an off-site direction to a school)",
        queryset=School.objects.none(),
        required=False,
        empty_label="Select a school",
    )
    to_provider = ModelChoiceField(
        label_field="name",
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
        self.fields["to_school"].queryset = School.objects.filter(
            la_id__in=la_ids, is_open=True
        ).order_by("name")
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
    notes = text_field("What the review found")
    outcome = forms.ChoiceField(
        label="Outcome (only when the move ends)",
        choices=[("", "Not yet: it continues"), *PupilMove.Outcome.choices],
        required=False,
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("held_on"),
            Field.textarea("notes"),
            Field.select("outcome"),
            Field("version"),
            Submit("save", "Record the review"),
        )
