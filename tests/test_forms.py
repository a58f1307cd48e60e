"""The shared form parts."""

import re

import pytest
from django import forms

from approvision.forms import FastSelect, ModelChoiceField
from organisations.models import School

CHOICES = [("", "All schools"), (1, "Smith & Jones <School>"), ("Closed", [(2, 'Old "Q" School')])]
ATTRS = {"id": "id_school", "class": "govuk-select", "required": True, "disabled": False}


@pytest.mark.parametrize("value", ["1", "2", None])
def test_the_fast_select_writes_what_djangos_select_template_writes(value):
    def squeezed(html):
        return re.sub(r">\s+<", "><", str(html))

    slow = forms.Select(choices=CHOICES).render("school", value, ATTRS)
    fast = FastSelect(choices=CHOICES).render("school", value, ATTRS)
    assert squeezed(fast) == squeezed(slow)
    assert "&lt;School&gt;" in fast and "<School>" not in fast


def test_model_choices_use_it():
    assert isinstance(ModelChoiceField(queryset=School.objects.none()).widget, FastSelect)


def test_a_select_labelled_by_a_field_draws_the_same_options_without_making_models(world):
    """label_field reads (id, name) pairs for drawing; what is posted is still checked against
    the queryset and given back as a school."""
    from unittest import mock

    schools = School.objects.filter(la=world["home"]).order_by("name")

    class Form(forms.Form):
        by_model = ModelChoiceField(queryset=schools, empty_label="Select a school")
        by_name = ModelChoiceField(
            queryset=schools, empty_label="Select a school", label_field="name"
        )

    chosen = schools[1]
    form = Form(initial={"by_model": chosen, "by_name": chosen})
    drawn = str(form["by_model"]).replace("by_model", "X")
    with mock.patch.object(School, "from_db", side_effect=AssertionError("a model was made")):
        assert str(form["by_name"]).replace("by_name", "X") == drawn
    assert (
        f'value="{chosen.pk}" selected' in drawn and drawn.count("<option") == schools.count() + 1
    )

    posted = Form({"by_model": chosen.pk, "by_name": chosen.pk})
    assert posted.is_valid() and posted.cleaned_data["by_name"] == chosen
    elsewhere = School.objects.exclude(la=world["home"]).first()
    refused = Form({"by_model": chosen.pk, "by_name": elsewhere.pk})
    assert not refused.is_valid() and "by_name" in refused.errors
