from crispy_forms_gds.layout import Field, Submit
from django import forms

from approvision.forms import gds_helper
from cases.notices.kinds import KINDS
from cases.notices.models import NoticePreference


class PreferencesForm(forms.Form):
    """One question per kind of message: at once, in a daily summary, or (if it may be) not at
    all."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        for kind in KINDS.values():
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
                    f"For: {kind.audience.lower()}. A statutory notice: it cannot be turned off"
                    if kind.statutory
                    else f"For: {kind.audience.lower()}"
                ),
                error_messages={"required": f"Select how you are told: {kind.label.lower()}"},
            )
            layout.append(Field.radios(kind.key, inline=True))
        self.helper = gds_helper(*layout, Submit("save", "Save how I am told"))
