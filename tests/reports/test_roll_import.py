"""Importing the bases of the rates from the DfE's school-level file: checked first, every
problem named, applied all or nothing, and the same file again changes nothing."""

from datetime import date

import pytest

from reports.models import RollCount
from reports.roll_import import census_day_of, roll_counts_apply, roll_counts_check

pytestmark = pytest.mark.django_db


def _file(*rows, header="urn,time_period,headcount of pupils,SEN support,EHC plan"):
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_time_period_names_the_spring_census_of_that_school_year():
    # 2025/26's spring census: the third Thursday of January 2026 (1, 8, 15 January).
    assert census_day_of("202526") == date(2026, 1, 15)
    with pytest.raises(ValueError, match="not a school year"):
        census_day_of("202527")


def test_census_counts_are_checked_then_applied_once(world, today):
    la, school = world["home"], world["maintained"]
    checked = roll_counts_check(
        la=la,
        content=_file(
            f"{school.urn},202526,1012,140,c",
            f"{world['foreign'].urn},202526,800,90,20",  # another LA's school: skipped
        ),
        today=today,
    )
    assert checked.ok, checked.errors
    assert (checked.added, checked.skipped) == (2, 1)
    assert checked.not_held == {"EHC plan": 1}
    roll_counts_apply(la=la, checked=checked)
    held = dict(
        RollCount.objects.filter(school=school, census_date=date(2026, 1, 15)).values_list(
            "characteristic", "pupils"
        )
    )
    assert held == {"all": 1012, "sen_support": 140}
    again = roll_counts_check(la=la, content=_file(f"{school.urn},202526,1012,140,c"), today=today)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{urn},202526,lots,140,3", "headcount of pupils: “lots” is not a number of pupils"),
        ("{urn},202526,100,140,3", "SEN support: more than the school's headcount"),
        ("{urn},20252026,100,10,3", "is not a school year"),
        ("{urn},203031,100,10,3", "is not between 2000 and today"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(world, today, row, message):
    school = world["maintained"]
    checked = roll_counts_check(
        la=world["home"], content=_file(row.format(urn=school.urn)), today=today
    )
    assert not checked.ok
    assert any(message in text for _, text in checked.errors), checked.errors
    with pytest.raises(ValueError):
        roll_counts_apply(la=world["home"], checked=checked)
    assert not RollCount.objects.exists()


def test_an_officer_types_in_a_schools_counts_and_bad_ones_are_named(world, today, sign_in):
    from django.urls import reverse

    client = sign_in(world["users"]["la_officer"])
    school = world["maintained"]
    typed = {
        "school": school.pk,
        "census_date_0": "15",
        "census_date_1": "1",
        "census_date_2": "2026",
        "all": "600",
        "sen_support": "700",
        "fsm": "",
    }
    answer = client.post(reverse("reports:bases_enter"), typed)
    assert answer.status_code == 200
    assert "SEN support: more than all pupils" in answer.content.decode()
    assert 'value="700"' in answer.content.decode()  # what was typed is kept
    assert not RollCount.objects.exists()
    answer = client.post(reverse("reports:bases_enter"), {**typed, "sen_support": "70"})
    assert answer.status_code == 302
    held = dict(RollCount.objects.filter(school=school).values_list("characteristic", "pupils"))
    assert held == {"all": 600, "sen_support": 70}
    empty = client.post(reverse("reports:bases_enter"), {**typed, "all": "", "sen_support": ""})
    assert "Enter at least one count" in empty.content.decode()
    assert (
        sign_in(world["users"]["director"]).get(reverse("reports:bases_enter")).status_code == 403
    )
