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
