from crispy_forms_gds.layout import Field, Submit
from django import forms

from approvision.forms import ModelChoiceField, date_field, gds_helper
from cases.casework.models import CaseNote
from organisations.models import User


class LeadForm(forms.Form):
    to = ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Lead officer", empty_label="Nobody"
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Needed for a handover: for example, “Officer on leave until March”",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = candidates
        self.fields["to"].label_from_instance = lambda user: user.display_name
        self.helper = gds_helper(
            Field.select("to"), Field.textarea("reason"), Submit("save", "Save the lead officer")
        )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of note",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of note it is"},
    )
    happened_on = date_field("Date")
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        # As the service says it, so a note missing its kind and its text shows both at once.
        error_messages={"required": "Enter the note"},
    )
    restricted = forms.BooleanField(
        label="Only the local authority may read it (safeguarding)",
        help_text="Schools and providers will not see this note",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, may_restrict: bool, button: str = "Add the note", **kwargs):
        super().__init__(*args, **kwargs)
        if not may_restrict:
            del self.fields["restricted"]
        layout = [
            Field.radios("kind", inline=True),
            Field("happened_on"),
            Field.textarea("text"),
        ]
        if may_restrict:
            layout.append(Field.checkbox("restricted"))
        self.helper = gds_helper(*layout, Field("version"), Submit("save", button))
