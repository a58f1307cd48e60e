from crispy_forms_gds.layout import Field, Submit
from django import forms

from approvision.forms import gds_helper
from cases.notices.kinds import KINDS
from cases.notices.models import Letter, NoticePreference


class PreferencesForm(forms.Form):
    """One question per kind of message: at once, in a daily summary, or (if it may be) not at
    all."""

    channel = forms.ChoiceField(
        label="How you are sent messages",
        choices=[("email", "By e-mail"), ("text", "By text message")],
        initial="email",
        widget=forms.RadioSelect,
        help_text="The daily summary always comes by e-mail",
        error_messages={"required": "Choose e-mail or text messages"},
    )
    mobile = forms.CharField(
        label="Mobile number",
        max_length=20,
        required=False,
        help_text="Needed for text messages. For example, 07700 900 982",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, current: dict[str, str], role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.radios("channel", inline=True), Field.text("mobile", field_width=10)]
        for kind in KINDS.values():
            if role is not None and role not in kind.roles:
                continue
            choices = [
                (mode, label)
                for mode, label in NoticePreference.Mode.choices
                if not (kind.statutory and mode == NoticePreference.Mode.OFF)
            ]
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                widget=forms.RadioSelect,
                initial=current.get(kind.key, NoticePreference.Mode.INSTANT),
                help_text=(
                    f"Sent to {kind.audience}. A statutory notice: it cannot be turned off"
                    if kind.statutory
                    else f"Sent to {kind.audience}"
                ),
                error_messages={"required": f"Select how you are told: {kind.label.lower()}"},
            )
            layout.append(Field.radios(kind.key, inline=True))
        self.helper = gds_helper(*layout, Submit("save", "Save how I am told"))


class LetterForm(forms.Form):
    letter = forms.ChoiceField(
        label="Which letter",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which letter to send"},
    )
    recipient = forms.CharField(
        label="Parent or carer's name",
        max_length=200,
        help_text="As it goes on the envelope: for example, Ms J Okoro",
        error_messages={"required": "Enter the parent or carer's name"},
    )
    address = forms.CharField(
        label="Address",
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "street-address"}),
        help_text="One part on each line, the postcode on the last",
        error_messages={"required": "Enter the address"},
    )
    sent_by = forms.ChoiceField(
        label="How it is sent",
        choices=Letter.SentBy.choices,
        widget=forms.RadioSelect,
        initial=Letter.SentBy.NOTIFY,
        error_messages={"required": "Choose how the letter is sent"},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].choices = choices
        if len(choices) == 1:
            self.fields["letter"].initial = choices[0][0]
        self.helper = gds_helper(
            Field.radios("letter"),
            Field.text("recipient"),
            Field.textarea("address"),
            Field.radios("sent_by"),
            Submit("preview", "Preview the letter", css_class="govuk-button--secondary"),
        )


class LetterTemplateForm(forms.Form):
    heading = forms.CharField(
        label="Heading",
        max_length=200,
        error_messages={"required": "Enter the letter's heading"},
    )
    body = forms.CharField(
        label="Letter",
        widget=forms.Textarea(attrs={"rows": 22}),
        max_length=10000,
        help_text=(
            "Leave a blank line between paragraphs; start a line with * and a space for a list"
        ),
        error_messages={"required": "Enter the letter's words"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("heading"),
            Field.textarea("body"),
            "version",
            Submit("preview", "Preview", css_class="govuk-button--secondary"),
            Submit("save", "Save the wording"),
        )
