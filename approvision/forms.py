"""Form parts shared by every app: the GOV.UK form helper and date input, a fast select, and
putting a service's refusal on its field."""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

# crispy-forms-gds styles a control, and marks it in error, by its widget's class name: the two
# widgets below are named as Django's so that they get the GOV.UK classes (govuk-select,
# govuk-input) and the red error border like every other control.


class Select(forms.Select):
    """A select written in Python rather than one template include per option: the same HTML as
    Django's select template, but a list of 600 schools costs about 1 ms, not 30. Always the
    GOV.UK select, with its error border when the field is in error."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        classes = [c for c in widget["attrs"].get("class", "").split() if c != "fastselect"]
        if "govuk-select" not in classes:
            classes.insert(0, "govuk-select")
        # crispy-forms-gds points aria-describedby at the error messages when there are any.
        if "_error" in widget["attrs"].get("aria-describedby", ""):
            classes.append("govuk-select--error")
        widget["attrs"]["class"] = " ".join(classes)
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            # escape() per value rather than format_html() per option: a third of the time.
            html = "".join(
                f'\n  <option value="{escape(o["value"])}"{_attrs(o["attrs"])}>'
                f"{escape(o['label'])}</option>"
                for o in options
            )
            if group_name:
                html = f'\n  <optgroup label="{escape(group_name)}">{html}\n  </optgroup>'
            groups.append(html)
        # Every value above is escaped.
        return mark_safe(  # noqa: S308 # nosec B308 B703 # nosemgrep: mark-safe-of-a-non-literal
            f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>'
            + "".join(groups)
            + "\n</select>"
        )


FastSelect = Select


class TextInput(forms.TextInput):
    """A number is typed into a text input with a numeric keyboard, as the GOV.UK Design System
    asks (not type="number", whose spinner and scrolling change values unseen); every integer,
    decimal and float field uses it (below)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "spellcheck": "false", **(attrs or {})})


for _number_field in (forms.IntegerField, forms.DecimalField, forms.FloatField):
    _number_field.widget = TextInput


def _attrs(attrs: dict) -> str:
    """Django's attrs.html: True values as bare names, False ones left out, in their order."""
    return "".join(
        f" {escape(key)}" if value is True else f' {escape(key)}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class _LabelledChoices(forms.models.ModelChoiceIterator):
    """The choices read from the database as (id, label) pairs, no model made a row: a select of
    an LA's 600 schools (or a region's 3,000) is drawn in a fifth of the time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_field)


class ModelChoiceField(forms.ModelChoiceField):
    """A model choice drawn as a FastSelect: lists of schools and providers can be long. Its
    empty choice says what to do, never Django's "---------". With `label_field` (a field that
    is the model's label, like a school's name) the options are read as values, not models;
    what is chosen is still checked against the queryset and given back as a model."""

    widget = FastSelect

    def __init__(self, *args, label_field: str | None = None, **kwargs):
        self.label_field = label_field
        if label_field is not None:
            self.iterator = _LabelledChoices
        kwargs.setdefault("empty_label", "Choose one")
        super().__init__(*args, **kwargs)


def show_refusal(form: forms.Form, error: Exception) -> None:
    """Put a service's refusal (approvision.records.Refused) on the field it names, or at the top
    of the form when it names none the form has, so the error summary links to it."""
    errors = getattr(error, "errors", None) or {getattr(error, "field", None): str(error)}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def gds_helper(*layout) -> FormHelper:
    """Every form here: GOV.UK markup, small bold labels, and no browser validation popups
    (the Design System reports errors in its own summary and messages)."""
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*layout)
    return helper


class RealDateField(DateInputField):
    """The GOV.UK date input, refusing with its own plain "must be a real date" message any day,
    month or year that makes no date: 31 February, day 0, and numbers too big for a date at all
    (which raised OverflowError, a server error: hardening finding 4), and years outside
    1900-2100, which no date in a pupil's case can be."""

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not 1900 <= value.year <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def date_field(label: str, *, required: bool = True, hint: str = "") -> DateInputField:
    """A GOV.UK date input (day, month, year boxes) with messages that name the date."""
    field = RealDateField(
        label=label,
        required=required,
        require_all_fields=False,
        help_text=hint or "For example, 1 9 2026",
    )
    field.error_messages["required"] = f"Enter the {label.lower()}"
    field.error_messages["incomplete"] = f"Enter the {label.lower()} as a day, month and year"
    field.error_messages["invalid"] = f"The {label.lower()} must be a real date"
    return field
